using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Engine.Simulation;
using static OneStop.Workflow.Tests.Execution.TestModels;

namespace OneStop.Workflow.Tests.Execution;

/// <summary>What happens when something goes wrong: incidents and their retry, timers that outlive their wait,
/// conflicts, outages. Each test pins a behaviour a department or an operator relies on.</summary>
public sealed class RecoveryTests
{
    private readonly EngineHarness _h = new();

    private static string Timer(string kind, string value) => $"<timerEventDefinition><{kind}>{value}</{kind}></timerEventDefinition>";

    [Fact]
    public async Task ReceiveTask_DisarmsItsBoundaryTimerWhenTheMessageArrives()
    {
        await _h.RunAsync($"""
            <startEvent id="start" /><receiveTask id="awaitPayment" messageRef="m_payment" />
            <boundaryEvent id="late" attachedToRef="awaitPayment">{Timer("timeDuration", "P5D")}</boundaryEvent>
            <userTask id="review" /><userTask id="escalate" /><endEvent id="end" />
            {Flow("f0", "start", "awaitPayment")}{Flow("f1", "awaitPayment", "review")}{Flow("f2", "late", "escalate")}{Flow("f3", "review", "end")}
            """, businessKey: "APP-1");

        Assert.Equal(1, await _h.MessageAsync("payment", "APP-1"));

        Assert.Empty(_h.Instance.Timers);
        Assert.Null(await _h.Store.NextTimerAsync());
        await _h.AdvanceAsync(TimeSpan.FromDays(6));
        Assert.Equal(["review"], _h.OpenTasks);
    }

    [Fact]
    public async Task DueTimerRowThatNothingWaitsFor_IsRemovedAndDoesNotHoldBackLaterTimers()
    {
        await _h.RunAsync($"""
            <startEvent id="start" /><userTask id="review" />
            <boundaryEvent id="late" attachedToRef="review">{Timer("timeDuration", "P2D")}</boundaryEvent>
            <userTask id="escalate" />{Flow("f0", "start", "review")}{Flow("f1", "late", "escalate")}
            """);
        // A row left behind by a failure elsewhere: due before the real timer, held by no instance state.
        var stale = new InstanceChanges { Instance = _h.Instance, ExpectedVersion = _h.Instance.Version };
        stale.AddedTimers.Add(new TimerRecord(Guid.NewGuid(), _h.Instance.Id, "late", EngineHarness.Start.AddDays(1)));
        await _h.Store.SaveAsync(stale);

        _h.Clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal(1, await _h.Engine.FireDueTimersAsync());

        Assert.Null(await _h.Store.NextTimerAsync());
        Assert.Equal(["escalate"], (await _h.RefreshAsync()).Tasks.Select(t => t.ActivityId));
    }

    [Fact]
    public async Task CompletingATaskWhoseConditionsCannotBeDecided_IsRefusedAndTheTaskStaysOpen()
    {
        await _h.RunAsync($"""
            <startEvent id="start" /><userTask id="review" onestop:department="tax" /><userTask id="x" /><userTask id="y" />
            {Flow("f0", "start", "review")}{Flow("toX", "review", "x", "${fee > 100}")}{Flow("toY", "review", "y", "${fee <= 100}")}
            """);
        var review = _h.Instance.Tasks.Single();

        var error = await Assert.ThrowsAsync<WorkflowCommandException>(() =>
            _h.Engine.CompleteTaskAsync(review.Id, new JsonObject { ["decision"] = "approved" }));

        Assert.Equal(CommandError.Invalid, error.Error);
        Assert.Contains("toX", error.Message);
        Assert.Contains("'fee'", error.Message);
        Assert.Equal(["review"], (await _h.RefreshAsync()).Tasks.Select(t => t.ActivityId));
        Assert.False(_h.Instance.Variables.ContainsKey("decision"));

        await _h.CompleteAsync("review", new JsonObject { ["fee"] = 500 });
        Assert.Equal(["x"], _h.OpenTasks);
    }

