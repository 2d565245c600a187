using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Execution;

namespace OneStop.Workflow.Tests.Persistence;

/// <summary>
/// Every behaviour of <see cref="IWorkflowStore"/>, run against each implementation by the derived classes,
/// so the in-memory store used by the simulator cannot drift from the database stores.
/// </summary>
public abstract class WorkflowStoreContractTests : IAsyncLifetime
{
    // A non-UTC offset on purpose: stores must keep the instant whatever the offset.
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    protected IWorkflowStore Store { get; private set; } = null!;

    protected abstract Task<IWorkflowStore> CreateStoreAsync();

    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    /// <summary>The notices written for an instance, oldest first: the outbox has no reader in the store contract,
    /// so each store's tests read it their own way.</summary>
    protected abstract Task<IReadOnlyList<NoticeRecord>> NoticesAsync(Guid instanceId);

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public Task DisposeAsync() => DisposeStoreAsync();

    // ---- definitions ----

    [Fact]
    public async Task AddDefinition_NumbersVersionsPerKey_FromOne()
    {
        var first = await DeployAsync("newborn", "v1");
        var second = await DeployAsync("newborn", "v2");
        var other = await DeployAsync("retirement", "v1");

        Assert.Equal((1, 2, 1), (first.Version, second.Version, other.Version));
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal("<definitions id=\"v2\"/>", second.Xml);
        Assert.Equal(("sha256:v2", "Newborn registration", "newborn.bpmn"), (second.ContentHash, second.Name, second.SourceName));
        Assert.Equal(T0, second.DeployedAt);
    }

    [Fact]
    public async Task AddDefinition_WithTheLatestContentHash_ReturnsTheLatestUnchanged()
    {
        await DeployAsync("newborn", "v1");
        var latest = await DeployAsync("newborn", "v2");

        var again = await DeployAsync("newborn", "v2", deployedAt: T0.AddDays(1));

        Assert.Equal(latest, again);
        Assert.Equal(2, (await Store.FindDefinitionAsync("newborn", null))!.Version);
    }

    [Fact]
    public async Task AddDefinition_WithAnOlderVersionsContent_StoresANewVersion()
    {
        var first = await DeployAsync("newborn", "v1");
        await DeployAsync("newborn", "v2");

        var third = await DeployAsync("newborn", "v1");

        Assert.Equal(3, third.Version);
        Assert.NotEqual(first.Id, third.Id);
    }

