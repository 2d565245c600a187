using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace OneStop.Workflow.Server.Auth;

/// <summary>Turns a validated token of the external issuer into this server's caller: a name in the issuer's own name
/// space ("&lt;issuer host&gt;|&lt;sub&gt;"), so that an external "citizen1" is never the local citizen1, and only the
/// roles <see cref="AuthOptions.AllowedExternalRoles"/> allows.</summary>
public static class ExternalIdentity
{
    public const string Separator = "|";

    public static Task Apply(TokenValidatedContext context, AuthOptions options)
    {
        var token = context.Principal;
        var subject = token?.FindFirstValue(AuthSetup.NameClaim);
        if (token is null || string.IsNullOrWhiteSpace(subject))
        {
            // Every endpoint needs the caller's name; a token without one is no identity.
            context.Fail("The external token has no \"sub\" claim.");
            return Task.CompletedTask;
        }
        var issuer = token.FindFirstValue("iss") ?? options.ExternalAuthority ?? "external";
        var allowed = options.AllowedExternalRoles;
        var claims = new List<Claim> { new(AuthSetup.NameClaim, NameOf(issuer, subject)) };
        claims.AddRange(token.FindAll(options.ExternalRoleClaim).Select(c => c.Value).Where(allowed.Contains).Distinct(StringComparer.Ordinal)
            .Select(role => new Claim(AuthSetup.RoleClaim, role)));
        claims.AddRange(token.FindAll(Roles.DepartmentClaim).Select(c => new Claim(Roles.DepartmentClaim, c.Value)));
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, context.Scheme.Name, AuthSetup.NameClaim, AuthSetup.RoleClaim));
        return Task.CompletedTask;
    }

    /// <summary>The caller's name for a subject of an external issuer.</summary>
    public static string NameOf(string issuer, string subject) =>
        (Uri.TryCreate(issuer, UriKind.Absolute, out var uri) ? uri.Host : issuer) + Separator + subject;
}
