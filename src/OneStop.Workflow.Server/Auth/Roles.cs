using System.Security.Claims;

namespace OneStop.Workflow.Server.Auth;

public static class Roles
{
    public const string Citizen = "citizen";
    public const string Staff = "staff";
    public const string Supervisor = "supervisor";
    public const string Designer = "designer";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Citizen, Staff, Supervisor, Designer, Admin];

    /// <summary>The claim that carries a staff member's department (one claim per department).</summary>
    public const string DepartmentClaim = "department";
}

public static class Policies
{
    public const string Citizen = "citizen";
    public const string Staff = "staff";
    public const string Supervision = "supervision";
    public const string Design = "design";
    public const string Authenticated = "authenticated";
}

public static class CallerExtensions
{
    public static string Name(this ClaimsPrincipal user) =>
        user.Identity?.Name ?? user.FindFirstValue("sub") ?? throw new InvalidOperationException("An authenticated caller has no name.");

    public static IReadOnlySet<string> Departments(this ClaimsPrincipal user) =>
        user.FindAll(Roles.DepartmentClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);

    public static bool IsSupervisorOrAdmin(this ClaimsPrincipal user) => user.IsInRole(Roles.Supervisor) || user.IsInRole(Roles.Admin);
}
