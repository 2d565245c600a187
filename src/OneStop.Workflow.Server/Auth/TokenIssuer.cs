using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OneStop.Workflow.Infrastructure.Persistence;

namespace OneStop.Workflow.Server.Auth;

/// <summary>Issues the HS256 access tokens of the server's own user store.</summary>
public sealed class TokenIssuer(SymmetricSecurityKey key, AuthOptions options)
{
    private readonly JsonWebTokenHandler _handler = new();

    public (string Token, int ExpiresInSeconds) Issue(UserRow user, DateTimeOffset now)
    {
        var claims = new List<Claim> { new(AuthSetup.NameClaim, user.UserName) };
        claims.AddRange(UserStore.Split(user.Roles).Select(role => new Claim(AuthSetup.RoleClaim, role)));
        claims.AddRange(UserStore.Split(user.Departments).Select(department => new Claim(Roles.DepartmentClaim, department)));
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.Add(options.TokenLifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
        return (token, (int)options.TokenLifetime.TotalSeconds);
    }
}
