// The journey through the web front ends, one actor per browser tab, driven by the pages' data-testid hooks
// (designer/README.md) and, inside the form-js form, by the fields' visible labels — as a person would find them.
// Every wait is on something the page shows (Playwright's auto-waiting); nothing sleeps.

/** What the citizen enters: a technology company without employees that wants its seals and a bank account, so that
 * market regulation decides first and then public security and the bank decide in parallel (three departments). */
export const APPLICATION = {
  text: [
    ["Applicant's full name", "Li Ming (e2e)"],
    ["Applicant's resident ID number", "310115198506120042"],
    ["Mobile phone number", "13900000000"],
    ["Company name", "E2E Software Studio Co., Ltd."],
    ["Registered address", "1 Test Road, Demo District"],
    ["Registered capital (10,000 CNY)", "100"],
    ["Number of employees", "0"],
    ["Business scope", "Software development and technical services"],
    ["Legal representative's full name", "Li Ming (e2e)"],
    ["Legal representative's resident ID number", "310115198506120042"],
    ["Bank and branch", "Example Bank, Demo District branch"],
  ],
  selects: [
    ["Type of enterprise", "Limited liability company"],
    ["Main line of business", "Technology and software"],
  ],
  checkboxes: [
    ["Engrave the official seals", true],
    ["Apply for invoices and a tax UKey", false],
    ["Book a basic bank account", true],
  ],
  checklists: [["Seals to engrave", ["Company seal"]]],
  radios: [
    ["How would you like to receive the seals?", "Collect at the service centre"],
    ["Type of account", "Basic deposit account"],
  ],
  material: { department: "market-regulation", fileName: "articles-of-association.pdf" },
};

export const SCENARIO = "start-a-business";
export const EDITED_TASK = "Task_RegisterCompany";
export const NEW_TIME_LIMIT = "3WD";

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A label as form-js renders it: the text, then a "*" for required fields. */
const labelled = (text) => new RegExp(`^\\s*${escape(text)}\\s*\\*?\\s*$`);
const exactly = (text) => new RegExp(`^\\s*${escape(text)}\\s*$`);

/**
 * Waits until `success` shows, or fails at once with the text of whichever error element of the page shows first.
 * @param {import("playwright-core").Locator} success
 * @param {import("playwright-core").Locator[]} failures
 */
async function outcome(what, success, failures) {
  let either = success;
  for (const failure of failures) either = either.or(failure);
  try {
    await either.first().waitFor({ state: "visible" });
  } catch (error) {
    throw new Error(`${what}: nothing appeared (${error.message.split("\n")[0]})`);
  }
  for (const failure of failures) {
    if (await failure.first().isVisible()) {
      throw new Error(`${what}: the page shows an error: ${(await failure.first().innerText()).replace(/\s+/g, " ").trim()}`);
    }
  }
}

/**
 * Types a value into a form-js field and leaves it. form-js commits typing 300 ms later or when the field loses the
 * focus, and a render of the form in between puts a text field back to its committed value; such a render can land a
 * few frames after a field gets the focus, so text typed at machine speed right after focusing can vanish (about one
 * run in four without this). What the field shows once left is what form-js committed: the blur commits the field's
 * content at that moment, and a later render only shows the committed value again. So: type, leave, look — and type
 * again if it is gone, as a person would.
 * @returns {Promise<number>} how many times the value had to be typed again
 */
async function typeInto(input, value, label) {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    await input.fill(value);
    await input.blur();
    if ((await input.inputValue()) === value) return attempt;
  }
  throw new Error(`the field "${label}" does not keep "${value}": it shows "${await input.inputValue()}" after typing it three times`);
}

/** Signs in on the sign-in page and waits for the role's home page with its shell. */
export async function signIn(page, baseUrl, userName, home) {
  if (!page.url().startsWith(baseUrl)) await page.goto(`${baseUrl}/`);
  await page.getByTestId("signin-username").fill(userName);
  await page.getByTestId("signin-password").fill("demo");
  await page.getByTestId("signin-submit").click();
  await Promise.race([
    page.waitForURL((url) => url.pathname === home),
    page.getByTestId("signin-error").waitFor().then(async () => {
      throw new Error(`signing in as ${userName} failed: ${(await page.getByTestId("signin-error").innerText()).replace(/\s+/g, " ")}`);
    }),
  ]);
  await page.getByTestId("user-name").filter({ hasText: userName }).waitFor();
}

