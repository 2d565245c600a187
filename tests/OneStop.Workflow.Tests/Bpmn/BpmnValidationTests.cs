using OneStop.Workflow.Engine.Bpmn;
using static OneStop.Workflow.Tests.Bpmn.BpmnText;

namespace OneStop.Workflow.Tests.Bpmn;

public class BpmnValidationTests
{
    private const string Start = """<bpmn:startEvent id="start"/>""";
    private const string End = """<bpmn:endEvent id="end"/>""";

    private static string Flow(string id, string source, string target, string? condition = null, string attributes = "") =>
        condition is null
            ? $"""<bpmn:sequenceFlow id="{id}" sourceRef="{source}" targetRef="{target}" {attributes}/>"""
            : $"""<bpmn:sequenceFlow id="{id}" sourceRef="{source}" targetRef="{target}" {attributes}><bpmn:conditionExpression>{System.Security.SecurityElement.Escape(condition)}</bpmn:conditionExpression></bpmn:sequenceFlow>""";

    /// <summary>start → gateway → a / b (with the given flows out of the gateway) → end.</summary>
    private static string Split(string gateway, string flowA, string flowB) => string.Join(Environment.NewLine,
        Start, gateway, """<bpmn:task id="a"/>""", """<bpmn:task id="b"/>""", End,
        Flow("in", "start", "gw"), flowA, flowB, Flow("aEnd", "a", "end"), Flow("bEnd", "b", "end"));

    // ---- Valid models -------------------------------------------------------------------------------

    [Fact]
    public void ProcessWithOnlyStartAndEnd_IsValid()
    {
        var document = Valid(Process(Sequence()));

        Assert.Equal(2, document.Processes[0].FlowNodes.Count);
    }

    [Fact]
    public void UserTaskWithoutDepartment_IsValid()
    {
        var task = Assert.IsType<UserTask>(Valid(Process(Sequence("""<bpmn:userTask id="t"/>"""))).Processes[0].Node("t"));

        Assert.Null(task.Department);
    }

    [Fact]
    public void EmptyPool_IsNotAProblem()
    {
        var xml = $"""
            <bpmn:definitions {Namespaces}>
              <bpmn:process id="empty" />
              <bpmn:process id="real">{Sequence()}</bpmn:process>
            </bpmn:definitions>
            """;

        Assert.Equal(2, Valid(xml).ExecutableProcesses.Count());
    }

    [Fact]
    public void ProcessesNotDeployed_AreNotValidated()
    {
        var xml = $"""
            <bpmn:definitions {Namespaces}>
              <bpmn:process id="other" isExecutable="false"><bpmn:callActivity id="call" /></bpmn:process>
              <bpmn:process id="real" isExecutable="true">{Sequence()}</bpmn:process>
            </bpmn:definitions>
            """;

        Assert.Equal(["real"], Valid(xml).ExecutableProcesses.Select(p => p.Id));
    }

    [Fact]
    public void DocumentWithoutProcess_IsAProblemOnDefinitions()
    {
        var problem = SingleProblem($"""<bpmn:definitions {Namespaces} id="defs"><bpmn:message id="m"/></bpmn:definitions>""");

        Assert.Equal(("definitions", "defs"), (problem.ElementType, problem.ElementId));
        Assert.Contains("defines no process", problem.Message);
    }

    // ---- Ids and references -------------------------------------------------------------------------

    [Fact]
    public void DuplicateIds_AreReportedAtTheSecondUse()
    {
        var problem = SingleProblem(Process(Sequence("""<bpmn:task id="check"/>"""), definitionsBody: """<bpmn:message id="check"/>"""));

        Assert.Equal(("task", "check"), (problem.ElementType, problem.ElementId));
        Assert.Contains("used more than once (first on line", problem.Message);
    }

    [Fact]
    public void ElementWithoutId_IsReportedByItsLine()
    {
        var problems = Problems(Process(Sequence() + Environment.NewLine + """<bpmn:task name="nameless"/>"""));

        var problem = AssertProblem(problems, "task", "(no id, line 8)", "task has no id");
        Assert.Equal(8, problem.Line);
    }

