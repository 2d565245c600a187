using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using OneStop.Workflow.Engine.Calendars;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure.Persistence;
using OneStop.Workflow.Tests.Execution;
using OneStop.Workflow.Tests.Persistence;

namespace OneStop.Workflow.Tests.Durability;

/// <summary>
/// The engine on a real database: the shipped scenarios end to end, simultaneous commands on one instance,
/// timers across a restart, and a process killed in the middle of its work. One class, run on SQLite and on
/// PostgreSQL by swapping the database only.
/// </summary>
public abstract class DurableScenarioTests : IAsyncLifetime
{
    private static readonly CalendarRegistry Calendars = CalendarRegistry.LoadDirectory(Path.Combine(RepositoryPaths.Workflows, "calendars"));
    private readonly List<PersistenceHost> _hosts = [];
    private DatabaseOptions _database = null!;

    protected abstract Task<DatabaseOptions> CreateDatabaseAsync();

    public async Task InitializeAsync() => _database = await CreateDatabaseAsync();

    public virtual async Task DisposeAsync()
    {
        foreach (var host in _hosts)
            await host.DisposeAsync();
    }

    /// <summary>A server node: its own service provider and connection pool over the shared database.</summary>
    private async Task<PersistenceHost> StartNodeAsync()
    {
        var host = await PersistenceHost.StartAsync(_database);
        _hosts.Add(host);
        return host;
    }

    private static WorkflowEngine Engine(PersistenceHost node, TimeProvider clock) =>
        new(node.Store, clock, new WorkflowEngineOptions { Calendars = Calendars });

    private static async Task DeployShippedAsync(WorkflowEngine engine, string scenario) =>
        await engine.DeployAsync(await File.ReadAllTextAsync(RepositoryPaths.Scenario(scenario)), "scenario.bpmn");

