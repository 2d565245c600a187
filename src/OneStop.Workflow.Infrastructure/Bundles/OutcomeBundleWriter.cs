using System.Security.Cryptography;
using System.Text;

namespace OneStop.Workflow.Infrastructure.Bundles;

/// <summary>Issues the sealed outcome bundle of a combined application once every department has decided: a ZIP with
/// <c>summary.pdf</c>, one PDF per decision under <c>decisions/</c>, <c>manifest.json</c> (every file with its size
/// and SHA-256) and <c>manifest.jws</c> (the e-seal: ES256 over manifest.json's exact bytes).</summary>
/// <remarks>The same content gives the same ZIP except <c>manifest.jws</c>, whose ECDSA signature is randomised:
/// every timestamp is <see cref="BundleContent.CompletedAt"/> and PDF identifiers are derived from the application.
/// Thread-safe; one instance serves every request.</remarks>
public sealed class OutcomeBundleWriter(SealKey sealKey, BundleFontOptions? fonts = null)
{
    /// <summary>ZIP entry limit of <see cref="BundleLimits.Default"/> less summary.pdf, manifest.json and manifest.jws.</summary>
    public const int MaxDecisions = 997;

    private readonly BundleFonts _fonts = new(fonts ?? new BundleFontOptions());

    /// <summary>A download name for the bundle, e.g. in Content-Disposition.</summary>
    public static string FileName(Guid applicationId) => $"outcome-{applicationId:D}.zip";

    /// <summary>The bundle's ZIP bytes. Throws <see cref="ArgumentException"/> for content no bundle may carry (a
    /// refusal without a reason, no decisions) and <see cref="BundleFontException"/> when a needed font is missing.</summary>
    public byte[] Write(BundleContent content)
    {
        Validate(content);
        var documents = new OutcomeDocuments(_fonts, content, sealKey.KeyId);
        var paths = content.Decisions.Select((d, i) => BundleLayout.DecisionPath(i + 1, content.Decisions.Count, d)).ToList();

        var files = new List<(string Name, byte[] Data)> { (BundleLayout.SummaryPath, documents.Summary(paths)) };
        for (var i = 0; i < content.Decisions.Count; i++)
        {
            var decision = content.Decisions[i];
            files.Add((paths[i], decision.Approved ? documents.Certificate(decision, paths[i]) : documents.DecisionLetter(decision, paths[i])));
        }

        var manifest = new BundleManifest(
            BundleManifest.CurrentFormatVersion,
            content.ApplicationId,
            content.ScenarioKey,
            content.ScenarioVersion,
            content.CompletedAt,
            [.. files.Select(f => new ManifestFile(f.Name, Convert.ToHexStringLower(SHA256.HashData(f.Data)), f.Data.Length))]);
        var manifestJson = manifest.ToJson();
        var seal = ManifestSeal.Sign(manifestJson, sealKey);

        files.Add((BundleLayout.ManifestPath, manifestJson));
        files.Add((BundleLayout.SealPath, Encoding.ASCII.GetBytes(seal)));
        return StoredZip.Write(files, content.CompletedAt.DateTime);
    }

    public void Write(BundleContent content, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(Write(content));
    }

    private static void Validate(BundleContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (string.IsNullOrWhiteSpace(content.ScenarioKey))
            throw new ArgumentException("The bundle needs the scenario key.", nameof(content));
        if (content.ScenarioVersion < 1)
            throw new ArgumentException($"Scenario version {content.ScenarioVersion} is not a deployed version (1 or more).", nameof(content));
        if (string.IsNullOrWhiteSpace(content.ApplicantName))
            throw new ArgumentException("The bundle needs the applicant's name.", nameof(content));
        if (content.CompletedAt < content.SubmittedAt)
            throw new ArgumentException($"The application completed ({content.CompletedAt:O}) before it was submitted ({content.SubmittedAt:O}).", nameof(content));
        if (content.Decisions is null || content.Decisions.Count == 0)
            throw new ArgumentException("An outcome bundle needs every department's decision; there are none.", nameof(content));
        if (content.Decisions.Count > MaxDecisions)
            throw new ArgumentException($"{content.Decisions.Count} decisions; a bundle holds at most {MaxDecisions}.", nameof(content));
        for (var i = 0; i < content.Decisions.Count; i++)
        {
            var d = content.Decisions[i] ?? throw new ArgumentException($"Decision {i + 1} is null.", nameof(content));
            var which = $"Decision {i + 1} ({d.Department}, '{d.TaskName}')";
            if (string.IsNullOrWhiteSpace(d.Department))
                throw new ArgumentException($"Decision {i + 1} ('{d.TaskName}') names no department.", nameof(content));
            if (string.IsNullOrWhiteSpace(d.TaskName))
                throw new ArgumentException($"Decision {i + 1} ({d.Department}) names no task.", nameof(content));
            if (string.IsNullOrWhiteSpace(d.DecidedBy))
                throw new ArgumentException($"{which} does not say who decided.", nameof(content));
            if (!d.Approved && string.IsNullOrWhiteSpace(d.Comment))
                throw new ArgumentException(
                    $"{which} refuses the application without a reason; the decision letter must state it (Administrative Licensing Law Art. 38).",
                    nameof(content));
            if (d.Particulars is null)
                throw new ArgumentException($"{which} has no particulars list (use an empty list).", nameof(content));
        }
    }
}
