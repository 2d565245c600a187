using OneStop.Workflow.Engine.Execution;

namespace OneStop.Workflow.Infrastructure.Timers;

/// <summary>
/// The workflow store with one addition: after a command has committed, the triggers of the timers it added are
/// scheduled and those of the timers it removed are removed (<see cref="TriggerUpdates"/>). Nothing here can fail a
/// committed command.
/// </summary>
public sealed class TimerTriggeringStore(IWorkflowStore store, TriggerUpdates updates) : IWorkflowStore
{
    public IWorkflowStore Inner => store;

    public async Task SaveAsync(InstanceChanges changes, CancellationToken ct = default)
    {
        await store.SaveAsync(changes, ct);
        if (TimerFiring.Current is { } firing)
        {
            // Inside a timer's job the changes are applied before the job ends: if the node dies first, the recovered
            // firing schedules the instance's timers again. The fired timer's own one-shot trigger is completed and
            // deleted by Quartz.
            await updates.ApplyNowAsync(changes.AddedTimers, changes.RemovedTimers.Where(id => id != firing).ToList());
            return;
        }
        await updates.EnqueueAsync(changes.Instance.Id, changes.AddedTimers, changes.RemovedTimers);
    }

    public Task<DeployedDefinition?> FindDefinitionAsync(string key, int? version, CancellationToken ct = default) => store.FindDefinitionAsync(key, version, ct);

    public Task<DeployedDefinition?> FindDefinitionAsync(Guid id, CancellationToken ct = default) => store.FindDefinitionAsync(id, ct);

    public Task<DeployedDefinition> AddDefinitionAsync(NewDefinition definition, CancellationToken ct = default) => store.AddDefinitionAsync(definition, ct);

    public Task<IReadOnlyList<DeployedDefinition>> ListLatestDefinitionsAsync(CancellationToken ct = default) => store.ListLatestDefinitionsAsync(ct);

    public Task<ProcessInstance?> LoadInstanceAsync(Guid id, CancellationToken ct = default) => store.LoadInstanceAsync(id, ct);

    public Task<ProcessInstance?> LoadInstanceOfTaskAsync(Guid taskId, CancellationToken ct = default) => store.LoadInstanceOfTaskAsync(taskId, ct);

    public Task<TaskRecord?> FindTaskAsync(Guid taskId, CancellationToken ct = default) => store.FindTaskAsync(taskId, ct);

    public Task<IReadOnlyList<TaskRecord>> ListTasksAsync(TaskQuery query, CancellationToken ct = default) => store.ListTasksAsync(query, ct);

    public Task<IReadOnlyList<TimerRecord>> DueTimersAsync(DateTimeOffset now, int max, CancellationToken ct = default) => store.DueTimersAsync(now, max, ct);

    public Task<TimerRecord?> NextTimerAsync(CancellationToken ct = default) => store.NextTimerAsync(ct);

    public Task<IReadOnlyList<SubscriptionRecord>> FindSubscriptionsAsync(string messageName, string? correlationKey, CancellationToken ct = default) =>
        store.FindSubscriptionsAsync(messageName, correlationKey, ct);

    public Task<IReadOnlyList<HistoryRecord>> HistoryAsync(Guid instanceId, CancellationToken ct = default) => store.HistoryAsync(instanceId, ct);

    public Task<IReadOnlyList<ProcessInstance>> ListInstancesAsync(string initiator, CancellationToken ct = default) => store.ListInstancesAsync(initiator, ct);
}

/// <summary>Which timer the current job is firing, for <see cref="TimerTriggeringStore"/>.</summary>
internal static class TimerFiring
{
    private static readonly AsyncLocal<Guid?> Firing = new();

    public static Guid? Current => Firing.Value;

    public static Scope Begin(Guid timerId)
    {
        Firing.Value = timerId;
        return default;
    }

    public readonly struct Scope : IDisposable
    {
        public void Dispose() => Firing.Value = null;
    }
}
