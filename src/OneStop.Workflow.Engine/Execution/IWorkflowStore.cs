namespace OneStop.Workflow.Engine.Execution;

/// <summary>
/// Where the engine keeps deployed definitions and instance state. The engine's commands each call
/// <see cref="SaveAsync"/> once: that call is the command's one transaction.
/// Implementations: <see cref="InMemoryWorkflowStore"/> (simulation, benchmarks) and the EF Core store
/// in OneStop.Workflow.Infrastructure (SQLite, PostgreSQL).
/// </summary>
public interface IWorkflowStore
{
    /// <summary>The definition with that key and version, or the latest version when <paramref name="version"/> is null.</summary>
    Task<DeployedDefinition?> FindDefinitionAsync(string key, int? version, CancellationToken ct = default);

    Task<DeployedDefinition?> FindDefinitionAsync(Guid id, CancellationToken ct = default);

    /// <summary>Stores a new version of <paramref name="key"/> (latest + 1, or 1) unless the latest version has the
    /// same content hash, in which case that one is returned unchanged.</summary>
    Task<DeployedDefinition> AddDefinitionAsync(NewDefinition definition, CancellationToken ct = default);

    /// <summary>The latest version of every key.</summary>
    Task<IReadOnlyList<DeployedDefinition>> ListLatestDefinitionsAsync(CancellationToken ct = default);

    Task<ProcessInstance?> LoadInstanceAsync(Guid id, CancellationToken ct = default);

    /// <summary>The instance a task belongs (or belonged) to, in one read; null when no task has that id.</summary>
    Task<ProcessInstance?> LoadInstanceOfTaskAsync(Guid taskId, CancellationToken ct = default);

    /// <summary>Writes the changes of one command in one transaction. A new instance has
    /// <see cref="InstanceChanges.ExpectedVersion"/> 0. Throws <see cref="ConcurrencyConflictException"/>
    /// when the stored version is not the expected one; nothing is written then.</summary>
    Task SaveAsync(InstanceChanges changes, CancellationToken ct = default);

    Task<TaskRecord?> FindTaskAsync(Guid taskId, CancellationToken ct = default);

    Task<IReadOnlyList<TaskRecord>> ListTasksAsync(TaskQuery query, CancellationToken ct = default);

    /// <summary>Pending timers due at or before <paramref name="now"/>, earliest first.</summary>
    Task<IReadOnlyList<TimerRecord>> DueTimersAsync(DateTimeOffset now, int max, CancellationToken ct = default);

    /// <summary>The earliest pending timer of all instances, if any.</summary>
    Task<TimerRecord?> NextTimerAsync(CancellationToken ct = default);

    Task<IReadOnlyList<SubscriptionRecord>> FindSubscriptionsAsync(string messageName, string? correlationKey, CancellationToken ct = default);

    Task<IReadOnlyList<HistoryRecord>> HistoryAsync(Guid instanceId, CancellationToken ct = default);

    /// <summary>The instances that <paramref name="initiator"/> started (a citizen's applications), newest first.</summary>
    Task<IReadOnlyList<ProcessInstance>> ListInstancesAsync(string initiator, CancellationToken ct = default);
}

public sealed class ConcurrencyConflictException(Guid instanceId)
    : Exception($"Process instance {instanceId} was changed by another command.")
{
    public Guid InstanceId { get; } = instanceId;
}

/// <param name="Forms">The scenario's forms deployed with this version: a JSON object {formKey: form-js schema}, or null.</param>
public sealed record NewDefinition(string Key, string Xml, string ContentHash, string? Name, string? SourceName, DateTimeOffset DeployedAt,
    string? Forms = null);

/// <param name="Forms">The scenario's forms deployed with this version: a JSON object {formKey: form-js schema}, or null.</param>
public sealed record DeployedDefinition(Guid Id, string Key, int Version, string Xml, string ContentHash, string? Name, string? SourceName,
    DateTimeOffset DeployedAt, string? Forms = null);

public enum TaskState { Open, Completed, Cancelled }

/// <summary>The queryable projection of a user or manual task.</summary>
/// <param name="Signal">Where the task stands against its limit; green for a task without one.</param>
/// <param name="PausedAt">Set while the task's clock is paused.</param>
/// <param name="PauseReason">Why the clock is paused (see <see cref="DeadlineClock.PauseReasons"/>).</param>
public sealed record TaskRecord(
    Guid Id, Guid InstanceId, string ActivityId, string? Name, string? Department, string? FormRef,
    DateTimeOffset CreatedAt, DateTimeOffset? DueAt, TaskState Status, DateTimeOffset? EndedAt, string? EndedBy,
    TaskSignal Signal = TaskSignal.Green, DateTimeOffset? PausedAt = null, string? PauseReason = null);

public sealed record TaskQuery(string? Department = null, TaskState? Status = null, Guid? InstanceId = null, int Max = 1000);

public sealed record TimerRecord(Guid Id, Guid InstanceId, string ActivityId, DateTimeOffset DueAt);

public sealed record SubscriptionRecord(Guid Id, Guid InstanceId, string ActivityId, string MessageName, string? CorrelationKey);

/// <summary>One entry of an instance's history; <paramref name="Data"/> is a JSON object or null.</summary>
public sealed record HistoryRecord(Guid InstanceId, int Sequence, DateTimeOffset At, string Kind, string? ElementId, string? Actor, string? Data);

/// <summary>
/// Something people must be told about, written in the same transaction as the command that caused it (an outbox):
/// a task or application turning yellow or red. The server dispatches notices after the commit.
/// </summary>
/// <param name="Kind">One of <see cref="NoticeKinds"/>.</param>
/// <param name="Department">The department of the task; null for the application's own clock.</param>
/// <param name="Data">A JSON object: activityId, name, dueAt, escalation (see <see cref="Escalations"/>, or null) and scenario.</param>
public sealed record NoticeRecord(Guid Id, Guid InstanceId, Guid? TaskId, string Kind, string? Department, DateTimeOffset At, string? Data);

/// <summary>Everything one command changed, written together by <see cref="IWorkflowStore.SaveAsync"/>.</summary>
public sealed class InstanceChanges
{
    public required ProcessInstance Instance { get; init; }

    /// <summary>The version the command loaded; 0 for a new instance. The saved version is this + 1.</summary>
    public required long ExpectedVersion { get; init; }

    /// <summary>Task rows to insert or update (by id), with their new status.</summary>
    public List<TaskRecord> Tasks { get; } = [];
    public List<TimerRecord> AddedTimers { get; } = [];
    public List<Guid> RemovedTimers { get; } = [];
    public List<SubscriptionRecord> AddedSubscriptions { get; } = [];
    public List<Guid> RemovedSubscriptions { get; } = [];
    public List<HistoryRecord> History { get; } = [];

    /// <summary>Notices to dispatch once the command is committed.</summary>
    public List<NoticeRecord> Notices { get; } = [];
}
