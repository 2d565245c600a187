using static OneStop.Workflow.Tests.Expressions.ExpressionTesting;

namespace OneStop.Workflow.Tests.Expressions;

public class OperatorTests
{
    [Theory]
    [InlineData("${1 + 2 * 3}", "7")]
    [InlineData("${(1 + 2) * 3}", "9")]
    [InlineData("${10 - 4 - 3}", "3")]
    [InlineData("${8 / 4 / 2}", "1")]
    [InlineData("${7 / 2}", "3.5")]
    [InlineData("${7 div 2}", "3.5")]
    [InlineData("${7 % 3}", "1")]
    [InlineData("${7 mod 3}", "1")]
    [InlineData("${-7 % 3}", "-1")]
    [InlineData("${2 * -3}", "-6")]
    [InlineData("${-amount}", "-120")]
    [InlineData("${0.1 + 0.2}", "0.3")]
    [InlineData("${price * 2}", "25.0")]
    [InlineData("${amount + price}", "132.5")]
    public void Arithmetic_OnDecimals(string text, string expected) =>
        Assert.Equal(Number(expected), EvaluateNumber(text));

    [Theory]
    [InlineData("${'1' + 2}", "3")]
    [InlineData("${'1.5' + 1}", "2.5")]
    [InlineData("${count * 2}", "14")]
    [InlineData("${'10' / '4'}", "2.5")]
    [InlineData("${-'3'}", "-3")]
    [InlineData("${null + null}", "0")]
    [InlineData("${null + 5}", "5")]
    [InlineData("${nothing * 3}", "0")]
    [InlineData("${'' + 1}", "1")]
    [InlineData("${blank - 1}", "-1")]
    [InlineData("${-null}", "0")]
    public void Arithmetic_CoercesNumericStringsAndNullToNumbers(string text, string expected) =>
        Assert.Equal(Number(expected), EvaluateNumber(text));

    [Theory]
    [InlineData("${'a' + 1}", "Operator '+' needs numbers, but got string 'a' at column 7")]
    [InlineData("${name + ' Wei'}", "Operator '+' needs numbers, but got string 'Zhang' at column 8")]
    [InlineData("${approved * 2}", "Operator '*' needs numbers, but got boolean true at column 12")]
    [InlineData("${applicant - 1}", "Operator '-' needs numbers, but got object at column 13")]
    [InlineData("${tags mod 2}", "Operator 'mod' needs numbers, but got array at column 8")]
    [InlineData("${-yes}", "Operator '-' needs numbers, but got string 'yes' at column 3")]
    public void Arithmetic_OnNonNumbers_SaysWhichOperatorAndValue(string text, string expected) =>
        Assert.StartsWith(expected, EvaluationError(text));

    [Theory]
    [InlineData("${1 / 0}", "/")]
    [InlineData("${1 div 0}", "div")]
    [InlineData("${5 % 0}", "%")]
    [InlineData("${5 mod zero}", "mod")]
    [InlineData("${amount / zero}", "/")]
    [InlineData("${1e30 / 0}", "/")]
    [InlineData("${amount / nothing}", "/")]
    public void DivisionByZero_IsAnError(string text, string symbol) =>
        Assert.StartsWith($"Division by zero: the right side of '{symbol}' is 0 at column", EvaluationError(text));

    [Fact]
    public void Arithmetic_BeyondDecimal_ContinuesInDouble()
    {
        Assert.Equal(7.9228162514264337593543950335e29, Assert.IsType<double>(Evaluate("${79228162514264337593543950335 * 10}")));
        Assert.Equal(1e30 + 1, Assert.IsType<double>(Evaluate("${1e30 + 1}")));
    }

    [Fact]
    public void Arithmetic_BeyondDouble_IsAnError() =>
        Assert.StartsWith("The result of '*' is too large", EvaluationError("${1e300 * 1e300}"));

    [Theory]
    [InlineData("${5 > 3}", true)]
    [InlineData("${5 gt 3}", true)]
    [InlineData("${5 < 3}", false)]
    [InlineData("${5 lt 3}", false)]
    [InlineData("${3 >= 3}", true)]
    [InlineData("${3 ge 3}", true)]
    [InlineData("${3 <= 2}", false)]
    [InlineData("${3 le 3}", true)]
    [InlineData("${3 == 3}", true)]
    [InlineData("${3 eq 3}", true)]
    [InlineData("${3 != 4}", true)]
    [InlineData("${3 ne 3}", false)]
    [InlineData("${true && false}", false)]
    [InlineData("${true and true}", true)]
    [InlineData("${false || true}", true)]
    [InlineData("${false or false}", false)]
    [InlineData("${!true}", false)]
    [InlineData("${not false}", true)]
    [InlineData("${empty ''}", true)]
    public void EveryOperator_HasItsKeywordAlias(string text, bool expected) =>
        Assert.Equal(expected, EvaluateBoolean(text));

