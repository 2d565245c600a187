using OneStop.Workflow.Engine.Calendars;
using OneStop.Workflow.Engine.Expressions;

namespace OneStop.Workflow.Engine.Bpmn;

/// <summary>
/// Deploy-time checks of the processes a file deploys. Every problem is reported, never just the first, and
/// whatever the engine would not execute is refused by name rather than ignored. As a side effect it stores the
/// parsed conditions, timer specifications and correlation keys in the model, which the executor relies on.
/// </summary>
internal sealed class BpmnValidator
{
    private const string FeelAdvice = "FEEL expressions are not supported; write a JUEL expression like ${amount > 100}";

    private readonly List<ValidationProblem> _problems = [];
    private readonly IReadOnlySet<SequenceFlow> _conditionsAlreadyRefused;

    private BpmnValidator(IReadOnlySet<SequenceFlow> conditionsAlreadyRefused) =>
        _conditionsAlreadyRefused = conditionsAlreadyRefused;

    /// <param name="conditionsAlreadyRefused">Flows whose condition language the reader refused; their text is not parsed.</param>
    public static List<ValidationProblem> Validate(BpmnDocument document, IReadOnlySet<SequenceFlow>? conditionsAlreadyRefused = null)
    {
        var validator = new BpmnValidator(conditionsAlreadyRefused ?? new HashSet<SequenceFlow>());
        foreach (var process in document.ExecutableProcesses) validator.ValidateProcess(process);
        return validator._problems;
    }

    private void ValidateProcess(ProcessDefinition process)
    {
        // A process without flow nodes (an empty pool) deploys nothing; it is not an error.
        if (process.FlowNodes.Count == 0 && process.SequenceFlows.Count == 0) return;
        ValidateScope(process, process);
    }

    private void ValidateScope(IFlowScope scope, ProcessDefinition process)
    {
        ValidateStartEvents(scope);
        ValidateReachability(scope);
        foreach (var flow in scope.SequenceFlows) ValidateSequenceFlow(flow, scope, process);
        foreach (var node in scope.FlowNodes)
        {
            ValidateNode(node, process);
            if (node is SubProcess subProcess) ValidateScope(subProcess, process);
        }
    }

    // ---- Structure --------------------------------------------------------------------------------

    private void ValidateStartEvents(IFlowScope scope)
    {
        var noneStarts = scope.FlowNodes.OfType<StartEvent>().Where(s => s.EventDefinitions.Count == 0).ToList();
        var element = (BpmnElement)scope;
        if (scope is SubProcess && scope.FlowNodes.Count == 0)
        {
            Add(element, "is empty; an embedded sub-process needs a none start event and the steps it runs.");
        }
        else if (noneStarts.Count == 0)
        {
            Add(element, "has no none start event; the engine starts every process and sub-process at one start event without a trigger.");
        }
        else if (noneStarts.Count > 1)
        {
            Add(element, $"has several none start events ({string.Join(", ", noneStarts.Select(s => $"'{s.Id}'"))}); the engine needs one.");
        }
    }

    /// <summary>Follows sequence flows from the scope's start events; boundary events are reachable with their activity.
    /// A sub-process's own contents are checked from its own start event when its scope is validated.</summary>
    private void ValidateReachability(IFlowScope scope)
    {
        var starts = scope.FlowNodes.OfType<StartEvent>().ToList();
        if (starts.Count == 0) return; // already reported as a missing start event; every node would be noise

        var reached = new HashSet<FlowNode>(starts);
        var pending = new Queue<FlowNode>(starts);
        while (pending.TryDequeue(out var node))
        {
            var next = node.Outgoing.Select(f => f.Target).Concat(node.BoundaryEvents);
            foreach (var target in next)
            {
                if (target is not null && reached.Add(target)) pending.Enqueue(target);
            }
        }

        foreach (var node in scope.FlowNodes)
        {
            if (reached.Contains(node)) continue;
            // A boundary event is reported through its activity, or on its own when not attached at all;
            // an unsupported node is refused anyway (event sub-processes are never entered by a flow).
            if (node is BoundaryEvent { AttachedTo: not null } or UnsupportedNode) continue;
            Add(node, "is not reachable from the start event: no sequence flow leads to it.");
        }
    }

