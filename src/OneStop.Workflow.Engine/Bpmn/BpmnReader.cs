using System.Xml.Linq;
using OneStop.Workflow.Engine.Calendars;

namespace OneStop.Workflow.Engine.Bpmn;

/// <summary>The outcome of reading a file, before validation.</summary>
internal sealed class BpmnReading
{
    /// <summary>Null when the file could not be read at all (not XML, not BPMN, too large, DTD).</summary>
    public BpmnDocument? Document { get; init; }

    /// <summary>The problems found while reading; the document's own list when there is a document.</summary>
    public required List<ValidationProblem> Problems { get; init; }

    /// <summary>Flows whose condition is written in a language other than JUEL: already reported, so not parsed again.</summary>
    public HashSet<SequenceFlow> ConditionsInOtherLanguages { get; } = [];
}

/// <summary>
/// Reads BPMN 2.0 XML (bpmn-js, Camunda Modeler 4/5, Zeebe Modeler, Signavio, Trisotech, ...) into the object model.
/// It keeps what carries execution semantics, turns what the engine does not execute into <see cref="UnsupportedNode"/>
/// and <see cref="UnsupportedEventDefinition"/> for the validator to name, and ignores what only documents the model
/// (diagram, lanes, artifacts, data). Only processes that are deployed report reading problems.
/// </summary>
internal sealed class BpmnReader
{
    private static readonly XNamespace Bpmn = BpmnNamespaces.Bpmn;
    private static readonly XNamespace OneStop = BpmnNamespaces.OneStop;
    private static readonly XNamespace Zeebe = BpmnNamespaces.Zeebe;

    /// <summary>Camunda 7 first; Activiti and Flowable use the same attribute names and Camunda 7 reads the Activiti namespace too.</summary>
    private static readonly XNamespace[] Camunda7Namespaces =
        [BpmnNamespaces.Camunda, BpmnNamespaces.Activiti, BpmnNamespaces.Flowable];

    /// <summary>Elements inside a process or sub-process that carry no execution semantics; skipped by design.</summary>
    private static readonly HashSet<string> IgnoredScopeElements = new(StringComparer.Ordinal)
    {
        "documentation", "extensionElements", "auditing", "monitoring", "property", "laneSet", "lane",
        "ioSpecification", "ioBinding", "dataObject", "dataObjectReference", "dataStoreReference",
        "dataInputAssociation", "dataOutputAssociation", "textAnnotation", "association", "group",
        "incoming", "outgoing", "resourceRole", "performer", "humanPerformer", "potentialOwner",
        "correlationSubscription", "supports", "categoryValueRef",
        "multiInstanceLoopCharacteristics", "standardLoopCharacteristics",
    };

    private static readonly Dictionary<string, string> UnsupportedNodeReasons = new(StringComparer.Ordinal)
    {
        ["callActivity"] = "call activities are not supported yet; model the called steps in this process or in an embedded sub-process",
        ["scriptTask"] = "script tasks are not executed; use a service task with a handler",
        ["eventBasedGateway"] = "event-based gateways are not supported yet; use timer or message boundary events on a task",
        ["complexGateway"] = "complex gateways are not supported; use an exclusive, inclusive or parallel gateway",
        ["transaction"] = "transactions are not supported; use an embedded sub-process",
        ["adHocSubProcess"] = "ad-hoc sub-processes are not supported; use an embedded sub-process with a parallel gateway",
    };

    private static readonly HashSet<string> UnsupportedEventDefinitionTypes = new(StringComparer.Ordinal)
    {
        "signalEventDefinition", "errorEventDefinition", "escalationEventDefinition", "compensateEventDefinition",
        "conditionalEventDefinition", "linkEventDefinition", "cancelEventDefinition", "eventDefinitionRef",
    };

    /// <summary>Reading, wiring and validation recurse into sub-processes; a hostile file must not exhaust the stack.</summary>
    internal const int MaxSubProcessDepth = 50;

    private static readonly string[] TimerKinds = ["timeDuration", "timeDate", "timeCycle"];

    private readonly BpmnDocument _document;
    private readonly BpmnReading _reading;
    private readonly Dictionary<string, string> _messageCorrelationKeys = new(StringComparer.Ordinal);

