using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace OneStop.Workflow.Tests.Persistence;

/// <summary>
/// A throw-away PostgreSQL server for the tests, run from Debian's server binaries (no Docker here): initdb into a
/// fresh temporary directory, listening only on 127.0.0.1 on a free port, stopped and deleted on dispose.
/// As root the server tools run as the postgres system user, because initdb and postgres refuse to run as root.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string BinariesMissing =
        "PostgreSQL server binaries not found; run tests/test.sh which installs Debian's postgresql package";

    private string _bin = "";
    private string _root = "";
    private string DataDirectory => Path.Combine(_root, "data");
    private string LogFile => Path.Combine(_root, "server.log");

    public int Port { get; private set; }

    /// <summary>A connection string for a new database that does not exist yet (EF Core creates it on migration).</summary>
    public string NewDatabaseConnectionString() => ConnectionString("onestop_" + Guid.NewGuid().ToString("N"));

    // No pooling: every test uses its own database, and pooled idle connections would pile up on the server.
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=false;Include Error Detail=true";

    public async Task InitializeAsync()
    {
        _bin = FindBinaries() ?? throw new InvalidOperationException(
            $"{BinariesMissing} (looked for /usr/lib/postgresql/<version>/bin/initdb and pg_ctl).");
        _root = Directory.CreateTempSubdirectory("onestop-pg-").FullName;
        try
        {
            if (Environment.IsPrivilegedProcess) await RunAsync("chown", ["postgres:postgres", _root]);
            await RunServerToolAsync("initdb",
                ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]);
            Port = FreeLoopbackPort();
            // Durability settings are off: the data is thrown away after the run.
            var settings = $"-c listen_addresses=127.0.0.1 -c port={Port} -c unix_socket_directories={_root} " +
                           "-c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
            // -w makes pg_ctl poll until the server accepts connections (bounded by -t seconds).
            await RunServerToolAsync("pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-o", settings, "-w", "-t", "60", "start"]);
            await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
            await connection.OpenAsync();
        }
        catch (Exception e)
        {
            var log = File.Exists(LogFile) ? File.ReadAllText(LogFile) : "(no server log)";
            await DisposeAsync();
            throw new InvalidOperationException($"The test PostgreSQL server did not start: {e.Message}{Environment.NewLine}{log}", e);
        }
    }

    public async Task DisposeAsync()
    {
        if (_root == "" || !Directory.Exists(_root)) return;
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            await RunServerToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
        Directory.Delete(_root, recursive: true);
    }

    private static string? FindBinaries()
    {
        const string installRoot = "/usr/lib/postgresql";
        if (!Directory.Exists(installRoot)) return null;
        return Directory.GetDirectories(installRoot)
            .Select(dir => (Version: int.TryParse(Path.GetFileName(dir), out var v) ? v : 0, Bin: Path.Combine(dir, "bin")))
            .Where(d => File.Exists(Path.Combine(d.Bin, "initdb")) && File.Exists(Path.Combine(d.Bin, "pg_ctl")))
            .OrderByDescending(d => d.Version)
            .Select(d => d.Bin)
            .FirstOrDefault();
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private Task RunServerToolAsync(string tool, IEnumerable<string> arguments)
    {
        var path = Path.Combine(_bin, tool);
        return Environment.IsPrivilegedProcess
            ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments])
            : RunAsync(path, arguments);
    }

    private async Task RunAsync(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _root,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {await output}{await error}");
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL server";
}
