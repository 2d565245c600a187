using OneStop.Workflow.Engine.Expressions;
using static OneStop.Workflow.Tests.Expressions.ExpressionTesting;

namespace OneStop.Workflow.Tests.Expressions;

public class ParsingTests
{
    [Theory]
    [InlineData("${'abc'}", "abc")]
    [InlineData("${\"abc\"}", "abc")]
    [InlineData("${''}", "")]
    [InlineData(@"${'it\'s'}", "it's")]
    [InlineData(@"${""say \""hi\""""}", "say \"hi\"")]
    [InlineData(@"${'say \""hi\""'}", "say \"hi\"")]
    [InlineData(@"${'a\\b'}", @"a\b")]
    [InlineData("${\"it's\"}", "it's")]
    [InlineData("${'}'}", "}")]
    [InlineData("${'${x}'}", "${x}")]
    [InlineData("${'浦东新区'}", "浦东新区")]
    public void StringLiteral_InEitherQuote_WithEscapes(string text, string expected) =>
        Assert.Equal(expected, Evaluate(text));

    [Theory]
    [InlineData("${42}", "42")]
    [InlineData("${0}", "0")]
    [InlineData("${3.14}", "3.14")]
    [InlineData("${.5}", "0.5")]
    [InlineData("${7.}", "7")]
    [InlineData("${1e3}", "1000")]
    [InlineData("${2.5E-1}", "0.25")]
    [InlineData("${1E+2}", "100")]
    [InlineData("${79228162514264337593543950335}", "79228162514264337593543950335")]
    public void NumberLiteral_IsDecimal(string text, string expected) =>
        Assert.Equal(Number(expected), EvaluateNumber(text));

    [Theory]
    [InlineData("${1e30}", 1e30)]
    [InlineData("${123456789012345678901234567890123}", 123456789012345678901234567890123d)]
    public void NumberLiteral_TooLargeForDecimal_IsDouble(string text, double expected) =>
        Assert.Equal(expected, Assert.IsType<double>(Evaluate(text)));

    [Fact]
    public void BooleanAndNullLiterals()
    {
        Assert.Equal(true, Evaluate("${true}"));
        Assert.Equal(false, Evaluate("${false}"));
        Assert.Null(Evaluate("${null}"));
    }

    [Theory]
    [InlineData("#{amount}")]
    [InlineData("  ${amount}\n")]
    [InlineData("${ amount }")]
    [InlineData("\t#{\tamount\t}  ")]
    public void HashAndDollarForms_AndSurroundingWhitespace_AreAccepted(string text) =>
        Assert.Equal(120m, EvaluateNumber(text));

    [Fact]
    public void Text_IsKeptAsWritten()
    {
        var expression = Expression.Parse("  ${amount > 100}  ");
        Assert.Equal("  ${amount > 100}  ", expression.Text);
        Assert.Equal("  ${amount > 100}  ", expression.ToString());
    }

    [Theory]
    [InlineData("Dear ${name}!", "Dear Zhang!")]
    [InlineData("${name}${applicant.name}", "ZhangLi")]
    [InlineData("Total: ${amount * 2} yuan", "Total: 240 yuan")]
    [InlineData("approved=${approved}, missing=${nothing}.", "approved=true, missing=.")]
    [InlineData("#{name} and #{applicant.name}", "Zhang and Li")]
    [InlineData(@"Write \${name} to get ${name}", "Write ${name} to get Zhang")]
    [InlineData("${children[0]}", null)]
    public void CompositeText_ConcatenatesLiteralTextAndValues(string text, string? expected)
    {
        if (expected is null)
        {
            // A single ${} is not composite: its value is returned as it is, not as text.
            Assert.IsType<System.Text.Json.Nodes.JsonObject>(Evaluate(text));
            return;
        }

        Assert.Equal(expected, Evaluate(text));
    }

    [Fact]
    public void CompositeText_WritesObjectsAsJson() =>
        Assert.Equal("""Child: {"name":"Mei","age":3}""", Evaluate("Child: ${children[0]}"));

    [Theory]
    [InlineData("a + b", "(a + b)")]
    [InlineData("1 + 2 * 3", "(1 + (2 * 3))")]
    [InlineData("(1 + 2) * 3", "((1 + 2) * 3)")]
    [InlineData("a - b - c", "((a - b) - c)")]
    [InlineData("a / b * c", "((a / b) * c)")]
    [InlineData("a + b mod c", "(a + (b mod c))")]
    [InlineData("!a && b", "((! a) && b)")]
    [InlineData("not a == b", "((not a) == b)")]
    [InlineData("a or b and c", "(a or (b and c))")]
    [InlineData("a || b && c || d", "((a || (b && c)) || d)")]
    [InlineData("a and b or c and d", "((a and b) or (c and d))")]
    [InlineData("a == b < c", "(a == (b < c))")]
    [InlineData("a < b == c >= d", "((a < b) == (c >= d))")]
    [InlineData("a + 1 gt b * 2", "((a + 1) gt (b * 2))")]
    [InlineData("a eq 1 and b ne 2", "((a eq 1) and (b ne 2))")]
    [InlineData("a ? b : c ? d : e", "(a ? b : (c ? d : e))")]
    [InlineData("a && b ? c + 1 : d", "((a && b) ? (c + 1) : d)")]
    [InlineData("a ? b ? c : d : e", "(a ? (b ? c : d) : e)")]
    [InlineData("-a.b", "(- a.b)")]
    [InlineData("- -a", "(- (- a))")]
    [InlineData("empty a.b[0] or c", "((empty a.b[0]) or c)")]
    [InlineData("! empty a", "(! (empty a))")]
    [InlineData("a.b['c'][d + 1].e", "a.b['c'][(d + 1)].e")]
    [InlineData("-2 * 3", "((- 2) * 3)")]
    public void Operators_FollowJuelPrecedenceAndAssociativity(string expression, string shape) =>
        Assert.Equal(shape, Shape("${" + expression + "}"));

    [Fact]
    public void CompositeText_ParsesIntoLiteralAndExpressionParts() =>
        Assert.Equal("'Dear ' ~ name ~ '!'", Shape("Dear ${name}!"));

    [Fact]
    public void SyntaxError_MissingOperand_NamesOperatorColumnAndText()
    {
        var error = SyntaxError("${a && }");
        Assert.Equal(7, error.Position);
        Assert.Equal("Expected an operand after '&&', but found '}' at column 8 in \"${a && }\"", error.Message);
    }

    [Theory]
    [InlineData("${a > 1", 7, "Expected '}' to close '${', but the text ended")]
    [InlineData("#{a > 1", 7, "Expected '}' to close '#{', but the text ended")]
    [InlineData("${a b}", 4, "Expected an operator or '}' after 'a', but found 'b'")]
    [InlineData("${a > 1 1}", 8, "Expected an operator or '}' after '1', but found '1'")]
    [InlineData("${(a > 1}", 8, "Expected ')' to close the '(', but found '}'")]
    [InlineData("${tags[0}", 8, "Expected ']' to close the '[', but found '}'")]
    [InlineData("${a ? b}", 7, "Expected ':' of the conditional '? :', but found '}'")]
    [InlineData("${}", 2, "Expected an expression after '${', but found '}'")]
    [InlineData("${   }", 5, "Expected an expression after '${', but found '}'")]
    [InlineData("${a +}", 5, "Expected an operand after '+', but found '}'")]
    [InlineData("${a + * b}", 6, "Expected an operand after '+', but found '*'")]
    [InlineData("${a ==", 6, "Expected an operand after '==', but the text ended")]
    [InlineData("${a.}", 4, "Expected a property name after '.', but found '}'")]
    [InlineData("${a.1}", 3, "Expected an operator or '}' after 'a', but found '.1'")]
    [InlineData("${a = 1}", 4, "Unexpected '=': assignment is not supported; compare with '==' or 'eq'")]
    [InlineData("${a & b}", 4, "Unexpected '&': write '&&' or 'and'")]
    [InlineData("${a | b}", 4, "Unexpected '|': write '||' or 'or'")]
    [InlineData("${a @ b}", 4, "Unexpected character '@'")]
    [InlineData("${{a}}", 2, "Unexpected character '{'")]
    [InlineData("${'abc}", 2, "Unterminated string: the quote ' opened here is never closed")]
    [InlineData("${\"abc'}", 2, "Unterminated string: the quote \" opened here is never closed")]
    [InlineData(@"${'a\nb'}", 4, @"Invalid escape '\n' in a string; only \', \"" and \\ are allowed")]
    [InlineData("${1e400}", 2, "The number 1e400 is too large")]
    [InlineData("${and}", 2, "Expected an expression after '${', but found 'and' ('and' is a reserved word and cannot name a variable)")]
    [InlineData("${a && div}", 7, "Expected an operand after '&&', but found 'div' ('div' is a reserved word and cannot name a variable)")]
    [InlineData("${form.empty}", 7, "'empty' is a reserved word and cannot follow '.'; write ['empty'] instead")]
    [InlineData("${instanceof}", 2, "'instanceof' is not supported")]
    [InlineData("${execution.getVariable('x') == 1}", 23, "Method and function calls are not supported: 'getVariable(...)'")]
    [InlineData("${size(tags) > 0}", 6, "Method and function calls are not supported: 'size(...)'")]
    [InlineData("${a} and #{b}", 9, "'#{' and '${' cannot be mixed in one expression")]
    [InlineData("amount > 100", 0, "Expected an expression written as ${...}, but found plain text")]
    [InlineData("  {amount > 100}", 2, "Expected an expression written as ${...}, but found plain text")]
    [InlineData("", 0, "The expression is empty")]
    [InlineData(" \n\t ", 0, "The expression is empty")]
    public void SyntaxError_SaysWhatWasExpectedAndWhere(string text, int position, string problem)
    {
        var error = SyntaxError(text);
        Assert.Equal(position, error.Position);
        Assert.StartsWith(problem + " at ", error.Message);
        Assert.Contains($"\"{text.Replace('\n', ' ').Replace('\t', ' ')}\"", error.Message);
    }

    [Fact]
    public void SyntaxError_Position_CountsFromTheTextAsWritten()
    {
        var error = SyntaxError("   ${a && }");
        Assert.Equal(10, error.Position);
        Assert.Contains("at column 11", error.Message);
    }

    [Fact]
    public void SyntaxError_InMultiLineText_NamesLineAndColumn()
    {
        var error = SyntaxError("${approved &&\n   }");
        Assert.Equal(17, error.Position);
        Assert.Contains("at line 2, column 4 in \"${approved &&    }\"", error.Message);
    }

    [Fact]
    public void SyntaxError_InLongText_QuotesOnlyTheTextNearTheProblem()
    {
        var text = "${" + string.Join(" && ", Enumerable.Range(0, 30).Select(i => $"field{i}")) + " && }";
        var error = SyntaxError(text);
        Assert.Contains("\"...", error.Message);
        Assert.EndsWith("field29 && }\"", error.Message);
        Assert.DoesNotContain("field0 ", error.Message);
    }

    [Fact]
    public void Length_UpTo4000Characters_IsAccepted()
    {
        var text = "${'" + new string('x', 3995) + "'}";
        Assert.Equal(4000, text.Length);
        Assert.Equal(3995, Assert.IsType<string>(Evaluate("  " + text + "  ")).Length);
    }

    [Fact]
    public void Length_Over4000Characters_IsRefused()
    {
        var error = SyntaxError("${'" + new string('x', 3996) + "'}");
        Assert.Equal(4000, error.Position);
        Assert.StartsWith("The expression is 4001 characters long; at most 4000 are allowed", error.Message);
    }

    [Theory]
    [InlineData("(", ")")]
    [InlineData("!", "")]
    [InlineData("-", "")]
    [InlineData("not ", "")]
    [InlineData("tags[", "]")]
    [InlineData("true ? ", " : 0")]
    public void Nesting_Of64Levels_IsAccepted_65IsRefused(string open, string close)
    {
        string Nested(int levels) =>
            "${" + string.Concat(Enumerable.Repeat(open, levels)) + "0" + string.Concat(Enumerable.Repeat(close, levels)) + "}";

        Expression.Parse(Nested(64));
        var error = SyntaxError(Nested(65));
        Assert.StartsWith("The expression nests deeper than 64 levels", error.Message);
    }

    [Fact]
    public void LongFlatOperatorChain_IsNotNesting_AndEvaluates()
    {
        // 1 + 1 + ... is a chain, not nesting: it stays within the length bound and evaluates without deep recursion trouble.
        var text = "${" + string.Join("+", Enumerable.Repeat("1", 1999)) + "}";
        Assert.True(text.Length <= 4000);
        Assert.Equal(1999m, EvaluateNumber(text));
    }

    [Fact]
    public void UnicodeIdentifiers_AndDollarOrUnderscore_AreVariableNames()
    {
        const string variables = """{ "申请人": { "年龄": 34 }, "_count": 2, "$total": 3 }""";
        Assert.True(EvaluateBoolean("${申请人.年龄 >= 18}", variables));
        Assert.Equal(5m, EvaluateNumber("${_count + $total}", variables));
    }
}
