using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Execution;
using static OneStop.Workflow.Tests.Execution.TestModels;

namespace OneStop.Workflow.Tests.Execution;

/// <summary>Token semantics of BPMN 2.0 chapter 13 (events, activities, gateways), as Camunda 7 and Flowable run them.</summary>
public sealed class TokenSemanticsTests
{
    private readonly EngineHarness _h = new();

    [Fact]
    public async Task NoneStartToNoneEnd_CompletesAtOnce()
    {
        var instance = await _h.RunAsync($"""
            <startEvent id="start" /><endEvent id="end" />{Flow("f1", "start", "end")}
            """);

        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Equal(["start", "end"], await _h.CompletedAsync());
        Assert.Empty(instance.Tokens);
        Assert.Equal(EngineHarness.Start, instance.EndedAt);
    }

    [Fact]
    public async Task UntypedTaskAndNoneThrowEvent_PassThrough()
    {
        var instance = await _h.RunAsync($"""
            <startEvent id="start" /><task id="t" /><intermediateThrowEvent id="throw" /><endEvent id="end" />
            {Flow("f1", "start", "t")}{Flow("f2", "t", "throw")}{Flow("f3", "throw", "end")}
            """);

        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Equal(["start", "t", "throw", "end"], await _h.CompletedAsync());
    }

    [Fact]
    public async Task UserTask_WaitsForAPerson_ThenContinuesWithItsVariables()
    {
        await _h.RunAsync($"""
            <startEvent id="start" />
            <userTask id="review" name="Review" onestop:department="tax" onestop:formRef="tax-form" />
            <endEvent id="end" />
            {Flow("f1", "start", "review")}{Flow("f2", "review", "end")}
            """);

        var task = Assert.Single(_h.Instance.Tasks);
        Assert.Equal(("review", "Review", "tax", "tax-form"), (task.ActivityId, task.Name, task.Department, task.FormRef));
        Assert.Equal(["review"], _h.Active);
        var record = await _h.Store.FindTaskAsync(task.Id);
        Assert.Equal(TaskState.Open, record!.Status);

        var done = await _h.CompleteAsync("review", new JsonObject { ["decision"] = "approved" });

        Assert.Equal(InstanceStatus.Completed, done.Status);
        Assert.Equal("approved", done.Variables["decision"]!.GetValue<string>());
        Assert.Equal(["start", "review", "end"], await _h.CompletedAsync());
        var completed = await _h.Store.FindTaskAsync(task.Id);
        Assert.Equal((TaskState.Completed, "tester"), (completed!.Status, completed.EndedBy));
    }

    [Fact]
    public async Task ManualTask_WaitsLikeAUserTask()
    {
        await _h.RunAsync($"""
            <startEvent id="start" /><manualTask id="stamp" onestop:department="archive" /><endEvent id="end" />
            {Flow("f1", "start", "stamp")}{Flow("f2", "stamp", "end")}
            """);

        Assert.Equal(["stamp"], _h.OpenTasks);
        Assert.Equal(InstanceStatus.Completed, (await _h.CompleteAsync("stamp")).Status);
    }

    [Fact]
    public async Task CompletingATaskTwice_IsRefusedAndChangesNothing()
    {
        await _h.RunAsync($"""
            <startEvent id="start" /><userTask id="a" /><userTask id="b" /><endEvent id="end" />
            {Flow("f1", "start", "a")}{Flow("f2", "a", "b")}{Flow("f3", "b", "end")}
            """);
        var first = _h.Instance.Tasks.Single();
        await _h.CompleteAsync("a");
        var history = (await _h.Store.HistoryAsync(_h.Instance.Id)).Count;

        var error = await Assert.ThrowsAsync<WorkflowCommandException>(() => _h.Engine.CompleteTaskAsync(first.Id));

        Assert.Equal(CommandError.NotApplicable, error.Error);
        Assert.Contains("already completed", error.Message);
        Assert.Equal(history, (await _h.Store.HistoryAsync(_h.Instance.Id)).Count);
        Assert.Equal(["b"], (await _h.RefreshAsync()).Tasks.Select(t => t.ActivityId));
    }

