using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Forms;
using static OneStop.Workflow.Tests.Forms.FormTesting;

namespace OneStop.Workflow.Tests.Forms;

public class MergedFormTests
{
    private static readonly FormSchema Applicant = Schema("applicant.form.json",
        """{"type": "text", "text": "### Applicant", "id": "Text_1"}""",
        """{"type": "textfield", "key": "applicantName", "label": "Applicant", "validate": {"required": true}}""",
        """{"type": "textfield", "key": "applicantPhone", "validate": {"pattern": "^1[3-9]\\d{9}$"}}""");

    private static readonly FormSchema BirthCertificate = Schema("birth-certificate.form.json",
        """{"type": "text", "text": "### Birth", "id": "Text_1"}""",
        """{"type": "textfield", "key": "childName", "label": "Child's name", "id": "Field_1", "layout": {"row": "Row_1", "columns": 8}}""",
        """{"type": "datetime", "key": "childBirthDate", "subtype": "date", "validate": {"required": true}, "id": "Field_2", "layout": {"row": "Row_1", "columns": 8}}""",
        """{"type": "textfield", "key": "hospitalName", "id": "Field_3"}""");

    private static readonly FormSchema Household = Schema("household-registration.form.json",
        """{"type": "text", "text": "### Household", "id": "Text_1"}""",
        """
        {"type": "group", "label": "Child", "id": "Group_1", "components": [
          {"type": "textfield", "key": "childName", "label": "Name of the child", "validate": {"required": true}, "id": "Field_1"},
          {"type": "datetime", "key": "childBirthDate", "subtype": "date", "id": "Field_2"}
        ]}
        """,
        """{"type": "textarea", "key": "hukouAddress", "validate": {"required": true}, "id": "Field_3"}""",
        """{"type": "textfield", "key": "applicantName", "id": "Field_4"}""");

    private static readonly FormSchema Vaccination = Schema("vaccination-record.form.json",
        """{"type": "group", "label": "Already asked", "components": [{"type": "text", "text": "heading"}, {"type": "textfield", "key": "childName"}]}""",
        """{"type": "checklist", "key": "vaccinesAtBirth", "values": [{"label": "Hepatitis B", "value": "hepatitis-b"}, {"label": "BCG", "value": "bcg"}]}""");

    private static MergedForm Newborn() => MergedForm.Merge(
    [
        ("health-commission", "birth-certificate", BirthCertificate),
        ("public-security", "household-registration", Household),
        ("health-commission", "vaccination-record", Vaccination),
    ], Applicant, "newborn-application");

    [Fact]
    public void Merge_AsksEachKeyOnce_ApplicantFirstThenDepartmentsInProcessOrder()
    {
        var form = Newborn();

        // health-commission's two forms come together, before public-security.
        Assert.Equal(
            ["applicantName", "applicantPhone", "childName", "childBirthDate", "hospitalName", "vaccinesAtBirth", "hukouAddress"],
            form.Fields.Select(f => f.Key));
        Assert.Equal(["health-commission", "public-security"], form.Departments);
    }

    [Fact]
    public void Merge_RecordsTheDepartmentsAndFormsThatNeedEachField()
    {
        var form = Newborn();

        Assert.Equal(["health-commission", "public-security"], form.Field("childName")!.Departments);
        Assert.Equal(["birth-certificate.form.json", "vaccination-record.form.json", "household-registration.form.json"],
            form.Field("childName")!.Forms);
        Assert.Equal(["health-commission"], form.Field("hospitalName")!.Departments);
        Assert.Equal(["public-security"], form.Field("applicantName")!.Departments);
        Assert.Empty(form.Field("applicantPhone")!.Departments);
    }

