using OneStop.Workflow.Engine.Bpmn;
using OneStop.Workflow.Engine.Forms;
using OneStop.Workflow.Tests.Execution;
using static OneStop.Workflow.Tests.Forms.FormTesting;

namespace OneStop.Workflow.Tests.Forms;

public sealed class ScenarioFormsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("onestop-forms-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ProcessDefinition Process(string body) => BpmnModel.Load(TestModels.Process(body), "test.bpmn").Processes[0];

    /// <summary>start → birth (health) → household (public security) → end.</summary>
    private static ProcessDefinition TwoTasks(string householdAttributes = """onestop:department="public-security" onestop:formRef="household" """) => Process($"""
        <startEvent id="start" />
        <userTask id="Task_Birth" name="Issue birth certificate" onestop:department="health-commission" onestop:formRef="birth" />
        <userTask id="Task_Household" name="Register household" {householdAttributes} />
        <endEvent id="end" />
        {TestModels.Flow("f1", "start", "Task_Birth")}
        {TestModels.Flow("f2", "Task_Birth", "Task_Household")}
        {TestModels.Flow("f3", "Task_Household", "end")}
        """);

    private static readonly string ApplicantJson = Json("""{"type": "textfield", "key": "applicantName", "validate": {"required": true}}""");
    private static readonly string BirthJson = Json("""{"type": "textfield", "key": "childName"}""", """{"type": "textfield", "key": "hospitalName"}""");
    private static readonly string HouseholdJson = Json("""{"type": "textfield", "key": "childName"}""", """{"type": "textarea", "key": "hukouAddress"}""");

    [Fact]
    public void Load_FromFormKeys_MergesWithEachFormsDepartment()
    {
        var form = ScenarioForms.Load(new Dictionary<string, string>
        {
            ["applicant"] = ApplicantJson,
            ["household"] = HouseholdJson,
            ["birth"] = BirthJson,
        }, TwoTasks());

        Assert.Equal("p-application", form.Id);
        Assert.Equal(["health-commission", "public-security"], form.Departments);
        Assert.Equal(["applicantName", "childName", "hospitalName", "hukouAddress"], form.Fields.Select(f => f.Key));
        Assert.Equal(["health-commission", "public-security"], form.Field("childName")!.Departments);
        Assert.Equal(new DedupFigure(4, 5), form.Dedup);
    }

    [Fact]
    public void Load_WithoutApplicantForm_MergesTheDepartmentForms()
    {
        var form = ScenarioForms.Load(new Dictionary<string, string> { ["household"] = HouseholdJson, ["birth"] = BirthJson }, TwoTasks());

        Assert.Null(form.ApplicantForm);
        Assert.Equal(3, form.Fields.Count);
    }

    [Fact]
    public void Check_MissingForm_NamesTheTaskAndTheFile()
    {
        var (form, problems) = ScenarioForms.Check(new Dictionary<string, string> { ["birth"] = BirthJson }, TwoTasks());

        Assert.Null(form);
        Assert.Equal("process 'p': User task 'Task_Household' (Register household) has formRef 'household', but forms/household.form.json does not exist.",
            Assert.Single(problems).ToString());
    }

    [Fact]
    public void Check_FormNoTaskReferences_IsADeadFile()
    {
        var (_, problems) = ScenarioForms.Check(new Dictionary<string, string>
        {
            ["birth"] = BirthJson,
            ["household"] = HouseholdJson,
            ["old-birth"] = BirthJson,
        }, TwoTasks());

        var problem = Assert.Single(problems);
        Assert.Equal("old-birth.form.json", problem.Source);
        Assert.Contains("No user task of process 'p' references this form", problem.Message);
    }

    [Fact]
    public void Check_FormOnATaskWithoutDepartment_IsAProblem()
    {
        var (_, problems) = ScenarioForms.Check(new Dictionary<string, string> { ["birth"] = BirthJson, ["household"] = HouseholdJson },
            TwoTasks("""onestop:formRef="household" """));

        Assert.Contains("has form 'household' but no department", Assert.Single(problems).Message);
    }

    [Fact]
    public void Check_TaskUsingTheApplicantFormAsItsOwn_IsAProblem()
    {
        var (_, problems) = ScenarioForms.Check(new Dictionary<string, string> { ["birth"] = BirthJson, ["applicant"] = ApplicantJson },
            TwoTasks("""onestop:department="public-security" onestop:formRef="applicant" """));

        Assert.Contains("that is the applicant form every department shares", Assert.Single(problems).Message);
    }

    [Fact]
    public void Check_FormRefThatIsNotAFileName_IsAProblem_AndNothingIsRead()
    {
        File.WriteAllText(Path.Combine(_dir, "secret.form.json"), ApplicantJson);
        Directory.CreateDirectory(Path.Combine(_dir, "scenario", "forms"));
        File.WriteAllText(Path.Combine(_dir, "scenario", "forms", "birth.form.json"), BirthJson);

        var (_, problems) = ScenarioForms.Check(Path.Combine(_dir, "scenario"),
            TwoTasks("""onestop:department="public-security" onestop:formRef="../../secret" """));

        Assert.Contains("'../../secret', which is not a form key", Assert.Single(problems).Message);
    }

    [Fact]
    public void Check_TaskWithoutForm_DepartmentSeesTheApplicantPart()
    {
        var form = ScenarioForms.Load(new Dictionary<string, string> { ["birth"] = BirthJson, ["applicant"] = ApplicantJson },
            TwoTasks("""onestop:department="public-security" """));

        Assert.Equal(["applicantName"], form.ForDepartment("public-security").FieldKeys);
    }

    [Fact]
    public void Check_ReportsParseErrorsConflictsAndMissingFormsTogether()
    {
        var process = Process($"""
            <startEvent id="start" />
            <userTask id="A" onestop:department="d1" onestop:formRef="a" />
            <userTask id="B" onestop:department="d2" onestop:formRef="b" />
            <userTask id="C" onestop:department="d3" onestop:formRef="c" />
            <userTask id="D" onestop:department="d4" onestop:formRef="d" />
            <endEvent id="end" />
            {TestModels.Flow("f1", "start", "A")}{TestModels.Flow("f2", "A", "B")}{TestModels.Flow("f3", "B", "C")}
            {TestModels.Flow("f4", "C", "D")}{TestModels.Flow("f5", "D", "end")}
            """);

        var ex = Assert.Throws<ScenarioFormsException>(() => ScenarioForms.Load(new Dictionary<string, string>
        {
            ["a"] = Json("""{"type": "number", "key": "employees"}"""),
            ["b"] = Json("""{"type": "textfield", "key": "employees"}"""),
            ["c"] = "{ not json",
        }, process));

        Assert.Equal("p", ex.Scenario);
        Assert.Equal(3, ex.Problems.Count);
        Assert.Contains(ex.Problems, p => p.Source == "c.form.json" && p.Message.Contains("not valid JSON"));
        Assert.Contains(ex.Problems, p => p.Message.Contains("'D'") && p.Message.Contains("forms/d.form.json does not exist"));
        Assert.Contains(ex.Problems, p => p.Message == "Field 'employees' is a number in a.form.json but a textfield in b.form.json.");
    }

    [Fact]
    public void Load_FromFolder_ReadsFormsSubfolder()
    {
        var forms = Directory.CreateDirectory(Path.Combine(_dir, "forms")).FullName;
        File.WriteAllText(Path.Combine(forms, "birth.form.json"), BirthJson);
        File.WriteAllText(Path.Combine(forms, "household.form.json"), HouseholdJson);
        File.WriteAllText(Path.Combine(forms, "applicant.form.json"), ApplicantJson);
        File.WriteAllText(Path.Combine(forms, "README.md"), "not a form");

        var form = ScenarioForms.Load(_dir, TwoTasks());

        Assert.Equal(4, form.Fields.Count);
    }

    [Fact]
    public void Load_FromFolderWithoutForms_NamesEveryMissingForm()
    {
        var ex = Assert.Throws<ScenarioFormsException>(() => ScenarioForms.Load(_dir, TwoTasks()));

        Assert.Equal(2, ex.Problems.Count);
        Assert.Contains(ex.Problems, p => p.Message.Contains("forms/birth.form.json does not exist"));
        Assert.Contains(ex.Problems, p => p.Message.Contains("forms/household.form.json does not exist"));
    }

    [Fact]
    public void UserTasksInProcessOrder_FollowsTheFlow_NotTheDocument()
    {
        var process = Process($"""
            <userTask id="Late" onestop:department="d" />
            <subProcess id="Sub">
              <startEvent id="subStart" /><userTask id="Inner" onestop:department="d" /><endEvent id="subEnd" />
              {TestModels.Flow("s1", "subStart", "Inner")}{TestModels.Flow("s2", "Inner", "subEnd")}
            </subProcess>
            <parallelGateway id="join" />
            <userTask id="Right" onestop:department="d" />
            <userTask id="Left" onestop:department="d" />
            <parallelGateway id="fork" />
            <userTask id="First" onestop:department="d" />
            <startEvent id="start" />
            <endEvent id="end" />
            {TestModels.Flow("f1", "start", "First")}{TestModels.Flow("f2", "First", "fork")}
            {TestModels.Flow("f3", "fork", "Left")}{TestModels.Flow("f4", "fork", "Right")}
            {TestModels.Flow("f5", "Left", "join")}{TestModels.Flow("f6", "Right", "join")}
            {TestModels.Flow("f7", "join", "Sub")}{TestModels.Flow("f8", "Sub", "Late")}{TestModels.Flow("f9", "Late", "end")}
            """);

        Assert.Equal(["First", "Left", "Right", "Inner", "Late"], ScenarioForms.UserTasksInProcessOrder(process).Select(t => t.Id));
    }
}
