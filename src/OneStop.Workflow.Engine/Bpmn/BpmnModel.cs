namespace OneStop.Workflow.Engine.Bpmn;

/// <summary>
/// Reading and deploy-time validation of BPMN 2.0 files in one call. A file deploys only when it has no problem;
/// the problems name every element at fault with its type, id and line, all at once.
/// </summary>
public static class BpmnModel
{
    /// <summary>Larger files are refused before parsing; real scenarios are a few hundred kilobytes.</summary>
    public const int MaxDocumentCharacters = 5_000_000;

    /// <summary>Reads and validates <paramref name="xml"/>; returns the document when it has no problems.</summary>
    /// <param name="sourceName">The file name, used in messages and as the element id of file-level problems.</param>
    /// <exception cref="BpmnValidationException">Carries every reading and validation problem.</exception>
    public static BpmnDocument Load(string xml, string? sourceName = null)
    {
        var (document, problems) = Check(xml, sourceName);
        return document ?? throw new BpmnValidationException(sourceName, problems);
    }

    /// <summary>Reads and validates <paramref name="xml"/> without throwing for anything the file contains.</summary>
    /// <returns>The document when there are no problems (null otherwise, so a faulty model cannot be executed by mistake),
    /// and every problem found, ordered by line.</returns>
    public static (BpmnDocument? Document, IReadOnlyList<ValidationProblem> Problems) Check(string xml, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(xml);

        var reading = BpmnReader.Read(xml, sourceName);
        if (reading.Document is not { } document) return (null, reading.Problems);

        document.Problems.AddRange(BpmnValidator.Validate(document, reading.ConditionsInOtherLanguages));
        var ordered = document.Problems.OrderBy(p => p.Line ?? 0).ToList();
        document.Problems.Clear();
        document.Problems.AddRange(ordered);

        return (document.Problems.Count == 0 ? document : null, document.Problems);
    }
}
