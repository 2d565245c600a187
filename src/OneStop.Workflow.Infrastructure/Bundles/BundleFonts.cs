using System.Buffers.Binary;
using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace OneStop.Workflow.Infrastructure.Bundles;

/// <summary>The font files the bundle's PDFs are set in: the "Bundles:Fonts" configuration section.
/// PDFsharp embeds a subset of each font it uses, so the PDFs read the same everywhere.</summary>
/// <remarks>Defaults are Debian's packages: <c>fonts-dejavu-core</c> (DejaVu Sans for Latin text) and
/// <c>fonts-wqy-zenhei</c> (WenQuanYi Zen Hei for Chinese, Japanese and Korean text). The CJK font is needed only when
/// some text has CJK characters. Fonts must be TrueType or OpenType; a <c>.ttc</c> collection is read at
/// <see cref="CjkFaceIndex"/>. A font with PostScript (CFF) outlines, such as Noto Sans CJK, works but is embedded
/// whole (megabytes per PDF) because PDFsharp cannot subset it.</remarks>
public sealed record BundleFontOptions
{
    public const string SectionName = "Bundles:Fonts";

    public const string DebianRegular = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    public const string DebianBold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
    public const string DebianCjk = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc";

    /// <summary>Folder that relative font paths are resolved against; <c>null</c>: the current directory.</summary>
    public string? Directory { get; init; }

    /// <summary>Latin body text.</summary>
    public string Regular { get; init; } = DebianRegular;

    /// <summary>Latin headings.</summary>
    public string Bold { get; init; } = DebianBold;

    /// <summary>Text with Chinese, Japanese or Korean characters (names such as 张伟, reasons written in Chinese).</summary>
    public string Cjk { get; init; } = DebianCjk;

    /// <summary>Which face of a <c>.ttc</c> collection <see cref="Cjk"/> names (0: the first).</summary>
    public int CjkFaceIndex { get; init; }

    /// <summary>Reads the "Bundles:Fonts" section (keys Directory, Regular, Bold, Cjk, CjkFaceIndex); absent keys keep the
    /// Debian defaults.</summary>
    public static BundleFontOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var options = new BundleFontOptions();
        var index = section["CjkFaceIndex"];
        int faceIndex = 0;
        if (index is not null && (!int.TryParse(index, out faceIndex) || faceIndex < 0))
            throw new InvalidOperationException($"Configuration '{SectionName}:CjkFaceIndex' must be a face number (0 or more), not '{index}'.");
        return options with
        {
            Directory = section["Directory"] ?? options.Directory,
            Regular = section["Regular"] ?? options.Regular,
            Bold = section["Bold"] ?? options.Bold,
            Cjk = section["Cjk"] ?? options.Cjk,
            CjkFaceIndex = faceIndex,
        };
    }

    internal string Resolve(string file) =>
        Path.IsPathRooted(file) || Directory is null ? Path.GetFullPath(file) : Path.GetFullPath(Path.Combine(Directory, file));
}

/// <summary>A font the bundle needs cannot be used: names the file, what it is needed for and how to install it.</summary>
public sealed class BundleFontException(string message) : InvalidOperationException(message);

/// <summary>The three faces one document is set in. Loading is lazy: the CJK font is read only for text that needs it.</summary>
internal sealed class BundleFonts(BundleFontOptions options)
{
    private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode);

    public BundleFontOptions Options { get; } = options;

    public XFont Latin(double size, bool bold) => bold
        ? new XFont(FontFiles.Register(Options.Resolve(Options.Bold), 0, "Bold", DebianPackage(Options.Bold, BundleFontOptions.DebianBold, "fonts-dejavu-core"), null),
            size, XFontStyleEx.Regular, Unicode)
        : new XFont(FontFiles.Register(Options.Resolve(Options.Regular), 0, "Regular", DebianPackage(Options.Regular, BundleFontOptions.DebianRegular, "fonts-dejavu-core"), null),
            size, XFontStyleEx.Regular, Unicode);

    /// <summary>The CJK face; <paramref name="sample"/> is the text that needs it, quoted when the font is missing.</summary>
    public XFont Cjk(double size, bool bold, string sample) =>
        new(FontFiles.Register(Options.Resolve(Options.Cjk), Options.CjkFaceIndex, "Cjk",
                DebianPackage(Options.Cjk, BundleFontOptions.DebianCjk, "fonts-wqy-zenhei"), sample),
            // WenQuanYi has no bold face; PDFsharp thickens the outlines instead.
            size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular, Unicode);

    /// <summary>The Debian package to suggest when the configured file is the one that package ships.</summary>
    private static string? DebianPackage(string configured, string debianDefault, string package) =>
        string.Equals(Path.GetFileName(configured), Path.GetFileName(debianDefault), StringComparison.Ordinal) ? package : null;
}

/// <summary>The process-wide font registry PDFsharp resolves through. PDFsharp allows one resolver per process, so
/// every configured file gets its own family name here and any number of writers with different options share it.</summary>
internal sealed class FontFiles : IFontResolver
{
    private static readonly FontFiles Instance = new();
    private static readonly Lock Gate = new();
    private static readonly ConcurrentDictionary<(string Path, int Face), string> Families = new();
    private static readonly ConcurrentDictionary<string, byte[]> Faces = new(StringComparer.Ordinal);
    private static bool _initialized;

