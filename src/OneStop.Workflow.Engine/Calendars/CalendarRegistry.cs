using System.Diagnostics.CodeAnalysis;

namespace OneStop.Workflow.Engine.Calendars;

/// <summary>
/// The working-day calendars a deployment knows, by id (the file name without <c>.json</c>, e.g. <c>cn-mainland</c>).
/// Scenarios name theirs with <c>onestop:calendar</c>; those that do not use <see cref="Default"/>.
/// </summary>
public sealed class CalendarRegistry
{
    /// <summary>The id of the calendar used when a scenario names none.</summary>
    public const string DefaultId = "mon-fri";

    private readonly SortedDictionary<string, WorkingDayCalendar> _byId = new(StringComparer.Ordinal);
    private readonly string? _origin;

    public CalendarRegistry(IEnumerable<WorkingDayCalendar> calendars)
        : this(calendars, null)
    {
    }

    private CalendarRegistry(IEnumerable<WorkingDayCalendar> calendars, string? origin)
    {
        ArgumentNullException.ThrowIfNull(calendars);
        _origin = origin;
        foreach (var calendar in calendars)
        {
            if (!_byId.TryAdd(calendar.Id, calendar))
            {
                throw new ArgumentException($"Two calendars have the id '{calendar.Id}'.", nameof(calendars));
            }
        }

        Default = _byId.TryGetValue(DefaultId, out var monFri) ? monFri : WorkingDayCalendar.MondayToFriday(TimeZoneInfo.Utc);
    }

    public IReadOnlyCollection<WorkingDayCalendar> All => _byId.Values;

    /// <summary>The <c>mon-fri</c> calendar when loaded, otherwise the built-in Monday-to-Friday calendar in UTC.</summary>
    public WorkingDayCalendar Default { get; }

    /// <summary>
    /// Loads every <c>*.json</c> file of <paramref name="directory"/> (other files, such as a README, are ignored).
    /// Every file is checked; the exception names each file at fault, not just the first.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="CalendarFormatException">A file is not a valid calendar.</exception>
    public static CalendarRegistry LoadDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var fullPath = Path.GetFullPath(directory);
        if (!Directory.Exists(fullPath))
        {
            throw new DirectoryNotFoundException($"The calendar directory '{fullPath}' does not exist.");
        }

        var calendars = new List<WorkingDayCalendar>();
        var failures = new List<CalendarFormatException>();
        var files = Directory.EnumerateFiles(fullPath)
            .Where(f => string.Equals(Path.GetExtension(f), ".json", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            try
            {
                calendars.Add(WorkingDayCalendar.Parse(File.ReadAllText(file), Path.GetFileNameWithoutExtension(file), file));
            }
            catch (CalendarFormatException e)
            {
                failures.Add(e);
            }
        }

        return failures.Count switch
        {
            0 => new CalendarRegistry(calendars, fullPath),
            1 => throw failures[0],
            _ => throw new CalendarFormatException(
                fullPath, null,
                $"{failures.Count} calendar files are not valid:{Environment.NewLine}" +
                string.Join(Environment.NewLine, failures.Select(f => "  " + f.Message)),
                new AggregateException(failures)),
        };
    }

    /// <exception cref="KeyNotFoundException">No calendar has that id; the message lists the known ids.</exception>
    public WorkingDayCalendar Get(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (_byId.TryGetValue(id, out var calendar))
        {
            return calendar;
        }

        var from = _origin is null ? "" : $" (loaded from {_origin})";
        var known = _byId.Count == 0 ? "none are loaded" : "known calendars: " + string.Join(", ", _byId.Keys);
        throw new KeyNotFoundException($"There is no working-day calendar '{id}'{from}; {known}.");
    }

    public bool TryGet(string id, [NotNullWhen(true)] out WorkingDayCalendar? calendar)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _byId.TryGetValue(id, out calendar);
    }

    /// <summary>The processes that name a working-day calendar that <paramref name="registry"/> (null: none is
    /// configured) does not hold, as validation problems on the process.</summary>
    public static IReadOnlyList<Bpmn.ValidationProblem> CheckNamedCalendars(IEnumerable<Bpmn.ProcessDefinition> processes, CalendarRegistry? registry) =>
        processes
            .Where(p => p.Calendar is { } id && (registry is null || !registry.TryGet(id, out _)))
            .Select(p => new Bpmn.ValidationProblem("process", p.Id, registry is null
                ? $"Names working-day calendar '{p.Calendar}', but no calendars are configured (no calendars folder was found)."
                : $"Unknown working-day calendar '{p.Calendar}'; known calendars: {string.Join(", ", registry.All.Select(c => c.Id))}.", p.Line))
            .ToList();
}
