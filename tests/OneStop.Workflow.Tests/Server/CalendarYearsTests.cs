extern alias Server;

using OneStop.Workflow.Engine.Calendars;
using Server::OneStop.Workflow.Server.Hosting;

namespace OneStop.Workflow.Tests.Server;

/// <summary>The start-up warning about calendars whose holidays are not declared for the coming year.</summary>
public sealed class CalendarYearsTests
{
    private static readonly CalendarRegistry Shipped = CalendarRegistry.LoadDirectory(Path.Combine(RepositoryPaths.Workflows, "calendars"));

    [Fact]
    public void ShippedMainlandCalendar_IsNamed_ForAYearItDoesNotDeclare()
    {
        var missing = ServerHosting.UndeclaredIn(Shipped, Shipped.Get("cn-mainland").LastYear!.Value + 1).Select(c => c.Id).ToList();

        Assert.Equal(["cn-mainland"], missing); // mon-fri declares no years: it has nothing to miss
    }

    [Fact]
    public void NoCalendar_IsNamed_ForAYearThatIsDeclared()
    {
        Assert.Empty(ServerHosting.UndeclaredIn(Shipped, Shipped.Get("cn-mainland").LastYear!.Value));
    }
}