    [Fact]
    public async Task ConditionFailingAfterAServiceTask_RetryMovesOnWithoutCallingTheHandlerAgain()
    {
        var calls = 0;
        var h = new EngineHarness(new WorkflowEngineOptions { Handlers = new ServiceTaskHandlers().Register("pay", _ => { calls++; return null; }) });
        var instance = await h.RunAsync($"""
            <startEvent id="start" /><serviceTask id="charge" onestop:type="pay" /><userTask id="x" /><userTask id="y" />
            {Flow("f0", "start", "charge")}{Flow("toX", "charge", "x", "${fee > 100}")}{Flow("toY", "charge", "y", "${fee <= 100}")}
            """);
        var incident = Assert.Single(instance.Incidents);
        Assert.Equal("charge", incident.ElementId);

        await h.Engine.SetVariablesAsync(instance.Id, new JsonObject { ["fee"] = 500 });
        var retried = await h.Engine.RetryIncidentAsync(instance.Id, incident.Id);

        Assert.Equal(1, calls);
        Assert.Equal(["x"], retried.Tasks.Select(t => t.ActivityId));
        Assert.Empty(retried.Incidents);
    }

    [Fact]
    public async Task ConditionFailingAfterASubProcess_RetryMovesOnWithoutRunningItAgain()
    {
        await _h.RunAsync($"""
            <startEvent id="start" />
            <subProcess id="sub"><startEvent id="s0" /><userTask id="inner" /><endEvent id="s9" />{Flow("s1", "s0", "inner")}{Flow("s2", "inner", "s9")}</subProcess>
            <userTask id="x" /><userTask id="y" />
            {Flow("f0", "start", "sub")}{Flow("toX", "sub", "x", "${fee > 100}")}{Flow("toY", "sub", "y", "${fee <= 100}")}
            """);
        await _h.CompleteAsync("inner");
        var incident = Assert.Single(_h.Instance.Incidents);

        await _h.Engine.SetVariablesAsync(_h.Instance.Id, new JsonObject { ["fee"] = 1 });
        await _h.Engine.RetryIncidentAsync(_h.Instance.Id, incident.Id);

        Assert.Equal(["y"], (await _h.RefreshAsync()).Tasks.Select(t => t.ActivityId));
    }

    private static readonly string ReviewWithExpressionTimer = $"""
        <startEvent id="start" /><userTask id="review" />
        <boundaryEvent id="late" attachedToRef="review">{Timer("timeDuration", "${reviewPeriod}")}</boundaryEvent>
        <userTask id="escalate" /><userTask id="next" />
        {Flow("f0", "start", "review")}{Flow("f1", "review", "next")}{Flow("f2", "late", "escalate")}
        """;

    [Fact]
    public async Task BoundaryTimerThatCannotBeEvaluated_RaisesAnIncidentBeforeTheTaskOpens_RetryOpensItOnce()
    {
        var instance = await _h.RunAsync(ReviewWithExpressionTimer);

        Assert.Empty(instance.Tasks);
        var incident = Assert.Single(instance.Incidents);
        Assert.Equal("review", incident.ElementId);
        Assert.Contains("reviewPeriod", incident.Message);

        await _h.Engine.SetVariablesAsync(instance.Id, new JsonObject { ["reviewPeriod"] = "P5D" });
        await _h.Engine.RetryIncidentAsync(instance.Id, incident.Id);

        Assert.Equal(["review"], (await _h.RefreshAsync()).Tasks.Select(t => t.ActivityId));
        Assert.Equal(EngineHarness.Start.AddDays(5), Assert.Single(_h.Instance.Timers).DueAt);
    }

    [Fact]
    public async Task RetryingAnIncidentThatNoLongerApplies_IsRefusedClearly()
    {
        var instance = await _h.RunAsync(ReviewWithExpressionTimer);
        var incident = instance.Incidents.Single();
        await _h.Engine.SetVariablesAsync(instance.Id, new JsonObject { ["reviewPeriod"] = "P5D" });
        await _h.Engine.RetryIncidentAsync(instance.Id, incident.Id);

        var error = await Assert.ThrowsAsync<WorkflowCommandException>(() => _h.Engine.RetryIncidentAsync(instance.Id, incident.Id));

        Assert.Equal(CommandError.NotFound, error.Error);
        Assert.Single((await _h.RefreshAsync()).Tasks);
    }

