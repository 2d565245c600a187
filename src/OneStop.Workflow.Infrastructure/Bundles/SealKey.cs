using System.Buffers.Text;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace OneStop.Workflow.Infrastructure.Bundles;

/// <summary>The e-seal's private key: ECDSA on P-256, used for ES256 signatures over bundle manifests.
/// Kept in a PKCS#8 PEM file outside the repository and generated on first use.</summary>
/// <remarks>Never logged or exported: the only way out of this class is a signature or the public key.</remarks>
public sealed class SealKey : IDisposable
{
    /// <summary>Configuration key of the key file's path.</summary>
    public const string ConfigurationKey = "Seal:KeyPath";

    /// <summary>Environment variable naming the data directory that holds <see cref="FileName"/> by default.</summary>
    public const string DataDirectoryVariable = "ONESTOP_DATA_DIR";

    public const string FileName = "seal-key.pem";

    private readonly ECDsa _key;

    private SealKey(ECDsa key, string? path, bool created)
    {
        _key = key;
        Path = path;
        WasCreated = created;
        PublicKey = SealPublicKey.FromECDsa(key);
    }

    /// <summary>The key file, or <c>null</c> for a key imported from text.</summary>
    public string? Path { get; }

    /// <summary>Whether this load generated the key (first run): callers log it, with <see cref="KeyId"/>.</summary>
    public bool WasCreated { get; }

    public SealPublicKey PublicKey { get; }

    /// <summary>The RFC 7638 JWK thumbprint of the public key: the seal's <c>kid</c>.</summary>
    public string KeyId => PublicKey.KeyId;

    /// <summary>The default key file: <c>$ONESTOP_DATA_DIR/seal-key.pem</c>, else
    /// <c>~/.local/share/onestop/seal-key.pem</c> (<c>$XDG_DATA_HOME/onestop/</c> when that is set; on Windows
    /// <c>%LOCALAPPDATA%\onestop\</c>).</summary>
    public static string DefaultPath() => DefaultPath(
        Environment.GetEnvironmentVariable,
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify));

    internal static string DefaultPath(Func<string, string?> environment, string localData)
    {
        var dataDirectory = environment(DataDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(dataDirectory))
            return System.IO.Path.Combine(System.IO.Path.GetFullPath(dataDirectory), FileName);
        if (string.IsNullOrEmpty(localData))
            throw new InvalidOperationException(
                $"No home data directory to keep the seal key in: set {DataDirectoryVariable} or configuration '{ConfigurationKey}'.");
        return System.IO.Path.Combine(localData, "onestop", FileName);
    }

    /// <summary>The key file's path from configuration "Seal:KeyPath" (a leading <c>~/</c> is the home directory,
    /// a relative path is taken from the current directory), else <see cref="DefaultPath"/>.</summary>
    public static string ResolvePath(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[ConfigurationKey];
        if (string.IsNullOrWhiteSpace(configured))
            return DefaultPath();
        if (configured.StartsWith("~/", StringComparison.Ordinal))
            configured = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), configured[2..]);
        return System.IO.Path.GetFullPath(configured);
    }

    /// <summary>Loads the key named by configuration (see <see cref="ResolvePath"/>), generating it on first use.</summary>
    public static SealKey FromConfiguration(IConfiguration configuration) => LoadOrCreate(ResolvePath(configuration));

    /// <summary>Loads the PKCS#8 PEM key at <paramref name="path"/>; when there is no file, generates a P-256 key and
    /// writes it there (parent directories created with mode 0700, the file with 0600). Two processes starting at
    /// once end up with the same key: only one can create the file, the others read what it wrote.</summary>
    public static SealKey LoadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        path = System.IO.Path.GetFullPath(path);
        if (File.Exists(path))
            return LoadWrittenByAnother(path);

        var directory = System.IO.Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(directory);
        else
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // Creating the key file itself with CreateNew is the one atomic "create if absent" the file system offers
        // (a move onto a missing name is checked, then done, so two starting processes could both "win").
        using (var generated = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            try
            {
                using (var file = new FileStream(path, options))
                {
                    file.Write(Encoding.ASCII.GetBytes(generated.ExportPkcs8PrivateKeyPem()));
                    file.Flush(flushToDisk: true);
                }
                return Load(path, created: true);
            }
            catch (IOException) when (File.Exists(path))
            {
                return LoadWrittenByAnother(path);
            }
        }
    }

    /// <summary>Another process created the key file a moment ago and may still be writing it: read it once its
    /// content is whole (a few attempts), else report the file as it is.</summary>
    private static SealKey LoadWrittenByAnother(string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return Load(path, created: false);
            }
            catch (SealKeyException) when (attempt < 50)
            {
                Thread.Sleep(20);
            }
        }
    }

    /// <summary>A key from PEM text (<c>PRIVATE KEY</c> or <c>EC PRIVATE KEY</c>), e.g. from a secret store.</summary>
    public static SealKey FromPem(string pem) => new(ImportPrivate(pem, "the given PEM text"), path: null, created: false);

    private static SealKey Load(string path, bool created)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SealKeyException($"The seal key file '{path}' cannot be read: {ex.Message}");
        }
        return new SealKey(ImportPrivate(pem, $"The seal key file '{path}'"), path, created);
    }

    private static ECDsa ImportPrivate(string pem, string source)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            var parameters = key.ExportParameters(includePrivateParameters: true);
            if (!SealPublicKey.IsP256(parameters.Curve))
                throw new SealKeyException($"{source} holds an ECDSA key on another curve; the seal (ES256) needs P-256.");
            return key;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            // The exception messages say what kind of text it was, never the key bytes.
            throw new SealKeyException($"{source} is not an ECDSA P-256 private key in PEM form (-----BEGIN PRIVATE KEY-----): {ex.Message}");
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>An ES256 signature (r || s, 64 bytes) in low-S form: ECDSA allows (r, n − s) as a second valid
    /// signature; always writing the smaller s lets the verifier refuse the other, so no byte of a seal can change.</summary>
    internal byte[] Sign(ReadOnlySpan<byte> data)
    {
        var signature = _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var s = new BigInteger(signature.AsSpan(32, 32), isUnsigned: true, isBigEndian: true);
        if (s > SealPublicKey.HalfOrder)
        {
            var low = SealPublicKey.Order - s;
            Array.Clear(signature, 32, 32);
            var length = low.GetByteCount(isUnsigned: true);
            low.TryWriteBytes(signature.AsSpan(64 - length, length), out _, isUnsigned: true, isBigEndian: true);
        }
        return signature;
    }

    public void Dispose() => _key.Dispose();
}

