using System.Text;

namespace OneStop.Workflow.Engine.Expressions;

/// <summary>
/// Recursive-descent parser for the JUEL subset, with precedence climbing for the binary operators.
/// From loosest to tightest: <c>?:</c>, <c>|| or</c>, <c>&amp;&amp; and</c>, <c>== != eq ne</c>,
/// <c>&lt; &gt; &lt;= &gt;= lt gt le ge</c>, <c>+ -</c>, <c>* / div % mod</c>, unary <c>- ! not empty</c>,
/// then <c>.</c> and <c>[]</c>.
/// </summary>
internal sealed class Parser
{
    public const int MaxLength = 4000;
    public const int MaxDepth = 64;

    private readonly string text;
    private readonly Lexer lexer;
    private Token current;

    // The last token consumed inside the current ${...}; null right after the opener. Messages name it.
    private Token? previous;
    private string opener = "${";
    private int depth;

    private Parser(string text)
    {
        this.text = text;
        lexer = new Lexer(text, Error);
    }

    public static ExpressionNode Parse(string text) => new Parser(text).ParseText();

    private ExpressionNode ParseText()
    {
        var start = 0;
        var end = text.Length;
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        if (start == end)
        {
            throw Error(0, "The expression is empty");
        }

        if (end - start > MaxLength)
        {
            throw Error(start + MaxLength, $"The expression is {end - start} characters long; at most {MaxLength} are allowed");
        }

        // Outside ${...} the text is literal (a composite expression such as "Hello ${name}").
        var parts = new List<ExpressionNode>();
        var literal = new StringBuilder();
        var literalStart = start;
        char? marker = null;
        var position = start;
        while (position < end)
        {
            var c = text[position];
            if (c == '\\' && position + 2 < end && text[position + 1] is '$' or '#' && text[position + 2] == '{')
            {
                // \${ writes a literal ${, as in JUEL.
                AppendLiteral(position, text[position + 1]);
                literal.Append('{');
                position += 3;
            }
            else if (c is '$' or '#' && position + 1 < end && text[position + 1] == '{')
            {
                if (marker is { } first && first != c)
                {
                    throw Error(position, $"'{c}{{' and '{first}{{' cannot be mixed in one expression");
                }

                marker = c;
                FlushLiteral();
                parts.Add(ParsePart(position));
                position = current.Position + 1;
            }
            else
            {
                AppendLiteral(position, c);
                position++;
            }
        }

        FlushLiteral();
        if (marker is null)
        {
            throw Error(start, "Expected an expression written as ${...}, but found plain text");
        }

        return parts.Count == 1 ? parts[0] : new CompositeNode(parts, start);

        void AppendLiteral(int at, char c)
        {
            if (literal.Length == 0)
            {
                literalStart = at;
            }

            literal.Append(c);
        }

        void FlushLiteral()
        {
            if (literal.Length > 0)
            {
                parts.Add(new LiteralNode(literal.ToString(), literalStart));
                literal.Clear();
            }
        }
    }

    /// <summary>Parses one <c>${...}</c> starting at its opener; leaves <see cref="current"/> on the closing brace.</summary>
    private ExpressionNode ParsePart(int openerPosition)
    {
        opener = text.Substring(openerPosition, 2);
        lexer.MoveTo(openerPosition + 2);
        previous = null;
        depth = 0;
        current = lexer.Next();

        var node = ParseConditional();
        if (current.Kind == TokenKind.CloseBrace)
        {
            return node;
        }

        throw current.Kind == TokenKind.End
            ? Error(current.Position, $"Expected '}}' to close '{opener}', but the text ended")
            : Error(current.Position, $"Expected an operator or '}}' after '{previous?.Text}', but found {current.Quoted}");
    }

    private ExpressionNode ParseConditional()
    {
        var test = ParseBinary(1);
        if (current.Kind != TokenKind.Question)
        {
            return test;
        }

        var question = Advance();
        Enter(question);
        var whenTrue = ParseConditional();
        Expect(TokenKind.Colon, "':' of the conditional '? :'");
        var whenFalse = ParseConditional();
        depth--;
        return new ConditionalNode(test, whenTrue, whenFalse, question.Position);
    }

    private ExpressionNode ParseBinary(int minPrecedence)
    {
        var left = ParseUnary();
        while (Precedence(current.Kind) is var precedence && precedence >= minPrecedence)
        {
            var symbol = Advance();
            var right = ParseBinary(precedence + 1);
            left = new BinaryNode(BinaryOperatorOf(symbol.Kind), symbol.Text, left, right, symbol.Position);
        }

        return left;
    }

    private static int Precedence(TokenKind kind) => kind switch
    {
        TokenKind.Or => 1,
        TokenKind.And => 2,
        TokenKind.Equal or TokenKind.NotEqual => 3,
        TokenKind.Less or TokenKind.Greater or TokenKind.LessOrEqual or TokenKind.GreaterOrEqual => 4,
        TokenKind.Plus or TokenKind.Minus => 5,
        TokenKind.Multiply or TokenKind.Divide or TokenKind.Modulo => 6,
        _ => 0,
    };

