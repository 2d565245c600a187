using OneStop.Workflow.Engine.Calendars;

namespace OneStop.Workflow.Tests.Calendars;

public sealed class CalendarRegistryTests : IDisposable
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "onestop-calendars-" + Guid.NewGuid().ToString("N"));

    public CalendarRegistryTests() => Directory.CreateDirectory(_scratch);

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public void LoadDirectory_LoadsTheShippedCalendars()
    {
        var registry = CalendarRegistry.LoadDirectory(ShippedCalendars.Directory);

        Assert.Equal(["cn-mainland", "mon-fri"], registry.All.Select(c => c.Id));
        Assert.Equal("mon-fri", registry.Default.Id);
        Assert.Equal("Etc/UTC", registry.Default.TimeZone.Id);
        Assert.Null(registry.Default.FirstYear);
        Assert.Equal("Mainland China", registry.Get("cn-mainland").Name);
        Assert.True(registry.TryGet("cn-mainland", out var calendar));
        Assert.Equal(2026, calendar!.LastYear);
    }

    [Fact]
    public void Get_UnknownId_ListsTheKnownIds()
    {
        var ex = Assert.Throws<KeyNotFoundException>(() => ShippedCalendars.All.Get("cn-hk"));
        Assert.Contains("no working-day calendar 'cn-hk'", ex.Message);
        Assert.Contains("known calendars: cn-mainland, mon-fri", ex.Message);
        Assert.False(ShippedCalendars.All.TryGet("cn-hk", out var missing));
        Assert.Null(missing);
    }

    [Fact]
    public void Default_WithoutMonFriFile_IsMondayToFridayInUtc()
    {
        File.WriteAllText(Path.Combine(_scratch, "cn-mainland.json"), File.ReadAllText(Path.Combine(ShippedCalendars.Directory, "cn-mainland.json")));
        var registry = CalendarRegistry.LoadDirectory(_scratch);

        Assert.Equal("mon-fri", registry.Default.Id);
        Assert.Equal(TimeZoneInfo.Utc, registry.Default.TimeZone);
        Assert.Equal(["cn-mainland"], registry.All.Select(c => c.Id));
    }

    [Fact]
    public void LoadDirectory_IgnoresFilesThatAreNotJson()
    {
        File.WriteAllText(Path.Combine(_scratch, "README.md"), "# not a calendar");
        File.WriteAllText(Path.Combine(_scratch, "office.json"), """{"timeZone": "Etc/UTC"}""");

        Assert.Equal(["office"], CalendarRegistry.LoadDirectory(_scratch).All.Select(c => c.Id));
    }

    [Fact]
    public void LoadDirectory_InvalidFile_NamesTheFileAndField()
    {
        var file = Path.Combine(_scratch, "broken.json");
        File.WriteAllText(file, """{"timeZone": "Mars/Olympus_Mons"}""");

        var ex = Assert.Throws<CalendarFormatException>(() => CalendarRegistry.LoadDirectory(_scratch));
        Assert.Equal(file, ex.Calendar);
        Assert.Equal("timeZone", ex.Field);
        Assert.Contains(file, ex.Message);
        Assert.Contains("'Mars/Olympus_Mons' is not a known time zone", ex.Message);
    }

    [Fact]
    public void LoadDirectory_SeveralInvalidFiles_NamesEachOne()
    {
        File.WriteAllText(Path.Combine(_scratch, "a.json"), "{");
        File.WriteAllText(Path.Combine(_scratch, "b.json"), """{"timeZone": "Etc/UTC", "weekend": ["Funday"]}""");

        var ex = Assert.Throws<CalendarFormatException>(() => CalendarRegistry.LoadDirectory(_scratch));
        Assert.Contains("2 calendar files are not valid", ex.Message);
        Assert.Contains(Path.Combine(_scratch, "a.json"), ex.Message);
        Assert.Contains(Path.Combine(_scratch, "b.json"), ex.Message);
        Assert.Contains("'Funday' is not a day of the week", ex.Message);
    }

    [Fact]
    public void LoadDirectory_MissingDirectory_SaysWhichOne()
    {
        var missing = Path.Combine(_scratch, "nowhere");
        var ex = Assert.Throws<DirectoryNotFoundException>(() => CalendarRegistry.LoadDirectory(missing));
        Assert.Contains(missing, ex.Message);
    }

    [Fact]
    public void Constructor_RefusesTwoCalendarsWithOneId()
    {
        var utc = WorkingDayCalendar.MondayToFriday(TimeZoneInfo.Utc);
        Assert.Throws<ArgumentException>(() => new CalendarRegistry([utc, WorkingDayCalendar.MondayToFriday(TimeZoneInfo.Utc)]));
        Assert.Same(utc, new CalendarRegistry([utc]).Default);
    }
}
