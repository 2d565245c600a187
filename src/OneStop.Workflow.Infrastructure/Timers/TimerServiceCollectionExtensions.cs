using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure.Persistence;
using OneStop.Workflow.Infrastructure.Timers;
using Quartz;

namespace OneStop.Workflow.Infrastructure;

public static partial class InfrastructureServiceCollectionExtensions
{
    /// <summary>The Quartz scheduler's name: every node of a cluster uses the same one.</summary>
    public const string TimerSchedulerName = "OneStop.Workflow.Timers";

    /// <summary>
    /// Durable timers woken by Quartz.NET on the workflow database (SQLite: one node; PostgreSQL: clustered): the
    /// <see cref="IWorkflowStore"/> registered by <see cref="AddWorkflowPersistence"/> is wrapped so that committed
    /// commands schedule and remove triggers, and <see cref="TimerService"/> runs as a hosted service. The host
    /// registers a <see cref="WorkflowEngine"/> on that store. With <see cref="TimerOptions.Enabled"/> off nothing is added.
    /// </summary>
    public static IServiceCollection AddWorkflowTimers(this IServiceCollection services, TimerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var database = services.LastOrDefault(d => d.ServiceType == typeof(DatabaseOptions) && !d.IsKeyedService)?.ImplementationInstance as DatabaseOptions
            ?? throw new InvalidOperationException($"Call {nameof(AddWorkflowPersistence)} before {nameof(AddWorkflowTimers)}: timers live in the workflow database.");
        options.EnsureValid(database);
        services.AddSingleton(options);
        if (!options.Enabled)
            return services;

        WrapStore(services);
        services.AddSingleton<TimerTriggers>();
        services.AddSingleton<TriggerUpdates>();
        services.AddTransient<FireTimerJob>();
        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                scheduler.InstanceName = TimerSchedulerName;
                if (options.NodeId is { } node) scheduler.InstanceId = node;
            });
            quartz.UseDefaultThreadPool(options.MaxConcurrentFirings);
            quartz.UsePersistentStore(store =>
            {
                if (database.IsSqlite)
                    store.UseSqlite(new SqliteConnections(database.SqliteSynchronousFull), SqliteSettings.PrepareConnectionString(database.ConnectionString));
                else
                    store.UsePostgres(NpgsqlFactory.Instance, database.ConnectionString);
                // Quartz creates its own tables (QRTZ_*) when missing, as its own 4.x script defines them; its creation is
                // guarded and retried, so nodes that start together converge on one schema.
                store.ProvisionSchema();
                // The trigger data are three strings: stored as text, readable in the database and free of a serializer.
                store.ConfigureStore(job => job.StoreJobDataAsStrings = true);
                if (options.IsClusteredOn(database))
                    store.UseClustering(cluster =>
                    {
                        cluster.CheckinInterval = options.ClusterCheckinInterval ?? TimerOptions.DefaultClusterCheckinInterval;
                        cluster.CheckinMisfireThreshold = options.ClusterCheckinMisfireThreshold ?? TimerOptions.DefaultClusterCheckinMisfireThreshold;
                    });
            });
        });
        services.AddSingleton<TimerService>();
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<TimerService>());
        return services;
    }

    /// <summary>Moves the registered store under a key and registers <see cref="TimerTriggeringStore"/> around it, so the
    /// container still creates and disposes the inner one.</summary>
    private static void WrapStore(IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IWorkflowStore) && !d.IsKeyedService)
            ?? throw new InvalidOperationException($"No {nameof(IWorkflowStore)} is registered to wake timers for.");
        services.Remove(registered);
        const string inner = "timer-triggering-store.inner";
        services.Add(registered switch
        {
            { ImplementationInstance: { } instance } => ServiceDescriptor.KeyedSingleton(typeof(IWorkflowStore), inner, instance),
            { ImplementationFactory: { } factory } => new ServiceDescriptor(typeof(IWorkflowStore), inner, (provider, _) => factory(provider), registered.Lifetime),
            _ => new ServiceDescriptor(typeof(IWorkflowStore), inner, registered.ImplementationType!, registered.Lifetime),
        });
        services.Add(new ServiceDescriptor(typeof(IWorkflowStore), provider => new TimerTriggeringStore(
            provider.GetRequiredKeyedService<IWorkflowStore>(inner), provider.GetRequiredService<TriggerUpdates>()), registered.Lifetime));
    }
}
