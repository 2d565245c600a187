using System.Text.Json.Nodes;

namespace OneStop.Workflow.Engine.Expressions;

/// <summary>Where an expression reads its variables from, e.g. the variables of a process instance.</summary>
public interface IVariableResolver
{
    /// <summary>False when no variable of that name exists; true with a null value when it exists and is null.</summary>
    bool TryGetVariable(string name, out JsonNode? value);
}