    private static JsonObject DemoVariables(string scenario) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Workflows, scenario, "demo.steps.json")))!["variables"]!.AsObject().DeepClone().AsObject();

    [Theory]
    [InlineData("newborn-registration", 5)]
    [InlineData("start-a-business", 7)]
    public async Task ShippedScenario_RunsFromSubmissionThroughEveryDepartment(string scenario, int departmentTasks)
    {
        var node = await StartNodeAsync();
        var engine = Engine(node, new VirtualClock(EngineHarness.Start));
        await DeployShippedAsync(engine, scenario);

        var instance = await engine.StartAsync(scenario, DemoVariables(scenario), businessKey: "APP-1", actor: "citizen1");
        var decided = new List<string>();
        while (instance.Tasks.Count > 0)
        {
            var task = instance.Tasks[0];
            Assert.NotNull(task.Department);
            Assert.NotNull(task.DueAt);
            decided.Add(task.ActivityId);
            instance = await engine.CompleteTaskAsync(task.Id, new JsonObject { ["decision"] = "approved" }, actor: $"staff.{task.Department}");
        }

        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Equal(departmentTasks, decided.Distinct().Count());
        Assert.Equal(decided.Count, decided.Distinct().Count());
        var rows = await node.Store.ListTasksAsync(new TaskQuery(InstanceId: instance.Id));
        Assert.Equal(departmentTasks, rows.Count);
        Assert.All(rows, r => Assert.Equal((TaskState.Completed, TaskSignal.Green), (r.Status, r.Signal)));
        Assert.Null(await node.Store.NextTimerAsync()); // every deadline clock stopped with its task and the application
        var history = await node.Store.HistoryAsync(instance.Id);
        Assert.Equal(Enumerable.Range(0, history.Count), history.Select(h => h.Sequence));
        Assert.Equal("InstanceCompleted", history[^1].Kind);
    }

    [Fact]
    public async Task ParallelBranchesCompletedAtTheSameMomentOnTwoNodes_AllSucceedAndTheJoinFiresOnce()
    {
        var clock = new VirtualClock(EngineHarness.Start);
        var nodeA = Engine(await StartNodeAsync(), clock);
        var nodeB = Engine(await StartNodeAsync(), clock);
        await DeployShippedAsync(nodeA, "newborn-registration");

        var instances = new List<ProcessInstance>();
        for (var i = 0; i < 8; i++)
        {
            var instance = await nodeA.StartAsync("newborn-registration", DemoVariables("newborn-registration"));
            instance = await nodeA.CompleteTaskAsync(instance.Tasks.Single().Id);
            instances.Add(await nodeB.CompleteTaskAsync(instance.Tasks.Single().Id));
        }

        // Three department tasks per instance, completed all at once, alternating between the two nodes.
        var completions = instances.SelectMany(instance => instance.Tasks.Select((task, n) =>
            (n % 2 == 0 ? nodeA : nodeB).CompleteTaskAsync(task.Id, new JsonObject { [task.ActivityId] = "approved" }, actor: task.Department)));
        await Task.WhenAll(completions);

        foreach (var started in instances)
        {
            var instance = await nodeA.GetInstanceAsync(started.Id);
            Assert.Equal(InstanceStatus.Completed, instance.Status);
            Assert.Equal(3, instance.Variables.Count(v => v.Key.StartsWith("Task_", StringComparison.Ordinal)));
            var history = await nodeA.Store.HistoryAsync(instance.Id);
            Assert.Single(history, h => h.Kind == "NodeCompleted" && h.ElementId == "Gateway_JoinEnrolment");
            Assert.Single(history, h => h.Kind == "InstanceCompleted");
            Assert.Equal(5, history.Count(h => h.Kind == "TaskCompleted"));
        }
    }

    [Fact]
    public async Task TimerDueWhileNoNodeRuns_FiresExactlyOnceAfterRestart()
    {
        var clock = new VirtualClock(EngineHarness.Start);
        var first = await StartNodeAsync();
        var engine = Engine(first, clock);
        await engine.DeployAsync(TestModels.Process($"""
            <startEvent id="start" /><userTask id="review" onestop:department="tax" />
            <boundaryEvent id="late" attachedToRef="review"><timerEventDefinition><timeDuration>P2D</timeDuration></timerEventDefinition></boundaryEvent>
            <userTask id="escalate" onestop:department="supervision" /><endEvent id="end" />
            {TestModels.Flow("f0", "start", "review")}{TestModels.Flow("f1", "review", "end")}{TestModels.Flow("f2", "late", "escalate")}
            """, id: "reminder"));
        var instance = await engine.StartAsync("reminder");
        _hosts.Remove(first);
        await first.DisposeAsync();

        clock.Advance(TimeSpan.FromDays(3));
        var restarted = Engine(await StartNodeAsync(), clock);
        Assert.Equal(1, await restarted.FireDueTimersAsync());
        Assert.Equal(0, await restarted.FireDueTimersAsync());

        var after = await restarted.GetInstanceAsync(instance.Id);
        Assert.Equal(["escalate"], after.Tasks.Select(t => t.ActivityId));
        Assert.Single(await restarted.Store.HistoryAsync(instance.Id), h => h.Kind == "TimerFired");
    }

    [Fact]
    public async Task ProcessKilledMidRun_LosesNothingCommittedAndDuplicatesNothingOnRestart()
    {
        var node = await StartNodeAsync();
        var committed = await RunLoadAndKillAsync(afterCommittedCommands: 60);

        // Everything the killed process reported as committed is there, and every instance is consistent.
        await using (var db = await node.Contexts.CreateDbContextAsync())
        {
            var stored = await db.Instances.AsNoTracking().Select(i => new { i.Id, i.Version }).ToDictionaryAsync(i => i.Id, i => i.Version);
            foreach (var (instanceId, version) in committed)
                Assert.True(stored.TryGetValue(instanceId, out var storedVersion) && storedVersion >= version,
                    $"Instance {instanceId} was reported committed at version {version} but is not stored.");
            foreach (var instanceId in stored.Keys)
                await AssertConsistentAsync(node.Store, instanceId);
        }

        // A restarted node finishes every open task; each department decides each application exactly once.
        var engine = Engine(node, TimeProvider.System);
        while (await node.Store.ListTasksAsync(new TaskQuery(Status: TaskState.Open, Max: 100)) is { Count: > 0 } open)
        {
            foreach (var task in open)
                await engine.CompleteTaskAsync(task.Id, new JsonObject { ["decision"] = "approved" }, actor: "restart");
        }
        await using (var db = await node.Contexts.CreateDbContextAsync())
        {
            var ids = await db.Instances.AsNoTracking().Select(i => i.Id).ToListAsync();
            Assert.True(ids.Count >= committed.Select(c => c.InstanceId).Distinct().Count());
            foreach (var id in ids)
            {
                var instance = await engine.GetInstanceAsync(id);
                Assert.Equal(InstanceStatus.Completed, instance.Status);
                var completedTasks = (await node.Store.HistoryAsync(id)).Where(h => h.Kind == "TaskCompleted").Select(h => h.ElementId).ToList();
                Assert.Equal(5, completedTasks.Count);
                Assert.Equal(5, completedTasks.Distinct().Count());
                await AssertConsistentAsync(node.Store, id);
            }
        }
    }

    /// <summary>Runs <c>onestop load</c> against the test database in a child process and kills it (SIGKILL)
    /// once it has reported the given number of committed commands. Returns what it reported.</summary>
    private async Task<List<(Guid InstanceId, long Version)>> RunLoadAndKillAsync(int afterCommittedCommands)
    {
        using var workDir = new TempFolder(); // no appsettings.json there: the environment names the database
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workDir.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "onestop.dll"), "load", RepositoryPaths.Scenario("newborn-registration"), "--applications", "100000" })
            start.ArgumentList.Add(arg);
        start.Environment["ONESTOP_Database__Provider"] = _database.Provider;
        start.Environment["ONESTOP_Database__ConnectionString"] = _database.ConnectionString;

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var committed = new List<(Guid, long)>();
        try
        {
            while (committed.Count < afterCommittedCommands && await process.StandardOutput.ReadLineAsync() is { } line)
            {
                var parts = line.Split(' ');
                if (parts is ["committed", var id, var version])
                    committed.Add((Guid.Parse(id), long.Parse(version)));
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        Assert.True(committed.Count == afterCommittedCommands, $"onestop load stopped early: {await stderr}");
        return committed;
    }

    /// <summary>The rows of an instance agree with its state: open task rows, timers (the deadline clocks' too) and a
    /// gap-free history.</summary>
    private static async Task AssertConsistentAsync(IWorkflowStore store, Guid instanceId)
    {
        var instance = (await store.LoadInstanceAsync(instanceId))!;
        var openRows = await store.ListTasksAsync(new TaskQuery(InstanceId: instanceId, Status: TaskState.Open));
        Assert.Equal(instance.Tasks.Select(t => t.Id).Order(), openRows.Select(r => r.Id).Order());
        var timerRows = (await store.DueTimersAsync(DateTimeOffset.MaxValue, int.MaxValue)).Where(t => t.InstanceId == instanceId);
        Assert.Equal(instance.Timers.Select(t => t.Id).Order(), timerRows.Select(t => t.Id).Order());
        var history = await store.HistoryAsync(instanceId);
        Assert.Equal(Enumerable.Range(0, instance.HistoryCount), history.Select(h => h.Sequence));
    }
}

public sealed class SqliteDurableScenarioTests : DurableScenarioTests
{
    private readonly TempFolder _folder = new();

    protected override Task<DatabaseOptions> CreateDatabaseAsync() =>
        Task.FromResult(new DatabaseOptions(DatabaseOptions.Sqlite, $"Data Source={Path.Combine(_folder.Path, "onestop.db")}"));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresDurableScenarioTests(PostgresServer server) : DurableScenarioTests
{
    protected override Task<DatabaseOptions> CreateDatabaseAsync() =>
        Task.FromResult(new DatabaseOptions(DatabaseOptions.PostgreSql, server.NewDatabaseConnectionString()));
}
