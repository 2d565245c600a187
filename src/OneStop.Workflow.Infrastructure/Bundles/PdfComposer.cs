using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace OneStop.Workflow.Infrastructure.Bundles;

/// <summary>How a run of text looks.</summary>
internal sealed record TextStyle(double Size, bool Bold, XColor Color, double LineSpacing = 1.42)
{
    public static readonly XColor Ink = XColor.FromArgb(0x1A, 0x1A, 0x1A);
    public static readonly XColor Muted = XColor.FromArgb(0x5C, 0x63, 0x6E);
    public static readonly XColor Accent = XColor.FromArgb(0x1F, 0x3A, 0x5F);
    public static readonly XColor Refusal = XColor.FromArgb(0x8A, 0x1C, 0x1C);

    public static readonly TextStyle Body = new(10.5, false, Ink);
    public static readonly TextStyle BodyBold = new(10.5, true, Ink);
    public static readonly TextStyle Small = new(8.5, false, Muted, 1.35);
    public static readonly TextStyle Label = new(9.5, false, Muted);
    public static readonly TextStyle Heading = new(12, true, Accent, 1.3);
    public static readonly TextStyle Title = new(19, true, Accent, 1.25);
}

/// <summary>What a PDF says about itself, and the key its identifiers are derived from.</summary>
/// <param name="FooterLeft">One or two lines at the foot of every page.</param>
/// <param name="Key">Unique per document and stable across renderings (application id and path): the PDF's file
/// identifier, XMP ids and font subset tags are derived from it instead of PDFsharp's random ones.</param>
internal sealed record PdfIdentity(string Key, string Title, string Subject, string Author, DateTimeOffset Created, string FooterLeft, bool CertificateBorder);

/// <summary>Lays out text on A4 pages: wrapped paragraphs that mix Latin and CJK fonts, label/value rows, boxes,
/// page breaks and a footer with page numbers. The documents' wording lives in <see cref="OutcomeDocuments"/>.</summary>
internal sealed class PdfComposer
{
    private const double PageWidth = 595.28;
    private const double PageHeight = 841.89;
    private const double Left = 64;
    private const double Right = 64;
    private const double Top = 64;
    private const double Bottom = 86;

    private readonly BundleFonts _fonts;
    private readonly PdfIdentity _identity;
    private readonly PdfDocument _document;
    private readonly List<XGraphics> _pages = [];
    private XGraphics _gfx = null!;
    private double _y;

    public PdfComposer(BundleFonts fonts, PdfIdentity identity)
    {
        FontFiles.EnsureInitialized(); // before the first PdfDocument: PDFsharp checks its licence there
        _document = new PdfDocument();
        _fonts = fonts;
        _identity = identity;
        _document.Info.Title = identity.Title;
        _document.Info.Subject = identity.Subject;
        _document.Info.Author = identity.Author;
        _document.Info.Creator = "OneStop.Workflow";
        // A UTC DateTime: PDFsharp writes a Local/Unspecified one with the machine's offset, which would make the
        // bytes depend on the server's time zone.
        _document.Info.CreationDate = identity.Created.UtcDateTime;
        _document.Language = "en";
        NewPage();
    }

    public static double ContentWidth => PageWidth - Left - Right;

    public void Space(double points) => _y += points;

    /// <summary>A paragraph; line breaks in <paramref name="text"/> start new lines.</summary>
    public void Text(string text, TextStyle style, double indent = 0, double spaceAfter = 5)
    {
        foreach (var line in Layout(text, style, ContentWidth - indent))
        {
            EnsureRoom(style.Size * style.LineSpacing);
            DrawLine(line, style, Left + indent, _y);
            _y += style.Size * style.LineSpacing;
        }
        _y += spaceAfter;
    }

    /// <summary>A horizontal line across the text column.</summary>
    public void Rule(XColor color, double thickness = 0.8, double spaceAfter = 10)
    {
        EnsureRoom(thickness + spaceAfter);
        _gfx.DrawLine(new XPen(color, thickness), Left, _y, PageWidth - Right, _y);
        _y += thickness + spaceAfter;
    }

