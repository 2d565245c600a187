namespace OneStop.Workflow.Engine.Execution;

public enum CommandError
{
    /// <summary>The scenario, instance, task, timer or message named does not exist.</summary>
    NotFound,

    /// <summary>The thing exists but is not in a state the command applies to (a task already completed).</summary>
    NotApplicable,

    /// <summary>The input of the command is wrong (unknown calendar, bad variables).</summary>
    Invalid,

    /// <summary>Others kept changing the same application while the command ran; trying again later will work.</summary>
    Conflict,
}

/// <summary>A command that cannot apply, with a message a user can act on. Nothing was written.</summary>
public sealed class WorkflowCommandException(CommandError error, string message) : Exception(message)
{
    public CommandError Error { get; } = error;
}