    [Fact]
    public async Task FindDefinition_ByVersion_ByLatest_AndById()
    {
        var first = await DeployAsync("newborn", "v1");
        var second = await DeployAsync("newborn", "v2");

        Assert.Equal(first, await Store.FindDefinitionAsync("newborn", 1));
        Assert.Equal(second, await Store.FindDefinitionAsync("newborn", null));
        Assert.Equal(first, await Store.FindDefinitionAsync(first.Id));
        Assert.Null(await Store.FindDefinitionAsync("newborn", 3));
        Assert.Null(await Store.FindDefinitionAsync("unknown", null));
        Assert.Null(await Store.FindDefinitionAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task AddDefinition_KeepsTheFormsOfEachVersion()
    {
        const string forms = "{\"applicant\":{\"type\":\"default\",\"components\":[]}}";
        var withForms = await Store.AddDefinitionAsync(new NewDefinition("newborn", "<definitions id=\"v1\"/>", "sha256:f1",
            "Newborn registration", "newborn.bpmn", T0, forms));
        var without = await DeployAsync("newborn", "v2");

        Assert.Equal(forms, withForms.Forms);
        Assert.Equal(forms, (await Store.FindDefinitionAsync("newborn", 1))!.Forms);
        Assert.Equal(forms, (await Store.FindDefinitionAsync(withForms.Id))!.Forms);
        Assert.Null(without.Forms);
        Assert.Null((await Store.FindDefinitionAsync("newborn", null))!.Forms);
    }

    [Fact]
    public async Task ListInstances_GivesTheInstancesOfOneInitiator_NewestFirst()
    {
        var definition = await DeployAsync();
        var older = NewInstance(definition, initiator: "citizen1");
        var newer = NewInstance(definition, initiator: "citizen1", startedAt: T0.AddHours(1));
        var someoneElses = NewInstance(definition, initiator: "citizen2");
        var nobodys = NewInstance(definition);
        foreach (var instance in new[] { older, newer, someoneElses, nobodys })
            await Store.SaveAsync(Changes(instance, 0));

        var mine = await Store.ListInstancesAsync("citizen1");

        Assert.Equal([newer.Id, older.Id], mine.Select(i => i.Id));
        Assert.All(mine, i => Assert.Equal("citizen1", i.Initiator));
        Assert.Equal(1, mine[0].Version);
        Assert.Empty(await Store.ListInstancesAsync("nobody"));
    }

    [Fact]
    public async Task ListLatestDefinitions_GivesTheLatestVersionOfEveryKey_OrderedByKey()
    {
        Assert.Empty(await Store.ListLatestDefinitionsAsync());
        await DeployAsync("retirement", "r1");
        await DeployAsync("newborn", "n1");
        var newborn = await DeployAsync("newborn", "n2");
        var business = await DeployAsync("business", "b1");
        var retirement = await DeployAsync("retirement", "r2");

        var latest = await Store.ListLatestDefinitionsAsync();

        Assert.Equal([business, newborn, retirement], latest);
    }

    [Fact]
    public async Task AddDefinition_ConcurrentDeploysOfOneKey_GetConsecutiveVersions()
    {
        var deployed = await Task.WhenAll(Enumerable.Range(1, 4).Select(i => Task.Run(() => DeployAsync("newborn", $"v{i}"))));

        Assert.Equal([1, 2, 3, 4], deployed.Select(d => d.Version).Order());
        Assert.Equal(4, deployed.Select(d => d.ContentHash).Distinct().Count());
        Assert.Equal(4, (await Store.FindDefinitionAsync("newborn", null))!.Version);
    }

    [Fact]
    public async Task AddDefinition_ConcurrentDeploysOfTheSameContent_StoreOneVersion()
    {
        var deployed = await Task.WhenAll(Enumerable.Range(1, 4).Select(_ => Task.Run(() => DeployAsync("newborn", "same"))));

        Assert.Single(deployed.DistinctBy(d => d.Id));
        Assert.Equal(1, deployed[0].Version);
        Assert.Null(await Store.FindDefinitionAsync("newborn", 2));
    }

    // ---- instances ----

    [Fact]
    public async Task SaveThenLoad_NewInstance_RoundTripsTheWholeState()
    {
        var instance = NewInstance(await DeployAsync());

        await Store.SaveAsync(Changes(instance, 0));
        var loaded = await Store.LoadInstanceAsync(instance.Id);

        Assert.NotNull(loaded);
        Assert.Equal(InstanceSerializer.Serialize(instance), InstanceSerializer.Serialize(loaded));
        Assert.Equal("李明", (string?)loaded.Variables["applicant"]!["name"]);
        Assert.Equal(1250.5m, (decimal)loaded.Variables["fee"]!);
        Assert.Equal(TokenWait.Task, loaded.Tokens[0].Wait);
        Assert.Equal(T0.Offset, loaded.StartedAt.Offset);
        Assert.Null(await Store.LoadInstanceAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task LoadInstanceOfTask_FindsTheInstanceATaskBelongsTo()
    {
        var instance = NewInstance(await DeployAsync());
        var other = NewInstance(await DeployAsync());
        var task = TaskOf(instance, "tax", T0);
        await SaveNewAsync(instance, task);
        await SaveNewAsync(other, TaskOf(other, "tax", T0));

        var loaded = await Store.LoadInstanceOfTaskAsync(task.Id);

        Assert.Equal(instance.Id, loaded?.Id);
        Assert.Equal(1, loaded!.Version);
        Assert.Null(await Store.LoadInstanceOfTaskAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task LoadInstance_ReturnsACopy_ThatSharesNothingWithTheStore()
    {
        var instance = NewInstance(await DeployAsync());
        await Store.SaveAsync(Changes(instance, 0));

        instance.Variables["decision"] = "approved";
        var first = (await Store.LoadInstanceAsync(instance.Id))!;
        first.Variables["decision"] = "rejected";
        first.Tokens.Clear();
        var second = (await Store.LoadInstanceAsync(instance.Id))!;

        Assert.False(second.Variables.ContainsKey("decision"));
        Assert.Single(second.Tokens);
    }

    [Fact]
    public async Task Save_SetsTheSavedVersion_ToTheExpectedVersionPlusOne()
    {
        var instance = NewInstance(await DeployAsync());

        await Store.SaveAsync(Changes(instance, 0));
        Assert.Equal(1, instance.Version);
        var loaded = (await Store.LoadInstanceAsync(instance.Id))!;
        loaded.Status = InstanceStatus.Completed;
        loaded.EndedAt = T0.AddHours(3);
        await Store.SaveAsync(Changes(loaded, 1));

        var reloaded = (await Store.LoadInstanceAsync(instance.Id))!;
        Assert.Equal((2L, 2L), (loaded.Version, reloaded.Version));
        Assert.Equal(InstanceStatus.Completed, reloaded.Status);
        Assert.Equal(T0.AddHours(3), reloaded.EndedAt);
    }

    [Fact]
    public async Task Save_WithAStaleVersion_ThrowsConflict_AndWritesNothing()
    {
        var definition = await DeployAsync();
        var instance = NewInstance(definition);
        var task = TaskOf(instance, "civil-affairs", T0);
        var timer = new TimerRecord(Guid.NewGuid(), instance.Id, "deadline", T0.AddDays(5));
        var subscription = new SubscriptionRecord(Guid.NewGuid(), instance.Id, "waitPayment", "payment", "APP-1");
        var created = Changes(instance, 0);
        created.Tasks.Add(task);
        created.AddedTimers.Add(timer);
        created.AddedSubscriptions.Add(subscription);
        created.History.Add(History(instance, 0, "started"));
        await Store.SaveAsync(created);
        var stale = (await Store.LoadInstanceAsync(instance.Id))!;
        var winner = (await Store.LoadInstanceAsync(instance.Id))!;
        winner.Variables["decision"] = "needs supplement";
        await Store.SaveAsync(Changes(winner, 1));
        var (tasksBefore, historyBefore) = (await AllTasksAsync(instance.Id), await Store.HistoryAsync(instance.Id));
        var stateBefore = InstanceSerializer.Serialize((await Store.LoadInstanceAsync(instance.Id))!);

        stale.Variables["decision"] = "approved";
        var conflicting = Changes(stale, 1);
        conflicting.Tasks.Add(task with { Status = TaskState.Completed, EndedAt = T0.AddHours(1), EndedBy = "clerk" });
        conflicting.Tasks.Add(TaskOf(instance, "public-security", T0.AddHours(1)));
        conflicting.RemovedTimers.Add(timer.Id);
        conflicting.AddedTimers.Add(timer with { Id = Guid.NewGuid() });
        conflicting.RemovedSubscriptions.Add(subscription.Id);
        conflicting.History.Add(History(instance, 1, "taskCompleted"));

        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.SaveAsync(conflicting));

        Assert.Equal(instance.Id, conflict.InstanceId);
        Assert.Equal(1, stale.Version);
        Assert.Equal(stateBefore, InstanceSerializer.Serialize((await Store.LoadInstanceAsync(instance.Id))!));
        Assert.Equal(tasksBefore, await AllTasksAsync(instance.Id));
        Assert.Equal([timer], await Store.DueTimersAsync(T0.AddYears(1), 10));
        Assert.Equal([subscription], await Store.FindSubscriptionsAsync("payment", "APP-1"));
        Assert.Equal(historyBefore, await Store.HistoryAsync(instance.Id));
    }

    [Fact]
    public async Task Save_ANewInstanceWhoseIdIsTaken_ThrowsConflict()
    {
        var instance = NewInstance(await DeployAsync());
        await Store.SaveAsync(Changes(instance, 0));
        var duplicate = (await Store.LoadInstanceAsync(instance.Id))!;
        duplicate.Variables["decision"] = "approved";
        var changes = Changes(duplicate, 0);
        changes.Tasks.Add(TaskOf(duplicate, "civil-affairs", T0));

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.SaveAsync(changes));

        Assert.False((await Store.LoadInstanceAsync(instance.Id))!.Variables.ContainsKey("decision"));
        Assert.Empty(await AllTasksAsync(instance.Id));
    }

    [Fact]
    public async Task Save_AnUpdateOfAnInstanceNeverSaved_ThrowsConflict()
    {
        var instance = NewInstance(await DeployAsync());

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.SaveAsync(Changes(instance, 1)));

        Assert.Null(await Store.LoadInstanceAsync(instance.Id));
        Assert.Equal(0, instance.Version);
    }

    [Fact]
    public async Task Save_TwoConcurrentCommandsOnOneVersion_OnlyOneWins()
    {
        var instance = NewInstance(await DeployAsync());
        await Store.SaveAsync(Changes(instance, 0));
        var copies = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Store.LoadInstanceAsync(instance.Id)));

        var outcomes = await Task.WhenAll(copies.Select((copy, i) => Task.Run(async () =>
        {
            copy!.Variables["winner"] = i;
            var changes = Changes(copy, 1);
            changes.History.Add(History(copy, 0, $"command{i}"));
            try
            {
                await Store.SaveAsync(changes);
                return i;
            }
            catch (ConcurrencyConflictException)
            {
                return -1;
            }
        })));

        var winner = Assert.Single(outcomes, o => o >= 0);
        var saved = (await Store.LoadInstanceAsync(instance.Id))!;
        Assert.Equal((2L, winner), (saved.Version, (int)saved.Variables["winner"]!));
        Assert.Equal($"command{winner}", Assert.Single(await Store.HistoryAsync(instance.Id)).Kind);
    }

    [Fact]
    public async Task Save_FailingPartWay_WritesNothing()
    {
        var instance = NewInstance(await DeployAsync());
        var created = Changes(instance, 0);
        created.History.Add(History(instance, 0, "started"));
        await Store.SaveAsync(created);

        var next = (await Store.LoadInstanceAsync(instance.Id))!;
        var changes = Changes(next, 1);
        changes.Tasks.Add(TaskOf(next, "civil-affairs", T0));
        changes.History.Add(History(next, 0, "started again")); // sequence 0 is taken

        await Assert.ThrowsAnyAsync<Exception>(() => Store.SaveAsync(changes));

        Assert.Equal(1, next.Version);
        Assert.Equal(1, (await Store.LoadInstanceAsync(instance.Id))!.Version);
        Assert.Empty(await AllTasksAsync(instance.Id));
        Assert.Equal("started", Assert.Single(await Store.HistoryAsync(instance.Id)).Kind);
    }

    [Fact]
    public async Task Save_AfterASaveFailedPartWay_TheSameChangesDoneRightAreWritten()
    {
        var instance = NewInstance(await DeployAsync());
        var created = Changes(instance, 0);
        created.History.Add(History(instance, 0, "started"));
        await Store.SaveAsync(created);
        var task = TaskOf(instance, "civil-affairs", T0);
        var failing = Changes((await Store.LoadInstanceAsync(instance.Id))!, 1);
        failing.Tasks.Add(task);
        failing.History.Add(History(instance, 0, "started again")); // sequence 0 is taken
        await Assert.ThrowsAnyAsync<Exception>(() => Store.SaveAsync(failing));

        var next = Changes((await Store.LoadInstanceAsync(instance.Id))!, 1);
        next.Tasks.Add(task);
        next.History.Add(History(instance, 1, "taskCreated"));
        await Store.SaveAsync(next);

        Assert.Equal([task], await AllTasksAsync(instance.Id));
        Assert.Equal(["started", "taskCreated"], (await Store.HistoryAsync(instance.Id)).Select(h => h.Kind));
        Assert.Equal(2, (await Store.LoadInstanceAsync(instance.Id))!.Version);
    }

    [Fact]
    public async Task Save_ANewInstanceOfAnUndeployedDefinition_IsRefused()
    {
        var deployed = await DeployAsync();
        var instance = NewInstance(deployed with { Id = Guid.NewGuid() });

        await Assert.ThrowsAnyAsync<Exception>(() => Store.SaveAsync(Changes(instance, 0)));

        Assert.Null(await Store.LoadInstanceAsync(instance.Id));
    }

    // ---- tasks ----

    [Fact]
    public async Task SaveTask_AgainWithItsId_UpdatesTheRow()
    {
        var instance = NewInstance(await DeployAsync());
        var task = TaskOf(instance, "civil-affairs", T0, dueAt: T0.AddDays(20));
        var created = Changes(instance, 0);
        created.Tasks.Add(task);
        await Store.SaveAsync(created);
        Assert.Equal(task, await Store.FindTaskAsync(task.Id));

        var completed = task with { Status = TaskState.Completed, EndedAt = T0.AddDays(2), EndedBy = "clerk.wang" };
        var next = Changes((await Store.LoadInstanceAsync(instance.Id))!, 1);
        next.Tasks.Add(completed);
        await Store.SaveAsync(next);

        var found = await Store.FindTaskAsync(task.Id);
        Assert.Equal(completed, found);
        Assert.Equal(TimeSpan.Zero, found!.CreatedAt.Offset);
        Assert.Single(await AllTasksAsync(instance.Id));
        Assert.Null(await Store.FindTaskAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task SaveTask_OpenedAndEndedInOneCommand_IsInsertedEnded()
    {
        var instance = NewInstance(await DeployAsync());
        await SaveNewAsync(instance);
        var ended = TaskOf(instance, "civil-affairs", T0) with { Status = TaskState.Cancelled, EndedAt = T0.AddMinutes(1) };
        var changes = Changes((await Store.LoadInstanceAsync(instance.Id))!, 1);
        changes.Tasks.Add(ended);

        await Store.SaveAsync(changes);

        Assert.Equal([ended], await AllTasksAsync(instance.Id));
        Assert.Equal(ended, await Store.FindTaskAsync(ended.Id));
    }

    [Fact]
    public async Task SaveTask_ListedTwiceInOneCommand_IsRefused_AndNothingIsWritten()
    {
        var instance = NewInstance(await DeployAsync());
        await SaveNewAsync(instance);
        var opened = TaskOf(instance, "civil-affairs", T0);
        var changes = Changes((await Store.LoadInstanceAsync(instance.Id))!, 1);
        changes.Tasks.Add(opened);
        changes.Tasks.Add(opened with { Status = TaskState.Cancelled, EndedAt = T0.AddMinutes(1) });

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.SaveAsync(changes));

        Assert.Empty(await AllTasksAsync(instance.Id));
        Assert.Equal(1, (await Store.LoadInstanceAsync(instance.Id))!.Version);
    }

    [Fact]
    public async Task Save_ACommandWithManyRows_WritesEveryOne()
    {
        // More values than the store puts in one statement: it must split them.
        const int taskCount = 300, historyCount = 500, timerCount = 2_001;
        var instance = NewInstance(await DeployAsync());
        var created = Changes(instance, 0);
        created.Tasks.AddRange(Enumerable.Range(0, taskCount).Select(i => TaskOf(instance, $"department-{i}", T0.AddSeconds(i))));
        created.History.AddRange(Enumerable.Range(0, historyCount).Select(i => History(instance, i, $"step{i}")));
        created.AddedTimers.AddRange(Enumerable.Range(0, timerCount).Select(i => new TimerRecord(Guid.NewGuid(), instance.Id, "deadline", T0.AddDays(1))));
        await Store.SaveAsync(created);
        Assert.Equal(taskCount, (await Store.ListTasksAsync(new TaskQuery(InstanceId: instance.Id, Max: int.MaxValue))).Count);
        Assert.Equal(historyCount, (await Store.HistoryAsync(instance.Id)).Count);
        Assert.Equal(timerCount, (await Store.DueTimersAsync(T0.AddDays(2), int.MaxValue)).Count);

        var next = Changes((await Store.LoadInstanceAsync(instance.Id))!, 1);
        next.RemovedTimers.AddRange(created.AddedTimers.Select(t => t.Id));
        await Store.SaveAsync(next);

        Assert.Null(await Store.NextTimerAsync());
    }

    [Fact]
    public async Task ListTasks_FiltersByDepartmentStatusAndInstance_OldestFirst()
    {
        var definition = await DeployAsync();
        var first = NewInstance(definition);
        var second = NewInstance(definition);
        var civilLate = TaskOf(first, "civil-affairs", T0.AddHours(2));
        var civilEarly = TaskOf(second, "civil-affairs", T0.AddHours(1));
        var civilDone = TaskOf(first, "civil-affairs", T0) with { Status = TaskState.Completed, EndedAt = T0.AddHours(3), EndedBy = "clerk" };
        var police = TaskOf(first, "public-security", T0.AddMinutes(30));
        await SaveNewAsync(first, civilLate, civilDone, police);
        await SaveNewAsync(second, civilEarly);

        Assert.Equal([civilEarly, civilLate],
            await Store.ListTasksAsync(new TaskQuery(Department: "civil-affairs", Status: TaskState.Open)));
        Assert.Equal([civilDone, civilEarly, civilLate], await Store.ListTasksAsync(new TaskQuery(Department: "civil-affairs")));
        Assert.Equal([civilDone], await Store.ListTasksAsync(new TaskQuery(Status: TaskState.Completed)));
        Assert.Equal([civilDone, police, civilLate], await Store.ListTasksAsync(new TaskQuery(InstanceId: first.Id)));
        Assert.Equal([police], await Store.ListTasksAsync(new TaskQuery("public-security", TaskState.Open, first.Id)));
        Assert.Empty(await Store.ListTasksAsync(new TaskQuery(Department: "tax")));
    }

    [Fact]
    public async Task ListTasks_ReturnsAtMostMax()
    {
        var instance = NewInstance(await DeployAsync());
        var tasks = Enumerable.Range(0, 5).Select(i => TaskOf(instance, "civil-affairs", T0.AddMinutes(i))).ToArray();
        await SaveNewAsync(instance, tasks);

        Assert.Equal(tasks[..3], await Store.ListTasksAsync(new TaskQuery(Department: "civil-affairs", Max: 3)));
    }

    [Fact]
    public async Task SaveTask_KeepsItsSignalAndPause()
    {
        var instance = NewInstance(await DeployAsync());
        var paused = TaskOf(instance, "civil-affairs", T0, dueAt: T0.AddDays(7)) with
        {
            Signal = TaskSignal.Yellow,
            PausedAt = T0.AddDays(2),
            PauseReason = "supplementation",
        };
        var red = TaskOf(instance, "tax", T0.AddMinutes(1), dueAt: T0.AddDays(1)) with { Signal = TaskSignal.Red };
        await SaveNewAsync(instance, paused, red);

        var found = (await Store.FindTaskAsync(paused.Id))!;
        Assert.Equal(paused, found);
        Assert.Equal(TimeSpan.Zero, found.PausedAt!.Value.Offset);
        Assert.Equal([paused, red], await AllTasksAsync(instance.Id));

        var resumed = paused with { Signal = TaskSignal.Green, PausedAt = null, PauseReason = null, DueAt = T0.AddDays(9) };
        var next = Changes((await Store.LoadInstanceAsync(instance.Id))!, 1);
        next.Tasks.Add(resumed);
        await Store.SaveAsync(next);
        Assert.Equal(resumed, await Store.FindTaskAsync(paused.Id));
    }

    // ---- notices ----

    [Fact]
    public async Task Notices_AreWrittenWithTheCommand()
    {
        var instance = NewInstance(await DeployAsync());
        await SaveNewAsync(instance);
        var taskId = Guid.NewGuid();
        var yellow = new NoticeRecord(Guid.NewGuid(), instance.Id, taskId, NoticeKinds.TaskYellow, "civil-affairs", T0.AddDays(4),
            """{"activityId":"registerBirth","name":"Register birth","dueAt":"2026-03-09T00:00:00.0000000+08:00","escalation":null,"scenario":"newborn"}""");
        var application = new NoticeRecord(Guid.NewGuid(), instance.Id, null, NoticeKinds.ApplicationRed, null, T0.AddDays(5), null);
        var changes = Changes((await Store.LoadInstanceAsync(instance.Id))!, 1);
        changes.Notices.Add(yellow);
        changes.Notices.Add(application);

        await Store.SaveAsync(changes);

        var notices = await NoticesAsync(instance.Id);
        Assert.Equal([yellow, application], notices);
        Assert.All(notices, n => Assert.Equal(TimeSpan.Zero, n.At.Offset));
        Assert.Empty(await NoticesAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task Notices_OfACommandThatIsNotSaved_AreNotWritten()
    {
        var instance = NewInstance(await DeployAsync());
        await SaveNewAsync(instance);
        var stale = (await Store.LoadInstanceAsync(instance.Id))!;
        await Store.SaveAsync(Changes((await Store.LoadInstanceAsync(instance.Id))!, 1));

        var conflicting = Changes(stale, 1);
        conflicting.Notices.Add(new NoticeRecord(Guid.NewGuid(), instance.Id, null, NoticeKinds.ApplicationYellow, null, T0, null));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.SaveAsync(conflicting));

        var failing = Changes((await Store.LoadInstanceAsync(instance.Id))!, 2);
        failing.Notices.Add(new NoticeRecord(Guid.NewGuid(), instance.Id, null, NoticeKinds.ApplicationRed, null, T0, null));
        failing.History.Add(History(instance, 0, "started"));
        failing.History.Add(History(instance, 0, "started again")); // the same sequence twice: the save fails part-way
        await Assert.ThrowsAnyAsync<Exception>(() => Store.SaveAsync(failing));

        Assert.Empty(await NoticesAsync(instance.Id));
    }

    // ---- timers ----

    [Fact]
    public async Task DueTimers_AreThoseDueAtOrBeforeNow_EarliestFirst_UpToMax()
    {
        var definition = await DeployAsync();
        var first = NewInstance(definition);
        var second = NewInstance(definition);
        var t1 = new TimerRecord(Guid.NewGuid(), first.Id, "reminder", T0.AddHours(1));
        var t2 = new TimerRecord(Guid.NewGuid(), second.Id, "deadline", T0.AddHours(2));
        var t3 = new TimerRecord(Guid.NewGuid(), first.Id, "deadline", T0.AddHours(3));
        var later = new TimerRecord(Guid.NewGuid(), second.Id, "escalate", T0.AddDays(1));
        await SaveNewAsync(first, timers: [t3, t1]);
        await SaveNewAsync(second, timers: [later, t2]);

        Assert.Equal([t1, t2, t3], await Store.DueTimersAsync(T0.AddHours(3), 10));
        Assert.Equal([t1, t2], await Store.DueTimersAsync(T0.AddHours(3), 2));
        Assert.Equal([t1], await Store.DueTimersAsync(T0.AddHours(1).ToUniversalTime(), 10));
        Assert.Empty(await Store.DueTimersAsync(T0, 10));
        Assert.Equal(TimeSpan.Zero, (await Store.DueTimersAsync(T0.AddHours(1), 1))[0].DueAt.Offset);
    }

    [Fact]
    public async Task NextTimer_IsTheEarliestPendingTimerOfAnyInstance()
    {
        Assert.Null(await Store.NextTimerAsync());
        var definition = await DeployAsync();
        var first = NewInstance(definition);
        var second = NewInstance(definition);
        var early = new TimerRecord(Guid.NewGuid(), second.Id, "deadline", T0.AddMinutes(5));
        await SaveNewAsync(first, timers: [new TimerRecord(Guid.NewGuid(), first.Id, "deadline", T0.AddDays(2))]);
        await SaveNewAsync(second, timers: [early, new TimerRecord(Guid.NewGuid(), second.Id, "escalate", T0.AddDays(1))]);

        Assert.Equal(early, await Store.NextTimerAsync());
    }

    [Fact]
    public async Task RemovedTimers_AreGone_AndATimerReArmedUnderItsIdIsReplaced()
    {
        var instance = NewInstance(await DeployAsync());
        var reminder = new TimerRecord(Guid.NewGuid(), instance.Id, "reminder", T0.AddHours(1));
        var deadline = new TimerRecord(Guid.NewGuid(), instance.Id, "deadline", T0.AddHours(2));
        await SaveNewAsync(instance, timers: [reminder, deadline]);

        var changes = Changes((await Store.LoadInstanceAsync(instance.Id))!, 1);
        changes.RemovedTimers.Add(deadline.Id);
        changes.RemovedTimers.Add(reminder.Id);
        changes.AddedTimers.Add(reminder with { DueAt = T0.AddDays(1) });
        await Store.SaveAsync(changes);

        Assert.Empty(await Store.DueTimersAsync(T0.AddHours(12), 10));
        Assert.Equal(reminder with { DueAt = T0.AddDays(1) }, await Store.NextTimerAsync());
    }

    // ---- message subscriptions ----

    [Fact]
    public async Task FindSubscriptions_MatchesMessageNameAndCorrelationKey_NullKeyOnlyMatchesNull()
    {
        var definition = await DeployAsync();
        var first = NewInstance(definition);
        var second = NewInstance(definition);
        var paymentA = new SubscriptionRecord(Guid.NewGuid(), first.Id, "waitPayment", "payment", "APP-1");
        var paymentB = new SubscriptionRecord(Guid.NewGuid(), second.Id, "waitPayment", "payment", "APP-2");
        var broadcast = new SubscriptionRecord(Guid.NewGuid(), first.Id, "waitNotice", "policy-changed", null);
        var broadcast2 = new SubscriptionRecord(Guid.NewGuid(), second.Id, "waitNotice", "policy-changed", null);
        await SaveNewAsync(first, subscriptions: [paymentA, broadcast]);
        await SaveNewAsync(second, subscriptions: [paymentB, broadcast2]);

        Assert.Equal([paymentB], await Store.FindSubscriptionsAsync("payment", "APP-2"));
        Assert.Empty(await Store.FindSubscriptionsAsync("payment", "APP-3"));
        Assert.Empty(await Store.FindSubscriptionsAsync("payment", null));
        Assert.Empty(await Store.FindSubscriptionsAsync("policy-changed", "APP-1"));
        Assert.Equal(new[] { broadcast, broadcast2 }.OrderBy(s => s.Id.ToString(), StringComparer.Ordinal),
            await Store.FindSubscriptionsAsync("policy-changed", null));
    }

    [Fact]
    public async Task RemovedSubscriptions_AreGone()
    {
        var instance = NewInstance(await DeployAsync());
        var payment = new SubscriptionRecord(Guid.NewGuid(), instance.Id, "waitPayment", "payment", "APP-1");
        await SaveNewAsync(instance, subscriptions: [payment]);

        var changes = Changes((await Store.LoadInstanceAsync(instance.Id))!, 1);
        changes.RemovedSubscriptions.Add(payment.Id);
        await Store.SaveAsync(changes);

        Assert.Empty(await Store.FindSubscriptionsAsync("payment", "APP-1"));
    }

    // ---- history ----

    [Fact]
    public async Task History_IsAppendedAcrossCommands_InSequenceOrder_PerInstance()
    {
        var definition = await DeployAsync();
        var instance = NewInstance(definition);
        var other = NewInstance(definition);
        var created = Changes(instance, 0);
        created.History.Add(History(instance, 1, "tokenMoved", data: """{"to":"registerBirth"}"""));
        created.History.Add(History(instance, 0, "started"));
        await Store.SaveAsync(created);
        await SaveNewAsync(other);
        var otherChanges = Changes((await Store.LoadInstanceAsync(other.Id))!, 1);
        otherChanges.History.Add(History(other, 0, "started"));
        await Store.SaveAsync(otherChanges);
        var next = Changes((await Store.LoadInstanceAsync(instance.Id))!, 1);
        next.History.Add(History(instance, 2, "taskCompleted", actor: "clerk.wang"));
        await Store.SaveAsync(next);

        var history = await Store.HistoryAsync(instance.Id);

        Assert.Equal(["started", "tokenMoved", "taskCompleted"], history.Select(h => h.Kind));
        Assert.Equal(History(instance, 2, "taskCompleted", actor: "clerk.wang"), history[2]);
        Assert.Equal("""{"to":"registerBirth"}""", history[1].Data);
        Assert.Single(await Store.HistoryAsync(other.Id));
        Assert.Empty(await Store.HistoryAsync(Guid.NewGuid()));
    }

    // ---- helpers ----

    private Task<DeployedDefinition> DeployAsync(string key = "newborn", string content = "v1", DateTimeOffset? deployedAt = null) =>
        Store.AddDefinitionAsync(new NewDefinition(key, $"<definitions id=\"{content}\"/>", $"sha256:{content}",
            "Newborn registration", $"{key}.bpmn", deployedAt ?? T0));

    private static InstanceChanges Changes(ProcessInstance instance, long expectedVersion) =>
        new() { Instance = instance, ExpectedVersion = expectedVersion };

    private async Task SaveNewAsync(ProcessInstance instance, params TaskRecord[] tasks) =>
        await SaveNewAsync(instance, tasks, [], []);

    private async Task SaveNewAsync(ProcessInstance instance, TaskRecord[]? tasks = null,
        TimerRecord[]? timers = null, SubscriptionRecord[]? subscriptions = null)
    {
        var changes = Changes(instance, 0);
        changes.Tasks.AddRange(tasks ?? []);
        changes.AddedTimers.AddRange(timers ?? []);
        changes.AddedSubscriptions.AddRange(subscriptions ?? []);
        await Store.SaveAsync(changes);
    }

    private Task<IReadOnlyList<TaskRecord>> AllTasksAsync(Guid instanceId) => Store.ListTasksAsync(new TaskQuery(InstanceId: instanceId));

    private static TaskRecord TaskOf(ProcessInstance instance, string department, DateTimeOffset createdAt, DateTimeOffset? dueAt = null) =>
        new(Guid.NewGuid(), instance.Id, $"review-{department}", $"Review ({department})", department, $"forms/{department}",
            createdAt, dueAt, TaskState.Open, null, null);

    private static HistoryRecord History(ProcessInstance instance, int sequence, string kind, string? actor = null, string? data = null) =>
        new(instance.Id, sequence, T0.AddMinutes(sequence), kind, "registerBirth", actor, data);

    private static ProcessInstance NewInstance(DeployedDefinition definition, string? initiator = null, DateTimeOffset? startedAt = null)
    {
        var token = Guid.NewGuid();
        return new ProcessInstance
        {
            Id = Guid.NewGuid(),
            DefinitionId = definition.Id,
            DefinitionKey = definition.Key,
            DefinitionVersion = definition.Version,
            BusinessKey = "APP-2026-000123",
            Initiator = initiator,
            StartedAt = startedAt ?? T0,
            Variables = new JsonObject
            {
                ["applicant"] = new JsonObject { ["name"] = "李明", ["idNumber"] = "110101199003070011" },
                ["children"] = new JsonArray("Li Xiaoming", "Li Xiaohong"),
                ["fee"] = 1250.5m,
                ["urgent"] = true,
                ["note"] = null,
            },
            Tokens = [new Token { Id = token, NodeId = "registerBirth", ArrivedVia = "flow_1", Wait = TokenWait.Task }],
            Scopes = [new ScopeInstance { Id = Guid.NewGuid(), SubProcessId = "review", ParentTokenId = token }],
            Tasks = [new TaskItem
            {
                Id = Guid.NewGuid(), TokenId = token, ActivityId = "registerBirth", Name = "Register birth",
                Department = "civil-affairs", FormRef = "forms/birth", CreatedAt = T0, DueAt = T0.AddDays(7),
            }],
            Timers = [new TimerItem { Id = Guid.NewGuid(), TokenId = token, ActivityId = "deadline", DueAt = T0.AddDays(7), Fired = 1 }],
            Subscriptions = [new SubscriptionItem
            {
                Id = Guid.NewGuid(), TokenId = token, ActivityId = "waitPayment", MessageName = "payment", CorrelationKey = "APP-2026-000123",
            }],
            Incidents = [new Incident { Id = Guid.NewGuid(), TokenId = token, ElementId = "gw", Message = "No outgoing flow matched.", At = T0 }],
            HistoryCount = 3,
        };
    }
}
