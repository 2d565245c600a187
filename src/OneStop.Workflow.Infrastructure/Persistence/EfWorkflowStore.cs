using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OneStop.Workflow.Engine.Execution;

namespace OneStop.Workflow.Infrastructure.Persistence;

/// <summary>
/// <see cref="IWorkflowStore"/> on EF Core (SQLite or PostgreSQL). The store is a singleton that any number of commands
/// and server nodes share: it holds no instance state, only connections. The calls every engine command makes (find
/// the definition or task, load the instance, save) run the store's own SQL (<see cref="StoreCommand"/>) on a connection
/// of <see cref="StoreDatabase"/>: through EF they took several times longer than the database itself. The other calls
/// use a short-lived context from the pooled factory.
/// </summary>
public sealed class EfWorkflowStore(IDbContextFactory<WorkflowDbContext> contexts, DatabaseOptions options) : IWorkflowStore, IAsyncDisposable, IDisposable
{
    // Concurrent deploys of one key can pick the same next version; the unique (Key, Version) index refuses all
    // but one, and the others try again with the new latest version.
    private const int DeployAttempts = 10;

    private static readonly string[] InstanceColumnsACommandChanges =
        [nameof(InstanceRow.Status), nameof(InstanceRow.EndedAt), nameof(InstanceRow.DueAt), nameof(InstanceRow.Signal), nameof(InstanceRow.Version), nameof(InstanceRow.State)];

    private static readonly string[] InstanceStateColumns = [nameof(InstanceRow.State), nameof(InstanceRow.Version)];

    // Built on first use: it reads the EF model, which is built on first use too.
    private readonly Lazy<StoreDatabase> _database = new(() => StoreDatabase.Of(contexts, options));

    public async Task<DeployedDefinition?> FindDefinitionAsync(string key, int? version, CancellationToken ct = default)
    {
        var database = _database.Value;
        await using var session = await database.OpenAsync(ct);
        await using var command = new StoreCommand(session);
        if (version is { } v)
            command.Select<DefinitionRow>((nameof(DefinitionRow.Key), key), (nameof(DefinitionRow.Version), v));
        else
            command.Select<DefinitionRow>((nameof(DefinitionRow.Key), key)).OrderByDescending<DefinitionRow>(nameof(DefinitionRow.Version));
        await using var reader = await command.Limit(1).ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? DefinitionRow.Read(database.Tables.Of<DefinitionRow>(), reader).ToRecord() : null;
    }

