using System.Security.Cryptography;
using System.Text;

namespace OneStop.Workflow.Infrastructure.Bundles;

/// <summary>The outcome of checking a bundle.</summary>
/// <param name="Valid">The seal verifies with a trusted key and every byte of the bundle is as sealed.</param>
/// <param name="Problems">Everything wrong, each naming the file (or ZIP part) concerned; empty when valid.</param>
/// <param name="Manifest">The manifest as read, or <c>null</c> when it could not be read. Trust it only when
/// <paramref name="Valid"/>.</param>
/// <param name="KeyId">The kid of the key the seal verified with, or <c>null</c>.</param>
public sealed record BundleVerification(bool Valid, IReadOnlyList<string> Problems, BundleManifest? Manifest, string? KeyId);

/// <summary>Bounds on what a verifier reads, so a hostile upload cannot exhaust memory or time.</summary>
/// <param name="MaxBundleBytes">Largest bundle read (default 256 MiB). Files are stored, so this bounds every file too.</param>
/// <param name="MaxEntries">Most ZIP entries (default 1,000; a bundle has one per decision plus three).</param>
/// <param name="MaxManifestBytes">Largest manifest.json or manifest.jws (default 4 MiB).</param>
public sealed record BundleLimits(long MaxBundleBytes = 256L * 1024 * 1024, int MaxEntries = 1000, int MaxManifestBytes = 4 * 1024 * 1024)
{
    public static BundleLimits Default { get; } = new();
}

/// <summary>Checks a sealed outcome bundle: the ES256 seal over manifest.json's exact bytes, every listed file's size
/// and SHA-256, no unlisted or unsafe entry, and the ZIP container byte for byte. Any changed byte fails, with a
/// problem naming the file.</summary>
public static class OutcomeBundleVerifier
{
    public static BundleVerification Verify(Stream bundle, SealPublicKey trustedKey, BundleLimits? limits = null) =>
        Verify(bundle, [trustedKey], limits);

    public static BundleVerification Verify(Stream bundle, ECDsa trustedKey, BundleLimits? limits = null) =>
        Verify(bundle, [SealPublicKey.FromECDsa(trustedKey)], limits);

    /// <summary>Verifies against the key(s) in PEM or JWK (Set) text; throws <see cref="SealKeyException"/> when the
    /// text holds no usable key.</summary>
    public static BundleVerification Verify(Stream bundle, string trustedKeyText, BundleLimits? limits = null) =>
        Verify(bundle, SealPublicKey.ParseAll(trustedKeyText), limits);

    /// <summary>Verifies against any of several trusted keys (the current one and those it replaced); the seal's kid
    /// picks the key.</summary>
    public static BundleVerification Verify(Stream bundle, IReadOnlyCollection<SealPublicKey> trustedKeys, BundleLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        limits ??= BundleLimits.Default;
        return Verify(ReadBounded(bundle, limits.MaxBundleBytes), trustedKeys, limits);
    }

    /// <summary>As <see cref="Verify(Stream, IReadOnlyCollection{SealPublicKey}, BundleLimits?)"/>, reading the stream
    /// asynchronously (an HTTP request body, which ASP.NET Core does not let anyone read synchronously).</summary>
    public static async Task<BundleVerification> VerifyAsync(Stream bundle, IReadOnlyCollection<SealPublicKey> trustedKeys,
        BundleLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        limits ??= BundleLimits.Default;
        return Verify(await ReadBoundedAsync(bundle, limits.MaxBundleBytes, cancellationToken), trustedKeys, limits);
    }

    private static BundleVerification Verify(byte[]? zip, IReadOnlyCollection<SealPublicKey> trustedKeys, BundleLimits limits)
    {
        ArgumentNullException.ThrowIfNull(trustedKeys);
        if (trustedKeys.Count == 0)
            throw new ArgumentException("At least one trusted key is needed.", nameof(trustedKeys));
        if (zip is null)
            return Invalid([$"bundle: larger than the limit of {limits.MaxBundleBytes} bytes; refused."]);

        var problems = new List<string>();
        var entries = StoredZip.Read(zip, limits, problems);
        if (entries is null)
            return Invalid(problems);
        var containerReadable = problems.Count == 0;
        var byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);

