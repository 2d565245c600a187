using Microsoft.Extensions.Logging;

namespace OneStop.Workflow.Infrastructure.Notifications;

/// <summary>Writes each notification to the server log: the channel that always works, and the default.</summary>
public sealed class LogNotificationSender(ILogger<LogNotificationSender> logger) : INotificationSender
{
    public string Channel => "log";

    public Task SendAsync(Notification notification, CancellationToken ct)
    {
        using (logger.BeginScope(new Dictionary<string, object> { ["ApplicationId"] = notification.ApplicationId }))
        {
            logger.LogWarning("Notification {Kind} for {Recipients}: {Subject} (application {ApplicationId}, task {TaskId})",
                notification.Kind, Recipients(notification), notification.Subject, notification.ApplicationId, notification.TaskId);
        }
        return Task.CompletedTask;
    }

    private static string Recipients(Notification n) =>
        (n.Department, n.ToSupervisors) switch
        {
            ({ } d, true) => $"department {d} and supervisors",
            ({ } d, false) => $"department {d}",
            _ => "supervisors",
        };
}
