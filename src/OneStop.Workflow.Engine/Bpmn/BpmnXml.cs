using System.Xml;
using System.Xml.Linq;

namespace OneStop.Workflow.Engine.Bpmn;

/// <summary>
/// Loads BPMN text as XML without ever resolving anything outside it: no DTD, no external entities, bounded size.
/// Models are uploaded by policy designers, so the file is untrusted input.
/// </summary>
internal static class BpmnXml
{
    public const string DocumentElementType = "document";

    /// <summary>The parsed file with line information, or null with exactly one problem saying why it cannot be read.</summary>
    public static XDocument? Load(string xml, string? sourceName, List<ValidationProblem> problems)
    {
        var elementId = string.IsNullOrWhiteSpace(sourceName) ? DocumentElementType : sourceName;

        if (string.IsNullOrWhiteSpace(xml))
        {
            problems.Add(new(DocumentElementType, elementId, "The file is empty; a BPMN file starts with a <definitions> element."));
            return null;
        }

        if (xml.Length > BpmnModel.MaxDocumentCharacters)
        {
            problems.Add(new(DocumentElementType, elementId,
                $"The file has {xml.Length:N0} characters; at most {BpmnModel.MaxDocumentCharacters:N0} are accepted."));
            return null;
        }

        // Found before parsing so the message can say what to do; the reader settings refuse DTDs regardless.
        if (DoctypeLine(xml) is { } doctypeLine)
        {
            problems.Add(new(DocumentElementType, elementId,
                "DTDs are not allowed in BPMN files: a <!DOCTYPE> can expand entities or read other files. Remove the DOCTYPE declaration.",
                doctypeLine));
            return null;
        }

        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), CreateReaderSettings());
            return XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            problems.Add(new(DocumentElementType, elementId, $"The file is not well-formed XML: {ex.Message}",
                ex.LineNumber > 0 ? ex.LineNumber : null));
            return null;
        }
    }

    /// <summary>Nothing is resolved or expanded, whatever the file declares.</summary>
    internal static XmlReaderSettings CreateReaderSettings() => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = BpmnModel.MaxDocumentCharacters,
        MaxCharactersFromEntities = 0,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    /// <summary>The line of a DOCTYPE declaration in the prolog (the only place one can stand), if there is one.</summary>
    internal static int? DoctypeLine(string xml)
    {
        var text = xml.AsSpan();
        var i = 0;
        while (i < text.Length)
        {
            var rest = text[i..];
            if (rest[0] == '\uFEFF' || char.IsWhiteSpace(rest[0]))
            {
                i++;
            }
            else if (rest.StartsWith("<?"))
            {
                var end = rest.IndexOf("?>");
                if (end < 0) return null;
                i += end + 2;
            }
            else if (rest.StartsWith("<!--"))
            {
                var end = rest.IndexOf("-->");
                if (end < 0) return null;
                i += end + 3;
            }
            else if (rest.StartsWith("<!DOCTYPE", StringComparison.OrdinalIgnoreCase))
            {
                return text[..i].Count('\n') + 1;
            }
            else
            {
                return null;
            }
        }
        return null;
    }

    public static int? LineOf(XObject node) =>
        node is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : null;
}
