using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure.Persistence;
using OneStop.Workflow.Tests.Calendars;
using OneStop.Workflow.Tests.Execution;
using OneStop.Workflow.Tests.Persistence;

namespace OneStop.Workflow.Tests.Durability;

/// <summary>
/// The deadline clock on each store: signals, pauses and extensions kept in the task rows, notices in the outbox of
/// the command that caused them, signal timers firing once across a restart and across two nodes. One class, run on
/// the in-memory store, SQLite and PostgreSQL by swapping the store only.
/// </summary>
public abstract class DurableDeadlineTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Accepted = new(2025, 4, 25, 9, 0, 0, TimeSpan.FromHours(8)); // a Friday
    private static readonly DateTimeOffset Due = new(2025, 5, 7, 0, 0, 0, TimeSpan.FromHours(8));      // 5WD later
    private static readonly DateTimeOffset YellowAt = new(2025, 4, 30, 21, 0, 0, TimeSpan.FromHours(8));

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    /// <summary>A server node over the shared store: for the databases its own services and connections.</summary>
    protected abstract Task<IWorkflowStore> StartNodeAsync();

    /// <summary>Stops a node started with <see cref="StartNodeAsync"/>, as a restart would.</summary>
    protected abstract Task StopNodeAsync(IWorkflowStore node);

    protected abstract Task<IReadOnlyList<NoticeRecord>> NoticesAsync(Guid instanceId);

    /// <summary>The application's deadline and signal as the store keeps them for queries.</summary>
    protected abstract Task<(DateTimeOffset? DueAt, TaskSignal Signal)> ApplicationDeadlineAsync(Guid instanceId);

    private static WorkflowEngine Engine(IWorkflowStore store, TimeProvider clock) =>
        new(store, clock, new WorkflowEngineOptions { Calendars = ShippedCalendars.All });

    private static string Scenario(string reviewAttributes = "") => TestModels.Process($"""
        <startEvent id="start" />
        <userTask id="review" name="Review tax" onestop:department="tax" onestop:timeLimit="5WD" {reviewAttributes} />
        <userTask id="issue" onestop:department="civil-affairs" /><endEvent id="end" />
        {TestModels.Flow("f0", "start", "review")}{TestModels.Flow("f1", "review", "issue")}{TestModels.Flow("f2", "issue", "end")}
        """, id: "permit", processAttributes: """onestop:calendar="cn-mainland" onestop:timeLimit="10WD" """);

    [Fact]
    public async Task TaskClock_SignalsPausesAndExtensions_AreKeptInTheStore()
    {
        var clock = new VirtualClock(Accepted);
        var node = await StartNodeAsync();
        var engine = Engine(node, clock);
        await engine.DeployAsync(Scenario(), "permit.bpmn");
        var instance = await engine.StartAsync("permit", businessKey: "APP-7");
        var taskId = instance.Tasks.Single().Id;
        Assert.Equal((instance.DueAt, TaskSignal.Green), await ApplicationDeadlineAsync(instance.Id));

        clock.MoveTo(YellowAt);
        Assert.Equal(1, await engine.FireDueTimersAsync());
        Assert.Equal(TaskSignal.Yellow, (await node.FindTaskAsync(taskId))!.Signal);

        clock.Advance(TimeSpan.FromHours(3)); // Thu May 1 00:00: Labour Day
        await engine.PauseTaskClockAsync(taskId, "supplementation", actor: "clerk.wang");
        var paused = (await node.FindTaskAsync(taskId))!;
        Assert.Equal((new DateTimeOffset(2025, 4, 30, 16, 0, 0, TimeSpan.Zero), "supplementation"), (paused.PausedAt!.Value, paused.PauseReason));
        Assert.Equal(0, await engine.FireDueTimersAsync());

        // Another node resumes after the holiday and half of Tue May 6: half a working day stood still.
        await StopNodeAsync(node);
        node = await StartNodeAsync();
        engine = Engine(node, clock);
        clock.MoveTo(new DateTimeOffset(2025, 5, 6, 12, 0, 0, TimeSpan.FromHours(8)));
        await engine.ResumeTaskClockAsync(taskId, actor: "clerk.wang");
        await engine.ExtendTaskAsync(taskId, 2, "Art. 42 approval", actor: "head.li");

        // 5WD moved by 0.5 (pause) and 2 (extension): Wed 7, Thu 8 and the first half of Fri 9.
        var expectedDue = new DateTimeOffset(2025, 5, 9, 12, 0, 0, TimeSpan.FromHours(8));
        var row = (await node.FindTaskAsync(taskId))!;
        Assert.Equal((expectedDue, TaskSignal.Green), (row.DueAt!.Value, row.Signal));
        Assert.Null(row.PausedAt);
        Assert.Null(row.PauseReason);

        clock.MoveTo(expectedDue);
        Assert.Equal(2, await engine.FireDueTimersAsync()); // yellow again, then red
        Assert.Equal(TaskSignal.Red, (await node.FindTaskAsync(taskId))!.Signal);

        // Notices written at one moment have no order among them; the dispatcher sends them oldest first.
        var notices = await NoticesAsync(instance.Id);
        Assert.Equal([(YellowAt, NoticeKinds.TaskYellow), (expectedDue, NoticeKinds.TaskRed), (expectedDue, NoticeKinds.TaskYellow)],
            notices.Select(n => (n.At, n.Kind)).OrderBy(n => n.At).ThenBy(n => n.Kind, StringComparer.Ordinal));
        Assert.All(notices, n => Assert.Equal((taskId, "tax"), (n.TaskId!.Value, n.Department)));
        Assert.Equal("follow-up", (string?)JsonNode.Parse(notices.Single(n => n.Kind == NoticeKinds.TaskRed).Data!)!["escalation"]);

        var history = await node.HistoryAsync(instance.Id);
        Assert.Equal(Enumerable.Range(0, history.Count), history.Select(h => h.Sequence));
        Assert.Equal(["deadline.yellow", "clock.paused", "clock.paused", "clock.resumed", "clock.resumed", "deadline.extended", "deadline.yellow", "deadline.red"],
            history.Where(h => h.Kind.StartsWith("deadline.", StringComparison.Ordinal) || h.Kind.StartsWith("clock.", StringComparison.Ordinal)).Select(h => h.Kind));

        // The application's own clock stood with the task's: its deadline moved by the same half day.
        var application = await engine.GetInstanceAsync(instance.Id);
        Assert.Equal(ShippedCalendars.CnMainland.AddWorkingTime(instance.DueAt!.Value, 0.5), application.DueAt);
        Assert.Equal((application.DueAt, TaskSignal.Green), await ApplicationDeadlineAsync(instance.Id));
    }

    [Fact]
    public async Task SignalTimersDueWhileNoNodeRuns_FireOnceAfterRestart_AndSilentConsentCompletesOnce()
    {
        var clock = new VirtualClock(Accepted);
        var first = await StartNodeAsync();
        var engine = Engine(first, clock);
        await engine.DeployAsync(Scenario("""onestop:silentConsent="true" """), "permit.bpmn");
        var instance = await engine.StartAsync("permit");
        await StopNodeAsync(first);

        clock.MoveTo(Due.AddDays(1));
        var restarted = await StartNodeAsync();
        var again = Engine(restarted, clock);
        Assert.Equal(2, await again.FireDueTimersAsync());
        Assert.Equal(0, await again.FireDueTimersAsync());

        var after = await again.GetInstanceAsync(instance.Id);
        Assert.Equal(["issue"], after.Tasks.Select(t => t.ActivityId));
        var review = (await restarted.FindTaskAsync(instance.Tasks.Single().Id))!;
        Assert.Equal((TaskState.Completed, "silent-consent", TaskSignal.Red), (review.Status, review.EndedBy, review.Signal));
        Assert.Equal([NoticeKinds.TaskRed, NoticeKinds.TaskYellow], (await NoticesAsync(instance.Id)).Select(n => n.Kind).Order(StringComparer.Ordinal));
        var history = await restarted.HistoryAsync(instance.Id);
        Assert.Single(history, h => h.Kind == "task.silent-consent");
        Assert.Single(history, h => h.Kind == "TaskCompleted");
    }

    [Fact]
    public async Task TwoNodesFiringOneSignalTimerAtOnce_ChangeTheTaskOnce_AndWriteOneNotice()
    {
        var clock = new VirtualClock(Accepted);
        var nodeA = Engine(await StartNodeAsync(), clock);
        var nodeB = Engine(await StartNodeAsync(), clock);
        await nodeA.DeployAsync(Scenario(), "permit.bpmn");
        var instances = new List<ProcessInstance>();
        for (var i = 0; i < 4; i++)
            instances.Add(await nodeA.StartAsync("permit"));

        clock.MoveTo(YellowAt);
        var due = await nodeA.Store.DueTimersAsync(clock.GetUtcNow(), 100);
        Assert.Equal(4, due.Count);
        var firings = await Task.WhenAll(due.SelectMany(timer => new[] { nodeA.FireTimerAsync(timer), nodeB.FireTimerAsync(timer) }));

        Assert.Equal(4, firings.Count(fired => fired));
        foreach (var instance in instances)
        {
            Assert.Equal([NoticeKinds.TaskYellow], (await NoticesAsync(instance.Id)).Select(n => n.Kind));
            Assert.Single(await nodeB.Store.HistoryAsync(instance.Id), h => h.Kind == "deadline.yellow");
            Assert.Equal(TaskSignal.Yellow, (await nodeB.GetInstanceAsync(instance.Id)).Tasks.Single().Signal);
        }
        Assert.Empty(await nodeB.Store.DueTimersAsync(clock.GetUtcNow(), 100));
    }
}

