using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Expressions;
using static OneStop.Workflow.Tests.Expressions.ExpressionTesting;

namespace OneStop.Workflow.Tests.Expressions;

public class VariableTests
{
    [Theory]
    [InlineData("${name}", "Zhang")]
    [InlineData("${applicant.name}", "Li")]
    [InlineData("${applicant.address.city}", "Shanghai")]
    [InlineData("${applicant['address'].city}", "Shanghai")]
    [InlineData("${applicant[\"address\"][\"district\"]}", "Pudong")]
    [InlineData("${applicant[key].city}", "Shanghai")]
    [InlineData("${children[0].name}", "Mei")]
    [InlineData("${children[1]['name']}", "Lei")]
    [InlineData("${children[one].name}", "Lei")]
    [InlineData("${children['1'].name}", "Lei")]
    [InlineData("${children[1.0].name}", "Lei")]
    [InlineData("${tags[0]}", "urgent")]
    public void DottedPathsAndIndexes_ReadObjectsAndArrays(string text, string expected) =>
        Assert.Equal(expected, Evaluate(text));

    [Fact]
    public void NumericObjectKeys_AreLookedUpAsText()
    {
        const string variables = """{ "scores": { "1": "first", "2.5": "half" } }""";
        Assert.Equal("first", Evaluate("${scores[1]}", variables));
        Assert.Equal("half", Evaluate("${scores[2.5]}", variables));
        Assert.Equal("first", Evaluate("${scores['1']}", variables));
    }

    [Theory]
    [InlineData("${applicant.spouse}")]
    [InlineData("${applicant.spouse.name}")]
    [InlineData("${applicant.spouse[0]}")]
    [InlineData("${nothing.name}")]
    [InlineData("${nothing[0]}")]
    [InlineData("${tags[2]}")]
    [InlineData("${tags[-1]}")]
    [InlineData("${tags[nothing]}")]
    [InlineData("${applicant[nothing]}")]
    [InlineData("${noDetails.anything}")]
    public void MissingPropertiesNullTargetsAndIndexesOutOfRange_AreNull(string text) =>
        Assert.Null(Evaluate(text));

    [Theory]
    [InlineData("${name.length}", "Cannot read property 'length' of string 'Zhang' at column 8")]
    [InlineData("${tags.size}", "Cannot read property 'size' of array at column 8")]
    [InlineData("${amount.value}", "Cannot read property 'value' of number 120 at column 10")]
    [InlineData("${tags[1.5]}", "An array index must be a whole number, but got number 1.5 at column 7")]
    [InlineData("${tags['first']}", "An array index must be a whole number, but got string 'first'")]
    [InlineData("${tags[approved]}", "Cannot index array with boolean true")]
    [InlineData("${name[0]}", "Cannot index string 'Zhang' with number 0")]
    [InlineData("${applicant[tags]}", "Cannot index object with array")]
    public void PropertiesAndIndexesOnTheWrongKindOfValue_AreErrors(string text, string expected) =>
        Assert.StartsWith(expected, EvaluationError(text));

    [Fact]
    public void UnknownVariable_IsAnError_NamingTheVariableAndWhere() =>
        Assert.Equal(
            "Unknown variable 'businessType' at column 3 in \"${businessType == 'catering'}\"",
            EvaluationError("${businessType == 'catering'}"));

    [Fact]
    public void UnknownVariable_AtTheRootOfAPath_IsAnError() =>
        Assert.StartsWith("Unknown variable 'spouse'", EvaluationError("${spouse.name == 'Wang'}"));

    [Fact]
    public void VariableNames_AreCaseSensitive() =>
        Assert.StartsWith("Unknown variable 'Amount'", EvaluationError("${Amount > 1}"));

    [Fact]
    public void VariableWithNullValue_IsKnown_AndNull()
    {
        Assert.Null(Evaluate("${nothing}"));
        Assert.True(EvaluateBoolean("${nothing == null}"));
    }

