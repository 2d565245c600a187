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
