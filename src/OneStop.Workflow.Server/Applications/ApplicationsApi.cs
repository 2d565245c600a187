using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Engine.Forms;
using OneStop.Workflow.Infrastructure.Persistence;
using OneStop.Workflow.Server.Audit;
using OneStop.Workflow.Server.Bundles;
using OneStop.Workflow.Server.Auth;
using OneStop.Workflow.Server.Hosting;
using OneStop.Workflow.Server.Problems;
using OneStop.Workflow.Server.Scenarios;

namespace OneStop.Workflow.Server.Applications;

public sealed record SubmitApplicationRequest(string? Scenario, JsonObject? Data);

public sealed record SupplementAnswer(JsonObject? Data);

public static class ApplicationsApi
{
    public static IServiceCollection AddApplications(this IServiceCollection services) =>
        services.AddSingleton<ApplicationReader>().AddSingleton<OutcomeBundles>();

    public static IEndpointRouteBuilder MapApplicationsApi(this IEndpointRouteBuilder app)
    {
        var applications = app.MapGroup("/api/applications").WithTags("Applications");
        applications.MapPost("/", SubmitAsync).RequireAuthorization(Policies.Citizen).WithJsonBodyLimit();
        applications.MapGet("/", ListMineAsync).RequireAuthorization(Policies.Authenticated);
        applications.MapGet("/{id:guid}", GetAsync).RequireAuthorization(Policies.Authenticated);
        applications.MapPost("/{id:guid}/supplement", SupplementAsync).RequireAuthorization(Policies.Citizen).WithJsonBodyLimit();
        applications.MapGet("/{id:guid}/history", HistoryAsync).RequireAuthorization(Policies.Authenticated);
        applications.MapGet("/{id:guid}/bundle", BundleAsync).RequireAuthorization(Policies.Authenticated);
        applications.MapPost("/{id:guid}/extensions", ExtendAsync).RequireAuthorization(Policies.Supervision).WithJsonBodyLimit();
        return app;
    }