    public async Task<DeployedDefinition?> FindDefinitionAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Definitions.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
        return row?.ToRecord();
    }

    public async Task<DeployedDefinition> AddDefinitionAsync(NewDefinition definition, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var latest = await db.Definitions.AsNoTracking()
                .Where(d => d.Key == definition.Key)
                .OrderByDescending(d => d.Version)
                .FirstOrDefaultAsync(ct);
            if (latest is not null && latest.ContentHash == definition.ContentHash)
                return latest.ToRecord();

            var row = new DefinitionRow
            {
                Id = Guid.CreateVersion7(),
                Key = definition.Key,
                Version = (latest?.Version ?? 0) + 1,
                Xml = definition.Xml,
                ContentHash = definition.ContentHash,
                Name = definition.Name,
                SourceName = definition.SourceName,
                DeployedAt = definition.DeployedAt.ToUniversalTime(),
                Forms = definition.Forms,
            };
            db.Definitions.Add(row);
            try
            {
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return row.ToRecord();
            }
            catch (DbUpdateException e) when (IsUniqueViolation(e) && attempt < DeployAttempts)
            {
                // Another node deployed this key meanwhile: read the new latest version and try again.
            }
        }
    }

    public async Task<IReadOnlyList<DeployedDefinition>> ListLatestDefinitionsAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Definitions.AsNoTracking()
            .Where(d => d.Version == db.Definitions.Where(other => other.Key == d.Key).Max(other => other.Version))
            .ToListAsync(ct);
        // Sorted here: database collations order text differently, and this list is short.
        return rows.Select(r => r.ToRecord()).OrderBy(d => d.Key, StringComparer.Ordinal).ToList();
    }

    public async Task<ProcessInstance?> LoadInstanceAsync(Guid id, CancellationToken ct = default)
    {
        var database = _database.Value;
        await using var session = await database.OpenAsync(ct);
        await using var command = new StoreCommand(session);
        return await ReadInstanceAsync(database, command.Select<InstanceRow>(InstanceStateColumns, (nameof(InstanceRow.Id), id)), ct);
    }

    public async Task<ProcessInstance?> LoadInstanceOfTaskAsync(Guid taskId, CancellationToken ct = default)
    {
        var database = _database.Value;
        await using var session = await database.OpenAsync(ct);
        await using var command = new StoreCommand(session);
        return await ReadInstanceAsync(database, command.Select<InstanceRow>(InstanceStateColumns)
            .WhereEqualsSelected<InstanceRow, TaskRow>(nameof(InstanceRow.Id), nameof(TaskRow.InstanceId), (nameof(TaskRow.Id), taskId)), ct);
    }

    private static async Task<ProcessInstance?> ReadInstanceAsync(StoreDatabase database, StoreCommand command, CancellationToken ct)
    {
        var instances = database.Tables.Of<InstanceRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var instance = InstanceSerializer.Deserialize(instances.Column(nameof(InstanceRow.State)).Read<string>(reader, 0));
        instance.Version = instances.Column(nameof(InstanceRow.Version)).Read<long>(reader, 1);
        return instance;
    }

    public async Task SaveAsync(InstanceChanges changes, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var instance = changes.Instance;
        // One upsert statement cannot write a row twice (PostgreSQL refuses; SQLite would keep the last).
        if (ListsATaskTwice(changes.Tasks))
            throw new InvalidOperationException($"The changes of process instance {instance.Id} list a task twice.");
        var previousVersion = instance.Version;
        instance.Version = changes.ExpectedVersion + 1;
        try
        {
            var row = InstanceRow.From(instance, InstanceSerializer.Serialize(instance));
            var database = _database.Value;
            await using var session = await database.OpenAsync(ct);
            await using var transaction = await session.Connection.BeginTransactionAsync(ct);

            // The version check is the first write, so a conflict leaves nothing to undo.
            await using (var versionCheck = new StoreCommand(session, transaction))
            {
                if (changes.ExpectedVersion == 0)
                    versionCheck.Insert([row]);
                else
                    versionCheck.Update(row, InstanceColumnsACommandChanges,
                        (nameof(InstanceRow.Id), instance.Id), (nameof(InstanceRow.Version), changes.ExpectedVersion));
                int written;
                try
                {
                    written = await versionCheck.ExecuteNonQueryAsync(ct);
                }
                catch (DbException e) when (changes.ExpectedVersion == 0 && IsUniqueViolation(e))
                {
                    throw new ConcurrencyConflictException(instance.Id);
                }
                if (written == 0) throw new ConcurrencyConflictException(instance.Id);
            }

            await using (var rows = new StoreCommand(session, transaction))
            {
                // A task is inserted when the command opened it and updated when it ended; one opened and ended within
                // the same command is new but no longer open, so its status cannot tell which: upsert.
                rows.Upsert(changes.Tasks.ConvertAll(TaskRow.From));
                // Removals run before additions, so a timer or subscription re-armed under the same id survives.
                rows.Delete<TimerRow>(nameof(TimerRow.InstanceId), instance.Id, nameof(TimerRow.Id), changes.RemovedTimers);
                rows.Delete<SubscriptionRow>(nameof(SubscriptionRow.InstanceId), instance.Id, nameof(SubscriptionRow.Id), changes.RemovedSubscriptions);
                rows.Insert(changes.AddedTimers.ConvertAll(TimerRow.From));
                rows.Insert(changes.AddedSubscriptions.ConvertAll(SubscriptionRow.From));
                rows.Insert(changes.History.ConvertAll(HistoryRow.From));
                // The outbox: a notice exists exactly when the change that caused it was committed.
                rows.Insert(changes.Notices.ConvertAll(NoticeRow.From));
                await rows.ExecuteNonQueryAsync(ct);
            }
            await transaction.CommitAsync(ct);
        }
        catch
        {
            instance.Version = previousVersion;
            throw;
        }
    }

    public async Task<TaskRecord?> FindTaskAsync(Guid taskId, CancellationToken ct = default)
    {
        var database = _database.Value;
        await using var session = await database.OpenAsync(ct);
        await using var command = new StoreCommand(session);
        await using var reader = await command.Select<TaskRow>((nameof(TaskRow.Id), taskId)).ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? TaskRow.Read(database.Tables.Of<TaskRow>(), reader).ToRecord() : null;
    }

    public async Task<IReadOnlyList<TaskRecord>> ListTasksAsync(TaskQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var tasks = db.Tasks.AsNoTracking();
        if (query.Department is { } department) tasks = tasks.Where(t => t.Department == department);
        if (query.Status is { } status) tasks = tasks.Where(t => t.Status == status);
        if (query.InstanceId is { } instanceId) tasks = tasks.Where(t => t.InstanceId == instanceId);
        var rows = await tasks.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).Take(query.Max).ToListAsync(ct);
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<IReadOnlyList<TimerRecord>> DueTimersAsync(DateTimeOffset now, int max, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Timers.AsNoTracking()
            .Where(t => t.DueAt <= now)
            .OrderBy(t => t.DueAt).ThenBy(t => t.Id)
            .Take(max)
            .ToListAsync(ct);
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<TimerRecord?> NextTimerAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Timers.AsNoTracking().OrderBy(t => t.DueAt).ThenBy(t => t.Id).FirstOrDefaultAsync(ct);
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<SubscriptionRecord>> FindSubscriptionsAsync(string messageName, string? correlationKey, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Subscriptions.AsNoTracking()
            .Where(s => s.MessageName == messageName && s.CorrelationKey == correlationKey)
            .OrderBy(s => s.Id)
            .ToListAsync(ct);
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<IReadOnlyList<HistoryRecord>> HistoryAsync(Guid instanceId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.History.AsNoTracking()
            .Where(h => h.InstanceId == instanceId)
            .OrderBy(h => h.Sequence)
            .ToListAsync(ct);
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<IReadOnlyList<ProcessInstance>> ListInstancesAsync(string initiator, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(initiator);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Instances.AsNoTracking()
            .Where(i => i.Initiator == initiator)
            .OrderByDescending(i => i.StartedAt).ThenBy(i => i.Id)
            .Select(i => new { i.State, i.Version })
            .ToListAsync(ct);
        return rows.Select(r =>
        {
            var instance = InstanceSerializer.Deserialize(r.State);
            instance.Version = r.Version;
            return instance;
        }).ToList();
    }

    private static bool ListsATaskTwice(List<TaskRecord> tasks)
    {
        if (tasks.Count < 2) return false;
        var ids = new HashSet<Guid>();
        foreach (var task in tasks)
        {
            if (!ids.Add(task.Id)) return true;
        }
        return false;
    }

    /// <summary>Closes the connections kept open between commands.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_database.IsValueCreated) await _database.Value.DisposeAsync();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>A unique or primary key violation, thrown by the provider or wrapped by EF's SaveChanges.</summary>
    private static bool IsUniqueViolation(Exception e) => (e is DbUpdateException ? e.InnerException : e) switch
    {
        // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY.
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
