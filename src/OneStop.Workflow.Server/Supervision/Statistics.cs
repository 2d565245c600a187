using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OneStop.Workflow.Engine.Calendars;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure.Persistence;
using OneStop.Workflow.Server.Audit;
using OneStop.Workflow.Server.Auth;
using OneStop.Workflow.Server.Problems;
using OneStop.Workflow.Server.Scenarios;

namespace OneStop.Workflow.Server.Supervision;

/// <param name="Open">Not yet decided.</param>
/// <param name="OnTime">Open and green.</param>
/// <param name="Yellow">Open, most of the limit used.</param>
/// <param name="Red">Open and overdue.</param>
/// <param name="CompletedOnTime">Decided by the deadline (or without one).</param>
/// <param name="OverdueCompleted">Decided after the deadline.</param>
public sealed record WorkCounts(int Open, int OnTime, int Yellow, int Red, int Completed, int CompletedOnTime, int OverdueCompleted);

/// <summary>Handling time of finished work in working days of the scenario's calendar, from filing (or the task's
/// creation) to the decision, less the working time its clock stood (supplementation, excluded periods): the time the
/// statute counts.</summary>
public sealed record HandlingDays(double? Average, double? P90);

public sealed record RatingSummary(int Count, double? Average, IReadOnlyDictionary<string, int> Distribution);

public sealed record DepartmentStats(string Department, WorkCounts Tasks, HandlingDays HandlingDays, int Supplements);

public sealed record ScenarioStats(string Scenario, string Title, WorkCounts Applications, HandlingDays HandlingDays, int Supplements, RatingSummary Ratings);

public sealed record StatsView(DateTimeOffset GeneratedAt, DateTimeOffset? From, DateTimeOffset? To, IReadOnlyList<DepartmentStats> Departments,
    IReadOnlyList<ScenarioStats> Scenarios, RatingSummary Ratings);

