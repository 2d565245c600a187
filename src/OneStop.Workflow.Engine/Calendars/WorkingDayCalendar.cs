using System.Collections.Frozen;

namespace OneStop.Workflow.Engine.Calendars;

/// <summary>
/// Which days are working days for a government office: every day except the weekend days and declared public
/// holidays, plus declared make-up workdays (weekend days worked in exchange for a longer holiday).
/// Holidays are declared per year; for a date in a year that is not declared only the weekend applies —
/// <see cref="FirstYear"/> and <see cref="LastYear"/> let callers warn when a deadline reaches past them.
/// </summary>
public sealed class WorkingDayCalendar
{
    private readonly FrozenSet<DayOfWeek> _weekend;
    private readonly FrozenDictionary<DateOnly, string> _holidays;
    private readonly FrozenDictionary<DateOnly, string> _workdays;

    internal WorkingDayCalendar(
        string id, string name, TimeZoneInfo timeZone, IEnumerable<DayOfWeek> weekend,
        IDictionary<DateOnly, string> holidays, IDictionary<DateOnly, string> workdays, IReadOnlyCollection<int> years)
    {
        Id = id;
        Name = name;
        TimeZone = timeZone;
        _weekend = weekend.ToFrozenSet();
        _holidays = holidays.ToFrozenDictionary();
        _workdays = workdays.ToFrozenDictionary();
        FirstYear = years.Count > 0 ? years.Min() : null;
        LastYear = years.Count > 0 ? years.Max() : null;
    }

    public string Id { get; }

    public string Name { get; }

    /// <summary>The zone whose local dates are the calendar's days.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>The first year whose holidays are declared; null when none are.</summary>
    public int? FirstYear { get; }

    /// <summary>The last year whose holidays are declared; null when none are.</summary>
    public int? LastYear { get; }

    /// <summary>The days of the week that are not worked unless declared as make-up workdays.</summary>
    public IReadOnlySet<DayOfWeek> Weekend => _weekend;

    /// <summary>Declared public holidays, date → holiday name.</summary>
    public IReadOnlyDictionary<DateOnly, string> Holidays => _holidays;

    /// <summary>Declared make-up workdays (weekend days that are worked), date → reason.</summary>
    public IReadOnlyDictionary<DateOnly, string> Workdays => _workdays;

    /// <summary>The built-in fallback: Monday to Friday, no holidays.</summary>
    public static WorkingDayCalendar MondayToFriday(TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(timeZone);
        return new WorkingDayCalendar(
            "mon-fri", "Monday to Friday", timeZone, [DayOfWeek.Saturday, DayOfWeek.Sunday],
            new Dictionary<DateOnly, string>(), new Dictionary<DateOnly, string>(), []);
    }

    /// <summary>Reads a calendar from its JSON text (format: workflows/calendars/README.md).</summary>
    /// <exception cref="CalendarFormatException">The text is not a valid calendar; the message names the field and value.</exception>
    public static WorkingDayCalendar Parse(string json, string id) => CalendarJson.Read(json, id, id);

    /// <summary>Like <see cref="Parse(string, string)"/>, naming <paramref name="source"/> (a file path) in errors.</summary>
    internal static WorkingDayCalendar Parse(string json, string id, string source) => CalendarJson.Read(json, id, source);

    public bool IsWorkingDay(DateOnly date) =>
        _workdays.ContainsKey(date) || (!_holidays.ContainsKey(date) && !_weekend.Contains(date.DayOfWeek));

