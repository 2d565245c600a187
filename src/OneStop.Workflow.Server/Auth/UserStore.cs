using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OneStop.Workflow.Infrastructure.Persistence;

namespace OneStop.Workflow.Server.Auth;

/// <summary>The server's own users: PBKDF2 password hashes (ASP.NET Core's <see cref="PasswordHasher{TUser}"/>), roles and
/// the departments of staff.</summary>
public sealed class UserStore(IDbContextFactory<WorkflowDbContext> contexts, TimeProvider clock, ILogger<UserStore> logger)
{
    public const string DemoPassword = "demo";

    private readonly PasswordHasher<UserRow> _hasher = new();

    /// <summary>The user when the password is right; null for an unknown user or a wrong password alike.</summary>
    public async Task<UserRow?> CheckPasswordAsync(string userName, string password, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == userName, ct);
        if (user is null)
        {
            // Hash anyway so that an unknown name takes as long as a wrong password.
            _hasher.HashPassword(new UserRow { UserName = userName, PasswordHash = "", Roles = "" }, password);
            return null;
        }
        return _hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed ? null : user;
    }

    /// <summary>Creates the user unless one with that name exists. Returns true when created.</summary>
    public async Task<bool> EnsureUserAsync(string userName, string password, IEnumerable<string> roles, IEnumerable<string>? departments,
        CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await db.Users.AnyAsync(u => u.UserName == userName, ct))
            return false;
        var user = new UserRow
        {
            Id = Guid.CreateVersion7(),
            UserName = userName,
            PasswordHash = "",
            Roles = string.Join(',', roles),
            Departments = departments is null ? null : string.Join(',', departments),
            CreatedAt = clock.GetUtcNow(),
        };
        user.PasswordHash = _hasher.HashPassword(user, password);
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another node seeded it at the same moment; anything else fails again on this read.
            await using var check = await contexts.CreateDbContextAsync(ct);
            if (await check.Users.AnyAsync(u => u.UserName == userName, ct))
                return false;
            throw;
        }
    }

    /// <summary>Development only: citizen1, citizen2, designer, supervisor, admin and staff.&lt;department&gt; for every
    /// department of the deployed scenarios, each with password "demo".</summary>
    public async Task SeedDemoUsersAsync(IEnumerable<string> departments, CancellationToken ct = default)
    {
        var created = 0;
        foreach (var (name, role) in new[]
                 {
                     ("citizen1", Roles.Citizen), ("citizen2", Roles.Citizen), ("designer", Roles.Designer),
                     ("supervisor", Roles.Supervisor), ("admin", Roles.Admin),
                 })
        {
            if (await EnsureUserAsync(name, DemoPassword, [role], null, ct)) created++;
        }
        foreach (var department in departments.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (await EnsureUserAsync($"staff.{department}", DemoPassword, [Roles.Staff], [department], ct)) created++;
        }
        if (created > 0)
            logger.LogWarning("Seeded {Count} demonstration users with password \"demo\" (Development only)", created);
    }

    internal static IEnumerable<string> Split(string? list) =>
        string.IsNullOrEmpty(list) ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
