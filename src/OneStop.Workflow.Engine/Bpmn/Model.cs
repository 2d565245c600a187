using OneStop.Workflow.Engine.Calendars;
using OneStop.Workflow.Engine.Expressions;

namespace OneStop.Workflow.Engine.Bpmn;

/// <summary>A BPMN element as read from a file: its BPMN type (the XML local name), id and where it stood.</summary>
public abstract class BpmnElement
{
    public required string Id { get; init; }
    public string? Name { get; init; }

    /// <summary>The BPMN element type as written in XML, e.g. <c>userTask</c>, <c>exclusiveGateway</c>.</summary>
    public required string ElementType { get; init; }

    /// <summary>1-based line in the source file, when known.</summary>
    public int? Line { get; init; }

    public override string ToString() => $"{ElementType} '{Id}'";
}

/// <summary>A container of flow nodes: the process itself or an embedded sub-process.</summary>
public interface IFlowScope
{
    string Id { get; }
    IReadOnlyList<FlowNode> FlowNodes { get; }
    IReadOnlyList<SequenceFlow> SequenceFlows { get; }
}

/// <summary>One executable process of a definitions file: the unit that is deployed and versioned.</summary>
public sealed class ProcessDefinition : BpmnElement, IFlowScope
{
    public bool IsExecutable { get; init; }
    public List<FlowNode> FlowNodes { get; } = [];
    public List<SequenceFlow> SequenceFlows { get; } = [];
    IReadOnlyList<FlowNode> IFlowScope.FlowNodes => FlowNodes;
    IReadOnlyList<SequenceFlow> IFlowScope.SequenceFlows => SequenceFlows;

    /// <summary>onestop:lifeEvent — the life event this scenario serves, e.g. "newborn".</summary>
    public string? LifeEvent { get; init; }

    /// <summary>onestop:calendar — id of the working-day calendar deadlines are counted on.</summary>
    public string? Calendar { get; init; }

    /// <summary>onestop:timeLimit on the process — the joint-handling limit of the scenario as a whole.</summary>
    public TimeLimit? TimeLimit { get; init; }

    /// <summary>onestop:title — a human title; falls back to the process name.</summary>
    public string? Title { get; init; }

    /// <summary>Every flow node of the process and its sub-processes, by id.</summary>
    public Dictionary<string, FlowNode> NodesById { get; } = new(StringComparer.Ordinal);

    /// <summary>Every sequence flow of the process and its sub-processes, by id.</summary>
    public Dictionary<string, SequenceFlow> FlowsById { get; } = new(StringComparer.Ordinal);

    public FlowNode Node(string id) =>
        NodesById.TryGetValue(id, out var node) ? node : throw new KeyNotFoundException($"Process '{Id}' has no flow node '{id}'.");
}

/// <summary>The result of reading one BPMN file: its processes and the problems found while reading.</summary>
public sealed class BpmnDocument
{
    public required string? TargetNamespace { get; init; }
    public List<ProcessDefinition> Processes { get; } = [];

    /// <summary>Message definitions by id: id → message name.</summary>
    public Dictionary<string, string> Messages { get; } = new(StringComparer.Ordinal);

    /// <summary>Problems found while reading (unsupported elements, bad attribute values); validation adds more.</summary>
    public List<ValidationProblem> Problems { get; } = [];

    /// <summary>The processes that are deployed from this file: those marked executable, or all when none is marked.</summary>
    public IEnumerable<ProcessDefinition> ExecutableProcesses =>
        Processes.Any(p => p.IsExecutable) ? Processes.Where(p => p.IsExecutable) : Processes;
}

public abstract class FlowNode : BpmnElement
{
    public List<SequenceFlow> Incoming { get; } = [];
    public List<SequenceFlow> Outgoing { get; } = [];

    /// <summary>The process or sub-process that contains this node; set by the reader.</summary>
    public IFlowScope Scope { get; set; } = null!;

    /// <summary>The <c>default</c> attribute of gateways and activities, resolved.</summary>
    public SequenceFlow? DefaultFlow { get; set; }

    public string? DefaultFlowId { get; init; }

    /// <summary>Boundary events attached to this node (activities only).</summary>
    public List<BoundaryEvent> BoundaryEvents { get; } = [];
}

public sealed class SequenceFlow : BpmnElement
{
    public required string SourceRef { get; init; }
    public required string TargetRef { get; init; }
    public FlowNode Source { get; set; } = null!;
    public FlowNode Target { get; set; } = null!;

    /// <summary>The condition text as written (e.g. <c>${amount > 100}</c>), or null when unconditional.</summary>
    public string? ConditionText { get; init; }

    /// <summary>The parsed condition; set at validation when <see cref="ConditionText"/> parses.</summary>
    public Expression? Condition { get; set; }
}

// ---- Events -------------------------------------------------------------------------------------

public abstract class EventDefinition
{
    public string? Id { get; init; }
}

