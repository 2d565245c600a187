using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Bpmn;
using OneStop.Workflow.Engine.Calendars;
using OneStop.Workflow.Engine.Forms;
using OneStop.Workflow.Server.Hosting;

namespace OneStop.Workflow.Server.Scenarios;

/// <summary>One problem of a scenario under design, placed where the designer shows it: on a diagram element
/// (<paramref name="ElementId"/>) and, for a form problem, in the form (<paramref name="FormKey"/>) and field.</summary>
public sealed record DesignProblem(string? ElementId, string? ElementType, int? Line, string Message, string? FormKey = null, string? Field = null);

/// <summary>The merged form a scenario would deploy with: the form-js schema the portal shows, and who needs each field.</summary>
public sealed record MergedFormPreview(JsonObject Schema, IReadOnlyList<FormFieldInfo> Fields);

/// <summary>What deploying the scenario would say, without storing anything.</summary>
/// <param name="Key">The scenario key (the executable process id) when the file could be read.</param>
/// <param name="Form">The merged form when the forms merge; null when they do not or there are none.</param>
public sealed record ScenarioValidationResult(bool Valid, IReadOnlyList<DesignProblem> Problems, DedupSummary? Dedup, MergedFormPreview? Form,
    string? Key, string? Title);

/// <summary>The working-day calendars that scenarios may name: the same folder the engine reads at start.</summary>
public sealed class ScenarioCalendars(ServerPaths paths)
{
    private readonly Lazy<CalendarRegistry?> _registry = new(() =>
        paths.CalendarsDirectory is { } folder && Directory.Exists(folder) ? CalendarRegistry.LoadDirectory(folder) : null);

    public CalendarRegistry? Registry => _registry.Value;
}

/// <summary>
/// Runs every deploy-time check of a BPMN file with its forms — the model, the named calendars, the forms against the
/// process and their merge — and places each problem on the element, form and field it concerns.
/// </summary>
public sealed class ScenarioValidator(ScenarioCalendars calendars)
{
    /// <summary>The name problems of the file as a whole are reported under.</summary>
    public const string SourceName = "scenario.bpmn";

    public ScenarioValidationResult Validate(string xml, JsonObject forms)
    {
        ArgumentNullException.ThrowIfNull(xml);
        ArgumentNullException.ThrowIfNull(forms);

        var (document, bpmnProblems) = BpmnModel.Check(xml, SourceName);
        var problems = bpmnProblems.Select(Of).ToList();
        if (document is null)
            return new ScenarioValidationResult(false, problems, null, null, null, null);

        var processes = document.ExecutableProcesses.ToList();
        if (processes.Count == 0)
            problems.Add(new DesignProblem(null, "definitions", null, "The file has no executable process (isExecutable=\"true\")."));
        problems.AddRange(CalendarRegistry.CheckNamedCalendars(processes, calendars.Registry).Select(Of));

        var texts = forms.ToDictionary(p => p.Key, p => p.Value?.ToJsonString() ?? "null", StringComparer.Ordinal);
        DedupSummary? dedup = null;
        MergedFormPreview? preview = null;
        foreach (var process in processes)
        {
            var (merged, formProblems) = ScenarioForms.Check(texts, process);
            problems.AddRange(formProblems.Select(p => Place(p, process, texts.Keys)));
            if (merged is not null && preview is null)
            {
                dedup = DedupSummary.Of(merged.Dedup);
                preview = new MergedFormPreview(merged.Schema,
                    merged.Fields.Select(f => new FormFieldInfo(f.Key, f.Field.DisplayName, f.Departments, f.Shared)).ToList());
            }
        }

        var first = processes.FirstOrDefault();
        return new ScenarioValidationResult(problems.Count == 0, problems, dedup, preview, first?.Id, first is null ? null : first.Title ?? first.Name ?? first.Id);
    }

    private static DesignProblem Of(ValidationProblem p) => new(p.ElementId, p.ElementType, p.Line, p.Message);

    /// <summary>Puts a form problem on the user task whose form it concerns, so that the designer can mark the task.</summary>
    private static DesignProblem Place(FormProblem problem, ProcessDefinition process, IEnumerable<string> formKeys)
    {
        var tasks = ScenarioForms.UserTasksInProcessOrder(process);
        const string suffix = ScenarioForms.FileSuffix;

        // "<formKey>.form.json": a problem inside one form, or a form no task references.
        if (problem.Source is { } source && source.EndsWith(suffix, StringComparison.Ordinal))
        {
            var formKey = source[..^suffix.Length];
            var task = tasks.FirstOrDefault(t => t.FormRef == formKey);
            return new DesignProblem(task?.Id, task?.ElementType, task?.Line, problem.Message, formKey, problem.Component);
        }

        // "process '<id>'": ScenarioForms names the user task at fault at the start of the message.
        if (problem.Source is not null)
        {
            var task = tasks.FirstOrDefault(t => problem.Message.StartsWith($"User task '{t.Id}'", StringComparison.Ordinal));
            return task is null
                ? new DesignProblem(process.Id, process.ElementType, process.Line, problem.Message)
                : new DesignProblem(task.Id, task.ElementType, task.Line, problem.Message, task.FormRef);
        }

        // A merge conflict names the field and both forms ("... in a.form.json but ... in b.form.json"): it is placed on
        // the task of the form named last, the one that disagrees with what was asked first.
        var conflicting = formKeys
            .Select(k => (Key: k, At: problem.Message.LastIndexOf(" " + k + suffix, StringComparison.Ordinal)))
            .Where(k => k.At >= 0)
            .OrderByDescending(k => k.At)
            .Select(k => k.Key)
            .FirstOrDefault();
        var conflictTask = conflicting is null ? null : tasks.FirstOrDefault(t => t.FormRef == conflicting);
        return new DesignProblem(conflictTask?.Id, conflictTask?.ElementType, conflictTask?.Line, problem.Message, conflicting, problem.Component);
    }
}
