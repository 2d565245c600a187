using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OneStop.Workflow.Engine.Forms;

/// <summary>One problem with one submitted value: the field key and a message that starts with the field's label.</summary>
public sealed record FieldError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>
/// Checks application data against a merged form with the rules form-js enforces in the browser (required, pattern,
/// lengths, min/max, email/phone, options) plus what the browser cannot be trusted with: value types, real dates,
/// options of every choice field, PRC resident ID check digits, and no keys the form does not have. A field is
/// required when the applicant form, or the form of a task this application reaches, requires it. It only reports;
/// it stores and changes nothing.
/// </summary>
public static class FormValidator
{
    // The "valid e-mail address" of the HTML standard (WHATWG), which browsers and form-js apply.
    private static readonly Regex Email = new(
        "^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\\z",
        RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    // An international number in E.164 shape: + or 00, a country code not starting with 0, at most 15 digits in all.
    private static readonly Regex InternationalPhone = new(@"^(?:\+|00)[1-9][0-9]{6,14}\z", RegexOptions.CultureInvariant);

    private static readonly Regex TimeShape = new(@"^([0-9]{2}):([0-9]{2})(Z|[+-][0-9]{2}:[0-9]{2})?\z", RegexOptions.CultureInvariant);

    /// <summary>Validates a whole application: every field of <paramref name="form"/>, and no key it does not have.</summary>
    /// <returns>Every problem, in the order of the form, then keys that are not fields; empty when the data is valid.</returns>
    public static IReadOnlyList<FieldError> Validate(MergedForm form, JsonObject data)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(data);

        // A form whose task the application does not reach (a food licence for a retail shop) requires nothing of it.
        var formsInUse = form.FormsInUse(data);
        var errors = new List<FieldError>();
        foreach (var field in form.Fields)
            Check(field.Field, field.IsRequiredWhen(formsInUse), data.TryGetPropertyValue(field.Key, out var value) ? value : null, errors);
        AddUnknownKeys(form, data, errors);
        return errors;
    }

    /// <summary>
    /// Validates the answer to a supplementation request: only <paramref name="requestedFields"/> may be given, and each
    /// of them must be given (null clears an optional field) and valid.
    /// </summary>
    /// <exception cref="ArgumentException">When a requested field is not a field of <paramref name="form"/>.</exception>
    public static IReadOnlyList<FieldError> ValidateSupplement(MergedForm form, JsonObject data, IReadOnlyCollection<string> requestedFields)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(requestedFields);

        var requested = new HashSet<string>(requestedFields, StringComparer.Ordinal);
        if (requested.FirstOrDefault(key => !form.HasField(key)) is { } unknown)
            throw new ArgumentException($"Field '{unknown}' was requested, but the form has no such field.", nameof(requestedFields));

