// End-to-end test of the web front ends against the real server in headless Chromium:
//   the designer changes a time limit in start-a-business and deploys a new version; a citizen files one application
//   through the portal's merged form with a material; each department approves in its inbox until the application is
//   completed; the citizen downloads the outcome bundle, which verifies (POST /api/bundles/verify and `onestop verify`).
// Along the way: axe-core on every page (no serious or critical violation), no request to another origin, no uncaught
// script error, screenshots in tests/e2e/screenshots/. Exit code 0 when everything held, 1 otherwise.
//
// Needs: the server's Release build (dotnet build src/OneStop.Workflow.Server -c Release, which also builds designer/dist)
// and Chromium at /usr/bin/chromium (ONESTOP_E2E_CHROMIUM names another).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { axeAudit, launchBrowser } from "./browser.mjs";
import { citizenApplies, citizenDownloadsBundle, departmentsApprove, designerChangesTimeLimit, supervisorLooks } from "./flow.mjs";
import { startServer } from "./server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repositoryRoot = resolve(here, "../..");
const screenshotsDir = join(here, "screenshots");
const chromiumPath = process.env.ONESTOP_E2E_CHROMIUM ?? "/usr/bin/chromium";
const serverDll = resolve(repositoryRoot, process.env.ONESTOP_E2E_SERVER_DLL ?? "src/OneStop.Workflow.Server/bin/Release/net10.0/OneStop.Workflow.Server.dll");
const cliDll = resolve(repositoryRoot, process.env.ONESTOP_E2E_CLI_DLL ?? "src/OneStop.Workflow.Cli/bin/Release/net10.0/onestop.dll");
/** The whole run, server start included; a hung step is cut off here at the latest. */
const RUN_TIMEOUT_MS = 5 * 60_000;
/** axe-core impacts that fail the run. */
const BLOCKING_IMPACTS = new Set(["serious", "critical"]);

const started = performance.now();
const timings = [];
const audits = [];
let server = null;
let browser = null;
let workDirectory = null;
let cleanedUp = false;

async function step(name, action) {
  const begin = performance.now();
  try {
    await action();
  } catch (error) {
    error.step ??= name;
    throw error;
  }
  const ms = Math.round(performance.now() - begin);
  timings.push({ name, ms });
  console.log(`  ok  ${name} (${ms} ms)`);
}

async function audit(page, name) {
  const begin = performance.now();
  const violations = await axeAudit(page);
  audits.push({ page: name, url: new URL(page.url()).pathname + new URL(page.url()).hash, violations, ms: Math.round(performance.now() - begin) });
}

