using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace OneStop.Workflow.Tests.Server;

[Collection(ServerCollection.Name)]
public sealed class HostingTests(ServerFixture server)
{
    [Fact]
    public async Task Health_IsAnonymous_AndChecksTheDatabase()
    {
        var response = await (await server.ClientAsync(null)).GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OpenApiDocument_IsServedAnonymously_AndListsTheApi()
    {
        var document = await (await (await server.ClientAsync(null)).GetAsync("/openapi/v1.json")).JsonAsync(HttpStatusCode.OK);

        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/applications", paths);
        Assert.Contains("/api/tasks/{id}/complete", paths);
    }

    [Fact]
    public async Task EveryResponse_CarriesACorrelationId_AndKeepsAWellFormedOneGiven()
    {
        var client = await server.ClientAsync(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Add("X-Correlation-Id", "portal-1234");

        var response = await client.SendAsync(request);

        Assert.Equal("portal-1234", response.Headers.GetValues("X-Correlation-Id").Single());
    }

    [Fact]
    public async Task RefusedRequest_IsLoggedWithItsRouteTemplate()
    {
        var capture = new CapturedLog();
        using var host = server.WithWebHostBuilder(builder => builder.ConfigureLogging(logging =>
        {
            logging.AddProvider(capture);
            logging.AddFilter<CapturedLog>(_ => true);
        }));
        var client = host.CreateClient();

        await (await client.PostAsync("/api/auth/token", new StringContent("{\"username\":5}", Encoding.UTF8, "application/json")))
            .ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(capture.Messages, m => m.StartsWith("POST /api/auth/token answered 400", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MalformedJson_IsAProblem_NotA500()
    {
        var client = await server.ClientAsync("citizen1");

        var response = await client.PostAsync("/api/applications", new StringContent("{\"scenario\": \"newborn-registration\", \"data\": {", Encoding.UTF8, "application/json"));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("not valid JSON", (string?)problem["detail"]);
        Assert.NotNull(problem["correlationId"]);
    }

    [Fact]
    public async Task ShippedScenarios_AreDeployed_AndDeployingThemAgainAddsNoVersion()
    {
        var client = await server.ClientAsync("citizen1");
        var before = await (await client.GetAsync("/api/scenarios")).JsonAsync(HttpStatusCode.OK);

        await server.DeployShippedAgainAsync();

        var after = await (await client.GetAsync("/api/scenarios")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(before.AsArray(), s => (string?)s!["key"] == "newborn-registration");
        Assert.Contains(before.AsArray(), s => (string?)s!["key"] == "start-a-business");
        Assert.Equal(Versions(before), Versions(after));
    }

    private static List<string> Versions(JsonNode list) =>
        list.AsArray().Select(s => $"{s!["key"]}:{s["version"]}").Order(StringComparer.Ordinal).ToList();

    private sealed class CapturedLog : ILoggerProvider, ILogger
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
    }
}