    private void ValidateSequenceFlow(SequenceFlow flow, IFlowScope scope, ProcessDefinition process)
    {
        ValidateFlowEnd(flow, scope, process, "sourceRef", flow.SourceRef, flow.Source);
        ValidateFlowEnd(flow, scope, process, "targetRef", flow.TargetRef, flow.Target);

        if (flow.ConditionText is { } text && !_conditionsAlreadyRefused.Contains(flow))
            flow.Condition = ParseCondition(flow, text);

        var source = flow.Source;
        if (source is null) return;
        var hasCondition = flow.ConditionText is not null;

        if (source.DefaultFlow == flow)
        {
            if (hasCondition)
                Add(flow, $"is the default flow of {source} and has a condition; the default flow is taken when no other condition holds, so remove its condition.");
            return;
        }

        switch (source)
        {
            case ExclusiveGateway or InclusiveGateway when source.Outgoing.Count > 1 && !hasCondition:
                Add(flow, $"leaves {source} without a condition: it needs a condition or must be the default flow.");
                break;
            case ParallelGateway when hasCondition:
                Add(flow, $"has a condition but leaves {source}; BPMN ignores conditions there, so remove it (or use an inclusive gateway).");
                break;
            case EventNode when hasCondition:
                Add(flow, $"has a condition but leaves {source}; conditions are evaluated only on flows leaving gateways and activities.");
                break;
        }
    }

    private void ValidateFlowEnd(SequenceFlow flow, IFlowScope scope, ProcessDefinition process, string attribute, string reference, FlowNode? wired)
    {
        if (wired is not null) return;
        if (reference.Length == 0)
        {
            Add(flow, $"has no {attribute}.");
        }
        else if (process.NodesById.TryGetValue(reference, out var node))
        {
            Add(flow, $"{attribute} '{reference}' is in {Describe(node.Scope)} but the flow is in {Describe(scope)}; a sequence flow cannot cross a sub-process boundary.");
        }
        else
        {
            Add(flow, $"{attribute} '{reference}' names no flow node of process '{process.Id}'.");
        }
    }

    // ---- Nodes ------------------------------------------------------------------------------------

    private void ValidateNode(FlowNode node, ProcessDefinition process)
    {
        if (node is UnsupportedNode unsupported)
        {
            Add(node, Sentence(unsupported.Reason));
            return;
        }

        if (node.DefaultFlowId is { } defaultId && node.DefaultFlow is null)
            Add(node, $"default '{defaultId}' names no outgoing sequence flow of this {node.ElementType}.");

        if (node is Activity { LoopCharacteristics: { } loop })
        {
            Add(node, loop == "multiInstanceLoopCharacteristics"
                ? "multi-instance is not supported yet; model one task per department instead."
                : $"loops ({loop}) are not supported yet; model the repetition with a gateway and a sequence flow back.");
        }

        switch (node)
        {
            case StartEvent when node.Incoming.Count > 0:
                Add(node, "has incoming sequence flows; a start event cannot be entered by a flow.");
                break;
            case EndEvent when node.Outgoing.Count > 0:
                Add(node, "has outgoing sequence flows; an end event ends its path.");
                break;
            case Gateway when node.Outgoing.Count == 0:
                Add(node, "has no outgoing sequence flow; a gateway must lead somewhere.");
                break;
            case BoundaryEvent boundary:
                ValidateBoundary(boundary, process);
                break;
            case ReceiveTask receive:
                ValidateMessageReference(node, receive.MessageRef, receive.MessageName);
                receive.CorrelationKey = ParseCorrelationKey(node, receive.CorrelationKeyText);
                break;
            case UserTask { SilentConsent: true } user:
                ValidateSilentConsent(user);
                break;
        }

        if (node is EventNode eventNode) ValidateEventDefinitions(eventNode);
    }

