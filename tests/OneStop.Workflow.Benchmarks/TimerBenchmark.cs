using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OneStop.Workflow.Engine.Execution;
using OneStop.Workflow.Infrastructure;
using OneStop.Workflow.Infrastructure.Persistence;
using OneStop.Workflow.Infrastructure.Timers;
using Quartz;

namespace OneStop.Workflow.Benchmarks;

/// <summary>
/// Durable timers at scale (docs/benchmarks.md, "Timers"):
///   dotnet run -c Release --project tests/OneStop.Workflow.Benchmarks -- timers [--pending 100000] [--due 10000]
///       [--database sqlite|postgresql|both] [--workers 4]
/// Per database: schedules <c>--pending</c> deadline timers through the engine (each command's trigger stored by Quartz);
/// starts the built server on that database and measures its start-up and working set; then makes <c>--due</c> timers due at
/// one moment and measures how late the last one fires and how many fire per second.
/// </summary>
internal static class TimerBenchmark
{
    private const string DeadlineKey = "bench-deadline";
    private const string DueAtKey = "bench-due-at";

    private static int Firings;

    public static async Task<int> RunAsync(string[] args, string root)
    {
        var pending = IntOption(args, "--pending", 100_000);
        var due = IntOption(args, "--due", 10_000);
        var workers = IntOption(args, "--workers", 4);
        var which = Option(args, "--database") ?? "both";
        Firings = IntOption(args, "--firings", new TimerOptions().MaxConcurrentFirings);
        var serverDll = ServerDll(root);
        Console.WriteLine($"OneStop.Workflow timer benchmark — {Environment.ProcessorCount} cores, .NET {Environment.Version}; " +
                          $"{pending:N0} pending deadline timers, {due:N0} timers due at one moment, {workers} workers filing");

        var results = new List<Result>();
        if (which is "sqlite" or "both")
        {
            var folder = Directory.CreateTempSubdirectory("onestop-bench-timers-").FullName;
            try
            {
                var database = new DatabaseOptions(DatabaseOptions.Sqlite, $"Data Source={Path.Combine(folder, "timers.db")}");
                results.Add(await MeasureAsync("SQLite", database, pending, due, workers, serverDll, root, folder));
            }
            finally
            {
                SqliteConnection.ClearAllPools();
                Directory.Delete(folder, recursive: true);
            }
        }
        if (which is "postgresql" or "both")
        {
            var folder = Directory.CreateTempSubdirectory("onestop-bench-timers-").FullName;
            await using var postgres = await Postgres.StartAsync();
            try
            {
                var database = new DatabaseOptions(DatabaseOptions.PostgreSql, await postgres.CreateDatabaseAsync("onestop_timers"));
                results.Add(await MeasureAsync("PostgreSQL", database, pending, due, workers, serverDll, root, folder));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"| measure | {string.Join(" | ", results.Select(r => r.Database))} |");
        Console.WriteLine($"|---|{string.Concat(results.Select(_ => "---|"))}");
        Row($"{pending:N0} deadline timers armed ({pending / DeadlineTimersPerApplication:N0} applications filed, {workers} at a time): seconds", r => r.FilingSeconds.ToString("F1", CultureInfo.InvariantCulture));
        Row("… engine commands per second", r => r.CommandsPerSecond.ToString("N0", CultureInfo.InvariantCulture));
        Row("… every trigger stored, seconds after the first command", r => r.AllTriggersSeconds.ToString("F1", CultureInfo.InvariantCulture));
        Row("server start-up, empty database: HTTP answers / timers running, seconds", r => $"{r.EmptyStart.HttpSeconds:F1} / {r.EmptyStart.TimersSeconds:F1}");
        Row($"server start-up, {pending:N0} timers pending: HTTP answers / timers running, seconds", r => $"{r.LoadedStart.HttpSeconds:F1} / {r.LoadedStart.TimersSeconds:F1}");
        Row("server working set, empty database, MB", r => r.EmptyStart.WorkingSetMb.ToString("N0", CultureInfo.InvariantCulture));
        Row($"server working set, {pending:N0} timers pending (peak), MB", r => $"{r.LoadedStart.WorkingSetMb:N0} ({r.LoadedStart.PeakWorkingSetMb:N0})");
        Row($"{due:N0} missing triggers stored by the start-up reconciliation, seconds", r => r.ReconcileSeconds.ToString("F1", CultureInfo.InvariantCulture));
        Row($"{due:N0} timers due at one moment: first / last fired, seconds late", r => $"{r.FirstLateSeconds:F2} / {r.LastLateSeconds:F1}");
        Row("timer firings per second (one node)", r => r.FiringsPerSecond.ToString("N0", CultureInfo.InvariantCulture));
        return 0;

        void Row(string measure, Func<Result, string> value) =>
            Console.WriteLine($"| {measure} | {string.Join(" | ", results.Select(value))} |");
    }

    private static async Task<Result> MeasureAsync(string name, DatabaseOptions database, int pending, int due, int workers,
        string serverDll, string root, string folder)
    {
        Console.WriteLine($"== {name}");
        // The empty database: migrated and Quartz's schema created by the server's first start.
        var emptyStart = await StartServerAsync(serverDll, root, folder, database, pending: 0);
        Console.WriteLine($"server on the empty database: {emptyStart}");

        // Filing: each command opens a task with a ten-day limit, whose yellow and red timers get triggers after the commit.
        double filingSeconds, allTriggersSeconds;
        await using (var node = await Node.StartAsync(database))
        {
            await node.Engine.DeployAsync(Deadline, "deadline.bpmn");
            var watch = Stopwatch.StartNew();
            await FileAsync(pending / DeadlineTimersPerApplication, workers, () => node.Engine.StartAsync(DeadlineKey));
            filingSeconds = watch.Elapsed.TotalSeconds;
            await node.Updates.FlushAsync();
            allTriggersSeconds = watch.Elapsed.TotalSeconds;
            var stored = await node.TriggerCountAsync();
            if (stored != pending)
                throw new InvalidOperationException($"{stored} triggers stored for {pending} timers.");
        }
        Console.WriteLine($"{pending:N0} deadline timers armed by {pending / DeadlineTimersPerApplication:N0} applications in {filingSeconds:F1} s, every trigger stored after {allTriggersSeconds:F1} s");

        var loadedStart = await StartServerAsync(serverDll, root, folder, database, pending);
        Console.WriteLine($"server with {pending:N0} pending timers: {loadedStart}");

        // Timers due at one moment: filed by a node that wakes no timers (no triggers), far enough ahead that the waking
        // node's start-up reconciliation has stored their triggers before they are due.
        var commandsPerSecond = pending / DeadlineTimersPerApplication / filingSeconds;
        var triggersPerSecond = pending / allTriggersSeconds;
        var dueAt = DateTimeOffset.UtcNow.AddSeconds(due / commandsPerSecond * 1.5 + due / triggersPerSecond * 3 + 15);
        dueAt = new DateTimeOffset(dueAt.Ticks - dueAt.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        await using (var filer = await Node.StartAsync(database, timers: false))
        {
            await filer.Engine.DeployAsync(DueAt, "due-at.bpmn");
            var variables = new JsonObject { ["dueAt"] = dueAt.ToString("O", CultureInfo.InvariantCulture) };
            var filing = Stopwatch.StartNew();
            await FileAsync(due, workers, () => filer.Engine.StartAsync(DueAtKey, (JsonObject)variables.DeepClone()));
            Console.WriteLine($"(filed without triggers at {due / filing.Elapsed.TotalSeconds:N0} commands/s)");
        }
        Console.WriteLine($"{due:N0} timers due at {dueAt:HH:mm:ss} filed; {(dueAt - DateTimeOffset.UtcNow).TotalSeconds:F0} s to go");

        await using (var node = await Node.StartAsync(database))
        {
            var reconciliation = await node.Service.Started;
            if (reconciliation.Scheduled != due || DateTimeOffset.UtcNow >= dueAt)
                throw new InvalidOperationException($"The reconciliation stored {reconciliation.Scheduled} triggers and ended at {DateTimeOffset.UtcNow:O}, " +
                                                    $"for {due} timers due at {dueAt:O}: the measurement is void.");
            Console.WriteLine($"start-up reconciliation: {reconciliation}");
            await node.WaitForFiredAsync(due, dueAt);
            var (first, last) = await node.FiringSpanAsync();
            var result = new Result(name, filingSeconds, commandsPerSecond, allTriggersSeconds, emptyStart, loadedStart,
                reconciliation.Took.TotalSeconds, (first - dueAt).TotalSeconds, (last - dueAt).TotalSeconds,
                due / Math.Max((last - first).TotalSeconds, 0.001));
            Console.WriteLine($"{due:N0} timers due at once: first fired {result.FirstLateSeconds:F2} s late, last {result.LastLateSeconds:F1} s late, {result.FiringsPerSecond:N0}/s");
            return result;
        }
    }

    private static async Task FileAsync(int count, int workers, Func<Task<ProcessInstance>> start)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < count)
                await start();
        })));
    }

    /// <summary>Starts the built server on the database and measures the time until it answers HTTP and until its timers
    /// run (the start-up reconciliation is done), and its working set then.</summary>
    private static async Task<ServerStart> StartServerAsync(string serverDll, string root, string folder, DatabaseOptions database, int pending)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(serverDll);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ONESTOP_Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["ONESTOP_Database__Provider"] = database.Provider;
        start.Environment["ONESTOP_Database__ConnectionString"] = database.ConnectionString;
        start.Environment["ONESTOP_Auth__SigningKeyPath"] = Path.Combine(folder, "token-signing.key");
        start.Environment["ONESTOP_Seal__KeyPath"] = Path.Combine(folder, "seal-key.pem");
        // Kestrel's "Now listening on" line tells when HTTP is served (the file's configuration keeps Microsoft.* quiet).
        start.Environment["ONESTOP_Serilog__MinimumLevel__Override__Microsoft.Hosting.Lifetime"] = "Information";

        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var timersRunning = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new List<string>();
        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.Add(e.Data);
            if (e.Data.Contains("Now listening on", StringComparison.Ordinal)) listening.TrySetResult();
            if (e.Data.Contains("Timers started on node", StringComparison.Ordinal)) timersRunning.TrySetResult(e.Data);
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var deadline = TimeSpan.FromMinutes(10);
            await listening.Task.WaitAsync(deadline);
            var httpSeconds = watch.Elapsed.TotalSeconds;
            var healthy = (await http.GetAsync("/health")).StatusCode == HttpStatusCode.OK;
            var line = await timersRunning.Task.WaitAsync(deadline - watch.Elapsed);
            var timersSeconds = watch.Elapsed.TotalSeconds;
            if (!healthy || !line.Contains($"{pending} pending", StringComparison.Ordinal))
                throw new InvalidOperationException($"The server did not start as expected:{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
            // Settled: the start-up garbage is collectable, the resident set is what the node keeps.
            await http.GetAsync("/health");
            process.Refresh();
            return new ServerStart(httpSeconds, timersSeconds, process.WorkingSet64 / 1048576.0, process.PeakWorkingSet64 / 1048576.0);
        }
        catch (TimeoutException)
        {
            lock (output) throw new InvalidOperationException($"The server did not start its timers:{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static string ServerDll(string root)
    {
        // Built with this project (a build-only reference), in the same configuration.
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var dll = Path.Combine(root, "src", "OneStop.Workflow.Server", "bin", configuration, "net10.0", "OneStop.Workflow.Server.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"The server is not built at {dll}.");
    }

    /// <summary>A department task with a ten-day limit: two deadline timers, one for yellow and one for red.</summary>
    private static string Deadline => Process(DeadlineKey, """
        <startEvent id="start" /><userTask id="review" onestop:department="tax" onestop:timeLimit="P10D" /><endEvent id="end" />
        <sequenceFlow id="f0" sourceRef="start" targetRef="review" /><sequenceFlow id="f1" sourceRef="review" targetRef="end" />
        """);

    private const int DeadlineTimersPerApplication = 2;

    private static string DueAt => Process(DueAtKey, """
        <startEvent id="start" />
        <intermediateCatchEvent id="wait"><timerEventDefinition><timeDate>${dueAt}</timeDate></timerEventDefinition></intermediateCatchEvent>
        <userTask id="after" onestop:department="registry" /><endEvent id="end" />
        <sequenceFlow id="f0" sourceRef="start" targetRef="wait" /><sequenceFlow id="f1" sourceRef="wait" targetRef="after" />
        <sequenceFlow id="f2" sourceRef="after" targetRef="end" />
        """);

    private static string Process(string id, string body) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:onestop="https://onestop-workflow.org/schema/bpmn/1.0"
                     id="d-{id}" targetNamespace="https://onestop-workflow.org/benchmarks">
          <process id="{id}" isExecutable="true">{body}</process>
        </definitions>
        """;

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static int IntOption(string[] args, string name, int fallback) =>
        Option(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private sealed record ServerStart(double HttpSeconds, double TimersSeconds, double WorkingSetMb, double PeakWorkingSetMb)
    {
        public override string ToString() =>
            $"HTTP after {HttpSeconds:F1} s, timers running after {TimersSeconds:F1} s, working set {WorkingSetMb:N0} MB (peak {PeakWorkingSetMb:N0} MB)";
    }

    private sealed record Result(string Database, double FilingSeconds, double CommandsPerSecond, double AllTriggersSeconds,
        ServerStart EmptyStart, ServerStart LoadedStart, double ReconcileSeconds, double FirstLateSeconds, double LastLateSeconds,
        double FiringsPerSecond);

    /// <summary>The timer machinery of one node, registered as the server registers it, without the web host.</summary>
    private sealed class Node(ServiceProvider services, FiringCounter fired) : IAsyncDisposable
    {
        public WorkflowEngine Engine => services.GetRequiredService<WorkflowEngine>();
        public TimerService Service => services.GetRequiredService<TimerService>();
        public TriggerUpdates Updates => services.GetRequiredService<TriggerUpdates>();

        public static async Task<Node> StartAsync(DatabaseOptions database, bool timers = true)
        {
            var services = new ServiceCollection()
                .AddLogging(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning))
                .AddWorkflowPersistence(database);
            var fired = new FiringCounter();
            services.AddSingleton(provider => new WorkflowEngine(FiringCounter.Around(provider.GetRequiredService<IWorkflowStore>(), fired), TimeProvider.System));
            services.AddWorkflowTimers(new TimerOptions(Enabled: timers, MaxConcurrentFirings: Firings));
            var provider = services.BuildServiceProvider();
            await WorkflowDatabase.MigrateAsync(provider);
            var node = new Node(provider, fired);
            if (timers)
                await node.Service.StartAsync(CancellationToken.None);
            return node;
        }

        public async Task<int> TriggerCountAsync()
        {
            var scheduler = await services.GetRequiredService<TimerTriggers>().SchedulerAsync();
            var page = await scheduler.QueryTriggers(new TriggerQuery
            {
                Group = GroupMatcher<TriggerKey>.GroupEquals(TimerTriggers.Group),
                Take = 0,
                IncludeTotalCount = true,
            });
            return page.TotalCount ?? throw new InvalidOperationException("Quartz counted no triggers.");
        }

        /// <summary>Waits until this node has committed the firing of every timer of the due-at scenario, then checks the
        /// history holds exactly that many.</summary>
        public async Task WaitForFiredAsync(int count, DateTimeOffset dueAt)
        {
            try
            {
                await fired.WhenAtLeastAsync(count).WaitAsync(dueAt.AddMinutes(30) - DateTimeOffset.UtcNow);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"Only {await FiredAsync()} of {count} timers fired in 30 minutes.");
            }
            if (await FiredAsync() != count)
                throw new InvalidOperationException($"The history holds {await FiredAsync()} firings of the {count} timers.");
        }

        public async Task<(DateTimeOffset First, DateTimeOffset Last)> FiringSpanAsync()
        {
            await using var db = await Contexts.CreateDbContextAsync();
            var fired = db.History.Where(h => h.Kind == "TimerFired" && h.ElementId == "wait");
            return (await fired.MinAsync(h => h.At), await fired.MaxAsync(h => h.At));
        }

        private IDbContextFactory<WorkflowDbContext> Contexts => services.GetRequiredService<IDbContextFactory<WorkflowDbContext>>();

        private async Task<int> FiredAsync()
        {
            await using var db = await Contexts.CreateDbContextAsync();
            return await db.History.CountAsync(h => h.Kind == "TimerFired" && h.ElementId == "wait");
        }

        public async ValueTask DisposeAsync()
        {
            if (services.GetService<TimerOptions>() is { Enabled: true })
                await Service.StopAsync(CancellationToken.None);
            await services.DisposeAsync();
        }
    }

    /// <summary>Counts the committed firings of the due-at scenario's timer ("wait") as the engine saves them, so that the
    /// benchmark awaits the last one instead of polling the history.</summary>
    private class FiringCounter : System.Reflection.DispatchProxy
    {
        private readonly object _gate = new();
        private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
        private IWorkflowStore _inner = null!;
        private FiringCounter _counter = null!;
        private int _fired;

        public static IWorkflowStore Around(IWorkflowStore inner, FiringCounter counter)
        {
            var store = Create<IWorkflowStore, FiringCounter>();
            ((FiringCounter)(object)store)._inner = inner;
            ((FiringCounter)(object)store)._counter = counter;
            return store;
        }

        public Task WhenAtLeastAsync(int count)
        {
            lock (_gate)
            {
                if (_fired >= count) return Task.CompletedTask;
                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((count, reached));
                return reached.Task;
            }
        }

        private void Add(int firings)
        {
            lock (_gate)
            {
                _fired += firings;
                foreach (var waiter in _waiters.Where(w => w.Count <= _fired).ToList())
                {
                    waiter.Reached.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
        }

        protected override object? Invoke(System.Reflection.MethodInfo? method, object?[]? args)
        {
            object? result;
            try
            {
                result = method!.Invoke(_inner, args);
            }
            catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
            return method.Name == nameof(IWorkflowStore.SaveAsync) ? CountAfterAsync((Task)result!, (InstanceChanges)args![0]!) : result;
        }

        private async Task CountAfterAsync(Task save, InstanceChanges changes)
        {
            await save;
            var firings = changes.History.Count(h => h.Kind == "TimerFired" && h.ElementId == "wait");
            if (firings > 0) _counter.Add(firings);
        }
    }
}
