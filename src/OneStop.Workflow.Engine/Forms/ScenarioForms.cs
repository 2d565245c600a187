using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OneStop.Workflow.Engine.Bpmn;

namespace OneStop.Workflow.Engine.Forms;

/// <summary>
/// The forms of one scenario, checked against its process and merged: every <c>onestop:formRef</c> of a user task
/// names a form that exists, every form is referenced (or is the applicant form), every form parses, and the forms
/// merge without conflict. Each form's department is the department of the user task that references it.
/// </summary>
public static class ScenarioForms
{
    /// <summary>The folder of a scenario that holds its forms.</summary>
    public const string FormsFolder = "forms";

    /// <summary>What a form file's name ends with; the rest is the form key.</summary>
    public const string FileSuffix = ".form.json";

    // A form key is also a file name: no path separators, no "..", nothing a file system treats specially.
    private static readonly Regex FormKeyShape = new(@"^[A-Za-z0-9][A-Za-z0-9_-]*\z", RegexOptions.CultureInvariant);

    /// <summary>Loads <c>forms/*.form.json</c> of a scenario folder and merges them.</summary>
    /// <exception cref="ScenarioFormsException">Carries every problem found.</exception>
    public static MergedForm Load(string scenarioDirectory, ProcessDefinition process)
    {
        var (form, problems) = Check(scenarioDirectory, process);
        return form ?? throw new ScenarioFormsException(process.Id, problems);
    }

    /// <summary>Merges forms given as <c>{formKey: form-js JSON}</c>, as the designer's deploy request carries them.</summary>
    /// <exception cref="ScenarioFormsException">Carries every problem found.</exception>
    public static MergedForm Load(IReadOnlyDictionary<string, string> forms, ProcessDefinition process)
    {
        var (form, problems) = Check(forms, process);
        return form ?? throw new ScenarioFormsException(process.Id, problems);
    }

    /// <summary>Like <see cref="Load(string, ProcessDefinition)"/>, but returns the problems instead of throwing.</summary>
    /// <returns>The merged form when there is no problem (null otherwise), and every problem.</returns>
    public static (MergedForm? Form, IReadOnlyList<FormProblem> Problems) Check(string scenarioDirectory, ProcessDefinition process)
    {
        ArgumentNullException.ThrowIfNull(scenarioDirectory);
        ArgumentNullException.ThrowIfNull(process);

        var problems = new List<FormProblem>();
        var forms = new Dictionary<string, string>(StringComparer.Ordinal);
        var folder = Path.Combine(scenarioDirectory, FormsFolder);
        if (Directory.Exists(folder))
        {
            foreach (var path in Directory.EnumerateFiles(folder, "*" + FileSuffix).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(path);
                var key = name[..^FileSuffix.Length];
                var length = new FileInfo(path).Length;
                if (length > FormSchema.MaxCharacters * 4L)
                    problems.Add(new FormProblem(name, null, $"The file is {length:N0} bytes long; a form may have at most {FormSchema.MaxCharacters:N0} characters."));
                else
                    forms[key] = File.ReadAllText(path);
            }
        }

        var (form, more) = Check(forms, process);
        problems.AddRange(more);
        return (problems.Count == 0 ? form : null, problems);
    }

