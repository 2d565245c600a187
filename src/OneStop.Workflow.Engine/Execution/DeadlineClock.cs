namespace OneStop.Workflow.Engine.Execution;

/// <summary>
/// The words of the statutory deadline clock that other parts of a deployment (the server, its notification senders)
/// read from history entries and notices.
/// </summary>
public static class DeadlineClock
{
    /// <summary>Why a task's clock may stand still: a supplementation request (Administrative Licensing Law Art. 32) and
    /// the periods Art. 45 excludes from the limit (testing, inspection, expert review).</summary>
    public static IReadOnlyList<string> PauseReasons { get; } = ["supplementation", "testing", "inspection", "expert-review"];

    /// <summary>The actor of a task completed by silent consent at its deadline.</summary>
    public const string SilentConsentActor = "silent-consent";
}

/// <summary>The kinds of <see cref="NoticeRecord"/>.</summary>
public static class NoticeKinds
{
    public const string TaskYellow = "task.yellow";
    public const string TaskRed = "task.red";
    public const string ApplicationYellow = "application.yellow";
    public const string ApplicationRed = "application.red";
}

/// <summary>What happens when work turns red, as the model says (the <c>escalation</c> of a red notice).</summary>
public static class Escalations
{
    /// <summary>A timer boundary event on the task handles the deadline; the notice only tells.</summary>
    public const string Boundary = "boundary";

    /// <summary>The task declares onestop:silentConsent: it was completed as approved.</summary>
    public const string SilentConsent = "silent-consent";

    /// <summary>Nothing in the model handles the deadline: a supervisor follows the work up.</summary>
    public const string FollowUp = "follow-up";
}
