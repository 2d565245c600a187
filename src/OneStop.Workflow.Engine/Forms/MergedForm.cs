using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OneStop.Workflow.Engine.Forms;

/// <summary>
/// How much the merged form saves the citizen: the fields of the one merged form against the fields of every
/// separate form added up (each department form as it stands, plus the applicant form once).
/// </summary>
public sealed record DedupFigure(int FieldsToFill, int SumOverSeparateForms)
{
    public int Saved => SumOverSeparateForms - FieldsToFill;

    /// <summary>Saved as a share of <see cref="SumOverSeparateForms"/>, 0 to 1.</summary>
    public double SavedShare => SumOverSeparateForms == 0 ? 0 : (double)Saved / SumOverSeparateForms;

    /// <summary>The share as a whole percentage, rounded half away from zero.</summary>
    public int SavedPercent => (int)Math.Round(SavedShare * 100, MidpointRounding.AwayFromZero);

    public override string ToString() =>
        $"{FieldsToFill} fields to fill instead of {SumOverSeparateForms} over the separate forms: {Saved} fewer ({SavedPercent}%)";
}

/// <summary>A field of the merged form: its merged definition and who needs it.</summary>
public sealed class MergedField
{
    internal MergedField(FormField field, IReadOnlyList<string> departments, IReadOnlyList<string> forms, bool inApplicantForm,
        IReadOnlyList<string> requiredByForms, bool requiredByApplicantForm)
    {
        Field = field;
        Departments = departments;
        Forms = forms;
        InApplicantForm = inApplicantForm;
        RequiredByForms = requiredByForms;
        RequiredByApplicantForm = requiredByApplicantForm;
    }

    public string Key => Field.Key;

    /// <summary>The definition asked: the first form's, with every form's custom properties. It is
    /// <see cref="FormField.Required"/> when the applicant form, or the form of a task every application reaches,
    /// requires it; a form behind a condition requires it only of the applications that reach its task.</summary>
    public FormField Field { get; }

    /// <summary>The keys of the department forms that require the field.</summary>
    public IReadOnlyList<string> RequiredByForms { get; }

    public bool RequiredByApplicantForm { get; }

    /// <summary>Whether an application must answer the field, given the forms whose tasks will handle it.</summary>
    public bool IsRequiredWhen(IReadOnlySet<string> formsInUse) =>
        RequiredByApplicantForm || RequiredByForms.Any(formsInUse.Contains);

    /// <summary>The departments whose forms ask for the field, in process order.</summary>
    public IReadOnlyList<string> Departments { get; }

    /// <summary>The forms (source names) that define the field, in the order they are merged.</summary>
    public IReadOnlyList<string> Forms { get; }

    /// <summary>The field is part of the applicant form, which every department sees.</summary>
    public bool InApplicantForm { get; }

    /// <summary>Needed by more than one department, or part of the applicant form.</summary>
    public bool Shared => InApplicantForm || Departments.Count > 1;

    public override string ToString() => $"{Key} ({string.Join(", ", Departments)})";
}

/// <summary>What one department may see of an application: the applicant form's fields and its own forms' fields.</summary>
public sealed class DepartmentForm
{
    private readonly JsonObject _schema;
    private readonly HashSet<string> _keys;
    private readonly HashSet<string> _required;

    internal DepartmentForm(string department, IReadOnlyList<string> formKeys, IReadOnlyList<MergedField> fields, JsonObject schema)
    {
        Department = department;
        FormKeys = formKeys;
        Fields = fields;
        _schema = schema;
        _keys = fields.Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        var own = formKeys.ToHashSet(StringComparer.Ordinal);
        _required = fields.Where(f => f.IsRequiredWhen(own)).Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
    }

    public string Department { get; }

    /// <summary>The department's own forms (the applicant form not included).</summary>
    public IReadOnlyList<string> FormKeys { get; }
    public IReadOnlyList<MergedField> Fields { get; }
    public IReadOnlyList<string> FieldKeys => Fields.Select(f => f.Key).ToList();

    public bool CanSee(string key) => _keys.Contains(key);

