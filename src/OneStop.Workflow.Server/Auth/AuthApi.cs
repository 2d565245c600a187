using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OneStop.Workflow.Server.Hosting;
using OneStop.Workflow.Server.Problems;

namespace OneStop.Workflow.Server.Auth;

public sealed record TokenRequest(string? Username, string? Password);

public sealed record TokenResponse(string AccessToken, int ExpiresIn, string TokenType = "Bearer");

/// <summary>Who the caller is, as the web pages need it: the name to show, the roles that decide the pages, the departments
/// whose queues a staff member works.</summary>
public sealed record MeResponse(string UserName, IReadOnlyList<string> Roles, IReadOnlyList<string> Departments);

public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Auth");
        auth.MapPost("/token", IssueTokenAsync).AllowAnonymous().WithJsonBodyLimit();
        app.MapGet("/api/me", Me).RequireAuthorization(Policies.Authenticated).WithTags("Auth");
        return app;
    }

    /// <summary>Read from the validated token, so it answers for local and external callers alike without a database
    /// round trip; roles come back in the order of <see cref="Auth.Roles.All"/>.</summary>
    private static Ok<MeResponse> Me(ClaimsPrincipal user)
    {
        var roles = user.FindAll(AuthSetup.RoleClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return TypedResults.Ok(new MeResponse(
            user.Name(),
            Auth.Roles.All.Where(roles.Contains).Concat(roles.Except(Auth.Roles.All).Order(StringComparer.Ordinal)).ToList(),
            user.Departments().Order(StringComparer.Ordinal).ToList()));
    }

    private static async Task<Ok<TokenResponse>> IssueTokenAsync(TokenRequest request, UserStore users, TokenIssuer issuer,
        TokenAttempts attempts, HttpContext context, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Username)) errors["username"] = ["Give the user name."];
        if (string.IsNullOrEmpty(request.Password)) errors["password"] = ["Give the password."];
        if (errors.Count > 0)
            throw new RequestValidationException("The token request is not complete.", errors);
        attempts.Count(context, request.Username!);
        // One message for an unknown user and a wrong password: the answer must not tell which names exist.
        var user = await users.CheckPasswordAsync(request.Username!, request.Password!, ct)
            ?? throw new ApiProblemException(StatusCodes.Status400BadRequest, "Invalid credentials", "The user name or password is wrong.");
        var (token, expiresIn) = issuer.Issue(user, clock.GetUtcNow());
        return TypedResults.Ok(new TokenResponse(token, expiresIn));
    }
}
