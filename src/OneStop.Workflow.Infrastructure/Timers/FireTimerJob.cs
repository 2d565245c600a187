using Microsoft.Extensions.Logging;
using OneStop.Workflow.Engine.Execution;
using Quartz;

namespace OneStop.Workflow.Infrastructure.Timers;

/// <summary>
/// What a timer's trigger runs: the engine's fire-timer command, which consumes the timer row in the transaction that
/// resumes the instance. A second firing of the same timer (a duplicate trigger, a recovered firing, the sweep) finds no
/// pending timer and changes nothing.
/// </summary>
public sealed class FireTimerJob(WorkflowEngine engine, TimerTriggers triggers, TimerService service, ILogger<FireTimerJob> logger) : IJob
{
    // A firing this close before the due moment waits for it; one earlier than that is left to the sweep.
    private static readonly TimeSpan MaxEarlyWait = TimeSpan.FromSeconds(2);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        if (TimerTriggers.TimerOf(context) is not { } timer)
        {
            logger.LogWarning("Trigger {Trigger} names no timer; ignored", context.Trigger.Key);
            return;
        }
        var node = context.Scheduler.SchedulerInstanceId;
        var early = timer.DueAt - engine.Clock.GetUtcNow();
        // Long overdue: more timers fell due than Quartz fires in time (or the node was down). The sweep drains the rest.
        if (-early > TimerService.SweepGrace)
            service.RequestSweep();
        if (early > TimeSpan.Zero)
        {
            // The node that scheduled the trigger and this one disagree about the time.
            if (early > MaxEarlyWait)
            {
                logger.LogWarning("Timer {TimerId} of application {InstanceId} woke {Early} before it is due on node {Node}; the sweep fires it when due",
                    timer.Id, timer.InstanceId, early, node);
                return;
            }
            // Task.Delay rounds down to whole milliseconds: wait until the due tick has really passed, or the engine would
            // find the timer not yet due and this one-shot trigger would be spent for nothing.
            do
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(early.TotalMilliseconds)), engine.Clock, cancellationToken);
                early = timer.DueAt - engine.Clock.GetUtcNow();
            }
            while (early > TimeSpan.Zero);
        }

        bool fired;
        try
        {
            using (TimerFiring.Begin(timer.Id))
                fired = await engine.FireTimerAsync(timer, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The row is still there (the command did not commit): the sweep fires it again.
            logger.LogWarning(e, "Firing timer {TimerId} of application {InstanceId} failed on node {Node}; the sweep tries again",
                timer.Id, timer.InstanceId, node);
            return;
        }
        if (context.Recovering && !fired)
            await RescheduleTimersOfAsync(timer.InstanceId, cancellationToken);
        if (fired)
            logger.LogInformation("Timer {TimerId} ({ActivityId}) of application {InstanceId}, due {DueAt:O}, fired on node {Node}",
                timer.Id, timer.ActivityId, timer.InstanceId, timer.DueAt, node);
        else
            logger.LogDebug("Timer {TimerId} of application {InstanceId} had already fired or was cancelled", timer.Id, timer.InstanceId);
    }

    /// <summary>A recovered firing whose timer had fired: the node that fired it may have died before it scheduled the
    /// triggers of the timers the firing armed. Scheduling them again replaces whatever is there.</summary>
    private async Task RescheduleTimersOfAsync(Guid instanceId, CancellationToken ct)
    {
        try
        {
            var instance = await engine.Store.LoadInstanceAsync(instanceId, ct);
            if (instance is not { Status: InstanceStatus.Running }) return;
            await triggers.ScheduleAsync(instance.Timers.Select(t => new TimerRecord(t.Id, instance.Id, t.ActivityId, t.DueAt)).ToList(), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Could not schedule the timers of application {InstanceId} again; the sweep fires them when due", instanceId);
        }
    }
}