    [Fact]
    public void SequenceFlowWithMissingOrUnknownEnds_IsReported()
    {
        var problems = Problems(Process(Sequence() + """
            <bpmn:sequenceFlow id="noSource" targetRef="end"/>
            <bpmn:sequenceFlow id="unknownTarget" sourceRef="start" targetRef="nowhere"/>
            """));

        AssertProblem(problems, "sequenceFlow", "noSource", "has no sourceRef");
        AssertProblem(problems, "sequenceFlow", "unknownTarget", "targetRef 'nowhere' names no flow node of process 'p'");
    }

    [Fact]
    public void SequenceFlowCrossingASubProcessBoundary_IsReported()
    {
        var problems = Problems(Process($"""
            {Sequence("""<bpmn:subProcess id="sub"><bpmn:startEvent id="subStart"/><bpmn:endEvent id="subEnd"/><bpmn:sequenceFlow id="inner" sourceRef="subStart" targetRef="subEnd"/></bpmn:subProcess>""")}
            <bpmn:sequenceFlow id="escape" sourceRef="subEnd" targetRef="end"/>
            """));

        var problem = AssertProblem(problems, "sequenceFlow", "escape", "cannot cross a sub-process boundary");
        Assert.Contains("sourceRef 'subEnd' is in sub-process 'sub' but the flow is in process 'p'", problem.Message);
    }

    [Fact]
    public void DefaultNamingNoOutgoingFlow_IsReported()
    {
        var problem = SingleProblem(Process(Sequence("""<bpmn:task id="t" default="f1"/>""")));

        Assert.Equal(("task", "t"), (problem.ElementType, problem.ElementId));
        Assert.Equal("default 'f1' names no outgoing sequence flow of this task.", problem.Message);
    }

    [Fact]
    public void BoundaryAttachedToUnknownElement_IsReported()
    {
        var problems = Problems(Process(Sequence("""<bpmn:userTask id="t"/>""") + """
            <bpmn:boundaryEvent id="timer" attachedToRef="ghost"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
            <bpmn:sequenceFlow id="late" sourceRef="timer" targetRef="end"/>
            """));

        AssertProblem(problems, "boundaryEvent", "timer", "attachedToRef 'ghost' names no activity of process 'p'");
    }

    [Fact]
    public void BoundaryAttachedToAGateway_IsReported()
    {
        var problems = Problems(Process(Sequence("""<bpmn:exclusiveGateway id="gw"/>""") + """
            <bpmn:boundaryEvent id="timer" attachedToRef="gw"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
            <bpmn:sequenceFlow id="late" sourceRef="timer" targetRef="end"/>
            """));

        AssertProblem(problems, "boundaryEvent", "timer", "is attached to exclusiveGateway 'gw', which is not an activity");
    }

    [Fact]
    public void UnknownMessageRef_IsReported()
    {
        var problem = SingleProblem(Process(Sequence("""<bpmn:receiveTask id="wait" messageRef="paid"/>""")));

        Assert.Equal(("receiveTask", "wait"), (problem.ElementType, problem.ElementId));
        Assert.Equal("messageRef 'paid' names no message of this file.", problem.Message);
    }

    [Fact]
    public void MessageEventWithoutMessageRef_IsReported()
    {
        var problem = SingleProblem(Process(Sequence(
            """<bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition/></bpmn:intermediateCatchEvent>""")));

        Assert.Equal(("intermediateCatchEvent", "wait"), (problem.ElementType, problem.ElementId));
        Assert.Contains("has no messageRef", problem.Message);
    }

    // ---- Start and end ------------------------------------------------------------------------------

    [Fact]
    public void ProcessWithoutNoneStartEvent_IsReported()
    {
        var problem = SingleProblem(Process("""<bpmn:task id="t"/>"""));

        Assert.Equal(("process", "p"), (problem.ElementType, problem.ElementId));
        Assert.StartsWith("has no none start event", problem.Message);
    }

