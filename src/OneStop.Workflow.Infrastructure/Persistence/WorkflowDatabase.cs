using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace OneStop.Workflow.Infrastructure.Persistence;

public static class WorkflowDatabase
{
    /// <summary>Any 64-bit number, the same on every node: the PostgreSQL advisory lock that migrations run under.</summary>
    private const long MigrationLock = 0x4F6E6553746F70; // "OneStop"

    /// <summary>Creates the database on first run and applies every migration it lacks. Safe to call from several
    /// nodes at once: on PostgreSQL the nodes take turns under an advisory lock (EF Core's own migration lock does not
    /// keep two Npgsql migrators from applying the same migration); SQLite serialises writers by itself.</summary>
    public static Task MigrateAsync(IServiceProvider services, CancellationToken ct = default) =>
        MigrateAsync(services.GetRequiredService<IDbContextFactory<WorkflowDbContext>>(), ct);

    public static async Task MigrateAsync(IDbContextFactory<WorkflowDbContext> factory, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!db.Database.IsNpgsql())
        {
            await db.Database.MigrateAsync(ct);
            return;
        }

        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(ct))
        {
            try
            {
                await creator.CreateAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // Another node created it a moment ago.
            }
        }

        // The lock is held by this context's own connection, which the migrator then uses, for the whole migration.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLock})", ct);
            try
            {
                await db.Database.MigrateAsync(ct);
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({MigrationLock})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
