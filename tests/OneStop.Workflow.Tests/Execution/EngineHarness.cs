using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Execution;

namespace OneStop.Workflow.Tests.Execution;

/// <summary>Writes small BPMN models for tests: a process body wrapped in definitions with our namespaces.</summary>
internal static class TestModels
{
    public static string Process(string body, string id = "p", string processAttributes = "") => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
                     xmlns:onestop="https://onestop-workflow.org/schema/bpmn/1.0"
                     xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                     id="d" targetNamespace="https://example.test/bpmn">
          <message id="m_supplement" name="supplement" />
          <message id="m_payment" name="payment" />
          <process id="{id}" isExecutable="true" {processAttributes}>
        {body}
          </process>
        </definitions>
        """;

    public static string Flow(string id, string from, string to, string? condition = null) => condition is null
        ? $"""<sequenceFlow id="{id}" sourceRef="{from}" targetRef="{to}" />"""
        : $"""<sequenceFlow id="{id}" sourceRef="{from}" targetRef="{to}"><conditionExpression>{System.Security.SecurityElement.Escape(condition)}</conditionExpression></sequenceFlow>""";
}

/// <summary>An engine on a virtual clock and an in-memory store, with helpers that speak in activity ids.</summary>
internal sealed class EngineHarness
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8)); // a Monday

    public EngineHarness(WorkflowEngineOptions? options = null, IWorkflowStore? store = null, DateTimeOffset? start = null)
    {
        Clock = new VirtualClock(start ?? Start);
        Store = store ?? new InMemoryWorkflowStore();
        Engine = new WorkflowEngine(Store, Clock, options);
    }

    public VirtualClock Clock { get; }
    public IWorkflowStore Store { get; }
    public WorkflowEngine Engine { get; }
    public ProcessInstance Instance { get; private set; } = null!;

    public async Task<ProcessInstance> RunAsync(string body, JsonObject? variables = null, string? businessKey = null, string processAttributes = "")
    {
        var deployed = await Engine.DeployAsync(TestModels.Process(body, processAttributes: processAttributes), "test.bpmn");
        Instance = await Engine.StartAsync(deployed[0].Key, variables, businessKey);
        return Instance;
    }

    public async Task<ProcessInstance> CompleteAsync(string activityId, JsonObject? variables = null)
    {
        var task = Instance.Tasks.Single(t => t.ActivityId == activityId);
        await Engine.CompleteTaskAsync(task.Id, variables, actor: "tester");
        return await RefreshAsync();
    }

    /// <summary>Moves the clock, firing due timers in due order on the way.</summary>
    public async Task<ProcessInstance> AdvanceAsync(TimeSpan by)
    {
        var target = Clock.GetUtcNow() + by;
        while (await Store.NextTimerAsync() is { } next && next.DueAt <= target)
        {
            if (next.DueAt > Clock.GetUtcNow())
                Clock.MoveTo(next.DueAt);
            if (await Engine.FireDueTimersAsync() == 0 && (await Store.NextTimerAsync())?.Id == next.Id)
                throw new InvalidOperationException($"Timer {next.Id} is due but neither fires nor goes away.");
        }
        Clock.MoveTo(target);
        return await RefreshAsync();
    }

    public async Task<int> MessageAsync(string name, string? key, JsonObject? variables = null)
    {
        var count = await Engine.CorrelateMessageAsync(name, key, variables);
        await RefreshAsync();
        return count;
    }

    public async Task<ProcessInstance> RefreshAsync() => Instance = await Engine.GetInstanceAsync(Instance.Id);

    public async Task<List<string>> CompletedAsync() =>
        (await Store.HistoryAsync(Instance.Id)).Where(h => h.Kind == "NodeCompleted").Select(h => h.ElementId!).ToList();

    public List<string> Active => Instance.Tokens
        .Where(t => t.Wait is TokenWait.Task or TokenWait.Message or TokenWait.Timer)
        .Select(t => t.NodeId).OrderBy(id => id, StringComparer.Ordinal).ToList();

    public List<string> OpenTasks => Instance.Tasks.Select(t => t.ActivityId).OrderBy(id => id, StringComparer.Ordinal).ToList();
}