    [Fact]
    public void SubProcessWithoutNoneStartEvent_IsReported()
    {
        var problem = SingleProblem(Process(Sequence("""<bpmn:subProcess id="sub"><bpmn:task id="inner"/></bpmn:subProcess>""")));

        Assert.Equal(("subProcess", "sub"), (problem.ElementType, problem.ElementId));
        Assert.StartsWith("has no none start event", problem.Message);
    }

    [Fact]
    public void EmptySubProcess_IsReported()
    {
        var problem = SingleProblem(Process(Sequence("""<bpmn:subProcess id="sub"/>""")));

        Assert.Equal(("subProcess", "sub"), (problem.ElementType, problem.ElementId));
        Assert.StartsWith("is empty", problem.Message);
    }

    [Fact]
    public void SeveralNoneStartEvents_AreReported()
    {
        var problem = SingleProblem(Process(Sequence() + """<bpmn:startEvent id="start2"/><bpmn:sequenceFlow id="s2" sourceRef="start2" targetRef="end"/>"""));

        Assert.Equal(("process", "p"), (problem.ElementType, problem.ElementId));
        Assert.Equal("has several none start events ('start', 'start2'); the engine needs one.", problem.Message);
    }

    [Theory]
    [InlineData("""<bpmn:timerEventDefinition><bpmn:timeCycle>R/P1D</bpmn:timeCycle></bpmn:timerEventDefinition>""", "timer start events are not supported yet")]
    [InlineData("""<bpmn:messageEventDefinition messageRef="m"/>""", "message start events are not supported yet")]
    public void TimerAndMessageStartEvents_AreRefused(string definition, string message)
    {
        var problems = Problems(Process(
            Sequence() + $"""<bpmn:startEvent id="triggered">{definition}</bpmn:startEvent><bpmn:sequenceFlow id="t2" sourceRef="triggered" targetRef="end"/>""",
            definitionsBody: """<bpmn:message id="m"/>"""));

        AssertProblem(problems, "startEvent", "triggered", message);
        Assert.Single(problems);
    }

    [Fact]
    public void StartEventWithIncomingFlow_IsReported()
    {
        var problem = SingleProblem(Process(Sequence("""<bpmn:task id="t"/>""") + Flow("back", "t", "start")));

        Assert.Equal(("startEvent", "start"), (problem.ElementType, problem.ElementId));
        Assert.Contains("has incoming sequence flows", problem.Message);
    }

    [Fact]
    public void EndEventWithOutgoingFlow_IsReported()
    {
        var problem = SingleProblem(Process(Sequence("""<bpmn:task id="t"/>""") + Flow("after", "end", "t")));

        Assert.Equal(("endEvent", "end"), (problem.ElementType, problem.ElementId));
        Assert.Contains("has outgoing sequence flows", problem.Message);
    }

    [Fact]
    public void BoundaryEventWithIncomingFlowAndNoOutgoingFlow_IsReported()
    {
        var problems = Problems(Process(Sequence("""<bpmn:userTask id="t"/>""") + """
            <bpmn:boundaryEvent id="timer" attachedToRef="t"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
            <bpmn:sequenceFlow id="into" sourceRef="start" targetRef="timer"/>
            """));

        AssertProblem(problems, "boundaryEvent", "timer", "has incoming sequence flows");
        AssertProblem(problems, "boundaryEvent", "timer", "has no outgoing sequence flow");
        Assert.Equal(2, problems.Count);
    }

    // ---- Reachability -------------------------------------------------------------------------------

    [Fact]
    public void NodeNoFlowLeadsTo_IsUnreachable()
    {
        var problem = SingleProblem(Process(Sequence() + """<bpmn:task id="island"/><bpmn:sequenceFlow id="x" sourceRef="island" targetRef="end"/>"""));

        Assert.Equal(("task", "island"), (problem.ElementType, problem.ElementId));
        Assert.Contains("is not reachable from the start event", problem.Message);
    }