/** A GET of the API from inside the page, with the page's own session (same origin, same token). */
export function apiInPage(page, path) {
  return page.evaluate(async (path) => {
    const session = JSON.parse(sessionStorage.getItem("onestop.session") ?? "null");
    const response = await fetch(path, { headers: session ? { Authorization: `Bearer ${session.token}` } : {} });
    const text = await response.text();
    if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text);
  }, path);
}

// ---- Designer ------------------------------------------------------------------------------------

/** The designer opens start-a-business, changes the time limit of the company registration and deploys it. */
export async function designerChangesTimeLimit({ browser, baseUrl, audit, step }) {
  const page = await browser.newPage("designer");
  await step("sign-in page", async () => {
    await page.goto(`${baseUrl}/`);
    await page.getByTestId("signin-submit").waitFor();
    await browser.screenshot(page, "sign-in");
    await audit(page, "sign-in");
  });
  await step("designer signs in", () => signIn(page, baseUrl, "designer", "/designer.html"));

  let before;
  await step(`designer opens ${SCENARIO}`, async () => {
    // The page opens a blank diagram first and checks it with the server; choosing before that finished would race it.
    await page.locator('[data-testid="validation-status"]:is([data-state="valid"], [data-state="invalid"], [data-state="error"])').waitFor();
    const scenarioSelect = page.getByTestId("scenario-select");
    await scenarioSelect.locator(`option[value="${SCENARIO}"]`).waitFor({ state: "attached" });
    const versionsAnswer = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/scenarios/${SCENARIO}/versions` && r.request().method() === "GET");
    await scenarioSelect.selectOption(SCENARIO);
    const versions = await (await versionsAnswer).json();
    before = Math.max(...versions.map((v) => v.version));
    await page.waitForFunction((v) => document.querySelector('[data-testid="version-select"]')?.value === v, String(before));
    await page.getByTestId("open-version").click();
    await page.getByTestId("current-scenario").filter({ hasText: SCENARIO }).filter({ hasText: String(before) }).waitFor();
    await outcome(
      "opening the scenario",
      page.locator('[data-testid="validation-status"][data-state="valid"]'),
      [page.locator('[data-testid="validation-status"]:is([data-state="invalid"], [data-state="error"])'), page.getByTestId("designer-error")],
    );
  });

  await step(`designer sets ${EDITED_TASK}'s time limit to ${NEW_TIME_LIMIT}`, async () => {
    await page.locator(`[data-testid="bpmn-canvas"] [data-element-id="${EDITED_TASK}"]`).click();
    const timeLimit = page.locator('[data-testid="properties-panel"] [data-entry-id="onestop-timeLimit"] input');
    await timeLimit.waitFor();
    const old = await timeLimit.inputValue();
    if (old === NEW_TIME_LIMIT) throw new Error(`${EDITED_TASK} already has the time limit ${NEW_TIME_LIMIT}; the test needs another one to change`);
    await timeLimit.fill(NEW_TIME_LIMIT);
    // The panel commits the value after its debounce: the page marks the diagram changed and checks it again.
    await page.getByTestId("dirty-state").waitFor({ state: "visible" });
    await outcome(
      "checking the changed model",
      page.locator('[data-testid="validation-status"][data-state="valid"]'),
      [page.locator('[data-testid="validation-status"]:is([data-state="invalid"], [data-state="error"])')],
    );
    await browser.screenshot(page, "designer-time-limit-changed");
    await audit(page, "designer");
  });

  let deployed;
  await step("designer deploys", async () => {
    await page.getByTestId("deploy").click();
    await outcome("deploying", page.getByTestId("deploy-result"), [page.getByTestId("deploy-error"), page.getByTestId("designer-error")]);
    deployed = before + 1;
    const said = await page.getByTestId("deploy-result").innerText();
    if (!new RegExp(`\\b${deployed}\\b`).test(said)) throw new Error(`deploying did not make version ${deployed}: the page says "${said.trim()}"`);
    await page.waitForFunction((v) => document.querySelector('[data-testid="version-select"]')?.value === v, String(deployed));
    await page.getByTestId("dirty-state").waitFor({ state: "hidden" });
    // The stored version carries the new limit on that task (read with the designer's own session).
    const detail = await apiInPage(page, `/api/scenarios/${SCENARIO}/versions/${deployed}`);
    const task = new RegExp(`<bpmn:userTask[^>]*id="${EDITED_TASK}"[^>]*>`).exec(detail.bpmn)?.[0] ?? "";
    if (!task.includes(`onestop:timeLimit="${NEW_TIME_LIMIT}"`)) {
      throw new Error(`version ${deployed} of ${SCENARIO} does not have onestop:timeLimit="${NEW_TIME_LIMIT}" on ${EDITED_TASK}: ${task || "task not found"}`);
    }
    await browser.screenshot(page, "designer-deployed");
  });

  await step("designer's other tabs (forms, merged form, simulation)", async () => {
    for (const [tab, shows, name] of [
      ["tab-forms", "form-editor", "forms"],
      ["tab-preview", "dedup-figure", "merged-form"],
      ["tab-simulation", "simulate-run", "simulation"],
    ]) {
      await page.getByTestId(tab).click();
      await page.getByTestId(tab).and(page.locator('[aria-selected="true"]')).waitFor();
      await page.getByTestId(shows).waitFor();
      await browser.screenshot(page, `designer-${name}`);
      await audit(page, `designer (${name.replace("-", " ")})`);
    }
  });
  await page.close();
  return { version: deployed, previous: before };
}

