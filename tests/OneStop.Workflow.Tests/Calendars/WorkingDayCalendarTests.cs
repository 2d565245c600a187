using OneStop.Workflow.Engine.Calendars;

namespace OneStop.Workflow.Tests.Calendars;

public class WorkingDayCalendarTests
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private static WorkingDayCalendar CnMainland => ShippedCalendars.CnMainland;

    private static DateTimeOffset Shanghai(int year, int month, int day, int hour = 0, int minute = 0) =>
        new(year, month, day, hour, minute, 0, China);

    [Fact]
    public void FiveWorkingDays_SkipTheWeekend()
    {
        // Accepted Thu 2025-03-06 (not counted). Fri 7 (1), Sat/Sun skipped, Mon 10 (2), Tue 11 (3),
        // Wed 12 (4), Thu 13 (5) → the limit ends as Thu 13 ends: midnight into Fri 2025-03-14.
        Assert.Equal(Shanghai(2025, 3, 14), CnMainland.AddWorkingDays(Shanghai(2025, 3, 6, 15), 5));
    }

    [Fact]
    public void FiveWorkingDays_SkipLabourDay2025()
    {
        // Accepted Tue 2025-04-29. Wed 30 (1), Thu 1 – Mon 5 May Labour Day, Tue 6 (2), Wed 7 (3), Thu 8 (4),
        // Fri 9 (5) → ends at midnight into Sat 2025-05-10.
        Assert.Equal(Shanghai(2025, 5, 10), CnMainland.AddWorkingDays(Shanghai(2025, 4, 29, 15), 5));
    }

    [Fact]
    public void FiveWorkingDays_CountTheMakeUpSundayBeforeLabourDay2025()
    {
        // Accepted Fri 2025-04-25. Sat 26 is off, Sun 27 is a make-up workday (1), Mon 28 (2), Tue 29 (3),
        // Wed 30 (4), Thu 1 – Mon 5 May Labour Day, Tue 6 (5) → ends at midnight into Wed 2025-05-07.
        Assert.Equal(Shanghai(2025, 5, 7), CnMainland.AddWorkingDays(Shanghai(2025, 4, 25, 9), 5));
    }

    [Fact]
    public void AcceptedLateOnFridayEvening_CountingStartsOnMonday()
    {
        // Fri 2025-03-07 23:30 in Shanghai is still Friday, the day of acceptance: Mon 10 is day 1.
        Assert.Equal(Shanghai(2025, 3, 11), CnMainland.AddWorkingDays(Shanghai(2025, 3, 7, 23, 30), 1));
    }

    [Fact]
    public void AcceptedOnAHoliday_CountingStartsWithTheNextWorkingDay()
    {
        // Fri 2025-10-03 is in the National Day holiday (Oct 1-8). Thu 9 (1), Fri 10 (2),
        // Sat 11 make-up workday (3) → ends at midnight into Sun 2025-10-12.
        Assert.Equal(Shanghai(2025, 10, 12), CnMainland.AddWorkingDays(Shanghai(2025, 10, 3, 10), 3));
    }

    [Fact]
    public void StartInUtc_IsCountedOnTheCalendarsLocalDate()
    {
        // 2025-03-06T16:30Z is Thursday in UTC but 00:30 on Friday 2025-03-07 in Shanghai: Friday is the day of
        // acceptance, so one working day is Mon 10 and the limit ends at 2025-03-11T00:00+08:00 (= Mar 10 16:00Z).
        var start = new DateTimeOffset(2025, 3, 6, 16, 30, 0, TimeSpan.Zero);
        var due = CnMainland.AddWorkingDays(start, 1);
        Assert.Equal(Shanghai(2025, 3, 11), due);
        Assert.Equal(China, due.Offset);
        Assert.Equal(new DateTimeOffset(2025, 3, 10, 16, 0, 0, TimeSpan.Zero), due.ToUniversalTime());

        // Counted on a UTC calendar the same instant is a Thursday acceptance: Fri 7 is day 1.
        var utc = WorkingDayCalendar.MondayToFriday(TimeZoneInfo.Utc);
        Assert.Equal(new DateTimeOffset(2025, 3, 8, 0, 0, 0, TimeSpan.Zero), utc.AddWorkingDays(start, 1));
    }

    [Fact]
    public void ZeroWorkingDays_EndWithTheDayOfAcceptance()
    {
        Assert.Equal(Shanghai(2025, 3, 8), CnMainland.AddWorkingDays(Shanghai(2025, 3, 7, 9), 0));
    }

    [Fact]
    public void NegativeWorkingDays_AreAProgrammingError()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CnMainland.AddWorkingDays(Shanghai(2025, 3, 7), -1));
    }

    [Fact]
    public void Deadline_CarriesTheOffsetInForceAtItsMidnight()
    {
        // Berlin moves from +01:00 to +02:00 on Sun 2025-03-30. Accepted Fri 28: Mon 31 is day 1 and ends at
        // midnight into Tue 1 April, which is already summer time.
        var berlin = WorkingDayCalendar.MondayToFriday(TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        var due = berlin.AddWorkingDays(new DateTimeOffset(2025, 3, 28, 10, 0, 0, TimeSpan.FromHours(1)), 1);
        Assert.Equal(new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.FromHours(2)), due);
        Assert.Equal(TimeSpan.FromHours(2), due.Offset);
    }

    [Fact]
    public void YearsWithoutDeclaredHolidays_CountOnlyWeekends()
    {
        // 2027 is not declared: Fri 2027-01-01 counts as a working day although it is New Year's Day.
        // Accepted Thu 2026-12-31: Fri 1 Jan (1), Mon 4 Jan (2) → ends at midnight into Tue 2027-01-05.
        Assert.Equal(2025, CnMainland.FirstYear);
        Assert.Equal(2026, CnMainland.LastYear);
        Assert.True(CnMainland.IsWorkingDay(new DateOnly(2027, 1, 1)));
        Assert.Equal(Shanghai(2027, 1, 5), CnMainland.AddWorkingDays(Shanghai(2026, 12, 31, 10), 2));
    }

    [Fact]
    public void MondayToFriday_HasNoDeclaredYears()
    {
        var calendar = WorkingDayCalendar.MondayToFriday(TimeZoneInfo.Utc);
        Assert.Equal("mon-fri", calendar.Id);
        Assert.Null(calendar.FirstYear);
        Assert.Null(calendar.LastYear);
        Assert.True(calendar.IsWorkingDay(new DateOnly(2025, 1, 1)));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2025, 1, 4)));
    }

    [Fact]
    public void WorkingDaysBetween_CountsTheShareOfEachWorkingDay()
    {
        var utc = WorkingDayCalendar.MondayToFriday(TimeZoneInfo.Utc);
        var fridayEvening = new DateTimeOffset(2025, 3, 7, 18, 0, 0, TimeSpan.Zero);
        var mondayMorning = new DateTimeOffset(2025, 3, 10, 6, 0, 0, TimeSpan.Zero);

        // A quarter of Friday and a quarter of Monday; the weekend counts nothing.
        Assert.Equal(0.5, utc.WorkingDaysBetween(fridayEvening, mondayMorning), 9);
        Assert.Equal(-0.5, utc.WorkingDaysBetween(mondayMorning, fridayEvening), 9);
        Assert.Equal(0, utc.WorkingDaysBetween(fridayEvening, fridayEvening));
        Assert.Equal(5, utc.WorkingDaysBetween(mondayMorning, mondayMorning.AddDays(7)), 9);
    }

    [Fact]
    public void WorkingDaysBetween_SkipsHolidays_AndIsMeasuredInTheCalendarsZone()
    {
        // Noon Tue 2025-09-30 to noon Thu 2025-10-09 in Shanghai: half of Sep 30, the holiday Oct 1-8 counts nothing,
        // half of Oct 9. The instants are given in UTC (04:00Z is noon in Shanghai).
        var from = new DateTimeOffset(2025, 9, 30, 4, 0, 0, TimeSpan.Zero);
        var to = new DateTimeOffset(2025, 10, 9, 4, 0, 0, TimeSpan.Zero);
        Assert.Equal(1.0, CnMainland.WorkingDaysBetween(from, to), 9);
    }

    [Fact]
    public void WorkingDaysBetween_AcceptanceAndDeadline_IsTheLimitPlusTheRestOfTheFirstDay()
    {
        var start = Shanghai(2025, 3, 5, 18);
        var due = CnMainland.AddWorkingDays(start, 5);
        Assert.Equal(5.25, CnMainland.WorkingDaysBetween(start, due), 9);
    }

    [Theory]
    [InlineData("2025-01-01", false)] // New Year's Day, Wednesday
    [InlineData("2025-01-26", true)]  // Sunday, Spring Festival make-up workday
    [InlineData("2025-01-27", true)]
    [InlineData("2025-01-28", false)] // Spring Festival Jan 28 - Feb 4
    [InlineData("2025-02-04", false)]
    [InlineData("2025-02-05", true)]
    [InlineData("2025-02-08", true)]  // Saturday, make-up workday
    [InlineData("2025-04-04", false)] // Qingming Apr 4-6
    [InlineData("2025-04-07", true)]
    [InlineData("2025-04-27", true)]  // Sunday, Labour Day make-up workday
    [InlineData("2025-05-05", false)] // Labour Day May 1-5
    [InlineData("2025-05-06", true)]
    [InlineData("2025-06-02", false)] // Dragon Boat May 31 - Jun 2
    [InlineData("2025-09-28", true)]  // Sunday, National Day make-up workday
    [InlineData("2025-10-08", false)] // National Day and Mid-Autumn Oct 1-8
    [InlineData("2025-10-11", true)]  // Saturday, make-up workday
    [InlineData("2025-10-12", false)] // ordinary Sunday
    [InlineData("2026-01-02", false)] // New Year Jan 1-3
    [InlineData("2026-01-04", true)]  // Sunday, make-up workday
    [InlineData("2026-02-14", true)]  // Saturday, Spring Festival make-up workday
    [InlineData("2026-02-16", false)] // Spring Festival Feb 15-23
    [InlineData("2026-02-23", false)]
    [InlineData("2026-02-24", true)]
    [InlineData("2026-02-28", true)]  // Saturday, make-up workday
    [InlineData("2026-04-06", false)] // Qingming Apr 4-6
    [InlineData("2026-05-05", false)] // Labour Day May 1-5
    [InlineData("2026-05-09", true)]  // Saturday, make-up workday
    [InlineData("2026-06-19", false)] // Dragon Boat Jun 19-21
    [InlineData("2026-09-20", true)]  // Sunday, National Day make-up workday
    [InlineData("2026-09-25", false)] // Mid-Autumn Sep 25-27
    [InlineData("2026-09-28", true)]
    [InlineData("2026-10-07", false)] // National Day Oct 1-7
    [InlineData("2026-10-08", true)]
    [InlineData("2026-10-10", true)]  // Saturday, make-up workday
    public void CnMainland_FollowsTheStateCouncilNotices(string date, bool working)
    {
        Assert.Equal(working, CnMainland.IsWorkingDay(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void CnMainland_DeclaresEveryAnnouncedDay()
    {
        // 2025: 1 + 8 + 3 + 5 + 3 + 8 = 28 days off, 5 make-up workdays.
        // 2026: 3 + 9 + 3 + 5 + 3 + 3 + 7 = 33 days off, 6 make-up workdays.
        Assert.Equal(28, CnMainland.Holidays.Keys.Count(d => d.Year == 2025));
        Assert.Equal(5, CnMainland.Workdays.Keys.Count(d => d.Year == 2025));
        Assert.Equal(33, CnMainland.Holidays.Keys.Count(d => d.Year == 2026));
        Assert.Equal(6, CnMainland.Workdays.Keys.Count(d => d.Year == 2026));
        Assert.All(CnMainland.Workdays.Keys, d => Assert.Contains(d.DayOfWeek, new[] { DayOfWeek.Saturday, DayOfWeek.Sunday }));
        Assert.Equal("Spring Festival", CnMainland.Holidays[new DateOnly(2026, 2, 20)]);
        Assert.Equal("Asia/Shanghai", CnMainland.TimeZone.Id);
    }
}
