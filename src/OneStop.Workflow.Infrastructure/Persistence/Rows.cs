using System.Data.Common;
using OneStop.Workflow.Engine.Execution;

namespace OneStop.Workflow.Infrastructure.Persistence;

// Table rows. Instants are DateTimeOffset here and stored as UTC ticks (see WorkflowDbContext.ConfigureConventions).

public sealed class DefinitionRow
{
    public Guid Id { get; set; }
    public required string Key { get; set; }
    public int Version { get; set; }
    public required string Xml { get; set; }
    public required string ContentHash { get; set; }
    public string? Name { get; set; }
    public string? SourceName { get; set; }
    public DateTimeOffset DeployedAt { get; set; }

    /// <summary>The forms deployed with this version: a JSON object {formKey: form-js schema}, or null.</summary>
    public string? Forms { get; set; }

    public DeployedDefinition ToRecord() => new(Id, Key, Version, Xml, ContentHash, Name, SourceName, DeployedAt, Forms);

    /// <summary>The row at the reader, selected with <see cref="StoreTable.SelectAll"/>.</summary>
    internal static DefinitionRow Read(StoreTable table, DbDataReader reader) => new()
    {
        Id = table.Read<Guid>(reader, nameof(Id)),
        Key = table.Read<string>(reader, nameof(Key)),
        Version = table.Read<int>(reader, nameof(Version)),
        Xml = table.Read<string>(reader, nameof(Xml)),
        ContentHash = table.Read<string>(reader, nameof(ContentHash)),
        Name = table.Read<string?>(reader, nameof(Name)),
        SourceName = table.Read<string?>(reader, nameof(SourceName)),
        DeployedAt = table.Read<DateTimeOffset>(reader, nameof(DeployedAt)),
        Forms = table.Read<string?>(reader, nameof(Forms)),
    };
}

public sealed class InstanceRow
{
    public Guid Id { get; set; }
    public Guid DefinitionId { get; set; }
    public required string DefinitionKey { get; set; }
    public int DefinitionVersion { get; set; }
    public string? BusinessKey { get; set; }

