using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using OneStop.Workflow.Engine.Bpmn;
using OneStop.Workflow.Engine.Calendars;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Engine.Simulation;

namespace OneStop.Workflow.Cli;

/// <summary>The <c>onestop</c> command. Exit codes: 0 done; 1 invalid model or bad usage; 2 a step or input that cannot apply.</summary>
public static partial class Cli
{
    public const int Ok = 0;
    public const int Invalid = 1;
    public const int CannotApply = 2;

    private const string Usage = """
        onestop — OneStop.Workflow scenario tools

          onestop validate FILE...
              Checks BPMN files; prints every problem (element type, id, line, message). Exit 0 when all are valid.
          onestop simulate FILE --steps STEPS.json [--start ISO-8601-INSTANT] [--calendars DIR]
              Runs the scenario on the real engine with a virtual clock and prints the outcome as JSON.
          onestop deploy FILE... [--config appsettings.json]
              Deploys scenarios into the configured database (SQLite by default).
          onestop demo [--workflows DIR] [--config appsettings.json]
              Deploys every shipped scenario into the configured database and files one demo application
              for each, driven by its demo.steps.json.
          onestop load FILE [--applications N] [--config appsettings.json]
              Deploys FILE and files N applications (default 100) against the configured database, approving
              every task; prints one line per committed command. A load and soak tool for a database.
          onestop forms SCENARIO-DIR [--department DEPARTMENT] [--json]
              Merges the scenario's forms (SCENARIO-DIR/forms/*.form.json) and prints every field once, with the
              departments that need it, and how many fields the merged form saves. --department shows what one
              department sees; --json prints the fields and the form-js schema. Exit 1 with every problem.
          onestop verify BUNDLE.zip --key KEY
              Checks an outcome bundle's e-seal against the public key KEY (PEM or JWK file). Exit 0 and
              "valid: ..." when every byte is as sealed; otherwise 1, printing every problem.
        """;