public sealed class InMemoryDurableDeadlineTests : DurableDeadlineTests
{
    private readonly InMemoryWorkflowStore _store = new();

    public override Task InitializeAsync() => Task.CompletedTask;

    public override Task DisposeAsync() => Task.CompletedTask;

    // Every node of one process shares the one in-memory store.
    protected override Task<IWorkflowStore> StartNodeAsync() => Task.FromResult<IWorkflowStore>(_store);

    protected override Task StopNodeAsync(IWorkflowStore node) => Task.CompletedTask;

    protected override Task<IReadOnlyList<NoticeRecord>> NoticesAsync(Guid instanceId) =>
        Task.FromResult<IReadOnlyList<NoticeRecord>>(_store.Notices.Where(n => n.InstanceId == instanceId).ToList());

    protected override async Task<(DateTimeOffset? DueAt, TaskSignal Signal)> ApplicationDeadlineAsync(Guid instanceId)
    {
        var instance = (await _store.LoadInstanceAsync(instanceId))!;
        return (instance.DueAt, instance.Signal);
    }
}

/// <summary>The database stores: each node is its own service provider and connection pool over one database.</summary>
public abstract class DatabaseDurableDeadlineTests : DurableDeadlineTests
{
    private readonly Dictionary<IWorkflowStore, PersistenceHost> _nodes = [];
    private DatabaseOptions _database = null!;

