using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure;
using OneStop.Workflow.Infrastructure.Persistence;
using OneStop.Workflow.Infrastructure.Timers;
using OneStop.Workflow.Tests.Execution;
using Quartz;

namespace OneStop.Workflow.Tests.Timers;

/// <summary>
/// One node's timer machinery as the server registers it — persistence, the engine, Quartz on the same database and the
/// timer service — without the web host. The engine may run on a virtual clock; Quartz always runs on real time.
/// </summary>
internal sealed class TimerNode(ServiceProvider services) : IAsyncDisposable
{
    /// <summary>A virtual start a year ahead of real time: triggers scheduled at virtual due moments lie in Quartz's
    /// future and fire only when a test makes them.</summary>
    public static DateTimeOffset FutureStart { get; } =
        new DateTimeOffset(DateTime.UtcNow.Date.AddDays(365), TimeSpan.Zero).AddHours(9);

    public WorkflowEngine Engine => services.GetRequiredService<WorkflowEngine>();
    public IWorkflowStore Store => Engine.Store;
    public TimerService Service => services.GetRequiredService<TimerService>();
    public TimerTriggers Triggers => services.GetRequiredService<TimerTriggers>();
    public TriggerUpdates Updates => services.GetRequiredService<TriggerUpdates>();
    public IServiceProvider Services => services;

    /// <param name="wrapStore">Registers a store around the EF one before the timers wrap it (a recording store).</param>
    /// <param name="start">Starts the timer service (reconcile, Quartz, sweep) as the host would.</param>
    public static async Task<TimerNode> StartAsync(DatabaseOptions database, TimeProvider clock, TimerOptions? options = null,
        Func<IWorkflowStore, IWorkflowStore>? wrapStore = null, bool start = true)
    {
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddWorkflowPersistence(database);
        if (wrapStore is not null)
        {
            services.AddSingleton<EfWorkflowStore>();
            services.AddSingleton(provider => wrapStore(provider.GetRequiredService<EfWorkflowStore>()));
        }
        services.AddSingleton(provider => new WorkflowEngine(provider.GetRequiredService<IWorkflowStore>(), clock,
            new WorkflowEngineOptions(), provider.GetRequiredService<ILogger<WorkflowEngine>>()));
        services.AddWorkflowTimers(options ?? new TimerOptions());
        var provider = services.BuildServiceProvider();
        await WorkflowDatabase.MigrateAsync(provider);
        var node = new TimerNode(provider);
        if (start && (options?.Enabled ?? true))
            await node.StartServiceAsync();
        return node;
    }

    /// <summary>Starts the timer service and waits until it has reconciled and Quartz runs.</summary>
    public async Task StartServiceAsync()
    {
        await Service.StartAsync(CancellationToken.None);
        await Service.Started.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public ValueTask<IScheduler> SchedulerAsync() => Triggers.SchedulerAsync();

    /// <summary>The timer ids that have a trigger.</summary>
    public async Task<HashSet<Guid>> TriggeredTimersAsync() => (await Triggers.ScheduledAsync()).Timers;

    public async Task<int> TimerFiredCountAsync(Guid instanceId) =>
        (await Store.HistoryAsync(instanceId)).Count(h => h.Kind == "TimerFired");

    public async ValueTask DisposeAsync()
    {
        if (services.GetRequiredService<TimerOptions>().Enabled)
            await Service.StopAsync(CancellationToken.None);
        await services.DisposeAsync();
    }
}

/// <summary>Small scenarios with timers.</summary>
internal static class TimerModels
{
    /// <summary>Start, one intermediate timer of <paramref name="duration"/>, then a user task "after".</summary>
    public static string Wait(string id, string duration) => TestModels.Process($"""
        <startEvent id="start" />
        <intermediateCatchEvent id="wait"><timerEventDefinition><timeDuration>{duration}</timeDuration></timerEventDefinition></intermediateCatchEvent>
        <userTask id="after" onestop:department="registry" /><endEvent id="end" />
        {TestModels.Flow("f0", "start", "wait")}{TestModels.Flow("f1", "wait", "after")}{TestModels.Flow("f2", "after", "end")}
        """, id: id);

    /// <summary>A task "review" with a deadline (an interrupting boundary timer of <paramref name="limit"/>) that escalates.</summary>
    public static string Deadline(string id, string limit) => TestModels.Process($"""
        <startEvent id="start" /><userTask id="review" onestop:department="tax" />
        <boundaryEvent id="late" attachedToRef="review"><timerEventDefinition><timeDuration>{limit}</timeDuration></timerEventDefinition></boundaryEvent>
        <userTask id="escalate" onestop:department="supervision" /><endEvent id="end" />
        {TestModels.Flow("f0", "start", "review")}{TestModels.Flow("f1", "review", "end")}{TestModels.Flow("f2", "late", "escalate")}
        """, id: id);

    /// <summary>A task "review" with a statutory time limit: it turns yellow, then red (the engine's deadline timers).</summary>
    public static string TimeLimit(string id, string limit) => TestModels.Process($"""
        <startEvent id="start" /><userTask id="review" onestop:department="tax" onestop:timeLimit="{limit}" /><endEvent id="end" />
        {TestModels.Flow("f0", "start", "review")}{TestModels.Flow("f1", "review", "end")}
        """, id: id);

    /// <summary>Two timers one after the other, then a user task "after".</summary>
    public static string TwoWaits(string id, string first, string second) => TestModels.Process($"""
        <startEvent id="start" />
        <intermediateCatchEvent id="wait1"><timerEventDefinition><timeDuration>{first}</timeDuration></timerEventDefinition></intermediateCatchEvent>
        <intermediateCatchEvent id="wait2"><timerEventDefinition><timeDuration>{second}</timeDuration></timerEventDefinition></intermediateCatchEvent>
        <userTask id="after" onestop:department="registry" /><endEvent id="end" />
        {TestModels.Flow("f0", "start", "wait1")}{TestModels.Flow("f1", "wait1", "wait2")}{TestModels.Flow("f2", "wait2", "after")}{TestModels.Flow("f3", "after", "end")}
        """, id: id);
}

/// <summary>A pass-through store that records, in call order, which timers each saved command removed: the order in
/// which timers fired.</summary>
public class SaveRecorder : DispatchProxy
{
    private IWorkflowStore _inner = null!;

    public ConcurrentQueue<Guid> RemovedTimers { get; } = new();

    public static (IWorkflowStore Store, SaveRecorder Recorder) Around(IWorkflowStore inner)
    {
        var store = Create<IWorkflowStore, SaveRecorder>();
        var recorder = (SaveRecorder)(object)store;
        recorder._inner = inner;
        return (store, recorder);
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        if (method!.Name == nameof(IWorkflowStore.SaveAsync))
            foreach (var id in ((InstanceChanges)args![0]!).RemovedTimers)
                RemovedTimers.Enqueue(id);
        try
        {
            return method.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }
}
