using OneStop.Workflow.Engine.Bpmn;

namespace OneStop.Workflow.Tests.Bpmn;

public class BpmnReadingTests
{
    /// <summary>As bpmn-js writes it: a pool with lanes, documentation, an annotation, a data object and the diagram.</summary>
    private const string BpmnJsFile = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn" exporter="bpmn-js (https://demo.bpmn.io)" exporterVersion="17.0.0">
          <bpmn:collaboration id="Collaboration_1">
            <bpmn:participant id="Participant_1" name="Newborn registration" processRef="newborn" />
          </bpmn:collaboration>
          <bpmn:process id="newborn" name="Newborn registration" isExecutable="true">
            <bpmn:documentation>Registers a birth with the civil registry and the health insurer.</bpmn:documentation>
            <bpmn:laneSet id="LaneSet_1">
              <bpmn:lane id="Lane_Registry" name="Civil registry">
                <bpmn:flowNodeRef>StartEvent_1</bpmn:flowNodeRef>
              </bpmn:lane>
            </bpmn:laneSet>
            <bpmn:startEvent id="StartEvent_1" name="Application filed">
              <bpmn:outgoing>Flow_1</bpmn:outgoing>
            </bpmn:startEvent>
            <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Gateway_Split" />
            <bpmn:parallelGateway id="Gateway_Split">
              <bpmn:incoming>Flow_1</bpmn:incoming>
              <bpmn:outgoing>Flow_2</bpmn:outgoing>
              <bpmn:outgoing>Flow_3</bpmn:outgoing>
            </bpmn:parallelGateway>
            <bpmn:sequenceFlow id="Flow_2" sourceRef="Gateway_Split" targetRef="Task_Register" />
            <bpmn:sequenceFlow id="Flow_3" sourceRef="Gateway_Split" targetRef="Sub_Insurance" />
            <bpmn:userTask id="Task_Register" name="Register birth">
              <bpmn:incoming>Flow_2</bpmn:incoming>
              <bpmn:outgoing>Flow_4</bpmn:outgoing>
              <bpmn:dataOutputAssociation id="DataOutputAssociation_1">
                <bpmn:targetRef>DataObjectReference_1</bpmn:targetRef>
              </bpmn:dataOutputAssociation>
            </bpmn:userTask>
            <bpmn:boundaryEvent id="Timer_Reminder" name="Reminder" cancelActivity="false" attachedToRef="Task_Register">
              <bpmn:outgoing>Flow_Remind</bpmn:outgoing>
              <bpmn:timerEventDefinition id="TimerEventDefinition_1">
                <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P3D</bpmn:timeDuration>
              </bpmn:timerEventDefinition>
            </bpmn:boundaryEvent>
            <bpmn:sequenceFlow id="Flow_Remind" sourceRef="Timer_Reminder" targetRef="End_Reminded" />
            <bpmn:endEvent id="End_Reminded">
              <bpmn:incoming>Flow_Remind</bpmn:incoming>
            </bpmn:endEvent>
            <bpmn:subProcess id="Sub_Insurance" name="Health insurance">
              <bpmn:incoming>Flow_3</bpmn:incoming>
              <bpmn:outgoing>Flow_5</bpmn:outgoing>
              <bpmn:startEvent id="Sub_Start" />
              <bpmn:sequenceFlow id="Sub_Flow_1" sourceRef="Sub_Start" targetRef="Sub_Task" />
              <bpmn:manualTask id="Sub_Task" name="Enrol child" />
              <bpmn:sequenceFlow id="Sub_Flow_2" sourceRef="Sub_Task" targetRef="Sub_End" />
              <bpmn:endEvent id="Sub_End" />
            </bpmn:subProcess>
            <bpmn:sequenceFlow id="Flow_4" sourceRef="Task_Register" targetRef="Gateway_Join" />
            <bpmn:sequenceFlow id="Flow_5" sourceRef="Sub_Insurance" targetRef="Gateway_Join" />
            <bpmn:parallelGateway id="Gateway_Join">
              <bpmn:incoming>Flow_4</bpmn:incoming>
              <bpmn:incoming>Flow_5</bpmn:incoming>
              <bpmn:outgoing>Flow_6</bpmn:outgoing>
            </bpmn:parallelGateway>
            <bpmn:sequenceFlow id="Flow_6" sourceRef="Gateway_Join" targetRef="Gateway_Fee" />
            <bpmn:exclusiveGateway id="Gateway_Fee" name="Fee due?" default="Flow_NoFee">
              <bpmn:incoming>Flow_6</bpmn:incoming>
              <bpmn:outgoing>Flow_Fee</bpmn:outgoing>
              <bpmn:outgoing>Flow_NoFee</bpmn:outgoing>
            </bpmn:exclusiveGateway>
            <bpmn:sequenceFlow id="Flow_Fee" name="late" sourceRef="Gateway_Fee" targetRef="Task_Fee">
              <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">  ${daysSinceBirth &gt; 30}  </bpmn:conditionExpression>
            </bpmn:sequenceFlow>
            <bpmn:sequenceFlow id="Flow_NoFee" sourceRef="Gateway_Fee" targetRef="End_1" />
            <bpmn:serviceTask id="Task_Fee" name="Charge late fee" />
            <bpmn:sequenceFlow id="Flow_7" sourceRef="Task_Fee" targetRef="End_1" />
            <bpmn:endEvent id="End_1" name="Registered">
              <bpmn:terminateEventDefinition id="TerminateEventDefinition_1" />
            </bpmn:endEvent>
            <bpmn:dataObjectReference id="DataObjectReference_1" name="Birth certificate" dataObjectRef="DataObject_1" />
            <bpmn:dataObject id="DataObject_1" />
            <bpmn:textAnnotation id="TextAnnotation_1">
              <bpmn:text>Art. 82: 20 working days</bpmn:text>
            </bpmn:textAnnotation>
            <bpmn:association id="Association_1" sourceRef="Task_Register" targetRef="TextAnnotation_1" />
          </bpmn:process>
          <bpmndi:BPMNDiagram id="BPMNDiagram_1">
            <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="Collaboration_1">
              <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
                <dc:Bounds x="152" y="102" width="36" height="36" />
              </bpmndi:BPMNShape>
              <bpmndi:BPMNEdge id="Flow_1_di" bpmnElement="Flow_1">
                <di:waypoint x="188" y="120" />
                <di:waypoint x="240" y="120" />
              </bpmndi:BPMNEdge>
            </bpmndi:BPMNPlane>
          </bpmndi:BPMNDiagram>
        </bpmn:definitions>
        """;

    [Fact]
    public void BpmnJsFileWithDiagram_ReadsEveryFlowNodeAndIgnoresLanesDataAndArtifacts()
    {
        var document = BpmnText.Valid(BpmnJsFile);

        Assert.Equal("http://bpmn.io/schema/bpmn", document.TargetNamespace);
        var process = Assert.Single(document.Processes);
        Assert.True(process.IsExecutable);
        Assert.Equal("Newborn registration", process.Title);
        Assert.Equal(
            ["StartEvent_1", "Gateway_Split", "Task_Register", "Timer_Reminder", "End_Reminded", "Sub_Insurance", "Gateway_Join", "Gateway_Fee", "Task_Fee", "End_1"],
            process.FlowNodes.Select(n => n.Id));
        Assert.Equal(13, process.NodesById.Count); // the three nodes of the sub-process included
        Assert.Equal(12, process.FlowsById.Count);
        Assert.IsType<ParallelGateway>(process.Node("Gateway_Split"));
        Assert.IsType<ManualTask>(process.Node("Sub_Task"));
        Assert.True(Assert.IsType<EndEvent>(process.Node("End_1")).IsTerminate);
    }

    [Fact]
    public void SequenceFlows_AreWiredToTheirNodesAndScopes()
    {
        var process = BpmnText.Valid(BpmnJsFile).Processes[0];

        var split = process.Node("Gateway_Split");
        Assert.Equal(["Flow_2", "Flow_3"], split.Outgoing.Select(f => f.Id));
        Assert.Same(split, process.FlowsById["Flow_2"].Source);
        Assert.Same(process.Node("Task_Register"), process.FlowsById["Flow_2"].Target);
        Assert.Equal(["Flow_4", "Flow_5"], process.Node("Gateway_Join").Incoming.Select(f => f.Id));
        Assert.Same(process, split.Scope);

        var sub = Assert.IsType<SubProcess>(process.Node("Sub_Insurance"));
        Assert.Same(sub, process.Node("Sub_Task").Scope);
        Assert.Equal(["Sub_Flow_1", "Sub_Flow_2"], sub.SequenceFlows.Select(f => f.Id));
        Assert.Same(process.Node("Sub_End"), process.FlowsById["Sub_Flow_2"].Target);
    }

    [Fact]
    public void DefaultFlowAndConditions_AreResolvedAndParsed()
    {
        var process = BpmnText.Valid(BpmnJsFile).Processes[0];

        var gateway = process.Node("Gateway_Fee");
        Assert.Equal("Flow_NoFee", gateway.DefaultFlowId);
        Assert.Same(process.FlowsById["Flow_NoFee"], gateway.DefaultFlow);
        var conditional = process.FlowsById["Flow_Fee"];
        Assert.Equal("${daysSinceBirth > 30}", conditional.ConditionText);
        Assert.NotNull(conditional.Condition);
        Assert.Null(process.FlowsById["Flow_NoFee"].ConditionText);
    }

    [Fact]
    public void BoundaryEvent_IsAttachedToItsActivityWithItsTimer()
    {
        var process = BpmnText.Valid(BpmnJsFile).Processes[0];

        var boundary = Assert.IsType<BoundaryEvent>(process.Node("Timer_Reminder"));
        var task = process.Node("Task_Register");
        Assert.Same(task, boundary.AttachedTo);
        Assert.Equal([boundary], task.BoundaryEvents);
        Assert.False(boundary.CancelActivity);
        var timer = Assert.IsType<TimerEventDefinition>(boundary.Definition);
        Assert.Equal(TimerKind.Duration, timer.Kind);
        Assert.Equal("P3D", timer.Text);
        Assert.NotNull(timer.Spec);
        Assert.Null(timer.Expression);
    }

    [Fact]
    public void ElementsCarryTheirLineAndName()
    {
        var process = BpmnText.Valid(BpmnJsFile).Processes[0];

        var start = process.Node("StartEvent_1");
        Assert.Equal(13, start.Line);
        Assert.Equal("Application filed", start.Name);
        Assert.Equal("startEvent", start.ElementType);
        Assert.Equal(16, process.FlowsById["Flow_1"].Line);
    }

    [Fact]
    public void CamundaModelerFile_ReadsCandidateGroupsFormKeyDueDateAndHandlerTypes()
    {
        var xml = BpmnText.Process(BpmnText.Sequence(
            """<bpmn:userTask id="approve" camunda:candidateGroups="licensing, inspectors" camunda:formKey="camunda-forms:deployment:approve.form" camunda:dueDate="P10D"/>""",
            """<bpmn:serviceTask id="external" camunda:type="external" camunda:topic="notify-applicant"/>""",
            """<bpmn:serviceTask id="byClass" camunda:class="org.example.Archive"/>""",
            """<bpmn:sendTask id="byDelegate" camunda:delegateExpression="${mailer}"/>""",
            """<bpmn:businessRuleTask id="byExpression" camunda:expression="${rules.check(execution)}"/>"""));

        var process = BpmnText.Valid(xml).Processes[0];

        var approve = Assert.IsType<UserTask>(process.Node("approve"));
        Assert.Equal("licensing", approve.Department);
        Assert.Equal("camunda-forms:deployment:approve.form", approve.FormRef);
        Assert.Equal("P10D", approve.TimeLimit?.ToString());
        Assert.Equal("notify-applicant", Assert.IsType<ServiceTask>(process.Node("external")).HandlerType);
        Assert.Equal("org.example.Archive", Assert.IsType<ServiceTask>(process.Node("byClass")).HandlerType);
        Assert.Equal("${mailer}", Assert.IsType<ServiceTask>(process.Node("byDelegate")).HandlerType);
        Assert.Equal("${rules.check(execution)}", Assert.IsType<ServiceTask>(process.Node("byExpression")).HandlerType);
    }

    [Fact]
    public void ActivitiNamespace_IsReadLikeCamunda7()
    {
        var xml = BpmnText.Process(BpmnText.Sequence(
            """<bpmn:userTask id="approve" xmlns:activiti="http://activiti.org/bpmn" activiti:candidateGroups="accounting" activiti:formKey="approve.form"/>"""));

        var approve = Assert.IsType<UserTask>(BpmnText.Valid(xml).Processes[0].Node("approve"));

        Assert.Equal("accounting", approve.Department);
        Assert.Equal("approve.form", approve.FormRef);
    }

    [Fact]
    public void ZeebeFile_ReadsAssignmentFormScheduleAndTaskDefinition()
    {
        var xml = BpmnText.Process(BpmnText.Sequence(
            """
            <bpmn:userTask id="review">
              <bpmn:extensionElements>
                <zeebe:assignmentDefinition candidateGroups="civil-registry,archive" />
                <zeebe:formDefinition formKey="camunda-forms:bpmn:reviewForm" />
                <zeebe:taskSchedule dueDate="2026-01-05T17:00:00+08:00" />
              </bpmn:extensionElements>
            </bpmn:userTask>
            """,
            """
            <bpmn:userTask id="sign">
              <bpmn:extensionElements>
                <zeebe:formDefinition formId="sign-form" />
              </bpmn:extensionElements>
            </bpmn:userTask>
            """,
            """
            <bpmn:serviceTask id="notify">
              <bpmn:extensionElements>
                <zeebe:taskDefinition type="send-email" retries="3" />
              </bpmn:extensionElements>
            </bpmn:serviceTask>
            """));

        var process = BpmnText.Valid(xml).Processes[0];

        var review = Assert.IsType<UserTask>(process.Node("review"));
        Assert.Equal("civil-registry", review.Department);
        Assert.Equal("camunda-forms:bpmn:reviewForm", review.FormRef);
        Assert.Equal("2026-01-05T17:00:00+08:00", review.TimeLimit?.ToString());
        Assert.Equal("sign-form", Assert.IsType<UserTask>(process.Node("sign")).FormRef);
        Assert.Equal("send-email", Assert.IsType<ServiceTask>(process.Node("notify")).HandlerType);
    }

    [Fact]
    public void ZeebeMessageSubscription_GivesTheCorrelationKeyOfItsCatchEvents()
    {
        var xml = BpmnText.Process(
            BpmnText.Sequence(
                """<bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="paid"/></bpmn:intermediateCatchEvent>"""),
            definitionsBody: """
                <bpmn:message id="paid" name="fee-paid">
                  <bpmn:extensionElements><zeebe:subscription correlationKey="${applicationId}" /></bpmn:extensionElements>
                </bpmn:message>
                """);

        var wait = (EventNode)BpmnText.Valid(xml).Processes[0].Node("wait");

        var message = Assert.IsType<MessageEventDefinition>(wait.Definition);
        Assert.Equal("fee-paid", message.MessageName);
        Assert.Equal("${applicationId}", message.CorrelationKeyText);
        Assert.NotNull(message.CorrelationKey);
    }

    [Fact]
    public void OneStopAttributes_AreReadOnProcessAndTasks()
    {
        var xml = BpmnText.Process(
            BpmnText.Sequence(
                """<bpmn:userTask id="register" onestop:department="civil-registry" onestop:timeLimit="20WD" onestop:formRef="birth-registration" onestop:outcome="birth-certificate"/>""",
                """<bpmn:manualTask id="archive" onestop:department="archive"/>""",
                """<bpmn:serviceTask id="notify" onestop:type="sms"/>""",
                """<bpmn:receiveTask id="waitForFee" messageRef="paid" onestop:correlationKey="${applicationId}"/>""",
                """<bpmn:intermediateCatchEvent id="waitForDoc" onestop:correlationKey="${documentId}"><bpmn:messageEventDefinition messageRef="doc"/></bpmn:intermediateCatchEvent>"""),
            processAttributes: """name="Newborn" onestop:lifeEvent="newborn" onestop:calendar="cn-2026" onestop:timeLimit="45WD" onestop:title="Register a newborn" """,
            definitionsBody: """<bpmn:message id="paid" name="fee-paid"/><bpmn:message id="doc"/>""");

        var process = BpmnText.Valid(xml).Processes[0];

        Assert.Equal("newborn", process.LifeEvent);
        Assert.Equal("cn-2026", process.Calendar);
        Assert.Equal(45, process.TimeLimit?.WorkingDays);
        Assert.Equal("Register a newborn", process.Title);
        Assert.Equal("Newborn", process.Name);

        var register = Assert.IsType<UserTask>(process.Node("register"));
        Assert.Equal("civil-registry", register.Department);
        Assert.Equal(20, register.TimeLimit?.WorkingDays);
        Assert.Equal("birth-registration", register.FormRef);
        Assert.Equal("birth-certificate", register.Outcome);
        Assert.Equal("archive", Assert.IsType<ManualTask>(process.Node("archive")).Department);
        Assert.Equal("sms", Assert.IsType<ServiceTask>(process.Node("notify")).HandlerType);

        var receive = Assert.IsType<ReceiveTask>(process.Node("waitForFee"));
        Assert.Equal("fee-paid", receive.MessageName);
        Assert.Equal("${applicationId}", receive.CorrelationKeyText);
        Assert.NotNull(receive.CorrelationKey);

        var message = Assert.IsType<MessageEventDefinition>(((EventNode)process.Node("waitForDoc")).Definition);
        Assert.Equal("doc", message.MessageName); // a message without a name is known by its id
        Assert.NotNull(message.CorrelationKey);
    }

    [Fact]
    public void OneStopAttributes_WinOverCamundaAndZeebe()
    {
        var xml = BpmnText.Process(
            BpmnText.Sequence(
                """
                <bpmn:userTask id="review" onestop:department="licensing" onestop:formRef="ours" onestop:timeLimit="5WD"
                               camunda:candidateGroups="camunda-group" camunda:formKey="camunda-form" camunda:dueDate="P1D">
                  <bpmn:extensionElements>
                    <zeebe:assignmentDefinition candidateGroups="zeebe-group" />
                    <zeebe:formDefinition formKey="zeebe-form" />
                    <zeebe:taskSchedule dueDate="P2D" />
                  </bpmn:extensionElements>
                </bpmn:userTask>
                """,
                """
                <bpmn:serviceTask id="notify" onestop:type="ours" camunda:type="external" camunda:topic="camunda-topic">
                  <bpmn:extensionElements><zeebe:taskDefinition type="zeebe-type" /></bpmn:extensionElements>
                </bpmn:serviceTask>
                """,
                """<bpmn:receiveTask id="wait" messageRef="paid" onestop:correlationKey="${ours}"/>"""),
            definitionsBody: """
                <bpmn:message id="paid" name="paid">
                  <bpmn:extensionElements><zeebe:subscription correlationKey="=theirs" /></bpmn:extensionElements>
                </bpmn:message>
                """);

        var process = BpmnText.Valid(xml).Processes[0];

        var review = Assert.IsType<UserTask>(process.Node("review"));
        Assert.Equal("licensing", review.Department);
        Assert.Equal("ours", review.FormRef);
        Assert.Equal(5, review.TimeLimit?.WorkingDays);
        Assert.Equal("ours", Assert.IsType<ServiceTask>(process.Node("notify")).HandlerType);
        Assert.Equal("${ours}", Assert.IsType<ReceiveTask>(process.Node("wait")).CorrelationKeyText);
    }

    [Fact]
    public void ProcessTitle_FallsBackToTheProcessName()
    {
        var process = BpmnText.Valid(BpmnText.Process(BpmnText.Sequence(), processAttributes: """name="Start a business" """)).Processes[0];

        Assert.Equal("Start a business", process.Title);
        Assert.Null(process.LifeEvent);
        Assert.Null(process.TimeLimit);
    }

    [Fact]
    public void InvalidTimeLimit_IsAProblemOnThatElement()
    {
        var xml = BpmnText.Process(BpmnText.Sequence("""<bpmn:userTask id="review" onestop:timeLimit="soon"/>"""));

        var problem = BpmnText.SingleProblem(xml);

        Assert.Equal(("userTask", "review"), (problem.ElementType, problem.ElementId));
        Assert.StartsWith("onestop:timeLimit: ", problem.Message);
        Assert.Contains("soon", problem.Message);
        Assert.NotNull(problem.Line);
    }

    [Fact]
    public void InvalidCamundaDueDate_NamesTheCamundaAttribute()
    {
        var xml = BpmnText.Process(BpmnText.Sequence("""<bpmn:userTask id="review" camunda:dueDate="${dateTime().plusDays(3)}"/>"""));

        BpmnText.AssertProblem(BpmnText.Problems(xml), "userTask", "review", "camunda:dueDate: ");
    }

    [Fact]
    public void CandidateGroupsExpression_IsRefusedBecauseTasksAreRoutedByDepartmentName()
    {
        var xml = BpmnText.Process(BpmnText.Sequence(
            """<bpmn:userTask id="review" camunda:candidateGroups="${approverGroup}"/>""",
            """<bpmn:userTask id="sign"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="=groups" /></bpmn:extensionElements></bpmn:userTask>"""));

        var problems = BpmnText.Problems(xml);

        BpmnText.AssertProblem(problems, "userTask", "review", "camunda:candidateGroups '${approverGroup}' is an expression");
        BpmnText.AssertProblem(problems, "userTask", "sign", "zeebe:assignmentDefinition candidateGroups '=groups' is an expression");
    }

    [Fact]
    public void MessageRefWithPrefix_IsResolvedToTheMessage()
    {
        var xml = BpmnText.Process(
            BpmnText.Sequence("""<bpmn:receiveTask id="wait" messageRef="tns:paid"/>"""),
            definitionsBody: """<bpmn:message id="paid" name="fee-paid"/>""").Replace("id=\"defs\"", "id=\"defs\" xmlns:tns=\"https://example.org/test\"");

        var receive = Assert.IsType<ReceiveTask>(BpmnText.Valid(xml).Processes[0].Node("wait"));

        Assert.Equal("paid", receive.MessageRef);
        Assert.Equal("fee-paid", receive.MessageName);
    }

    [Fact]
    public void EveryProcessOfACollaboration_IsRead_AndOnlyExecutableOnesAreDeployed()
    {
        var xml = $"""
            <bpmn:definitions {BpmnText.Namespaces} id="defs">
              <bpmn:collaboration id="c">
                <bpmn:participant id="citizen" processRef="citizenPool" />
                <bpmn:participant id="office" processRef="officePool" />
              </bpmn:collaboration>
              <bpmn:process id="citizenPool" isExecutable="false">
                <bpmn:scriptTask id="script" />
              </bpmn:process>
              <bpmn:process id="officePool" isExecutable="true">
                {BpmnText.Sequence()}
              </bpmn:process>
            </bpmn:definitions>
            """;

        var document = BpmnText.Valid(xml);

        Assert.Equal(["citizenPool", "officePool"], document.Processes.Select(p => p.Id));
        Assert.Equal(["officePool"], document.ExecutableProcesses.Select(p => p.Id));
        Assert.IsType<UnsupportedNode>(document.Processes[0].Node("script"));
    }

    [Fact]
    public void UnsupportedElements_AreKeptAsUnsupportedNodesWithAReason()
    {
        var reading = BpmnReader.Read(BpmnText.Process("""
            <bpmn:callActivity id="call" calledElement="other" />
            <bpmn:scriptTask id="script" />
            <bpmn:subProcess id="events" triggeredByEvent="true"><bpmn:startEvent id="inner"/></bpmn:subProcess>
            <bpmn:task id="loop"><bpmn:multiInstanceLoopCharacteristics isSequential="true" /></bpmn:task>
            <bpmn:intermediateThrowEvent id="signal"><bpmn:signalEventDefinition signalRef="s" /></bpmn:intermediateThrowEvent>
            """), null);

        var process = reading.Document!.Processes[0];

        Assert.StartsWith("call activities are not supported yet", Assert.IsType<UnsupportedNode>(process.Node("call")).Reason);
        Assert.Equal("script tasks are not executed; use a service task with a handler", Assert.IsType<UnsupportedNode>(process.Node("script")).Reason);
        Assert.StartsWith("event sub-processes are not supported yet", Assert.IsType<UnsupportedNode>(process.Node("events")).Reason);
        Assert.False(process.NodesById.ContainsKey("inner"));
        Assert.Equal("multiInstanceLoopCharacteristics", Assert.IsType<PlainTask>(process.Node("loop")).LoopCharacteristics);
        Assert.Equal("signalEventDefinition",
            Assert.IsType<UnsupportedEventDefinition>(((EventNode)process.Node("signal")).Definition).ElementType);
    }

    [Fact]
    public void TimerKinds_AreReadWithTheirText()
    {
        var reading = BpmnReader.Read(BpmnText.Process("""
            <bpmn:intermediateCatchEvent id="date"><bpmn:timerEventDefinition><bpmn:timeDate>2026-03-01T09:00:00+08:00</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
            <bpmn:intermediateCatchEvent id="cycle"><bpmn:timerEventDefinition><bpmn:timeCycle>R3/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
            <bpmn:intermediateCatchEvent id="empty"><bpmn:timerEventDefinition /></bpmn:intermediateCatchEvent>
            """), null);

        var process = reading.Document!.Processes[0];
        TimerEventDefinition Timer(string id) => Assert.IsType<TimerEventDefinition>(((EventNode)process.Node(id)).Definition);

        Assert.Equal((TimerKind.Date, "2026-03-01T09:00:00+08:00"), (Timer("date").Kind!.Value, Timer("date").Text));
        Assert.Equal((TimerKind.Cycle, "R3/PT1H"), (Timer("cycle").Kind!.Value, Timer("cycle").Text));
        Assert.Null(Timer("empty").Kind);
        Assert.Null(Timer("empty").Text);
    }
}
