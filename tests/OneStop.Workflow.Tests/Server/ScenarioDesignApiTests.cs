using System.Net;
using System.Text.Json.Nodes;

namespace OneStop.Workflow.Tests.Server;

/// <summary>The designer's endpoints: validate without storing, versions of a scenario, simulation of a model.</summary>
[Collection(ServerCollection.Name)]
public sealed class ScenarioDesignApiTests(ServerFixture server)
{
    [Fact]
    public async Task Validate_AValidScenario_IsValid_WithTheMergedFormAndDedupFigure_AndStoresNothing()
    {
        var designer = await server.ClientAsync("designer");
        var (xml, forms) = ShippedScenario("start-a-business", "start-a-business-validated");

        var result = await (await designer.PostJsonAsync("/api/scenarios/validate", new { bpmn = xml, forms })).JsonAsync(HttpStatusCode.OK);

        Assert.True((bool)result["valid"]!);
        Assert.Empty(result["problems"]!.AsArray());
        Assert.Equal("start-a-business-validated", (string?)result["key"]);
        Assert.Equal("Start a business", (string?)result["title"]);
        var dedup = result["dedup"]!;
        Assert.True((int)dedup["fieldsToFill"]! < (int)dedup["sumOverSeparateForms"]!);
        Assert.Equal((int)dedup["fieldsToFill"]!, result["form"]!["fields"]!.AsArray().Count);
        Assert.Equal("default", (string?)result["form"]!["schema"]!["type"]);
        Assert.Equal(HttpStatusCode.NotFound, (await designer.GetAsync("/api/scenarios/start-a-business-validated")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await designer.GetAsync("/api/scenarios/start-a-business-validated/versions")).StatusCode);
    }

    [Fact]
    public async Task Validate_AnUnsupportedElement_IsRefusedWithItsIdTypeAndLine()
    {
        var designer = await server.ClientAsync("designer");
        var (xml, forms) = ShippedScenario("newborn-registration", "newborn-unsupported");
        xml = xml.Replace("<bpmn:startEvent", "<bpmn:complexGateway id=\"Gateway_Complex\" />\n    <bpmn:startEvent");

        var result = await (await designer.PostJsonAsync("/api/scenarios/validate", new { bpmn = xml, forms })).JsonAsync(HttpStatusCode.OK);

        Assert.False((bool)result["valid"]!);
        var problem = result["problems"]!.AsArray().Single(p => (string?)p!["elementId"] == "Gateway_Complex")!;
        Assert.Equal("complexGateway", (string?)problem["elementType"]);
        Assert.NotNull((int?)problem["line"]);
        Assert.Contains("complex gateways are not supported", (string?)problem["message"]);
        Assert.Null(result["dedup"]);
    }

    [Fact]
    public async Task Validate_AnInvalidTimeLimit_NamesTheTaskAndSaysWhatIsExpected()
    {
        var designer = await server.ClientAsync("designer");
        var (xml, forms) = ShippedScenario("newborn-registration", "newborn-bad-limit");
        xml = xml.Replace("onestop:timeLimit=\"10WD\"", "onestop:timeLimit=\"10 days\"");

        var result = await (await designer.PostJsonAsync("/api/scenarios/validate", new { bpmn = xml, forms })).JsonAsync(HttpStatusCode.OK);

        var problem = Assert.Single(result["problems"]!.AsArray())!;
        Assert.Equal(("Task_SocialSecurityCard", "userTask"), ((string?)problem["elementId"], (string?)problem["elementType"]));
        Assert.Contains("'10 days' is not a valid time limit", (string?)problem["message"]);
        Assert.Contains("20WD", (string?)problem["message"]);
    }

    [Fact]
    public async Task Validate_AnUnknownCalendar_IsAProblemOfTheProcess()
    {
        var designer = await server.ClientAsync("designer");
        var (xml, forms) = ShippedScenario("newborn-registration", "newborn-unknown-calendar");
        xml = xml.Replace("onestop:calendar=\"cn-mainland\"", "onestop:calendar=\"atlantis\"");

        var result = await (await designer.PostJsonAsync("/api/scenarios/validate", new { bpmn = xml, forms })).JsonAsync(HttpStatusCode.OK);

        var problem = Assert.Single(result["problems"]!.AsArray())!;
        Assert.Equal(("newborn-unknown-calendar", "process"), ((string?)problem["elementId"], (string?)problem["elementType"]));
        Assert.Contains("atlantis", (string?)problem["message"]);
    }

