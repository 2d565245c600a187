using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure.Persistence;
using Quartz;

namespace OneStop.Workflow.Infrastructure.Timers;

/// <summary>What a start-up reconciliation did.</summary>
/// <param name="Fired">Timers that were already due, fired in due order before any trigger could run.</param>
/// <param name="Scheduled">Timer rows that had no trigger and got one.</param>
/// <param name="Removed">Triggers without a timer row, removed.</param>
/// <param name="Pending">Timer rows left pending, each with its trigger.</param>
public sealed record TimerReconciliation(int Fired, int Scheduled, int Removed, int Pending, TimeSpan Took);

/// <summary>
/// Runs the timers of one node: on start it fires every timer already due (in due order, once), gives every pending
/// timer row a trigger and removes triggers without a row, then starts Quartz; while running it applies the trigger
/// changes of committed commands and sweeps for due rows that were not fired.
/// </summary>
public sealed class TimerService(TimerTriggers triggers, TriggerUpdates updates, WorkflowEngine engine,
    TimerOptions options, DatabaseOptions database, ILogger<TimerService> logger) : BackgroundService
{
    /// <summary>How long past due a timer row must be before the sweep takes it: its trigger has had time to fire it.</summary>
    public static readonly TimeSpan SweepGrace = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<TimerReconciliation> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _applying;
    private TaskCompletionSource _sweepRequested = NewRequest();
    private volatile bool _stopRequested;

    /// <summary>Completes when the start-up reconciliation is done and Quartz runs.</summary>
    public Task<TimerReconciliation> Started => _started.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Changes of commands that commit while this node starts are applied from the beginning.
        _applying = Task.Run(() => updates.RunAsync(_stopping.Token), CancellationToken.None);
        try
        {
            await StartTimersAsync(stoppingToken);
            await SweepEveryIntervalAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _started.TrySetCanceled(stoppingToken);
        }
    }

    private async Task StartTimersAsync(CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var scheduler = await triggers.SchedulerAsync(ct);
                await scheduler.AddJob(TimerTriggers.Job, AddJobOptions.Replacing, ct);
                var reconciliation = await ReconcileAsync(ct);
                await scheduler.Start(ct);
                logger.LogInformation(
                    "Timers started on node {Node}{Clustered}: {Fired} overdue fired, {Scheduled} triggers added, {Removed} stale triggers removed, {Pending} pending ({Took} ms)",
                    scheduler.SchedulerInstanceId, options.IsClusteredOn(database) ? " (clustered)" : "",
                    reconciliation.Fired, reconciliation.Scheduled, reconciliation.Removed, reconciliation.Pending, (long)reconciliation.Took.TotalMilliseconds);
                _started.TrySetResult(reconciliation);
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // The database may come up after the server: keep trying, as a restart would.
                logger.LogError(e, "Timers could not start (attempt {Attempt}); trying again in {Delay}", attempt, options.Sweep);
                await Task.Delay(options.Sweep, ct);
            }
        }
    }

    /// <summary>
    /// Fires every timer already due, in due order, then makes the triggers match the timer rows. Runs before Quartz
    /// starts, so that an overdue timer is fired once and in order rather than by its misfired trigger. Triggers are listed
    /// before rows: a timer committed in between has a row and gets a trigger (again), never a removal.
    /// </summary>
    public async Task<TimerReconciliation> ReconcileAsync(CancellationToken ct = default)
    {
        var watch = Stopwatch.StartNew();
        var fired = await engine.FireDueTimersAsync(ct);
        var (triggered, foreign) = await triggers.ScheduledAsync(ct);
        var rows = await engine.Store.DueTimersAsync(DateTimeOffset.MaxValue, int.MaxValue, ct);

        var missing = new List<TimerRecord>();
        foreach (var row in rows)
        {
            // What is left in the set afterwards are triggers without a row.
            if (!triggered.Remove(row.Id)) missing.Add(row);
        }
        var orphans = triggered.Select(TimerTriggers.KeyOf).Concat(foreign).ToList();
        await triggers.ScheduleAsync(missing, ct);
        var removed = await triggers.UnscheduleAsync(orphans, ct);
        return new TimerReconciliation(fired, missing.Count, removed, rows.Count, watch.Elapsed);
    }

    /// <summary>
    /// Fires the timer rows that are due since longer than <see cref="SweepGrace"/> — their trigger was lost, or more timers
    /// fell due at once than Quartz fires in that time — and with them every row due by now, in due order. Returns how
    /// many timers fired. Quartz stands by on this node meanwhile: a command per timer drains a backlog several times
    /// faster than Quartz's few transactions per trigger, and the two would only race for the same rows.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken ct = default)
    {
        var overdue = await engine.Store.DueTimersAsync(engine.Clock.GetUtcNow() - SweepGrace, 1, ct);
        if (overdue.Count == 0) return 0;
        var scheduler = triggers.Existing is { Status: SchedulerStatus.Running } running ? running : null;
        if (scheduler is not null)
            await scheduler.Standby(ct);
        int fired;
        try
        {
            fired = await FireDueAsync(ct);
        }
        finally
        {
            if (scheduler is not null && !_stopRequested && triggers.Existing?.Status == SchedulerStatus.Standby)
                await scheduler.Start(CancellationToken.None);
        }
        if (fired > 0)
            logger.LogWarning("The sweep fired {Count} timers that no trigger had fired in time, the first due {DueAt:O}", fired, overdue[0].DueAt);
        return fired;
    }

    /// <summary>
    /// The sweep's firing: on PostgreSQL <see cref="TimerOptions.MaxConcurrentFirings"/> commands at a time, taken in due
    /// order (a command there waits mostly on round trips); on SQLite, whose one writer they would only queue for, one
    /// after another. The engine's own pass then fires what is left and removes rows that no instance waits for.
    /// </summary>
    private async Task<int> FireDueAsync(CancellationToken ct)
    {
        var width = database.IsSqlite ? 1 : options.MaxConcurrentFirings;
        var count = 0;
        while (width > 1)
        {
            var due = await engine.Store.DueTimersAsync(engine.Clock.GetUtcNow(), 50 * width, ct);
            var fired = 0;
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = width, CancellationToken = ct }, async (timer, c) =>
            {
                try
                {
                    if (await engine.FireTimerAsync(timer, c)) Interlocked.Increment(ref fired);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One timer that cannot fire must not stop the others; the engine's pass below logs it and goes on.
                    logger.LogDebug(e, "Timer {TimerId} of instance {InstanceId} could not fire in the sweep", timer.Id, timer.InstanceId);
                }
            });
            count += fired;
            if (fired == 0) break;
        }
        return count + await engine.FireDueTimersAsync(ct);
    }

    /// <summary>Asks for a sweep now rather than at the next interval: a firing found its timer long overdue.</summary>
    public void RequestSweep() => Volatile.Read(ref _sweepRequested).TrySetResult();

    private async Task SweepEveryIntervalAsync(CancellationToken ct)
    {
        using var ticks = new PeriodicTimer(options.Sweep);
        var tick = ticks.WaitForNextTickAsync(ct).AsTask();
        while (true)
        {
            var request = Volatile.Read(ref _sweepRequested);
            await Task.WhenAny(tick, request.Task);
            if (tick.IsCompleted)
            {
                if (!await tick) return;
                tick = ticks.WaitForNextTickAsync(ct).AsTask();
            }
            if (request.Task.IsCompleted)
                Interlocked.CompareExchange(ref _sweepRequested, NewRequest(), request);
            try
            {
                await SweepAsync(ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogError(e, "The timer sweep failed; it runs again in {Interval}", options.Sweep);
            }
        }
    }

    private static TaskCompletionSource NewRequest() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Stops sweeping, applies the trigger changes already queued while Quartz can still take them, then shuts
    /// Quartz down after the firings under way (their commands are short). What a firing changes after that is
    /// reconciled at the next start, or swept by the other nodes.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopRequested = true;
        await base.StopAsync(cancellationToken);
        updates.Complete();
        if (_applying is not null)
        {
            try
            {
                await _applying.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                await _stopping.CancelAsync();
            }
        }
        if (triggers.Existing is { Status: not (SchedulerStatus.ShuttingDown or SchedulerStatus.Shutdown) } scheduler)
            await scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);
    }

    public override void Dispose()
    {
        _stopping.Dispose();
        base.Dispose();
    }
}
