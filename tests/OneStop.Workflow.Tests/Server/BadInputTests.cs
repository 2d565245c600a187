using System.Net;
using System.Text.Json.Nodes;

namespace OneStop.Workflow.Tests.Server;

/// <summary>Bad input gets a clear 4xx problem and leaves nothing behind.</summary>
[Collection(ServerCollection.Name)]
public sealed class BadInputTests(ServerFixture server)
{
    [Fact]
    public async Task Application_ForAnUnknownScenario_IsRefused_NamingTheScenarioField()
    {
        var client = await server.ClientAsync("citizen2");
        var before = await CountMineAsync(client);

        var problem = await (await client.PostJsonAsync("/api/applications", new { scenario = "no-such-scenario", data = new { } }))
            .ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("no-such-scenario", (string?)problem["errors"]!["scenario"]![0]);
        Assert.Equal(before, await CountMineAsync(client));
    }

    [Fact]
    public async Task Application_WithMissingAndInvalidFields_GetsAnErrorPerField_AndStoresNothing()
    {
        var client = await server.ClientAsync("citizen2");
        var before = await CountMineAsync(client);
        var data = ServerFixture.DemoData("newborn-registration");
        data.Remove("motherName");
        data["applicantPhone"] = "12345";
        data["birthWeightGrams"] = 20000;
        data["childSex"] = "unknown";

        var problem = await (await client.PostJsonAsync("/api/applications", new { scenario = "newborn-registration", data }))
            .ProblemAsync(HttpStatusCode.BadRequest);

        var fields = problem["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["applicantPhone", "birthWeightGrams", "childSex", "motherName"], fields);
        Assert.Equal(before, await CountMineAsync(client));
    }

    [Fact]
    public async Task Application_WithAWrongIdNumberChecksum_IsRefusedOnThatField()
    {
        var client = await server.ClientAsync("citizen2");
        var data = ServerFixture.DemoData("start-a-business");
        var id = (string)data["legalRepresentativeIdNumber"]!;
        data["legalRepresentativeIdNumber"] = id[..17] + (id[17] == '0' ? '1' : '0');

        var problem = await (await client.PostJsonAsync("/api/applications", new { scenario = "start-a-business", data }))
            .ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["legalRepresentativeIdNumber"], problem["errors"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public async Task Application_WithoutData_OrWithAFieldTheFormDoesNotHave_IsRefused()
    {
        var client = await server.ClientAsync("citizen2");
        var noData = await (await client.PostJsonAsync("/api/applications", new { scenario = "newborn-registration" })).ProblemAsync(HttpStatusCode.BadRequest);
        var data = ServerFixture.DemoData("newborn-registration");
        data["decision_" + Guid.NewGuid().ToString("N")] = "approved";
        var extra = await (await client.PostJsonAsync("/api/applications", new { scenario = "newborn-registration", data })).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.NotNull(noData["errors"]!["data"]);
        Assert.Single(extra["errors"]!.AsObject());
    }

    [Fact]
    public async Task Task_CompletedTwice_IsAConflict_AndAnotherDepartmentsTaskIsForbidden()
    {
        var citizen = await server.ClientAsync("citizen1");
        var filed = await (await citizen.PostJsonAsync("/api/applications",
            new { scenario = "newborn-registration", data = ServerFixture.DemoData("newborn-registration") })).JsonAsync(HttpStatusCode.Created);
        var task = filed["tasks"]!.AsArray().First()!;
        var police = await server.ClientAsync($"staff.{task["department"]}");
        var tax = await server.ClientAsync("staff.tax");

        await (await tax.PostJsonAsync($"/api/tasks/{task["id"]}/complete", new { decision = "approved" })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await tax.PostAsync($"/api/tasks/{task["id"]}/claim", null)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await tax.GetAsync("/api/tasks?department=public-security")).ProblemAsync(HttpStatusCode.Forbidden);

        var rejectWithoutReason = await (await police.PostJsonAsync($"/api/tasks/{task["id"]}/complete", new { decision = "rejected" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(rejectWithoutReason["errors"]!["comment"]);
        var nonsense = await (await police.PostJsonAsync($"/api/tasks/{task["id"]}/complete", new { decision = "maybe" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(nonsense["errors"]!["decision"]);

        await (await police.PostJsonAsync($"/api/tasks/{task["id"]}/complete",
            new { decision = "rejected", comment = "The delivery record does not match the stated birth date." })).JsonAsync(HttpStatusCode.OK);
        await (await police.PostJsonAsync($"/api/tasks/{task["id"]}/complete", new { decision = "approved" })).ProblemAsync(HttpStatusCode.Conflict);

        var application = await (await citizen.GetAsync($"/api/applications/{filed["id"]}")).JsonAsync(HttpStatusCode.OK);
        var decided = application["tasks"]!.AsArray().Single(t => (string?)t!["id"] == (string?)task["id"])!;
        Assert.Equal(("rejected", "in-progress"), ((string?)decided["decision"], (string?)application["status"]));
    }

    [Fact]
    public async Task Task_ClaimedBySomeoneElse_CannotBeCompleted()
    {
        var citizen = await server.ClientAsync("citizen1");
        var filed = await (await citizen.PostJsonAsync("/api/applications",
            new { scenario = "newborn-registration", data = ServerFixture.DemoData("newborn-registration") })).JsonAsync(HttpStatusCode.Created);
        var task = filed["tasks"]!.AsArray().First()!;
        var staff = await server.ClientAsync($"staff.{task["department"]}");
        var supervisor = await server.ClientAsync("supervisor");

        await (await staff.PostAsync($"/api/tasks/{task["id"]}/claim", null)).JsonAsync(HttpStatusCode.OK);
        await (await supervisor.PostJsonAsync($"/api/tasks/{task["id"]}/complete", new { decision = "approved" })).ProblemAsync(HttpStatusCode.Conflict);
        await (await supervisor.PostAsync($"/api/tasks/{task["id"]}/claim", null)).ProblemAsync(HttpStatusCode.Conflict);

        await (await staff.PostAsync($"/api/tasks/{task["id"]}/release", null)).JsonAsync(HttpStatusCode.OK);
        await (await supervisor.PostJsonAsync($"/api/tasks/{task["id"]}/complete", new { decision = "approved" })).JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnotherCitizensApplication_IsNotFound_AndTheBundleWaitsForCompletion()
    {
        var owner = await server.ClientAsync("citizen1");
        var filed = await (await owner.PostJsonAsync("/api/applications",
            new { scenario = "start-a-business", data = ServerFixture.DemoData("start-a-business") })).JsonAsync(HttpStatusCode.Created);
        var other = await server.ClientAsync("citizen2");

        await (await other.GetAsync($"/api/applications/{filed["id"]}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/api/applications/{filed["id"]}/history")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/api/applications/{filed["id"]}/bundle")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/api/applications/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain((await (await other.GetAsync("/api/applications")).JsonAsync(HttpStatusCode.OK)).AsArray(),
            a => (string?)a!["id"] == (string?)filed["id"]);
        await (await owner.GetAsync($"/api/applications/{filed["id"]}/bundle")).ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Verify_WithNoBody_OrGarbage_AnswersClearly()
    {
        var client = await server.ClientAsync(null);

        await (await client.PostAsync("/api/bundles/verify", new ByteArrayContent([]))).ProblemAsync(HttpStatusCode.BadRequest);
        var garbage = await (await client.PostAsync("/api/bundles/verify", new ByteArrayContent("not a zip"u8.ToArray()))).JsonAsync(HttpStatusCode.OK);
        Assert.False((bool)garbage["valid"]!);
    }

    private static async Task<int> CountMineAsync(HttpClient client) =>
        (await (await client.GetAsync("/api/applications")).JsonAsync(HttpStatusCode.OK)).AsArray().Count;
}
