using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace OneStop.Workflow.Benchmarks;

/// <summary>
/// A throw-away PostgreSQL server for the benchmark, from Debian's server binaries: initdb into a temporary directory,
/// listening on 127.0.0.1 only, with PostgreSQL's default durability (fsync, synchronous commit), deleted afterwards.
/// As root the tools run as the postgres system user, because initdb and postgres refuse to run as root.
/// </summary>
internal sealed class Postgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _root;

    private Postgres(string bin, string root, int port)
    {
        _bin = bin;
        _root = root;
        Port = port;
    }

    public int Port { get; }

    private string DataDirectory => Path.Combine(_root, "data");

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Maximum Pool Size=50";

    public static async Task<Postgres> StartAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        if (bin is null)
            throw new InvalidOperationException("PostgreSQL server binaries not found (/usr/lib/postgresql/<version>/bin); tests/test.sh installs them.");
        var root = Directory.CreateTempSubdirectory("onestop-bench-pg-").FullName;
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var server = new Postgres(bin, root, port);
        if (Environment.IsPrivilegedProcess) await RunAsync("chown", ["postgres:postgres", root], root);
        await server.ToolAsync("initdb", ["-D", server.DataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C"]);
        await server.ToolAsync("pg_ctl", ["-D", server.DataDirectory, "-l", Path.Combine(root, "server.log"), "-o",
            $"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={root} -c max_connections=200", "-w", "-t", "60", "start"]);
        return server;
    }

    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            await ToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
        Directory.Delete(_root, recursive: true);
    }

    private Task ToolAsync(string tool, string[] arguments) => Environment.IsPrivilegedProcess
        ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. arguments], _root)
        : RunAsync(Path.Combine(_bin, tool), arguments, _root);

    private static async Task RunAsync(string program, string[] arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
    }
}