    /// <summary>Whether the applicant form or one of the department's own forms requires the field.</summary>
    public bool Requires(string key) => _required.Contains(key);

    /// <summary>A form-js schema with only these fields, for the department's read-only view.</summary>
    public JsonObject Schema => (JsonObject)_schema.DeepClone();

    public string ToJson() => _schema.ToJsonString(MergedForm.JsonOutput);
}

/// <summary>
/// The one form a citizen fills in for a scenario: the union of the department forms, each field asked once.
/// Applicant fields come first, then each department's fields in process order. A key defined incompatibly by two
/// forms (type, options or validation) cannot be merged; every such conflict is reported, naming both forms.
/// A field is required when a form requires it and that form's task handles the application (see
/// <see cref="DepartmentRouting"/>); the schema marks required what every application must answer.
/// </summary>
public sealed class MergedForm
{
    /// <summary>The form key of the shared applicant part (<c>forms/applicant.form.json</c>).</summary>
    public const string ApplicantFormKey = "applicant";

    internal static readonly JsonSerializerOptions JsonOutput = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private sealed record Part(string? Department, string FormKey, FormSchema Schema);

    private readonly Dictionary<string, MergedField> _fieldsByKey;
    private readonly Dictionary<string, DepartmentForm> _views = new(StringComparer.Ordinal);
    private readonly JsonObject _schema;
    private readonly HashSet<string> _formKeys;

    private MergedForm(string id, List<Part> parts, List<MergedField> fields, IReadOnlyList<string> departments,
        FormSchema? applicantForm, DedupFigure dedup, DepartmentRouting? routing)
    {
        Id = id;
        _formKeys = parts.Where(p => p.Department is not null).Select(p => p.FormKey).ToHashSet(StringComparer.Ordinal);
        Fields = fields;
        _fieldsByKey = fields.ToDictionary(f => f.Key, StringComparer.Ordinal);
        Departments = departments;
        ApplicantForm = applicantForm;
        Dedup = dedup;
        Routing = routing;
        _schema = BuildSchema(id, parts, field => field.Field.Required);
        foreach (var department in departments)
        {
            var own = parts.Where(p => p.Department is null || p.Department == department).ToList();
            var keys = own.SelectMany(p => p.Schema.Fields).Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
            var ownForms = own.Where(p => p.Department is not null).Select(p => p.FormKey).Distinct(StringComparer.Ordinal).ToList();
            var ownFormSet = ownForms.ToHashSet(StringComparer.Ordinal);
            _views[department] = new DepartmentForm(department, ownForms, fields.Where(f => keys.Contains(f.Key)).ToList(),
                BuildSchema($"{id}-{department}", own, field => field.IsRequiredWhen(ownFormSet)));
        }
    }

    /// <summary>The form-js id of the merged schema.</summary>
    public string Id { get; }

    /// <summary>Every field once, in the order the citizen is asked.</summary>
    public IReadOnlyList<MergedField> Fields { get; }

    /// <summary>The departments of the scenario, in process order.</summary>
    public IReadOnlyList<string> Departments { get; }

    public FormSchema? ApplicantForm { get; }

    public DedupFigure Dedup { get; }

    /// <summary>Which forms an application involves; null when every form is used by every application.</summary>
    public DepartmentRouting? Routing { get; }

    /// <summary>The department forms whose tasks will handle an application with this data (all of them without a routing).</summary>
    public IReadOnlySet<string> FormsInUse(JsonObject applicationData)
    {
        ArgumentNullException.ThrowIfNull(applicationData);
        if (Routing is null)
            return _formKeys;
        var routed = Routing.FormsInUse(applicationData);
        // A form no task of the routing's process names (merged by hand) is always in use.
        return _formKeys.Where(k => routed.Contains(k) || !Routing.Forms.Contains(k)).ToHashSet(StringComparer.Ordinal);
    }

    public MergedField? Field(string key) => _fieldsByKey.GetValueOrDefault(key);

    public bool HasField(string key) => _fieldsByKey.ContainsKey(key);

    /// <summary>The merged form as a form-js schema, for the citizen portal's form-js viewer.</summary>
    public JsonObject Schema => (JsonObject)_schema.DeepClone();

