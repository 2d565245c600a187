using OneStop.Workflow.Infrastructure.Notifications;

namespace OneStop.Workflow.Server.Supervision;

public static class SupervisionSetup
{
    /// <summary>Follow-ups, ratings, statistics and the notification channels configured under "Notifications".</summary>
    public static IServiceCollection AddSupervision(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<NotificationOptions>(configuration.GetSection(NotificationOptions.Section));
        var channels = configuration.GetSection(NotificationOptions.Section).Get<NotificationOptions>()?.Channels ?? ["log"];
        foreach (var channel in channels.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            switch (channel.ToLowerInvariant())
            {
                case "log":
                    services.AddSingleton<INotificationSender, LogNotificationSender>();
                    break;
                case "smtp":
                    services.AddSingleton<INotificationSender, SmtpNotificationSender>();
                    break;
                default:
                    throw new InvalidOperationException(
                        $"Notifications:Channels names '{channel}', which is not a notification channel; use \"log\" and/or \"smtp\".");
            }
        }
        services.AddSingleton<FollowUps>();
        services.AddSingleton<Statistics>();
        services.AddSingleton<NoticeDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<NoticeDispatcher>());
        return services;
    }
}
