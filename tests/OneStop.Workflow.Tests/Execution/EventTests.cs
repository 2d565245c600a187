using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Execution;
using static OneStop.Workflow.Tests.Execution.TestModels;

namespace OneStop.Workflow.Tests.Execution;

/// <summary>Timer and message events (BPMN 2.0 §10.5), driven by a virtual clock: no test waits for real time.</summary>
public sealed class EventTests
{
    private readonly EngineHarness _h = new();

    private static string Timer(string kind, string value) => $"<timerEventDefinition><{kind}>{value}</{kind}></timerEventDefinition>";

    [Fact]
    public async Task TimerCatchEvent_WithADuration_FiresWhenDueAndNotBefore()
    {
        await _h.RunAsync($"""
            <startEvent id="start" /><intermediateCatchEvent id="wait">{Timer("timeDuration", "PT2H")}</intermediateCatchEvent>
            <userTask id="after" />{Flow("f0", "start", "wait")}{Flow("f1", "wait", "after")}
            """);
        Assert.Equal(["wait"], _h.Active);
        Assert.Equal(EngineHarness.Start.AddHours(2), Assert.Single(_h.Instance.Timers).DueAt);

        await _h.AdvanceAsync(TimeSpan.FromMinutes(119));
        Assert.Equal(["wait"], _h.Active);

        await _h.AdvanceAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(["after"], _h.Active);
        Assert.Empty(_h.Instance.Timers);
        Assert.Equal(EngineHarness.Start.AddHours(2), _h.Instance.Tasks.Single().CreatedAt);
    }

