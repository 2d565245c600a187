using OneStop.Workflow.Engine.Calendars;

namespace OneStop.Workflow.Tests.Calendars;

/// <summary>The calendars shipped in the repository's workflows/calendars folder, read from the source tree.</summary>
internal static class ShippedCalendars
{
    private static readonly Lazy<CalendarRegistry> Registry = new(() => CalendarRegistry.LoadDirectory(Directory));

    public static string Directory => Path.Combine(RepositoryRoot(), "workflows", "calendars");

    public static CalendarRegistry All => Registry.Value;

    public static WorkingDayCalendar CnMainland => Registry.Value.Get("cn-mainland");

    public static WorkingDayCalendar MonFri => Registry.Value.Get("mon-fri");

    /// <summary>The folder holding OneStop.Workflow.sln, found by walking up from the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OneStop.Workflow.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains OneStop.Workflow.sln.");
    }
}
