namespace OneStop.Workflow.Engine.Expressions;

/// <summary>
/// An expression in the JUEL subset that Camunda 7 and Flowable models use, e.g. the sequence-flow condition
/// <c>${amount &gt; 100 &amp;&amp; type == 'restaurant'}</c>. Parsed once (at deploy), then evaluated any number
/// of times, from any thread, without reflection, I/O or method calls.
/// </summary>
public sealed class Expression
{
    private Expression(string text, ExpressionNode root)
    {
        Text = text;
        Root = root;
    }

    /// <summary>The text as written.</summary>
    public string Text { get; }

    internal ExpressionNode Root { get; }

    /// <summary>
    /// Parses <c>${...}</c> or <c>#{...}</c>, or literal text mixed with such parts (a composite string such as
    /// <c>Dear ${name}</c>). Whitespace around the text is ignored.
    /// </summary>
    /// <exception cref="ExpressionSyntaxException">The text is not a valid expression; the message says where.</exception>
    public static Expression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new Expression(text, Parser.Parse(text));
    }

    /// <summary>
    /// Evaluates to null, a string, a number (decimal, or double when too large for a decimal), a bool, or the
    /// JsonObject / JsonArray of a composite variable as it is.
    /// </summary>
    /// <exception cref="ExpressionEvaluationException">An unknown variable, a value of the wrong type, a division by zero.</exception>
    public object? Evaluate(IVariableResolver variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        return new Evaluator(Text, variables).Evaluate(Root);
    }

    /// <summary>Evaluates a condition: the result must be a boolean, or the string "true" or "false".</summary>
    /// <exception cref="ExpressionEvaluationException">Evaluation failed or gave something other than a boolean.</exception>
    public bool EvaluateCondition(IVariableResolver variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var evaluator = new Evaluator(Text, variables);
        var result = evaluator.Evaluate(Root);
        return result switch
        {
            bool flag => flag,
            string text when text.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
            string text when text.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
            // Camunda refuses a null or non-boolean condition rather than treating it as false; so do we.
            _ => throw evaluator.Fail(Root, $"A condition must evaluate to a boolean, but this one gave {Values.Describe(result)}"),
        };
    }

    public override string ToString() => Text;
}
