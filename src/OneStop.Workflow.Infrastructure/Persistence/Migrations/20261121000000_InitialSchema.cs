using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace OneStop.Workflow.Infrastructure.Persistence.Migrations;

/// <summary>
/// The first schema, written by hand (no design-time tools here) with provider-neutral calls: column types come from
/// each provider's type mapping of the CLR type. Instants are UTC ticks (long), enums their names (string).
/// Names follow EF Core's conventions so the migrated schema equals the model's (checked by a test).
/// </summary>
[DbContext(typeof(WorkflowDbContext))]
[Migration("20261121000000_InitialSchema")]
public sealed class InitialSchema : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Definitions",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Key = table.Column<string>(nullable: false),
                Version = table.Column<int>(nullable: false),
                Xml = table.Column<string>(nullable: false),
                ContentHash = table.Column<string>(nullable: false),
                Name = table.Column<string>(nullable: true),
                SourceName = table.Column<string>(nullable: true),
                DeployedAt = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Definitions", x => x.Id));

        migrationBuilder.CreateTable(
            name: "Instances",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                DefinitionId = table.Column<Guid>(nullable: false),
                DefinitionKey = table.Column<string>(nullable: false),
                DefinitionVersion = table.Column<int>(nullable: false),
                BusinessKey = table.Column<string>(nullable: true),
                Status = table.Column<string>(nullable: false),
                StartedAt = table.Column<long>(nullable: false),
                EndedAt = table.Column<long>(nullable: true),
                Version = table.Column<long>(nullable: false),
                State = table.Column<string>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Instances", x => x.Id);
                table.ForeignKey("FK_Instances_Definitions_DefinitionId", x => x.DefinitionId,
                    principalTable: "Definitions", principalColumn: "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "Tasks",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                InstanceId = table.Column<Guid>(nullable: false),
                ActivityId = table.Column<string>(nullable: false),
                Name = table.Column<string>(nullable: true),
                Department = table.Column<string>(nullable: true),
                FormRef = table.Column<string>(nullable: true),
                CreatedAt = table.Column<long>(nullable: false),
                DueAt = table.Column<long>(nullable: true),
                Status = table.Column<string>(nullable: false),
                EndedAt = table.Column<long>(nullable: true),
                EndedBy = table.Column<string>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Tasks", x => x.Id);
                table.ForeignKey("FK_Tasks_Instances_InstanceId", x => x.InstanceId,
                    principalTable: "Instances", principalColumn: "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Timers",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                InstanceId = table.Column<Guid>(nullable: false),
                ActivityId = table.Column<string>(nullable: false),
                DueAt = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Timers", x => x.Id);
                table.ForeignKey("FK_Timers_Instances_InstanceId", x => x.InstanceId,
                    principalTable: "Instances", principalColumn: "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Subscriptions",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                InstanceId = table.Column<Guid>(nullable: false),
                ActivityId = table.Column<string>(nullable: false),
                MessageName = table.Column<string>(nullable: false),
                CorrelationKey = table.Column<string>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Subscriptions", x => x.Id);
                table.ForeignKey("FK_Subscriptions_Instances_InstanceId", x => x.InstanceId,
                    principalTable: "Instances", principalColumn: "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "History",
            columns: table => new
            {
                InstanceId = table.Column<Guid>(nullable: false),
                Sequence = table.Column<int>(nullable: false),
                At = table.Column<long>(nullable: false),
                Kind = table.Column<string>(nullable: false),
                ElementId = table.Column<string>(nullable: true),
                Actor = table.Column<string>(nullable: true),
                Data = table.Column<string>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_History", x => new { x.InstanceId, x.Sequence });
                table.ForeignKey("FK_History_Instances_InstanceId", x => x.InstanceId,
                    principalTable: "Instances", principalColumn: "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex("IX_Definitions_Key_Version", "Definitions", ["Key", "Version"], unique: true);
        migrationBuilder.CreateIndex("IX_Instances_DefinitionId", "Instances", "DefinitionId");
        migrationBuilder.CreateIndex("IX_Tasks_Department_Status_CreatedAt", "Tasks", ["Department", "Status", "CreatedAt"]);
        migrationBuilder.CreateIndex("IX_Tasks_InstanceId", "Tasks", "InstanceId");
        migrationBuilder.CreateIndex("IX_Timers_DueAt", "Timers", "DueAt");
        migrationBuilder.CreateIndex("IX_Timers_InstanceId", "Timers", "InstanceId");
        migrationBuilder.CreateIndex("IX_Subscriptions_MessageName_CorrelationKey", "Subscriptions", ["MessageName", "CorrelationKey"]);
        migrationBuilder.CreateIndex("IX_Subscriptions_InstanceId", "Subscriptions", "InstanceId");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("History");
        migrationBuilder.DropTable("Subscriptions");
        migrationBuilder.DropTable("Timers");
        migrationBuilder.DropTable("Tasks");
        migrationBuilder.DropTable("Instances");
        migrationBuilder.DropTable("Definitions");
    }
}
