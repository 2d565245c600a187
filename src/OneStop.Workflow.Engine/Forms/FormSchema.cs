using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OneStop.Workflow.Engine.Forms;

/// <summary>
/// A parsed @bpmn-io/form-js schema: its fields flattened through groups, each with typed validation rules.
/// Parsing is strict, because a form the server reads differently from the form-js viewer would accept or refuse
/// other data than the citizen sees: every problem (invalid JSON, a field without key, an unknown or unsupported
/// component, a bad pattern, a duplicate key, a behaviour the server cannot reproduce) is reported at once.
/// </summary>
public sealed class FormSchema
{
    /// <summary>Larger forms are refused before parsing; a real department form is a few kilobytes.</summary>
    public const int MaxCharacters = 1_000_000;

    /// <summary>Most components a form may have, display components and groups included.</summary>
    public const int MaxComponents = 2_000;

    /// <summary>Deepest nesting of groups.</summary>
    public const int MaxGroupDepth = 10;

    /// <summary>How long one pattern may take on one value before the value is refused (guards against ReDoS).</summary>
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(200);

    private readonly JsonObject _root;
    private readonly Dictionary<string, FormField> _fieldsByKey;

    private FormSchema(string sourceName, JsonObject root, List<FormField> fields)
    {
        SourceName = sourceName;
        _root = root;
        Fields = fields;
        _fieldsByKey = fields.ToDictionary(f => f.Key, StringComparer.Ordinal);
        Id = root["id"]?.GetValue<string>();
        SchemaVersion = root["schemaVersion"]?.GetValue<int>();
    }

    /// <summary>The name used in messages, normally the file name (<c>birth-certificate.form.json</c>).</summary>
    public string SourceName { get; }

    public string? Id { get; }
    public int? SchemaVersion { get; }

    /// <summary>Every field (component with a key), groups flattened, in the order the form shows them.</summary>
    public IReadOnlyList<FormField> Fields { get; }

    public FormField? Field(string key) => _fieldsByKey.GetValueOrDefault(key);

    public bool HasField(string key) => _fieldsByKey.ContainsKey(key);

    /// <summary>The schema as read, for the form-js viewer.</summary>
    public JsonObject ToJsonObject() => (JsonObject)_root.DeepClone();

    /// <summary>The top-level components as read; callers must not change them.</summary>
    internal JsonArray Components => (JsonArray)_root["components"]!;

    /// <summary>Parses <paramref name="json"/>.</summary>
    /// <param name="sourceName">The file name, used in every message.</param>
    /// <exception cref="FormSchemaException">Carries every problem found.</exception>
    public static FormSchema Parse(string json, string sourceName) => Parse(json, sourceName, PatternTimeout);

    internal static FormSchema Parse(string json, string sourceName, TimeSpan patternTimeout)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(sourceName);

