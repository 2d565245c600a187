using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure.Notifications;
using OneStop.Workflow.Infrastructure.Persistence;
using OneStop.Workflow.Server.Scenarios;

namespace OneStop.Workflow.Server.Supervision;

/// <summary>
/// Delivers the notices the engine writes in its transactions (an outbox): a task or application turning yellow or red,
/// a poor rating. Each node claims a notice for a while before working on it, so several nodes share the work and a node
/// that dies mid-way leaves its claims to expire. A red notice whose escalation is a follow-up opens one (once: its source
/// is the notice), then every configured channel is told. A failed delivery is tried again later, up to MaxAttempts.
/// </summary>
public sealed class NoticeDispatcher(IDbContextFactory<WorkflowDbContext> contexts, IEnumerable<INotificationSender> senders, FollowUps followUps,
    ScenarioCatalog catalog, IOptions<NotificationOptions> options, TimeProvider clock, ILogger<NoticeDispatcher> logger) : BackgroundService
{
    public const string LowRatingKind = "rating.low";
    private const int Batch = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, options.Value.PollSeconds));
        using var timer = new PeriodicTimer(interval, clock);
        do
        {
            try
            {
                await DispatchPendingAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Delivering notices failed; trying again in {Seconds} s", interval.TotalSeconds);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Delivers every notice that is due and not claimed by another node. Returns how many were delivered.</summary>
    public async Task<int> DispatchPendingAsync(CancellationToken ct)
    {
        var delivered = 0;
        while (true)
        {
            var now = clock.GetUtcNow();
            List<Guid> candidates;
            await using (var db = await contexts.CreateDbContextAsync(ct))
            {
                candidates = await db.Notices.AsNoTracking()
                    .Where(n => n.DispatchedAt == null && (n.ClaimedUntil == null || n.ClaimedUntil < now))
                    .OrderBy(n => n.At).Select(n => n.Id).Take(Batch).ToListAsync(ct);
            }
            if (candidates.Count == 0)
                return delivered;
            var progressed = false;
            foreach (var id in candidates)
            {
                var notice = await ClaimAsync(id, now, ct);
                if (notice is null)
                    continue; // another node took it
                progressed = true;
                if (await DeliverAsync(notice, ct))
                    delivered++;
            }
            if (!progressed)
                return delivered;
        }
    }

    /// <summary>Takes the notice for a while (longer after each failed attempt); null when someone else has it.</summary>
    private async Task<NoticeRow?> ClaimAsync(Guid id, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var notice = await db.Notices.FirstOrDefaultAsync(n => n.Id == id, ct);
        if (notice is null || notice.DispatchedAt is not null || notice.ClaimedUntil >= now)
            return null;
        var previousClaim = notice.ClaimedUntil;
        var hold = TimeSpan.FromMinutes(Math.Min(60, Math.Pow(2, notice.Attempts)));
        var claimed = await db.Notices
            .Where(n => n.Id == id && n.DispatchedAt == null && n.ClaimedUntil == previousClaim)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ClaimedUntil, now + hold).SetProperty(n => n.Attempts, n => n.Attempts + 1), ct);
        if (claimed != 1)
            return null;
        notice.Attempts++;
        notice.ClaimedUntil = now + hold;
        return notice;
    }

    private async Task<bool> DeliverAsync(NoticeRow notice, CancellationToken ct)
    {
        var data = notice.Data is null ? new JsonObject() : JsonNode.Parse(notice.Data) as JsonObject ?? new JsonObject();
        var scenario = (string?)data["scenario"] ?? "";
        try
        {
            if ((string?)data["escalation"] == Escalations.FollowUp && notice.Kind is NoticeKinds.TaskRed or NoticeKinds.ApplicationRed)
                await followUps.OpenOnceAsync(FollowUpKind.Overdue, $"notice:{notice.Id:N}", notice.InstanceId, scenario, notice.TaskId, notice.Department,
                    OverdueSummary(notice, data), ct);
            var notification = await NotificationOfAsync(notice, data, scenario, ct);
            foreach (var sender in senders)
                await sender.SendAsync(notification, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var giveUp = notice.Attempts >= options.Value.MaxAttempts;
            logger.Log(giveUp ? LogLevel.Error : LogLevel.Warning, e,
                "Notice {NoticeId} ({Kind}) of application {ApplicationId} not delivered (attempt {Attempt}){Outcome}",
                notice.Id, notice.Kind, notice.InstanceId, notice.Attempts, giveUp ? "; giving up" : "; it is tried again later");
            if (!giveUp)
                return false;
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        await db.Notices.Where(n => n.Id == notice.Id).ExecuteUpdateAsync(s => s.SetProperty(n => n.DispatchedAt, now), ct);
        return true;
    }

    private static string OverdueSummary(NoticeRow notice, JsonObject data) => notice.Kind == NoticeKinds.ApplicationRed
        ? $"The application passed its joint-handling deadline ({(string?)data["dueAt"]}) without every department deciding."
        : $"{(string?)data["name"] ?? (string?)data["activityId"]} of {notice.Department} passed its deadline ({(string?)data["dueAt"]}) undecided.";

    /// <summary>The words of a notification: what happened, to which application and task, and by when it was due —
    /// never the citizen's data.</summary>
    private async Task<Notification> NotificationOfAsync(NoticeRow notice, JsonObject data, string scenario, CancellationToken ct)
    {
        var title = Notification.OneLine(scenario.Length > 0 ? (await catalog.FindLatestAsync(scenario, ct))?.Title ?? scenario : "application");
        var task = Notification.OneLine((string?)data["name"] ?? (string?)data["activityId"] ?? "task");
        var due = (string?)data["dueAt"];
        var (subject, body, supervisors) = notice.Kind switch
        {
            NoticeKinds.TaskYellow => ($"Deadline approaching: {title}, {task}",
                $"The task {task} of {notice.Department} is due at {due}: most of its time limit is used.", false),
            NoticeKinds.TaskRed => ($"Overdue: {title}, {task}",
                $"The task {task} of {notice.Department} was due at {due} and is overdue.{Escalation(data)}", true),
            NoticeKinds.ApplicationYellow => ($"Deadline approaching: {title}",
                $"The application is due at {due} (joint handling): most of its time limit is used.", true),
            NoticeKinds.ApplicationRed => ($"Overdue: {title}",
                $"The application was due at {due} (joint handling) and is overdue.{Escalation(data)}", true),
            LowRatingKind => ($"Poor rating: {title}", $"The applicant rated the service {(int?)data["score"]} of 5. A follow-up is open.", true),
            _ => ($"{notice.Kind}: {title}", $"{notice.Kind} for application {notice.InstanceId}.", true),
        };
        return new Notification(notice.Id, notice.Kind, subject,
            $"{body}\n\nApplication {notice.InstanceId}{(notice.TaskId is { } id ? $", task {id}" : "")}.\n", notice.InstanceId, notice.TaskId,
            notice.Department, supervisors);
    }

    private static string Escalation(JsonObject data) => (string?)data["escalation"] switch
    {
        Escalations.SilentConsent => " It was approved by silent consent, as the scenario declares.",
        Escalations.Boundary => " The scenario's deadline path has taken over.",
        Escalations.FollowUp => " A supervisor follow-up is open.",
        _ => "",
    };
}
