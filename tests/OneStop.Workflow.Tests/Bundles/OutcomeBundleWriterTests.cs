using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using OneStop.Workflow.Infrastructure.Bundles;
using static OneStop.Workflow.Tests.Bundles.BundleTesting;

namespace OneStop.Workflow.Tests.Bundles;

public sealed class OutcomeBundleWriterTests
{
    [Fact]
    public void Bundle_HoldsSummaryOnePdfPerDecisionManifestAndSeal()
    {
        var entries = EntryList(Bundle());

        Assert.Equal(
            ["summary.pdf", LicencePath, LetterPath, "manifest.json", "manifest.jws"],
            entries.Select(e => e.Name));
        foreach (var (name, data) in entries.Where(e => e.Name.EndsWith(".pdf", StringComparison.Ordinal)))
            Assert.True(data.AsSpan().StartsWith("%PDF-"u8), $"{name} is not a PDF");
    }

    [Fact]
    public void Manifest_ListsEveryFileWithItsSizeAndSha256()
    {
        var entries = Entries(Bundle());
        using var manifest = JsonDocument.Parse(entries["manifest.json"]);
        var root = manifest.RootElement;

        Assert.Equal("onestop-outcome-bundle", root.GetProperty("format").GetString());
        Assert.Equal(1, root.GetProperty("formatVersion").GetInt32());
        Assert.Equal(SampleApplicationId.ToString(), root.GetProperty("applicationId").GetString());
        Assert.Equal("start-a-business", root.GetProperty("scenario").GetProperty("key").GetString());
        Assert.Equal(2, root.GetProperty("scenario").GetProperty("version").GetInt32());
        Assert.Equal("2026-03-20T10:15:00+08:00", root.GetProperty("issuedAt").GetString());
        var files = root.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(["summary.pdf", LicencePath, LetterPath], files.Select(f => f.GetProperty("path").GetString()));
        foreach (var file in files)
        {
            var data = entries[file.GetProperty("path").GetString()!];
            Assert.Equal(data.Length, file.GetProperty("size").GetInt64());
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), file.GetProperty("sha256").GetString());
        }
    }

    [Fact]
    public void Seal_IsAnEs256JwsOverTheExactManifestBytes()
    {
        var entries = Entries(Bundle());
        var parts = Encoding.ASCII.GetString(entries["manifest.jws"]).Split('.');

        Assert.Equal(3, parts.Length);
        using var header = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[0]));
        Assert.Equal("ES256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("onestop-manifest+jws", header.RootElement.GetProperty("typ").GetString());
        Assert.Equal(Key.KeyId, header.RootElement.GetProperty("kid").GetString());
        Assert.Equal(entries["manifest.json"], System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]));

        // Checked with the framework's ECDSA directly, as any JOSE library would.
        using var publicKey = ECDsa.Create();
        publicKey.ImportFromPem(Key.PublicKey.ToPem());
        Assert.True(publicKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]),
            System.Buffers.Text.Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256));
    }

    [Fact]
    public void Refusal_IsADecisionLetterWithTheReasonAndTheRightToAppeal()
    {
        var letter = PdfText(Entries(Bundle())[LetterPath]);

        Assert.Contains("DecisionNottoGrant", letter);
        Assert.Contains(Squeeze(RefusalReason), letter);
        Assert.Contains("administrativereconsideration", letter);
        Assert.Contains("administrativelawsuit", letter);
        Assert.Contains("张伟", letter);
    }

    [Fact]
    public void Approval_IsACertificateTitledByItsOutcomeWithItsParticulars()
    {
        var licence = PdfText(Entries(Bundle())[LicencePath]);

        Assert.Contains("BusinessLicence", licence);
        Assert.Contains("北京张伟餐饮有限公司", licence);
        Assert.Contains("91110108MA01ABCD2X", licence);
        Assert.Contains("Granted", licence);
        Assert.DoesNotContain("\uFFFD", licence);
    }

    [Fact]
    public void Summary_ListsEveryDepartmentsDecisionAndDate()
    {
        var summary = PdfText(Entries(Bundle())["summary.pdf"]);

        Assert.Contains("张伟", summary);
        Assert.Contains("1granted,1refused", summary);
        Assert.Contains("MarketRegulation:Registerthecompany", summary);
        Assert.Contains("Granted:BusinessLicence", summary);
        Assert.Contains("MarketRegulation:Foodbusinesslicence", summary);
        Assert.Contains(Squeeze(RefusalReason), summary);
        Assert.Contains("2026-03-1710:15(UTC+08:00)byLiNa", summary);
        Assert.Contains("2026-03-2010:15(UTC+08:00)byWangFang", summary);
        Assert.Contains(LetterPath, summary);
        Assert.Contains(Key.KeyId, summary);
    }

    [Fact]
    public void SameContent_GivesTheSameFilesExceptTheSignature()
    {
        var first = Entries(Bundle());
        var second = Entries(new OutcomeBundleWriter(Key).Write(StartABusiness()));

        foreach (var name in first.Keys.Where(n => n != "manifest.jws"))
            Assert.True(first[name].AsSpan().SequenceEqual(second[name]), $"{name} differs between two renderings");
        Assert.True(BundleTesting.Verify(new OutcomeBundleWriter(Key).Write(StartABusiness())).Valid);
    }

    [Fact]
    public void ZipEntries_CarryTheCompletionTimeAndAreStored()
    {
        using var archive = new System.IO.Compression.ZipArchive(new MemoryStream(Bundle()));

        Assert.All(archive.Entries, e =>
        {
            Assert.Equal(new DateTime(2026, 3, 20, 10, 15, 0), e.LastWriteTime.DateTime);
            Assert.Equal(e.Length, e.CompressedLength);
        });
    }

    [Fact]
    public void LongTextAndManyParticulars_FlowOntoFurtherPages()
    {
        var content = StartABusiness() with
        {
            Decisions =
            [
                new DepartmentDecision("tax", "Tax registration", "tax-registration", true, string.Join(" ", Enumerable.Repeat("Remark.", 400)),
                    CompletedAt, "Tax hall", [.. Enumerable.Range(1, 60).Select(i => ($"Item {i}", $"Value {i}"))]),
            ],
        };

        var pdf = Entries(new OutcomeBundleWriter(Key).Write(content))["decisions/01-tax-tax-registration.pdf"];
        var text = PdfText(pdf);
        var pages = PdfPageCount(pdf);

        Assert.True(pages >= 2, $"{pages} page(s)");
        Assert.Contains("Item1Value1", text);
        Assert.Contains("Item60Value60", text);
        Assert.Contains($"Page1of{pages}", text);
        Assert.Contains($"Page{pages}of{pages}", text);
    }

    [Fact]
    public void RefusalWithoutAReason_IsRefusedNamingTheDecision()
    {
        var content = StartABusiness() with
        {
            Decisions = [new DepartmentDecision("tax", "Tax registration", null, Approved: false, Comment: " ", CompletedAt, "Tax hall", [])],
        };

        var error = Assert.Throws<ArgumentException>(() => new OutcomeBundleWriter(Key).Write(content));

        Assert.Contains("Decision 1 (tax, 'Tax registration')", error.Message);
        Assert.Contains("without a reason", error.Message);
    }

    [Fact]
    public void NoDecisions_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => new OutcomeBundleWriter(Key).Write(StartABusiness() with { Decisions = [] }));

        Assert.Contains("no", error.Message);
    }

    [Fact]
    public void DecisionPaths_NumberEachDecisionAndNameItsDocument()
    {
        var approvalWithoutOutcome = new DepartmentDecision("Public Security", "Seal engraving", null, true, null, CompletedAt, "x", []);

        Assert.Equal("decisions/03-public-security-approval.pdf", BundleLayout.DecisionPath(3, 12, approvalWithoutOutcome));
        Assert.Equal("decisions/007-public-security-approval.pdf", BundleLayout.DecisionPath(7, 120, approvalWithoutOutcome));
        Assert.Equal("decisions/01-public-security-decision-letter.pdf",
            BundleLayout.DecisionPath(1, 2, approvalWithoutOutcome with { Approved = false, Outcome = "seal-permit" }));
    }

    [Fact]
    public void MissingCjkFont_NamesTheTextAndTheDebianPackage()
    {
        var fonts = new BundleFontOptions { Cjk = "/nonexistent/fonts/wqy-zenhei.ttc" };

        var error = Assert.Throws<BundleFontException>(() => new OutcomeBundleWriter(Key, fonts).Write(StartABusiness()));

        Assert.Contains("张伟", error.Message);
        Assert.Contains("/nonexistent/fonts/wqy-zenhei.ttc", error.Message);
        Assert.Contains("apt-get install -y fonts-wqy-zenhei", error.Message);
        Assert.Contains("Bundles:Fonts:Cjk", error.Message);
    }

    [Fact]
    public void LatinOnlyContent_NeedsNoCjkFont()
    {
        var fonts = new BundleFontOptions { Cjk = "/nonexistent/fonts/wqy-zenhei.ttc" };
        var content = StartABusiness("Zhang Wei") with
        {
            Decisions = [new DepartmentDecision("tax", "Tax registration", "tax-registration", true, null, CompletedAt, "Tax hall", [("Taxpayer", "Small-scale")])],
        };

        var zip = new OutcomeBundleWriter(Key, fonts).Write(content);

        Assert.True(BundleTesting.Verify(zip).Valid);
        Assert.Contains("ZhangWei", PdfText(Entries(zip)["summary.pdf"]));
    }

    [Fact]
    public void FontOptions_ReadTheBundlesFontsSection()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Bundles:Fonts:Directory"] = "/opt/fonts",
                ["Bundles:Fonts:Cjk"] = "NotoSansCJK-Regular.ttc",
                ["Bundles:Fonts:CjkFaceIndex"] = "2",
            })
            .Build();

        var options = BundleFontOptions.FromConfiguration(configuration);

        Assert.Equal("/opt/fonts/NotoSansCJK-Regular.ttc", options.Resolve(options.Cjk));
        Assert.Equal(2, options.CjkFaceIndex);
        Assert.Equal(BundleFontOptions.DebianRegular, options.Resolve(options.Regular));
    }

    [Fact]
    public void TrueTypeCollection_FaceIsExtractedAsAStandaloneFont()
    {
        var collection = File.ReadAllBytes(BundleFontOptions.DebianCjk);

        var face = TrueTypeCollection.ExtractFace(collection, 0);

        Assert.Equal("ttcf"u8.ToArray(), collection[..4]);
        Assert.Equal(new byte[] { 0, 1, 0, 0 }, face[..4]);
        Assert.Throws<FormatException>(() => TrueTypeCollection.ExtractFace(collection, 99));
        Assert.Throws<FormatException>(() => TrueTypeCollection.ExtractFace("not a font at all"u8.ToArray(), 0));
    }
}
