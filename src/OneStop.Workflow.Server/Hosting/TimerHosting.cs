using OneStop.Workflow.Infrastructure;
using OneStop.Workflow.Infrastructure.Timers;

namespace OneStop.Workflow.Server.Hosting;

/// <summary>Durable timers for the server: the "Timers" section of appsettings.json over the workflow database.</summary>
public static class TimerHosting
{
    /// <summary>Registers the timers (Quartz.NET, on the database of "Database"). Call after the persistence and the engine
    /// are registered: the store they use is the one whose commits schedule triggers.</summary>
    public static WebApplicationBuilder AddOneStopTimers(this WebApplicationBuilder builder)
    {
        builder.Services.AddWorkflowTimers(TimerOptions.FromConfiguration(builder.Configuration));
        return builder;
    }
}
