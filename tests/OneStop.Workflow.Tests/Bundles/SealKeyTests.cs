using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using OneStop.Workflow.Infrastructure.Bundles;

namespace OneStop.Workflow.Tests.Bundles;

public sealed class SealKeyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("onestop-seal-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void FirstUse_GeneratesAKeyFileReadableOnlyByItsOwner()
    {
        var path = Path.Combine(_dir, "data", "onestop", "seal-key.pem");

        using var key = SealKey.LoadOrCreate(path);

        Assert.True(key.WasCreated);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        }
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!)); // no temporary file left behind
    }

    [Fact]
    public void NextLoad_ReusesTheSameKey()
    {
        var path = Path.Combine(_dir, "seal-key.pem");
        using var first = SealKey.LoadOrCreate(path);
        var written = File.ReadAllText(path);

        using var second = SealKey.LoadOrCreate(path);

        Assert.False(second.WasCreated);
        Assert.Equal(first.KeyId, second.KeyId);
        Assert.Equal(written, File.ReadAllText(path));
    }

    [Fact]
    public async Task ProcessesStartingTogether_EndUpWithOneKey()
    {
        var path = Path.Combine(_dir, "shared", "seal-key.pem");
        using var start = new ManualResetEventSlim();

        var loads = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.Wait();
            return SealKey.LoadOrCreate(path);
        })).ToList();
        start.Set();
        var keys = await Task.WhenAll(loads);

        Assert.Single(keys.Select(k => k.KeyId).Distinct());
        Assert.Single(keys, k => k.WasCreated);
        Assert.Equal(keys[0].KeyId, SealPublicKey.Parse(File.ReadAllText(path)).KeyId);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
        foreach (var key in keys)
            key.Dispose();
    }

    [Fact]
    public void Sec1PrivateKeyFile_IsReadToo()
    {
        var path = Path.Combine(_dir, "sec1.pem");
        using var generated = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(path, generated.ExportECPrivateKeyPem());

        using var key = SealKey.LoadOrCreate(path);

        Assert.False(key.WasCreated);
        Assert.Equal(SealPublicKey.FromECDsa(generated).KeyId, key.KeyId);
    }

    [Fact]
    public void KeyFileThatIsNotAP256PrivateKey_IsAClearError()
    {
        var publicOnly = Path.Combine(_dir, "public.pem");
        using (var key = SealKey.FromPem(BundleTesting.NewPrivateKeyPem()))
            File.WriteAllText(publicOnly, key.PublicKey.ToPem());
        var otherCurve = Path.Combine(_dir, "p384.pem");
        using (var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384))
            File.WriteAllText(otherCurve, p384.ExportPkcs8PrivateKeyPem());
        var garbage = Path.Combine(_dir, "garbage.pem");
        File.WriteAllText(garbage, "not a key");

        var notPrivate = Assert.Throws<SealKeyException>(() => SealKey.LoadOrCreate(publicOnly));
        var wrongCurve = Assert.Throws<SealKeyException>(() => SealKey.LoadOrCreate(otherCurve));
        var notPem = Assert.Throws<SealKeyException>(() => SealKey.LoadOrCreate(garbage));

        Assert.Contains(publicOnly, notPrivate.Message);
        Assert.Contains("private key", notPrivate.Message);
        Assert.Contains("P-256", wrongCurve.Message);
        Assert.Contains(garbage, notPem.Message);
    }

    [Fact]
    public void DefaultPath_IsTheDataDirectoryOrTheUsersLocalShare()
    {
        var home = Path.Combine(_dir, "home", ".local", "share");

        var fromVariable = SealKey.DefaultPath(name => name == "ONESTOP_DATA_DIR" ? "/srv/onestop" : null, home);
        var fromHome = SealKey.DefaultPath(_ => null, home);

        Assert.Equal(Path.GetFullPath("/srv/onestop/seal-key.pem"), fromVariable);
        Assert.Equal(Path.Combine(home, "onestop", "seal-key.pem"), fromHome);
        Assert.Throws<InvalidOperationException>(() => SealKey.DefaultPath(_ => null, ""));
    }

    [Fact]
    public void DefaultPath_WithoutTheVariable_IsOutsideTheRepository()
    {
        var localShare = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);

        var path = SealKey.DefaultPath(_ => null, localShare);

        Assert.False(path.StartsWith(RepositoryPaths.Root, StringComparison.Ordinal), path);
        if (OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("XDG_DATA_HOME") is null)
            Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "onestop", "seal-key.pem"), path);
    }

    [Fact]
    public void ConfiguredPath_WinsAndExpandsHome()
    {
        var configured = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Seal:KeyPath"] = "~/keys/seal.pem" })
            .Build();
        var empty = new ConfigurationBuilder().Build();

        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "keys", "seal.pem"), SealKey.ResolvePath(configured));
        Assert.Equal(SealKey.DefaultPath(), SealKey.ResolvePath(empty));
    }

    [Fact]
    public void PublicKeyPem_RoundTrips()
    {
        using var key = SealKey.FromPem(BundleTesting.NewPrivateKeyPem());

        var pem = key.PublicKey.ToPem();
        var parsed = SealPublicKey.Parse(pem);

        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", pem);
        Assert.Equal(key.KeyId, parsed.KeyId);
        Assert.True(BundleTesting.Verify(new OutcomeBundleWriter(key).Write(BundleTesting.StartABusiness("Zhang Wei") with
        {
            Decisions = [new DepartmentDecision("tax", "Tax registration", null, true, null, BundleTesting.CompletedAt, "Tax hall", [])],
        }), parsed).Valid);
    }

    [Fact]
    public void PublicKeyJwk_RoundTripsWithAnRfc7638Thumbprint()
    {
        using var key = SealKey.FromPem(BundleTesting.NewPrivateKeyPem());

        var jwk = key.PublicKey.ToJwk();
        var parsed = SealPublicKey.Parse(jwk);

        using var json = JsonDocument.Parse(jwk);
        var root = json.RootElement;
        Assert.Equal("EC", root.GetProperty("kty").GetString());
        Assert.Equal("P-256", root.GetProperty("crv").GetString());
        Assert.Equal("ES256", root.GetProperty("alg").GetString());
        Assert.Equal(key.KeyId, root.GetProperty("kid").GetString());
        Assert.False(root.TryGetProperty("d", out _));
        Assert.Equal(key.KeyId, parsed.KeyId);
        // RFC 7638 §3: SHA-256 over the required members in lexicographic order, without white space.
        var members = $$"""{"crv":"P-256","kty":"EC","x":"{{root.GetProperty("x").GetString()}}","y":"{{root.GetProperty("y").GetString()}}"}""";
        Assert.Equal(Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(members))), key.KeyId);
    }

    [Fact]
    public void PrivateKeyPem_GivesItsPublicKey()
    {
        var pem = BundleTesting.NewPrivateKeyPem();
        using var key = SealKey.FromPem(pem);

        Assert.Equal(key.KeyId, SealPublicKey.Parse(pem).KeyId);
    }

    [Theory]
    [InlineData("""{"kty":"RSA","n":"AQAB","e":"AQAB"}""", "\"kty\": \"RSA\"")]
    [InlineData("""{"kty":"EC","crv":"P-384","x":"AA","y":"AA"}""", "\"crv\": \"P-384\"")]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}""", "32 bytes")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", "CERTIFICATE")]
    [InlineData("ssh-ed25519 AAAA", "neither PEM")]
    public void UnusablePublicKeyText_IsAClearError(string text, string expected)
    {
        var error = Assert.Throws<SealKeyException>(() => SealPublicKey.ParseAll(text));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void JwkPointNotOnTheCurve_IsRefused()
    {
        using var key = SealKey.FromPem(BundleTesting.NewPrivateKeyPem());
        using var json = JsonDocument.Parse(key.PublicKey.ToJwk());
        var y = Base64Url.DecodeFromChars(json.RootElement.GetProperty("y").GetString()!);
        y[^1] ^= 1;
        var forged = $$"""{"kty":"EC","crv":"P-256","x":"{{json.RootElement.GetProperty("x").GetString()}}","y":"{{Base64Url.EncodeToString(y)}}"}""";

        Assert.Throws<SealKeyException>(() => SealPublicKey.Parse(forged));
    }
}
