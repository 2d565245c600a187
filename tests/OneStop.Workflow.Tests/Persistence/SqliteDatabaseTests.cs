using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
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
    public async Task EveryConnection_GetsWalBusyTimeoutForeignKeysAndTheChosenSynchronousMode(bool synchronousFull, long synchronous)
    {
        var options = new DatabaseOptions(DatabaseOptions.Sqlite, $"Data Source={Path.Combine(_folder.Path, "x.db")}", synchronousFull);
        await using var host = await PersistenceHost.StartAsync(options);
        await using var db = await host.Contexts.CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();

        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode"));
        Assert.Equal(synchronous, await ScalarAsync(connection, "PRAGMA synchronous"));
        Assert.Equal(10000L, await ScalarAsync(connection, "PRAGMA busy_timeout"));
        Assert.Equal(1L, await ScalarAsync(connection, "PRAGMA foreign_keys"));
    }

    [Fact]
    public async Task Apply_GivesARawConnectionTheSameSettings()
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder.Path, "raw.db")}");
        await connection.OpenAsync();

        await SqliteSettings.ApplyAsync(connection, synchronousFull: false);

        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode"));
        Assert.Equal(1L, await ScalarAsync(connection, "PRAGMA synchronous"));
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
