extern alias Server;

using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure.Notifications;
using OneStop.Workflow.Infrastructure.Persistence;
using Server::OneStop.Workflow.Server.Scenarios;
using Server::OneStop.Workflow.Server.Supervision;

namespace OneStop.Workflow.Tests.Server;

/// <summary>The deadline clock over HTTP: supplementation and excluded periods stop it, supervisors extend it, notices reach
/// supervisors as follow-ups and notifications, and the statistics count it all.</summary>
[Collection(ServerCollection.Name)]
public sealed class DeadlineApiTests(ServerFixture server)
{
    private async Task<(string Application, JsonNode Task)> FileAsync(string department)
    {
        var citizen = await server.ClientAsync("citizen1");
        var filed = await (await citizen.PostJsonAsync("/api/applications",
            new { scenario = "newborn-registration", data = ServerFixture.DemoData("newborn-registration") })).JsonAsync(HttpStatusCode.Created);
        return ((string)filed["id"]!, filed["tasks"]!.AsArray().Single(t => (string?)t!["department"] == department)!);
    }

    private async Task<JsonNode> TaskAsync(string application, string taskId)
    {
        var view = await (await (await server.ClientAsync("supervisor")).GetAsync($"/api/applications/{application}")).JsonAsync(HttpStatusCode.OK);
        return view["tasks"]!.AsArray().Single(t => (string?)t!["id"] == taskId)!;
    }

    [Fact]
    public async Task SupplementationRequest_StopsTheClock_AndTheCitizensAnswerStartsItAgain()
    {
        var (id, task) = await FileAsync("health-commission");
        Assert.Equal("green", (string?)task["signal"]);
        Assert.False((bool)task["paused"]!);
        var staff = await server.ClientAsync("staff.health-commission");

        var requested = await (await staff.PostJsonAsync($"/api/tasks/{task["id"]}/request-supplement", new { fields = new[] { "birthWeightGrams" } }))
            .JsonAsync(HttpStatusCode.OK);
        Assert.True((bool)requested["paused"]!);
        Assert.Equal("supplementation", (string?)requested["pauseReason"]);
        var queue = await (await staff.GetAsync("/api/tasks?department=health-commission")).JsonAsync(HttpStatusCode.OK);
        Assert.True((bool)queue.AsArray().Single(q => (string?)q!["id"] == (string?)task["id"])!["paused"]!);

        await (await (await server.ClientAsync("citizen1")).PostJsonAsync($"/api/applications/{id}/supplement", new { data = new { birthWeightGrams = 3400 } }))
            .JsonAsync(HttpStatusCode.OK);

        var after = await TaskAsync(id, (string)task["id"]!);
        Assert.False((bool)after["paused"]!);
        var history = (await (await (await server.ClientAsync("supervisor")).GetAsync($"/api/applications/{id}/history")).JsonAsync(HttpStatusCode.OK)).AsArray();
        Assert.Contains(history, h => (string?)h!["kind"] == "clock.paused" && (string?)h["data"]?["reason"] == "supplementation");
        Assert.Contains(history, h => (string?)h!["kind"] == "clock.resumed");
        // The deadline moves by the working time the clock stood (here moments), never back.
        Assert.True(DateTimeOffset.Parse((string)after["dueAt"]!) >= DateTimeOffset.Parse((string)task["dueAt"]!));
    }

