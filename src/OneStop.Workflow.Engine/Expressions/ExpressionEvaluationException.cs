namespace OneStop.Workflow.Engine.Expressions;

/// <summary>
/// A parsed expression cannot be evaluated against the given variables: an unknown variable, a value that
/// cannot be coerced for its operator, a division by zero, or a condition that did not yield a boolean.
/// </summary>
public sealed class ExpressionEvaluationException(string message) : Exception(message);
