using System.Globalization;
using System.Text;

namespace OneStop.Workflow.Infrastructure.Bundles;

/// <summary>The wording and order of the bundle's documents: a certificate per approval, a decision letter per
/// refusal, and the summary.</summary>
internal sealed class OutcomeDocuments(BundleFonts fonts, BundleContent content, string keyId)
{
    private const string Masthead = "ONE-STOP GOVERNMENT SERVICE  ·  COMBINED APPLICATION";

    /// <summary>An approval: the certificate or decision document named by its outcome, with its particulars.</summary>
    public byte[] Certificate(DepartmentDecision decision, string path)
    {
        var department = Humanize(decision.Department);
        var document = string.IsNullOrWhiteSpace(decision.Outcome) ? "Decision to Grant" : Humanize(decision.Outcome);
        var pdf = Compose(path, document, department, certificateBorder: true);

        Header(pdf, department, document, $"Issued on: {decision.TaskName}", TextStyle.Title);
        pdf.Text($"{department} has examined the application filed by {content.ApplicantName} and grants it. " +
                 $"This {(string.IsNullOrWhiteSpace(decision.Outcome) ? "decision" : document)} is issued under combined application " +
                 $"{content.ApplicationId} ({ScenarioTitle}).", TextStyle.Body, spaceAfter: 12);
        if (decision.Particulars.Count > 0)
        {
            pdf.Text("Particulars", TextStyle.Heading, spaceAfter: 4);
            pdf.Rows(decision.Particulars.Select(p => (p.Label ?? "", p.Value ?? "")));
        }
        pdf.Text("Decision", TextStyle.Heading, spaceAfter: 4);
        pdf.Rows(
        [
            ("Holder", content.ApplicantName),
            ("Decision", "Granted"),
            ("Decided on", Instant(decision.DecidedAt)),
            ("Decided by", decision.DecidedBy),
            ("Application", content.ApplicationId.ToString()),
            ("Scenario", Scenario),
        ]);
        if (!string.IsNullOrWhiteSpace(decision.Comment))
        {
            pdf.Text("Remarks", TextStyle.Heading, spaceAfter: 4);
            pdf.Text(decision.Comment, TextStyle.Body, spaceAfter: 10);
        }
        SealNotice(pdf, path);
        return pdf.ToPdf();
    }

    /// <summary>A refusal: a decision letter with the reason and the applicant's remedies, as the Administrative
    /// Licensing Law (Art. 38) requires of a written decision not to grant.</summary>
    public byte[] DecisionLetter(DepartmentDecision decision, string path)
    {
        var department = Humanize(decision.Department);
        var pdf = Compose(path, "Decision Not to Grant", department, certificateBorder: false);

        Header(pdf, department, "Decision Not to Grant", $"Decision letter on: {decision.TaskName}", TextStyle.Title with { Color = TextStyle.Refusal });
        pdf.Rows(
        [
            ("To", content.ApplicantName),
            ("Application", content.ApplicationId.ToString()),
            ("Scenario", Scenario),
            ("Matter", decision.TaskName),
        ], spaceAfter: 6);
        var what = string.IsNullOrWhiteSpace(decision.Outcome) ? $"your application for \"{decision.TaskName}\"" : $"the {Humanize(decision.Outcome)} you applied for";
        pdf.Text($"Having examined your application, {department} has decided not to grant {what}.", TextStyle.Body, spaceAfter: 10);
        pdf.Text("Reason", TextStyle.Heading, spaceAfter: 4);
        pdf.Box(decision.Comment!, TextStyle.Body, TextStyle.Refusal);
        pdf.Text("Your right to a remedy", TextStyle.Heading, spaceAfter: 4);
        pdf.Text("If you do not accept this decision, you have the right to apply for administrative reconsideration within " +
                 "60 days of receiving it, or to bring an administrative lawsuit before a people's court within 6 months, " +
                 "in accordance with the law (Administrative Licensing Law, Article 38; Administrative Reconsideration Law; " +
                 "Administrative Procedure Law).", TextStyle.Body, spaceAfter: 6);
        pdf.Text($"The decisions of the other departments on your combined application are listed in {BundleLayout.SummaryPath}.",
            TextStyle.Body, spaceAfter: 10);
        pdf.Text("Decision", TextStyle.Heading, spaceAfter: 4);
        pdf.Rows(
        [
            ("Decided on", Instant(decision.DecidedAt)),
            ("Decided by", decision.DecidedBy),
        ]);
        SealNotice(pdf, path);
        return pdf.ToPdf();
    }

