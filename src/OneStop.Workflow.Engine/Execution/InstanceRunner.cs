using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Bpmn;
using OneStop.Workflow.Engine.Calendars;
using OneStop.Workflow.Engine.Expressions;

namespace OneStop.Workflow.Engine.Execution;

/// <summary>
/// Moves the tokens of one process instance inside one command: applies the command's trigger, then runs
/// every token until it waits for something outside the engine (a person, a message, a clock), and records
/// everything it changed in <see cref="Changes"/> for the store to write in one transaction.
/// </summary>
internal sealed partial class InstanceRunner
{
    private readonly ProcessDefinition _process;
    private readonly ProcessInstance _instance;
    private readonly EngineContext _engine;
    private readonly DateTimeOffset _now;

    /// <summary>Who the entries of this command are recorded for; silent consent takes over from a timer firing.</summary>
    private string? _actor;
    private readonly CancellationToken _ct;
    private readonly Queue<Token> _agenda = new();
    private readonly HashSet<Guid> _addedTimers = [];
    private readonly HashSet<Guid> _addedSubscriptions = [];
    private int _steps;

    public InstanceRunner(EngineContext engine, ProcessDefinition process, ProcessInstance instance, string? actor, CancellationToken ct)
    {
        _engine = engine;
        _process = process;
        _instance = instance;
        _now = engine.Clock.GetUtcNow();
        _actor = actor;
        _ct = ct;
        Changes = new InstanceChanges { Instance = instance, ExpectedVersion = instance.Version };
    }

    public InstanceChanges Changes { get; }

    private WorkingDayCalendar Calendar => _engine.CalendarFor(_process);

    // ---- Triggers (one per command) ---------------------------------------------------------------

    public void Start(JsonObject? variables)
    {
        Merge(variables);
        var start = _process.FlowNodes.OfType<StartEvent>().Single(s => s.EventDefinitions.Count == 0);
        _instance.DueAt = DeadlineOf(_process.TimeLimit);
        Record("InstanceStarted", null, variables is null ? null : new JsonObject { ["variables"] = variables.DeepClone() });
        StartInstanceClock(_process.TimeLimit);
        _agenda.Enqueue(NewToken(start.Id, scopeId: null));
    }

    /// <summary>Completes an open task. When the task's outgoing conditions cannot be decided with the data given,
    /// the completion is refused (nothing is written) so that the department can supply what is missing.</summary>
    public void CompleteTask(Guid taskId, JsonObject? variables)
    {
        var task = _instance.Tasks.FirstOrDefault(t => t.Id == taskId)
            ?? throw new WorkflowCommandException(CommandError.NotApplicable, $"Task {taskId} is not open.");
        var token = TokenById(task.TokenId);
        var node = _process.Node(token.NodeId);
        Merge(variables);
        if (TryChooseFlows(node, firstMatchOnly: false, out _, out var problem) is false)
            throw new WorkflowCommandException(CommandError.Invalid, $"Task {taskId} ({node.Id}) cannot be completed: {problem}");
        FinishTask(task, token, node, variables);
    }

    /// <summary>Completes a task whose way on is known to be decidable, and moves its token on.</summary>
    private void FinishTask(TaskItem task, Token token, FlowNode node, JsonObject? variables)
    {
        _instance.Tasks.Remove(task);
        Record("TaskCompleted", task.ActivityId, variables is null ? null : new JsonObject { ["variables"] = variables.DeepClone() });
        EndTaskClock(task, TaskState.Completed);
        WriteTask(task, TaskState.Completed);
        ClearWaits(token, TaskState.Cancelled);
        token.Wait = TokenWait.None;
        Leave(token, node);
    }

