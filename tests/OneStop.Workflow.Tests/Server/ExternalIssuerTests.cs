using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OneStop.Workflow.Tests.Server;

/// <summary>The server configured with an external OpenID Connect issuer (the government identity platform): its
/// tokens are accepted next to the server's own, with roles and departments from their claims.</summary>
public sealed class ExternalIssuerTests(ExternalIssuerTests.Fixture server) : IClassFixture<ExternalIssuerTests.Fixture>
{
    private const string Issuer = "https://id.example.gov";
    private const string Audience = "onestop-portal";

    [Fact]
    public async Task ExternalToken_IsAccepted_WithItsRolesAndDepartments()
    {
        var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            server.Token(Issuer, Audience, server.Key, "officer.li", ["staff"], ["tax"]));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/tasks?department=tax")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/tasks?department=bank")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostJsonAsync("/api/applications", new { scenario = "newborn-registration" })).StatusCode);
    }

    [Fact]
    public async Task ExternalToken_SignedByAnotherKey_OrForAnotherAudience_IsRefused()
    {
        using var stranger = RSA.Create(2048);
        var client = server.CreateClient();

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            server.Token(Issuer, Audience, new RsaSecurityKey(stranger) { KeyId = "k1" }, "officer.li", ["staff"], ["tax"]));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/tasks")).StatusCode);

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            server.Token(Issuer, "someone-else", server.Key, "officer.li", ["staff"], ["tax"]));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/tasks")).StatusCode);
    }

    [Fact]
    public async Task ExternalToken_WithoutASubject_IsUnauthorized()
    {
        var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            server.Token(Issuer, Audience, server.Key, null, ["citizen"], []));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/applications")).StatusCode);
    }

    [Fact]
    public async Task ExternalSubject_NamedLikeALocalUser_IsNotThatUser()
    {
        var local = server.CreateClient();
        var token = (string)(await (await local.PostJsonAsync("/api/auth/token", new { username = "citizen1", password = "demo" })).JsonAsync(HttpStatusCode.OK))["accessToken"]!;
        local.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var filed = await (await local.PostJsonAsync("/api/applications",
            new { scenario = "newborn-registration", data = ServerFixture.DemoData("newborn-registration") })).JsonAsync(HttpStatusCode.Created);
        var external = server.CreateClient();
        external.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            server.Token(Issuer, Audience, server.Key, "citizen1", ["citizen"], []));

        Assert.Equal(HttpStatusCode.NotFound, (await external.GetAsync($"/api/applications/{filed["id"]}")).StatusCode);
        var mine = await (await external.PostJsonAsync("/api/applications",
            new { scenario = "newborn-registration", data = ServerFixture.DemoData("newborn-registration") })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("id.example.gov|citizen1", (string?)mine["applicant"]);
    }

    [Fact]
    public async Task ExternalRoles_OutsideTheAllowList_AreIgnored()
    {
        var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            server.Token(Issuer, Audience, server.Key, "someone", ["admin", "designer", "supervisor"], []));

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/tasks")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostJsonAsync("/api/scenarios", new { bpmn = "<x/>" })).StatusCode);
    }

    [Fact]
    public async Task LocalTokens_StillWork_NextToTheExternalIssuer()
    {
        var client = server.CreateClient();
        var response = await client.PostJsonAsync("/api/auth/token", new { username = "staff.tax", password = "demo" });
        var token = (string)(await response.JsonAsync(HttpStatusCode.OK))["accessToken"]!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/tasks?department=tax")).StatusCode);
    }

    public sealed class Fixture : ServerHost
    {
        private readonly RSA _rsa = RSA.Create(2048);

        public Fixture() => Key = new RsaSecurityKey(_rsa) { KeyId = "k1" };

        public RsaSecurityKey Key { get; }

        protected override (string Provider, string ConnectionString) Database =>
            ("Sqlite", $"Data Source={Path.Combine(DataFolder, "external.db")}");

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Auth:ExternalAuthority", Issuer);
            builder.UseSetting("Auth:ExternalAudience", Audience);
            // The issuer's discovery document and keys come from this handler instead of the network.
            builder.ConfigureTestServices(services => services.Configure<JwtBearerOptions>("External",
                options => options.BackchannelHttpHandler = new IssuerMetadata(_rsa.ExportParameters(false))));
        }

        public string Token(string issuer, string audience, SecurityKey key, string? subject, string[] roles, string[] departments)
        {
            var claims = new List<Claim>();
            if (subject is not null)
                claims.Add(new Claim("sub", subject));
            claims.AddRange(roles.Select(r => new Claim("roles", r)));
            claims.AddRange(departments.Select(d => new Claim("department", d)));
            return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = issuer,
                Audience = audience,
                Subject = new ClaimsIdentity(claims),
                Expires = DateTime.UtcNow.AddMinutes(10),
                SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
            });
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing) _rsa.Dispose();
        }
    }

    private sealed class IssuerMetadata(RSAParameters key) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.RequestUri!.AbsolutePath switch
            {
                "/.well-known/openid-configuration" => $$"""{"issuer":"{{Issuer}}","jwks_uri":"{{Issuer}}/jwks"}""",
                "/jwks" => $$"""{"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":"k1","n":"{{Base64UrlEncoder.Encode(key.Modulus)}}","e":"{{Base64UrlEncoder.Encode(key.Exponent)}}"}]}""",
                _ => null,
            };
            return Task.FromResult(body is null
                ? new HttpResponseMessage(HttpStatusCode.NotFound)
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
