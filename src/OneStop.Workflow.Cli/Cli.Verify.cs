using OneStop.Workflow.Infrastructure.Bundles;

namespace OneStop.Workflow.Cli;

/// <summary><c>onestop verify BUNDLE.zip --key KEY</c>: checks an outcome bundle's e-seal offline.</summary>
public static partial class Cli
{
    /// <summary>Exit 0 and one line when the bundle is valid; exit 1 with every problem (or a usage error) on stderr.
    /// Handles its own errors, so it behaves the same called directly or through <see cref="RunAsync"/>.</summary>
    internal static async Task<int> VerifyAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var options = Options.Parse(args, valued: ["--key"]);
            var bundle = options.Single("BUNDLE.zip");
            var keyFile = options.Value("--key")
                ?? throw new UsageException("verify needs --key KEY: the seal's public key, a PEM or JWK file (GET /api/seal/public-key).");
            if (!File.Exists(bundle))
                throw new UsageException($"{bundle}: no such file.");
            if (!File.Exists(keyFile))
                throw new UsageException($"{keyFile}: no such key file.");

            IReadOnlyList<SealPublicKey> keys;
            try
            {
                keys = SealPublicKey.ParseAll(await File.ReadAllTextAsync(keyFile));
            }
            catch (SealKeyException ex)
            {
                stderr.WriteLine($"{keyFile}: {ex.Message}");
                return Invalid;
            }

            BundleVerification result;
            await using (var stream = File.OpenRead(bundle))
                result = await OutcomeBundleVerifier.VerifyAsync(stream, keys);

            if (result is { Valid: true, Manifest: { } manifest })
            {
                stdout.WriteLine($"valid: {manifest.ApplicationId}, {manifest.Files.Count} documents, sealed by key {result.KeyId}");
                return Ok;
            }
            stderr.WriteLine($"invalid: {bundle}: {result.Problems.Count} problem(s)");
            foreach (var problem in result.Problems)
                stderr.WriteLine($"  {problem}");
            return Invalid;
        }
        catch (UsageException ex)
        {
            stderr.WriteLine($"onestop: {ex.Message}");
            return Invalid;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"onestop: {ex.Message}");
            return Invalid;
        }
    }
}