    /// <summary>Like <see cref="Load(IReadOnlyDictionary{string, string}, ProcessDefinition)"/>, but returns the problems.</summary>
    public static (MergedForm? Form, IReadOnlyList<FormProblem> Problems) Check(IReadOnlyDictionary<string, string> forms, ProcessDefinition process)
    {
        ArgumentNullException.ThrowIfNull(forms);
        ArgumentNullException.ThrowIfNull(process);

        var problems = new List<FormProblem>();
        var schemas = new Dictionary<string, FormSchema>(StringComparer.Ordinal);
        foreach (var (key, json) in forms.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var source = key + FileSuffix;
            if (!FormKeyShape.IsMatch(key))
            {
                problems.Add(new FormProblem(source, null, $"Form key '{key}' must be letters, digits, '-' and '_' (it names the file forms/<key>{FileSuffix})."));
                continue;
            }
            try
            {
                schemas[key] = FormSchema.Parse(json, source);
            }
            catch (FormSchemaException e)
            {
                problems.AddRange(e.Problems);
            }
        }

        var referenced = new HashSet<string>(StringComparer.Ordinal);
        var departmentForms = new List<(string Department, string FormKey, FormSchema Schema)>();
        var departmentsWithoutForm = new List<string>();
        foreach (var task in UserTasksInProcessOrder(process))
        {
            var who = $"User task '{task.Id}'{(task.Name is null ? "" : $" ({task.Name})")}";
            if (task.FormRef is not { } formKey)
            {
                if (task.Department is { } department) departmentsWithoutForm.Add(department);
                continue;
            }
            referenced.Add(formKey);
            if (formKey == MergedForm.ApplicantFormKey)
            {
                problems.Add(new FormProblem($"process '{process.Id}'", null,
                    $"{who} has formRef '{formKey}', but that is the applicant form every department shares; give the task a form of its own."));
                continue;
            }
            if (!FormKeyShape.IsMatch(formKey))
            {
                problems.Add(new FormProblem($"process '{process.Id}'", null,
                    $"{who} has formRef '{formKey}', which is not a form key (letters, digits, '-' and '_'); forms are found as {FormsFolder}/<formRef>{FileSuffix}."));
                continue;
            }
            if (!forms.ContainsKey(formKey))
            {
                problems.Add(new FormProblem($"process '{process.Id}'", null,
                    $"{who} has formRef '{formKey}', but {FormsFolder}/{formKey}{FileSuffix} does not exist."));
                continue;
            }
            if (task.Department is null)
            {
                problems.Add(new FormProblem($"process '{process.Id}'", null,
                    $"{who} has form '{formKey}' but no department (onestop:department); a form's fields are shown to the department that needs them."));
                continue;
            }
            if (schemas.TryGetValue(formKey, out var schema))
                departmentForms.Add((task.Department, formKey, schema));
        }

        foreach (var key in forms.Keys.Where(k => k != MergedForm.ApplicantFormKey && !referenced.Contains(k)).Order(StringComparer.Ordinal))
        {
            problems.Add(new FormProblem(key + FileSuffix, null,
                $"No user task of process '{process.Id}' references this form (onestop:formRef=\"{key}\"); reference it or remove the file."));
        }

        try
        {
            var merged = MergedForm.Merge(departmentForms, schemas.GetValueOrDefault(MergedForm.ApplicantFormKey),
                $"{process.Id}-application", departmentsWithoutForm, DepartmentRouting.For(process));
            return (problems.Count == 0 ? merged : null, problems);
        }
        catch (FormMergeException e)
        {
            problems.AddRange(e.Problems);
            return (null, problems);
        }
    }

    /// <summary>
    /// The forms of a scenario folder as they are deployed with its definition: one JSON object {formKey: form-js schema},
    /// keys in ordinal order, so that the same files always give the same text (and the same content hash). Null when the
    /// folder has no forms. Every tool that deploys a scenario folder (server, CLI) uses this, so their versions agree.
    /// </summary>
    /// <exception cref="System.Text.Json.JsonException">When a form file is not JSON.</exception>
    public static string? ReadDeployedForms(string scenarioDirectory)
    {
        ArgumentNullException.ThrowIfNull(scenarioDirectory);
        var folder = Path.Combine(scenarioDirectory, FormsFolder);
        if (!Directory.Exists(folder))
            return null;
        var forms = new JsonObject();
        foreach (var file in Directory.EnumerateFiles(folder, "*" + FileSuffix).Order(StringComparer.Ordinal))
            forms[Path.GetFileName(file)[..^FileSuffix.Length]] = JsonNode.Parse(File.ReadAllText(file));
        return forms.Count == 0 ? null : forms.ToJsonString();
    }

    /// <summary>
    /// The user tasks of a process in the order the work flows: breadth first from the start event along sequence flows
    /// (a sub-process's tasks where the sub-process is reached), then any task not reached, in document order.
    /// </summary>
    public static IReadOnlyList<UserTask> UserTasksInProcessOrder(ProcessDefinition process)
    {
        ArgumentNullException.ThrowIfNull(process);
        var ordered = new List<UserTask>();
        var visited = new HashSet<FlowNode>();
        Walk(process, ordered, visited);
        AddUnreached(process, ordered, visited);
        return ordered;
    }

    private static void Walk(IFlowScope scope, List<UserTask> ordered, HashSet<FlowNode> visited)
    {
        var queue = new Queue<FlowNode>(scope.FlowNodes.OfType<StartEvent>());
        while (queue.TryDequeue(out var node))
        {
            if (!visited.Add(node)) continue;
            if (node is UserTask task) ordered.Add(task);
            if (node is SubProcess subProcess) Walk(subProcess, ordered, visited);
            foreach (var boundary in node.BoundaryEvents) queue.Enqueue(boundary);
            foreach (var flow in node.Outgoing) queue.Enqueue(flow.Target);
        }
    }

    private static void AddUnreached(IFlowScope scope, List<UserTask> ordered, HashSet<FlowNode> visited)
    {
        foreach (var node in scope.FlowNodes)
        {
            if (visited.Add(node) && node is UserTask task) ordered.Add(task);
            if (node is SubProcess subProcess) AddUnreached(subProcess, ordered, visited);
        }
    }
}