    /// <summary>Label/value rows (the particulars of a certificate, the facts of an application); each value wraps in
    /// its own column and a row is never split across pages.</summary>
    public void Rows(IEnumerable<(string Label, string Value)> rows, double labelWidth = 150, double spaceAfter = 8)
    {
        const double gap = 12;
        var valueWidth = ContentWidth - labelWidth - gap;
        foreach (var (label, value) in rows)
        {
            var labelLines = Layout(label, TextStyle.Label, labelWidth);
            var valueLines = Layout(value, TextStyle.Body, valueWidth);
            var labelHeight = labelLines.Count * TextStyle.Label.Size * TextStyle.Label.LineSpacing;
            var valueHeight = valueLines.Count * TextStyle.Body.Size * TextStyle.Body.LineSpacing;
            EnsureRoom(Math.Max(labelHeight, valueHeight));
            var y = _y;
            foreach (var line in labelLines)
            {
                // Labels sit on the same baseline as the first value line although they are smaller.
                DrawLine(line, TextStyle.Label, Left, y + (TextStyle.Body.Size - TextStyle.Label.Size) * 0.95);
                y += TextStyle.Label.Size * TextStyle.Label.LineSpacing;
            }
            y = _y;
            foreach (var line in valueLines)
            {
                DrawLine(line, TextStyle.Body, Left + labelWidth + gap, y);
                y += TextStyle.Body.Size * TextStyle.Body.LineSpacing;
            }
            _y += Math.Max(labelHeight, valueHeight) + 3;
        }
        _y += spaceAfter;
    }

    /// <summary>Text in a bordered, tinted box (the seal notice, a refusal's reason).</summary>
    public void Box(string text, TextStyle style, XColor border, double spaceAfter = 10)
    {
        const double padding = 9;
        var lines = Layout(text, style, ContentWidth - 2 * padding);
        var height = lines.Count * style.Size * style.LineSpacing + 2 * padding;
        EnsureRoom(height);
        var tint = XColor.FromArgb(0x0F, border.R, border.G, border.B);
        _gfx.DrawRectangle(new XPen(border, 0.8), new XSolidBrush(tint), Left, _y, ContentWidth, height);
        var y = _y + padding;
        foreach (var line in lines)
        {
            DrawLine(line, style, Left + padding, y);
            y += style.Size * style.LineSpacing;
        }
        _y += height + spaceAfter;
    }

    /// <summary>Starts a new page unless <paramref name="height"/> still fits on this one.</summary>
    public void KeepTogether(double height) => EnsureRoom(height);

    /// <summary>Finishes the document (footers, deterministic identifiers) and returns the PDF file.</summary>
    public byte[] ToPdf()
    {
        for (var i = 0; i < _pages.Count; i++)
        {
            var gfx = _pages[i];
            var y = PageHeight - Bottom + 26;
            gfx.DrawLine(new XPen(TextStyle.Muted, 0.4), Left, y, PageWidth - Right, y);
            var lineHeight = TextStyle.Small.Size * TextStyle.Small.LineSpacing;
            var footer = Layout(_identity.FooterLeft, TextStyle.Small, ContentWidth - 90);
            for (var line = 0; line < Math.Min(footer.Count, 2); line++)
                DrawLine(footer[line], TextStyle.Small, Left, y + 6 + line * lineHeight, gfx);
            var pageText = $"Page {i + 1} of {_pages.Count}";
            var font = _fonts.Latin(TextStyle.Small.Size, bold: false);
            var width = gfx.MeasureString(pageText, font).Width;
            gfx.DrawString(pageText, font, new XSolidBrush(TextStyle.Small.Color), PageWidth - Right - width,
                y + 6 + TextStyle.Small.Size * 0.95, XStringFormats.BaseLineLeft);
            gfx.Dispose();
        }
        _pages.Clear();

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(_identity.Key));
        var fileId = new string([.. hash.AsSpan(0, 16).ToArray().Select(b => (char)b)]);
        _document.Internals.FirstDocumentID = fileId;
        _document.Internals.SecondDocumentID = fileId;
        RenameFontSubsets();

