using System.Globalization;
using System.Text;

namespace OneStop.Workflow.Engine.Expressions;

internal enum TokenKind
{
    End, CloseBrace,
    Identifier, Number, String, True, False, Null,
    Not, Empty, InstanceOf,
    And, Or,
    Equal, NotEqual, Less, Greater, LessOrEqual, GreaterOrEqual,
    Plus, Minus, Multiply, Divide, Modulo,
    LeftParen, RightParen, LeftBracket, RightBracket, Dot, Question, Colon,
}

/// <summary>One token; Text is exactly as written (<c>and</c> and <c>&amp;&amp;</c> share a kind but keep their text).</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Position, object? Value = null)
{
    /// <summary>A keyword such as <c>and</c>, <c>empty</c> or <c>null</c>: reserved, so it cannot name a variable or property.</summary>
    public bool IsReservedWord => Kind is not (TokenKind.Identifier or TokenKind.End) && Text.Length > 0 && char.IsLetter(Text[0]);

    /// <summary>How the token is quoted in a message.</summary>
    public string Quoted => Kind == TokenKind.End ? "the end of the text" : $"'{Text}'";
}

/// <summary>
/// Reads the tokens inside one <c>${...}</c>. The parser moves it to the start of each part, because the literal
/// text of a composite expression between the parts is not tokenized.
/// </summary>
internal sealed class Lexer(string text, Func<int, string, ExpressionSyntaxException> error)
{
    // The EL 2.2 reserved words; each one is either an operator, a literal or refused.
    private static readonly Dictionary<string, TokenKind> Keywords = new(StringComparer.Ordinal)
    {
        ["and"] = TokenKind.And,
        ["or"] = TokenKind.Or,
        ["not"] = TokenKind.Not,
        ["eq"] = TokenKind.Equal,
        ["ne"] = TokenKind.NotEqual,
        ["lt"] = TokenKind.Less,
        ["gt"] = TokenKind.Greater,
        ["le"] = TokenKind.LessOrEqual,
        ["ge"] = TokenKind.GreaterOrEqual,
        ["div"] = TokenKind.Divide,
        ["mod"] = TokenKind.Modulo,
        ["true"] = TokenKind.True,
        ["false"] = TokenKind.False,
        ["null"] = TokenKind.Null,
        ["empty"] = TokenKind.Empty,
        ["instanceof"] = TokenKind.InstanceOf,
    };

    private int position;

    public void MoveTo(int offset) => position = offset;

    public Token Next()
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }

        if (position >= text.Length)
        {
            return new Token(TokenKind.End, "", text.Length);
        }

        var c = text[position];
        if (IsIdentifierStart(c))
        {
            return Word();
        }

        if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(1))))
        {
            return Number();
        }

        if (c is '\'' or '"')
        {
            return String(c);
        }

        return Symbol(c);
    }

    public static bool IsIdentifierStart(char c) => char.IsLetter(c) || c is '_' or '$';

    private static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c is '_' or '$';

    private char Peek(int ahead) => position + ahead < text.Length ? text[position + ahead] : '\0';

    private Token Word()
    {
        var start = position;
        while (position < text.Length && IsIdentifierPart(text[position]))
        {
            position++;
        }

        var word = text[start..position];
        return new Token(Keywords.GetValueOrDefault(word, TokenKind.Identifier), word, start);
    }

    private Token Number()
    {
        var start = position;
        SkipDigits();
        if (Peek(0) == '.' && !IsIdentifierStart(Peek(1)))
        {
            position++;
            SkipDigits();
        }

        if (Peek(0) is 'e' or 'E' && (char.IsAsciiDigit(Peek(1)) || (Peek(1) is '+' or '-' && char.IsAsciiDigit(Peek(2)))))
        {
            position += 2;
            SkipDigits();
        }

        var literal = text[start..position];
        var value = Values.ParseNumber(literal) ?? throw error(start, $"The number {literal} is too large");
        return new Token(TokenKind.Number, literal, start, value);
    }

    private void SkipDigits()
    {
        while (position < text.Length && char.IsAsciiDigit(text[position]))
        {
            position++;
        }
    }

    // As in JUEL, a backslash escapes only a quote or a backslash; anything else is refused rather than guessed.
    private Token String(char quote)
    {
        var start = position++;
        var value = new StringBuilder();
        while (position < text.Length)
        {
            var c = text[position++];
            if (c == quote)
            {
                return new Token(TokenKind.String, text[start..position], start, value.ToString());
            }

            if (c == '\\')
            {
                var escaped = Peek(0);
                if (escaped is not ('\'' or '"' or '\\'))
                {
                    throw error(position - 1, escaped == '\0'
                        ? "Unterminated string: a closing quote is missing after '\\'"
                        : $"Invalid escape '\\{escaped}' in a string; only \\', \\\" and \\\\ are allowed");
                }

                position++;
                c = escaped;
            }

            value.Append(c);
        }

        throw error(start, $"Unterminated string: the quote {quote} opened here is never closed");
    }

    private Token Symbol(char c)
    {
        var start = position;
        var two = position + 1 < text.Length ? text.Substring(position, 2) : "";
        var kind = two switch
        {
            "&&" => TokenKind.And,
            "||" => TokenKind.Or,
            "==" => TokenKind.Equal,
            "!=" => TokenKind.NotEqual,
            "<=" => TokenKind.LessOrEqual,
            ">=" => TokenKind.GreaterOrEqual,
            _ => TokenKind.End,
        };
        if (kind != TokenKind.End)
        {
            position += 2;
            return new Token(kind, two, start);
        }

        kind = c switch
        {
            '!' => TokenKind.Not,
            '<' => TokenKind.Less,
            '>' => TokenKind.Greater,
            '+' => TokenKind.Plus,
            '-' => TokenKind.Minus,
            '*' => TokenKind.Multiply,
            '/' => TokenKind.Divide,
            '%' => TokenKind.Modulo,
            '(' => TokenKind.LeftParen,
            ')' => TokenKind.RightParen,
            '[' => TokenKind.LeftBracket,
            ']' => TokenKind.RightBracket,
            '.' => TokenKind.Dot,
            '?' => TokenKind.Question,
            ':' => TokenKind.Colon,
            '}' => TokenKind.CloseBrace,
            '=' => throw error(start, "Unexpected '=': assignment is not supported; compare with '==' or 'eq'"),
            '&' => throw error(start, "Unexpected '&': write '&&' or 'and'"),
            '|' => throw error(start, "Unexpected '|': write '||' or 'or'"),
            _ => throw error(start, $"Unexpected character '{c}'"),
        };
        position++;
        return new Token(kind, c.ToString(CultureInfo.InvariantCulture), start);
    }
}
