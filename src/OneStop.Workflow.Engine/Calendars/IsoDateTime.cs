using System.Globalization;
using System.Text.RegularExpressions;

namespace OneStop.Workflow.Engine.Calendars;

/// <summary>
/// Reads an ISO 8601 date-time that names its UTC offset (<c>2026-01-05T09:00:00+08:00</c>, <c>...Z</c>).
/// An offset is required: a time without one would mean different instants on different servers.
/// </summary>
internal static partial class IsoDateTime
{
    internal const string Example = "2026-01-05T09:00:00+08:00 or 2026-01-05T01:00:00Z";

    [GeneratedRegex(@"^(?<y>\d{4})-(?<mo>\d{2})-(?<d>\d{2})[Tt](?<h>\d{2}):(?<mi>\d{2})(?::(?<s>\d{2})(?:[.,](?<f>\d{1,7}))?)?(?<off>[Zz]|[+-]\d{2}(?::?\d{2})?)?$")]
    private static partial Regex DateTimePattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex DateOnlyPattern();

    public static bool TryParse(string? text, out DateTimeOffset value, out string? error)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = $"The date-time is empty; expected e.g. {Example}.";
            return false;
        }

        var s = text.Trim();
        string Fail(string problem) => $"'{s}' is not a valid ISO 8601 date-time: {problem}";

        var match = DateTimePattern().Match(s);
        if (!match.Success)
        {
            error = DateOnlyPattern().IsMatch(s)
                ? Fail($"a time of day and a UTC offset are required, e.g. {s}T17:00:00+08:00.")
                : Fail($"expected e.g. {Example}.");
            return false;
        }

        if (!match.Groups["off"].Success)
        {
            error = Fail($"a UTC offset is required (Z or ±hh:mm), e.g. {s}+08:00.");
            return false;
        }

        int Number(string group) => match.Groups[group].Success ? int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        int year = Number("y"), month = Number("mo"), day = Number("d"), hour = Number("h"), minute = Number("mi"), second = Number("s");

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            error = Fail($"{match.Groups["y"].Value}-{match.Groups["mo"].Value}-{match.Groups["d"].Value} is not a calendar date.");
            return false;
        }

        if (hour > 23 || minute > 59 || second > 59)
        {
            error = Fail("the time of day is out of range (hours 00-23, minutes and seconds 00-59).");
            return false;
        }

        if (!TryReadOffset(match.Groups["off"].Value, out var offset))
        {
            error = Fail($"the offset {match.Groups["off"].Value} is out of range (at most ±14:00).");
            return false;
        }

        var fractionTicks = match.Groups["f"].Success
            ? long.Parse(match.Groups["f"].Value.PadRight(7, '0'), CultureInfo.InvariantCulture)
            : 0;
        try
        {
            value = new DateTimeOffset(year, month, day, hour, minute, second, offset).AddTicks(fractionTicks);
        }
        catch (ArgumentOutOfRangeException)
        {
            error = Fail("it lies outside the range of representable instants.");
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryReadOffset(string text, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (text is "Z" or "z")
        {
            return true;
        }

        var digits = text[1..].Replace(":", "", StringComparison.Ordinal);
        var hours = int.Parse(digits[..2], CultureInfo.InvariantCulture);
        var minutes = digits.Length > 2 ? int.Parse(digits[2..], CultureInfo.InvariantCulture) : 0;
        if (minutes > 59)
        {
            return false;
        }

        offset = new TimeSpan(hours, minutes, 0);
        if (offset > TimeSpan.FromHours(14))
        {
            return false;
        }

        if (text[0] == '-')
        {
            offset = -offset;
        }

        return true;
    }
}
