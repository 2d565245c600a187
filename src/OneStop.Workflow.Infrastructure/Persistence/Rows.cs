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
    };

    public TaskRecord ToRecord() =>
        new(Id, InstanceId, ActivityId, Name, Department, FormRef, CreatedAt, DueAt, Status, EndedAt, EndedBy);

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
