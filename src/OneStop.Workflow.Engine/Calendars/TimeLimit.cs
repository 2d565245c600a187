using System.Globalization;
using System.Text.RegularExpressions;

namespace OneStop.Workflow.Engine.Calendars;

/// <summary>
/// A time limit on a task or a whole scenario (<c>onestop:timeLimit</c>, <c>camunda:dueDate</c>,
/// <c>zeebe:taskSchedule dueDate</c>): a number of working days (<c>20WD</c>) counted on a
/// <see cref="WorkingDayCalendar"/>, an ISO 8601 duration (<c>P30D</c>, <c>PT4H</c>) or a fixed due date.
/// Exactly one of <see cref="WorkingDays"/>, <see cref="Duration"/> and <see cref="FixedDate"/> is set.
/// </summary>
public sealed partial record TimeLimit
{
    private const string Expected = "expected working days (e.g. 20WD), an ISO 8601 duration (e.g. P30D, PT4H) " +
                                    "or a date-time with offset (e.g. 2026-01-05T17:00:00+08:00)";

    [GeneratedRegex(@"^(?<n>\d+)\s*[Ww][Dd]$")]
    private static partial Regex WorkingDaysPattern();

    private TimeLimit(string text, int? workingDays, IsoDuration? duration, DateTimeOffset? fixedDate)
    {
        Text = text;
        WorkingDays = workingDays;
        Duration = duration;
        FixedDate = fixedDate;
    }

    /// <summary>The limit as written (trimmed).</summary>
    public string Text { get; }

    /// <summary>Working days, for <c>5WD</c> / <c>20wd</c>.</summary>
    public int? WorkingDays { get; }

    /// <summary>A calendar duration, for <c>P30D</c>, <c>PT4H</c>, <c>P1M</c>.</summary>
    public IsoDuration? Duration { get; }

    /// <summary>A fixed due date, as Camunda and Zeebe allow.</summary>
    public DateTimeOffset? FixedDate { get; }

    public static bool TryParse(string text, out TimeLimit? limit, out string? error)
    {
        limit = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = $"The time limit is empty; {Expected}.";
            return false;
        }

        var s = text.Trim();
        string Fail(string problem) => $"'{s}' is not a valid time limit: {problem}";

        if (s.StartsWith("${", StringComparison.Ordinal) || s.StartsWith("#{", StringComparison.Ordinal))
        {
            error = Fail($"expressions are not supported here; {Expected}.");
            return false;
        }

        var workingDays = WorkingDaysPattern().Match(s);
        if (workingDays.Success)
        {
            if (!int.TryParse(workingDays.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var days))
            {
                error = Fail("the number of working days is too large.");
                return false;
            }

            if (days == 0)
            {
                error = Fail("a limit of working days must be at least 1WD.");
                return false;
            }

            limit = new TimeLimit(s, days, null, null);
            error = null;
            return true;
        }

        if (s[0] is 'P' or 'p' or '-')
        {
            if (!IsoDuration.TryParse(s, out var duration, out error))
            {
                return false;
            }

            if (duration.IsZero)
            {
                error = Fail("the duration must be longer than zero.");
                return false;
            }

            limit = new TimeLimit(s, null, duration, null);
            return true;
        }

        if (char.IsAsciiDigit(s[0]) && s.Contains('-', StringComparison.Ordinal))
        {
            if (!IsoDateTime.TryParse(s, out var date, out error))
            {
                return false;
            }

            limit = new TimeLimit(s, null, null, date);
            return true;
        }

        error = Fail($"{Expected}.");
        return false;
    }

    /// <summary>Parses like <see cref="TryParse"/> and throws <see cref="FormatException"/> with the reason.</summary>
    public static TimeLimit Parse(string text) =>
        TryParse(text, out var limit, out var error) ? limit! : throw new FormatException(error);

    /// <summary>
    /// The due moment of work that started at <paramref name="start"/>: working days are counted on
    /// <paramref name="calendar"/> (see <see cref="WorkingDayCalendar.AddWorkingDays"/>); a duration is added in
    /// the calendar's time zone (P1D keeps the local time of day); a fixed date is returned as it is.
    /// </summary>
    public DateTimeOffset DueFrom(DateTimeOffset start, WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        if (WorkingDays is int days)
        {
            return calendar.AddWorkingDays(start, days);
        }

        return Duration is { } duration ? duration.AddTo(start, calendar.TimeZone) : FixedDate!.Value;
    }

    public override string ToString() => Text;
}
