// The department staff inbox: the queue sorted by due date with its time-limit signals, and the chosen task's
// application (only what the department may see — the server filters), with claim / release, approve / reject,
// supplementation request and excluded periods. The chosen task is in the URL hash: "#/task/<id>".
import "./messages";
import { api, ApiError, apiDownload, saveBlob } from "../shared/api";
import {
  decisionText,
  departmentName,
  formatBytes,
  pauseReasonText,
  scenarioTitle,
  statusText,
  type ApplicationTask,
  type ApplicationView,
  type AttachmentView,
  type FormFieldInfo,
  type HistoryEntry,
  type QueueItem,
  type ScenarioForm,
  type ScenarioSummary,
} from "../shared/domain";
import { announce, busy, el, errorBox, loading, setContent, signalFor } from "../shared/dom";
import { formatDate, formatDateTime, onLocaleChange, t, tCode } from "../shared/i18n";
import { startPage } from "../shared/shell";
import type { Session } from "../shared/session";

const STATUSES = ["", "open", "claimed", "supplement-requested", "completed"];
const EXCLUDED_REASONS = ["testing", "inspection", "expert-review"];

interface State {
  department: string;
  status: string;
  queue: QueueItem[];
  scenarios: ScenarioSummary[];
  forms: Map<string, ScenarioForm>;
}

let session: Session;
let main: HTMLElement;
const state: State = { department: "", status: "", queue: [], scenarios: [], forms: new Map() };
const queueBox = el("div", { "data-testid": "queue" });
const detailBox = el("div", { "data-testid": "task-detail" });
const queueMessages = el("div");
/** Every queue item seen on this page, by task id. */
const known = new Map<string, QueueItem>();

startPage({ titleKey: "inbox.title", role: "staff", roles: ["staff", "supervisor"] }, (mainElement, signedIn) => {
  session = signedIn;
  main = mainElement;
  // A member of one department starts on it; several departments or a supervisor start on all of them.
  state.department = session.departments.length === 1 ? session.departments[0]! : "";
  // Opening a task moves the focus to it (on a phone the task is below the queue).
  window.addEventListener("hashchange", () => void renderDetail().then(() => document.getElementById("task-heading")?.focus()));
  onLocaleChange(() => void renderPage(false));
  void renderPage(true);
});

function selectedTaskId(): string | null {
  const match = /^#\/task\/([^/]+)$/.exec(window.location.hash);
  return match ? decodeURIComponent(match[1]!) : null;
}

async function renderPage(load: boolean): Promise<void> {
  setContent(
    main,
    el("h1", {}, t("inbox.heading")),
    filters(),
    queueMessages,
    el(
      "div",
      { className: "split" },
      el("section", { "aria-labelledby": "queue-heading" }, el("h2", { id: "queue-heading" }, t("inbox.queue")), queueBox),
      el("section", { "aria-label": t("task.application"), "aria-live": "off" }, detailBox),
    ),
  );
  if (load) {
    try {
      state.scenarios = await api<ScenarioSummary[]>("/api/scenarios");
    } catch (error) {
      queueMessages.append(errorBox(error));
    }
    // The department list of a supervisor comes from the scenarios; redraw the filter once they are known.
    const old = main.querySelector(".filters");
    old?.replaceWith(filters());
    await loadQueue();
  } else {
    renderQueue();
  }
  await renderDetail();
}

function departmentsToChoose(): string[] {
  if (session.roles.includes("supervisor") || session.roles.includes("admin")) {
    return [...new Set(state.scenarios.flatMap((s) => s.departments))].sort();
  }
  return [...session.departments].sort();
}

