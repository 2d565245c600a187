using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;
using OneStop.Workflow.Server.Problems;

namespace OneStop.Workflow.Server.Hosting;

/// <summary>
/// Serves the web front ends (the production build of designer/, made by the server's build) on the API's origin:
/// GET and HEAD only, "/" is the sign-in page, content-hashed assets are cached for a year and HTML is revalidated on
/// every load so that a new deployment is picked up at once. Every answer carries a Content-Security-Policy that names
/// no origin but this one. Paths of the API, the OpenAPI document and the health check never reach the files.
/// </summary>
public static class WebUi
{
    /// <summary>Configuration key of the folder holding the built pages; relative paths are taken from the repository root.</summary>
    public const string DirectoryKey = "WebUi:Directory";
    public const string DefaultDirectory = "designer/dist";

    /// <summary>Only this origin: scripts and styles are files of the build. Inline styles are allowed because bpmn-js and
    /// form-js write style attributes into their SVG and DOM; data: and blob: images carry their icons and the pages'
    /// downloads. No external origin appears anywhere.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Vite writes every bundled file under this folder with a content hash in its name.</summary>
    private const string HashedAssetsFolder = "/assets/";

    private static readonly string[] ServerPrefixes = ["/api", "/openapi", "/health"];

    public static IApplicationBuilder UseOneStopWebUi(this WebApplication app)
    {
        var root = app.Services.GetRequiredService<ServerPaths>().Root;
        var configured = app.Configuration[DirectoryKey] is { Length: > 0 } value ? value : DefaultDirectory;
        var directory = Path.GetFullPath(Path.Combine(root, configured));
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebUi).FullName!);

        return app.UseWhen(context => IsWebUiRequest(context.Request), branch =>
        {
            if (!File.Exists(Path.Combine(directory, "index.html")))
            {
                log.LogWarning("The web UI is not built: no index.html in {Directory}. Build the server (it runs npm) or run `npm ci && npm run build` in designer/",
                    directory);
                branch.Run(_ => throw new ApiProblemException(StatusCodes.Status503ServiceUnavailable, "The web UI is not built",
                    $"No index.html in {configured}. Build the server without -p:BuildWebUi=false, or run `npm ci && npm run build` in designer/."));
                return;
            }
            var files = new PhysicalFileProvider(directory);
            branch.Use((context, next) =>
            {
                // "/" is the sign-in page; any other path is a file of the build or not found.
                if (context.Request.Path == "/")
                    context.Request.Path = "/index.html";
                context.Response.OnStarting(() =>
                {
                    SetSecurityHeaders(context.Response);
                    return Task.CompletedTask;
                });
                return next(context);
            });
            branch.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = files,
                ContentTypeProvider = ContentTypes(),
                OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = CacheControlFor(file.Context.Request.Path),
            });
            // A page or asset that is not in the build is simply not found (not a sign-in challenge), unless an endpoint
            // outside the API's prefixes claimed the path.
            branch.Use((context, next) => context.GetEndpoint() is null
                ? throw ApiProblemException.NotFound($"There is no page or file at {context.Request.Path}.")
                : next(context));
        });
    }

    /// <summary>A GET or HEAD for anything that is not the API, the OpenAPI document or the health check.</summary>
    private static bool IsWebUiRequest(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && !ServerPrefixes.Any(prefix => request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

    /// <summary>Hashed assets never change under their name; everything else (the HTML that names them, the icon) is
    /// revalidated by its ETag on every load.</summary>
    internal static string CacheControlFor(PathString path) =>
        path.StartsWithSegments(HashedAssetsFolder.TrimEnd('/'), StringComparison.Ordinal)
            ? "public, max-age=31536000, immutable"
            : "no-cache";

    private static void SetSecurityHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers[HeaderNames.XFrameOptions] = "DENY";
    }

    private static FileExtensionContentTypeProvider ContentTypes()
    {
        var types = new FileExtensionContentTypeProvider();
        // Source maps and modern module files the default table may not know.
        types.Mappings[".map"] = "application/json";
        types.Mappings[".mjs"] = "text/javascript";
        types.Mappings[".webmanifest"] = "application/manifest+json";
        return types;
    }
}
