using System.Buffers.Text;
using System.Numerics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OneStop.Workflow.Infrastructure.Bundles;

/// <summary>The e-seal: <c>manifest.jws</c>, a JWS compact serialization (RFC 7515) signed with ES256 whose payload
/// is the exact bytes of <c>manifest.json</c>.</summary>
/// <remarks>Protected header, in this order: <c>{"alg":"ES256","typ":"onestop-manifest+jws","kid":"&lt;RFC 7638
/// thumbprint&gt;"}</c>. The explicit <c>typ</c> (RFC 8725 §3.11) keeps a manifest seal from being mistaken for any
/// other token signed with the same key.</remarks>
internal static class ManifestSeal
{
    public const string Algorithm = "ES256";
    public const string Type = "onestop-manifest+jws";

    public static string Sign(ReadOnlySpan<byte> manifestJson, SealKey key)
    {
        using var header = new MemoryStream();
        using (var writer = new Utf8JsonWriter(header, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("alg", Algorithm);
            writer.WriteString("typ", Type);
            writer.WriteString("kid", key.KeyId);
            writer.WriteEndObject();
        }
        var signingInput = Base64Url.EncodeToString(header.ToArray()) + "." + Base64Url.EncodeToString(manifestJson);
        return signingInput + "." + Base64Url.EncodeToString(key.Sign(Encoding.ASCII.GetBytes(signingInput)));
    }

    /// <summary>Checks the seal over <paramref name="manifestJson"/> against the trusted keys; adds every problem
    /// (prefixed "manifest.jws: ") and returns the kid of the key that verified it, or <c>null</c>.</summary>
    public static string? Check(string jws, ReadOnlySpan<byte> manifestJson, IReadOnlyCollection<SealPublicKey> trustedKeys, List<string> problems)
    {
        const string file = BundleLayout.SealPath;
        var parts = jws.Split('.');
        if (parts.Length != 3)
        {
            problems.Add($"{file}: not a JWS compact serialization (three base64url parts separated by '.').");
            return null;
        }
        if (!Jose.TryDecode(parts[0], out var headerBytes))
        {
            problems.Add($"{file}: the header is not canonical base64url (RFC 7515: no padding, no line breaks, no stray bits).");
            return null;
        }

        string? alg = null, typ = null, kid = null;
        try
        {
            using var header = JsonDocument.Parse(headerBytes);
            if (header.RootElement.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{file}: the protected header is not a JSON object.");
                return null;
            }
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var member in header.RootElement.EnumerateObject())
            {
                // RFC 7515 §5.2: a header with a duplicate name must be rejected, or two readers may see two headers.
                if (!names.Add(member.Name))
                {
                    problems.Add($"{file}: the protected header names \"{member.Name}\" twice.");
                    return null;
                }
                var value = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : null;
                switch (member.Name)
                {
                    case "alg": alg = value ?? member.Value.GetRawText(); break;
                    case "typ": typ = value ?? member.Value.GetRawText(); break;
                    case "kid": kid = value ?? member.Value.GetRawText(); break;
                    case "crit":
                        problems.Add($"{file}: critical header parameters (\"crit\") are not understood; refused.");
                        return null;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException) // the latter: invalid UTF-8 in a string
        {
            problems.Add($"{file}: the protected header is not valid JSON.");
            return null;
        }

        if (alg != Algorithm)
        {
            problems.Add(alg switch
            {
                null => $"{file}: the header has no \"alg\"; a bundle seal must be {Algorithm}.",
                "none" => $"{file}: algorithm \"none\" (an unsigned token) is refused; a bundle seal must be {Algorithm}.",
                _ => $"{file}: algorithm \"{alg}\" is refused; a bundle seal must be {Algorithm}.",
            });
            return null;
        }
        // Decoded only now, so that an unsigned ("alg": "none", empty signature) token is refused for its algorithm.
        if (!Jose.TryDecode(parts[1], out var payload) || !Jose.TryDecode(parts[2], out var signature))
        {
            problems.Add($"{file}: the payload or signature is not canonical base64url (RFC 7515: no padding, no line breaks, no stray bits).");
            return null;
        }
        if (typ != Type)
            problems.Add($"{file}: type \"{typ}\" is not \"{Type}\".");
        if (!payload.AsSpan().SequenceEqual(manifestJson))
            problems.Add($"{file}: the sealed payload is not the {BundleLayout.ManifestPath} in the bundle ({BundleLayout.ManifestPath} was changed or the seal belongs to another bundle).");

        var candidates = kid is null ? trustedKeys.ToList() : trustedKeys.Where(k => k.KeyId == kid).ToList();
        if (candidates.Count == 0)
        {
            problems.Add($"{file}: sealed by key {kid}, which is not the given key ({string.Join(", ", trustedKeys.Select(k => k.KeyId))}).");
            return null;
        }
        if (signature.Length != 64)
        {
            problems.Add($"{file}: an ES256 signature is 64 bytes, this one is {signature.Length}.");
            return null;
        }
        if (new BigInteger(signature.AsSpan(32), isUnsigned: true, isBigEndian: true) > SealPublicKey.HalfOrder)
        {
            problems.Add($"{file}: the signature is not in low-S form, as every seal is written; it was altered.");
            return null;
        }

        var signingInput = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        foreach (var key in candidates)
        {
            if (key.Verify(signingInput, signature))
                return key.KeyId;
        }
        problems.Add($"{file}: the signature does not verify with key {string.Join(", ", candidates.Select(k => k.KeyId))}.");
        return null;
    }
}

/// <summary>Base64url as JOSE uses it (RFC 7515 §2): no padding; decoding accepts only the one canonical spelling,
/// so no character of a seal can change without changing its bytes.</summary>
internal static class Jose
{
    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0 || text.Length % 4 == 1)
            return false;
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                return false;
        }
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return false;
        }
        return Base64Url.EncodeToString(bytes) == text;
    }
}