    [Fact]
    public void BoundaryEventPathAndSubProcessContents_AreReachableThroughTheirActivity()
    {
        Valid(Process(Sequence(
            """<bpmn:userTask id="t"/>""",
            """
            <bpmn:subProcess id="sub">
              <bpmn:startEvent id="subStart"/><bpmn:task id="subTask"/><bpmn:endEvent id="subEnd"/>
              <bpmn:sequenceFlow id="s1" sourceRef="subStart" targetRef="subTask"/>
              <bpmn:sequenceFlow id="s2" sourceRef="subTask" targetRef="subEnd"/>
            </bpmn:subProcess>
            """) + """
            <bpmn:boundaryEvent id="timer" attachedToRef="t"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
            <bpmn:sequenceFlow id="late" sourceRef="timer" targetRef="escalate"/>
            <bpmn:userTask id="escalate"/>
            <bpmn:sequenceFlow id="late2" sourceRef="escalate" targetRef="end"/>
            """));
    }

    [Fact]
    public void UnreachableNodeInsideASubProcess_IsReported()
    {
        var problem = SingleProblem(Process(Sequence("""
            <bpmn:subProcess id="sub">
              <bpmn:startEvent id="subStart"/><bpmn:endEvent id="subEnd"/><bpmn:task id="stray"/>
              <bpmn:sequenceFlow id="s1" sourceRef="subStart" targetRef="subEnd"/>
            </bpmn:subProcess>
            """)));

        Assert.Equal(("task", "stray"), (problem.ElementType, problem.ElementId));
    }

    // ---- Gateways and conditions --------------------------------------------------------------------

    [Theory]
    [InlineData("exclusiveGateway")]
    [InlineData("inclusiveGateway")]
    public void SplittingFlowWithoutConditionThatIsNotTheDefault_IsReported(string gatewayType)
    {
        var problem = SingleProblem(Process(Split($"""<bpmn:{gatewayType} id="gw"/>""",
            Flow("toA", "gw", "a", "${amount > 100}"), Flow("toB", "gw", "b"))));

        Assert.Equal(("sequenceFlow", "toB"), (problem.ElementType, problem.ElementId));
        Assert.Equal($"leaves {gatewayType} 'gw' without a condition: it needs a condition or must be the default flow.", problem.Message);
    }

    [Fact]
    public void GatewayWithConditionsAndDefault_IsValidAndConditionsAreParsed()
    {
        var process = Valid(Process(Split("""<bpmn:exclusiveGateway id="gw" default="toB"/>""",
            Flow("toA", "gw", "a", "${amount > 100 && type == 'restaurant'}"), Flow("toB", "gw", "b")))).Processes[0];

        Assert.NotNull(process.FlowsById["toA"].Condition);
        Assert.Same(process.FlowsById["toB"], process.Node("gw").DefaultFlow);
    }

    [Fact]
    public void DefaultFlowWithACondition_IsReported()
    {
        var problem = SingleProblem(Process(Split("""<bpmn:exclusiveGateway id="gw" default="toB"/>""",
            Flow("toA", "gw", "a", "${amount > 100}"), Flow("toB", "gw", "b", "${amount <= 100}"))));

        Assert.Equal(("sequenceFlow", "toB"), (problem.ElementType, problem.ElementId));
        Assert.Contains("is the default flow of exclusiveGateway 'gw' and has a condition", problem.Message);
    }

    [Fact]
    public void ConditionOnAParallelGatewayFlow_IsReported()
    {
        var problem = SingleProblem(Process(Split("""<bpmn:parallelGateway id="gw"/>""",
            Flow("toA", "gw", "a", "${urgent}"), Flow("toB", "gw", "b"))));

        Assert.Equal(("sequenceFlow", "toA"), (problem.ElementType, problem.ElementId));
        Assert.Contains("leaves parallelGateway 'gw'; BPMN ignores conditions there", problem.Message);
    }

