using OneStop.Workflow.Engine.Calendars;

namespace OneStop.Workflow.Tests.Calendars;

public class IsoDurationTests
{
    [Fact]
    public void TryParse_ReadsEveryPartInOrder()
    {
        Assert.True(IsoDuration.TryParse("P1Y2M3W4DT5H6M7.5S", out var duration, out var error));
        Assert.Null(error);
        Assert.Equal(new IsoDuration(1, 2, 3, 4, 5, 6, 7.5m), duration);
    }

    [Theory]
    [InlineData("P2W", 0, 0, 2, 0, 0, 0, "0")]
    [InlineData("PT0.5S", 0, 0, 0, 0, 0, 0, "0.5")]
    [InlineData("PT0,25S", 0, 0, 0, 0, 0, 0, "0.25")]
    [InlineData("P30D", 0, 0, 0, 30, 0, 0, "0")]
    [InlineData("PT2H", 0, 0, 0, 0, 2, 0, "0")]
    [InlineData("P1M", 0, 1, 0, 0, 0, 0, "0")]
    [InlineData("PT1M", 0, 0, 0, 0, 0, 1, "0")]
    [InlineData("P1DT12H", 0, 0, 0, 1, 12, 0, "0")]
    [InlineData("pt10m", 0, 0, 0, 0, 0, 10, "0")]
    [InlineData("  PT4H\n", 0, 0, 0, 0, 4, 0, "0")]
    public void TryParse_AcceptsValidDurations(string text, int y, int mo, int w, int d, int h, int mi, string s)
    {
        Assert.True(IsoDuration.TryParse(text, out var duration, out var error), error);
        Assert.Equal(new IsoDuration(y, mo, w, d, h, mi, decimal.Parse(s, System.Globalization.CultureInfo.InvariantCulture)), duration);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("2H", "must start with P")]
    [InlineData("P", "has no parts")]
    [InlineData("PT", "T must be followed by hours, minutes or seconds")]
    [InlineData("P1DT", "T must be followed by hours, minutes or seconds")]
    [InlineData("P1H", "H (hours/seconds) must come after T, e.g. PT1H")]
    [InlineData("PT1D", "D must come before T, e.g. P1D")]
    [InlineData("P1M1Y", "1Y is out of order or repeated")]
    [InlineData("PT1H2H", "2H is out of order or repeated")]
    [InlineData("PT1.5H", "only the seconds may have a fraction")]
    [InlineData("-P1D", "negative durations are not allowed")]
    [InlineData("P1D2", "the number 2 has no designator")]
    [InlineData("P1X", "'X' is not a duration designator")]
    [InlineData("PTH", "expected a number at position 3 but found 'H'")]
    [InlineData("P99999999999D", "99999999999D is too large")]
    [InlineData("PT1.S", "must be followed by digits")]
    public void TryParse_RefusesInvalidText_SayingWhatIsWrong(string text, string expected)
    {
        Assert.False(IsoDuration.TryParse(text, out _, out var error));
        Assert.NotNull(error);
        Assert.Contains(expected, error);
        if (text.Length > 0)
        {
            Assert.Contains($"'{text.Trim()}'", error);
        }
    }

    [Fact]
    public void Parse_ThrowsFormatExceptionWithTheReason()
    {
        var ex = Assert.Throws<FormatException>(() => IsoDuration.Parse("P1H"));
        Assert.Contains("must come after T", ex.Message);
    }

    [Fact]
    public void AddTo_OneMonthFromJanuary31_EndsOnTheLastDayOfFebruary()
    {
        var jan31 = new DateTimeOffset(2025, 1, 31, 10, 0, 0, TimeSpan.FromHours(8));
        Assert.Equal(new DateTimeOffset(2025, 2, 28, 10, 0, 0, TimeSpan.FromHours(8)), IsoDuration.Parse("P1M").AddTo(jan31));

        var leapJan31 = new DateTimeOffset(2024, 1, 31, 10, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2024, 2, 29, 10, 0, 0, TimeSpan.Zero), IsoDuration.Parse("P1M").AddTo(leapJan31));
    }

    [Fact]
    public void AddTo_YearsAndMonthsTogether_AreOneNumberOfMonths()
    {
        // 2024-02-29 + 13 months = 2025-03-29; adding a year first would clamp to Feb 28 and end on Mar 28.
        var leapDay = new DateTimeOffset(2024, 2, 29, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2025, 3, 29, 0, 0, 0, TimeSpan.Zero), IsoDuration.Parse("P1Y1M").AddTo(leapDay));
        Assert.Equal(new DateTimeOffset(2025, 2, 28, 0, 0, 0, TimeSpan.Zero), IsoDuration.Parse("P1Y").AddTo(leapDay));
    }

    [Fact]
    public void AddTo_AddsCalendarPartsThenTimeParts_KeepingTheOffset()
    {
        var start = new DateTimeOffset(2025, 12, 31, 22, 30, 0, TimeSpan.FromHours(-5));
        var due = IsoDuration.Parse("P1W1DT1H30M0.5S").AddTo(start);
        Assert.Equal(new DateTimeOffset(2026, 1, 9, 0, 0, 0, 500, TimeSpan.FromHours(-5)), due);
        Assert.Equal(TimeSpan.FromHours(-5), due.Offset);
    }

    [Fact]
    public void AddTo_HoursAreElapsedTime_AcrossMidnightAndMonthEnd()
    {
        var start = new DateTimeOffset(2025, 1, 31, 18, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2025, 2, 2, 6, 0, 0, TimeSpan.Zero), IsoDuration.Parse("PT36H").AddTo(start));
    }

    [Fact]
    public void AddTo_InZone_KeepsTheLocalTimeOfDayAcrossDaylightSaving()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        // Clocks go forward on 2025-03-30 in Berlin: +01:00 before, +02:00 after.
        var saturdayNoon = new DateTimeOffset(2025, 3, 29, 12, 0, 0, TimeSpan.FromHours(1));
        Assert.Equal(new DateTimeOffset(2025, 3, 30, 12, 0, 0, TimeSpan.FromHours(2)), IsoDuration.Parse("P1D").AddTo(saturdayNoon, berlin));
        // Elapsed hours are not stretched: 24 hours later the clock shows 13:00.
        Assert.Equal(new DateTimeOffset(2025, 3, 30, 13, 0, 0, TimeSpan.FromHours(2)), IsoDuration.Parse("PT24H").AddTo(saturdayNoon, berlin));
    }

    [Theory]
    [InlineData("P1Y2M3W4DT5H6M7.5S", "P1Y2M3W4DT5H6M7.5S")]
    [InlineData("P2W", "P2W")]
    [InlineData("PT0.50S", "PT0.5S")]
    [InlineData("pt2h", "PT2H")]
    [InlineData("P0D", "PT0S")]
    [InlineData("P0Y0M1DT0H", "P1D")]
    public void ToString_IsCanonicalIsoText(string text, string canonical)
    {
        var duration = IsoDuration.Parse(text);
        Assert.Equal(canonical, duration.ToString());
        Assert.Equal(duration, IsoDuration.Parse(duration.ToString()));
    }

    [Fact]
    public void IsZero_OnlyWhenEveryPartIsZero()
    {
        Assert.True(IsoDuration.Parse("PT0S").IsZero);
        Assert.True(default(IsoDuration).IsZero);
        Assert.False(IsoDuration.Parse("PT0.001S").IsZero);
        Assert.False(IsoDuration.Parse("P1W").IsZero);
    }
}