    /// <summary>False while reading a process that is not deployed from this file: its problems concern nobody.</summary>
    private bool _reporting = true;

    private int _subProcessDepth;

    private BpmnReader(BpmnDocument document)
    {
        _document = document;
        _reading = new BpmnReading { Document = document, Problems = document.Problems };
    }

    public static BpmnReading Read(string xml, string? sourceName)
    {
        var problems = new List<ValidationProblem>();
        var xdoc = BpmnXml.Load(xml, sourceName, problems);
        if (xdoc?.Root is not { } root) return new BpmnReading { Problems = problems };

        if (root.Name != Bpmn + "definitions")
        {
            var ns = root.Name.NamespaceName.Length == 0 ? "no namespace" : $"namespace '{root.Name.NamespaceName}'";
            problems.Add(new(BpmnXml.DocumentElementType, string.IsNullOrWhiteSpace(sourceName) ? BpmnXml.DocumentElementType : sourceName,
                $"The root element is <{root.Name.LocalName}> in {ns}; a BPMN 2.0 file starts with <definitions> in namespace '{BpmnNamespaces.Bpmn}'.",
                BpmnXml.LineOf(root)));
            return new BpmnReading { Problems = problems };
        }

        var document = new BpmnDocument { TargetNamespace = Attr(root, "targetNamespace") };
        var reader = new BpmnReader(document);
        reader.ReadDefinitions(root, sourceName);
        return reader._reading;
    }

    private void ReadDefinitions(XElement definitions, string? sourceName)
    {
        ReportDuplicateIds(definitions);

        foreach (var message in definitions.Elements(Bpmn + "message"))
        {
            if (Attr(message, "id") is not { } id) continue;
            _document.Messages.TryAdd(id, Attr(message, "name") ?? id);
            if (ZeebeAttr(message, "subscription", "correlationKey") is { } key) _messageCorrelationKeys.TryAdd(id, key);
        }

        var processes = definitions.Elements(Bpmn + "process").ToList();
        if (processes.Count == 0)
        {
            AddProblem("definitions", Attr(definitions, "id") ?? sourceName ?? "definitions",
                "The file defines no process, so there is nothing to deploy.", BpmnXml.LineOf(definitions));
            return;
        }

        // Same rule as BpmnDocument.ExecutableProcesses, known before reading so that problems of processes
        // that are not deployed (other pools of a collaboration) are not reported.
        var anyExecutable = processes.Any(IsExecutable);
        foreach (var element in processes)
        {
            _reporting = !anyExecutable || IsExecutable(element);
            _document.Processes.Add(ReadProcess(element));
        }
        _reporting = true;
    }

    private void AddProblem(string elementType, string elementId, string message, int? line) =>
        _document.Problems.Add(new(elementType, elementId, message, line));

    private void Report(XElement element, string elementId, string message)
    {
        if (_reporting) AddProblem(element.Name.LocalName, elementId, message, BpmnXml.LineOf(element));
    }

    private void ReportDuplicateIds(XElement definitions)
    {
        var firstLines = new Dictionary<string, int?>(StringComparer.Ordinal);
        foreach (var element in definitions.DescendantsAndSelf())
        {
            if (element.Name.Namespace != Bpmn || Attr(element, "id") is not { } id) continue;
            if (firstLines.TryGetValue(id, out var firstLine))
            {
                var where = firstLine is { } l ? $" (first on line {l})" : "";
                AddProblem(element.Name.LocalName, id,
                    $"The id '{id}' is used more than once{where}; every element of a file needs its own id.", BpmnXml.LineOf(element));
            }
            else
            {
                firstLines.Add(id, BpmnXml.LineOf(element));
            }
        }
    }

    // ---- Processes and scopes ---------------------------------------------------------------------