    /// <summary>Fires a pending timer. Returns false when the timer is no longer pending (already fired or
    /// cancelled) or not yet due: a duplicate or early firing changes nothing.</summary>
    public bool FireTimer(Guid timerId)
    {
        var timer = _instance.Timers.FirstOrDefault(t => t.Id == timerId);
        if (timer is null || timer.DueAt > _now)
            return false;
        if (timer.Purpose != TimerPurpose.Model)
        {
            FireSignal(timer);
            return true;
        }
        var token = TokenById(timer.TokenId);
        var node = _process.Node(timer.ActivityId);
        Record("TimerFired", node.Id, new JsonObject { ["dueAt"] = timer.DueAt.ToString("O", CultureInfo.InvariantCulture) });
        RemoveTimer(timer);

        if (node is BoundaryEvent boundary)
        {
            if (!boundary.CancelActivity)
                RearmCycle(token, boundary, timer);
            TriggerBoundary(token, boundary);
        }
        else
        {
            ClearWaits(token, TaskState.Cancelled);
            token.Wait = TokenWait.None;
            Leave(token, node);
        }
        return true;
    }

    /// <summary>Delivers a message to one waiting subscription of this instance.</summary>
    public bool DeliverMessage(Guid subscriptionId, JsonObject? variables)
    {
        var subscription = _instance.Subscriptions.FirstOrDefault(s => s.Id == subscriptionId);
        if (subscription is null)
            return false;
        var token = TokenById(subscription.TokenId);
        var node = _process.Node(subscription.ActivityId);
        Merge(variables);
        Record("MessageReceived", node.Id, new JsonObject { ["message"] = subscription.MessageName, ["correlationKey"] = subscription.CorrelationKey });

        if (node is BoundaryEvent boundary)
        {
            // A non-interrupting message boundary stays subscribed while its activity runs.
            if (boundary.CancelActivity)
                RemoveSubscription(subscription);
            TriggerBoundary(token, boundary);
        }
        else
        {
            // The catch event or receive task is done: its own subscription and its boundary events go with it.
            ClearWaits(token, TaskState.Cancelled);
            token.Wait = TokenWait.None;
            Leave(token, node);
        }
        return true;
    }

    public void SetVariables(JsonObject variables)
    {
        Merge(variables);
        Record("VariablesSet", null, new JsonObject { ["variables"] = variables.DeepClone() });
    }

    /// <summary>Resolves an incident: runs the failed element again, or, when the element had done its work and only
    /// choosing the way on failed, moves the token on.</summary>
    public void RetryIncident(Guid incidentId)
    {
        var incident = _instance.Incidents.FirstOrDefault(i => i.Id == incidentId)
            ?? throw new WorkflowCommandException(CommandError.NotFound, $"Instance {_instance.Id} has no open incident {incidentId}.");
        var token = _instance.Tokens.FirstOrDefault(t => t.Id == incident.TokenId);
        if (token is null || token.Wait != TokenWait.Incident || token.NodeId != incident.ElementId)
            throw new WorkflowCommandException(CommandError.NotApplicable, $"Incident {incidentId} at '{incident.ElementId}' no longer applies.");
        _instance.Incidents.Remove(incident);
        token.Wait = TokenWait.None;
        Record("IncidentRetried", incident.ElementId, null);
        if (incident.OnLeave)
            Leave(token, _process.Node(token.NodeId));
        else
            _agenda.Enqueue(token);
    }

    // ---- The run loop -----------------------------------------------------------------------------

    public async ValueTask RunAsync()
    {
        while (true)
        {
            while (_agenda.TryDequeue(out var token))
            {
                if (!_instance.Tokens.Contains(token) || token.Wait != TokenWait.None)
                    continue; // cancelled or parked since it was queued
                if (++_steps > _engine.Options.MaxStepsPerCommand)
                {
                    RaiseIncident(token, $"More than {_engine.Options.MaxStepsPerCommand} steps in one command: the model loops without waiting.");
                    continue;
                }
                await EnterAsync(token);
            }
            if (!FireActivatableInclusiveJoin())
                break;
        }
    }

