using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OneStop.Workflow.Engine.Calendars;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure;
using OneStop.Workflow.Infrastructure.Persistence;

// Engine throughput on 2 cores, one command after another (see docs/benchmarks.md):
//   dotnet run -c Release --project tests/OneStop.Workflow.Benchmarks -- [--instances N] [--synchronous full|normal]
var instances = IntOption("--instances", 300);
var synchronousFull = !string.Equals(Option("--synchronous"), "normal", StringComparison.OrdinalIgnoreCase);
var root = FindRepositoryRoot();
var scenario = File.ReadAllText(Path.Combine(root, "workflows", "newborn-registration", "scenario.bpmn"));
var calendars = CalendarRegistry.LoadDirectory(Path.Combine(root, "workflows", "calendars"));
var workDir = Directory.CreateTempSubdirectory("onestop-bench-").FullName;

try
{
    Console.WriteLine($"OneStop.Workflow engine benchmark — {Environment.ProcessorCount} cores, .NET {Environment.Version}, " +
                      $"SQLite synchronous={(synchronousFull ? "FULL" : "NORMAL")}, WAL, {instances} newborn-registration instances");

    var raw = await RawCommitsAsync(Path.Combine(workDir, "raw.db"), count: instances * 6);
    var durable = await EngineRunAsync(await SqliteStoreAsync(Path.Combine(workDir, "engine.db")), instances);
    var memory = await EngineRunAsync(new InMemoryWorkflowStore(), instances * 10);

    var ratio = durable.CommandsPerSecond / raw;
    Console.WriteLine();
    Console.WriteLine("| measure | value |");
    Console.WriteLine("|---|---|");
    Console.WriteLine($"| raw SQLite commits/s (single-row insert transactions, same settings) | {raw:F0} |");
    Console.WriteLine($"| durable engine instances/s (start + 5 task completions each) | {durable.InstancesPerSecond:F1} |");
    Console.WriteLine($"| durable engine commands/s | {durable.CommandsPerSecond:F0} |");
    Console.WriteLine($"| ratio engine commands/s ÷ raw commits/s | {ratio:F2} |");
    Console.WriteLine($"| in-memory engine instances/s | {memory.InstancesPerSecond:F0} |");
    Console.WriteLine($"| in-memory engine commands/s | {memory.CommandsPerSecond:F0} |");
    Console.WriteLine($"| in-memory engine steps/s (flow node passages) | {memory.StepsPerSecond:F0} |");
    Console.WriteLine();
    Console.WriteLine(ratio >= 0.5 ? "Target met: engine commands/s ≥ 0.5 × raw commits/s." : "Target missed: engine commands/s < 0.5 × raw commits/s.");
    return ratio >= 0.5 ? 0 : 3;
}
finally
{
    SqliteConnection.ClearAllPools();
    Directory.Delete(workDir, recursive: true);
}

async Task<double> RawCommitsAsync(string path, int count)
{
    await using var connection = new SqliteConnection(SqliteSettings.PrepareConnectionString($"Data Source={path}"));
    await connection.OpenAsync();
    await SqliteSettings.ApplyAsync(connection, synchronousFull);
    await using (var create = connection.CreateCommand())
    {
        create.CommandText = "CREATE TABLE rows (id TEXT PRIMARY KEY, at INTEGER NOT NULL, body TEXT NOT NULL)";
        await create.ExecuteNonQueryAsync();
    }
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

async Task<IWorkflowStore> SqliteStoreAsync(string path)
{
    var services = new ServiceCollection()
        .AddWorkflowPersistence(new DatabaseOptions(DatabaseOptions.Sqlite, $"Data Source={path}", synchronousFull))
        .BuildServiceProvider();
    await WorkflowDatabase.MigrateAsync(services);
    return services.GetRequiredService<IWorkflowStore>();
}

async Task<Run> EngineRunAsync(IWorkflowStore store, int count)
{
    var engine = new WorkflowEngine(store, TimeProvider.System, new WorkflowEngineOptions { Calendars = calendars });
    await engine.DeployAsync(scenario, "scenario.bpmn");
    await DriveAsync(engine, Math.Max(5, count / 20)); // warm up: JIT, connection pool, statement caches

    var watch = Stopwatch.StartNew();
    var (commands, last) = await DriveAsync(engine, count);
    var seconds = watch.Elapsed.TotalSeconds;
    // Every instance takes the same path, so one instance's history gives the node passages per instance.
    var passages = (await store.HistoryAsync(last)).Count(h => h.Kind == "NodeCompleted");
    return new Run(count / seconds, commands / seconds, (double)passages * count / seconds);
}

async Task<(int Commands, Guid Last)> DriveAsync(WorkflowEngine engine, int count)
{
    var commands = 0;
    var last = Guid.Empty;
    var data = new JsonObject { ["childName"] = "Example Child", ["birthDate"] = "2026-03-01" };
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
