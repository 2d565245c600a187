using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OneStop.Workflow.Engine.Execution;

namespace OneStop.Workflow.Infrastructure.Timers;

/// <summary>
/// The trigger changes of committed commands (timers added and removed), applied to Quartz in the background, in the
/// order the commands committed. A command does not wait for Quartz, and changes that pile up under load go to Quartz
/// in one store transaction per batch instead of one per command. A change that is lost (the process dies first, or
/// Quartz fails) leaves a timer row without a trigger, or a trigger without a row: the sweep fires the first when it
/// is due, the second wakes nothing, and the next start reconciles both.
/// </summary>
public sealed class TriggerUpdates(TimerTriggers triggers, ILogger<TriggerUpdates> logger)
{
    // About 100 bytes per change: a burst of this many commands is held before commands start to wait.
    private const int Capacity = 50_000;
    private const int MaxBatch = 5_000;

    // How long a committed command waits for room in a full queue before its trigger changes are left to the sweep.
    private static readonly TimeSpan EnqueueTimeout = TimeSpan.FromSeconds(10);

    // How long the first change of a batch waits for others. Each Quartz transaction takes the database's write lock (on
    // SQLite, the one writer's): one per command took the lock from the commands themselves as often as they took it.
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(50);

    private readonly Channel<Change> _changes = Channel.CreateBounded<Change>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private long _queued;
    private long _applied;
    private TaskCompletionSource _progress = NewProgress();

    /// <summary>Queues the trigger changes of a committed command. Never throws: the command has committed already.</summary>
    internal async ValueTask EnqueueAsync(Guid instanceId, IReadOnlyList<TimerRecord> added, IReadOnlyList<Guid> removed)
    {
        var changes = removed.Select(id => new Change(id, null)).Concat(added.Select(timer => new Change(timer.Id, timer)));
        CancellationTokenSource? timeout = null;
        try
        {
            foreach (var change in changes)
            {
                if (!_changes.Writer.TryWrite(change))
                {
                    timeout ??= new CancellationTokenSource(EnqueueTimeout);
                    await _changes.Writer.WriteAsync(change, timeout.Token);
                }
                Interlocked.Increment(ref _queued);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            logger.LogWarning("Trigger changes of application {InstanceId} were not queued ({Reason}); the sweep fires its timers when due",
                instanceId, e is OperationCanceledException ? "the queue stayed full" : "timers are stopping");
        }
        finally
        {
            timeout?.Dispose();
        }
    }

    /// <summary>Completes when every change queued before the call has been applied (or given up on).</summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        var target = Interlocked.Read(ref _queued);
        while (Interlocked.Read(ref _applied) < target)
        {
            var progress = Volatile.Read(ref _progress).Task;
            if (Interlocked.Read(ref _applied) >= target) return;
            await progress.WaitAsync(ct);
        }
    }

    /// <summary>Stops taking changes; <see cref="RunAsync"/> applies what is queued and returns.</summary>
    internal void Complete() => _changes.Writer.TryComplete();

    /// <summary>Applies queued changes until <see cref="Complete"/> and the queue is empty, or <paramref name="ct"/>.</summary>
    internal async Task RunAsync(CancellationToken ct)
    {
        var reader = _changes.Reader;
        var batch = new List<Change>(MaxBatch);
        while (await reader.WaitToReadAsync(ct))
        {
            if (reader.Count < MaxBatch && !reader.Completion.IsCompleted)
                await Task.Delay(Linger, ct);
            while (batch.Count < MaxBatch && reader.TryRead(out var change))
                batch.Add(change);
            await ApplyAsync(batch, ct);
            Interlocked.Add(ref _applied, batch.Count);
            batch.Clear();
            Interlocked.Exchange(ref _progress, NewProgress()).TrySetResult();
        }
    }

    /// <summary>Applies the changes of one command at once. Never throws: the command has committed already.</summary>
    internal async Task ApplyNowAsync(IReadOnlyList<TimerRecord> added, IReadOnlyList<Guid> removed, CancellationToken ct = default)
    {
        try
        {
            await triggers.UnscheduleAsync(removed, ct);
            await triggers.ScheduleAsync(added, ct);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not apply {Added} trigger additions and {Removed} removals; the sweep fires their timers when due",
                added.Count, removed.Count);
        }
    }

    private async Task ApplyAsync(List<Change> batch, CancellationToken ct)
    {
        // The last change of a timer wins: added then removed within one batch is a removal (of nothing, usually).
        var last = new Dictionary<Guid, TimerRecord?>(batch.Count);
        foreach (var change in batch)
            last[change.TimerId] = change.Added;
        var removals = last.Where(c => c.Value is null).Select(c => c.Key).ToList();
        var additions = last.Values.OfType<TimerRecord>().ToList();
        try
        {
            await triggers.UnscheduleAsync(removals, ct);
            await triggers.ScheduleAsync(additions, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Could not apply {Added} trigger additions and {Removed} removals; the sweep fires their timers when due",
                additions.Count, removals.Count);
        }
    }

    private static TaskCompletionSource NewProgress() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="Added">The timer whose trigger is to be stored, or null when the timer's trigger is to be removed.</param>
    private readonly record struct Change(Guid TimerId, TimerRecord? Added);
}