/// <summary>A seal's public key: verifies ES256 signatures; exported as PEM (SubjectPublicKeyInfo) or JWK.</summary>
public sealed class SealPublicKey
{
    private const string P256Oid = "1.2.840.10045.3.1.7";

    internal static readonly BigInteger Order = BigInteger.Parse(
        "0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);

    internal static readonly BigInteger HalfOrder = Order >> 1;

    private readonly byte[] _x;
    private readonly byte[] _y;

    private SealPublicKey(byte[] x, byte[] y)
    {
        _x = x;
        _y = y;
        KeyId = Thumbprint(x, y);
    }

    /// <summary>RFC 7638 JWK SHA-256 thumbprint, base64url: the <c>kid</c> a bundle's seal names.</summary>
    public string KeyId { get; }

    public static SealPublicKey FromECDsa(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parameters = key.ExportParameters(includePrivateParameters: false);
        if (!IsP256(parameters.Curve))
            throw new SealKeyException("The key is not on curve P-256; the seal (ES256) needs P-256.");
        return new SealPublicKey(parameters.Q.X!, parameters.Q.Y!);
    }

    /// <summary>Reads exactly one key; see <see cref="ParseAll"/>.</summary>
    public static SealPublicKey Parse(string text)
    {
        var keys = ParseAll(text);
        return keys.Count == 1
            ? keys[0]
            : throw new SealKeyException($"Expected one public key, found {keys.Count}.");
    }

    /// <summary>Reads the public keys in PEM text (<c>PUBLIC KEY</c> blocks; a private key PEM gives its public half),
    /// a JWK, or a JWK Set (<c>{"keys": [...]}</c>, e.g. the current key and the ones it replaced).</summary>
    public static IReadOnlyList<SealPublicKey> ParseAll(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.StartsWith('{'))
            return ParseJson(trimmed);
        if (trimmed.Contains("-----BEGIN", StringComparison.Ordinal))
            return ParsePem(trimmed);
        throw new SealKeyException("The key is neither PEM (-----BEGIN PUBLIC KEY-----) nor a JWK (a JSON object).");
    }

    public string ToPem()
    {
        using var key = ToECDsa();
        return key.ExportSubjectPublicKeyInfoPem();
    }

