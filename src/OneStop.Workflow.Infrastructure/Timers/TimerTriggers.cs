using System.Globalization;
using OneStop.Workflow.Engine.Execution;
using Quartz;

namespace OneStop.Workflow.Infrastructure.Timers;

/// <summary>
/// The Quartz side of timers: one one-shot trigger per pending timer row, named by the timer's id, that runs
/// <see cref="FireTimerJob"/> at the timer's due moment. The row is the truth; a trigger only wakes the engine, so a
/// trigger without a row does nothing and a row without a trigger is fired by the sweep.
/// </summary>
public sealed class TimerTriggers(ISchedulerFactory schedulers)
{
    /// <summary>The trigger group that holds exactly the timers' triggers.</summary>
    public const string Group = "onestop-timers";

    /// <summary>The one durable job every timer trigger runs.</summary>
    public static readonly JobKey JobKey = new("fire-timer", "onestop");

    // Each call is one store transaction under Quartz's lock: large enough to amortise the commit, small enough not to
    // hold the lock (and the other nodes) for long.
    private const int TriggersPerCall = 500;

    private const string InstanceKey = "instanceId";
    private const string ActivityKey = "activityId";
    private const string DueKey = "dueAt";

    /// <summary>Durable (it stays while no trigger waits) and recoverable: a firing that a node was killed in the middle of
    /// is run again by another node, which is harmless because firing a timer twice changes nothing.</summary>
    internal static IJobDetail Job { get; } = JobBuilder.Create<FireTimerJob>()
        .WithIdentity(JobKey)
        .StoreDurably()
        .RequestRecovery()
        .Build();

    private IScheduler? _scheduler;

    public static TriggerKey KeyOf(Guid timerId) => new(timerId.ToString("N"), Group);

    /// <summary>The node's scheduler, built on first use. Kept, so that a call after shutdown fails instead of building
    /// another scheduler.</summary>
    public async ValueTask<IScheduler> SchedulerAsync(CancellationToken ct = default) =>
        _scheduler ??= await schedulers.GetScheduler(ct);

    /// <summary>The scheduler, if something has used it yet.</summary>
    internal IScheduler? Existing => _scheduler;

    /// <summary>Stores (or replaces) the triggers of <paramref name="timers"/>.</summary>
    public async Task ScheduleAsync(IReadOnlyCollection<TimerRecord> timers, CancellationToken ct = default)
    {
        if (timers.Count == 0) return;
        var scheduler = await SchedulerAsync(ct);
        // In key order, as removals are: batches then take row locks in one order and do not deadlock one another.
        foreach (var chunk in timers.OrderBy(t => KeyOf(t.Id).Name, StringComparer.Ordinal).Chunk(TriggersPerCall))
            await scheduler.ScheduleJob(Job, chunk.Select(TriggerOf).ToList(), ScheduleJobOptions.Replacing, ct);
    }

    /// <summary>Removes the triggers of these timers; returns how many there were.</summary>
    public Task<int> UnscheduleAsync(IReadOnlyCollection<Guid> timerIds, CancellationToken ct = default) =>
        UnscheduleAsync(timerIds.Select(KeyOf).ToList(), ct);

    internal async Task<int> UnscheduleAsync(IReadOnlyCollection<TriggerKey> keys, CancellationToken ct)
    {
        if (keys.Count == 0) return 0;
        var scheduler = await SchedulerAsync(ct);
        var removed = 0;
        foreach (var chunk in keys.OrderBy(k => k.Name, StringComparer.Ordinal).Chunk(TriggersPerCall))
            removed += (await scheduler.UnscheduleJobs(chunk, ct)).Count;
        return removed;
    }

    /// <summary>The timers that have a trigger, whatever its state, and the keys of triggers in the group that name no
    /// timer. Read a page at a time, keeping ids only: a node with a hundred thousand pending timers starts without holding
    /// a hundred thousand trigger descriptions.</summary>
    public async Task<(HashSet<Guid> Timers, List<TriggerKey> Foreign)> ScheduledAsync(CancellationToken ct = default)
    {
        const int page = 10_000;
        var scheduler = await SchedulerAsync(ct);
        var timers = new HashSet<Guid>();
        var foreign = new List<TriggerKey>();
        for (var skip = 0; ; skip += page)
        {
            var result = await scheduler.QueryTriggers(
                new TriggerQuery { Group = GroupMatcher<TriggerKey>.GroupEquals(Group), Skip = skip, Take = page }, ct);
            foreach (var trigger in result.Items)
            {
                if (TimerIdOf(trigger.Key) is { } id) timers.Add(id);
                else foreign.Add(trigger.Key);
            }
            if (!result.HasMore) return (timers, foreign);
        }
    }

    /// <summary>The timer a trigger of this group names, or null for a trigger not named by a timer id.</summary>
    public static Guid? TimerIdOf(TriggerKey key) =>
        key.Group == Group && Guid.TryParseExact(key.Name, "N", out var id) ? id : null;

    internal static ITrigger TriggerOf(TimerRecord timer) => TriggerBuilder.Create()
        .WithIdentity(KeyOf(timer.Id))
        .ForJob(JobKey)
        .StartAt(FireTimeOf(timer.DueAt))
        .UsingJobData(InstanceKey, timer.InstanceId.ToString("D"))
        .UsingJobData(ActivityKey, timer.ActivityId)
        .UsingJobData(DueKey, timer.DueAt.ToString("O", CultureInfo.InvariantCulture))
        // A trigger whose moment passed while no node ran (or that was scheduled late) fires as soon as it can.
        .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
        .Build();

    /// <summary>Quartz keeps fire times in whole milliseconds and the engine refuses a timer before its due tick: rounding
    /// up keeps a trigger from firing a fraction of a millisecond early.</summary>
    internal static DateTimeOffset FireTimeOf(DateTimeOffset due)
    {
        var utc = due.ToUniversalTime();
        var remainder = utc.Ticks % TimeSpan.TicksPerMillisecond;
        return remainder == 0 ? utc : utc.AddTicks(TimeSpan.TicksPerMillisecond - remainder);
    }

    /// <summary>The timer a firing is for: its trigger's name (the original trigger's, when a firing is recovered) and data.</summary>
    internal static TimerRecord? TimerOf(IJobExecutionContext context) =>
        TimerOf(context.Recovering && context.RecoveringTriggerKey is { } original ? original : context.Trigger.Key, context.MergedJobDataMap);

    internal static TimerRecord? TimerOf(TriggerKey key, JobDataMap data) =>
        TimerIdOf(key) is { } id
        && data.TryGetValue(InstanceKey, out var instance) && Guid.TryParse(instance as string, out var instanceId)
        && data.TryGetValue(ActivityKey, out var activity) && activity is string activityId
        && data.TryGetValue(DueKey, out var due)
        && DateTimeOffset.TryParseExact(due as string, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var dueAt)
            ? new TimerRecord(id, instanceId, activityId, dueAt)
            : null;
}
