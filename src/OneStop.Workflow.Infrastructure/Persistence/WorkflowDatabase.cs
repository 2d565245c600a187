using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace OneStop.Workflow.Infrastructure.Persistence;

public static class WorkflowDatabase
{
    /// <summary>Creates the database on first run and applies every migration it lacks. Safe to call from several
    /// nodes at once: EF Core holds a migration lock while it works.</summary>
    public static Task MigrateAsync(IServiceProvider services, CancellationToken ct = default) =>
        MigrateAsync(services.GetRequiredService<IDbContextFactory<WorkflowDbContext>>(), ct);

    public static async Task MigrateAsync(IDbContextFactory<WorkflowDbContext> factory, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.MigrateAsync(ct);
    }
}
