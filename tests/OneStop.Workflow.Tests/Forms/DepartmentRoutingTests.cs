using OneStop.Workflow.Engine.Bpmn;
using OneStop.Workflow.Engine.Forms;
using OneStop.Workflow.Tests.Execution;
using static OneStop.Workflow.Tests.Forms.FormTesting;

namespace OneStop.Workflow.Tests.Forms;

public class DepartmentRoutingTests
{
    private static ProcessDefinition Process(string body) => BpmnModel.Load(TestModels.Process(body), "test.bpmn").Processes[0];

    /// <summary>register → exclusive choice: catering → licence, otherwise nothing; register → inclusive: seal / invoices.</summary>
    private static readonly ProcessDefinition Business = Process($"""
        <startEvent id="start" />
        <userTask id="Register" onestop:department="market-regulation" onestop:formRef="register" />
        <parallelGateway id="fork" />
        <exclusiveGateway id="kind" default="toNothing" />
        <userTask id="Licence" onestop:department="market-regulation" onestop:formRef="licence" />
        <inclusiveGateway id="extras" default="toNone" />
        <userTask id="Seal" onestop:department="public-security" onestop:formRef="seal" />
        <userTask id="Invoices" onestop:department="tax" onestop:formRef="invoices" />
        <endEvent id="e1" /><endEvent id="e2" /><endEvent id="e3" /><endEvent id="e4" /><endEvent id="e5" />
        {TestModels.Flow("f1", "start", "Register")}
        {TestModels.Flow("f2", "Register", "fork")}
        {TestModels.Flow("f3", "fork", "kind")}
        {TestModels.Flow("f4", "fork", "extras")}
        {TestModels.Flow("toLicence", "kind", "Licence", "${businessType == 'catering'}")}
        {TestModels.Flow("toNothing", "kind", "e1")}
        {TestModels.Flow("f5", "Licence", "e2")}
        {TestModels.Flow("toSeal", "extras", "Seal", "${needsSeal}")}
        {TestModels.Flow("toInvoices", "extras", "Invoices", "${employees > 0}")}
        {TestModels.Flow("toNone", "extras", "e3")}
        {TestModels.Flow("f6", "Seal", "e4")}
        {TestModels.Flow("f7", "Invoices", "e5")}
        """);

    [Fact]
    public void FormsAlwaysUsed_AreThoseOfTasksNoConditionStandsBefore()
    {
        var routing = DepartmentRouting.For(Business);

        Assert.Equal(["register"], routing.FormsAlwaysUsed);
        Assert.Equal(["register", "licence", "seal", "invoices"], routing.Forms.OrderBy(Position));
        Assert.Equal(["market-regulation", "public-security", "tax"], routing.Departments);
    }

    [Fact]
    public void FormsInUse_FollowTheConditionsOnTheApplicationData()
    {
        var routing = DepartmentRouting.For(Business);

        Assert.Equal(["register", "licence", "seal", "invoices"],
            routing.FormsInUse(Data("""{"businessType": "catering", "needsSeal": true, "employees": 3}""")).OrderBy(Position));
        Assert.Equal(["register"],
            routing.FormsInUse(Data("""{"businessType": "retail", "needsSeal": false, "employees": 0}""")).OrderBy(Position));
        Assert.Equal(["market-regulation", "tax"],
            routing.DepartmentsTakingPart(Data("""{"businessType": "retail", "needsSeal": false, "employees": 5}""")).Order());
    }

    [Fact]
    public void FormsInUse_ConditionThatCannotBeDecided_CountsAsPossiblyReached()
    {
        var routing = DepartmentRouting.For(Business);

        // needsSeal is missing and employees is text: both branches may be taken; businessType decides its choice.
        Assert.Equal(["register", "seal", "invoices"],
            routing.FormsInUse(Data("""{"businessType": "retail", "employees": "many"}""")).OrderBy(Position));
    }