    public string ToJson() => _schema.ToJsonString(JsonOutput);

    /// <summary>What <paramref name="department"/> may see: the applicant form's fields and its own forms' fields,
    /// never another department's.</summary>
    /// <exception cref="ArgumentException">When the department takes no part in the scenario.</exception>
    public DepartmentForm ForDepartment(string department)
    {
        ArgumentNullException.ThrowIfNull(department);
        return _views.TryGetValue(department, out var view)
            ? view
            : throw new ArgumentException(
                $"Department '{department}' takes no part in this scenario; its departments are {string.Join(", ", Departments)}.",
                nameof(department));
    }

    /// <summary>A copy of <paramref name="data"/> with only the values <paramref name="department"/> may see.</summary>
    public JsonObject FilterData(JsonObject data, string department)
    {
        ArgumentNullException.ThrowIfNull(data);
        var view = ForDepartment(department);
        var visible = new JsonObject();
        foreach (var (key, value) in data)
        {
            if (view.CanSee(key))
                visible[key] = value?.DeepClone();
        }
        return visible;
    }

    /// <summary>Merges the department forms of a scenario and its applicant form.</summary>
    /// <param name="departmentForms">Each user task's department and form, in process order. A form used by
    /// several departments is listed once for each.</param>
    /// <param name="applicantForm">The shared applicant part, asked first and seen by every department; optional.</param>
    /// <param name="id">The form-js id of the merged schema.</param>
    /// <param name="departmentsWithoutForm">Departments of the scenario whose tasks have no form; they see the applicant part.</param>
    /// <param name="routing">Which tasks, so which forms, an application involves; without it every form is used by
    /// every application, and a field is required when any form requires it.</param>
    /// <exception cref="FormMergeException">Carries every conflict, each naming the key and both forms.</exception>
    public static MergedForm Merge(
        IEnumerable<(string Department, string FormKey, FormSchema Schema)> departmentForms,
        FormSchema? applicantForm,
        string id = "merged-form",
        IEnumerable<string>? departmentsWithoutForm = null,
        DepartmentRouting? routing = null)
    {
        ArgumentNullException.ThrowIfNull(departmentForms);
        ArgumentNullException.ThrowIfNull(id);

        var given = departmentForms.ToList();
        foreach (var (department, formKey, schema) in given)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(department);
            ArgumentException.ThrowIfNullOrWhiteSpace(formKey);
            ArgumentNullException.ThrowIfNull(schema);
            if (formKey == ApplicantFormKey)
                throw new ArgumentException($"'{ApplicantFormKey}' is the applicant form; pass it as applicantForm.", nameof(departmentForms));
        }

        // Applicant first, then department by department in process order (a department's forms together).
        var departments = given.Select(f => f.Department).Distinct(StringComparer.Ordinal).ToList();
        var parts = new List<Part>();
        if (applicantForm is not null)
            parts.Add(new Part(null, ApplicantFormKey, applicantForm));
        foreach (var department in departments)
        {
            parts.AddRange(given.Where(f => f.Department == department)
                .DistinctBy(f => f.FormKey, StringComparer.Ordinal)
                .Select(f => new Part(department, f.FormKey, f.Schema)));
        }
        foreach (var department in departmentsWithoutForm ?? [])
        {
            if (!departments.Contains(department, StringComparer.Ordinal))
                departments.Add(department);
        }

        var firstDefinition = new Dictionary<string, FormField>(StringComparer.Ordinal);
        var definitions = new Dictionary<string, List<(Part Part, FormField Field)>>(StringComparer.Ordinal);
        var order = new List<string>();
        var conflicts = new List<FormProblem>();
        foreach (var part in parts)
        {
            foreach (var field in part.Schema.Fields)
            {
                if (!definitions.TryGetValue(field.Key, out var list))
                {
                    definitions[field.Key] = list = [];
                    firstDefinition[field.Key] = field;
                    order.Add(field.Key);
                }
                else if (!list.Any(u => ReferenceEquals(u.Part.Schema, part.Schema)))
                {
                    conflicts.AddRange(Conflicts(firstDefinition[field.Key], field));
                }
                list.Add((part, field));
            }
        }
        if (conflicts.Count > 0)
            throw new FormMergeException(conflicts);