    /// <summary>The cover: the application and every department's decision and date.</summary>
    public byte[] Summary(IReadOnlyList<string> decisionPaths)
    {
        const string title = "Outcome of Your Combined Application";
        var pdf = Compose(BundleLayout.SummaryPath, title, "One-stop government service", certificateBorder: false);
        Header(pdf, "One-stop government service", title, ScenarioTitle, TextStyle.Title);
        pdf.Rows(
        [
            ("Applicant", content.ApplicantName),
            ("Application", content.ApplicationId.ToString()),
            ("Scenario", Scenario),
            ("Submitted", Instant(content.SubmittedAt)),
            ("Completed", Instant(content.CompletedAt)),
        ], spaceAfter: 6);
        var granted = content.Decisions.Count(d => d.Approved);
        var refused = content.Decisions.Count - granted;
        pdf.Text($"Every department has decided: {granted} granted, {refused} refused.", TextStyle.Body, spaceAfter: 12);

        pdf.Text("Decisions", TextStyle.Heading, spaceAfter: 6);
        for (var i = 0; i < content.Decisions.Count; i++)
        {
            var decision = content.Decisions[i];
            pdf.KeepTogether(96);
            pdf.Text($"{i + 1}. {Humanize(decision.Department)}: {decision.TaskName}", TextStyle.BodyBold, spaceAfter: 2);
            var rows = new List<(string, string)>
            {
                ("Decision", decision.Approved
                    ? string.IsNullOrWhiteSpace(decision.Outcome) ? "Granted" : $"Granted: {Humanize(decision.Outcome)}"
                    : "Refused"),
            };
            if (!decision.Approved)
                rows.Add(("Reason", decision.Comment!));
            rows.Add(("Decided", $"{Instant(decision.DecidedAt)} by {decision.DecidedBy}"));
            rows.Add(("Document", decisionPaths[i]));
            pdf.Rows(rows, spaceAfter: 8);
        }

        pdf.Text("Checking this bundle", TextStyle.Heading, spaceAfter: 4);
        pdf.Text($"{BundleLayout.ManifestPath} lists every file in this bundle with its size and SHA-256; {BundleLayout.SealPath} " +
                 $"seals it with the one-stop service's e-seal (JWS, ES256, key {keyId}). Any changed byte breaks the seal. " +
                 "Check a bundle with: onestop verify BUNDLE.zip --key KEY, where KEY is the service's public key (PEM or JWK) " +
                 "from GET /api/seal/public-key.", TextStyle.Body);
        return pdf.ToPdf();
    }

    private string ScenarioTitle => string.IsNullOrWhiteSpace(content.ScenarioTitle) ? content.ScenarioKey : content.ScenarioTitle;

    private string Scenario => $"{ScenarioTitle} ({content.ScenarioKey}, version {content.ScenarioVersion})";

    private PdfComposer Compose(string path, string title, string author, bool certificateBorder) =>
        new(fonts, new PdfIdentity(
            Key: $"{content.ApplicationId:D}/{path}",
            Title: title,
            Subject: $"{ScenarioTitle}: application {content.ApplicationId}",
            Author: author,
            Created: content.CompletedAt,
            FooterLeft: $"Application {content.ApplicationId}\n{path}",
            CertificateBorder: certificateBorder));

    private static void Header(PdfComposer pdf, string issuer, string title, string subtitle, TextStyle titleStyle)
    {
        pdf.Text(Masthead, TextStyle.Small, spaceAfter: 2);
        pdf.Text(issuer, TextStyle.BodyBold with { Color = TextStyle.Accent }, spaceAfter: 8);
        pdf.Text(title, titleStyle, spaceAfter: 2);
        pdf.Text(subtitle, TextStyle.Label, spaceAfter: 6);
        pdf.Rule(TextStyle.Accent);
    }

    private void SealNotice(PdfComposer pdf, string path) =>
        pdf.Box($"Electronic seal. This document is {path} in the outcome bundle of application {content.ApplicationId}. " +
                $"Its SHA-256 is listed in {BundleLayout.ManifestPath}, sealed by {BundleLayout.SealPath} (JWS, ES256, key {keyId}). " +
                "Any change to this file breaks the seal; check it with: onestop verify BUNDLE.zip --key KEY.",
            TextStyle.Small, TextStyle.Accent);

    /// <summary>A date and time on the clock it was recorded in, with its UTC offset.</summary>
    internal static string Instant(DateTimeOffset instant)
    {
        var clock = instant.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        return instant.Offset == TimeSpan.Zero
            ? $"{clock} UTC"
            : $"{clock} (UTC{instant.ToString("zzz", CultureInfo.InvariantCulture)})";
    }

    /// <summary><c>market-regulation</c> → "Market Regulation"; text that is not a key is kept as it is.</summary>
    internal static string Humanize(string key)
    {
        if (key.Any(c => char.IsWhiteSpace(c) || char.IsUpper(c)) || Scripts.HasCjk(key))
            return key.Trim();
        var words = key.Split(['-', '_', '.'], StringSplitOptions.RemoveEmptyEntries);
        var builder = new StringBuilder();
        for (var i = 0; i < words.Length; i++)
        {
            if (i > 0)
                builder.Append(' ');
            var word = words[i];
            builder.Append(i > 0 && word is "of" or "and" or "for" or "the" or "to" or "in" or "on"
                ? word
                : char.ToUpperInvariant(word[0]) + word[1..]);
        }
        return builder.Length == 0 ? key : builder.ToString();
    }
}