    [Fact]
    public async Task TimerCatchEvent_WithADate_FiresAtThatInstant()
    {
        await _h.RunAsync($"""
            <startEvent id="start" /><intermediateCatchEvent id="wait">{Timer("timeDate", "2026-03-05T10:00:00+08:00")}</intermediateCatchEvent>
            <endEvent id="end" />{Flow("f0", "start", "wait")}{Flow("f1", "wait", "end")}
            """);

        await _h.AdvanceAsync(TimeSpan.FromDays(3));
        Assert.Equal(InstanceStatus.Running, _h.Instance.Status);
        await _h.AdvanceAsync(TimeSpan.FromHours(1));
        Assert.Equal(InstanceStatus.Completed, _h.Instance.Status);
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 10, 0, 0, TimeSpan.FromHours(8)), _h.Instance.EndedAt);
    }

    [Fact]
    public async Task TimerCatchEvent_WithAnExpression_TakesItsDurationFromAVariable()
    {
        await _h.RunAsync($"""
            <startEvent id="start" /><intermediateCatchEvent id="wait">{Timer("timeDuration", "${reminder}")}</intermediateCatchEvent>
            <endEvent id="end" />{Flow("f0", "start", "wait")}{Flow("f1", "wait", "end")}
            """, new JsonObject { ["reminder"] = "P1D" });

        Assert.Equal(EngineHarness.Start.AddDays(1), Assert.Single(_h.Instance.Timers).DueAt);
    }

    private const string ReviewWithBoundary = """
        <startEvent id="start" /><userTask id="review" onestop:department="tax" />
        <boundaryEvent id="late" attachedToRef="review" cancelActivity="{0}">{1}</boundaryEvent>
        <userTask id="escalate" /><userTask id="next" /><endEvent id="end" />
        <sequenceFlow id="f0" sourceRef="start" targetRef="review" />
        <sequenceFlow id="f1" sourceRef="review" targetRef="next" />
        <sequenceFlow id="f2" sourceRef="late" targetRef="escalate" />
        <sequenceFlow id="f3" sourceRef="next" targetRef="end" />
        """;

    private static string Review(bool interrupting, string definition) =>
        string.Format(ReviewWithBoundary, interrupting ? "true" : "false", definition);

    [Fact]
    public async Task InterruptingTimerBoundary_CancelsTheTaskAndTakesTheBoundaryFlow()
    {
        await _h.RunAsync(Review(interrupting: true, Timer("timeDuration", "P5D")));
        var review = _h.Instance.Tasks.Single();

        await _h.AdvanceAsync(TimeSpan.FromDays(5));

        Assert.Equal(["escalate"], _h.OpenTasks);
        Assert.Equal(TaskState.Cancelled, (await _h.Store.FindTaskAsync(review.Id))!.Status);
        var completed = await _h.CompletedAsync();
        Assert.Contains("late", completed);
        Assert.DoesNotContain("review", completed);
        Assert.Empty(_h.Instance.Timers);
    }

    [Fact]
    public async Task NonInterruptingTimerBoundary_KeepsTheTaskAndStartsAParallelBranch()
    {
        await _h.RunAsync(Review(interrupting: false, Timer("timeDuration", "P5D")));

        await _h.AdvanceAsync(TimeSpan.FromDays(6));

        Assert.Equal(["escalate", "review"], _h.OpenTasks);
        await _h.CompleteAsync("review");
        Assert.Equal(["escalate", "next"], _h.OpenTasks);
    }

    [Fact]
    public async Task NonInterruptingCycleBoundary_FiresItsRepetitionsInDueOrder()
    {
        await _h.RunAsync(Review(interrupting: false, Timer("timeCycle", "R3/PT1H")));

        await _h.AdvanceAsync(TimeSpan.FromHours(10));

        Assert.Equal(3, _h.Instance.Tasks.Count(t => t.ActivityId == "escalate"));
        Assert.Equal(
            [EngineHarness.Start.AddHours(1), EngineHarness.Start.AddHours(2), EngineHarness.Start.AddHours(3)],
            _h.Instance.Tasks.Where(t => t.ActivityId == "escalate").Select(t => t.CreatedAt).Order());
        Assert.Empty(_h.Instance.Timers);
    }

    [Fact]
    public async Task BoundaryTimer_IsRemovedWhenItsTaskCompletes()
    {
        await _h.RunAsync(Review(interrupting: true, Timer("timeDuration", "P5D")));
        await _h.CompleteAsync("review");

        Assert.Empty(_h.Instance.Timers);
        Assert.Null(await _h.Store.NextTimerAsync());
        await _h.AdvanceAsync(TimeSpan.FromDays(10));
        Assert.Equal(["next"], _h.OpenTasks);
    }

    [Fact]
    public async Task InterruptingBoundaryOnASubProcess_CancelsEverythingInside()
    {
        await _h.RunAsync($"""
            <startEvent id="start" />
            <subProcess id="sub"><startEvent id="s0" /><parallelGateway id="sf" /><userTask id="i1" />
              <intermediateCatchEvent id="innerWait">{Timer("timeDuration", "P30D")}</intermediateCatchEvent>
              {Flow("s1", "s0", "sf")}{Flow("s2", "sf", "i1")}{Flow("s3", "sf", "innerWait")}</subProcess>
            <boundaryEvent id="deadline" attachedToRef="sub">{Timer("timeDuration", "P10D")}</boundaryEvent>
            <userTask id="late" />{Flow("f0", "start", "sub")}{Flow("f1", "deadline", "late")}
            """);
        Assert.Equal(2, _h.Instance.Timers.Count);

        await _h.AdvanceAsync(TimeSpan.FromDays(10));

        Assert.Equal(["late"], _h.OpenTasks);
        Assert.Empty(_h.Instance.Timers);
        Assert.Empty(_h.Instance.Scopes);
        Assert.Single(_h.Instance.Tokens);
    }

    [Fact]
    public async Task DuplicateTimerFiring_ChangesNothing()
    {
        await _h.RunAsync(Review(interrupting: true, Timer("timeDuration", "P1D")));
        var timer = (await _h.Store.DueTimersAsync(DateTimeOffset.MaxValue, 10)).Single();
        _h.Clock.Advance(TimeSpan.FromDays(1));

        Assert.True(await _h.Engine.FireTimerAsync(timer));
        var history = (await _h.Store.HistoryAsync(_h.Instance.Id)).Count;
        var version = (await _h.RefreshAsync()).Version;

        Assert.False(await _h.Engine.FireTimerAsync(timer));

        Assert.Equal(history, (await _h.Store.HistoryAsync(_h.Instance.Id)).Count);
        Assert.Equal(version, (await _h.RefreshAsync()).Version);
        Assert.Single(_h.Instance.Tasks, t => t.ActivityId == "escalate");
    }

    // ---- Messages ---------------------------------------------------------------------------------

    [Fact]
    public async Task MessageCatchEvent_IsCorrelatedByNameAndKey()
    {
        await _h.RunAsync($"""
            <startEvent id="start" /><intermediateCatchEvent id="waitPayment"><messageEventDefinition messageRef="m_payment" /></intermediateCatchEvent>
            <endEvent id="end" />{Flow("f0", "start", "waitPayment")}{Flow("f1", "waitPayment", "end")}
            """, businessKey: "APP-1");
        Assert.Equal(["waitPayment"], _h.Active);

        Assert.Equal(0, await _h.MessageAsync("payment", "APP-2"));
        Assert.Equal(0, await _h.MessageAsync("supplement", "APP-1"));
        Assert.Equal(InstanceStatus.Running, _h.Instance.Status);

        Assert.Equal(1, await _h.MessageAsync("payment", "APP-1", new JsonObject { ["paid"] = 120 }));
        Assert.Equal(InstanceStatus.Completed, _h.Instance.Status);
        Assert.Equal(120, _h.Instance.Variables["paid"]!.GetValue<int>());
    }

    [Fact]
    public async Task MessageCatchEvent_CorrelationKeyExpression_IsEvaluatedWhenTheTokenArrives()
    {
        await _h.RunAsync($"""
            <startEvent id="start" />
            <intermediateCatchEvent id="waitPayment" onestop:correlationKey="{"${orderNo}"}"><messageEventDefinition messageRef="m_payment" /></intermediateCatchEvent>
            <endEvent id="end" />{Flow("f0", "start", "waitPayment")}{Flow("f1", "waitPayment", "end")}
            """, new JsonObject { ["orderNo"] = "ORD-77" });

        Assert.Equal("ORD-77", Assert.Single(_h.Instance.Subscriptions).CorrelationKey);
        Assert.Equal(1, await _h.MessageAsync("payment", "ORD-77"));
    }

    [Fact]
    public async Task ReceiveTask_WaitsForItsMessage()
    {
        await _h.RunAsync($"""
            <startEvent id="start" /><receiveTask id="awaitSupplement" messageRef="m_supplement" /><endEvent id="end" />
            {Flow("f0", "start", "awaitSupplement")}{Flow("f1", "awaitSupplement", "end")}
            """, businessKey: "APP-9");
        Assert.Equal(["awaitSupplement"], _h.Active);

        Assert.Equal(1, await _h.MessageAsync("supplement", "APP-9"));
        Assert.Equal(["start", "awaitSupplement", "end"], await _h.CompletedAsync());
    }

    [Fact]
    public async Task InterruptingMessageBoundary_CancelsTheTask()
    {
        await _h.RunAsync(Review(interrupting: true, "<messageEventDefinition messageRef=\"m_supplement\" />"), businessKey: "K");

        Assert.Equal(1, await _h.MessageAsync("supplement", "K"));

        Assert.Equal(["escalate"], _h.OpenTasks);
        Assert.Empty(_h.Instance.Subscriptions);
        Assert.Equal(0, await _h.MessageAsync("supplement", "K"));
    }

    [Fact]
    public async Task NonInterruptingMessageBoundary_StaysSubscribedWhileTheTaskRuns()
    {
        await _h.RunAsync(Review(interrupting: false, "<messageEventDefinition messageRef=\"m_supplement\" />"), businessKey: "K");

        Assert.Equal(1, await _h.MessageAsync("supplement", "K"));
        Assert.Equal(1, await _h.MessageAsync("supplement", "K"));
        Assert.Equal(["escalate", "escalate", "review"], _h.OpenTasks);

        await _h.CompleteAsync("review");
        Assert.Empty(_h.Instance.Subscriptions);
    }
}
