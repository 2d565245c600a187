using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;
using OneStop.Workflow.Infrastructure.Persistence;
using OneStop.Workflow.Tests.Execution;
using OneStop.Workflow.Tests.Persistence;

namespace OneStop.Workflow.Tests.Timers;

/// <summary>
/// Two real server processes share one PostgreSQL database, with Quartz clustered on it. Applications with two short
/// timers each are filed on both; one node is killed in the middle; the other must fire every remaining timer, and
/// every timer must have fired exactly once.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TwoNodeClusterTests(PostgresServer postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Applications = 40;
    private const string Scenario = "timer-relay";
    private const string FiredOnNode = "fired on node ";

    private readonly TempFolder _folder = new();
    private readonly List<ServerNodeProcess> _nodes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task NodeKilledMidway_TheOtherFiresEveryRemainingTimer_AndEveryTimerFiresExactlyOnce()
    {
        using var overall = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var ct = overall.Token;
        var database = await CreateDatabaseAsync();
        // Our tables first: two nodes migrating an empty PostgreSQL database at the same moment were seen to apply the same
        // migration twice (the second fails with "column already exists"), which is the migrations' concern, not the timers'.
        await using (await PersistenceHost.StartAsync(database)) { }

        // Both nodes start together: Quartz's schema (created by Quartz) and the shipped scenarios' deployment race.
        var nodeA = StartNode("node-a", database);
        var nodeB = StartNode("node-b", database);
        await Task.WhenAll(nodeA.WaitForLineAsync("Timers started on node node-a (clustered)", ct),
            nodeB.WaitForLineAsync("Timers started on node node-b (clustered)", ct));

        using var designer = await ClientAsync(nodeA, "designer", ct);
        var deployed = await designer.PostAsJsonAsync("/api/scenarios", new { bpmn = RelayScenario, forms = new JsonObject { ["applicant"] = ApplicantForm() } }, ct);
        Assert.True(deployed.StatusCode == HttpStatusCode.Created, await deployed.Content.ReadAsStringAsync(ct));

        using var citizenOnA = await ClientAsync(nodeA, "citizen1", ct);
        using var citizenOnB = await ClientAsync(nodeB, "citizen1", ct);
        var filings = Enumerable.Range(0, Applications).Select(async i =>
        {
            var response = await (i % 2 == 0 ? citizenOnA : citizenOnB).PostAsJsonAsync("/api/applications",
                new { scenario = Scenario, data = new { applicantName = $"Applicant {i}" } }, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            Assert.True(response.StatusCode == HttpStatusCode.Created, body);
            return Guid.Parse((string)JsonNode.Parse(body)!["id"]!);
        });
        var applications = await Task.WhenAll(filings);

        // Mid-way: node A has fired a quarter of the first timers; the rest and every second timer are still to come.
        await nodeA.WaitUntilAsync(() => Task.FromResult(nodeA.CountLines(FiredOnNode + "node-a") >= Applications / 4), "a quarter of the first timers", ct);
        await nodeA.KillAsync();
        var firedByA = nodeA.CountLines(FiredOnNode + "node-a");

        await using var store = await PersistenceHost.StartAsync(database, migrate: false);
        await nodeB.WaitUntilAsync(() => AllTimersFiredAsync(store), "every timer to fire", ct);

        var firedByB = nodeB.CountLines(FiredOnNode + "node-b");
        output.WriteLine($"Node A fired {firedByA} timers before it was killed, node B {firedByB}; {2 * Applications} in all.");
        Assert.True(firedByA > 0 && firedByB > 0, $"Node A fired {firedByA} timers and node B {firedByB}: the work was not shared.");
        Assert.True(firedByB >= Applications, $"Node B fired only {firedByB} timers after node A died.");
        foreach (var application in applications)
        {
            var history = await store.Store.HistoryAsync(application);
            Assert.Equal(["wait1", "wait2"], history.Where(h => h.Kind == "TimerFired").Select(h => h.ElementId));
            var instance = await store.Store.LoadInstanceAsync(application);
            Assert.Equal(["after"], instance!.Tasks.Select(t => t.ActivityId));
            Assert.Empty(instance.Timers);
        }
        Assert.Equal(0, await PendingTriggerCountAsync(database, ct));
    }

    private static async Task<bool> AllTimersFiredAsync(PersistenceHost store)
    {
        await using var db = await store.Contexts.CreateDbContextAsync();
        return await db.History.CountAsync(h => h.Kind == "TimerFired") >= 2 * Applications && !await db.Timers.AnyAsync();
    }

    /// <summary>Timer triggers that would still fire; a trigger whose job just ran is finished by Quartz right after it.</summary>
    private static async Task<long> PendingTriggerCountAsync(DatabaseOptions database, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM qrtz_triggers WHERE trigger_group = 'onestop-timers' AND trigger_state NOT IN ('COMPLETE', 'EXECUTING')", connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task<DatabaseOptions> CreateDatabaseAsync()
    {
        var name = "onestop_cluster_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(postgres.ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new DatabaseOptions(DatabaseOptions.PostgreSql, postgres.ConnectionString(name));
    }

    private ServerNodeProcess StartNode(string name, DatabaseOptions database)
    {
        var node = ServerNodeProcess.Start(name, new Dictionary<string, string>
        {
            ["ONESTOP_Database__Provider"] = database.Provider,
            // The nodes pool their connections, as production nodes do.
            ["ONESTOP_Database__ConnectionString"] = database.ConnectionString.Replace("Pooling=false", "Pooling=true", StringComparison.Ordinal),
            // Shared keys: a token issued by one node is accepted by the other.
            ["ONESTOP_Auth__SigningKeyPath"] = Path.Combine(_folder.Path, "token-signing.key"),
            ["ONESTOP_Seal__KeyPath"] = Path.Combine(_folder.Path, "seal-key.pem"),
            ["ONESTOP_Timers__NodeId"] = name,
            // A dead node is taken over within about three seconds.
            ["ONESTOP_Timers__ClusterCheckinInterval"] = "00:00:01",
            ["ONESTOP_Timers__ClusterCheckinMisfireThreshold"] = "00:00:02",
            // Long enough that the sweep cannot stand in for Quartz's fail-over within this test.
            ["ONESTOP_Timers__SweepInterval"] = "00:10:00",
        });
        _nodes.Add(node);
        return node;
    }

    private static async Task<HttpClient> ClientAsync(ServerNodeProcess node, string user, CancellationToken ct)
    {
        var client = new HttpClient { BaseAddress = node.BaseAddress };
        var response = await client.PostAsJsonAsync("/api/auth/token", new { username = user, password = "demo" }, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, $"No token for {user} from {node.Name}: {body}");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)JsonNode.Parse(body)!["accessToken"]!);
        return client;
    }

    private static JsonObject ApplicantForm() => new()
    {
        ["type"] = "default",
        ["id"] = "applicant",
        ["schemaVersion"] = 16,
        ["components"] = new JsonArray(new JsonObject
        {
            ["label"] = "Applicant's name",
            ["type"] = "textfield",
            ["key"] = "applicantName",
            ["id"] = "Field_applicantName",
            ["validate"] = new JsonObject { ["required"] = true },
        }),
    };

    /// <summary>Filed, then two short waits one after the other, then a task for the registry.</summary>
    private static string RelayScenario => TimerModels.TwoWaits(Scenario, "PT2S", "PT3S");

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
        _folder.Dispose();
    }
}
