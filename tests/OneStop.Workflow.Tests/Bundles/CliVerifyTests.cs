using OneStop.Workflow.Infrastructure.Bundles;
using static OneStop.Workflow.Tests.Bundles.BundleTesting;

namespace OneStop.Workflow.Tests.Bundles;

/// <summary>The contract of <c>onestop verify BUNDLE.zip --key KEY</c>, run in-process.</summary>
public sealed class CliVerifyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("onestop-verify-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await Workflow.Cli.Cli.VerifyAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private string Write(string name, string content) => Write(name, System.Text.Encoding.UTF8.GetBytes(content));

    [Fact]
    public async Task ValidBundle_PrintsItsApplicationDocumentsAndKeyAndExitsZero()
    {
        var bundle = Write("bundle.zip", Bundle());
        var key = Write("seal.pem", Key.PublicKey.ToPem());

        var (exit, stdout, stderr) = await RunAsync(bundle, "--key", key);

        Assert.True(exit == 0, stderr);
        Assert.Equal($"valid: {SampleApplicationId}, 3 documents, sealed by key {Key.KeyId}", stdout.Trim());
    }

    [Fact]
    public async Task JwkKeyFile_Works()
    {
        var bundle = Write("bundle.zip", Bundle());
        var key = Write("seal.jwk", Key.PublicKey.ToJwk());

        var (exit, _, stderr) = await RunAsync(bundle, "--key", key);

        Assert.True(exit == 0, stderr);
    }

    [Fact]
    public async Task TamperedBundle_PrintsEveryProblemAndExitsOne()
    {
        var zip = Bundle();
        var entry = StoredZip.Read(zip, BundleLimits.Default, [])!.Single(e => e.Name == LetterPath);
        zip[entry.DataOffset + 100] ^= 0x01;
        var bundle = Write("bundle.zip", zip);
        var key = Write("seal.pem", Key.PublicKey.ToPem());

        var (exit, stdout, stderr) = await RunAsync(bundle, "--key", key);

        Assert.Equal(1, exit);
        Assert.Empty(stdout);
        Assert.Contains($"invalid: {bundle}", stderr);
        Assert.Contains($"{LetterPath}: SHA-256 does not match the manifest", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public async Task AnotherKey_ExitsOne()
    {
        using var other = SealKey.FromPem(NewPrivateKeyPem());
        var bundle = Write("bundle.zip", Bundle());
        var key = Write("other.pem", other.PublicKey.ToPem());

        var (exit, _, stderr) = await RunAsync(bundle, "--key", key);

        Assert.Equal(1, exit);
        Assert.Contains($"sealed by key {Key.KeyId}, which is not the given key", stderr);
    }

    [Fact]
    public async Task MissingBundleOrKeyFile_IsAClearMessage()
    {
        var bundle = Write("bundle.zip", Bundle());
        var key = Write("seal.pem", Key.PublicKey.ToPem());
        var absent = Path.Combine(_dir, "absent.zip");

        var noBundle = await RunAsync(absent, "--key", key);
        var noKey = await RunAsync(bundle, "--key", Path.Combine(_dir, "absent.pem"));
        var noKeyOption = await RunAsync(bundle);
        var noArguments = await RunAsync();

        Assert.Equal((1, $"onestop: {absent}: no such file."), (noBundle.Exit, noBundle.Err.Trim()));
        Assert.Equal(1, noKey.Exit);
        Assert.Contains("absent.pem: no such key file.", noKey.Err);
        Assert.Equal(1, noKeyOption.Exit);
        Assert.Contains("verify needs --key KEY", noKeyOption.Err);
        Assert.Equal(1, noArguments.Exit);
        Assert.Contains("Expected one BUNDLE.zip", noArguments.Err);
    }

    [Fact]
    public async Task UnreadableKeyOrNonZipBundle_IsAProblemNotACrash()
    {
        var bundle = Write("bundle.zip", Bundle());
        var badKey = Write("bad.pem", "this is not a key");
        var notZip = Write("notes.zip", "just some text");
        var key = Write("seal.pem", Key.PublicKey.ToPem());

        var keyResult = await RunAsync(bundle, "--key", badKey);
        var zipResult = await RunAsync(notZip, "--key", key);

        Assert.Equal(1, keyResult.Exit);
        Assert.Contains($"{badKey}: The key is neither PEM", keyResult.Err);
        Assert.Equal(1, zipResult.Exit);
        Assert.Contains("ZIP container: no end of central directory record", zipResult.Err);
        Assert.DoesNotContain("   at ", keyResult.Err + zipResult.Err);
    }

    [Fact]
    public async Task RunAsync_DispatchesVerify()
    {
        var bundle = Write("bundle.zip", Bundle());
        var key = Write("seal.pem", Key.PublicKey.ToPem());
        var stdout = new StringWriter();

        var exit = await Workflow.Cli.Cli.RunAsync(["verify", bundle, "--key", key], stdout, new StringWriter());

        Assert.Equal(0, exit);
        Assert.StartsWith("valid: ", stdout.ToString());
    }
}
