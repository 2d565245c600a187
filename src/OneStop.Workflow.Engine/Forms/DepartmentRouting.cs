using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Bpmn;
using OneStop.Workflow.Engine.Expressions;

namespace OneStop.Workflow.Engine.Forms;

/// <summary>
/// Which departments and forms an application will involve, read from the process: a task behind a condition
/// (start-a-business: the food business licence only for <c>${businessType == 'catering'}</c>) is reached only when
/// the application data makes the condition true. The merged form uses it so that a citizen is required to answer a
/// form's fields only when the task of that form will handle the application.
/// </summary>
/// <remarks>
/// The process is followed from its start event the way tokens would move, evaluating each condition on the
/// application data with the engine's own expressions. Where a condition cannot be decided from the application alone
/// (it reads a variable a department sets later, or one the citizen left out), both ways are assumed possible, so a
/// task that might be reached is: its fields are required rather than missing when it needs them.
/// </remarks>
public sealed class DepartmentRouting
{
    private readonly ProcessDefinition _process;

    private DepartmentRouting(ProcessDefinition process)
    {
        _process = process;
        var tasks = ScenarioForms.UserTasksInProcessOrder(process);
        Departments = tasks.Select(t => t.Department).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        Forms = FormsOf(tasks);
        FormsAlwaysUsed = FormsOf(Follow(flow => flow.Condition is null ? Decision.True : Decision.Unknown, certainOnly: true));
    }

    public static DepartmentRouting For(ProcessDefinition process)
    {
        ArgumentNullException.ThrowIfNull(process);
        return new DepartmentRouting(process);
    }

    /// <summary>Every department with a user task, in process order.</summary>
    public IReadOnlyList<string> Departments { get; }

    /// <summary>The form keys of every user task.</summary>
    public IReadOnlySet<string> Forms { get; }

    /// <summary>The forms of tasks that every application reaches, whatever its data.</summary>
    public IReadOnlySet<string> FormsAlwaysUsed { get; }

    /// <summary>The departments whose tasks this application data can reach.</summary>
    public IReadOnlySet<string> DepartmentsTakingPart(JsonObject applicationData) =>
        Reached(applicationData).Select(n => n switch { UserTask u => u.Department, ManualTask m => m.Department, _ => null })
            .OfType<string>().ToHashSet(StringComparer.Ordinal);

    /// <summary>The forms of the tasks this application data can reach.</summary>
    public IReadOnlySet<string> FormsInUse(JsonObject applicationData) => FormsOf(Reached(applicationData));

    private HashSet<FlowNode> Reached(JsonObject applicationData)
    {
        ArgumentNullException.ThrowIfNull(applicationData);
        var variables = VariableResolver.From(applicationData);
        return Follow(flow => Evaluate(flow, variables), certainOnly: false);
    }

    private enum Decision { False, True, Unknown }

    private static Decision Evaluate(SequenceFlow flow, IVariableResolver variables)
    {
        if (flow.Condition is not { } condition) return Decision.True;
        try
        {
            return condition.EvaluateCondition(variables) ? Decision.True : Decision.False;
        }
        catch (ExpressionEvaluationException)
        {
            return Decision.Unknown;
        }
    }

    private static HashSet<string> FormsOf(IEnumerable<FlowNode> nodes) =>
        nodes.OfType<UserTask>().Select(t => t.FormRef).OfType<string>().ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The nodes reached from the start. With <paramref name="certainOnly"/>, only what is reached whatever the data:
    /// a choice between flows counts only when one flow is certain.
    /// </summary>
    private HashSet<FlowNode> Follow(Func<SequenceFlow, Decision> decide, bool certainOnly)
    {
        var reached = new HashSet<FlowNode>();
        var pending = new Queue<FlowNode>(_process.FlowNodes.OfType<StartEvent>());
        while (pending.TryDequeue(out var node))
        {
            if (!reached.Add(node)) continue;
            if (node is SubProcess subProcess)
            {
                foreach (var start in subProcess.FlowNodes.OfType<StartEvent>()) pending.Enqueue(start);
            }
            // A boundary event may fire (a deadline passes, a message arrives); certain only it is not.
            if (!certainOnly)
            {
                foreach (var boundary in node.BoundaryEvents) pending.Enqueue(boundary);
            }
            foreach (var flow in Taken(node, decide, certainOnly))
                pending.Enqueue(flow.Target);
        }
        return reached;
    }

    /// <summary>The flows a token leaving <paramref name="node"/> may take, as the engine chooses them.</summary>
    private static List<SequenceFlow> Taken(FlowNode node, Func<SequenceFlow, Decision> decide, bool certainOnly)
    {
        var firstMatchOnly = node is ExclusiveGateway;
        var taken = new List<SequenceFlow>();
        var certain = false;
        foreach (var flow in node.Outgoing)
        {
            if (ReferenceEquals(flow, node.DefaultFlow)) continue;
            var decision = decide(flow);
            if (decision == Decision.False) continue;
            if (decision == Decision.Unknown && certainOnly)
            {
                // An exclusive choice that may go elsewhere makes every later flow uncertain too.
                if (firstMatchOnly) return [];
                continue;
            }
            taken.Add(flow);
            if (decision == Decision.True)
            {
                certain = true;
                if (firstMatchOnly) break;
            }
        }
        // The default flow is taken when no other flow is; unless one is certain, it may be.
        if (!certain && node.DefaultFlow is { } fallback && !(certainOnly && taken.Count + UnknownCount(node, decide) > 0))
            taken.Add(fallback);
        return taken;
    }

    private static int UnknownCount(FlowNode node, Func<SequenceFlow, Decision> decide) =>
        node.Outgoing.Count(f => !ReferenceEquals(f, node.DefaultFlow) && decide(f) == Decision.Unknown);
}
