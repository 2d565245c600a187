using System.Text.Json;
using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Execution;

namespace OneStop.Workflow.Tests.Execution;

public sealed class InstanceSerializerTests
{
    private static readonly DateTimeOffset Started = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void Serialize_WritesCamelCaseNames_EnumNames_AndKeepsTheOffset()
    {
        var instance = NewInstance();

        var json = JsonNode.Parse(InstanceSerializer.Serialize(instance))!;

        Assert.Equal("Completed", (string?)json["status"]);
        Assert.Equal("Timer", (string?)json["tokens"]![0]!["wait"]);
        Assert.Equal("2026-03-02T09:00:00+08:00", (string?)json["startedAt"]);
        Assert.Equal(5, (long)json["version"]!);
        Assert.Null(json["businessKey"]);
    }

    [Fact]
    public void Deserialize_RestoresWhatSerializeWrote()
    {
        var instance = NewInstance();

        var copy = InstanceSerializer.Deserialize(InstanceSerializer.Serialize(instance));

        Assert.Equal(InstanceSerializer.Serialize(instance), InstanceSerializer.Serialize(copy));
        Assert.Equal(Started, copy.StartedAt);
        Assert.Equal(Started.Offset, copy.StartedAt.Offset);
        Assert.Equal("approved", (string?)copy.Variables["decision"]);
    }

    [Fact]
    public void Deserialize_StateMissingARequiredProperty_Fails()
    {
        var json = JsonNode.Parse(InstanceSerializer.Serialize(NewInstance()))!.AsObject();
        json.Remove("definitionKey");

        Assert.ThrowsAny<JsonException>(() => InstanceSerializer.Deserialize(json.ToJsonString()));
    }

    private static ProcessInstance NewInstance() => new()
    {
        Id = Guid.NewGuid(),
        DefinitionId = Guid.NewGuid(),
        DefinitionKey = "newborn",
        DefinitionVersion = 2,
        Status = InstanceStatus.Completed,
        StartedAt = Started,
        Variables = new JsonObject { ["decision"] = "approved" },
        Tokens = [new Token { Id = Guid.NewGuid(), NodeId = "wait", Wait = TokenWait.Timer }],
        Version = 5,
    };
}
