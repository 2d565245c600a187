using OneStop.Workflow.Engine.Forms;
using static OneStop.Workflow.Tests.Forms.FormTesting;

namespace OneStop.Workflow.Tests.Forms;

public class FormSchemaTests
{
    [Fact]
    public void Parse_FlattensGroupsAndReadsEveryRule()
    {
        var schema = Schema("birth.form.json",
            """{"type": "text", "text": "### Birth"}""",
            """
            {"type": "group", "label": "Child", "components": [
              {"type": "textfield", "key": "childName", "label": "Child's full name", "validate": {"required": true, "minLength": 2, "maxLength": 50}},
              {"type": "group", "label": "Nested", "components": [
                {"type": "number", "key": "birthWeightGrams", "label": "Birth weight", "decimalDigits": 0, "increment": 10,
                 "validate": {"min": 300, "max": 8000}}
              ]},
              {"type": "spacer"}, {"type": "separator"}
            ]}
            """,
            """{"type": "datetime", "key": "childBirthTime", "subtype": "time", "timeSerializingFormat": "utc_offset"}""",
            """{"type": "radio", "key": "childSex", "values": [{"label": "Male", "value": "male"}, {"label": "Female", "value": "female"}]}""",
            """{"type": "textfield", "key": "motherIdNumber", "properties": {"format": "prc-resident-id", "office": "births"}}""",
            """{"type": "textfield", "key": "phone", "validate": {"pattern": "^1[3-9]\\d{9}$", "validationType": "custom"}}""",
            """{"type": "textfield", "key": "email", "validate": {"validationType": "email"}}""");

        Assert.Equal("birth.form.json", schema.SourceName);
        Assert.Equal(16, schema.SchemaVersion);
        Assert.Equal(["childName", "birthWeightGrams", "childBirthTime", "childSex", "motherIdNumber", "phone", "email"],
            schema.Fields.Select(f => f.Key));

        var name = schema.Field("childName")!;
        Assert.Equal(("textfield", "Child's full name", true, 2, 50), (name.Type, name.Label, name.Required, name.MinLength, name.MaxLength));

        var weight = schema.Field("birthWeightGrams")!;
        Assert.Equal((300m, 8000m, 0, 10m, false), (weight.Min, weight.Max, weight.DecimalDigits, weight.Increment, weight.Required));

        var time = schema.Field("childBirthTime")!;
        Assert.Equal(("datetime", "time", "utc_offset"), (time.Type, time.Subtype, time.TimeSerializingFormat));

        Assert.Equal([new FormOption("Male", "male"), new FormOption("Female", "female")], schema.Field("childSex")!.Options);
        Assert.Equal("prc-resident-id", schema.Field("motherIdNumber")!.Format);
        Assert.Equal("births", schema.Field("motherIdNumber")!.Properties["office"]);
        Assert.Equal("^1[3-9]\\d{9}$", schema.Field("phone")!.Pattern);
        Assert.Null(schema.Field("phone")!.ValidationType);
        Assert.Equal("email", schema.Field("email")!.ValidationType);
        Assert.Null(schema.Field("text"));
    }

    [Fact]
    public void Parse_TimeWithoutSerializingFormat_IsWrittenWithoutZone_AsFormJsDoes()
    {
        var schema = Schema("t.form.json",
            """{"type": "datetime", "key": "t", "subtype": "time"}""",
            """{"type": "datetime", "key": "d", "subtype": "date", "timeSerializingFormat": "utc_offset"}""");

        Assert.Equal("no_timezone", schema.Field("t")!.TimeSerializingFormat);
        Assert.Null(schema.Field("d")!.TimeSerializingFormat);
    }

    [Fact]
    public void Parse_InvalidJson_NamesFileAndLine()
    {
        var ex = Refused("{\n  \"type\": \"default\",\n  \"components\": [\n}", "broken.form.json");

        var problem = Assert.Single(ex.Problems);
        Assert.Equal("broken.form.json", problem.Source);
        Assert.Contains("not valid JSON at line 4", problem.Message);
        Assert.Contains("broken.form.json", ex.Message);
    }

    [Theory]
    [InlineData("[]", "is a JSON object")]
    [InlineData("""{"components": []}""", "\"type\" is required")]
    [InlineData("""{"type": "form", "components": []}""", "not \"form\"")]
    [InlineData("""{"type": "default"}""", "\"components\" is required")]
    [InlineData("""{"type": "default", "components": {}}""", "must be a list")]
    [InlineData("""{"type": "default", "schemaVersion": "16", "components": []}""", "schemaVersion")]
    public void Parse_RootThatIsNotAFormJsForm_IsRefused(string json, string expected)
    {
        Assert.Contains(expected, Assert.Single(Refused(json).Problems).Message);
    }