function filters(): HTMLElement {
  const departments = departmentsToChoose();
  const department = el(
    "select",
    { id: "filter-department", "data-testid": "filter-department" },
    departments.length !== 1 ? el("option", { value: "" }, t("inbox.allDepartments")) : null,
    departments.map((d) => el("option", { value: d, selected: d === state.department }, departmentName(d))),
  );
  const status = el(
    "select",
    { id: "filter-status", "data-testid": "filter-status" },
    STATUSES.map((s) => el("option", { value: s, selected: s === state.status }, s === "" ? t("inbox.statusActive") : statusText(s))),
  );
  const refresh = el("button", { type: "button", className: "button-secondary", "data-testid": "refresh-queue" }, t("inbox.refresh"));
  department.addEventListener("change", () => {
    state.department = department.value;
    void loadQueue();
  });
  status.addEventListener("change", () => {
    state.status = status.value;
    void loadQueue();
  });
  refresh.addEventListener("click", () =>
    void busy(refresh, async () => {
      await loadQueue();
      await renderDetail();
      announce(t("inbox.refreshed"));
    }),
  );
  return el(
    "form",
    { className: "card filters row", "aria-label": t("inbox.filters"), onsubmit: (event: Event) => event.preventDefault() },
    el("div", { className: "field" }, el("label", { for: "filter-department" }, t("inbox.department")), department),
    el("div", { className: "field" }, el("label", { for: "filter-status" }, t("inbox.status")), status),
    refresh,
  );
}

async function loadQueue(): Promise<void> {
  queueMessages.replaceChildren();
  setContent(queueBox, loading());
  const query = new URLSearchParams();
  if (state.department) query.set("department", state.department);
  if (state.status) query.set("status", state.status);
  try {
    state.queue = await api<QueueItem[]>(`/api/tasks${query.size > 0 ? `?${query}` : ""}`);
  } catch (error) {
    state.queue = [];
    setContent(queueBox, errorBox(error, { testId: "queue-error" }));
    return;
  }
  // Earliest due first; no time limit last (the server sorts the same way; kept here so the order never depends on it).
  for (const item of state.queue) known.set(item.id, item);
  state.queue.sort((a, b) => (a.dueAt ?? "9999").localeCompare(b.dueAt ?? "9999") || a.createdAt.localeCompare(b.createdAt));
  renderQueue();
}

function renderQueue(): void {
  const selected = selectedTaskId();
  if (state.queue.length === 0) {
    setContent(queueBox, el("p", { "data-testid": "queue-empty" }, t("inbox.empty")));
    return;
  }
  setContent(
    queueBox,
    el("p", { className: "muted small" }, (state.queue.length === 1 ? t("inbox.queueCountOne") : t("inbox.queueCount", { n: state.queue.length }))),
    el(
      "div",
      { className: "table-wrap" },
      el(
        "table",
        { className: "data responsive" },
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            ["inbox.col.due", "inbox.col.application", "inbox.col.status", "inbox.col.actions"].map((key) =>
              el("th", { scope: "col" }, t(key)),
            ),
          ),
        ),
        el(
          "tbody",
          {},
          state.queue.map((item) => {
            const scenario = state.scenarios.find((s) => s.key === item.scenario);
            const title = scenarioTitle(item.scenario, scenario?.title);
            const taskName = item.name ?? departmentName(item.department);
            return el(
              "tr",
              { className: item.id === selected ? "selected" : "", "data-testid": `queue-row-${item.id}`, "data-signal": item.signal ?? "" },
              el(
                "td",
                { "data-label": t("inbox.col.due") },
                el("div", {}, item.dueAt ? formatDateTime(item.dueAt) : t("inbox.noDue")),
                item.status === "completed" ? null : signalFor(item),
              ),
              el(
                "td",
                { "data-label": t("inbox.col.application") },
                el("div", {}, title),
                el("div", { className: "muted small" }, `${taskName} · ${departmentName(item.department)}`),
                el("div", { className: "muted small" }, shortId(item.applicationId)),
              ),
              el(
                "td",
                { "data-label": t("inbox.col.status") },
                el("span", { className: `badge badge-${item.status}` }, statusText(item.status)),
                item.claimedBy ? el("div", { className: "muted small" }, `${t("inbox.col.claimedBy")}: ${item.claimedBy}`) : null,
              ),
              el(
                "td",
                {},
                el(
                  "a",
                  {
                    href: `#/task/${encodeURIComponent(item.id)}`,
                    className: "button button-secondary",
                    "aria-label": t("inbox.openNamed", { task: taskName, application: shortId(item.applicationId) }),
                    "aria-current": item.id === selected ? "true" : null,
                    "data-testid": `open-task-${item.id}`,
                  },
                  t("inbox.open"),
                ),
              ),
            );
          }),
        ),
      ),
    ),
  );
}

function shortId(id: string): string {
  return id.length > 8 ? `…${id.slice(-8)}` : id;
}

