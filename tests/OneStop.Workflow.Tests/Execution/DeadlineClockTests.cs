using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Tests.Calendars;
using static OneStop.Workflow.Tests.Execution.TestModels;

namespace OneStop.Workflow.Tests.Execution;

/// <summary>
/// The statutory deadline clock of tasks and of the scenario, on the mainland China calendar and a virtual clock:
/// signals at their exact moments, pauses, extensions, escalation and the notices they write.
/// </summary>
public sealed class DeadlineClockTests
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    // Accepted Fri 2025-04-25 (not counted). Sat 26 is off, Sun 27 a make-up workday (1), Mon 28 (2), Tue 29 (3),
    // Wed 30 (4), Labour Day May 1-5, Tue 6 (5): a 5WD limit ends when Tue 6 ends.
    private static readonly DateTimeOffset Accepted = At(2025, 4, 25, 9);
    private static readonly DateTimeOffset Due = At(2025, 5, 7);

    // The limit measures 5.625 working days (the rest of the first day and five); 80% is used when 1.125 are left:
    // all of Tue May 6, the holiday holds nothing, and the last 3 hours of Wed Apr 30.
    private static readonly DateTimeOffset YellowAt = At(2025, 4, 30, 21);

    private const string OnTheChineseCalendar = """onestop:calendar="cn-mainland" """;

    private readonly EngineHarness _h = new(new WorkflowEngineOptions { Calendars = ShippedCalendars.All }, start: Accepted);

    private static DateTimeOffset At(int year, int month, int day, int hour = 0, int minute = 0) => new(year, month, day, hour, minute, 0, China);

    private static string Text(DateTimeOffset instant) => instant.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    private InMemoryWorkflowStore Store => (InMemoryWorkflowStore)_h.Store;

    private TaskItem TaskOf(string activityId) => _h.Instance.Tasks.Single(t => t.ActivityId == activityId);

    private List<(TimerPurpose, DateTimeOffset)> SignalTimers() =>
        _h.Instance.Timers.Where(t => t.Purpose != TimerPurpose.Model).OrderBy(t => t.DueAt).ThenBy(t => t.Purpose).Select(t => (t.Purpose, t.DueAt)).ToList();

    private async Task<List<HistoryRecord>> ClockHistoryAsync() =>
        (await _h.Store.HistoryAsync(_h.Instance.Id))
        .Where(h => h.Kind.StartsWith("deadline.", StringComparison.Ordinal) || h.Kind.StartsWith("clock.", StringComparison.Ordinal) || h.Kind == "task.silent-consent")
        .ToList();

    /// <summary>review (5WD, tax) → issue (no limit, civil affairs) → end.</summary>
    private static string Review(string reviewAttributes = "", string extra = "") => $"""
        <startEvent id="start" />
        <userTask id="review" name="Review tax" onestop:department="tax" onestop:timeLimit="5WD" {reviewAttributes} />
        <userTask id="issue" onestop:department="civil-affairs" />
        <endEvent id="end" />
        {Flow("f0", "start", "review")}{Flow("f1", "review", "issue")}{Flow("f2", "issue", "end")}
        {extra}
        """;

    private Task StartReviewAsync(string reviewAttributes = "", string extra = "") =>
        _h.RunAsync(Review(reviewAttributes, extra), processAttributes: OnTheChineseCalendar);

    // ---- The limit and its signals -----------------------------------------------------------------

    [Fact]
    public async Task FiveWorkingDayLimit_AcrossAWeekendAMakeUpWorkdayAndAHoliday_EndsWithTheFifthWorkingDay()
    {
        await StartReviewAsync();

        var task = TaskOf("review");
        Assert.Equal(Due, task.DueAt);
        Assert.Equal(China, task.DueAt!.Value.Offset);
        Assert.Equal("5WD", task.Limit);
        Assert.Equal(5.625, task.LimitWorkingDays!.Value, 9);
        Assert.Null(task.LimitDuration);
        Assert.Equal(TaskSignal.Green, task.Signal);
        Assert.Equal([(TimerPurpose.TaskYellow, YellowAt), (TimerPurpose.TaskRed, Due)], SignalTimers());
        Assert.All(_h.Instance.Timers, t => Assert.Equal((task.Id, task.TokenId, "review"), (t.TaskId!.Value, t.TokenId, t.ActivityId)));
        Assert.Equal(TaskSignal.Green, (await _h.Store.FindTaskAsync(task.Id))!.Signal);
    }

    [Fact]
    public async Task Task_TurnsYellowWhenTheShareIsUsed_AndRedWhenTheDeadlinePasses_AtTheExactMoments()
    {
        await StartReviewAsync();
        var taskId = TaskOf("review").Id;

        await _h.AdvanceAsync(YellowAt - Accepted - TimeSpan.FromTicks(1));
        Assert.Equal(TaskSignal.Green, TaskOf("review").Signal);
        Assert.Empty(Store.Notices);

        await _h.AdvanceAsync(TimeSpan.FromTicks(1));
        Assert.Equal(TaskSignal.Yellow, TaskOf("review").Signal);
        Assert.Equal(TaskSignal.Yellow, (await _h.Store.FindTaskAsync(taskId))!.Signal);
        Assert.Equal([(TimerPurpose.TaskRed, Due)], SignalTimers());
        var yellow = Assert.Single(Store.Notices);
        Assert.Equal((NoticeKinds.TaskYellow, _h.Instance.Id, taskId, "tax", YellowAt), (yellow.Kind, yellow.InstanceId, yellow.TaskId!.Value, yellow.Department, yellow.At));
        Assert.Equal($$"""{"activityId":"review","name":"Review tax","dueAt":"{{Text(Due)}}","escalation":null,"scenario":"p"}""", yellow.Data);

        await _h.AdvanceAsync(Due - YellowAt - TimeSpan.FromTicks(1));
        Assert.Equal(TaskSignal.Yellow, TaskOf("review").Signal);

        await _h.AdvanceAsync(TimeSpan.FromTicks(1));
        Assert.Equal(TaskSignal.Red, TaskOf("review").Signal);
        Assert.Equal(TaskSignal.Red, (await _h.Store.FindTaskAsync(taskId))!.Signal);
        Assert.Empty(SignalTimers());
        var red = Store.Notices[1];
        Assert.Equal((NoticeKinds.TaskRed, taskId, Due), (red.Kind, red.TaskId!.Value, red.At));
        Assert.Equal($$"""{"activityId":"review","name":"Review tax","dueAt":"{{Text(Due)}}","escalation":"follow-up","scenario":"p"}""", red.Data);

        var history = await ClockHistoryAsync();
        Assert.Equal(["deadline.yellow", "deadline.red"], history.Select(h => h.Kind));
        Assert.All(history, h => Assert.Equal(("review", (string?)null), (h.ElementId, h.Actor)));
        Assert.Equal($$"""{"taskId":"{{taskId}}","dueAt":"{{Text(Due)}}"}""", history[0].Data);
        Assert.Equal($$"""{"taskId":"{{taskId}}","dueAt":"{{Text(Due)}}","escalation":"follow-up"}""", history[1].Data);
        Assert.Equal(YellowAt, history[0].At);
        Assert.Equal(["review"], _h.OpenTasks); // a follow-up is the server's to open; the task stays with its department
    }

    [Fact]
    public async Task DuplicateFiringOfASignalTimer_ChangesNothing()
    {
        await StartReviewAsync();
        var timer = _h.Instance.Timers.Single(t => t.Purpose == TimerPurpose.TaskYellow);
        var record = new TimerRecord(timer.Id, _h.Instance.Id, timer.ActivityId, timer.DueAt);

        Assert.False(await _h.Engine.FireTimerAsync(record)); // not due yet
        _h.Clock.MoveTo(YellowAt);
        Assert.True(await _h.Engine.FireTimerAsync(record));
        var after = await _h.RefreshAsync();
        var history = await _h.Store.HistoryAsync(after.Id);

        Assert.False(await _h.Engine.FireTimerAsync(record));
        Assert.Equal(0, await _h.Engine.FireDueTimersAsync());

        Assert.Equal(after.Version, (await _h.RefreshAsync()).Version);
        Assert.Equal(history, await _h.Store.HistoryAsync(after.Id));
        Assert.Single(Store.Notices);
        Assert.Equal(TaskSignal.Yellow, TaskOf("review").Signal);
    }

    [Fact]
    public async Task TaskCreatedPastItsYellowMoment_StartsYellow_WithOnlyItsRedTimer()
    {
        var h = new EngineHarness(new WorkflowEngineOptions { Calendars = ShippedCalendars.All, YellowShare = 0 }, start: Accepted);
        await h.RunAsync(Review(), processAttributes: OnTheChineseCalendar);

        var task = h.Instance.Tasks.Single();
        Assert.Equal(TaskSignal.Yellow, task.Signal);
        Assert.Equal([(TimerPurpose.TaskRed, Due)], h.Instance.Timers.Select(t => (t.Purpose, t.DueAt)));
        Assert.Empty(((InMemoryWorkflowStore)h.Store).Notices);
    }

    [Fact]
    public async Task TaskWhoseFixedDueDateHasPassed_StartsYellow_AndEscalatesAtOnce()
    {
        await _h.RunAsync(Review().Replace("onestop:timeLimit=\"5WD\"", "onestop:timeLimit=\"2025-04-25T08:00:00+08:00\"", StringComparison.Ordinal),
            processAttributes: OnTheChineseCalendar);
        Assert.Equal(TaskSignal.Yellow, TaskOf("review").Signal);

        Assert.Equal(1, await _h.Engine.FireDueTimersAsync());
        await _h.RefreshAsync();

        Assert.Equal(TaskSignal.Red, TaskOf("review").Signal);
        Assert.Equal([NoticeKinds.TaskRed], Store.Notices.Select(n => n.Kind));
    }

    [Fact]
    public async Task DurationLimit_IsMeasuredInWallTime()
    {
        await _h.RunAsync(Review().Replace("5WD", "P10D", StringComparison.Ordinal), processAttributes: OnTheChineseCalendar);

        var task = TaskOf("review");
        Assert.Equal(At(2025, 5, 5, 9), task.DueAt); // through the weekend and the holiday: P10D is calendar time
        Assert.Equal(TimeSpan.FromDays(10), task.LimitDuration);
        Assert.Null(task.LimitWorkingDays);
        Assert.Equal([(TimerPurpose.TaskYellow, At(2025, 5, 3, 9)), (TimerPurpose.TaskRed, At(2025, 5, 5, 9))], SignalTimers());

        await _h.AdvanceAsync(At(2025, 5, 1, 9) - Accepted);
        await _h.Engine.PauseTaskClockAsync(task.Id, "expert-review");
        await _h.AdvanceAsync(TimeSpan.FromHours(36));
        await _h.Engine.ResumeTaskClockAsync(task.Id);
        await _h.RefreshAsync();

        Assert.Equal(At(2025, 5, 6, 21), TaskOf("review").DueAt);
        Assert.Equal([(TimerPurpose.TaskYellow, At(2025, 5, 4, 21)), (TimerPurpose.TaskRed, At(2025, 5, 6, 21))], SignalTimers());
    }

    [Fact]
    public async Task TaskWithoutALimit_HasNoClock()
    {
        await StartReviewAsync();
        await _h.CompleteAsync("review");

        var issue = TaskOf("issue");
        Assert.Null(issue.DueAt);
        Assert.Null(issue.Limit);
        Assert.Equal(TaskSignal.Green, issue.Signal);
        Assert.Empty(_h.Instance.Timers);
        Assert.Null(await _h.Store.NextTimerAsync());
    }

    // ---- Pauses ------------------------------------------------------------------------------------

    [Fact]
    public async Task PauseAndResume_MoveTheDeadlineByTheWorkingTimePaused()
    {
        await StartReviewAsync();
        var taskId = TaskOf("review").Id;
        await _h.AdvanceAsync(At(2025, 4, 28, 12) - Accepted);

        await _h.Engine.PauseTaskClockAsync(taskId, "supplementation", actor: "clerk.wang");
        await _h.RefreshAsync();
        Assert.Equal(At(2025, 4, 28, 12), TaskOf("review").PausedAt);
        Assert.Equal("supplementation", TaskOf("review").PauseReason);
        Assert.Empty(SignalTimers());
        var pausedRow = (await _h.Store.FindTaskAsync(taskId))!;
        Assert.Equal(At(2025, 4, 28, 12), pausedRow.PausedAt);
        Assert.Equal("supplementation", pausedRow.PauseReason);

        // Nothing turns yellow while the clock stands, not even past the moment it would have.
        await _h.AdvanceAsync(At(2025, 4, 29, 18) - At(2025, 4, 28, 12));
        await _h.Engine.ResumeTaskClockAsync(taskId, actor: "clerk.wang");
        await _h.RefreshAsync();

        // Paused for half of Mon 28 and three quarters of Tue 29: 1.25 working days. The deadline moves from the end of
        // Tue May 6 by all of Wed 7 and a quarter of Thu 8; yellow is 1.125 working days before it, at 03:00 on Wed 7.
        var task = TaskOf("review");
        Assert.Equal(At(2025, 5, 8, 6), task.DueAt);
        Assert.Null(task.PausedAt);
        Assert.Null(task.PauseReason);
        Assert.Equal(TaskSignal.Green, task.Signal);
        Assert.Equal([(TimerPurpose.TaskYellow, At(2025, 5, 7, 3)), (TimerPurpose.TaskRed, At(2025, 5, 8, 6))], SignalTimers());
        var row = (await _h.Store.FindTaskAsync(taskId))!;
        Assert.Equal(At(2025, 5, 8, 6), row.DueAt);
        Assert.Null(row.PausedAt);
        Assert.Null(row.PauseReason);

        var history = await ClockHistoryAsync();
        Assert.Equal(["clock.paused", "clock.resumed"], history.Select(h => h.Kind));
        Assert.All(history, h => Assert.Equal(("review", "clerk.wang"), (h.ElementId, h.Actor)));
        Assert.Equal($$"""{"taskId":"{{taskId}}","reason":"supplementation"}""", history[0].Data);
        Assert.Equal(
            $$"""{"reason":"supplementation","pausedAt":"{{Text(At(2025, 4, 28, 12))}}","pausedWorkingDays":1.25,"previousDueAt":"{{Text(Due)}}","dueAt":"{{Text(At(2025, 5, 8, 6))}}","signal":"green","taskId":"{{taskId}}"}""",
            history[1].Data);
    }

    [Fact]
    public async Task PauseOverAPublicHoliday_CountsOnlyItsWorkingTime()
    {
        await StartReviewAsync();
        var taskId = TaskOf("review").Id;
        await _h.AdvanceAsync(At(2025, 4, 30, 12) - Accepted);
        await _h.Engine.PauseTaskClockAsync(taskId, "inspection");
        await _h.AdvanceAsync(At(2025, 5, 6, 12) - At(2025, 4, 30, 12));
        await _h.Engine.ResumeTaskClockAsync(taskId);
        await _h.RefreshAsync();

        // Half of Wed Apr 30, nothing of Labour Day May 1-5, half of Tue May 6: one working day.
        Assert.Equal(At(2025, 5, 8), TaskOf("review").DueAt);
        Assert.Equal(TaskSignal.Green, TaskOf("review").Signal);
    }

    [Fact]
    public async Task PauseReasons_AreTheLawsOnly_AndAPausedClockCannotBePausedAgain()
    {
        await StartReviewAsync();
        var taskId = TaskOf("review").Id;

        var invalid = await Assert.ThrowsAsync<WorkflowCommandException>(() => _h.Engine.PauseTaskClockAsync(taskId, "holiday"));
        Assert.Equal(CommandError.Invalid, invalid.Error);
        Assert.Contains("supplementation, testing, inspection, expert-review", invalid.Message);

        var notPaused = await Assert.ThrowsAsync<WorkflowCommandException>(() => _h.Engine.ResumeTaskClockAsync(taskId));
        Assert.Equal(CommandError.NotApplicable, notPaused.Error);

        await _h.Engine.PauseTaskClockAsync(taskId, "testing");
        var twice = await Assert.ThrowsAsync<WorkflowCommandException>(() => _h.Engine.PauseTaskClockAsync(taskId, "inspection"));
        Assert.Equal(CommandError.NotApplicable, twice.Error);
        Assert.Contains("already paused for testing", twice.Message);

        var unknown = await Assert.ThrowsAsync<WorkflowCommandException>(() => _h.Engine.PauseTaskClockAsync(Guid.NewGuid(), "testing"));
        Assert.Equal(CommandError.NotFound, unknown.Error);
        Assert.Equal(["clock.paused"], (await ClockHistoryAsync()).Select(h => h.Kind));
    }

    [Fact]
    public async Task CompletingAPausedTask_EndsItsPause_AndRemovesItsSignalTimers()
    {
        await StartReviewAsync();
        var taskId = TaskOf("review").Id;
        await _h.AdvanceAsync(TimeSpan.FromHours(3));
        await _h.Engine.PauseTaskClockAsync(taskId, "supplementation");

        await _h.CompleteAsync("review");

        var ended = (await ClockHistoryAsync()).Single(h => h.Kind == "clock.pause-ended");
        Assert.Equal(("review", "tester"), (ended.ElementId, ended.Actor));
        Assert.Equal($$"""{"taskId":"{{taskId}}","reason":"supplementation","pausedAt":"{{Text(Accepted.AddHours(3))}}","pausedWorkingDays":0,"because":"completed"}""", ended.Data);
        var row = (await _h.Store.FindTaskAsync(taskId))!;
        Assert.Equal(TaskState.Completed, row.Status);
        Assert.Null(row.PausedAt);
        Assert.Null(row.PauseReason);
        Assert.Empty(_h.Instance.Timers);
        Assert.Null(await _h.Store.NextTimerAsync());
    }

    // ---- Extensions --------------------------------------------------------------------------------

    [Fact]
    public async Task ExtendingARedTask_MovesItsDeadlineByWorkingDays_AndItIsInTimeAgain()
    {
        await StartReviewAsync();
        var taskId = TaskOf("review").Id;
        await _h.AdvanceAsync(Due - Accepted + TimeSpan.FromHours(10));
        Assert.Equal(TaskSignal.Red, TaskOf("review").Signal);

        await _h.Engine.ExtendTaskAsync(taskId, 3, "Art. 42 approval 2025-17", actor: "head.li");
        await _h.RefreshAsync();

        // Wed 7, Thu 8 and Fri 9 more: the limit ends when Fri 9 ends. It now measures 8.625 working days, so yellow is
        // 1.725 before the end: all of Fri 9 and 0.725 of Thu 8, at 06:36 on Thu 8.
        var task = TaskOf("review");
        Assert.Equal(At(2025, 5, 10), task.DueAt);
        Assert.Equal(TaskSignal.Green, task.Signal);
        Assert.Equal(3, task.ExtendedWorkingDays);
        Assert.Equal(8.625, task.LimitWorkingDays!.Value, 9);
        Assert.Equal([(TimerPurpose.TaskYellow, At(2025, 5, 8, 6, 36)), (TimerPurpose.TaskRed, At(2025, 5, 10))], SignalTimers());
        Assert.Equal(TaskSignal.Green, (await _h.Store.FindTaskAsync(taskId))!.Signal);
        var extended = (await ClockHistoryAsync()).Single(h => h.Kind == "deadline.extended");
        Assert.Equal(("review", "head.li"), (extended.ElementId, extended.Actor));
        Assert.Equal(
            $$"""{"workingDays":3,"reason":"Art. 42 approval 2025-17","previousDueAt":"{{Text(Due)}}","dueAt":"{{Text(At(2025, 5, 10))}}","signal":"green","taskId":"{{taskId}}"}""",
            extended.Data);

        // It turns yellow and red again, with new notices.
        await _h.AdvanceAsync(At(2025, 5, 10) - _h.Clock.GetUtcNow());
        Assert.Equal([NoticeKinds.TaskYellow, NoticeKinds.TaskRed, NoticeKinds.TaskYellow, NoticeKinds.TaskRed], Store.Notices.Select(n => n.Kind));
    }

    [Fact]
    public async Task Extensions_AreCappedAtTenWorkingDaysPerTask_AndTheRefusalSaysWhatRemains()
    {
        await StartReviewAsync();
        var taskId = TaskOf("review").Id;

        await _h.Engine.ExtendTaskAsync(taskId, 4, "first approval");
        await _h.Engine.ExtendTaskAsync(taskId, 5, "second approval");
        var tooMuch = await Assert.ThrowsAsync<WorkflowCommandException>(() => _h.Engine.ExtendTaskAsync(taskId, 2, "third approval"));
        Assert.Equal(CommandError.Invalid, tooMuch.Error);
        Assert.Contains("at most 10 working days in all and has been extended by 9; at most 1 more can be granted, not 2", tooMuch.Message);
        await _h.Engine.ExtendTaskAsync(taskId, 1, "third approval");
        var none = await Assert.ThrowsAsync<WorkflowCommandException>(() => _h.Engine.ExtendTaskAsync(taskId, 1, "fourth approval"));
        Assert.Contains("at most 0 more can be granted", none.Message);

        await _h.RefreshAsync();
        Assert.Equal(10, TaskOf("review").ExtendedWorkingDays);
        Assert.Equal(ShippedCalendars.CnMainland.AddWorkingDays(Accepted, 15), TaskOf("review").DueAt);
        Assert.Equal(3, (await ClockHistoryAsync()).Count(h => h.Kind == "deadline.extended"));
    }

    [Fact]
    public async Task Extension_NeedsAWholeWorkingDay_AReason_AndATaskWithALimit()
    {
        await StartReviewAsync();
        var taskId = TaskOf("review").Id;

        Assert.Equal(CommandError.Invalid, (await Assert.ThrowsAsync<WorkflowCommandException>(() => _h.Engine.ExtendTaskAsync(taskId, 0, "approved"))).Error);
        Assert.Equal(CommandError.Invalid, (await Assert.ThrowsAsync<WorkflowCommandException>(() => _h.Engine.ExtendTaskAsync(taskId, 2, " "))).Error);
        await _h.CompleteAsync("review");
        var completed = await Assert.ThrowsAsync<WorkflowCommandException>(() => _h.Engine.ExtendTaskAsync(taskId, 2, "approved"));
        Assert.Equal(CommandError.NotApplicable, completed.Error);
        var noLimit = await Assert.ThrowsAsync<WorkflowCommandException>(() => _h.Engine.ExtendTaskAsync(TaskOf("issue").Id, 2, "approved"));
        Assert.Equal(CommandError.NotApplicable, noLimit.Error);
        Assert.Contains("has no time limit", noLimit.Message);
        Assert.Empty(await ClockHistoryAsync());
    }

    [Fact]
    public async Task ExtensionCap_ComesFromTheOptions()
    {
        var h = new EngineHarness(new WorkflowEngineOptions { Calendars = ShippedCalendars.All, MaxTaskExtensionWorkingDays = 2 }, start: Accepted);
        await h.RunAsync(Review(), processAttributes: OnTheChineseCalendar);

        var refused = await Assert.ThrowsAsync<WorkflowCommandException>(() => h.Engine.ExtendTaskAsync(h.Instance.Tasks[0].Id, 3, "approved"));
        Assert.Contains("at most 2 working days", refused.Message);
    }

    // ---- Escalation --------------------------------------------------------------------------------

    [Fact]
    public async Task RedTaskWithATimerBoundaryEvent_LeavesTheEscalationToTheModel()
    {
        await StartReviewAsync(extra: $"""
            <boundaryEvent id="late" attachedToRef="review"><timerEventDefinition><timeDuration>P30D</timeDuration></timerEventDefinition></boundaryEvent>
            <userTask id="supervise" onestop:department="supervision" />{Flow("f3", "late", "supervise")}{Flow("f4", "supervise", "end")}
            """);

        await _h.AdvanceAsync(Due - Accepted);

        Assert.Equal(TaskSignal.Red, TaskOf("review").Signal);
        var red = Assert.Single(Store.Notices, n => n.Kind == NoticeKinds.TaskRed);
        Assert.Equal("boundary", (string?)JsonNode.Parse(red.Data!)!["escalation"]);
        Assert.Equal(["review"], _h.OpenTasks);

        // The model's own timer does the work when it is due; the review's signal timers went with the review.
        await _h.AdvanceAsync(Accepted.AddDays(30) - Due);
        Assert.Equal(["supervise"], _h.OpenTasks);
        Assert.Empty(_h.Instance.Timers);
    }

    [Fact]
    public async Task RedTaskDeclaringSilentConsent_IsCompletedAsApproved()
    {
        await StartReviewAsync("""onestop:silentConsent="true" """);
        var taskId = TaskOf("review").Id;

        await _h.AdvanceAsync(Due - Accepted);

        Assert.Equal(["issue"], _h.OpenTasks);
        Assert.Equal("approved", (string?)_h.Instance.Variables["decision"]);
        var row = (await _h.Store.FindTaskAsync(taskId))!;
        Assert.Equal((TaskState.Completed, "silent-consent", TaskSignal.Red, Due), (row.Status, row.EndedBy, row.Signal, row.EndedAt!.Value));
        var red = Store.Notices.Single(n => n.Kind == NoticeKinds.TaskRed);
        Assert.Equal($$"""{"activityId":"review","name":"Review tax","dueAt":"{{Text(Due)}}","escalation":"silent-consent","scenario":"p"}""", red.Data);

        var history = (await _h.Store.HistoryAsync(_h.Instance.Id)).SkipWhile(h => h.Kind != "deadline.red").ToList();
        Assert.Equal(["deadline.red", "task.silent-consent", "TaskCompleted", "NodeCompleted", "TaskCreated"], history.Select(h => h.Kind));
        Assert.Equal([null, "silent-consent", "silent-consent", "silent-consent", "silent-consent"], history.Select(h => h.Actor));
        Assert.Equal($$$"""{"taskId":"{{{taskId}}}","variables":{"decision":"approved"}}""", history[1].Data);
    }

    [Fact]
    public async Task SilentConsent_CompletesWithTheVariablesTheOptionsGive()
    {
        var h = new EngineHarness(new WorkflowEngineOptions
        {
            Calendars = ShippedCalendars.All,
            SilentConsentVariables = (task, at) => new JsonObject
            {
                [task.ActivityId] = new JsonObject { ["outcome"] = "approved", ["decidedAt"] = at.ToString("O", System.Globalization.CultureInfo.InvariantCulture) },
            },
        }, start: Accepted);
        await h.RunAsync(Review("""onestop:silentConsent="true" """), processAttributes: OnTheChineseCalendar);

        await h.AdvanceAsync(Due - Accepted);

        Assert.Equal("approved", (string?)h.Instance.Variables["review"]!["outcome"]);
        Assert.Equal(Due, DateTimeOffset.Parse((string)h.Instance.Variables["review"]!["decidedAt"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(h.Instance.Variables.ContainsKey("decision"));
    }

    [Fact]
    public async Task SilentConsentThatCannotDecideTheWayOn_FallsBackToAFollowUp_AndChangesNoVariable()
    {
        await _h.RunAsync($"""
            <startEvent id="start" />
            <userTask id="review" name="Review tax" onestop:department="tax" onestop:timeLimit="5WD" onestop:silentConsent="true" />
            <userTask id="issue" /><userTask id="refuse" /><endEvent id="end" />
            {Flow("f0", "start", "review")}{Flow("granted", "review", "issue", "${decision == 'granted'}")}{Flow("refused", "review", "refuse", "${decision == 'refused'}")}
            {Flow("f3", "issue", "end")}{Flow("f4", "refuse", "end")}
            """, processAttributes: OnTheChineseCalendar);

        await _h.AdvanceAsync(Due - Accepted);

        Assert.Equal(["review"], _h.OpenTasks);
        Assert.Equal(TaskSignal.Red, TaskOf("review").Signal);
        Assert.False(_h.Instance.Variables.ContainsKey("decision"));
        var red = (await ClockHistoryAsync()).Single(h => h.Kind == "deadline.red");
        var data = JsonNode.Parse(red.Data!)!;
        Assert.Equal("follow-up", (string?)data["escalation"]);
        Assert.Contains("No outgoing flow of userTask 'review' has a true condition", (string?)data["silentConsentProblem"]);
        Assert.Equal("follow-up", (string?)JsonNode.Parse(Store.Notices.Single(n => n.Kind == NoticeKinds.TaskRed).Data!)!["escalation"]);
    }

    [Fact]
    public async Task WithoutSilentConsent_ARedTaskIsNeverCompletedByTheClock()
    {
        await StartReviewAsync();

        await _h.AdvanceAsync(TimeSpan.FromDays(60));

        Assert.Equal(["review"], _h.OpenTasks);
        Assert.DoesNotContain(await _h.Store.HistoryAsync(_h.Instance.Id), h => h.Kind == "task.silent-consent");
    }

    // ---- The scenario's own limit ------------------------------------------------------------------

    // Two department tasks in parallel under a 10WD limit of the scenario. Counting from Fri Apr 25: Sun 27, Mon 28,
    // Tue 29, Wed 30, (Labour Day) Tue May 6, Wed 7, Thu 8, Fri 9, Mon 12, Tue 13 → due when Tue May 13 ends. It measures
    // 10.625 working days; yellow with 2.125 left: Tue 13, Mon 12 and the last 3 hours of Fri 9.
    private static readonly DateTimeOffset ApplicationDue = At(2025, 5, 14);
    private static readonly DateTimeOffset ApplicationYellowAt = At(2025, 5, 9, 21);

    private Task StartJointHandlingAsync() => _h.RunAsync($"""
        <startEvent id="start" /><parallelGateway id="split" />
        <userTask id="review" name="Review tax" onestop:department="tax" onestop:timeLimit="5WD" />
        <userTask id="check" name="Check records" onestop:department="public-security" onestop:timeLimit="5WD" />
        <parallelGateway id="join" /><endEvent id="end" />
        {Flow("f0", "start", "split")}{Flow("f1", "split", "review")}{Flow("f2", "split", "check")}
        {Flow("f3", "review", "join")}{Flow("f4", "check", "join")}{Flow("f5", "join", "end")}
        """, processAttributes: OnTheChineseCalendar + """name="Start a business" onestop:timeLimit="10WD" """);

    private List<(TimerPurpose, DateTimeOffset)> ApplicationTimers() =>
        SignalTimers().Where(t => t.Item1 is TimerPurpose.InstanceYellow or TimerPurpose.InstanceRed).ToList();

    [Fact]
    public async Task ScenarioLimit_TurnsTheApplicationYellowAndRed_WithFollowUpNotices()
    {
        await StartJointHandlingAsync();
        Assert.Equal((ApplicationDue, "10WD", TaskSignal.Green), (_h.Instance.DueAt!.Value, _h.Instance.Limit, _h.Instance.Signal));
        Assert.Equal(10.625, _h.Instance.LimitWorkingDays!.Value, 9);
        Assert.Equal([(TimerPurpose.InstanceYellow, ApplicationYellowAt), (TimerPurpose.InstanceRed, ApplicationDue)], ApplicationTimers());
        Assert.All(_h.Instance.Timers.Where(t => t.Purpose is TimerPurpose.InstanceYellow or TimerPurpose.InstanceRed),
            t => Assert.Equal(((Guid?)null, Guid.Empty, "p"), (t.TaskId, t.TokenId, t.ActivityId)));

        await _h.AdvanceAsync(ApplicationYellowAt - Accepted - TimeSpan.FromTicks(1));
        Assert.Equal(TaskSignal.Green, _h.Instance.Signal);
        await _h.AdvanceAsync(TimeSpan.FromTicks(1));
        Assert.Equal(TaskSignal.Yellow, _h.Instance.Signal);
        await _h.AdvanceAsync(ApplicationDue - ApplicationYellowAt);
        Assert.Equal(TaskSignal.Red, _h.Instance.Signal);

        var notices = Store.Notices.Where(n => n.Kind.StartsWith("application.", StringComparison.Ordinal)).ToList();
        Assert.Equal([(NoticeKinds.ApplicationYellow, ApplicationYellowAt), (NoticeKinds.ApplicationRed, ApplicationDue)], notices.Select(n => (n.Kind, n.At)));
        Assert.All(notices, n => Assert.Equal(((Guid?)null, (string?)null), (n.TaskId, n.Department)));
        Assert.Equal($$"""{"activityId":null,"name":"Start a business","dueAt":"{{Text(ApplicationDue)}}","escalation":"follow-up","scenario":"p"}""", notices[1].Data);
        var history = (await ClockHistoryAsync()).Where(h => h.ElementId is null).ToList();
        Assert.Equal(["deadline.yellow", "deadline.red"], history.Select(h => h.Kind));
        Assert.Equal($$"""{"dueAt":"{{Text(ApplicationDue)}}","escalation":"follow-up"}""", history[1].Data);
    }

    [Fact]
    public async Task ScenarioClock_StandsWhileAnyTaskClockIsPaused_AndMovesWhenTheLastResumes()
    {
        await StartJointHandlingAsync();
        var review = TaskOf("review").Id;
        var check = TaskOf("check").Id;

        await _h.AdvanceAsync(At(2025, 4, 28, 12) - Accepted);
        await _h.Engine.PauseTaskClockAsync(review, "supplementation");
        await _h.RefreshAsync();
        Assert.Equal(At(2025, 4, 28, 12), _h.Instance.PausedAt);
        Assert.Equal("supplementation", _h.Instance.PauseReason);
        Assert.Empty(ApplicationTimers());

        await _h.AdvanceAsync(At(2025, 4, 29) - At(2025, 4, 28, 12));
        await _h.Engine.PauseTaskClockAsync(check, "testing");
        await _h.AdvanceAsync(TimeSpan.FromHours(12));
        await _h.Engine.ResumeTaskClockAsync(review);
        await _h.RefreshAsync();
        Assert.Equal(At(2025, 4, 28, 12), _h.Instance.PausedAt); // the check is still paused
        Assert.Equal(ApplicationDue, _h.Instance.DueAt);
        Assert.Equal(At(2025, 5, 8), TaskOf("review").DueAt); // paused one working day

        await _h.AdvanceAsync(At(2025, 4, 30, 12) - At(2025, 4, 29, 12));
        await _h.Engine.ResumeTaskClockAsync(check);
        await _h.RefreshAsync();

        // The scenario stood from Mon 28 noon to Wed 30 noon: two working days, so it ends when Thu May 15 ends.
        Assert.Null(_h.Instance.PausedAt);
        Assert.Equal(At(2025, 5, 16), _h.Instance.DueAt);
        Assert.Equal(At(2025, 5, 8, 12), TaskOf("check").DueAt); // paused 1.5 working days
        Assert.Equal(TimerPurpose.InstanceRed, ApplicationTimers()[^1].Item1);
        Assert.Equal(At(2025, 5, 16), ApplicationTimers()[^1].Item2);

        var scenario = (await ClockHistoryAsync()).Where(h => h.ElementId is null).ToList();
        Assert.Equal(["clock.paused", "clock.resumed"], scenario.Select(h => h.Kind));
        Assert.Equal($$"""{"taskId":"{{review}}","reason":"supplementation"}""", scenario[0].Data);
        Assert.Equal(
            $$"""{"reason":"supplementation","pausedAt":"{{Text(At(2025, 4, 28, 12))}}","pausedWorkingDays":2,"previousDueAt":"{{Text(ApplicationDue)}}","dueAt":"{{Text(At(2025, 5, 16))}}","signal":"green"}""",
            scenario[1].Data);
    }

    [Fact]
    public async Task ScenarioLimit_ExtendsUpToFifteenWorkingDays()
    {
        await StartJointHandlingAsync();

        var tooMuch = await Assert.ThrowsAsync<WorkflowCommandException>(() => _h.Engine.ExtendInstanceAsync(_h.Instance.Id, 16, "joint handling"));
        Assert.Equal(CommandError.Invalid, tooMuch.Error);
        Assert.Contains("at most 15 working days in all and has been extended by 0; at most 15 more can be granted, not 16", tooMuch.Message);
        await _h.Engine.ExtendInstanceAsync(_h.Instance.Id, 15, "joint handling approved by the government", actor: "head.li");
        await _h.RefreshAsync();

        Assert.Equal(ShippedCalendars.CnMainland.AddWorkingDays(Accepted, 25), _h.Instance.DueAt);
        Assert.Equal(15, _h.Instance.ExtendedWorkingDays);
        Assert.Equal(25.625, _h.Instance.LimitWorkingDays!.Value, 9);
        Assert.Equal(_h.Instance.DueAt, ApplicationTimers()[^1].Item2);
        var extended = (await ClockHistoryAsync()).Single(h => h.Kind == "deadline.extended");
        Assert.Equal(((string?)null, "head.li"), (extended.ElementId, extended.Actor));
        Assert.Contains("\"workingDays\":15", extended.Data);
        var none = await Assert.ThrowsAsync<WorkflowCommandException>(() => _h.Engine.ExtendInstanceAsync(_h.Instance.Id, 1, "again"));
        Assert.Contains("at most 0 more can be granted", none.Message);
    }

    [Fact]
    public async Task ScenarioWithoutALimitOfItsOwn_CannotBeExtended()
    {
        await StartReviewAsync();
        Assert.Null(_h.Instance.DueAt);
        Assert.Null(_h.Instance.Limit);

        var refused = await Assert.ThrowsAsync<WorkflowCommandException>(() => _h.Engine.ExtendInstanceAsync(_h.Instance.Id, 1, "approved"));
        Assert.Equal(CommandError.NotApplicable, refused.Error);

        // Its tasks' pauses have no scenario clock to stop.
        await _h.Engine.PauseTaskClockAsync(TaskOf("review").Id, "supplementation");
        Assert.Null((await _h.RefreshAsync()).PausedAt);
    }

    [Fact]
    public async Task CompletedApplication_LeavesNoSignalTimerBehind()
    {
        await StartJointHandlingAsync();

        await _h.CompleteAsync("review");
        await _h.CompleteAsync("check");

        Assert.Equal(InstanceStatus.Completed, _h.Instance.Status);
        Assert.Empty(_h.Instance.Timers);
        Assert.Null(await _h.Store.NextTimerAsync());
    }
}
