using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Forms;

namespace OneStop.Workflow.Tests.Forms;

/// <summary>Small builders for form-js schemas and application data in tests.</summary>
internal static class FormTesting
{
    /// <summary>A form-js schema with the given components (each a JSON object as text).</summary>
    public static string Json(params string[] components) =>
        $$"""{"type": "default", "id": "test", "schemaVersion": 16, "components": [{{string.Join(",", components)}}]}""";

    public static FormSchema Schema(string source, params string[] components) => FormSchema.Parse(Json(components), source);

    public static FormSchemaException Refused(string json, string source = "test.form.json") =>
        Assert.Throws<FormSchemaException>(() => FormSchema.Parse(json, source));

    public static JsonObject Data(string json) => JsonNode.Parse(json)!.AsObject();

    public static MergedForm Single(params string[] components) =>
        MergedForm.Merge([("test-department", "test", Schema("test.form.json", components))], applicantForm: null);

    /// <summary>
    /// A PRC resident ID number made of <paramref name="first17"/> and its check character, computed here from the
    /// definition of ISO 7064 MOD 11-2 (weights 2^(17-i) mod 11; check = (12 - sum mod 11) mod 11, 10 written X), not
    /// with the production table, so that the test can catch a wrong table.
    /// </summary>
    public static string IdNumber(string first17)
    {
        Assert.Equal(17, first17.Length);
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var weight = 1;
            for (var p = 0; p < 17 - i; p++) weight = weight * 2 % 11;
            sum += (first17[i] - '0') * weight;
        }
        var check = (12 - sum % 11) % 11;
        return first17 + (check == 10 ? "X" : check.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The same number with a different, wrong check character.</summary>
    public static string WithWrongCheck(string idNumber)
    {
        var right = idNumber[^1];
        var wrong = right == '0' ? '1' : '0';
        return idNumber[..^1] + wrong;
    }
}
