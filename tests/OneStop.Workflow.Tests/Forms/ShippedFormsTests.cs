using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OneStop.Workflow.Engine.Bpmn;
using OneStop.Workflow.Engine.Forms;
using static OneStop.Workflow.Tests.Forms.FormTesting;

namespace OneStop.Workflow.Tests.Forms;

/// <summary>The forms shipped with the scenarios in workflows/: they load, merge, route and validate as documented.</summary>
public class ShippedFormsTests
{
    public static TheoryData<string> Scenarios => ["newborn-registration", "start-a-business"];

    private static ProcessDefinition ProcessOf(string scenario) =>
        BpmnModel.Load(File.ReadAllText(RepositoryPaths.Scenario(scenario)), "scenario.bpmn").ExecutableProcesses.Single();

    private static MergedForm Load(string scenario) =>
        ScenarioForms.Load(Path.Combine(RepositoryPaths.Workflows, scenario), ProcessOf(scenario));

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Scenario_FormsLoadAndMergeWithoutAnyProblem(string scenario)
    {
        var (form, problems) = ScenarioForms.Check(Path.Combine(RepositoryPaths.Workflows, scenario), ProcessOf(scenario));

        Assert.Empty(problems);
        Assert.NotNull(form);
        Assert.NotNull(form.ApplicantForm);
        Assert.All(ProcessOf(scenario).NodesById.Values.OfType<UserTask>(), task => Assert.NotNull(task.FormRef));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Scenario_DedupFigureIsTheOneDocsFormsMdStates(string scenario)
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "forms.md"));
        var row = Regex.Match(docs, $@"^\| `{Regex.Escape(scenario)}` \| (\d+) \| (\d+) \| (\d+) \| (\d+) \((\d+)%\) \|\s*$", RegexOptions.Multiline);
        Assert.True(row.Success, $"docs/forms.md has no dedup row for {scenario}");
        int Number(int group) => int.Parse(row.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture);

        var form = Load(scenario);

        Assert.Equal(Directory.GetFiles(Path.Combine(RepositoryPaths.Workflows, scenario, "forms"), "*.form.json").Length, Number(1));
        Assert.Equal(form.Dedup.FieldsToFill, Number(2));
        Assert.Equal(form.Dedup.SumOverSeparateForms, Number(3));
        Assert.Equal(form.Dedup.Saved, Number(4));
        Assert.Equal(form.Dedup.SavedPercent, Number(5));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Scenario_EveryFieldHasALabel_AndIdNumbersAndPhonesAreChecked(string scenario)
    {
        foreach (var field in Load(scenario).Fields.Select(f => f.Field))
        {
            Assert.False(string.IsNullOrWhiteSpace(field.Label), $"{field.Key} has no label");
            if (field.Key.EndsWith("IdNumber", StringComparison.Ordinal))
                Assert.Equal(FormField.PrcResidentIdFormat, field.Format);
            if (field.Key.EndsWith("Phone", StringComparison.Ordinal))
                Assert.Equal("^1[3-9]\\d{9}$", field.Pattern);
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Scenario_EveryVariableAConditionReads_IsAFieldOfTheMergedForm(string scenario)
    {
        var form = Load(scenario);
        var keywords = new HashSet<string> { "true", "false", "null", "empty", "and", "or", "not", "eq", "ne", "lt", "gt", "le", "ge", "div", "mod" };

        foreach (var flow in ProcessOf(scenario).FlowsById.Values.Where(f => f.ConditionText is not null))
        {
            var code = Regex.Replace(flow.ConditionText!, "'[^']*'", "");
            foreach (var name in Regex.Matches(code, "[A-Za-z_][A-Za-z0-9_]*").Select(m => m.Value).Where(n => !keywords.Contains(n)))
                Assert.True(form.HasField(name), $"{flow.Id} reads '{name}', which the merged form does not ask for");
        }
    }

    [Fact]
    public void StartABusiness_ConditionFieldsHaveTheTypesAndValuesTheConditionsCompare()
    {
        var form = Load("start-a-business");

        Assert.All(["needsSeal", "needsInvoices", "needsBankAccount"], key => Assert.Equal("checkbox", form.Field(key)!.Field.Type));
        Assert.Equal("number", form.Field("employees")!.Field.Type);
        Assert.Contains(form.Field("businessType")!.Field.Options, o => o.Value == "catering");
        Assert.Equal(["market-regulation", "public-security", "tax", "bank", "human-resources-social-security", "housing-fund-centre"], form.Departments);
    }

    // ---- Applications against the shipped forms (made-up data) ---------------------------------------

    private static readonly string ParentId = IdNumber("11010119900307001");
    private static readonly string OtherParentId = IdNumber("11010119920715002");

    private static JsonObject Newborn() => Data($$"""
        {
          "applicantName": "Example Li Na", "applicantIdNumber": "{{OtherParentId}}", "applicantPhone": "13800000000", "applicantRelation": "mother",
          "childName": "Example Zhang Xiaoyu", "childSex": "female", "childBirthDate": "2025-03-03", "childBirthTime": "08:30",
          "birthWeightGrams": 3250, "gestationalWeeks": 39, "birthPlace": "Shanghai, Demo District", "hospitalName": "Example Maternity Hospital",
          "motherName": "Example Li Na", "motherIdNumber": "{{OtherParentId}}", "fatherName": "Example Zhang Wei", "fatherIdNumber": "{{ParentId}}",
          "vaccinesAtBirth": ["hepatitis-b", "bcg"], "vaccinationClinic": "Example Community Health Centre",
          "childEthnicity": "Han", "hukouAddress": "1 Example Street, Demo District", "householdHeadName": "Example Zhang Wei",
          "householdRegisterNumber": "DEMO000001", "childRelationToHead": "child",
          "insuranceCity": "Shanghai", "bankName": "Example Bank", "bankAccount": "6200000000000000",
          "cardDelivery": "post", "deliveryAddress": "1 Example Street, Demo District", "photoConsent": true
        }
        """);

    private static JsonObject Catering() => Data($$"""
        {
          "applicantName": "Example Wang Fang", "applicantIdNumber": "{{ParentId}}", "applicantPhone": "13900000000", "applicantEmail": "owner@example.com",
          "companyName": "Example Noodle House Co., Ltd.", "companyType": "limited-liability-company", "businessType": "catering",
          "registeredAddress": "8 Example Road, Demo District", "registeredCapital": 50, "employees": 12,
          "businessScope": "Catering services; retail of pre-packaged food",
          "legalRepresentativeName": "Example Wang Fang", "legalRepresentativeIdNumber": "{{ParentId}}",
          "needsSeal": true, "needsInvoices": true, "needsBankAccount": true,
          "businessPremisesAddress": "8 Example Road, Demo District", "businessPremisesArea": 85.5, "foodCategories": ["hot-meals", "cold-dishes"],
          "foodSafetyManagerName": "Example Chen Jie", "foodSafetyManagerIdNumber": "{{OtherParentId}}",
          "sealTypes": ["company-seal", "finance-seal", "invoice-seal"], "sealDelivery": "collect",
          "financeManagerName": "Example Chen Jie", "financeManagerIdNumber": "{{OtherParentId}}", "financeManagerPhone": "13700000000",
          "taxpayerType": "small-scale", "invoiceTypes": ["general-vat-e-invoice"], "monthlyInvoiceQuota": 100, "taxUkeyDelivery": "collect",
          "bankName": "Example Bank, Demo District branch", "accountType": "basic",
          "payrollBankName": "Example Bank", "payrollBankAccount": "31000000000000000001", "contributionRatePercent": 7
        }
        """);

    [Fact]
    public void Newborn_ACompleteApplicationIsValid_AndEveryFieldIsAsked()
    {
        var form = Load("newborn-registration");
        var data = Newborn();

        Assert.Empty(FormValidator.Validate(form, data));
        Assert.Equal(form.Fields.Select(f => f.Key).Order(), data.Select(p => p.Key).Order());
    }

    [Fact]
    public void Newborn_MistakesAreReportedPerFieldInTheCitizensWords()
    {
        var data = Newborn();
        data["fatherIdNumber"] = WithWrongCheck(ParentId);
        data["childBirthDate"] = "2025-02-30";
        data["birthWeightGrams"] = 120;
        data["applicantPhone"] = "02100000000";
        data.Remove("childName");

        var errors = FormValidator.Validate(Load("newborn-registration"), data);

        Assert.Equal(
        [
            new FieldError("applicantPhone", "Mobile phone number: Enter an 11-digit mainland mobile number starting with 1, e.g. 13800000000."),
            new FieldError("childName", "Child's full name: is required."),
            new FieldError("childBirthDate", "Date of birth: 2025-02-30 is not a real date."),
            new FieldError("birthWeightGrams", "Birth weight (grams): must be at least 300."),
            new FieldError("fatherIdNumber", $"Father's resident ID number: the check digit is wrong; expected {ParentId[^1]} at the end."),
        ], errors);
    }

    [Fact]
    public void StartABusiness_ACompleteCateringApplicationIsValid()
    {
        var form = Load("start-a-business");
        var data = Catering();

        Assert.Empty(FormValidator.Validate(form, data));
        Assert.Equal(form.Fields.Select(f => f.Key).Order(), data.Select(p => p.Key).Order());
    }

    [Fact]
    public void StartABusiness_ARetailShopWithoutStaffOrSeals_NeedsNoFoodSealPayrollFields()
    {
        var data = Catering();
        data["businessType"] = "retail";
        data["employees"] = 0;
        data["needsSeal"] = false;
        foreach (var key in new[] { "businessPremisesAddress", "businessPremisesArea", "foodCategories", "foodSafetyManagerName", "foodSafetyManagerIdNumber",
                                    "sealTypes", "sealDelivery", "payrollBankName", "payrollBankAccount", "contributionRatePercent" })
            data.Remove(key);

        Assert.Empty(FormValidator.Validate(Load("start-a-business"), data));
    }

    [Fact]
    public void StartABusiness_ACateringBusinessMustAnswerTheFoodLicenceFields()
    {
        var data = Catering();
        data.Remove("foodSafetyManagerIdNumber");
        data.Remove("foodCategories");

        var errors = FormValidator.Validate(Load("start-a-business"), data);

        Assert.Equal(["foodCategories", "foodSafetyManagerIdNumber"], errors.Select(e => e.Field));
        Assert.Equal("Food safety manager's resident ID number: is required.", errors[1].Message);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Scenario_NoDepartmentSeesAnotherDepartmentsPrivateField(string scenario)
    {
        var form = Load(scenario);
        var data = scenario == "start-a-business" ? Catering() : Newborn();

        foreach (var department in form.Departments)
        {
            var visible = form.FilterData(data, department);
            foreach (var (key, _) in visible)
            {
                var field = form.Field(key)!;
                Assert.True(field.InApplicantForm || field.Departments.Contains(department), $"{department} sees {key}");
            }
            Assert.Equal(form.ForDepartment(department).FieldKeys.Order(), visible.Select(p => p.Key).Order());
        }
    }

    [Fact]
    public void StartABusiness_TheBankSeesNeitherTaxNorFoodSafetyDetails()
    {
        var bank = Load("start-a-business").ForDepartment("bank");

        Assert.True(bank.CanSee("legalRepresentativeIdNumber"));
        Assert.True(bank.CanSee("applicantIdNumber"));
        Assert.False(bank.CanSee("financeManagerIdNumber"));
        Assert.False(bank.CanSee("foodSafetyManagerIdNumber"));
        Assert.False(bank.CanSee("registeredCapital"));
    }

    [Fact]
    public void Newborn_MergedSchemaAsksApplicantFirstThenDepartmentsInProcessOrder()
    {
        var form = Load("newborn-registration");

        Assert.Equal(["applicantName", "applicantRelation", "applicantIdNumber", "applicantPhone", "childName"], form.Fields.Take(5).Select(f => f.Key));
        Assert.Equal("photoConsent", form.Fields[^1].Key);
        Assert.Equal(["health-commission", "public-security", "medical-insurance-bureau", "human-resources-social-security"], form.Departments);
        Assert.Equal("newborn-registration-application", form.Schema["id"]!.GetValue<string>());
    }
}
