using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OneStop.Workflow.Engine.Forms;

/// <summary>The form-js component types the engine understands.</summary>
public static class FormComponentTypes
{
    public const string Textfield = "textfield";
    public const string Textarea = "textarea";
    public const string Number = "number";
    public const string Datetime = "datetime";
    public const string Select = "select";
    public const string Radio = "radio";
    public const string Checkbox = "checkbox";
    public const string Checklist = "checklist";
    public const string Taglist = "taglist";
    public const string Group = "group";
    public const string Text = "text";
    public const string Spacer = "spacer";
    public const string Separator = "separator";

    /// <summary>Components that hold a value under their key: the ones that are validated and merged.</summary>
    public static readonly IReadOnlySet<string> Fields = new HashSet<string>(StringComparer.Ordinal)
    {
        Textfield, Textarea, Number, Datetime, Select, Radio, Checkbox, Checklist, Taglist,
    };

    /// <summary>Components that only show something; kept for rendering, never validated.</summary>
    public static readonly IReadOnlySet<string> DisplayOnly = new HashSet<string>(StringComparer.Ordinal) { Text, Spacer, Separator };

    /// <summary>Fields whose value is one of <see cref="FormField.Options"/>.</summary>
    public static readonly IReadOnlySet<string> SingleChoice = new HashSet<string>(StringComparer.Ordinal) { Select, Radio };

    /// <summary>Fields whose value is a list of <see cref="FormField.Options"/>.</summary>
    public static readonly IReadOnlySet<string> MultipleChoice = new HashSet<string>(StringComparer.Ordinal) { Checklist, Taglist };

    /// <summary>Fields whose value is text, the only ones a pattern or length applies to.</summary>
    public static readonly IReadOnlySet<string> TextValued = new HashSet<string>(StringComparer.Ordinal) { Textfield, Textarea };
}

/// <summary>Subtypes of a form-js <c>datetime</c> field.</summary>
public static class DatetimeSubtypes
{
    public const string Date = "date";
    public const string Time = "time";
    public const string DateTime = "datetime";
}

/// <summary>How a form-js <c>datetime</c> field writes times: <c>HH:mm</c>, <c>HH:mmZ</c> or <c>HH:mm+08:00</c>.</summary>
public static class TimeSerializingFormats
{
    public const string NoTimezone = "no_timezone";
    public const string UtcNormalized = "utc_normalized";
    public const string UtcOffset = "utc_offset";
}

/// <summary>One choice of a select, radio, checklist or taglist: what the citizen reads and what is stored.</summary>
public sealed record FormOption(string Label, string Value);

/// <summary>
/// A field of a form-js schema: a component with a key, flattened out of any groups, with its validation rules
/// read into typed properties. <see cref="Component"/> keeps the component JSON as written, for rendering.
/// </summary>
public sealed record FormField
{
    /// <summary>Custom property naming a format the engine checks beyond form-js rules.</summary>
    public const string FormatProperty = "format";

    /// <summary>Value of <see cref="FormatProperty"/>: a PRC resident ID number (GB 11643-1999, with check digit).</summary>
    public const string PrcResidentIdFormat = "prc-resident-id";

    public required string Key { get; init; }

    /// <summary>The form-js component type, one of <see cref="FormComponentTypes.Fields"/>.</summary>
    public required string Type { get; init; }

    public string? Label { get; init; }
    public string? Description { get; init; }

    /// <summary>What messages call the field: its label, else its key.</summary>
    public string DisplayName => string.IsNullOrWhiteSpace(Label) ? Key : Label;

    public bool Required { get; init; }
    public int? MinLength { get; init; }
    public int? MaxLength { get; init; }
    public decimal? Min { get; init; }
    public decimal? Max { get; init; }

    /// <summary>The regular expression as written; searched, not anchored, as form-js does.</summary>
    public string? Pattern { get; init; }

    /// <summary>validate.patternErrorMessage: what form-js (and the server, after the label) says when the pattern does not match.</summary>
    public string? PatternErrorMessage { get; init; }

    /// <summary><c>email</c> or <c>phone</c>; null for none (form-js "custom").</summary>
    public string? ValidationType { get; init; }

    /// <summary>Static choices of select, radio, checklist and taglist fields; empty for other types.</summary>
    public IReadOnlyList<FormOption> Options { get; init; } = [];

    /// <summary>datetime fields: <c>date</c>, <c>time</c> or <c>datetime</c>.</summary>
    public string? Subtype { get; init; }

    /// <summary>datetime fields with a time: how the time is written (<see cref="TimeSerializingFormats"/>).</summary>
    public string? TimeSerializingFormat { get; init; }

    /// <summary>number fields: at most this many decimal digits (0 = whole numbers).</summary>
    public int? DecimalDigits { get; init; }

    /// <summary>number fields: the value must be a multiple of this.</summary>
    public decimal? Increment { get; init; }

    public JsonNode? DefaultValue { get; init; }

    /// <summary>The form-js <c>properties</c> map: custom strings, e.g. <c>"format": "prc-resident-id"</c>.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The form file the field was read from.</summary>
    public required string Source { get; init; }

    /// <summary>The component as written (without nested components); cloned before it is put into another schema.</summary>
    public required JsonObject Component { get; init; }

    /// <summary>The compiled <see cref="Pattern"/>, with a match timeout.</summary>
    internal Regex? PatternRegex { get; init; }

    public string? Format => Properties.GetValueOrDefault(FormatProperty);

    /// <summary>"a datetime (date)", "a textfield": how conflict messages describe the field's kind.</summary>
    internal string Kind => Subtype is null ? $"a {Type}" : $"a {Type} ({Subtype})";
}