    private ProcessDefinition ReadProcess(XElement element)
    {
        var id = IdOf(element);
        var name = Attr(element, "name");
        var process = new ProcessDefinition
        {
            Id = id,
            Name = name,
            ElementType = "process",
            Line = BpmnXml.LineOf(element),
            IsExecutable = IsExecutable(element),
            LifeEvent = Attr(element, OneStop + "lifeEvent"),
            Calendar = Attr(element, OneStop + "calendar"),
            Title = Attr(element, OneStop + "title") ?? name,
            TimeLimit = ReadTimeLimit(element, id, (Attr(element, OneStop + "timeLimit"), "onestop:timeLimit")),
        };
        RefuseSilentConsent(element, id);

        ReadScope(element, process, process.FlowNodes, process.SequenceFlows, process);
        Wire(process, process);
        return process;
    }

    private void ReadScope(XElement container, IFlowScope scope, List<FlowNode> nodes, List<SequenceFlow> flows, ProcessDefinition process)
    {
        foreach (var child in container.Elements())
        {
            // Elements of other namespaces directly in a process are tool-specific decoration.
            if (child.Name.Namespace != Bpmn || IgnoredScopeElements.Contains(child.Name.LocalName)) continue;

            if (child.Name.LocalName == "sequenceFlow")
            {
                var flow = ReadSequenceFlow(child);
                flows.Add(flow);
                process.FlowsById.TryAdd(flow.Id, flow);
                continue;
            }

            var node = ReadFlowNode(child, process);
            node.Scope = scope;
            nodes.Add(node);
            process.NodesById.TryAdd(node.Id, node);
        }
    }

    /// <summary>Connects flows to the nodes of their own scope; what does not connect is left unset for the validator to name.</summary>
    private static void Wire(IFlowScope scope, ProcessDefinition process)
    {
        foreach (var flow in scope.SequenceFlows)
        {
            if (process.NodesById.TryGetValue(flow.SourceRef, out var source) && source.Scope == scope)
            {
                flow.Source = source;
                source.Outgoing.Add(flow);
            }
            if (process.NodesById.TryGetValue(flow.TargetRef, out var target) && target.Scope == scope)
            {
                flow.Target = target;
                target.Incoming.Add(flow);
            }
        }

        foreach (var node in scope.FlowNodes)
        {
            if (node.DefaultFlowId is { } defaultId)
                node.DefaultFlow = node.Outgoing.FirstOrDefault(f => f.Id == defaultId);

            if (node is BoundaryEvent boundary
                && process.NodesById.TryGetValue(boundary.AttachedToRef, out var attachedTo)
                && attachedTo.Scope == scope)
            {
                boundary.AttachedTo = attachedTo;
                // Unsupported activities (call activities, ...) keep their boundary events so that what follows them stays reachable.
                if (attachedTo is Activity or UnsupportedNode) attachedTo.BoundaryEvents.Add(boundary);
            }

            if (node is SubProcess subProcess) Wire(subProcess, process);
        }
    }

    private SequenceFlow ReadSequenceFlow(XElement element)
    {
        var condition = element.Element(Bpmn + "conditionExpression");
        var conditionText = condition?.Value.Trim();
        if (conditionText?.Length == 0) conditionText = null;

        var flow = new SequenceFlow
        {
            Id = IdOf(element),
            Name = Attr(element, "name"),
            ElementType = "sequenceFlow",
            Line = BpmnXml.LineOf(element),
            SourceRef = Attr(element, "sourceRef") ?? "",
            TargetRef = Attr(element, "targetRef") ?? "",
            ConditionText = conditionText,
        };

        if (condition is not null && conditionText is not null && Attr(condition, "language") is { } language && !IsJuel(language))
        {
            Report(element, flow.Id,
                $"condition language '{language}' is not supported; write a JUEL expression like ${{amount > 100}} and leave out the language attribute.");
            _reading.ConditionsInOtherLanguages.Add(flow);
        }
        return flow;
    }

    /// <summary>JUEL is Camunda 7's and Flowable's default; tools that name it write "juel" or a URI ending in it.</summary>
    private static bool IsJuel(string language) => language.Contains("juel", StringComparison.OrdinalIgnoreCase);

    // ---- Flow nodes -------------------------------------------------------------------------------

