using System.Threading.RateLimiting;
using OneStop.Workflow.Server.Problems;

namespace OneStop.Workflow.Server.Auth;

/// <summary>Bounds password guessing at POST /api/auth/token: a fixed number of attempts per minute per client address
/// and, separately, per user name (so that many addresses cannot take turns on one account).</summary>
public sealed class TokenAttempts : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public TokenAttempts(AuthOptions options) =>
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, k => new FixedWindowRateLimiterOptions
        {
            PermitLimit = k.StartsWith("client:", StringComparison.Ordinal) ? options.TokenAttemptsPerMinutePerClient : options.TokenAttemptsPerMinutePerUser,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>Counts one attempt; throws 429 when the client or the user name has used up the minute's attempts.</summary>
    public void Count(HttpContext context, string userName)
    {
        using var client = _limiter.AttemptAcquire("client:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown"));
        using var user = _limiter.AttemptAcquire("user:" + userName.Trim().ToLowerInvariant());
        if (!client.IsAcquired || !user.IsAcquired)
        {
            context.Response.Headers.RetryAfter = "60";
            throw new ApiProblemException(StatusCodes.Status429TooManyRequests, "Too many attempts",
                "Too many sign-in attempts for this client or user name; wait a minute and try again.");
        }
    }

    public void Dispose() => _limiter.Dispose();
}
