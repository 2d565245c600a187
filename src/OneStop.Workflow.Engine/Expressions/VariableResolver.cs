using System.Text.Json.Nodes;

namespace OneStop.Workflow.Engine.Expressions;

public static class VariableResolver
{
    /// <summary>Resolves variables from the properties of a JSON object (names are case-sensitive).</summary>
    public static IVariableResolver From(JsonObject variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        return new JsonObjectVariables(variables);
    }

    private sealed class JsonObjectVariables(JsonObject variables) : IVariableResolver
    {
        public bool TryGetVariable(string name, out JsonNode? value) => variables.TryGetPropertyValue(name, out value);
    }
}
