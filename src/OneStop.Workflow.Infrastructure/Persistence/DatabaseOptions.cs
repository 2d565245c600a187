using Microsoft.Extensions.Configuration;

namespace OneStop.Workflow.Infrastructure.Persistence;

/// <summary>Which database holds the workflow state: the "Database" section of appsettings.json.</summary>
/// <param name="Provider"><see cref="Sqlite"/> (embedded, the default) or <see cref="PostgreSql"/> (several server nodes).</param>
/// <param name="ConnectionString">An ADO.NET connection string; a relative SQLite path is resolved against the current directory.</param>
/// <param name="SqliteSynchronousFull">SQLite only: fsync every commit (FULL) rather than at checkpoints (NORMAL).
/// NORMAL is faster but a power cut can lose the last commits.</param>
public sealed record DatabaseOptions(string Provider, string ConnectionString, bool SqliteSynchronousFull = true)
{
    public const string SectionName = "Database";
    public const string Sqlite = "Sqlite";
    public const string PostgreSql = "PostgreSQL";

    public bool IsSqlite => string.Equals(Provider, Sqlite, StringComparison.OrdinalIgnoreCase);
    public bool IsPostgreSql => string.Equals(Provider, PostgreSql, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads and checks the "Database" section.</summary>
    public static DatabaseOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var provider = section["Provider"] ?? Sqlite;
        var connectionString = section["ConnectionString"];
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                $"Configuration '{SectionName}:ConnectionString' is missing; for example \"Data Source=data/onestop.db\" for SQLite.");
        var synchronous = section["SqliteSynchronousFull"];
        bool synchronousFull = true;
        if (synchronous is not null && !bool.TryParse(synchronous, out synchronousFull))
            throw new InvalidOperationException(
                $"Configuration '{SectionName}:SqliteSynchronousFull' must be true or false, not '{synchronous}'.");
        var options = new DatabaseOptions(provider, connectionString, synchronousFull);
        options.EnsureValid();
        return options;
    }

    internal void EnsureValid()
    {
        if (!IsSqlite && !IsPostgreSql)
            throw new InvalidOperationException(
                $"Configuration '{SectionName}:Provider' is '{Provider}'; it must be '{Sqlite}' or '{PostgreSql}'.");
        if (string.IsNullOrWhiteSpace(ConnectionString))
            throw new InvalidOperationException($"Configuration '{SectionName}:ConnectionString' is empty.");
    }
}
