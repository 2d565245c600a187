namespace OneStop.Workflow.Engine.Expressions;

/// <summary>Says where in an expression text a problem is, the way a person reading the model finds it.</summary>
internal static class SourceText
{
    private const int WholeTextLimit = 80;
    private const int ExcerptRadius = 30;

    /// <summary><c>at column 8 in "${a &amp;&amp; }"</c>; line and column when the text spans several lines.</summary>
    public static string Locate(string text, int position)
    {
        position = Math.Clamp(position, 0, text.Length);
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < position; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        var column = position - lineStart + 1;
        var where = text.Contains('\n') ? $"line {line}, column {column}" : $"column {column}";
        return $"at {where} in \"{Excerpt(text, position)}\"";
    }

    private static string Excerpt(string text, int position)
    {
        if (text.Length <= WholeTextLimit)
        {
            return OneLine(text);
        }

        var start = Math.Max(0, position - ExcerptRadius);
        var end = Math.Min(text.Length, position + ExcerptRadius);
        return (start > 0 ? "..." : "") + OneLine(text[start..end]) + (end < text.Length ? "..." : "");
    }

    private static string OneLine(string text) => text.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ').Replace('\t', ' ');
}