    /// <summary>
    /// The deadline of <paramref name="workingDays"/> working days counted from <paramref name="start"/>.
    /// As the Administrative Licensing Law counts periods, the day of <paramref name="start"/> (its local date in
    /// <see cref="TimeZone"/>) is not counted: counting begins the next day, and the period ends when the N-th
    /// working day ends — the following local midnight, returned with the calendar's UTC offset at that moment.
    /// Zero working days ends with the start's own day.
    /// </summary>
    public DateTimeOffset AddWorkingDays(DateTimeOffset start, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workingDays);
        var day = ZoneTime.LocalDate(start, TimeZone);
        for (var counted = 0; counted < workingDays;)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day))
            {
                counted++;
            }
        }

        return ZoneTime.StartOfDay(day.AddDays(1), TimeZone);
    }

    /// <summary>
    /// How many working days elapsed between two instants, for reporting: each working day in
    /// <see cref="TimeZone"/> counts by the share of it that lies between them (so Friday 18:00 to Monday 06:00 on
    /// a Monday-to-Friday calendar is 0.5). Negative when <paramref name="to"/> is before <paramref name="from"/>.
    /// Unlike <see cref="AddWorkingDays"/>, the part of the first day after <paramref name="from"/> is counted.
    /// </summary>
    public double WorkingDaysBetween(DateTimeOffset from, DateTimeOffset to)
    {
        if (to < from)
        {
            return -WorkingDaysBetween(to, from);
        }

        var lastDay = ZoneTime.LocalDate(to, TimeZone);
        var total = 0.0;
        var day = ZoneTime.LocalDate(from, TimeZone);
        var dayStart = ZoneTime.StartOfDay(day, TimeZone);
        while (day <= lastDay)
        {
            var next = day.AddDays(1);
            var dayEnd = ZoneTime.StartOfDay(next, TimeZone);
            if (IsWorkingDay(day))
            {
                var overlapStart = from > dayStart ? from : dayStart;
                var overlapEnd = to < dayEnd ? to : dayEnd;
                if (overlapEnd > overlapStart)
                {
                    // Days are 23 or 25 hours long across daylight-saving changes; each still counts as one day.
                    total += (double)(overlapEnd - overlapStart).Ticks / (dayEnd - dayStart).Ticks;
                }
            }

            day = next;
            dayStart = dayEnd;
        }

        return total;
    }

    /// <summary>
    /// Moves <paramref name="from"/> by working time, the inverse of <see cref="WorkingDaysBetween"/>: forward for a
    /// positive amount, backward for a negative one. Every working day in <see cref="TimeZone"/> holds one unit spread
    /// over its local hours (a 23- or 25-hour day across a daylight-saving change still holds one); other days hold
    /// none and are skipped. So <c>AddWorkingTime(x, WorkingDaysBetween(x, y)) == y</c> whenever y lies within a working
    /// day. Time that runs out exactly where a working day ends gives that end (the following local
    /// midnight, as <see cref="AddWorkingDays"/> gives), not the start of the next working day; moving backward, time that
    /// runs out where a working day starts gives that start.
    /// </summary>
    /// <remarks>Used where a part of a limit is measured off the deadline (the moment a task turns yellow) and where
    /// a deadline moves by a paused period or an extension.</remarks>
    public DateTimeOffset AddWorkingTime(DateTimeOffset from, double workingDays)
    {
        if (!double.IsFinite(workingDays))
        {
            throw new ArgumentOutOfRangeException(nameof(workingDays), workingDays, "Working time must be a finite number of working days.");
        }

        if (workingDays == 0)
        {
            return from;
        }

        return workingDays > 0 ? Forward(from, workingDays) : Backward(from, -workingDays);
    }

    private DateTimeOffset Forward(DateTimeOffset from, double remaining)
    {
        var day = ZoneTime.LocalDate(from, TimeZone);
        var dayStart = ZoneTime.StartOfDay(day, TimeZone);
        while (true)
        {
            var next = day.AddDays(1);
            var dayEnd = ZoneTime.StartOfDay(next, TimeZone);
            if (IsWorkingDay(day))
            {
                var start = from > dayStart ? from : dayStart;
                var length = (dayEnd - dayStart).Ticks;
                var available = (dayEnd - start).Ticks;

                // Compared in whole ticks, so that the rounding of a sum of day shares cannot push a moment that ends a
                // day into the next working day.
                var needed = (long)Math.Round(remaining * length, MidpointRounding.AwayFromZero);
                if (needed <= available)
                {
                    return ToCalendarOffset(start.AddTicks(needed));
                }

                remaining -= (double)available / length;
            }

            day = next;
            dayStart = dayEnd;
        }
    }

    private DateTimeOffset Backward(DateTimeOffset from, double remaining)
    {
        var day = ZoneTime.LocalDate(from, TimeZone);
        var dayEnd = ZoneTime.StartOfDay(day.AddDays(1), TimeZone);
        while (true)
        {
            var dayStart = ZoneTime.StartOfDay(day, TimeZone);
            if (IsWorkingDay(day))
            {
                var end = from < dayEnd ? from : dayEnd;
                var length = (dayEnd - dayStart).Ticks;
                var available = (end - dayStart).Ticks;
                var needed = (long)Math.Round(remaining * length, MidpointRounding.AwayFromZero);
                if (needed <= available)
                {
                    return ToCalendarOffset(end.AddTicks(-needed));
                }

                remaining -= (double)available / length;
            }

            day = day.AddDays(-1);
            dayEnd = dayStart;
        }
    }

    /// <summary>The instant with the calendar's UTC offset in force at that moment.</summary>
    private DateTimeOffset ToCalendarOffset(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, TimeZone);

    public override string ToString() => $"{Id} ({Name}, {TimeZone.Id})";
}
