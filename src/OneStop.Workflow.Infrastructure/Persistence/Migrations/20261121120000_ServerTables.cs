using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace OneStop.Workflow.Infrastructure.Persistence.Migrations;

/// <summary>
/// What the server needs on top of the engine's tables: the forms kept with each definition version, the initiator of
/// an instance (a citizen's applications), its own user store, the department work on tasks (claims, supplementation
/// requests), the materials citizens upload and the audit trail of those changes. Written by hand like <see cref="InitialSchema"/>.
/// </summary>
[DbContext(typeof(WorkflowDbContext))]
[Migration("20261121120000_ServerTables")]
public sealed class ServerTables : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "Forms", table: "Definitions", nullable: true);
        migrationBuilder.AddColumn<string>(name: "Initiator", table: "Instances", nullable: true);
        migrationBuilder.CreateIndex("IX_Instances_Initiator", "Instances", "Initiator");

        migrationBuilder.CreateTable(
            name: "Users",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                UserName = table.Column<string>(nullable: false),
                PasswordHash = table.Column<string>(nullable: false),
                Roles = table.Column<string>(nullable: false),
                Departments = table.Column<string>(nullable: true),
                CreatedAt = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Users", x => x.Id));

        migrationBuilder.CreateTable(
            name: "TaskWork",
            columns: table => new
            {
                TaskId = table.Column<Guid>(nullable: false),
                InstanceId = table.Column<Guid>(nullable: false),
                ClaimedBy = table.Column<string>(nullable: true),
                ClaimedAt = table.Column<long>(nullable: true),
                SupplementFields = table.Column<string>(nullable: true),
                SupplementMessage = table.Column<string>(nullable: true),
                SupplementRequestedAt = table.Column<long>(nullable: true),
                Version = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_TaskWork", x => x.TaskId);
                table.ForeignKey("FK_TaskWork_Instances_InstanceId", x => x.InstanceId,
                    principalTable: "Instances", principalColumn: "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Audit",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                InstanceId = table.Column<Guid>(nullable: true),
                TaskId = table.Column<Guid>(nullable: true),
                At = table.Column<long>(nullable: false),
                Actor = table.Column<string>(nullable: false),
                Action = table.Column<string>(nullable: false),
                Data = table.Column<string>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Audit", x => x.Id);
                table.ForeignKey("FK_Audit_Instances_InstanceId", x => x.InstanceId,
                    principalTable: "Instances", principalColumn: "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Attachments",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                InstanceId = table.Column<Guid>(nullable: false),
                Department = table.Column<string>(nullable: true),
                FileName = table.Column<string>(nullable: false),
                ContentType = table.Column<string>(nullable: false),
                Size = table.Column<long>(nullable: false),
                Sha256 = table.Column<string>(nullable: false),
                Content = table.Column<byte[]>(nullable: false),
                UploadedBy = table.Column<string>(nullable: false),
                UploadedAt = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Attachments", x => x.Id);
                table.ForeignKey("FK_Attachments_Instances_InstanceId", x => x.InstanceId,
                    principalTable: "Instances", principalColumn: "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex("IX_Attachments_InstanceId", "Attachments", "InstanceId");
        migrationBuilder.CreateIndex("IX_Users_UserName", "Users", "UserName", unique: true);
        migrationBuilder.CreateIndex("IX_TaskWork_InstanceId", "TaskWork", "InstanceId");
        migrationBuilder.CreateIndex("IX_Audit_InstanceId_At", "Audit", ["InstanceId", "At"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("Attachments");
        migrationBuilder.DropTable("Audit");
        migrationBuilder.DropTable("TaskWork");
        migrationBuilder.DropTable("Users");
        migrationBuilder.DropIndex("IX_Instances_Initiator", "Instances");
        migrationBuilder.DropColumn("Initiator", "Instances");
        migrationBuilder.DropColumn("Forms", "Definitions");
    }
}
