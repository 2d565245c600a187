using Microsoft.AspNetCore.Http.HttpResults;
using OneStop.Workflow.Server.Hosting;
using OneStop.Workflow.Server.Problems;

namespace OneStop.Workflow.Server.Auth;

public sealed record TokenRequest(string? Username, string? Password);

public sealed record TokenResponse(string AccessToken, int ExpiresIn, string TokenType = "Bearer");

public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Auth");
        auth.MapPost("/token", IssueTokenAsync).AllowAnonymous().WithJsonBodyLimit();
        return app;
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