    protected abstract Task<DatabaseOptions> CreateDatabaseAsync();

    public override async Task InitializeAsync() => _database = await CreateDatabaseAsync();

    public override async Task DisposeAsync()
    {
        foreach (var host in _nodes.Values)
            await host.DisposeAsync();
    }

    protected override async Task<IWorkflowStore> StartNodeAsync()
    {
        var host = await PersistenceHost.StartAsync(_database);
        _nodes.Add(host.Store, host);
        return host.Store;
    }

    protected override async Task StopNodeAsync(IWorkflowStore node)
    {
        await _nodes[node].DisposeAsync();
        _nodes.Remove(node);
    }

    private PersistenceHost AnyNode => _nodes.Values.First();

    protected override Task<IReadOnlyList<NoticeRecord>> NoticesAsync(Guid instanceId) => AnyNode.NoticesAsync(instanceId);

    protected override async Task<(DateTimeOffset? DueAt, TaskSignal Signal)> ApplicationDeadlineAsync(Guid instanceId)
    {
        await using var db = await AnyNode.Contexts.CreateDbContextAsync();
        var row = await db.Instances.AsNoTracking().SingleAsync(i => i.Id == instanceId);
        return (row.DueAt, row.Signal);
    }
}

public sealed class SqliteDurableDeadlineTests : DatabaseDurableDeadlineTests
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
public sealed class PostgresDurableDeadlineTests(PostgresServer server) : DatabaseDurableDeadlineTests
{
    protected override Task<DatabaseOptions> CreateDatabaseAsync() =>
        Task.FromResult(new DatabaseOptions(DatabaseOptions.PostgreSql, server.NewDatabaseConnectionString()));
}
