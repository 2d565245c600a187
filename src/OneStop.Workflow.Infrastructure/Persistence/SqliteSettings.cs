using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OneStop.Workflow.Infrastructure.Persistence;

/// <summary>The settings every SQLite connection gets — from EF Core through an interceptor, and from anything that opens
/// a raw <see cref="SqliteConnection"/> (the benchmarks) through <see cref="ApplyAsync"/>.</summary>
public static class SqliteSettings
{
    public const int BusyTimeoutMilliseconds = 10_000;

    private static readonly DbConnectionInterceptor SynchronousFull = new PragmaInterceptor(true);
    private static readonly DbConnectionInterceptor SynchronousNormal = new PragmaInterceptor(false);

    /// <summary>
    /// WAL lets readers work while one writer commits; busy_timeout makes a writer wait for the lock instead of failing;
    /// foreign keys are enforced only when asked. synchronous=FULL syncs the log on every commit (durable against
    /// power loss), NORMAL only at checkpoints. All of these belong to the native connection and stay set while the
    /// connection pool keeps it open (WAL even belongs to the database file).
    /// </summary>
    public static string Pragmas(bool synchronousFull = true) =>
        $"PRAGMA busy_timeout={BusyTimeoutMilliseconds}; PRAGMA journal_mode=WAL; " +
        $"PRAGMA synchronous={(synchronousFull ? "FULL" : "NORMAL")}; PRAGMA foreign_keys=ON;";

    /// <summary>Gives an open connection the settings. Idempotent.</summary>
    public static void Apply(DbConnection connection, bool synchronousFull = true)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas(synchronousFull);
        command.ExecuteNonQuery();
    }

    /// <inheritdoc cref="Apply"/>
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

    // Keyed by the native handle, which lives as long as the pooled native connection; entries go with it. The value is
    // the synchronous mode applied, so two configurations over one pool cannot leave a connection in the other's.
    private static readonly ConditionalWeakTable<object, object> Configured = new();
    private static readonly object Full = true;
    private static readonly object Normal = false;

    /// <summary>
    /// Gives an open connection the settings unless its native connection already has them. EF opens a connection
    /// several times per command and Microsoft.Data.Sqlite pools the native connections, whose settings outlive each
    /// logical open: running the PRAGMAs on every open cost more than the queries themselves.
    /// </summary>
    internal static void EnsureApplied(DbConnection connection, bool synchronousFull)
    {
        if (!NeedsSettings(connection, synchronousFull, out var handle)) return;
        Apply(connection, synchronousFull);
        Configured.AddOrUpdate(handle, synchronousFull ? Full : Normal);
    }

    /// <inheritdoc cref="EnsureApplied"/>
    internal static async ValueTask EnsureAppliedAsync(DbConnection connection, bool synchronousFull, CancellationToken ct)
    {
        if (!NeedsSettings(connection, synchronousFull, out var handle)) return;
        await ApplyAsync(connection, synchronousFull, ct);
        Configured.AddOrUpdate(handle, synchronousFull ? Full : Normal);
    }

    private static bool NeedsSettings(DbConnection connection, bool synchronousFull, out object handle)
    {
        handle = ((SqliteConnection)connection).Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        return !Configured.TryGetValue(handle, out var applied) || (bool)applied != synchronousFull;
    }

    private sealed class PragmaInterceptor(bool synchronousFull) : DbConnectionInterceptor
    {
        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
            EnsureApplied(connection, synchronousFull);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default) =>
            EnsureAppliedAsync(connection, synchronousFull, cancellationToken).AsTask();
    }
}