        var errors = new List<FieldError>();
        foreach (var field in form.Fields.Where(f => requested.Contains(f.Key)))
        {
            if (!data.TryGetPropertyValue(field.Key, out var value))
                errors.Add(new FieldError(field.Key, $"{field.Field.DisplayName}: was asked for in this supplementation request; please answer it."));
            else
                Check(field.Field, field.RequiredByApplicantForm || field.RequiredByForms.Count > 0, value, errors); // the asking department takes part
        }
        foreach (var (key, _) in data)
        {
            if (form.Field(key) is { } field && !requested.Contains(key))
                errors.Add(new FieldError(key, $"{field.Field.DisplayName}: was not asked for in this supplementation request, so it cannot be changed now."));
        }
        AddUnknownKeys(form, data, errors);
        return errors;
    }

    private static void AddUnknownKeys(MergedForm form, JsonObject data, List<FieldError> errors)
    {
        foreach (var (key, _) in data)
        {
            if (!form.HasField(key))
                errors.Add(new FieldError(key, $"'{key}' is not a field of this form."));
        }
    }

    private static void Check(FormField field, bool required, JsonNode? value, List<FieldError> errors)
    {
        // As form-js: a missing, null or empty value, or an empty list, is "not given" and only `required` applies to it;
        // a required checkbox must be ticked.
        if (IsEmpty(value))
        {
            if (required)
                errors.Add(new FieldError(field.Key, $"{field.DisplayName}: is required."));
            return;
        }
        if (required && field.Type == FormComponentTypes.Checkbox && value is JsonValue v && v.GetValueKind() == JsonValueKind.False)
        {
            errors.Add(new FieldError(field.Key, $"{field.DisplayName}: must be ticked."));
            return;
        }
        foreach (var problem in ValueProblems(field, value!))
            errors.Add(new FieldError(field.Key, $"{field.DisplayName}: {problem}"));
    }

    internal static bool IsEmpty(JsonNode? value) => value switch
    {
        null => true,
        JsonArray list => list.Count == 0,
        JsonValue v => v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length == 0,
        _ => false,
    };

    /// <summary>What is wrong with a given (non-empty) value, without the label; empty when it is valid.</summary>
    internal static IEnumerable<string> ValueProblems(FormField field, JsonNode value)
    {
        switch (field.Type)
        {
            case FormComponentTypes.Textfield or FormComponentTypes.Textarea:
                if (!IsString(value, out var text))
                    return [$"must be text, not {FormSchema.Describe(value)}."];
                return TextProblems(field, text);

            case FormComponentTypes.Number:
                return NumberProblems(field, value);

            case FormComponentTypes.Checkbox:
                return value is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False
                    ? []
                    : [$"must be true or false (ticked or not), not {FormSchema.Describe(value)}."];

            case FormComponentTypes.Select or FormComponentTypes.Radio:
                if (!IsString(value, out var choice))
                    return [$"must be one of the choices ({Choices(field)}), not {FormSchema.Describe(value)}."];
                return field.Options.Any(o => o.Value == choice)
                    ? []
                    : [$"'{FormSchema.Shorten(choice)}' is not one of the choices: {Choices(field)}."];

            case FormComponentTypes.Checklist or FormComponentTypes.Taglist:
                return ListProblems(field, value);

            case FormComponentTypes.Datetime:
                if (!IsString(value, out var when))
                    return [$"must be {DatetimeShape(field)}, not {FormSchema.Describe(value)}."];
                return DatetimeProblems(field, when);

            default:
                throw new InvalidOperationException($"Field '{field.Key}' has type '{field.Type}', which FormSchema does not accept.");
        }
    }

    private static List<string> TextProblems(FormField field, string text)
    {
        var problems = new List<string>();
        if (field.PatternRegex is { } pattern)
        {
            try
            {
                // form-js tests the pattern with RegExp.test: a search, not anchored; forms anchor with ^...$ themselves.
                if (!pattern.IsMatch(text))
                    problems.Add(field.PatternErrorMessage is { } explained
                        ? explained
                        : $"is not in the expected form (it must match {field.Pattern}).");
            }
            catch (RegexMatchTimeoutException)
            {
                problems.Add("could not be checked against the expected form in time; please check the value and shorten it.");
            }
        }

        // form-js counts length without leading and trailing spaces.
        var length = text.Trim().Length;
        if (field.MinLength is { } min && length < min)
            problems.Add($"must be at least {min} characters long ({length} given).");
        if (field.MaxLength is { } max && length > max)
            problems.Add($"must be at most {max} characters long ({length} given).");

        if (field.ValidationType == "email" && !Email.IsMatch(text))
            problems.Add("must be a valid e-mail address, e.g. name@example.com.");
        if (field.ValidationType == "phone" && !InternationalPhone.IsMatch(text))
            problems.Add("must be an international phone number: + and the country code, digits only, e.g. +8613800000000.");

        if (field.Format == FormField.PrcResidentIdFormat)
            problems.AddRange(PrcResidentId.Problems(text));
        return problems;
    }

    private static List<string> NumberProblems(FormField field, JsonNode value)
    {
        if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
            return [$"must be a number, not {FormSchema.Describe(value)}."];
        if (FormSchema.Number(v) is not { } number)
            return [$"{FormSchema.Describe(value)} is too large."];

        var problems = new List<string>();
        if (field.DecimalDigits is { } digits && DecimalDigitsOf(number) > digits)
            problems.Add(digits == 0 ? "must be a whole number." : $"may have at most {digits} decimal digit{(digits == 1 ? "" : "s")}.");
        if (field.Increment is { } step && number % step != 0)
        {
            var below = number - number % step;
            if (number < 0) below -= step;
            problems.Add($"must be a multiple of {FormSchema.FormatNumber(step)}; the nearest allowed values are " +
                         $"{FormSchema.FormatNumber(below)} and {FormSchema.FormatNumber(below + step)}.");
        }
        if (field.Min is { } min && number < min)
            problems.Add($"must be at least {FormSchema.FormatNumber(min)}.");
        if (field.Max is { } max && number > max)
            problems.Add($"must be at most {FormSchema.FormatNumber(max)}.");
        return problems;
    }

    private static List<string> ListProblems(FormField field, JsonNode value)
    {
        if (value is not JsonArray list)
            return [$"must be a list of choices ({Choices(field)}), not {FormSchema.Describe(value)}."];
        var problems = new List<string>();
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list)
        {
            if (!IsString(item, out var choice))
                problems.Add($"every entry must be one of the choices ({Choices(field)}), not {FormSchema.Describe(item)}.");
            else if (field.Options.All(o => o.Value != choice))
                problems.Add($"'{FormSchema.Shorten(choice)}' is not one of the choices: {Choices(field)}.");
            else if (!chosen.Add(choice))
                problems.Add($"'{choice}' is chosen twice.");
        }
        return problems;
    }

    private static List<string> DatetimeProblems(FormField field, string text)
    {
        var (datePart, timePart) = field.Subtype switch
        {
            DatetimeSubtypes.Date => (text, null),
            DatetimeSubtypes.Time => (null, text),
            _ => text.IndexOf('T') is var t and > 0 ? (text[..t], text[(t + 1)..]) : ((string?)null, (string?)null),
        };
        if (datePart is null && timePart is null)
            return [$"must be {DatetimeShape(field)}."];

        var problems = new List<string>();
        if (datePart is not null)
        {
            if (datePart.Length != 10 || datePart[4] != '-' || datePart[7] != '-' ||
                datePart.Remove(7, 1).Remove(4, 1).AsSpan().ContainsAnyExceptInRange('0', '9'))
                return [$"must be {DatetimeShape(field)}."];
            if (!DateOnly.TryParseExact(datePart, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                problems.Add($"{datePart} is not a real date.");
        }
        if (timePart is not null)
        {
            var match = TimeShape.Match(timePart);
            var zone = match.Success ? match.Groups[3].Value : "";
            var zoneFits = field.TimeSerializingFormat switch
            {
                TimeSerializingFormats.UtcNormalized => zone == "Z",
                TimeSerializingFormats.UtcOffset => zone.Length > 0,
                _ => zone.Length == 0,
            };
            if (!match.Success || !zoneFits)
                return [$"must be {DatetimeShape(field)}."];
            var hour = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var minute = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            var offsetFits = zone.Length <= 1 ||
                             (int.Parse(zone.AsSpan(1, 2), CultureInfo.InvariantCulture) <= 14 &&
                              int.Parse(zone.AsSpan(4, 2), CultureInfo.InvariantCulture) <= 59);
            if (hour > 23 || minute > 59 || !offsetFits)
                problems.Add($"{timePart} is not a real time of day.");
        }
        return problems;
    }

    private static string DatetimeShape(FormField field)
    {
        var zone = field.TimeSerializingFormat switch
        {
            TimeSerializingFormats.UtcNormalized => ("Z", " in UTC"),
            TimeSerializingFormats.UtcOffset => ("+08:00", " with the offset from UTC"),
            _ => ("", ""),
        };
        return field.Subtype switch
        {
            DatetimeSubtypes.Date => "a date written YYYY-MM-DD, e.g. 2025-03-03",
            DatetimeSubtypes.Time => $"a time written HH:mm on the 24-hour clock{zone.Item2}, e.g. 08:30{zone.Item1}",
            _ => $"a date and time written YYYY-MM-DDTHH:mm{zone.Item2}, e.g. 2025-03-03T08:30{zone.Item1}",
        };
    }

    private static string Choices(FormField field) => string.Join(", ", field.Options.Select(o => $"{o.Value} ({o.Label})"));

    private static bool IsString(JsonNode? node, out string text)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            text = v.GetValue<string>();
            return true;
        }
        text = "";
        return false;
    }

    private static int DecimalDigitsOf(decimal number)
    {
        var text = number.ToString(CultureInfo.InvariantCulture);
        var point = text.IndexOf('.');
        return point < 0 ? 0 : text.TrimEnd('0').Length - point - 1;
    }
}
