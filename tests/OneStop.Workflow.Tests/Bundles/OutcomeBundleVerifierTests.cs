using System.Buffers.Binary;
using System.Buffers.Text;
using System.IO.Compression;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using OneStop.Workflow.Infrastructure.Bundles;
using static OneStop.Workflow.Tests.Bundles.BundleTesting;

namespace OneStop.Workflow.Tests.Bundles;

public sealed class OutcomeBundleVerifierTests
{
    public static TheoryData<string> SealedFiles => ["summary.pdf", LicencePath, LetterPath, "manifest.json", "manifest.jws"];

    [Fact]
    public void UntouchedBundle_IsValid()
    {
        var result = BundleTesting.Verify(Bundle());

        Assert.True(result.Valid, string.Join("\n", result.Problems));
        Assert.Empty(result.Problems);
        Assert.Equal(Key.KeyId, result.KeyId);
        Assert.Equal(SampleApplicationId, result.Manifest!.ApplicationId);
        Assert.Equal(3, result.Manifest.Files.Count);
    }

    [Theory]
    [MemberData(nameof(SealedFiles))]
    public void FlippingAnyByteOfAFile_FailsNamingThatFile(string name)
    {
        var zip = Bundle();
        var entry = EntryOf(zip, name);
        foreach (var offset in new[] { 0, entry.Length / 2, entry.Length - 1 })
        {
            var tampered = (byte[])zip.Clone();
            tampered[entry.DataOffset + offset] ^= 0x01;

            var result = BundleTesting.Verify(tampered);

            Assert.False(result.Valid, $"{name} byte {offset} changed, yet valid");
            Assert.Contains(result.Problems, p => p.Contains(name, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("summary.pdf")]
    [InlineData(LicencePath)]
    [InlineData(LetterPath)]
    public void ChangedDocumentInAConsistentZip_FailsOnItsSha256(string name)
    {
        // The CRC-32 and sizes are rewritten to match, as a forger would: only the manifest's hash catches it.
        var entries = EntryList(Bundle());
        var data = entries.Single(e => e.Name == name).Data;
        data[data.Length / 2] ^= 0x20;

        var result = BundleTesting.Verify(Rebuild(entries));

        Assert.False(result.Valid);
        Assert.Equal([$"{name}: SHA-256 does not match the manifest (the file was changed)."], result.Problems);
    }

    [Fact]
    public void ChangedManifestInAConsistentZip_FailsOnTheSeal()
    {
        var entries = EntryList(Bundle());
        var index = entries.FindIndex(e => e.Name == "manifest.json");
        entries[index] = ("manifest.json", Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(entries[index].Data).Replace("\"version\": 2", "\"version\": 3", StringComparison.Ordinal)));

        var result = BundleTesting.Verify(Rebuild(entries));

        Assert.False(result.Valid);
        Assert.Contains(result.Problems, p => p.StartsWith("manifest.jws: the sealed payload is not the manifest.json", StringComparison.Ordinal));
    }

    [Fact]
    public void Manifest_WithInvalidUtf8InAString_IsAFormatProblem_NotACrash()
    {
        byte[] manifest = [.. "{\"format\":\""u8, 0xC3, 0x28, .. "\"}"u8];

        var problem = Assert.Throws<FormatException>(() => BundleManifest.Parse(manifest));

        Assert.Contains("UTF-8", problem.Message);
    }

    [Fact]
    public void FlippingAByteAnywhere_Fails()
    {
        var zip = Bundle();
        for (var offset = 0; offset < zip.Length; offset += 499)
        {
            var tampered = (byte[])zip.Clone();
            tampered[offset] ^= 0x04;
            Assert.False(BundleTesting.Verify(tampered).Valid, $"byte {offset} of {zip.Length} changed, yet valid");
        }
    }

    [Fact]
    public void ChangedZipHeaderFields_FailNamingTheirPlace()
    {
        var zip = Bundle();
        var entry = EntryOf(zip, LicencePath);
        var localHeader = entry.DataOffset - 30 - LicencePath.Length;
        var centralDirectory = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(zip.Length - 22 + 16));
        var cases = new (int Offset, string Expected)[]
        {
            (localHeader + 10, $"the local header of '{LicencePath}'"),            // modification time
            (centralDirectory + 12, "the central directory entry of 'summary.pdf'"), // modification time
            (centralDirectory + 38, "the central directory entry of 'summary.pdf'"), // external attributes
            (zip.Length - 22 + 4, "ZIP container"),                                 // disk number in the end record
        };
        foreach (var (offset, expected) in cases)
        {
            var tampered = (byte[])zip.Clone();
            tampered[offset] ^= 0x01;

            var result = BundleTesting.Verify(tampered);

            Assert.False(result.Valid, $"byte {offset} changed, yet valid");
            Assert.Contains(result.Problems, p => p.Contains(expected, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void ChangedFileNameInTheCentralDirectory_Fails()
    {
        var zip = Bundle();
        var centralDirectory = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(zip.Length - 22 + 16));
        zip[centralDirectory + 46] = (byte)'S'; // summary.pdf -> Summary.pdf

        var result = BundleTesting.Verify(zip);

        Assert.False(result.Valid);
        Assert.Contains(result.Problems, p => p.Contains("Summary.pdf", StringComparison.Ordinal));
    }

    [Fact]
    public void TrailingBytes_Fail()
    {
        var result = BundleTesting.Verify([.. Bundle(), 0]);

        Assert.False(result.Valid);
        Assert.Contains(result.Problems, p => p.StartsWith("ZIP container", StringComparison.Ordinal));
    }

    [Fact]
    public void BundleSealedByAnotherKey_Fails()
    {
        using var otherKey = SealKey.FromPem(NewPrivateKeyPem());

        var result = BundleTesting.Verify(Bundle(), otherKey.PublicKey);

        Assert.False(result.Valid);
        Assert.Contains($"manifest.jws: sealed by key {Key.KeyId}, which is not the given key ({otherKey.KeyId}).", result.Problems);
    }

    [Fact]
    public void ResealedByAnotherKeyClaimingTheTrustedKid_Fails()
    {
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var entries = EntryList(Bundle());
        var manifest = entries.Single(e => e.Name == "manifest.json").Data;
        var jws = Jws($$"""{"alg":"ES256","typ":"onestop-manifest+jws","kid":"{{Key.KeyId}}"}""", manifest,
            input => LowS(forger.SignData(input, HashAlgorithmName.SHA256)));

        var result = BundleTesting.Verify(Rebuild(Replace(entries, "manifest.jws", jws)));

        Assert.False(result.Valid);
        Assert.Equal([$"manifest.jws: the signature does not verify with key {Key.KeyId}."], result.Problems);
    }

    [Fact]
    public void AlgNone_IsRefused()
    {
        var entries = EntryList(Bundle());
        var manifest = entries.Single(e => e.Name == "manifest.json").Data;
        var unsigned = Base64Url.EncodeToString("""{"alg":"none","typ":"onestop-manifest+jws"}"""u8) + "." + Base64Url.EncodeToString(manifest) + ".";

        var result = BundleTesting.Verify(Rebuild(Replace(entries, "manifest.jws", unsigned)));

        Assert.False(result.Valid);
        Assert.Equal(["manifest.jws: algorithm \"none\" (an unsigned token) is refused; a bundle seal must be ES256."], result.Problems);
    }

    [Fact]
    public void Hs256WithThePublicKeyAsSecret_IsRefused()
    {
        // The classic key-confusion forgery: an HMAC keyed with the (public) verification key.
        var entries = EntryList(Bundle());
        var manifest = entries.Single(e => e.Name == "manifest.json").Data;
        var secret = Encoding.ASCII.GetBytes(Key.PublicKey.ToPem());
        var jws = Jws($$"""{"alg":"HS256","typ":"onestop-manifest+jws","kid":"{{Key.KeyId}}"}""", manifest,
            input => HMACSHA256.HashData(secret, input));

        var result = BundleTesting.Verify(Rebuild(Replace(entries, "manifest.jws", jws)));

        Assert.False(result.Valid);
        Assert.Equal(["manifest.jws: algorithm \"HS256\" is refused; a bundle seal must be ES256."], result.Problems);
    }

    [Fact]
    public void HighSFormOfAValidSignature_IsRefused()
    {
        var entries = EntryList(Bundle());
        var parts = Encoding.ASCII.GetString(entries.Single(e => e.Name == "manifest.jws").Data).Split('.');
        var signature = Base64Url.DecodeFromChars(parts[2]);
        var malleated = signature[..32].Concat(Fixed32(Order - S(signature))).ToArray();
        using var publicKey = ECDsa.Create();
        publicKey.ImportFromPem(Key.PublicKey.ToPem());
        Assert.True(publicKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), malleated, HashAlgorithmName.SHA256));

        var result = BundleTesting.Verify(Rebuild(Replace(entries, "manifest.jws", $"{parts[0]}.{parts[1]}.{Base64Url.EncodeToString(malleated)}")));

        Assert.False(result.Valid);
        Assert.Contains(result.Problems, p => p.Contains("low-S", StringComparison.Ordinal));
    }

    [Fact]
    public void CriticalHeaderParameters_AreRefused()
    {
        var entries = EntryList(Bundle());
        var manifest = entries.Single(e => e.Name == "manifest.json").Data;
        var jws = Jws($$"""{"alg":"ES256","typ":"onestop-manifest+jws","kid":"{{Key.KeyId}}","crit":["b64"],"b64":false}""", manifest,
            input => Key.Sign(input));

        var result = BundleTesting.Verify(Rebuild(Replace(entries, "manifest.jws", jws)));

        Assert.False(result.Valid);
        Assert.Contains(result.Problems, p => p.Contains("\"crit\"", StringComparison.Ordinal));
    }

    [Fact]
    public void ExtraFile_Fails()
    {
        var entries = EntryList(Bundle());
        entries.Insert(3, ("decisions/03-tax-tax-invoices.pdf", "%PDF-1.7 not sealed"u8.ToArray()));

        var result = BundleTesting.Verify(Rebuild(entries));

        Assert.False(result.Valid);
        Assert.Equal(["decisions/03-tax-tax-invoices.pdf: not listed in the manifest; a sealed bundle holds only the files it lists."], result.Problems);
    }

    [Fact]
    public void MissingFile_Fails()
    {
        var entries = EntryList(Bundle());
        entries.RemoveAll(e => e.Name == LetterPath);

        var result = BundleTesting.Verify(Rebuild(entries));

        Assert.False(result.Valid);
        Assert.Equal([$"{LetterPath}: listed in the manifest but missing from the ZIP."], result.Problems);
    }

    [Theory]
    [InlineData("../evil.sh")]
    [InlineData("decisions/../../evil.sh")]
    [InlineData("/etc/cron.d/evil")]
    [InlineData("..\\evil.bat")]
    [InlineData("C:/Windows/evil.dll")]
    [InlineData("decisions/")]
    public void UnsafeEntryName_IsRefused(string name)
    {
        var entries = EntryList(Bundle());
        entries.Add((name, "payload"u8.ToArray()));

        var result = BundleTesting.Verify(Rebuild(entries));

        Assert.False(result.Valid);
        Assert.Contains(result.Problems, p => p.StartsWith($"'{name}': unsafe entry name", StringComparison.Ordinal));
    }

    [Fact]
    public void DuplicateEntry_IsRefused()
    {
        var entries = EntryList(Bundle());
        entries.Add((LicencePath, "%PDF-1.7 a forged licence"u8.ToArray()));

        var result = BundleTesting.Verify(Rebuild(entries));

        Assert.False(result.Valid);
        Assert.Contains(result.Problems, p => p.StartsWith($"'{LicencePath}': appears twice", StringComparison.Ordinal));
    }

    [Fact]
    public void CompressedEntry_IsNotInflated()
    {
        // A small deflated entry that would inflate to 64 MiB: the verifier must refuse it without inflating.
        using var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in EntryList(Bundle()))
            {
                using var stream = archive.CreateEntry(name, CompressionLevel.NoCompression).Open();
                stream.Write(data);
            }
            using var bomb = archive.CreateEntry("bomb.bin", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 64; i++)
                bomb.Write(zeros);
        }
        Assert.True(output.Length < 1024 * 1024);

        var result = BundleTesting.Verify(output.ToArray());

        Assert.False(result.Valid);
        Assert.Contains(result.Problems, p => p.StartsWith("'bomb.bin': compressed (method 8)", StringComparison.Ordinal));
    }

