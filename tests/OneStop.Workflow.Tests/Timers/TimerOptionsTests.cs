using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure;
using OneStop.Workflow.Infrastructure.Persistence;
using OneStop.Workflow.Infrastructure.Timers;

namespace OneStop.Workflow.Tests.Timers;

public sealed class TimerOptionsTests
{
    private static readonly DatabaseOptions Sqlite = new(DatabaseOptions.Sqlite, "Data Source=timers.db");
    private static readonly DatabaseOptions Postgres = new(DatabaseOptions.PostgreSql, "Host=127.0.0.1;Database=onestop");

    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void ShippedConfiguration_WakesTimers_ClusteredOnlyOnPostgreSql()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryPaths.Root, "appsettings.json")).Build();

        var options = TimerOptions.FromConfiguration(configuration);

        Assert.True(options.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Sweep);
        Assert.Null(options.Clustered);
        Assert.False(options.IsClusteredOn(Sqlite));
        Assert.True(options.IsClusteredOn(Postgres));
    }

    [Fact]
    public void MissingSection_MeansTheDefaults()
    {
        var options = TimerOptions.FromConfiguration(Configuration());

        Assert.Equal(new TimerOptions(), options);
        Assert.Equal(TimerOptions.DefaultSweepInterval, options.Sweep);
    }

    [Theory]
    [InlineData("SweepInterval", "soon", "Configuration 'Timers:SweepInterval' must be a duration as hours:minutes:seconds, not 'soon'")]
    [InlineData("SweepInterval", "00:00:00", "Configuration 'Timers:SweepInterval' must be longer than zero")]
    [InlineData("Enabled", "yes", "Configuration 'Timers:Enabled' must be true or false, not 'yes'")]
    [InlineData("MaxConcurrentFirings", "0", "Configuration 'Timers:MaxConcurrentFirings' must be between 1 and 256, not 0")]
    [InlineData("ClusterCheckinInterval", "00:00:00.500", "Configuration 'Timers:ClusterCheckinInterval' must be between one second and five minutes")]
    public void InvalidValue_IsRefused_NamingTheKeyAndWhatIsAllowed(string key, string value, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => TimerOptions.FromConfiguration(Configuration(($"Timers:{key}", value))));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.Contains("for example", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClusteredOnSqlite_IsRefused()
    {
        var services = new ServiceCollection().AddWorkflowPersistence(Sqlite);

        var error = Assert.Throws<InvalidOperationException>(() => services.AddWorkflowTimers(new TimerOptions(Clustered: true)));

        Assert.Contains("'Timers:Clustered' is true, but the database is SQLite", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TimersBeforePersistence_AreRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddWorkflowTimers(new TimerOptions()));

        Assert.Contains("AddWorkflowPersistence before AddWorkflowTimers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enabled_WrapsTheRegisteredStore_AndRunsTheTimerService()
    {
        var services = new ServiceCollection().AddLogging().AddWorkflowPersistence(Sqlite);
        services.AddSingleton(provider => new WorkflowEngine(provider.GetRequiredService<IWorkflowStore>(), TimeProvider.System));
        await using var provider = services.AddWorkflowTimers(new TimerOptions()).BuildServiceProvider();

        var store = Assert.IsType<TimerTriggeringStore>(provider.GetRequiredService<IWorkflowStore>());
        Assert.IsType<EfWorkflowStore>(store.Inner);
        Assert.Contains(provider.GetServices<IHostedService>(), s => s is TimerService);
    }

    [Fact]
    public async Task Disabled_LeavesTheStoreAlone_AndRunsNothing()
    {
        await using var provider = new ServiceCollection().AddLogging().AddWorkflowPersistence(Sqlite)
            .AddWorkflowTimers(new TimerOptions(Enabled: false)).BuildServiceProvider();

        Assert.IsType<EfWorkflowStore>(provider.GetRequiredService<IWorkflowStore>());
        Assert.Empty(provider.GetServices<IHostedService>());
    }
}