    [Fact]
    public async Task HandlerRerunAfterAConflict_GetsTheSameIdempotencyKey_TheNextRunANewOne()
    {
        var keys = new List<string>();
        var store = new ConflictOnceStore(new InMemoryWorkflowStore());
        var h = new EngineHarness(new WorkflowEngineOptions { Handlers = new ServiceTaskHandlers().Register("pay", c => { keys.Add(c.IdempotencyKey); return null; }) }, store);
        await h.RunAsync($"""
            <startEvent id="start" /><userTask id="a" /><serviceTask id="charge" onestop:type="pay" /><userTask id="b" />
            {Flow("f0", "start", "a")}{Flow("f1", "a", "charge")}{Flow("f2", "charge", "b")}{Flow("f3", "b", "a")}
            """);
        store.Engine = h.Engine;
        store.Armed = true; // the next save loses a race against a concurrent command

        await h.CompleteAsync("a");
        await h.CompleteAsync("b");
        await h.CompleteAsync("a");

        Assert.Equal(3, keys.Count);
        Assert.Equal(keys[0], keys[1]);    // the same run, attempted twice
        Assert.NotEqual(keys[1], keys[2]); // the next visit is a new run
    }

    private sealed class ConflictOnceStore(IWorkflowStore inner) : DelegatingStore(inner)
    {
        public WorkflowEngine Engine { get; set; } = null!;
        public bool Armed { get; set; }

        public override async Task SaveAsync(InstanceChanges changes, CancellationToken ct = default)
        {
            if (Armed)
            {
                Armed = false;
                await Engine.SetVariablesAsync(changes.Instance.Id, new JsonObject { ["note"] = "concurrent" }, ct: ct);
            }
            await base.SaveAsync(changes, ct);
        }
    }

    [Fact]
    public async Task NonInterruptingCycleGivenByAnExpression_Repeats()
    {
        await _h.RunAsync($"""
            <startEvent id="start" /><userTask id="review" />
            <boundaryEvent id="remind" attachedToRef="review" cancelActivity="false">{Timer("timeCycle", "${cycle}")}</boundaryEvent>
            <userTask id="reminder" /><endEvent id="end" />
            {Flow("f0", "start", "review")}{Flow("f1", "review", "end")}{Flow("f2", "remind", "reminder")}
            """, new JsonObject { ["cycle"] = "R3/PT1H" });

        await _h.AdvanceAsync(TimeSpan.FromHours(10));

        Assert.Equal(3, _h.Instance.Tasks.Count(t => t.ActivityId == "reminder"));
    }

    [Fact]
    public async Task CycleAfterAnOutage_FiresOnceAndResumesItsRhythm()
    {
        await _h.RunAsync($"""
            <startEvent id="start" /><userTask id="review" />
            <boundaryEvent id="remind" attachedToRef="review" cancelActivity="false">{Timer("timeCycle", "R/PT1H")}</boundaryEvent>
            <userTask id="reminder" /><endEvent id="end" />
            {Flow("f0", "start", "review")}{Flow("f1", "review", "end")}{Flow("f2", "remind", "reminder")}
            """);

        _h.Clock.Advance(TimeSpan.FromDays(30).Add(TimeSpan.FromMinutes(30))); // no node ran for a month

        Assert.Equal(1, await _h.Engine.FireDueTimersAsync());
        var next = Assert.Single((await _h.RefreshAsync()).Timers);
        Assert.Equal(EngineHarness.Start.AddDays(30).AddHours(1), next.DueAt);
    }