    private FlowNode ReadFlowNode(XElement element, ProcessDefinition process)
    {
        var type = element.Name.LocalName;
        var id = IdOf(element);
        var name = Attr(element, "name");
        var line = BpmnXml.LineOf(element);
        var defaultFlowId = Attr(element, "default");
        var loop = element.Elements()
            .FirstOrDefault(e => e.Name == Bpmn + "multiInstanceLoopCharacteristics" || e.Name == Bpmn + "standardLoopCharacteristics")
            ?.Name.LocalName;
        if (type != "userTask") RefuseSilentConsent(element, id);

        switch (type)
        {
            case "startEvent":
                return WithDefinitions(element, new StartEvent { Id = id, Name = name, ElementType = type, Line = line });
            case "endEvent":
                return WithDefinitions(element, new EndEvent { Id = id, Name = name, ElementType = type, Line = line });
            case "intermediateCatchEvent":
                return WithDefinitions(element, new IntermediateCatchEvent { Id = id, Name = name, ElementType = type, Line = line });
            case "intermediateThrowEvent":
                return WithDefinitions(element, new IntermediateThrowEvent { Id = id, Name = name, ElementType = type, Line = line });
            case "boundaryEvent":
                return WithDefinitions(element, new BoundaryEvent
                {
                    Id = id,
                    Name = name,
                    ElementType = type,
                    Line = line,
                    AttachedToRef = LocalRef(Attr(element, "attachedToRef")) ?? "",
                    CancelActivity = Attr(element, "cancelActivity") is not ("false" or "0"),
                });

            case "task":
                return new PlainTask { Id = id, Name = name, ElementType = type, Line = line, DefaultFlowId = defaultFlowId, LoopCharacteristics = loop };
            case "manualTask":
                return new ManualTask
                {
                    Id = id,
                    Name = name,
                    ElementType = type,
                    Line = line,
                    DefaultFlowId = defaultFlowId,
                    LoopCharacteristics = loop,
                    Department = Attr(element, OneStop + "department"),
                };
            case "userTask":
                return new UserTask
                {
                    Id = id,
                    Name = name,
                    ElementType = type,
                    Line = line,
                    DefaultFlowId = defaultFlowId,
                    LoopCharacteristics = loop,
                    Department = ReadDepartment(element, id),
                    FormRef = Attr(element, OneStop + "formRef")
                        ?? Camunda7Attr(element, "formKey")
                        ?? Camunda7Attr(element, "formRef")
                        ?? ZeebeAttr(element, "formDefinition", "formKey")
                        ?? ZeebeAttr(element, "formDefinition", "formId"),
                    Outcome = Attr(element, OneStop + "outcome"),
                    TimeLimit = ReadTimeLimit(element, id,
                        (Attr(element, OneStop + "timeLimit"), "onestop:timeLimit"),
                        (Camunda7Attr(element, "dueDate"), "camunda:dueDate"),
                        (ZeebeAttr(element, "taskSchedule", "dueDate"), "zeebe:taskSchedule dueDate")),
                    SilentConsent = ReadSilentConsent(element, id),
                };
            case "receiveTask":
                {
                    var messageRef = LocalRef(Attr(element, "messageRef"));
                    return new ReceiveTask
                    {
                        Id = id,
                        Name = name,
                        ElementType = type,
                        Line = line,
                        DefaultFlowId = defaultFlowId,
                        LoopCharacteristics = loop,
                        MessageRef = messageRef,
                        MessageName = MessageName(messageRef),
                        CorrelationKeyText = CorrelationKeyText(element, messageRef),
                    };
                }
            case "serviceTask" or "sendTask" or "businessRuleTask":
                return new ServiceTask
                {
                    Id = id,
                    Name = name,
                    ElementType = type,
                    Line = line,
                    DefaultFlowId = defaultFlowId,
                    LoopCharacteristics = loop,
                    HandlerType = Attr(element, OneStop + "type") ?? Camunda7HandlerType(element) ?? ZeebeAttr(element, "taskDefinition", "type"),
                };
            case "subProcess" when Attr(element, "triggeredByEvent") is "true" or "1":
                return new UnsupportedNode
                {
                    Id = id,
                    Name = name,
                    ElementType = type,
                    Line = line,
                    Reason = "event sub-processes are not supported yet; use boundary events on an embedded sub-process",
                };
            case "subProcess" when _subProcessDepth >= MaxSubProcessDepth:
                return new UnsupportedNode
                {
                    Id = id,
                    Name = name,
                    ElementType = type,
                    Line = line,
                    Reason = $"sub-processes nested more than {MaxSubProcessDepth} levels deep are not supported",
                };
            case "subProcess":
                {
                    var subProcess = new SubProcess
                    {
                        Id = id,
                        Name = name,
                        ElementType = type,
                        Line = line,
                        DefaultFlowId = defaultFlowId,
                        LoopCharacteristics = loop,
                    };
                    _subProcessDepth++;
                    ReadScope(element, subProcess, subProcess.FlowNodes, subProcess.SequenceFlows, process);
                    _subProcessDepth--;
                    return subProcess;
                }

            case "exclusiveGateway":
                return new ExclusiveGateway { Id = id, Name = name, ElementType = type, Line = line, DefaultFlowId = defaultFlowId };
            case "parallelGateway":
                return new ParallelGateway { Id = id, Name = name, ElementType = type, Line = line, DefaultFlowId = defaultFlowId };
            case "inclusiveGateway":
                return new InclusiveGateway { Id = id, Name = name, ElementType = type, Line = line, DefaultFlowId = defaultFlowId };

            default:
                return new UnsupportedNode
                {
                    Id = id,
                    Name = name,
                    ElementType = type,
                    Line = line,
                    Reason = UnsupportedNodeReasons.GetValueOrDefault(type) ?? $"'{type}' elements are not supported inside a process",
                };
        }
    }