    private async ValueTask EnterAsync(Token token)
    {
        var node = _process.Node(token.NodeId);
        switch (node)
        {
            case StartEvent or IntermediateThrowEvent or PlainTask:
                Leave(token, node);
                break;

            case EndEvent end:
                Completed(end);
                if (end.IsTerminate)
                    Terminate(token);
                else
                    EndToken(token);
                break;

            case UserTask user:
                OpenTask(token, user, user.Department, user.FormRef, user.TimeLimit);
                break;

            case ManualTask manual:
                OpenTask(token, manual, manual.Department, formRef: null, limit: null);
                break;

            case ReceiveTask receive:
                if (PrepareWaits(token, receive, Subscription(receive, receive.MessageName!, receive.CorrelationKey)) is { } receiveWaits)
                {
                    Arm(token, receiveWaits);
                    token.Wait = TokenWait.Message;
                }
                break;

            case ServiceTask service:
                await RunServiceTaskAsync(token, service);
                break;

            case SubProcess sub:
                if (PrepareWaits(token, sub, own: null) is { } subWaits)
                {
                    token.Wait = TokenWait.SubProcess;
                    var scope = new ScopeInstance { Id = Guid.NewGuid(), SubProcessId = sub.Id, ParentTokenId = token.Id };
                    _instance.Scopes.Add(scope);
                    Arm(token, subWaits);
                    var start = sub.FlowNodes.OfType<StartEvent>().Single(s => s.EventDefinitions.Count == 0);
                    _agenda.Enqueue(NewToken(start.Id, scope.Id));
                }
                break;

            case IntermediateCatchEvent catchEvent:
                var own = catchEvent.Definition switch
                {
                    TimerEventDefinition timer => Timer(catchEvent, timer),
                    MessageEventDefinition message => Subscription(catchEvent, message.MessageName!, message.CorrelationKey),
                    _ => PendingWait.Failed($"intermediateCatchEvent '{catchEvent.Id}' has no timer or message definition."),
                };
                if (PrepareWaits(token, catchEvent, own) is { } catchWaits)
                {
                    Arm(token, catchWaits);
                    token.Wait = own.IsTimer ? TokenWait.Timer : TokenWait.Message;
                }
                break;

            case ExclusiveGateway exclusive:
                if (SelectFlows(token, exclusive, firstMatchOnly: true, leaving: false) is { } chosen)
                {
                    Completed(exclusive);
                    Move(token, chosen);
                }
                break;

            case ParallelGateway parallel:
                EnterParallelGateway(token, parallel);
                break;

            case InclusiveGateway inclusive:
                if (inclusive.Incoming.Count > 1)
                    token.Wait = TokenWait.Join; // fires from RunAsync once no other token can still arrive
                else
                    ForkInclusive(token, inclusive);
                break;

            default:
                RaiseIncident(token, $"{node.ElementType} '{node.Id}' cannot be executed by this engine.");
                break;
        }
    }

    // ---- Activities -------------------------------------------------------------------------------

    private void OpenTask(Token token, FlowNode node, string? department, string? formRef, TimeLimit? limit)
    {
        if (PrepareWaits(token, node, own: null) is not { } waits)
            return;
        var task = new TaskItem
        {
            Id = Guid.NewGuid(),
            TokenId = token.Id,
            ActivityId = node.Id,
            Name = node.Name,
            Department = department,
            FormRef = formRef,
            CreatedAt = _now,
            DueAt = DeadlineOf(limit),
            Limit = limit?.Text,
        };
        _instance.Tasks.Add(task);
        StartTaskClock(task, limit);
        WriteTask(task, TaskState.Open);
        token.Wait = TokenWait.Task;
        Record("TaskCreated", node.Id, new JsonObject
        {
            ["taskId"] = task.Id.ToString(),
            ["department"] = department,
            ["dueAt"] = task.DueAt?.ToString("O", CultureInfo.InvariantCulture),
        });
        Arm(token, waits);
    }

    /// <summary>A time limit counted from now on the scenario's calendar, expressed in the calendar's time zone.</summary>
    private DateTimeOffset? DeadlineOf(TimeLimit? limit) =>
        limit is null ? null : TimeZoneInfo.ConvertTime(limit.DueFrom(_now, Calendar), Calendar.TimeZone);

