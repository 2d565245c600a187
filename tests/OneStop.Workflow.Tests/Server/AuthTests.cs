using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace OneStop.Workflow.Tests.Server;

[Collection(ServerCollection.Name)]
public sealed class AuthTests(ServerFixture server)
{
    [Fact]
    public async Task Token_ForADemoUser_IsABearerTokenThatTheApiAccepts()
    {
        var client = await server.ClientAsync(null);
        var token = await (await client.PostJsonAsync("/api/auth/token", new { username = "designer", password = "demo" })).JsonAsync(HttpStatusCode.OK);

        Assert.True((int)token["expiresIn"]! > 0);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)token["accessToken"]!);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/scenarios")).StatusCode);
    }

    [Fact]
    public async Task Token_UnknownUserAndWrongPassword_GetTheSameAnswer()
    {
        var client = await server.ClientAsync(null);

        var unknown = await (await client.PostJsonAsync("/api/auth/token", new { username = "nobody", password = "demo" })).ProblemAsync(HttpStatusCode.BadRequest);
        var wrong = await (await client.PostJsonAsync("/api/auth/token", new { username = "citizen1", password = "wrong" })).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal((string?)unknown["detail"], (string?)wrong["detail"]);
        Assert.Equal((string?)unknown["title"], (string?)wrong["title"]);
    }

    [Fact]
    public async Task Token_AttemptsForOneUserName_AreLimitedToTenAMinute()
    {
        var client = await server.ClientAsync(null);
        var answers = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 11; attempt++)
            answers.Add((await client.PostJsonAsync("/api/auth/token", new { username = "guessed.name", password = $"guess{attempt}" })).StatusCode);

        Assert.All(answers.Take(10), status => Assert.Equal(HttpStatusCode.BadRequest, status));
        var limited = await (await client.PostJsonAsync("/api/auth/token", new { username = "guessed.name", password = "demo" }))
            .ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[10]);
        Assert.Equal("Too many attempts", (string?)limited["title"]);
    }

    [Fact]
    public async Task Token_MissingFields_AreNamed()
    {
        var problem = await (await (await server.ClientAsync(null)).PostJsonAsync("/api/auth/token", new { })).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["password", "username"], problem["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ATamperedToken_IsRefused()
    {
        var client = await server.ClientAsync("citizen1");
        var token = client.DefaultRequestHeaders.Authorization!.Parameter!;
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Convert.FromBase64String(Pad(parts[1].Replace('-', '+').Replace('_', '/'))))!;
        payload["role"] = "admin";
        var forged = string.Join('.', parts[0],
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(payload.ToJsonString())).TrimEnd('=').Replace('+', '-').Replace('/', '_'), parts[2]);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", forged);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/scenarios")).StatusCode);
    }

    private static string Pad(string base64) => base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
}
