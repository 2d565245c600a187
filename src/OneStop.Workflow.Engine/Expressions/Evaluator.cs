using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace OneStop.Workflow.Engine.Expressions;

/// <summary>
/// Evaluates a syntax tree against variables with the coercions of the EL 2.2 specification (section 1.8-1.9).
/// The language has no loops and no calls, so the work is bounded by the size of the tree.
/// </summary>
internal sealed class Evaluator(string text, IVariableResolver variables)
{
    public object? Evaluate(ExpressionNode node) => Evaluate(node, tolerateUnknown: false);

    // tolerateUnknown is set only under 'empty', so that 'empty x' is true when the optional field x was never filled in.
    private object? Evaluate(ExpressionNode node, bool tolerateUnknown) => node switch
    {
        LiteralNode literal => literal.Value,
        VariableNode variable => Variable(variable, tolerateUnknown),
        PropertyNode property => Property(property, Evaluate(property.Target, tolerateUnknown)),
        IndexNode index => Index(index, Evaluate(index.Target, tolerateUnknown)),
        UnaryNode unary => Unary(unary),
        BinaryNode binary => Binary(binary),
        ConditionalNode conditional => Boolean(Evaluate(conditional.Test), "?", conditional)
            ? Evaluate(conditional.WhenTrue)
            : Evaluate(conditional.WhenFalse),
        CompositeNode composite => Concatenate(composite),
        _ => throw new UnreachableException($"No evaluation for {node.GetType().Name}"),
    };

    private object? Variable(VariableNode node, bool tolerateUnknown)
    {
        if (variables.TryGetVariable(node.Name, out var value))
        {
            return Read(value, node);
        }

        return tolerateUnknown ? null : throw Fail(node, $"Unknown variable '{node.Name}'");
    }

    // EL: a property of null is null; a property an object lacks is null (an optional field not filled in).
    private object? Property(PropertyNode node, object? target) => target switch
    {
        null => null,
        JsonObject obj => Read(obj[node.Name], node),
        _ => throw Fail(node, $"Cannot read property '{node.Name}' of {Values.Describe(target)}"),
    };

    // EL: indexing null, or indexing with null, gives null; an array index outside the array gives null too.
    private object? Index(IndexNode node, object? target)
    {
        if (target is null)
        {
            return null;
        }

        var key = Evaluate(node.Key);
        if (key is null)
        {
            return null;
        }

        switch (target)
        {
            case JsonObject obj when key is not JsonNode:
                return Read(obj[Values.ToText(key)], node);
            case JsonArray array when key is not (bool or JsonNode):
                if (!Values.TryToNumber(key, out var number) || !IsWholeNumber(number))
                {
                    throw Fail(node, $"An array index must be a whole number, but got {Values.Describe(key)}");
                }

                var i = Convert.ToDouble(number, CultureInfo.InvariantCulture);
                return i >= 0 && i < array.Count ? Read(array[(int)i], node) : null;
            default:
                throw Fail(node, $"Cannot index {Values.Describe(target)} with {Values.Describe(key)}");
        }
    }

    private object? Read(JsonNode? value, ExpressionNode node)
    {
        try
        {
            return Values.FromJson(value);
        }
        catch (OverflowException)
        {
            throw Fail(node, $"The number {value!.ToJsonString()} is too large");
        }
    }

    private static bool IsWholeNumber(object number) => number switch
    {
        decimal d => decimal.Truncate(d) == d,
        double d => Math.Truncate(d) == d,
        _ => false,
    };

    private object? Unary(UnaryNode node)
    {
        switch (node.Operator)
        {
            case UnaryOperator.Empty:
                return Evaluate(node.Operand, tolerateUnknown: true) switch
                {
                    null => true,
                    string s => s.Length == 0,
                    JsonArray array => array.Count == 0,
                    JsonObject obj => obj.Count == 0,
                    _ => false,
                };
            case UnaryOperator.Not:
                return !Boolean(Evaluate(node.Operand), node.Symbol, node);
            default:
                var number = Number(Evaluate(node.Operand), node.Symbol, node);
                return number is decimal d ? -d : -(double)number;
        }
    }

    private object? Binary(BinaryNode node)
    {
        switch (node.Operator)
        {
            // Short-circuit as EL does: the right side is not evaluated (and cannot fail) once the result is known.
            case BinaryOperator.And:
                return Boolean(Evaluate(node.Left), node.Symbol, node) && Boolean(Evaluate(node.Right), node.Symbol, node);
            case BinaryOperator.Or:
                return Boolean(Evaluate(node.Left), node.Symbol, node) || Boolean(Evaluate(node.Right), node.Symbol, node);
        }

        var left = Evaluate(node.Left);
        var right = Evaluate(node.Right);
        return node.Operator switch
        {
            BinaryOperator.Equal => AreEqual(node, left, right),
            BinaryOperator.NotEqual => !AreEqual(node, left, right),
            BinaryOperator.Less or BinaryOperator.Greater or BinaryOperator.LessOrEqual or BinaryOperator.GreaterOrEqual
                => Compare(node, left, right),
            _ => Arithmetic(node, left, right),
        };
    }

