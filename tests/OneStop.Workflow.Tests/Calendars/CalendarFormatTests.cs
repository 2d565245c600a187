using OneStop.Workflow.Engine.Calendars;

namespace OneStop.Workflow.Tests.Calendars;

public class CalendarFormatTests
{
    private static CalendarFormatException Refused(string json)
    {
        var ex = Assert.Throws<CalendarFormatException>(() => WorkingDayCalendar.Parse(json, "test"));
        Assert.Equal("test", ex.Calendar);
        Assert.StartsWith("Calendar 'test'", ex.Message);
        return ex;
    }

    private static string WithYear2025(string year) =>
        """{"timeZone": "Asia/Shanghai", "years": {"2025": """ + year + "}}";

    [Fact]
    public void Parse_ReadsDatesRangesWeekendAndName()
    {
        var calendar = WorkingDayCalendar.Parse("""
            {
              "name": "Gulf office",
              "timeZone": "Asia/Dubai",
              "weekend": ["saturday", "Sunday"],
              "years": {
                "2025": {
                  "source": "test",
                  "holidays": [{"date": "2025-12-02", "name": "National Day"}, {"from": "2025-12-29", "to": "2025-12-31", "name": "Year end"}],
                  "workdays": [{"date": "2025-12-27", "name": "Make-up"}]
                }
              }
            }
            """, "gulf");

        Assert.Equal("gulf", calendar.Id);
        Assert.Equal("Gulf office", calendar.Name);
        Assert.Equal("Asia/Dubai", calendar.TimeZone.Id);
        Assert.False(calendar.IsWorkingDay(new DateOnly(2025, 12, 2)));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2025, 12, 30)));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2025, 12, 27)));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2025, 12, 28)));
        Assert.Equal("Year end", calendar.Holidays[new DateOnly(2025, 12, 31)]);
        Assert.Equal(2025, calendar.FirstYear);
        Assert.Equal(2025, calendar.LastYear);
    }

    [Fact]
    public void Parse_DefaultsToSaturdaySundayWeekend_AndTheIdAsName()
    {
        var calendar = WorkingDayCalendar.Parse("""{"timeZone": "Etc/UTC"}""", "plain");
        Assert.Equal("plain", calendar.Name);
        Assert.Equal(new[] { DayOfWeek.Saturday, DayOfWeek.Sunday }.ToHashSet(), calendar.Weekend.ToHashSet());
    }

    [Fact]
    public void Parse_AFridaySaturdayWeekend_WorksOnSunday()
    {
        var calendar = WorkingDayCalendar.Parse("""{"timeZone": "Etc/UTC", "weekend": ["Friday", "Saturday"]}""", "fri-sat");
        Assert.True(calendar.IsWorkingDay(new DateOnly(2025, 3, 9)));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2025, 3, 7)));
    }

    [Fact]
    public void UnknownTimeZone_IsRefused()
    {
        var ex = Refused("""{"timeZone": "Asia/Beijing"}""");
        Assert.Equal("timeZone", ex.Field);
        Assert.Contains("'Asia/Beijing' is not a known time zone", ex.Message);
    }

    [Fact]
    public void MissingTimeZone_IsRefused()
    {
        Assert.Equal("timeZone", Refused("""{"name": "x"}""").Field);
    }

    [Fact]
    public void InvalidDate_IsRefused()
    {
        var ex = Refused(WithYear2025("""{"holidays": [{"date": "2025-01-01", "name": "a"}, {"date": "2025-02-30", "name": "b"}]}"""));
        Assert.Equal("years.2025.holidays[1].date", ex.Field);
        Assert.Contains("'2025-02-30' is not a valid date", ex.Message);
    }

    [Fact]
    public void DateInAnotherFormat_IsRefused()
    {
        var ex = Refused(WithYear2025("""{"holidays": [{"date": "2025/01/01", "name": "a"}]}"""));
        Assert.Contains("write yyyy-MM-dd", ex.Message);
    }

    [Fact]
    public void DateListedAsHolidayAndWorkday_IsRefused()
    {
        var ex = Refused(WithYear2025("""
            {"holidays": [{"from": "2025-01-25", "to": "2025-01-27", "name": "a"}],
             "workdays": [{"date": "2025-01-26", "name": "b"}]}
            """));
        Assert.Equal("years.2025.workdays[0].date", ex.Field);
        Assert.Contains("2025-01-26 is listed both as a holiday and as a workday (also at years.2025.holidays[0])", ex.Message);
    }

    [Fact]
    public void DateOutsideItsYearKey_IsRefused()
    {
        var ex = Refused(WithYear2025("""{"holidays": [{"from": "2025-12-31", "to": "2026-01-01", "name": "New Year"}]}"""));
        Assert.Equal("years.2025.holidays[0].to", ex.Field);
        Assert.Contains("2026-01-01 is outside 2025, the year it is listed under", ex.Message);
    }

    [Fact]
    public void DateListedTwice_IsRefused()
    {
        var ex = Refused(WithYear2025("""{"holidays": [{"from": "2025-05-01", "to": "2025-05-05", "name": "a"}, {"date": "2025-05-05", "name": "b"}]}"""));
        Assert.Equal("years.2025.holidays[1].date", ex.Field);
        Assert.Contains("2025-05-05 is listed twice", ex.Message);
    }

    [Fact]
    public void RangeEndingBeforeItStarts_IsRefused()
    {
        var ex = Refused(WithYear2025("""{"holidays": [{"from": "2025-05-05", "to": "2025-05-01", "name": "a"}]}"""));
        Assert.Equal("years.2025.holidays[0].to", ex.Field);
        Assert.Contains("2025-05-01 is before \"from\" 2025-05-05", ex.Message);
    }

    [Fact]
    public void MakeUpWorkdayOnAWeekday_IsRefused()
    {
        var ex = Refused(WithYear2025("""{"workdays": [{"date": "2025-01-27", "name": "a"}]}"""));
        Assert.Equal("years.2025.workdays[0].date", ex.Field);
        Assert.Contains("2025-01-27 is a Monday, already a working day", ex.Message);
    }

    [Fact]
    public void UnknownField_IsRefused_ListingTheAllowedOnes()
    {
        var ex = Refused(WithYear2025("""{"holiday": [{"date": "2025-01-01", "name": "a"}]}"""));
        Assert.Equal("years.2025.holiday", ex.Field);
        Assert.Contains("unknown field \"holiday\"; allowed here: holidays, workdays, source", ex.Message);
    }

    [Fact]
    public void FieldGivenTwice_IsRefused()
    {
        var ex = Refused("""{"timeZone": "Etc/UTC", "timeZone": "Asia/Shanghai"}""");
        Assert.Equal("timeZone", ex.Field);
        Assert.Contains("appears twice", ex.Message);
    }

    [Theory]
    [InlineData("""{"25": {}}""", "years.25", "'25' is not a year")]
    [InlineData("""{"2025": []}""", "years.2025", "must be an object")]
    [InlineData("""{"2025": {"holidays": {}}}""", "years.2025.holidays", "must be an array")]
    [InlineData("""{"2025": {"holidays": [{"date": "2025-01-01"}]}}""", "years.2025.holidays[0].name", "is required")]
    [InlineData("""{"2025": {"holidays": [{"name": "x"}]}}""", "years.2025.holidays[0]", "needs a \"date\"")]
    [InlineData("""{"2025": {"holidays": [{"from": "2025-01-01", "name": "x"}]}}""", "years.2025.holidays[0]", "needs both \"from\" and \"to\"")]
    [InlineData("""{"2025": {"holidays": [{"date": "2025-01-01", "from": "2025-01-01", "to": "2025-01-02", "name": "x"}]}}""", "years.2025.holidays[0]", "has both")]
    [InlineData("""{"2025": {"holidays": [{"date": 20250101, "name": "x"}]}}""", "years.2025.holidays[0].date", "must be a string, not the number 20250101")]
    public void MalformedYears_AreRefused(string years, string field, string expected)
    {
        var ex = Refused("""{"timeZone": "Etc/UTC", "years": """ + years + "}");
        Assert.Equal(field, ex.Field);
        Assert.Contains(expected, ex.Message);
    }

    [Theory]
    [InlineData("""["Caturday"]""", "weekend[0]", "'Caturday' is not a day of the week")]
    [InlineData("""["Sunday", "sunday"]""", "weekend[1]", "Sunday is listed twice")]
    [InlineData("""["Monday","Tuesday","Wednesday","Thursday","Friday","Saturday","Sunday"]""", "weekend", "lists all seven days")]
    [InlineData("\"Saturday\"", "weekend", "must be an array")]
    [InlineData("""["6"]""", "weekend[0]", "'6' is not a day of the week")]
    public void MalformedWeekend_IsRefused(string weekend, string field, string expected)
    {
        var ex = Refused("""{"timeZone": "Etc/UTC", "weekend": """ + weekend + "}");
        Assert.Equal(field, ex.Field);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void InvalidJson_IsRefused_WithItsLine()
    {
        var ex = Refused("{\n  \"timeZone\": \"Etc/UTC\",\n}");
        Assert.Null(ex.Field);
        Assert.Contains("not valid JSON at line 3", ex.Message);
    }

    [Fact]
    public void NonObjectDocument_IsRefused()
    {
        Assert.Contains("must be a JSON object, not an array", Refused("[]").Message);
    }
}
