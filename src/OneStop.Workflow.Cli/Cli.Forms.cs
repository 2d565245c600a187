using System.Globalization;
using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Bpmn;
using OneStop.Workflow.Engine.Forms;

namespace OneStop.Workflow.Cli;

public static partial class Cli
{
    /// <summary>What <c>onestop forms</c> does, for the usage text.</summary>
    internal const string FormsUsage = """
          onestop forms SCENARIO-DIR [--department DEPARTMENT] [--json]
              Merges the scenario's forms (SCENARIO-DIR/forms/*.form.json) and prints every field once, with the
              departments that need it, and how many fields the merged form saves. --department shows what one
              department sees; --json prints the fields and the form-js schema. Exit 1 with every problem.
        """;

    // ---- forms ------------------------------------------------------------------------------------

    internal static int Forms(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var json = args.Contains("--json");
        var options = Options.Parse([.. args.Where(a => a != "--json")], valued: ["--department"]);
        if (options.Positional.Count != 1)
            throw new UsageException($"forms needs one SCENARIO-DIR.{Environment.NewLine}{FormsUsage}");
        var directory = options.Positional[0];
        if (File.Exists(directory) && directory.EndsWith(".bpmn", StringComparison.OrdinalIgnoreCase))
            directory = Path.GetDirectoryName(Path.GetFullPath(directory))!;
        if (!Directory.Exists(directory))
            throw new UsageException($"{directory}: no such folder.");
        var file = Path.Combine(directory, "scenario.bpmn");
        if (!File.Exists(file))
            throw new UsageException($"{directory}: no scenario.bpmn in this folder.");

        var (document, bpmnProblems) = BpmnModel.Check(File.ReadAllText(file), Path.GetFileName(file));
        if (document is null)
        {
            stderr.WriteLine($"{file}: {bpmnProblems.Count} problem(s)");
            foreach (var problem in bpmnProblems)
                stderr.WriteLine($"  {FormatProblem(file, problem)}");
            return Invalid;
        }
        var processes = document.ExecutableProcesses.ToList();
        if (processes.Count != 1)
        {
            stderr.WriteLine($"{file}: a scenario has one executable process, this file has {processes.Count}.");
            return Invalid;
        }
        var process = processes[0];

        var (form, problems) = ScenarioForms.Check(directory, process);
        if (form is null)
        {
            stderr.WriteLine($"{Path.Combine(directory, ScenarioForms.FormsFolder)}: {problems.Count} problem(s)");
            foreach (var problem in problems)
                stderr.WriteLine($"  {problem}");
            return Invalid;
        }

        var department = options.Value("--department");
        DepartmentForm? view = null;
        if (department is not null)
        {
            if (!form.Departments.Contains(department))
                throw new UsageException($"--department {department}: not a department of this scenario; its departments are {string.Join(", ", form.Departments)}.");
            view = form.ForDepartment(department);
        }
        var fields = view?.Fields ?? form.Fields;

        if (json)
        {
            stdout.WriteLine(FormsJson(process, form, view, fields).ToJsonString(JsonOutput));
            return Ok;
        }

        var title = process.Title ?? process.Name ?? process.Id;
        stdout.WriteLine(view is null
            ? $"{title} ({process.Id}): one form for {form.Departments.Count} departments"
            : $"{title} ({process.Id}): what {department} sees");
        stdout.WriteLine();
        var keyWidth = fields.Select(f => f.Key.Length).Append("Field".Length).Max();
        var typeWidth = fields.Select(f => TypeText(f.Field).Length).Append("Type".Length).Max();
        stdout.WriteLine($"  {"Field".PadRight(keyWidth)}  {"Type".PadRight(typeWidth)}  Required    Shared  Needed by");
        foreach (var field in fields)
        {
            var neededBy = string.Join(", ", field.InApplicantForm ? field.Departments.Prepend("applicant form") : field.Departments);
            stdout.WriteLine($"  {field.Key.PadRight(keyWidth)}  {TypeText(field.Field).PadRight(typeWidth)}  " +
                             $"{RequiredText(field, view),-10}  {(field.Shared ? "yes" : "no"),-6}  {neededBy}");
        }
        if (fields.Any(f => RequiredText(f, view) == "if reached"))
            stdout.WriteLine("  (if reached: required of the applications whose data lead the process to a task whose form requires it)");
        stdout.WriteLine();
        var dedup = form.Dedup;
        stdout.WriteLine(view is null
            ? $"The citizen fills in {dedup.FieldsToFill} fields instead of {dedup.SumOverSeparateForms} over the separate forms: " +
              $"{dedup.Saved} fewer ({dedup.SavedPercent}%)."
            : $"{department} sees {fields.Count} of the {form.Fields.Count} fields.");
        return Ok;
    }

    private static string RequiredText(MergedField field, DepartmentForm? view) => view is not null
        ? view.Requires(field.Key) ? "yes" : "no"
        : field.Field.Required ? "yes" : field.RequiredByForms.Count > 0 ? "if reached" : "no";

    private static string TypeText(FormField field) => field.Subtype is null ? field.Type : $"{field.Type} ({field.Subtype})";

    private static JsonObject FormsJson(ProcessDefinition process, MergedForm form, DepartmentForm? view, IReadOnlyList<MergedField> fields)
    {
        var result = new JsonObject
        {
            ["scenario"] = process.Id,
        };
        if (view is not null)
            result["department"] = view.Department;
        result["departments"] = new JsonArray([.. form.Departments.Select(d => (JsonNode)d)]);
        result["fields"] = new JsonArray([.. fields.Select(f => (JsonNode)new JsonObject
        {
            ["key"] = f.Key,
            ["type"] = f.Field.Type,
            ["subtype"] = f.Field.Subtype,
            ["label"] = f.Field.Label,
            ["required"] = f.Field.Required,
            ["requiredByForms"] = new JsonArray([.. f.RequiredByForms.Select(k => (JsonNode)k)]),
            ["shared"] = f.Shared,
            ["applicantForm"] = f.InApplicantForm,
            ["departments"] = new JsonArray([.. f.Departments.Select(d => (JsonNode)d)]),
            ["forms"] = new JsonArray([.. f.Forms.Select(s => (JsonNode)s)]),
        })]);
        result["dedup"] = new JsonObject
        {
            ["fieldsToFill"] = form.Dedup.FieldsToFill,
            ["sumOverSeparateForms"] = form.Dedup.SumOverSeparateForms,
            ["saved"] = form.Dedup.Saved,
            ["savedShare"] = Math.Round(form.Dedup.SavedShare, 4),
            ["savedPercent"] = form.Dedup.SavedPercent.ToString(CultureInfo.InvariantCulture) + "%",
        };
        result["schema"] = view?.Schema ?? form.Schema;
        return result;
    }
}
