using System.Net;
using System.Text.Json.Nodes;

namespace OneStop.Workflow.Tests.Server;

[Collection(ServerCollection.Name)]
public sealed class TaskQueueTests(ServerFixture server)
{
    [Fact]
    public async Task Staff_WithoutADepartmentFilter_SeeOnlyTheirOwnDepartments_SupervisorsSeeAll()
    {
        var citizen = await server.ClientAsync("citizen1");
        await (await citizen.PostJsonAsync("/api/applications",
            new { scenario = "newborn-registration", data = ServerFixture.DemoData("newborn-registration") })).JsonAsync(HttpStatusCode.Created);
        await (await citizen.PostJsonAsync("/api/applications",
            new { scenario = "start-a-business", data = ServerFixture.DemoData("start-a-business") })).JsonAsync(HttpStatusCode.Created);

        var health = await (await (await server.ClientAsync("staff.health-commission")).GetAsync("/api/tasks")).JsonAsync(HttpStatusCode.OK);
        var all = await (await (await server.ClientAsync("supervisor")).GetAsync("/api/tasks?status=open")).JsonAsync(HttpStatusCode.OK);

        Assert.NotEmpty(health.AsArray());
        Assert.All(health.AsArray(), t => Assert.Equal("health-commission", (string?)t!["department"]));
        Assert.Contains(all.AsArray(), t => (string?)t!["department"] == "health-commission");
        Assert.Contains(all.AsArray(), t => (string?)t!["department"] == "market-regulation");
        Assert.All(all.AsArray(), t => Assert.Equal("open", (string?)t!["status"]));
    }

    [Fact]
    public async Task History_AsDepartmentStaff_ShowsOnlyTheFieldsThatDepartmentMaySee()
    {
        var citizen = await server.ClientAsync("citizen1");
        var application = await (await citizen.PostJsonAsync("/api/applications",
            new { scenario = "newborn-registration", data = ServerFixture.DemoData("newborn-registration") })).JsonAsync(HttpStatusCode.Created);
        var path = $"/api/applications/{(string?)application["id"]}/history";

        var asStaff = await (await (await server.ClientAsync("staff.health-commission")).GetAsync(path)).JsonAsync(HttpStatusCode.OK);
        var asOwner = await (await citizen.GetAsync(path)).JsonAsync(HttpStatusCode.OK);

        static JsonObject Submitted(JsonNode history) =>
            history.AsArray().Single(e => (string?)e!["kind"] == "InstanceStarted")!["data"]!["variables"]!.AsObject();
        // The bank account is asked for the medical insurance bureau and the social-security card, not the health commission.
        Assert.False(Submitted(asStaff).ContainsKey("bankAccount"));
        Assert.True(Submitted(asStaff).ContainsKey("childName"));
        Assert.True(Submitted(asOwner).ContainsKey("bankAccount"));
    }

    [Fact]
    public async Task UnknownStatus_IsRefused_NamingTheAllowedOnes()
    {
        var problem = await (await (await server.ClientAsync("supervisor")).GetAsync("/api/tasks?status=pending")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("supplement-requested", (string?)problem["errors"]!["status"]![0]);
    }

    [Fact]
    public async Task UnknownTask_IsNotFound()
    {
        var staff = await server.ClientAsync("staff.health-commission");

        await (await staff.PostAsync($"/api/tasks/{Guid.NewGuid()}/claim", null)).ProblemAsync(HttpStatusCode.NotFound);
    }
}
