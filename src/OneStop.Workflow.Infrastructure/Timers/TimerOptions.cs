using System.Globalization;
using Microsoft.Extensions.Configuration;
using OneStop.Workflow.Infrastructure.Persistence;

namespace OneStop.Workflow.Infrastructure.Timers;

/// <summary>How timers are woken: the "Timers" section of appsettings.json.</summary>
/// <param name="Enabled">Whether this node wakes timers at all. A node that does not still schedules nothing and fires
/// nothing; its commands' timers are woken by the other nodes (or at its next start with timers on).</param>
/// <param name="SweepInterval">How often the node looks for timer rows that are due and were not fired (their trigger was
/// lost, or its scheduling failed) and fires them.</param>
/// <param name="MaxConcurrentFirings">How many timers one node fires at the same time (Quartz's thread pool).</param>
/// <param name="Clustered">Whether Quartz runs clustered (several nodes share the triggers). Null: clustered on PostgreSQL,
/// not on SQLite, whose file only one server uses.</param>
/// <param name="ClusterCheckinInterval">Clustered: how often a node records that it is alive.</param>
/// <param name="ClusterCheckinMisfireThreshold">Clustered: how long past a missed check-in the other nodes wait before they
/// take over a node's triggers and the firings it had begun.</param>
/// <param name="NodeId">This node's id among the nodes of a cluster (Quartz's instance id); null generates one.</param>
public sealed record TimerOptions(
    bool Enabled = true,
    TimeSpan? SweepInterval = null,
    int MaxConcurrentFirings = 4,
    bool? Clustered = null,
    TimeSpan? ClusterCheckinInterval = null,
    TimeSpan? ClusterCheckinMisfireThreshold = null,
    string? NodeId = null)
{
    public const string SectionName = "Timers";

    public static readonly TimeSpan DefaultSweepInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultClusterCheckinInterval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultClusterCheckinMisfireThreshold = TimeSpan.FromSeconds(10);

    public TimeSpan Sweep => SweepInterval ?? DefaultSweepInterval;

    public bool IsClusteredOn(DatabaseOptions database) => Clustered ?? database.IsPostgreSql;

    /// <summary>Reads and checks the "Timers" section; every key is optional.</summary>
    public static TimerOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var options = new TimerOptions(
            Enabled: Bool(section, "Enabled") ?? true,
            SweepInterval: Duration(section, "SweepInterval"),
            MaxConcurrentFirings: Int(section, "MaxConcurrentFirings") ?? 4,
            Clustered: Bool(section, "Clustered"),
            ClusterCheckinInterval: Duration(section, "ClusterCheckinInterval"),
            ClusterCheckinMisfireThreshold: Duration(section, "ClusterCheckinMisfireThreshold"),
            NodeId: section["NodeId"] is { Length: > 0 } node ? node : null);
        options.EnsureValid();
        return options;
    }

    /// <summary>Checks the values, and that the database can carry them.</summary>
    public void EnsureValid(DatabaseOptions? database = null)
    {
        if (Sweep <= TimeSpan.Zero || Sweep > TimeSpan.FromHours(1))
            throw Invalid("SweepInterval", $"must be longer than zero and at most one hour (it is the safety net for lost triggers), not {Sweep}", "\"00:00:30\"");
        if (MaxConcurrentFirings is < 1 or > 256)
            throw Invalid("MaxConcurrentFirings", $"must be between 1 and 256, not {MaxConcurrentFirings}", "4");
        if (ClusterCheckinInterval is { } interval && (interval < TimeSpan.FromSeconds(1) || interval > TimeSpan.FromMinutes(5)))
            throw Invalid("ClusterCheckinInterval", $"must be between one second and five minutes, not {interval}", "\"00:00:05\"");
        if (ClusterCheckinMisfireThreshold is { } threshold && (threshold < TimeSpan.FromSeconds(1) || threshold > TimeSpan.FromMinutes(5)))
            throw Invalid("ClusterCheckinMisfireThreshold", $"must be between one second and five minutes (a dead node's work waits that long), not {threshold}", "\"00:00:10\"");
        if (database is not null && Clustered == true && database.IsSqlite)
            throw Invalid("Clustered", "is true, but the database is SQLite, a file that one server uses; cluster on PostgreSQL", "false");
    }

    private static InvalidOperationException Invalid(string key, string problem, string example) =>
        new($"Configuration '{SectionName}:{key}' {problem}; for example {example}.");

    private static bool? Bool(IConfigurationSection section, string key) =>
        section[key] switch
        {
            null or "" => null,
            var text when bool.TryParse(text, out var value) => value,
            var text => throw Invalid(key, $"must be true or false, not '{text}'", "true"),
        };

    private static int? Int(IConfigurationSection section, string key) =>
        section[key] switch
        {
            null or "" => null,
            var text when int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) => value,
            var text => throw Invalid(key, $"must be a whole number, not '{text}'", "4"),
        };

    private static TimeSpan? Duration(IConfigurationSection section, string key) =>
        section[key] switch
        {
            null or "" => null,
            // "30" would parse as thirty days: only the hours:minutes:seconds form is taken.
            var text when text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) => value,
            var text => throw Invalid(key, $"must be a duration as hours:minutes:seconds, not '{text}'", "\"00:00:30\""),
        };
}
