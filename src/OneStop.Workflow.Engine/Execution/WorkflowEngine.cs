using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OneStop.Workflow.Engine.Bpmn;
using OneStop.Workflow.Engine.Calendars;

namespace OneStop.Workflow.Engine.Execution;

public sealed class WorkflowEngineOptions
{
    public ServiceTaskHandlers Handlers { get; init; } = new();

    /// <summary>Working-day calendars that scenarios name with onestop:calendar.</summary>
    public CalendarRegistry? Calendars { get; init; }

    /// <summary>Simulation: service tasks without a registered handler complete at once instead of raising an incident.</summary>
    public bool CompleteUnhandledServiceTasks { get; init; }

    /// <summary>Told about each service task completed without a handler (the simulator prints it).</summary>
    public Action<ServiceTask>? UnhandledServiceTask { get; init; }

    /// <summary>How often a command is re-run when another command changed the same instance first.</summary>
    public int MaxConcurrencyRetries { get; init; } = 20;

    /// <summary>Bounds the work of one command so that a model that loops without waiting raises an incident.</summary>
    public int MaxStepsPerCommand { get; init; } = 10_000;

    /// <summary>The share of a limit after which a task or application turns yellow (0 to 1): with 0.8, when a fifth
    /// of the limit is left. Measured in working time for working-day limits.</summary>
    public double YellowShare { get; init; } = 0.8;

    /// <summary>The variables a task declaring onestop:silentConsent is completed with when its deadline passes, given
    /// the task and the moment. The default approves: <c>{"decision": "approved"}</c>.</summary>
    public Func<TaskItem, DateTimeOffset, JsonObject> SilentConsentVariables { get; init; } =
        static (_, _) => new JsonObject { ["decision"] = "approved" };

    /// <summary>How many working days all extensions of one task may add together (Administrative Licensing Law Art. 42: 10).</summary>
    public int MaxTaskExtensionWorkingDays { get; init; } = 10;

    /// <summary>How many working days all extensions of a scenario's own limit may add together (joint handling: 45 + 15).</summary>
    public int MaxInstanceExtensionWorkingDays { get; init; } = 15;
}

/// <summary>What the runner of one command needs from the engine.</summary>
internal sealed class EngineContext(TimeProvider clock, WorkflowEngineOptions options)
{
    private readonly ConditionalWeakTable<ProcessDefinition, Reachability> _reachability = new();

    public TimeProvider Clock { get; } = clock;
    public WorkflowEngineOptions Options { get; } = options;

    public Reachability Reachability(ProcessDefinition process) => _reachability.GetValue(process, _ => new Reachability());

    public WorkingDayCalendar CalendarFor(ProcessDefinition process) =>
        process.Calendar is { } id && Options.Calendars is { } registry && registry.TryGet(id, out var calendar)
            ? calendar!
            : Options.Calendars?.Default ?? WorkingDayCalendar.MondayToFriday(TimeZoneInfo.Utc);
}

/// <summary>
/// The scenario engine. Every command (start, complete a task, fire a timer, deliver a message, set variables,
/// retry an incident) is one transaction: load the instance, run its tokens until each waits, save everything
/// together with an optimistic version check; a command that lost a race is re-run on the fresh state.
/// </summary>
public sealed class WorkflowEngine
{
    private readonly IWorkflowStore _store;
    private readonly EngineContext _context;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Guid, ProcessDefinition> _models = new();

