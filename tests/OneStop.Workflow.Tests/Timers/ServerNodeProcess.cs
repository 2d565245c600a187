using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OneStop.Workflow.Tests.Timers;

/// <summary>
/// The built server (OneStop.Workflow.Server.dll) run as a separate process, as a production node runs, configured through
/// ONESTOP_* environment variables over the repository's appsettings.json. Its console output is kept line by line, and a
/// test awaits a line or a condition re-checked on each new line instead of sleeping.
/// </summary>
internal sealed class ServerNodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private TaskCompletionSource _nextLine = NewSignal();

    private ServerNodeProcess(string name, int port, Process process)
    {
        Name = name;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        _process = process;
    }

    public string Name { get; }
    public Uri BaseAddress { get; }
    public bool HasExited => _process.HasExited;
    public IReadOnlyCollection<string> Lines => _lines;

    public static ServerNodeProcess Start(string name, IReadOnlyDictionary<string, string> environment)
    {
        var port = FreeLoopbackPort();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            // The repository root: the server reads appsettings.json and deploys workflows/ from there.
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "OneStop.Workflow.Server.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ONESTOP_Urls"] = $"http://127.0.0.1:{port}";
        foreach (var (key, value) in environment)
            start.Environment[key] = value;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var node = new ServerNodeProcess(name, port, process);
        process.OutputDataReceived += (_, e) => node.Add(e.Data);
        process.ErrorDataReceived += (_, e) => node.Add(e.Data);
        process.Exited += (_, _) => node.Signal();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Completes when <paramref name="condition"/> holds, checking it now and after each new line of output;
    /// fails when the process exits first.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what, CancellationToken ct)
    {
        while (true)
        {
            var next = Volatile.Read(ref _nextLine).Task;
            if (await condition()) return;
            if (_process.HasExited)
                throw new InvalidOperationException($"Node {Name} exited with {_process.ExitCode} before {what}:{Environment.NewLine}{Output()}");
            try
            {
                await next.WaitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Node {Name}: gave up waiting for {what}. Output:{Environment.NewLine}{Output()}");
            }
        }
    }

    public Task WaitForLineAsync(string text, CancellationToken ct) =>
        WaitUntilAsync(() => Task.FromResult(_lines.Any(l => l.Contains(text, StringComparison.Ordinal))), $"'{text}'", ct);

    public int CountLines(string text) => _lines.Count(l => l.Contains(text, StringComparison.Ordinal));

    public string Output() => string.Join(Environment.NewLine, _lines.TakeLast(80));

    /// <summary>Ends the node at once, as a crash or a power cut would: no shutdown, no flushing.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null) return;
        _lines.Enqueue(line);
        Signal();
    }

    private void Signal() => Interlocked.Exchange(ref _nextLine, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