    internal static readonly JsonSerializerOptions JsonOutput = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            return args switch
            {
                ["validate", .. var files] when files.Length > 0 => Validate(files, stdout, stderr),
                ["simulate", .. var rest] => await SimulateAsync(rest, stdout, stderr),
                ["deploy", .. var rest] => await DeployAsync(rest, stdout, stderr),
                ["demo", .. var rest] => await DemoAsync(rest, stdout, stderr),
                ["load", .. var rest] => await LoadAsync(rest, stdout, stderr),
                ["verify", .. var rest] => await VerifyAsync(rest, stdout, stderr),
                ["forms", .. var rest] => Forms(rest, stdout, stderr),
                ["--help" or "-h" or "help"] => Help(stdout),
                _ => UsageError(stderr),
            };
        }
        catch (UsageException ex)
        {
            stderr.WriteLine($"onestop: {ex.Message}");
            return Invalid;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or System.Data.Common.DbException)
        {
            // A file that cannot be read or a database that cannot be reached: say what, without a stack trace.
            stderr.WriteLine($"onestop: {ex.GetType().Name}: {ex.Message}");
            return Invalid;
        }
    }

    private static int Help(TextWriter stdout)
    {
        stdout.WriteLine(Usage);
        return Ok;
    }

    private static int UsageError(TextWriter stderr)
    {
        stderr.WriteLine(Usage);
        return Invalid;
    }

    // ---- validate ---------------------------------------------------------------------------------

    private static int Validate(string[] files, TextWriter stdout, TextWriter stderr)
    {
        var allValid = true;
        foreach (var file in files)
        {
            var problems = CheckFile(file);
            if (problems.Count == 0)
            {
                stdout.WriteLine($"{file}: valid");
                continue;
            }
            allValid = false;
            stderr.WriteLine($"{file}: {problems.Count} problem(s)");
            foreach (var problem in problems)
                stderr.WriteLine($"  {FormatProblem(file, problem)}");
        }
        return allValid ? Ok : Invalid;
    }

    private static IReadOnlyList<ValidationProblem> CheckFile(string file)
    {
        if (!File.Exists(file))
            return [new ValidationProblem("file", file, "No such file.")];
        var (document, problems) = BpmnModel.Check(File.ReadAllText(file), Path.GetFileName(file));
        if (problems.Count > 0 || document is null)
            return problems;

        // A named calendar must exist where the scenario will run.
        return CalendarRegistry.CheckNamedCalendars(document.ExecutableProcesses, FindCalendars(file, explicitDirectory: null));
    }

    internal static string FormatProblem(string file, ValidationProblem problem) =>
        problem.Line is { } line
            ? $"{file}:{line}: {problem.ElementType} '{problem.ElementId}': {problem.Message}"
            : $"{file}: {problem.ElementType} '{problem.ElementId}': {problem.Message}";

    // ---- simulate ---------------------------------------------------------------------------------

    private static async Task<int> SimulateAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = Options.Parse(args, valued: ["--steps", "--start", "--calendars"]);
        var file = options.Single("FILE");
        var stepsFile = options.Value("--steps") ?? throw new UsageException("simulate needs --steps STEPS.json.");
        if (!File.Exists(file))
            throw new UsageException($"{file}: no such file.");
        if (!File.Exists(stepsFile))
            throw new UsageException($"{stepsFile}: no such file.");

        var start = DateTimeOffset.UtcNow;
        if (options.Value("--start") is { } startText &&
            !DateTimeOffset.TryParse(startText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out start))
            throw new UsageException($"--start '{startText}' is not an ISO 8601 instant (e.g. 2026-03-02T09:00:00+08:00).");

        var (_, problems) = BpmnModel.Check(File.ReadAllText(file), Path.GetFileName(file));
        if (problems.Count > 0)
        {
            stderr.WriteLine($"{file}: {problems.Count} problem(s)");
            foreach (var problem in problems)
                stderr.WriteLine($"  {FormatProblem(file, problem)}");
            return Invalid;
        }

        SimulationScript script;
        try
        {
            script = SimulationScript.Parse(File.ReadAllText(stepsFile));
        }
        catch (SimulationStepException ex)
        {
            stderr.WriteLine($"{stepsFile}: {ex.Message}");
            return CannotApply;
        }

        var simulator = new Simulator(new WorkflowEngineOptions
        {
            Calendars = FindCalendars(file, options.Value("--calendars")),
            CompleteUnhandledServiceTasks = true,
            UnhandledServiceTask = task => stderr.WriteLine(
                $"onestop: service task '{task.Id}' (type '{task.HandlerType ?? "none"}') has no handler; completed without doing anything."),
        });
        try
        {
            var result = await simulator.RunAsync(File.ReadAllText(file), Path.GetFileName(file), script, start);
            stdout.WriteLine(ToJson(result).ToJsonString(JsonOutput));
            return Ok;
        }
        catch (BpmnValidationException ex)
        {
            foreach (var problem in ex.Problems)
                stderr.WriteLine($"  {FormatProblem(file, problem)}");
            return Invalid;
        }
        catch (SimulationStepException ex)
        {
            stderr.WriteLine($"{stepsFile}: {ex.Message}");
            return CannotApply;
        }
        catch (WorkflowCommandException ex)
        {
            stderr.WriteLine($"{stepsFile}: {ex.Message}");
            return CannotApply;
        }
    }

    internal static JsonObject ToJson(SimulationResult result) => new()
    {
        ["status"] = result.Status,
        ["completed"] = new JsonArray([.. result.Completed.Select(id => (JsonNode)id)]),
        ["active"] = new JsonArray([.. result.Active.Select(id => (JsonNode)id)]),
        ["tasks"] = new JsonArray([.. result.Tasks.Select(t => (JsonNode)new JsonObject
        {
            ["id"] = t.Id.ToString(),
            ["activity"] = t.Activity,
            ["name"] = t.Name,
            ["department"] = t.Department,
            ["dueAt"] = t.DueAt?.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            ["signal"] = t.Signal.ToString().ToLowerInvariant(),
        })]),
        ["incidents"] = new JsonArray([.. result.Incidents.Select(i => (JsonNode)new JsonObject
        {
            ["element"] = i.Element,
            ["message"] = i.Message,
        })]),
        // What the deadline clocks did: signals turning yellow or red (with their escalation), pauses, extensions.
        ["deadlines"] = new JsonArray([.. (result.Deadlines ?? []).Select(d =>
        {
            var entry = new JsonObject
            {
                ["at"] = d.At.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                ["kind"] = d.Kind,
                ["element"] = d.Element,
            };
            foreach (var (name, value) in d.Data ?? [])
                entry[name] = value?.DeepClone();
            return (JsonNode)entry;
        })]),
        ["variables"] = result.Variables.DeepClone(),
    };

    /// <summary>The calendars folder: the one given, else the nearest <c>calendars/</c> or <c>workflows/calendars/</c>
    /// beside the scenario or above it.</summary>
    internal static CalendarRegistry? FindCalendars(string scenarioFile, string? explicitDirectory)
    {
        if (explicitDirectory is not null)
        {
            if (!Directory.Exists(explicitDirectory))
                throw new UsageException($"--calendars {explicitDirectory}: no such folder.");
            return LoadCalendars(explicitDirectory);
        }
        for (var dir = new FileInfo(scenarioFile).Directory; dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "calendars"), Path.Combine(dir.FullName, "workflows", "calendars") })
            {
                if (Directory.Exists(candidate))
                    return LoadCalendars(candidate);
            }
        }
        return null;
    }

    private static CalendarRegistry LoadCalendars(string directory)
    {
        try
        {
            return CalendarRegistry.LoadDirectory(directory);
        }
        catch (CalendarFormatException ex)
        {
            throw new UsageException(ex.Message);
        }
    }
}

internal sealed class UsageException(string message) : Exception(message);

/// <summary>A minimal argument reader: positional arguments and <c>--name value</c> options.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public static Options Parse(string[] args, IReadOnlyCollection<string> valued)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (!valued.Contains(arg))
                    throw new UsageException($"Unknown option {arg}. Options here: {string.Join(", ", valued)}.");
                if (i + 1 >= args.Length)
                    throw new UsageException($"{arg} needs a value.");
                options._values[arg] = args[++i];
            }
            else
            {
                options.Positional.Add(arg);
            }
        }
        return options;
    }

    public string? Value(string name) => _values.GetValueOrDefault(name);

    public string Single(string what) => Positional.Count == 1
        ? Positional[0]
        : throw new UsageException($"Expected one {what}, got {Positional.Count}.");
}