    private static async Task<Created<ApplicationView>> SubmitAsync(SubmitApplicationRequest request, ClaimsPrincipal user, WorkflowEngine engine,
        ScenarioCatalog catalog, ApplicationReader reader, ILogger<ApplicationReader> logger, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Scenario))
            throw RequestValidationException.For("scenario", "Give the key of the scenario to apply for (GET /api/scenarios lists them).");
        var scenario = await catalog.FindLatestAsync(request.Scenario, ct)
            ?? throw RequestValidationException.For("scenario", $"No scenario with key '{request.Scenario}' is deployed (GET /api/scenarios lists them).");
        var data = request.Data ?? throw RequestValidationException.For("data", "Give the application's data: an object with the merged form's fields.");
        var errors = FormValidator.Validate(scenario.RequireForm(), data);
        if (errors.Count > 0)
            throw new RequestValidationException("The application is not valid; nothing was stored.", ErrorsByField(errors));

        // The application is the process instance; its id is the business key the departments quote.
        var id = Guid.CreateVersion7();
        var instance = await engine.StartAsync(scenario.Key, (JsonObject)data.DeepClone(), id.ToString(), scenario.Definition.Version,
            actor: user.Name(), initiator: user.Name(), id: id, ct);
        using (logger.BeginScope(new Dictionary<string, object> { ["ApplicationId"] = id }))
            logger.LogInformation("Application {ApplicationId} filed for {Scenario} version {Version}", id, scenario.Key, scenario.Definition.Version);
        var tasks = await engine.Store.ListTasksAsync(new TaskQuery(InstanceId: id), ct);
        return TypedResults.Created($"/api/applications/{id}", await reader.ViewAsync(instance, tasks, user, ct));
    }

    internal static Dictionary<string, string[]> ErrorsByField(IEnumerable<FieldError> errors) =>
        errors.GroupBy(e => e.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal);

    private static async Task<Ok<List<ApplicationView>>> ListMineAsync(ClaimsPrincipal user, WorkflowEngine engine, ApplicationReader reader, CancellationToken ct)
    {
        var views = new List<ApplicationView>();
        foreach (var instance in await engine.Store.ListInstancesAsync(user.Name(), ct))
            views.Add(await reader.ViewAsync(instance, await engine.Store.ListTasksAsync(new TaskQuery(InstanceId: instance.Id), ct), user, ct));
        return TypedResults.Ok(views);
    }

    private static async Task<Ok<ApplicationView>> GetAsync(Guid id, ClaimsPrincipal user, ApplicationReader reader, CancellationToken ct)
    {
        var (instance, tasks) = await reader.LoadVisibleAsync(id, user, ct);
        return TypedResults.Ok(await reader.ViewAsync(instance, tasks, user, ct));
    }

    /// <summary>The citizen answers every open supplementation request of the application: the data is validated against
    /// the requested fields, merged into the application, and the tasks can be decided again.</summary>
    private static async Task<Ok<ApplicationView>> SupplementAsync(Guid id, SupplementAnswer answer, ClaimsPrincipal user, WorkflowEngine engine,
        ScenarioCatalog catalog, ApplicationReader reader, IDbContextFactory<WorkflowDbContext> contexts, AuditTrail audit, CancellationToken ct)
    {
        var (instance, tasks) = await reader.LoadVisibleAsync(id, user, ct);
        if (!ApplicationReader.IsOwner(user, instance))
            throw ApiProblemException.NotFound($"No application has id {id}.");
        var data = answer.Data ?? throw RequestValidationException.For("data", "Give the requested fields as an object.");
        var openTaskIds = tasks.Where(t => t.Status == TaskState.Open).Select(t => t.Id).ToList();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var requests = await db.TaskWork.Where(w => openTaskIds.Contains(w.TaskId) && w.SupplementFields != null).ToListAsync(ct);
        if (requests.Count == 0)
        {
            await ResumeAnsweredClocksAsync(engine, contexts, id, user.Name(), ct);
            throw ApiProblemException.Conflict("No department has asked for a supplement to this application.");
        }
        var requested = requests.SelectMany(r => JsonNode.Parse(r.SupplementFields!)!.AsArray().Select(f => (string)f!)).ToHashSet(StringComparer.Ordinal);
        var scenario = await catalog.GetAsync(instance.DefinitionId, ct);
        var errors = FormValidator.ValidateSupplement(scenario.RequireForm(), data, requested);
        if (errors.Count > 0)
            throw new RequestValidationException("The supplement is not valid; nothing was stored.", ErrorsByField(errors));
        // A changed answer can route the application to forms it did not use before: the whole merged data must still be valid.
        var merged = ApplicationReader.ApplicationData(instance, scenario);
        foreach (var (key, value) in data)
            merged[key] = value?.DeepClone();
        var mergedErrors = FormValidator.Validate(scenario.RequireForm(), merged);
        if (mergedErrors.Count > 0)
            throw new RequestValidationException(
                "With this supplement the application would need fields that no department asked for; nothing was stored.", ErrorsByField(mergedErrors));

        // The data first: when clearing the requests fails afterwards, answering again is harmless.
        var updated = await engine.SetVariablesAsync(id, (JsonObject)data.DeepClone(), user.Name(), ct);
        foreach (var request in requests)
        {
            request.SupplementFields = null;
            request.SupplementMessage = null;
            request.SupplementRequestedAt = null;
            request.Version++;
            audit.Record(db, id, request.TaskId, user.Name(), "supplement-answered", new JsonObject { ["fields"] = new JsonArray(data.Select(p => (JsonNode)p.Key).ToArray()) });
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw ApiProblemException.Conflict("Your answer was stored, but a department changed its request meanwhile; look at the application again.");
        }
        // The answered tasks' clocks run again (Art. 32: the period counts from the day the materials are complete).
        updated = await ResumeAnsweredClocksAsync(engine, contexts, id, user.Name(), ct) ?? updated;
        return TypedResults.Ok(await reader.ViewAsync(updated, await engine.Store.ListTasksAsync(new TaskQuery(InstanceId: id), ct), user, ct));
    }

    /// <summary>Starts again the clock of every open task that stands for a supplementation nobody is waiting for any more:
    /// after the citizen's answer, and again whenever the citizen answers, so that a clock left standing by an interrupted
    /// answer (a crash between its steps, a task decided meanwhile) does not stay stopped. Returns the latest state, if any
    /// clock was started.</summary>
    private static async Task<ProcessInstance?> ResumeAnsweredClocksAsync(WorkflowEngine engine, IDbContextFactory<WorkflowDbContext> contexts,
        Guid id, string actor, CancellationToken ct)
    {
        var standing = (await engine.Store.ListTasksAsync(new TaskQuery(InstanceId: id, Status: TaskState.Open), ct))
            .Where(t => t.PauseReason == Tasks.DepartmentWork.SupplementationPause).Select(t => t.Id).ToList();
        if (standing.Count == 0)
            return null;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var waiting = await db.TaskWork.AsNoTracking().Where(w => standing.Contains(w.TaskId) && w.SupplementFields != null).Select(w => w.TaskId).ToListAsync(ct);
        ProcessInstance? latest = null;
        foreach (var taskId in standing.Except(waiting))
        {
            try
            {
                latest = await engine.ResumeTaskClockAsync(taskId, actor, ct);
            }
            catch (WorkflowCommandException e) when (e.Error == CommandError.NotApplicable)
            {
                // Decided or resumed by someone else meanwhile.
            }
        }
        return latest;
    }

    private static async Task<Ok<IReadOnlyList<HistoryEntry>>> HistoryAsync(Guid id, ClaimsPrincipal user, ApplicationReader reader, AuditTrail audit,
        ScenarioCatalog catalog, CancellationToken ct)
    {
        var (instance, tasks) = await reader.LoadVisibleAsync(id, user, ct);
        var history = await audit.HistoryAsync(id, ct);
        if (ApplicationReader.IsOwner(user, instance) || user.IsSupervisorOrAdmin())
            return TypedResults.Ok(history);

        // Department staff: the entries carry the data that changed (the submission, decisions, supplements);
        // keep only the fields their departments may see, as in the application itself.
        var form = (await catalog.GetAsync(instance.DefinitionId, ct)).Form;
        var mine = ApplicationReader.InvolvedDepartments(user, tasks);
        var views = mine.Select(d => form?.ForDepartment(d)).OfType<DepartmentForm>().ToList();
        var othersTasks = tasks.Where(t => t.Department is null || !mine.Contains(t.Department)).Select(t => t.Id).ToHashSet();
        return TypedResults.Ok<IReadOnlyList<HistoryEntry>>(history
            .Where(entry => !IsOtherDepartmentsBusiness(entry, mine, othersTasks))
            .Select(entry => entry.Data?["variables"] is JsonObject variables
                ? entry with { Data = WithVariables(entry.Data.AsObject(), variables, key => views.Any(v => v.CanSee(key))) }
                : entry)
            .ToList());
    }

    /// <summary>Materials addressed to another department, and another department's supplementation requests and decisions
    /// (their messages and comments), are that department's business only.</summary>
    private static bool IsOtherDepartmentsBusiness(HistoryEntry entry, IReadOnlySet<string> mine, IReadOnlySet<Guid> othersTasks) => entry.Kind switch
    {
        AuditActions.AttachmentUploaded => (string?)entry.Data?["department"] is { } department && !mine.Contains(department),
        AuditActions.SupplementRequested or AuditActions.Decided => entry.TaskId is { } task && othersTasks.Contains(task),
        _ => false,
    };

    private static JsonObject WithVariables(JsonObject data, JsonObject variables, Func<string, bool> visible)
    {
        var copy = (JsonObject)data.DeepClone();
        copy["variables"] = new JsonObject(variables.Where(v => visible(v.Key)).Select(v => KeyValuePair.Create(v.Key, v.Value?.DeepClone())));
        return copy;
    }

    /// <summary>A supervisor approves an extension of the scenario's own limit (joint handling: +15 working days at most).</summary>
    private static async Task<Ok<ApplicationView>> ExtendAsync(Guid id, Tasks.ExtensionRequest request, ClaimsPrincipal user, WorkflowEngine engine,
        ApplicationReader reader, CancellationToken ct)
    {
        Tasks.DepartmentWork.CheckExtension(request);
        var (instance, _) = await reader.LoadVisibleAsync(id, user, ct);
        if (instance.Status != InstanceStatus.Running)
            throw ApiProblemException.Conflict($"Application {id} has ended; its limit can no longer be extended.");
        if (instance.DueAt is null)
            throw ApiProblemException.Conflict($"Scenario {instance.DefinitionKey} declares no limit of its own to extend.");
        var updated = await engine.ExtendInstanceAsync(id, request.WorkingDays!.Value, request.Reason!.Trim(), user.Name(), ct);
        return TypedResults.Ok(await reader.ViewAsync(updated, await engine.Store.ListTasksAsync(new TaskQuery(InstanceId: id), ct), user, ct));
    }

    private static async Task<FileContentHttpResult> BundleAsync(Guid id, ClaimsPrincipal user, ApplicationReader reader, OutcomeBundles bundles,
        CancellationToken ct)
    {
        var (instance, tasks) = await reader.LoadVisibleAsync(id, user, ct);
        if (!ApplicationReader.IsOwner(user, instance) && !user.IsSupervisorOrAdmin())
            throw ApiProblemException.Forbidden("Only the applicant, supervisors and administrators receive the outcome bundle.");
        if (instance.Status != InstanceStatus.Completed)
            throw ApiProblemException.Conflict("The outcome bundle is issued once every department has decided; the application is still in progress.");
        var (bytes, fileName) = await bundles.WriteAsync(instance, tasks, ct);
        return TypedResults.File(bytes, "application/zip", fileName);
    }
}
