using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace OneStop.Workflow.Tests.Server;

/// <summary>Every endpoint called as every role and as nobody: who is turned away (401/403) and who gets through.</summary>
[Collection(ServerCollection.Name)]
public sealed class AuthorizationMatrixTests(ServerFixture server)
{
    private const string Nobody = "(anonymous)";

    // Users: one per role. The staff member works for the department of the task used below.
    private static readonly string[] Callers = [Nobody, "citizen1", "staff.health-commission", "supervisor", "designer", "admin"];

    [Fact]
    public async Task EveryEndpoint_AsEveryRole_AndAsNobody()
    {
        var citizen = await server.ClientAsync("citizen1");
        var filed = await (await citizen.PostJsonAsync("/api/applications",
            new { scenario = "newborn-registration", data = ServerFixture.DemoData("newborn-registration") })).JsonAsync(HttpStatusCode.Created);
        var id = (string)filed["id"]!;
        var task = (string)filed["tasks"]!.AsArray().Single(t => (string?)t!["department"] == "health-commission")!["id"]!;

        // Expected per caller, in the order of Callers: "in" = passes authorization (any status but 401/403).
        var endpoints = new (string Method, string Path, object? Body, string[] Expected)[]
        {
            ("POST", "/api/auth/token", new { username = "x", password = "y" }, ["in", "in", "in", "in", "in", "in"]),
            ("GET", "/api/me", null, ["401", "in", "in", "in", "in", "in"]),
            ("GET", "/health", null, ["in", "in", "in", "in", "in", "in"]),
            ("GET", "/openapi/v1.json", null, ["in", "in", "in", "in", "in", "in"]),
            ("GET", "/api/seal/public-key", null, ["in", "in", "in", "in", "in", "in"]),
            ("POST", "/api/bundles/verify", new { }, ["in", "in", "in", "in", "in", "in"]),
            ("GET", "/api/scenarios", null, ["401", "in", "in", "in", "in", "in"]),
            ("GET", "/api/scenarios/newborn-registration", null, ["401", "in", "in", "in", "in", "in"]),
            ("GET", "/api/scenarios/newborn-registration/form", null, ["401", "in", "in", "in", "in", "in"]),
            ("POST", "/api/scenarios", new { bpmn = "" }, ["401", "403", "403", "403", "in", "in"]),
            ("POST", "/api/scenarios/validate", new { bpmn = "" }, ["401", "403", "403", "403", "in", "in"]),
            ("POST", "/api/scenarios/simulate", new { bpmn = "" }, ["401", "403", "403", "403", "in", "in"]),
            ("GET", "/api/scenarios/newborn-registration/versions", null, ["401", "403", "403", "403", "in", "in"]),
            ("GET", "/api/scenarios/newborn-registration/versions/1", null, ["401", "403", "403", "403", "in", "in"]),
            ("POST", "/api/applications", new { scenario = "no-such-scenario", data = new { } }, ["401", "in", "403", "403", "403", "403"]),
            ("GET", "/api/applications", null, ["401", "in", "in", "in", "in", "in"]),
            ("GET", $"/api/applications/{id}", null, ["401", "in", "in", "in", "404", "in"]),
            ("GET", $"/api/applications/{id}/history", null, ["401", "in", "in", "in", "404", "in"]),
            ("GET", $"/api/applications/{id}/bundle", null, ["401", "in", "403", "in", "404", "in"]),
            ("POST", $"/api/applications/{id}/supplement", new { data = new { } }, ["401", "in", "403", "403", "403", "403"]),
            ("POST", $"/api/applications/{id}/attachments", null, ["401", "in", "403", "403", "403", "403"]),
            ("GET", $"/api/applications/{id}/attachments", null, ["401", "in", "in", "in", "404", "in"]),
            ("GET", $"/api/applications/{id}/attachments/{Guid.NewGuid()}", null, ["401", "in", "in", "in", "404", "in"]),
            ("GET", "/api/tasks", null, ["401", "403", "in", "in", "403", "403"]),
            ("POST", $"/api/tasks/{task}/release", null, ["401", "403", "in", "in", "403", "403"]),
            ("POST", $"/api/tasks/{task}/request-supplement", new { fields = Array.Empty<string>() }, ["401", "403", "in", "in", "403", "403"]),
            ("POST", $"/api/tasks/{task}/claim", null, ["401", "403", "in", "in", "403", "403"]),
            ("POST", $"/api/tasks/{task}/complete", new { decision = "none" }, ["401", "403", "in", "in", "403", "403"]),
            ("POST", $"/api/tasks/{task}/excluded-periods", new { reason = "bogus" }, ["401", "403", "in", "in", "403", "403"]),
            ("POST", $"/api/tasks/{task}/excluded-periods/end", null, ["401", "403", "in", "in", "403", "403"]),
            ("POST", $"/api/tasks/{task}/extensions", new { workingDays = 0 }, ["401", "403", "403", "in", "403", "in"]),
            ("POST", $"/api/applications/{id}/extensions", new { workingDays = 0 }, ["401", "403", "403", "in", "403", "in"]),
            ("GET", "/api/stats", null, ["401", "403", "403", "in", "403", "in"]),
            ("POST", $"/api/applications/{id}/rating", new { score = 0 }, ["401", "in", "403", "403", "403", "403"]),
            ("GET", $"/api/applications/{id}/rating", null, ["401", "in", "403", "in", "404", "in"]),
            ("GET", "/api/follow-ups", null, ["401", "403", "403", "in", "403", "in"]),
            ("POST", $"/api/follow-ups/{Guid.NewGuid()}/close", new { note = "" }, ["401", "403", "403", "in", "403", "in"]),
        };

        Assert.Equal(MatrixRows, endpoints.Length);
        var failures = new List<string>();
        foreach (var (method, path, body, expected) in endpoints)
        {
            for (var i = 0; i < Callers.Length; i++)
            {
                var client = await server.ClientAsync(Callers[i] == Nobody ? null : Callers[i]);
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (body is not null) request.Content = JsonContent.Create(body);
                var status = (int)(await client.SendAsync(request)).StatusCode;
                var ok = expected[i] == "in" ? status is not (401 or 403) and < 500 : status == int.Parse(expected[i]);
                if (!ok) failures.Add($"{method} {path} as {Callers[i]}: expected {expected[i]}, got {status}");
            }
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void EveryMappedEndpoint_HasAnExplicitPolicyOrAllowsAnonymous_AndIsInTheMatrix()
    {
        var endpoints = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        var unguarded = endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null
                        && !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy is not null))
            .Select(e => e.RoutePattern.RawText)
            .ToList();
        Assert.Empty(unguarded);
        // A new endpoint fails here until a row for it is added to the matrix above.
        Assert.Equal(MatrixRows, endpoints.Count);
    }

    private const int MatrixRows = 37;
}
