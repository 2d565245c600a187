using System.Net;
using System.Text.Json.Nodes;

namespace OneStop.Workflow.Tests.Server;

/// <summary>Service ratings and the supervisors' follow-ups over HTTP.</summary>
[Collection(ServerCollection.Name)]
public sealed class SupervisionTests(ServerFixture server)
{
    /// <summary>Files a newborn registration as <paramref name="citizenName"/> and has every department approve it.</summary>
    internal static async Task<string> CompletedApplicationAsync(ServerHost server, string citizenName)
    {
        var citizen = await server.ClientAsync(citizenName);
        var filed = await (await citizen.PostJsonAsync("/api/applications",
            new { scenario = "newborn-registration", data = ServerFixture.DemoData("newborn-registration") })).JsonAsync(HttpStatusCode.Created);
        var id = (string)filed["id"]!;
        for (var round = 0; round < 20; round++)
        {
            var application = await (await citizen.GetAsync($"/api/applications/{id}")).JsonAsync(HttpStatusCode.OK);
            var open = application["tasks"]!.AsArray().Where(t => (string?)t!["status"] != "completed").ToList();
            if (open.Count == 0)
                return id;
            foreach (var task in open)
            {
                var staff = await server.ClientAsync($"staff.{task!["department"]}");
                await (await staff.PostJsonAsync($"/api/tasks/{task["id"]}/complete", new { decision = "approved" })).JsonAsync(HttpStatusCode.OK);
            }
        }
        throw new InvalidOperationException($"Application {id} did not complete.");
    }

    [Fact]
    public async Task Rating_IsGivenOnceAfterCompletion_AndALowOneOpensAFollowUp()
    {
        var id = await CompletedApplicationAsync(server, "citizen2");
        var citizen = await server.ClientAsync("citizen2");

        var rated = await (await citizen.PostJsonAsync($"/api/applications/{id}/rating", new { score = 2, comment = "Slow answer from one office." }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal(2, (int)rated["score"]!);

        var again = await (await citizen.PostJsonAsync($"/api/applications/{id}/rating", new { score = 5 })).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("once", (string?)again["detail"]);
        var stored = await (await citizen.GetAsync($"/api/applications/{id}/rating")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, (int)stored["score"]!);

        var supervisor = await server.ClientAsync("supervisor");
        var open = (await (await supervisor.GetAsync("/api/follow-ups?status=open")).JsonAsync(HttpStatusCode.OK)).AsArray();
        var followUp = Assert.Single(open, f => (string?)f!["applicationId"] == id);
        Assert.Equal("low-rating", (string?)followUp!["kind"]);
        Assert.Equal("newborn-registration", (string?)followUp["scenario"]);

        var noNote = await (await supervisor.PostJsonAsync($"/api/follow-ups/{followUp["id"]}/close", new { note = " " })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(noNote["errors"]!.AsObject().ContainsKey("note"));
        var closed = await (await supervisor.PostJsonAsync($"/api/follow-ups/{followUp["id"]}/close", new { note = "Called the applicant; the tax office apologised." }))
            .JsonAsync(HttpStatusCode.OK);
        Assert.Equal(("closed", "supervisor"), ((string?)closed["status"], (string?)closed["closedBy"]));
        await (await supervisor.PostJsonAsync($"/api/follow-ups/{followUp["id"]}/close", new { note = "again" })).ProblemAsync(HttpStatusCode.Conflict);
        var stillOpen = (await (await supervisor.GetAsync("/api/follow-ups?status=open")).JsonAsync(HttpStatusCode.OK)).AsArray();
        Assert.DoesNotContain(stillOpen, f => (string?)f!["applicationId"] == id);
    }

    [Fact]
    public async Task GoodRating_OpensNoFollowUp()
    {
        var id = await CompletedApplicationAsync(server, "citizen1");
        await (await (await server.ClientAsync("citizen1")).PostJsonAsync($"/api/applications/{id}/rating", new { score = 4 })).JsonAsync(HttpStatusCode.Created);

        var all = (await (await (await server.ClientAsync("supervisor")).GetAsync("/api/follow-ups?status=all")).JsonAsync(HttpStatusCode.OK)).AsArray();
        Assert.DoesNotContain(all, f => (string?)f!["applicationId"] == id);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public async Task Rating_OutOfRange_IsRefusedOnItsField_AndNothingIsStored(int score)
    {
        var id = await CompletedApplicationAsync(server, "citizen1");
        var citizen = await server.ClientAsync("citizen1");

        var problem = await (await citizen.PostJsonAsync($"/api/applications/{id}/rating", new { score })).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.True(problem["errors"]!.AsObject().ContainsKey("score"));
        await (await citizen.GetAsync($"/api/applications/{id}/rating")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Rating_BeforeCompletion_OrByAnotherCitizen_IsRefused()
    {
        var citizen = await server.ClientAsync("citizen1");
        var filed = await (await citizen.PostJsonAsync("/api/applications",
            new { scenario = "newborn-registration", data = ServerFixture.DemoData("newborn-registration") })).JsonAsync(HttpStatusCode.Created);

        await (await citizen.PostJsonAsync($"/api/applications/{filed["id"]}/rating", new { score = 5 })).ProblemAsync(HttpStatusCode.Conflict);
        var id = await CompletedApplicationAsync(server, "citizen1");
        await (await (await server.ClientAsync("citizen2")).PostJsonAsync($"/api/applications/{id}/rating", new { score = 1 })).ProblemAsync(HttpStatusCode.NotFound);
        await (await (await server.ClientAsync("staff.health-commission")).PostJsonAsync($"/api/applications/{id}/rating", new { score = 1 }))
            .ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task FollowUps_AreForSupervisorsOnly()
    {
        await (await (await server.ClientAsync("staff.health-commission")).GetAsync("/api/follow-ups")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await (await server.ClientAsync("citizen1")).GetAsync("/api/follow-ups")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Unauthorized, (await (await server.ClientAsync(null)).GetAsync("/api/follow-ups")).StatusCode);
        await (await (await server.ClientAsync("supervisor")).GetAsync("/api/follow-ups?status=bogus")).ProblemAsync(HttpStatusCode.BadRequest);
    }
}
