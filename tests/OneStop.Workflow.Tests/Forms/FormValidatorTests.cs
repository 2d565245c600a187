using System.Diagnostics;
using OneStop.Workflow.Engine.Forms;
using static OneStop.Workflow.Tests.Forms.FormTesting;

namespace OneStop.Workflow.Tests.Forms;

public class FormValidatorTests
{
    private static IReadOnlyList<FieldError> Validate(MergedForm form, string data) => FormValidator.Validate(form, Data(data));

    private static void Valid(MergedForm form, string data) => Assert.Empty(Validate(form, data));

    private static FieldError Invalid(MergedForm form, string data) => Assert.Single(Validate(form, data));

    // ---- required -------------------------------------------------------------------------------------

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"name": null}""")]
    [InlineData("""{"name": ""}""")]
    public void Required_MissingNullOrEmpty_IsAnError(string data)
    {
        var form = Single("""{"type": "textfield", "key": "name", "label": "Child's full name", "validate": {"required": true}}""");

        Assert.Equal(new FieldError("name", "Child's full name: is required."), Invalid(form, data));
        Valid(form, """{"name": "Example Zhang Xiaoyu"}""");
    }

    [Fact]
    public void Required_EmptyList_IsAnError()
    {
        var form = Single("""{"type": "checklist", "key": "seals", "validate": {"required": true}, "values": [{"label": "Company seal", "value": "company-seal"}]}""");

        Assert.Equal("seals: is required.", Invalid(form, """{"seals": []}""").Message);
        Valid(form, """{"seals": ["company-seal"]}""");
    }

    [Fact]
    public void Required_Checkbox_MustBeTicked()
    {
        var form = Single("""{"type": "checkbox", "key": "consent", "label": "I agree", "validate": {"required": true}}""");

        Assert.Equal("I agree: must be ticked.", Invalid(form, """{"consent": false}""").Message);
        Assert.Equal("I agree: is required.", Invalid(form, "{}").Message);
        Valid(form, """{"consent": true}""");
    }

    [Fact]
    public void Optional_FieldsMayBeLeftOut_OrEmpty()
    {
        var form = Single(
            """{"type": "textfield", "key": "a", "validate": {"minLength": 3, "pattern": "^[0-9]+$"}}""",
            """{"type": "number", "key": "b", "validate": {"min": 1}}""",
            """{"type": "checkbox", "key": "c"}""");

        Valid(form, "{}");
        Valid(form, """{"a": "", "b": null, "c": false}""");
    }

    // ---- text -----------------------------------------------------------------------------------------

    [Fact]
    public void Lengths_CountWithoutSurroundingSpaces_AsFormJsDoes()
    {
        var form = Single("""{"type": "textfield", "key": "company", "label": "Company name", "validate": {"minLength": 4, "maxLength": 10}}""");

        Assert.Equal("Company name: must be at least 4 characters long (3 given).", Invalid(form, """{"company": "  abc  "}""").Message);
        Assert.Equal("Company name: must be at most 10 characters long (11 given).", Invalid(form, """{"company": "abcdefghijk"}""").Message);
        Valid(form, """{"company": "abcd"}""");
        Valid(form, """{"company": " abcdefghij "}""");
    }

    [Fact]
    public void Pattern_IsSearchedNotAnchored_AsFormJsRegExpTestDoes()
    {
        var loose = Single("""{"type": "textfield", "key": "code", "validate": {"pattern": "[0-9]{3}"}}""");
        var anchored = Single("""{"type": "textfield", "key": "code", "label": "Code", "validate": {"pattern": "^[0-9]{3}$"}}""");

        Valid(loose, """{"code": "ab123cd"}""");
        Valid(anchored, """{"code": "123"}""");
        Assert.Equal("Code: is not in the expected form (it must match ^[0-9]{3}$).", Invalid(anchored, """{"code": "ab123cd"}""").Message);
    }

    [Fact]
    public void Pattern_DollarMatchesOnlyAtTheVeryEnd_AsInJavaScript()
    {
        var digits = Single("""{"type": "textarea", "key": "n", "validate": {"pattern": "^[0-9]+$"}}""");
        var price = Single("""{"type": "textfield", "key": "p", "validate": {"pattern": "^\\$[0-9]+$|^[$€][0-9]+ only$"}}""");

        Invalid(digits, """{"n": "123\n"}""");
        Valid(digits, """{"n": "123"}""");
        Valid(price, """{"p": "$12"}""");
        Valid(price, """{"p": "€12 only"}""");
        Invalid(price, """{"p": "$12\n"}""");
    }

    [Fact]
    public void Pattern_DigitClassMeansAsciiDigits_AsInTheBrowser()
    {
        var form = Single("""{"type": "textfield", "key": "n", "validate": {"pattern": "^\\d+$"}}""");

        Valid(form, """{"n": "123"}""");
        Invalid(form, """{"n": "١٢٣"}"""); // Arabic-Indic digits: \d matches them in .NET, not in JavaScript
    }

    [Fact]
    public void Pattern_UsesTheFormsPatternErrorMessage_WhenItHasOne()
    {
        var form = Single("""
            {"type": "textfield", "key": "applicantPhone", "label": "Mobile phone number",
             "validate": {"pattern": "^1[3-9]\\d{9}$", "patternErrorMessage": "Enter an 11-digit mainland mobile number starting with 1."}}
            """);

        Assert.Equal("Mobile phone number: Enter an 11-digit mainland mobile number starting with 1.",
            Invalid(form, """{"applicantPhone": "12345"}""").Message);
        Valid(form, """{"applicantPhone": "13800000000"}""");
    }

    [Fact]
    public void Pattern_ThatTakesTooLong_IsRefusedNotHung()
    {
        var schema = FormSchema.Parse(Json("""{"type": "textfield", "key": "code", "label": "Code", "validate": {"pattern": "^(\\d+)+$"}}"""),
            "redos.form.json", TimeSpan.FromMilliseconds(50));
        var form = MergedForm.Merge([("d", "redos", schema)], null);

        var watch = Stopwatch.StartNew();
        var error = Invalid(form, $$"""{"code": "{{new string('1', 40)}}x"}""");

        Assert.Equal("Code: could not be checked against the expected form in time; please check the value and shorten it.", error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData("name@example.com", true)]
    [InlineData("first.last+tag@sub.example.cn", true)]
    [InlineData("name@localhost", true)]
    [InlineData("name@", false)]
    [InlineData("name example.com", false)]
    [InlineData("@example.com", false)]
    public void ValidationType_Email(string value, bool valid)
    {
        var form = Single("""{"type": "textfield", "key": "email", "label": "E-mail address", "validate": {"validationType": "email"}}""");

        var errors = Validate(form, $$"""{"email": "{{value}}"}""");

        if (valid) Assert.Empty(errors);
        else Assert.Equal("E-mail address: must be a valid e-mail address, e.g. name@example.com.", Assert.Single(errors).Message);
    }

    [Theory]
    [InlineData("+8613800000000", true)]
    [InlineData("008613800000000", true)]
    [InlineData("+4930664040900", true)]
    [InlineData("13800000000", false)]
    [InlineData("+86 138 0000 0000", false)]
    [InlineData("+0123456789", false)]
    public void ValidationType_Phone_IsAnInternationalNumber(string value, bool valid)
    {
        var form = Single("""{"type": "textfield", "key": "phone", "validate": {"validationType": "phone"}}""");

        Assert.Equal(valid, Validate(form, $$"""{"phone": "{{value}}"}""").Count == 0);
    }

    // ---- numbers ----------------------------------------------------------------------------------

    [Fact]
    public void MinAndMax_ApplyToNumbers_ZeroIncluded()
    {
        var form = Single("""{"type": "number", "key": "employees", "label": "Number of employees", "validate": {"min": 1, "max": 100000}}""");

        Assert.Equal("Number of employees: must be at least 1.", Invalid(form, """{"employees": 0}""").Message);
        Assert.Equal("Number of employees: must be at most 100000.", Invalid(form, """{"employees": 100001}""").Message);
        Valid(form, """{"employees": 1}""");
        Valid(form, """{"employees": 100000}""");
    }

    [Fact]
    public void Number_MustBeAJsonNumber()
    {
        var form = Single("""{"type": "number", "key": "employees", "label": "Employees"}""");

        Assert.Equal("Employees: must be a number, not the text \"12\".", Invalid(form, """{"employees": "12"}""").Message);
        Invalid(form, """{"employees": true}""");
        Invalid(form, """{"employees": 1e400}""");
        Valid(form, """{"employees": 12}""");
        Valid(form, """{"employees": 12.5}""");
    }

    [Fact]
    public void DecimalDigitsAndIncrement_AsFormJsChecksThem()
    {
        var whole = Single("""{"type": "number", "key": "n", "label": "Employees", "decimalDigits": 0}""");
        var cents = Single("""{"type": "number", "key": "n", "decimalDigits": 2}""");
        var steps = Single("""{"type": "number", "key": "n", "label": "Area", "increment": 0.5}""");

        Assert.Equal("Employees: must be a whole number.", Invalid(whole, """{"n": 2.5}""").Message);
        Valid(whole, """{"n": 2.0}""");
        Assert.Equal("n: may have at most 2 decimal digits.", Invalid(cents, """{"n": 1.234}""").Message);
        Valid(cents, """{"n": 1.20}""");
        Assert.Equal("Area: must be a multiple of 0.5; the nearest allowed values are 12 and 12.5.", Invalid(steps, """{"n": 12.25}""").Message);
        Valid(steps, """{"n": 12.5}""");
    }

    // ---- other types ------------------------------------------------------------------------------

    [Fact]
    public void Text_MustBeAString()
    {
        var form = Single("""{"type": "textarea", "key": "scope", "label": "Business scope"}""");

        Assert.Equal("Business scope: must be text, not the number 5.", Invalid(form, """{"scope": 5}""").Message);
        Invalid(form, """{"scope": {"a": 1}}""");
    }

    [Fact]
    public void Checkbox_MustBeABoolean()
    {
        var form = Single("""{"type": "checkbox", "key": "needsSeal", "label": "Engrave seals"}""");

        Assert.Equal("Engrave seals: must be true or false (ticked or not), not the text \"true\".", Invalid(form, """{"needsSeal": "true"}""").Message);
        Valid(form, """{"needsSeal": true}""");
        Valid(form, """{"needsSeal": false}""");
    }

    [Fact]
    public void SelectAndRadio_ValueMustBeOneOfTheOptions()
    {
        var form = Single(
            """{"type": "select", "key": "businessType", "label": "Main line of business", "values": [{"label": "Catering", "value": "catering"}, {"label": "Retail", "value": "retail"}]}""",
            """{"type": "radio", "key": "childSex", "values": [{"label": "Male", "value": "male"}, {"label": "Female", "value": "female"}]}""");

        Assert.Equal(
            "Main line of business: 'bakery' is not one of the choices: catering (Catering), retail (Retail).",
            Invalid(form, """{"businessType": "bakery"}""").Message);
        Assert.Equal("childSex", Invalid(form, """{"childSex": "Male"}""").Field);
        Invalid(form, """{"childSex": ["male"]}""");
        Valid(form, """{"businessType": "catering", "childSex": "female"}""");
    }

    [Theory]
    [InlineData("checklist")]
    [InlineData("taglist")]
    public void ChecklistAndTaglist_EveryValueMustBeAnOptionOnce(string type)
    {
        var form = Single($$"""{"type": "{{type}}", "key": "vaccines", "label": "Vaccines", "values": [{"label": "Hepatitis B", "value": "hepatitis-b"}, {"label": "BCG", "value": "bcg"}]}""");

        Valid(form, """{"vaccines": ["bcg", "hepatitis-b"]}""");
        Assert.Equal("Vaccines: 'polio' is not one of the choices: hepatitis-b (Hepatitis B), bcg (BCG).",
            Invalid(form, """{"vaccines": ["bcg", "polio"]}""").Message);
        Assert.Equal("Vaccines: 'bcg' is chosen twice.", Invalid(form, """{"vaccines": ["bcg", "bcg"]}""").Message);
        Assert.Contains("must be a list", Invalid(form, """{"vaccines": "bcg"}""").Message);
        Invalid(form, """{"vaccines": [1]}""");
    }

    // ---- dates and times --------------------------------------------------------------------------

    [Theory]
    [InlineData("2024-02-29", null)]
    [InlineData("2025-02-29", "Date of birth: 2025-02-29 is not a real date.")]
    [InlineData("2025-13-01", "Date of birth: 2025-13-01 is not a real date.")]
    [InlineData("2025-3-3", "Date of birth: must be a date written YYYY-MM-DD, e.g. 2025-03-03.")]
    [InlineData("03/03/2025", "Date of birth: must be a date written YYYY-MM-DD, e.g. 2025-03-03.")]
    [InlineData("2025-03-03T08:00", "Date of birth: must be a date written YYYY-MM-DD, e.g. 2025-03-03.")]
    public void Date_MustBeARealDateWrittenYyyyMmDd(string value, string? error)
    {
        var form = Single("""{"type": "datetime", "key": "childBirthDate", "subtype": "date", "label": "Date of birth"}""");

        var errors = Validate(form, $$"""{"childBirthDate": "{{value}}"}""");

        if (error is null) Assert.Empty(errors);
        else Assert.Equal(error, Assert.Single(errors).Message);
    }

    [Theory]
    [InlineData("no_timezone", "08:30", true)]
    [InlineData("no_timezone", "23:59", true)]
    [InlineData("no_timezone", "24:00", false)]
    [InlineData("no_timezone", "08:60", false)]
    [InlineData("no_timezone", "8:30", false)]
    [InlineData("no_timezone", "08:30:00", false)]
    [InlineData("no_timezone", "08:30+08:00", false)]
    [InlineData("no_timezone", "08:30\\n", false)]
    [InlineData("utc_offset", "08:30+08:00", true)]
    [InlineData("utc_offset", "08:30-05:30", true)]
    [InlineData("utc_offset", "08:30Z", true)]
    [InlineData("utc_offset", "08:30", false)]
    [InlineData("utc_offset", "08:30+15:00", false)]
    [InlineData("utc_normalized", "00:30Z", true)]
    [InlineData("utc_normalized", "00:30+08:00", false)]
    public void Time_IsWrittenAsFormJsSerialisesIt(string format, string value, bool valid)
    {
        var form = Single($$"""{"type": "datetime", "key": "t", "subtype": "time", "timeSerializingFormat": "{{format}}"}""");

        Assert.Equal(valid, Validate(form, $$"""{"t": "{{value}}"}""").Count == 0);
    }

    [Theory]
    [InlineData("2025-03-03T08:30", true)]
    [InlineData("2025-02-30T08:30", false)]
    [InlineData("2025-03-03T25:30", false)]
    [InlineData("2025-03-03 08:30", false)]
    [InlineData("2025-03-03", false)]
    public void DateTime_IsADateAndATime(string value, bool valid)
    {
        var form = Single("""{"type": "datetime", "key": "at", "subtype": "datetime", "label": "Appointment"}""");

        var errors = Validate(form, $$"""{"at": "{{value}}"}""");

        Assert.Equal(valid, errors.Count == 0);
        if (value == "2025-03-03") Assert.Equal("Appointment: must be a date and time written YYYY-MM-DDTHH:mm, e.g. 2025-03-03T08:30.", errors[0].Message);
    }

    // ---- PRC resident ID numbers -------------------------------------------------------------------

    private static MergedForm IdForm() => Single(
        """{"type": "textfield", "key": "fatherIdNumber", "label": "Father's ID number", "properties": {"format": "prc-resident-id"}}""");

    [Fact]
    public void ResidentId_WithTheRightCheckDigit_IsValid()
    {
        // Fictitious numbers: registration area 110101, born 1990-03-07 and 2000-02-29.
        Valid(IdForm(), $$"""{"fatherIdNumber": "{{IdNumber("11010119900307001")}}"}""");
        Valid(IdForm(), $$"""{"fatherIdNumber": "{{IdNumber("11010120000229123")}}"}""");
    }

    [Fact]
    public void ResidentId_WithAWrongCheckDigit_SaysWhichOneIsExpected()
    {
        var right = IdNumber("11010119900307001");

        var error = Invalid(IdForm(), $$"""{"fatherIdNumber": "{{WithWrongCheck(right)}}"}""");

        Assert.Equal(new FieldError("fatherIdNumber", $"Father's ID number: the check digit is wrong; expected {right[^1]} at the end."), error);
    }

    [Fact]
    public void ResidentId_EndingInX_IsValid_ButALowerCaseXIsRefused()
    {
        var withX = Enumerable.Range(0, 1000).Select(n => IdNumber($"11010119900307{n:D3}")).First(id => id.EndsWith('X'));

        Valid(IdForm(), $$"""{"fatherIdNumber": "{{withX}}"}""");
        Assert.Equal("Father's ID number: write the last character as a capital X.",
            Invalid(IdForm(), $$"""{"fatherIdNumber": "{{withX[..^1]}}x"}""").Message);
    }

    [Theory]
    [InlineData("11010119900230001", "characters 7 to 14 must be the date of birth (YYYYMMDD); 19900230 is not a real date.")]
    [InlineData("11010119001301001", "characters 7 to 14 must be the date of birth (YYYYMMDD); 19001301 is not a real date.")]
    public void ResidentId_WithAnImpossibleBirthDate_IsRefused_EvenWithTheRightCheckDigit(string first17, string expected)
    {
        Assert.Equal($"Father's ID number: {expected}", Invalid(IdForm(), $$"""{"fatherIdNumber": "{{IdNumber(first17)}}"}""").Message);
    }

    [Theory]
    [InlineData("110101900307001", "15-digit numbers of the first-generation card are no longer accepted")]
    [InlineData("1101011990030700", "must be 18 characters: 17 digits followed by a digit or X (16 given)")]
    [InlineData("11010119900307A011", "the first 17 characters must be digits")]
    [InlineData("11010119900307001Y", "the last character must be a digit or X")]
    public void ResidentId_OfTheWrongShape_IsRefused(string value, string expected)
    {
        Assert.Contains(expected, Invalid(IdForm(), $$"""{"fatherIdNumber": "{{value}}"}""").Message);
    }

    [Fact]
    public void ResidentId_CheckCharacter_MatchesTheIsoDefinition()
    {
        foreach (var first17 in new[] { "11010119900307001", "31011520250303002", "44030519851231999", "00000000000000000", "99999999999999999" })
            Assert.Equal(IdNumber(first17)[^1], PrcResidentId.CheckCharacter(first17));
        Assert.Throws<ArgumentException>(() => PrcResidentId.CheckCharacter("1234"));
    }

    // ---- keys -------------------------------------------------------------------------------------

    [Fact]
    public void UnknownKeys_AreErrors_SoNothingUnexpectedIsStored()
    {
        var form = Single("""{"type": "textfield", "key": "name"}""");

        var errors = Validate(form, """{"name": "Example", "isAdmin": true, "decision": "approved"}""");

        Assert.Equal([new FieldError("isAdmin", "'isAdmin' is not a field of this form."), new FieldError("decision", "'decision' is not a field of this form.")], errors);
    }

    [Fact]
    public void Validate_ReportsEveryErrorOfEveryField_InFormOrder()
    {
        var form = Single(
            """{"type": "textfield", "key": "a", "label": "A", "validate": {"required": true}}""",
            """{"type": "textfield", "key": "b", "label": "B", "validate": {"minLength": 5, "pattern": "^[0-9]+$"}}""",
            """{"type": "number", "key": "c", "label": "C", "validate": {"max": 3}}""");

        var errors = Validate(form, """{"zzz": 1, "c": 4, "b": "ab"}""");

        Assert.Equal(["a", "b", "b", "c", "zzz"], errors.Select(e => e.Field));
    }

    [Fact]
    public void Validate_ChangesNothing()
    {
        var form = Single("""{"type": "textfield", "key": "a", "validate": {"required": true}}""");
        var data = Data("""{"a": "  x  ", "b": 1}""");
        var before = data.ToJsonString();

        FormValidator.Validate(form, data);

        Assert.Equal(before, data.ToJsonString());
    }

    // ---- supplementation ---------------------------------------------------------------------------

    private static MergedForm SupplementForm() => Single(
        """{"type": "textfield", "key": "birthPlace", "label": "Place of birth", "validate": {"required": true}}""",
        """{"type": "textfield", "key": "hospitalName", "label": "Hospital"}""",
        """{"type": "number", "key": "birthWeightGrams", "label": "Birth weight", "validate": {"required": true, "min": 300}}""");

    [Fact]
    public void Supplement_OnlyTheRequestedFieldsMayBeGiven_EachValidated()
    {
        var errors = FormValidator.ValidateSupplement(SupplementForm(),
            Data("""{"birthWeightGrams": 100, "birthPlace": "Example District", "other": 1}"""), ["birthWeightGrams"]);

        Assert.Equal(
        [
            new FieldError("birthWeightGrams", "Birth weight: must be at least 300."),
            new FieldError("birthPlace", "Place of birth: was not asked for in this supplementation request, so it cannot be changed now."),
            new FieldError("other", "'other' is not a field of this form."),
        ], errors);
    }

    [Fact]
    public void Supplement_EveryRequestedFieldMustBeAnswered_NullClearsAnOptionalOne()
    {
        var form = SupplementForm();

        Assert.Equal("Place of birth: was asked for in this supplementation request; please answer it.",
            Assert.Single(FormValidator.ValidateSupplement(form, Data("{}"), ["birthPlace"])).Message);
        Assert.Equal("Place of birth: is required.",
            Assert.Single(FormValidator.ValidateSupplement(form, Data("""{"birthPlace": null}"""), ["birthPlace"])).Message);
        Assert.Empty(FormValidator.ValidateSupplement(form, Data("""{"hospitalName": null}"""), ["hospitalName"]));
        Assert.Empty(FormValidator.ValidateSupplement(form, Data("""{"birthPlace": "Example District", "birthWeightGrams": 3200}"""),
            ["birthPlace", "birthWeightGrams"]));
    }

    [Fact]
    public void Supplement_RequestingAFieldTheFormDoesNotHave_IsAProgrammingError()
    {
        Assert.Throws<ArgumentException>(() => FormValidator.ValidateSupplement(SupplementForm(), Data("{}"), ["nope"]));
    }
}
