using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure;
using OneStop.Workflow.Infrastructure.Persistence;

namespace OneStop.Workflow.Tests.Persistence;

/// <summary>The persistence services as the server registers them, over one test database.</summary>
internal sealed class PersistenceHost(ServiceProvider services) : IAsyncDisposable
{
    public IWorkflowStore Store => services.GetRequiredService<IWorkflowStore>();
    public IDbContextFactory<WorkflowDbContext> Contexts => services.GetRequiredService<IDbContextFactory<WorkflowDbContext>>();

    public static async Task<PersistenceHost> StartAsync(DatabaseOptions options, bool migrate = true)
    {
        var host = new PersistenceHost(new ServiceCollection().AddWorkflowPersistence(options).BuildServiceProvider());
        if (migrate) await WorkflowDatabase.MigrateAsync(host.Contexts);
        return host;
    }

    public static Task<PersistenceHost> StartSqliteAsync(string path, bool migrate = true) =>
        StartAsync(new DatabaseOptions(DatabaseOptions.Sqlite, $"Data Source={path}"), migrate);

    /// <summary>The notices of an instance in the outbox table, oldest first.</summary>
    public async Task<IReadOnlyList<NoticeRecord>> NoticesAsync(Guid instanceId)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        var rows = await db.Notices.AsNoTracking().Where(n => n.InstanceId == instanceId).OrderBy(n => n.At).ThenBy(n => n.Id).ToListAsync();
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();
}

/// <summary>A fresh temporary folder, deleted with everything in it.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("onestop-test-").FullName;

    public void Dispose()
    {
        // Pooled SQLite connections keep the database files open.
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path, recursive: true);
    }
}
