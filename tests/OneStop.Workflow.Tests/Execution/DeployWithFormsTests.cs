using OneStop.Workflow.Engine.Execution;

namespace OneStop.Workflow.Tests.Execution;

public sealed class DeployWithFormsTests
{
    private static readonly string Model = TestModels.Process($"""
        <startEvent id="start" />
        <userTask id="review" onestop:department="civil-affairs" />
        <endEvent id="end" />
        {TestModels.Flow("f1", "start", "review")}
        {TestModels.Flow("f2", "review", "end")}
        """);

    [Fact]
    public async Task Deploy_KeepsTheFormsWithTheVersion_AndChangedFormsMakeANewVersion()
    {
        var harness = new EngineHarness();
        const string forms = """{"applicant":{"type":"default","components":[]}}""";
        const string changed = """{"applicant":{"type":"default","components":[{"type":"text","text":"Hello"}]}}""";

        var first = (await harness.Engine.DeployAsync(Model, "p.bpmn", forms)).Single();
        var same = (await harness.Engine.DeployAsync(Model, "p.bpmn", forms)).Single();
        var second = (await harness.Engine.DeployAsync(Model, "p.bpmn", changed)).Single();

        Assert.Equal((1, forms), (first.Version, first.Forms));
        Assert.Equal(first.Id, same.Id);
        Assert.Equal((2, changed), (second.Version, second.Forms));
    }

    [Fact]
    public async Task Deploy_WithoutForms_HashesTheXmlAlone_AsBefore()
    {
        var harness = new EngineHarness();

        var plain = (await harness.Engine.DeployAsync(Model, "p.bpmn")).Single();
        var withForms = (await harness.Engine.DeployAsync(Model, "p.bpmn", "{}")).Single();

        Assert.Null(plain.Forms);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Model))), plain.ContentHash);
        Assert.Equal(2, withForms.Version);
    }

    [Fact]
    public async Task Start_OnBehalfOfAnInitiator_StoresWhoStartedIt_UnderTheGivenId()
    {
        var harness = new EngineHarness();
        await harness.Engine.DeployAsync(Model, "p.bpmn");
        var id = Guid.NewGuid();

        var started = await harness.Engine.StartAsync("p", null, id.ToString(), null, actor: "citizen1", initiator: "citizen1", id: id);
        await harness.Engine.StartAsync("p", actor: "system");

        Assert.Equal((id, "citizen1"), (started.Id, started.Initiator));
        Assert.Equal("citizen1", (await harness.Engine.GetInstanceAsync(id)).Initiator);
        Assert.Equal([id], (await harness.Store.ListInstancesAsync("citizen1")).Select(i => i.Id));
    }
}