    [Fact]
    public void TooManyEntriesOrBytes_AreRefusedBeforeReading()
    {
        var zip = Bundle();

        var entries = OutcomeBundleVerifier.Verify(new MemoryStream(zip), Key.PublicKey, new BundleLimits(MaxEntries: 4));
        var bytes = OutcomeBundleVerifier.Verify(new MemoryStream(zip), Key.PublicKey, new BundleLimits(MaxBundleBytes: zip.Length - 1));

        Assert.Equal(["ZIP container: 5 entries, more than the limit of 4; refused."], entries.Problems);
        Assert.Equal([$"bundle: larger than the limit of {zip.Length - 1} bytes; refused."], bytes.Problems);
    }

    [Fact]
    public void NotAZip_IsAProblemNotAnException()
    {
        var result = BundleTesting.Verify("%PDF-1.7 this is not a bundle"u8.ToArray());

        Assert.False(result.Valid);
        Assert.Single(result.Problems);
        Assert.StartsWith("ZIP container: no end of central directory record", result.Problems[0]);
    }

    [Fact]
    public void JwkSetOfRotatedKeys_VerifiesWithTheKeyTheSealNames()
    {
        using var retired = SealKey.FromPem(NewPrivateKeyPem());
        var set = $$"""{"keys":[{{retired.PublicKey.ToJwk()}},{{Key.PublicKey.ToJwk()}}]}""";

        var result = OutcomeBundleVerifier.Verify(new MemoryStream(Bundle()), set);

        Assert.True(result.Valid, string.Join("\n", result.Problems));
        Assert.Equal(Key.KeyId, result.KeyId);
    }

