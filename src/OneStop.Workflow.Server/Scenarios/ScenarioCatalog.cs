using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Bpmn;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Engine.Forms;
using OneStop.Workflow.Server.Problems;

namespace OneStop.Workflow.Server.Scenarios;

/// <summary>A deployed scenario version with its model and merged form (null when it was deployed without forms).</summary>
public sealed record Scenario(DeployedDefinition Definition, ProcessDefinition Process, MergedForm? Form)
{
    public string Key => Definition.Key;
    public string Title => Process.Title ?? Process.Name ?? Definition.Key;

    public MergedForm RequireForm() => Form ?? throw ApiProblemException.Conflict(
        $"Scenario '{Key}' version {Definition.Version} was deployed without forms; deploy it with its forms to take applications.");
}

/// <summary>Deployed scenarios with their merged forms, built once per definition version (versions never change).</summary>
public sealed class ScenarioCatalog(WorkflowEngine engine)
{
    private readonly ConcurrentDictionary<Guid, Scenario> _byDefinition = new();

    public async Task<Scenario?> FindLatestAsync(string key, CancellationToken ct)
    {
        var definition = await engine.Store.FindDefinitionAsync(key, null, ct);
        return definition is null ? null : await OfAsync(definition, ct);
    }

    public async Task<Scenario> GetAsync(Guid definitionId, CancellationToken ct)
    {
        if (_byDefinition.TryGetValue(definitionId, out var cached))
            return cached;
        var definition = await engine.Store.FindDefinitionAsync(definitionId, ct)
            ?? throw new InvalidOperationException($"Definition {definitionId} is not deployed.");
        return await OfAsync(definition, ct);
    }

    public async Task<IReadOnlyList<Scenario>> ListLatestAsync(CancellationToken ct)
    {
        var list = new List<Scenario>();
        foreach (var definition in await engine.Store.ListLatestDefinitionsAsync(ct))
            list.Add(await OfAsync(definition, ct));
        return list;
    }

    private async Task<Scenario> OfAsync(DeployedDefinition definition, CancellationToken ct)
    {
        if (_byDefinition.TryGetValue(definition.Id, out var cached))
            return cached;
        var process = await engine.GetModelAsync(definition.Id, ct);
        // Forms stored by a tool that did not check them, and that do not merge, leave the version without a form:
        // it takes no applications (409 naming the scenario) instead of failing every request.
        var form = definition.Forms is { } forms ? ScenarioForms.Check(FormTexts(forms), process).Form : null;
        return _byDefinition.GetOrAdd(definition.Id, new Scenario(definition, process, form));
    }

    /// <summary>{formKey: schema} as stored with a definition → {formKey: schema JSON text}.</summary>
    public static IReadOnlyDictionary<string, string> FormTexts(string forms) =>
        JsonNode.Parse(forms)!.AsObject().ToDictionary(p => p.Key, p => p.Value?.ToJsonString() ?? "null", StringComparer.Ordinal);
}
