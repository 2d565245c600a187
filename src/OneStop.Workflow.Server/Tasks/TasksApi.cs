using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure.Persistence;
using OneStop.Workflow.Server.Applications;
using OneStop.Workflow.Server.Audit;
using OneStop.Workflow.Server.Auth;
using OneStop.Workflow.Server.Hosting;
using OneStop.Workflow.Server.Problems;
using OneStop.Workflow.Server.Scenarios;
using TaskStatus = OneStop.Workflow.Server.Applications.TaskStatus;

namespace OneStop.Workflow.Server.Tasks;

public sealed record QueueItem(Guid Id, Guid ApplicationId, string Scenario, string? Department, string? Name, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset? DueAt, string? ClaimedBy, string Signal = "green", bool Paused = false, string? PauseReason = null);

public sealed record ExcludedPeriodRequest(string? Reason, string? Note);

public sealed record ExtensionRequest(int? WorkingDays, string? Reason);

public sealed record CompleteTaskRequest(string? Decision, JsonObject? Data, string? Comment);

public sealed record SupplementRequest(List<string>? Fields, string? Message);

public static class TasksApi
{
    /// <summary>The longest decision comment or supplementation message: it is written to letters and bundles.</summary>
    public const int MaxTextLength = 2000;

    public static IServiceCollection AddTaskQueues(this IServiceCollection services) => services.AddSingleton<DepartmentWork>();

    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        var tasks = app.MapGroup("/api/tasks").WithTags("Tasks").RequireAuthorization(Policies.Staff).WithJsonBodyLimit();
        tasks.MapGet("/", ListAsync);
        tasks.MapPost("/{id:guid}/claim", (Guid id, ClaimsPrincipal user, DepartmentWork work, CancellationToken ct) => work.ClaimAsync(id, user, ct));
        tasks.MapPost("/{id:guid}/release", (Guid id, ClaimsPrincipal user, DepartmentWork work, CancellationToken ct) => work.ReleaseAsync(id, user, ct));
        tasks.MapPost("/{id:guid}/complete", (Guid id, CompleteTaskRequest request, ClaimsPrincipal user, DepartmentWork work, CancellationToken ct) =>
            work.CompleteAsync(id, request, user, ct));
        tasks.MapPost("/{id:guid}/request-supplement", (Guid id, SupplementRequest request, ClaimsPrincipal user, DepartmentWork work, CancellationToken ct) =>
            work.RequestSupplementAsync(id, request, user, ct));
        tasks.MapPost("/{id:guid}/excluded-periods", (Guid id, ExcludedPeriodRequest request, ClaimsPrincipal user, DepartmentWork work, CancellationToken ct) =>
            work.StartExcludedPeriodAsync(id, request, user, ct));
        tasks.MapPost("/{id:guid}/excluded-periods/end", (Guid id, ClaimsPrincipal user, DepartmentWork work, CancellationToken ct) =>
            work.EndExcludedPeriodAsync(id, user, ct));
        // Extensions are approved above the department: supervisors and administrators, as for applications.
        app.MapGroup("/api/tasks").WithTags("Tasks").RequireAuthorization(Policies.Supervision).WithJsonBodyLimit()
            .MapPost("/{id:guid}/extensions", (Guid id, ExtensionRequest request, ClaimsPrincipal user, DepartmentWork work, CancellationToken ct) =>
                work.ExtendAsync(id, request, user, ct));
        return app;
    }

    /// <summary>A department's queue: staff see only their own departments, supervisors every department.</summary>
    private static async Task<Ok<List<QueueItem>>> ListAsync(string? department, string? status, ClaimsPrincipal user, WorkflowEngine engine,
        ApplicationReader reader, CancellationToken ct)
    {
        if (status is not null && !TaskStatus.All.Contains(status))
            throw RequestValidationException.For("status", $"Status '{status}' is not one of: {string.Join(", ", TaskStatus.All)}.");
        var supervisor = user.IsSupervisorOrAdmin();
        var mine = user.Departments();
        if (department is not null && !supervisor && !mine.Contains(department))
            throw ApiProblemException.Forbidden($"You do not work for department '{department}'.");
        var engineStatus = status switch
        {
            TaskStatus.Completed => TaskState.Completed,
            TaskStatus.Cancelled => TaskState.Cancelled,
            _ => TaskState.Open,
        };
        IEnumerable<string?> departments = department is not null ? [department] : supervisor ? [null] : mine;
        var records = new List<TaskRecord>();
        foreach (var d in departments)
            records.AddRange(await engine.Store.ListTasksAsync(new TaskQuery(Department: d, Status: engineStatus), ct));
        var work = await reader.WorkOfAsync(records.Select(r => r.Id).ToList(), ct);
        var items = records
            .Select(r => new QueueItem(r.Id, r.InstanceId, "", r.Department, r.Name, TaskStatus.Of(r, work.GetValueOrDefault(r.Id)), r.CreatedAt, r.DueAt,
                r.Status == TaskState.Open ? work.GetValueOrDefault(r.Id)?.ClaimedBy : null, SignalName(r.Signal), r.PausedAt is not null, r.PauseReason))
            .Where(i => status is null || i.Status == status)
            .OrderBy(i => i.DueAt ?? DateTimeOffset.MaxValue).ThenBy(i => i.CreatedAt)
            .ToList();
        // The scenario key comes from the instance; one read per distinct application.
        var keys = new Dictionary<Guid, string>();
        foreach (var id in items.Select(i => i.ApplicationId).Distinct())
            keys[id] = (await engine.Store.LoadInstanceAsync(id, ct))?.DefinitionKey ?? "";
        return TypedResults.Ok(items.Select(i => i with { Scenario = keys[i.ApplicationId] }).ToList());
    }

    public static string SignalName(TaskSignal signal) => signal switch
    {
        TaskSignal.Red => "red",
        TaskSignal.Yellow => "yellow",
        _ => "green",
    };
}