        bool AlwaysUsed(string formKey) => routing is null || routing.FormsAlwaysUsed.Contains(formKey) || !routing.Forms.Contains(formKey);
        var fields = order.Select(key =>
        {
            var uses = definitions[key];
            var requiredBy = uses.Where(u => u.Field.Required && u.Part.Department is not null)
                .Select(u => u.Part.FormKey).Distinct(StringComparer.Ordinal).ToList();
            var requiredByApplicant = uses.Any(u => u.Field.Required && u.Part.Department is null);
            return new MergedField(
                Combine(uses.Select(u => u.Field).DistinctBy(f => f.Source).ToList(), requiredByApplicant || requiredBy.Any(AlwaysUsed)),
                uses.Where(u => u.Part.Department is not null).Select(u => u.Part.Department!).Distinct(StringComparer.Ordinal).ToList(),
                uses.Select(u => u.Part.Schema.SourceName).Distinct(StringComparer.Ordinal).ToList(),
                uses.Any(u => u.Part.Department is null),
                requiredBy,
                requiredByApplicant);
        }).ToList();

        var separate = parts.DistinctBy(p => p.FormKey, StringComparer.Ordinal).Sum(p => p.Schema.Fields.Count);
        return new MergedForm(id, parts, fields, departments, applicantForm, new DedupFigure(fields.Count, separate), routing);
    }

    // ---- Compatibility ----------------------------------------------------------------------------

    private static IEnumerable<FormProblem> Conflicts(FormField first, FormField other)
    {
        var key = first.Key;
        FormProblem Conflict(string firstSays, string otherSays) =>
            new(null, key, $"Field '{key}' {firstSays} in {first.Source} but {otherSays} in {other.Source}.");

        // A different kind of field makes every other comparison meaningless.
        if (first.Type != other.Type || first.Subtype != other.Subtype)
        {
            yield return Conflict($"is {first.Kind}", other.Kind);
            yield break;
        }

        var firstValues = first.Options.Select(o => o.Value).ToHashSet(StringComparer.Ordinal);
        if (!firstValues.SetEquals(other.Options.Select(o => o.Value)))
            yield return Conflict($"offers the options {ValueList(first)}", $"{ValueList(other)}");

        foreach (var (name, a, b) in new (string, string?, string?)[]
                 {
                     ("pattern", first.Pattern, other.Pattern),
                     ("minLength", Text(first.MinLength), Text(other.MinLength)),
                     ("maxLength", Text(first.MaxLength), Text(other.MaxLength)),
                     ("min", Text(first.Min), Text(other.Min)),
                     ("max", Text(first.Max), Text(other.Max)),
                     ("validationType", first.ValidationType, other.ValidationType),
                     ("decimalDigits", Text(first.DecimalDigits), Text(other.DecimalDigits)),
                     ("increment", Text(first.Increment), Text(other.Increment)),
                     ("timeSerializingFormat", first.TimeSerializingFormat, other.TimeSerializingFormat),
                     ("format", first.Format, other.Format),
                 })
        {
            if (a != b)
                yield return Conflict(Has(name, a), Has(name, b));
        }

        foreach (var (name, value) in first.Properties)
        {
            if (name != FormField.FormatProperty && other.Properties.TryGetValue(name, out var otherValue) && otherValue != value)
                yield return Conflict($"has property {name} = '{value}'", $"{name} = '{otherValue}'");
        }
    }

    private static string Has(string rule, string? value) => value is null ? $"has no {rule}" : $"has {rule} {value}";

    private static string ValueList(FormField field) => string.Join(", ", field.Options.Select(o => o.Value));

    private static string? Text(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string? Text(decimal? value) => value is { } v ? FormSchema.FormatNumber(v) : null;

    /// <summary>The first definition, with every form's custom properties.</summary>
    private static FormField Combine(IReadOnlyList<FormField> definitions, bool required)
    {
        var first = definitions[0];
        var properties = new Dictionary<string, string>(first.Properties, StringComparer.Ordinal);
        foreach (var (name, value) in definitions.Skip(1).SelectMany(d => d.Properties))
            properties.TryAdd(name, value);

        var component = (JsonObject)first.Component.DeepClone();
        SetRequired(component, required);
        if (properties.Count > 0)
        {
            var map = new JsonObject();
            foreach (var (name, value) in properties)
                map[name] = value;
            component["properties"] = map;
        }
        return first with { Required = required, Properties = properties, Component = component };
    }

    private static void SetRequired(JsonObject component, bool required)
    {
        if (required)
        {
            if (component["validate"] is not JsonObject validate)
                component["validate"] = validate = new JsonObject();
            validate["required"] = true;
        }
        else if (component["validate"] is JsonObject validate)
        {
            validate.Remove("required");
            if (validate.Count == 0) component.Remove("validate");
        }
    }

    // ---- The form-js schema -----------------------------------------------------------------------

    private JsonObject BuildSchema(string id, IReadOnlyList<Part> parts, Func<MergedField, bool> required)
    {
        var asked = new HashSet<string>(StringComparer.Ordinal);
        var components = new JsonArray();
        var unnamed = new Counter();
        foreach (var part in parts)
        {
            foreach (var component in Emit(part.Schema.Components, part.FormKey, asked, unnamed, required))
                components.Add(component);
        }
        var version = parts.Select(p => p.Schema.SchemaVersion).Max();
        var schema = new JsonObject
        {
            ["type"] = "default",
            ["id"] = id,
            ["components"] = components,
        };
        if (version is not null)
            schema["schemaVersion"] = version;
        schema["exporter"] = new JsonObject { ["name"] = "OneStop.Workflow", ["version"] = "1.0" };
        return schema;
    }

    /// <summary>
    /// The components of one container, with fields already asked left out. Ids are rewritten so that forms written
    /// apart cannot collide (<c>Field_&lt;key&gt;</c> for fields), and so are layout rows. A container whose fields were
    /// all asked before contributes nothing, not even its headings.
    /// </summary>
    private List<JsonObject> Emit(JsonArray components, string formKey, HashSet<string> asked, Counter unnamed, Func<MergedField, bool> required)
    {
        var output = new List<JsonObject>();
        var hasField = false;
        foreach (var node in components)
        {
            var component = (JsonObject)node!;
            var type = component["type"]!.GetValue<string>();
            JsonObject emitted;
            if (FormComponentTypes.Fields.Contains(type))
            {
                var key = component["key"]!.GetValue<string>();
                if (!asked.Add(key)) continue;
                var field = _fieldsByKey[key];
                emitted = (JsonObject)field.Field.Component.DeepClone();
                SetRequired(emitted, required(field));
                emitted["id"] = $"Field_{key}";
                hasField = true;
            }
            else if (type == FormComponentTypes.Group)
            {
                var children = Emit(component["components"] as JsonArray ?? [], formKey, asked, unnamed, required);
                if (children.Count == 0) continue;
                emitted = (JsonObject)component.DeepClone();
                emitted["components"] = new JsonArray([.. children]);
                emitted["id"] = $"{formKey}_{component["id"]?.GetValue<string>() ?? $"_{++unnamed.Value}"}";
                hasField = true;
            }
            else
            {
                emitted = (JsonObject)component.DeepClone();
                emitted["id"] = $"{formKey}_{component["id"]?.GetValue<string>() ?? $"_{++unnamed.Value}"}";
            }

            // The layout (row and columns) is the form's where the component appears here.
            emitted.Remove("layout");
            if (component["layout"] is JsonObject layout)
            {
                var copy = (JsonObject)layout.DeepClone();
                if (copy["row"] is JsonValue row && row.TryGetValue<string>(out var rowId))
                    copy["row"] = $"{formKey}_{rowId}";
                emitted["layout"] = copy;
            }
            output.Add(emitted);
        }
        return hasField ? output : [];
    }

    /// <summary>Numbers components that have no id of their own; "_" keeps them apart from ids as written.</summary>
    private sealed class Counter
    {
        public int Value;
    }
}
