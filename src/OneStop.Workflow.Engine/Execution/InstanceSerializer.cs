using System.Text.Json;
using System.Text.Json.Serialization;

namespace OneStop.Workflow.Engine.Execution;

/// <summary>
/// The one JSON form of a <see cref="ProcessInstance"/>, shared by every store so that a saved instance reads back
/// the same whichever store wrote it. Enums are written by name so stored state survives reordering an enum.
/// </summary>
public static class InstanceSerializer
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectNullableAnnotations = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize(ProcessInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return JsonSerializer.Serialize(instance, Options);
    }

    public static ProcessInstance Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize<ProcessInstance>(json, Options)
            ?? throw new JsonException("Stored process instance state is the JSON literal null.");
    }
}
