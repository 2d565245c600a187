using System.Globalization;
using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Bpmn;
using OneStop.Workflow.Engine.Calendars;

namespace OneStop.Workflow.Engine.Execution;

/// <summary>The deadline clock that a task and the scenario as a whole share (see <see cref="TaskItem"/> and
/// <see cref="ProcessInstance"/>, which carry the same members).</summary>
internal interface IDeadlineClock
{
    DateTimeOffset? DueAt { get; set; }
    double? LimitWorkingDays { get; set; }
    TimeSpan? LimitDuration { get; set; }
    DateTimeOffset? PausedAt { get; set; }
    string? PauseReason { get; set; }
    int ExtendedWorkingDays { get; set; }
    TaskSignal Signal { get; set; }
}

/// <summary>
/// The statutory deadline clocks of a task and of the scenario: yellow and red signals armed as ordinary timers (so
/// they are durable, idempotent and woken like every other timer), pauses (Art. 32, Art. 45), extensions (Art. 42),
/// escalation at the deadline as the model says, and the notices telling people about it.
/// </summary>
internal sealed partial class InstanceRunner
{
    // ---- Starting and ending clocks ---------------------------------------------------------------

    private void StartTaskClock(TaskItem task, TimeLimit? limit)
    {
        if (limit is null || task.DueAt is not { } due)
            return;
        SetNominalLength(task, limit, task.CreatedAt, due);
        ArmSignals(task, task);
    }

    private void StartInstanceClock(TimeLimit? limit)
    {
        if (limit is null || _instance.DueAt is not { } due)
            return;
        _instance.Limit = limit.Text;
        SetNominalLength(_instance, limit, _instance.StartedAt, due);
        ArmSignals(_instance, task: null);
    }

    /// <summary>The length a share of the limit is measured against: the time the work actually has, from its start to
    /// its first deadline (for <c>5WD</c> that is the rest of the first day and five working days).</summary>
    private void SetNominalLength(IDeadlineClock clock, TimeLimit limit, DateTimeOffset start, DateTimeOffset due)
    {
        if (limit.WorkingDays is not null)
            clock.LimitWorkingDays = Calendar.WorkingDaysBetween(start, due);
        else
            clock.LimitDuration = due - start;
    }

    /// <summary>A task that ends (completed or cancelled) takes its signal timers with it and ends its pause; the
    /// scenario's clock runs again when that was the last pause.</summary>
    private void EndTaskClock(TaskItem task, TaskState endedAs)
    {
        RemoveSignalTimers(task);
        if (task.PausedAt is not { } pausedAt)
            return;
        Record("clock.pause-ended", task.ActivityId, new JsonObject
        {
            ["taskId"] = task.Id.ToString(),
            ["reason"] = task.PauseReason,
            ["pausedAt"] = Format(pausedAt),
            ["pausedWorkingDays"] = Calendar.WorkingDaysBetween(pausedAt, _now),
            ["because"] = endedAs == TaskState.Completed ? "completed" : "cancelled",
        });
        task.PausedAt = null;
        task.PauseReason = null;
        ResumeInstanceClockAfterLastPause();
    }

    private void EndInstanceClock()
    {
        RemoveSignalTimers(task: null);
        _instance.PausedAt = null;
        _instance.PauseReason = null;
    }

    // ---- Commands ---------------------------------------------------------------------------------

    public void PauseTaskClock(Guid taskId, string reason)
    {
        var task = OpenTaskOf(taskId);
        if (task.PausedAt is { } since)
            throw new WorkflowCommandException(CommandError.NotApplicable,
                $"The clock of task {taskId} ({task.ActivityId}) is already paused for {task.PauseReason} since {Format(since)}.");
        task.PausedAt = _now;
        task.PauseReason = reason;
        RemoveSignalTimers(task);
        WriteTask(task, TaskState.Open);
        Record("clock.paused", task.ActivityId, new JsonObject { ["taskId"] = task.Id.ToString(), ["reason"] = reason });

        if (_instance.DueAt is not null && _instance.PausedAt is null)
        {
            _instance.PausedAt = _now;
            _instance.PauseReason = reason;
            RemoveSignalTimers(task: null);
            Record("clock.paused", null, new JsonObject { ["taskId"] = task.Id.ToString(), ["reason"] = reason });
        }
    }

