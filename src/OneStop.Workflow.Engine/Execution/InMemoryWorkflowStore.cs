namespace OneStop.Workflow.Engine.Execution;

/// <summary>
/// The reference <see cref="IWorkflowStore"/>: everything in memory behind one lock, for the simulator and benchmarks.
/// It keeps the same rules as the database store — instances are held as serialized JSON (callers never share a
/// mutable object), versions are checked, keys are unique, instants come back in UTC and queries order the same way.
/// </summary>
public sealed class InMemoryWorkflowStore : IWorkflowStore
{
    private readonly Lock _lock = new();
    private readonly List<DeployedDefinition> _definitions = [];
    private readonly Dictionary<Guid, (string State, long Version)> _instances = [];
    private readonly Dictionary<Guid, TaskRecord> _tasks = [];
    private readonly Dictionary<Guid, TimerRecord> _timers = [];
    private readonly Dictionary<Guid, SubscriptionRecord> _subscriptions = [];
    private readonly Dictionary<Guid, SortedList<int, HistoryRecord>> _history = [];
    private readonly List<NoticeRecord> _notices = [];
    private readonly HashSet<Guid> _noticeIds = [];

    /// <summary>Every notice written so far (the outbox), in the order written. Nothing dispatches them here.</summary>
    public IReadOnlyList<NoticeRecord> Notices
    {
        get
        {
            lock (_lock) return [.. _notices];
        }
    }

    public Task<DeployedDefinition?> FindDefinitionAsync(string key, int? version, CancellationToken ct = default)
    {
        lock (_lock)
        {
            var versions = _definitions.Where(d => d.Key == key);
            return Task.FromResult(version is { } v
                ? versions.FirstOrDefault(d => d.Version == v)
                : versions.MaxBy(d => d.Version));
        }
    }

    public Task<DeployedDefinition?> FindDefinitionAsync(Guid id, CancellationToken ct = default)
    {
        lock (_lock) return Task.FromResult(_definitions.FirstOrDefault(d => d.Id == id));
    }

    public Task<DeployedDefinition> AddDefinitionAsync(NewDefinition definition, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        lock (_lock)
        {
            var latest = _definitions.Where(d => d.Key == definition.Key).MaxBy(d => d.Version);
            if (latest is not null && latest.ContentHash == definition.ContentHash)
                return Task.FromResult(latest);

            var deployed = new DeployedDefinition(Guid.CreateVersion7(), definition.Key, (latest?.Version ?? 0) + 1,
                definition.Xml, definition.ContentHash, definition.Name, definition.SourceName, definition.DeployedAt.ToUniversalTime(), definition.Forms);
            _definitions.Add(deployed);
            return Task.FromResult(deployed);
        }
    }

    public Task<IReadOnlyList<DeployedDefinition>> ListLatestDefinitionsAsync(CancellationToken ct = default)
    {
        lock (_lock)
        {
            IReadOnlyList<DeployedDefinition> latest = _definitions
                .GroupBy(d => d.Key)
                .Select(g => g.MaxBy(d => d.Version)!)
                .OrderBy(d => d.Key, StringComparer.Ordinal)
                .ToList();
            return Task.FromResult(latest);
        }
    }

    public Task<ProcessInstance?> LoadInstanceAsync(Guid id, CancellationToken ct = default)
    {
        string state;
        long version;
        lock (_lock)
        {
            if (!_instances.TryGetValue(id, out var stored)) return Task.FromResult<ProcessInstance?>(null);
            (state, version) = stored;
        }
        var instance = InstanceSerializer.Deserialize(state);
        instance.Version = version;
        return Task.FromResult<ProcessInstance?>(instance);
    }

    public Task<ProcessInstance?> LoadInstanceOfTaskAsync(Guid taskId, CancellationToken ct = default)
    {
        Guid instanceId;
        lock (_lock)
        {
            if (!_tasks.TryGetValue(taskId, out var task)) return Task.FromResult<ProcessInstance?>(null);
            instanceId = task.InstanceId;
        }
        return LoadInstanceAsync(instanceId, ct);
    }