    /// <summary>Selects PDFsharp's licence and installs this resolver, once per process.</summary>
    /// <remarks>PDFsharp 6.5 requires the program to choose its licence before it creates or reads any PDF. We use the
    /// free AGPL-3.0 licence (the only one without a purchased key); see docs/outcome-bundle.md.</remarks>
    public static void EnsureInitialized()
    {
        lock (Gate)
        {
            if (_initialized)
                return;
            PdfSharp.PdfSharpLicense.SetAgplLicense();
            GlobalFontSettings.FontResolver = Instance;
            _initialized = true;
        }
    }

    /// <summary>Loads a font file (face <paramref name="face"/> of a collection) and returns the family name PDFsharp
    /// knows it by.</summary>
    public static string Register(string path, int face, string role, string? debianPackage, string? sample)
    {
        EnsureInitialized();
        if (Families.TryGetValue((path, face), out var known))
            return known;
        lock (Gate)
        {
            if (Families.TryGetValue((path, face), out known))
                return known;
            var family = $"onestop-font-{Families.Count + 1}";
            Faces[family] = Load(path, face, role, debianPackage, sample);
            Families[(path, face)] = family;
            return family;
        }
    }

    private static byte[] Load(string path, int face, string role, string? debianPackage, string? sample)
    {
        var needed = role == "Cjk"
            ? $"The text \"{Shorten(sample)}\" has Chinese, Japanese or Korean characters, so it needs the CJK font"
            : $"The bundle's PDFs need the {role.ToLowerInvariant()} Latin font";
        var install = debianPackage is null
            ? $"set '{BundleFontOptions.SectionName}:{role}' to a TrueType font file that exists"
            : $"install Debian's {debianPackage} package (apt-get install -y {debianPackage}) or set '{BundleFontOptions.SectionName}:{role}' to another TrueType font";
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BundleFontException($"{needed} '{path}', which does not exist: {install}.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BundleFontException($"{needed} '{path}', which cannot be read ({ex.Message}).");
        }
        try
        {
            return TrueTypeCollection.ExtractFace(data, face);
        }
        catch (FormatException ex)
        {
            throw new BundleFontException($"{needed} '{path}', which is not a usable font: {ex.Message} Fix it or {install}.");
        }
    }

    private static string Shorten(string? text) =>
        text is null ? "" : text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic)
    {
        if (!Faces.ContainsKey(familyName))
            return null;
        return new FontResolverInfo(familyName, bold ? XStyleSimulations.BoldSimulation : XStyleSimulations.None);
    }

    public byte[]? GetFont(string faceName) => Faces.GetValueOrDefault(faceName);
}

/// <summary>Reads one face out of a TrueType collection (<c>.ttc</c>), which PDFsharp cannot open itself: the face's
/// table directory is copied and its tables are laid out after it as a standalone font file.</summary>
internal static class TrueTypeCollection
{
    private const uint CollectionTag = 0x74746366; // 'ttcf'

    public static byte[] ExtractFace(byte[] data, int face)
    {
        if (data.Length < 12)
            throw new FormatException("The file is too short to be a font.");
        var span = data.AsSpan();
        if (BinaryPrimitives.ReadUInt32BigEndian(span) != CollectionTag)
        {
            CheckSfnt(span, 0);
            return data;
        }

        var faces = BinaryPrimitives.ReadUInt32BigEndian(span[8..]);
        if (face < 0 || face >= faces)
            throw new FormatException($"The collection has {faces} face(s); face {face} does not exist.");
        if (12 + 4 * (face + 1) > data.Length)
            throw new FormatException("The collection header is truncated.");
        var offset = BinaryPrimitives.ReadUInt32BigEndian(span[(12 + 4 * face)..]);
        if (offset > data.Length - 12)
            throw new FormatException("The collection points past its end.");
        var start = (int)offset;
        CheckSfnt(span, start);

        var tableCount = BinaryPrimitives.ReadUInt16BigEndian(span[(start + 4)..]);
        var directoryLength = 12 + 16 * tableCount;
        if (start + directoryLength > data.Length)
            throw new FormatException("The font's table directory is truncated.");
        var tables = new (int Offset, int Length)[tableCount];
        long total = directoryLength;
        for (var i = 0; i < tableCount; i++)
        {
            var record = span[(start + 12 + 16 * i)..];
            var tableOffset = BinaryPrimitives.ReadUInt32BigEndian(record[8..]);
            var tableLength = BinaryPrimitives.ReadUInt32BigEndian(record[12..]);
            if (tableOffset > (uint)data.Length || tableLength > (uint)data.Length - tableOffset)
                throw new FormatException("A font table points past the end of the file.");
            tables[i] = ((int)tableOffset, (int)tableLength);
            total += (tableLength + 3) & ~3u;
        }

        var font = new byte[total];
        span.Slice(start, directoryLength).CopyTo(font);
        var position = directoryLength;
        for (var i = 0; i < tableCount; i++)
        {
            span.Slice(tables[i].Offset, tables[i].Length).CopyTo(font.AsSpan(position));
            BinaryPrimitives.WriteUInt32BigEndian(font.AsSpan(12 + 16 * i + 8), (uint)position);
            position += (tables[i].Length + 3) & ~3;
        }
        return font;
    }

    private static void CheckSfnt(ReadOnlySpan<byte> data, int start)
    {
        var version = BinaryPrimitives.ReadUInt32BigEndian(data[start..]);
        if (version is not (0x00010000 or 0x4F54544F /* OTTO */ or 0x74727565 /* true */))
            throw new FormatException("It is neither a TrueType/OpenType font nor a TrueType collection.");
    }
}