        var manifestBytes = Content(BundleLayout.ManifestPath);
        var sealBytes = Content(BundleLayout.SealPath);
        BundleManifest? manifest = null;
        if (manifestBytes is not null)
        {
            try
            {
                manifest = BundleManifest.Parse(manifestBytes);
            }
            catch (FormatException ex)
            {
                problems.Add($"{BundleLayout.ManifestPath}: {ex.Message}");
            }
        }

        string? keyId = null;
        if (manifestBytes is not null && sealBytes is not null)
        {
            if (sealBytes.AsSpan().ContainsAnyExceptInRange((byte)0x21, (byte)0x7E))
                problems.Add($"{BundleLayout.SealPath}: not a JWS compact serialization (it has bytes other than printable ASCII).");
            else
                keyId = ManifestSeal.Check(Encoding.ASCII.GetString(sealBytes), manifestBytes, trustedKeys, problems);
        }

        if (manifest is not null)
        {
            foreach (var file in manifest.Files)
            {
                if (!byName.TryGetValue(file.Path, out var entry))
                {
                    problems.Add($"{file.Path}: listed in the manifest but missing from the ZIP.");
                    continue;
                }
                var data = zip.AsSpan(entry.DataOffset, entry.Length);
                if (data.Length != file.Size)
                    problems.Add($"{file.Path}: {data.Length} bytes, the manifest says {file.Size}.");
                if (Convert.ToHexStringLower(SHA256.HashData(data)) != file.Sha256)
                    problems.Add($"{file.Path}: SHA-256 does not match the manifest (the file was changed).");
            }
            var listed = manifest.Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                if (entry.Name is not (BundleLayout.ManifestPath or BundleLayout.SealPath) && !listed.Contains(entry.Name))
                    problems.Add($"{entry.Name}: not listed in the manifest; a sealed bundle holds only the files it lists.");
            }
        }

        // The container itself: rebuilt in the canonical layout from the entries read, it must match byte for byte,
        // so a changed timestamp, flag or attribute fails too. Only meaningful when every entry was readable.
        if (containerReadable && entries.Count > 0)
        {
            var order = manifest is not null && SameSet(manifest, entries)
                ? [.. manifest.Files.Select(f => f.Path), BundleLayout.ManifestPath, BundleLayout.SealPath]
                : entries.Select(e => e.Name).ToList();
            var timestamp = manifest is not null ? StoredZip.DosDateTime(manifest.IssuedAt.DateTime) : entries[0].DosDateTime;
            var canonical = StoredZip.Write(
                [.. order.Select(name => (name, zip.AsSpan(byName[name].DataOffset, byName[name].Length).ToArray()))],
                timestamp, out var regions);
            if (StoredZip.FirstDifference(zip, canonical, regions) is { } difference)
                problems.Add(difference);
        }

        return new BundleVerification(problems.Count == 0, problems, manifest, problems.Count == 0 ? keyId : null);

        byte[]? Content(string name)
        {
            if (!byName.TryGetValue(name, out var entry))
            {
                // An entry refused above (compressed, unsafe, duplicate) already has its problem.
                if (!problems.Any(p => p.StartsWith($"'{name}'", StringComparison.Ordinal)))
                    problems.Add($"{name}: missing; every sealed bundle has one.");
                return null;
            }
            if (entry.Length > limits.MaxManifestBytes)
            {
                problems.Add($"{name}: {entry.Length} bytes, more than the limit of {limits.MaxManifestBytes}; refused.");
                return null;
            }
            return zip.AsSpan(entry.DataOffset, entry.Length).ToArray();
        }
    }

    private static bool SameSet(BundleManifest manifest, List<StoredZip.Entry> entries) =>
        entries.Count == manifest.Files.Count + 2 &&
        entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal)
            .SetEquals(manifest.Files.Select(f => f.Path).Append(BundleLayout.ManifestPath).Append(BundleLayout.SealPath));

    private static BundleVerification Invalid(List<string> problems) => new(false, problems, null, null);

    private static byte[]? ReadBounded(Stream stream, long limit)
    {
        if (stream.CanSeek && stream.Length - stream.Position > limit)
            return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > limit)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static async Task<byte[]?> ReadBoundedAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        if (stream.CanSeek && stream.Length - stream.Position > limit)
            return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