    [Fact]
    public void Validate_RequiresAFormsFieldsOnlyWhenTheApplicationReachesItsTask()
    {
        var register = Schema("register.form.json",
            """{"type": "select", "key": "businessType", "validate": {"required": true}, "values": [{"label": "Catering", "value": "catering"}, {"label": "Retail", "value": "retail"}]}""",
            """{"type": "checkbox", "key": "needsSeal"}""",
            """{"type": "number", "key": "employees", "validate": {"required": true}}""");
        var licence = Schema("licence.form.json",
            """{"type": "textfield", "key": "foodSafetyManagerName", "label": "Food safety manager", "validate": {"required": true}}""");
        var seal = Schema("seal.form.json",
            """{"type": "checklist", "key": "sealTypes", "label": "Seals", "validate": {"required": true}, "values": [{"label": "Company seal", "value": "company-seal"}]}""");
        var invoices = Schema("invoices.form.json", """{"type": "number", "key": "monthlyInvoiceQuota", "validate": {"required": true, "min": 1}}""");
        var form = MergedForm.Merge(
            [("market-regulation", "register", register), ("market-regulation", "licence", licence), ("public-security", "seal", seal), ("tax", "invoices", invoices)],
            null, routing: DepartmentRouting.For(Business));

        // Only what every application must answer is required in the schema the citizen's browser checks.
        Assert.True(form.Field("businessType")!.Field.Required);
        Assert.False(form.Field("foodSafetyManagerName")!.Field.Required);
        Assert.Equal(["licence"], form.Field("foodSafetyManagerName")!.RequiredByForms);

        Assert.Empty(FormValidator.Validate(form, Data("""{"businessType": "retail", "needsSeal": false, "employees": 0}""")));
        Assert.Equal(["foodSafetyManagerName", "sealTypes", "monthlyInvoiceQuota"],
            FormValidator.Validate(form, Data("""{"businessType": "catering", "needsSeal": true, "employees": 2}""")).Select(e => e.Field));

        // A value for a task the application does not reach is still checked.
        Assert.Equal("monthlyInvoiceQuota",
            Assert.Single(FormValidator.Validate(form, Data("""{"businessType": "retail", "needsSeal": false, "employees": 0, "monthlyInvoiceQuota": 0}"""))).Field);

        // The department's own view marks its own requirements.
        Assert.True(form.ForDepartment("market-regulation").Requires("foodSafetyManagerName"));
        Assert.True(form.ForDepartment("tax").Requires("monthlyInvoiceQuota"));
    }

    [Fact]
    public void SubProcessAndBoundaryEvents_AreFollowed()
    {
        var process = Process($"""
            <startEvent id="start" />
            <subProcess id="Sub">
              <startEvent id="s" /><userTask id="Inner" onestop:department="d1" onestop:formRef="inner" /><endEvent id="se" />
              {TestModels.Flow("s1", "s", "Inner")}{TestModels.Flow("s2", "Inner", "se")}
            </subProcess>
            <boundaryEvent id="Late" attachedToRef="Sub"><timerEventDefinition><timeDuration>P5D</timeDuration></timerEventDefinition></boundaryEvent>
            <userTask id="Escalation" onestop:department="d2" onestop:formRef="escalation" />
            <endEvent id="end" /><endEvent id="end2" />
            {TestModels.Flow("f1", "start", "Sub")}{TestModels.Flow("f2", "Sub", "end")}
            {TestModels.Flow("f3", "Late", "Escalation")}{TestModels.Flow("f4", "Escalation", "end2")}
            """);
        var routing = DepartmentRouting.For(process);

        Assert.Equal(["inner"], routing.FormsAlwaysUsed);
        Assert.Equal(["escalation", "inner"], routing.FormsInUse(Data("{}")).Order());
    }

    private static int Position(string form) => Array.IndexOf(["register", "licence", "seal", "invoices"], form);
}
