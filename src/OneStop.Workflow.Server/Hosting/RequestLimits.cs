using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Http.Metadata;
using OneStop.Workflow.Server.Problems;

namespace OneStop.Workflow.Server.Hosting;

/// <summary>Bounds on request bodies: JSON requests are small, so they are refused far below Kestrel's 30 MB default.</summary>
public static class RequestLimits
{
    public const long JsonBodyBytes = 256 * 1024;

    /// <summary>Limits the endpoints' bodies to <see cref="JsonBodyBytes"/>; Kestrel enforces it on streamed bodies too.</summary>
    public static TBuilder WithJsonBodyLimit<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestSizeLimitAttribute(JsonBodyBytes));

    /// <summary>Refuses a declared body larger than the endpoint's limit before anything reads it, as a problem+json 413
    /// (hosts without a body size feature, such as the test server, get the same answer).</summary>
    public static IApplicationBuilder UseDeclaredBodyLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is { MaxRequestBodySize: { } max }
            && context.Request.ContentLength > max)
            throw new ApiProblemException(StatusCodes.Status413PayloadTooLarge, "Request too large", $"This request's body may have at most {max:N0} bytes.");
        await next(context);
    });
}
