using Microsoft.AspNetCore.Http.Features;

namespace OneStop.Workflow.Server.Problems;

/// <summary>Reads a multipart/form-data body so that a malformed or cut-off body is the caller's error (400 naming the
/// field), and only a real size excess is a 413.</summary>
public static class MultipartForms
{
    public static async Task<IFormCollection> ReadAsync(HttpContext context, long bodyLimit, string field, Func<Exception> tooLarge,
        CancellationToken ct)
    {
        context.Features.Set<IFormFeature>(new FormFeature(context.Request, new FormOptions { MultipartBodyLengthLimit = bodyLimit }));
        try
        {
            return await context.Request.ReadFormAsync(ct);
        }
        catch (InvalidDataException e) when (e.Message.Contains("body length limit", StringComparison.OrdinalIgnoreCase))
        {
            // FormFeature reports the MultipartBodyLengthLimit set above with this message and no more specific type.
            throw tooLarge();
        }
        catch (InvalidDataException e)
        {
            throw RequestValidationException.For(field, $"The multipart/form-data body is malformed: {e.Message}");
        }
        catch (IOException)
        {
            throw RequestValidationException.For(field, "The multipart/form-data body ended before its closing boundary; send the whole body again.");
        }
    }
}