// ---- Citizen --------------------------------------------------------------------------------------

/** A small PDF: the server accepts materials by their content (it starts with %PDF-). */
function samplePdf() {
  const body = [
    "%PDF-1.4",
    "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj",
    "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj",
    "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj",
    "trailer << /Root 1 0 R >>",
    "%%EOF",
  ].join("\n");
  return Buffer.from(body, "latin1");
}

/** The citizen files one application through the merged form, with one material; returns its id. */
export async function citizenApplies({ browser, baseUrl, audit, step }, expectedVersion) {
  const page = await browser.newPage("citizen1");
  await step("citizen signs in", async () => {
    await page.goto(`${baseUrl}/`);
    await signIn(page, baseUrl, "citizen1", "/portal.html");
    await page.getByTestId(`apply-${SCENARIO}`).waitFor();
    await browser.screenshot(page, "portal-home");
    await audit(page, "portal (home)");
  });

  const form = page.getByTestId("apply-form");
  await step("citizen fills in the merged form", async () => {
    await page.getByTestId(`apply-${SCENARIO}`).click();
    await form.locator(".fjs-form").waitFor();
    await page.getByTestId("dedup").waitFor();
    for (const [label, option] of APPLICATION.selects) {
      const field = form.locator(".fjs-form-field-select").filter({ has: page.locator("label", { hasText: labelled(label) }) });
      await field.locator(".fjs-input-group").click();
      await field.locator(".fjs-dropdownlist-item").filter({ hasText: exactly(option) }).click();
      await field.locator(".fjs-select-display").filter({ hasText: exactly(option) }).waitFor();
    }
    for (const [label, checked] of APPLICATION.checkboxes) await form.getByLabel(labelled(label)).setChecked(checked);
    for (const [label, options] of APPLICATION.checklists) {
      const field = form.locator(".fjs-form-field-checklist").filter({ has: page.locator("label", { hasText: labelled(label) }) });
      for (const option of options) await field.getByLabel(exactly(option)).check();
    }
    for (const [label, option] of APPLICATION.radios) {
      const field = form.locator(".fjs-form-field-radio").filter({ has: page.locator("label", { hasText: labelled(label) }) });
      await field.getByLabel(exactly(option)).check();
    }
    let retyped = 0;
    for (const [label, value] of APPLICATION.text) retyped += await typeInto(form.getByLabel(labelled(label)), value, label);
    if (retyped > 0) console.log(`      (form-js dropped fast typing ${retyped} time(s); typed again)`);
    for (const [label, value] of APPLICATION.text) {
      const shown = await form.getByLabel(labelled(label)).inputValue();
      if (shown !== value) throw new Error(`the field "${label}" shows "${shown}" after being filled with "${value}"`);
    }
    const { department, fileName } = APPLICATION.material;
    await page.getByTestId("material-department").selectOption(department);
    await page.getByTestId("material-file").setInputFiles({ name: fileName, mimeType: "application/pdf", buffer: samplePdf() });
    await page.getByTestId("pending-materials").filter({ hasText: fileName }).waitFor();
    await browser.screenshot(page, "portal-apply-filled");
    await audit(page, "portal (merged form)");
  });

  let applicationId;
  await step("citizen submits (with the material)", async () => {
    await page.getByTestId("submit-application").click();
    await outcome("submitting the application", page.getByTestId("submitted"), [
      page.getByTestId("form-invalid"),
      page.getByTestId("submit-error"),
      page.getByTestId("upload-failed"),
    ]);
    applicationId = (await page.getByTestId("application-id").innerText()).trim();
    await page.getByTestId("materials").filter({ hasText: APPLICATION.material.fileName }).waitFor();
    const application = await apiInPage(page, `/api/applications/${applicationId}`);
    if (application.version !== expectedVersion) {
      throw new Error(`application ${applicationId} was filed on version ${application.version} of ${SCENARIO}, not on the version just deployed (${expectedVersion})`);
    }
    await browser.screenshot(page, "portal-submitted");
    await audit(page, "portal (application)");
  });
  return { page, applicationId };
}

