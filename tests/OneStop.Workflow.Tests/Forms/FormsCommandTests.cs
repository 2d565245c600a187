using System.Text.Json.Nodes;
using static OneStop.Workflow.Tests.Forms.FormTesting;

namespace OneStop.Workflow.Tests.Forms;

/// <summary>The contract of <c>onestop forms SCENARIO-DIR</c>, run in-process.</summary>
public sealed class FormsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("onestop-forms-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = Workflow.Cli.Cli.Forms(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static string Shipped(string scenario) => Path.Combine(RepositoryPaths.Workflows, scenario);

    [Fact]
    public void Forms_ListsEveryMergedFieldWithItsDepartments_AndTheDedupFigure()
    {
        var (exit, stdout, stderr) = Run(Shipped("newborn-registration"));

        Assert.True(exit == 0, stderr);
        Assert.Contains("Newborn registration (newborn-registration): one form for 4 departments", stdout);
        Assert.Matches(@"\n  childName +textfield +yes +yes +health-commission, public-security, medical-insurance-bureau, human-resources-social-security\n", stdout);
        Assert.Matches(@"\n  applicantRelation +select +yes +yes +applicant form\n", stdout);
        Assert.Contains("The citizen fills in 29 fields instead of 62 over the separate forms: 33 fewer (53%).", stdout);
        Assert.Equal("", stderr);
    }

    [Fact]
    public void Forms_MarksFieldsRequiredOnlyWhenATaskBehindAConditionIsReached()
    {
        var (exit, stdout, _) = Run(Shipped("start-a-business"));

        Assert.Equal(0, exit);
        Assert.Matches(@"\n  foodSafetyManagerName +textfield +if reached +no +market-regulation\n", stdout);
        Assert.Matches(@"\n  companyName +textfield +yes +yes ", stdout);
    }

    [Fact]
    public void Forms_Department_ShowsOnlyWhatThatDepartmentSees()
    {
        var (exit, stdout, _) = Run(Shipped("start-a-business"), "--department", "bank");

        Assert.Equal(0, exit);
        Assert.Contains("what bank sees", stdout);
        Assert.Contains("legalRepresentativeIdNumber", stdout);
        Assert.DoesNotContain("financeManagerIdNumber", stdout);
        Assert.Contains("bank sees 10 of the 35 fields.", stdout);
    }

    [Fact]
    public void Forms_Json_CarriesFieldsDedupAndTheFormJsSchema()
    {
        var (exit, stdout, _) = Run("--json", Shipped("start-a-business"));

        Assert.Equal(0, exit);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal(35, json["fields"]!.AsArray().Count);
        Assert.Equal(72, json["dedup"]!["sumOverSeparateForms"]!.GetValue<int>());
        Assert.Equal("default", json["schema"]!["type"]!.GetValue<string>());
        Assert.Equal("start-a-business-application", json["schema"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public void Forms_InvalidForms_ExitOneWithEveryProblem()
    {
        var scenario = Directory.CreateDirectory(Path.Combine(_dir, "scenario")).FullName;
        File.Copy(RepositoryPaths.Scenario("newborn-registration"), Path.Combine(scenario, "scenario.bpmn"));
        var forms = Directory.CreateDirectory(Path.Combine(scenario, "forms")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(Shipped("newborn-registration"), "forms")))
            File.Copy(file, Path.Combine(forms, Path.GetFileName(file)));
        File.Delete(Path.Combine(forms, "vaccination-record.form.json"));
        File.WriteAllText(Path.Combine(forms, "old-form.form.json"), Json("""{"type": "textfield", "key": "x"}"""));
        File.WriteAllText(Path.Combine(forms, "medical-insurance.form.json"),
            Json("""{"type": "textfield", "key": "childBirthDate", "label": "Date of birth"}""", """{"type": "slider", "key": "s"}"""));

        var (exit, stdout, stderr) = Run(scenario);

        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.Contains("3 problem(s)", stderr);
        Assert.Contains("User task 'Task_VaccinationRecord' (Register vaccination record) has formRef 'vaccination-record', but forms/vaccination-record.form.json does not exist.", stderr);
        Assert.Contains("old-form.form.json: No user task", stderr);
        Assert.Contains("medical-insurance.form.json: component 's': Unknown component type 'slider'", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void Forms_ConflictingForms_NameBothFiles()
    {
        var scenario = Directory.CreateDirectory(Path.Combine(_dir, "conflict")).FullName;
        File.Copy(RepositoryPaths.Scenario("newborn-registration"), Path.Combine(scenario, "scenario.bpmn"));
        var forms = Directory.CreateDirectory(Path.Combine(scenario, "forms")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(Shipped("newborn-registration"), "forms")))
            File.Copy(file, Path.Combine(forms, Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(forms, "medical-insurance.form.json"),
            Json("""{"type": "textfield", "key": "childBirthDate", "label": "Date of birth"}"""));

        var (exit, _, stderr) = Run(scenario);

        Assert.Equal(1, exit);
        Assert.Contains("Field 'childBirthDate' is a datetime (date) in birth-certificate.form.json but a textfield in medical-insurance.form.json.", stderr);
    }

    [Fact]
    public void Forms_WithoutScenarioDir_IsAUsageErrorShowingTheUsage()
    {
        var ex = Assert.ThrowsAny<Exception>(() => Run("--json"));

        Assert.Contains("onestop forms SCENARIO-DIR [--department DEPARTMENT] [--json]", ex.Message);
    }

    [Fact]
    public void Forms_UnknownDepartment_IsAUsageErrorListingTheDepartments()
    {
        var ex = Assert.ThrowsAny<Exception>(() => Run(Shipped("newborn-registration"), "--department", "tax"));

        Assert.Contains("health-commission, public-security, medical-insurance-bureau, human-resources-social-security", ex.Message);
    }

    [Fact]
    public void Forms_FolderWithoutScenario_IsAUsageError()
    {
        var ex = Assert.ThrowsAny<Exception>(() => Run(_dir));

        Assert.Contains("no scenario.bpmn", ex.Message);
    }
}