    public WorkflowEngine(IWorkflowStore store, TimeProvider clock, WorkflowEngineOptions? options = null, ILogger<WorkflowEngine>? logger = null)
    {
        if (options is not null)
        {
            if (!(options.YellowShare is >= 0 and <= 1))
                throw new ArgumentOutOfRangeException(nameof(options), options.YellowShare, "YellowShare must be between 0 and 1.");
            ArgumentOutOfRangeException.ThrowIfNegative(options.MaxTaskExtensionWorkingDays, nameof(options));
            ArgumentOutOfRangeException.ThrowIfNegative(options.MaxInstanceExtensionWorkingDays, nameof(options));
            ArgumentNullException.ThrowIfNull(options.SilentConsentVariables, nameof(options));
        }
        _store = store;
        _context = new EngineContext(clock, options ?? new WorkflowEngineOptions());
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public IWorkflowStore Store => _store;

    public TimeProvider Clock => _context.Clock;

    /// <summary>The working-day calendars scenarios may name; null when none were given.</summary>
    public CalendarRegistry? Calendars => _context.Options.Calendars;

    /// <summary>The working-day calendar a scenario counts its limits on (its onestop:calendar, else the default).</summary>
    public WorkingDayCalendar CalendarFor(ProcessDefinition process) => _context.CalendarFor(process);

    // ---- Definitions ------------------------------------------------------------------------------

    /// <summary>Validates a BPMN file and stores a new version of each executable process in it (a file identical
    /// to the latest version deploys nothing new). Throws <see cref="BpmnValidationException"/> with every problem.</summary>
    public Task<IReadOnlyList<DeployedDefinition>> DeployAsync(string xml, string? sourceName = null, CancellationToken ct = default) =>
        DeployAsync(xml, sourceName, forms: null, ct);

    /// <summary>Deploys a BPMN file together with its forms (a JSON object {formKey: form-js schema}) so that each version
    /// keeps the forms it was deployed with; the forms are part of the content hash. The caller validates the forms.</summary>
    public async Task<IReadOnlyList<DeployedDefinition>> DeployAsync(string xml, string? sourceName, string? forms, CancellationToken ct = default)
    {
        var document = BpmnModel.Load(xml, sourceName);
        var processes = document.ExecutableProcesses.ToList();
        var problems = CalendarRegistry.CheckNamedCalendars(processes, _context.Options.Calendars);
        if (problems.Count > 0)
            throw new BpmnValidationException(sourceName, problems);

        // Without forms the hash is that of the XML alone, as before forms were stored with definitions.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(forms is null ? xml : xml + "\u0000" + forms)));
        var deployed = new List<DeployedDefinition>();
        foreach (var process in processes)
        {
            var definition = await _store.AddDefinitionAsync(
                new NewDefinition(process.Id, xml, hash, process.Title ?? process.Name, sourceName, Clock.GetUtcNow(), forms), ct);
            _models.TryAdd(definition.Id, process);
            deployed.Add(definition);
            _logger.LogInformation("Deployed {Key} version {Version} from {Source}", definition.Key, definition.Version, sourceName);
        }
        return deployed;
    }

    /// <summary>The executable model of a deployed definition (parsed once, then cached).</summary>
    public async Task<ProcessDefinition> GetModelAsync(Guid definitionId, CancellationToken ct = default)
    {
        if (_models.TryGetValue(definitionId, out var cached))
            return cached;
        var definition = await _store.FindDefinitionAsync(definitionId, ct)
            ?? throw new WorkflowCommandException(CommandError.NotFound, $"No deployed definition has id {definitionId}.");
        var process = BpmnModel.Load(definition.Xml, definition.SourceName).ExecutableProcesses.Single(p => p.Id == definition.Key);
        return _models.GetOrAdd(definitionId, process);
    }

    // ---- Commands ---------------------------------------------------------------------------------

    /// <summary>Starts an instance of the latest (or the given) version of a scenario.</summary>
    public Task<ProcessInstance> StartAsync(string key, JsonObject? variables = null, string? businessKey = null,
        int? version = null, string? actor = null, CancellationToken ct = default) =>
        StartAsync(key, variables, businessKey, version, actor, initiator: null, id: null, ct);

    /// <summary>Starts an instance on behalf of <paramref name="initiator"/> (stored, queryable with
    /// <see cref="IWorkflowStore.ListInstancesAsync"/>), with a given instance id when the caller needs it in advance.</summary>
    public async Task<ProcessInstance> StartAsync(string key, JsonObject? variables, string? businessKey,
        int? version, string? actor, string? initiator, Guid? id, CancellationToken ct = default)
    {
        var definition = await _store.FindDefinitionAsync(key, version, ct)
            ?? throw new WorkflowCommandException(CommandError.NotFound, version is null
                ? $"No scenario with key '{key}' is deployed."
                : $"Scenario '{key}' has no version {version}.");
        var process = await GetModelAsync(definition.Id, ct);
        var instance = new ProcessInstance
        {
            Id = id ?? Guid.NewGuid(),
            DefinitionId = definition.Id,
            DefinitionKey = definition.Key,
            DefinitionVersion = definition.Version,
            BusinessKey = businessKey,
            Initiator = initiator,
            StartedAt = Clock.GetUtcNow(),
        };
        var runner = new InstanceRunner(_context, process, instance, actor, ct);
        runner.Start(variables);
        await runner.RunAsync();
        await _store.SaveAsync(runner.Changes, ct);
        return instance;
    }

    /// <summary>Completes an open user or manual task, merging <paramref name="variables"/> into the instance.</summary>
    public Task<ProcessInstance> CompleteTaskAsync(Guid taskId, JsonObject? variables = null, string? actor = null, CancellationToken ct = default) =>
        RunTaskCommandAsync(taskId, actor, runner => runner.CompleteTask(taskId, variables), ct);

    private async Task<string> WhyNotOpenAsync(TaskRecord task, CancellationToken ct)
    {
        var what = $"Task {task.Id} ({task.ActivityId})";
        if (task.Status == TaskState.Completed)
            return $"{what} was already completed{(task.EndedBy is null ? "" : $" by {task.EndedBy}")} at {task.EndedAt:O}.";
        var instance = await _store.LoadInstanceAsync(task.InstanceId, ct);
        return instance?.Status == InstanceStatus.Terminated
            ? $"{what} was cancelled: the application was terminated at {instance.EndedAt:O}."
            : $"{what} was cancelled at {task.EndedAt:O}: a deadline or message interrupted it, or its part of the process ended.";
    }

    /// <summary>Fires one timer. A timer that already fired or was cancelled is ignored: firing is idempotent.</summary>
    public async Task<bool> FireTimerAsync(TimerRecord timer, CancellationToken ct = default)
    {
        var fired = false;
        await RunCommandAsync(timer.InstanceId, actor: null, runner => fired = runner.FireTimer(timer.Id), ct);
        return fired;
    }

    /// <summary>Fires every timer due by the clock's now, earliest first, including timers that the firings create
    /// and that are already due. Returns how many fired.</summary>
    public async Task<int> FireDueTimersAsync(CancellationToken ct = default)
    {
        var count = 0;
        while (true)
        {
            var due = await _store.DueTimersAsync(Clock.GetUtcNow(), 100, ct);
            if (due.Count == 0)
                return count;
            var progressed = false;
            foreach (var timer in due)
            {
                bool firedNow;
                try
                {
                    firedNow = await FireTimerAsync(timer, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One timer that cannot fire (its model no longer loads, its instance cannot be saved) must not keep
                    // every later timer from firing: it is logged and tried again at the next pass.
                    _logger.LogError(e, "Timer {TimerId} of instance {InstanceId} could not fire; the timers after it go on", timer.Id, timer.InstanceId);
                    continue;
                }
                if (firedNow)
                {
                    count++;
                    progressed = true;
                }
                else
                {
                    progressed |= await ConsumeStaleTimerAsync(timer, ct);
                }
            }
            if (!progressed)
                return count; // another node is firing the same timers right now
        }
    }

    /// <summary>A due timer row that no running instance holds (its instance ended, or the row outlived its timer)
    /// wakes nothing: remove it so that it does not stand before later timers. Returns true when it was removed.</summary>
    private async Task<bool> ConsumeStaleTimerAsync(TimerRecord timer, CancellationToken ct)
    {
        var instance = await _store.LoadInstanceAsync(timer.InstanceId, ct);
        if (instance is null || (instance.Status == InstanceStatus.Running && instance.Timers.Any(t => t.Id == timer.Id)))
            return false;
        var changes = new InstanceChanges { Instance = instance, ExpectedVersion = instance.Version };
        changes.RemovedTimers.Add(timer.Id);
        try
        {
            await _store.SaveAsync(changes, ct);
            _logger.LogWarning("Removed timer {TimerId} of instance {InstanceId}: nothing waits for it", timer.Id, timer.InstanceId);
            return true;
        }
        catch (ConcurrencyConflictException)
        {
            return false; // the instance moved on; the next round looks again
        }
    }

    /// <summary>Delivers a message to the instance waiting for <paramref name="messageName"/> with that correlation key
    /// (at a catch event, receive task or boundary event). When several instances wait, the message is refused unless
    /// <paramref name="all"/> is set: a message meant for one application must not complete others.
    /// Returns how many subscriptions received it.</summary>
    public async Task<int> CorrelateMessageAsync(string messageName, string? correlationKey, JsonObject? variables = null,
        string? actor = null, bool all = false, CancellationToken ct = default)
    {
        var subscriptions = await _store.FindSubscriptionsAsync(messageName, correlationKey, ct);
        var instances = subscriptions.Select(s => s.InstanceId).Distinct().Count();
        if (instances > 1 && !all)
            throw new WorkflowCommandException(CommandError.Invalid,
                $"{instances} applications wait for message '{messageName}'" +
                (correlationKey is null ? " without a correlation key; give the key of the one it is for." : $" with key '{correlationKey}'; the key must name one."));
        var count = 0;
        foreach (var subscription in subscriptions)
        {
            var delivered = false;
            await RunCommandAsync(subscription.InstanceId, actor, runner => delivered = runner.DeliverMessage(subscription.Id, variables), ct);
            if (delivered)
                count++;
        }
        return count;
    }

    public async Task<ProcessInstance> SetVariablesAsync(Guid instanceId, JsonObject variables, string? actor = null, CancellationToken ct = default) =>
        await RunCommandAsync(instanceId, actor, runner => runner.SetVariables(variables), ct)
        ?? throw new WorkflowCommandException(CommandError.NotApplicable, $"Instance {instanceId} has ended.");

    /// <summary>Runs the token of an incident again (after the cause was fixed, e.g. a variable set).</summary>
    public async Task<ProcessInstance> RetryIncidentAsync(Guid instanceId, Guid incidentId, string? actor = null, CancellationToken ct = default) =>
        await RunCommandAsync(instanceId, actor, runner => runner.RetryIncident(incidentId), ct)
        ?? throw new WorkflowCommandException(CommandError.NotApplicable, $"Instance {instanceId} has ended.");

    // ---- The deadline clock ---------------------------------------------------------------------------

    /// <summary>Stops the clock of an open task for <paramref name="reason"/> (one of <see cref="DeadlineClock.PauseReasons"/>):
    /// its signal timers are removed and, while it stands, the scenario's clock stands too.</summary>
    public async Task<ProcessInstance> PauseTaskClockAsync(Guid taskId, string reason, string? actor = null, CancellationToken ct = default)
    {
        if (reason is null || !DeadlineClock.PauseReasons.Contains(reason))
            throw new WorkflowCommandException(CommandError.Invalid,
                $"'{reason}' is not a reason to pause a task's clock; use one of: {string.Join(", ", DeadlineClock.PauseReasons)}.");
        return await RunTaskCommandAsync(taskId, actor, runner => runner.PauseTaskClock(taskId, reason), ct);
    }

    /// <summary>Starts a paused task's clock again: its deadline moves by the time it stood (working time for a
    /// working-day limit, wall time otherwise) and its signal is worked out again.</summary>
    public Task<ProcessInstance> ResumeTaskClockAsync(Guid taskId, string? actor = null, CancellationToken ct = default) =>
        RunTaskCommandAsync(taskId, actor, runner => runner.ResumeTaskClock(taskId), ct);

    /// <summary>Lengthens an open task's limit by <paramref name="workingDays"/> (an approved extension, Art. 42), up to
    /// <see cref="WorkflowEngineOptions.MaxTaskExtensionWorkingDays"/> in all.</summary>
    public async Task<ProcessInstance> ExtendTaskAsync(Guid taskId, int workingDays, string reason, string? actor = null, CancellationToken ct = default)
    {
        CheckExtension(workingDays, reason);
        return await RunTaskCommandAsync(taskId, actor, runner => runner.ExtendTask(taskId, workingDays, reason), ct);
    }

    /// <summary>Lengthens the scenario's own limit (onestop:timeLimit on the process) by <paramref name="workingDays"/>,
    /// up to <see cref="WorkflowEngineOptions.MaxInstanceExtensionWorkingDays"/> in all.</summary>
    public async Task<ProcessInstance> ExtendInstanceAsync(Guid instanceId, int workingDays, string reason, string? actor = null, CancellationToken ct = default)
    {
        CheckExtension(workingDays, reason);
        return await RunCommandAsync(instanceId, actor, runner => runner.ExtendInstance(workingDays, reason), ct)
            ?? throw new WorkflowCommandException(CommandError.NotApplicable, $"Application {instanceId} has ended; its limit can no longer be extended.");
    }

    private static void CheckExtension(int workingDays, string reason)
    {
        if (workingDays < 1)
            throw new WorkflowCommandException(CommandError.Invalid, $"An extension adds at least 1 working day, not {workingDays}.");
        if (string.IsNullOrWhiteSpace(reason))
            throw new WorkflowCommandException(CommandError.Invalid, "An extension needs a reason (the approval it rests on).");
    }

    /// <summary>Runs a command on an open task, explaining why when the task is not open.</summary>
    private async Task<ProcessInstance> RunTaskCommandAsync(Guid taskId, string? actor, Action<InstanceRunner> trigger, CancellationToken ct)
    {
        // One read finds the task's instance; the task's own row is read only to explain why it is not open.
        var instance = await _store.LoadInstanceOfTaskAsync(taskId, ct)
            ?? throw new WorkflowCommandException(CommandError.NotFound, $"No task has id {taskId}.");
        if (instance.Status != InstanceStatus.Running || instance.Tasks.All(t => t.Id != taskId))
        {
            var task = await _store.FindTaskAsync(taskId, ct)
                ?? throw new WorkflowCommandException(CommandError.NotFound, $"No task has id {taskId}.");
            throw new WorkflowCommandException(CommandError.NotApplicable, await WhyNotOpenAsync(task, ct));
        }
        return await RunCommandAsync(instance.Id, actor, trigger, ct, loaded: instance)
            ?? throw new WorkflowCommandException(CommandError.NotApplicable, $"Task {taskId} is no longer open.");
    }

    public async Task<ProcessInstance> GetInstanceAsync(Guid instanceId, CancellationToken ct = default) =>
        await _store.LoadInstanceAsync(instanceId, ct)
        ?? throw new WorkflowCommandException(CommandError.NotFound, $"No process instance has id {instanceId}.");

    /// <summary>Load, run, save; on a version conflict, again from the fresh state. Returns null when the
    /// instance has already ended (nothing to do).</summary>
    private async Task<ProcessInstance?> RunCommandAsync(Guid instanceId, string? actor, Action<InstanceRunner> trigger, CancellationToken ct,
        ProcessInstance? loaded = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var instance = attempt == 1 && loaded is not null ? loaded : await GetInstanceAsync(instanceId, ct);
            if (instance.Status != InstanceStatus.Running)
                return null;
            var process = await GetModelAsync(instance.DefinitionId, ct);
            var runner = new InstanceRunner(_context, process, instance, actor, ct);
            trigger(runner);
            if (runner.Changes.History.Count == 0)
                return instance; // the trigger found nothing to do (a duplicate timer firing): write nothing
            await runner.RunAsync();
            try
            {
                await _store.SaveAsync(runner.Changes, ct);
                return instance;
            }
            catch (ConcurrencyConflictException)
            {
                if (attempt >= _context.Options.MaxConcurrencyRetries)
                    throw new WorkflowCommandException(CommandError.Conflict,
                        $"Application {instanceId} was changed by others {attempt} times while this command ran; try again.");
                _logger.LogDebug("Instance {InstanceId} changed concurrently; re-running the command (attempt {Attempt})", instanceId, attempt + 1);
                // A short random pause keeps commands racing on one instance from colliding again in step.
                await Task.Delay(Random.Shared.Next(1, 4 * attempt), ct);
            }
        }
    }
}