        if (json.Length > MaxCharacters)
            throw new FormSchemaException(sourceName,
                [new FormProblem(sourceName, null, $"The form is {json.Length:N0} characters long; at most {MaxCharacters:N0} are accepted.")]);

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            // JsonException counts lines from 0 and repeats the position in its message; say it once, from 1.
            var where = e.LineNumber is long line ? $" at line {line + 1}, position {e.BytePositionInLine + 1}" : "";
            var reason = e.Message;
            var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            reason = cut > 0 ? reason[..cut] : reason;
            throw new FormSchemaException(sourceName, [new FormProblem(sourceName, null, $"The file is not valid JSON{where}: {reason}")]);
        }

        var reader = new Reader(sourceName, patternTimeout);
        reader.Root(root);
        if (reader.Problems.Count > 0)
            throw new FormSchemaException(sourceName, reader.Problems);
        return new FormSchema(sourceName, (JsonObject)root!, reader.Fields);
    }

    private sealed class Reader(string source, TimeSpan patternTimeout)
    {
        private static readonly Regex KeyShape = new(@"^[A-Za-z_][A-Za-z0-9_]*\z", RegexOptions.CultureInvariant);
        private static readonly string[] ValidateRules =
            ["required", "minLength", "maxLength", "min", "max", "pattern", "patternErrorMessage", "validationType"];

        // form-js components the engine knows of but does not support in a scenario form, and why.
        private static readonly Dictionary<string, string> Unsupported = new(StringComparer.Ordinal)
        {
            ["button"] = "buttons are not part of a scenario form; the portal submits the merged form itself.",
            ["dynamiclist"] = "repeating lists are not supported yet: their data is nested and cannot be shared between forms.",
            ["table"] = "tables show data from expressions, which the server does not evaluate.",
            ["expression"] = "expression fields compute values with FEEL, which the server does not evaluate.",
            ["filepicker"] = "documents are handled as materials, not as form fields.",
            ["documentPreview"] = "documents are handled as materials, not as form fields.",
            ["html"] = "raw HTML is not accepted in scenario forms; use a text component (Markdown).",
            ["iframe"] = "embedded pages are not accepted in scenario forms.",
            ["image"] = "images are not accepted in scenario forms; use a text component.",
            ["script"] = "scripts are not accepted in scenario forms.",
            ["page"] = "multi-page forms are not supported; the portal lays out the merged form.",
            ["multipage"] = "multi-page forms are not supported; the portal lays out the merged form.",
        };

        private static readonly string SupportedTypes = string.Join(", ",
            FormComponentTypes.Fields.Concat([FormComponentTypes.Group]).Concat(FormComponentTypes.DisplayOnly));

        private readonly Dictionary<string, string> _keyOwners = new(StringComparer.Ordinal);
        private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
        private int _components;
        private bool _tooMany;

        public List<FormProblem> Problems { get; } = [];
        public List<FormField> Fields { get; } = [];

        private void Problem(string? component, string message) => Problems.Add(new FormProblem(source, component, message));

        public void Root(JsonNode? root)
        {
            if (root is not JsonObject form)
            {
                Problem(null, $"A form-js schema is a JSON object with \"type\": \"default\" and \"components\", not {Describe(root)}.");
                return;
            }

            if (form["type"] is not JsonValue type || !type.TryGetValue<string>(out var typeText))
                Problem(null, "\"type\" is required and must be \"default\" (a form-js form).");
            else if (typeText != "default")
                Problem(null, $"\"type\" must be \"default\" (a form-js form), not \"{typeText}\".");

            if (form["id"] is { } id && !(id is JsonValue idValue && idValue.TryGetValue<string>(out _)))
                Problem(null, $"\"id\" must be a string, not {Describe(id)}.");

            if (form["schemaVersion"] is { } version &&
                !(version is JsonValue versionValue && versionValue.TryGetValue<int>(out var number) && number >= 1))
                Problem(null, $"\"schemaVersion\" must be a positive whole number, not {Describe(version)}.");

            if (form["components"] is not JsonArray components)
            {
                Problem(null, form["components"] is null
                    ? "\"components\" is required: the list of the form's fields."
                    : $"\"components\" must be a list, not {Describe(form["components"])}.");
                return;
            }
            Components(components, "components", depth: 0);
        }

        private void Components(JsonArray components, string path, int depth)
        {
            for (var i = 0; i < components.Count; i++)
            {
                if (++_components > MaxComponents)
                {
                    if (!_tooMany) Problem(null, $"The form has more than {MaxComponents:N0} components.");
                    _tooMany = true;
                    return;
                }
                var where = $"{path}[{i}]";
                if (components[i] is not JsonObject component)
                {
                    Problem(where, $"A component must be a JSON object, not {Describe(components[i])}.");
                    continue;
                }
                Component(component, where, depth);
            }
        }

        private void Component(JsonObject component, string path, int depth)
        {
            var id = OptionalString(component, "id", path);
            var key = component["key"] is JsonValue keyValue && keyValue.TryGetValue<string>(out var keyText) ? keyText : null;
            var name = string.IsNullOrEmpty(key) ? id ?? path : key;

            if (id is not null && !_ids.Add(id))
                Problem(name, $"Component id '{id}' is used twice in this form; ids must be unique.");

            if (component["type"] is not JsonValue typeValue || !typeValue.TryGetValue<string>(out var type))
            {
                Problem(name, $"\"type\" is required: one of {SupportedTypes}.");
                return;
            }

            if (Unsupported.TryGetValue(type, out var why))
            {
                Problem(name, $"'{type}' components are not supported: {why}");
                return;
            }

            if (type == FormComponentTypes.Group)
            {
                if (component["path"] is { } groupPath && !(groupPath is JsonValue pv && pv.TryGetValue<string>(out var p) && p.Length == 0))
                    Problem(name, "A group \"path\" nests its fields' data; scenario forms keep every field at the top level so that forms can share keys. Remove the path.");
                RefuseConditional(component, name);
                if (depth + 1 > MaxGroupDepth)
                {
                    Problem(name, $"Groups are nested more than {MaxGroupDepth} deep.");
                    return;
                }
                if (component["components"] is JsonArray children)
                    Components(children, path + ".components", depth + 1);
                else if (component["components"] is not null)
                    Problem(name, $"A group's \"components\" must be a list, not {Describe(component["components"])}.");
                return;
            }

            if (FormComponentTypes.DisplayOnly.Contains(type))
            {
                RefuseConditional(component, name);
                return;
            }

            if (!FormComponentTypes.Fields.Contains(type))
            {
                Problem(name, $"Unknown component type '{type}'; supported: {SupportedTypes}.");
                return;
            }

            if (string.IsNullOrEmpty(key))
            {
                Problem(name, component["key"] is null || key is not null
                    ? $"A {type} needs a \"key\": the name its value is stored under."
                    : $"\"key\" must be a string, not {Describe(component["key"])}.");
                return;
            }
            if (!KeyShape.IsMatch(key))
            {
                Problem(name, $"Key '{key}' must be a plain name (letters, digits and '_', not starting with a digit): " +
                              "BPMN conditions read fields by key, and a '.' would nest the data.");
                return;
            }
            if (_keyOwners.TryGetValue(key, out var owner))
            {
                Problem(name, $"Key '{key}' is used twice in this form (also by {owner}); a form asks for each value once.");
                return;
            }
            _keyOwners[key] = id is null ? path : $"component '{id}'";

            if (Field(component, type, key) is { } field)
                Fields.Add(field);
        }

        private FormField? Field(JsonObject component, string type, string key)
        {
            var before = Problems.Count;
            RefuseConditional(component, key);
            if (component["disabled"] is { } disabled && !IsFalse(disabled))
                Problem(key, "Disabled fields are not supported: form-js submits no value for them. Show fixed information with a text component.");
            if (component["readonly"] is { } readOnly && !IsFalse(readOnly))
                Problem(key, "Read-only fields are not supported in scenario forms: the citizen could not enter the value. Show fixed information with a text component.");
            if (component["valuesKey"] is not null || component["valuesExpression"] is not null)
                Problem(key, "Options must be listed in \"values\": the server checks every answer against them, so options from input data or expressions cannot be used.");
            if (component["serializeToString"] is { } toString && !IsFalse(toString))
                Problem(key, "\"serializeToString\" is not supported: numbers stay JSON numbers so that conditions such as ${employees > 0} can compare them.");

            var label = OptionalString(component, "label", key);
            var description = OptionalString(component, "description", key);

            var rules = Validate(component, type, key);
            var options = Options(component, type, key);

            string? subtype = null, timeFormat = null;
            if (type == FormComponentTypes.Datetime)
            {
                subtype = OptionalString(component, "subtype", key);
                if (subtype is not (DatetimeSubtypes.Date or DatetimeSubtypes.Time or DatetimeSubtypes.DateTime))
                    Problem(key, $"A datetime needs \"subtype\": \"date\", \"time\" or \"datetime\"{(subtype is null ? "" : $", not \"{subtype}\"")}.");
                timeFormat = OptionalString(component, "timeSerializingFormat", key);
                if (timeFormat is not (null or TimeSerializingFormats.NoTimezone or TimeSerializingFormats.UtcNormalized or TimeSerializingFormats.UtcOffset))
                    Problem(key, $"\"timeSerializingFormat\" must be \"no_timezone\", \"utc_normalized\" or \"utc_offset\", not \"{timeFormat}\".");
                if (subtype == DatetimeSubtypes.Date)
                    timeFormat = null; // form-js ignores it for dates
                else
                    timeFormat ??= TimeSerializingFormats.NoTimezone; // what form-js writes when the schema does not say
            }
            else if (component["subtype"] is not null)
            {
                Problem(key, "\"subtype\" applies to datetime fields only.");
            }

            int? decimalDigits = null;
            decimal? increment = null;
            if (type == FormComponentTypes.Number)
            {
                if (component["decimalDigits"] is { } digits)
                {
                    if (digits is JsonValue dv && dv.TryGetValue<int>(out var d) && d >= 0)
                        decimalDigits = d;
                    else
                        Problem(key, $"\"decimalDigits\" must be a whole number of 0 or more, not {Describe(digits)}.");
                }
                if (component["increment"] is { } step)
                {
                    if (Number(step) is { } inc && inc > 0)
                        increment = inc;
                    else
                        Problem(key, $"\"increment\" must be a number greater than 0, not {Describe(step)}.");
                }
            }

            var properties = Properties(component, type, key);

            if (Problems.Count > before)
                return null;

            var clone = (JsonObject)component.DeepClone();
            var field = new FormField
            {
                Key = key,
                Type = type,
                Label = label,
                Description = description,
                Required = rules.Required,
                MinLength = rules.MinLength,
                MaxLength = rules.MaxLength,
                Min = rules.Min,
                Max = rules.Max,
                Pattern = rules.Pattern,
                PatternRegex = rules.Regex,
                PatternErrorMessage = rules.PatternErrorMessage,
                ValidationType = rules.ValidationType,
                Options = options,
                Subtype = subtype,
                TimeSerializingFormat = timeFormat,
                DecimalDigits = decimalDigits,
                Increment = increment,
                DefaultValue = component["defaultValue"]?.DeepClone(),
                Properties = properties,
                Source = source,
                Component = clone,
            };

            // A default the field itself would refuse is a mistake in the form, not the citizen's.
            if (field.DefaultValue is { } defaultValue && !FormValidator.IsEmpty(defaultValue))
            {
                foreach (var problem in FormValidator.ValueProblems(field, defaultValue))
                    Problem(key, $"\"defaultValue\" is not a valid value of this field: {problem}");
            }
            return Problems.Count > before ? null : field;
        }

        private sealed record Rules(bool Required, int? MinLength, int? MaxLength, decimal? Min, decimal? Max,
            string? Pattern, Regex? Regex, string? PatternErrorMessage, string? ValidationType);

        private Rules Validate(JsonObject component, string type, string key)
        {
            if (component["validate"] is null)
                return new Rules(false, null, null, null, null, null, null, null, null);
            if (component["validate"] is not JsonObject validate)
            {
                Problem(key, $"\"validate\" must be an object, not {Describe(component["validate"])}.");
                return new Rules(false, null, null, null, null, null, null, null, null);
            }

            foreach (var (rule, value) in validate)
            {
                if (!ValidateRules.Contains(rule))
                    Problem(key, $"Unknown validation rule \"{rule}\"; form-js knows {string.Join(", ", ValidateRules)}.");
                else if (value is JsonValue v && v.TryGetValue<string>(out var text) && text.StartsWith('='))
                    Problem(key, $"validate.{rule} is an expression ({text}); the server does not evaluate FEEL, write the value itself.");
            }

            var isText = FormComponentTypes.TextValued.Contains(type);
            var required = false;
            if (validate["required"] is { } req)
            {
                if (req is JsonValue rv && rv.TryGetValue<bool>(out var r)) required = r;
                else Problem(key, $"validate.required must be true or false, not {Describe(req)}.");
            }

            var minLength = Length(validate, "minLength", key, isText);
            var maxLength = Length(validate, "maxLength", key, isText);
            if (minLength > maxLength)
                Problem(key, $"validate.minLength ({minLength}) is greater than validate.maxLength ({maxLength}).");

            var min = Bound(validate, "min", key, type == FormComponentTypes.Number);
            var max = Bound(validate, "max", key, type == FormComponentTypes.Number);
            if (min > max)
                Problem(key, $"validate.min ({min}) is greater than validate.max ({max}).");

            string? pattern = null;
            Regex? regex = null;
            if (validate["pattern"] is { } patternNode)
            {
                if (patternNode is not JsonValue pv || !pv.TryGetValue<string>(out var p))
                    Problem(key, $"validate.pattern must be a string, not {Describe(patternNode)}.");
                else if (!isText)
                    Problem(key, $"validate.pattern applies to textfield and textarea only, not to a {type}.");
                else if (p.Length > 0 && !p.StartsWith('='))
                {
                    pattern = p;
                    try
                    {
                        // ECMAScript mode: \d, \w and \s mean what they mean in the browser, where form-js runs the same pattern.
                        regex = new Regex(EndAnchorsAsInJavaScript(p), RegexOptions.ECMAScript, patternTimeout);
                    }
                    catch (ArgumentException e)
                    {
                        Problem(key, $"validate.pattern '{p}' is not a valid regular expression: {e.Message}");
                    }
                }
            }

            string? patternErrorMessage = null;
            if (validate["patternErrorMessage"] is { } messageNode)
            {
                if (messageNode is not JsonValue mv || !mv.TryGetValue<string>(out var message))
                    Problem(key, $"validate.patternErrorMessage must be a string, not {Describe(messageNode)}.");
                else if (validate["pattern"] is null)
                    Problem(key, "validate.patternErrorMessage explains validate.pattern, which this field does not have.");
                else if (message.Length > 0)
                    patternErrorMessage = message;
            }

            string? validationType = null;
            if (validate["validationType"] is { } vt)
            {
                if (vt is not JsonValue vtv || !vtv.TryGetValue<string>(out var t))
                    Problem(key, $"validate.validationType must be a string, not {Describe(vt)}.");
                else if (t is "email" or "phone")
                {
                    if (type != FormComponentTypes.Textfield)
                        Problem(key, $"validate.validationType applies to textfields only, not to a {type}.");
                    validationType = t;
                }
                else if (t is not ("custom" or ""))
                    Problem(key, $"validate.validationType must be \"email\", \"phone\" or \"custom\", not \"{t}\".");
            }

            return new Rules(required, minLength, maxLength, min, max, pattern, regex, patternErrorMessage, validationType);
        }

        private int? Length(JsonObject validate, string rule, string key, bool applies)
        {
            if (validate[rule] is not { } node) return null;
            if (!applies)
            {
                Problem(key, $"validate.{rule} applies to textfield and textarea only.");
                return null;
            }
            if (node is JsonValue v && v.TryGetValue<int>(out var n) && n >= 0) return n;
            if (!IsExpression(node))
                Problem(key, $"validate.{rule} must be a whole number of 0 or more, not {Describe(node)}.");
            return null;
        }

        private decimal? Bound(JsonObject validate, string rule, string key, bool applies)
        {
            if (validate[rule] is not { } node) return null;
            if (!applies)
            {
                Problem(key, $"validate.{rule} applies to number fields only; use minLength/maxLength for text.");
                return null;
            }
            if (Number(node) is { } n) return n;
            if (!IsExpression(node))
                Problem(key, $"validate.{rule} must be a number, not {Describe(node)}.");
            return null;
        }

        private IReadOnlyList<FormOption> Options(JsonObject component, string type, string key)
        {
            var hasOptions = FormComponentTypes.SingleChoice.Contains(type) || FormComponentTypes.MultipleChoice.Contains(type);
            if (!hasOptions)
            {
                if (component["values"] is not null)
                    Problem(key, "\"values\" applies to select, radio, checklist and taglist fields only.");
                return [];
            }
            if (component["values"] is not JsonArray values || values.Count == 0)
            {
                if (component["valuesKey"] is null && component["valuesExpression"] is null)
                    Problem(key, $"A {type} needs \"values\": a non-empty list of {{\"label\", \"value\"}} options.");
                return [];
            }

            var options = new List<FormOption>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < values.Count; i++)
            {
                if (values[i] is not JsonObject option ||
                    option["value"] is not JsonValue value || !value.TryGetValue<string>(out var v) ||
                    option["label"] is not JsonValue label || !label.TryGetValue<string>(out var l))
                {
                    Problem(key, $"values[{i}] must be an object with a string \"label\" and a string \"value\".");
                    continue;
                }
                if (!seen.Add(v))
                    Problem(key, $"Option value '{v}' is listed twice.");
                options.Add(new FormOption(l, v));
            }
            return options;
        }

        private Dictionary<string, string> Properties(JsonObject component, string type, string key)
        {
            var properties = new Dictionary<string, string>(StringComparer.Ordinal);
            if (component["properties"] is null) return properties;
            if (component["properties"] is not JsonObject map)
            {
                Problem(key, $"\"properties\" must be an object of strings, not {Describe(component["properties"])}.");
                return properties;
            }
            foreach (var (name, value) in map)
            {
                if (value is JsonValue v && v.TryGetValue<string>(out var text))
                    properties[name] = text;
                else
                    Problem(key, $"properties.{name} must be a string, not {Describe(value)}.");
            }

            if (properties.TryGetValue(FormField.FormatProperty, out var format))
            {
                if (format != FormField.PrcResidentIdFormat)
                    Problem(key, $"properties.format '{format}' is unknown; the engine checks \"{FormField.PrcResidentIdFormat}\".");
                else if (type != FormComponentTypes.Textfield)
                    Problem(key, $"properties.format \"{FormField.PrcResidentIdFormat}\" applies to textfields only.");
            }
            return properties;
        }

        private void RefuseConditional(JsonObject component, string name)
        {
            if (component["conditional"] is not null)
                Problem(name, "\"conditional\" (hide with a FEEL condition) is not supported: the server does not evaluate FEEL, " +
                              "so it would validate a field the citizen cannot see. Ask for it in every case, or move it to another form.");
        }

        private string? OptionalString(JsonObject component, string property, string name)
        {
            if (component[property] is not { } node) return null;
            if (node is JsonValue v && v.TryGetValue<string>(out var text)) return text;
            Problem(name, $"\"{property}\" must be a string, not {Describe(node)}.");
            return null;
        }

        /// <summary>
        /// JavaScript's <c>$</c> (without the m flag) matches only at the very end of the value; .NET's also before a
        /// final line feed, which would let "123\n" pass ^[0-9]+$. Outside character classes it becomes <c>\z</c>.
        /// </summary>
        private static string EndAnchorsAsInJavaScript(string pattern)
        {
            var result = new StringBuilder(pattern.Length + 4);
            var inClass = false;
            for (var i = 0; i < pattern.Length; i++)
            {
                var c = pattern[i];
                if (c == '\\' && i + 1 < pattern.Length)
                {
                    result.Append(c).Append(pattern[++i]);
                }
                else if (inClass)
                {
                    inClass = c != ']';
                    result.Append(c);
                }
                else if (c == '$')
                {
                    result.Append(@"\z");
                }
                else
                {
                    inClass = c == '[';
                    result.Append(c);
                }
            }
            return result.ToString();
        }

        private static bool IsFalse(JsonNode node) => node is JsonValue v && v.TryGetValue<bool>(out var b) && !b;

        private static bool IsExpression(JsonNode node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.StartsWith('=');

    }

    /// <summary>A JSON number as a decimal, whether it was parsed or set from .NET; null when not a number or out of range.</summary>
    internal static decimal? Number(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number &&
        decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    internal static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "a list",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => $"the text \"{Shorten(v.GetValue<string>())}\"",
            JsonValueKind.Number => $"the number {v.ToJsonString()}",
            JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
            _ => v.ToJsonString(),
        },
        _ => node.ToJsonString(),
    };

    internal static string Shorten(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");

    /// <summary>A number as people write it: no trailing zeros after the decimal point.</summary>
    internal static string FormatNumber(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);
}