/// <summary>Claim, release, decide and ask for a supplement: the department's work on an engine task. Claims and
/// supplementation requests live in the TaskWork table with an optimistic version; every change is audited.</summary>
public sealed partial class DepartmentWork(WorkflowEngine engine, ScenarioCatalog catalog, AuditTrail audit,
    IDbContextFactory<WorkflowDbContext> contexts, TimeProvider clock, ILogger<DepartmentWork> logger)
{
    public async Task<Ok<ApplicationTaskView>> ClaimAsync(Guid taskId, ClaimsPrincipal user, CancellationToken ct)
    {
        var task = await OpenTaskOfMyDepartmentAsync(taskId, user, ct);
        return await ChangeAsync(task, user, "claimed", null, work =>
        {
            if (work.ClaimedBy is { } holder && holder != user.Name())
                throw ApiProblemException.Conflict($"Task {taskId} is claimed by {holder}.");
            work.ClaimedBy = user.Name();
            work.ClaimedAt = clock.GetUtcNow();
        }, ct);
    }

    public async Task<Ok<ApplicationTaskView>> ReleaseAsync(Guid taskId, ClaimsPrincipal user, CancellationToken ct)
    {
        var task = await OpenTaskOfMyDepartmentAsync(taskId, user, ct);
        return await ChangeAsync(task, user, "released", null, work =>
        {
            if (work.ClaimedBy is null)
                throw ApiProblemException.Conflict($"Task {taskId} is not claimed.");
            if (work.ClaimedBy != user.Name() && !user.IsSupervisorOrAdmin())
                throw ApiProblemException.Conflict($"Task {taskId} is claimed by {work.ClaimedBy}; only they or a supervisor can release it.");
            work.ClaimedBy = null;
            work.ClaimedAt = null;
        }, ct);
    }

    public async Task<Ok<ApplicationTaskView>> RequestSupplementAsync(Guid taskId, SupplementRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var task = await OpenTaskOfMyDepartmentAsync(taskId, user, ct);
        var instance = await engine.GetInstanceAsync(task.InstanceId, ct);
        var form = (await catalog.GetAsync(instance.DefinitionId, ct)).RequireForm();
        if (request.Fields is not { Count: > 0 } given || given.Any(string.IsNullOrWhiteSpace))
            throw RequestValidationException.For("fields", "Name the fields the citizen must supply again (non-empty field keys).");
        var fields = given;
        if (request.Message is { Length: > TasksApi.MaxTextLength })
            throw RequestValidationException.For("message", $"The message may have at most {TasksApi.MaxTextLength} characters.");
        var departmentForm = form.ForDepartment(task.Department!);
        var unknown = fields.Where(f => !departmentForm.CanSee(f)).ToList();
        if (unknown.Count > 0)
            throw RequestValidationException.For("fields",
                $"Department {task.Department} can ask only for its own and the shared fields; not: {string.Join(", ", unknown)}.");
        var requested = new JsonArray(fields.Distinct(StringComparer.Ordinal).Select(f => (JsonNode)f).ToArray());
        // The request first: every check (claim, concurrent change) happens there, so a refused request leaves no trace.
        // Then the clock stops while the citizen supplies the materials (Art. 32). Should the process end in between, the
        // clock keeps running: the citizen is never the one who loses time.
        await RequestSupplementWorkAsync(task, requested, request.Message, user, ct);
        if (task.PausedAt is null)
        {
            try
            {
                await engine.PauseTaskClockAsync(taskId, SupplementationPause, user.Name(), ct);
            }
            catch (WorkflowCommandException e) when (e.Error == CommandError.NotApplicable)
            {
                // Decided or paused meanwhile: nothing to stop.
            }
        }
        // An excluded period already stops the clock; when it ends, the open request keeps it stopped (EndExcludedPeriodAsync).
        return await ViewAsync(await engine.GetInstanceAsync(task.InstanceId, ct), taskId, ct);
    }

    public const string SupplementationPause = "supplementation";

    private Task<Ok<ApplicationTaskView>> RequestSupplementWorkAsync(TaskRecord task, JsonArray requested, string? message, ClaimsPrincipal user, CancellationToken ct)
    {
        var taskId = task.Id;
        return ChangeAsync(task, user, AuditActions.SupplementRequested,
            new JsonObject { ["fields"] = requested.DeepClone(), ["message"] = message }, work =>
            {
                if (work.ClaimedBy is { } holder && holder != user.Name())
                    throw ApiProblemException.Conflict($"Task {taskId} is claimed by {holder}.");
                work.SupplementFields = requested.ToJsonString();
                work.SupplementMessage = message;
                work.SupplementRequestedAt = clock.GetUtcNow();
            }, ct);
    }

    /// <summary>Staff record a period the statute excludes from the limit (Art. 45: testing, inspection, expert review): the
    /// task's clock stops until they end it.</summary>
    public async Task<Ok<ApplicationTaskView>> StartExcludedPeriodAsync(Guid taskId, ExcludedPeriodRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Reason is not { } reason || reason == SupplementationPause || !DeadlineClock.PauseReasons.Contains(reason))
            errors["reason"] = [$"The reason must be one of: {string.Join(", ", DeadlineClock.PauseReasons.Where(r => r != SupplementationPause))}."];
        if (request.Note is { Length: > TasksApi.MaxTextLength })
            errors["note"] = [$"The note may have at most {TasksApi.MaxTextLength} characters."];
        if (errors.Count > 0)
            throw new RequestValidationException("The excluded period is not valid; nothing was stored.", errors);
        var task = await OpenTaskOfMyDepartmentAsync(taskId, user, ct);
        if (task.PausedAt is not null)
            throw ApiProblemException.Conflict($"Task {taskId}'s clock already stands still ({task.PauseReason}, since {task.PausedAt:O}).");
        var instance = await engine.PauseTaskClockAsync(taskId, request.Reason!, user.Name(), ct);
        await audit.RecordAsync(task.InstanceId, taskId, user.Name(), "excluded-period-started",
            new JsonObject { ["reason"] = request.Reason, ["note"] = request.Note }, ct);
        return await ViewAsync(instance, taskId, ct);
    }

    public async Task<Ok<ApplicationTaskView>> EndExcludedPeriodAsync(Guid taskId, ClaimsPrincipal user, CancellationToken ct)
    {
        var task = await OpenTaskOfMyDepartmentAsync(taskId, user, ct);
        if (task.PausedAt is null)
            throw ApiProblemException.Conflict($"Task {taskId}'s clock is running; there is no excluded period to end.");
        if (task.PauseReason == SupplementationPause)
            throw ApiProblemException.Conflict($"Task {taskId}'s clock waits for the citizen's supplement; it runs again when the citizen answers.");
        var instance = await engine.ResumeTaskClockAsync(taskId, user.Name(), ct);
        await audit.RecordAsync(task.InstanceId, taskId, user.Name(), "excluded-period-ended", new JsonObject { ["reason"] = task.PauseReason }, ct);
        // A supplementation request made during the excluded period keeps the clock stopped until the citizen answers.
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            if (await db.TaskWork.AnyAsync(w => w.TaskId == taskId && w.SupplementFields != null, ct))
                instance = await engine.PauseTaskClockAsync(taskId, SupplementationPause, user.Name(), ct);
        }
        return await ViewAsync(instance, taskId, ct);
    }

    /// <summary>A supervisor approves an extension of a task's limit (Art. 42).</summary>
    public async Task<Ok<ApplicationTaskView>> ExtendAsync(Guid taskId, ExtensionRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        CheckExtension(request);
        var task = await OpenTaskOfMyDepartmentAsync(taskId, user, ct);
        if (task.DueAt is null)
            throw ApiProblemException.Conflict($"Task {taskId} has no time limit to extend.");
        var instance = await engine.ExtendTaskAsync(taskId, request.WorkingDays!.Value, request.Reason!.Trim(), user.Name(), ct);
        return await ViewAsync(instance, taskId, ct);
    }

    public static void CheckExtension(ExtensionRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.WorkingDays is not (>= 1 and <= 365))
            errors["workingDays"] = ["Give the extension in whole working days (at least 1)."];
        if (string.IsNullOrWhiteSpace(request.Reason))
            errors["reason"] = ["State the reason and the approval the extension rests on."];
        else if (request.Reason.Length > TasksApi.MaxTextLength)
            errors["reason"] = [$"The reason may have at most {TasksApi.MaxTextLength} characters."];
        if (errors.Count > 0)
            throw new RequestValidationException("The extension is not valid; nothing was stored.", errors);
    }

    private async Task<Ok<ApplicationTaskView>> ViewAsync(ProcessInstance instance, Guid taskId, CancellationToken ct)
    {
        var record = await engine.Store.FindTaskAsync(taskId, ct) ?? throw ApiProblemException.NotFound($"No task has id {taskId}.");
        await using var db = await contexts.CreateDbContextAsync(ct);
        var work = await db.TaskWork.AsNoTracking().FirstOrDefaultAsync(w => w.TaskId == taskId, ct);
        return TypedResults.Ok(ApplicationReader.TaskView(instance, record, work));
    }

    private const int MaxDecisionValues = 20;
    private const int MaxDecisionValueLength = 200;

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,63}$")]
    private static partial System.Text.RegularExpressions.Regex DecisionKey();

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    public async Task<Ok<ApplicationTaskView>> CompleteAsync(Guid taskId, CompleteTaskRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Decision is not (TaskDecision.Approved or TaskDecision.Rejected))
            errors["decision"] = [$"The decision must be \"{TaskDecision.Approved}\" or \"{TaskDecision.Rejected}\"."];
        if (request.Decision == TaskDecision.Rejected && string.IsNullOrWhiteSpace(request.Comment))
            errors["comment"] = ["A rejection must state its reason (Administrative Licensing Law Art. 38)."];
        if (request.Comment is { Length: > TasksApi.MaxTextLength })
            errors["comment"] = [$"The comment may have at most {TasksApi.MaxTextLength} characters."];
        if (errors.Count > 0)
            throw new RequestValidationException("The decision is not valid; nothing was stored.", errors);

        var task = await OpenTaskOfMyDepartmentAsync(taskId, user, ct);
        if (request.Data is { Count: > 0 } decisionData)
        {
            // The decision's particulars (a certificate number, a validity date) go onto the department's document in the
            // outcome bundle: a few short named values, and never another department's form fields.
            var instanceOfTask = await engine.GetInstanceAsync(task.InstanceId, ct);
            var form = (await catalog.GetAsync(instanceOfTask.DefinitionId, ct)).RequireForm();
            var departmentForm = form.ForDepartment(task.Department!);
            var problems = new List<string>();
            if (decisionData.Count > MaxDecisionValues)
                problems.Add($"at most {MaxDecisionValues} values, not {decisionData.Count}");
            foreach (var (key, value) in decisionData)
            {
                if (!DecisionKey().IsMatch(key))
                    problems.Add($"'{Shorten(key)}' is not a name (letters, digits and _, starting with a letter, at most 64)");
                else if (form.HasField(key) && !departmentForm.CanSee(key))
                    problems.Add($"'{key}' is another department's field");
                else if (value is not JsonValue scalar || (scalar.TryGetValue<string>(out var text) && text.Length > MaxDecisionValueLength))
                    problems.Add($"'{key}' must be a single value (text of at most {MaxDecisionValueLength} characters, a number or true/false)");
            }
            if (problems.Count > 0)
                throw RequestValidationException.For("data", $"The decision's data cannot be stored: {string.Join("; ", problems)}.");
        }
        // Taking the claim first, under the row's version, makes two staff deciding at once end in one decision and one 409.
        await ChangeAsync(task, user, null, null, work =>
        {
            if (work.ClaimedBy is { } holder && holder != user.Name())
                throw ApiProblemException.Conflict($"Task {taskId} is claimed by {holder}.");
            if (work.SupplementFields is not null)
                throw ApiProblemException.Conflict($"Task {taskId} waits for the citizen's supplement.");
            work.ClaimedBy = user.Name();
            work.ClaimedAt ??= clock.GetUtcNow();
        }, ct, auditNewClaim: true);
        var decision = new TaskDecision(request.Decision!, request.Comment, user.Name(), clock.GetUtcNow(), request.Data ?? []);
        var instance = await engine.CompleteTaskAsync(taskId, new JsonObject
        {
            [TaskDecision.VariableName(taskId)] = decision.ToJson(),
            ["decision"] = decision.Decision, // for gateways that route on the latest decision
        }, user.Name(), ct);
        // Audited once the engine has taken the decision: a refused completion leaves no "decided" entry behind.
        await audit.RecordAsync(task.InstanceId, taskId, user.Name(), AuditActions.Decided,
            new JsonObject { ["decision"] = request.Decision, ["comment"] = request.Comment }, ct);
        var completed = await engine.Store.FindTaskAsync(taskId, ct) ?? task;
        return TypedResults.Ok(ApplicationReader.TaskView(instance, completed, null));
    }

    private async Task<TaskRecord> OpenTaskOfMyDepartmentAsync(Guid taskId, ClaimsPrincipal user, CancellationToken ct)
    {
        var task = await engine.Store.FindTaskAsync(taskId, ct) ?? throw ApiProblemException.NotFound($"No task has id {taskId}.");
        if (!user.IsSupervisorOrAdmin() && (task.Department is null || !user.Departments().Contains(task.Department)))
            throw ApiProblemException.Forbidden($"Task {taskId} belongs to department '{task.Department}', not to yours.");
        if (task.Status != TaskState.Open)
            throw ApiProblemException.Conflict(task.Status == TaskState.Completed
                ? $"Task {taskId} was already completed{(task.EndedBy is null ? "" : $" by {task.EndedBy}")}."
                : $"Task {taskId} was cancelled.");
        return task;
    }

    /// <summary>Changes the task's work row under its version; <paramref name="action"/> null changes without an audit
    /// entry (the caller records one when the whole change has happened).</summary>
    private async Task<Ok<ApplicationTaskView>> ChangeAsync(TaskRecord task, ClaimsPrincipal user, string? action, JsonObject? data,
        Action<TaskWorkRow> change, CancellationToken ct, bool auditNewClaim = false)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var work = await db.TaskWork.FirstOrDefaultAsync(w => w.TaskId == task.Id, ct);
        if (work is null)
        {
            work = new TaskWorkRow { TaskId = task.Id, InstanceId = task.InstanceId, Version = 1 };
            db.TaskWork.Add(work);
        }
        else
        {
            work.Version++;
        }
        var claimedBefore = work.ClaimedBy;
        change(work);
        if (action is not null)
            audit.Record(db, task.InstanceId, task.Id, user.Name(), action, data);
        else if (auditNewClaim && claimedBefore is null && work.ClaimedBy is not null)
            audit.Record(db, task.InstanceId, task.Id, user.Name(), "claimed", null); // a claim taken for a decision is a claim too
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another request changed (or created) the row since it was read.
            throw ApiProblemException.Conflict($"Task {task.Id} was changed by someone else meanwhile; look at it again.");
        }
        using (logger.BeginScope(new Dictionary<string, object> { ["ApplicationId"] = task.InstanceId }))
            logger.LogInformation("Task {TaskId} of application {ApplicationId} {Action} by {Actor}", task.Id, task.InstanceId, action ?? "taken for a decision", user.Name());
        var instance = await engine.GetInstanceAsync(task.InstanceId, ct);
        return TypedResults.Ok(ApplicationReader.TaskView(instance, task, work));
    }
}