async function cleanUp() {
  if (cleanedUp) return;
  cleanedUp = true;
  if (browser) await browser.close().catch((error) => console.error(`closing the browser: ${error.message}`));
  if (server) await server.stop().catch((error) => console.error(`stopping the server: ${error.message}`));
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the browser and the server`);
    void cleanUp().then(() => process.exit(130));
  });
}
const watchdog = setTimeout(() => {
  console.error(`\nFAILED: the run took longer than ${RUN_TIMEOUT_MS / 1000} s`);
  if (server) console.error(`--- server log (last 60 lines) ---\n${server.logTail(60)}`);
  void cleanUp().then(() => process.exit(1));
}, RUN_TIMEOUT_MS);

async function main() {
  rmSync(screenshotsDir, { recursive: true, force: true });
  mkdirSync(screenshotsDir, { recursive: true });
  for (const [what, path, hint] of [
    ["Chromium", chromiumPath, "install Debian's chromium package (apt-get install chromium) or set ONESTOP_E2E_CHROMIUM"],
    ["the server build", serverDll, "dotnet build src/OneStop.Workflow.Server -c Release"],
    ["the web front end build", join(repositoryRoot, "designer/dist/index.html"), "build the server (its build runs npm), or npm ci && npm run build in designer/"],
  ]) {
    if (!existsSync(path)) throw new Error(`${what} is missing: ${path} does not exist. ${hint}.`);
  }
  workDirectory = mkdtempSync(join(tmpdir(), "onestop-e2e-"));

  await step("server starts and is healthy", async () => {
    server = await startServer({ repositoryRoot, serverDll, workDirectory, startTimeoutMs: 90_000 });
  });
  console.log(`      server ${server.baseUrl}, data and log in ${workDirectory}`);
  const baseUrl = server.baseUrl;

  await step("browser starts", async () => {
    browser = await launchBrowser({ executablePath: chromiumPath, userDataDir: join(workDirectory, "chromium-profile"), baseUrl, screenshotsDir });
    await browser.checkOriginGuard();
  });
  const context = { browser, baseUrl, audit, step };

  const { version } = await designerChangesTimeLimit(context);
  const { page: citizen, applicationId } = await citizenApplies(context, version);
  console.log(`      application ${applicationId} on version ${version}`);
  const approvals = await departmentsApprove(context, citizen, applicationId);
  console.log(`      approved by ${approvals.map((a) => a.department).join(", ")}`);
  const bundlePath = join(workDirectory, `${applicationId}.zip`);
  await citizenDownloadsBundle(context, citizen, applicationId, bundlePath);
  await verifyBundle(baseUrl, bundlePath, applicationId);
  await supervisorLooks(context);

  const problems = browser.problems();
  const blocking = audits.flatMap((a) => a.violations.filter((v) => BLOCKING_IMPACTS.has(v.impact)).map((v) => ({ page: a.page, ...v })));
  for (const v of blocking) problems.push(`accessibility (${v.impact}) on ${v.page}: ${v.id} — ${v.help}: ${v.nodes.map((n) => n.target).join(", ")}`);
  return problems;
}

async function verifyBundle(baseUrl, bundlePath, applicationId) {
  const bundle = readFileSync(bundlePath);
  await step("the bundle verifies at POST /api/bundles/verify", async () => {
    const result = await postBundle(baseUrl, bundle);
    if (result.status !== 200 || result.body.valid !== true) throw new Error(`the downloaded bundle does not verify: ${result.status} ${JSON.stringify(result.body)}`);
    if (result.body.applicationId !== applicationId) throw new Error(`the bundle is sealed for application ${result.body.applicationId}, not ${applicationId}`);
    // The same bundle with one byte changed must not pass: the check above could not be a check otherwise.
    const tampered = Buffer.from(bundle);
    tampered[Math.floor(tampered.length / 2)] ^= 0xff;
    const refused = await postBundle(baseUrl, tampered);
    const refusedRightly = (refused.status === 200 && refused.body.valid === false) || refused.status === 400;
    if (!refusedRightly) throw new Error(`a bundle with one byte changed was not refused as invalid: ${refused.status} ${JSON.stringify(refused.body)}`);
  });
  await step("the bundle verifies with `onestop verify`", async () => {
    if (!existsSync(cliDll)) throw new Error(`the CLI is not built: ${cliDll} (dotnet build src/OneStop.Workflow.Cli -c Release, or run tests/test.sh)`);
    const key = await fetch(`${baseUrl}/api/seal/public-key`).then((r) => r.json());
    const keyPath = join(workDirectory, "seal-public-key.pem");
    writeFileSync(keyPath, key.pem);
    const cli = spawnSync("dotnet", [cliDll, "verify", bundlePath, "--key", keyPath], { cwd: repositoryRoot, encoding: "utf8", timeout: 60_000 });
    if (cli.status !== 0 || !cli.stdout.startsWith("valid:")) {
      throw new Error(`onestop verify exited ${cli.status}: ${cli.stdout}${cli.stderr}${cli.error ? cli.error.message : ""}`);
    }
    console.log(`      ${cli.stdout.trim()}`);
  });
}

async function postBundle(baseUrl, body) {
  const response = await fetch(`${baseUrl}/api/bundles/verify`, { method: "POST", headers: { "Content-Type": "application/zip" }, body });
  const text = await response.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed };
}

function printAudits() {
  console.log("\naxe-core (impacts: critical / serious / moderate / minor):");
  for (const a of audits) {
    const count = (impact) => a.violations.filter((v) => v.impact === impact).length;
    console.log(`  ${a.page.padEnd(24)} ${count("critical")} / ${count("serious")} / ${count("moderate")} / ${count("minor")}   ${a.url} (${a.ms} ms)`);
    for (const v of a.violations) {
      const targets = v.nodes.slice(0, 4).map((n) => n.target).join(" | ") + (v.nodes.length > 4 ? ` | … ${v.nodes.length - 4} more` : "");
      console.log(`      ${v.impact}: ${v.id} — ${v.help} [${targets}]`);
    }
  }
}

function writeReport(outcome) {
  const file = join(screenshotsDir, "report.json");
  const report = {
    outcome,
    totalMs: Math.round(performance.now() - started),
    steps: timings,
    requests: browser?.report.requests ?? 0,
    foreignRequests: browser?.report.foreign ?? [],
    consoleErrors: browser?.report.consoleErrors ?? [],
    accessibility: audits,
  };
  try {
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  } catch {
    return null; // the folder may not exist when the run failed before the browser started
  }
  return file;
}

async function failureScreenshots() {
  if (!browser) return;
  for (const page of browser.context.pages()) {
    if (page.isClosed() || page.url() === "about:blank") continue;
    try {
      console.error(`      screenshot: ${await browser.screenshot(page, `FAILED-${page.__actor ?? "page"}`)}`);
    } catch {
      // a page that is navigating away cannot be captured; the others still are
    }
  }
}

let exitCode = 0;
try {
  console.log("OneStop.Workflow end-to-end test (headless Chromium)");
  const problems = await main();
  printAudits();
  const requests = browser.report.requests;
  console.log(`\n${requests} requests, all to ${server.baseUrl}` + (browser.report.foreign.length ? ` except ${browser.report.foreign.length}` : ""));
  const other = browser.report.consoleErrors.filter((c) => !/Content Security Policy|Refused to/i.test(c.text));
  if (other.length > 0) console.log(`console errors (not failures): ${other.map((c) => `${c.page}: ${c.text}`).join("; ")}`);
  if (problems.length > 0) {
    exitCode = 1;
    console.error(`\nFAILED: ${problems.length} problem(s)`);
    for (const problem of problems) console.error(`  - ${problem}`);
  }
} catch (error) {
  exitCode = 1;
  console.error(`\nFAILED${error.step ? ` at "${error.step}"` : ""}: ${error.message}`);
  if (process.env.ONESTOP_E2E_DEBUG) console.error(error.stack);
  await failureScreenshots();
  if (audits.length > 0) printAudits();
  const log = server ?? error.server;
  if (log) console.error(`--- server log (last 60 lines; whole log: ${log.logPath}) ---\n${log.logTail(60)}\n---`);
} finally {
  clearTimeout(watchdog);
  const report = writeReport(exitCode === 0 ? "passed" : "failed");
  await cleanUp();
  const total = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`\nscreenshots: ${screenshotsDir}${report ? ` (report: ${report})` : ""}`);
  if (exitCode === 0 && workDirectory) rmSync(workDirectory, { recursive: true, force: true });
  else if (workDirectory) {
    rmSync(join(workDirectory, "chromium-profile"), { recursive: true, force: true });
    console.log(`kept for inspection (server.log, onestop.db): ${workDirectory}`);
  }
  console.log(exitCode === 0 ? `e2e: passed in ${total} s` : `e2e: FAILED after ${total} s`);
}
process.exit(exitCode);
