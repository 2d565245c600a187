using System.Globalization;
using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Expressions;

namespace OneStop.Workflow.Tests.Expressions;

/// <summary>Shared variables and shortcuts for the expression tests.</summary>
internal static class ExpressionTesting
{
    /// <summary>The variables of a typical combined application, used when a test names none.</summary>
    public const string ApplicationVariables = """
        {
          "amount": 120, "price": 12.5, "zero": 0, "count": "7", "name": "Zhang", "blank": "", "nothing": null,
          "approved": true, "rejected": false, "flagText": "true", "yes": "yes", "key": "address", "one": 1,
          "applicant": { "name": "Li", "age": 34, "address": { "city": "Shanghai", "district": "Pudong" } },
          "children": [ { "name": "Mei", "age": 3 }, { "name": "Lei", "age": 5 } ],
          "tags": [ "urgent", "catering" ], "noTags": [], "noDetails": {}
        }
        """;

    public static IVariableResolver Variables(string json = ApplicationVariables) =>
        VariableResolver.From(JsonNode.Parse(json)!.AsObject());

    public static object? Evaluate(string text, string json = ApplicationVariables) =>
        Expression.Parse(text).Evaluate(Variables(json));

    public static decimal EvaluateNumber(string text, string json = ApplicationVariables) =>
        Assert.IsType<decimal>(Evaluate(text, json));

    public static bool EvaluateBoolean(string text, string json = ApplicationVariables) =>
        Assert.IsType<bool>(Evaluate(text, json));

    public static string EvaluationError(string text, string json = ApplicationVariables) =>
        Assert.Throws<ExpressionEvaluationException>(() => Evaluate(text, json)).Message;

    public static ExpressionSyntaxException SyntaxError(string text) =>
        Assert.Throws<ExpressionSyntaxException>(() => Expression.Parse(text));

    public static decimal Number(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>The parsed tree, fully parenthesized, so precedence and associativity can be asserted directly.</summary>
    public static string Shape(string text) => Shape(Expression.Parse(text).Root);

    private static string Shape(ExpressionNode node) => node switch
    {
        LiteralNode { Value: null } => "null",
        LiteralNode { Value: string s } => $"'{s}'",
        LiteralNode { Value: bool b } => b ? "true" : "false",
        LiteralNode literal => Convert.ToString(literal.Value, CultureInfo.InvariantCulture)!,
        VariableNode variable => variable.Name,
        PropertyNode property => $"{Shape(property.Target)}.{property.Name}",
        IndexNode index => $"{Shape(index.Target)}[{Shape(index.Key)}]",
        UnaryNode unary => $"({unary.Symbol} {Shape(unary.Operand)})",
        BinaryNode binary => $"({Shape(binary.Left)} {binary.Symbol} {Shape(binary.Right)})",
        ConditionalNode conditional => $"({Shape(conditional.Test)} ? {Shape(conditional.WhenTrue)} : {Shape(conditional.WhenFalse)})",
        CompositeNode composite => string.Join(" ~ ", composite.Parts.Select(Shape)),
        _ => throw new ArgumentException(node.GetType().Name),
    };
}