    [Fact]
    public async Task MessageWithoutKey_WhenSeveralApplicationsWait_IsRefusedUnlessSentToAll()
    {
        var body = $"""
            <startEvent id="start" /><intermediateCatchEvent id="w"><messageEventDefinition messageRef="m_payment" /></intermediateCatchEvent>
            <endEvent id="end" />{Flow("f0", "start", "w")}{Flow("f1", "w", "end")}
            """;
        await _h.RunAsync(body);
        await _h.Engine.StartAsync("p");

        var error = await Assert.ThrowsAsync<WorkflowCommandException>(() => _h.Engine.CorrelateMessageAsync("payment", null));
        Assert.Contains("2 applications", error.Message);
        Assert.Equal(InstanceStatus.Running, (await _h.RefreshAsync()).Status);

        Assert.Equal(2, await _h.Engine.CorrelateMessageAsync("payment", null, all: true));
    }

    [Fact]
    public async Task FiringATimerBeforeItIsDue_DoesNothing()
    {
        await _h.RunAsync($"""
            <startEvent id="start" /><userTask id="review" />
            <boundaryEvent id="late" attachedToRef="review">{Timer("timeDuration", "P5D")}</boundaryEvent>
            <userTask id="escalate" />{Flow("f0", "start", "review")}{Flow("f2", "late", "escalate")}
            """);
        var timer = (await _h.Store.NextTimerAsync())!;

        Assert.False(await _h.Engine.FireTimerAsync(timer));
        Assert.Equal(["review"], (await _h.RefreshAsync()).Tasks.Select(t => t.ActivityId));
    }

    [Fact]
    public async Task SimulatorOnASharedStore_LeavesOtherApplicationsAlone()
    {
        var store = new InMemoryWorkflowStore();
        var h = new EngineHarness(store: store);
        await h.RunAsync($"""
            <startEvent id="start" /><userTask id="review" />
            <boundaryEvent id="late" attachedToRef="review">{Timer("timeDuration", "P2D")}</boundaryEvent>
            <userTask id="escalate" />{Flow("f0", "start", "review")}{Flow("f2", "late", "escalate")}
            """);
        var demo = Process($"""<startEvent id="s" /><userTask id="t" />{Flow("f", "s", "t")}""", id: "demo");

        await new Simulator(new WorkflowEngineOptions(), store).RunAsync(demo, "demo.bpmn",
            SimulationScript.Parse("""{"steps":[{"advance":"P3D"}]}"""), EngineHarness.Start);

        Assert.Equal(["review"], (await h.RefreshAsync()).Tasks.Select(t => t.ActivityId));
    }

    [Fact]
    public async Task HandlerTimingOut_RaisesAnIncidentInsteadOfFailingTheCommand()
    {
        var h = new EngineHarness(new WorkflowEngineOptions
        {
            Handlers = new ServiceTaskHandlers().Register("registry", _ => throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.")),
        });
        await h.RunAsync($"""
            <startEvent id="start" /><userTask id="a" /><serviceTask id="lookup" onestop:type="registry" /><userTask id="b" />
            {Flow("f0", "start", "a")}{Flow("f1", "a", "lookup")}{Flow("f2", "lookup", "b")}
            """);

        await h.CompleteAsync("a");

        Assert.Equal("lookup", Assert.Single(h.Instance.Incidents).ElementId);
    }

    [Fact]
    public async Task CompletingATaskOfATerminatedApplication_SaysItWasTerminated()
    {
        await _h.RunAsync($"""
            <startEvent id="start" /><parallelGateway id="fork" /><userTask id="a" /><userTask id="b" />
            <endEvent id="kill"><terminateEventDefinition /></endEvent>
            {Flow("f0", "start", "fork")}{Flow("f1", "fork", "a")}{Flow("f2", "fork", "b")}{Flow("f3", "a", "kill")}
            """);
        var b = _h.Instance.Tasks.Single(t => t.ActivityId == "b");
        await _h.CompleteAsync("a");

        var error = await Assert.ThrowsAsync<WorkflowCommandException>(() => _h.Engine.CompleteTaskAsync(b.Id));

        Assert.Equal(CommandError.NotApplicable, error.Error);
        Assert.Contains("terminated", error.Message);
    }
}
