namespace OneStop.Workflow.Engine.Expressions;

// The syntax tree an expression is parsed into once and evaluated from many times. Nodes are immutable, so one
// parsed expression can be evaluated by several threads at once. Position is the 0-based offset of the node's
// operator or first character in the expression text, for evaluation error messages.

internal abstract record ExpressionNode(int Position);

/// <summary>A string, number (decimal or double), boolean or null literal; also the literal text of a composite.</summary>
internal sealed record LiteralNode(object? Value, int Position) : ExpressionNode(Position);

internal sealed record VariableNode(string Name, int Position) : ExpressionNode(Position);

/// <summary><c>target.name</c></summary>
internal sealed record PropertyNode(ExpressionNode Target, string Name, int Position) : ExpressionNode(Position);

/// <summary><c>target[key]</c></summary>
internal sealed record IndexNode(ExpressionNode Target, ExpressionNode Key, int Position) : ExpressionNode(Position);

/// <summary>Symbol is the operator as written (<c>!</c> or <c>not</c>), so messages quote the user's own text.</summary>
internal sealed record UnaryNode(UnaryOperator Operator, string Symbol, ExpressionNode Operand, int Position)
    : ExpressionNode(Position);

internal sealed record BinaryNode(BinaryOperator Operator, string Symbol, ExpressionNode Left, ExpressionNode Right, int Position)
    : ExpressionNode(Position);

/// <summary><c>test ? whenTrue : whenFalse</c></summary>
internal sealed record ConditionalNode(ExpressionNode Test, ExpressionNode WhenTrue, ExpressionNode WhenFalse, int Position)
    : ExpressionNode(Position);

/// <summary>Literal text mixed with <c>${...}</c> parts (<c>Hello ${name}</c>): evaluates to the concatenated string.</summary>
internal sealed record CompositeNode(IReadOnlyList<ExpressionNode> Parts, int Position) : ExpressionNode(Position);

internal enum UnaryOperator { Negate, Not, Empty }

internal enum BinaryOperator
{
    Or, And,
    Equal, NotEqual,
    Less, Greater, LessOrEqual, GreaterOrEqual,
    Add, Subtract,
    Multiply, Divide, Modulo,
}
