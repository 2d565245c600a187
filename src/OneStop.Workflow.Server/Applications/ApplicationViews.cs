using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure.Persistence;
using OneStop.Workflow.Server.Auth;
using OneStop.Workflow.Server.Problems;
using OneStop.Workflow.Server.Scenarios;

namespace OneStop.Workflow.Server.Applications;

public sealed record SupplementRequestView(IReadOnlyList<string> Fields, string? Message, DateTimeOffset? RequestedAt);

/// <param name="Signal">"green", "yellow" (most of the limit used) or "red" (overdue); green for work without a limit.</param>
/// <param name="Paused">The task's clock stands still (a supplementation request or an excluded period).</param>
public sealed record ApplicationTaskView(Guid Id, string? Department, string? Name, string Status, string? Decision, string? Comment,
    DateTimeOffset? DueAt, string? ClaimedBy, SupplementRequestView? Supplement, string Signal = "green", bool Paused = false, string? PauseReason = null);

/// <param name="DueAt">The scenario's own deadline (joint handling), when it declares one.</param>
/// <param name="Rating">The applicant's rating of the finished application, shown to the applicant and supervisors.</param>
public sealed record ApplicationView(Guid Id, string Scenario, int Version, string Title, string Status, string? Applicant,
    DateTimeOffset SubmittedAt, DateTimeOffset? CompletedAt, IReadOnlyList<ApplicationTaskView> Tasks, JsonObject Data,
    DateTimeOffset? DueAt = null, string Signal = "green", Supervision.RatingView? Rating = null);

public static class ApplicationStatus
{
    public const string Submitted = "submitted";
    public const string InProgress = "in-progress";
    public const string Completed = "completed";
    public const string Terminated = "terminated";
}

public static class TaskStatus
{
    public const string Open = "open";
    public const string Claimed = "claimed";
    public const string SupplementRequested = "supplement-requested";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";

    public static readonly IReadOnlyList<string> All = [Open, Claimed, SupplementRequested, Completed, Cancelled];

    public static string Of(TaskRecord task, TaskWorkRow? work) => task.Status switch
    {
        TaskState.Completed => Completed,
        TaskState.Cancelled => Cancelled,
        _ when work?.SupplementFields is not null => SupplementRequested,
        _ when work?.ClaimedBy is not null => Claimed,
        _ => Open,
    };
}

/// <summary>A department's decision on one task, kept in the instance's variables under the task's own key so that
/// departments deciding in parallel never overwrite each other.</summary>
public sealed record TaskDecision(string Decision, string? Comment, string DecidedBy, DateTimeOffset DecidedAt, JsonObject Data)
{
    public const string Approved = "approved";
    public const string Rejected = "rejected";

    public static string VariableName(Guid taskId) => $"decision_{taskId:N}";

    public JsonObject ToJson() => new()
    {
        ["decision"] = Decision,
        ["comment"] = Comment,
        ["decidedBy"] = DecidedBy,
        ["decidedAt"] = DecidedAt.ToString("O"),
        ["data"] = Data.DeepClone(),
    };

    public static TaskDecision? Of(ProcessInstance instance, Guid taskId) =>
        instance.Variables[VariableName(taskId)] is JsonObject o && (string?)o["decision"] is { } decision
            ? new TaskDecision(decision, (string?)o["comment"], (string?)o["decidedBy"] ?? "", DateTimeOffset.Parse((string)o["decidedAt"]!, System.Globalization.CultureInfo.InvariantCulture),
                o["data"] as JsonObject ?? [])
            : null;
}

/// <summary>Loads applications (process instances) for a caller and decides what the caller may see of them.</summary>
public sealed class ApplicationReader(WorkflowEngine engine, ScenarioCatalog catalog, IDbContextFactory<WorkflowDbContext> contexts)
{
    /// <summary>The application, or 404 when it does not exist or the caller may not see it (a citizen never learns that
    /// another citizen's application exists).</summary>
    public async Task<(ProcessInstance Instance, IReadOnlyList<TaskRecord> Tasks)> LoadVisibleAsync(Guid id, ClaimsPrincipal user, CancellationToken ct)
    {
        var instance = await engine.Store.LoadInstanceAsync(id, ct);
        var notFound = ApiProblemException.NotFound($"No application has id {id}.");
        if (instance is null)
            throw notFound;
        var tasks = await engine.Store.ListTasksAsync(new TaskQuery(InstanceId: id), ct);
        if (!CanSee(user, instance, tasks))
            throw notFound;
        return (instance, tasks);
    }

    public static bool IsOwner(ClaimsPrincipal user, ProcessInstance instance) =>
        instance.Initiator is { } initiator && string.Equals(initiator, user.Name(), StringComparison.Ordinal);

    private static bool CanSee(ClaimsPrincipal user, ProcessInstance instance, IReadOnlyList<TaskRecord> tasks) =>
        user.IsSupervisorOrAdmin() || IsOwner(user, instance) || InvolvedDepartments(user, tasks).Count > 0;

