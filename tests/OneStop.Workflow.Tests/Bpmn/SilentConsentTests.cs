using OneStop.Workflow.Engine.Bpmn;
using static OneStop.Workflow.Tests.Bpmn.BpmnText;

namespace OneStop.Workflow.Tests.Bpmn;

/// <summary>onestop:silentConsent: read on user tasks with a time limit, refused anywhere else.</summary>
public class SilentConsentTests
{
    [Theory]
    [InlineData("true", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    public void UserTaskWithATimeLimit_ReadsTheDeclaration(string value, bool expected)
    {
        var task = Assert.IsType<UserTask>(Valid(Process(Sequence(
            $"""<bpmn:userTask id="permit" onestop:timeLimit="20WD" onestop:silentConsent="{value}"/>"""))).Processes[0].Node("permit"));

        Assert.Equal(expected, task.SilentConsent);
    }

    [Fact]
    public void UserTaskWithoutTheAttribute_HasNoSilentConsent()
    {
        var task = Assert.IsType<UserTask>(Valid(Process(Sequence("""<bpmn:userTask id="permit" onestop:timeLimit="20WD"/>"""))).Processes[0].Node("permit"));

        Assert.False(task.SilentConsent);
    }

    [Fact]
    public void UserTaskWithoutATimeLimit_IsRefused_NamingTheTaskAndLine()
    {
        var problem = SingleProblem(Process(Sequence("""<bpmn:userTask id="permit" onestop:silentConsent="true"/>""")));

        Assert.Equal(("userTask", "permit"), (problem.ElementType, problem.ElementId));
        Assert.NotNull(problem.Line);
        Assert.StartsWith("declares onestop:silentConsent but has no time limit", problem.Message);
    }

    [Fact]
    public void DeclaredFalse_NeedsNoTimeLimit()
    {
        Valid(Process(Sequence("""<bpmn:userTask id="permit" onestop:silentConsent="false"/>""")));
    }

    [Theory]
    [InlineData("""<bpmn:manualTask id="other" onestop:silentConsent="true"/>""", "manualTask")]
    [InlineData("""<bpmn:serviceTask id="other" onestop:type="notify" onestop:silentConsent="true"/>""", "serviceTask")]
    [InlineData("""<bpmn:task id="other" onestop:silentConsent="true"/>""", "task")]
    [InlineData("""<bpmn:subProcess id="other" onestop:silentConsent="true"><bpmn:startEvent id="s2"/><bpmn:endEvent id="e2"/><bpmn:sequenceFlow id="sf" sourceRef="s2" targetRef="e2"/></bpmn:subProcess>""", "subProcess")]
    public void OnOtherElementTypes_IsRefused(string element, string elementType)
    {
        var problem = SingleProblem(Process(Sequence(element)));

        Assert.Equal((elementType, "other"), (problem.ElementType, problem.ElementId));
        Assert.NotNull(problem.Line);
        Assert.Contains("onestop:silentConsent applies only to user tasks", problem.Message);
        Assert.EndsWith($"not to a {elementType}.", problem.Message);
    }

    [Fact]
    public void OnTheProcess_IsRefused()
    {
        var problem = SingleProblem(Process(Sequence(), processAttributes: """onestop:timeLimit="45WD" onestop:silentConsent="true" """));

        Assert.Equal(("process", "p"), (problem.ElementType, problem.ElementId));
        Assert.Contains("applies only to user tasks", problem.Message);
    }

    [Fact]
    public void AValueOtherThanTrueOrFalse_IsRefused()
    {
        var problem = SingleProblem(Process(Sequence("""<bpmn:userTask id="permit" onestop:timeLimit="20WD" onestop:silentConsent="yes"/>""")));

        Assert.Equal(("userTask", "permit"), (problem.ElementType, problem.ElementId));
        Assert.Equal("onestop:silentConsent 'yes' must be \"true\" or \"false\".", problem.Message);
    }

    [Fact]
    public void TogetherWithATimerBoundaryEvent_IsRefused_SinceTheTimerWouldDecide()
    {
        var problem = SingleProblem(Process("""
            <bpmn:startEvent id="start"/>
            <bpmn:userTask id="permit" onestop:timeLimit="20WD" onestop:silentConsent="true"/>
            <bpmn:boundaryEvent id="late" attachedToRef="permit"><bpmn:timerEventDefinition><bpmn:timeDuration>P30D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
            <bpmn:endEvent id="end"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="permit"/>
            <bpmn:sequenceFlow id="f2" sourceRef="permit" targetRef="end"/>
            <bpmn:sequenceFlow id="f3" sourceRef="late" targetRef="end"/>
            """));

        Assert.Equal(("userTask", "permit"), (problem.ElementType, problem.ElementId));
        Assert.Contains("timer boundary event 'late'", problem.Message);
    }

    [Fact]
    public void WithAMessageBoundaryEvent_IsAccepted()
    {
        Valid(Process("""
            <bpmn:startEvent id="start"/>
            <bpmn:userTask id="permit" onestop:timeLimit="20WD" onestop:silentConsent="true"/>
            <bpmn:boundaryEvent id="withdrawn" attachedToRef="permit"><bpmn:messageEventDefinition messageRef="m"/></bpmn:boundaryEvent>
            <bpmn:endEvent id="end"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="permit"/>
            <bpmn:sequenceFlow id="f2" sourceRef="permit" targetRef="end"/>
            <bpmn:sequenceFlow id="f3" sourceRef="withdrawn" targetRef="end"/>
            """, definitionsBody: """<bpmn:message id="m" name="withdrawn"/>"""));
    }
}