    [Fact]
    public void ConditionOnAFlowLeavingAnEvent_IsReported()
    {
        var problem = SingleProblem(Process($"{Start}<bpmn:task id=\"t\"/>{End}{Flow("f1", "start", "t", "${ok}")}{Flow("f2", "t", "end")}"));

        Assert.Equal(("sequenceFlow", "f1"), (problem.ElementType, problem.ElementId));
        Assert.Contains("leaves startEvent 'start'", problem.Message);
    }

    [Fact]
    public void ConditionalFlowsLeavingAnActivity_AreAllowed()
    {
        var process = Valid(Process(string.Join(Environment.NewLine, Start, """<bpmn:task id="t" default="plain"/>""", """<bpmn:task id="extra"/>""", End,
            Flow("f1", "start", "t"), Flow("cond", "t", "extra", "${needsReview}"), Flow("plain", "t", "end"), Flow("f3", "extra", "end")))).Processes[0];

        Assert.NotNull(process.FlowsById["cond"].Condition);
    }

    [Fact]
    public void ConditionSyntaxError_IncludesTheParserMessage()
    {
        var problem = SingleProblem(Process(Split("""<bpmn:exclusiveGateway id="gw" default="toB"/>""",
            Flow("toA", "gw", "a", "${amount > }"), Flow("toB", "gw", "b"))));

        Assert.Equal(("sequenceFlow", "toA"), (problem.ElementType, problem.ElementId));
        Assert.StartsWith("condition is not a valid expression: ", problem.Message);
        Assert.Contains("${amount > }", problem.Message); // the parser quotes where it stopped
    }

    [Fact]
    public void ConditionThatIsNotAnExpression_IsReported()
    {
        var problem = SingleProblem(Process(Split("""<bpmn:exclusiveGateway id="gw" default="toB"/>""",
            Flow("toA", "gw", "a", "amount > 100"), Flow("toB", "gw", "b"))));

        Assert.Equal("condition 'amount > 100' is not an expression; write a JUEL expression like ${amount > 100}.", problem.Message);
    }

    [Fact]
    public void FeelCondition_IsRefusedWithAJuelExample()
    {
        var problem = SingleProblem(Process(Split("""<bpmn:exclusiveGateway id="gw" default="toB"/>""",
            Flow("toA", "gw", "a", "= amount > 100"), Flow("toB", "gw", "b"))));

        Assert.Equal("condition '= amount > 100': FEEL expressions are not supported; write a JUEL expression like ${amount > 100}.", problem.Message);
    }

    [Fact]
    public void ConditionInAnotherLanguage_IsRefusedOnce()
    {
        var problem = SingleProblem(Process(Split("""<bpmn:exclusiveGateway id="gw" default="toB"/>""",
            """<bpmn:sequenceFlow id="toA" sourceRef="gw" targetRef="a"><bpmn:conditionExpression language="groovy">amount &gt; 100</bpmn:conditionExpression></bpmn:sequenceFlow>""",
            Flow("toB", "gw", "b"))));

        Assert.Equal(("sequenceFlow", "toA"), (problem.ElementType, problem.ElementId));
        Assert.StartsWith("condition language 'groovy' is not supported", problem.Message);
    }

    [Fact]
    public void ConditionDeclaredAsJuel_IsAccepted()
    {
        var process = Valid(Process(Split("""<bpmn:exclusiveGateway id="gw" default="toB"/>""",
            """<bpmn:sequenceFlow id="toA" sourceRef="gw" targetRef="a"><bpmn:conditionExpression language="juel">${amount &gt; 100}</bpmn:conditionExpression></bpmn:sequenceFlow>""",
            Flow("toB", "gw", "b")))).Processes[0];

        Assert.NotNull(process.FlowsById["toA"].Condition);
    }

    // ---- Timers -------------------------------------------------------------------------------------

    private static string TimerCatch(string definition) =>
        Process(Sequence($"""<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>{definition}</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"""));

    private static TimerEventDefinition ValidTimer(string definition) =>
        Assert.IsType<TimerEventDefinition>(((EventNode)Valid(TimerCatch(definition)).Processes[0].Node("wait")).Definition);

