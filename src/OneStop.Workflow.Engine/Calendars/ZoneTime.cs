namespace OneStop.Workflow.Engine.Calendars;

/// <summary>Turns a local wall-clock time of a time zone into an instant, settling daylight-saving gaps and overlaps.</summary>
internal static class ZoneTime
{
    /// <summary>
    /// The instant at which clocks in <paramref name="zone"/> show <paramref name="wallClock"/>. A wall-clock time
    /// skipped by a daylight-saving gap moves to the end of the gap (the first moment the clocks show again);
    /// a time that occurs twice resolves to its first occurrence.
    /// </summary>
    public static DateTimeOffset ToInstant(DateTime wallClock, TimeZoneInfo zone)
    {
        var local = DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // Gaps are whole minutes and at most a few hours long; step to their end.
            var probe = new DateTime(local.Ticks - local.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Unspecified);
            for (var minute = 0; minute < 24 * 60 && zone.IsInvalidTime(probe); minute++)
            {
                probe = probe.AddMinutes(1);
            }

            local = probe;
        }

        if (zone.IsAmbiguousTime(local))
        {
            // The first occurrence is the one with the larger offset (clocks not yet turned back).
            var offsets = zone.GetAmbiguousTimeOffsets(local);
            return new DateTimeOffset(local, offsets.Max());
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>The instant the local day <paramref name="date"/> begins in <paramref name="zone"/>.</summary>
    public static DateTimeOffset StartOfDay(DateOnly date, TimeZoneInfo zone) =>
        ToInstant(date.ToDateTime(TimeOnly.MinValue), zone);

    /// <summary>The local calendar date of <paramref name="instant"/> in <paramref name="zone"/>.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
}