    private T WithDefinitions<T>(XElement element, T node) where T : EventNode
    {
        foreach (var child in element.Elements())
        {
            if (child.Name.Namespace != Bpmn) continue;
            var type = child.Name.LocalName;
            switch (type)
            {
                case "timerEventDefinition":
                    node.EventDefinitions.Add(ReadTimer(child, node));
                    break;
                case "messageEventDefinition":
                    {
                        var messageRef = LocalRef(Attr(child, "messageRef"));
                        node.EventDefinitions.Add(new MessageEventDefinition
                        {
                            Id = Attr(child, "id"),
                            MessageRef = messageRef,
                            MessageName = MessageName(messageRef),
                            CorrelationKeyText = CorrelationKeyText(element, messageRef),
                        });
                        break;
                    }
                case "terminateEventDefinition":
                    node.EventDefinitions.Add(new TerminateEventDefinition { Id = Attr(child, "id") });
                    break;
                default:
                    if (UnsupportedEventDefinitionTypes.Contains(type) || type.EndsWith("EventDefinition", StringComparison.Ordinal))
                        node.EventDefinitions.Add(new UnsupportedEventDefinition { Id = Attr(child, "id"), ElementType = type });
                    break;
            }
        }
        return node;
    }

    private TimerEventDefinition ReadTimer(XElement definition, EventNode node)
    {
        var given = definition.Elements()
            .Where(e => e.Name.Namespace == Bpmn && TimerKinds.Contains(e.Name.LocalName))
            .ToList();
        if (given.Count > 1)
        {
            Report(definition.Parent!, node.Id,
                $"timer has {string.Join(" and ", given.Select(e => e.Name.LocalName))}; give exactly one of timeDuration, timeDate or timeCycle.");
        }

        if (given.Count == 0) return new TimerEventDefinition { Id = Attr(definition, "id") };
        var first = given[0];
        return new TimerEventDefinition
        {
            Id = Attr(definition, "id"),
            Kind = first.Name.LocalName switch
            {
                "timeDuration" => TimerKind.Duration,
                "timeDate" => TimerKind.Date,
                _ => TimerKind.Cycle,
            },
            Text = first.Value.Trim(),
        };
    }

    // ---- Extension attributes ---------------------------------------------------------------------

