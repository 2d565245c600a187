using OneStop.Workflow.Engine.Bpmn;
using OneStop.Workflow.Engine.Calendars;

namespace OneStop.Workflow.Tests.Calendars;

public class TimerSpecTests
{
    private static readonly DateTimeOffset Created = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private static string ParseError(TimerKind kind, string text)
    {
        Assert.False(TimerSpec.TryParse(kind, text, out var spec, out var error));
        Assert.Null(spec);
        Assert.NotNull(error);
        return error;
    }

    [Fact]
    public void Duration_IsDueOnceAfterTheDelay()
    {
        var spec = TimerSpec.Parse(TimerKind.Duration, "PT2H");

        Assert.Equal(TimerKind.Duration, spec.Kind);
        Assert.Equal(Created.AddHours(2), spec.FirstDue(Created));
        Assert.Null(spec.NextDue(Created.AddHours(2), 1));
        Assert.Null(spec.Repetitions);
    }

    [Fact]
    public void Date_WithOffset_IsDueAtThatInstant_WhenCreatedBeforeOrAfterIt()
    {
        var spec = TimerSpec.Parse(TimerKind.Date, "2026-01-05T09:00:00+08:00");

        var due = new DateTimeOffset(2026, 1, 5, 1, 0, 0, TimeSpan.Zero);
        Assert.Equal(due, spec.FirstDue(due.AddDays(-3)));
        Assert.Equal(due, spec.FirstDue(due.AddDays(3)));
        Assert.Null(spec.NextDue(due, 1));
    }

    [Theory]
    [InlineData("2026-01-05T01:00:00Z")]
    [InlineData("2026-01-05T01:00Z")]
    [InlineData("2026-01-05T09:00:00.000+08:00")]
    [InlineData("2026-01-05T09:00:00+0800")]
    [InlineData("2026-01-04T20:00:00-05:00")]
    public void Date_AcceptsIsoDateTimesWithAnOffset(string text)
    {
        var spec = TimerSpec.Parse(TimerKind.Date, text);
        Assert.Equal(new DateTimeOffset(2026, 1, 5, 1, 0, 0, TimeSpan.Zero), spec.Date);
    }

    [Fact]
    public void Date_WithoutOffset_IsRefused_SayingAnOffsetIsRequired()
    {
        var error = ParseError(TimerKind.Date, "2026-01-05T09:00:00");
        Assert.Contains("offset is required", error);
        Assert.Contains("2026-01-05T09:00:00+08:00", error);
    }

    [Theory]
    [InlineData("2026-01-05", "a time of day and a UTC offset are required")]
    [InlineData("2026-02-30T09:00:00Z", "2026-02-30 is not a calendar date")]
    [InlineData("2026-01-05T24:00:00Z", "time of day is out of range")]
    [InlineData("2026-01-05T09:00:00+15:00", "offset +15:00 is out of range")]
    [InlineData("next monday", "expected e.g. 2026-01-05T09:00:00+08:00")]
    public void Date_RefusesInvalidText(string text, string expected)
    {
        Assert.Contains(expected, ParseError(TimerKind.Date, text));
    }

    [Fact]
    public void Cycle_Bounded_FiresTheGivenNumberOfTimes_ThenEnds()
    {
        var spec = TimerSpec.Parse(TimerKind.Cycle, "R3/PT1H");
        Assert.Equal(3, spec.Repetitions);

        var fired = new List<DateTimeOffset>();
        DateTimeOffset? due = spec.FirstDue(Created);
        while (due is { } at)
        {
            fired.Add(at);
            due = spec.NextDue(at, fired.Count);
        }

        Assert.Equal([Created.AddHours(1), Created.AddHours(2), Created.AddHours(3)], fired);
    }

    [Fact]
    public void Cycle_Unbounded_NeverRunsOut()
    {
        var spec = TimerSpec.Parse(TimerKind.Cycle, "R/PT10M");

        Assert.Null(spec.Repetitions);
        Assert.Equal(Created.AddMinutes(10), spec.FirstDue(Created));
        Assert.Equal(Created.AddMinutes(20), spec.NextDue(Created.AddMinutes(10), 1));
        Assert.Equal(Created.AddMinutes(10_010), spec.NextDue(Created.AddMinutes(10_000), 1_000));
    }

    [Fact]
    public void Cycle_WithStart_IsFirstDueAtTheStart_ThenEveryInterval()
    {
        var spec = TimerSpec.Parse(TimerKind.Cycle, "R2/2026-01-05T09:00:00Z/P1D");
        var start = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

        Assert.Equal(start, spec.Start);
        Assert.Equal(2, spec.Repetitions);
        Assert.Equal(start, spec.FirstDue(start.AddDays(-10)));
        Assert.Equal(start.AddDays(1), spec.NextDue(start, 1));
        Assert.Null(spec.NextDue(start.AddDays(1), 2));
    }