    [Fact]
    public void Merge_SharedMeansSeveralDepartmentsOrTheApplicantForm()
    {
        var form = Newborn();

        Assert.True(form.Field("childName")!.Shared);          // two departments
        Assert.True(form.Field("applicantPhone")!.Shared);     // applicant form, no department form
        Assert.True(form.Field("applicantName")!.InApplicantForm);
        Assert.False(form.Field("hospitalName")!.Shared);      // one department
        Assert.False(form.Field("vaccinesAtBirth")!.Shared);   // one department, even with two forms of its own
    }

    [Fact]
    public void Merge_RequiredWhenAnyFormRequires_FirstDefinitionOtherwise()
    {
        var form = Newborn();

        var childName = form.Field("childName")!.Field;
        Assert.True(childName.Required);                       // only household-registration requires it
        Assert.Equal("Child's name", childName.Label);         // birth-certificate's label, the first
        Assert.True(form.Field("childBirthDate")!.Field.Required);
        Assert.False(form.Field("hospitalName")!.Field.Required);
    }

    [Fact]
    public void DedupFigure_CountsEveryFormSeparatelyAgainstTheMergedFields()
    {
        var dedup = Newborn().Dedup;

        // 2 applicant + 3 birth certificate + 4 household + 2 vaccination = 11 separate; 7 merged.
        Assert.Equal(new DedupFigure(7, 11), dedup);
        Assert.Equal(4, dedup.Saved);
        Assert.Equal(4 / 11.0, dedup.SavedShare, 6);
        Assert.Equal(36, dedup.SavedPercent);
        Assert.Equal("7 fields to fill instead of 11 over the separate forms: 4 fewer (36%)", dedup.ToString());
    }

