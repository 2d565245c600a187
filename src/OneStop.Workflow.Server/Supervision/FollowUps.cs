using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OneStop.Workflow.Infrastructure.Persistence;
using OneStop.Workflow.Server.Auth;
using OneStop.Workflow.Server.Hosting;
using OneStop.Workflow.Server.Problems;

namespace OneStop.Workflow.Server.Supervision;

public static class FollowUpKind
{
    public const string Overdue = "overdue";
    public const string LowRating = "low-rating";
}

public sealed record FollowUpView(Guid Id, string Kind, Guid ApplicationId, string Scenario, Guid? TaskId, string? Department,
    DateTimeOffset CreatedAt, string Summary, string Status, string? ClosedBy, DateTimeOffset? ClosedAt, string? Note)
{
    public static FollowUpView Of(FollowUpRow row) => new(row.Id, row.Kind, row.InstanceId, row.Scenario, row.TaskId, row.Department,
        row.CreatedAt, row.Summary, row.ClosedAt is null ? "open" : "closed", row.ClosedBy, row.ClosedAt, row.Note);
}

public sealed record CloseFollowUpRequest(string? Note);

/// <summary>The supervisors' follow-up work: opened by an escalation or a poor rating, closed with a note saying what was done.</summary>
public sealed class FollowUps(IDbContextFactory<WorkflowDbContext> contexts, TimeProvider clock, ILogger<FollowUps> logger)
{
    public const int MaxNoteLength = 2000;

    /// <summary>A new follow-up row for <paramref name="db"/>; saved by the caller with the change that opened it.</summary>
    public FollowUpRow Add(WorkflowDbContext db, string kind, string source, Guid instanceId, string scenario, Guid? taskId, string? department, string summary)
    {
        var row = new FollowUpRow
        {
            Id = Guid.CreateVersion7(),
            Kind = kind,
            Source = source,
            InstanceId = instanceId,
            Scenario = scenario,
            TaskId = taskId,
            Department = department,
            Summary = summary,
            CreatedAt = clock.GetUtcNow(),
            Version = 1,
        };
        db.FollowUps.Add(row);
        return row;
    }

    /// <summary>Opens a follow-up unless one with the same source exists: a repeated delivery of the same escalation
    /// opens nothing twice. Returns true when it was opened now.</summary>
    public async Task<bool> OpenOnceAsync(string kind, string source, Guid instanceId, string scenario, Guid? taskId, string? department, string summary,
        CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await db.FollowUps.AnyAsync(f => f.Source == source, ct))
            return false;
        Add(db, kind, source, instanceId, scenario, taskId, department, summary);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            if (await ExistsAsync(source, ct))
                return false; // another node opened it at the same moment
            throw;
        }
        logger.LogInformation("Follow-up {Kind} opened for application {ApplicationId}", kind, instanceId);
        return true;
    }

    private async Task<bool> ExistsAsync(string source, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.FollowUps.AnyAsync(f => f.Source == source, ct);
    }

    public async Task<List<FollowUpView>> ListAsync(string status, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = status switch
        {
            "open" => await db.FollowUps.AsNoTracking().Where(f => f.ClosedAt == null).OrderBy(f => f.CreatedAt).Take(500).ToListAsync(ct),
            "closed" => await db.FollowUps.AsNoTracking().Where(f => f.ClosedAt != null).OrderByDescending(f => f.ClosedAt).Take(500).ToListAsync(ct),
            _ => await db.FollowUps.AsNoTracking().OrderByDescending(f => f.CreatedAt).Take(500).ToListAsync(ct),
        };
        return rows.Select(FollowUpView.Of).ToList();
    }

    public async Task<FollowUpView> CloseAsync(Guid id, string? note, string actor, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(note))
            throw RequestValidationException.For("note", "Say what was done about it: the note is kept with the follow-up.");
        if (note.Length > MaxNoteLength)
            throw RequestValidationException.For("note", $"The note may have at most {MaxNoteLength} characters.");
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.FollowUps.FirstOrDefaultAsync(f => f.Id == id, ct) ?? throw ApiProblemException.NotFound($"No follow-up has id {id}.");
        if (row.ClosedAt is not null)
            throw ApiProblemException.Conflict($"Follow-up {id} was already closed by {row.ClosedBy} at {row.ClosedAt:O}.");
        row.ClosedAt = clock.GetUtcNow();
        row.ClosedBy = actor;
        row.Note = note.Trim();
        row.Version++;
        db.Audit.Add(new AuditRow
        {
            Id = Guid.CreateVersion7(), InstanceId = row.InstanceId, TaskId = row.TaskId, At = row.ClosedAt.Value, Actor = actor,
            Action = "follow-up-closed", Data = new System.Text.Json.Nodes.JsonObject { ["followUp"] = row.Id.ToString(), ["kind"] = row.Kind }.ToJsonString(),
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw ApiProblemException.Conflict($"Follow-up {id} was changed by someone else meanwhile; look at it again.");
        }
        return FollowUpView.Of(row);
    }
}

public static class FollowUpsApi
{
    private static readonly string[] Statuses = ["open", "closed", "all"];

    public static IEndpointRouteBuilder MapFollowUpsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/follow-ups").WithTags("Supervision").RequireAuthorization(Policies.Supervision).WithJsonBodyLimit();
        group.MapGet("/", async Task<Ok<List<FollowUpView>>> (string? status, FollowUps followUps, CancellationToken ct) =>
        {
            status ??= "open";
            if (!Statuses.Contains(status))
                throw RequestValidationException.For("status", $"Status '{status}' is not one of: {string.Join(", ", Statuses)}.");
            return TypedResults.Ok(await followUps.ListAsync(status, ct));
        });
        group.MapPost("/{id:guid}/close", async Task<Ok<FollowUpView>> (Guid id, CloseFollowUpRequest request, ClaimsPrincipal user, FollowUps followUps, CancellationToken ct) =>
            TypedResults.Ok(await followUps.CloseAsync(id, request.Note, user.Name(), ct)));
        return app;
    }
}
