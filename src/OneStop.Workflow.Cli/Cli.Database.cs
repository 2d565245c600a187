using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OneStop.Workflow.Engine.Bpmn;
using OneStop.Workflow.Engine.Calendars;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Engine.Forms;
using OneStop.Workflow.Engine.Simulation;
using OneStop.Workflow.Infrastructure;
using OneStop.Workflow.Infrastructure.Persistence;

namespace OneStop.Workflow.Cli;

/// <summary>The commands that work on the configured database (appsettings.json "Database"; SQLite by default).</summary>
public static partial class Cli
{
    private static async Task<int> DeployAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = Options.Parse(args, valued: ["--config", "--calendars"]);
        if (options.Positional.Count == 0)
            throw new UsageException("deploy needs at least one BPMN file.");
        await using var database = await OpenDatabaseAsync(options.Value("--config"), stdout);
        var exit = Ok;
        foreach (var file in options.Positional)
        {
            if (!File.Exists(file))
            {
                stderr.WriteLine($"{file}: no such file.");
                exit = Invalid;
                continue;
            }
            var engine = new WorkflowEngine(database.Store, TimeProvider.System, new WorkflowEngineOptions
            {
                Calendars = FindCalendars(file, options.Value("--calendars")),
            });
            try
            {
                foreach (var deployed in await engine.DeployAsync(File.ReadAllText(file), Path.GetFileName(file), FormsBeside(file)))
                    stdout.WriteLine($"{file}: deployed {deployed.Key} version {deployed.Version}");
            }
            catch (BpmnValidationException ex)
            {
                stderr.WriteLine($"{file}: {ex.Problems.Count} problem(s); nothing deployed");
                foreach (var problem in ex.Problems)
                    stderr.WriteLine($"  {FormatProblem(file, problem)}");
                exit = Invalid;
            }
        }
        return exit;
    }

    /// <summary>Deploys every scenario folder and files two demo applications per scenario: one driven to the end by
    /// its demo.steps.json (on a virtual clock that starts now), one left waiting at its first department.</summary>
    private static async Task<int> DemoAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = Options.Parse(args, valued: ["--config", "--workflows"]);
        var workflows = options.Value("--workflows") ?? "workflows";
        if (!Directory.Exists(workflows))
            throw new UsageException($"No scenarios folder '{Path.GetFullPath(workflows)}'; run from the repository root or pass --workflows DIR.");
        var calendarsDirectory = Path.Combine(workflows, "calendars");
        var calendars = Directory.Exists(calendarsDirectory) ? LoadCalendars(calendarsDirectory) : null;

        await using var database = await OpenDatabaseAsync(options.Value("--config"), stdout);
        var engineOptions = new WorkflowEngineOptions
        {
            Calendars = calendars,
            CompleteUnhandledServiceTasks = true,
            UnhandledServiceTask = task => stderr.WriteLine($"onestop: service task '{task.Id}' has no handler; completed without doing anything."),
        };
        var exit = Ok;
        foreach (var folder in Directory.GetDirectories(workflows).Order(StringComparer.Ordinal))
        {
            var file = Path.Combine(folder, "scenario.bpmn");
            var stepsFile = Path.Combine(folder, "demo.steps.json");
            if (!File.Exists(file))
                continue;
            var xml = File.ReadAllText(file);
            try
            {
                var script = File.Exists(stepsFile) ? SimulationScript.Parse(File.ReadAllText(stepsFile)) : new SimulationScript([], []);
                var finished = await new Simulator(engineOptions, database.Store).RunAsync(xml, Path.GetFileName(file), FormsBeside(file), script, DateTimeOffset.UtcNow);
                var engine = new WorkflowEngine(database.Store, TimeProvider.System, engineOptions);
                var waiting = await engine.StartAsync(Path.GetFileName(folder), script.Variables, actor: "demo");
                stdout.WriteLine($"{Path.GetFileName(folder)}: application {finished.InstanceId} {finished.Status}; " +
                                 $"application {waiting.Id} waiting at {string.Join(", ", waiting.Tasks.Select(t => $"{t.ActivityId} ({t.Department})"))}");
            }
            catch (BpmnValidationException ex)
            {
                stderr.WriteLine($"{file}: {ex.Problems.Count} problem(s)");
                foreach (var problem in ex.Problems)
                    stderr.WriteLine($"  {FormatProblem(file, problem)}");
                exit = Invalid;
            }
            catch (Exception ex) when (ex is SimulationStepException or WorkflowCommandException)
            {
                stderr.WriteLine($"{stepsFile}: {ex.Message}");
                exit = CannotApply;
            }
        }
        var open = await database.Store.ListTasksAsync(new TaskQuery(Status: TaskState.Open));
        stdout.WriteLine($"Open tasks by department: {string.Join(", ", open.GroupBy(t => t.Department ?? "(none)").Select(g => $"{g.Key} {g.Count()}"))}");
        return exit;
    }

    /// <summary>The forms of a scenario folder's scenario.bpmn, deployed with it so that the server takes applications on
    /// the version the CLI deployed (and the same folder deploys the same version from either tool).</summary>
    private static string? FormsBeside(string file) =>
        Path.GetFileName(file) == "scenario.bpmn" ? ScenarioForms.ReadDeployedForms(Path.GetDirectoryName(Path.GetFullPath(file))!) : null;

    private static async Task<int> LoadAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = Options.Parse(args, valued: ["--config", "--applications", "--calendars"]);
        var file = options.Single("FILE");
        if (!File.Exists(file))
            throw new UsageException($"{file}: no such file.");
        var applications = 100;
        if (options.Value("--applications") is { } count && (!int.TryParse(count, out applications) || applications < 1))
            throw new UsageException($"--applications '{count}' must be a whole number of at least 1.");

        await using var database = await OpenDatabaseAsync(options.Value("--config"), stdout);
        var engine = new WorkflowEngine(database.Store, TimeProvider.System, new WorkflowEngineOptions
        {
            Calendars = FindCalendars(file, options.Value("--calendars")),
            CompleteUnhandledServiceTasks = true,
        });
        string key;
        try
        {
            key = (await engine.DeployAsync(File.ReadAllText(file), Path.GetFileName(file))).Single().Key;
        }
        catch (BpmnValidationException ex)
        {
            foreach (var problem in ex.Problems)
                stderr.WriteLine($"  {FormatProblem(file, problem)}");
            return Invalid;
        }

        var decision = new System.Text.Json.Nodes.JsonObject { ["decision"] = "approved" };
        for (var i = 0; i < applications; i++)
        {
            var instance = await engine.StartAsync(key, actor: "load");
            stdout.WriteLine($"committed {instance.Id} {instance.Version}");
            while (instance.Status == InstanceStatus.Running && instance.Tasks.Count > 0)
            {
                instance = await engine.CompleteTaskAsync(instance.Tasks[0].Id, (System.Text.Json.Nodes.JsonObject)decision.DeepClone(), actor: "load");
                stdout.WriteLine($"committed {instance.Id} {instance.Version}");
            }
        }
        return Ok;
    }

    private static async Task<Database> OpenDatabaseAsync(string? configFile, TextWriter stdout)
    {
        var settings = LoadConfiguration(configFile);
        DatabaseOptions databaseOptions;
        try
        {
            databaseOptions = DatabaseOptions.FromConfiguration(settings);
        }
        catch (InvalidOperationException ex)
        {
            throw new UsageException(ex.Message);
        }
        var services = new ServiceCollection().AddWorkflowPersistence(databaseOptions).BuildServiceProvider();
        await WorkflowDatabase.MigrateAsync(services);
        stdout.WriteLine(databaseOptions.IsSqlite
            ? $"Database: SQLite {new SqliteConnectionStringBuilder(SqliteSettings.PrepareConnectionString(databaseOptions.ConnectionString)).DataSource}"
            : "Database: PostgreSQL");
        return new Database(services, services.GetRequiredService<IWorkflowStore>());
    }

    /// <summary>appsettings.json (the given file, else the one in the current directory) overlaid by
    /// environment variables prefixed ONESTOP_ (e.g. ONESTOP_Database__ConnectionString).</summary>
    internal static IConfiguration LoadConfiguration(string? configFile)
    {
        if (configFile is not null && !File.Exists(configFile))
            throw new UsageException($"--config {configFile}: no such file.");
        var path = Path.GetFullPath(configFile ?? "appsettings.json");
        var builder = new ConfigurationBuilder();
        if (File.Exists(path))
            builder.AddJsonFile(path, optional: false);
        else
            builder.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = DatabaseOptions.Sqlite,
                ["Database:ConnectionString"] = "Data Source=data/onestop.db",
            });
        return builder.AddEnvironmentVariables("ONESTOP_").Build();
    }

    private sealed class Database(ServiceProvider services, IWorkflowStore store) : IAsyncDisposable
    {
        public IWorkflowStore Store { get; } = store;

        public ValueTask DisposeAsync() => services.DisposeAsync();
    }
}
