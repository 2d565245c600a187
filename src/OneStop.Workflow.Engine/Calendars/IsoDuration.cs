using System.Globalization;
using System.Text;

namespace OneStop.Workflow.Engine.Calendars;

/// <summary>
/// An ISO 8601 duration (<c>PnYnMnWnDTnHnMnS</c>) as BPMN timers and time limits write it. The parts are kept
/// apart because a month or a day is not a fixed length of time: they are applied to a calendar, not summed.
/// Only the seconds may carry a fraction; durations are never negative.
/// </summary>
public readonly record struct IsoDuration(int Years, int Months, int Weeks, int Days, int Hours, int Minutes, decimal Seconds)
{
    private const string Example = "e.g. P5D, PT2H, P1Y2M, P2W or PT0.5S";

    public bool IsZero => Years == 0 && Months == 0 && Weeks == 0 && Days == 0 && Hours == 0 && Minutes == 0 && Seconds == 0;

    /// <summary>Whether the duration has parts whose length depends on the calendar (years, months, weeks, days).</summary>
    internal bool HasCalendarParts => Years != 0 || Months != 0 || Weeks != 0 || Days != 0;

    /// <summary>Parses <c>PnYnMnWnDTnHnMnS</c>. Designators are read case-insensitively; a decimal fraction
    /// (point or comma) is allowed on the seconds only.</summary>
    public static bool TryParse(string text, out IsoDuration duration, out string? error)
    {
        duration = default;
        error = Read(text, out duration);
        return error is null;
    }

    /// <summary>Parses like <see cref="TryParse"/> and throws <see cref="FormatException"/> with the reason.</summary>
    public static IsoDuration Parse(string text) =>
        TryParse(text, out var duration, out var error) ? duration : throw new FormatException(error);

    /// <summary>
    /// Adds the duration to <paramref name="instant"/>: years and months first (as one number of months, the day
    /// clamped to the month's end: Jan 31 + P1M = Feb 28), then weeks and days, all on the instant's own UTC
    /// offset; then hours, minutes and seconds as elapsed time. The result keeps the instant's offset.
    /// </summary>
    public DateTimeOffset AddTo(DateTimeOffset instant)
    {
        var result = instant;
        if (HasCalendarParts)
        {
            result = result.AddMonths(TotalMonths()).AddDays(TotalDays());
        }

        return result.Add(TimePart());
    }

    /// <summary>
    /// Adds the duration as a person in <paramref name="zone"/> reads a calendar: years, months, weeks and days
    /// move the local date and keep the local time of day (so P1D stays at the same wall-clock time across a
    /// daylight-saving change); hours, minutes and seconds are elapsed time. The result carries the zone's offset.
    /// </summary>
    public DateTimeOffset AddTo(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        if (HasCalendarParts)
        {
            var wallClock = local.DateTime.AddMonths(TotalMonths()).AddDays(TotalDays());
            local = ZoneTime.ToInstant(wallClock, zone);
        }

        return TimeZoneInfo.ConvertTime(local.Add(TimePart()), zone);
    }

    /// <summary>The canonical ISO 8601 text: zero parts left out, <c>PT0S</c> for the zero duration.</summary>
    public override string ToString()
    {
        if (IsZero)
        {
            return "PT0S";
        }

        var text = new StringBuilder("P");
        Append(text, Years, 'Y');
        Append(text, Months, 'M');
        Append(text, Weeks, 'W');
        Append(text, Days, 'D');
        if (Hours != 0 || Minutes != 0 || Seconds != 0)
        {
            text.Append('T');
            Append(text, Hours, 'H');
            Append(text, Minutes, 'M');
            if (Seconds != 0)
            {
                text.Append(Seconds.ToString("0.############################", CultureInfo.InvariantCulture)).Append('S');
            }
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, int value, char designator)
    {
        if (value != 0)
        {
            text.Append(value.ToString(CultureInfo.InvariantCulture)).Append(designator);
        }
    }

    private int TotalMonths()
    {
        var months = (long)Years * 12 + Months;
        return months <= int.MaxValue
            ? (int)months
            : throw new ArgumentOutOfRangeException(nameof(Years), $"Duration {this} is too long to add to a date.");
    }

    private long TotalDays() => (long)Weeks * 7 + Days;

    private TimeSpan TimePart()
    {
        // decimal cannot overflow here (the parts are at most int.MaxValue each), a long can.
        var ticks = (decimal)Hours * TimeSpan.TicksPerHour + (decimal)Minutes * TimeSpan.TicksPerMinute
                    + decimal.Round(Seconds * TimeSpan.TicksPerSecond);
        return ticks <= TimeSpan.MaxValue.Ticks
            ? TimeSpan.FromTicks((long)ticks)
            : throw new ArgumentOutOfRangeException(nameof(Hours), $"Duration {this} is too long to add to a date.");
    }

    /// <summary>Reads the duration; returns the error message or null.</summary>
    private static string? Read(string? text, out IsoDuration duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return $"The duration is empty; expected an ISO 8601 duration, {Example}.";
        }

        var s = text.Trim();
        string Fail(string problem) => $"'{s}' is not a valid ISO 8601 duration: {problem}";

        if (s[0] == '-')
        {
            return Fail("negative durations are not allowed.");
        }

        if (char.ToUpperInvariant(s[0]) != 'P')
        {
            return Fail($"it must start with P, {Example}.");
        }

        // Units in the order ISO 8601 requires them: Y M W D before T, H M S after it.
        var values = new long[6];
        decimal seconds = 0;
        var lastUnit = -1;
        var inTime = false;
        var anyPart = false;
        var i = 1;
        while (i < s.Length)
        {
            var c = char.ToUpperInvariant(s[i]);
            if (c == 'T')
            {
                if (inTime)
                {
                    return Fail("T appears twice.");
                }

                inTime = true;
                i++;
                if (i == s.Length)
                {
                    return Fail("T must be followed by hours, minutes or seconds (e.g. PT2H).");
                }

                continue;
            }

            var numberStart = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            var integerEnd = i;
            var hasFraction = false;
            if (i < s.Length && (s[i] == '.' || s[i] == ',') && integerEnd > numberStart)
            {
                hasFraction = true;
                i++;
                var fractionStart = i;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    i++;
                }

                if (i == fractionStart)
                {
                    return Fail($"the decimal separator at position {fractionStart} must be followed by digits.");
                }
            }

            if (integerEnd == numberStart)
            {
                return Fail($"expected a number at position {numberStart + 1} but found '{s[numberStart]}'.");
            }

            var number = s[numberStart..i];
            if (i == s.Length)
            {
                return Fail($"the number {number} has no designator (Y, M, W, D before T; H, M, S after T).");
            }

            var designator = char.ToUpperInvariant(s[i]);
            i++;
            var unit = (inTime, designator) switch
            {
                (false, 'Y') => 0,
                (false, 'M') => 1,
                (false, 'W') => 2,
                (false, 'D') => 3,
                (true, 'H') => 4,
                (true, 'M') => 5,
                (true, 'S') => 6,
                (false, 'H' or 'S') => -2,
                (true, 'Y' or 'W' or 'D') => -3,
                _ => -1,
            };
            switch (unit)
            {
                case -1:
                    return Fail($"'{s[i - 1]}' is not a duration designator (Y, M, W, D before T; H, M, S after T).");
                case -2:
                    return Fail($"{designator} (hours/seconds) must come after T, e.g. PT{number}{designator}.");
                case -3:
                    return Fail($"{designator} must come before T, e.g. P{number}{designator}.");
            }

            if (unit <= lastUnit)
            {
                return Fail($"{number}{designator} is out of order or repeated; the order is PnYnMnWnDTnHnMnS.");
            }

            lastUnit = unit;
            anyPart = true;
            if (unit == 6)
            {
                if (!decimal.TryParse(number.Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out seconds)
                    || seconds > int.MaxValue)
                {
                    return Fail($"{number} seconds is too large.");
                }
            }
            else
            {
                if (hasFraction)
                {
                    return Fail($"only the seconds may have a fraction; write {number}{designator} in smaller whole units (e.g. PT1H30M for PT1.5H).");
                }

                if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > int.MaxValue)
                {
                    return Fail($"{number}{designator} is too large.");
                }

                values[unit] = value;
            }
        }

        if (!anyPart)
        {
            return Fail($"it has no parts, {Example}.");
        }

        duration = new IsoDuration((int)values[0], (int)values[1], (int)values[2], (int)values[3], (int)values[4], (int)values[5], seconds);
        return null;
    }
}
