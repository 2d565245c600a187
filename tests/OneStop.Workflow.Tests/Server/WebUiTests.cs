using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using OneStop.Workflow.Tests.Persistence;

namespace OneStop.Workflow.Tests.Server;

/// <summary>The web pages served on the API's origin, from a build folder the test writes (so that caching and headers
/// are checked on known files).</summary>
[Collection(ServerCollection.Name)]
public sealed class WebUiServingTests(ServerFixture server) : IDisposable
{
    private const string IndexHtml = "<!doctype html><html lang=\"en\"><head><title>Sign in</title></head><body></body></html>";
    private readonly TempFolder _build = WriteBuild();

    private static TempFolder WriteBuild()
    {
        var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "index.html"), IndexHtml);
        File.WriteAllText(Path.Combine(folder.Path, "portal.html"), "<!doctype html><title>Portal</title>");
        File.WriteAllText(Path.Combine(folder.Path, "favicon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        Directory.CreateDirectory(Path.Combine(folder.Path, "assets"));
        File.WriteAllText(Path.Combine(folder.Path, "assets", "portal-Bly5f0W9.js"), "console.log('portal');");
        return folder;
    }

    private readonly List<IDisposable> _hosts = [];

    private HttpClient Client(string? directory = null)
    {
        var host = server.WithWebHostBuilder(builder => builder.UseSetting("WebUi:Directory", directory ?? _build.Path));
        _hosts.Add(host);
        return host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
    }

    [Fact]
    public async Task Root_IsTheSignInPage_RevalidatedOnEveryLoad()
    {
        var response = await Client().GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(IndexHtml, await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.CacheControl?.NoCache, $"Cache-Control: {response.Headers.CacheControl}");
        Assert.NotNull(response.Headers.ETag);
    }

    [Fact]
    public async Task HashedAsset_IsCachedForAYear_AsImmutable()
    {
        var response = await Client().GetAsync("/assets/portal-Bly5f0W9.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        var cache = response.Headers.CacheControl!;
        Assert.Equal(TimeSpan.FromDays(365), cache.MaxAge);
        Assert.True(cache.Public);
        Assert.Contains("immutable", response.Headers.GetValues("Cache-Control").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnhashedFileOutsideAssets_IsRevalidated()
    {
        var response = await Client().GetAsync("/favicon.svg");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoCache);
    }

    [Fact]
    public async Task EveryPage_CarriesAContentSecurityPolicy_ThatNamesNoOtherOrigin()
    {
        var client = Client();
        foreach (var path in new[] { "/", "/portal.html", "/assets/portal-Bly5f0W9.js" })
        {
            var response = await client.GetAsync(path);
            var policy = response.Headers.GetValues("Content-Security-Policy").Single();

            var directives = policy.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(d => d.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToDictionary(d => d[0], d => d[1..]);
            Assert.Equal(["'self'"], directives["default-src"]);
            Assert.Equal(["'self'"], directives["script-src"]);
            Assert.Equal(["'self'"], directives["connect-src"]);
            Assert.Equal(["'none'"], directives["object-src"]);
            Assert.Equal(["'none'"], directives["frame-ancestors"]);
            string[] allowedSources = ["'self'", "'none'", "'unsafe-inline'", "data:", "blob:"];
            Assert.All(directives.Values.SelectMany(v => v), source => Assert.Contains(source, allowedSources));
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }
    }

    [Fact]
    public async Task Head_IsAnsweredWithoutABody()
    {
        var response = await Client().SendAsync(new HttpRequestMessage(HttpMethod.Head, "/portal.html"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Post_ToAPage_IsNotServed()
    {
        var response = await Client().PostAsync("/index.html", new StringContent("x"));

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task UnknownPage_IsNotFound_AsAProblem()
    {
        var problem = await (await Client().GetAsync("/no-such-page.html")).ProblemAsync(HttpStatusCode.NotFound);

        Assert.Contains("/no-such-page.html", (string?)problem["detail"]);
    }

    [Fact]
    public async Task Api_AndOpenApi_AreUnaffected()
    {
        var client = Client();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me")).StatusCode);
        var openApi = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.Equal("application/json", openApi.Content.Headers.ContentType?.MediaType);
        Assert.False(openApi.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public async Task WithoutABuild_TheRootSaysHowToBuildIt()
    {
        using var empty = new TempFolder();

        var problem = await (await Client(empty.Path).GetAsync("/")).ProblemAsync(HttpStatusCode.ServiceUnavailable);

        Assert.Equal("The web UI is not built", (string?)problem["title"]);
        Assert.Contains("npm run build", (string?)problem["detail"]);
    }

    public void Dispose()
    {
        foreach (var host in _hosts)
            host.Dispose();
        _build.Dispose();
    }
}

/// <summary>The real production build in designer/dist (the server's build makes it): every page is there and nothing in
/// it loads from another origin.</summary>
public sealed class WebUiBuildTests
{
    private static string Dist => Path.Combine(RepositoryPaths.Root, "designer", "dist");

    private static IEnumerable<string> BuiltFiles(params string[] extensions)
    {
        Assert.True(Directory.Exists(Dist), $"{Dist} does not exist: build the server without -p:BuildWebUi=false (or run `npm ci && npm run build` in designer/).");
        return Directory.EnumerateFiles(Dist, "*", SearchOption.AllDirectories).Where(f => extensions.Contains(Path.GetExtension(f)));
    }

    [Theory]
    [InlineData("index.html")]
    [InlineData("portal.html")]
    [InlineData("inbox.html")]
    [InlineData("supervision.html")]
    public void Page_IsBuilt_AndLoadsOnlyItsOwnScripts(string page)
    {
        var path = Path.Combine(Dist, page);
        Assert.True(File.Exists(path), $"{page} is not in {Dist}: build the server without -p:BuildWebUi=false.");
        var html = File.ReadAllText(path);

        var scripts = Regex.Matches(html, """<script\b[^>]*\bsrc\s*=\s*["']([^"']+)["']""", RegexOptions.IgnoreCase).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, src => Assert.StartsWith("/assets/", src, StringComparison.Ordinal));
    }

    [Fact]
    public void BuiltHtmlJsAndCss_LoadNothingFromAnotherOrigin()
    {
        var files = BuiltFiles(".html", ".js", ".css").ToList();
        Assert.NotEmpty(files);

        var loads = files.SelectMany(file => ExternalLoads.Find(File.ReadAllText(file)).Select(load => $"{Path.GetRelativePath(Dist, file)}: {load}")).ToList();

        Assert.True(loads.Count == 0, "External loads in the built web UI:\n" + string.Join('\n', loads));
    }
}

/// <summary>The ways a page can make the browser load something from another origin. A URL that is only text — an XML
/// namespace such as http://www.w3.org/2000/svg or a BPMN namespace URI, a link in an error message — is not a load.</summary>
internal static class ExternalLoads
{
    // An absolute or protocol-relative URL at the start of a quoted string or url(...).
    private const string Remote = """(?:https?:)?//[^\s"'`)]+""";

    private static readonly Regex[] Patterns =
    [
        // HTML: <script src>, <link href>, <img src>, <iframe src>, <source src>, ...
        new($"""<(?:script|link|img|iframe|source|video|audio|embed|object|track)\b[^>]*\b(?:src|href|data|srcset)\s*=\s*["']?(?<url>{Remote})""", RegexOptions.IgnoreCase),
        // CSS and CSS in JS: url(...) and @import
        new($"""url\(\s*["']?(?<url>{Remote})""", RegexOptions.IgnoreCase),
        new($"""@import\s+(?:url\(\s*)?["']?(?<url>{Remote})""", RegexOptions.IgnoreCase),
        // JS modules: import ... from "...", import "...", import("...")
        new($"""\bfrom\s*["'`](?<url>{Remote})"""),
        new($"""\bimport\s*\(?\s*["'`](?<url>{Remote})"""),
        // Requests and workers: fetch, EventSource, WebSocket, Worker, importScripts, sendBeacon, XMLHttpRequest.open
        new($"""\b(?:fetch|EventSource|WebSocket|Worker|SharedWorker|importScripts|sendBeacon)\s*\(\s*["'`](?<url>{Remote})"""),
        new("""\b(?:fetch|EventSource|Worker|SharedWorker|importScripts|sendBeacon)\s*\(\s*["'`](?<url>wss?://[^\s"'`)]+)"""),
        new("""\bWebSocket\s*\(\s*["'`](?<url>wss?://[^\s"'`)]+)"""),
        new($"""\.open\s*\(\s*["'`][A-Z]+["'`]\s*,\s*["'`](?<url>{Remote})"""),
        // Elements pointed elsewhere from script: x.src = "https://...", setAttribute("src", "https://...")
        new($"""\.(?:src|href)\s*=\s*["'`](?<url>{Remote})"""),
        new($"""setAttribute\(\s*["'](?:src|href)["']\s*,\s*["'`](?<url>{Remote})"""),
        // Source maps fetched by developer tools
        new($"""sourceMappingURL=(?<url>{Remote})"""),
    ];

    public static IEnumerable<string> Find(string text) =>
        Patterns.SelectMany(p => p.Matches(text)).Select(m => m.Groups["url"].Value).Distinct(StringComparer.Ordinal);
}

public sealed class ExternalLoadsTests
{
    [Theory]
    [InlineData("""<script type="module" src="https://cdn.example.com/app.js"></script>""")]
    [InlineData("""<link rel="stylesheet" href="//fonts.example.com/css">""")]
    [InlineData("""body{background:url(https://img.example.com/a.png)}""")]
    [InlineData("""@import url("https://fonts.example.com/font.css");""")]
    [InlineData("""import x from"https://esm.example.com/x.js";""")]
    [InlineData("""const m = await import("https://esm.example.com/x.js");""")]
    [InlineData("""fetch("https://api.example.com/data")""")]
    [InlineData("""new WebSocket("wss://live.example.com/")""")]
    [InlineData("""xhr.open("GET", "https://api.example.com/")""")]
    [InlineData("""img.src = "https://track.example.com/pixel.gif";""")]
    [InlineData("""//# sourceMappingURL=https://maps.example.com/app.js.map""")]
    public void Find_ReportsALoadFromAnotherOrigin(string text) =>
        Assert.NotEmpty(ExternalLoads.Find(text));

    [Theory]
    [InlineData("""document.createElementNS("http://www.w3.org/2000/svg","svg")""")]
    [InlineData("""const ns = { bpmn: "http://www.omg.org/spec/BPMN/20100524/MODEL" };""")]
    [InlineData("""throw new Error("see https://github.com/bpmn-io/bpmn-js/issues")""")]
    [InlineData("""<script type="module" src="/assets/index-BC7cffXf.js"></script>""")]
    [InlineData("""fetch("/api/applications")""")]
    [InlineData("""body{background:url(/assets/bg-1234.png)} a{background:url("data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg'/>")}""")]
    public void Find_IgnoresNamespacesTextAndSameOriginPaths(string text) =>
        Assert.Empty(ExternalLoads.Find(text));
}
