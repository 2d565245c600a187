namespace OneStop.Workflow.Engine.Execution;

/// <summary>A clock that only moves when told to: the simulator's and the tests' time.</summary>
public sealed class VirtualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now.ToUniversalTime();

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(by), by, "The clock cannot move backwards.");
        _now += by;
    }

    public void MoveTo(DateTimeOffset instant)
    {
        if (instant < _now)
            throw new ArgumentOutOfRangeException(nameof(instant), instant, $"The clock cannot move backwards from {_now:O}.");
        _now = instant;
    }
}