async function formOf(scenario: string): Promise<ScenarioForm | null> {
  if (state.forms.has(scenario)) return state.forms.get(scenario)!;
  try {
    const form = await api<ScenarioForm>(`/api/scenarios/${encodeURIComponent(scenario)}/form`);
    state.forms.set(scenario, form);
    return form;
  } catch {
    return null; // labels fall back to the field keys
  }
}

async function renderDetail(): Promise<void> {
  renderQueue();
  const taskId = selectedTaskId();
  if (!taskId) {
    setContent(detailBox, el("p", { className: "card muted" }, t("inbox.select")));
    return;
  }
  setContent(detailBox, loading());
  // A task just decided has left the "not yet decided" queue: it is still shown, from what was known of it.
  const queued = state.queue.find((q) => q.id === taskId) ?? known.get(taskId);
  if (!queued) {
    setContent(detailBox, el("div", { className: "alert alert-info", role: "status" }, t("task.notFound")));
    return;
  }
  let application: ApplicationView;
  try {
    application = await api<ApplicationView>(`/api/applications/${encodeURIComponent(queued.applicationId)}`);
  } catch (error) {
    setContent(detailBox, errorBox(error));
    return;
  }
  if (selectedTaskId() !== taskId) return; // another task was chosen meanwhile
  const task = application.tasks.find((candidate) => candidate.id === taskId);
  const item: QueueItem = task ? { ...queued, status: task.status, claimedBy: task.claimedBy ?? null } : queued;
  const form = await formOf(application.scenario);
  const messages = el("div", { id: "task-messages" });
  const department = item.department ?? task?.department ?? null;
  const heading = el("h2", { id: "task-heading", tabindex: "-1" }, t("task.heading", { task: item.name ?? t("task.application"), department: departmentName(department) }));
  const decided = item.status === "completed" || task?.status === "completed";
  const claimedByMe = item.claimedBy === session.userName;
  const claimedByOther = !!item.claimedBy && !claimedByMe;

  setContent(
    detailBox,
    el(
      "article",
      { className: "card", "aria-labelledby": "task-heading" },
      heading,
      messages,
      el(
        "dl",
        { className: "facts" },
        el("dt", {}, t("task.application")),
        el("dd", {}, `${scenarioTitle(application.scenario, application.title)} (${application.id})`),
        el("dt", {}, t("task.submitted")),
        el("dd", {}, formatDateTime(application.submittedAt)),
        el("dt", {}, t("task.status")),
        el("dd", { "data-testid": "task-status" }, statusText(item.status), task?.decision ? ` – ${decisionText(task.decision)}` : ""),
        el("dt", {}, t("task.due")),
        el("dd", {}, item.dueAt ? formatDateTime(item.dueAt) : t("inbox.noDue"), " ", decided ? null : signalFor(item)),
        item.paused && item.pauseReason ? [el("dt", {}, t("excluded.reason")), el("dd", {}, t("task.pausedBecause", { reason: pauseReasonText(item.pauseReason) }))] : null,
        el("dt", {}, t("task.claimedBy")),
        el("dd", {}, item.claimedBy ?? t("inbox.nobody")),
      ),
      decided ? el("p", { className: "alert alert-info" }, t("task.done", { decision: decisionText(task?.decision) })) : claimActions(item, claimedByMe, messages),
    ),
    dataSection(application, form),
    materialsSection(application.id),
    !decided && !claimedByOther ? supplementSection(item, task, department, form, messages) : null,
    !decided && !claimedByOther ? decisionSection(item, messages) : null,
    !decided && !claimedByOther ? excludedSection(item, messages) : null,
    historySection(application.id),
  );
}

/** Runs a task action, shows its outcome and redraws queue and task. */
async function act(messages: HTMLElement, control: HTMLButtonElement, action: () => Promise<unknown>, done: string): Promise<void> {
  await busy(control, async () => {
    messages.replaceChildren();
    try {
      await action();
    } catch (error) {
      messages.append(errorBox(error, { testId: "action-error" }));
      messages.scrollIntoView({ block: "nearest" });
      return;
    }
    await loadQueue();
    await renderDetail();
    const box = document.getElementById("task-messages");
    box?.append(el("div", { className: "alert alert-success", role: "status", "data-testid": "action-done" }, done));
    document.getElementById("task-heading")?.focus();
    announce(done);
  });
}

