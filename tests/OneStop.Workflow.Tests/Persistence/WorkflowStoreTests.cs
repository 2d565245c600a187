using OneStop.Workflow.Engine.Execution;

namespace OneStop.Workflow.Tests.Persistence;

public sealed class InMemoryWorkflowStoreTests : WorkflowStoreContractTests
{
    protected override Task<IWorkflowStore> CreateStoreAsync() => Task.FromResult<IWorkflowStore>(new InMemoryWorkflowStore());

    protected override Task<IReadOnlyList<NoticeRecord>> NoticesAsync(Guid instanceId) =>
        Task.FromResult<IReadOnlyList<NoticeRecord>>(((InMemoryWorkflowStore)Store).Notices.Where(n => n.InstanceId == instanceId).ToList());
}

public sealed class SqliteWorkflowStoreTests : WorkflowStoreContractTests
{
    private readonly TempFolder _folder = new();
    private PersistenceHost? _host;

    protected override async Task<IWorkflowStore> CreateStoreAsync()
    {
        _host = await PersistenceHost.StartSqliteAsync(Path.Combine(_folder.Path, "workflow.db"));
        return _host.Store;
    }

    protected override Task<IReadOnlyList<NoticeRecord>> NoticesAsync(Guid instanceId) => _host!.NoticesAsync(instanceId);

    protected override async Task DisposeStoreAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        _folder.Dispose();
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresWorkflowStoreTests(PostgresServer server) : WorkflowStoreContractTests
{
    private PersistenceHost? _host;

    protected override async Task<IWorkflowStore> CreateStoreAsync()
    {
        _host = await PersistenceHost.StartAsync(new(Infrastructure.Persistence.DatabaseOptions.PostgreSql, server.NewDatabaseConnectionString()));
        return _host.Store;
    }

    protected override Task<IReadOnlyList<NoticeRecord>> NoticesAsync(Guid instanceId) => _host!.NoticesAsync(instanceId);

    protected override async Task DisposeStoreAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}
