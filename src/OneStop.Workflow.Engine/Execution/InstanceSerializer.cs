using System.Text.Json;
using System.Text.Json.Serialization;

namespace OneStop.Workflow.Engine.Execution;

/// <summary>
/// The one JSON form of a <see cref="ProcessInstance"/>, shared by every store so that a saved instance reads back
/// the same whichever store wrote it. Enums are written by name so stored state survives reordering an enum.
/// Every command reads and writes this form once, so it uses source-generated metadata rather than reflection.
/// Deadline-clock members at their defaults (green, not extended, a model timer) are left out, so state without a
/// clock is written as compactly as before the clock existed, and such state reads back with those defaults.
/// </summary>
public static class InstanceSerializer
{
    public static string Serialize(ProcessInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return JsonSerializer.Serialize(instance, InstanceJsonContext.Default.ProcessInstance);
    }

    public static ProcessInstance Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize(json, InstanceJsonContext.Default.ProcessInstance)
            ?? throw new JsonException("Stored process instance state is the JSON literal null.");
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ProcessInstance))]
internal sealed partial class InstanceJsonContext : JsonSerializerContext;