    private static BinaryOperator BinaryOperatorOf(TokenKind kind) => kind switch
    {
        TokenKind.Or => BinaryOperator.Or,
        TokenKind.And => BinaryOperator.And,
        TokenKind.Equal => BinaryOperator.Equal,
        TokenKind.NotEqual => BinaryOperator.NotEqual,
        TokenKind.Less => BinaryOperator.Less,
        TokenKind.Greater => BinaryOperator.Greater,
        TokenKind.LessOrEqual => BinaryOperator.LessOrEqual,
        TokenKind.GreaterOrEqual => BinaryOperator.GreaterOrEqual,
        TokenKind.Plus => BinaryOperator.Add,
        TokenKind.Minus => BinaryOperator.Subtract,
        TokenKind.Multiply => BinaryOperator.Multiply,
        TokenKind.Divide => BinaryOperator.Divide,
        TokenKind.Modulo => BinaryOperator.Modulo,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a binary operator"),
    };

    private ExpressionNode ParseUnary()
    {
        var op = current.Kind switch
        {
            TokenKind.Minus => UnaryOperator.Negate,
            TokenKind.Not => UnaryOperator.Not,
            TokenKind.Empty => UnaryOperator.Empty,
            _ => (UnaryOperator?)null,
        };
        if (op is null)
        {
            return ParsePostfix();
        }

        var symbol = Advance();
        Enter(symbol);
        var operand = ParseUnary();
        depth--;
        return new UnaryNode(op.Value, symbol.Text, operand, symbol.Position);
    }

    private ExpressionNode ParsePostfix()
    {
        var node = ParsePrimary();
        while (true)
        {
            if (current.Kind == TokenKind.Dot)
            {
                Advance();
                if (current.Kind != TokenKind.Identifier)
                {
                    throw Error(current.Position, current.IsReservedWord
                        ? $"'{current.Text}' is a reserved word and cannot follow '.'; write ['{current.Text}'] instead"
                        : $"Expected a property name after '.', but found {current.Quoted}");
                }

                var name = Advance();
                RefuseCall(name);
                node = new PropertyNode(node, name.Text, name.Position);
            }
            else if (current.Kind == TokenKind.LeftBracket)
            {
                var bracket = Advance();
                Enter(bracket);
                var key = ParseConditional();
                Expect(TokenKind.RightBracket, "']' to close the '['");
                depth--;
                node = new IndexNode(node, key, bracket.Position);
            }
            else
            {
                return node;
            }
        }
    }

    private ExpressionNode ParsePrimary()
    {
        var token = current;
        switch (token.Kind)
        {
            case TokenKind.Number or TokenKind.String:
                Advance();
                return new LiteralNode(token.Value, token.Position);
            case TokenKind.True or TokenKind.False:
                Advance();
                return new LiteralNode(token.Kind == TokenKind.True, token.Position);
            case TokenKind.Null:
                Advance();
                return new LiteralNode(null, token.Position);
            case TokenKind.Identifier:
                Advance();
                RefuseCall(token);
                return new VariableNode(token.Text, token.Position);
            case TokenKind.LeftParen:
                Advance();
                Enter(token);
                var inner = ParseConditional();
                Expect(TokenKind.RightParen, "')' to close the '('");
                depth--;
                return inner;
            case TokenKind.InstanceOf:
                throw Error(token.Position, "'instanceof' is not supported");
            default:
                var after = previous is { } last ? $"an operand after '{last.Text}'" : $"an expression after '{opener}'";
                var found = token.Kind == TokenKind.End ? "the text ended" : $"found {token.Quoted}";
                var reserved = token.IsReservedWord ? $" ('{token.Text}' is a reserved word and cannot name a variable)" : "";
                throw Error(token.Position, $"Expected {after}, but {found}{reserved}");
        }
    }

    // Conditions must stay free of side effects and reflection, so JUEL method and function calls are refused.
    private void RefuseCall(Token name)
    {
        if (current.Kind == TokenKind.LeftParen)
        {
            throw Error(current.Position, $"Method and function calls are not supported: '{name.Text}(...)'");
        }
    }

    private Token Advance()
    {
        var consumed = current;
        previous = consumed;
        current = lexer.Next();
        return consumed;
    }

    private void Expect(TokenKind kind, string what)
    {
        if (current.Kind != kind)
        {
            throw Error(current.Position, $"Expected {what}, but found {current.Quoted}");
        }

        Advance();
    }

    private void Enter(Token token)
    {
        if (++depth > MaxDepth)
        {
            throw Error(token.Position,
                $"The expression nests deeper than {MaxDepth} levels (parentheses, brackets, unary operators and '?:' each count)");
        }
    }

    private ExpressionSyntaxException Error(int position, string problem) =>
        new($"{problem} {SourceText.Locate(text, position)}", position);
}
