using OneStop.Workflow.Engine.Calendars;

namespace OneStop.Workflow.Tests.Calendars;

public class TimeLimitTests
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    [Theory]
    [InlineData("5WD", 5)]
    [InlineData("20wd", 20)]
    [InlineData(" 45WD ", 45)]
    [InlineData("10 WD", 10)]
    public void TryParse_ReadsWorkingDays(string text, int days)
    {
        Assert.True(TimeLimit.TryParse(text, out var limit, out var error), error);
        Assert.Equal(days, limit!.WorkingDays);
        Assert.Null(limit.Duration);
        Assert.Null(limit.FixedDate);
        Assert.Equal(text.Trim(), limit.Text);
    }

    [Theory]
    [InlineData("P30D")]
    [InlineData("PT4H")]
    [InlineData("P1M")]
    public void TryParse_ReadsDurations(string text)
    {
        Assert.True(TimeLimit.TryParse(text, out var limit, out var error), error);
        Assert.Equal(IsoDuration.Parse(text), limit!.Duration);
        Assert.Null(limit.WorkingDays);
        Assert.Null(limit.FixedDate);
    }

    [Fact]
    public void TryParse_ReadsAFixedDueDate()
    {
        Assert.True(TimeLimit.TryParse("2026-01-05T17:00:00+08:00", out var limit, out var error), error);
        Assert.Equal(new DateTimeOffset(2026, 1, 5, 17, 0, 0, China), limit!.FixedDate);
        Assert.Null(limit.WorkingDays);
        Assert.Null(limit.Duration);
    }

    [Theory]
    [InlineData("", "The time limit is empty")]
    [InlineData("0WD", "must be at least 1WD")]
    [InlineData("99999999999WD", "too large")]
    [InlineData("WD", "expected working days (e.g. 20WD)")]
    [InlineData("5 days", "expected working days (e.g. 20WD)")]
    [InlineData("5D", "expected working days (e.g. 20WD)")]
    [InlineData("P0D", "the duration must be longer than zero")]
    [InlineData("P5X", "'X' is not a duration designator")]
    [InlineData("2026-01-05T17:00:00", "offset is required")]
    [InlineData("2026-01-05", "a time of day and a UTC offset are required")]
    [InlineData("${dueDate}", "expressions are not supported here")]
    public void TryParse_RefusesInvalidText_SayingWhatIsWrong(string text, string expected)
    {
        Assert.False(TimeLimit.TryParse(text, out var limit, out var error));
        Assert.Null(limit);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void DueFrom_WorkingDays_CountsOnTheCalendar()
    {
        // Accepted Wednesday 2025-03-05 on cn-mainland (no holidays in March). Not counting the day of acceptance:
        // Thu 6 (1), Fri 7 (2), weekend skipped, Mon 10 (3), Tue 11 (4), Wed 12 (5) → ends at midnight into Thu 13.
        var start = new DateTimeOffset(2025, 3, 5, 10, 0, 0, China);
        Assert.Equal(new DateTimeOffset(2025, 3, 13, 0, 0, 0, China), TimeLimit.Parse("5WD").DueFrom(start, ShippedCalendars.CnMainland));
    }

    [Fact]
    public void DueFrom_TwentyWorkingDays_AcrossSpringFestival2026_CountsBothMakeUpSaturdays()
    {
        // Accepted Thu 2026-02-12. Fri 13 (1), Sat 14 make-up workday (2), Sun 15 – Mon 23 Spring Festival,
        // Tue 24 (3), Wed 25 (4), Thu 26 (5), Fri 27 (6), Sat 28 make-up workday (7), Mon 2 – Fri 6 March (8-12),
        // Mon 9 – Fri 13 (13-17), Mon 16 (18), Tue 17 (19), Wed 18 (20) → ends at midnight into Thu 2026-03-19.
        var start = new DateTimeOffset(2026, 2, 12, 10, 0, 0, China);
        Assert.Equal(new DateTimeOffset(2026, 3, 19, 0, 0, 0, China), TimeLimit.Parse("20WD").DueFrom(start, ShippedCalendars.CnMainland));
    }

    [Fact]
    public void DueFrom_Duration_IsAddedInTheCalendarsTimeZone()
    {
        // 2025-01-31T10:00Z is 18:00 on Jan 31 in Shanghai; one month later is 18:00 on Feb 28 there.
        var start = new DateTimeOffset(2025, 1, 31, 10, 0, 0, TimeSpan.Zero);
        var due = TimeLimit.Parse("P1M").DueFrom(start, ShippedCalendars.CnMainland);
        Assert.Equal(new DateTimeOffset(2025, 2, 28, 18, 0, 0, China), due);
        Assert.Equal(China, due.Offset);

        Assert.Equal(start.AddHours(4), TimeLimit.Parse("PT4H").DueFrom(start, ShippedCalendars.CnMainland));
        Assert.Equal(start.AddDays(30), TimeLimit.Parse("P30D").DueFrom(start, ShippedCalendars.CnMainland));
    }

    [Fact]
    public void DueFrom_FixedDate_IgnoresTheStart()
    {
        var limit = TimeLimit.Parse("2026-01-05T17:00:00+08:00");
        var calendar = WorkingDayCalendar.MondayToFriday(TimeZoneInfo.Utc);
        Assert.Equal(limit.FixedDate, limit.DueFrom(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero), calendar));
        Assert.Equal(limit.FixedDate, limit.DueFrom(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero), calendar));
    }
}
