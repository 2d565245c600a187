using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OneStop.Workflow.Engine.Calendars;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure;
using OneStop.Workflow.Infrastructure.Persistence;

// Durable timers at scale, a mode of its own (see docs/benchmarks.md, "Timers"):
//   dotnet run -c Release --project tests/OneStop.Workflow.Benchmarks -- timers [--pending 100000] [--due 10000] [--database sqlite|postgresql|both]
if (args is ["timers", .. var timerArgs])
    return await OneStop.Workflow.Benchmarks.TimerBenchmark.RunAsync(timerArgs, FindRepositoryRoot());

// Engine throughput on this machine, one command after another (see docs/benchmarks.md):
//   dotnet run -c Release --project tests/OneStop.Workflow.Benchmarks -- [--instances N] [--rounds R]
//       [--warmup-seconds S] [--synchronous full|normal]
// The raw SQLite commit rate and the durable engine are measured in alternating rounds, so that the machine's
// drift (other processes, disk cache, CPU frequency) touches both alike; the figures are medians over the rounds.
var instances = IntOption("--instances", 300);
var rounds = IntOption("--rounds", 5);
var warmUp = TimeSpan.FromSeconds(IntOption("--warmup-seconds", 5));
var synchronousFull = !string.Equals(Option("--synchronous"), "normal", StringComparison.OrdinalIgnoreCase);
var root = FindRepositoryRoot();
var scenario = File.ReadAllText(Path.Combine(root, "workflows", "newborn-registration", "scenario.bpmn"));
var calendars = CalendarRegistry.LoadDirectory(Path.Combine(root, "workflows", "calendars"));
var workDir = Directory.CreateTempSubdirectory("onestop-bench-").FullName;
var data = new JsonObject { ["childName"] = "Example Child", ["childBirthDate"] = "2026-03-01" };

try
{
    Console.WriteLine($"OneStop.Workflow engine benchmark — {Environment.ProcessorCount} cores, .NET {Environment.Version}, " +
                      $"SQLite synchronous={(synchronousFull ? "FULL" : "NORMAL")}, WAL; {rounds} rounds of {instances} " +
                      $"newborn-registration instances (6 commands each) and {instances * 6} raw commits, after {warmUp.TotalSeconds:F0} s of warm-up");

    await using var raw = await OpenRawAsync(Path.Combine(workDir, "raw.db"));
    await using var services = new ServiceCollection()
        .AddWorkflowPersistence(new DatabaseOptions(DatabaseOptions.Sqlite, $"Data Source={Path.Combine(workDir, "engine.db")}", synchronousFull))
        .BuildServiceProvider();
    await WorkflowDatabase.MigrateAsync(services);
    var durable = await EngineAsync(services.GetRequiredService<IWorkflowStore>());
    var memory = await EngineAsync(new InMemoryWorkflowStore());

    // Warm up until tiered compilation has optimised the hot paths and pools and statement caches are full.
    for (var watch = Stopwatch.StartNew(); watch.Elapsed < warmUp;)
    {
        await RawCommitsAsync(raw, 100);
        await DriveAsync(durable, 20);
        await DriveAsync(memory, 200);
    }

    var rawRates = new List<double>();
    var engineRates = new List<double>();
    var ratios = new List<double>();
    for (var round = 1; round <= rounds; round++)
    {
        var rawRate = await RawCommitsAsync(raw, instances * 6);
        var engine = await MeasureAsync(durable, instances);
        rawRates.Add(rawRate);
        engineRates.Add(engine.CommandsPerSecond);
        ratios.Add(engine.CommandsPerSecond / rawRate);
        Console.WriteLine($"round {round}: raw {rawRate:F0} commits/s, engine {engine.CommandsPerSecond:F0} commands/s, ratio {ratios[^1]:F2}");
    }
    var inMemory = await MeasureAsync(memory, instances * 10);

    var ratio = Median(ratios);
    Console.WriteLine();
    Console.WriteLine("| measure (median of the rounds) | value |");
    Console.WriteLine("|---|---|");
    Console.WriteLine($"| raw SQLite commits/s (single-row insert transactions, same settings) | {Median(rawRates):F0} |");
    Console.WriteLine($"| durable engine commands/s | {Median(engineRates):F0} |");
    Console.WriteLine($"| durable engine instances/s (start + 5 task completions each) | {Median(engineRates) / 6:F0} |");
    Console.WriteLine($"| ratio engine commands/s ÷ raw commits/s (per round: {string.Join(", ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}) | {ratio:F2} |");
    Console.WriteLine($"| in-memory engine instances/s | {inMemory.InstancesPerSecond:F0} |");
    Console.WriteLine($"| in-memory engine commands/s | {inMemory.CommandsPerSecond:F0} |");
    Console.WriteLine($"| in-memory engine steps/s (flow node passages) | {inMemory.StepsPerSecond:F0} |");
    Console.WriteLine();
    Console.WriteLine(ratio >= 0.5 ? "Target met: engine commands/s ≥ 0.5 × raw commits/s." : "Target missed: engine commands/s < 0.5 × raw commits/s.");
    return ratio >= 0.5 ? 0 : 3;
}
finally
{
    SqliteConnection.ClearAllPools();
    Directory.Delete(workDir, recursive: true);
}

