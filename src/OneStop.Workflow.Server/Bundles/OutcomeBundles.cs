using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure.Bundles;
using OneStop.Workflow.Server.Applications;
using OneStop.Workflow.Server.Scenarios;

namespace OneStop.Workflow.Server.Bundles;

/// <summary>Builds the sealed outcome bundle of a completed application from its instance: one decision per completed
/// department task, in the order the departments decided.</summary>
public sealed class OutcomeBundles(OutcomeBundleWriter writer, ScenarioCatalog catalog)
{
    public async Task<(byte[] Bytes, string FileName)> WriteAsync(ProcessInstance instance, IReadOnlyList<TaskRecord> tasks, CancellationToken ct)
    {
        var scenario = await catalog.GetAsync(instance.DefinitionId, ct);
        var outcomes = Engine.Forms.ScenarioForms.UserTasksInProcessOrder(scenario.Process).ToDictionary(t => t.Id, t => t.Outcome, StringComparer.Ordinal);
        var decisions = tasks
            .Where(t => t.Status == TaskState.Completed)
            .OrderBy(t => t.EndedAt).ThenBy(t => t.CreatedAt)
            .Select(t => (Task: t, Decision: TaskDecision.Of(instance, t.Id)))
            .Where(d => d.Decision is not null)
            .Select(d => new DepartmentDecision(
                d.Task.Department ?? "(no department)",
                d.Task.Name ?? d.Task.ActivityId,
                outcomes.GetValueOrDefault(d.Task.ActivityId),
                d.Decision!.Decision == TaskDecision.Approved,
                d.Decision.Comment,
                d.Decision.DecidedAt,
                d.Decision.DecidedBy,
                d.Decision.Data.Select(p => (p.Key, p.Value?.ToString() ?? "")).ToList()))
            .ToList();
        var applicant = (string?)instance.Variables["applicantName"] ?? instance.Initiator ?? "(unknown applicant)";
        var content = new BundleContent(instance.Id, instance.DefinitionKey, instance.DefinitionVersion, scenario.Title, applicant,
            instance.StartedAt, instance.EndedAt ?? decisions.Select(d => d.DecidedAt).DefaultIfEmpty(instance.StartedAt).Max(), decisions);
        return (writer.Write(content), OutcomeBundleWriter.FileName(instance.Id));
    }
}