    [Fact]
    public void Schema_IsAFormJsSchemaWithEachFieldOnce_AndUniqueIds()
    {
        var schema = Newborn().Schema;

        Assert.Equal("default", schema["type"]!.GetValue<string>());
        Assert.Equal("newborn-application", schema["id"]!.GetValue<string>());
        Assert.Equal(16, schema["schemaVersion"]!.GetValue<int>());

        var all = Flatten(schema["components"]!.AsArray()).ToList();
        var keys = all.Where(c => c["key"] is not null).Select(c => c["key"]!.GetValue<string>()).ToList();
        Assert.Equal(Newborn().Fields.Select(f => f.Key), keys);
        var ids = all.Select(c => c["id"]!.GetValue<string>()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Contains("Field_childName", ids);

        // Forms written apart used the same row id; merged, their rows stay apart.
        var rows = all.Where(c => c["layout"] is not null).Select(c => c["layout"]!["row"]!.GetValue<string>()).Distinct();
        Assert.Equal(["birth-certificate_Row_1"], rows);

        // Merged required is written back, so the form-js viewer asks for it too.
        var childName = all.Single(c => c["key"]?.GetValue<string>() == "childName");
        Assert.True(childName["validate"]!["required"]!.GetValue<bool>());
    }

    [Fact]
    public void Schema_LeavesOutContainersWhoseFieldsWereAllAskedBefore_HeadingsIncluded()
    {
        var components = Newborn().Schema["components"]!.AsArray();
        var texts = Flatten(components).Where(c => c["type"]!.GetValue<string>() == "text").Select(c => c["text"]!.GetValue<string>()).ToList();

        // vaccination-record's group held only childName (asked already): the group and its heading are gone.
        Assert.DoesNotContain("heading", texts);
        Assert.DoesNotContain(components, c => c!["label"]?.GetValue<string>() == "Already asked");
        // household-registration's own heading stays: hukouAddress is new.
        Assert.Contains("### Household", texts);
        // household-registration's "Child" group asked nothing new.
        Assert.DoesNotContain(components, c => c!["label"]?.GetValue<string>() == "Child");
    }

    [Fact]
    public void ToJson_RoundTripsThroughTheSchemaParser()
    {
        var reparsed = FormSchema.Parse(Newborn().ToJson(), "merged.form.json");

        Assert.Equal(Newborn().Fields.Select(f => f.Key), reparsed.Fields.Select(f => f.Key));
        Assert.True(reparsed.Field("childName")!.Required);
    }

    [Fact]
    public void Merge_SameFormForTwoDepartments_BelongsToBoth_AndCountsOnce()
    {
        var form = MergedForm.Merge([("a", "shared", BirthCertificate), ("b", "shared", BirthCertificate)], null);

        Assert.Equal(["a", "b"], form.Field("childName")!.Departments);
        Assert.Equal(new DedupFigure(3, 3), form.Dedup);
    }

    [Fact]
    public void Merge_PropertiesAreCombined()
    {
        var a = Schema("a.form.json", """{"type": "textfield", "key": "x", "properties": {"unit": "m2"}}""");
        var b = Schema("b.form.json", """{"type": "textfield", "key": "x", "properties": {"source": "survey"}}""");

        var field = MergedForm.Merge([("d1", "a", a), ("d2", "b", b)], null).Field("x")!.Field;

        Assert.Equal("m2", field.Properties["unit"]);
        Assert.Equal("survey", field.Properties["source"]);
    }

    // ---- Conflicts ----------------------------------------------------------------------------------

    private static FormMergeException Conflict(string first, string other)
    {
        var a = Schema("birth-certificate.form.json", first);
        var b = Schema("household-registration.form.json", other);
        return Assert.Throws<FormMergeException>(() =>
            MergedForm.Merge([("health-commission", "birth-certificate", a), ("public-security", "household-registration", b)], null));
    }

    [Fact]
    public void Merge_DifferentType_NamesTheKeyAndBothForms()
    {
        var ex = Conflict(
            """{"type": "datetime", "key": "childBirthDate", "subtype": "date"}""",
            """{"type": "textfield", "key": "childBirthDate"}""");

        Assert.Equal(
            "Field 'childBirthDate' is a datetime (date) in birth-certificate.form.json but a textfield in household-registration.form.json.",
            Assert.Single(ex.Problems).Message);
    }

    [Fact]
    public void Merge_DifferentDatetimeSubtype_IsAConflict()
    {
        var ex = Conflict(
            """{"type": "datetime", "key": "t", "subtype": "date"}""",
            """{"type": "datetime", "key": "t", "subtype": "datetime"}""");

        Assert.Contains("is a datetime (date) in birth-certificate.form.json but a datetime (datetime) in household-registration.form.json",
            Assert.Single(ex.Problems).Message);
    }

    [Fact]
    public void Merge_DifferentOptionValues_IsAConflict_ButOrderAndLabelsAreNot()
    {
        var ex = Conflict(
            """{"type": "radio", "key": "childSex", "values": [{"label": "Male", "value": "male"}, {"label": "Female", "value": "female"}]}""",
            """{"type": "radio", "key": "childSex", "values": [{"label": "M", "value": "m"}, {"label": "F", "value": "f"}]}""");
        Assert.Equal(
            "Field 'childSex' offers the options male, female in birth-certificate.form.json but m, f in household-registration.form.json.",
            Assert.Single(ex.Problems).Message);

        var a = Schema("a.form.json", """{"type": "radio", "key": "s", "values": [{"label": "Male", "value": "male"}, {"label": "Female", "value": "female"}]}""");
        var b = Schema("b.form.json", """{"type": "radio", "key": "s", "values": [{"label": "Girl", "value": "female"}, {"label": "Boy", "value": "male"}]}""");
        Assert.Single(MergedForm.Merge([("x", "a", a), ("y", "b", b)], null).Fields);
    }

    [Theory]
    [InlineData("""{"type": "textfield", "key": "k", "validate": {"pattern": "^[0-9]+$"}}""",
                """{"type": "textfield", "key": "k", "validate": {"pattern": "^[0-9]{6}$"}}""",
                "has pattern ^[0-9]+$ in birth-certificate.form.json but has pattern ^[0-9]{6}$ in household-registration.form.json")]
    [InlineData("""{"type": "textfield", "key": "k", "validate": {"pattern": "^[0-9]+$"}}""",
                """{"type": "textfield", "key": "k"}""",
                "has pattern ^[0-9]+$ in birth-certificate.form.json but has no pattern in household-registration.form.json")]
    [InlineData("""{"type": "textfield", "key": "k", "validate": {"minLength": 2}}""",
                """{"type": "textfield", "key": "k", "validate": {"minLength": 3}}""", "has minLength 2")]
    [InlineData("""{"type": "textfield", "key": "k", "validate": {"maxLength": 50}}""",
                """{"type": "textfield", "key": "k", "validate": {"maxLength": 100}}""", "has maxLength 50")]
    [InlineData("""{"type": "number", "key": "k", "validate": {"min": 0}}""",
                """{"type": "number", "key": "k", "validate": {"min": 1}}""", "has min 0")]
    [InlineData("""{"type": "number", "key": "k", "validate": {"max": 100000}}""",
                """{"type": "number", "key": "k"}""", "has max 100000 in birth-certificate.form.json but has no max")]
    [InlineData("""{"type": "textfield", "key": "k", "validate": {"validationType": "email"}}""",
                """{"type": "textfield", "key": "k", "validate": {"validationType": "phone"}}""", "has validationType email")]
    [InlineData("""{"type": "number", "key": "k", "decimalDigits": 0}""",
                """{"type": "number", "key": "k", "decimalDigits": 2}""", "has decimalDigits 0")]
    [InlineData("""{"type": "number", "key": "k", "increment": 5}""",
                """{"type": "number", "key": "k"}""", "has increment 5")]
    [InlineData("""{"type": "datetime", "key": "k", "subtype": "time", "timeSerializingFormat": "utc_offset"}""",
                """{"type": "datetime", "key": "k", "subtype": "time", "timeSerializingFormat": "no_timezone"}""", "has timeSerializingFormat utc_offset")]
    [InlineData("""{"type": "textfield", "key": "k", "properties": {"format": "prc-resident-id"}}""",
                """{"type": "textfield", "key": "k"}""", "has format prc-resident-id in birth-certificate.form.json but has no format")]
    [InlineData("""{"type": "textfield", "key": "k", "properties": {"unit": "m2"}}""",
                """{"type": "textfield", "key": "k", "properties": {"unit": "sqm"}}""", "has property unit = 'm2'")]
    public void Merge_DifferentValidation_IsAConflictNamingBothForms(string first, string other, string expected)
    {
        var problem = Assert.Single(Conflict(first, other).Problems);

        Assert.Equal("k", problem.Component);
        Assert.StartsWith("Field 'k' ", problem.Message);
        Assert.Contains(expected, problem.Message);
        Assert.Contains("birth-certificate.form.json", problem.Message);
        Assert.Contains("household-registration.form.json", problem.Message);
    }

    [Fact]
    public void Merge_ReportsEveryConflictAtOnce_IncludingTheApplicantForm()
    {
        var applicant = Schema("applicant.form.json", """{"type": "textfield", "key": "applicantPhone", "validate": {"pattern": "^1[3-9]\\d{9}$"}}""");
        var a = Schema("a.form.json",
            """{"type": "textfield", "key": "applicantPhone", "validate": {"validationType": "phone"}}""",
            """{"type": "number", "key": "employees", "validate": {"max": 100}}""");
        var b = Schema("b.form.json", """{"type": "textfield", "key": "employees"}""");

        var ex = Assert.Throws<FormMergeException>(() => MergedForm.Merge([("x", "a", a), ("y", "b", b)], applicant));

        Assert.Equal(3, ex.Problems.Count);
        Assert.Contains(ex.Problems, p => p.Message.Contains("'applicantPhone' has pattern") && p.Message.Contains("applicant.form.json"));
        Assert.Contains(ex.Problems, p => p.Message.Contains("'applicantPhone' has no validationType in applicant.form.json but has validationType phone in a.form.json"));
        Assert.Contains(ex.Problems, p => p.Message == "Field 'employees' is a number in a.form.json but a textfield in b.form.json.");
    }

    [Fact]
    public void Merge_RequiredMayDiffer()
    {
        var a = Schema("a.form.json", """{"type": "textfield", "key": "k", "validate": {"required": true}}""");
        var b = Schema("b.form.json", """{"type": "textfield", "key": "k", "validate": {"required": false}}""");

        Assert.True(MergedForm.Merge([("x", "a", a), ("y", "b", b)], null).Field("k")!.Field.Required);
    }

    // ---- What a department sees ---------------------------------------------------------------------

    [Fact]
    public void ForDepartment_SeesItsOwnFieldsAndTheApplicantForm_NeverAnotherDepartmentsPrivateFields()
    {
        var form = Newborn();

        var publicSecurity = form.ForDepartment("public-security");
        Assert.Equal(["applicantName", "applicantPhone", "childName", "childBirthDate", "hukouAddress"], publicSecurity.FieldKeys);
        Assert.False(publicSecurity.CanSee("hospitalName"));
        Assert.False(publicSecurity.CanSee("vaccinesAtBirth"));

        var health = form.ForDepartment("health-commission");
        Assert.Equal(["applicantName", "applicantPhone", "childName", "childBirthDate", "hospitalName", "vaccinesAtBirth"], health.FieldKeys);
        Assert.False(health.CanSee("hukouAddress"));
    }

    [Fact]
    public void ForDepartment_NoDepartmentSeesAFieldOnlyAnotherDepartmentNeeds()
    {
        var form = Newborn();
        foreach (var department in form.Departments)
        {
            var view = form.ForDepartment(department);
            foreach (var field in form.Fields)
            {
                var mayNeed = field.InApplicantForm || field.Departments.Contains(department);
                Assert.Equal(mayNeed, view.CanSee(field.Key));
            }
            var schemaKeys = Flatten(view.Schema["components"]!.AsArray()).Where(c => c["key"] is not null).Select(c => c["key"]!.GetValue<string>());
            Assert.Equal(view.FieldKeys, schemaKeys);
        }
    }

    [Fact]
    public void ForDepartment_UnknownDepartment_IsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => Newborn().ForDepartment("tax"));

