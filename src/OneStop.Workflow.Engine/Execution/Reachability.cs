using System.Collections.Concurrent;
using OneStop.Workflow.Engine.Bpmn;

namespace OneStop.Workflow.Engine.Execution;

/// <summary>Which flow nodes of a process can reach which others by sequence flows (an activity also reaches its
/// boundary events). Inclusive joins ask it whether a token can still arrive. Computed lazily, cached per process.</summary>
internal sealed class Reachability
{
    private readonly ConcurrentDictionary<string, HashSet<string>> _reachableFrom = new(StringComparer.Ordinal);

    public bool CanReach(FlowNode from, FlowNode to) =>
        _reachableFrom.GetOrAdd(from.Id, _ => Successors(from)).Contains(to.Id);

    private static HashSet<string> Successors(FlowNode start)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<FlowNode>();
        pending.Push(start);
        while (pending.TryPop(out var node))
        {
            foreach (var next in node.Outgoing.Select(f => f.Target).Concat(node.BoundaryEvents))
            {
                if (seen.Add(next.Id))
                    pending.Push(next);
            }
        }
        return seen;
    }
}