    [Theory]
    [InlineData("${amount > 100}", true)]
    [InlineData("${amount == 120.0}", true)]
    [InlineData("${amount == 120.00}", true)]
    [InlineData("${price == 12.50}", true)]
    [InlineData("${amount == '120'}", true)]
    [InlineData("${'120.0' == amount}", true)]
    [InlineData("${count > 6}", true)]
    [InlineData("${count == 7}", true)]
    [InlineData("${'10' > 9}", true)]
    [InlineData("${'10' > '9'}", false)]
    [InlineData("${1e30 > amount}", true)]
    [InlineData("${1e30 == 1e30}", true)]
    [InlineData("${amount lt 1e30}", true)]
    [InlineData("${one == 1.0}", true)]
    [InlineData("${'' == 0}", true)]
    public void NumberComparisons_CoerceTheOtherSideToANumber(string text, bool expected) =>
        Assert.Equal(expected, EvaluateBoolean(text));

    [Theory]
    [InlineData("${'abc' < 'abd'}", true)]
    [InlineData("${'B' < 'a'}", true)]
    [InlineData("${'a' == 'a'}", true)]
    [InlineData("${'a' eq \"a\"}", true)]
    [InlineData("${'a' == 'A'}", false)]
    [InlineData("${name >= 'Zhang'}", true)]
    [InlineData("${name > 'Zhan'}", true)]
    [InlineData("${'2024-05-01' < '2024-12-01'}", true)]
    [InlineData("${'true' == approved}", true)]
    [InlineData("${'TRUE' == approved}", true)]
    [InlineData("${flagText == true}", true)]
    [InlineData("${'' == false}", true)]
    [InlineData("${true > false}", true)]
    [InlineData("${false ge true}", false)]
    [InlineData("${'true' > false}", true)]
    public void StringAndBooleanComparisons_AreOrdinalAndCoerced(string text, bool expected) =>
        Assert.Equal(expected, EvaluateBoolean(text));

    [Theory]
    [InlineData("${null == null}", true)]
    [InlineData("${nothing == null}", true)]
    [InlineData("${nothing eq null}", true)]
    [InlineData("${nothing != null}", false)]
    [InlineData("${null == nothing}", true)]
    [InlineData("${amount == null}", false)]
    [InlineData("${amount != null}", true)]
    [InlineData("${'' == null}", false)]
    [InlineData("${0 == null}", false)]
    [InlineData("${false == null}", false)]
    [InlineData("${applicant.spouse == null}", true)]
    [InlineData("${null < 1}", false)]
    [InlineData("${null > 1}", false)]
    [InlineData("${nothing >= 0}", false)]
    [InlineData("${null <= null}", true)]
    [InlineData("${null < null}", false)]
    public void Null_EqualsOnlyNull_AndIsNeitherLessNorGreater(string text, bool expected) =>
        Assert.Equal(expected, EvaluateBoolean(text));

    [Theory]
    [InlineData("${applicant == applicant}", true)]
    [InlineData("${applicant.address == applicant['address']}", true)]
    [InlineData("${applicant == applicant.address}", false)]
    [InlineData("${tags == tags}", true)]
    [InlineData("${noTags != tags}", true)]
    public void ObjectsAndArrays_CompareByContent(string text, bool expected) =>
        Assert.Equal(expected, EvaluateBoolean(text));

    [Fact]
    public void ObjectsAndArrays_CompareByContent_AcrossVariables()
    {
        const string variables = """{ "a": { "x": [1, 2] }, "b": { "x": [1, 2] }, "c": { "x": [2, 1] } }""";
        Assert.True(EvaluateBoolean("${a == b}", variables));
        Assert.False(EvaluateBoolean("${a == c}", variables));
    }

    [Theory]
    [InlineData("${'abc' > 5}", "Cannot compare string 'abc' with number 5 using '>' at column 9 in \"${'abc' > 5}\"")]
    [InlineData("${name == 5}", "Cannot compare string 'Zhang' with number 5 using '=='")]
    [InlineData("${amount ne 'many'}", "Cannot compare number 120 with string 'many' using 'ne'")]
    [InlineData("${approved > 1}", "Cannot compare boolean true with number 1 using '>'")]
    [InlineData("${amount == true}", "Cannot compare number 120 with boolean true using '=='")]
    [InlineData("${yes == true}", "Cannot compare string 'yes' with boolean true using '=='")]
    [InlineData("${applicant == 'Li'}", "Cannot compare object with string 'Li' using '=='")]
    [InlineData("${applicant < tags}", "Cannot compare object with array using '<'")]
    [InlineData("${tags > 'a'}", "Cannot compare array with string 'a' using '>'")]
    [InlineData("${children[0] == 1}", "Cannot compare object with number 1 using '=='")]
    public void IncompatibleComparison_NamesBothValuesAndTheOperator(string text, string expected) =>
        Assert.StartsWith(expected, EvaluationError(text));

