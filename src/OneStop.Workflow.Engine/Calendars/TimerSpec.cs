using System.Globalization;
using OneStop.Workflow.Engine.Bpmn;

namespace OneStop.Workflow.Engine.Calendars;

/// <summary>
/// A parsed BPMN timer definition: a <c>timeDuration</c> (<c>PT2H</c>), a <c>timeDate</c>
/// (<c>2026-01-05T09:00:00+08:00</c>) or a <c>timeCycle</c> in ISO 8601 repeating-interval form
/// (<c>R3/PT1H</c>, <c>R/PT10M</c>, <c>R2/2026-01-05T09:00:00Z/P1D</c>).
/// Cycles repeat by adding the interval to the previous due time, as Camunda and Quartz do.
/// </summary>
public sealed record TimerSpec
{
    private const string CycleForm = "R[n]/[start/]duration";

    private TimerSpec(TimerKind kind, string text, IsoDuration? duration, DateTimeOffset? date, DateTimeOffset? start, int? repetitions)
    {
        Kind = kind;
        Text = text;
        Duration = duration;
        Date = date;
        Start = start;
        Repetitions = repetitions;
    }

    public TimerKind Kind { get; }

    /// <summary>The definition as written (trimmed).</summary>
    public string Text { get; }

    /// <summary>The delay of a duration timer, or the interval of a cycle.</summary>
    public IsoDuration? Duration { get; }

    /// <summary>The instant of a date timer.</summary>
    public DateTimeOffset? Date { get; }

    /// <summary>The first repetition of a cycle written with a start (<c>R2/2026-01-05T09:00:00Z/P1D</c>).</summary>
    public DateTimeOffset? Start { get; }

    /// <summary>How many times a cycle fires; null for an unbounded cycle (<c>R/...</c>) and for non-cycles.</summary>
    public int? Repetitions { get; }

    public static bool TryParse(TimerKind kind, string text, out TimerSpec? spec, out string? error)
    {
        spec = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = $"The timer {Describe(kind)} is empty.";
            return false;
        }

        var s = text.Trim();
        if (s.StartsWith("${", StringComparison.Ordinal) || s.StartsWith("#{", StringComparison.Ordinal))
        {
            error = $"'{s}' is an expression, not an ISO 8601 {Describe(kind)}; expressions are evaluated when the timer is created.";
            return false;
        }

