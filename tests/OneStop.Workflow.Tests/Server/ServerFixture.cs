extern alias Server;

using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OneStop.Workflow.Tests.Persistence;

namespace OneStop.Workflow.Tests.Server;

/// <summary>
/// The real Program hosted for tests, in Development (demo users seeded), with its token signing key and seal key in a
/// temporary folder so that no key lands in the home directory. The database is the derived fixture's.
/// </summary>
public abstract class ServerHost : WebApplicationFactory<Server::Program>
{
    private readonly TempFolder _folder = new();
    private readonly ConcurrentDictionary<string, string> _tokens = new();
    private bool _disposed;

    /// <summary>The upload limit the tests run with (small, so the oversized upload is cheap).</summary>
    public const long AttachmentLimit = 256 * 1024;

    protected string DataFolder => _folder.Path;

    protected abstract (string Provider, string ConnectionString) Database { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        // Quiet test output: warnings and errors only.
        builder.ConfigureLogging(logging => logging.AddFilter(level => level >= LogLevel.Warning));
        builder.UseSetting("Database:Provider", Database.Provider);
        builder.UseSetting("Database:ConnectionString", Database.ConnectionString);
        builder.UseSetting("Auth:SigningKeyPath", Path.Combine(_folder.Path, "token-signing.key"));
        builder.UseSetting("Seal:KeyPath", Path.Combine(_folder.Path, "seal-key.pem"));
        builder.UseSetting("Attachments:MaxBytes", AttachmentLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Every test client comes from the same address; the per-user-name limit still applies.
        builder.UseSetting("Auth:TokenAttemptsPerMinutePerClient", "100000");
        // Tests deliver notices themselves (NoticeDispatcher.DispatchPendingAsync); the background round would race them.
        builder.UseSetting("Notifications:PollSeconds", "86400");
    }

    /// <summary>A client with a bearer token of <paramref name="user"/> (password "demo"), or without one for null.</summary>
    public async Task<HttpClient> ClientAsync(string? user)
    {
        var client = CreateClient();
        if (user is null)
            return client;
        if (!_tokens.TryGetValue(user, out var token))
        {
            var response = await client.PostAsJsonAsync("/api/auth/token", new { username = user, password = "demo" });
            response.EnsureSuccessStatusCode();
            token = (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["accessToken"]!;
            _tokens[user] = token;
        }
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>The start data of a shipped scenario's demo (valid against its merged form).</summary>
    public static JsonObject DemoData(string scenario) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Workflows, scenario, "demo.steps.json")))!["variables"]!.AsObject().DeepClone().AsObject();

    /// <summary>Runs the startup deployment of workflows/*/ again, as a restart of the server would.</summary>
    public Task DeployShippedAgainAsync() =>
        Services.GetRequiredService<Server::OneStop.Workflow.Server.Scenarios.ScenarioDeployment>().DeployShippedAsync();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        // xUnit disposes a fixture both ways (IAsyncDisposable and IDisposable): delete the folder once.
        if (disposing && !_disposed)
        {
            _disposed = true;
            _folder.Dispose();
        }
    }
}

/// <summary>One server for every server test: on a temporary SQLite file.</summary>
public sealed class ServerFixture : ServerHost
{
    protected override (string Provider, string ConnectionString) Database =>
        ("Sqlite", $"Data Source={Path.Combine(DataFolder, "server.db")}");
}

/// <summary>The same server on a throw-away PostgreSQL server of its own, for the shared scenario tests.</summary>
public sealed class PostgresServerFixture : ServerHost, IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();
    private string _connectionString = "";

    protected override (string Provider, string ConnectionString) Database => ("PostgreSQL", _connectionString);

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        _connectionString = _postgres.NewDatabaseConnectionString();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await _postgres.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "Server";
}

[CollectionDefinition(Name)]
public sealed class PostgresServerCollection : ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "Server on PostgreSQL";
}

internal static class HttpTesting
{
    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response, System.Net.HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public static async Task<JsonObject> ProblemAsync(this HttpResponseMessage response, System.Net.HttpStatusCode expected)
    {
        var problem = (await response.JsonAsync(expected)).AsObject();
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return problem;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) => client.PostAsJsonAsync(path, body);
}