    [Fact]
    public void Parse_ReportsEveryProblemAtOnce_WithFileAndComponent()
    {
        var ex = Refused(Json(
            """{"type": "textfield", "id": "Field_nokey", "label": "No key"}""",
            """{"type": "slider", "key": "volume"}""",
            """{"type": "textfield", "key": "postcode", "validate": {"pattern": "([0-9]"}}""",
            """{"type": "textfield", "key": "childName"}""",
            """{"type": "group", "components": [{"type": "textarea", "key": "childName", "id": "Field_again"}]}"""), "forms/x.form.json");

        Assert.Equal(4, ex.Problems.Count);
        Assert.All(ex.Problems, p => Assert.Equal("forms/x.form.json", p.Source));
        Assert.Contains(ex.Problems, p => p.Component == "Field_nokey" && p.Message.Contains("needs a \"key\""));
        Assert.Contains(ex.Problems, p => p.Component == "volume" && p.Message.Contains("Unknown component type 'slider'"));
        Assert.Contains(ex.Problems, p => p.Component == "postcode" && p.Message.Contains("not a valid regular expression"));
        Assert.Contains(ex.Problems, p => p.Component == "childName" && p.Message.Contains("used twice"));
        Assert.Contains("forms/x.form.json: component 'volume': Unknown component type 'slider'", ex.Message);
    }

    [Fact]
    public void Parse_ComponentWithoutKeyOrId_IsNamedByItsPath()
    {
        var ex = Refused(Json("""{"type": "text"}""", """{"type": "group", "components": [{"type": "number"}]}"""));

        Assert.Equal("components[1].components[0]", Assert.Single(ex.Problems).Component);
    }

    [Theory]
    [InlineData("""{"type": "button", "key": "submit"}""", "buttons are not part")]
    [InlineData("""{"type": "dynamiclist", "key": "children", "components": []}""", "repeating lists")]
    [InlineData("""{"type": "filepicker", "key": "scan"}""", "materials")]
    [InlineData("""{"type": "html", "content": "<b>x</b>"}""", "raw HTML")]
    [InlineData("""{"type": "textfield", "key": "a", "conditional": {"hide": "=b"}}""", "conditional")]
    [InlineData("""{"type": "text", "text": "x", "conditional": {"hide": "=b"}}""", "conditional")]
    [InlineData("""{"type": "select", "key": "a", "valuesKey": "options"}""", "\"values\"")]
    [InlineData("""{"type": "number", "key": "a", "serializeToString": true}""", "serializeToString")]
    [InlineData("""{"type": "textfield", "key": "a", "disabled": true}""", "Disabled")]
    [InlineData("""{"type": "textfield", "key": "a", "readonly": "=true"}""", "Read-only")]
    [InlineData("""{"type": "group", "path": "address", "components": []}""", "group \"path\"")]
    [InlineData("""{"type": "textfield", "key": "address.street"}""", "plain name")]
    [InlineData("""{"type": "textfield", "key": "1st"}""", "plain name")]
    [InlineData("""{"type": "textfield", "key": "name\n"}""", "plain name")]
    [InlineData("""{"type": "textfield", "key": 5}""", "\"key\" must be a string")]
    public void Parse_BehaviourTheServerCannotReproduce_IsRefused(string component, string expected)
    {
        Assert.Contains(expected, Assert.Single(Refused(Json(component)).Problems).Message);
    }

