extern alias Server;

using Server::OneStop.Workflow.Server.Supervision;

namespace OneStop.Workflow.Tests.Server;

/// <summary>The arithmetic of the supervisors' figures.</summary>
public sealed class StatisticsTests
{
    [Fact]
    public void PausedTime_IsSummedPerTask_AndTheApplicationsOwnClockSeparately()
    {
        var application = Guid.NewGuid();
        var task = Guid.NewGuid();
        var other = Guid.NewGuid();

        var (tasks, applications) = Statistics.Paused(
        [
            (application, $$"""{"taskId":"{{task}}","reason":"testing","pausedWorkingDays":1.5}"""),
            (application, $$"""{"taskId":"{{task}}","reason":"supplementation","pausedWorkingDays":2}"""),
            (application, $$"""{"taskId":"{{other}}","reason":"inspection","pausedWorkingDays":0.25,"because":"completed"}"""),
            (application, """{"reason":"testing","pausedWorkingDays":3.5}"""),
            (application, null),
            (application, """{"taskId":"not-a-guid"}"""),
        ]);

        Assert.Equal(3.5, tasks[task]);
        Assert.Equal(0.25, tasks[other]);
        Assert.Equal(3.5, applications[application]);
    }

    [Theory]
    [InlineData(new[] { 1.0 }, 1.0, 1.0)]
    [InlineData(new[] { 4.0, 1.0, 2.0, 3.0 }, 2.5, 4.0)]
    [InlineData(new[] { 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0 }, 5.5, 9.0)]
    public void HandlingDays_AreTheAverageAndTheNearestRank90thPercentile(double[] days, double average, double p90)
    {
        var handling = Statistics.Handling([.. days]);

        Assert.Equal((average, p90), (handling.Average!.Value, handling.P90!.Value));
    }

    [Fact]
    public void HandlingDays_OfNothing_AreUnknown()
    {
        Assert.Equal(new HandlingDays(null, null), Statistics.Handling([]));
    }
}

/// <summary>The decision a silent consent records is read back like a department's own.</summary>
public sealed class SilentConsentDecisionTests
{
    [Fact]
    public void SilentConsentDecision_IsAnApprovalByTheSilentConsentActor_ReadBackLikeAnyOther()
    {
        var task = new OneStop.Workflow.Engine.Execution.TaskItem
        {
            Id = Guid.NewGuid(), TokenId = Guid.NewGuid(), ActivityId = "Task_Licence", CreatedAt = DateTimeOffset.UnixEpoch,
        };
        var at = new DateTimeOffset(2026, 3, 6, 0, 0, 0, TimeSpan.FromHours(8));
        var instance = new OneStop.Workflow.Engine.Execution.ProcessInstance
        {
            Id = Guid.NewGuid(), DefinitionId = Guid.NewGuid(), DefinitionKey = "k", DefinitionVersion = 1, StartedAt = at,
            Variables = SilentConsent.Decision(task, at),
        };

        var decision = Server::OneStop.Workflow.Server.Applications.TaskDecision.Of(instance, task.Id);

        Assert.NotNull(decision);
        Assert.Equal(("approved", "silent-consent", at), (decision!.Decision, decision.DecidedBy, decision.DecidedAt));
        Assert.Contains("silent consent", decision.Comment);
        Assert.Equal("approved", (string?)instance.Variables["decision"]);
    }
}