    [Fact]
    public void LongStringsInMessages_AreShortened()
    {
        var message = EvaluationError("${'" + new string('x', 100) + "' > 1}");
        Assert.StartsWith($"Cannot compare string '{new string('x', 40)}...' with number 1 using '>'", message);
    }

    [Theory]
    [InlineData("${flagText && true}", true)]
    [InlineData("${'FALSE' or false}", false)]
    [InlineData("${nothing && true}", false)]
    [InlineData("${!nothing}", true)]
    [InlineData("${!blank}", true)]
    [InlineData("${not 'false'}", true)]
    public void LogicalOperators_CoerceNullEmptyAndBooleanStrings(string text, bool expected) =>
        Assert.Equal(expected, EvaluateBoolean(text));

    [Theory]
    [InlineData("${amount && true}", "Operator '&&' needs booleans, but got number 120 at column 10")]
    [InlineData("${yes or false}", "Operator 'or' needs booleans, but got string 'yes' at column 7")]
    [InlineData("${!applicant}", "Operator '!' needs booleans, but got object at column 3")]
    [InlineData("${not tags}", "Operator 'not' needs booleans, but got array at column 3")]
    [InlineData("${amount ? 1 : 2}", "Operator '?' needs booleans, but got number 120 at column 10")]
    public void LogicalOperators_OnNonBooleans_SayWhatTheyGot(string text, string expected) =>
        Assert.StartsWith(expected, EvaluationError(text));

    [Theory]
    [InlineData("${false && undefinedField}", false)]
    [InlineData("${false and 1 / 0 > 1}", false)]
    [InlineData("${true || undefinedField}", true)]
    [InlineData("${approved or undefinedField.x}", true)]
    public void AndOr_ShortCircuit_WithoutEvaluatingTheRightSide(string text, bool expected) =>
        Assert.Equal(expected, EvaluateBoolean(text));

    [Fact]
    public void AndOr_EvaluateTheRightSide_WhenTheLeftDoesNotDecide() =>
        Assert.StartsWith("Unknown variable 'undefinedField'", EvaluationError("${true && undefinedField}"));

    [Theory]
    [InlineData("${amount > 100 ? 'large' : 'small'}", "large")]
    [InlineData("${amount > 1000 ? 'large' : 'small'}", "small")]
    [InlineData("${amount > 1000 ? 'large' : amount > 100 ? 'medium' : 'small'}", "medium")]
    [InlineData("${flagText ? 'yes' : 'no'}", "yes")]
    [InlineData("${nothing ? 'yes' : 'no'}", "no")]
    [InlineData("${approved ? name : undefinedField}", "Zhang")]
    [InlineData("${rejected ? undefinedField : name}", "Zhang")]
    public void Conditional_EvaluatesOnlyTheChosenBranch(string text, string expected) =>
        Assert.Equal(expected, Evaluate(text));

    [Theory]
    [InlineData("${empty undefinedField}", true)]
    [InlineData("${empty nothing}", true)]
    [InlineData("${empty null}", true)]
    [InlineData("${empty blank}", true)]
    [InlineData("${empty ''}", true)]
    [InlineData("${empty noTags}", true)]
    [InlineData("${empty noDetails}", true)]
    [InlineData("${empty applicant.spouse}", true)]
    [InlineData("${empty undefinedField.spouse.name}", true)]
    [InlineData("${empty undefinedField[0]}", true)]
    [InlineData("${empty name}", false)]
    [InlineData("${empty tags}", false)]
    [InlineData("${empty applicant}", false)]
    [InlineData("${empty zero}", false)]
    [InlineData("${empty rejected}", false)]
    [InlineData("${empty ' '}", false)]
    [InlineData("${!empty undefinedField}", false)]
    [InlineData("${not empty name}", true)]
    [InlineData("${empty undefinedField or undefinedField == 'x'}", true)]
    public void Empty_IsTrueForNullEmptyStringsAndCollections_AndUnknownVariables(string text, bool expected) =>
        Assert.Equal(expected, EvaluateBoolean(text));

    [Fact]
    public void Empty_ToleratesUnknownVariablesOnlyInItsOwnOperandPath() =>
        Assert.StartsWith("Unknown variable 'undefinedField'", EvaluationError("${empty (undefinedField + 1)}"));

    [Fact]
    public void Empty_StillEvaluatesIndexKeysStrictly() =>
        Assert.StartsWith("Unknown variable 'undefinedKey'", EvaluationError("${empty tags[undefinedKey]}"));
}
