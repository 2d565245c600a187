using System.Security.Cryptography;

namespace OneStop.Workflow.Server.Auth;

/// <summary>The "Auth" section of appsettings.json.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>Issuer and audience of the tokens this server issues for its own user store.</summary>
    public string Issuer { get; set; } = "onestop-workflow";
    public string Audience { get; set; } = "onestop-workflow";

    /// <summary>Lifetime of an access token.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>File holding the HMAC key that signs local tokens; generated on first run. Every node of a cluster must
    /// read the same key. Default: outside the repository, in the OneStop data folder.</summary>
    public string? SigningKeyPath { get; set; }

    /// <summary>An external OpenID Connect issuer (the government's identity platform) whose tokens are accepted too.
    /// Its tokens carry roles in <see cref="ExternalRoleClaim"/> and departments in the "department" claim.</summary>
    public string? ExternalAuthority { get; set; }
    public string? ExternalAudience { get; set; }
    public string ExternalRoleClaim { get; set; } = "roles";

    /// <summary>The roles the external issuer may grant; any other role in its tokens is ignored, so that a mistake at the
    /// identity platform cannot make someone an administrator or designer here unless configured. Null means citizen and
    /// staff (a default array would be extended, not replaced, by configuration binding).</summary>
    public string[]? ExternalRoles { get; set; }

    public IReadOnlySet<string> AllowedExternalRoles =>
        (ExternalRoles is { Length: > 0 } configured ? configured : [Roles.Citizen, Roles.Staff]).ToHashSet(StringComparer.Ordinal);

    /// <summary>Token requests allowed per minute from one client address, and for one user name.</summary>
    public int TokenAttemptsPerMinutePerClient { get; set; } = 10;
    public int TokenAttemptsPerMinutePerUser { get; set; } = 10;

    /// <summary>Seed the demonstration users (password "demo"). Only honoured in the Development environment.</summary>
    public bool SeedDemoUsers { get; set; } = true;
}

/// <summary>Where OneStop keeps files that must never be in the repository: signing keys.</summary>
public static class DataFolder
{
    public static string Path =>
        Environment.GetEnvironmentVariable("ONESTOP_DATA_DIR") is { Length: > 0 } configured
            ? configured
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "onestop");
}

/// <summary>The HMAC-SHA256 key for local tokens: read from its file, or created (256 random bits, mode 0600).</summary>
public static class TokenSigningKey
{
    public static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path))
            return ReadWrittenKey(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var created = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var file = new FileStream(path, options);
            using var writer = new StreamWriter(file);
            writer.Write(Convert.ToBase64String(created));
            return created;
        }
        catch (IOException) when (File.Exists(path))
        {
            return ReadWrittenKey(path); // another process created it first
        }
    }

    /// <summary>Reads the key, giving a process that created the file a moment ago the time to finish writing it.</summary>
    private static byte[] ReadWrittenKey(string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            var text = File.ReadAllText(path).Trim();
            byte[]? key = null;
            try
            {
                key = Convert.FromBase64String(text);
            }
            catch (FormatException) when (attempt < 50)
            {
            }
            if (key is { Length: >= 32 })
                return key;
            if (attempt >= 50)
                throw new InvalidOperationException($"The token signing key in {path} is not 256 bits or more of base64.");
            Thread.Sleep(20);
        }
    }
}
