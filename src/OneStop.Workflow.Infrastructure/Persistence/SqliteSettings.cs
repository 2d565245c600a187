using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OneStop.Workflow.Infrastructure.Persistence;

/// <summary>The settings every SQLite connection gets — from EF Core through an interceptor, and from anything that opens
/// a raw <see cref="SqliteConnection"/> (the benchmarks) through <see cref="Apply"/>.</summary>
public static class SqliteSettings
{
    private static readonly DbConnectionInterceptor SynchronousFull = new PragmaInterceptor(true);
    private static readonly DbConnectionInterceptor SynchronousNormal = new PragmaInterceptor(false);

    /// <summary>
    /// WAL lets readers work while one writer commits; busy_timeout makes a writer wait for the lock instead of failing;
    /// SQLite leaves foreign keys off unless asked. synchronous=FULL syncs the log on every commit (durable against
    /// power loss), NORMAL only at checkpoints.
    /// </summary>
    public static string Pragmas(bool synchronousFull = true) =>
        "PRAGMA busy_timeout=10000; PRAGMA journal_mode=WAL; " +
        $"PRAGMA synchronous={(synchronousFull ? "FULL" : "NORMAL")}; PRAGMA foreign_keys=ON;";

    public static void Apply(DbConnection connection, bool synchronousFull = true)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas(synchronousFull);
        command.ExecuteNonQuery();
    }

    public static async Task ApplyAsync(DbConnection connection, bool synchronousFull = true, CancellationToken ct = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas(synchronousFull);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Resolves a relative database path against the current directory (so a later change of directory
    /// does not move the database) and creates its folder, so the first run needs no setup.</summary>
    public static string PrepareConnectionString(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var source = builder.DataSource;
        if (builder.Mode == SqliteOpenMode.Memory || source is "" or ":memory:" || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            return connectionString;
        var path = Path.GetFullPath(source);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        builder.DataSource = path;
        return builder.ToString();
    }

    internal static DbConnectionInterceptor Interceptor(bool synchronousFull) => synchronousFull ? SynchronousFull : SynchronousNormal;

    private sealed class PragmaInterceptor(bool synchronousFull) : DbConnectionInterceptor
    {
        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
            Apply(connection, synchronousFull);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default) =>
            ApplyAsync(connection, synchronousFull, cancellationToken);
    }
}
