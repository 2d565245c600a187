using System.Text.Json.Nodes;

namespace OneStop.Workflow.Tests.Cli;

/// <summary>The contract of <c>onestop validate</c> and <c>onestop simulate</c>, run in-process.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("onestop-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await Workflow.Cli.Cli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task Validate_ShippedScenarios_AreValid()
    {
        var (exit, stdout, stderr) = await RunAsync("validate",
            RepositoryPaths.Scenario("newborn-registration"), RepositoryPaths.Scenario("start-a-business"));

        Assert.True(exit == 0, stderr);
        Assert.Equal(2, stdout.Split('\n').Count(l => l.EndsWith(": valid", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Validate_InvalidModel_ExitsOneWithEveryProblemAndNoStackTrace()
    {
        var good = RepositoryPaths.Scenario("newborn-registration");
        var bad = Write("bad.bpmn", Execution.TestModels.Process("""
            <startEvent id="start" /><exclusiveGateway id="gw" /><userTask id="a" /><userTask id="b" /><scriptTask id="script" />
            <sequenceFlow id="f1" sourceRef="start" targetRef="gw" />
            <sequenceFlow id="f2" sourceRef="gw" targetRef="a" />
            <sequenceFlow id="f3" sourceRef="gw" targetRef="b" />
            """));

        var (exit, stdout, stderr) = await RunAsync("validate", good, bad);

        Assert.Equal(1, exit);
        Assert.Contains(": valid", stdout);
        Assert.Contains("scriptTask 'script'", stderr);
        Assert.Contains("'f2'", stderr);
        Assert.Contains("'f3'", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public async Task Validate_ScenarioNamingAnUnknownCalendar_IsInvalid()
    {
        // A calendars folder beside the scenario's folder, as in workflows/, with the shipped calendars.
        var calendars = Directory.CreateDirectory(Path.Combine(_dir, "calendars"));
        foreach (var shipped in Directory.GetFiles(Path.Combine(RepositoryPaths.Workflows, "calendars"), "*.json"))
            File.Copy(shipped, Path.Combine(calendars.FullName, Path.GetFileName(shipped)));
        var scenario = Directory.CreateDirectory(Path.Combine(_dir, "mars-landing"));
        var file = Path.Combine(scenario.FullName, "scenario.bpmn");
        File.WriteAllText(file, Execution.TestModels.Process(
            "<startEvent id=\"s\" /><userTask id=\"a\" /><sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"a\" />",
            processAttributes: "onestop:calendar=\"mars\""));

        var (exit, _, stderr) = await RunAsync("validate", file);

        Assert.Equal(1, exit);
        Assert.Contains("process 'p': Unknown working-day calendar 'mars'; known calendars: cn-mainland, mon-fri", stderr);
    }

    [Fact]
    public async Task Validate_MissingFileOrMalformedXml_IsAProblemNotACrash()
    {
        var malformed = Write("broken.bpmn", "<definitions><process id='x'>");

        var (exit, _, stderr) = await RunAsync("validate", Path.Combine(_dir, "nope.bpmn"), malformed);

        Assert.Equal(1, exit);
        Assert.Contains("No such file", stderr);
        Assert.Contains("broken.bpmn", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Theory]
    [InlineData("newborn-registration")]
    [InlineData("start-a-business")]
    public async Task Simulate_ShippedDemo_CompletesEveryDepartment(string scenario)
    {
        var steps = Path.Combine(RepositoryPaths.Workflows, scenario, "demo.steps.json");

        var (exit, stdout, stderr) = await RunAsync("simulate", RepositoryPaths.Scenario(scenario), "--steps", steps, "--start", "2026-03-02T09:00:00+08:00");

        Assert.True(exit == 0, stderr);
        var result = JsonNode.Parse(stdout)!.AsObject();
        Assert.Equal("completed", result["status"]!.GetValue<string>());
        Assert.Empty(result["active"]!.AsArray());
        Assert.Empty(result["tasks"]!.AsArray());
        Assert.Empty(result["incidents"]!.AsArray());
        Assert.StartsWith("StartEvent_", result["completed"]!.AsArray()[0]!.GetValue<string>());
        Assert.StartsWith("EndEvent_", result["completed"]!.AsArray()[^1]!.GetValue<string>());
    }

    [Fact]
    public async Task Simulate_ShowsOpenTasksWithDueAtOnTheScenarioCalendar()
    {
        var steps = Write("steps.json", """{"variables": {}, "steps": [{"complete": "Task_BirthCertificate"}]}""");

        // Monday 2026-03-02 09:00 in Beijing; household registration has P30D by law.
        var (exit, stdout, stderr) = await RunAsync("simulate", RepositoryPaths.Scenario("newborn-registration"),
            "--steps", steps, "--start", "2026-03-02T09:00:00+08:00");

        Assert.True(exit == 0, stderr);
        var result = JsonNode.Parse(stdout)!.AsObject();
        Assert.Equal("running", result["status"]!.GetValue<string>());
        Assert.Equal(["StartEvent_ApplicationSubmitted", "Task_BirthCertificate"],
            result["completed"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["Task_HouseholdRegistration"], result["active"]!.AsArray().Select(n => n!.GetValue<string>()));
        var task = Assert.Single(result["tasks"]!.AsArray())!.AsObject();
        Assert.Equal("public-security", task["department"]!.GetValue<string>());
        Assert.Equal("2026-04-01T09:00:00+08:00", task["dueAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task Simulate_WorkingDayLimit_CountsOnTheChinaCalendar()
    {
        // Friday 2026-09-18: 5 working days skip the weekend, but Sunday 2026-09-20 is a make-up workday:
        // Sun 20, Mon 21, Tue 22, Wed 23, Thu 24 → due at the end of Thursday 24 September.
        var steps = Write("steps.json", """{"steps": []}""");

        var (exit, stdout, stderr) = await RunAsync("simulate", RepositoryPaths.Scenario("newborn-registration"),
            "--steps", steps, "--start", "2026-09-18T10:00:00+08:00");

        Assert.True(exit == 0, stderr);
        var task = Assert.Single(JsonNode.Parse(stdout)!["tasks"]!.AsArray())!.AsObject();
        Assert.Equal("Task_BirthCertificate", task["activity"]!.GetValue<string>());
        Assert.Equal("2026-09-25T00:00:00+08:00", task["dueAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task Simulate_PastATasksDeadline_ShowsItsSignalAndWhatTheClockDid()
    {
        // Friday 2026-09-18 10:00: the 5WD birth certificate is due when Thu 24 September ends. It measures 5 7/12 working
        // days, so it turns yellow with a fifth of that left: all of Thu 24 and the last 2 h 48 min of Wed 23.
        var steps = Write("steps.json", """{"steps": [{"advance": "P8D"}]}""");

        var (exit, stdout, stderr) = await RunAsync("simulate", RepositoryPaths.Scenario("newborn-registration"),
            "--steps", steps, "--start", "2026-09-18T10:00:00+08:00");

        Assert.True(exit == 0, stderr);
        var result = JsonNode.Parse(stdout)!.AsObject();
        var task = Assert.Single(result["tasks"]!.AsArray())!.AsObject();
        Assert.Equal(("2026-09-25T00:00:00+08:00", "red"), (task["dueAt"]!.GetValue<string>(), task["signal"]!.GetValue<string>()));
        Assert.Equal(["StartEvent_ApplicationSubmitted"], result["completed"]!.AsArray().Select(n => n!.GetValue<string>()));
        var deadlines = result["deadlines"]!.AsArray().Select(d => d!.AsObject()).ToList();
        Assert.Equal([("2026-09-23T21:12:00+08:00", "deadline.yellow"), ("2026-09-25T00:00:00+08:00", "deadline.red")],
            deadlines.Select(d => (d["at"]!.GetValue<string>(), d["kind"]!.GetValue<string>())));
        Assert.All(deadlines, d => Assert.Equal("Task_BirthCertificate", d["element"]!.GetValue<string>()));
        Assert.Equal("follow-up", deadlines[1]["escalation"]!.GetValue<string>());
    }

    [Fact]
    public async Task Simulate_AdvanceFiresTimersAndReportsAnIncident()
    {
        var model = Write("timer.bpmn", Execution.TestModels.Process("""
            <startEvent id="start" /><intermediateCatchEvent id="wait"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>
            <exclusiveGateway id="route" /><userTask id="a" /><userTask id="b" />
            <sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
            <sequenceFlow id="f2" sourceRef="wait" targetRef="route" />
            <sequenceFlow id="f3" sourceRef="route" targetRef="a"><conditionExpression>${kind == 'a'}</conditionExpression></sequenceFlow>
            <sequenceFlow id="f4" sourceRef="route" targetRef="b"><conditionExpression>${kind == 'b'}</conditionExpression></sequenceFlow>
            """));
        var steps = Write("steps.json", """{"variables": {"kind": "c"}, "steps": [{"advance": "PT30M"}, {"advance": "PT30M"}]}""");

        var (exit, stdout, stderr) = await RunAsync("simulate", model, "--steps", steps, "--start", "2026-03-02T09:00:00Z");

        Assert.True(exit == 0, stderr);
        var result = JsonNode.Parse(stdout)!.AsObject();
        Assert.Equal("incident", result["status"]!.GetValue<string>());
        Assert.Equal(["start", "wait"], result["completed"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("route", result["incidents"]![0]!["element"]!.GetValue<string>());
        Assert.Equal("c", result["variables"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Simulate_StepThatCannotApply_ExitsTwoNamingTheStep()
    {
        var steps = Write("steps.json", """{"steps": [{"complete": "Task_BirthCertificate"}, {"complete": "Task_BirthCertificate"}]}""");

        var (exit, _, stderr) = await RunAsync("simulate", RepositoryPaths.Scenario("newborn-registration"), "--steps", steps);

        Assert.Equal(2, exit);
        Assert.Contains("Step 2", stderr);
        Assert.Contains("Task_BirthCertificate", stderr);
    }

    [Fact]
    public async Task Simulate_MessageNobodyWaitsFor_ExitsTwo()
    {
        var steps = Write("steps.json", """{"steps": [{"message": "payment", "key": "X"}]}""");

        var (exit, _, stderr) = await RunAsync("simulate", RepositoryPaths.Scenario("newborn-registration"), "--steps", steps);

        Assert.Equal(2, exit);
        Assert.Contains("Step 1", stderr);
        Assert.Contains("'payment'", stderr);
    }

    [Fact]
    public async Task Simulate_InvalidModel_ExitsOne()
    {
        var bad = Write("bad.bpmn", Execution.TestModels.Process("<startEvent id=\"s\" /><callActivity id=\"c\" /><sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"c\" />"));
        var steps = Write("steps.json", """{"steps": []}""");

        var (exit, _, stderr) = await RunAsync("simulate", bad, "--steps", steps);

        Assert.Equal(1, exit);
        Assert.Contains("callActivity 'c'", stderr);
    }

    [Fact]
    public async Task Simulate_MalformedStepsFile_SaysWhatIsWrong()
    {
        var steps = Write("steps.json", """{"steps": [{"advance": "two hours"}]}""");

        var (exit, _, stderr) = await RunAsync("simulate", RepositoryPaths.Scenario("newborn-registration"), "--steps", steps);

        Assert.Equal(2, exit);
        Assert.Contains("Step 1", stderr);
        Assert.Contains("two hours", stderr);
    }
}