public sealed class TimerEventDefinition : EventDefinition
{
    /// <summary>Which of timeDuration / timeDate / timeCycle was given; null when the definition is empty.</summary>
    public TimerKind? Kind { get; init; }

    /// <summary>The ISO 8601 text (or <c>${...}</c> expression) as written.</summary>
    public string? Text { get; init; }

    /// <summary>The parsed specification; set at validation. Null for expression timers (resolved at run time).</summary>
    public TimerSpec? Spec { get; set; }

    /// <summary>Set at validation when <see cref="Text"/> is a <c>${...}</c> expression.</summary>
    public Expression? Expression { get; set; }
}

public enum TimerKind { Duration, Date, Cycle }

public sealed class MessageEventDefinition : EventDefinition
{
    public string? MessageRef { get; init; }

    /// <summary>The message name (resolved from messageRef); correlation is by name and key.</summary>
    public string? MessageName { get; set; }

    /// <summary>onestop:correlationKey (or zeebe:subscription correlationKey) expression; null = the business key.</summary>
    public string? CorrelationKeyText { get; init; }

    public Expression? CorrelationKey { get; set; }
}

public sealed class TerminateEventDefinition : EventDefinition;

/// <summary>An event definition the engine does not execute (signal, error, escalation, ...): refused at validation.</summary>
public sealed class UnsupportedEventDefinition : EventDefinition
{
    public required string ElementType { get; init; }
}

public abstract class EventNode : FlowNode
{
    public List<EventDefinition> EventDefinitions { get; } = [];
    public EventDefinition? Definition => EventDefinitions.Count == 1 ? EventDefinitions[0] : null;
}

public sealed class StartEvent : EventNode;

public sealed class EndEvent : EventNode
{
    public bool IsTerminate => Definition is TerminateEventDefinition;
}

public sealed class IntermediateCatchEvent : EventNode;

public sealed class IntermediateThrowEvent : EventNode;

public sealed class BoundaryEvent : EventNode
{
    public required string AttachedToRef { get; init; }
    public FlowNode AttachedTo { get; set; } = null!;

    /// <summary>cancelActivity: true (the default) interrupts the activity.</summary>
    public bool CancelActivity { get; init; } = true;
}

// ---- Activities ---------------------------------------------------------------------------------

public abstract class Activity : FlowNode
{
    /// <summary>Set when the activity carries loop or multi-instance characteristics (not executed yet).</summary>
    public string? LoopCharacteristics { get; init; }
}

/// <summary>A task without a type (<c>task</c>): passes straight through.</summary>
public sealed class PlainTask : Activity;

/// <summary>manualTask: waits for a person like a user task, without a form.</summary>
public sealed class ManualTask : Activity
{
    public string? Department { get; init; }
}

public sealed class UserTask : Activity
{
    /// <summary>onestop:department, camunda:candidateGroups or zeebe:assignmentDefinition candidateGroups.</summary>
    public string? Department { get; init; }

    /// <summary>onestop:formRef, camunda:formKey or zeebe:formDefinition formKey/formId.</summary>
    public string? FormRef { get; init; }

    /// <summary>onestop:outcome — the document this department issues (certificate, licence, decision).</summary>
    public string? Outcome { get; init; }

    /// <summary>onestop:timeLimit, camunda:dueDate or zeebe:taskSchedule dueDate, parsed.</summary>
    public TimeLimit? TimeLimit { get; init; }

    /// <summary>onestop:silentConsent="true" — where the law deems an application approved when the department has
    /// not decided within the limit, the task is completed as approved at its deadline. Needs a time limit.</summary>
    public bool SilentConsent { get; init; }
}

public sealed class ReceiveTask : Activity
{
    public string? MessageRef { get; init; }
    public string? MessageName { get; set; }
    public string? CorrelationKeyText { get; init; }
    public Expression? CorrelationKey { get; set; }
}

/// <summary>serviceTask, sendTask or businessRuleTask: dispatched to the handler registered for its type.</summary>
public sealed class ServiceTask : Activity
{
    /// <summary>onestop:type, zeebe:taskDefinition type, camunda:topic / class / delegateExpression.</summary>
    public string? HandlerType { get; init; }
}

public sealed class SubProcess : Activity, IFlowScope
{
    public List<FlowNode> FlowNodes { get; } = [];
    public List<SequenceFlow> SequenceFlows { get; } = [];
    IReadOnlyList<FlowNode> IFlowScope.FlowNodes => FlowNodes;
    IReadOnlyList<SequenceFlow> IFlowScope.SequenceFlows => SequenceFlows;
}

// ---- Gateways -----------------------------------------------------------------------------------

public abstract class Gateway : FlowNode;

public sealed class ExclusiveGateway : Gateway;

public sealed class ParallelGateway : Gateway;

public sealed class InclusiveGateway : Gateway;

/// <summary>A flow element the engine does not execute (call activity, script task, event-based gateway, ...).
/// It is kept in the model so that validation can name it; a model containing one is refused.</summary>
public sealed class UnsupportedNode : FlowNode
{
    public required string Reason { get; init; }
}