    public void ResumeTaskClock(Guid taskId)
    {
        var task = OpenTaskOf(taskId);
        if (task.PausedAt is null)
            throw new WorkflowCommandException(CommandError.NotApplicable, $"The clock of task {taskId} ({task.ActivityId}) is not paused.");
        var data = Resume(task, task);
        data["taskId"] = task.Id.ToString();
        WriteTask(task, TaskState.Open);
        Record("clock.resumed", task.ActivityId, data);
        ResumeInstanceClockAfterLastPause();
    }

    public void ExtendTask(Guid taskId, int workingDays, string reason)
    {
        var task = OpenTaskOf(taskId);
        if (task.DueAt is null)
            throw new WorkflowCommandException(CommandError.NotApplicable, $"Task {taskId} ({task.ActivityId}) has no time limit to extend.");
        var data = Extend(task, task, workingDays, reason, _engine.Options.MaxTaskExtensionWorkingDays, $"Task {taskId} ({task.ActivityId})");
        data["taskId"] = task.Id.ToString();
        WriteTask(task, TaskState.Open);
        Record("deadline.extended", task.ActivityId, data);
    }

    public void ExtendInstance(int workingDays, string reason)
    {
        if (_instance.DueAt is null)
            throw new WorkflowCommandException(CommandError.NotApplicable,
                $"Application {_instance.Id} has no time limit of its own to extend (the process declares no onestop:timeLimit).");
        var data = Extend(_instance, task: null, workingDays, reason, _engine.Options.MaxInstanceExtensionWorkingDays, $"Application {_instance.Id}");
        Record("deadline.extended", null, data);
    }

    private TaskItem OpenTaskOf(Guid taskId) =>
        _instance.Tasks.FirstOrDefault(t => t.Id == taskId)
        ?? throw new WorkflowCommandException(CommandError.NotApplicable, $"Task {taskId} is not open.");

    /// <summary>Moves the deadline of a paused clock by the time it stood and runs it again. Returns the history data.</summary>
    private JsonObject Resume(IDeadlineClock clock, TaskItem? task)
    {
        var pausedAt = clock.PausedAt!.Value;
        var previousDue = clock.DueAt;
        if (previousDue is { } due)
        {
            // A working-day limit stands still for the working time of the pause; other limits for its wall time.
            clock.DueAt = clock.LimitWorkingDays is not null
                ? Calendar.AddWorkingTime(due, Calendar.WorkingDaysBetween(pausedAt, _now))
                : InCalendarZone(due + (_now - pausedAt));
        }
        var data = new JsonObject
        {
            ["reason"] = clock.PauseReason,
            ["pausedAt"] = Format(pausedAt),
            ["pausedWorkingDays"] = Calendar.WorkingDaysBetween(pausedAt, _now),
            ["previousDueAt"] = previousDue is { } before ? Format(before) : null,
            ["dueAt"] = clock.DueAt is { } after ? Format(after) : null,
        };
        clock.PausedAt = null;
        clock.PauseReason = null;
        ArmSignals(clock, task);
        data["signal"] = SignalName(clock.Signal);
        return data;
    }

    private JsonObject Extend(IDeadlineClock clock, TaskItem? task, int workingDays, string reason, int allowance, string what)
    {
        var remaining = Math.Max(0, allowance - clock.ExtendedWorkingDays);
        if (workingDays > remaining)
            throw new WorkflowCommandException(CommandError.Invalid,
                $"{what} can be extended by at most {allowance} working days in all and has been extended by {clock.ExtendedWorkingDays}; " +
                $"at most {remaining} more can be granted, not {workingDays}.");
        var previousDue = clock.DueAt!.Value;
        var due = Calendar.AddWorkingTime(previousDue, workingDays);
        clock.DueAt = due;
        clock.ExtendedWorkingDays += workingDays;
        if (clock.LimitWorkingDays is { } days)
            clock.LimitWorkingDays = days + workingDays;
        else if (clock.LimitDuration is { } duration)
            clock.LimitDuration = duration + (due - previousDue);
        // A paused clock keeps its signal; it is worked out again when the clock runs.
        ArmSignals(clock, task);
        return new JsonObject
        {
            ["workingDays"] = workingDays,
            ["reason"] = reason,
            ["previousDueAt"] = Format(previousDue),
            ["dueAt"] = Format(due),
            ["signal"] = SignalName(clock.Signal),
        };
    }

