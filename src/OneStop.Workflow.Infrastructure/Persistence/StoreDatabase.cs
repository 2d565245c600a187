using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace OneStop.Workflow.Infrastructure.Persistence;

/// <summary>
/// Connections to the configured database for the store's own SQL (<see cref="StoreCommand"/>), without EF: EF's
/// SQLite connection registers a dozen SQL functions on every open, which took longer than the query itself (the
/// store's SQL uses none of them).
/// On SQLite a connection stays open between uses, with its prepared statements: preparing the same few statements
/// for every engine command cost more than running them. Other providers pool and prepare on their own, so there
/// each use opens a pooled connection.
/// </summary>
internal sealed class StoreDatabase(DbProviderFactory provider, string connectionString, bool? sqliteSynchronousFull, StoreTables tables)
    : IAsyncDisposable
{
    // Enough for every core to run a command while another commits; a burst beyond it opens more and closes them after.
    private static readonly int MaxIdleSessions = Math.Max(4, 2 * Environment.ProcessorCount);

    // Last in, first out: the connection used last has the warmest page cache.
    private readonly ConcurrentStack<StoreSession> _idle = new();
    private volatile bool _disposed;

    public StoreTables Tables { get; } = tables;

    private bool KeepsSessions => sqliteSynchronousFull is not null;

    public static StoreDatabase Of(IDbContextFactory<WorkflowDbContext> contexts, DatabaseOptions options)
    {
        using var db = contexts.CreateDbContext();
        var provider = DbProviderFactories.GetFactory(db.Database.GetDbConnection())
            ?? throw new InvalidOperationException("The database provider has no ADO.NET provider factory.");
        return new StoreDatabase(provider, db.Database.GetConnectionString()!, options.IsSqlite ? options.SqliteSynchronousFull : null,
            new StoreTables(db.Model, db.GetService<ISqlGenerationHelper>()));
    }

    /// <summary>An open connection for one caller at a time; disposing it hands it back.</summary>
    public async Task<StoreSession> OpenAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryPop(out var idle))
            return idle;
        var connection = provider.CreateConnection() ?? throw new InvalidOperationException("The database provider made no connection.");
        try
        {
            connection.ConnectionString = connectionString;
            await connection.OpenAsync(ct);
            if (sqliteSynchronousFull is { } synchronousFull)
                await SqliteSettings.EnsureAppliedAsync(connection, synchronousFull, ct);
            return new StoreSession(this, connection, cachesCommands: KeepsSessions);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Keeps a session for the next caller, or closes it.</summary>
    internal async ValueTask ReturnAsync(StoreSession session)
    {
        if (KeepsSessions && !_disposed && session.IsReusable && _idle.Count < MaxIdleSessions)
        {
            _idle.Push(session);
            // Dispose may have run between the check and the push: it must not leave this one open.
            if (!_disposed || !_idle.TryPop(out var late)) return;
            session = late;
        }
        await session.CloseAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (_idle.TryPop(out var session))
            await session.CloseAsync();
    }
}

/// <summary>An open connection of <see cref="StoreDatabase"/>, used by one caller at a time, with the commands it has
/// prepared (on SQLite).</summary>
internal sealed class StoreSession : IAsyncDisposable
{
    // Statements differ by row counts (a multi-row INSERT per count), so a few dozen cover every command.
    private const int MaxCachedCommands = 64;

    private readonly StoreDatabase _database;
    private readonly Dictionary<string, DbCommand>? _commands;

    internal StoreSession(StoreDatabase database, DbConnection connection, bool cachesCommands)
    {
        _database = database;
        Connection = connection;
        _commands = cachesCommands ? [] : null;
        ParameterFactory = connection.CreateCommand();
    }

    public DbConnection Connection { get; }

    public StoreTables Tables => _database.Tables;

    /// <summary>Only makes parameters: the type mappings need a command of the provider to make them.</summary>
    public DbCommand ParameterFactory { get; }

    internal bool IsReusable => Connection.State == System.Data.ConnectionState.Open;

    /// <summary>A command for <paramref name="text"/> holding exactly <paramref name="parameters"/>. When
    /// <paramref name="owned"/>, the caller disposes it; otherwise the session keeps it, prepared, for the next use.</summary>
    public DbCommand Command(string text, IReadOnlyList<DbParameter> parameters, DbTransaction? transaction, out bool owned)
    {
        owned = false;
        if (_commands is null || !_commands.TryGetValue(text, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = text;
            if (_commands is not null && _commands.Count < MaxCachedCommands)
                _commands.Add(text, command);
            else
                owned = true;
        }
        command.Transaction = transaction;
        command.Parameters.Clear();
        foreach (var parameter in parameters) command.Parameters.Add(parameter);
        return command;
    }

    public ValueTask DisposeAsync() => _database.ReturnAsync(this);

    internal async ValueTask CloseAsync()
    {
        foreach (var command in _commands?.Values ?? Enumerable.Empty<DbCommand>())
            await command.DisposeAsync();
        await ParameterFactory.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