    private async ValueTask RunServiceTaskAsync(Token token, ServiceTask service)
    {
        if (!_engine.Options.Handlers.TryGet(service.HandlerType, out var handler))
        {
            if (_engine.Options.CompleteUnhandledServiceTasks)
            {
                _engine.Options.UnhandledServiceTask?.Invoke(service);
                Leave(token, service);
            }
            else
            {
                RaiseIncident(token, service.HandlerType is null
                    ? $"Service task '{service.Id}' names no handler type."
                    : $"No handler is registered for service task type '{service.HandlerType}'.");
            }
            return;
        }

        // Every attempt of one run (after a conflict, after an incident) carries the same key; the next run a new one.
        var run = _instance.ActivityRuns.GetValueOrDefault(service.Id) + 1;
        JsonObject? result;
        try
        {
            var context = new ServiceTaskContext(
                _instance.Id, service.Id, service.HandlerType!, $"{_instance.Id:N}:{service.Id}:{run}",
                (JsonObject)_instance.Variables.DeepClone(), _now);
            result = await handler!.ExecuteAsync(context, _ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_ct.IsCancellationRequested)
        {
            RaiseIncident(token, $"Service task handler '{service.HandlerType}' failed: {ex.Message}");
            return;
        }
        _instance.ActivityRuns[service.Id] = run;
        Merge(result);
        Leave(token, service);
    }

    // ---- Waits: timers and message subscriptions, the node's own and its boundary events' -----------

    /// <summary>A timer or subscription resolved but not yet armed, or the reason it cannot be.</summary>
    private sealed record PendingWait(string ActivityId, bool IsTimer, DateTimeOffset Due, string? ResolvedText,
        string? MessageName, string? CorrelationKey, string? Error)
    {
        public static PendingWait Failed(string error) => new("", false, default, null, null, null, error);
    }

    /// <summary>Resolves every wait a node needs (its own, and those of its boundary events) before registering any,
    /// so that a timer or key that cannot be evaluated raises an incident and leaves nothing half-registered.
    /// Returns null when an incident was raised.</summary>
    private List<PendingWait>? PrepareWaits(Token token, FlowNode node, PendingWait? own)
    {
        var waits = new List<PendingWait>();
        if (own is not null)
            waits.Add(own);
        foreach (var boundary in node.BoundaryEvents)
        {
            waits.Add(boundary.Definition switch
            {
                TimerEventDefinition timer => Timer(boundary, timer),
                MessageEventDefinition message => Subscription(boundary, message.MessageName!, message.CorrelationKey),
                _ => PendingWait.Failed($"boundaryEvent '{boundary.Id}' has no timer or message definition."),
            });
        }
        if (waits.FirstOrDefault(w => w.Error is not null) is { } failed)
        {
            RaiseIncident(token, failed.Error!);
            return null;
        }
        return waits;
    }

    private void Arm(Token token, List<PendingWait> waits)
    {
        foreach (var wait in waits)
        {
            if (wait.IsTimer)
                AddTimer(token, wait.ActivityId, wait.Due, fired: 0, wait.ResolvedText);
            else
                AddSubscription(token, wait.ActivityId, wait.MessageName!, wait.CorrelationKey);
        }
    }

    private PendingWait Timer(FlowNode node, TimerEventDefinition timer)
    {
        if (ResolveSpec(node, timer, resolvedText: null) is not { } resolved)
            return PendingWait.Failed($"The timer of {node.ElementType} '{node.Id}' has no definition.");
        if (resolved.Error is not null)
            return PendingWait.Failed(resolved.Error);
        return new PendingWait(node.Id, true, resolved.Spec!.FirstDue(_now), resolved.Text, null, null, null);
    }

    /// <summary>The timer's specification: parsed at deploy, or for an expression timer evaluated now (or taken from
    /// the text it resolved to when it was first armed).</summary>
    private (TimerSpec? Spec, string? Text, string? Error)? ResolveSpec(FlowNode node, TimerEventDefinition timer, string? resolvedText)
    {
        if (timer.Spec is { } parsed)
            return (parsed, null, null);
        if (timer.Expression is not { } expression || timer.Kind is not { } kind)
            return null;
        var text = resolvedText;
        if (text is null)
        {
            try
            {
                text = expression.Evaluate(VariableResolver.From(_instance.Variables))?.ToString();
            }
            catch (ExpressionEvaluationException ex)
            {
                return (null, null, $"The timer of {node.ElementType} '{node.Id}' cannot be evaluated: {ex.Message}");
            }
        }
        string? error = null;
        return text is not null && TimerSpec.TryParse(kind, text, out var spec, out error)
            ? (spec, text, null)
            : (null, null, $"The timer of {node.ElementType} '{node.Id}' evaluated to '{text}', which is not a valid ISO 8601 " +
                           $"{kind.ToString().ToLowerInvariant()}{(error is null ? "" : $": {error}")}.");
    }

    private PendingWait Subscription(FlowNode node, string messageName, Expression? correlationKey)
    {
        if (correlationKey is null)
            return new PendingWait(node.Id, false, default, null, messageName, _instance.BusinessKey, null);
        try
        {
            var key = correlationKey.Evaluate(VariableResolver.From(_instance.Variables)) switch
            {
                null => null,
                JsonNode value => value.ToJsonString(),
                var value => Convert.ToString(value, CultureInfo.InvariantCulture),
            };
            return new PendingWait(node.Id, false, default, null, messageName, key, null);
        }
        catch (ExpressionEvaluationException ex)
        {
            return PendingWait.Failed($"The correlation key of {node.ElementType} '{node.Id}' cannot be evaluated: {ex.Message}");
        }
    }

    /// <summary>Re-arms a non-interrupting cycle timer. Repetitions missed while no node ran are skipped (and count
    /// against R<i>n</i>): after an outage the timer fires once, not once per missed repetition.</summary>
    private void RearmCycle(Token token, BoundaryEvent boundary, TimerItem fired)
    {
        if (boundary.Definition is not TimerEventDefinition { Kind: TimerKind.Cycle } definition ||
            ResolveSpec(boundary, definition, fired.ResolvedText) is not { Spec: { } spec })
            return;
        var count = fired.Fired + 1;
        var next = spec.NextDue(fired.DueAt, count);
        while (next is { } due && due <= _now)
        {
            count++;
            next = spec.NextDue(due, count);
        }
        if (next is { } nextDue)
            AddTimer(token, boundary.Id, nextDue, count, fired.ResolvedText);
    }

    private void TriggerBoundary(Token activityToken, BoundaryEvent boundary)
    {
        if (boundary.CancelActivity)
        {
            CancelActivity(activityToken);
            activityToken.NodeId = boundary.Id;
            activityToken.ArrivedVia = null;
            activityToken.Wait = TokenWait.None;
            Leave(activityToken, boundary);
        }
        else
        {
            Leave(NewToken(boundary.Id, activityToken.ScopeId), boundary);
        }
    }

    // ---- Gateways ---------------------------------------------------------------------------------

    private void EnterParallelGateway(Token token, ParallelGateway gateway)
    {
        if (gateway.Incoming.Count <= 1)
        {
            Completed(gateway);
            Move(token, gateway.Outgoing);
            return;
        }

        // A parallel join fires when a token has arrived on every incoming flow (BPMN 2.0 §13.4.2).
        token.Wait = TokenWait.Join;
        var waiting = _instance.Tokens.Where(t => t.NodeId == gateway.Id && t.ScopeId == token.ScopeId && t.Wait == TokenWait.Join).ToList();
        var oneFromEachFlow = new List<Token>();
        foreach (var flow in gateway.Incoming)
        {
            var arrived = waiting.FirstOrDefault(t => t.ArrivedVia == flow.Id);
            if (arrived is null)
                return;
            oneFromEachFlow.Add(arrived);
        }
        var survivor = oneFromEachFlow[0];
        foreach (var merged in oneFromEachFlow.Skip(1))
            _instance.Tokens.Remove(merged);
        survivor.Wait = TokenWait.None;
        Completed(gateway);
        Move(survivor, gateway.Outgoing);
    }

    private void ForkInclusive(Token token, InclusiveGateway gateway)
    {
        if (SelectFlows(token, gateway, firstMatchOnly: false, leaving: false) is { } chosen)
        {
            Completed(gateway);
            Move(token, chosen);
        }
    }

    /// <summary>An inclusive join fires when no token of its scope that is not already waiting at it can still
    /// reach it (the Camunda 7 / Flowable rule). Returns true when one fired.</summary>
    private bool FireActivatableInclusiveJoin()
    {
        var joins = _instance.Tokens
            .Where(t => t.Wait == TokenWait.Join && _process.Node(t.NodeId) is InclusiveGateway)
            .GroupBy(t => (t.NodeId, t.ScopeId))
            .ToList();
        foreach (var group in joins)
        {
            var gateway = (InclusiveGateway)_process.Node(group.Key.NodeId);
            var others = _instance.Tokens.Where(t => t.ScopeId == group.Key.ScopeId && t.NodeId != gateway.Id);
            if (others.Any(t => _engine.Reachability(_process).CanReach(_process.Node(t.NodeId), gateway)))
                continue;

            var arrived = group.ToList();
            var survivor = arrived[0];
            foreach (var merged in arrived.Skip(1))
                _instance.Tokens.Remove(merged);
            survivor.Wait = TokenWait.None;
            ForkInclusive(survivor, gateway);
            return true;
        }
        return false;
    }

    /// <summary>Chooses the outgoing flows of a gateway or activity: the conditions in document order, then the
    /// default flow. Raises an incident naming the element and returns null when no flow can be taken.</summary>
    private List<SequenceFlow>? SelectFlows(Token token, FlowNode node, bool firstMatchOnly, bool leaving)
    {
        if (TryChooseFlows(node, firstMatchOnly, out var chosen, out var problem))
            return chosen;
        RaiseIncident(token, problem!, leaving);
        return null;
    }

    private bool TryChooseFlows(FlowNode node, bool firstMatchOnly, out List<SequenceFlow> chosen, out string? problem)
    {
        chosen = [];
        problem = null;
        if (node is not Gateway && node.Outgoing.All(f => f.Condition is null) && node.DefaultFlow is null)
        {
            chosen.AddRange(node.Outgoing); // uncontrolled flow: every outgoing flow is taken
            return true;
        }
        var variables = VariableResolver.From(_instance.Variables);
        foreach (var flow in node.Outgoing)
        {
            if (ReferenceEquals(flow, node.DefaultFlow))
                continue;
            bool taken;
            try
            {
                taken = flow.Condition?.EvaluateCondition(variables) ?? true;
            }
            catch (ExpressionEvaluationException ex)
            {
                problem = $"The condition of sequenceFlow '{flow.Id}' ({flow.ConditionText}) cannot be evaluated: {ex.Message}";
                return false;
            }
            if (!taken)
                continue;
            chosen.Add(flow);
            if (firstMatchOnly)
                break;
        }
        if (chosen.Count == 0 && node.DefaultFlow is { } fallback)
            chosen.Add(fallback);
        if (chosen.Count == 0)
        {
            problem = $"No outgoing flow of {node.ElementType} '{node.Id}' has a true condition and there is no default flow.";
            return false;
        }
        return true;
    }

    // ---- Token movement ---------------------------------------------------------------------------

    /// <summary>Completes a node and moves its token on: an activity or event with no outgoing flow ends the token
    /// (implicit end); conditional flows out of an activity behave like an inclusive split.</summary>
    private void Leave(Token token, FlowNode node)
    {
        if (node.Outgoing.Count == 0)
        {
            Completed(node);
            EndToken(token);
            return;
        }
        if (SelectFlows(token, node, firstMatchOnly: false, leaving: true) is not { } flows)
            return;
        Completed(node);
        Move(token, flows);
    }

    private void Move(Token token, IReadOnlyList<SequenceFlow> flows)
    {
        if (flows.Count == 0)
        {
            EndToken(token);
            return;
        }
        for (var i = 0; i < flows.Count; i++)
        {
            var moving = i == 0 ? token : NewToken(flows[i].Target.Id, token.ScopeId);
            moving.NodeId = flows[i].Target.Id;
            moving.ArrivedVia = flows[i].Id;
            moving.Wait = TokenWait.None;
            _agenda.Enqueue(moving);
        }
    }

    private Token NewToken(string nodeId, Guid? scopeId)
    {
        var token = new Token { Id = Guid.NewGuid(), NodeId = nodeId, ScopeId = scopeId };
        _instance.Tokens.Add(token);
        return token;
    }

    private Token TokenById(Guid id) =>
        _instance.Tokens.FirstOrDefault(t => t.Id == id)
        ?? throw new InvalidOperationException($"Instance {_instance.Id} has no token {id}: its state is inconsistent.");

    /// <summary>A token reached an end: it is consumed, and its scope completes when it was the last one.</summary>
    private void EndToken(Token token)
    {
        _instance.Tokens.Remove(token);
        _instance.Incidents.RemoveAll(i => i.TokenId == token.Id);
        CompleteScopeIfEmpty(token.ScopeId);
    }

    private void CompleteScopeIfEmpty(Guid? scopeId)
    {
        if (_instance.Tokens.Any(t => t.ScopeId == scopeId))
            return;
        if (scopeId is null)
        {
            if (_instance.Status == InstanceStatus.Running)
            {
                _instance.Status = InstanceStatus.Completed;
                _instance.EndedAt = _now;
                Record("InstanceCompleted", null, null);
                EndInstanceClock();
            }
            return;
        }
        var scope = _instance.Scopes.Single(s => s.Id == scopeId);
        _instance.Scopes.Remove(scope);
        var parent = TokenById(scope.ParentTokenId);
        ClearWaits(parent, TaskState.Cancelled);
        parent.Wait = TokenWait.None;
        Leave(parent, _process.Node(parent.NodeId));
    }

    /// <summary>A terminate end event ends every token of its scope: the whole instance at the process level;
    /// at sub-process level the sub-process, which then completes normally (BPMN 2.0 §13.5.6).</summary>
    private void Terminate(Token token)
    {
        _instance.Tokens.Remove(token);
        foreach (var other in _instance.Tokens.Where(t => t.ScopeId == token.ScopeId).ToList())
            CancelActivity(other, removeToken: true);
        if (token.ScopeId is null)
        {
            _instance.Status = InstanceStatus.Terminated;
            _instance.EndedAt = _now;
            Record("InstanceTerminated", token.NodeId, null);
            EndInstanceClock();
            return;
        }
        CompleteScopeIfEmpty(token.ScopeId);
    }

    /// <summary>Cancels whatever the token's activity waits for (task, timers, subscriptions, a whole
    /// sub-process instance). Cancelled nodes are not recorded as completed.</summary>
    private void CancelActivity(Token token, bool removeToken = false)
    {
        if (token.Wait is TokenWait.Task or TokenWait.SubProcess or TokenWait.Message or TokenWait.Timer)
            Record("ActivityCancelled", token.NodeId, null);
        ClearWaits(token, TaskState.Cancelled);
        if (token.Wait == TokenWait.SubProcess && _instance.Scopes.FirstOrDefault(s => s.ParentTokenId == token.Id) is { } scope)
        {
            foreach (var child in _instance.Tokens.Where(t => t.ScopeId == scope.Id).ToList())
                CancelActivity(child, removeToken: true);
            _instance.Scopes.Remove(scope);
        }
        token.Wait = TokenWait.None;
        if (removeToken)
            _instance.Tokens.Remove(token);
    }

    /// <summary>Removes the open task, timers, subscriptions and incidents held by a token.</summary>
    private void ClearWaits(Token token, TaskState endTasksAs)
    {
        foreach (var task in _instance.Tasks.Where(t => t.TokenId == token.Id).ToList())
        {
            _instance.Tasks.Remove(task);
            EndTaskClock(task, endTasksAs);
            WriteTask(task, endTasksAs);
        }
        foreach (var timer in _instance.Timers.Where(t => t.TokenId == token.Id).ToList())
            RemoveTimer(timer);
        foreach (var subscription in _instance.Subscriptions.Where(s => s.TokenId == token.Id).ToList())
            RemoveSubscription(subscription);
        _instance.Incidents.RemoveAll(i => i.TokenId == token.Id);
    }

    private void RaiseIncident(Token token, string message, bool onLeave = false)
    {
        token.Wait = TokenWait.Incident;
        var incident = new Incident { Id = Guid.NewGuid(), TokenId = token.Id, ElementId = token.NodeId, Message = message, At = _now, OnLeave = onLeave };
        _instance.Incidents.Add(incident);
        Record("IncidentRaised", token.NodeId, new JsonObject { ["incidentId"] = incident.Id.ToString(), ["message"] = message });
    }

    private void AddTimer(Token token, string activityId, DateTimeOffset due, int fired, string? resolvedText) =>
        AddTimer(new TimerItem { Id = Guid.NewGuid(), TokenId = token.Id, ActivityId = activityId, DueAt = due, Fired = fired, ResolvedText = resolvedText });

    private void AddTimer(TimerItem timer)
    {
        _instance.Timers.Add(timer);
        _addedTimers.Add(timer.Id);
        Changes.AddedTimers.Add(new TimerRecord(timer.Id, _instance.Id, timer.ActivityId, timer.DueAt));
    }

    private void RemoveTimer(TimerItem timer)
    {
        _instance.Timers.Remove(timer);
        if (_addedTimers.Remove(timer.Id))
            Changes.AddedTimers.RemoveAll(t => t.Id == timer.Id);
        else
            Changes.RemovedTimers.Add(timer.Id);
    }

    private void AddSubscription(Token token, string activityId, string messageName, string? key)
    {
        var subscription = new SubscriptionItem { Id = Guid.NewGuid(), TokenId = token.Id, ActivityId = activityId, MessageName = messageName, CorrelationKey = key };
        _instance.Subscriptions.Add(subscription);
        _addedSubscriptions.Add(subscription.Id);
        Changes.AddedSubscriptions.Add(new SubscriptionRecord(subscription.Id, _instance.Id, activityId, messageName, key));
    }

    private void RemoveSubscription(SubscriptionItem subscription)
    {
        _instance.Subscriptions.Remove(subscription);
        if (_addedSubscriptions.Remove(subscription.Id))
            Changes.AddedSubscriptions.RemoveAll(s => s.Id == subscription.Id);
        else
            Changes.RemovedSubscriptions.Add(subscription.Id);
    }

    // ---- Records ----------------------------------------------------------------------------------

    private void WriteTask(TaskItem task, TaskState state)
    {
        Changes.Tasks.RemoveAll(t => t.Id == task.Id);
        var ended = state == TaskState.Open ? (DateTimeOffset?)null : _now;
        Changes.Tasks.Add(new TaskRecord(task.Id, _instance.Id, task.ActivityId, task.Name, task.Department, task.FormRef,
            task.CreatedAt, task.DueAt, state, ended, state == TaskState.Open ? null : _actor, task.Signal, task.PausedAt, task.PauseReason));
    }

    private void Completed(FlowNode node) => Record("NodeCompleted", node.Id, null);

    private void Record(string kind, string? elementId, JsonObject? data)
    {
        Changes.History.Add(new HistoryRecord(_instance.Id, _instance.HistoryCount++, _now, kind, elementId, _actor,
            data?.ToJsonString(JsonOptions)));
    }

    private void Merge(JsonObject? variables)
    {
        if (variables is null)
            return;
        foreach (var (name, value) in variables)
            _instance.Variables[name] = value?.DeepClone();
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