    [Fact]
    public async Task Validate_AProblemInAForm_IsPlacedOnTheTaskOfThatForm_WithTheField()
    {
        var designer = await server.ClientAsync("designer");
        var (xml, forms) = ShippedScenario("newborn-registration", "newborn-bad-form");
        forms["vaccination-record"]!["components"]!.AsArray().Add(JsonNode.Parse(
            """{"type": "textfield", "key": "clinicCode", "id": "Field_clinicCode", "label": "Clinic code", "validate": {"pattern": "([a-z"}}"""));

        var result = await (await designer.PostJsonAsync("/api/scenarios/validate", new { bpmn = xml, forms })).JsonAsync(HttpStatusCode.OK);

        Assert.False((bool)result["valid"]!);
        var problem = Assert.Single(result["problems"]!.AsArray())!;
        Assert.Equal("Task_VaccinationRecord", (string?)problem["elementId"]);
        Assert.Equal("vaccination-record", (string?)problem["formKey"]);
        Assert.Equal("clinicCode", (string?)problem["field"]);
    }

    [Fact]
    public async Task Validate_AMissingForm_AndAConflictingField_AreEachPlacedOnATask()
    {
        var designer = await server.ClientAsync("designer");
        var (xml, forms) = ShippedScenario("newborn-registration", "newborn-missing-form");
        forms.Remove("vaccination-record");
        var birth = forms["birth-certificate"]!["components"]!.AsArray();
        birth.Add(JsonNode.Parse("""{"type": "number", "key": "wardCode", "id": "Field_wardCode", "label": "Ward"}"""));
        forms["household-registration"]!["components"]!.AsArray()
            .Add(JsonNode.Parse("""{"type": "textfield", "key": "wardCode", "id": "Field_wardCode", "label": "Ward"}"""));

        var result = await (await designer.PostJsonAsync("/api/scenarios/validate", new { bpmn = xml, forms })).JsonAsync(HttpStatusCode.OK);

        var problems = result["problems"]!.AsArray();
        var missing = problems.Single(p => ((string?)p!["message"])!.Contains("vaccination-record.form.json does not exist"))!;
        Assert.Equal(("Task_VaccinationRecord", "vaccination-record"), ((string?)missing["elementId"], (string?)missing["formKey"]));
        var conflict = problems.Single(p => (string?)p!["field"] == "wardCode")!;
        Assert.Equal(("Task_HouseholdRegistration", "household-registration"), ((string?)conflict["elementId"], (string?)conflict["formKey"]));
    }

    [Fact]
    public async Task Validate_WithoutBpmn_Is400WithTheFieldError()
    {
        var designer = await server.ClientAsync("designer");

        var problem = await (await designer.PostJsonAsync("/api/scenarios/validate", new { bpmn = " ", forms = new { } })).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("BPMN", (string?)problem["errors"]!["bpmn"]![0]);
    }

    [Fact]
    public async Task Validate_TextThatIsNotXml_IsAProblem_NotAnError()
    {
        var designer = await server.ClientAsync("designer");

        var result = await (await designer.PostJsonAsync("/api/scenarios/validate", new { bpmn = "not xml at all" })).JsonAsync(HttpStatusCode.OK);

        Assert.False((bool)result["valid"]!);
        Assert.NotEmpty(result["problems"]!.AsArray());
        Assert.Null(result["key"]);
    }