    [Fact]
    public void EmptyTimer_IsReported()
    {
        var problem = SingleProblem(TimerCatch(""));

        Assert.Equal(("intermediateCatchEvent", "wait"), (problem.ElementType, problem.ElementId));
        Assert.Equal("timer has no timeDuration, timeDate or timeCycle.", problem.Message);
    }

    [Fact]
    public void TimerWithEmptyText_IsReported()
    {
        Assert.Equal("timer timeDate is empty.", SingleProblem(TimerCatch("<bpmn:timeDate/>")).Message);
    }

    [Fact]
    public void TimerWithMoreThanOneKind_IsReported()
    {
        var problem = SingleProblem(TimerCatch("<bpmn:timeDuration>PT1H</bpmn:timeDuration><bpmn:timeCycle>R/PT1H</bpmn:timeCycle>"));

        Assert.Equal(("intermediateCatchEvent", "wait"), (problem.ElementType, problem.ElementId));
        Assert.Equal("timer has timeDuration and timeCycle; give exactly one of timeDuration, timeDate or timeCycle.", problem.Message);
    }

    [Fact]
    public void IsoTimer_IsParsedIntoItsSpec()
    {
        var timer = ValidTimer("<bpmn:timeCycle>R3/PT10M</bpmn:timeCycle>");

        Assert.Equal(TimerKind.Cycle, timer.Spec?.Kind);
        Assert.Null(timer.Expression);
    }

    [Fact]
    public void ExpressionTimer_IsParsedIntoAnExpression()
    {
        var timer = ValidTimer("<bpmn:timeDuration>${reviewPeriod}</bpmn:timeDuration>");

        Assert.Null(timer.Spec);
        Assert.Equal("${reviewPeriod}", timer.Expression?.Text);
    }

    [Fact]
    public void InvalidTimerText_IsReportedWithTheReason()
    {
        var problem = SingleProblem(TimerCatch("<bpmn:timeDuration>three days</bpmn:timeDuration>"));

        Assert.StartsWith("timer timeDuration: ", problem.Message);
        Assert.Contains("three days", problem.Message);
    }

    [Fact]
    public void FeelTimer_IsRefused()
    {
        Assert.Contains("FEEL expressions are not supported", SingleProblem(TimerCatch("<bpmn:timeDuration>=duration</bpmn:timeDuration>")).Message);
    }

    // ---- Correlation keys ---------------------------------------------------------------------------

    private static string MessageCatch(string correlationKey) => Process(
        Sequence($"""<bpmn:intermediateCatchEvent id="wait" onestop:correlationKey="{correlationKey}"><bpmn:messageEventDefinition messageRef="m"/></bpmn:intermediateCatchEvent>"""),
        definitionsBody: """<bpmn:message id="m" name="paid"/>""");

    [Fact]
    public void CorrelationKeyExpression_IsParsed()
    {
        var wait = (EventNode)Valid(MessageCatch("${applicationId}")).Processes[0].Node("wait");

        Assert.Equal("${applicationId}", Assert.IsType<MessageEventDefinition>(wait.Definition).CorrelationKey?.Text);
    }

    [Fact]
    public void CorrelationKeyThatIsNotAnExpression_IsReported()
    {
        var problem = SingleProblem(MessageCatch("applicationId"));

        Assert.Equal("correlation key 'applicationId' must be an expression like ${applicationId}.", problem.Message);
    }

    [Fact]
    public void CorrelationKeySyntaxError_IsReported()
    {
        Assert.StartsWith("correlation key is not a valid expression: ", SingleProblem(MessageCatch("${applicationId ==}")).Message);
    }

    // ---- What the engine does not execute -----------------------------------------------------------