    /// <summary>The caller's departments that have a task in the application (staff only).</summary>
    public static IReadOnlySet<string> InvolvedDepartments(ClaimsPrincipal user, IReadOnlyList<TaskRecord> tasks)
    {
        if (!user.IsInRole(Roles.Staff))
            return new HashSet<string>();
        var mine = user.Departments();
        return tasks.Select(t => t.Department).OfType<string>().Where(mine.Contains).ToHashSet(StringComparer.Ordinal);
    }

    public async Task<ApplicationView> ViewAsync(ProcessInstance instance, IReadOnlyList<TaskRecord> tasks, ClaimsPrincipal user, CancellationToken ct)
    {
        var scenario = await catalog.GetAsync(instance.DefinitionId, ct);
        var work = await WorkOfAsync(tasks.Select(t => t.Id).ToList(), ct);
        var data = ApplicationData(instance, scenario);
        if (!user.IsSupervisorOrAdmin() && !IsOwner(user, instance) && scenario.Form is { } form)
        {
            // Staff see their own departments' fields and the shared ones, nothing else.
            var visible = new JsonObject();
            foreach (var department in InvolvedDepartments(user, tasks))
            {
                foreach (var (key, value) in form.FilterData(data, department))
                    visible[key] = value?.DeepClone();
            }
            data = visible;
        }
        var taskViews = tasks.Select(t => TaskView(instance, t, work.GetValueOrDefault(t.Id))).ToList();
        if (!user.IsSupervisorOrAdmin() && !IsOwner(user, instance))
        {
            // Another department's comment and supplementation message are its own business.
            var mine = InvolvedDepartments(user, tasks);
            taskViews = taskViews.Select(t => t.Department is { } d && mine.Contains(d)
                ? t
                : t with { Comment = null, Supplement = t.Supplement is null ? null : t.Supplement with { Message = null } }).ToList();
        }
        Supervision.RatingView? rating = null;
        if (instance.Status != InstanceStatus.Running && (IsOwner(user, instance) || user.IsSupervisorOrAdmin()))
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            rating = await db.Ratings.AsNoTracking().Where(r => r.InstanceId == instance.Id)
                .Select(r => new Supervision.RatingView(r.Score, r.Comment, r.RatedAt)).FirstOrDefaultAsync(ct);
        }
        return new ApplicationView(instance.Id, instance.DefinitionKey, instance.DefinitionVersion, scenario.Title, StatusOf(instance, tasks),
            instance.Initiator, instance.StartedAt, instance.Status == InstanceStatus.Completed ? instance.EndedAt : null, taskViews, data,
            instance.DueAt, Tasks.TasksApi.SignalName(instance.Signal), rating);
    }

    public static ApplicationTaskView TaskView(ProcessInstance instance, TaskRecord task, TaskWorkRow? work)
    {
        var decision = TaskDecision.Of(instance, task.Id);
        return new ApplicationTaskView(task.Id, task.Department, task.Name, TaskStatus.Of(task, work), decision?.Decision, decision?.Comment,
            task.DueAt, task.Status == TaskState.Open ? work?.ClaimedBy : null, SupplementOf(task, work),
            Tasks.TasksApi.SignalName(task.Signal), task.Status == TaskState.Open && task.PausedAt is not null, task.Status == TaskState.Open ? task.PauseReason : null);
    }

    private static SupplementRequestView? SupplementOf(TaskRecord task, TaskWorkRow? work) =>
        task.Status == TaskState.Open && work?.SupplementFields is { } fields
            ? new SupplementRequestView(JsonNode.Parse(fields)!.AsArray().Select(f => (string)f!).ToList(), work.SupplementMessage, work.SupplementRequestedAt)
            : null;

    public static string StatusOf(ProcessInstance instance, IReadOnlyList<TaskRecord> tasks) => instance.Status switch
    {
        InstanceStatus.Completed => ApplicationStatus.Completed,
        InstanceStatus.Terminated => ApplicationStatus.Terminated,
        _ when tasks.Any(t => t.Status == TaskState.Completed) => ApplicationStatus.InProgress,
        _ => ApplicationStatus.Submitted,
    };

    /// <summary>The citizen's data: the variables that are fields of the merged form (decisions are shown per task).</summary>
    public static JsonObject ApplicationData(ProcessInstance instance, Scenario scenario)
    {
        var data = new JsonObject();
        foreach (var (key, value) in instance.Variables)
        {
            if (scenario.Form is { } form ? form.HasField(key) : !key.StartsWith("decision", StringComparison.Ordinal))
                data[key] = value?.DeepClone();
        }
        return data;
    }

    public async Task<Dictionary<Guid, TaskWorkRow>> WorkOfAsync(IReadOnlyCollection<Guid> taskIds, CancellationToken ct)
    {
        if (taskIds.Count == 0)
            return [];
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.TaskWork.AsNoTracking().Where(w => taskIds.Contains(w.TaskId)).ToDictionaryAsync(w => w.TaskId, ct);
    }
}
