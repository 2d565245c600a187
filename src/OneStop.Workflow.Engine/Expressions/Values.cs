using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OneStop.Workflow.Engine.Expressions;

/// <summary>
/// The runtime values of the expression language and the EL coercions between them. A value is null, a string,
/// a number (decimal, or double when it does not fit a decimal), a bool, or a JsonObject / JsonArray.
/// </summary>
internal static class Values
{
    private const NumberStyles NumberStyle =
        NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    private const int DescribedStringLimit = 40;

    /// <exception cref="OverflowException">A JSON number does not fit even a double.</exception>
    public static object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonObject or JsonArray => node,
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => StringOf(value),
            JsonValueKind.Number => NumberOf(value),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        },
        _ => null,
    };

    private static string StringOf(JsonValue value) =>
        value.TryGetValue(out string? text) ? text
        // A value built from a CLR char, Guid or date is a JSON string too; read it back from its JSON form.
        : JsonDocument.Parse(value.ToJsonString()).RootElement.GetString()!;

    /// <exception cref="OverflowException">The number does not fit even a double.</exception>
    private static object NumberOf(JsonValue value) =>
        value.TryGetValue(out decimal number) ? number
        : ParseNumber(value.ToJsonString()) ?? throw new OverflowException();

    /// <summary>A decimal when the text fits one, else a finite double; null when the text is not a number.</summary>
    public static object? ParseNumber(string text)
    {
        if (decimal.TryParse(text, NumberStyle, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        return double.TryParse(text, NumberStyle, CultureInfo.InvariantCulture, out var large) && double.IsFinite(large)
            ? large
            : null;
    }

    public static bool IsNumber(object? value) => value is decimal or double;

    /// <summary>EL coercion to a number: null and "" are 0, a numeric string is parsed, anything else fails.</summary>
    public static bool TryToNumber(object? value, out object number)
    {
        switch (value)
        {
            case null or "":
                number = 0m;
                return true;
            case decimal or double:
                number = value;
                return true;
            case string text when ParseNumber(text) is { } parsed:
                number = parsed;
                return true;
            default:
                number = 0m;
                return false;
        }
    }

    /// <summary>
    /// EL coercion to a boolean: null and "" are false, "true"/"false" (any case) are parsed. Unlike Java's
    /// Boolean.valueOf, any other string fails instead of silently becoming false: "yes" in a condition is a mistake.
    /// </summary>
    public static bool TryToBoolean(object? value, out bool result)
    {
        switch (value)
        {
            case null or "":
                result = false;
                return true;
            case bool flag:
                result = flag;
                return true;
            case string text when text.Equals("true", StringComparison.OrdinalIgnoreCase):
                result = true;
                return true;
            case string text when text.Equals("false", StringComparison.OrdinalIgnoreCase):
                result = false;
                return true;
            default:
                result = false;
                return false;
        }
    }

    /// <summary>EL coercion to a string: null is "", composite values are written as JSON.</summary>
    public static string ToText(object? value) => value switch
    {
        null => "",
        string text => text,
        bool flag => flag ? "true" : "false",
        decimal number => number.ToString(CultureInfo.InvariantCulture),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        JsonNode node => node.ToJsonString(),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    public static string TypeName(object? value) => value switch
    {
        null => "null",
        string => "string",
        decimal or double => "number",
        bool => "boolean",
        JsonObject => "object",
        JsonArray => "array",
        _ => value.GetType().Name,
    };

    /// <summary>The type and value for a message: <c>string 'abc'</c>, <c>number 5</c>, <c>null</c>, <c>object</c>.</summary>
    public static string Describe(object? value) => value switch
    {
        null => "null",
        string text when text.Length > DescribedStringLimit => $"string '{text[..DescribedStringLimit]}...'",
        string text => $"string '{text}'",
        JsonNode => TypeName(value),
        _ => $"{TypeName(value)} {ToText(value)}",
    };
}