    private void ResumeInstanceClockAfterLastPause()
    {
        if (_instance.PausedAt is null || _instance.Tasks.Any(t => t.PausedAt is not null))
            return;
        Record("clock.resumed", null, Resume(_instance, task: null));
    }

    // ---- Signals ----------------------------------------------------------------------------------

    /// <summary>Works the signal out from the deadline and arms timers for the changes that lie ahead. A red clock whose
    /// deadline moved ahead is in time again; one already red stays red without a new timer. A clock whose deadline has
    /// passed but that has not turned red yet gets its red timer anyway: it fires at once, and the escalation takes the
    /// same path as any other.</summary>
    private void ArmSignals(IDeadlineClock clock, TaskItem? task)
    {
        RemoveSignalTimers(task);
        if (clock.DueAt is not { } due || clock.PausedAt is not null)
            return;
        var yellowAt = YellowMoment(clock, due);
        if (due > _now || clock.Signal != TaskSignal.Red)
            clock.Signal = yellowAt <= _now ? TaskSignal.Yellow : TaskSignal.Green;
        if (clock.Signal == TaskSignal.Green && yellowAt < due)
            AddSignalTimer(task, task is null ? TimerPurpose.InstanceYellow : TimerPurpose.TaskYellow, yellowAt);
        if (clock.Signal != TaskSignal.Red)
            AddSignalTimer(task, task is null ? TimerPurpose.InstanceRed : TimerPurpose.TaskRed, due);
    }

    /// <summary>The moment the configured share of the limit is used: the deadline moved back by the rest of the
    /// nominal length, in working time for a working-day limit.</summary>
    private DateTimeOffset YellowMoment(IDeadlineClock clock, DateTimeOffset due)
    {
        var rest = 1 - _engine.Options.YellowShare;
        if (clock.LimitWorkingDays is { } days)
            return Calendar.AddWorkingTime(due, -rest * days);
        return clock.LimitDuration is { } duration && duration > TimeSpan.Zero ? InCalendarZone(due - rest * duration) : due;
    }

    private void AddSignalTimer(TaskItem? task, TimerPurpose purpose, DateTimeOffset due) =>
        AddTimer(new TimerItem
        {
            Id = Guid.NewGuid(),
            TokenId = task?.TokenId ?? Guid.Empty,
            ActivityId = task?.ActivityId ?? _process.Id,
            DueAt = due,
            Purpose = purpose,
            TaskId = task?.Id,
        });

    /// <summary>Removes the signal timers of a task, or of the scenario's clock when <paramref name="task"/> is null.</summary>
    private void RemoveSignalTimers(TaskItem? task)
    {
        var timers = task is null
            ? _instance.Timers.Where(t => t.Purpose is TimerPurpose.InstanceYellow or TimerPurpose.InstanceRed)
            : _instance.Timers.Where(t => t.TaskId == task.Id && t.Purpose is TimerPurpose.TaskYellow or TimerPurpose.TaskRed);
        foreach (var timer in timers.ToList())
            RemoveTimer(timer);
    }

    private void FireSignal(TimerItem timer)
    {
        RemoveTimer(timer);
        switch (timer.Purpose)
        {
            case TimerPurpose.TaskYellow:
                {
                    var task = TaskOfSignal(timer);
                    task.Signal = TaskSignal.Yellow;
                    WriteTask(task, TaskState.Open);
                    Record("deadline.yellow", task.ActivityId, new JsonObject { ["taskId"] = task.Id.ToString(), ["dueAt"] = Format(task.DueAt!.Value) });
                    Notice(NoticeKinds.TaskYellow, task, task.DueAt.Value, escalation: null);
                    break;
                }
            case TimerPurpose.TaskRed:
                TurnTaskRed(TaskOfSignal(timer));
                break;
            case TimerPurpose.InstanceYellow:
                _instance.Signal = TaskSignal.Yellow;
                Record("deadline.yellow", null, new JsonObject { ["dueAt"] = Format(_instance.DueAt!.Value) });
                Notice(NoticeKinds.ApplicationYellow, task: null, _instance.DueAt.Value, escalation: null);
                break;
            case TimerPurpose.InstanceRed:
                // Nothing in a model handles the scenario's own limit: a supervisor follows the application up.
                _instance.Signal = TaskSignal.Red;
                Record("deadline.red", null, new JsonObject { ["dueAt"] = Format(_instance.DueAt!.Value), ["escalation"] = Escalations.FollowUp });
                Notice(NoticeKinds.ApplicationRed, task: null, _instance.DueAt.Value, Escalations.FollowUp);
                break;
        }
    }