    [Theory]
    [InlineData("citizen1")]
    [InlineData("staff.health-commission")]
    [InlineData("supervisor")]
    public async Task DesignEndpoints_AreForbidden_ToOtherRoles(string user)
    {
        var client = await server.ClientAsync(user);
        var (xml, forms) = ShippedScenario("newborn-registration", "newborn-forbidden");

        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostJsonAsync("/api/scenarios/validate", new { bpmn = xml, forms })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostJsonAsync("/api/scenarios/simulate", new { bpmn = xml, forms })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/scenarios/newborn-registration/versions")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/scenarios/newborn-registration/versions/1")).StatusCode);
    }

    [Fact]
    public async Task Versions_ListEveryDeployedVersion_NewestFirst_AndOpenEachAsDeployed()
    {
        var admin = await server.ClientAsync("admin");
        var (xml, forms) = ShippedScenario("newborn-registration", "newborn-versions");
        var changed = xml.Replace("onestop:timeLimit=\"10WD\"", "onestop:timeLimit=\"8WD\"");
        await (await admin.PostJsonAsync("/api/scenarios", new { bpmn = xml, forms })).JsonAsync(HttpStatusCode.Created);
        await (await admin.PostJsonAsync("/api/scenarios", new { bpmn = changed, forms })).JsonAsync(HttpStatusCode.Created);

        var versions = (await (await admin.GetAsync("/api/scenarios/newborn-versions/versions")).JsonAsync(HttpStatusCode.OK)).AsArray();
        var first = await (await admin.GetAsync("/api/scenarios/newborn-versions/versions/1")).JsonAsync(HttpStatusCode.OK);
        var second = await (await admin.GetAsync("/api/scenarios/newborn-versions/versions/2")).JsonAsync(HttpStatusCode.OK);

        Assert.Equal([2, 1], versions.Select(v => (int)v!["version"]!));
        Assert.All(versions, v => Assert.Equal("Newborn registration", (string?)v!["title"]));
        Assert.NotEqual((string?)versions[0]!["contentHash"], (string?)versions[1]!["contentHash"]);
        Assert.Equal(xml, (string?)first["bpmn"]);
        Assert.Equal(changed, (string?)second["bpmn"]);
        Assert.Equal(("newborn-versions", 1), ((string?)first["key"], (int)first["version"]!));
        Assert.True(JsonNode.DeepEquals(forms, first["forms"]));
    }

    [Fact]
    public async Task Versions_OfAnUnknownScenarioOrVersion_Are404()
    {
        var designer = await server.ClientAsync("designer");

        await (await designer.GetAsync("/api/scenarios/no-such-scenario/versions")).ProblemAsync(HttpStatusCode.NotFound);
        var problem = await (await designer.GetAsync("/api/scenarios/newborn-registration/versions/999")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("has no version 999", (string?)problem["detail"]);
    }

    [Fact]
    public async Task Simulate_TheDemoSteps_RunsTheScenarioToItsEnd_OnAVirtualClock_AndStoresNothing()
    {
        var designer = await server.ClientAsync("designer");
        var (xml, forms) = ShippedScenario("start-a-business", "start-a-business-simulated");
        var demo = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Workflows, "start-a-business", "demo.steps.json")))!;
        var start = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

        var result = await (await designer.PostJsonAsync("/api/scenarios/simulate",
            new { bpmn = xml, forms, variables = demo["variables"], steps = demo["steps"], start })).JsonAsync(HttpStatusCode.OK);

        Assert.Equal("completed", (string?)result["status"]);
        Assert.Contains("Task_RegisterCompany", result["completed"]!.AsArray().Select(c => (string?)c));
        Assert.Empty(result["tasks"]!.AsArray());
        Assert.Equal("approved", (string?)result["variables"]!["decision"]);
        Assert.Equal(HttpStatusCode.NotFound, (await designer.GetAsync("/api/scenarios/start-a-business-simulated")).StatusCode);
    }

    [Fact]
    public async Task Simulate_WithoutSteps_ShowsTheOpenTasksWithTheirDueMoments()
    {
        var designer = await server.ClientAsync("designer");
        var (xml, forms) = ShippedScenario("start-a-business", "start-a-business-first-step");
        // Monday 2 March 2026, 09:00 in Beijing: a limit of one working day ends with Tuesday.
        var start = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

        var result = await (await designer.PostJsonAsync("/api/scenarios/simulate",
            new { bpmn = xml, forms, variables = ServerFixture.DemoData("start-a-business"), start })).JsonAsync(HttpStatusCode.OK);

        Assert.Equal("running", (string?)result["status"]);
        var task = Assert.Single(result["tasks"]!.AsArray())!;
        Assert.Equal(("Task_RegisterCompany", "market-regulation"), ((string?)task["activity"], (string?)task["department"]));
        Assert.Equal(new DateTimeOffset(2026, 3, 4, 0, 0, 0, TimeSpan.FromHours(8)), DateTimeOffset.Parse((string)task["dueAt"]!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Simulate_AStepThatCannotApply_Is400NamingTheStep()
    {
        var designer = await server.ClientAsync("designer");
        var (xml, forms) = ShippedScenario("start-a-business", "start-a-business-wrong-step");
        var steps = new JsonArray(new JsonObject { ["advance"] = "PT1H" }, new JsonObject { ["complete"] = "Task_EngraveSeals" });

        var problem = await (await designer.PostJsonAsync("/api/scenarios/simulate",
            new { bpmn = xml, forms, variables = ServerFixture.DemoData("start-a-business"), steps })).ProblemAsync(HttpStatusCode.BadRequest);

        var message = (string?)problem["errors"]!["steps[1]"]![0];
        Assert.Contains("no open task of activity 'Task_EngraveSeals'", message);
        Assert.Contains("Task_RegisterCompany", message);
    }

    [Fact]
    public async Task Simulate_MalformedOrUnboundedSteps_Are400WithTheField()
    {
        var designer = await server.ClientAsync("designer");
        var (xml, forms) = ShippedScenario("start-a-business", "start-a-business-bounded");
        var tooMany = new JsonArray([.. Enumerable.Range(0, 201).Select(_ => (JsonNode)new JsonObject { ["advance"] = "PT1M" })]);
        var tooFar = new JsonArray(new JsonObject { ["advance"] = "P5Y" }, new JsonObject { ["advance"] = "P6Y" });
        var unknown = new JsonArray(new JsonObject { ["jump"] = "Task_RegisterCompany" });

        var many = await (await designer.PostJsonAsync("/api/scenarios/simulate", new { bpmn = xml, forms, steps = tooMany })).ProblemAsync(HttpStatusCode.BadRequest);
        var far = await (await designer.PostJsonAsync("/api/scenarios/simulate", new { bpmn = xml, forms, steps = tooFar })).ProblemAsync(HttpStatusCode.BadRequest);
        var bad = await (await designer.PostJsonAsync("/api/scenarios/simulate", new { bpmn = xml, forms, steps = unknown })).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("at most 200 steps", (string?)many["errors"]!["steps"]![0]);
        Assert.Contains("more than ten years", (string?)far["errors"]!["steps[1]"]![0]);
        Assert.Contains("\"complete\", \"advance\" or \"message\"", (string?)bad["errors"]!["steps[0]"]![0]);
    }

    [Fact]
    public async Task Simulate_AnInvalidModel_Is400WithTheProblemsValidateGives()
    {
        var designer = await server.ClientAsync("designer");
        var (xml, forms) = ShippedScenario("newborn-registration", "newborn-simulate-invalid");
        xml = xml.Replace("<bpmn:startEvent", "<bpmn:scriptTask id=\"Task_Script\" />\n    <bpmn:startEvent");

        var problem = await (await designer.PostJsonAsync("/api/scenarios/simulate", new { bpmn = xml, forms })).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal("The scenario is not valid", (string?)problem["title"]);
        Assert.Contains(problem["problems"]!.AsArray(), p => (string?)p!["elementId"] == "Task_Script" && (string?)p["elementType"] == "scriptTask");
    }

    /// <summary>A shipped scenario's BPMN under another process key, and its forms.</summary>
    private static (string Xml, JsonObject Forms) ShippedScenario(string scenario, string newKey)
    {
        var xml = File.ReadAllText(RepositoryPaths.Scenario(scenario)).Replace($"\"{scenario}\"", $"\"{newKey}\"");
        var forms = new JsonObject();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Workflows, scenario, "forms"), "*.form.json").Order(StringComparer.Ordinal))
            forms[Path.GetFileName(file)[..^".form.json".Length]] = JsonNode.Parse(File.ReadAllText(file));
        return (xml, forms);
    }
}
