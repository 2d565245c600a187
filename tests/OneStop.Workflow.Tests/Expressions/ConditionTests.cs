using OneStop.Workflow.Engine.Expressions;
using static OneStop.Workflow.Tests.Expressions.ExpressionTesting;

namespace OneStop.Workflow.Tests.Expressions;

/// <summary>Sequence-flow conditions as Camunda Modeler and Flowable users write them.</summary>
public class ConditionTests
{
    private const string Catering = """
        { "approved": true, "businessType": "catering", "amount": 1200, "region": "Pudong",
          "type": "restaurant", "seats": "48", "hasLicence": "false", "applicant": { "age": 34 } }
        """;

    [Theory]
    [InlineData("${approved}", true)]
    [InlineData("${!approved}", false)]
    [InlineData("${not approved}", false)]
    [InlineData("${approved == true}", true)]
    [InlineData("${approved eq false}", false)]
    [InlineData("#{approved}", true)]
    [InlineData("${businessType == 'catering'}", true)]
    [InlineData("${businessType == \"retail\"}", false)]
    [InlineData("${businessType != 'catering'}", false)]
    [InlineData("${amount >= 1000 and region eq 'Pudong'}", true)]
    [InlineData("${amount > 100 && type == 'restaurant'}", true)]
    [InlineData("${amount < 1000 || region == 'Pudong'}", true)]
    [InlineData("${seats > 30}", true)]
    [InlineData("${hasLicence}", false)]
    [InlineData("${!hasLicence}", true)]
    [InlineData("${applicant.age ge 18}", true)]
    [InlineData("${empty optionalRemark}", true)]
    [InlineData("${!empty optionalRemark && optionalRemark == 'x'}", false)]
    [InlineData("${businessType == 'catering' ? amount > 1000 : amount > 5000}", true)]
    [InlineData("  ${approved}  ", true)]
    [InlineData("${'true'}", true)]
    [InlineData("${'False'}", false)]
    public void TypicalCamundaConditions(string text, bool expected) =>
        Assert.Equal(expected, Expression.Parse(text).EvaluateCondition(Variables(Catering)));

    [Theory]
    [InlineData("${amount}", "A condition must evaluate to a boolean, but this one gave number 1200 at column 3")]
    [InlineData("${region}", "A condition must evaluate to a boolean, but this one gave string 'Pudong'")]
    [InlineData("${missing}", "Unknown variable 'missing'")]
    [InlineData("${applicant.spouse}", "A condition must evaluate to a boolean, but this one gave null")]
    [InlineData("${applicant}", "A condition must evaluate to a boolean, but this one gave object")]
    [InlineData("${amount + 1}", "A condition must evaluate to a boolean, but this one gave number 1201")]
    [InlineData("Approved: ${approved}", "A condition must evaluate to a boolean, but this one gave string 'Approved: true'")]
    public void Condition_ThatIsNotBoolean_IsAnError_SayingWhatItGave(string text, string expected)
    {
        var error = Assert.Throws<ExpressionEvaluationException>(() => Expression.Parse(text).EvaluateCondition(Variables(Catering)));
        Assert.StartsWith(expected, error.Message);
        Assert.EndsWith($"in \"{text}\"", error.Message);
    }

    [Fact]
    public void Condition_OnAnUnknownVariable_NamesIt()
    {
        var condition = Expression.Parse("${approved}");
        var error = Assert.Throws<ExpressionEvaluationException>(() => condition.EvaluateCondition(Variables("{}")));
        Assert.Equal("Unknown variable 'approved' at column 3 in \"${approved}\"", error.Message);
    }

    [Fact]
    public void Condition_DividingByZero_IsAnError()
    {
        var condition = Expression.Parse("${amount / seats > 10}");
        var error = Assert.Throws<ExpressionEvaluationException>(
            () => condition.EvaluateCondition(Variables("""{ "amount": 100, "seats": 0 }""")));
        Assert.Equal("Division by zero: the right side of '/' is 0 at column 10 in \"${amount / seats > 10}\"", error.Message);
    }
}
