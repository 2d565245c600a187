using System.Text.RegularExpressions;

namespace OneStop.Workflow.Server.Logging;

/// <summary>Gives every request one correlation id — the caller's X-Correlation-Id when it is well formed, otherwise a
/// new one — returns it in the response header, puts it on every log event of the request and in problem details.</summary>
public sealed partial class CorrelationIdMiddleware(RequestDelegate next, ILogger<CorrelationIdMiddleware> logger)
{
    public const string Header = "X-Correlation-Id";

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex WellFormed();

    public async Task InvokeAsync(HttpContext context)
    {
        var given = context.Request.Headers[Header].ToString();
        var id = WellFormed().IsMatch(given) ? given : Guid.NewGuid().ToString("N");
        context.TraceIdentifier = id;
        context.Response.Headers[Header] = id;
        using (logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = id }))
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            // Taken before the request runs: the exception handler clears the endpoint of a refused request.
            // The route template, not the raw path: paths can carry personal data.
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            try
            {
                await next(context);
            }
            finally
            {
                route ??= (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
                logger.LogInformation("{Method} {Route} answered {StatusCode} in {ElapsedMs:F1} ms",
                    context.Request.Method, route, context.Response.StatusCode,
                    System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
    }
}
