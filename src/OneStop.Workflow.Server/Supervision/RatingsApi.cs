using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure.Persistence;
using OneStop.Workflow.Server.Applications;
using OneStop.Workflow.Server.Audit;
using OneStop.Workflow.Server.Auth;
using OneStop.Workflow.Server.Hosting;
using OneStop.Workflow.Server.Problems;

namespace OneStop.Workflow.Server.Supervision;

public sealed record RateServiceRequest(int? Score, string? Comment);

public sealed record RatingView(int Score, string? Comment, DateTimeOffset RatedAt)
{
    public static RatingView Of(RatingRow row) => new(row.Score, row.Comment, row.RatedAt);
}

/// <summary>Service ratings (好差评): the applicant rates a finished application once, 1 to 5 with an optional comment;
/// a rating of 1 or 2 opens a follow-up for the supervisors in the same transaction.</summary>
public static class RatingsApi
{
    public const int MaxCommentLength = 500;
    public const int LowestAcceptable = 3;

    public static IEndpointRouteBuilder MapRatingsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/applications/{id:guid}/rating").WithTags("Supervision");
        group.MapPost("/", RateAsync).RequireAuthorization(Policies.Citizen).WithJsonBodyLimit();
        group.MapGet("/", GetAsync).RequireAuthorization(Policies.Authenticated);
        return app;
    }

    private static async Task<Created<RatingView>> RateAsync(Guid id, RateServiceRequest request, ClaimsPrincipal user, ApplicationReader reader,
        IDbContextFactory<WorkflowDbContext> contexts, AuditTrail audit, FollowUps followUps, TimeProvider clock, CancellationToken ct)
    {
        var (instance, _) = await reader.LoadVisibleAsync(id, user, ct);
        if (!ApplicationReader.IsOwner(user, instance))
            throw ApiProblemException.NotFound($"No application has id {id}.");
        var errors = new Dictionary<string, string[]>();
        if (request.Score is not (>= 1 and <= 5))
            errors["score"] = ["The score must be a whole number from 1 (very poor) to 5 (very good)."];
        var comment = string.IsNullOrWhiteSpace(request.Comment) ? null : request.Comment.Trim();
        if (comment is { Length: > MaxCommentLength })
            errors["comment"] = [$"The comment may have at most {MaxCommentLength} characters."];
        if (errors.Count > 0)
            throw new RequestValidationException("The rating is not valid; nothing was stored.", errors);
        if (instance.Status == InstanceStatus.Running)
            throw ApiProblemException.Conflict("The service can be rated once the application is finished; it is still in progress.");

        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await db.Ratings.AnyAsync(r => r.InstanceId == id, ct))
            throw ApiProblemException.Conflict("This application has already been rated; a rating is given once.");
        var row = new RatingRow
        {
            InstanceId = id, Scenario = instance.DefinitionKey, Score = request.Score!.Value, Comment = comment, RatedBy = user.Name(),
            RatedAt = clock.GetUtcNow(),
        };
        db.Ratings.Add(row);
        audit.Record(db, id, null, user.Name(), "rated", new JsonObject { ["score"] = row.Score });
        if (row.Score < LowestAcceptable)
        {
            followUps.Add(db, FollowUpKind.LowRating, $"rating:{id:N}", id, instance.DefinitionKey, null, null,
                $"The applicant rated the service {row.Score} of 5{(comment is null ? "" : " with a comment")}.");
            // The supervisors are told through the same outbox as deadlines: written with the rating, delivered after.
            db.Notices.Add(new NoticeRow
            {
                Id = Guid.CreateVersion7(), InstanceId = id, Kind = NoticeDispatcher.LowRatingKind, At = row.RatedAt,
                Data = new JsonObject { ["scenario"] = instance.DefinitionKey, ["score"] = row.Score }.ToJsonString(),
            });
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw ApiProblemException.Conflict("This application has already been rated; a rating is given once.");
        }
        return TypedResults.Created($"/api/applications/{id}/rating", RatingView.Of(row));
    }

    private static async Task<Ok<RatingView>> GetAsync(Guid id, ClaimsPrincipal user, ApplicationReader reader, IDbContextFactory<WorkflowDbContext> contexts,
        CancellationToken ct)
    {
        var (instance, _) = await reader.LoadVisibleAsync(id, user, ct);
        if (!ApplicationReader.IsOwner(user, instance) && !user.IsSupervisorOrAdmin())
            throw ApiProblemException.Forbidden("Only the applicant and supervisors see the rating.");
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Ratings.AsNoTracking().FirstOrDefaultAsync(r => r.InstanceId == id, ct)
            ?? throw ApiProblemException.NotFound($"Application {id} has not been rated.");
        return TypedResults.Ok(RatingView.Of(row));
    }
}