    /// <summary>The key as a JWK: <c>{"kty":"EC","crv":"P-256","x":…,"y":…,"kid":…,"use":"sig","alg":"ES256"}</c>.</summary>
    public string ToJwk()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("kty", "EC");
            writer.WriteString("crv", "P-256");
            writer.WriteString("x", Base64Url.EncodeToString(_x));
            writer.WriteString("y", Base64Url.EncodeToString(_y));
            writer.WriteString("kid", KeyId);
            writer.WriteString("use", "sig");
            writer.WriteString("alg", "ES256");
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    internal bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        using var key = ToECDsa();
        return key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    internal static bool IsP256(ECCurve curve) =>
        curve.IsNamed && (curve.Oid.Value == P256Oid || curve.Oid.FriendlyName is "nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1");

    private ECDsa ToECDsa() => ECDsa.Create(new ECParameters
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = _x, Y = _y },
    });

    private static string Thumbprint(byte[] x, byte[] y)
    {
        // RFC 7638: the required members in lexicographic order, no whitespace.
        var canonical = $$"""{"crv":"P-256","kty":"EC","x":"{{Base64Url.EncodeToString(x)}}","y":"{{Base64Url.EncodeToString(y)}}"}""";
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static List<SealPublicKey> ParsePem(string text)
    {
        var keys = new List<SealPublicKey>();
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label].ToString();
            var block = rest[fields.Location].ToString();
            using var key = ECDsa.Create();
            try
            {
                switch (label)
                {
                    case "PUBLIC KEY":
                    case "PRIVATE KEY":
                    case "EC PRIVATE KEY":
                        key.ImportFromPem(block);
                        break;
                    default:
                        throw new SealKeyException($"PEM block '{label}' is not a key; give the seal's public key (-----BEGIN PUBLIC KEY-----).");
                }
            }
            catch (Exception ex) when (ex is ArgumentException or CryptographicException)
            {
                throw new SealKeyException($"PEM block '{label}' is not an ECDSA P-256 key: {ex.Message}");
            }
            keys.Add(FromECDsa(key));
            rest = rest[fields.Location.End..];
        }
        if (keys.Count == 0)
            throw new SealKeyException("The PEM text has no complete -----BEGIN ...----- / -----END ...----- block.");
        return keys;
    }

    private static List<SealPublicKey> ParseJson(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new SealKeyException($"The key is not valid JSON: {ex.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.TryGetProperty("keys", out var set))
            {
                if (set.ValueKind != JsonValueKind.Array || set.GetArrayLength() == 0)
                    throw new SealKeyException("The JWK Set's \"keys\" must be a non-empty array.");
                return [.. set.EnumerateArray().Select((jwk, i) => FromJwk(jwk, $"JWK Set key {i + 1}"))];
            }
            return [FromJwk(root, "The JWK")];
        }
    }

    private static SealPublicKey FromJwk(JsonElement jwk, string what)
    {
        if (jwk.ValueKind != JsonValueKind.Object)
            throw new SealKeyException($"{what} is not a JSON object.");
        var kty = Member(jwk, "kty", what);
        if (kty != "EC")
            throw new SealKeyException($"{what} has \"kty\": \"{kty}\"; the seal uses \"EC\" keys on P-256.");
        var crv = Member(jwk, "crv", what);
        if (crv != "P-256")
            throw new SealKeyException($"{what} has \"crv\": \"{crv}\"; the seal (ES256) needs \"P-256\".");
        var x = Coordinate(jwk, "x", what);
        var y = Coordinate(jwk, "y", what);
        try
        {
            using var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
            return FromECDsa(key);
        }
        catch (CryptographicException ex)
        {
            throw new SealKeyException($"{what} is not a point on P-256: {ex.Message}");
        }
    }

    private static string Member(JsonElement jwk, string name, string what) =>
        jwk.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new SealKeyException($"{what} has no \"{name}\" string.");

    private static byte[] Coordinate(JsonElement jwk, string name, string what)
    {
        var text = Member(jwk, name, what);
        if (!Jose.TryDecode(text, out var bytes) || bytes.Length != 32)
            throw new SealKeyException($"{what}: \"{name}\" must be 32 bytes in base64url.");
        return bytes;
    }
}

/// <summary>A seal key that cannot be read, generated or used; the message names the file or the part at fault.</summary>
public sealed class SealKeyException(string message) : InvalidOperationException(message);
