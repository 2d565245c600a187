using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace OneStop.Workflow.Infrastructure.Persistence.Migrations;

/// <summary>Supervision: citizens' ratings of completed applications and the supervisors' follow-up work
/// (overdue escalations and poor ratings). Written by hand like <see cref="InitialSchema"/>.</summary>
[DbContext(typeof(WorkflowDbContext))]
[Migration("20261121210000_Supervision")]
public sealed class Supervision : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Ratings",
            columns: table => new
            {
                InstanceId = table.Column<Guid>(nullable: false),
                Scenario = table.Column<string>(nullable: false),
                Score = table.Column<int>(nullable: false),
                Comment = table.Column<string>(nullable: true),
                RatedBy = table.Column<string>(nullable: false),
                RatedAt = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Ratings", x => x.InstanceId);
                table.ForeignKey("FK_Ratings_Instances_InstanceId", x => x.InstanceId,
                    principalTable: "Instances", principalColumn: "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "FollowUps",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Kind = table.Column<string>(nullable: false),
                Source = table.Column<string>(nullable: false),
                InstanceId = table.Column<Guid>(nullable: false),
                Scenario = table.Column<string>(nullable: false),
                TaskId = table.Column<Guid>(nullable: true),
                Department = table.Column<string>(nullable: true),
                Summary = table.Column<string>(nullable: false),
                CreatedAt = table.Column<long>(nullable: false),
                ClosedAt = table.Column<long>(nullable: true),
                ClosedBy = table.Column<string>(nullable: true),
                Note = table.Column<string>(nullable: true),
                Version = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_FollowUps", x => x.Id);
                table.ForeignKey("FK_FollowUps_Instances_InstanceId", x => x.InstanceId,
                    principalTable: "Instances", principalColumn: "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex("IX_Ratings_Scenario", "Ratings", "Scenario");
        migrationBuilder.CreateIndex("IX_FollowUps_Source", "FollowUps", "Source", unique: true);
        migrationBuilder.CreateIndex("IX_FollowUps_ClosedAt_CreatedAt", "FollowUps", ["ClosedAt", "CreatedAt"]);
        migrationBuilder.CreateIndex("IX_FollowUps_InstanceId", "FollowUps", "InstanceId");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("FollowUps");
        migrationBuilder.DropTable("Ratings");
    }
}
