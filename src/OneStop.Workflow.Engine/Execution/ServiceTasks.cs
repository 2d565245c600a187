using System.Text.Json.Nodes;

namespace OneStop.Workflow.Engine.Execution;

/// <summary>What a service task handler is given. Handlers run inside the command's transaction: a command that
/// conflicts is retried, so a handler with outside effects should use <see cref="IdempotencyKey"/> to do them once.</summary>
public sealed record ServiceTaskContext(
    Guid InstanceId, string ActivityId, string HandlerType, string IdempotencyKey, JsonObject Variables, DateTimeOffset Now);

/// <summary>Does the work of service tasks of one type; returns variables to merge into the instance, or null.</summary>
public interface IServiceTaskHandler
{
    ValueTask<JsonObject?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken);
}

/// <summary>The service task handlers registered by type.</summary>
public sealed class ServiceTaskHandlers
{
    private readonly Dictionary<string, IServiceTaskHandler> _byType = new(StringComparer.Ordinal);

    public ServiceTaskHandlers Register(string type, IServiceTaskHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        _byType[type] = handler;
        return this;
    }

    public ServiceTaskHandlers Register(string type, Func<ServiceTaskContext, JsonObject?> handler) =>
        Register(type, new DelegateHandler(handler));

    public bool TryGet(string? type, out IServiceTaskHandler? handler)
    {
        handler = null;
        return type is not null && _byType.TryGetValue(type, out handler);
    }

    private sealed class DelegateHandler(Func<ServiceTaskContext, JsonObject?> run) : IServiceTaskHandler
    {
        public ValueTask<JsonObject?> ExecuteAsync(ServiceTaskContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(run(context));
    }
}
