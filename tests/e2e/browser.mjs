// Headless Chromium (Debian's package) driven by playwright-core, with what every page of the run is held to: every
// request stays on the server's origin, no uncaught script error, no Content-Security-Policy refusal, no 5xx answer;
// plus screenshots and axe-core audits on demand.
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * @param {{ executablePath: string, userDataDir: string, baseUrl: string, screenshotsDir: string }} options
 */
export async function launchBrowser({ executablePath, userDataDir, baseUrl, screenshotsDir }) {
  const origin = new URL(baseUrl).origin;
  // launchPersistentContext starts Chromium with --user-data-dir=<userDataDir> (a fresh temporary folder per run) and
  // --headless; each actor gets a page (tab) of its own, so each has its own sessionStorage and thus its own sign-in.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
    acceptDownloads: true,
    locale: "en-US",
    timezoneId: "Asia/Shanghai",
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(20_000);
  context.setDefaultNavigationTimeout(30_000);

  const report = {
    requests: 0,
    /** Requests to any origin but the server's (the run fails on any). */
    foreign: [],
    /** Uncaught exceptions in a page. */
    pageErrors: [],
    /** Console errors; those about the Content-Security-Policy fail the run, the rest are listed. */
    consoleErrors: [],
    /** Same-origin answers with a 5xx status. */
    serverErrors: [],
  };
  let shots = 0;
  mkdirSync(screenshotsDir, { recursive: true });

  const watch = (page) => {
    page.on("request", (request) => {
      report.requests += 1;
      const url = request.url();
      if (!isSameOrigin(url, origin)) report.foreign.push({ page: label(page), url, type: request.resourceType() });
    });
    page.on("websocket", (socket) => {
      if (!isSameOrigin(socket.url().replace(/^ws/, "http"), origin)) report.foreign.push({ page: label(page), url: socket.url(), type: "websocket" });
    });
    page.on("response", (response) => {
      if (response.status() >= 500) report.serverErrors.push({ page: label(page), url: response.url(), status: response.status() });
    });
    page.on("pageerror", (error) => report.pageErrors.push({ page: label(page), message: String(error?.stack ?? error) }));
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      // "Failed to load resource" names no address in its text; the location does.
      const where = message.location()?.url;
      report.consoleErrors.push({ page: label(page), text: /^Failed to load resource/.test(message.text()) && where ? `${message.text()} — ${where}` : message.text() });
    });
  };
  context.on("page", watch);
  for (const page of context.pages()) watch(page);

  return {
    context,
    report,
    /** A new tab named for the messages (an actor: "citizen1", "staff.bank"). */
    async newPage(name) {
      const page = await context.newPage();
      page.__actor = name;
      return page;
    },
    /** A full-page PNG in the screenshots folder, numbered in the order taken. */
    async screenshot(page, name) {
      shots += 1;
      const file = join(screenshotsDir, `${String(shots).padStart(2, "0")}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    /**
     * Shows that the origin guard sees what it must: a tab asks for an image on another origin (a closed port on the
     * loopback, so nothing leaves the machine); the request must be recorded. The record is then dropped.
     */
    async checkOriginGuard() {
      const page = await context.newPage();
      page.__actor = "origin guard check";
      const probe = `http://127.0.0.2:${new URL(baseUrl).port}/origin-guard-probe.png`;
      const failed = page.waitForEvent("requestfailed", (request) => request.url() === probe);
      await page.setContent(`<img src="${probe}" alt="">`);
      await failed;
      await page.close();
      const seen = report.foreign.findIndex((f) => f.url === probe);
      if (seen < 0) throw new Error("the origin guard did not record a request to another origin");
      report.foreign.splice(seen, 1);
      report.requests -= 1;
      report.consoleErrors = report.consoleErrors.filter((c) => c.page !== "origin guard check blank");
    },
    async close() {
      await context.close();
    },
    /** Failures the whole run is held to. */
    problems() {
      const problems = [];
      for (const f of report.foreign) problems.push(`request to another origin from ${f.page}: ${f.type} ${f.url}`);
      for (const e of report.pageErrors) problems.push(`uncaught script error on ${e.page}: ${e.message}`);
      for (const c of report.consoleErrors.filter((c) => /Content Security Policy|Refused to (load|connect|execute|apply|frame)/i.test(c.text))) {
        problems.push(`Content-Security-Policy refusal on ${c.page}: ${c.text}`);
      }
      for (const s of report.serverErrors) problems.push(`server error ${s.status} for ${s.url} (from ${s.page})`);
      return problems;
    },
  };
}

/** data: and about: URLs load nothing; blob: URLs carry the origin that made them. */
function isSameOrigin(url, origin) {
  if (url.startsWith("data:") || url === "about:blank" || url.startsWith("about:")) return true;
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

function label(page) {
  let path = "";
  try {
    path = new URL(page.url()).pathname;
  } catch {
    path = page.url();
  }
  return `${page.__actor ?? "page"} ${path}`;
}

/**
 * Runs axe-core on the page as it is now. The pages' Content-Security-Policy (script-src 'self') forbids adding a script
 * element, so the library is evaluated through the DevTools protocol instead.
 * @returns {Promise<Array<{ id: string, impact: string, help: string, helpUrl: string, nodes: Array<{ target: string, html: string, summary: string }> }>>}
 */
export async function axeAudit(page) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(" "), html: n.html.slice(0, 300), summary: n.failureSummary ?? "" })),
    }));
  });
  return violations;
}