/// <summary>
/// The supervisors' figures: per department and per scenario, open work by signal, finished work on time or late,
/// average and 90th-percentile handling time in working days, supplementation requests and ratings. Applications filed in
/// [from, to) are counted (all when not given).
/// </summary>
public sealed class Statistics(IDbContextFactory<WorkflowDbContext> contexts, WorkflowEngine engine, ScenarioCatalog catalog, TimeProvider clock)
{
    public async Task<StatsView> ComputeAsync(DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var instances = db.Instances.AsNoTracking().AsQueryable();
        if (from is { } f)
            instances = instances.Where(i => i.StartedAt >= f);
        if (to is { } t)
            instances = instances.Where(i => i.StartedAt < t);
        var applications = await instances
            .Select(i => new { i.Id, i.DefinitionId, i.DefinitionKey, i.Status, i.StartedAt, i.EndedAt, i.DueAt, i.Signal })
            .ToListAsync(ct);
        var definitionOf = applications.ToDictionary(a => a.Id, a => a.DefinitionId);

        // Everything below is limited in SQL to the applications in range, and only the columns counted are read.
        var tasks = await db.Tasks.AsNoTracking().Where(task => task.Department != null && instances.Any(i => i.Id == task.InstanceId))
            .Select(task => new { task.Id, task.InstanceId, task.Department, task.CreatedAt, task.DueAt, task.Status, task.EndedAt, task.Signal })
            .ToListAsync(ct);
        var supplements = await db.Audit.AsNoTracking()
            .Where(a => a.Action == AuditActions.SupplementRequested && a.TaskId != null && instances.Any(i => i.Id == a.InstanceId))
            .Select(a => new { InstanceId = a.InstanceId!.Value, TaskId = a.TaskId!.Value }).ToListAsync(ct);
        var ratings = await db.Ratings.AsNoTracking().Where(r => instances.Any(i => i.Id == r.InstanceId))
            .Select(r => new { r.InstanceId, r.Scenario, r.Score }).ToListAsync(ct);

        var pauseEntries = await db.History.AsNoTracking()
            .Where(h => (h.Kind == "clock.resumed" || h.Kind == "clock.pause-ended") && instances.Any(i => i.Id == h.InstanceId))
            .Select(h => new { h.InstanceId, h.Data }).ToListAsync(ct);
        var pauses = Paused(pauseEntries.Select(e => (e.InstanceId, e.Data)));

        var departmentOfTask = tasks.ToDictionary(task => task.Id, task => task.Department!);
        var departments = new List<DepartmentStats>();
        foreach (var group in tasks.GroupBy(task => task.Department!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var counts = Count(group.Select(task => (task.Status == TaskState.Open, task.Status == TaskState.Completed, task.Signal, task.EndedAt, task.DueAt)));
            var days = new List<double>();
            foreach (var task in group.Where(task => task.Status == TaskState.Completed && task.EndedAt is not null))
                days.Add(Math.Max(0, (await CalendarAsync(definitionOf[task.InstanceId], ct)).WorkingDaysBetween(task.CreatedAt, task.EndedAt!.Value)
                                     - pauses.Tasks.GetValueOrDefault(task.Id)));
            departments.Add(new DepartmentStats(group.Key, counts, Handling(days),
                supplements.Count(s => departmentOfTask.TryGetValue(s.TaskId, out var d) && d == group.Key)));
        }

        var scenarios = new List<ScenarioStats>();
        foreach (var group in applications.GroupBy(a => a.DefinitionKey, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var counts = Count(group.Select(a => (a.Status == InstanceStatus.Running, a.Status == InstanceStatus.Completed, a.Signal, a.EndedAt, a.DueAt)));
            var days = new List<double>();
            foreach (var a in group.Where(a => a.Status == InstanceStatus.Completed && a.EndedAt is not null))
                days.Add(Math.Max(0, (await CalendarAsync(a.DefinitionId, ct)).WorkingDaysBetween(a.StartedAt, a.EndedAt!.Value)
                                     - pauses.Applications.GetValueOrDefault(a.Id)));
            var inScenario = group.Select(a => a.Id).ToHashSet();
            var latest = await catalog.FindLatestAsync(group.Key, ct);
            scenarios.Add(new ScenarioStats(group.Key, latest?.Title ?? group.Key, counts, Handling(days),
                supplements.Count(s => inScenario.Contains(s.InstanceId)),
                Ratings(ratings.Where(r => inScenario.Contains(r.InstanceId)).Select(r => r.Score))));
        }

        return new StatsView(clock.GetUtcNow(), from, to, departments, scenarios, Ratings(ratings.Select(r => r.Score)));
    }

    private static WorkCounts Count(IEnumerable<(bool Open, bool Completed, TaskSignal Signal, DateTimeOffset? EndedAt, DateTimeOffset? DueAt)> items)
    {
        int open = 0, onTime = 0, yellow = 0, red = 0, completed = 0, completedOnTime = 0, overdue = 0;
        foreach (var item in items)
        {
            if (item.Open)
            {
                open++;
                switch (item.Signal)
                {
                    case TaskSignal.Red: red++; break;
                    case TaskSignal.Yellow: yellow++; break;
                    default: onTime++; break;
                }
            }
            else if (item.Completed)
            {
                completed++;
                if (item.DueAt is { } due && item.EndedAt > due)
                    overdue++;
                else
                    completedOnTime++;
            }
        }
        return new WorkCounts(open, onTime, yellow, red, completed, completedOnTime, overdue);
    }

    /// <summary>The working days each task's clock stood, and each application's own clock, summed from the history entries
    /// that end a pause ("clock.resumed", "clock.pause-ended"): a task's carry its taskId, the application's none.</summary>
    internal static (Dictionary<Guid, double> Tasks, Dictionary<Guid, double> Applications) Paused(IEnumerable<(Guid InstanceId, string? Data)> entries)
    {
        var tasks = new Dictionary<Guid, double>();
        var applications = new Dictionary<Guid, double>();
        foreach (var (instanceId, text) in entries)
        {
            if (text is null || System.Text.Json.Nodes.JsonNode.Parse(text) is not System.Text.Json.Nodes.JsonObject data
                || data["pausedWorkingDays"] is not System.Text.Json.Nodes.JsonValue value || !value.TryGetValue<double>(out var days))
                continue;
            if ((string?)data["taskId"] is { } task && Guid.TryParse(task, out var taskId))
                tasks[taskId] = tasks.GetValueOrDefault(taskId) + days;
            else
                applications[instanceId] = applications.GetValueOrDefault(instanceId) + days;
        }
        return (tasks, applications);
    }

    /// <summary>Average and 90th percentile (nearest rank), rounded to two decimals.</summary>
    internal static HandlingDays Handling(List<double> days)
    {
        if (days.Count == 0)
            return new HandlingDays(null, null);
        days.Sort();
        var rank = (int)Math.Ceiling(0.9 * days.Count);
        return new HandlingDays(Math.Round(days.Average(), 2), Math.Round(days[rank - 1], 2));
    }

    private static RatingSummary Ratings(IEnumerable<int> scores)
    {
        var list = scores.ToList();
        var distribution = Enumerable.Range(1, 5).ToDictionary(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture), s => list.Count(x => x == s));
        return new RatingSummary(list.Count, list.Count == 0 ? null : Math.Round(list.Average(), 2), distribution);
    }

    private async Task<WorkingDayCalendar> CalendarAsync(Guid definitionId, CancellationToken ct) =>
        engine.CalendarFor(await engine.GetModelAsync(definitionId, ct)); // models are cached by the engine
}

public static class StatisticsApi
{
    public static IEndpointRouteBuilder MapStatisticsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/stats", async Task<Ok<StatsView>> (DateTimeOffset? from, DateTimeOffset? to, Statistics statistics, CancellationToken ct) =>
        {
            if (from is { } f && to is { } t && t <= f)
                throw RequestValidationException.For("to", "'to' must be later than 'from'.");
            return TypedResults.Ok(await statistics.ComputeAsync(from, to, ct));
        }).WithTags("Supervision").RequireAuthorization(Policies.Supervision);
        return app;
    }
}