    private void ValidateSilentConsent(UserTask task)
    {
        if (task.TimeLimit is null)
            Add(task, "declares onestop:silentConsent but has no time limit; silent consent applies when a limit passes, so set onestop:timeLimit (e.g. 20WD).");
        if (task.BoundaryEvents.FirstOrDefault(b => b.Definition is TimerEventDefinition) is { } timer)
            Add(task, $"declares onestop:silentConsent and has the timer boundary event '{timer.Id}'; at the deadline the model's timer decides, so silent consent would never apply: remove one of them.");
    }

    private void ValidateBoundary(BoundaryEvent boundary, ProcessDefinition process)
    {
        if (boundary.AttachedToRef.Length == 0)
        {
            Add(boundary, "has no attachedToRef; a boundary event must be attached to an activity.");
        }
        else if (boundary.AttachedTo is null)
        {
            Add(boundary, process.NodesById.TryGetValue(boundary.AttachedToRef, out var elsewhere)
                ? $"attachedToRef '{boundary.AttachedToRef}' is in {Describe(elsewhere.Scope)}, not in {Describe(boundary.Scope)} with the boundary event."
                : $"attachedToRef '{boundary.AttachedToRef}' names no activity of process '{process.Id}'.");
        }
        else if (boundary.AttachedTo is not (Activity or UnsupportedNode))
        {
            // An unsupported activity (call activity, ...) is refused on its own; naming it twice helps nobody.
            Add(boundary, $"is attached to {boundary.AttachedTo}, which is not an activity; boundary events attach to tasks and sub-processes.");
        }
        else if (boundary.AttachedTo is PlainTask or ServiceTask)
        {
            // These complete within the command that reaches them, so a timer or message on them could never fire.
            Add(boundary, $"is attached to {boundary.AttachedTo}, which completes at once and never waits; attach it to a user, manual or receive task or a sub-process.");
        }

        if (boundary.Incoming.Count > 0)
            Add(boundary, "has incoming sequence flows; a boundary event is triggered by its activity, not by a flow.");
        // A compensation boundary event has no flows by design; it is refused for its definition already.
        if (boundary.Outgoing.Count == 0 && boundary.Definition is not UnsupportedEventDefinition)
            Add(boundary, "has no outgoing sequence flow; say where the process continues when it fires.");
    }

    private void ValidateEventDefinitions(EventNode node)
    {
        var definitions = node.EventDefinitions;
        if (definitions.Count > 1)
        {
            Add(node, $"has {definitions.Count} event definitions ({string.Join(", ", definitions.Select(DefinitionType))}); the engine supports one per event.");
            return;
        }

        if (definitions.Count == 0)
        {
            switch (node)
            {
                case IntermediateCatchEvent:
                    Add(node, "has no event definition; an intermediate catch event waits for a timer or a message.");
                    break;
                case BoundaryEvent:
                    Add(node, "has no event definition; boundary events must be timer or message events.");
                    break;
            }
            return;
        }

        var definition = definitions[0];
        if (definition is UnsupportedEventDefinition unsupported)
        {
            Add(node, $"{Kind(unsupported)} events ({unsupported.ElementType}) are not supported; the engine executes timer and message catch events, terminate end events and none events.");
            return;
        }

        var kind = Kind(definition);
        switch (node)
        {
            case StartEvent:
                Add(node, $"{kind} start events are not supported yet; start the process with a none start event.");
                return;
            case EndEvent when definition is not TerminateEventDefinition:
                Add(node, $"{kind} end events are not supported; use a none or terminate end event.");
                return;
            case IntermediateThrowEvent:
                Add(node, $"intermediate throw events with a {kind} definition are not supported; only none throw events (which pass straight through) are executed.");
                return;
            case IntermediateCatchEvent or BoundaryEvent when definition is not (TimerEventDefinition or MessageEventDefinition):
                Add(node, $"{kind} {node.ElementType}s are not supported; {node.ElementType}s must be timer or message events.");
                return;
        }

        switch (definition)
        {
            case TimerEventDefinition timer:
                ValidateTimer(node, timer);
                break;
            case MessageEventDefinition message:
                ValidateMessageReference(node, message.MessageRef, message.MessageName);
                message.CorrelationKey = ParseCorrelationKey(node, message.CorrelationKeyText);
                break;
        }
    }