// ---- Departments ----------------------------------------------------------------------------------

const DECIDING = new Set(["open", "claimed"]);

/** Until the application is completed: each department with an undecided task signs in and approves it in the inbox. */
export async function departmentsApprove({ browser, baseUrl, audit, step }, citizenPage, applicationId) {
  const approvedBy = [];
  for (let round = 1; round <= 8; round += 1) {
    const application = await apiInPage(citizenPage, `/api/applications/${applicationId}`);
    if (application.status === "completed") return approvedBy;
    const waiting = application.tasks.filter((task) => DECIDING.has(task.status));
    if (application.status !== "submitted" && application.status !== "in-progress") {
      throw new Error(`application ${applicationId} is ${application.status}, not completed`);
    }
    if (waiting.length === 0) throw new Error(`application ${applicationId} is ${application.status} but no task waits for a decision`);
    const byDepartment = new Map();
    for (const task of waiting) byDepartment.set(task.department, [...(byDepartment.get(task.department) ?? []), task]);
    for (const [department, tasks] of byDepartment) {
      const userName = `staff.${department}`;
      const page = await browser.newPage(userName);
      await step(`${userName} signs in`, async () => {
        await page.goto(`${baseUrl}/`);
        await signIn(page, baseUrl, userName, "/inbox.html");
      });
      for (const task of tasks) {
        await step(`${userName} claims, opens and approves "${task.name ?? task.id}"`, async () => {
          await approveInInbox(page, task, { browser, audit, first: approvedBy.length === 0 });
        });
        approvedBy.push({ department, task: task.name ?? task.id });
      }
      await page.close();
    }
  }
  throw new Error(`application ${applicationId} was still not completed after 8 rounds of approvals`);
}