    [Fact]
    public void ObjectsAndArrays_AreReturnedAsTheyAre()
    {
        var variables = JsonNode.Parse(ApplicationVariables)!.AsObject();
        var resolver = VariableResolver.From(variables);
        Assert.Same(variables["applicant"], Expression.Parse("${applicant}").Evaluate(resolver));
        Assert.Same(variables["tags"], Expression.Parse("${tags}").Evaluate(resolver));
        Assert.Same(variables["applicant"]!["address"], Expression.Parse("${applicant.address}").Evaluate(resolver));
    }

    [Fact]
    public void JsonValues_BuiltFromClrValues_ConvertLikeParsedJson()
    {
        var variables = new JsonObject
        {
            ["count"] = 120,
            ["big"] = 5_000_000_000L,
            ["ratio"] = 1.5,
            ["single"] = 2.5f,
            ["fee"] = 99.90m,
            ["name"] = "Zhang",
            ["initial"] = 'Z',
            ["approved"] = true,
            ["id"] = JsonValue.Create(Guid.Parse("6f9619ff-8b86-d011-b42d-00cf4fc964ff")),
        };
        var resolver = VariableResolver.From(variables);
        object? Read(string text) => Expression.Parse(text).Evaluate(resolver);

        Assert.Equal(120m, Assert.IsType<decimal>(Read("${count}")));
        Assert.Equal(5_000_000_000m, Assert.IsType<decimal>(Read("${big}")));
        Assert.Equal(1.5m, Assert.IsType<decimal>(Read("${ratio}")));
        Assert.Equal(2.5m, Assert.IsType<decimal>(Read("${single}")));
        Assert.Equal(99.90m, Assert.IsType<decimal>(Read("${fee}")));
        Assert.Equal("Zhang", Read("${name}"));
        Assert.Equal("Z", Read("${initial}"));
        Assert.Equal(true, Read("${approved}"));
        Assert.Equal("6f9619ff-8b86-d011-b42d-00cf4fc964ff", Read("${id}"));
        Assert.Equal(true, Read("${count == 120.0 && count > 119.5}"));
    }

    [Fact]
    public void JsonNumberTooLargeForDecimal_IsADouble() =>
        Assert.Equal(1e40, Assert.IsType<double>(Evaluate("${n}", """{ "n": 1e40 }""")));

    [Fact]
    public void JsonNumberTooLargeForDouble_IsAnError_NamingWhere() =>
        Assert.Equal(
            "The number 1e400 is too large at column 13 in \"${applicant.income > 0}\"",
            EvaluationError("${applicant.income > 0}", """{ "applicant": { "income": 1e400 } }"""));

    [Fact]
    public void CustomResolver_IsAskedOnlyForTheVariablesTheEvaluationReaches()
    {
        var resolver = new RecordingResolver(new JsonObject { ["approved"] = true, ["amount"] = 5 });
        Assert.True(Expression.Parse("${approved || amount > 1000}").EvaluateCondition(resolver));
        Assert.Equal(["approved"], resolver.Asked);
    }

    [Fact]
    public void OneParsedExpression_EvaluatesAgainstManyVariableSets()
    {
        var condition = Expression.Parse("${amount >= 1000 and region eq 'Pudong'}");
        Assert.True(condition.EvaluateCondition(Variables("""{ "amount": 1000, "region": "Pudong" }""")));
        Assert.False(condition.EvaluateCondition(Variables("""{ "amount": 999.99, "region": "Pudong" }""")));
        Assert.False(condition.EvaluateCondition(Variables("""{ "amount": 5000, "region": "Xuhui" }""")));
    }

    private sealed class RecordingResolver(JsonObject variables) : IVariableResolver
    {
        public List<string> Asked { get; } = [];

        public bool TryGetVariable(string name, out JsonNode? value)
        {
            Asked.Add(name);
            return variables.TryGetPropertyValue(name, out value);
        }
    }
}
