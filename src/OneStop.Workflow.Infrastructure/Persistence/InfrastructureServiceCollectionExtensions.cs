using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure.Persistence;

namespace OneStop.Workflow.Infrastructure;

// Partial: each infrastructure concern adds its registration method from its own folder.
public static partial class InfrastructureServiceCollectionExtensions
{
    /// <summary>Registers the pooled <see cref="WorkflowDbContext"/> factory and the EF Core <see cref="IWorkflowStore"/>.
    /// Call <see cref="WorkflowDatabase.MigrateAsync(IServiceProvider, CancellationToken)"/> once at startup.</summary>
    public static IServiceCollection AddWorkflowPersistence(this IServiceCollection services, DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        services.AddSingleton(options);
        services.AddPooledDbContextFactory<WorkflowDbContext>(builder => WorkflowDbContext.Configure(builder, options));
        services.AddSingleton<IWorkflowStore, EfWorkflowStore>();
        return services;
    }
}
