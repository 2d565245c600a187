using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace OneStop.Workflow.Infrastructure.Persistence.Migrations;

/// <summary>
/// The statutory deadline clock: each task's signal and pause, the application's own deadline and signal, and the
/// notice outbox written with the command that caused a notice. Existing tasks and applications start green (the
/// signal's default); existing applications get their deadline from their state the next time a command saves them.
/// Written by hand like <see cref="InitialSchema"/>.
/// </summary>
[DbContext(typeof(WorkflowDbContext))]
[Migration("20261121200000_DeadlineClock")]
public sealed class DeadlineClock : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<int>(name: "Signal", table: "Tasks", nullable: false, defaultValue: 0);
        migrationBuilder.AddColumn<long>(name: "PausedAt", table: "Tasks", nullable: true);
        migrationBuilder.AddColumn<string>(name: "PauseReason", table: "Tasks", nullable: true);
        migrationBuilder.AddColumn<long>(name: "DueAt", table: "Instances", nullable: true);
        migrationBuilder.AddColumn<int>(name: "Signal", table: "Instances", nullable: false, defaultValue: 0);

        migrationBuilder.CreateTable(
            name: "Notices",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                InstanceId = table.Column<Guid>(nullable: false),
                TaskId = table.Column<Guid>(nullable: true),
                Kind = table.Column<string>(nullable: false),
                Department = table.Column<string>(nullable: true),
                At = table.Column<long>(nullable: false),
                Data = table.Column<string>(nullable: true),
                Attempts = table.Column<int>(nullable: false, defaultValue: 0),
                ClaimedUntil = table.Column<long>(nullable: true),
                DispatchedAt = table.Column<long>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Notices", x => x.Id);
                table.ForeignKey("FK_Notices_Instances_InstanceId", x => x.InstanceId,
                    principalTable: "Instances", principalColumn: "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex("IX_Notices_DispatchedAt_At", "Notices", ["DispatchedAt", "At"]);
        migrationBuilder.CreateIndex("IX_Notices_InstanceId", "Notices", "InstanceId");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("Notices");
        migrationBuilder.DropColumn("Signal", "Instances");
        migrationBuilder.DropColumn("DueAt", "Instances");
        migrationBuilder.DropColumn("PauseReason", "Tasks");
        migrationBuilder.DropColumn("PausedAt", "Tasks");
        migrationBuilder.DropColumn("Signal", "Tasks");
    }
}