    [Theory]
    [InlineData("""<bpmn:callActivity id="x" calledElement="other"/>""", "callActivity", "call activities are not supported yet")]
    [InlineData("""<bpmn:scriptTask id="x" scriptFormat="groovy"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>""", "scriptTask", "script tasks are not executed; use a service task with a handler")]
    [InlineData("""<bpmn:complexGateway id="x"/>""", "complexGateway", "complex gateways are not supported")]
    [InlineData("""<bpmn:transaction id="x"/>""", "transaction", "transactions are not supported")]
    [InlineData("""<bpmn:adHocSubProcess id="x"/>""", "adHocSubProcess", "ad-hoc sub-processes are not supported")]
    [InlineData("""<bpmn:implicitThrowEvent id="x"/>""", "implicitThrowEvent", "'implicitThrowEvent' elements are not supported inside a process")]
    [InlineData("""<bpmn:task id="x"><bpmn:multiInstanceLoopCharacteristics/></bpmn:task>""", "task", "multi-instance is not supported yet")]
    [InlineData("""<bpmn:userTask id="x"><bpmn:standardLoopCharacteristics/></bpmn:userTask>""", "userTask", "loops (standardLoopCharacteristics) are not supported yet")]
    [InlineData("""<bpmn:intermediateThrowEvent id="x"><bpmn:messageEventDefinition messageRef="m"/></bpmn:intermediateThrowEvent>""", "intermediateThrowEvent", "intermediate throw events with a message definition are not supported")]
    [InlineData("""<bpmn:intermediateCatchEvent id="x"><bpmn:signalEventDefinition/></bpmn:intermediateCatchEvent>""", "intermediateCatchEvent", "signal events (signalEventDefinition) are not supported")]
    [InlineData("""<bpmn:intermediateCatchEvent id="x"><bpmn:conditionalEventDefinition/></bpmn:intermediateCatchEvent>""", "intermediateCatchEvent", "conditional events (conditionalEventDefinition) are not supported")]
    [InlineData("""<bpmn:intermediateCatchEvent id="x"/>""", "intermediateCatchEvent", "has no event definition")]
    [InlineData("""<bpmn:intermediateCatchEvent id="x"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition><bpmn:messageEventDefinition messageRef="m"/></bpmn:intermediateCatchEvent>""", "intermediateCatchEvent", "has 2 event definitions (timerEventDefinition, messageEventDefinition); the engine supports one per event")]
    public void ElementTheEngineDoesNotExecute_IsRefusedByName(string element, string elementType, string message)
    {
        var problem = SingleProblem(Process(Sequence(element), definitionsBody: """<bpmn:message id="m"/>"""));

        Assert.Equal((elementType, "x"), (problem.ElementType, problem.ElementId));
        Assert.Contains(message, problem.Message);
    }

    [Fact]
    public void EventSubProcess_IsRefused()
    {
        var problem = SingleProblem(Process(Sequence() + """
            <bpmn:subProcess id="onCancel" triggeredByEvent="true">
              <bpmn:startEvent id="cancelled"><bpmn:messageEventDefinition messageRef="m"/></bpmn:startEvent>
            </bpmn:subProcess>
            """, definitionsBody: """<bpmn:message id="m"/>"""));

        Assert.Equal(("subProcess", "onCancel"), (problem.ElementType, problem.ElementId));
        Assert.StartsWith("event sub-processes are not supported yet", problem.Message);
    }

    [Fact]
    public void EventBasedGateway_IsRefused()
    {
        var problems = Problems(Process(Split("""<bpmn:eventBasedGateway id="gw"/>""", Flow("toA", "gw", "a"), Flow("toB", "gw", "b"))));

        AssertProblem(problems, "eventBasedGateway", "gw", "event-based gateways are not supported yet");
        Assert.Single(problems);
    }

    [Theory]
    [InlineData("""<bpmn:errorEventDefinition/>""", "error events (errorEventDefinition) are not supported")]
    [InlineData("""<bpmn:terminateEventDefinition/>""", "terminate boundaryEvents are not supported; boundaryEvents must be timer or message events")]
    [InlineData("", "has no event definition; boundary events must be timer or message events")]
    public void BoundaryEventOtherThanTimerOrMessage_IsRefused(string definition, string message)
    {
        var problem = SingleProblem(Process(Sequence("""<bpmn:userTask id="t"/>""") + $"""
            <bpmn:boundaryEvent id="b" attachedToRef="t">{definition}</bpmn:boundaryEvent>
            <bpmn:sequenceFlow id="out" sourceRef="b" targetRef="end"/>
            """));

        Assert.Equal(("boundaryEvent", "b"), (problem.ElementType, problem.ElementId));
        Assert.Contains(message, problem.Message);
    }