        switch (kind)
        {
            case TimerKind.Duration:
                if (!IsoDuration.TryParse(s, out var delay, out error))
                {
                    return false;
                }

                spec = new TimerSpec(kind, s, delay, null, null, null);
                return true;

            case TimerKind.Date:
                if (!IsoDateTime.TryParse(s, out var date, out error))
                {
                    return false;
                }

                spec = new TimerSpec(kind, s, null, date, null, null);
                return true;

            case TimerKind.Cycle:
                error = ReadCycle(s, out spec);
                return error is null;

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown timer kind.");
        }
    }

    /// <summary>Parses like <see cref="TryParse"/> and throws <see cref="FormatException"/> with the reason.</summary>
    public static TimerSpec Parse(TimerKind kind, string text) =>
        TryParse(kind, text, out var spec, out var error) ? spec! : throw new FormatException(error);

    /// <summary>
    /// When the timer is first due, for a timer created at <paramref name="from"/>. A duration counts from
    /// <paramref name="from"/>; a date is due at that date even when it has passed (so it fires at once).
    /// A cycle without a start is first due one interval after <paramref name="from"/>; a cycle with a start is
    /// first due at its first repetition not before <paramref name="from"/> — repetitions missed before the timer
    /// existed are skipped, and when every repetition of a bounded cycle has passed, the last one is due (at once)
    /// and <see cref="NextDue"/> then ends the cycle.
    /// </summary>
    public DateTimeOffset FirstDue(DateTimeOffset from)
    {
        switch (Kind)
        {
            case TimerKind.Duration:
                return Duration!.Value.AddTo(from);
            case TimerKind.Date:
                return Date!.Value;
        }

        if (Start is null)
        {
            return Duration!.Value.AddTo(from);
        }

        var (index, due) = FirstRepetitionNotBefore(from);
        return Repetitions is int count && index >= count ? Repetition(count - 1) : due;
    }

    /// <summary>
    /// For a cycle, when it is due after firing at <paramref name="previousDue"/>, having fired
    /// <paramref name="firedSoFar"/> times (including that firing); null when its repetitions are used up.
    /// Always null for duration and date timers, which fire once.
    /// </summary>
    public DateTimeOffset? NextDue(DateTimeOffset previousDue, int firedSoFar)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firedSoFar);
        if (Kind != TimerKind.Cycle || (Repetitions is int count && firedSoFar >= count))
        {
            return null;
        }

        var next = Duration!.Value.AddTo(previousDue);

        // A cycle with a start has a fixed last repetition, whatever was skipped before the timer existed.
        if (Start is not null && Repetitions is int bound && FirstRepetitionNotBefore(next).Index >= bound)
        {
            return null;
        }

        return next;
    }

    public override string ToString() => Text;

    /// <summary>The repetition with 0-based <paramref name="index"/> of a cycle with a start.</summary>
    private DateTimeOffset Repetition(int index)
    {
        var due = Start!.Value;
        for (var i = 0; i < index; i++)
        {
            due = Duration!.Value.AddTo(due);
        }

        return due;
    }

    /// <summary>The first repetition at or after <paramref name="instant"/> of a cycle with a start, and its 0-based
    /// index (which may be past the last repetition of a bounded cycle).</summary>
    private (long Index, DateTimeOffset Due) FirstRepetitionNotBefore(DateTimeOffset instant)
    {
        var start = Start!.Value;
        if (instant <= start)
        {
            return (0, start);
        }

        var interval = Duration!.Value;
        if (interval.Years == 0 && interval.Months == 0)
        {
            // Weeks, days and time parts have a fixed length on a fixed offset: jump straight there.
            var step = (interval.AddTo(start) - start).Ticks;
            var index = ((instant - start).Ticks + step - 1) / step;
            return (index, start.AddTicks(index * step));
        }

        // Month-based intervals are few per year; walk them (bounded by the repetition count, if any).
        long walked = 0;
        var due = start;
        while (due < instant && (Repetitions is not int count || walked < count))
        {
            due = interval.AddTo(due);
            walked++;
        }

        return (walked, due);
    }

    private static string? ReadCycle(string s, out TimerSpec? spec)
    {
        spec = null;
        string Fail(string problem) => $"'{s}' is not a valid timer cycle: {problem}";

        if (char.ToUpperInvariant(s[0]) != 'R')
        {
            if (s.Contains(' ', StringComparison.Ordinal) || s.StartsWith('@'))
            {
                return "cron cycles are not supported; use R[n]/[start/]duration " +
                       $"(e.g. R3/PT1H, R/P1D, R2/2026-01-05T09:00:00Z/P1D) instead of '{s}'.";
            }

            return char.ToUpperInvariant(s[0]) == 'P'
                ? Fail($"a cycle starts with a repetition count: R/{s} repeats without end, R3/{s} three times.")
                : Fail($"expected {CycleForm}, e.g. R3/PT1H.");
        }

        var parts = s.Split('/');
        int? repetitions = null;
        var count = parts[0][1..];
        if (count.Length > 0)
        {
            if (!count.All(char.IsAsciiDigit) || !int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return Fail($"'{parts[0]}' is not a repetition count; write R followed by a whole number (R3) or R alone for no end.");
            }

            if (n == 0)
            {
                return Fail("R0 never fires; the repetition count must be at least 1, or omitted (R/...) for no end.");
            }

            repetitions = n;
        }

        DateTimeOffset? start = null;
        string intervalText;
        switch (parts.Length)
        {
            case 2:
                intervalText = parts[1];
                break;
            case 3 when StartsWithP(parts[1]):
                return Fail($"a cycle with an end date (duration/end) is not supported; use {CycleForm}.");
            case 3:
                if (!StartsWithP(parts[2]))
                {
                    return Fail($"a cycle between two dates (start/end) is not supported; use {CycleForm}.");
                }

                if (!IsoDateTime.TryParse(parts[1], out var first, out var dateError))
                {
                    return Fail($"its start: {dateError}");
                }

                start = first;
                intervalText = parts[2];
                break;
            default:
                return Fail($"expected {CycleForm}, e.g. R3/PT1H or R2/2026-01-05T09:00:00Z/P1D.");
        }

        if (!IsoDuration.TryParse(intervalText, out var interval, out var durationError))
        {
            return Fail($"its interval: {durationError}");
        }

        if (interval.IsZero)
        {
            return Fail("the interval must be longer than zero.");
        }

        spec = new TimerSpec(TimerKind.Cycle, s, interval, null, start, repetitions);
        return null;
    }

    private static bool StartsWithP(string text) => text.Length > 0 && char.ToUpperInvariant(text[0]) == 'P';

    private static string Describe(TimerKind kind) => kind switch
    {
        TimerKind.Duration => "duration",
        TimerKind.Date => "date",
        _ => "cycle",
    };
}