    [Fact]
    public async Task ServiceTask_IsDispatchedToTheHandlerOfItsType()
    {
        var seen = new List<ServiceTaskContext>();
        var handlers = new ServiceTaskHandlers().Register("lookup-hukou", context =>
        {
            seen.Add(context);
            return new JsonObject { ["hukouFound"] = true };
        });
        var h = new EngineHarness(new WorkflowEngineOptions { Handlers = handlers });

        var instance = await h.RunAsync($"""
            <startEvent id="start" /><serviceTask id="lookup" onestop:type="lookup-hukou" /><endEvent id="end" />
            {Flow("f1", "start", "lookup")}{Flow("f2", "lookup", "end")}
            """, new JsonObject { ["idNumber"] = "x" });

        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.True(instance.Variables["hukouFound"]!.GetValue<bool>());
        var context = Assert.Single(seen);
        Assert.Equal(("lookup", "lookup-hukou", "x"), (context.ActivityId, context.HandlerType, context.Variables["idNumber"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ServiceTask_WithoutHandler_RaisesAnIncidentInsteadOfLosingTheToken()
    {
        var instance = await _h.RunAsync($"""
            <startEvent id="start" /><serviceTask id="notify" onestop:type="sms" /><endEvent id="end" />
            {Flow("f1", "start", "notify")}{Flow("f2", "notify", "end")}
            """);

        var incident = Assert.Single(instance.Incidents);
        Assert.Equal("notify", incident.ElementId);
        Assert.Contains("'sms'", incident.Message);
        Assert.Equal(InstanceStatus.Running, instance.Status);
        Assert.Single(instance.Tokens, t => t.NodeId == "notify" && t.Wait == TokenWait.Incident);
    }

    [Fact]
    public async Task ServiceTask_WhoseHandlerThrows_RaisesAnIncidentThatCanBeRetried()
    {
        var attempts = 0;
        var handlers = new ServiceTaskHandlers().Register("flaky", _ =>
            ++attempts == 1 ? throw new InvalidOperationException("registry offline") : null);
        var h = new EngineHarness(new WorkflowEngineOptions { Handlers = handlers });
        var instance = await h.RunAsync($"""
            <startEvent id="start" /><serviceTask id="call" onestop:type="flaky" /><endEvent id="end" />
            {Flow("f1", "start", "call")}{Flow("f2", "call", "end")}
            """);
        var incident = Assert.Single(instance.Incidents);
        Assert.Contains("registry offline", incident.Message);

        var retried = await h.Engine.RetryIncidentAsync(instance.Id, incident.Id);

        Assert.Equal(InstanceStatus.Completed, retried.Status);
        Assert.Empty(retried.Incidents);
        Assert.Equal(2, attempts);
    }

    // ---- Exclusive gateway ------------------------------------------------------------------------

    private const string ExclusiveModel = """
        <startEvent id="start" />
        <exclusiveGateway id="route" default="toOther" />
        <userTask id="small" /><userTask id="large" /><userTask id="other" />
        <endEvent id="end" />
        """;

    private static string ExclusiveFlows(bool withDefault, string small = "${amount <= 100}", string large = "${amount > 50}") =>
        Flow("f0", "start", "route") +
        Flow("toSmall", "route", "small", small) +
        Flow("toLarge", "route", "large", large) +
        (withDefault ? Flow("toOther", "route", "other") + Flow("f3", "other", "end") : "") +
        Flow("f1", "small", "end") + Flow("f2", "large", "end");

    [Fact]
    public async Task ExclusiveGateway_TakesTheFirstTrueConditionInDocumentOrder()
    {
        await _h.RunAsync(ExclusiveModel + ExclusiveFlows(withDefault: true), new JsonObject { ["amount"] = 80 });

        Assert.Equal(["small"], _h.OpenTasks); // both conditions are true; the first one in the file wins
        Assert.Equal(["start", "route"], await _h.CompletedAsync());
    }

    [Fact]
    public async Task ExclusiveGateway_TakesTheDefaultFlowWhenNoConditionIsTrue()
    {
        var model = ExclusiveModel + ExclusiveFlows(withDefault: true, small: "${amount < 0}", large: "${amount > 1000}");

        await _h.RunAsync(model, new JsonObject { ["amount"] = 500 });

        Assert.Equal(["other"], _h.OpenTasks);
    }

    [Fact]
    public async Task ExclusiveGateway_WithNoTrueConditionAndNoDefault_RaisesAnIncidentNamingTheGateway()
    {
        var model = ExclusiveModel.Replace(" default=\"toOther\"", "").Replace("<userTask id=\"other\" />", "") +
            ExclusiveFlows(withDefault: false, small: "${amount < 0}", large: "${amount > 1000}");

        var instance = await _h.RunAsync(model, new JsonObject { ["amount"] = 500 });

        var incident = Assert.Single(instance.Incidents);
        Assert.Equal("route", incident.ElementId);
        Assert.Contains("exclusiveGateway 'route'", incident.Message);
        Assert.Equal("incident", Engine.Simulation.Simulator.StatusOf(instance));

        // Fixing the data and retrying resumes the token at the gateway.
        await _h.Engine.SetVariablesAsync(instance.Id, new JsonObject { ["amount"] = 2000 });
        var retried = await _h.Engine.RetryIncidentAsync(instance.Id, incident.Id);
        Assert.Equal(["large"], retried.Tasks.Select(t => t.ActivityId));
    }

    [Fact]
    public async Task ExclusiveGateway_ConditionThatCannotBeEvaluated_RaisesAnIncident()
    {
        var instance = await _h.RunAsync(ExclusiveModel + ExclusiveFlows(withDefault: true)); // no 'amount' variable

        var incident = Assert.Single(instance.Incidents);
        Assert.Equal("route", incident.ElementId);
        Assert.Contains("toSmall", incident.Message);
    }

    // ---- Parallel gateway -------------------------------------------------------------------------

    private const string ParallelModel = """
        <startEvent id="start" />
        <parallelGateway id="fork" /><userTask id="a" /><userTask id="b" /><userTask id="c" /><parallelGateway id="join" />
        <userTask id="after" /><endEvent id="end" />
        """;

    private static readonly string ParallelFlows =
        Flow("f0", "start", "fork") + Flow("fa", "fork", "a") + Flow("fb", "fork", "b") + Flow("fc", "fork", "c") +
        Flow("ja", "a", "join") + Flow("jb", "b", "join") + Flow("jc", "c", "join") + Flow("f1", "join", "after") + Flow("f2", "after", "end");

    [Fact]
    public async Task ParallelFork_StartsEveryOutgoingBranch()
    {
        await _h.RunAsync(ParallelModel + ParallelFlows);

        Assert.Equal(["a", "b", "c"], _h.OpenTasks);
        Assert.Equal(["start", "fork"], await _h.CompletedAsync());
    }

    [Fact]
    public async Task ParallelJoin_WaitsForEveryIncomingFlow_ThenFiresOnce()
    {
        await _h.RunAsync(ParallelModel + ParallelFlows);

        await _h.CompleteAsync("b");
        await _h.CompleteAsync("a");
        Assert.Equal(["c"], _h.OpenTasks);
        Assert.DoesNotContain("join", await _h.CompletedAsync());

        await _h.CompleteAsync("c");

        Assert.Equal(["after"], _h.OpenTasks);
        Assert.Single(await _h.CompletedAsync(), id => id == "join");
        Assert.Single(_h.Instance.Tokens);
    }

    [Fact]
    public async Task ParallelJoin_CountsArrivalsPerFlow_TwoTokensOnOneFlowDoNotFireIt()
    {
        // A loop brings two tokens over the same flow; the join still needs one on its other flow.
        var instance = await _h.RunAsync($"""
            <startEvent id="start" /><parallelGateway id="fork" />
            <userTask id="a" /><userTask id="b" /><parallelGateway id="join" /><endEvent id="end" />
            {Flow("f0", "start", "fork")}{Flow("fa", "fork", "a")}{Flow("fa2", "fork", "a")}{Flow("fb", "fork", "b")}
            {Flow("ja", "a", "join")}{Flow("jb", "b", "join")}{Flow("f1", "join", "end")}
            """);
        Assert.Equal(["a", "a", "b"], _h.OpenTasks);

        foreach (var task in instance.Tasks.Where(t => t.ActivityId == "a").ToList())
            await _h.Engine.CompleteTaskAsync(task.Id);
        await _h.RefreshAsync();
        Assert.Equal(["b"], _h.OpenTasks);

        await _h.CompleteAsync("b");
        // One token per incoming flow was consumed; the second token from 'a' still waits at the join.
        Assert.Equal(InstanceStatus.Running, _h.Instance.Status);
        Assert.Single(_h.Instance.Tokens, t => t.NodeId == "join" && t.Wait == TokenWait.Join);
        Assert.Single(await _h.CompletedAsync(), id => id == "join");
    }

    // ---- Inclusive gateway ------------------------------------------------------------------------

    private static string InclusiveModel(string fork = "<inclusiveGateway id=\"fork\" default=\"toNone\" />") => $"""
        <startEvent id="start" />{fork}
        <userTask id="seal" /><userTask id="tax" /><userTask id="food" />
        <inclusiveGateway id="join" /><userTask id="after" /><endEvent id="end" />
        {Flow("f0", "start", "fork")}
        {Flow("toSeal", "fork", "seal", "${needsSeal}")}{Flow("toTax", "fork", "tax", "${employees > 0}")}
        {Flow("toFood", "fork", "food", "${businessType == 'catering'}")}{Flow("toNone", "fork", "join")}
        {Flow("j1", "seal", "join")}{Flow("j2", "tax", "join")}{Flow("j3", "food", "join")}
        {Flow("f1", "join", "after")}{Flow("f2", "after", "end")}
        """;

    [Fact]
    public async Task InclusiveFork_TakesEveryFlowWhoseConditionIsTrue()
    {
        await _h.RunAsync(InclusiveModel(), new JsonObject { ["needsSeal"] = true, ["employees"] = 0, ["businessType"] = "catering" });

        Assert.Equal(["food", "seal"], _h.OpenTasks);
    }

    [Fact]
    public async Task InclusiveJoin_WaitsExactlyForTheTokensThatCanStillArrive()
    {
        await _h.RunAsync(InclusiveModel(), new JsonObject { ["needsSeal"] = true, ["employees"] = 3, ["businessType"] = "retail" });
        Assert.Equal(["seal", "tax"], _h.OpenTasks);

        await _h.CompleteAsync("seal");
        Assert.Equal(["tax"], _h.OpenTasks); // the token on 'tax' can still reach the join

        await _h.CompleteAsync("tax");
        Assert.Equal(["after"], _h.OpenTasks); // 'food' was never taken: nothing else to wait for
        Assert.Single(await _h.CompletedAsync(), id => id == "join");
    }

    [Fact]
    public async Task InclusiveFork_WithNoTrueCondition_TakesTheDefaultFlow()
    {
        await _h.RunAsync(InclusiveModel(), new JsonObject { ["needsSeal"] = false, ["employees"] = 0, ["businessType"] = "retail" });

        Assert.Equal(["after"], _h.OpenTasks);
        Assert.Equal(["start", "fork", "join"], await _h.CompletedAsync());
    }

    [Fact]
    public async Task InclusiveFork_WithNoTrueConditionAndNoDefault_RaisesAnIncident()
    {
        var model = InclusiveModel("<inclusiveGateway id=\"fork\" />").Replace(Flow("toNone", "fork", "join"), "");

        var instance = await _h.RunAsync(model, new JsonObject { ["needsSeal"] = false, ["employees"] = 0, ["businessType"] = "retail" });

        Assert.Equal("fork", Assert.Single(instance.Incidents).ElementId);
    }

    [Fact]
    public async Task InclusiveJoin_WaitsForATokenThatIsStillInsideASubProcessUpstream()
    {
        await _h.RunAsync($"""
            <startEvent id="start" /><parallelGateway id="fork" />
            <subProcess id="sub"><startEvent id="subStart" /><userTask id="inner" /><endEvent id="subEnd" />
              {Flow("s1", "subStart", "inner")}{Flow("s2", "inner", "subEnd")}</subProcess>
            <userTask id="direct" /><inclusiveGateway id="join" /><endEvent id="end" />
            {Flow("f0", "start", "fork")}{Flow("f1", "fork", "sub")}{Flow("f2", "fork", "direct")}
            {Flow("j1", "sub", "join")}{Flow("j2", "direct", "join")}{Flow("f3", "join", "end")}
            """);

        await _h.CompleteAsync("direct");
        Assert.Equal(["inner"], _h.OpenTasks);

        var done = await _h.CompleteAsync("inner");
        Assert.Equal(InstanceStatus.Completed, done.Status);
        Assert.Single(await _h.CompletedAsync(), id => id == "join");
    }

    // ---- Flows out of activities, implicit end ----------------------------------------------------

    [Fact]
    public async Task ConditionalFlowsLeavingAnActivity_BehaveLikeAnInclusiveSplit()
    {
        await _h.RunAsync($"""
            <startEvent id="start" /><task id="check" default="toDefault" />
            <userTask id="x" /><userTask id="y" /><userTask id="z" />
            {Flow("f0", "start", "check")}{Flow("toX", "check", "x", "${flag}")}{Flow("toY", "check", "y")}{Flow("toDefault", "check", "z")}
            """, new JsonObject { ["flag"] = true });

        Assert.Equal(["x", "y"], _h.OpenTasks); // unconditional flows are always taken; the default only when nothing else is
    }

    [Fact]
    public async Task ActivityWithoutOutgoingFlows_EndsItsTokenImplicitly()
    {
        await _h.RunAsync($"""
            <startEvent id="start" /><parallelGateway id="fork" /><userTask id="a" /><userTask id="b" />
            {Flow("f0", "start", "fork")}{Flow("f1", "fork", "a")}{Flow("f2", "fork", "b")}
            """);

        await _h.CompleteAsync("a");
        Assert.Equal(InstanceStatus.Running, _h.Instance.Status);
        Assert.Equal(InstanceStatus.Completed, (await _h.CompleteAsync("b")).Status);
    }

    // ---- Sub-processes and terminate --------------------------------------------------------------

    [Fact]
    public async Task EmbeddedSubProcess_RunsItsInnerFlowThenContinues()
    {
        await _h.RunAsync($"""
            <startEvent id="start" />
            <subProcess id="sub"><startEvent id="subStart" /><userTask id="inner" /><endEvent id="subEnd" />
              {Flow("s1", "subStart", "inner")}{Flow("s2", "inner", "subEnd")}</subProcess>
            <userTask id="after" /><endEvent id="end" />
            {Flow("f1", "start", "sub")}{Flow("f2", "sub", "after")}{Flow("f3", "after", "end")}
            """);
        Assert.Equal(["inner"], _h.OpenTasks);
        Assert.Single(_h.Instance.Scopes);

        await _h.CompleteAsync("inner");

        Assert.Equal(["after"], _h.OpenTasks);
        Assert.Empty(_h.Instance.Scopes);
        Assert.Equal(["start", "subStart", "inner", "subEnd", "sub"], await _h.CompletedAsync());
    }

    [Fact]
    public async Task TerminateEndEvent_EndsTheWholeInstanceAndCancelsOtherWork()
    {
        await _h.RunAsync($"""
            <startEvent id="start" /><parallelGateway id="fork" /><userTask id="slow" /><userTask id="reject" />
            <endEvent id="kill"><terminateEventDefinition /></endEvent><endEvent id="end" />
            {Flow("f0", "start", "fork")}{Flow("f1", "fork", "slow")}{Flow("f2", "fork", "reject")}
            {Flow("f3", "reject", "kill")}{Flow("f4", "slow", "end")}
            """);
        var slow = _h.Instance.Tasks.Single(t => t.ActivityId == "slow");

        var done = await _h.CompleteAsync("reject");

        Assert.Equal(InstanceStatus.Terminated, done.Status);
        Assert.Empty(done.Tokens);
        Assert.Equal(TaskState.Cancelled, (await _h.Store.FindTaskAsync(slow.Id))!.Status);
        Assert.DoesNotContain("slow", await _h.CompletedAsync());
    }

    [Fact]
    public async Task TerminateEndEvent_InASubProcess_EndsOnlyTheSubProcess()
    {
        await _h.RunAsync($"""
            <startEvent id="start" />
            <subProcess id="sub"><startEvent id="subStart" /><parallelGateway id="subFork" />
              <userTask id="inner1" /><userTask id="inner2" /><endEvent id="subKill"><terminateEventDefinition /></endEvent>
              {Flow("s1", "subStart", "subFork")}{Flow("s2", "subFork", "inner1")}{Flow("s3", "subFork", "inner2")}{Flow("s4", "inner1", "subKill")}
            </subProcess>
            <userTask id="after" /><endEvent id="end" />
            {Flow("f1", "start", "sub")}{Flow("f2", "sub", "after")}{Flow("f3", "after", "end")}
            """);

        await _h.CompleteAsync("inner1");

        Assert.Equal(InstanceStatus.Running, _h.Instance.Status);
        Assert.Equal(["after"], _h.OpenTasks); // inner2 was cancelled, the sub-process completed normally
        Assert.Contains("sub", await _h.CompletedAsync());
    }

    [Fact]
    public async Task EndlessLoopWithoutWaitState_RaisesAnIncidentInsteadOfSpinning()
    {
        var h = new EngineHarness(new WorkflowEngineOptions { MaxStepsPerCommand = 500 });
        var instance = await h.RunAsync($"""
            <startEvent id="start" /><task id="again" /><exclusiveGateway id="loop" />
            {Flow("f0", "start", "again")}{Flow("f1", "again", "loop")}{Flow("back", "loop", "again")}
            """);

        Assert.Contains("500 steps", Assert.Single(instance.Incidents).Message);
    }
}
