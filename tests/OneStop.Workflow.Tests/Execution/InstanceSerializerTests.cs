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

    [Fact]
    public void Deserialize_StateWrittenBeforeTheDeadlineClock_ReadsModelTimersAndGreenClocks()
    {
        const string before = """
            {"id":"0b3e7d1c-4a57-4f1e-9d0e-2f1f6f0c8a11","definitionId":"5d0c7a90-3c1e-4a55-8a43-6f5b1c0e7d22","definitionKey":"newborn",
             "definitionVersion":1,"status":"Running","startedAt":"2026-03-02T09:00:00+08:00","dueAt":"2026-04-01T00:00:00+08:00",
             "tokens":[{"id":"7e2b9f4a-1c3d-4e5f-8a9b-0c1d2e3f4a5b","nodeId":"review","wait":"Task"}],
             "tasks":[{"id":"c1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8","tokenId":"7e2b9f4a-1c3d-4e5f-8a9b-0c1d2e3f4a5b","activityId":"review",
                       "createdAt":"2026-03-02T09:00:00+08:00","dueAt":"2026-03-10T00:00:00+08:00"}],
             "timers":[{"id":"d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70","tokenId":"7e2b9f4a-1c3d-4e5f-8a9b-0c1d2e3f4a5b","activityId":"late",
                        "dueAt":"2026-03-04T09:00:00+08:00","fired":0}],
             "historyCount":4,"version":3}
            """;

        var instance = InstanceSerializer.Deserialize(before);

        var timer = Assert.Single(instance.Timers);
        Assert.Equal((TimerPurpose.Model, (Guid?)null), (timer.Purpose, timer.TaskId));
        var task = Assert.Single(instance.Tasks);
        Assert.Equal((TaskSignal.Green, (DateTimeOffset?)null, 0), (task.Signal, task.PausedAt, task.ExtendedWorkingDays));
        Assert.Null(task.Limit);
        Assert.Equal((TaskSignal.Green, (DateTimeOffset?)null), (instance.Signal, instance.PausedAt));

        // Written again, the clock's defaults stay out of the state.
        var again = JsonNode.Parse(InstanceSerializer.Serialize(instance))!;
        Assert.Null(again["timers"]![0]!["purpose"]);
        Assert.Null(again["tasks"]![0]!["signal"]);
        Assert.Null(again["tasks"]![0]!["extendedWorkingDays"]);
        Assert.Null(again["signal"]);
    }

    [Fact]
    public void Serialize_WritesTheClockWithEnumNames()
    {
        var instance = NewInstance();
        var token = instance.Tokens[0].Id;
        var task = new TaskItem
        {
            Id = Guid.NewGuid(),
            TokenId = token,
            ActivityId = "review",
            CreatedAt = Started,
            DueAt = Started.AddDays(7),
            Limit = "5WD",
            LimitWorkingDays = 5.625,
            Signal = TaskSignal.Yellow,
            PausedAt = Started.AddDays(1),
            PauseReason = "testing",
            ExtendedWorkingDays = 2,
        };
        instance.Tasks.Add(task);
        instance.Timers.Add(new TimerItem { Id = Guid.NewGuid(), TokenId = token, ActivityId = "review", DueAt = Started.AddDays(7), Purpose = TimerPurpose.TaskRed, TaskId = task.Id });
        instance.LimitDuration = TimeSpan.FromDays(30);

        var json = JsonNode.Parse(InstanceSerializer.Serialize(instance))!;
        var copy = InstanceSerializer.Deserialize(json.ToJsonString());

        Assert.Equal("Yellow", (string?)json["tasks"]![0]!["signal"]);
        Assert.Equal("TaskRed", (string?)json["timers"]![0]!["purpose"]);
        Assert.Equal(InstanceSerializer.Serialize(instance), InstanceSerializer.Serialize(copy));
        Assert.Equal((5.625, "testing", 2), (copy.Tasks[0].LimitWorkingDays!.Value, copy.Tasks[0].PauseReason, copy.Tasks[0].ExtendedWorkingDays));
        Assert.Equal(TimeSpan.FromDays(30), copy.LimitDuration);
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