    /// <summary>The deadline passed: the task turns red and escalates as the model says — its own timer boundary event,
    /// silent consent where declared, otherwise a follow-up by a supervisor.</summary>
    private void TurnTaskRed(TaskItem task)
    {
        var token = TokenById(task.TokenId);
        var node = _process.Node(task.ActivityId);
        var due = task.DueAt!.Value;
        JsonObject? consent = null;
        string? problem = null;
        string escalation;
        if (node.BoundaryEvents.Any(b => b.Definition is TimerEventDefinition))
        {
            escalation = Escalations.Boundary;
        }
        else if (node is UserTask { SilentConsent: true })
        {
            // Consent completes the task only if the way on can be decided with the approving variables; otherwise the
            // variables are taken back and a supervisor follows up, rather than the deadline being lost.
            var before = (JsonObject)_instance.Variables.DeepClone();
            consent = _engine.Options.SilentConsentVariables(task, _now);
            Merge(consent);
            if (TryChooseFlows(node, firstMatchOnly: false, out _, out problem))
            {
                escalation = Escalations.SilentConsent;
            }
            else
            {
                _instance.Variables = before;
                consent = null;
                escalation = Escalations.FollowUp;
            }
        }
        else
        {
            escalation = Escalations.FollowUp;
        }

        task.Signal = TaskSignal.Red;
        WriteTask(task, TaskState.Open);
        var data = new JsonObject { ["taskId"] = task.Id.ToString(), ["dueAt"] = Format(due), ["escalation"] = escalation };
        if (problem is not null)
            data["silentConsentProblem"] = problem;
        Record("deadline.red", task.ActivityId, data);
        Notice(NoticeKinds.TaskRed, task, due, escalation);

        if (consent is not null)
        {
            _actor = DeadlineClock.SilentConsentActor;
            Record("task.silent-consent", task.ActivityId, new JsonObject { ["taskId"] = task.Id.ToString(), ["variables"] = consent.DeepClone() });
            FinishTask(task, token, node, consent);
        }
    }

    private TaskItem TaskOfSignal(TimerItem timer) =>
        _instance.Tasks.FirstOrDefault(t => t.Id == timer.TaskId)
        ?? throw new InvalidOperationException($"Instance {_instance.Id} has signal timer {timer.Id} for task {timer.TaskId}, which is not open: its state is inconsistent.");

    private void Notice(string kind, TaskItem? task, DateTimeOffset due, string? escalation)
    {
        var data = new JsonObject
        {
            ["activityId"] = task?.ActivityId,
            ["name"] = task is null ? _process.Title ?? _process.Name ?? _process.Id : task.Name,
            ["dueAt"] = Format(due),
            ["escalation"] = escalation,
            ["scenario"] = _instance.DefinitionKey,
        };
        Changes.Notices.Add(new NoticeRecord(Guid.NewGuid(), _instance.Id, task?.Id, kind, task?.Department, _now, data.ToJsonString(JsonOptions)));
    }

    private DateTimeOffset InCalendarZone(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Calendar.TimeZone);

    /// <summary>An instant for history and notices, in the calendar's zone: the local time people read deadlines in.</summary>
    private string Format(DateTimeOffset instant) => InCalendarZone(instant).ToString("O", CultureInfo.InvariantCulture);

    private static string SignalName(TaskSignal signal) => signal switch
    {
        TaskSignal.Green => "green",
        TaskSignal.Yellow => "yellow",
        _ => "red",
    };
}
