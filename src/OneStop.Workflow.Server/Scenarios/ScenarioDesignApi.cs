using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Server.Auth;
using OneStop.Workflow.Server.Problems;

namespace OneStop.Workflow.Server.Scenarios;

public sealed record ScenarioVersionSummary(int Version, DateTimeOffset DeployedAt, string Title, string ContentHash);

/// <summary>A deployed version as the designer opens it: the BPMN as deployed and its forms {formKey: form-js schema}.</summary>
public sealed record ScenarioVersionDetail(string Key, int Version, string Title, DateTimeOffset DeployedAt, string ContentHash, string Bpmn, JsonObject Forms);

/// <summary>The policy designer's endpoints besides deploy: check a model without storing it, run it on the simulator,
/// and open any deployed version.</summary>
public static class ScenarioDesignApi
{
    /// <summary>A model with its forms: BPMN files are at most 5,000,000 characters and forms 1,000,000 each, so the
    /// JSON limit of other requests is far too small; this still refuses what no scenario needs.</summary>
    public const long DesignBodyBytes = 16 * 1024 * 1024;

    public static IServiceCollection AddScenarioDesign(this IServiceCollection services) =>
        services.AddSingleton<ScenarioCalendars>().AddSingleton<ScenarioValidator>().AddSingleton<ScenarioSimulation>();

    public static RouteGroupBuilder MapScenarioDesignApi(this RouteGroupBuilder scenarios)
    {
        scenarios.MapPost("/validate", Validate).RequireAuthorization(Policies.Design).WithMetadata(new RequestSizeLimitAttribute(DesignBodyBytes));
        scenarios.MapPost("/simulate", SimulateAsync).RequireAuthorization(Policies.Design).WithMetadata(new RequestSizeLimitAttribute(DesignBodyBytes));
        scenarios.MapGet("/{key}/versions", ListVersionsAsync).RequireAuthorization(Policies.Design);
        scenarios.MapGet("/{key}/versions/{version:int}", GetVersionAsync).RequireAuthorization(Policies.Design);
        return scenarios;
    }

    private static Ok<ScenarioValidationResult> Validate(DeployScenarioRequest request, ScenarioValidator validator)
    {
        if (string.IsNullOrWhiteSpace(request.Bpmn))
            throw RequestValidationException.For("bpmn", "Give the scenario's BPMN 2.0 XML.");
        return TypedResults.Ok(validator.Validate(request.Bpmn, request.Forms ?? []));
    }

    private static async Task<Results<Ok<SimulationResponse>, ProblemHttpResult>> SimulateAsync(SimulateScenarioRequest request,
        ScenarioSimulation simulation, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await simulation.RunAsync(request, ct));
        }
        catch (ScenarioNotValidException e)
        {
            var problem = new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The scenario is not valid",
                Detail = $"{e.Validation.Problems.Count} problem(s) in the BPMN and the forms; nothing was simulated.",
            };
            problem.Extensions["problems"] = e.Validation.Problems;
            return TypedResults.Problem(problem);
        }
    }

    private static async Task<Ok<List<ScenarioVersionSummary>>> ListVersionsAsync(string key, WorkflowEngine engine, CancellationToken ct)
    {
        var latest = await engine.Store.FindDefinitionAsync(key, null, ct)
            ?? throw ApiProblemException.NotFound($"No scenario with key '{key}' is deployed.");
        // Versions are numbered 1, 2, ... per key; the store finds each by number (newest first).
        var versions = new List<ScenarioVersionSummary>();
        for (var version = latest.Version; version >= 1; version--)
        {
            if (await engine.Store.FindDefinitionAsync(key, version, ct) is { } definition)
                versions.Add(new ScenarioVersionSummary(definition.Version, definition.DeployedAt, definition.Name ?? definition.Key, definition.ContentHash));
        }
        return TypedResults.Ok(versions);
    }

    private static async Task<Ok<ScenarioVersionDetail>> GetVersionAsync(string key, int version, WorkflowEngine engine, CancellationToken ct)
    {
        var definition = await engine.Store.FindDefinitionAsync(key, version, ct)
            ?? throw ApiProblemException.NotFound(await engine.Store.FindDefinitionAsync(key, null, ct) is { } latest
                ? $"Scenario '{key}' has no version {version}; its versions are 1 to {latest.Version}."
                : $"No scenario with key '{key}' is deployed.");
        var forms = definition.Forms is { } text ? JsonNode.Parse(text)!.AsObject() : [];
        return TypedResults.Ok(new ScenarioVersionDetail(definition.Key, definition.Version, definition.Name ?? definition.Key, definition.DeployedAt,
            definition.ContentHash, definition.Xml, forms));
    }
}
