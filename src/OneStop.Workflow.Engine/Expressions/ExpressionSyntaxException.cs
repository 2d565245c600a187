namespace OneStop.Workflow.Engine.Expressions;

/// <summary>
/// The expression text cannot be parsed. The message says what was expected and where, quoting the text near
/// the problem; it is meant for the policy designer who wrote the condition.
/// </summary>
public sealed class ExpressionSyntaxException(string message, int position) : Exception(message)
{
    /// <summary>0-based offset of the problem in <see cref="Expression.Text"/>.</summary>
    public int Position { get; } = position;
}