    private void ValidateTimer(EventNode node, TimerEventDefinition timer)
    {
        if (timer.Kind is not { } kind)
        {
            Add(node, "timer has no timeDuration, timeDate or timeCycle.");
            return;
        }

        var element = kind switch { TimerKind.Duration => "timeDuration", TimerKind.Date => "timeDate", _ => "timeCycle" };
        var text = timer.Text ?? "";
        if (text.Length == 0)
        {
            Add(node, $"timer {element} is empty.");
        }
        else if (ContainsExpression(text) || IsFeel(text))
        {
            // Resolved against the instance's variables when the timer is scheduled (e.g. ${reviewPeriod} or PT${hours}H).
            timer.Expression = ParseExpression(node, $"timer {element}", text);
        }
        else if (TimerSpec.TryParse(kind, text, out var spec, out var error))
        {
            timer.Spec = spec;
        }
        else
        {
            Add(node, $"timer {element}: {error}");
        }
    }

    private void ValidateMessageReference(FlowNode node, string? messageRef, string? messageName)
    {
        if (messageRef is null)
            Add(node, "has no messageRef; name the message it waits for.");
        else if (messageName is null)
            Add(node, $"messageRef '{messageRef}' names no message of this file.");
    }

    private Expression? ParseCorrelationKey(FlowNode node, string? text)
    {
        if (text is null) return null;
        if (ContainsExpression(text) || IsFeel(text)) return ParseExpression(node, "correlation key", text);

        // A constant key would correlate every instance with the same message; the key must come from the instance.
        Add(node, $"correlation key '{text}' must be an expression like ${{applicationId}}.");
        return null;
    }

    private Expression? ParseCondition(SequenceFlow flow, string text)
    {
        // The parser also accepts plain text (a composite string), which as a condition could never be true or false.
        if (!IsFeel(text) && !text.StartsWith("${", StringComparison.Ordinal) && !text.StartsWith("#{", StringComparison.Ordinal))
        {
            Add(flow, $"condition '{text}' is not an expression; write a JUEL expression like ${{amount > 100}}.");
            return null;
        }
        return ParseExpression(flow, "condition", text);
    }

    private Expression? ParseExpression(BpmnElement element, string what, string text)
    {
        if (IsFeel(text))
        {
            Add(element, $"{what} '{text}': {FeelAdvice}.");
            return null;
        }
        try
        {
            return Expression.Parse(text);
        }
        catch (ExpressionSyntaxException ex)
        {
            Add(element, $"{what} is not a valid expression: {Sentence(ex.Message)}");
            return null;
        }
    }

    // ---- Wording ----------------------------------------------------------------------------------

    private void Add(BpmnElement element, string message) =>
        _problems.Add(new ValidationProblem(element.ElementType, element.Id, message, element.Line));

    private static bool ContainsExpression(string text) =>
        text.Contains("${", StringComparison.Ordinal) || text.Contains("#{", StringComparison.Ordinal);

    /// <summary>Camunda 8 (Zeebe) marks FEEL expressions with a leading '='.</summary>
    private static bool IsFeel(string text) => text.StartsWith('=');

    private static string Describe(IFlowScope scope) =>
        scope is SubProcess ? $"sub-process '{scope.Id}'" : $"process '{scope.Id}'";

    private static string Sentence(string text) => text.EndsWith('.') ? text : text + ".";

    private static string DefinitionType(EventDefinition definition) => definition switch
    {
        TimerEventDefinition => "timerEventDefinition",
        MessageEventDefinition => "messageEventDefinition",
        TerminateEventDefinition => "terminateEventDefinition",
        UnsupportedEventDefinition unsupported => unsupported.ElementType,
        _ => definition.GetType().Name,
    };

    private static string Kind(EventDefinition definition) =>
        DefinitionType(definition) switch
        {
            "eventDefinitionRef" => "referenced",
            "compensateEventDefinition" => "compensation",
            var type when type.EndsWith("EventDefinition", StringComparison.Ordinal) => type[..^"EventDefinition".Length],
            var type => type,
        };
}
