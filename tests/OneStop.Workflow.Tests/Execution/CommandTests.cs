using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Bpmn;
using OneStop.Workflow.Engine.Execution;
using static OneStop.Workflow.Tests.Execution.TestModels;

namespace OneStop.Workflow.Tests.Execution;

/// <summary>Deployment versions and the one-command-one-transaction rule.</summary>
public sealed class CommandTests
{
    private static readonly string V1 = Process($"""
        <startEvent id="start" /><userTask id="a" /><endEvent id="end" />{Flow("f1", "start", "a")}{Flow("f2", "a", "end")}
        """, id: "permit");

    private static readonly string V2 = Process($"""
        <startEvent id="start" /><userTask id="a" /><userTask id="b" /><endEvent id="end" />
        {Flow("f1", "start", "a")}{Flow("f2", "a", "b")}{Flow("f3", "b", "end")}
        """, id: "permit");

    [Fact]
    public async Task Deploy_NewContentMakesANewVersion_RunningInstancesStayOnTheirs()
    {
        var h = new EngineHarness();
        var v1 = (await h.Engine.DeployAsync(V1, "permit.bpmn")).Single();
        var old = await h.Engine.StartAsync("permit");

        var v2 = (await h.Engine.DeployAsync(V2, "permit.bpmn")).Single();
        var fresh = await h.Engine.StartAsync("permit");

        Assert.Equal((1, 2), (v1.Version, v2.Version));
        Assert.Equal((1, 2), (old.DefinitionVersion, fresh.DefinitionVersion));
        var oldTask = old.Tasks.Single();
        var finished = await h.Engine.CompleteTaskAsync(oldTask.Id);
        Assert.Equal(InstanceStatus.Completed, finished.Status); // version 1 has no task 'b'
        Assert.Equal(1, (await h.Engine.StartAsync("permit", version: 1)).DefinitionVersion);
    }

    [Fact]
    public async Task Deploy_IdenticalContent_KeepsTheLatestVersion()
    {
        var h = new EngineHarness();
        var first = (await h.Engine.DeployAsync(V1)).Single();
        var again = (await h.Engine.DeployAsync(V1)).Single();

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(1, again.Version);
    }

    [Fact]
    public async Task Deploy_InvalidModel_StoresNothingAndReportsEveryProblem()
    {
        var h = new EngineHarness();
        var broken = Process($"""
            <startEvent id="start" /><exclusiveGateway id="gw" /><userTask id="a" /><userTask id="b" /><callActivity id="call" />
            {Flow("f1", "start", "gw")}{Flow("f2", "gw", "a", "${x >}")}{Flow("f3", "gw", "b")}{Flow("f4", "a", "ghost")}
            """, id: "broken");

        var error = await Assert.ThrowsAsync<BpmnValidationException>(() => h.Engine.DeployAsync(broken, "broken.bpmn"));

        Assert.True(error.Problems.Count >= 4, string.Join(Environment.NewLine, error.Problems));
        Assert.Contains(error.Problems, p => p.ElementId == "call");
        Assert.Contains(error.Problems, p => p.ElementId == "f2");
        Assert.Contains(error.Problems, p => p.ElementId == "f4");
        Assert.Empty(await h.Store.ListLatestDefinitionsAsync());
    }

    [Theory]
    [InlineData("serviceTask", "onestop:type=\"lookup\"")]
    [InlineData("task", "")]
    public async Task Deploy_BoundaryEventOnATaskThatNeverWaits_IsRefused(string taskType, string attributes)
    {
        var model = Process($"""
            <startEvent id="start" /><{taskType} id="work" {attributes} /><endEvent id="end" /><userTask id="late" />
            <boundaryEvent id="deadline" attachedToRef="work"><timerEventDefinition><timeDuration>P1D</timeDuration></timerEventDefinition></boundaryEvent>
            {Flow("f1", "start", "work")}{Flow("f2", "work", "end")}{Flow("f3", "deadline", "late")}
            """);

        var error = await Assert.ThrowsAsync<BpmnValidationException>(() => new EngineHarness().Engine.DeployAsync(model));

        var problem = Assert.Single(error.Problems);
        Assert.Equal(("boundaryEvent", "deadline"), (problem.ElementType, problem.ElementId));
        Assert.Contains("never waits", problem.Message);
    }

