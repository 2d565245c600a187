using System.Net;
using System.Text.Json.Nodes;

namespace OneStop.Workflow.Tests.Server;

/// <summary>The departments' work around the engine's tasks keeps the application valid and leaves a complete audit.</summary>
[Collection(ServerCollection.Name)]
public sealed class DepartmentWorkTests(ServerFixture server)
{
    [Fact]
    public async Task Supplement_ThatRoutesToFormsWithMissingRequiredFields_IsRefused_AndNothingChanges()
    {
        var citizen = await server.ClientAsync("citizen2");
        var data = ServerFixture.DemoData("start-a-business");
        foreach (var key in new[] { "businessPremisesAddress", "businessPremisesArea", "foodCategories", "foodSafetyManagerName", "foodSafetyManagerIdNumber" })
            data.Remove(key);
        data["businessType"] = "retail";
        var filed = await (await citizen.PostJsonAsync("/api/applications", new { scenario = "start-a-business", data })).JsonAsync(HttpStatusCode.Created);
        var task = filed["tasks"]![0]!;
        var staff = await server.ClientAsync($"staff.{task["department"]}");
        await (await staff.PostJsonAsync($"/api/tasks/{task["id"]}/request-supplement", new { fields = new[] { "businessType" }, message = "Check the type." }))
            .JsonAsync(HttpStatusCode.OK);

        var problem = await (await citizen.PostJsonAsync($"/api/applications/{filed["id"]}/supplement", new { data = new { businessType = "catering" } }))
            .ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("foodSafetyManagerName", problem["errors"]!.AsObject().Select(e => e.Key));
        var after = await (await citizen.GetAsync($"/api/applications/{filed["id"]}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("retail", (string?)after["data"]!["businessType"]);
        Assert.Equal("supplement-requested", (string?)after["tasks"]!.AsArray().Single(t => (string?)t!["id"] == (string?)task["id"])!["status"]);
    }

    [Fact]
    public async Task Completing_AnUnclaimedTask_RecordsTheClaimInTheAudit()
    {
        var citizen = await server.ClientAsync("citizen1");
        var filed = await (await citizen.PostJsonAsync("/api/applications",
            new { scenario = "newborn-registration", data = ServerFixture.DemoData("newborn-registration") })).JsonAsync(HttpStatusCode.Created);
        var task = (string)filed["tasks"]!.AsArray().Single(t => (string?)t!["department"] == "health-commission")!["id"]!;
        await (await (await server.ClientAsync("staff.health-commission")).PostJsonAsync($"/api/tasks/{task}/complete", new { decision = "approved" }))
            .JsonAsync(HttpStatusCode.OK);

        var history = (await (await (await server.ClientAsync("supervisor")).GetAsync($"/api/applications/{filed["id"]}/history")).JsonAsync(HttpStatusCode.OK)).AsArray();

        var claimed = Assert.Single(history, h => (string?)h!["kind"] == "claimed" && (string?)h["taskId"] == task);
        Assert.Equal("staff.health-commission", (string?)claimed!["actor"]);
    }
}
