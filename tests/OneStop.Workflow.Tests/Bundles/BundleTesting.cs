using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using OneStop.Workflow.Infrastructure.Bundles;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Content;
using PdfSharp.Pdf.Content.Objects;
using PdfSharp.Pdf.IO;

namespace OneStop.Workflow.Tests.Bundles;

/// <summary>Sample applications, keys and bundles, shared by the bundle tests. Rendering is the slow part, so the
/// standard bundle is written once per test run.</summary>
internal static partial class BundleTesting
{
    public static readonly Guid SampleApplicationId = Guid.Parse("3f2c8a5e-1b7d-4c2a-9e61-0d4b7a9c2e11");
    public static readonly DateTimeOffset CompletedAt = new(2026, 3, 20, 10, 15, 0, TimeSpan.FromHours(8));
    public const string RefusalReason = "The kitchen floor plan does not separate raw and cooked food areas (GB 31654-2021, 4.2).";
    public const string LicencePath = "decisions/01-market-regulation-business-licence.pdf";
    public const string LetterPath = "decisions/02-market-regulation-decision-letter.pdf";

    /// <summary>Start a business: a licence granted (with particulars and Chinese names), a food licence refused.</summary>
    public static BundleContent StartABusiness(string applicant = "张伟") => new(
        SampleApplicationId, "start-a-business", 2, "Start a business", applicant, CompletedAt.AddDays(-9), CompletedAt,
        [
            new DepartmentDecision("market-regulation", "Register the company", "business-licence", Approved: true, Comment: null,
                CompletedAt.AddDays(-3), "Li Na",
                [("Company name", "北京张伟餐饮有限公司"), ("Unified social credit code", "91110108MA01ABCD2X"), ("Registered capital", "CNY 500,000")]),
            new DepartmentDecision("market-regulation", "Food business licence", "food-business-licence", Approved: false, RefusalReason,
                CompletedAt, "Wang Fang", []),
        ]);

    /// <summary>A key made once per run (ECDSA key generation is cheap, but one key lets the bundle be shared).</summary>
    public static SealKey Key { get; } = SealKey.FromPem(NewPrivateKeyPem());

    private static readonly Lazy<byte[]> StandardBundle = new(() => new OutcomeBundleWriter(Key).Write(StartABusiness()));

    /// <summary>The standard bundle's bytes (a fresh copy: tests tamper with it).</summary>
    public static byte[] Bundle() => (byte[])StandardBundle.Value.Clone();

    public static string NewPrivateKeyPem()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    public static BundleVerification Verify(byte[] zip, SealPublicKey? key = null) =>
        OutcomeBundleVerifier.Verify(new MemoryStream(zip), key ?? Key.PublicKey);

    /// <summary>The entries of a bundle, read with the framework's own ZIP reader (which a citizen's tools resemble).</summary>
    public static Dictionary<string, byte[]> Entries(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        });
    }

    /// <summary>A bundle rebuilt in the canonical container from (possibly altered) entries, so that only the change
    /// under test is wrong.</summary>
    public static byte[] Rebuild(IEnumerable<(string Name, byte[] Data)> entries) =>
        StoredZip.Write([.. entries], CompletedAt.DateTime);

    public static List<(string Name, byte[] Data)> EntryList(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return [.. archive.Entries.Select(e =>
        {
            using var stream = e.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return (e.FullName, copy.ToArray());
        })];
    }

    /// <summary>The text a PDF shows, read back through each font's ToUnicode map, with all white space removed
    /// (wrapping splits text across lines).</summary>
    public static string PdfText(byte[] pdf)
    {
        FontFiles.EnsureInitialized(); // PDFsharp needs its licence chosen before reading too
        using var document = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import);
        var text = new StringBuilder();
        foreach (var page in document.Pages)
        {
            var maps = new Dictionary<string, Dictionary<int, string>>(StringComparer.Ordinal);
            var fonts = page.Elements.GetDictionary("/Resources")!.Elements.GetDictionary("/Font")!;
            foreach (var name in fonts.Elements.Keys)
            {
                var toUnicode = fonts.Elements.GetDictionary(name)!.Elements.GetDictionary("/ToUnicode")!;
                maps[name] = ParseToUnicode(Encoding.ASCII.GetString(toUnicode.Stream.UnfilteredValue));
            }
            Dictionary<int, string>? font = null;
            Walk(ContentReader.ReadContent(page));

            void Walk(CSequence sequence)
            {
                foreach (var item in sequence)
                {
                    if (item is not COperator op)
                        continue;
                    switch (op.OpCode.OpCodeName)
                    {
                        case OpCodeName.Tf:
                            font = maps[((CName)op.Operands[0]).Name];
                            break;
                        case OpCodeName.Tj:
                        case OpCodeName.QuoteSingle:
                            Decode(((CString)op.Operands[^1]).Value);
                            break;
                        case OpCodeName.TJ:
                            foreach (var part in ((CArray)op.Operands[0]).OfType<CString>())
                                Decode(part.Value);
                            break;
                    }
                }
            }

            void Decode(string codes)
            {
                for (var i = 0; i + 1 < codes.Length; i += 2)
                    text.Append(font!.GetValueOrDefault((codes[i] << 8) | codes[i + 1], "\uFFFD"));
            }
        }
        return WhiteSpace().Replace(text.ToString(), "");
    }

    public static int PdfPageCount(byte[] pdf)
    {
        FontFiles.EnsureInitialized();
        using var document = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import);
        return document.PageCount;
    }

    public static string Squeeze(string text) => WhiteSpace().Replace(text, "");

    private static Dictionary<int, string> ParseToUnicode(string cmap)
    {
        var map = new Dictionary<int, string>();
        foreach (Match section in BfRanges().Matches(cmap))
        {
            foreach (Match range in HexTriple().Matches(section.Value))
            {
                var low = int.Parse(range.Groups[1].Value, NumberStyles.HexNumber);
                var high = int.Parse(range.Groups[2].Value, NumberStyles.HexNumber);
                var first = int.Parse(range.Groups[3].Value, NumberStyles.HexNumber);
                for (var code = low; code <= high; code++)
                    map[code] = char.ConvertFromUtf32(first + code - low);
            }
        }
        return map;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    [GeneratedRegex(@"beginbfrange(.*?)endbfrange", RegexOptions.Singleline)]
    private static partial Regex BfRanges();

    [GeneratedRegex(@"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")]
    private static partial Regex HexTriple();
}
