namespace OneStop.Workflow.Infrastructure.Bundles;

/// <summary>What an outcome bundle says: one combined application and every department's decision on it.</summary>
/// <param name="ApplicationId">The combined application.</param>
/// <param name="ScenarioKey">The scenario's process key, e.g. <c>start-a-business</c>.</param>
/// <param name="ScenarioVersion">The deployed version the application ran on.</param>
/// <param name="ScenarioTitle">The scenario's title as citizens see it, e.g. "Start a business".</param>
/// <param name="ApplicantName">The citizen (or business representative) who applied; may contain Chinese characters.</param>
/// <param name="SubmittedAt">When the combined application was filed.</param>
/// <param name="CompletedAt">When the last department decided. The bundle is issued at this moment: it is the
/// manifest's <c>issuedAt</c>, every ZIP entry's timestamp and every PDF's creation date, so the same content always
/// gives the same files.</param>
/// <param name="Decisions">Every department decision, in the order the bundle lists them.</param>
public sealed record BundleContent(
    Guid ApplicationId,
    string ScenarioKey,
    int ScenarioVersion,
    string ScenarioTitle,
    string ApplicantName,
    DateTimeOffset SubmittedAt,
    DateTimeOffset CompletedAt,
    IReadOnlyList<DepartmentDecision> Decisions);

/// <summary>One department's decision on its part of a combined application.</summary>
/// <param name="Department">The department key, e.g. <c>market-regulation</c>.</param>
/// <param name="TaskName">The task the department decided, e.g. "Register the company".</param>
/// <param name="Outcome">The document an approval issues, e.g. <c>business-licence</c>; <c>null</c> when the approval
/// issues no named document.</param>
/// <param name="Approved"><c>true</c>: a certificate or decision document; <c>false</c>: a decision letter refusing it.</param>
/// <param name="Comment">For a refusal, the reason (required: Administrative Licensing Law Art. 38); for an approval,
/// an optional remark printed on the document.</param>
/// <param name="DecidedAt">When the department decided.</param>
/// <param name="DecidedBy">Who decided (staff member or office).</param>
/// <param name="Particulars">The fields shown on the certificate, in order (label, value).</param>
public sealed record DepartmentDecision(
    string Department,
    string TaskName,
    string? Outcome,
    bool Approved,
    string? Comment,
    DateTimeOffset DecidedAt,
    string DecidedBy,
    IReadOnlyList<(string Label, string Value)> Particulars);
