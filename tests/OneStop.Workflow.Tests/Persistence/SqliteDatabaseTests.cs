using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure.Persistence;

namespace OneStop.Workflow.Tests.Persistence;

public sealed class SqliteDatabaseTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task FirstRun_CreatesTheDatabase_InAFolderThatDidNotExist_RelativeToTheCurrentDirectory()
    {
        var target = Path.Combine(_folder.Path, "data", "nested", "onestop.db");
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, target);
        Assert.False(Path.IsPathRooted(relative));

        await using (var host = await PersistenceHost.StartSqliteAsync(relative))
            Assert.Empty(await host.Store.ListLatestDefinitionsAsync());

        Assert.True(File.Exists(target));
    }

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 1)]
    public async Task EveryContextConnection_GetsWalBusyTimeoutForeignKeysAndTheChosenSynchronousMode_AlsoWhenReusedFromThePool(
        bool synchronousFull, long synchronous)
    {
        var options = new DatabaseOptions(DatabaseOptions.Sqlite, $"Data Source={Path.Combine(_folder.Path, "x.db")}", synchronousFull);
        await using var host = await PersistenceHost.StartAsync(options);

        // The settings are applied once per native connection; later opens take it from the pool as it was left.
        for (var open = 1; open <= 3; open++)
        {
            await using var db = await host.Contexts.CreateDbContextAsync();
            await db.Database.OpenConnectionAsync();
            await AssertSettingsAsync(db.Database.GetDbConnection(), synchronous);
        }
    }

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 1)]
    public async Task TheStoresOwnConnections_GetTheSameSettings(bool synchronousFull, long synchronous)
    {
        var options = new DatabaseOptions(DatabaseOptions.Sqlite, $"Data Source={Path.Combine(_folder.Path, "x.db")}", synchronousFull);
        await using var host = await PersistenceHost.StartAsync(options);
        await using var database = StoreDatabase.Of(host.Contexts, options);

        for (var use = 1; use <= 2; use++)
        {
            await using var session = await database.OpenAsync(CancellationToken.None);
            await AssertSettingsAsync(session.Connection, synchronous);
        }
    }

    [Fact]
    public async Task Apply_GivesARawConnectionTheSameSettings()
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder.Path, "raw.db")}");
        await connection.OpenAsync();

        await SqliteSettings.ApplyAsync(connection, synchronousFull: false);

        await AssertSettingsAsync(connection, synchronous: 1);
    }

    [Fact]
    public async Task TheConnectionsTheStoreKeepsOpen_SeeOtherWriters_AndHoldNoReadBetweenCalls()
    {
        var path = Path.Combine(_folder.Path, "workflow.db");
        await using var host = await PersistenceHost.StartSqliteAsync(path);
        var definition = await host.Store.AddDefinitionAsync(
            new NewDefinition("newborn", "<definitions/>", "sha256:1", null, null, DateTimeOffset.UnixEpoch));
        var instance = new ProcessInstance
        {
            Id = Guid.NewGuid(),
            DefinitionId = definition.Id,
            DefinitionKey = "newborn",
            DefinitionVersion = 1,
            StartedAt = DateTimeOffset.UnixEpoch,
        };
        await host.Store.SaveAsync(new InstanceChanges { Instance = instance, ExpectedVersion = 0 });
        Assert.Equal(1, (await host.Store.LoadInstanceAsync(instance.Id))!.Version);

        // Another node (here another connection) moves the instance on.
        await using (var other = new SqliteConnection(SqliteSettings.PrepareConnectionString($"Data Source={path}")))
        {
            await other.OpenAsync();
            await using (var update = other.CreateCommand())
            {
                update.CommandText = "UPDATE Instances SET Version = 7";
                Assert.Equal(1, await update.ExecuteNonQueryAsync());
            }
            // A connection left inside a read would keep the checkpoint from reaching the end of the log.
            Assert.Equal(0L, await ScalarAsync(other, "PRAGMA wal_checkpoint(TRUNCATE)"));
        }

        Assert.Equal(7, (await host.Store.LoadInstanceAsync(instance.Id))!.Version);
    }

    [Fact]
    public async Task DisposingTheStore_ClosesTheConnectionsItKeptOpen()
    {
        var path = Path.Combine(_folder.Path, "workflow.db");
        await using (var host = await PersistenceHost.StartSqliteAsync(path))
        {
            Assert.Null(await host.Store.LoadInstanceAsync(Guid.NewGuid()));
            Assert.True(File.Exists(path + "-wal"));
        }

        SqliteConnection.ClearAllPools();

        // SQLite checkpoints and removes the write-ahead log when the last connection to the database closes.
        Assert.False(File.Exists(path + "-wal"));
    }

    private static async Task AssertSettingsAsync(System.Data.Common.DbConnection connection, long synchronous)
    {
        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode"));
        Assert.Equal(synchronous, await ScalarAsync(connection, "PRAGMA synchronous"));
        Assert.Equal((long)SqliteSettings.BusyTimeoutMilliseconds, await ScalarAsync(connection, "PRAGMA busy_timeout"));
        Assert.Equal(1L, await ScalarAsync(connection, "PRAGMA foreign_keys"));
    }

    private static async Task<object?> ScalarAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    public void Dispose() => _folder.Dispose();
}