async Task<SqliteConnection> OpenRawAsync(string path)
{
    var connection = new SqliteConnection(SqliteSettings.PrepareConnectionString($"Data Source={path}"));
    await connection.OpenAsync();
    await SqliteSettings.ApplyAsync(connection, synchronousFull);
    await using var create = connection.CreateCommand();
    create.CommandText = "CREATE TABLE rows (id TEXT PRIMARY KEY, at INTEGER NOT NULL, body TEXT NOT NULL)";
    await create.ExecuteNonQueryAsync();
    return connection;
}

static async Task<double> RawCommitsAsync(SqliteConnection connection, int count)
{
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < count; i++)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO rows (id, at, body) VALUES ($id, $at, $body)";
        insert.Parameters.AddWithValue("$id", Guid.NewGuid().ToString());
        insert.Parameters.AddWithValue("$at", DateTime.UtcNow.Ticks);
        insert.Parameters.AddWithValue("$body", "{\"kind\":\"raw\"}");
        await insert.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }
    return count / watch.Elapsed.TotalSeconds;
}

async Task<WorkflowEngine> EngineAsync(IWorkflowStore store)
{
    var engine = new WorkflowEngine(store, TimeProvider.System, new WorkflowEngineOptions { Calendars = calendars });
    await engine.DeployAsync(scenario, "scenario.bpmn");
    return engine;
}

async Task<Run> MeasureAsync(WorkflowEngine engine, int count)
{
    var watch = Stopwatch.StartNew();
    var (commands, last) = await DriveAsync(engine, count);
    var seconds = watch.Elapsed.TotalSeconds;
    // Every instance takes the same path, so one instance's history gives the node passages per instance.
    var passages = (await engine.Store.HistoryAsync(last)).Count(h => h.Kind == "NodeCompleted");
    return new Run(count / seconds, commands / seconds, (double)passages * count / seconds);
}

async Task<(int Commands, Guid Last)> DriveAsync(WorkflowEngine engine, int count)
{
    var commands = 0;
    var last = Guid.Empty;
    for (var i = 0; i < count; i++)
    {
        var instance = await engine.StartAsync("newborn-registration", (JsonObject)data.DeepClone());
        commands++;
        while (instance.Tasks.Count > 0)
        {
            instance = await engine.CompleteTaskAsync(instance.Tasks[0].Id, new JsonObject { ["decision"] = "approved" });
            commands++;
        }
        if (instance.Status != InstanceStatus.Completed)
            throw new InvalidOperationException($"Instance {instance.Id} ended {instance.Status}, not completed.");
        last = instance.Id;
    }
    return (commands, last);
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

int IntOption(string name, int fallback) =>
    Option(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

static string FindRepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "OneStop.Workflow.sln")))
            return dir.FullName;
    }
    throw new InvalidOperationException("Run the benchmark from inside the repository.");
}

internal sealed record Run(double InstancesPerSecond, double CommandsPerSecond, double StepsPerSecond);
