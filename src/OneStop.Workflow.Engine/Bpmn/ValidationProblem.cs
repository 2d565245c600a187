namespace OneStop.Workflow.Engine.Bpmn;

/// <summary>One thing wrong with a model, named by element type and id (and line where known).</summary>
public sealed record ValidationProblem(string ElementType, string ElementId, string Message, int? Line = null)
{
    public override string ToString() =>
        Line is { } line ? $"line {line}: {ElementType} '{ElementId}': {Message}" : $"{ElementType} '{ElementId}': {Message}";
}

/// <summary>Thrown when a model cannot be deployed; carries every problem found, not just the first.</summary>
public sealed class BpmnValidationException(string? source, IReadOnlyList<ValidationProblem> problems)
    : Exception($"{source ?? "The model"} is not valid: {problems.Count} problem(s).{Environment.NewLine}" +
                string.Join(Environment.NewLine, problems.Select(p => "  " + p)))
{
    public string? SourceName { get; } = source;
    public IReadOnlyList<ValidationProblem> Problems { get; } = problems;
}