        using var output = new MemoryStream();
        _document.Save(output, closeStream: false);
        var pdf = output.ToArray();
        ReplaceXmpId(pdf, "<xmpMM:DocumentID>uuid:"u8, new Guid(hash.AsSpan(0, 16)));
        ReplaceXmpId(pdf, "<xmpMM:InstanceID>uuid:"u8, new Guid(hash.AsSpan(16, 16)));
        return pdf;
    }

    // ---- layout -----------------------------------------------------------------------------------

    private sealed record Piece(string Text, string Trailing, bool Cjk);

    private sealed record Segment(string Text, XFont Font, double Width);

    private List<List<Segment>> Layout(string text, TextStyle style, double width)
    {
        var lines = new List<List<Segment>>();
        foreach (var paragraph in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = new List<Piece>();
            var x = 0.0;
            foreach (var piece in Pieces(Clean(paragraph)))
            {
                var font = FontFor(piece, style, paragraph);
                var w = Measure(piece.Text, font);
                if (line.Count > 0 && x + w > width)
                {
                    lines.Add(Segments(line, style, paragraph));
                    line = [];
                    x = 0;
                }
                if (w > width)
                {
                    // A word longer than the column (a hash, a long reference): break it between characters.
                    foreach (var chunk in Chunks(piece, font, width))
                    {
                        if (line.Count > 0)
                        {
                            lines.Add(Segments(line, style, paragraph));
                            line = [];
                        }
                        line.Add(chunk);
                        x = Measure(chunk.Text + chunk.Trailing, font);
                    }
                    continue;
                }
                line.Add(piece);
                x += Measure(piece.Text + piece.Trailing, font);
            }
            lines.Add(Segments(line, style, paragraph));
        }
        return lines;
    }

    private IEnumerable<Piece> Chunks(Piece piece, XFont font, double width)
    {
        var current = new StringBuilder();
        foreach (var rune in piece.Text.EnumerateRunes())
        {
            if (current.Length > 0 && Measure(current + rune.ToString(), font) > width)
            {
                yield return piece with { Text = current.ToString(), Trailing = "" };
                current.Clear();
            }
            current.Append(rune.ToString());
        }
        yield return piece with { Text = current.ToString() };
    }

    /// <summary>Joins a line's pieces into runs of one font each, so every run is one drawing operation.</summary>
    private List<Segment> Segments(List<Piece> line, TextStyle style, string paragraph)
    {
        var segments = new List<Segment>();
        var text = new StringBuilder();
        bool? cjk = null;
        for (var i = 0; i < line.Count; i++)
        {
            if (cjk is { } current && current != line[i].Cjk)
                Flush(current);
            cjk = line[i].Cjk;
            text.Append(line[i].Text);
            if (i < line.Count - 1)
                text.Append(line[i].Trailing);
        }
        if (cjk is { } last)
            Flush(last);
        return segments;

        void Flush(bool isCjk)
        {
            var font = isCjk ? _fonts.Cjk(style.Size, style.Bold, paragraph) : _fonts.Latin(style.Size, style.Bold);
            var s = text.ToString();
            segments.Add(new Segment(s, font, Measure(s, font)));
            text.Clear();
        }
    }

    /// <summary>Splits text into breakable pieces: a Latin word with the spaces after it, or one CJK character (CJK text
    /// breaks between any two characters, except before closing punctuation).</summary>
    private static List<Piece> Pieces(string text)
    {
        var pieces = new List<Piece>();
        var word = new StringBuilder();
        var trailing = new StringBuilder();
        var wordIsCjk = false;
        foreach (var rune in text.EnumerateRunes())
        {
            var s = rune.ToString();
            if (Rune.IsWhiteSpace(rune))
            {
                trailing.Append(' ');
                continue;
            }
            var isCjk = Scripts.IsCjk(rune);
            if (word.Length > 0)
            {
                var continuesLatinWord = trailing.Length == 0 && !isCjk && !wordIsCjk;
                var closesCjkText = trailing.Length == 0 && isCjk && wordIsCjk && Scripts.IsClosingPunctuation(rune);
                if (!continuesLatinWord && !closesCjkText)
                    Emit();
            }
            else if (trailing.Length > 0)
            {
                Emit(); // leading spaces
            }
            if (word.Length == 0)
                wordIsCjk = isCjk;
            word.Append(s);
        }
        Emit();
        return pieces;

        void Emit()
        {
            if (word.Length > 0 || trailing.Length > 0)
                pieces.Add(new Piece(word.ToString(), trailing.ToString(), wordIsCjk));
            word.Clear();
            trailing.Clear();
        }
    }

    private static string Clean(string text)
    {
        // Control characters have no glyphs; tabs become spaces.
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
            builder.Append(char.IsControl(c) ? ' ' : c);
        return builder.ToString();
    }

    private XFont FontFor(Piece piece, TextStyle style, string paragraph) =>
        piece.Cjk ? _fonts.Cjk(style.Size, style.Bold, paragraph) : _fonts.Latin(style.Size, style.Bold);

    private double Measure(string text, XFont font) => text.Length == 0 ? 0 : _gfx.MeasureString(text, font).Width;

    // ---- drawing ----------------------------------------------------------------------------------

    private void DrawLine(List<Segment> line, TextStyle style, double x, double top, XGraphics? gfx = null)
    {
        gfx ??= _gfx;
        var brush = new XSolidBrush(style.Color);
        // Every font on the line shares one baseline, so Latin and CJK runs line up.
        var baseline = top + style.Size * 0.95;
        foreach (var segment in line)
        {
            if (segment.Text.Length > 0)
                gfx.DrawString(segment.Text, segment.Font, brush, x, baseline, XStringFormats.BaseLineLeft);
            x += segment.Width;
        }
    }

    private void EnsureRoom(double height)
    {
        if (_y + height > PageHeight - Bottom && _y > Top)
            NewPage();
    }

    private void NewPage()
    {
        var page = _document.AddPage();
        page.Size = PageSize.A4;
        _gfx = XGraphics.FromPdfPage(page);
        _pages.Add(_gfx);
        if (_identity.CertificateBorder)
        {
            _gfx.DrawRectangle(new XPen(TextStyle.Accent, 1.6), 26, 26, PageWidth - 52, PageHeight - 52);
            _gfx.DrawRectangle(new XPen(TextStyle.Accent, 0.5), 31, 31, PageWidth - 62, PageHeight - 62);
        }
        _y = Top;
    }

    // ---- deterministic identifiers ----------------------------------------------------------------

    /// <summary>PDFsharp tags each embedded font subset with six random letters; derive them from the document key
    /// instead so the same document renders to the same bytes.</summary>
    private void RenameFontSubsets()
    {
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var obj in _document.Internals.GetAllObjects()) // in object-number order
        {
            if (obj is not PdfDictionary dictionary)
                continue;
            var key = dictionary.Elements.GetName("/Type") switch
            {
                "/FontDescriptor" => "/FontName",
                "/Font" => "/BaseFont",
                _ => null,
            };
            if (key is null)
                continue;
            var name = dictionary.Elements.GetName(key);
            if (!IsSubsetName(name))
                continue;
            if (!renamed.TryGetValue(name, out var replacement))
            {
                var baseName = name[8..];
                var occurrence = seen[baseName] = seen.GetValueOrDefault(baseName) + 1;
                var tag = SHA256.HashData(Encoding.UTF8.GetBytes($"{_identity.Key}|{baseName}|{occurrence}"));
                replacement = "/" + new string([.. tag.Take(6).Select(b => (char)('A' + b % 26))]) + "+" + baseName;
                renamed[name] = replacement;
            }
            dictionary.Elements.SetName(key, replacement);
        }
    }

    private static bool IsSubsetName(string name) =>
        name.Length > 8 && name[0] == '/' && name[7] == '+' && !name.AsSpan(1, 6).ContainsAnyExceptInRange('A', 'Z');

    /// <summary>PDFsharp writes random UUIDs into the XMP metadata at save time; overwrite them in place with ids derived
    /// from the document key. The metadata stream is uncompressed and the UUID keeps its length, so no offset moves.</summary>
    private static void ReplaceXmpId(byte[] pdf, ReadOnlySpan<byte> marker, Guid id)
    {
        var at = pdf.AsSpan().IndexOf(marker);
        if (at < 0)
            return;
        var start = at + marker.Length;
        var value = Encoding.ASCII.GetBytes(id.ToString("D", CultureInfo.InvariantCulture));
        if (start + value.Length > pdf.Length || !Guid.TryParseExact(Encoding.ASCII.GetString(pdf, start, value.Length), "D", out _))
            return;
        value.CopyTo(pdf, start);
    }
}