function claimActions(item: QueueItem, claimedByMe: boolean, messages: HTMLElement): HTMLElement {
  const path = `/api/tasks/${encodeURIComponent(item.id)}`;
  const canRelease = claimedByMe || (!!item.claimedBy && (session.roles.includes("supervisor") || session.roles.includes("admin")));
  const claim = el("button", { type: "button", "data-testid": "claim-task" }, t("task.claim"));
  const release = el("button", { type: "button", className: "button-secondary", "data-testid": "release-task" }, t("task.release"));
  claim.addEventListener("click", () => void act(messages, claim, () => api(`${path}/claim`, { method: "POST" }), t("task.claimed")));
  release.addEventListener("click", () => void act(messages, release, () => api(`${path}/release`, { method: "POST" }), t("task.released")));
  return el("div", { className: "actions" }, !item.claimedBy ? claim : null, canRelease ? release : null);
}

function dataSection(application: ApplicationView, form: ScenarioForm | null): HTMLElement {
  const labels = new Map((form?.fields ?? []).map((f) => [f.key, f.label]));
  const order = (form?.fields ?? []).map((f) => f.key);
  const keys = Object.keys(application.data).sort((a, b) => rank(order, a) - rank(order, b));
  return el(
    "section",
    { className: "card", "aria-labelledby": "data-heading" },
    el("h3", { id: "data-heading" }, t("data.heading")),
    el("p", { className: "muted small" }, t("data.note")),
    keys.length === 0
      ? el("p", {}, t("data.none"))
      : el(
          "dl",
          { className: "facts", "data-testid": "application-data" },
          keys.map((key) => [el("dt", {}, labels.get(key) ?? key), el("dd", { "data-field": key }, displayValue(application.data[key]))]),
        ),
  );
}

function rank(order: string[], key: string): number {
  const index = order.indexOf(key);
  return index < 0 ? Number.MAX_SAFE_INTEGER : index;
}

function displayValue(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? t("data.yes") : t("data.no");
  if (Array.isArray(value)) return value.map(displayValue).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function materialsSection(applicationId: string): HTMLElement {
  const section = el("section", { className: "card", "aria-labelledby": "materials-heading" }, el("h3", { id: "materials-heading" }, t("materials.heading")));
  const body = el("div", {}, loading());
  const messages = el("div");
  section.append(messages, body);
  const base = `/api/applications/${encodeURIComponent(applicationId)}/attachments`;
  void api<AttachmentView[]>(base).then(
    (attachments) =>
      setContent(
        body,
        attachments.length === 0
          ? el("p", {}, t("materials.none"))
          : el(
              "ul",
              { className: "plain", "data-testid": "task-materials" },
              attachments.map((attachment) => {
                const download = el(
                  "button",
                  { type: "button", className: "button-secondary", "aria-label": t("materials.downloadNamed", { name: attachment.fileName }) },
                  t("materials.download"),
                );
                download.addEventListener("click", () =>
                  void busy(download, async () => {
                    messages.replaceChildren();
                    try {
                      const { blob } = await apiDownload(`${base}/${encodeURIComponent(attachment.id)}`, attachment.fileName);
                      saveBlob(blob, attachment.fileName);
                    } catch (error) {
                      messages.append(errorBox(error));
                    }
                  }),
                );
                return el(
                  "li",
                  { className: "row" },
                  el(
                    "span",
                    {},
                    `${attachment.fileName} (${formatBytes(attachment.size)}) – ${attachment.department ? departmentName(attachment.department) : t("materials.all")} – ${formatDateTime(attachment.uploadedAt)}`,
                  ),
                  download,
                );
              }),
            ),
      ),
    (error) => setContent(body, errorBox(error)),
  );
  return section;
}

/** The fields this department may ask for again: its own and the shared ones. */
function askableFields(form: ScenarioForm | null, department: string | null, data: Record<string, unknown>): FormFieldInfo[] {
  if (!form) return Object.keys(data).map((key) => ({ key, label: key, departments: [], shared: false }));
  return form.fields.filter((f) => f.shared || (department !== null && f.departments.includes(department)));
}

function supplementSection(item: QueueItem, task: ApplicationTask | undefined, department: string | null, form: ScenarioForm | null, messages: HTMLElement): HTMLElement {
  const labels = new Map((form?.fields ?? []).map((f) => [f.key, f.label]));
  if (task?.supplement) {
    return el(
      "section",
      { className: "card", "aria-labelledby": "supplement-heading" },
      el("h3", { id: "supplement-heading" }, t("supplement.heading")),
      el("p", { className: "alert alert-warning", "data-testid": "supplement-waiting" }, t("supplement.waiting", { fields: task.supplement.fields.map((f) => labels.get(f) ?? f).join(", ") })),
    );
  }
  const fields = askableFields(form, department, {});
  const message = el("textarea", { id: "supplement-message", maxlength: 2000, "data-testid": "supplement-message" });
  const submit = el("button", { type: "submit", className: "button-secondary", "data-testid": "request-supplement" }, t("supplement.submit"));
  const fieldset = el(
    "fieldset",
    {},
    el("legend", {}, t("supplement.legend")),
    fields.map((field, index) =>
      el(
        "div",
        { className: "row" },
        el("input", { type: "checkbox", id: `supplement-field-${index}`, name: "fields", value: field.key, "data-testid": `supplement-field-${field.key}` }),
        el("label", { for: `supplement-field-${index}`, className: "inline-label" }, field.label),
      ),
    ),
  );
  const formElement = el(
    "form",
    { novalidate: true },
    fieldset,
    el("div", { className: "field" }, el("label", { for: "supplement-message" }, t("supplement.message")), message),
    el("div", { className: "actions" }, submit),
  );
  formElement.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = Array.from(formElement.querySelectorAll<HTMLInputElement>("input[name=fields]:checked")).map((input) => input.value);
    if (chosen.length === 0) {
      messages.replaceChildren(errorBox(new ApiError({ status: 400, title: t("supplement.chooseFields") }), { testId: "action-error" }));
      messages.scrollIntoView({ block: "nearest" });
      return;
    }
    void act(
      messages,
      submit,
      () => api(`/api/tasks/${encodeURIComponent(item.id)}/request-supplement`, { method: "POST", json: { fields: chosen, message: message.value.trim() || null } }),
      t("supplement.done"),
    );
  });
  return el("section", { className: "card", "aria-labelledby": "supplement-heading" }, el("h3", { id: "supplement-heading" }, t("supplement.heading")), formElement);
}

