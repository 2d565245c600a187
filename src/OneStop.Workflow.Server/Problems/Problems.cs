using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using OneStop.Workflow.Engine.Bpmn;
using OneStop.Workflow.Engine.Execution;

namespace OneStop.Workflow.Server.Problems;

/// <summary>A request whose fields are wrong: answered 400 with every field's errors, nothing stored.</summary>
public sealed class RequestValidationException(string title, IDictionary<string, string[]> errors) : Exception(title)
{
    public IDictionary<string, string[]> Errors { get; } = errors;

    public static RequestValidationException For(string field, string message) =>
        new("The request is not valid.", new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>Something the caller may not do (403) or that does not exist for the caller (404).</summary>
public sealed class ApiProblemException(int status, string title, string? detail = null) : Exception(detail ?? title)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public string? Detail { get; } = detail;

    public static ApiProblemException NotFound(string what) => new(StatusCodes.Status404NotFound, "Not found", what);
    public static ApiProblemException Forbidden(string why) => new(StatusCodes.Status403Forbidden, "Forbidden", why);
    public static ApiProblemException Conflict(string why) => new(StatusCodes.Status409Conflict, "Conflict", why);
}

/// <summary>Turns every exception into RFC 7807 problem+json: user errors with what and where, programming errors as a
/// bare 500 that names the correlation id (the details go to the log only).</summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem = exception switch
        {
            RequestValidationException e => new ValidationProblemDetails(e.Errors) { Status = 400, Title = e.Message },
            ApiProblemException e => new ProblemDetails { Status = e.Status, Title = e.Title, Detail = e.Detail },
            BpmnValidationException e => Invalid(e),
            Scenarios.ScenarioDeployException e => Invalid(e),
            WorkflowCommandException e => new ProblemDetails
            {
                Status = e.Error switch
                {
                    CommandError.NotFound => 404,
                    CommandError.Invalid => 400,
                    _ => 409,
                },
                Title = e.Error switch
                {
                    CommandError.NotFound => "Not found",
                    CommandError.Invalid => "The request cannot be applied",
                    CommandError.Conflict => "Busy: try again",
                    _ => "Not possible in the current state",
                },
                Detail = e.Message,
            },
            BadHttpRequestException { InnerException: System.Text.Json.JsonException json } e => JsonProblem(e.StatusCode, json),
            BadHttpRequestException e when IsMissingBody(e) => new ProblemDetails
            {
                Status = e.StatusCode,
                Title = "The request has no body",
                Detail = "Send a JSON object as the request body (Content-Type: application/json).",
            },
            BadHttpRequestException e => new ProblemDetails { Status = e.StatusCode, Title = "The request is malformed", Detail = e.Message },
            _ => new ProblemDetails { Status = 500, Title = "Internal error", Detail = $"Quote correlation id {context.TraceIdentifier} when reporting it." },
        };
        if (problem.Status == 500)
            logger.LogError(new Logging.MaskedException(exception), "Unhandled error"); // the text of an exception can hold personal data
        else
            logger.LogInformation("Request refused: {Status} {Title}", problem.Status, problem.Title);

        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>A body that is not JSON, or JSON of the wrong type or shape, named by the field where it went wrong.</summary>
    private static ValidationProblemDetails JsonProblem(int status, System.Text.Json.JsonException json)
    {
        // The serializer's path is "$", "$.scenario" or "$.data.fields[0]"; the field is the path without "$.".
        var field = json.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
        var message = json.Message.Split(" Path: ", 2)[0];
        return new ValidationProblemDetails(new Dictionary<string, string[]> { [field] = [$"Not valid JSON of the expected type here: {message}"] })
        {
            Status = status,
            Title = "The body is not valid JSON for this request",
            Detail = $"The body is not valid JSON for this request at '{field}': {message}",
        };
    }

    /// <summary>The framework's answers for an empty body or a JSON null where an object is required.</summary>
    private static bool IsMissingBody(BadHttpRequestException e) =>
        e.Message.Contains("no body was provided", StringComparison.Ordinal) || e.Message.Contains("was not provided from body", StringComparison.Ordinal);

    private static ProblemDetails Invalid(Scenarios.ScenarioDeployException e)
    {
        var problem = new ProblemDetails
        {
            Status = 400,
            Title = "The scenario is not valid",
            Detail = $"{e.Problems.Count} problem(s) in the BPMN and the forms; nothing was deployed.",
        };
        problem.Extensions["problems"] = e.Problems.Select(p => new { source = p.Source, element = p.Element, line = p.Line, message = p.Message }).ToList();
        return problem;
    }

    private static ProblemDetails Invalid(BpmnValidationException e)
    {
        var problem = new ProblemDetails
        {
            Status = 400,
            Title = "The scenario is not valid",
            Detail = $"{e.Problems.Count} problem(s); nothing was deployed.",
        };
        problem.Extensions["problems"] = e.Problems.Select(p => new { elementType = p.ElementType, elementId = p.ElementId, line = p.Line, message = p.Message }).ToList();
        return problem;
    }
}
