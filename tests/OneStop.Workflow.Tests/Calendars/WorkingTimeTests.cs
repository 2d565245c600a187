using OneStop.Workflow.Engine.Calendars;

namespace OneStop.Workflow.Tests.Calendars;

/// <summary><see cref="WorkingDayCalendar.AddWorkingTime"/>: moving an instant by working time, the inverse of
/// <see cref="WorkingDayCalendar.WorkingDaysBetween"/>.</summary>
public class WorkingTimeTests
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private static WorkingDayCalendar CnMainland => ShippedCalendars.CnMainland;

    private static DateTimeOffset Shanghai(int year, int month, int day, int hour = 0, int minute = 0) =>
        new(year, month, day, hour, minute, 0, China);

    [Fact]
    public void WithinOneWorkingDay_MovesByThatShareOfTwentyFourHours()
    {
        Assert.Equal(Shanghai(2025, 3, 5, 15), CnMainland.AddWorkingTime(Shanghai(2025, 3, 5, 9), 0.25));
        Assert.Equal(Shanghai(2025, 3, 5, 3), CnMainland.AddWorkingTime(Shanghai(2025, 3, 5, 9), -0.25));
    }

    [Fact]
    public void Zero_ReturnsTheSameInstant()
    {
        var saturday = Shanghai(2025, 3, 8, 10);
        Assert.Equal(saturday, CnMainland.AddWorkingTime(saturday, 0));
    }

    [Fact]
    public void Forward_SkipsTheWeekend()
    {
        // Friday 18:00 has a quarter of Friday left; the weekend holds nothing; a quarter of Monday ends at 06:00.
        Assert.Equal(Shanghai(2025, 3, 10, 6), CnMainland.AddWorkingTime(Shanghai(2025, 3, 7, 18), 0.5));
    }

    [Fact]
    public void Backward_SkipsTheWeekend()
    {
        Assert.Equal(Shanghai(2025, 3, 7, 18), CnMainland.AddWorkingTime(Shanghai(2025, 3, 10, 6), -0.5));
    }

    [Fact]
    public void Forward_SkipsAPublicHoliday()
    {
        // Noon Tue 2025-09-30: half of it left; National Day Oct 1-8 holds nothing; half of Thu Oct 9 ends at noon.
        Assert.Equal(Shanghai(2025, 10, 9, 12), CnMainland.AddWorkingTime(Shanghai(2025, 9, 30, 12), 1.0));
    }

    [Fact]
    public void Forward_CountsAMakeUpWorkday()
    {
        // Sat 2025-10-11 is worked in exchange for National Day: Fri 10 noon + 1 working day is Sat 11 noon.
        Assert.Equal(Shanghai(2025, 10, 11, 12), CnMainland.AddWorkingTime(Shanghai(2025, 10, 10, 12), 1.0));
        // Sun 2025-10-12 is not: one more day from Sat noon runs into Monday.
        Assert.Equal(Shanghai(2025, 10, 13, 12), CnMainland.AddWorkingTime(Shanghai(2025, 10, 11, 12), 1.0));
    }

    [Fact]
    public void Backward_CountsAMakeUpWorkday_AndSkipsTheHoliday()
    {
        // From Tue 2025-05-06 06:00 back by 1.5: a quarter of Tue 6, the Labour Day holiday May 1-5 holds nothing,
        // all of Wed Apr 30, and a quarter of Tue Apr 29 → 18:00 on Apr 29.
        Assert.Equal(Shanghai(2025, 4, 29, 18), CnMainland.AddWorkingTime(Shanghai(2025, 5, 6, 6), -1.5));
        // Sun 2025-04-27 is a make-up workday: back from Mon 28 noon by one day ends on Sun 27 noon, not Fri 25.
        Assert.Equal(Shanghai(2025, 4, 27, 12), CnMainland.AddWorkingTime(Shanghai(2025, 4, 28, 12), -1.0));
    }

    [Fact]
    public void TimeRunningOutAtTheEndOfAWorkingDay_GivesThatEnd_NotTheNextWorkingDay()
    {
        // Friday 12:00 + 0.5 is Friday's end: midnight into Saturday, as AddWorkingDays ends a period.
        Assert.Equal(Shanghai(2025, 3, 8), CnMainland.AddWorkingTime(Shanghai(2025, 3, 7, 12), 0.5));
        // The end of a 5WD limit moved back by one working day is the start of its last day.
        Assert.Equal(Shanghai(2025, 3, 13), CnMainland.AddWorkingTime(Shanghai(2025, 3, 14), -1.0));
    }

    [Fact]
    public void FromANonWorkingMoment_StartsWithTheNextWorkingDay()
    {
        // Saturday morning + a quarter day: Monday 06:00. Backward from Sunday: Friday 18:00.
        Assert.Equal(Shanghai(2025, 3, 10, 6), CnMainland.AddWorkingTime(Shanghai(2025, 3, 8, 10), 0.25));
        Assert.Equal(Shanghai(2025, 3, 7, 18), CnMainland.AddWorkingTime(Shanghai(2025, 3, 9, 10), -0.25));
    }

    [Fact]
    public void WholeWorkingDaysFromTheEndOfADay_MatchAddWorkingDays()
    {
        // AddWorkingDays ends each period at a midnight; adding whole working days from there lands where a longer
        // period would have ended (an extension of a 5WD limit by 3 is an 8WD limit).
        var accepted = Shanghai(2025, 4, 25, 9);
        var fiveDays = CnMainland.AddWorkingDays(accepted, 5);
        Assert.Equal(CnMainland.AddWorkingDays(accepted, 8), CnMainland.AddWorkingTime(fiveDays, 3));
    }

    [Fact]
    public void Result_CarriesTheCalendarsOffset()
    {
        var fromUtc = new DateTimeOffset(2025, 3, 5, 1, 0, 0, TimeSpan.Zero); // 09:00 in Shanghai
        var moved = CnMainland.AddWorkingTime(fromUtc, 0.25);
        Assert.Equal(China, moved.Offset);
        Assert.Equal(Shanghai(2025, 3, 5, 15), moved);
    }

    public static TheoryData<string, string> Spans => new()
    {
        { "2025-04-25T09:00:00+08:00", "2025-05-06T13:30:00+08:00" }, // weekend, make-up Sunday, Labour Day
        { "2025-09-26T17:45:00+08:00", "2025-10-11T08:15:00+08:00" }, // make-up Sunday, National Day, make-up Saturday
        { "2026-02-12T10:00:00+08:00", "2026-02-28T23:59:59+08:00" }, // make-up Saturday, Spring Festival, make-up Saturday
        { "2025-12-31T23:00:00+08:00", "2026-01-05T07:07:07.1234567+08:00" }, // New Year, make-up Sunday Jan 4
        { "2025-03-05T09:00:00+08:00", "2025-03-05T09:00:00.0000001+08:00" }, // one tick
    };

    [Theory]
    [MemberData(nameof(Spans))]
    public void AddingTheWorkingTimeBetweenTwoInstants_LeadsFromOneToTheOther(string fromText, string toText)
    {
        var from = DateTimeOffset.Parse(fromText, System.Globalization.CultureInfo.InvariantCulture);
        var to = DateTimeOffset.Parse(toText, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(to, CnMainland.AddWorkingTime(from, CnMainland.WorkingDaysBetween(from, to)));
        Assert.Equal(from, CnMainland.AddWorkingTime(to, CnMainland.WorkingDaysBetween(to, from)));
    }

    [Fact]
    public void FromANonWorkingMoment_TheWayBackEndsAtTheNearestWorkingMoment()
    {
        // Saturday 10:00 to one tick into Monday is one tick of working time; one tick back from there is where Monday
        // begins, since the weekend holds no working time to go back into.
        var saturday = Shanghai(2025, 3, 8, 10);
        var mondayTick = Shanghai(2025, 3, 10).AddTicks(1);
        var between = CnMainland.WorkingDaysBetween(saturday, mondayTick);

        Assert.Equal(mondayTick, CnMainland.AddWorkingTime(saturday, between));
        Assert.Equal(Shanghai(2025, 3, 10), CnMainland.AddWorkingTime(mondayTick, -between));
    }

    [Fact]
    public void ManyRandomSpans_RoundTripToTheTick()
    {
        var random = new Random(20261121);
        var origin = Shanghai(2025, 1, 1);
        for (var i = 0; i < 500; i++)
        {
            var from = origin.AddTicks((long)(random.NextDouble() * TimeSpan.FromDays(700).Ticks));
            var to = from.AddTicks((long)(random.NextDouble() * TimeSpan.FromDays(60).Ticks));
            if (!CnMainland.IsWorkingDay(DateOnly.FromDateTime(to.ToOffset(China).DateTime)) ||
                !CnMainland.IsWorkingDay(DateOnly.FromDateTime(from.ToOffset(China).DateTime)))
                continue; // only instants within working days are reached exactly (elsewhere the nearest working moment is)
            Assert.Equal(to, CnMainland.AddWorkingTime(from, CnMainland.WorkingDaysBetween(from, to)));
            Assert.Equal(from, CnMainland.AddWorkingTime(to, -CnMainland.WorkingDaysBetween(from, to)));
        }
    }

    [Fact]
    public void AcrossADaylightSavingChange_EachWorkingDayStillHoldsOne()
    {
        // Berlin's Monday 2025-03-31 follows the change to summer time on Sunday 30; Friday 28 noon + 1 working day is
        // Monday noon (half of Friday, half of Monday), whatever the clocks did on Sunday.
        var berlin = WorkingDayCalendar.MondayToFriday(TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        var fridayNoon = new DateTimeOffset(2025, 3, 28, 12, 0, 0, TimeSpan.FromHours(1));
        var moved = berlin.AddWorkingTime(fridayNoon, 1.0);
        Assert.Equal(new DateTimeOffset(2025, 3, 31, 12, 0, 0, TimeSpan.FromHours(2)), moved);
        Assert.Equal(TimeSpan.FromHours(2), moved.Offset);
        Assert.Equal(fridayNoon, berlin.AddWorkingTime(moved, -1.0));
    }

    [Fact]
    public void NotANumber_IsAProgrammingError()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CnMainland.AddWorkingTime(Shanghai(2025, 3, 5), double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => CnMainland.AddWorkingTime(Shanghai(2025, 3, 5), double.PositiveInfinity));
    }
}