    private object Arithmetic(BinaryNode node, object? left, object? right)
    {
        var x = Number(left, node.Symbol, node);
        var y = Number(right, node.Symbol, node);
        if (node.Operator is BinaryOperator.Divide or BinaryOperator.Modulo && IsZero(y))
        {
            throw Fail(node, $"Division by zero: the right side of '{node.Symbol}' is 0");
        }

        if (x is decimal a && y is decimal b)
        {
            try
            {
                return node.Operator switch
                {
                    BinaryOperator.Add => a + b,
                    BinaryOperator.Subtract => a - b,
                    BinaryOperator.Multiply => a * b,
                    BinaryOperator.Divide => a / b,
                    _ => a % b,
                };
            }
            catch (OverflowException)
            {
                // Too large for a decimal: fall through to double, as a literal that does not fit a decimal does.
            }
        }

        var p = Convert.ToDouble(x, CultureInfo.InvariantCulture);
        var q = Convert.ToDouble(y, CultureInfo.InvariantCulture);
        var result = node.Operator switch
        {
            BinaryOperator.Add => p + q,
            BinaryOperator.Subtract => p - q,
            BinaryOperator.Multiply => p * q,
            BinaryOperator.Divide => p / q,
            _ => p % q,
        };
        return double.IsFinite(result) ? result : throw Fail(node, $"The result of '{node.Symbol}' is too large");
    }

    private static bool IsZero(object number) => number is decimal d ? d == 0 : (double)number == 0;

    // EL 1.8.2: null equals only null; then numbers, booleans and strings are compared after coercing the other side.
    private bool AreEqual(BinaryNode node, object? left, object? right)
    {
        if (left is null || right is null)
        {
            return left is null && right is null;
        }

        if (Values.IsNumber(left) || Values.IsNumber(right))
        {
            return CompareNumbers(node, left, right) == 0;
        }

        if (left is bool || right is bool)
        {
            if (!Values.TryToBoolean(left, out var a) || !Values.TryToBoolean(right, out var b))
            {
                throw CannotCompare(node, left, right);
            }

            return a == b;
        }

        if (left is JsonNode || right is JsonNode)
        {
            return left is JsonNode a && right is JsonNode b ? JsonNode.DeepEquals(a, b) : throw CannotCompare(node, left, right);
        }

        return string.Equals(Values.ToText(left), Values.ToText(right), StringComparison.Ordinal);
    }

    // EL 1.8.1: numbers numerically, else strings ordinally; null is neither less nor greater than anything.
    private bool Compare(BinaryNode node, object? left, object? right)
    {
        if (left is null || right is null)
        {
            return left is null && right is null && node.Operator is BinaryOperator.LessOrEqual or BinaryOperator.GreaterOrEqual;
        }

        int order;
        if (Values.IsNumber(left) || Values.IsNumber(right))
        {
            order = CompareNumbers(node, left, right);
        }
        else if (left is string || right is string)
        {
            order = left is JsonNode || right is JsonNode
                ? throw CannotCompare(node, left, right)
                : string.CompareOrdinal(Values.ToText(left), Values.ToText(right));
        }
        else if (left is bool a && right is bool b)
        {
            order = a.CompareTo(b);
        }
        else
        {
            throw CannotCompare(node, left, right);
        }

        return node.Operator switch
        {
            BinaryOperator.Less => order < 0,
            BinaryOperator.Greater => order > 0,
            BinaryOperator.LessOrEqual => order <= 0,
            _ => order >= 0,
        };
    }

    private int CompareNumbers(BinaryNode node, object left, object right)
    {
        if (left is bool || right is bool || !Values.TryToNumber(left, out var x) || !Values.TryToNumber(right, out var y))
        {
            throw CannotCompare(node, left, right);
        }

        return x is decimal a && y is decimal b
            ? a.CompareTo(b)
            : Convert.ToDouble(x, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(y, CultureInfo.InvariantCulture));
    }

    private ExpressionEvaluationException CannotCompare(BinaryNode node, object? left, object? right) =>
        Fail(node, $"Cannot compare {Values.Describe(left)} with {Values.Describe(right)} using '{node.Symbol}'");

    private object Number(object? value, string symbol, ExpressionNode node) =>
        Values.TryToNumber(value, out var number)
            ? number
            : throw Fail(node, $"Operator '{symbol}' needs numbers, but got {Values.Describe(value)}");

    private bool Boolean(object? value, string symbol, ExpressionNode node) =>
        Values.TryToBoolean(value, out var result)
            ? result
            : throw Fail(node, $"Operator '{symbol}' needs booleans, but got {Values.Describe(value)}");

    private string Concatenate(CompositeNode node)
    {
        var result = new StringBuilder();
        foreach (var part in node.Parts)
        {
            result.Append(Values.ToText(Evaluate(part)));
        }

        return result.ToString();
    }

    public ExpressionEvaluationException Fail(ExpressionNode node, string problem) =>
        new($"{problem} {SourceText.Locate(text, node.Position)}");
}
