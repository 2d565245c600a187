using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.RateLimiting;
using OneStop.Workflow.Engine.Calendars;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure;
using OneStop.Workflow.Infrastructure.Bundles;
using OneStop.Workflow.Infrastructure.Persistence;
using OneStop.Workflow.Server.Applications;
using OneStop.Workflow.Server.Attachments;
using OneStop.Workflow.Server.Audit;
using OneStop.Workflow.Server.Auth;
using OneStop.Workflow.Server.Bundles;
using OneStop.Workflow.Server.Logging;
using OneStop.Workflow.Server.Problems;
using OneStop.Workflow.Server.Scenarios;
using OneStop.Workflow.Server.Supervision;
using OneStop.Workflow.Server.Tasks;
using Serilog;

namespace OneStop.Workflow.Server.Hosting;

/// <summary>The server's three steps: register everything, prepare the database and scenarios, map the endpoints.</summary>
public static class ServerHosting
{
    public static WebApplicationBuilder AddOneStopServer(this WebApplicationBuilder builder)
    {
        var repositoryRoot = RepositoryConfiguration.Add(builder);

        builder.Logging.ClearProviders();
        var logger = new LoggerConfiguration()
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .Enrich.With<PersonalDataMaskingEnricher>() // in code: configuration cannot switch masking off
            .CreateLogger();
        builder.Logging.AddSerilog(logger, dispose: true);

        var services = builder.Services;
        services.AddSingleton(new ServerPaths(repositoryRoot));
        services.AddSingleton(TimeProvider.System);
        services.AddWorkflowPersistence(RootedAt(DatabaseOptions.FromConfiguration(builder.Configuration), repositoryRoot));
        services.AddOutcomeBundles(builder.Configuration);
        services.AddSingleton(provider =>
        {
            var paths = provider.GetRequiredService<ServerPaths>();
            var calendars = paths.CalendarsDirectory is { } folder && Directory.Exists(folder) ? CalendarRegistry.LoadDirectory(folder) : null;
            var deadlines = builder.Configuration.GetSection("Deadlines");
            return new WorkflowEngine(provider.GetRequiredService<IWorkflowStore>(), provider.GetRequiredService<TimeProvider>(),
                new WorkflowEngineOptions
                {
                    Calendars = calendars,
                    YellowShare = deadlines.GetValue("YellowShare", 0.8),
                    MaxTaskExtensionWorkingDays = deadlines.GetValue("MaxTaskExtensionWorkingDays", 10),
                    MaxInstanceExtensionWorkingDays = deadlines.GetValue("MaxInstanceExtensionWorkingDays", 15),
                    SilentConsentVariables = SilentConsent.Decision,
                }, provider.GetRequiredService<ILogger<WorkflowEngine>>());
        });

        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions["correlationId"] = context.HttpContext.TraceIdentifier);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        // Malformed JSON and wrong parameter types throw, so the exception handler answers them as problem+json.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(options => options.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase);
        services.AddOpenApi();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        services.AddRateLimiter(options =>
        {
            // Verification is anonymous and reads up to 8 MB: a few at a time, the rest wait briefly or get 429.
            options.AddConcurrencyLimiter(BundlesApi.VerifyConcurrencyPolicy, limit =>
            {
                limit.PermitLimit = 4;
                limit.QueueLimit = 8;
            });
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) => context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(
                new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = { Status = 429, Title = "Too many requests", Detail = "Too many bundles are being verified; try again shortly." },
                });
        });
        builder.AddOneStopAuth();
        services.AddScenarios();
        services.AddSingleton<AuditTrail>();
        services.AddApplications();
        services.AddTaskQueues();
        services.AddSupervision(builder.Configuration);
        builder.AddOneStopTimers();
        return builder;
    }

    /// <summary>A relative SQLite file is taken from the folder of appsettings.json, wherever the server was started.</summary>
    private static DatabaseOptions RootedAt(DatabaseOptions options, string root)
    {
        if (!options.IsSqlite)
            return options;
        var connection = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.ConnectionString);
        if (connection.DataSource is { Length: > 0 } file && file != ":memory:" && !file.StartsWith("file:", StringComparison.Ordinal) && !Path.IsPathRooted(file))
            connection.DataSource = Path.Combine(root, file);
        return options with { ConnectionString = connection.ConnectionString };
    }

    /// <summary>Migrates the database, deploys the shipped scenarios and, in Development, seeds the demo users.</summary>
    public static async Task PrepareAsync(this WebApplication app)
    {
        await WorkflowDatabase.MigrateAsync(app.Services);
        var seal = app.Services.GetRequiredService<SealKey>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OneStop.Workflow.Server");
        log.LogInformation("Seal key {KeyId} {Origin} {Path}", seal.KeyId, seal.WasCreated ? "created at" : "read from", seal.Path);
        WarnOfUndeclaredYears(app.Services, log);
        var deployed = await app.Services.GetRequiredService<ScenarioDeployment>().DeployShippedAsync();
        if (app.Environment.IsDevelopment() && app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuthOptions>>().Value.SeedDemoUsers)
            await app.Services.GetRequiredService<UserStore>().SeedDemoUsersAsync(deployed.SelectMany(d => d.Form?.Departments ?? []));
    }

    /// <summary>A calendar whose holidays are not declared for next year counts only weekends there: statutory limits that
    /// reach into that year (a 20WD limit from December does) miss its holidays and make-up workdays. Say so at start.</summary>
    private static void WarnOfUndeclaredYears(IServiceProvider services, Microsoft.Extensions.Logging.ILogger log)
    {
        if (services.GetRequiredService<WorkflowEngine>().Calendars is not { } calendars)
            return;
        var nextYear = services.GetRequiredService<TimeProvider>().GetUtcNow().Year + 1;
        foreach (var calendar in UndeclaredIn(calendars, nextYear))
            log.LogWarning("Calendar {Calendar} declares public holidays up to {LastYear} only: deadlines reaching into {Year} count weekends alone. " +
                "Add that year's announced holidays and make-up workdays to its file in workflows/calendars/.", calendar.Id, calendar.LastYear, nextYear);
    }

    /// <summary>The calendars that declare holidays for some years but not for <paramref name="year"/> or later.</summary>
    internal static IEnumerable<WorkingDayCalendar> UndeclaredIn(CalendarRegistry calendars, int year) =>
        calendars.All.Where(c => c.LastYear is { } last && last < year).OrderBy(c => c.Id, StringComparer.Ordinal);

    public static WebApplication MapOneStopServer(this WebApplication app)
    {
        app.UseMiddleware<CorrelationIdMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDeclaredBodyLimits();
        app.UseOneStopWebUi(); // before authentication: the pages are public, the API they call is not
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapOpenApi().AllowAnonymous();
        app.MapHealthChecks("/health").AllowAnonymous();
        app.MapAuthApi();
        app.MapScenariosApi();
        app.MapApplicationsApi();
        app.MapTasksApi();
        app.MapBundlesApi();
        app.MapAttachmentsApi();
        app.MapRatingsApi();
        app.MapFollowUpsApi();
        app.MapStatisticsApi();
        return app;
    }
}

/// <summary>Folders the server reads: the repository (or installation) root that holds appsettings.json and workflows/.</summary>
public sealed class ServerPaths(string root)
{
    public string Root { get; } = root;

    public string? CalendarsDirectory => Path.Combine(Root, "workflows", "calendars");
}
