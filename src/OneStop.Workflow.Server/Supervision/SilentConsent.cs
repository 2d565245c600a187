using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Server.Applications;

namespace OneStop.Workflow.Server.Supervision;

/// <summary>The decision the engine records when a task that declares onestop:silentConsent reaches its deadline
/// undecided: an approval in the same form as a department's own, so the outcome bundle shows it like any other.</summary>
public static class SilentConsent
{
    public const string Comment = "Approved by silent consent: no decision was made within the statutory time limit, and the scenario declares that this approves.";

    public static JsonObject Decision(TaskItem task, DateTimeOffset at) => new()
    {
        [TaskDecision.VariableName(task.Id)] = new TaskDecision(TaskDecision.Approved, Comment, DeadlineClock.SilentConsentActor, at, []).ToJson(),
        ["decision"] = TaskDecision.Approved,
    };
}