    [Fact]
    public void Cycle_WithStartInThePast_SkipsMissedRepetitions_AndKeepsItsLastOne()
    {
        // Repetitions are Jan 5, 6 and 7 at 09:00; the timer is created at noon on Jan 5.
        var spec = TimerSpec.Parse(TimerKind.Cycle, "R3/2026-01-05T09:00:00Z/P1D");
        var createdLate = new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

        var first = spec.FirstDue(createdLate);
        Assert.Equal(new DateTimeOffset(2026, 1, 6, 9, 0, 0, TimeSpan.Zero), first);
        var second = spec.NextDue(first, 1);
        Assert.Equal(new DateTimeOffset(2026, 1, 7, 9, 0, 0, TimeSpan.Zero), second);
        Assert.Null(spec.NextDue(second!.Value, 2));
    }

    [Fact]
    public void Cycle_WhoseEveryRepetitionHasPassed_IsDueOnceAtItsLastRepetition()
    {
        var spec = TimerSpec.Parse(TimerKind.Cycle, "R2/2026-01-05T09:00:00Z/P1D");
        var muchLater = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

        var due = spec.FirstDue(muchLater);
        Assert.Equal(new DateTimeOffset(2026, 1, 6, 9, 0, 0, TimeSpan.Zero), due);
        Assert.Null(spec.NextDue(due, 1));
    }

    [Fact]
    public void Cycle_Unbounded_WithStartLongAgo_IsNextDueAtItsNextRepetition()
    {
        var spec = TimerSpec.Parse(TimerKind.Cycle, "R/2020-01-01T08:00:00+08:00/PT1H");
        var now = new DateTimeOffset(2026, 1, 5, 9, 30, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero), spec.FirstDue(now));
    }

    [Fact]
    public void Cycle_Monthly_AddsTheIntervalToThePreviousDueTime()
    {
        var spec = TimerSpec.Parse(TimerKind.Cycle, "R/P1M");
        var jan31 = new DateTimeOffset(2025, 1, 31, 9, 0, 0, TimeSpan.FromHours(8));

        var first = spec.FirstDue(jan31);
        Assert.Equal(new DateTimeOffset(2025, 2, 28, 9, 0, 0, TimeSpan.FromHours(8)), first);
        Assert.Equal(new DateTimeOffset(2025, 3, 28, 9, 0, 0, TimeSpan.FromHours(8)), spec.NextDue(first, 1));
    }

    [Fact]
    public void Cycle_Monthly_WithStart_EndsAfterItsRepetitions()
    {
        var spec = TimerSpec.Parse(TimerKind.Cycle, "R3/2026-01-15T09:00:00+08:00/P1M");
        var created = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.FromHours(8));

        var first = spec.FirstDue(created);
        Assert.Equal(new DateTimeOffset(2026, 2, 15, 9, 0, 0, TimeSpan.FromHours(8)), first);
        var second = spec.NextDue(first, 1);
        Assert.Equal(new DateTimeOffset(2026, 3, 15, 9, 0, 0, TimeSpan.FromHours(8)), second);
        Assert.Null(spec.NextDue(second!.Value, 2));
    }

    [Theory]
    [InlineData("0 0 9 * * ?")]
    [InlineData("0 */5 * * * *")]
    [InlineData("@daily")]
    public void Cycle_Cron_IsRefused_WithTheSupportedForm(string cron)
    {
        var error = ParseError(TimerKind.Cycle, cron);
        Assert.StartsWith("cron cycles are not supported; use R[n]/[start/]duration", error);
    }

    [Theory]
    [InlineData("PT1H", "a cycle starts with a repetition count: R/PT1H repeats without end")]
    [InlineData("R0/PT1H", "R0 never fires")]
    [InlineData("Rx/PT1H", "'Rx' is not a repetition count")]
    [InlineData("R3", "expected R[n]/[start/]duration")]
    [InlineData("R3/PT1H/PT2H/P1D", "expected R[n]/[start/]duration")]
    [InlineData("R/PT0S", "the interval must be longer than zero")]
    [InlineData("R3/P1H", "its interval: 'P1H' is not a valid ISO 8601 duration")]
    [InlineData("R2/PT1H/2026-01-06T09:00:00Z", "a cycle with an end date (duration/end) is not supported")]
    [InlineData("R2/2026-01-05T09:00:00Z/2026-01-06T09:00:00Z", "a cycle between two dates (start/end) is not supported")]
    [InlineData("R2/2026-01-05T09:00:00/P1D", "offset is required")]
    public void Cycle_RefusesInvalidText(string text, string expected)
    {
        Assert.Contains(expected, ParseError(TimerKind.Cycle, text));
    }

    [Theory]
    [InlineData(TimerKind.Duration)]
    [InlineData(TimerKind.Date)]
    [InlineData(TimerKind.Cycle)]
    public void Expressions_AreRefused_AsNotIsoText(TimerKind kind)
    {
        Assert.Contains("is an expression", ParseError(kind, "${reminderDelay}"));
    }

    [Fact]
    public void Empty_IsRefused()
    {
        Assert.Equal("The timer duration is empty.", ParseError(TimerKind.Duration, "  "));
    }

    [Fact]
    public void Parse_ThrowsFormatExceptionWithTheReason()
    {
        var ex = Assert.Throws<FormatException>(() => TimerSpec.Parse(TimerKind.Duration, "2 hours"));
        Assert.Contains("must start with P", ex.Message);
    }
}
