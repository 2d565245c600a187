using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using OneStop.Workflow.Infrastructure.Bundles;
using OneStop.Workflow.Server.Problems;

namespace OneStop.Workflow.Server.Bundles;

public sealed record SealPublicKeyResponse(string KeyId, string Algorithm, string Pem, JsonNode Jwk);

public sealed record BundleVerificationResponse(bool Valid, IReadOnlyList<string> Problems, string? KeyId, Guid? ApplicationId, int? Files);

public static class BundlesApi
{
    /// <summary>The largest bundle the verify endpoint reads.</summary>
    public const long MaxUploadBytes = 8L * 1024 * 1024;

    /// <summary>The rate limiter policy that bounds concurrent verifications.</summary>
    public const string VerifyConcurrencyPolicy = "bundle-verify";

    public static IEndpointRouteBuilder MapBundlesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/seal/public-key", (SealKey seal) => TypedResults.Ok(new SealPublicKeyResponse(
            seal.KeyId, "ES256", seal.PublicKey.ToPem(), JsonNode.Parse(seal.PublicKey.ToJwk())!))).AllowAnonymous().WithTags("Bundles");
        app.MapPost("/api/bundles/verify", VerifyAsync).AllowAnonymous().RequireRateLimiting(VerifyConcurrencyPolicy).WithTags("Bundles");
        return app;
    }

    /// <summary>Verifies a bundle sent as the raw body (application/zip) or as the one file of a multipart form.</summary>
    private static async Task<Ok<BundleVerificationResponse>> VerifyAsync(HttpContext context, SealKey seal, CancellationToken ct)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxUploadBytes + 64 * 1024;
        if (context.Request.ContentLength > MaxUploadBytes + 64 * 1024)
            throw TooLarge();

        using var buffer = new MemoryStream();
        if (context.Request.HasFormContentType)
        {
            var form = await MultipartForms.ReadAsync(context, MaxUploadBytes + 64 * 1024, "bundle", TooLarge, ct);
            if (form.Files.Count != 1)
                throw RequestValidationException.For("bundle", "Send exactly one file: the outcome bundle ZIP.");
            await using var file = form.Files[0].OpenReadStream();
            await CopyLimitedAsync(file, buffer, ct);
        }
        else
        {
            await CopyLimitedAsync(context.Request.Body, buffer, ct);
        }
        if (buffer.Length == 0)
            throw RequestValidationException.For("bundle", "The request has no body; send the outcome bundle ZIP (Content-Type: application/zip).");
        buffer.Position = 0;
        var result = OutcomeBundleVerifier.Verify(buffer, seal.PublicKey, new BundleLimits(MaxBundleBytes: MaxUploadBytes));
        return TypedResults.Ok(new BundleVerificationResponse(result.Valid, result.Problems, result.KeyId,
            result.Manifest?.ApplicationId, result.Manifest?.Files.Count));
    }

    private static async Task CopyLimitedAsync(Stream source, MemoryStream destination, CancellationToken ct)
    {
        var chunk = new byte[81920];
        int read;
        while ((read = await source.ReadAsync(chunk, ct)) > 0)
        {
            if (destination.Length + read > MaxUploadBytes)
                throw TooLarge();
            destination.Write(chunk, 0, read);
        }
    }

    private static ApiProblemException TooLarge() =>
        new(StatusCodes.Status413PayloadTooLarge, "Bundle too large", $"A bundle may have at most {MaxUploadBytes:N0} bytes.");
}
