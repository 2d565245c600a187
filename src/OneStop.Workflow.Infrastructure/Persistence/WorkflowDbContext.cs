using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using OneStop.Workflow.Engine.Execution;

namespace OneStop.Workflow.Infrastructure.Persistence;

/// <summary>The workflow tables. The schema is created and upgraded by the hand-written migrations in Migrations/.</summary>
public sealed class WorkflowDbContext(DbContextOptions<WorkflowDbContext> options) : DbContext(options)
{
    public DbSet<DefinitionRow> Definitions => Set<DefinitionRow>();
    public DbSet<InstanceRow> Instances => Set<InstanceRow>();
    public DbSet<TaskRow> Tasks => Set<TaskRow>();
    public DbSet<TimerRow> Timers => Set<TimerRow>();
    public DbSet<SubscriptionRow> Subscriptions => Set<SubscriptionRow>();
    public DbSet<HistoryRow> History => Set<HistoryRow>();
    public DbSet<NoticeRow> Notices => Set<NoticeRow>();
    public DbSet<UserRow> Users => Set<UserRow>();
    public DbSet<TaskWorkRow> TaskWork => Set<TaskWorkRow>();
    public DbSet<AuditRow> Audit => Set<AuditRow>();
    public DbSet<AttachmentRow> Attachments => Set<AttachmentRow>();
    public DbSet<RatingRow> Ratings => Set<RatingRow>();
    public DbSet<FollowUpRow> FollowUps => Set<FollowUpRow>();

    /// <summary>Points <paramref name="builder"/> at the configured database with the settings every context needs.</summary>
    public static void Configure(DbContextOptionsBuilder builder, DatabaseOptions options)
    {
        options.EnsureValid();
        if (options.IsSqlite)
            builder.UseSqlite(SqliteSettings.PrepareConnectionString(options.ConnectionString))
                .AddInterceptors(SqliteSettings.Interceptor(options.SqliteSynchronousFull));
        else
            builder.UseNpgsql(options.ConnectionString);
        // There is no model snapshot (migrations are written by hand), so EF would always report pending changes;
        // a test compares the migrated schema with the model instead.
        builder.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder conventions)
    {
        // SQLite cannot compare or sort DateTimeOffset; UTC ticks sort and compare the same on every provider
        // and keep the full precision of the value.
        conventions.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        conventions.Properties<TaskState>().HaveConversion<string>();
        conventions.Properties<InstanceStatus>().HaveConversion<string>();
    }

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<DefinitionRow>(e =>
        {
            e.ToTable("Definitions");
            e.HasIndex(d => new { d.Key, d.Version }).IsUnique();
        });
        model.Entity<InstanceRow>(e =>
        {
            e.ToTable("Instances");
            e.Property(i => i.Version).IsConcurrencyToken();
            e.Property(i => i.Signal).HasDefaultValue(TaskSignal.Green);
            e.HasIndex(i => i.Initiator);
            e.HasOne<DefinitionRow>().WithMany().HasForeignKey(i => i.DefinitionId).OnDelete(DeleteBehavior.Restrict);
        });
        model.Entity<TaskRow>(e =>
        {
            e.ToTable("Tasks");
            e.Property(t => t.Signal).HasDefaultValue(TaskSignal.Green);
            e.HasIndex(t => new { t.Department, t.Status, t.CreatedAt });
            e.HasOne<InstanceRow>().WithMany().HasForeignKey(t => t.InstanceId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<TimerRow>(e =>
        {
            e.ToTable("Timers");
            e.HasIndex(t => t.DueAt);
            e.HasOne<InstanceRow>().WithMany().HasForeignKey(t => t.InstanceId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<SubscriptionRow>(e =>
        {
            e.ToTable("Subscriptions");
            e.HasIndex(s => new { s.MessageName, s.CorrelationKey });
            e.HasOne<InstanceRow>().WithMany().HasForeignKey(s => s.InstanceId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<HistoryRow>(e =>
        {
            e.ToTable("History");
            e.HasKey(h => new { h.InstanceId, h.Sequence });
            e.HasOne<InstanceRow>().WithMany().HasForeignKey(h => h.InstanceId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<NoticeRow>(e =>
        {
            e.ToTable("Notices");
            e.Property(n => n.Attempts).HasDefaultValue(0);
            // The dispatcher looks for what is not dispatched yet, oldest first.
            e.HasIndex(n => new { n.DispatchedAt, n.At });
            e.HasOne<InstanceRow>().WithMany().HasForeignKey(n => n.InstanceId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<UserRow>(e =>
        {
            e.ToTable("Users");
            e.HasIndex(u => u.UserName).IsUnique();
        });
        model.Entity<TaskWorkRow>(e =>
        {
            e.ToTable("TaskWork");
            e.HasKey(w => w.TaskId);
            e.Property(w => w.Version).IsConcurrencyToken();
            e.HasOne<InstanceRow>().WithMany().HasForeignKey(w => w.InstanceId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<AuditRow>(e =>
        {
            e.ToTable("Audit");
            e.HasIndex(a => new { a.InstanceId, a.At });
            e.HasOne<InstanceRow>().WithMany().HasForeignKey(a => a.InstanceId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<AttachmentRow>(e =>
        {
            e.ToTable("Attachments");
            e.HasIndex(a => a.InstanceId);
            e.HasOne<InstanceRow>().WithMany().HasForeignKey(a => a.InstanceId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<RatingRow>(e =>
        {
            e.ToTable("Ratings");
            e.HasKey(r => r.InstanceId);
            e.HasIndex(r => r.Scenario);
            e.HasOne<InstanceRow>().WithMany().HasForeignKey(r => r.InstanceId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<FollowUpRow>(e =>
        {
            e.ToTable("FollowUps");
            e.Property(f => f.Version).IsConcurrencyToken();
            e.HasIndex(f => f.Source).IsUnique();
            e.HasIndex(f => new { f.ClosedAt, f.CreatedAt });
            e.HasOne<InstanceRow>().WithMany().HasForeignKey(f => f.InstanceId).OnDelete(DeleteBehavior.Cascade);
        });
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
}
