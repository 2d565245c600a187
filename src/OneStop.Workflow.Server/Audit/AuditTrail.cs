using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure.Persistence;

namespace OneStop.Workflow.Server.Audit;

/// <summary>One entry of an application's history: the engine's own (submission, task created or completed, variables
/// set, timers) or a department's work recorded by the server (claim, release, supplementation request).</summary>
public sealed record HistoryEntry(DateTimeOffset At, string? Actor, string Kind, string? Element, Guid? TaskId, JsonNode? Data);

/// <summary>The kinds of audit entries the server records.</summary>
public static class AuditActions
{
    public const string AttachmentUploaded = "attachment-uploaded";
    public const string SupplementRequested = "supplement-requested";
    public const string Decided = "decided";
}

/// <summary>Records the changes the server makes around the engine's tasks and merges them with the engine history.</summary>
public sealed class AuditTrail(IDbContextFactory<WorkflowDbContext> contexts, WorkflowEngine engine, TimeProvider clock)
{
    /// <summary>Adds an audit row to <paramref name="db"/>: saved with the change it records, in one transaction.</summary>
    public void Record(WorkflowDbContext db, Guid? instanceId, Guid? taskId, string actor, string action, JsonObject? data) =>
        db.Audit.Add(new AuditRow
        {
            Id = Guid.CreateVersion7(),
            InstanceId = instanceId,
            TaskId = taskId,
            At = clock.GetUtcNow(),
            Actor = actor,
            Action = action,
            Data = data?.ToJsonString(),
        });

    public async Task RecordAsync(Guid? instanceId, Guid? taskId, string actor, string action, JsonObject? data, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        Record(db, instanceId, taskId, actor, action, data);
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<HistoryEntry>> HistoryAsync(Guid instanceId, CancellationToken ct)
    {
        var engineHistory = await engine.Store.HistoryAsync(instanceId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var audit = await db.Audit.AsNoTracking().Where(a => a.InstanceId == instanceId).ToListAsync(ct);
        return engineHistory
            .Select(h => (Order: 0, h.Sequence, Entry: new HistoryEntry(h.At, h.Actor, h.Kind, h.ElementId, null, h.Data is null ? null : JsonNode.Parse(h.Data))))
            .Concat(audit.Select(a => (Order: 1, Sequence: 0, Entry: new HistoryEntry(a.At, a.Actor, a.Action, null, a.TaskId, a.Data is null ? null : JsonNode.Parse(a.Data)))))
            .OrderBy(e => e.Entry.At).ThenBy(e => e.Order).ThenBy(e => e.Sequence)
            .Select(e => e.Entry)
            .ToList();
    }
}
