namespace OneStop.Workflow.Engine.Calendars;

/// <summary>A calendar file that cannot be used: names the calendar (or file), the field and the value at fault.</summary>
public sealed class CalendarFormatException : Exception
{
    public CalendarFormatException(string calendar, string? field, string problem, Exception? innerException = null)
        : base(field is null ? $"Calendar '{calendar}': {problem}" : $"Calendar '{calendar}', field '{field}': {problem}", innerException)
    {
        Calendar = calendar;
        Field = field;
        Problem = problem;
    }

    /// <summary>The calendar id, or the path of the file it was read from.</summary>
    public string Calendar { get; }

    /// <summary>The JSON path of the field at fault (e.g. <c>years.2025.holidays[2].date</c>); null for the whole document.</summary>
    public string? Field { get; }

    /// <summary>What is wrong, without the calendar and field.</summary>
    public string Problem { get; }
}
