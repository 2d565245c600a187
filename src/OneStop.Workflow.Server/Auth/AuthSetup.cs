using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OneStop.Workflow.Server.Auth;

public static class AuthSetup
{
    /// <summary>The scheme that picks <see cref="LocalScheme"/> or <see cref="ExternalScheme"/> by the token's issuer.</summary>
    public const string BearerScheme = "Bearer";
    public const string LocalScheme = "Local";
    public const string ExternalScheme = "External";

    /// <summary>Claim types of the tokens this server issues.</summary>
    public const string NameClaim = "sub";
    public const string RoleClaim = "role";

    public static WebApplicationBuilder AddOneStopAuth(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(AuthOptions.SectionName);
        var options = section.Get<AuthOptions>() ?? new AuthOptions();
        builder.Services.Configure<AuthOptions>(section);
        var keyPath = options.SigningKeyPath is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(DataFolder.Path, "token-signing.key");
        var signingKey = new SymmetricSecurityKey(TokenSigningKey.LoadOrCreate(keyPath)) { KeyId = "local" };
        builder.Services.AddSingleton(new TokenIssuer(signingKey, options));
        builder.Services.AddSingleton<UserStore>();
        builder.Services.AddSingleton(new TokenAttempts(options));

        var external = options.ExternalAuthority is { Length: > 0 };
        var authentication = builder.Services.AddAuthentication(BearerScheme)
            .AddPolicyScheme(BearerScheme, "Local or external bearer token", policy => policy.ForwardDefaultSelector = context =>
                external && IssuerOf(context.Request.Headers.Authorization.ToString()) is { } issuer
                         && !string.Equals(issuer, options.Issuer, StringComparison.Ordinal)
                    ? ExternalScheme
                    : LocalScheme)
            .AddJwtBearer(LocalScheme, jwt =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = options.Issuer,
                    ValidAudience = options.Audience,
                    IssuerSigningKey = signingKey,
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    NameClaimType = NameClaim,
                    RoleClaimType = RoleClaim,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
            });
        if (external)
        {
            authentication.AddJwtBearer(ExternalScheme, jwt =>
            {
                jwt.MapInboundClaims = false;
                jwt.Authority = options.ExternalAuthority;
                jwt.Audience = options.ExternalAudience;
                jwt.TokenValidationParameters.NameClaimType = NameClaim;
                jwt.TokenValidationParameters.RoleClaimType = options.ExternalRoleClaim;
                jwt.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);
                jwt.Events = new JwtBearerEvents { OnTokenValidated = context => ExternalIdentity.Apply(context, options) };
            });
        }

        builder.Services.AddAuthorizationBuilder()
            // Nothing is open by accident: an endpoint without a policy needs an authenticated caller.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(BearerScheme).RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Authenticated, p => p.AddAuthenticationSchemes(BearerScheme).RequireAuthenticatedUser())
            .AddPolicy(Policies.Citizen, p => p.AddAuthenticationSchemes(BearerScheme).RequireRole(Roles.Citizen))
            .AddPolicy(Policies.Staff, p => p.AddAuthenticationSchemes(BearerScheme).RequireRole(Roles.Staff, Roles.Supervisor))
            .AddPolicy(Policies.Supervision, p => p.AddAuthenticationSchemes(BearerScheme).RequireRole(Roles.Supervisor, Roles.Admin))
            .AddPolicy(Policies.Design, p => p.AddAuthenticationSchemes(BearerScheme).RequireRole(Roles.Designer, Roles.Admin));
        return builder;
    }

    /// <summary>The unvalidated "iss" of a bearer token, only to choose which scheme validates it.</summary>
    private static string? IssuerOf(string authorization)
    {
        const string prefix = "Bearer ";
        if (!authorization.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            return null;
        var handler = new JsonWebTokenHandler();
        var token = authorization[prefix.Length..].Trim();
        return handler.CanReadToken(token) ? handler.ReadJsonWebToken(token).Issuer : null;
    }
}