    [Fact]
    public async Task VerifyAsync_ReadsANonSeekableStream()
    {
        var result = await OutcomeBundleVerifier.VerifyAsync(new OneWayStream(Bundle()), [Key.PublicKey]);

        Assert.True(result.Valid, string.Join("\n", result.Problems));
    }

    private static readonly BigInteger Order =
        BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);

    private static BigInteger S(byte[] signature) => new(signature.AsSpan(32), isUnsigned: true, isBigEndian: true);

    private static byte[] Fixed32(BigInteger value)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        return [.. new byte[32 - bytes.Length], .. bytes];
    }

    /// <summary>A forger's signature in the low-S form every seal uses, so the test reaches the signature check.</summary>
    private static byte[] LowS(byte[] signature) =>
        S(signature) > Order / 2 ? [.. signature[..32], .. Fixed32(Order - S(signature))] : signature;

    private static StoredZip.Entry EntryOf(byte[] zip, string name) =>
        StoredZip.Read(zip, BundleLimits.Default, [])!.Single(e => e.Name == name);

    private static List<(string Name, byte[] Data)> Replace(List<(string Name, byte[] Data)> entries, string name, string text)
    {
        var index = entries.FindIndex(e => e.Name == name);
        entries[index] = (name, Encoding.ASCII.GetBytes(text));
        return entries;
    }

    private static string Jws(string header, byte[] payload, Func<byte[], byte[]> sign)
    {
        var input = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header)) + "." + Base64Url.EncodeToString(payload);
        return input + "." + Base64Url.EncodeToString(sign(Encoding.ASCII.GetBytes(input)));
    }

    /// <summary>A stream that can only be read forward, like an HTTP request body.</summary>
    private sealed class OneWayStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
    }
}
