namespace OneStop.Workflow.Engine.Forms;

/// <summary>One thing wrong with a form or a scenario's set of forms.</summary>
/// <param name="Source">The form file at fault (<c>birth-certificate.form.json</c>), or the scenario for problems that
/// concern several files; null when <paramref name="Message"/> names every file itself (a merge conflict).</param>
/// <param name="Component">The component key (or id, or JSON path when it has neither), or null for the whole file.</param>
/// <param name="Message">What is wrong and, where it helps, what to do.</param>
public sealed record FormProblem(string? Source, string? Component, string Message)
{
    public override string ToString() => (Source, Component) switch
    {
        (null, _) => Message,
        (_, null) => $"{Source}: {Message}",
        _ => $"{Source}: component '{Component}': {Message}",
    };
}

/// <summary>A form or set of forms that cannot be deployed; carries every problem found, not just the first.</summary>
public abstract class FormException(string summary, IReadOnlyList<FormProblem> problems)
    : Exception($"{summary}: {problems.Count} problem(s).{Environment.NewLine}" +
                string.Join(Environment.NewLine, problems.Select(p => "  " + p)))
{
    public IReadOnlyList<FormProblem> Problems { get; } = problems;
}

/// <summary>A form-js schema that cannot be used: invalid JSON, an unsupported component, a bad pattern, a duplicate key, ...</summary>
public sealed class FormSchemaException(string source, IReadOnlyList<FormProblem> problems)
    : FormException($"{source} is not a usable form", problems)
{
    public string SourceName { get; } = source;
}

/// <summary>Department forms that define the same field key incompatibly; every conflict names the key and both forms.</summary>
public sealed class FormMergeException(IReadOnlyList<FormProblem> problems)
    : FormException("The forms cannot be merged", problems);

/// <summary>A scenario's forms cannot be deployed: a missing or unreferenced form, a form that does not parse, a conflict.</summary>
public sealed class ScenarioFormsException(string scenario, IReadOnlyList<FormProblem> problems)
    : FormException($"The forms of scenario '{scenario}' are not valid", problems)
{
    public string Scenario { get; } = scenario;
}