async function approveInInbox(page, task, { browser, audit, first }) {
  const row = page.getByTestId(`queue-row-${task.id}`);
  await outcome(`finding task ${task.id} in the queue`, row, [page.getByTestId("queue-error"), page.getByTestId("queue-empty")]);
  if (first) {
    await browser.screenshot(page, "inbox-queue");
    await audit(page, "inbox (queue)");
  }
  await page.getByTestId(`open-task-${task.id}`).click();
  const errors = [page.getByTestId("action-error"), page.getByTestId("task-detail").getByTestId("error")];
  await outcome(`opening task ${task.id}`, page.getByTestId("claim-task"), errors);
  await page.getByTestId("claim-task").click();
  // Claimed by me: the release button replaces the claim button.
  await outcome(`claiming task ${task.id}`, page.getByTestId("release-task"), errors);
  await page.getByTestId("action-done").waitFor();
  if (first) {
    await browser.screenshot(page, "inbox-task-claimed");
    await audit(page, "inbox (task)");
  }
  if (first) {
    // The statute excludes testing, inspection and expert review from the limit: staff record one, the clock stops, and
    // they end it when the laboratory answers.
    await page.getByTestId("excluded-reason").selectOption("testing");
    await page.getByTestId("excluded-note").fill("Sample sent to the laboratory.");
    await page.getByTestId("start-excluded-period").click();
    await outcome(`starting an excluded period on task ${task.id}`, page.getByTestId("end-excluded-period"), errors);
    await browser.screenshot(page, "inbox-excluded-period");
    await page.getByTestId("end-excluded-period").click();
    await outcome(`ending the excluded period on task ${task.id}`, page.getByTestId("start-excluded-period"), errors);
  }
  await page.getByTestId("decision-approve").check();
  await page.getByTestId("decision-comment").fill(`Approved in the end-to-end test (${task.department}).`);
  await page.getByTestId("submit-decision").click();
  await outcome(`approving task ${task.id}`, page.getByTestId("task-status").filter({ hasText: /Approved/ }), errors);
  if (first) await browser.screenshot(page, "inbox-task-approved");
}

// ---- Outcome --------------------------------------------------------------------------------------

/** The citizen sees the completed application and downloads the bundle; returns the saved file. */
export async function citizenDownloadsBundle({ browser, audit, step }, page, applicationId, savePath) {
  let download;
  await step("citizen sees the application completed", async () => {
    await page.getByTestId("refresh-application").click();
    await page.locator('[data-testid="application-status"][data-status="completed"]').waitFor();
    await page.getByTestId("download-bundle").waitFor();
    await browser.screenshot(page, "portal-completed");
    await audit(page, "portal (completed)");
  });
  await step("the completed application in 简体中文", async () => {
    await page.getByTestId("lang-zh-CN").click();
    await page.locator('html[lang="zh-CN"]').waitFor({ state: "attached" });
    // The view is drawn again in the new language: wait for its words, not for the element that was there before.
    await page.getByTestId("download-bundle").filter({ hasText: "下载" }).waitFor();
    await browser.screenshot(page, "portal-completed-zh-CN");
    await audit(page, "portal (zh-CN)");
    // Back to English: the language is kept for every tab, and the next pages are read in English.
    await page.getByTestId("lang-en").click();
    await page.locator('html[lang="en"]').waitFor({ state: "attached" });
    await page.getByTestId("download-bundle").filter({ hasText: "Download" }).waitFor();
  });
  await step("citizen downloads the outcome bundle", async () => {
    const started = page.waitForEvent("download");
    const refused = page.getByTestId("bundle-error");
    await page.getByTestId("download-bundle").click();
    download = await Promise.race([
      started,
      refused.waitFor().then(async () => {
        throw new Error(`the portal could not download the bundle: ${(await refused.innerText()).replace(/\s+/g, " ")}`);
      }),
    ]);
    const failure = await download.failure();
    if (failure) throw new Error(`the bundle download failed: ${failure}`);
    await download.saveAs(savePath);
    if (!download.suggestedFilename().endsWith(".zip")) throw new Error(`the bundle was offered as "${download.suggestedFilename()}", not a .zip`);
  });
  return { fileName: download.suggestedFilename(), applicationId };
}

/** The supervisor's figures after the application (sign-in, charts and tables, follow-ups). */
export async function supervisorLooks({ browser, baseUrl, audit, step }) {
  const page = await browser.newPage("supervisor");
  await step("supervisor signs in and sees the figures", async () => {
    await page.goto(`${baseUrl}/`);
    await signIn(page, baseUrl, "supervisor", "/supervision.html");
    await outcome("loading the figures", page.getByTestId("table-departments"), [page.getByTestId("stats-error")]);
    await outcome("loading the follow-ups", page.getByTestId("followups-empty").or(page.locator('[data-testid="follow-ups"] li')), [page.getByTestId("followups-error")]);
    await browser.screenshot(page, "supervision");
    await audit(page, "supervision");
  });
  await page.close();
}
