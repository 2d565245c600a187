using System.Reflection;
using Microsoft.Extensions.Configuration;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure.Persistence;
using OneStop.Workflow.Infrastructure.Timers;
using OneStop.Workflow.Tests.Persistence;

namespace OneStop.Workflow.Tests.Timers;

/// <summary>A timer that cannot fire, and settings that would quietly switch the safety net off.</summary>
public sealed class TimerFailureTests : IAsyncDisposable
{
    private readonly TempFolder _folder = new();
    private readonly List<TimerNode> _nodes = [];

    private DatabaseOptions Database => new(DatabaseOptions.Sqlite, $"Data Source={Path.Combine(_folder.Path, "timers.db")}");

    [Fact]
    public async Task OverdueTimerWhoseFiringAlwaysFails_DoesNotKeepLaterTimersOrQuartzFromStarting()
    {
        var clock = new VirtualClock(TimerNode.FutureStart);
        var first = await TimerNode.StartAsync(Database, clock);
        _nodes.Add(first);
        await first.Engine.DeployAsync(TimerModels.Wait("one-hour", "PT1H"), "one-hour.bpmn");
        await first.Engine.DeployAsync(TimerModels.Wait("two-hours", "PT2H"), "two-hours.bpmn");
        var failing = await first.Engine.StartAsync("one-hour");
        var healthy = await first.Engine.StartAsync("two-hours");
        await first.Updates.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _nodes.Remove(first);
        await first.DisposeAsync();

        clock.Advance(TimeSpan.FromHours(3));
        var restarted = await TimerNode.StartAsync(Database, clock, new TimerOptions(SweepInterval: TimeSpan.FromMinutes(5)),
            wrapStore: inner => FailingSaves.Around(inner, failing.Id), start: false);
        _nodes.Add(restarted);
        await restarted.Service.StartAsync(CancellationToken.None);

        await restarted.Service.Started.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, await restarted.TimerFiredCountAsync(healthy.Id));
        Assert.Equal(0, await restarted.TimerFiredCountAsync(failing.Id));
    }

    [Theory]
    [InlineData("SweepInterval", "30")]
    [InlineData("ClusterCheckinMisfireThreshold", "10")]
    [InlineData("SweepInterval", "2.00:00:00")]
    [InlineData("ClusterCheckinInterval", "01:00:00")]
    public void Duration_WithoutColons_OrBeyondItsLimit_IsRefusedNamingTheKey(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new KeyValuePair<string, string?>($"Timers:{key}", value)]).Build();

        var error = Assert.Throws<InvalidOperationException>(() => TimerOptions.FromConfiguration(configuration));

        Assert.Contains($"Timers:{key}", error.Message);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
        _folder.Dispose();
    }
}

/// <summary>A store whose saves for one instance always fail: a timer whose firing can never commit.</summary>
public class FailingSaves : DispatchProxy
{
    private IWorkflowStore _inner = null!;
    private Guid _instance;

    public static IWorkflowStore Around(IWorkflowStore inner, Guid instance)
    {
        var store = Create<IWorkflowStore, FailingSaves>();
        ((FailingSaves)(object)store)._inner = inner;
        ((FailingSaves)(object)store)._instance = instance;
        return store;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        if (method!.Name == nameof(IWorkflowStore.SaveAsync) && ((InstanceChanges)args![0]!).Instance.Id == _instance)
            return Task.FromException(new InvalidOperationException("The database refuses this instance."));
        try
        {
            return method.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }
}
