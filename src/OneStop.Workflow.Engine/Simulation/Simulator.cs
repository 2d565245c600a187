using System.Text.Json;
using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Calendars;
using OneStop.Workflow.Engine.Execution;

namespace OneStop.Workflow.Engine.Simulation;

/// <summary>One step of a simulation script.</summary>
public abstract record SimulationStep(int Number);

/// <summary>Completes the open task of an activity.</summary>
public sealed record CompleteStep(int Number, string ActivityId, JsonObject? Variables) : SimulationStep(Number);

/// <summary>Moves the virtual clock forward, firing due timers in due order on the way.</summary>
public sealed record AdvanceStep(int Number, IsoDuration By) : SimulationStep(Number);

/// <summary>Delivers a message by name and correlation key.</summary>
public sealed record MessageStep(int Number, string Name, string? Key, JsonObject? Variables) : SimulationStep(Number);

/// <summary>A steps file: <c>{"variables": {...}, "steps": [{"complete": "Id", "variables": {...}}, {"advance": "PT2H"},
/// {"message": "Name", "key": "..."}]}</c>.</summary>
public sealed record SimulationScript(JsonObject Variables, IReadOnlyList<SimulationStep> Steps)
{
    public static SimulationScript Parse(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new SimulationStepException(0, $"The steps file is not valid JSON: {ex.Message}");
        }
        if (root is not JsonObject obj)
            throw new SimulationStepException(0, "The steps file must be a JSON object with \"variables\" and \"steps\".");

        var variables = obj["variables"] switch
        {
            null => [],
            JsonObject v => (JsonObject)v.DeepClone(),
            _ => throw new SimulationStepException(0, "\"variables\" must be a JSON object."),
        };
        if (obj["steps"] is not JsonArray array)
            throw new SimulationStepException(0, "\"steps\" must be a JSON array.");

        var steps = new List<SimulationStep>();
        for (var i = 0; i < array.Count; i++)
            steps.Add(ParseStep(i + 1, array[i]));
        return new SimulationScript(variables, steps);
    }

    private static SimulationStep ParseStep(int number, JsonNode? node)
    {
        if (node is not JsonObject step)
            throw new SimulationStepException(number, "A step must be a JSON object such as {\"complete\": \"ActivityId\"}.");
        var stepVariables = step["variables"] switch
        {
            null => null,
            JsonObject v => (JsonObject)v.DeepClone(),
            _ => throw new SimulationStepException(number, "\"variables\" must be a JSON object."),
        };
        if (String(step, "complete", number) is { } activity)
            return new CompleteStep(number, activity, stepVariables);
        if (String(step, "advance", number) is { } duration)
        {
            if (!IsoDuration.TryParse(duration, out var by, out var error))
                throw new SimulationStepException(number, $"\"advance\": \"{duration}\" is not an ISO 8601 duration: {error}");
            return new AdvanceStep(number, by);
        }
        if (String(step, "message", number) is { } name)
            return new MessageStep(number, name, String(step, "key", number), stepVariables);
        throw new SimulationStepException(number, "A step needs one of \"complete\", \"advance\" or \"message\".");
    }

    private static string? String(JsonObject step, string property, int number) => step[property] switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) => text,
        _ => throw new SimulationStepException(number, $"\"{property}\" must be a non-empty string."),
    };
}

/// <summary>A step that is malformed or cannot apply (no open task of that activity, nobody waits for that message).</summary>
public sealed class SimulationStepException(int stepNumber, string message)
    : Exception(stepNumber > 0 ? $"Step {stepNumber}: {message}" : message)
{
    public int StepNumber { get; } = stepNumber;
}

public sealed record SimulatedTask(Guid Id, string Activity, string? Name, string? Department, DateTimeOffset? DueAt,
    TaskSignal Signal = TaskSignal.Green);

/// <summary>A change of a deadline clock during the simulation (a task or the application turning yellow or red, a
/// pause, an extension, a silent consent): the history entry, at the offset of the simulation's start.</summary>
public sealed record SimulatedDeadlineEvent(DateTimeOffset At, string Kind, string? Element, JsonObject? Data);

public sealed record SimulatedIncident(string Element, string Message);

/// <summary>What a simulation ended with: the shape printed by <c>onestop simulate</c>.</summary>
public sealed record SimulationResult(
    Guid InstanceId,
    string Status,
    IReadOnlyList<string> Completed,
    IReadOnlyList<string> Active,
    IReadOnlyList<SimulatedTask> Tasks,
    IReadOnlyList<SimulatedIncident> Incidents,
    JsonObject Variables,
    DateTimeOffset? DueAt,
    IReadOnlyList<SimulatedDeadlineEvent>? Deadlines = null);