    [Theory]
    [InlineData("""{"type": "textfield", "key": "a", "validate": {"maxlength": 5}}""", "Unknown validation rule \"maxlength\"")]
    [InlineData("""{"type": "textfield", "key": "a", "validate": {"required": "yes"}}""", "validate.required must be true or false")]
    [InlineData("""{"type": "textfield", "key": "a", "validate": {"minLength": -1}}""", "validate.minLength must be a whole number")]
    [InlineData("""{"type": "textfield", "key": "a", "validate": {"minLength": 5, "maxLength": 2}}""", "greater than validate.maxLength")]
    [InlineData("""{"type": "number", "key": "a", "validate": {"min": 5, "max": 2}}""", "greater than validate.max")]
    [InlineData("""{"type": "number", "key": "a", "validate": {"min": "=lower"}}""", "expression")]
    [InlineData("""{"type": "number", "key": "a", "validate": {"maxLength": 3}}""", "textfield and textarea only")]
    [InlineData("""{"type": "textfield", "key": "a", "validate": {"min": 3}}""", "number fields only")]
    [InlineData("""{"type": "number", "key": "a", "validate": {"pattern": "^1$"}}""", "textfield and textarea only")]
    [InlineData("""{"type": "textarea", "key": "a", "validate": {"validationType": "email"}}""", "textfields only")]
    [InlineData("""{"type": "textfield", "key": "a", "validate": {"validationType": "url"}}""", "\"email\", \"phone\" or \"custom\"")]
    [InlineData("""{"type": "number", "key": "a", "decimalDigits": 1.5}""", "decimalDigits")]
    [InlineData("""{"type": "number", "key": "a", "increment": 0}""", "increment")]
    [InlineData("""{"type": "datetime", "key": "a"}""", "needs \"subtype\"")]
    [InlineData("""{"type": "datetime", "key": "a", "subtype": "week"}""", "not \"week\"")]
    [InlineData("""{"type": "datetime", "key": "a", "subtype": "time", "timeSerializingFormat": "local"}""", "timeSerializingFormat")]
    [InlineData("""{"type": "select", "key": "a"}""", "needs \"values\"")]
    [InlineData("""{"type": "radio", "key": "a", "values": [{"label": "A", "value": 1}]}""", "string \"value\"")]
    [InlineData("""{"type": "checklist", "key": "a", "values": [{"label": "A", "value": "a"}, {"label": "B", "value": "a"}]}""", "listed twice")]
    [InlineData("""{"type": "textfield", "key": "a", "values": [{"label": "A", "value": "a"}]}""", "\"values\" applies to")]
    [InlineData("""{"type": "textfield", "key": "a", "properties": {"format": "passport"}}""", "format 'passport' is unknown")]
    [InlineData("""{"type": "textarea", "key": "a", "properties": {"format": "prc-resident-id"}}""", "textfields only")]
    [InlineData("""{"type": "textfield", "key": "a", "validate": {"patternErrorMessage": "Digits only."}}""", "does not have")]
    [InlineData("""{"type": "textfield", "key": "a", "validate": {"pattern": "^1$", "patternErrorMessage": 1}}""", "patternErrorMessage must be a string")]
    [InlineData("""{"type": "textfield", "key": "a", "properties": {"n": 1}}""", "properties.n must be a string")]
    [InlineData("""{"type": "select", "key": "a", "values": [{"label": "A", "value": "a"}], "defaultValue": "b"}""", "defaultValue")]
    [InlineData("""{"type": "checkbox", "key": "a", "defaultValue": "yes"}""", "defaultValue")]
    public void Parse_InvalidRule_IsRefusedWithTheRuleNamed(string component, string expected)
    {
        var problem = Assert.Single(Refused(Json(component)).Problems);
        Assert.Equal("a", problem.Component);
        Assert.Contains(expected, problem.Message);
    }

    [Fact]
    public void Parse_DuplicateComponentIds_AreRefused()
    {
        var ex = Refused(Json("""{"type": "textfield", "key": "a", "id": "Field_1"}""", """{"type": "textfield", "key": "b", "id": "Field_1"}"""));

        Assert.Contains("id 'Field_1' is used twice", Assert.Single(ex.Problems).Message);
    }

    [Fact]
    public void Parse_OversizedForm_IsRefusedBeforeParsing()
    {
        var json = Json($$"""{"type": "text", "text": "{{new string('x', FormSchema.MaxCharacters)}}"}""");

        Assert.Contains("at most", Assert.Single(Refused(json).Problems).Message);
    }

    [Fact]
    public void Parse_TooManyComponents_IsRefusedOnce()
    {
        var json = Json([.. Enumerable.Range(0, FormSchema.MaxComponents + 5).Select(i => """{"type": "spacer"}""")]);

        Assert.Contains("more than", Assert.Single(Refused(json).Problems).Message);
    }

    [Fact]
    public void Parse_GroupsNestedTooDeep_AreRefused()
    {
        var inner = """{"type": "textfield", "key": "deep"}""";
        for (var i = 0; i <= FormSchema.MaxGroupDepth; i++)
            inner = $$"""{"type": "group", "components": [{{inner}}]}""";

        Assert.Contains("nested more than", Assert.Single(Refused(Json(inner)).Problems).Message);
    }

    [Fact]
    public void ToJsonObject_ReturnsTheSchemaAsWritten_AndACopy()
    {
        var schema = Schema("a.form.json", """{"type": "textfield", "key": "a", "label": "A", "layout": {"row": "Row_1"}}""");

        var json = schema.ToJsonObject();
        json["components"]![0]!["label"] = "changed";

        Assert.Equal("A", schema.ToJsonObject()["components"]![0]!["label"]!.GetValue<string>());
        Assert.Equal("Row_1", schema.ToJsonObject()["components"]![0]!["layout"]!["row"]!.GetValue<string>());
    }
}
