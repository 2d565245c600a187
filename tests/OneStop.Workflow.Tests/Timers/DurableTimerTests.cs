using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure.Persistence;
using OneStop.Workflow.Infrastructure.Timers;
using OneStop.Workflow.Tests.Persistence;
using Quartz;
using Quartz.Extensibility;

namespace OneStop.Workflow.Tests.Timers;

/// <summary>
/// Timers woken by Quartz on a SQLite file: the timer row is the truth, a trigger only wakes the engine. Quartz runs on
/// real time; where a test needs time to pass, the engine runs on a virtual clock a year ahead, so that no trigger fires
/// unless the test makes it.
/// </summary>
public sealed class DurableTimerTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly TempFolder _folder = new();
    private readonly List<TimerNode> _nodes = [];

    private DatabaseOptions Database => new(DatabaseOptions.Sqlite, $"Data Source={Path.Combine(_folder.Path, "timers.db")}");

    private async Task<TimerNode> NodeAsync(TimeProvider clock, TimerOptions? options = null,
        Func<IWorkflowStore, IWorkflowStore>? wrapStore = null, bool start = true)
    {
        var node = await TimerNode.StartAsync(Database, clock, options, wrapStore, start);
        _nodes.Add(node);
        return node;
    }

    private async Task StopAsync(TimerNode node)
    {
        _nodes.Remove(node);
        await node.DisposeAsync();
    }

    [Fact]
    public async Task CommittedCommand_SchedulesTheTriggerOfItsTimer_AndRemovesItWhenTheTimerIsCancelled()
    {
        var node = await NodeAsync(new VirtualClock(TimerNode.FutureStart));
        await node.Engine.DeployAsync(TimerModels.Deadline("deadline", "P2D"), "deadline.bpmn");

        var instance = await node.Engine.StartAsync("deadline");
        await node.Updates.FlushAsync().WaitAsync(Patience);

        var timer = Assert.Single(instance.Timers);
        var trigger = await (await node.SchedulerAsync()).GetTrigger(TimerTriggers.KeyOf(timer.Id));
        Assert.NotNull(trigger);
        Assert.Equal(TimerNode.FutureStart.AddDays(2), trigger.StartTimeUtc);
        Assert.Equal(TimerTriggers.JobKey, trigger.JobKey);

        await node.Engine.CompleteTaskAsync(instance.Tasks.Single().Id);
        await node.Updates.FlushAsync().WaitAsync(Patience);

        Assert.Empty(await node.TriggeredTimersAsync());
        Assert.Empty(await node.Store.DueTimersAsync(DateTimeOffset.MaxValue, 10));
    }

    [Fact]
    public async Task TriggerAtTheDueMoment_FiresTheTimer_AndTheInstanceMovesOn()
    {
        var node = await NodeAsync(TimeProvider.System);
        var executed = new JobsExecuted();
        (await node.SchedulerAsync()).ListenerManager.AddJobListener(executed);
        await node.Engine.DeployAsync(TimerModels.Wait("short-wait", "PT1S"), "wait.bpmn");

        var instance = await node.Engine.StartAsync("short-wait");
        await executed.WaitForAsync(1).WaitAsync(Patience);

        var after = await node.Engine.GetInstanceAsync(instance.Id);
        Assert.Equal(["after"], after.Tasks.Select(t => t.ActivityId));
        Assert.Empty(after.Timers);
        Assert.Equal(1, await node.TimerFiredCountAsync(instance.Id));
        // Its one-shot trigger is done: gone, or being finished by Quartz after the job.
        var state = await (await node.SchedulerAsync()).GetTriggerState(TimerTriggers.KeyOf(instance.Timers.Single().Id));
        Assert.Contains(state, new[] { TriggerState.None, TriggerState.Complete, TriggerState.Executing });
    }

    [Fact]
    public async Task TaskTimeLimit_TurnsYellowThenRed_WokenByItsTriggers()
    {
        var node = await NodeAsync(TimeProvider.System);
        var executed = new JobsExecuted();
        (await node.SchedulerAsync()).ListenerManager.AddJobListener(executed);
        await node.Engine.DeployAsync(TimerModels.TimeLimit("limited", "PT2S"), "limited.bpmn");

        var instance = await node.Engine.StartAsync("limited");
        Assert.Equal(2, instance.Timers.Count);
        await executed.WaitForAsync(2).WaitAsync(Patience);

        var history = await node.Store.HistoryAsync(instance.Id);
        Assert.Equal(["deadline.yellow", "deadline.red"], history.Where(h => h.Kind.StartsWith("deadline.", StringComparison.Ordinal)).Select(h => h.Kind));
        var task = (await node.Engine.GetInstanceAsync(instance.Id)).Tasks.Single();
        Assert.Equal(TaskSignal.Red, task.Signal);
    }

    [Fact]
    public async Task FireTimerJob_RunTwiceAtOnce_FiresTheTimerOnce()
    {
        var clock = new VirtualClock(TimerNode.FutureStart);
        var node = await NodeAsync(clock);
        await node.Engine.DeployAsync(TimerModels.Deadline("deadline", "P2D"), "deadline.bpmn");
        var instance = await node.Engine.StartAsync("deadline");
        var timer = instance.Timers.Single();
        clock.Advance(TimeSpan.FromDays(3));

        var record = new TimerRecord(timer.Id, instance.Id, timer.ActivityId, timer.DueAt);
        var scheduler = await node.SchedulerAsync();
        var runs = Enumerable.Range(0, 2).Select(_ =>
        {
            var job = new FireTimerJob(node.Engine, node.Triggers, node.Service, Microsoft.Extensions.Logging.Abstractions.NullLogger<FireTimerJob>.Instance);
            var context = JobExecutionContextBuilder.For(job).WithJob(TimerTriggers.Job).WithTrigger(TimerTriggers.TriggerOf(record))
                .WithScheduler(scheduler).Build();
            return job.Execute(context).AsTask();
        });
        await Task.WhenAll(runs).WaitAsync(Patience);

        Assert.Equal(1, await node.TimerFiredCountAsync(instance.Id));
        Assert.Equal(["escalate"], (await node.Engine.GetInstanceAsync(instance.Id)).Tasks.Select(t => t.ActivityId));
    }

    [Fact]
    public async Task TriggerFiredAgainAfterItsTimerFired_ChangesNothing()
    {
        var node = await NodeAsync(TimeProvider.System);
        var executed = new JobsExecuted();
        var scheduler = await node.SchedulerAsync();
        scheduler.ListenerManager.AddJobListener(executed);
        await node.Engine.DeployAsync(TimerModels.Deadline("deadline", "PT1S"), "deadline.bpmn");
        var instance = await node.Engine.StartAsync("deadline");
        var timer = instance.Timers.Single();
        await executed.WaitForAsync(1).WaitAsync(Patience);
        var historyAfterFirst = await node.Store.HistoryAsync(instance.Id);

        // The same timer's trigger once more, as a duplicate trigger or a recovered firing would run it.
        await node.Triggers.ScheduleAsync([new TimerRecord(timer.Id, instance.Id, timer.ActivityId, timer.DueAt)]);
        await executed.WaitForAsync(2).WaitAsync(Patience);

        Assert.Equal(1, await node.TimerFiredCountAsync(instance.Id));
        Assert.Equal(historyAfterFirst.Count, (await node.Store.HistoryAsync(instance.Id)).Count);
        Assert.Equal(["escalate"], (await node.Engine.GetInstanceAsync(instance.Id)).Tasks.Select(t => t.ActivityId));
    }

    [Fact]
    public async Task Reconcile_SchedulesTimerRowsWithoutTrigger_AndRemovesTriggersWithoutRow()
    {
        var clock = new VirtualClock(TimerNode.FutureStart);
        // Commands of a node that wakes no timers leave rows without triggers.
        var quiet = await NodeAsync(clock, new TimerOptions(Enabled: false));
        var plainEngine = new WorkflowEngine(quiet.Store, clock);
        await plainEngine.DeployAsync(TimerModels.Deadline("deadline", "P2D"), "deadline.bpmn");
        var instances = new List<ProcessInstance>();
        for (var i = 0; i < 3; i++)
            instances.Add(await plainEngine.StartAsync("deadline"));
        await StopAsync(quiet);

        var node = await NodeAsync(clock, start: false);
        var orphan = new TimerRecord(Guid.NewGuid(), instances[0].Id, "late", clock.GetUtcNow().AddDays(5));
        await node.Triggers.ScheduleAsync([orphan]);
        var scheduler = await node.SchedulerAsync();
        await scheduler.ScheduleJob(TriggerBuilder.Create().WithIdentity("not-a-timer", TimerTriggers.Group).ForJob(TimerTriggers.JobKey)
            .StartAt(clock.GetUtcNow().AddDays(5)).Build());

        var reconciliation = await node.Service.ReconcileAsync();

        Assert.Equal(new { Fired = 0, Scheduled = 3, Removed = 2, Pending = 3 },
            new { reconciliation.Fired, reconciliation.Scheduled, reconciliation.Removed, reconciliation.Pending });
        Assert.Equal(instances.Select(i => i.Timers.Single().Id).ToHashSet(), await node.TriggeredTimersAsync());
        Assert.Empty((await node.Triggers.ScheduledAsync()).Foreign);

        var again = await node.Service.ReconcileAsync();
        Assert.Equal((0, 0), (again.Scheduled, again.Removed));
    }

    [Fact]
    public async Task Restart_TimersDueWhileNoNodeRan_FireExactlyOnceInDueOrder()
    {
        var clock = new VirtualClock(TimerNode.FutureStart);
        var first = await NodeAsync(clock);
        foreach (var (key, duration) in new[] { ("three-hours", "PT3H"), ("one-hour", "PT1H"), ("two-hours", "PT2H"), ("two-days", "P2D") })
            await first.Engine.DeployAsync(TimerModels.Wait(key, duration), $"{key}.bpmn");
        var threeHours = await first.Engine.StartAsync("three-hours");
        var oneHour = await first.Engine.StartAsync("one-hour");
        var twoHours = await first.Engine.StartAsync("two-hours");
        var twoDays = await first.Engine.StartAsync("two-days");
        await first.Updates.FlushAsync().WaitAsync(Patience);
        Assert.Equal(4, (await first.TriggeredTimersAsync()).Count);
        await StopAsync(first);

        clock.Advance(TimeSpan.FromHours(4));
        SaveRecorder recorder = null!;
        var restarted = await NodeAsync(clock, wrapStore: inner =>
        {
            var (store, r) = SaveRecorder.Around(inner);
            recorder = r;
            return store;
        });
        var reconciliation = await restarted.Service.Started.WaitAsync(Patience);

        // The fired timers' triggers are removed too, by the firings or as stale triggers: either way none is left.
        Assert.Equal(new { Fired = 3, Scheduled = 0, Pending = 1 }, new { reconciliation.Fired, reconciliation.Scheduled, reconciliation.Pending });
        Assert.Equal(new[] { oneHour, twoHours, threeHours }.Select(i => i.Timers.Single().Id), recorder.RemovedTimers);
        foreach (var instance in new[] { oneHour, twoHours, threeHours })
        {
            Assert.Equal(1, await restarted.TimerFiredCountAsync(instance.Id));
            Assert.Equal(["after"], (await restarted.Engine.GetInstanceAsync(instance.Id)).Tasks.Select(t => t.ActivityId));
        }
        Assert.Equal(0, await restarted.TimerFiredCountAsync(twoDays.Id));
        Assert.Equal([twoDays.Timers.Single().Id], await restarted.TriggeredTimersAsync());

        // Nothing is left for a later reconciliation or sweep to fire again.
        Assert.Equal(0, (await restarted.Service.ReconcileAsync()).Fired);
        Assert.Equal(0, await restarted.Service.SweepAsync());
    }

    [Fact]
    public async Task Sweep_FiresADueTimerWhoseTriggerWasLost_OnlyOnceItIsPastTheGrace()
    {
        var clock = new VirtualClock(TimerNode.FutureStart);
        var node = await NodeAsync(clock);
        await node.Engine.DeployAsync(TimerModels.Deadline("deadline", "P2D"), "deadline.bpmn");
        var instance = await node.Engine.StartAsync("deadline");
        await node.Updates.FlushAsync().WaitAsync(Patience);
        Assert.Equal(1, await node.Triggers.UnscheduleAsync([instance.Timers.Single().Id]));

        clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, await node.Service.SweepAsync());
        clock.Advance(TimerService.SweepGrace);
        Assert.Equal(1, await node.Service.SweepAsync());
        Assert.Equal(0, await node.Service.SweepAsync());

        Assert.Equal(1, await node.TimerFiredCountAsync(instance.Id));
        Assert.Equal(["escalate"], (await node.Engine.GetInstanceAsync(instance.Id)).Tasks.Select(t => t.ActivityId));
    }

    [Fact]
    public async Task RecoveredFiringOfATimerThatHadFired_SchedulesTheTimersItsFiringArmed()
    {
        // The node fired the first timer and died before it scheduled the trigger of the second.
        var clock = new VirtualClock(TimerNode.FutureStart);
        var node = await NodeAsync(clock);
        await node.Engine.DeployAsync(TimerModels.TwoWaits("two-waits", "PT1H", "PT1H"), "two-waits.bpmn");
        var instance = await node.Engine.StartAsync("two-waits");
        var first = instance.Timers.Single();
        clock.Advance(TimeSpan.FromHours(1));
        var plain = new WorkflowEngine(((TimerTriggeringStore)node.Store).Inner, clock);
        Assert.True(await plain.FireTimerAsync(new TimerRecord(first.Id, instance.Id, first.ActivityId, first.DueAt)));
        var second = (await node.Engine.GetInstanceAsync(instance.Id)).Timers.Single();
        await node.Updates.FlushAsync().WaitAsync(Patience);
        Assert.DoesNotContain(second.Id, await node.TriggeredTimersAsync());

        var job = new FireTimerJob(node.Engine, node.Triggers, node.Service, Microsoft.Extensions.Logging.Abstractions.NullLogger<FireTimerJob>.Instance);
        var context = JobExecutionContextBuilder.For(job).WithJob(TimerTriggers.Job)
            .WithTrigger(TimerTriggers.TriggerOf(new TimerRecord(first.Id, instance.Id, first.ActivityId, first.DueAt)))
            .WithScheduler(await node.SchedulerAsync()).Recovering().Build();
        await job.Execute(context);

        Assert.Contains(second.Id, await node.TriggeredTimersAsync());
        Assert.Equal(1, await node.TimerFiredCountAsync(instance.Id));
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
            node.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _folder.Dispose();
    }

    /// <summary>Counts the executions of the timer job, so that a test awaits firings instead of sleeping.</summary>
    private sealed class JobsExecuted : IJobListener
    {
        private readonly object _gate = new();
        private readonly List<(int Count, TaskCompletionSource Reached)> _waiting = [];
        private int _count;

        public string Name => "jobs-executed";

        public Task WaitForAsync(int count)
        {
            lock (_gate)
            {
                if (_count >= count) return Task.CompletedTask;
                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Add((count, reached));
                return reached.Task;
            }
        }

        public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                _count++;
                foreach (var waiter in _waiting.Where(w => w.Count <= _count).ToList())
                {
                    waiter.Reached.TrySetResult();
                    _waiting.Remove(waiter);
                }
            }
            return ValueTask.CompletedTask;
        }

        public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}