    [Fact]
    public async Task Deploy_GatewayWithoutOutgoingFlow_IsRefused()
    {
        var model = Process($"""<startEvent id="start" /><exclusiveGateway id="gw" />{Flow("f1", "start", "gw")}""");

        var error = await Assert.ThrowsAsync<BpmnValidationException>(() => new EngineHarness().Engine.DeployAsync(model));

        Assert.Contains(error.Problems, p => p.ElementId == "gw" && p.Message.Contains("no outgoing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deploy_NamingAnUnknownCalendar_IsRefusedListingTheKnownOnes()
    {
        var calendars = OneStop.Workflow.Engine.Calendars.CalendarRegistry.LoadDirectory(Path.Combine(RepositoryPaths.Workflows, "calendars"));
        var h = new EngineHarness(new WorkflowEngineOptions { Calendars = calendars });
        var model = Process($"""<startEvent id="start" /><userTask id="a" />{Flow("f1", "start", "a")}""", processAttributes: "onestop:calendar=\"cn-mainlnad\"");

        var error = await Assert.ThrowsAsync<BpmnValidationException>(() => h.Engine.DeployAsync(model));

        var problem = Assert.Single(error.Problems);
        Assert.Equal(("process", "p"), (problem.ElementType, problem.ElementId));
        Assert.Contains("'cn-mainlnad'", problem.Message);
        Assert.Contains("cn-mainland", problem.Message.Replace("'cn-mainlnad'", "", StringComparison.Ordinal));
        Assert.Empty(await h.Store.ListLatestDefinitionsAsync());
    }

    [Fact]
    public async Task Start_UnknownScenario_SaysWhichKey()
    {
        var h = new EngineHarness();

        var error = await Assert.ThrowsAsync<WorkflowCommandException>(() => h.Engine.StartAsync("no-such"));

        Assert.Equal(CommandError.NotFound, error.Error);
        Assert.Contains("'no-such'", error.Message);
    }

    [Fact]
    public async Task TwoPeopleCompletingBothBranchesAtTheSameMoment_BothSucceedAndTheJoinFiresOnce()
    {
        var store = new InterleavingStore(new InMemoryWorkflowStore());
        var h = new EngineHarness(store: store);
        await h.RunAsync($"""
            <startEvent id="start" /><parallelGateway id="fork" /><userTask id="a" /><userTask id="b" />
            <parallelGateway id="join" /><userTask id="after" /><endEvent id="end" />
            {Flow("f0", "start", "fork")}{Flow("f1", "fork", "a")}{Flow("f2", "fork", "b")}
            {Flow("f3", "a", "join")}{Flow("f4", "b", "join")}{Flow("f5", "join", "after")}{Flow("f6", "after", "end")}
            """);
        var a = h.Instance.Tasks.Single(t => t.ActivityId == "a");
        var b = h.Instance.Tasks.Single(t => t.ActivityId == "b");

        store.HoldSavesUntilLoads(2);
        await Task.WhenAll(
            h.Engine.CompleteTaskAsync(a.Id, new JsonObject { ["fromA"] = 1 }),
            h.Engine.CompleteTaskAsync(b.Id, new JsonObject { ["fromB"] = 2 }));

        var instance = await h.RefreshAsync();
        Assert.Equal(1, store.Conflicts);
        Assert.Equal(["after"], h.OpenTasks);
        Assert.Single(await h.CompletedAsync(), id => id == "join");
        Assert.Equal((1, 2), (instance.Variables["fromA"]!.GetValue<int>(), instance.Variables["fromB"]!.GetValue<int>()));
    }

    /// <summary>Makes two commands read the same version before either writes, so that one must lose the race.</summary>
    private sealed class InterleavingStore(IWorkflowStore inner) : DelegatingStore(inner)
    {
        private readonly object _gate = new();
        private TaskCompletionSource? _allLoaded;
        private int _loadsToWaitFor;

        public int Conflicts { get; private set; }

        public void HoldSavesUntilLoads(int loads)
        {
            lock (_gate)
            {
                _loadsToWaitFor = loads;
                _allLoaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        public override async Task<ProcessInstance?> LoadInstanceAsync(Guid id, CancellationToken ct = default) =>
            Loaded(await base.LoadInstanceAsync(id, ct));

        public override async Task<ProcessInstance?> LoadInstanceOfTaskAsync(Guid taskId, CancellationToken ct = default) =>
            Loaded(await base.LoadInstanceOfTaskAsync(taskId, ct));

        private ProcessInstance? Loaded(ProcessInstance? instance)
        {
            lock (_gate)
            {
                if (_allLoaded is not null && --_loadsToWaitFor == 0)
                    _allLoaded.SetResult();
            }
            return instance;
        }

        public override async Task SaveAsync(InstanceChanges changes, CancellationToken ct = default)
        {
            Task? wait;
            lock (_gate)
                wait = _allLoaded?.Task;
            if (wait is not null)
                await wait.WaitAsync(TimeSpan.FromSeconds(30), ct);
            try
            {
                await base.SaveAsync(changes, ct);
            }
            catch (ConcurrencyConflictException)
            {
                lock (_gate)
                    Conflicts++;
                throw;
            }
        }
    }
}

/// <summary>Passes every call to another store; tests override what they need to observe or steer.</summary>
internal class DelegatingStore(IWorkflowStore inner) : IWorkflowStore
{
    public virtual Task<DeployedDefinition?> FindDefinitionAsync(string key, int? version, CancellationToken ct = default) => inner.FindDefinitionAsync(key, version, ct);
    public virtual Task<DeployedDefinition?> FindDefinitionAsync(Guid id, CancellationToken ct = default) => inner.FindDefinitionAsync(id, ct);
    public virtual Task<DeployedDefinition> AddDefinitionAsync(NewDefinition definition, CancellationToken ct = default) => inner.AddDefinitionAsync(definition, ct);
    public virtual Task<IReadOnlyList<DeployedDefinition>> ListLatestDefinitionsAsync(CancellationToken ct = default) => inner.ListLatestDefinitionsAsync(ct);
    public virtual Task<ProcessInstance?> LoadInstanceAsync(Guid id, CancellationToken ct = default) => inner.LoadInstanceAsync(id, ct);
    public virtual Task<ProcessInstance?> LoadInstanceOfTaskAsync(Guid taskId, CancellationToken ct = default) => inner.LoadInstanceOfTaskAsync(taskId, ct);
    public virtual Task SaveAsync(InstanceChanges changes, CancellationToken ct = default) => inner.SaveAsync(changes, ct);
    public virtual Task<TaskRecord?> FindTaskAsync(Guid taskId, CancellationToken ct = default) => inner.FindTaskAsync(taskId, ct);
    public virtual Task<IReadOnlyList<TaskRecord>> ListTasksAsync(TaskQuery query, CancellationToken ct = default) => inner.ListTasksAsync(query, ct);
    public virtual Task<IReadOnlyList<TimerRecord>> DueTimersAsync(DateTimeOffset now, int max, CancellationToken ct = default) => inner.DueTimersAsync(now, max, ct);
    public virtual Task<TimerRecord?> NextTimerAsync(CancellationToken ct = default) => inner.NextTimerAsync(ct);
    public virtual Task<IReadOnlyList<SubscriptionRecord>> FindSubscriptionsAsync(string messageName, string? correlationKey, CancellationToken ct = default) => inner.FindSubscriptionsAsync(messageName, correlationKey, ct);
    public virtual Task<IReadOnlyList<HistoryRecord>> HistoryAsync(Guid instanceId, CancellationToken ct = default) => inner.HistoryAsync(instanceId, ct);
    public virtual Task<IReadOnlyList<ProcessInstance>> ListInstancesAsync(string initiator, CancellationToken ct = default) => inner.ListInstancesAsync(initiator, ct);
}