/// <summary>Which characters need the CJK font.</summary>
internal static class Scripts
{
    public static bool IsCjk(Rune rune) => rune.Value switch
    {
        >= 0x1100 and <= 0x11FF => true,   // Hangul Jamo
        >= 0x2E80 and <= 0x2FDF => true,   // CJK and Kangxi radicals
        >= 0x2FF0 and <= 0x303F => true,   // ideographic description, CJK symbols and punctuation
        >= 0x3040 and <= 0x31FF => true,   // kana, Bopomofo, Hangul compatibility Jamo, CJK strokes
        >= 0x3200 and <= 0x4DBF => true,   // enclosed CJK, CJK compatibility, extension A
        >= 0x4E00 and <= 0x9FFF => true,   // CJK unified ideographs
        >= 0xA960 and <= 0xA97F => true,   // Hangul Jamo extended A
        >= 0xAC00 and <= 0xD7FF => true,   // Hangul syllables, Jamo extended B
        >= 0xF900 and <= 0xFAFF => true,   // CJK compatibility ideographs
        >= 0xFE30 and <= 0xFE4F => true,   // CJK compatibility forms
        >= 0xFF00 and <= 0xFFEF => true,   // half- and full-width forms
        >= 0x20000 and <= 0x3FFFF => true, // extensions B and later
        _ => false,
    };

    public static bool HasCjk(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsCjk(rune))
                return true;
        }
        return false;
    }

    /// <summary>CJK punctuation that must not start a line.</summary>
    public static bool IsClosingPunctuation(Rune rune) =>
        rune.Value is 0x3001 or 0x3002 or 0xFF0C or 0xFF0E or 0xFF1A or 0xFF1B or 0xFF1F or 0xFF01 or 0xFF09
            or 0x300D or 0x300F or 0x3011 or 0x3009 or 0x300B;
}
