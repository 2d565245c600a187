using OneStop.Workflow.Engine.Bpmn;

namespace OneStop.Workflow.Tests.Bpmn;

/// <summary>
/// The 21 reference models of the BPMN Model Interchange Working Group, written by many tools. Every one must be read
/// without an exception and either deploy or be refused with problems that name their elements; the outcome of each
/// is pinned so that a change in what the engine accepts shows up here.
/// </summary>
public class MiwgConformanceTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Conformance", "miwg");

    public static TheoryData<string> AllFiles()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Folder, "*.bpmn").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(path));
        return data;
    }

    private static (BpmnDocument? Document, IReadOnlyList<ValidationProblem> Problems) Check(string file) =>
        BpmnModel.Check(File.ReadAllText(Path.Combine(Folder, file)), file);

    [Fact]
    public void ReferenceSuite_HasAllTwentyOneModels()
    {
        Assert.Equal(21, Directory.GetFiles(Folder, "*.bpmn").Length);
    }

    [Theory]
    [MemberData(nameof(AllFiles))]
    public void EveryModel_IsEitherValidOrRefusedWithProblemsThatNameTheirElement(string file)
    {
        var (document, problems) = Check(file);

        if (problems.Count == 0)
        {
            Assert.NotNull(document);
            Assert.NotEmpty(document.ExecutableProcesses);
        }
        else
        {
            Assert.Null(document);
            Assert.All(problems, p =>
            {
                Assert.False(string.IsNullOrWhiteSpace(p.ElementType));
                Assert.False(string.IsNullOrWhiteSpace(p.ElementId));
                Assert.False(string.IsNullOrWhiteSpace(p.Message));
                Assert.NotNull(p.Line);
            });
        }
    }

    [Theory]
    [InlineData("A.1.0.bpmn")]
    [InlineData("A.4.0.bpmn")]
    [InlineData("A.4.1.bpmn")]
    public void SimpleModelsOfSupportedElements_AreValid(string file)
    {
        var (document, problems) = Check(file);

        Assert.Empty(problems);
        Assert.NotNull(document);
    }

    [Theory]
    [InlineData("A.2.0.bpmn", "sequenceFlow", "_f1478fb7-98c4-4c01-8c15-68bd04c91535", "needs a condition or must be the default flow")]
    [InlineData("A.2.1.bpmn", "sequenceFlow", "_To9Z7TOCEeSknpIVFCxNIQ", "condition language 'http://www.w3.org/1999/XPath' is not supported")]
    [InlineData("A.3.0.bpmn", "boundaryEvent", "_178e16eb-4c9e-4ea0-9644-7c5fb2b71825", "escalation events (escalationEventDefinition) are not supported")]
    [InlineData("B.1.0.bpmn", "callActivity", "_fa3a8e53-5be0-4f0b-8680-d2498e255209", "call activities are not supported yet")]
    [InlineData("B.2.0.bpmn", "eventBasedGateway", "_be29f267-9d56-46ef-8bbc-e13513b25fce", "event-based gateways are not supported yet")]
    [InlineData("C.1.0.bpmn", "startEvent", "StartEvent_1", "message start events are not supported yet")]
    [InlineData("C.1.1.bpmn", "sequenceFlow", "invoiceApproved", "is not an expression; write a JUEL expression")]
    [InlineData("C.2.0.bpmn", "intermediateThrowEvent", "_f35ee29d-018c-47e2-afeb-eebc2e25925e", "intermediate throw events with a message definition are not supported")]
    [InlineData("C.3.0.bpmn", "startEvent", "_cc9778bd-edd8-4df2-ba15-56c310f90e62", "message start events are not supported yet")]
    [InlineData("C.4.0.bpmn", "manualTask", "_788443d9-65f0-43a4-96a8-63e8d6f380a7", "loops (standardLoopCharacteristics) are not supported yet")]
    [InlineData("C.5.0.bpmn", "callActivity", "_b9338c62-a257-47dd-8c2e-88b80b73c330", "call activities are not supported yet")]
    [InlineData("C.6.0.bpmn", "subProcess", "_e880bf53-84ca-4776-aa75-d1bf53172240", "event sub-processes are not supported yet")]
    [InlineData("C.7.0.bpmn", "serviceTask", "_a36ddf2f-23c1-46c5-86d4-bd2a0eb42535", "multi-instance is not supported yet")]
    [InlineData("C.8.0.bpmn", "boundaryEvent", "_f8fcb377-3d7d-4138-9a7e-6ab58b97e29d", "error events (errorEventDefinition) are not supported")]
    [InlineData("C.8.1.bpmn", "sequenceFlow", "_0a1c4f20-509f-4aeb-baf9-acc762f4fdf9", "condition language 'https://www.omg.org/spec/DMN/20191111/FEEL/' is not supported")]
    [InlineData("C.9.0.bpmn", "sequenceFlow", "SequenceFlow_Red", "FEEL expressions are not supported")]
    [InlineData("C.9.1.bpmn", "receiveTask", "ReceiveTask_WaitForDocument", "correlation key '= documentReferenceId': FEEL expressions are not supported")]
    [InlineData("C.9.2.bpmn", "endEvent", "ErrorEndEvent_Timeout", "error events (errorEventDefinition) are not supported")]
    public void ModelsUsingWhatTheEngineDoesNotExecute_AreRefusedByName(string file, string elementType, string elementId, string messagePart)
    {
        var (document, problems) = Check(file);

        Assert.Null(document);
        BpmnText.AssertProblem(problems, elementType, elementId, messagePart);
    }

    [Fact]
    public void CollaborationOfTwoPools_ReadsBothProcessesWithTheirSubProcesses()
    {
        var document = BpmnModel.Load(File.ReadAllText(Path.Combine(Folder, "A.4.1.bpmn")), "A.4.1.bpmn");

        Assert.Equal(2, document.Processes.Count);
        var second = document.Processes[1];
        var subProcesses = second.FlowNodes.OfType<SubProcess>().ToList();
        Assert.Equal(2, subProcesses.Count);
        Assert.All(subProcesses, s =>
        {
            Assert.Single(s.FlowNodes.OfType<StartEvent>());
            Assert.All(s.FlowNodes, n => Assert.Same(s, n.Scope));
            Assert.All(s.FlowNodes, n => Assert.Same(n, second.NodesById[n.Id]));
        });
    }

    [Fact]
    public void CamundaAndZeebeExportOfC91_ReadsHandlerTypesAndMessageSubscription()
    {
        var reading = BpmnReader.Read(File.ReadAllText(Path.Combine(Folder, "C.9.1.bpmn")), "C.9.1.bpmn");

        var process = Assert.Single(reading.Document!.Processes);
        var send = Assert.IsType<ServiceTask>(process.Node("SendTask_RequestDocument"));
        Assert.Equal("emailService", send.HandlerType); // camunda:topic of an external task; Camunda 7 is read before Zeebe
        var receive = Assert.IsType<ReceiveTask>(process.Node("ReceiveTask_WaitForDocument"));
        Assert.Equal("MESSAGE_documentReceived", receive.MessageName);
        Assert.Equal("= documentReferenceId", receive.CorrelationKeyText);
        var timers = process.FlowNodes.OfType<BoundaryEvent>().Select(b => Assert.IsType<TimerEventDefinition>(b.Definition)).ToList();
        Assert.Equal(2, timers.Count);
    }
}
