using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OneStop.Workflow.Engine.Execution;

namespace OneStop.Workflow.Infrastructure.Persistence;

/// <summary>
/// <see cref="IWorkflowStore"/> on EF Core (SQLite or PostgreSQL). Each call uses its own short-lived context from the
/// pooled factory, so the store is a stateless singleton that any number of commands and server nodes share.
/// </summary>
public sealed class EfWorkflowStore(IDbContextFactory<WorkflowDbContext> contexts) : IWorkflowStore
{
    // Concurrent deploys of one key can pick the same next version; the unique (Key, Version) index refuses all
    // but one, and the others try again with the new latest version.
    private const int DeployAttempts = 10;

    public async Task<DeployedDefinition?> FindDefinitionAsync(string key, int? version, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var versions = db.Definitions.AsNoTracking().Where(d => d.Key == key);
        var row = version is { } v
            ? await versions.FirstOrDefaultAsync(d => d.Version == v, ct)
            : await versions.OrderByDescending(d => d.Version).FirstOrDefaultAsync(ct);
        return row?.ToRecord();
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
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Instances.AsNoTracking()
            .Where(i => i.Id == id)
            .Select(i => new { i.State, i.Version })
            .FirstOrDefaultAsync(ct);
        if (row is null) return null;
        var instance = InstanceSerializer.Deserialize(row.State);
        instance.Version = row.Version;
        return instance;
    }

    public async Task SaveAsync(InstanceChanges changes, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var instance = changes.Instance;
        var previousVersion = instance.Version;
        instance.Version = changes.ExpectedVersion + 1;
        try
        {
            var state = InstanceSerializer.Serialize(instance);
            await using var db = await contexts.CreateDbContextAsync(ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);

            // The version check is the first write, so a conflict leaves nothing to undo.
            if (changes.ExpectedVersion == 0)
            {
                db.Instances.Add(InstanceRow.From(instance, state));
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException e) when (IsUniqueViolation(e))
                {
                    throw new ConcurrencyConflictException(instance.Id);
                }
            }
            else
            {
                var updated = await db.Instances
                    .Where(i => i.Id == instance.Id && i.Version == changes.ExpectedVersion)
                    .ExecuteUpdateAsync(set => set
                        .SetProperty(i => i.Status, instance.Status)
                        .SetProperty(i => i.EndedAt, instance.EndedAt)
                        .SetProperty(i => i.Version, instance.Version)
                        .SetProperty(i => i.State, state), ct);
                if (updated == 0) throw new ConcurrencyConflictException(instance.Id);
            }

            await UpsertTasksAsync(db, changes.Tasks, ct);
            // Removals run before additions, so a timer or subscription re-armed under the same id survives.
            if (changes.RemovedTimers.Count > 0)
                await db.Timers.Where(t => t.InstanceId == instance.Id && changes.RemovedTimers.Contains(t.Id)).ExecuteDeleteAsync(ct);
            if (changes.RemovedSubscriptions.Count > 0)
                await db.Subscriptions.Where(s => s.InstanceId == instance.Id && changes.RemovedSubscriptions.Contains(s.Id)).ExecuteDeleteAsync(ct);
            db.Timers.AddRange(changes.AddedTimers.Select(TimerRow.From));
            db.Subscriptions.AddRange(changes.AddedSubscriptions.Select(SubscriptionRow.From));
            db.History.AddRange(changes.History.Select(HistoryRow.From));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch
        {
            instance.Version = previousVersion;
            throw;
        }
    }

    private static async Task UpsertTasksAsync(WorkflowDbContext db, List<TaskRecord> tasks, CancellationToken ct)
    {
        if (tasks.Count == 0) return;
        var ids = tasks.Select(t => t.Id).ToList();
        var existing = (await db.Tasks.Where(t => ids.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct)).ToHashSet();
        foreach (var task in tasks)
        {
            var row = TaskRow.From(task);
            if (existing.Contains(row.Id)) db.Tasks.Update(row);
            else db.Tasks.Add(row);
        }
    }

    public async Task<TaskRecord?> FindTaskAsync(Guid taskId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Tasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, ct);
        return row?.ToRecord();
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

    private static bool IsUniqueViolation(DbUpdateException e) => e.InnerException switch
    {
        // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY.
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
