// Starts the built OneStop.Workflow server for one end-to-end run: a fresh SQLite database and fresh keys in a temporary
// folder, the Development environment (demo users, password "demo"), a free port on 127.0.0.1. Stops it again.
import { spawn } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

const LOG_LINES_KEPT = 400;

/** A port nobody listens on right now (the kernel picks it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * @param {{ repositoryRoot: string, serverDll: string, workDirectory: string, startTimeoutMs: number }} options
 */
export async function startServer({ repositoryRoot, serverDll, workDirectory, startTimeoutMs }) {
  if (!existsSync(serverDll)) {
    throw new Error(`The server is not built: ${serverDll} is missing. Build it first: dotnet build src/OneStop.Workflow.Server -c Release`);
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logPath = join(workDirectory, "server.log");
  const logFile = createWriteStream(logPath);
  const lines = [];
  const keep = (chunk) => {
    logFile.write(chunk);
    for (const line of chunk.toString("utf8").split(/\r?\n/)) {
      if (line.length === 0) continue;
      lines.push(line);
      if (lines.length > LOG_LINES_KEPT) lines.shift();
    }
  };

  const child = spawn("dotnet", [serverDll, "--urls", baseUrl], {
    cwd: repositoryRoot,
    env: {
      ...process.env,
      ASPNETCORE_ENVIRONMENT: "Development",
      DOTNET_ENVIRONMENT: "Development",
      DOTNET_CLI_TELEMETRY_OPTOUT: "1",
      DOTNET_NOLOGO: "1",
      // Everything the server writes lives in the run's own folder; nothing of the developer's data is touched.
      ONESTOP_DATA_DIR: workDirectory,
      ONESTOP_Database__Provider: "Sqlite",
      ONESTOP_Database__ConnectionString: `Data Source=${join(workDirectory, "onestop.db")}`,
      ONESTOP_Auth__SigningKeyPath: join(workDirectory, "token-signing.key"),
      ONESTOP_Seal__KeyPath: join(workDirectory, "seal.key"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);

  let exited = null;
  const exit = new Promise((resolve) => {
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    child.once("error", (error) => {
      exited = { code: null, signal: null, error };
      resolve(exited);
    });
  });

  const server = {
    baseUrl,
    logPath,
    /** The last lines the server wrote (stdout and stderr together). */
    logTail(count = 60) {
      return lines.slice(-count).join("\n");
    },
    /** SIGTERM, then SIGKILL if it has not stopped after 10 s. Safe to call more than once. */
    async stop() {
      if (exited) {
        logFile.end();
        return;
      }
      child.kill("SIGTERM");
      let timer;
      const killed = new Promise((resolve) => {
        timer = setTimeout(() => {
          child.kill("SIGKILL");
          resolve();
        }, 10_000);
      });
      await Promise.race([exit, killed]);
      clearTimeout(timer);
      await exit;
      logFile.end();
    },
  };

  try {
    await waitUntilHealthy(baseUrl, startTimeoutMs, () => exited);
  } catch (error) {
    await server.stop();
    error.server = server;
    throw error;
  }
  return server;
}

/** Polls GET /health until it answers 200, the process exits, or the overall time is up. */
async function waitUntilHealthy(baseUrl, timeoutMs, exited) {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    const gone = exited();
    if (gone) {
      throw new Error(`The server exited while starting (${gone.error ? gone.error.message : `exit code ${gone.code}, signal ${gone.signal}`}).`);
    }
    try {
      const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) return;
      last = `GET /health answered ${response.status} ${await response.text()}`;
    } catch (error) {
      last = `GET /health failed: ${error.cause?.code ?? error.message}`;
    }
    // Between two polls only: the server is not listening yet, and a refused connection comes back at once.
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`The server was not healthy within ${Math.round(timeoutMs / 1000)} s (${last}).`);
}
