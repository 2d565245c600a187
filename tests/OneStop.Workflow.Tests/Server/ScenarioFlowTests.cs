using System.Net;
using System.Text.Json.Nodes;
using OneStop.Workflow.Infrastructure.Bundles;

namespace OneStop.Workflow.Tests.Server;

/// <summary>Both shipped scenarios over HTTP: a citizen files, every department decides in its queue, the citizen
/// receives a sealed bundle that verifies — and a changed byte does not. Run on SQLite and on PostgreSQL.</summary>
public abstract class ScenarioFlowTests(ServerHost server)
{
    [Theory]
    [InlineData("newborn-registration", 4, 5)]
    [InlineData("start-a-business", 6, 7)]
    public async Task ShippedScenario_FromSubmissionThroughEveryDepartment_ToABundleThatVerifies(string scenario, int departments, int tasks)
    {
        var citizen = await server.ClientAsync("citizen1");
        var filed = await (await citizen.PostJsonAsync("/api/applications", new { scenario, data = ServerFixture.DemoData(scenario) }))
            .JsonAsync(HttpStatusCode.Created);
        var id = (string)filed["id"]!;
        Assert.Equal("submitted", (string?)filed["status"]);
        Assert.Equal(scenario, (string?)filed["scenario"]);

        var decided = new HashSet<string>();
        for (var round = 0; round < 20; round++)
        {
            var application = await (await citizen.GetAsync($"/api/applications/{id}")).JsonAsync(HttpStatusCode.OK);
            var open = application["tasks"]!.AsArray().Where(t => (string?)t!["status"] != "completed").ToList();
            if (open.Count == 0)
                break;
            foreach (var task in open)
            {
                var department = (string)task!["department"]!;
                var staff = await server.ClientAsync($"staff.{department}");
                var queue = await (await staff.GetAsync($"/api/tasks?department={department}&status=open")).JsonAsync(HttpStatusCode.OK);
                Assert.Contains(queue.AsArray(), item => (string?)item!["id"] == (string?)task["id"] && (string?)item["applicationId"] == id);

                var claimed = await (await staff.PostAsync($"/api/tasks/{task["id"]}/claim", null)).JsonAsync(HttpStatusCode.OK);
                Assert.Equal("claimed", (string?)claimed["status"]);
                // A decision's data are fields of the department's form: here the first one it sees, confirmed as filed.
                var seen = (await (await staff.GetAsync($"/api/applications/{id}")).JsonAsync(HttpStatusCode.OK))["data"]!.AsObject().First();
                var completed = await (await staff.PostJsonAsync($"/api/tasks/{task["id"]}/complete",
                    new { decision = "approved", comment = "Checked against the records.", data = new JsonObject { [seen.Key] = seen.Value?.DeepClone() } }))
                    .JsonAsync(HttpStatusCode.OK);
                Assert.Equal(("completed", "approved"), ((string?)completed["status"], (string?)completed["decision"]));
                decided.Add((string)task["id"]!);
            }
        }

        var done = await (await citizen.GetAsync($"/api/applications/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("completed", (string?)done["status"]);
        Assert.NotNull(done["completedAt"]);
        Assert.Equal(tasks, decided.Count);
        Assert.Equal(departments, done["tasks"]!.AsArray().Select(t => (string?)t!["department"]).Distinct().Count());
        Assert.All(done["tasks"]!.AsArray(), t => Assert.Equal("approved", (string?)t!["decision"]));

        var bundle = await citizen.GetAsync($"/api/applications/{id}/bundle");
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        Assert.Equal("application/zip", bundle.Content.Headers.ContentType?.MediaType);
        var zip = await bundle.Content.ReadAsByteArrayAsync();

        var anonymous = await server.ClientAsync(null);
        var verified = await (await anonymous.PostAsync("/api/bundles/verify", Zip(zip))).JsonAsync(HttpStatusCode.OK);
        Assert.True((bool)verified["valid"]!, verified.ToJsonString());
        Assert.Equal(id, (string?)verified["applicationId"]);
        Assert.Equal(tasks + 1, (int)verified["files"]!); // one PDF per decision and the summary

        var key = await (await anonymous.GetAsync("/api/seal/public-key")).JsonAsync(HttpStatusCode.OK);
        using (var offline = new MemoryStream(zip))
            Assert.True(OutcomeBundleVerifier.Verify(offline, (string)key["pem"]!).Valid);

        var tampered = (byte[])zip.Clone();
        tampered[tampered.Length / 3] ^= 0x01;
        var refused = await (await anonymous.PostAsync("/api/bundles/verify", Zip(tampered))).JsonAsync(HttpStatusCode.OK);
        Assert.False((bool)refused["valid"]!);
        Assert.NotEmpty(refused["problems"]!.AsArray());

        var history = await (await citizen.GetAsync($"/api/applications/{id}/history")).JsonAsync(HttpStatusCode.OK);
        var kinds = history.AsArray().Select(h => (string?)h!["kind"]).ToList();
        Assert.Contains("claimed", kinds);
        Assert.Contains("decided", kinds);
        Assert.Contains(history.AsArray(), h => (string?)h!["kind"] == "decided" && (string?)h["actor"] == $"staff.{done["tasks"]![0]!["department"]}");
    }

    [Fact]
    public async Task RejectedPart_IsADecisionLetter_AndTheApplicationStillCompletes()
    {
        var citizen = await server.ClientAsync("citizen2");
        var filed = await (await citizen.PostJsonAsync("/api/applications",
            new { scenario = "newborn-registration", data = ServerFixture.DemoData("newborn-registration") })).JsonAsync(HttpStatusCode.Created);
        var id = (string)filed["id"]!;
        var rejected = false;
        while (true)
        {
            var application = await (await citizen.GetAsync($"/api/applications/{id}")).JsonAsync(HttpStatusCode.OK);
            var open = application["tasks"]!.AsArray().Where(t => (string?)t!["status"] != "completed").ToList();
            if (open.Count == 0)
                break;
            foreach (var task in open)
            {
                var staff = await server.ClientAsync($"staff.{task!["department"]}");
                object decision = rejected
                    ? new { decision = "approved" }
                    : new { decision = "rejected", comment = "The delivery record names another hospital." };
                rejected = true;
                await (await staff.PostJsonAsync($"/api/tasks/{task["id"]}/complete", decision)).JsonAsync(HttpStatusCode.OK);
            }
        }

        var done = await (await citizen.GetAsync($"/api/applications/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("completed", (string?)done["status"]);
        Assert.Equal("rejected", (string?)done["tasks"]![0]!["decision"]);
        var zip = await (await citizen.GetAsync($"/api/applications/{id}/bundle")).Content.ReadAsByteArrayAsync();
        using var archive = new System.IO.Compression.ZipArchive(new MemoryStream(zip));
        Assert.Contains(archive.Entries, e => e.FullName.EndsWith("-decision-letter.pdf", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Supplement_RequestedByADepartment_IsAnsweredByTheCitizen_AndTheTaskResumes()
    {
        var citizen = await server.ClientAsync("citizen1");
        var filed = await (await citizen.PostJsonAsync("/api/applications",
            new { scenario = "newborn-registration", data = ServerFixture.DemoData("newborn-registration") })).JsonAsync(HttpStatusCode.Created);
        var task = filed["tasks"]!.AsArray().Single(t => (string?)t!["department"] == "health-commission")!;
        var staff = await server.ClientAsync("staff.health-commission");

        var notVisible = await staff.PostJsonAsync($"/api/tasks/{task["id"]}/request-supplement", new { fields = new[] { "bankAccount" }, message = "?" });
        Assert.Contains("fields", (await notVisible.ProblemAsync(HttpStatusCode.BadRequest))["errors"]!.AsObject().Select(e => e.Key));

        var requested = await (await staff.PostJsonAsync($"/api/tasks/{task["id"]}/request-supplement",
            new { fields = new[] { "birthWeightGrams" }, message = "The weight differs from the delivery record; please check it." }))
            .JsonAsync(HttpStatusCode.OK);
        Assert.Equal("supplement-requested", (string?)requested["status"]);
        var blocked = await staff.PostJsonAsync($"/api/tasks/{task["id"]}/complete", new { decision = "approved" });
        await blocked.ProblemAsync(HttpStatusCode.Conflict);

        var invalid = await citizen.PostJsonAsync($"/api/applications/{filed["id"]}/supplement", new { data = new { birthWeightGrams = 10 } });
        Assert.Contains("birthWeightGrams", (await invalid.ProblemAsync(HttpStatusCode.BadRequest))["errors"]!.AsObject().Select(e => e.Key));

        var answered = await (await citizen.PostJsonAsync($"/api/applications/{filed["id"]}/supplement", new { data = new { birthWeightGrams = 3300 } }))
            .JsonAsync(HttpStatusCode.OK);
        Assert.Equal(3300, (int)answered["data"]!["birthWeightGrams"]!);
        Assert.Equal("open", (string?)answered["tasks"]!.AsArray().Single(t => (string?)t!["id"] == (string?)task["id"])!["status"]);
        await (await staff.PostJsonAsync($"/api/tasks/{task["id"]}/complete", new { decision = "approved" })).JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Staff_SeeOnlyTheirDepartmentsFields_AndSupervisorsSeeEverything()
    {
        var citizen = await server.ClientAsync("citizen1");
        var filed = await (await citizen.PostJsonAsync("/api/applications",
            new { scenario = "newborn-registration", data = ServerFixture.DemoData("newborn-registration") })).JsonAsync(HttpStatusCode.Created);

        var health = await (await (await server.ClientAsync("staff.health-commission")).GetAsync($"/api/applications/{filed["id"]}")).JsonAsync(HttpStatusCode.OK);
        var supervisor = await (await (await server.ClientAsync("supervisor")).GetAsync($"/api/applications/{filed["id"]}")).JsonAsync(HttpStatusCode.OK);

        Assert.Null(health["data"]!["bankAccount"]);
        Assert.NotNull(health["data"]!["applicantName"]);
        Assert.NotNull(supervisor["data"]!["bankAccount"]);
        Assert.True(health["data"]!.AsObject().Count < supervisor["data"]!.AsObject().Count);
    }

    protected static ByteArrayContent Zip(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/zip");
        return content;
    }
}

[Collection(ServerCollection.Name)]
public sealed class SqliteScenarioFlowTests(ServerFixture server) : ScenarioFlowTests(server);

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresScenarioFlowTests(PostgresServerFixture server) : ScenarioFlowTests(server);