function decisionSection(item: QueueItem, messages: HTMLElement): HTMLElement {
  const comment = el("textarea", { id: "decision-comment", maxlength: 2000, "aria-describedby": "decision-comment-hint", "data-testid": "decision-comment" });
  const details = el("textarea", { id: "decision-details", "aria-describedby": "decision-details-hint", "data-testid": "decision-details", rows: 3 });
  const submit = el("button", { type: "submit", "data-testid": "submit-decision" }, t("decide.submit"));
  const form = el(
    "form",
    { novalidate: true },
    el(
      "fieldset",
      { className: "rating" },
      el("legend", {}, t("decide.legend")),
      el("label", {}, el("input", { type: "radio", name: "decision", value: "approved", "data-testid": "decision-approve" }), el("span", {}, t("decide.approve"))),
      el("label", {}, el("input", { type: "radio", name: "decision", value: "rejected", "data-testid": "decision-reject" }), el("span", {}, t("decide.reject"))),
    ),
    el(
      "div",
      { className: "field" },
      el("label", { for: "decision-comment" }, t("decide.comment")),
      comment,
      el("p", { id: "decision-comment-hint", className: "field-hint" }, t("decide.commentHint")),
    ),
    el(
      "div",
      { className: "field" },
      el("label", { for: "decision-details" }, t("decide.details")),
      details,
      el("p", { id: "decision-details-hint", className: "field-hint" }, t("decide.detailsHint")),
    ),
    el("div", { className: "actions" }, submit),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const decision = form.querySelector<HTMLInputElement>("input[name=decision]:checked")?.value;
    const problems: Record<string, string[]> = {};
    if (!decision) problems[t("decide.legend")] = [t("decide.choose")];
    if (decision === "rejected" && !comment.value.trim()) problems[t("decide.comment")] = [t("decide.reasonRequired")];
    const data: Record<string, string | number | boolean> = {};
    details.value.split("\n").forEach((line, index) => {
      if (!line.trim()) return;
      const match = /^\s*([^=]+?)\s*=\s*(.*?)\s*$/.exec(line);
      if (!match) {
        (problems[t("decide.details")] ??= []).push(t("decide.detailsInvalid", { line: index + 1 }));
        return;
      }
      data[match[1]!] = match[2]!;
    });
    if (Object.keys(problems).length > 0) {
      messages.replaceChildren(errorBox(new ApiError({ status: 400, title: t("inbox.invalid"), errors: problems }), { testId: "action-error" }));
      messages.scrollIntoView({ block: "nearest" });
      return;
    }
    void act(
      messages,
      submit,
      () =>
        api(`/api/tasks/${encodeURIComponent(item.id)}/complete`, {
          method: "POST",
          json: { decision, comment: comment.value.trim() || null, data: Object.keys(data).length > 0 ? data : null },
        }),
      t("decide.done"),
    );
  });
  return el("section", { className: "card", "aria-labelledby": "decision-heading" }, el("h3", { id: "decision-heading" }, t("decide.heading")), form);
}