    /// <summary>Who started the instance (the citizen of an application); indexed for "my applications".</summary>
    public string? Initiator { get; set; }
    public InstanceStatus Status { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>The deadline of the scenario's own limit, when it has one; queryable for overdue applications.</summary>
    public DateTimeOffset? DueAt { get; set; }

    /// <summary>Where the application stands against its own limit.</summary>
    public TaskSignal Signal { get; set; }

    /// <summary>Optimistic concurrency version; equal to the version inside <see cref="State"/>.</summary>
    public long Version { get; set; }

    /// <summary>The whole <see cref="ProcessInstance"/> as written by <see cref="InstanceSerializer"/>.</summary>
    public required string State { get; set; }

    public static InstanceRow From(ProcessInstance instance, string state) => new()
    {
        Id = instance.Id,
        DefinitionId = instance.DefinitionId,
        DefinitionKey = instance.DefinitionKey,
        DefinitionVersion = instance.DefinitionVersion,
        BusinessKey = instance.BusinessKey,
        Initiator = instance.Initiator,
        Status = instance.Status,
        StartedAt = instance.StartedAt,
        EndedAt = instance.EndedAt,
        DueAt = instance.DueAt,
        Signal = instance.Signal,
        Version = instance.Version,
        State = state,
    };
}

public sealed class TaskRow
{
    public Guid Id { get; set; }
    public Guid InstanceId { get; set; }
    public required string ActivityId { get; set; }
    public string? Name { get; set; }
    public string? Department { get; set; }
    public string? FormRef { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DueAt { get; set; }
    public TaskState Status { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public string? EndedBy { get; set; }

    /// <summary>Where the task stands against its limit (stored as its number: green 0, yellow 1, red 2).</summary>
    public TaskSignal Signal { get; set; }

    /// <summary>Set while the task's clock is paused.</summary>
    public DateTimeOffset? PausedAt { get; set; }

    public string? PauseReason { get; set; }

    public static TaskRow From(TaskRecord r) => new()
    {
        Id = r.Id,
        InstanceId = r.InstanceId,
        ActivityId = r.ActivityId,
        Name = r.Name,
        Department = r.Department,
        FormRef = r.FormRef,
        CreatedAt = r.CreatedAt,
        DueAt = r.DueAt,
        Status = r.Status,
        EndedAt = r.EndedAt,
        EndedBy = r.EndedBy,
        Signal = r.Signal,
        PausedAt = r.PausedAt,
        PauseReason = r.PauseReason,
    };

    public TaskRecord ToRecord() =>
        new(Id, InstanceId, ActivityId, Name, Department, FormRef, CreatedAt, DueAt, Status, EndedAt, EndedBy, Signal, PausedAt, PauseReason);

    /// <summary>The row at the reader, selected with <see cref="StoreTable.SelectAll"/>.</summary>
    internal static TaskRow Read(StoreTable table, DbDataReader reader) => new()
    {
        Id = table.Read<Guid>(reader, nameof(Id)),
        InstanceId = table.Read<Guid>(reader, nameof(InstanceId)),
        ActivityId = table.Read<string>(reader, nameof(ActivityId)),
        Name = table.Read<string?>(reader, nameof(Name)),
        Department = table.Read<string?>(reader, nameof(Department)),
        FormRef = table.Read<string?>(reader, nameof(FormRef)),
        CreatedAt = table.Read<DateTimeOffset>(reader, nameof(CreatedAt)),
        DueAt = table.Read<DateTimeOffset?>(reader, nameof(DueAt)),
        Status = table.Read<TaskState>(reader, nameof(Status)),
        EndedAt = table.Read<DateTimeOffset?>(reader, nameof(EndedAt)),
        EndedBy = table.Read<string?>(reader, nameof(EndedBy)),
        Signal = table.Read<TaskSignal>(reader, nameof(Signal)),
        PausedAt = table.Read<DateTimeOffset?>(reader, nameof(PausedAt)),
        PauseReason = table.Read<string?>(reader, nameof(PauseReason)),
    };
}

public sealed class TimerRow
{
    public Guid Id { get; set; }
    public Guid InstanceId { get; set; }
    public required string ActivityId { get; set; }
    public DateTimeOffset DueAt { get; set; }

    public static TimerRow From(TimerRecord r) => new() { Id = r.Id, InstanceId = r.InstanceId, ActivityId = r.ActivityId, DueAt = r.DueAt };

    public TimerRecord ToRecord() => new(Id, InstanceId, ActivityId, DueAt);
}

public sealed class SubscriptionRow
{
    public Guid Id { get; set; }
    public Guid InstanceId { get; set; }
    public required string ActivityId { get; set; }
    public required string MessageName { get; set; }
    public string? CorrelationKey { get; set; }

    public static SubscriptionRow From(SubscriptionRecord r) => new()
    {
        Id = r.Id,
        InstanceId = r.InstanceId,
        ActivityId = r.ActivityId,
        MessageName = r.MessageName,
        CorrelationKey = r.CorrelationKey,
    };

    public SubscriptionRecord ToRecord() => new(Id, InstanceId, ActivityId, MessageName, CorrelationKey);
}

public sealed class HistoryRow
{
    public Guid InstanceId { get; set; }
    public int Sequence { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Kind { get; set; }
    public string? ElementId { get; set; }
    public string? Actor { get; set; }

    /// <summary>A JSON object, or null.</summary>
    public string? Data { get; set; }

    public static HistoryRow From(HistoryRecord r) => new()
    {
        InstanceId = r.InstanceId,
        Sequence = r.Sequence,
        At = r.At,
        Kind = r.Kind,
        ElementId = r.ElementId,
        Actor = r.Actor,
        Data = r.Data,
    };

    public HistoryRecord ToRecord() => new(InstanceId, Sequence, At, Kind, ElementId, Actor, Data);
}

/// <summary>
/// The notice outbox: written in the transaction of the command that caused the notice, dispatched after it. A
/// dispatcher claims a row (<see cref="ClaimedUntil"/>), sends it, and marks it <see cref="DispatchedAt"/>; a claim
/// that runs out (a node died) lets another node try again, counted in <see cref="Attempts"/>.
/// </summary>
public sealed class NoticeRow
{
    public Guid Id { get; set; }
    public Guid InstanceId { get; set; }
    public Guid? TaskId { get; set; }

    /// <summary>One of <see cref="NoticeKinds"/>.</summary>
    public required string Kind { get; set; }
    public string? Department { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>A JSON object (see <see cref="NoticeRecord"/>), or null.</summary>
    public string? Data { get; set; }

    public int Attempts { get; set; }
    public DateTimeOffset? ClaimedUntil { get; set; }
    public DateTimeOffset? DispatchedAt { get; set; }

    public static NoticeRow From(NoticeRecord r) => new()
    {
        Id = r.Id,
        InstanceId = r.InstanceId,
        TaskId = r.TaskId,
        Kind = r.Kind,
        Department = r.Department,
        At = r.At,
        Data = r.Data,
    };

    public NoticeRecord ToRecord() => new(Id, InstanceId, TaskId, Kind, Department, At, Data);
}
