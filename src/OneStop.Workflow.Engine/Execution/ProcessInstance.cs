using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace OneStop.Workflow.Engine.Execution;

public enum InstanceStatus { Running, Completed, Terminated }

/// <summary>What a token is waiting for. A token that waits on nothing is moving.</summary>
public enum TokenWait { None, Task, Timer, Message, Join, SubProcess, Incident }

/// <summary>
/// The whole state of one running process instance: the aggregate that one command loads, changes and
/// saves in one transaction. Its open tasks, timers and message subscriptions are also projected into
/// their own tables for queries; this object remains the truth.
/// </summary>
public sealed class ProcessInstance : IDeadlineClock
{
    public required Guid Id { get; init; }
    public required Guid DefinitionId { get; init; }
    public required string DefinitionKey { get; init; }
    public required int DefinitionVersion { get; init; }
    public string? BusinessKey { get; init; }

    /// <summary>Who started the instance (the citizen who filed the application); null for instances started by the system.</summary>
    public string? Initiator { get; init; }
    public InstanceStatus Status { get; set; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>The deadline of the scenario as a whole (onestop:timeLimit on the process: joint handling).</summary>
    public DateTimeOffset? DueAt { get; set; }

    /// <summary>The scenario's time limit as written (e.g. <c>45WD</c>); null when the process declares none.</summary>
    public string? Limit { get; set; }

    /// <summary>The nominal length of a working-day limit: the working time from the start to the deadline, plus
    /// extensions. Null for other limits.</summary>
    public double? LimitWorkingDays { get; set; }

    /// <summary>The nominal length of a duration or date limit: the wall time from the start to the deadline, plus
    /// extensions. Null for working-day limits.</summary>
    public TimeSpan? LimitDuration { get; set; }

    /// <summary>Set while the scenario's clock stands still: while at least one of its task clocks is paused.</summary>
    public DateTimeOffset? PausedAt { get; set; }

    /// <summary>The reason of the task pause that stopped the scenario's clock.</summary>
    public string? PauseReason { get; set; }

    /// <summary>Working days granted by extensions of the scenario's limit so far.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int ExtendedWorkingDays { get; set; }

    /// <summary>Where the scenario stands against its own limit.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public TaskSignal Signal { get; set; }

    public JsonObject Variables { get; set; } = [];
    public List<Token> Tokens { get; set; } = [];
    public List<ScopeInstance> Scopes { get; set; } = [];
    public List<TaskItem> Tasks { get; set; } = [];
    public List<TimerItem> Timers { get; set; } = [];
    public List<SubscriptionItem> Subscriptions { get; set; } = [];
    public List<Incident> Incidents { get; set; } = [];

    /// <summary>How many times each service task has completed: with the instance id, it makes the idempotency key
    /// that a handler gets, the same for every attempt of one run (conflict retries, incident retries).</summary>
    public Dictionary<string, int> ActivityRuns { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Number of history entries written so far; the next entry's sequence number.</summary>
    public int HistoryCount { get; set; }

    /// <summary>Optimistic concurrency version: incremented by every saved command.</summary>
    public long Version { get; set; }
}

/// <summary>A token: one thread of control at one flow node, inside the process or an embedded sub-process instance.</summary>
public sealed class Token
{
    public required Guid Id { get; init; }
    public required string NodeId { get; set; }

    /// <summary>The sub-process instance the token runs in; null for the process level.</summary>
    public Guid? ScopeId { get; init; }

    /// <summary>The sequence flow the token arrived by (joins count arrivals per flow).</summary>
    public string? ArrivedVia { get; set; }

    public TokenWait Wait { get; set; }
}

/// <summary>An instance of an embedded sub-process, entered by the parent token waiting at the sub-process node.</summary>
public sealed class ScopeInstance
{
    public required Guid Id { get; init; }
    public required string SubProcessId { get; init; }
    public required Guid ParentTokenId { get; init; }
}

public sealed class TaskItem : IDeadlineClock
{
    public required Guid Id { get; init; }
    public required Guid TokenId { get; init; }
    public required string ActivityId { get; init; }
    public string? Name { get; init; }
    public string? Department { get; init; }
    public string? FormRef { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? DueAt { get; set; }

    /// <summary>The task's time limit as written (e.g. <c>5WD</c>); null when the task has none.</summary>
    public string? Limit { get; init; }

    /// <summary>The nominal length of a working-day limit: the working time from creation to the first deadline, plus
    /// extensions. Null for other limits.</summary>
    public double? LimitWorkingDays { get; set; }

    /// <summary>The nominal length of a duration or date limit: the wall time from creation to the first deadline, plus
    /// extensions. Null for working-day limits.</summary>
    public TimeSpan? LimitDuration { get; set; }

    /// <summary>Set while the task's clock stands still (supplementation, Art. 32; testing, inspection, expert review, Art. 45).</summary>
    public DateTimeOffset? PausedAt { get; set; }

    /// <summary>Why the clock is paused: one of <see cref="DeadlineClock.PauseReasons"/>.</summary>
    public string? PauseReason { get; set; }

    /// <summary>Working days granted by extensions so far (Art. 42).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int ExtendedWorkingDays { get; set; }

    /// <summary>Where the task stands against its limit.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public TaskSignal Signal { get; set; }
}

/// <summary>Where work stands against its limit: green while in time, yellow once the configured share of the limit
/// is used (<see cref="WorkflowEngineOptions.YellowShare"/>), red once the deadline has passed.</summary>
public enum TaskSignal { Green, Yellow, Red }

/// <summary>What a timer is for: a timer event of the model, or a signal change of a task's or the scenario's clock.</summary>
public enum TimerPurpose { Model, TaskYellow, TaskRed, InstanceYellow, InstanceRed }

public sealed class TimerItem
{
    public required Guid Id { get; init; }

    /// <summary>The token whose wait or task the timer belongs to; <see cref="Guid.Empty"/> for the scenario's own clock.</summary>
    public required Guid TokenId { get; init; }

    /// <summary>The timer catch event or boundary event this timer belongs to; for a signal timer, the task's activity
    /// (or the process, for the scenario's clock).</summary>
    public required string ActivityId { get; init; }
    public required DateTimeOffset DueAt { get; set; }

    /// <summary>How many times a cycle timer has fired so far.</summary>
    public int Fired { get; set; }

    /// <summary>The timer text an expression resolved to when the timer was armed; a cycle re-arms from it.</summary>
    public string? ResolvedText { get; init; }

    /// <summary><see cref="TimerPurpose.Model"/> for the model's timer events; the default, so state written before
    /// signal timers existed reads the same.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public TimerPurpose Purpose { get; init; }

    /// <summary>The task whose clock a <see cref="TimerPurpose.TaskYellow"/> or <see cref="TimerPurpose.TaskRed"/> timer belongs to.</summary>
    public Guid? TaskId { get; init; }
}

public sealed class SubscriptionItem
{
    public required Guid Id { get; init; }
    public required Guid TokenId { get; init; }

    /// <summary>The message catch event, receive task or boundary event waiting.</summary>
    public required string ActivityId { get; init; }
    public required string MessageName { get; init; }
    public string? CorrelationKey { get; init; }
}

public sealed class Incident
{
    public required Guid Id { get; init; }
    public required Guid TokenId { get; init; }
    public required string ElementId { get; init; }
    public required string Message { get; init; }
    public required DateTimeOffset At { get; init; }

    /// <summary>True when the element had already done its work and choosing the way on failed: a retry moves the
    /// token on instead of running the element (a department's decision, a handler's call) again.</summary>
    public bool OnLeave { get; init; }
}
