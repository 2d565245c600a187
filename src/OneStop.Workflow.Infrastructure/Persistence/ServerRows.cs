namespace OneStop.Workflow.Infrastructure.Persistence;

// Rows of the server's own tables: its user store and the department work around the engine's tasks.

/// <summary>A user of the server's own user store. Roles and departments are comma-separated lists.</summary>
public sealed class UserRow
{
    public Guid Id { get; set; }
    public required string UserName { get; set; }

    /// <summary>ASP.NET Core's PasswordHasher format (PBKDF2 with salt and iteration count inside).</summary>
    public required string PasswordHash { get; set; }
    public required string Roles { get; set; }
    public string? Departments { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// The state a department puts around an open engine task: who claimed it, and an open supplementation request.
/// The engine's task stays open throughout; <see cref="Version"/> guards concurrent claims and completions.
/// </summary>
public sealed class TaskWorkRow
{
    public Guid TaskId { get; set; }
    public Guid InstanceId { get; set; }
    public string? ClaimedBy { get; set; }
    public DateTimeOffset? ClaimedAt { get; set; }

    /// <summary>The fields the department asked the citizen to supply again: a JSON array of field keys, or null.</summary>
    public string? SupplementFields { get; set; }
    public string? SupplementMessage { get; set; }
    public DateTimeOffset? SupplementRequestedAt { get; set; }
    public long Version { get; set; }
}

/// <summary>One change made through the server (claim, release, decision, supplement, upload, deploy) with who made it,
/// when, and what changed (a JSON object). Changes to an application name its instance; a deploy names none.</summary>
public sealed class AuditRow
{
    public Guid Id { get; set; }
    public Guid? InstanceId { get; set; }
    public Guid? TaskId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public string? Data { get; set; }
}

/// <summary>A material (supporting document) uploaded for an application, stored as a blob with its SHA-256.</summary>
public sealed class AttachmentRow
{
    public Guid Id { get; set; }
    public Guid InstanceId { get; set; }

    /// <summary>The department the material is for; null when every department of the application may see it.</summary>
    public string? Department { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public required string Sha256 { get; set; }
    public required byte[] Content { get; set; }
    public required string UploadedBy { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
}

/// <summary>A citizen's rating of a completed application (好差评): once per application, 1 (very poor) to 5 (very good).</summary>
public sealed class RatingRow
{
    public Guid InstanceId { get; set; }

    /// <summary>The scenario (definition key) rated, for statistics without reading the instance.</summary>
    public required string Scenario { get; set; }
    public int Score { get; set; }
    public string? Comment { get; set; }
    public required string RatedBy { get; set; }
    public DateTimeOffset RatedAt { get; set; }
}

/// <summary>
/// Work for a supervisor: an overdue task or application that escalated to them, or a poor rating to look into.
/// <see cref="Source"/> is unique (the notice or rating that opened it), so a repeated delivery opens nothing twice.
/// </summary>
public sealed class FollowUpRow
{
    public Guid Id { get; set; }

    /// <summary>"overdue" or "low-rating".</summary>
    public required string Kind { get; set; }
    public required string Source { get; set; }
    public Guid InstanceId { get; set; }
    public required string Scenario { get; set; }
    public Guid? TaskId { get; set; }
    public string? Department { get; set; }
    public required string Summary { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public string? ClosedBy { get; set; }
    public string? Note { get; set; }
    public long Version { get; set; }
}
