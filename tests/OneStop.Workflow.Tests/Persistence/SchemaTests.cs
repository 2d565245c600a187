using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure.Persistence;

namespace OneStop.Workflow.Tests.Persistence;

/// <summary>
/// The migrations are written by hand and there is no model snapshot, so these tests are what catches a model change
/// without a migration: the schema the migrations build must equal the one EF Core derives from the model.
/// </summary>
public sealed class SqliteSchemaTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task MigratedSchema_MatchesTheModel()
    {
        var migrated = Path.Combine(_folder.Path, "migrated.db");
        var created = Path.Combine(_folder.Path, "created.db");
        await using (await PersistenceHost.StartSqliteAsync(migrated)) { }
        await using (var host = await PersistenceHost.StartSqliteAsync(created, migrate: false))
        await using (var db = await host.Contexts.CreateDbContextAsync())
            await db.Database.EnsureCreatedAsync();

        var expected = await DescribeAsync(created);
        Assert.Contains(expected, line => line.StartsWith("Timers.DueAt INTEGER", StringComparison.Ordinal));
        AssertSameSchema(expected, await DescribeAsync(migrated));
    }

    [Fact]
    public async Task Migrate_RecordsTheMigration_AndRunsAgainAsANoOp()
    {
        var path = Path.Combine(_folder.Path, "workflow.db");
        await using var host = await PersistenceHost.StartSqliteAsync(path);

        await WorkflowDatabase.MigrateAsync(host.Contexts);

        await using var db = await host.Contexts.CreateDbContextAsync();
        var applied = (await db.Database.GetAppliedMigrationsAsync()).ToList();
        Assert.Equal(["20261121000000_InitialSchema", "20261121120000_ServerTables"], applied.Take(2));
        Assert.Equal(db.Database.GetMigrations(), applied);
        Assert.Contains("20261121200000_DeadlineClock", applied);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task UpgradeToTheDeadlineClock_KeepsExistingTasks_WhichStartGreenAndRunning()
    {
        var path = Path.Combine(_folder.Path, "upgrade.db");
        await using var host = await PersistenceHost.StartSqliteAsync(path, migrate: false);
        await using (var db = await host.Contexts.CreateDbContextAsync())
        {
            await db.GetService<IMigrator>().MigrateAsync("20261121120000_ServerTables");
            // Rows as the schema before the deadline clock held them (ids as EF Core writes them on SQLite: upper-case text).
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO "Definitions" ("Id", "Key", "Version", "Xml", "ContentHash", "DeployedAt")
                VALUES ('0B3E7D1C-4A57-4F1E-9D0E-2F1F6F0C8A11', 'newborn', 1, '<definitions/>', 'sha256:x', 0);
                INSERT INTO "Instances" ("Id", "DefinitionId", "DefinitionKey", "DefinitionVersion", "Status", "StartedAt", "Version", "State")
                VALUES ('5D0C7A90-3C1E-4A55-8A43-6F5B1C0E7D22', '0B3E7D1C-4A57-4F1E-9D0E-2F1F6F0C8A11', 'newborn', 1, 'Running', 0, 1, '{{}}');
                INSERT INTO "Tasks" ("Id", "InstanceId", "ActivityId", "CreatedAt", "Status")
                VALUES ('C1A2B3C4-D5E6-4F70-8192-A3B4C5D6E7F8', '5D0C7A90-3C1E-4A55-8A43-6F5B1C0E7D22', 'review', 0, 'Open');
                """);
        }

        await WorkflowDatabase.MigrateAsync(host.Contexts);

        var task = await host.Store.FindTaskAsync(Guid.Parse("c1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8"));
        Assert.Equal((TaskState.Open, TaskSignal.Green), (task!.Status, task.Signal));
        Assert.Null(task.PausedAt);
        Assert.Null(task.PauseReason);
        await using var after = await host.Contexts.CreateDbContextAsync();
        var instance = await after.Instances.AsNoTracking().SingleAsync();
        Assert.Equal(((DateTimeOffset?)null, TaskSignal.Green), (instance.DueAt, instance.Signal));
        Assert.Empty(await after.Notices.ToListAsync());
    }

    /// <summary>Every table's columns, indexes and foreign keys, one line each, sorted.</summary>
    private static async Task<List<string>> DescribeAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        var lines = new List<string>();
        var tables = await QueryAsync(connection,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT LIKE '\\_\\_EF%' ESCAPE '\\'",
            r => r.GetString(0));
        foreach (var table in tables)
        {
            lines.AddRange(await QueryAsync(connection, $"SELECT name, type, \"notnull\", pk, dflt_value FROM pragma_table_info('{table}')",
                r => $"{table}.{r.GetString(0)} {r.GetString(1)} notnull={r.GetInt64(2)} pk={r.GetInt64(3)} default={r.GetValue(4)}"));
            lines.AddRange(await QueryAsync(connection,
                $"SELECT l.name, l.\"unique\", group_concat(i.name, ',') FROM pragma_index_list('{table}') l, pragma_index_info(l.name) i GROUP BY l.name, l.\"unique\"",
                r => $"{table} index {r.GetString(0)} unique={r.GetInt64(1)} ({r.GetString(2)})"));
            lines.AddRange(await QueryAsync(connection, $"SELECT \"from\", \"table\", \"to\", on_delete FROM pragma_foreign_key_list('{table}')",
                r => $"{table}.{r.GetString(0)} references {r.GetString(1)}.{r.GetString(2)} on delete {r.GetString(3)}"));
        }
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    internal static void AssertSameSchema(List<string> model, List<string> migrated)
    {
        var missing = model.Except(migrated).ToList();
        var extra = migrated.Except(model).ToList();
        if (missing.Count + extra.Count == 0) return;
        Assert.Fail(
            "The migrations do not build the schema of the model; add a migration (see docs/persistence.md)." + Environment.NewLine +
            "Only in the model:" + string.Concat(missing.Select(line => Environment.NewLine + "  " + line)) + Environment.NewLine +
            "Only in the migrated database:" + string.Concat(extra.Select(line => Environment.NewLine + "  " + line)));
    }

    internal static async Task<List<string>> QueryAsync(DbConnection connection, string sql, Func<DbDataReader, string> line)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync()) lines.Add(line(reader));
        return lines;
    }

    public void Dispose() => _folder.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaTests(PostgresServer server)
{
    [Fact]
    public async Task MigratedSchema_MatchesTheModel()
    {
        var migrated = server.NewDatabaseConnectionString();
        var created = server.NewDatabaseConnectionString();
        await using (await PersistenceHost.StartAsync(new(DatabaseOptions.PostgreSql, migrated))) { }
        await using (var host = await PersistenceHost.StartAsync(new(DatabaseOptions.PostgreSql, created), migrate: false))
        await using (var db = await host.Contexts.CreateDbContextAsync())
            await db.Database.EnsureCreatedAsync();

        var expected = await DescribeAsync(created);
        Assert.Contains("Timers.DueAt bigint nullable=NO default=", expected);
        Assert.Contains("Tasks.Id uuid nullable=NO default=", expected);
        SqliteSchemaTests.AssertSameSchema(expected, await DescribeAsync(migrated));
    }

    /// <summary>Every column, index and constraint of the public schema, one line each, sorted.</summary>
    private static async Task<List<string>> DescribeAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var lines = new List<string>();
        lines.AddRange(await SqliteSchemaTests.QueryAsync(connection, """
            SELECT table_name || '.' || column_name || ' ' || data_type || ' nullable=' || is_nullable || ' default=' || coalesce(column_default, '')
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '\_\_EF%'
            """, r => r.GetString(0)));
        lines.AddRange(await SqliteSchemaTests.QueryAsync(connection, """
            SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE '\_\_EF%'
            """, r => r.GetString(0)));
        lines.AddRange(await SqliteSchemaTests.QueryAsync(connection, """
            SELECT c.relname || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid)
            FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relname NOT LIKE '\_\_EF%'
            """, r => r.GetString(0)));
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresConcurrentMigrationTests(PostgresServer server)
{
    [Fact]
    public async Task NodesMigratingAnEmptyDatabaseAtOnce_AllSucceed_AndApplyEachMigrationOnce()
    {
        var options = new DatabaseOptions(DatabaseOptions.PostgreSql, server.NewDatabaseConnectionString());
        var hosts = new List<PersistenceHost>();
        for (var i = 0; i < 4; i++)
            hosts.Add(await PersistenceHost.StartAsync(options, migrate: false));
        try
        {
            await Task.WhenAll(hosts.Select(h => Task.Run(() => WorkflowDatabase.MigrateAsync(h.Contexts))));

            await using var db = await hosts[0].Contexts.CreateDbContextAsync();
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        }
        finally
        {
            foreach (var host in hosts)
                await host.DisposeAsync();
        }
    }
}