        Assert.Contains("health-commission, public-security", ex.Message);
    }

    [Fact]
    public void ForDepartment_DepartmentWithoutForm_SeesTheApplicantFormOnly()
    {
        var form = MergedForm.Merge([("health-commission", "birth-certificate", BirthCertificate)], Applicant,
            departmentsWithoutForm: ["archive"]);

        Assert.Equal(["applicantName", "applicantPhone"], form.ForDepartment("archive").FieldKeys);
        Assert.Equal(["health-commission", "archive"], form.Departments);
    }

    [Fact]
    public void FilterData_KeepsOnlyWhatTheDepartmentMaySee_AsACopy()
    {
        var data = Data("""{"applicantName": "Example Li Na", "childName": "Example Zhang Xiaoyu", "hospitalName": "Example Hospital", "hukouAddress": "1 Example Street", "vaccinesAtBirth": ["bcg"]}""");

        var visible = Newborn().FilterData(data, "public-security");

        Assert.Equal(["applicantName", "childName", "hukouAddress"], visible.Select(p => p.Key));
        visible["childName"] = "changed";
        Assert.Equal("Example Zhang Xiaoyu", data["childName"]!.GetValue<string>());
    }

    [Fact]
    public void Merge_ApplicantFormKeyAsDepartmentForm_IsAProgrammingError()
    {
        Assert.Throws<ArgumentException>(() => MergedForm.Merge([("x", "applicant", Applicant)], null));
    }

    private static IEnumerable<JsonObject> Flatten(JsonArray components)
    {
        foreach (var component in components.Select(c => c!.AsObject()))
        {
            yield return component;
            if (component["components"] is JsonArray children)
                foreach (var child in Flatten(children))
                    yield return child;
        }
    }
}