/// <summary>
/// Runs a scenario on the real engine with a virtual clock and an in-memory store: what a policy designer
/// uses to try a model before deploying it.
/// </summary>
/// <remarks>Given a durable <paramref name="store"/> instead, the same script files real applications on a virtual
/// clock that starts at <c>start</c> (the <c>onestop demo</c> command).</remarks>
public sealed class Simulator(WorkflowEngineOptions options, IWorkflowStore? store = null)
{
    public Task<SimulationResult> RunAsync(string bpmnXml, string? sourceName, SimulationScript script, DateTimeOffset start, CancellationToken ct = default) =>
        RunAsync(bpmnXml, sourceName, forms: null, script, start, ct);

    /// <summary>Like the other overload, deploying the scenario with its forms (see <see cref="Forms.ScenarioForms.ReadDeployedForms"/>).</summary>
    public async Task<SimulationResult> RunAsync(string bpmnXml, string? sourceName, string? forms, SimulationScript script, DateTimeOffset start,
        CancellationToken ct = default)
    {
        var clock = new VirtualClock(start);
        var engine = new WorkflowEngine(store ?? new InMemoryWorkflowStore(), clock, options);
        var deployed = await engine.DeployAsync(bpmnXml, sourceName, forms, ct);
        if (deployed.Count != 1)
            throw new SimulationStepException(0, $"The file holds {deployed.Count} executable processes; simulation needs exactly one.");

        var instance = await engine.StartAsync(deployed[0].Key, script.Variables, businessKey: null, ct: ct);
        foreach (var step in script.Steps)
        {
            switch (step)
            {
                case CompleteStep complete:
                    var task = instance.Tasks.Where(t => t.ActivityId == complete.ActivityId).MinBy(t => t.CreatedAt)
                        ?? throw new SimulationStepException(step.Number, $"There is no open task of activity '{complete.ActivityId}'" +
                            (instance.Tasks.Count == 0 ? " (no task is open)." : $"; open: {string.Join(", ", instance.Tasks.Select(t => t.ActivityId).Distinct())}."));
                    await engine.CompleteTaskAsync(task.Id, complete.Variables, actor: "simulation", ct: ct);
                    break;
                case AdvanceStep advance:
                    await AdvanceAsync(engine, clock, instance.Id, advance.By.AddTo(clock.GetUtcNow()), ct);
                    break;
                case MessageStep message:
                    if (await engine.CorrelateMessageAsync(message.Name, message.Key, message.Variables, actor: "simulation", ct: ct) == 0)
                        throw new SimulationStepException(step.Number, $"Nothing waits for message '{message.Name}'" +
                            (message.Key is null ? " without a correlation key." : $" with correlation key '{message.Key}'."));
                    break;
            }
            instance = await engine.GetInstanceAsync(instance.Id, ct);
        }

        var history = await engine.Store.HistoryAsync(instance.Id, ct);
        return new SimulationResult(
            instance.Id,
            StatusOf(instance),
            history.Where(h => h.Kind == "NodeCompleted").Select(h => h.ElementId!).ToList(),
            instance.Tokens.Where(t => t.Wait is TokenWait.Task or TokenWait.Message or TokenWait.Timer).Select(t => t.NodeId).ToList(),
            instance.Tasks.Select(t => new SimulatedTask(t.Id, t.ActivityId, t.Name, t.Department, t.DueAt, t.Signal)).ToList(),
            instance.Incidents.Select(i => new SimulatedIncident(i.ElementId, i.Message)).ToList(),
            instance.Variables,
            instance.DueAt,
            history.Where(h => IsDeadlineEntry(h.Kind))
                .Select(h => new SimulatedDeadlineEvent(h.At.ToOffset(start.Offset), h.Kind, h.ElementId, h.Data is null ? null : JsonNode.Parse(h.Data)!.AsObject()))
                .ToList());
    }

    private static bool IsDeadlineEntry(string kind) =>
        kind.StartsWith("deadline.", StringComparison.Ordinal) || kind.StartsWith("clock.", StringComparison.Ordinal) || kind == "task.silent-consent";

    public static string StatusOf(ProcessInstance instance) => instance.Status switch
    {
        InstanceStatus.Completed => "completed",
        InstanceStatus.Terminated => "terminated",
        _ when instance.Incidents.Count > 0 => "incident",
        _ => "running",
    };

    /// <summary>Moves the clock to each due timer of this instance in turn, so that what a firing creates is stamped
    /// with the moment it fired, then to the target. Other instances in a shared store are left alone.</summary>
    private static async Task AdvanceAsync(WorkflowEngine engine, VirtualClock clock, Guid instanceId, DateTimeOffset target, CancellationToken ct)
    {
        while ((await engine.GetInstanceAsync(instanceId, ct)) is { Status: InstanceStatus.Running } instance &&
               instance.Timers.MinBy(t => t.DueAt) is { } next && next.DueAt <= target)
        {
            if (next.DueAt > clock.GetUtcNow())
                clock.MoveTo(next.DueAt);
            if (!await engine.FireTimerAsync(new TimerRecord(next.Id, instanceId, next.ActivityId, next.DueAt), ct))
                break;
        }
        clock.MoveTo(target);
    }
}
