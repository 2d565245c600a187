namespace OneStop.Workflow.Infrastructure.Notifications;

/// <summary>
/// A message to the people who must act: a department's staff when its task turns yellow or red, supervisors when
/// work escalates or a citizen rates a service poorly. Text only, without the citizen's personal data: it says which
/// application and task and links to them; the data stays behind the sign-in.
/// </summary>
/// <param name="Kind">What happened, e.g. "task.yellow", "task.red", "application.red", "rating.low".</param>
/// <param name="Department">The department whose staff are told; null when only supervisors are.</param>
/// <param name="ToSupervisors">Supervisors are told as well.</param>
public sealed record Notification(
    Guid Id, string Kind, string Subject, string Body, Guid ApplicationId, Guid? TaskId, string? Department, bool ToSupervisors)
{
    /// <summary>The text with every run of whitespace, line breaks included, as one space: model names often carry line
    /// breaks (bpmn-js wraps labels), and a mail subject must be one line.</summary>
    public static string OneLine(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}

/// <summary>Delivers notifications over one channel (log, e-mail; SMS or a messaging app can follow).
/// Throwing means "not delivered": the caller keeps the notification and tries again later.</summary>
public interface INotificationSender
{
    /// <summary>The channel's name as configured ("log", "smtp").</summary>
    string Channel { get; }

    Task SendAsync(Notification notification, CancellationToken ct);
}