    public Task SaveAsync(InstanceChanges changes, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var instance = changes.Instance;
        var previousVersion = instance.Version;
        instance.Version = changes.ExpectedVersion + 1;
        try
        {
            var state = InstanceSerializer.Serialize(instance);
            lock (_lock)
            {
                // Every check comes before the first write, so a refused save leaves the store as it was.
                var exists = _instances.TryGetValue(instance.Id, out var stored);
                if (changes.ExpectedVersion == 0 ? exists : !exists || stored.Version != changes.ExpectedVersion)
                    throw new ConcurrencyConflictException(instance.Id);
                CheckKeys(changes, exists);
                Apply(changes, state);
            }
        }
        catch
        {
            instance.Version = previousVersion;
            throw;
        }
        return Task.CompletedTask;
    }

    /// <summary>The key and reference rules the database enforces with its primary and foreign keys.</summary>
    private void CheckKeys(InstanceChanges changes, bool instanceExists)
    {
        var instance = changes.Instance;
        if (!instanceExists && _definitions.All(d => d.Id != instance.DefinitionId))
            throw new InvalidOperationException(
                $"Process instance {instance.Id} refers to definition {instance.DefinitionId}, which is not deployed.");

        var removedTimers = changes.RemovedTimers.ToHashSet();
        var removedSubscriptions = changes.RemovedSubscriptions.ToHashSet();
        var history = _history.GetValueOrDefault(instance.Id);
        if (changes.Tasks.Select(t => t.Id).Distinct().Count() != changes.Tasks.Count)
            throw new InvalidOperationException($"The changes of process instance {instance.Id} list a task twice.");
        if (changes.AddedTimers.Any(t => _timers.ContainsKey(t.Id) && !removedTimers.Contains(t.Id)) ||
            changes.AddedTimers.DistinctBy(t => t.Id).Count() != changes.AddedTimers.Count)
            throw new InvalidOperationException($"The changes of process instance {instance.Id} add a timer that already exists.");
        if (changes.AddedSubscriptions.Any(s => _subscriptions.ContainsKey(s.Id) && !removedSubscriptions.Contains(s.Id)) ||
            changes.AddedSubscriptions.DistinctBy(s => s.Id).Count() != changes.AddedSubscriptions.Count)
            throw new InvalidOperationException($"The changes of process instance {instance.Id} add a message subscription that already exists.");
        if (changes.History.Any(h => history?.ContainsKey(h.Sequence) == true) ||
            changes.History.DistinctBy(h => (h.InstanceId, h.Sequence)).Count() != changes.History.Count)
            throw new InvalidOperationException($"The changes of process instance {instance.Id} repeat a history sequence number.");
        if (changes.Notices.Any(n => _noticeIds.Contains(n.Id)) ||
            changes.Notices.DistinctBy(n => n.Id).Count() != changes.Notices.Count)
            throw new InvalidOperationException($"The changes of process instance {instance.Id} add a notice that already exists.");
        var unknown = changes.Tasks.Select(t => t.InstanceId)
            .Concat(changes.AddedTimers.Select(t => t.InstanceId))
            .Concat(changes.AddedSubscriptions.Select(s => s.InstanceId))
            .Concat(changes.History.Select(h => h.InstanceId))
            .Concat(changes.Notices.Select(n => n.InstanceId))
            .FirstOrDefault(id => id != instance.Id && !_instances.ContainsKey(id));
        if (unknown != Guid.Empty)
            throw new InvalidOperationException($"The changes of process instance {instance.Id} refer to unknown instance {unknown}.");
    }

    private void Apply(InstanceChanges changes, string state)
    {
        var instance = changes.Instance;
        _instances[instance.Id] = (state, instance.Version);
        foreach (var task in changes.Tasks)
            _tasks[task.Id] = task with
            {
                CreatedAt = task.CreatedAt.ToUniversalTime(),
                DueAt = task.DueAt?.ToUniversalTime(),
                EndedAt = task.EndedAt?.ToUniversalTime(),
                PausedAt = task.PausedAt?.ToUniversalTime(),
            };
        // Removals before additions, as the database store does: a timer re-armed under the same id survives.
        foreach (var id in changes.RemovedTimers)
            if (_timers.TryGetValue(id, out var timer) && timer.InstanceId == instance.Id) _timers.Remove(id);
        foreach (var timer in changes.AddedTimers)
            _timers[timer.Id] = timer with { DueAt = timer.DueAt.ToUniversalTime() };
        foreach (var id in changes.RemovedSubscriptions)
            if (_subscriptions.TryGetValue(id, out var subscription) && subscription.InstanceId == instance.Id) _subscriptions.Remove(id);
        foreach (var subscription in changes.AddedSubscriptions)
            _subscriptions[subscription.Id] = subscription;
        foreach (var entry in changes.History)
        {
            if (!_history.TryGetValue(entry.InstanceId, out var entries)) _history[entry.InstanceId] = entries = [];
            entries.Add(entry.Sequence, entry with { At = entry.At.ToUniversalTime() });
        }
        foreach (var notice in changes.Notices)
        {
            _notices.Add(notice with { At = notice.At.ToUniversalTime() });
            _noticeIds.Add(notice.Id);
        }
    }