    [Fact]
    public async Task ExcludedPeriod_IsRecordedByStaff_AndEndedByThem_WithTheReasonChecked()
    {
        var (id, task) = await FileAsync("health-commission");
        var staff = await server.ClientAsync("staff.health-commission");

        var bad = await (await staff.PostJsonAsync($"/api/tasks/{task["id"]}/excluded-periods", new { reason = "holiday" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("expert-review", (string?)bad["errors"]!["reason"]![0]);
        var supplementation = await (await staff.PostJsonAsync($"/api/tasks/{task["id"]}/excluded-periods", new { reason = "supplementation" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(supplementation["errors"]!.AsObject().ContainsKey("reason"));
        await (await staff.PostAsync($"/api/tasks/{task["id"]}/excluded-periods/end", null)).ProblemAsync(HttpStatusCode.Conflict);

        var paused = await (await staff.PostJsonAsync($"/api/tasks/{task["id"]}/excluded-periods", new { reason = "expert-review", note = "Sent to the paediatric panel." }))
            .JsonAsync(HttpStatusCode.OK);
        Assert.Equal(("expert-review", true), ((string?)paused["pauseReason"], (bool)paused["paused"]!));
        await (await staff.PostJsonAsync($"/api/tasks/{task["id"]}/excluded-periods", new { reason = "testing" })).ProblemAsync(HttpStatusCode.Conflict);
        await (await (await server.ClientAsync("staff.public-security")).PostJsonAsync($"/api/tasks/{task["id"]}/excluded-periods", new { reason = "testing" }))
            .ProblemAsync(HttpStatusCode.Forbidden);

        var resumed = await (await staff.PostAsync($"/api/tasks/{task["id"]}/excluded-periods/end", null)).JsonAsync(HttpStatusCode.OK);
        Assert.False((bool)resumed["paused"]!);
        var history = (await (await (await server.ClientAsync("supervisor")).GetAsync($"/api/applications/{id}/history")).JsonAsync(HttpStatusCode.OK)).AsArray();
        Assert.Contains(history, h => (string?)h!["kind"] == "excluded-period-started" && (string?)h["data"]?["note"] == "Sent to the paediatric panel.");
        Assert.Contains(history, h => (string?)h!["kind"] == "clock.paused" && (string?)h["data"]?["reason"] == "expert-review");
        Assert.Contains(history, h => (string?)h!["kind"] == "excluded-period-ended");
    }

    [Fact]
    public async Task SupplementationRequestedDuringAnExcludedPeriod_KeepsTheClockStopped_UntilTheCitizenAnswers()
    {
        var (id, task) = await FileAsync("health-commission");
        var staff = await server.ClientAsync("staff.health-commission");
        await (await staff.PostJsonAsync($"/api/tasks/{task["id"]}/excluded-periods", new { reason = "testing" })).JsonAsync(HttpStatusCode.OK);
        await (await staff.PostJsonAsync($"/api/tasks/{task["id"]}/request-supplement", new { fields = new[] { "birthWeightGrams" } })).JsonAsync(HttpStatusCode.OK);

        var ended = await (await staff.PostAsync($"/api/tasks/{task["id"]}/excluded-periods/end", null)).JsonAsync(HttpStatusCode.OK);

        Assert.Equal((true, "supplementation"), ((bool)ended["paused"]!, (string?)ended["pauseReason"]));
        await (await (await server.ClientAsync("citizen1")).PostJsonAsync($"/api/applications/{id}/supplement", new { data = new { birthWeightGrams = 3300 } }))
            .JsonAsync(HttpStatusCode.OK);
        Assert.False((bool)(await TaskAsync(id, (string)task["id"]!))["paused"]!);
    }

    [Fact]
    public async Task RefusedSupplementationRequest_LeavesNoPauseInTheHistory_AndTheDeadlineWhereItWas()
    {
        var (id, task) = await FileAsync("health-commission");
        await (await (await server.ClientAsync("supervisor")).PostAsync($"/api/tasks/{task["id"]}/claim", null)).JsonAsync(HttpStatusCode.OK);

        await (await (await server.ClientAsync("staff.health-commission")).PostJsonAsync($"/api/tasks/{task["id"]}/request-supplement",
            new { fields = new[] { "birthWeightGrams" } })).ProblemAsync(HttpStatusCode.Conflict);

        var history = (await (await (await server.ClientAsync("supervisor")).GetAsync($"/api/applications/{id}/history")).JsonAsync(HttpStatusCode.OK)).AsArray();
        Assert.DoesNotContain(history, h => (string?)h!["kind"] is "clock.paused" or "clock.resumed");
        Assert.Equal((string?)task["dueAt"], (string?)(await TaskAsync(id, (string)task["id"]!))["dueAt"]);
    }

    [Fact]
    public async Task Extension_ByASupervisor_MovesTheDeadlineByWorkingDays_UpToTheStatutoryCap()
    {
        var (id, task) = await FileAsync("health-commission");
        var supervisor = await server.ClientAsync("supervisor");
        var due = DateTimeOffset.Parse((string)task["dueAt"]!);

        var noReason = await (await supervisor.PostJsonAsync($"/api/tasks/{task["id"]}/extensions", new { workingDays = 3 })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(noReason["errors"]!.AsObject().ContainsKey("reason"));
        var extended = await (await supervisor.PostJsonAsync($"/api/tasks/{task["id"]}/extensions", new { workingDays = 3, reason = "Approved by the head of office, ref. 2026-17." }))
            .JsonAsync(HttpStatusCode.OK);

        var calendar = server.Services.GetRequiredService<WorkflowEngine>().CalendarFor(
            await server.Services.GetRequiredService<WorkflowEngine>().GetModelAsync((await server.Services.GetRequiredService<ScenarioCatalog>().FindLatestAsync("newborn-registration", CancellationToken.None))!.Definition.Id));
        Assert.Equal(calendar.AddWorkingTime(due, 3), DateTimeOffset.Parse((string)extended["dueAt"]!));
        var beyond = await (await supervisor.PostJsonAsync($"/api/tasks/{task["id"]}/extensions", new { workingDays = 8, reason = "More." })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("7", (string?)beyond["detail"]); // 10 working days in all: 7 remain
        await (await (await server.ClientAsync("staff.health-commission")).PostJsonAsync($"/api/tasks/{task["id"]}/extensions", new { workingDays = 1, reason = "x" }))
            .ProblemAsync(HttpStatusCode.Forbidden);

        var application = await (await supervisor.PostJsonAsync($"/api/applications/{id}/extensions", new { workingDays = 15, reason = "Joint handling extended, ref. 2026-18." }))
            .JsonAsync(HttpStatusCode.OK);
        Assert.NotNull(application["dueAt"]);
        await (await supervisor.PostJsonAsync($"/api/applications/{id}/extensions", new { workingDays = 1, reason = "Again." })).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task RedNotice_OpensOneFollowUp_AndNotifiesEveryChannel_EvenWhenDeliveredTwice()
    {
        var (id, task) = await FileAsync("health-commission");
        var notice = new NoticeRow
        {
            Id = Guid.CreateVersion7(), InstanceId = Guid.Parse(id), TaskId = Guid.Parse((string)task["id"]!), Kind = NoticeKinds.TaskRed,
            Department = "health-commission", At = DateTimeOffset.UtcNow,
            Data = new JsonObject { ["scenario"] = "newborn-registration", ["name"] = "Register the birth", ["dueAt"] = "2026-03-06T00:00:00+08:00", ["escalation"] = Escalations.FollowUp }.ToJsonString(),
        };
        var contexts = server.Services.GetRequiredService<IDbContextFactory<WorkflowDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.Notices.Add(notice);
            await db.SaveChangesAsync();
        }
        var channel = new RecordingSender();
        var dispatcher = new NoticeDispatcher(contexts, [channel], server.Services.GetRequiredService<FollowUps>(),
            server.Services.GetRequiredService<ScenarioCatalog>(), Options.Create(new NotificationOptions()), TimeProvider.System, NullLogger<NoticeDispatcher>.Instance);

        await dispatcher.DispatchPendingAsync(CancellationToken.None);
        await dispatcher.DispatchPendingAsync(CancellationToken.None);

        var sent = Assert.Single(channel.Sent, n => n.Id == notice.Id);
        Assert.True(sent.ToSupervisors);
        Assert.Equal("health-commission", sent.Department);
        Assert.StartsWith("Overdue:", sent.Subject);
        Assert.DoesNotContain("Zhang", sent.Body); // no personal data in notifications
        var followUps = (await (await (await server.ClientAsync("supervisor")).GetAsync("/api/follow-ups?status=open")).JsonAsync(HttpStatusCode.OK)).AsArray();
        var followUp = Assert.Single(followUps, f => (string?)f!["applicationId"] == id);
        Assert.Equal(("overdue", "health-commission"), ((string?)followUp!["kind"], (string?)followUp["department"]));
        await using (var db = await contexts.CreateDbContextAsync())
            Assert.NotNull((await db.Notices.SingleAsync(n => n.Id == notice.Id)).DispatchedAt);
    }

    [Fact]
    public async Task FailedDelivery_IsTriedAgainLater_NotLost()
    {
        var (id, _) = await FileAsync("health-commission");
        var contexts = server.Services.GetRequiredService<IDbContextFactory<WorkflowDbContext>>();
        var notice = new NoticeRow
        {
            Id = Guid.CreateVersion7(), InstanceId = Guid.Parse(id), Kind = NoticeKinds.ApplicationYellow, At = DateTimeOffset.UtcNow,
            Data = new JsonObject { ["scenario"] = "newborn-registration", ["dueAt"] = "2026-03-06T00:00:00+08:00" }.ToJsonString(),
        };
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.Notices.Add(notice);
            await db.SaveChangesAsync();
        }
        var failing = new RecordingSender { Fail = true };
        var dispatcher = new NoticeDispatcher(contexts, [failing], server.Services.GetRequiredService<FollowUps>(),
            server.Services.GetRequiredService<ScenarioCatalog>(), Options.Create(new NotificationOptions()), TimeProvider.System, NullLogger<NoticeDispatcher>.Instance);

        await dispatcher.DispatchPendingAsync(CancellationToken.None);

        await using var check = await contexts.CreateDbContextAsync();
        var row = await check.Notices.AsNoTracking().SingleAsync(n => n.Id == notice.Id);
        Assert.Null(row.DispatchedAt);
        Assert.Equal(1, row.Attempts);
        Assert.True(row.ClaimedUntil > DateTimeOffset.UtcNow); // held back before the next attempt
    }

    [Fact]
    public async Task Stats_CountOpenAndDecidedWork_PerDepartmentAndScenario_WithRatings()
    {
        await FileAsync("health-commission");
        var finished = await SupervisionTests.CompletedApplicationAsync(server, "citizen1");
        await (await (await server.ClientAsync("citizen1")).PostJsonAsync($"/api/applications/{finished}/rating", new { score = 5 })).JsonAsync(HttpStatusCode.Created);

        var stats = await (await (await server.ClientAsync("supervisor")).GetAsync("/api/stats")).JsonAsync(HttpStatusCode.OK);

        var health = stats["departments"]!.AsArray().Single(d => (string?)d!["department"] == "health-commission")!;
        Assert.True((int)health["tasks"]!["open"]! >= 1);
        Assert.True((int)health["tasks"]!["completed"]! >= 1);
        Assert.Equal((int)health["tasks"]!["open"]!, (int)health["tasks"]!["onTime"]! + (int)health["tasks"]!["yellow"]! + (int)health["tasks"]!["red"]!);
        Assert.NotNull(health["handlingDays"]!["average"]);
        var scenario = stats["scenarios"]!.AsArray().Single(s => (string?)s!["scenario"] == "newborn-registration")!;
        Assert.True((int)scenario["applications"]!["completed"]! >= 1);
        Assert.True((int)scenario["ratings"]!["distribution"]!["5"]! >= 1);
        Assert.True((int)stats["ratings"]!["count"]! >= 1);

        var empty = await (await (await server.ClientAsync("supervisor")).GetAsync("/api/stats?from=2001-01-01T00:00:00Z&to=2001-02-01T00:00:00Z")).JsonAsync(HttpStatusCode.OK);
        Assert.Empty(empty["departments"]!.AsArray());
        await (await (await server.ClientAsync("supervisor")).GetAsync("/api/stats?from=2001-02-01T00:00:00Z&to=2001-01-01T00:00:00Z")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    private sealed class RecordingSender : INotificationSender
    {
        public bool Fail { get; init; }

        public List<Notification> Sent { get; } = [];

        public string Channel => "test";

        public Task SendAsync(Notification notification, CancellationToken ct)
        {
            if (Fail)
                throw new IOException("The mail server is unreachable.");
            lock (Sent)
                Sent.Add(notification);
            return Task.CompletedTask;
        }
    }
}
