using System.Net;
using System.Net.Mail;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OneStop.Workflow.Infrastructure.Notifications;

/// <summary>Sends each notification as a plain-text e-mail to the addresses configured for its department and, where it
/// concerns them, the supervisors. A notification with nobody to send to is logged once and counts as delivered.</summary>
public sealed class SmtpNotificationSender(IOptions<NotificationOptions> options, ILogger<SmtpNotificationSender> logger) : INotificationSender
{
    public string Channel => "smtp";

    public async Task SendAsync(Notification notification, CancellationToken ct)
    {
        var settings = options.Value;
        var smtp = settings.Smtp;
        if (string.IsNullOrWhiteSpace(smtp.Host))
            throw new InvalidOperationException("Notifications:Smtp:Host is not set; e-mail cannot be sent.");
        var recipients = RecipientsOf(notification, settings);
        if (recipients.Count == 0)
        {
            logger.LogWarning("Notification {Kind} of application {ApplicationId} has no e-mail recipients: configure Notifications:Departments:{Department} or Notifications:Supervisors",
                notification.Kind, notification.ApplicationId, notification.Department ?? "(none)");
            return;
        }

        // A subject is one line (MailMessage refuses line breaks); whatever the caller built, send it as one.
        using var message = new MailMessage { From = new MailAddress(smtp.From), Subject = Notification.OneLine(notification.Subject), Body = notification.Body, IsBodyHtml = false };
        foreach (var address in recipients)
            message.To.Add(address);
        // A stable Message-ID lets mail systems drop the duplicate when a delivery is retried after an uncertain failure.
        message.Headers.Add("Message-ID", $"<{notification.Id:N}@onestop-workflow>");
        message.Headers.Add("X-OneStop-Kind", notification.Kind);

        using var client = new SmtpClient(smtp.Host, smtp.Port)
        {
            EnableSsl = smtp.EnableSsl,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            Timeout = smtp.TimeoutSeconds * 1000,
        };
        if (!string.IsNullOrEmpty(smtp.UserName))
            client.Credentials = new NetworkCredential(smtp.UserName, smtp.Password);
        await client.SendMailAsync(message, ct);
    }

    public static IReadOnlyList<string> RecipientsOf(Notification notification, NotificationOptions settings)
    {
        var to = new List<string>();
        if (notification.Department is { } department && settings.Departments.TryGetValue(department, out var staff))
            to.AddRange(staff);
        if (notification.ToSupervisors)
            to.AddRange(settings.Supervisors);
        return to.Where(a => !string.IsNullOrWhiteSpace(a)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }
}