    public Task<TaskRecord?> FindTaskAsync(Guid taskId, CancellationToken ct = default)
    {
        lock (_lock) return Task.FromResult(_tasks.GetValueOrDefault(taskId));
    }

    public Task<IReadOnlyList<TaskRecord>> ListTasksAsync(TaskQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_lock)
        {
            IReadOnlyList<TaskRecord> tasks = _tasks.Values
                .Where(t => (query.Department is null || t.Department == query.Department)
                            && (query.Status is null || t.Status == query.Status)
                            && (query.InstanceId is null || t.InstanceId == query.InstanceId))
                .OrderBy(t => t.CreatedAt).ThenBy(t => t.Id, StoredGuidOrder.Instance)
                .Take(query.Max)
                .ToList();
            return Task.FromResult(tasks);
        }
    }

    public Task<IReadOnlyList<TimerRecord>> DueTimersAsync(DateTimeOffset now, int max, CancellationToken ct = default)
    {
        lock (_lock)
        {
            IReadOnlyList<TimerRecord> due = _timers.Values
                .Where(t => t.DueAt <= now)
                .OrderBy(t => t.DueAt).ThenBy(t => t.Id, StoredGuidOrder.Instance)
                .Take(max)
                .ToList();
            return Task.FromResult(due);
        }
    }

    public Task<TimerRecord?> NextTimerAsync(CancellationToken ct = default)
    {
        lock (_lock)
            return Task.FromResult(_timers.Values
                .OrderBy(t => t.DueAt).ThenBy(t => t.Id, StoredGuidOrder.Instance)
                .FirstOrDefault());
    }

    public Task<IReadOnlyList<SubscriptionRecord>> FindSubscriptionsAsync(string messageName, string? correlationKey, CancellationToken ct = default)
    {
        lock (_lock)
        {
            IReadOnlyList<SubscriptionRecord> found = _subscriptions.Values
                .Where(s => s.MessageName == messageName && s.CorrelationKey == correlationKey)
                .OrderBy(s => s.Id, StoredGuidOrder.Instance)
                .ToList();
            return Task.FromResult(found);
        }
    }

    public Task<IReadOnlyList<HistoryRecord>> HistoryAsync(Guid instanceId, CancellationToken ct = default)
    {
        lock (_lock)
        {
            IReadOnlyList<HistoryRecord> entries = _history.TryGetValue(instanceId, out var list) ? [.. list.Values] : [];
            return Task.FromResult(entries);
        }
    }

    public Task<IReadOnlyList<ProcessInstance>> ListInstancesAsync(string initiator, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(initiator);
        lock (_lock)
        {
            IReadOnlyList<ProcessInstance> started = _instances.Values
                .Select(stored =>
                {
                    var instance = InstanceSerializer.Deserialize(stored.State);
                    instance.Version = stored.Version;
                    return instance;
                })
                .Where(i => i.Initiator == initiator)
                .OrderByDescending(i => i.StartedAt).ThenBy(i => i.Id, StoredGuidOrder.Instance)
                .ToList();
            return Task.FromResult(started);
        }
    }

    /// <summary>Orders ids as the databases do: SQLite compares their text, PostgreSQL the uuid bytes — both the
    /// order of the hexadecimal text, which <see cref="Guid.CompareTo(Guid)"/> does not follow on every platform.</summary>
    private sealed class StoredGuidOrder : IComparer<Guid>
    {
        public static readonly StoredGuidOrder Instance = new();

        public int Compare(Guid x, Guid y) => string.CompareOrdinal(x.ToString("N"), y.ToString("N"));
    }
}