    private string? ReadDepartment(XElement element, string id)
    {
        var (groups, source) =
            Attr(element, OneStop + "department") is { } own ? (own, "onestop:department")
            : Camunda7Attr(element, "candidateGroups") is { } camunda ? (camunda, "camunda:candidateGroups")
            : ZeebeAttr(element, "assignmentDefinition", "candidateGroups") is { } zeebe ? (zeebe, "zeebe:assignmentDefinition candidateGroups")
            : (null, null);
        if (groups is null) return null;

        // Tasks are routed to a department queue by name, so a run-time expression cannot place them.
        if (groups.StartsWith('=') || groups.Contains("${", StringComparison.Ordinal) || groups.Contains("#{", StringComparison.Ordinal))
        {
            Report(element, id, $"{source} '{groups}' is an expression; name the department directly (or set onestop:department).");
            return null;
        }

        // A candidate list names several groups; the first is the department that owns the task.
        return groups.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
    }

    private TimeLimit? ReadTimeLimit(XElement element, string id, params (string? Text, string Source)[] candidates)
    {
        foreach (var (text, source) in candidates)
        {
            if (text is null) continue;
            if (TimeLimit.TryParse(text, out var limit, out var error)) return limit;
            Report(element, id, $"{source}: {error}");
            return null;
        }
        return null;
    }

    private bool ReadSilentConsent(XElement element, string id)
    {
        switch (Attr(element, OneStop + "silentConsent"))
        {
            case null or "false" or "0": return false;
            case "true" or "1": return true;
            case var other:
                Report(element, id, $"onestop:silentConsent '{other}' must be \"true\" or \"false\".");
                return false;
        }
    }

    /// <summary>Silent consent approves a department's decision; only a user task, which a department decides, can carry it.</summary>
    private void RefuseSilentConsent(XElement element, string id)
    {
        if (element.Attribute(OneStop + "silentConsent") is null) return;
        Report(element, id, $"onestop:silentConsent applies only to user tasks (a department's decision with a time limit), not to a {element.Name.LocalName}.");
    }

    private static string? Camunda7HandlerType(XElement element)
    {
        if (Camunda7Attr(element, "type") is "external") return Camunda7Attr(element, "topic");
        return Camunda7Attr(element, "class") ?? Camunda7Attr(element, "delegateExpression") ?? Camunda7Attr(element, "expression");
    }

    private string? MessageName(string? messageRef) =>
        messageRef is not null && _document.Messages.TryGetValue(messageRef, out var name) ? name : null;

    /// <summary>onestop:correlationKey on the catching element wins over the Zeebe subscription of its message.</summary>
    private string? CorrelationKeyText(XElement element, string? messageRef) =>
        Attr(element, OneStop + "correlationKey")
        ?? (messageRef is not null ? _messageCorrelationKeys.GetValueOrDefault(messageRef) : null);

    private static string? Camunda7Attr(XElement element, string name)
    {
        foreach (var ns in Camunda7Namespaces)
        {
            if (Attr(element, ns + name) is { } value) return value;
        }
        return null;
    }

    /// <summary>Zeebe keeps its settings in child elements of extensionElements, e.g. &lt;zeebe:taskDefinition type="..."/&gt;.</summary>
    private static string? ZeebeAttr(XElement element, string extensionElement, string attribute) =>
        element.Element(Bpmn + "extensionElements")?.Element(Zeebe + extensionElement) is { } extension
            ? Attr(extension, attribute)
            : null;

    // ---- Small helpers ----------------------------------------------------------------------------

    private string IdOf(XElement element)
    {
        if (Attr(element, "id") is { } id) return id;
        var line = BpmnXml.LineOf(element);
        var placeholder = line is { } l ? $"(no id, line {l})" : "(no id)";
        Report(element, placeholder, $"{element.Name.LocalName} has no id; every element needs one so that problems and history can name it.");
        return placeholder;
    }

    private static bool IsExecutable(XElement process) => Attr(process, "isExecutable") is "true" or "1";

    /// <summary>References such as messageRef and attachedToRef are QNames; ids themselves never contain a colon.</summary>
    private static string? LocalRef(string? reference) =>
        reference is not null && reference.LastIndexOf(':') is var colon and >= 0 ? reference[(colon + 1)..] : reference;

    private static string? Attr(XElement element, XName name)
    {
        var value = element.Attribute(name)?.Value.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
