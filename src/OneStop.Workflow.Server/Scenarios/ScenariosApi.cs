using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using OneStop.Workflow.Engine.Forms;
using OneStop.Workflow.Server.Auth;
using OneStop.Workflow.Server.Problems;

namespace OneStop.Workflow.Server.Scenarios;

public sealed record DeployScenarioRequest(string? Bpmn, JsonObject? Forms);

public sealed record ScenarioSummary(string Key, int Version, string Title, string? LifeEvent, IReadOnlyList<string> Departments, DateTimeOffset DeployedAt)
{
    public static ScenarioSummary Of(Scenario s) => new(s.Key, s.Definition.Version, s.Title, s.Process.LifeEvent,
        s.Form?.Departments ?? ScenarioForms.UserTasksInProcessOrder(s.Process).Select(t => t.Department).OfType<string>().Distinct().ToList(),
        s.Definition.DeployedAt);
}

public sealed record ScenarioTask(string Id, string? Name, string? Department, string? Form, string? Outcome);

public sealed record DedupSummary(int FieldsToFill, int SumOverSeparateForms, int SavedPercent)
{
    public static DedupSummary Of(DedupFigure d) => new(d.FieldsToFill, d.SumOverSeparateForms, d.SavedPercent);
}

public sealed record ScenarioDetail(ScenarioSummary Scenario, IReadOnlyList<ScenarioTask> Tasks, DedupSummary? Dedup);

public sealed record FormFieldInfo(string Key, string Label, IReadOnlyList<string> Departments, bool Shared);

public sealed record ScenarioFormResponse(string Key, int Version, JsonObject Schema, IReadOnlyList<FormFieldInfo> Fields, DedupSummary Dedup);

public static class ScenariosApi
{
    public static IServiceCollection AddScenarios(this IServiceCollection services) =>
        services.AddSingleton<ScenarioCatalog>().AddSingleton<ScenarioDeployment>().AddScenarioDesign();

    public static IEndpointRouteBuilder MapScenariosApi(this IEndpointRouteBuilder app)
    {
        var scenarios = app.MapGroup("/api/scenarios").WithTags("Scenarios");
        scenarios.MapPost("/", DeployAsync).RequireAuthorization(Policies.Design);
        scenarios.MapGet("/", ListAsync).RequireAuthorization(Policies.Authenticated);
        scenarios.MapGet("/{key}", GetAsync).RequireAuthorization(Policies.Authenticated);
        scenarios.MapGet("/{key}/form", GetFormAsync).RequireAuthorization(Policies.Authenticated);
        scenarios.MapScenarioDesignApi();
        return app;
    }

    private static async Task<Created<ScenarioSummary>> DeployAsync(DeployScenarioRequest request, ScenarioDeployment deployment,
        System.Security.Claims.ClaimsPrincipal user, ILogger<ScenarioDeployment> logger, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Bpmn))
            throw RequestValidationException.For("bpmn", "Give the scenario's BPMN 2.0 XML.");
        var deployed = await deployment.DeployAsync(request.Bpmn, request.Forms ?? [], "api", user.Name(), ct);
        var first = deployed[0];
        logger.LogInformation("{Actor} deployed scenario {Key} version {Version}", user.Name(), first.Key, first.Definition.Version);
        return TypedResults.Created($"/api/scenarios/{Uri.EscapeDataString(first.Key)}", ScenarioSummary.Of(first));
    }

    private static async Task<Ok<List<ScenarioSummary>>> ListAsync(ScenarioCatalog catalog, CancellationToken ct) =>
        TypedResults.Ok((await catalog.ListLatestAsync(ct)).Select(ScenarioSummary.Of).ToList());

    private static async Task<Ok<ScenarioDetail>> GetAsync(string key, ScenarioCatalog catalog, CancellationToken ct)
    {
        var scenario = await FindAsync(key, catalog, ct);
        var tasks = ScenarioForms.UserTasksInProcessOrder(scenario.Process)
            .Select(t => new ScenarioTask(t.Id, t.Name, t.Department, t.FormRef, t.Outcome)).ToList();
        return TypedResults.Ok(new ScenarioDetail(ScenarioSummary.Of(scenario), tasks, scenario.Form is { } form ? DedupSummary.Of(form.Dedup) : null));
    }

    private static async Task<Ok<ScenarioFormResponse>> GetFormAsync(string key, ScenarioCatalog catalog, CancellationToken ct)
    {
        var scenario = await FindAsync(key, catalog, ct);
        var form = scenario.RequireForm();
        var fields = form.Fields.Select(f => new FormFieldInfo(f.Key, f.Field.DisplayName, f.Departments, f.Shared)).ToList();
        return TypedResults.Ok(new ScenarioFormResponse(scenario.Key, scenario.Definition.Version, form.Schema, fields, DedupSummary.Of(form.Dedup)));
    }

    internal static async Task<Scenario> FindAsync(string key, ScenarioCatalog catalog, CancellationToken ct) =>
        await catalog.FindLatestAsync(key, ct) ?? throw ApiProblemException.NotFound($"No scenario with key '{key}' is deployed.");
}
