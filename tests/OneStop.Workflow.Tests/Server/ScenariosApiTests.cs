using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneStop.Workflow.Infrastructure.Persistence;

namespace OneStop.Workflow.Tests.Server;

[Collection(ServerCollection.Name)]
public sealed class ScenariosApiTests(ServerFixture server)
{
    [Fact]
    public async Task Deploy_ABpmnWithItsForms_StoresANewScenarioVersion_WithItsMergedForm()
    {
        var designer = await server.ClientAsync("designer");
        var (xml, forms) = ShippedScenario("newborn-registration", "newborn-registration-pilot");

        var created = await (await designer.PostJsonAsync("/api/scenarios", new { bpmn = xml, forms })).JsonAsync(HttpStatusCode.Created);
        var again = await (await designer.PostJsonAsync("/api/scenarios", new { bpmn = xml, forms })).JsonAsync(HttpStatusCode.Created);

        Assert.Equal(("newborn-registration-pilot", 1), ((string?)created["key"], (int)created["version"]!));
        Assert.Equal(1, (int)again["version"]!); // identical content deploys nothing new
        var contexts = server.Services.GetRequiredService<IDbContextFactory<WorkflowDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            var deploys = await db.Audit.Where(a => a.Action == "scenario-deployed" && a.Data!.Contains("newborn-registration-pilot")).ToListAsync();
            Assert.Equal("designer", Assert.Single(deploys).Actor);
        }
        var form = await (await designer.GetAsync("/api/scenarios/newborn-registration-pilot/form")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(29, (int)form["dedup"]!["fieldsToFill"]!);
        Assert.Contains(form["fields"]!.AsArray(), f => f!["departments"]!.AsArray().Count > 1);
        Assert.Contains(form["fields"]!.AsArray(), f => (bool)f!["shared"]! == false);
    }

    [Fact]
    public async Task Deploy_WithBpmnAndFormProblems_ReportsEveryProblem_AndStoresNothing()
    {
        var designer = await server.ClientAsync("designer");
        var (xml, forms) = ShippedScenario("newborn-registration", "newborn-registration-broken");
        xml = xml.Replace("<bpmn:startEvent", "<bpmn:complexGateway id=\"Unsupported_1\" /><bpmn:startEvent");
        forms.Remove("vaccination-record");

        var problem = await (await designer.PostJsonAsync("/api/scenarios", new { bpmn = xml, forms })).ProblemAsync(HttpStatusCode.BadRequest);

        var sources = problem["problems"]!.AsArray().Select(p => (string?)p!["source"]).ToHashSet();
        Assert.Contains("bpmn", sources);
        Assert.Contains(problem["problems"]!.AsArray(), p => ((string?)p!["element"])?.Contains("Unsupported_1") == true);
        Assert.Equal(HttpStatusCode.NotFound, (await designer.GetAsync("/api/scenarios/newborn-registration-broken")).StatusCode);
    }

    [Fact]
    public async Task Deploy_WithAMissingForm_NamesTheForm()
    {
        var designer = await server.ClientAsync("designer");
        var (xml, forms) = ShippedScenario("newborn-registration", "newborn-registration-formless");
        forms.Remove("vaccination-record");

        var problem = await (await designer.PostJsonAsync("/api/scenarios", new { bpmn = xml, forms })).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(problem["problems"]!.AsArray(), p => (string?)p!["source"] == "form" && ((string?)p["message"])!.Contains("vaccination-record"));
    }

    [Fact]
    public async Task Catalogue_ListsKeyVersionTitleLifeEventAndDepartments()
    {
        var list = await (await (await server.ClientAsync("citizen2")).GetAsync("/api/scenarios")).JsonAsync(HttpStatusCode.OK);

        var newborn = list.AsArray().Single(s => (string?)s!["key"] == "newborn-registration")!;
        Assert.Equal("Newborn registration", (string?)newborn["title"]);
        Assert.Equal("newborn", (string?)newborn["lifeEvent"]);
        Assert.Contains("public-security", newborn["departments"]!.AsArray().Select(d => (string?)d));
    }

    [Fact]
    public async Task UnknownScenario_Is404()
    {
        var client = await server.ClientAsync("citizen1");

        await (await client.GetAsync("/api/scenarios/no-such-scenario")).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync("/api/scenarios/no-such-scenario/form")).ProblemAsync(HttpStatusCode.NotFound);
    }

    /// <summary>A shipped scenario's BPMN under another process key, and its forms.</summary>
    private static (string Xml, JsonObject Forms) ShippedScenario(string scenario, string newKey)
    {
        var xml = File.ReadAllText(RepositoryPaths.Scenario(scenario)).Replace($"\"{scenario}\"", $"\"{newKey}\"");
        var forms = new JsonObject();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Workflows, scenario, "forms"), "*.form.json"))
            forms[Path.GetFileName(file)[..^".form.json".Length]] = JsonNode.Parse(File.ReadAllText(file));
        return (xml, forms);
    }
}
