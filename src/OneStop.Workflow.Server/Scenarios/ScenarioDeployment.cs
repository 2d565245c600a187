using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Bpmn;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Engine.Forms;
using OneStop.Workflow.Server.Hosting;

namespace OneStop.Workflow.Server.Scenarios;

/// <summary>One problem of a deploy request: in the BPMN (element) or in a form (component).</summary>
public sealed record DeployProblem(string Source, string? Element, int? Line, string Message);

public sealed class ScenarioDeployException(IReadOnlyList<DeployProblem> problems)
    : Exception($"The scenario is not valid: {problems.Count} problem(s).")
{
    public IReadOnlyList<DeployProblem> Problems { get; } = problems;
}

/// <summary>Checks a BPMN file with its forms and deploys them together, or reports every problem and deploys nothing.</summary>
public sealed class ScenarioDeployment(WorkflowEngine engine, ScenarioCatalog catalog, ServerPaths paths, IConfiguration configuration,
    Audit.AuditTrail audit, ILogger<ScenarioDeployment> logger)
{
    /// <summary>Deploys every scenario folder (scenario.bpmn + forms/*.form.json) of the configured workflows directory;
    /// a scenario identical to its latest version deploys nothing new.</summary>
    public async Task<IReadOnlyList<Scenario>> DeployShippedAsync(CancellationToken ct = default)
    {
        var configured = configuration["Workflows:Directory"] ?? "workflows";
        var folder = Path.GetFullPath(Path.Combine(paths.Root, configured));
        if (!Directory.Exists(folder))
        {
            logger.LogWarning("No workflows directory at {Folder}: no scenario deployed", folder);
            return [];
        }
        var deployed = new List<Scenario>();
        foreach (var scenarioFolder in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
        {
            var bpmn = Path.Combine(scenarioFolder, "scenario.bpmn");
            if (!File.Exists(bpmn))
                continue;
            var forms = ScenarioForms.ReadDeployedForms(scenarioFolder) is { } text ? JsonNode.Parse(text)!.AsObject() : [];
            var source = Path.GetRelativePath(paths.Root, bpmn).Replace('\\', '/');
            deployed.AddRange(await DeployAsync(File.ReadAllText(bpmn), forms, source, "system", ct));
        }
        return deployed;
    }

    /// <summary>Validates the BPMN and the forms of every executable process, then deploys.</summary>
    /// <exception cref="ScenarioDeployException">Every BPMN and form problem; nothing was stored.</exception>
    public async Task<IReadOnlyList<Scenario>> DeployAsync(string xml, JsonObject forms, string? sourceName, string actor, CancellationToken ct = default)
    {
        var (document, bpmnProblems) = BpmnModel.Check(xml, sourceName);
        var problems = bpmnProblems.Select(p => new DeployProblem("bpmn", $"{p.ElementType} '{p.ElementId}'", p.Line, p.Message)).ToList();
        var texts = forms.ToDictionary(p => p.Key, p => p.Value?.ToJsonString() ?? "null", StringComparer.Ordinal);
        if (document is not null)
        {
            var processes = document.ExecutableProcesses.ToList();
            if (processes.Count == 0)
                problems.Add(new DeployProblem("bpmn", null, null, "The file has no executable process (isExecutable=\"true\")."));
            foreach (var process in processes)
            {
                var (_, formProblems) = ScenarioForms.Check(texts, process);
                problems.AddRange(formProblems.Select(p => new DeployProblem("form", p.Source is null ? p.Component : $"{p.Source}{(p.Component is null ? "" : $" {p.Component}")}", null, p.Message)));
            }
        }
        if (problems.Count > 0)
            throw new ScenarioDeployException(problems);

        var stored = forms.Count == 0 ? null : forms.ToJsonString();
        var before = new Dictionary<string, Guid?>(StringComparer.Ordinal);
        foreach (var process in document!.ExecutableProcesses)
            before[process.Id] = (await engine.Store.FindDefinitionAsync(process.Id, null, ct))?.Id;
        var definitions = await engine.DeployAsync(xml, sourceName, stored, ct);
        var scenarios = new List<Scenario>();
        foreach (var definition in definitions)
        {
            if (before.GetValueOrDefault(definition.Key) != definition.Id)
                await audit.RecordAsync(null, null, actor, "scenario-deployed", new JsonObject
                {
                    ["scenario"] = definition.Key,
                    ["version"] = definition.Version,
                    ["contentHash"] = definition.ContentHash,
                    ["source"] = sourceName,
                }, ct);
            scenarios.Add(await catalog.GetAsync(definition.Id, ct));
        }
        return scenarios;
    }
}
