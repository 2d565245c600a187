using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OneStop.Workflow.Infrastructure.Bundles;

/// <summary><c>manifest.json</c>: what the bundle is and every document in it with its SHA-256. Sealed by
/// <c>manifest.jws</c>.</summary>
/// <param name="FormatVersion">1 (<see cref="CurrentFormatVersion"/>).</param>
/// <param name="IssuedAt">When the bundle was issued: the moment the last department decided.</param>
/// <param name="Files">Every file of the bundle except manifest.json and manifest.jws, in ZIP order.</param>
public sealed record BundleManifest(
    int FormatVersion,
    Guid ApplicationId,
    string ScenarioKey,
    int ScenarioVersion,
    DateTimeOffset IssuedAt,
    IReadOnlyList<ManifestFile> Files)
{
    public const string Format = "onestop-outcome-bundle";
    public const int CurrentFormatVersion = 1;

    private const string InstantFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz";

    /// <summary>The manifest's bytes: indented JSON with "\n" line ends, members in a fixed order, non-ASCII as UTF-8,
    /// so the same manifest always serializes to the same bytes on every platform.</summary>
    internal byte[] ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("format", Format);
            writer.WriteNumber("formatVersion", FormatVersion);
            writer.WriteString("applicationId", ApplicationId.ToString("D"));
            writer.WriteStartObject("scenario");
            writer.WriteString("key", ScenarioKey);
            writer.WriteNumber("version", ScenarioVersion);
            writer.WriteEndObject();
            writer.WriteString("issuedAt", IssuedAt.ToString(InstantFormat, CultureInfo.InvariantCulture));
            writer.WriteStartArray("files");
            foreach (var file in Files)
            {
                writer.WriteStartObject();
                writer.WriteString("path", file.Path);
                writer.WriteString("sha256", file.Sha256);
                writer.WriteNumber("size", file.Size);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    /// <summary>Reads a manifest; a <see cref="FormatException"/> says what is wrong with it.</summary>
    internal static BundleManifest Parse(ReadOnlySpan<byte> json)
    {
        // The reader does not check the UTF-8 inside strings; reading such a string later would throw, not report.
        if (!System.Text.Unicode.Utf8.IsValid(json))
            throw new FormatException("not valid UTF-8.");
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not valid JSON ({ex.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new FormatException("not a JSON object.");
            if (String(root, "format") != Format)
                throw new FormatException($"\"format\" is not \"{Format}\".");
            var version = Integer(root, "formatVersion");
            if (version != CurrentFormatVersion)
                throw new FormatException($"format version {version} is not supported (this verifier reads version {CurrentFormatVersion}).");
            if (!Guid.TryParseExact(String(root, "applicationId"), "D", out var applicationId))
                throw new FormatException("\"applicationId\" is not a GUID.");
            var scenario = Member(root, "scenario", JsonValueKind.Object);
            var issuedAtText = String(root, "issuedAt");
            if (!DateTimeOffset.TryParseExact(issuedAtText, InstantFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var issuedAt))
                throw new FormatException($"\"issuedAt\" '{issuedAtText}' is not an ISO 8601 instant with an offset.");

            var files = new List<ManifestFile>();
            var paths = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in Member(root, "files", JsonValueKind.Array).EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object)
                    throw new FormatException("an entry of \"files\" is not an object.");
                var path = String(entry, "path");
                if (BundleLayout.PathProblem(path) is { } problem)
                    throw new FormatException($"lists '{path}', {problem}.");
                if (path is BundleLayout.ManifestPath or BundleLayout.SealPath)
                    throw new FormatException($"lists '{path}' among the sealed files; it cannot hash itself.");
                if (!paths.Add(path))
                    throw new FormatException($"lists '{path}' twice.");
                var sha256 = String(entry, "sha256");
                if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
                    throw new FormatException($"the SHA-256 of '{path}' is not 64 lower-case hex digits.");
                var size = entry.TryGetProperty("size", out var sizeElement) && sizeElement.ValueKind == JsonValueKind.Number && sizeElement.TryGetInt64(out var s) && s >= 0
                    ? s
                    : throw new FormatException($"the size of '{path}' is not a whole number of bytes.");
                files.Add(new ManifestFile(path, sha256, size));
            }
            return new BundleManifest(version, applicationId, String(scenario, "key"), Integer(scenario, "version"), issuedAt, files);
        }
    }

    private static JsonElement Member(JsonElement obj, string name, JsonValueKind kind) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == kind
            ? value
            : throw new FormatException($"\"{name}\" is missing or not {(kind == JsonValueKind.Array ? "an array" : "an object")}.");

    private static string String(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"\"{name}\" is missing or not a string.");

    private static int Integer(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw new FormatException($"\"{name}\" is missing or not a whole number.");
}

/// <summary>One sealed file: its path inside the ZIP, its SHA-256 (lower-case hex) and its size in bytes.</summary>
public sealed record ManifestFile(string Path, string Sha256, long Size);

/// <summary>Where things are in a bundle, and which entry names are safe.</summary>
internal static class BundleLayout
{
    public const string SummaryPath = "summary.pdf";
    public const string ManifestPath = "manifest.json";
    public const string SealPath = "manifest.jws";
    public const string DecisionsFolder = "decisions/";

    /// <summary><c>decisions/&lt;nn&gt;-&lt;department&gt;-&lt;outcome | decision-letter | approval&gt;.pdf</c>.</summary>
    public static string DecisionPath(int number, int count, DepartmentDecision decision)
    {
        var width = Math.Max(2, count.ToString(CultureInfo.InvariantCulture).Length);
        var document = !decision.Approved ? "decision-letter"
            : string.IsNullOrWhiteSpace(decision.Outcome) ? "approval"
            : Slug(decision.Outcome);
        return $"{DecisionsFolder}{number.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0')}-{Slug(decision.Department)}-{document}.pdf";
    }

    /// <summary>Lower-case ASCII letters and digits joined by single hyphens: safe in a ZIP on every system.</summary>
    public static string Slug(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Trim().ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
                builder.Append(c);
            else if (builder.Length > 0 && builder[^1] != '-')
                builder.Append('-');
        }
        var slug = builder.ToString().Trim('-');
        return slug.Length == 0 ? "document" : slug;
    }

    /// <summary>Why an entry name is unsafe to extract (absolute, drive-qualified, backslashes, "." or ".." segments,
    /// control characters, a folder), or <c>null</c> when it is a plain relative file path.</summary>
    public static string? PathProblem(string path)
    {
        if (path.Length == 0)
            return "an empty name";
        if (path.Length > 255)
            return "a name longer than 255 characters";
        if (path.Any(char.IsControl))
            return "a name with control characters";
        if (path.Contains('\\'))
            return "a name with a backslash (a Windows path separator)";
        if (path.StartsWith('/') || path.Contains(':'))
            return "an absolute or drive-qualified path";
        if (path.EndsWith('/'))
            return "a folder entry (bundles hold files only)";
        if (path.Split('/').Any(segment => segment is "" or "." or ".."))
            return "a path that climbs out of the bundle or has empty or '.' segments (path traversal)";
        return null;
    }
}