    [Fact]
    public void MessageEndEvent_IsRefused()
    {
        var problem = SingleProblem(Process($"""
            {Start}<bpmn:endEvent id="notify"><bpmn:messageEventDefinition messageRef="m"/></bpmn:endEvent>{Flow("f", "start", "notify")}
            """, definitionsBody: """<bpmn:message id="m"/>"""));

        Assert.Equal(("endEvent", "notify"), (problem.ElementType, problem.ElementId));
        Assert.StartsWith("message end events are not supported", problem.Message);
    }

    // ---- All at once --------------------------------------------------------------------------------

    [Fact]
    public void ModelWithManyFaults_ReportsEveryOneAtOnceInLineOrder()
    {
        var xml = Process("""
            <bpmn:startEvent id="start"/>
            <bpmn:startEvent id="start2"/>
            <bpmn:exclusiveGateway id="gw" default="missing"/>
            <bpmn:userTask id="review" onestop:timeLimit="whenever"/>
            <bpmn:scriptTask id="script"/>
            <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition/></bpmn:intermediateCatchEvent>
            <bpmn:endEvent id="end"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw"/>
            <bpmn:sequenceFlow id="f2" sourceRef="gw" targetRef="review"/>
            <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="script"><bpmn:conditionExpression>= approved</bpmn:conditionExpression></bpmn:sequenceFlow>
            <bpmn:sequenceFlow id="f4" sourceRef="review" targetRef="nowhere"/>
            <bpmn:sequenceFlow id="f5" sourceRef="script" targetRef="end"/>
            <bpmn:sequenceFlow id="f2" sourceRef="start2" targetRef="end"/>
            """);

        Assert.Throws<BpmnValidationException>(() => BpmnModel.Load(xml, "faulty.bpmn"));
        var problems = BpmnModel.Check(xml).Problems;

        AssertProblem(problems, "process", "p", "has several none start events");
        AssertProblem(problems, "exclusiveGateway", "gw", "default 'missing' names no outgoing sequence flow");
        AssertProblem(problems, "userTask", "review", "onestop:timeLimit: ");
        AssertProblem(problems, "scriptTask", "script", "script tasks are not executed");
        AssertProblem(problems, "intermediateCatchEvent", "wait", "timer has no timeDuration, timeDate or timeCycle");
        AssertProblem(problems, "intermediateCatchEvent", "wait", "is not reachable from the start event");
        AssertProblem(problems, "sequenceFlow", "f2", "leaves exclusiveGateway 'gw' without a condition");
        AssertProblem(problems, "sequenceFlow", "f3", "FEEL expressions are not supported");
        AssertProblem(problems, "sequenceFlow", "f4", "targetRef 'nowhere' names no flow node");
        AssertProblem(problems, "sequenceFlow", "f2", "used more than once");
        Assert.Equal(10, problems.Count);
        Assert.All(problems, p => Assert.NotNull(p.Line));
        Assert.Equal(problems.OrderBy(p => p.Line).Select(p => p.ToString()), problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Load_ThrowsWithEveryProblemAndTheSourceName()
    {
        var ex = Assert.Throws<BpmnValidationException>(() => BpmnModel.Load(Process("""<bpmn:scriptTask id="s"/><bpmn:callActivity id="c"/>"""), "scenario.bpmn"));

        Assert.Equal("scenario.bpmn", ex.SourceName);
        Assert.Equal(3, ex.Problems.Count); // no start event, the script task, the call activity
        Assert.Contains("scenario.bpmn is not valid: 3 problem(s).", ex.Message);
    }
}