function excludedSection(item: QueueItem, messages: HTMLElement): HTMLElement {
  const path = `/api/tasks/${encodeURIComponent(item.id)}/excluded-periods`;
  const heading = el("h3", { id: "excluded-heading" }, t("excluded.heading"));
  const excludedRunning = item.paused && item.pauseReason && EXCLUDED_REASONS.includes(item.pauseReason);
  if (excludedRunning) {
    const end = el("button", { type: "button", className: "button-secondary", "data-testid": "end-excluded-period" }, t("excluded.end"));
    end.addEventListener("click", () => void act(messages, end, () => unavailableAs404(api(`${path}/end`, { method: "POST", json: {} })), t("excluded.ended")));
    return el(
      "section",
      { className: "card", "aria-labelledby": "excluded-heading" },
      heading,
      el("p", {}, t("excluded.running", { reason: pauseReasonText(item.pauseReason) })),
      end,
    );
  }
  const reason = el(
    "select",
    { id: "excluded-reason", "data-testid": "excluded-reason" },
    EXCLUDED_REASONS.map((r) => el("option", { value: r }, tCode("excluded", r))),
  );
  const note = el("input", { id: "excluded-note", type: "text", maxlength: 500, "data-testid": "excluded-note" });
  const start = el("button", { type: "submit", className: "button-secondary", "data-testid": "start-excluded-period" }, t("excluded.start"));
  const form = el(
    "form",
    { novalidate: true },
    el("p", { className: "muted small" }, t("excluded.intro")),
    el("div", { className: "field" }, el("label", { for: "excluded-reason" }, t("excluded.reason")), reason),
    el("div", { className: "field" }, el("label", { for: "excluded-note" }, t("excluded.note")), note),
    el("div", { className: "actions" }, start),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void act(messages, start, () => unavailableAs404(api(path, { method: "POST", json: { reason: reason.value, note: note.value.trim() || null } })), t("excluded.started"));
  });
  return el("section", { className: "card", "aria-labelledby": "excluded-heading" }, heading, form);
}

/** A server without the endpoint yet answers 404 with no problem detail: say the feature is not available. */
async function unavailableAs404<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404 && !error.detail) throw new ApiError({ status: 404, title: t("error.unavailable") });
    throw error;
  }
}

function historySection(applicationId: string): HTMLElement {
  const list = el("div", {}, loading());
  const details = el("details", { className: "card", "data-testid": "history" }, el("summary", {}, t("history.heading")), list);
  let loaded = false;
  details.addEventListener("toggle", () => {
    if (!details.open || loaded) return;
    loaded = true;
    void api<HistoryEntry[]>(`/api/applications/${encodeURIComponent(applicationId)}/history`).then(
      (entries) => {
        const shown = entries.filter((entry) => entry.kind !== "NodeCompleted");
        setContent(
          list,
          shown.length === 0
            ? el("p", {}, t("history.empty"))
            : el(
                "ol",
                { className: "plain" },
                shown.map((entry) =>
                  el(
                    "li",
                    {},
                    el("time", { datetime: entry.at }, formatDate(entry.at) === "" ? entry.at : formatDateTime(entry.at)),
                    " – ",
                    tCode("history.kind", entry.kind),
                    entry.actor ? el("span", { className: "muted" }, ` (${entry.actor})`) : null,
                  ),
                ),
              ),
        );
      },
      (error) => setContent(list, errorBox(error)),
    );
  });
  return details;
}
