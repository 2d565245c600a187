using System.Text.Json.Nodes;

namespace OneStop.Workflow.Engine.Execution;

public enum InstanceStatus { Running, Completed, Terminated }

/// <summary>What a token is waiting for. A token that waits on nothing is moving.</summary>
public enum TokenWait { None, Task, Timer, Message, Join, SubProcess, Incident }

/// <summary>
/// The whole state of one running process instance: the aggregate that one command loads, changes and
/// saves in one transaction. Its open tasks, timers and message subscriptions are also projected into
/// their own tables for queries; this object remains the truth.
/// </summary>
public sealed class ProcessInstance
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

public sealed class TaskItem
{
    public required Guid Id { get; init; }
    public required Guid TokenId { get; init; }
    public required string ActivityId { get; init; }
    public string? Name { get; init; }
    public string? Department { get; init; }
    public string? FormRef { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? DueAt { get; set; }
}

public sealed class TimerItem
{
    public required Guid Id { get; init; }
    public required Guid TokenId { get; init; }

    /// <summary>The timer catch event or boundary event this timer belongs to.</summary>
    public required string ActivityId { get; init; }
    public required DateTimeOffset DueAt { get; set; }

    /// <summary>How many times a cycle timer has fired so far.</summary>
    public int Fired { get; set; }

    /// <summary>The timer text an expression resolved to when the timer was armed; a cycle re-arms from it.</summary>
    public string? ResolvedText { get; init; }
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
