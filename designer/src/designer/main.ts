// The scenario designer (role designer or admin): open any deployed version of a scenario, edit its process with bpmn-js
// and its department forms with the form-js editor, see the server's problems on the diagram as you work, preview the
// merged form with its dedup figure, simulate, and deploy a new version.
import { ApiError } from "../shared/api";
import { el, errorBox, notice, setContent, announce } from "../shared/dom";
import { formatDateTime, onLocaleChange, t } from "../shared/i18n";
import { NavigatingAway, requireRole } from "../shared/session";
import { mountShell } from "../shared/shell";
import { FormsPanel } from "./forms";
import "./messages";
import { blankDiagram, DiagramEditor } from "./modeler";
import { MergedPreview } from "./preview";
import {
  deployScenario,
  getVersion,
  listScenarios,
  listVersions,
  validateScenario,
  type DesignProblem,
  type Forms,
  type ScenarioSummary,
  type Validation,
} from "./scenarios";
import { SimulationPanel } from "./simulation";
import "./designer.css";

type TabId = "process" | "forms" | "preview" | "simulation";
const TABS: TabId[] = ["process", "forms", "preview", "simulation"];

/** The scenario being edited. */
const state = {
  key: null as string | null,
  version: null as number | null,
  forms: {} as Forms,
  dirty: false,
  validation: null as Validation | null,
  scenarios: [] as ScenarioSummary[],
  tab: "process" as TabId,
};

const VALIDATION_DELAY_MS = 700;

interface Page {
  diagram: DiagramEditor;
  forms: FormsPanel;
  preview: MergedPreview;
  scenarioSelect: HTMLSelectElement;
  versionSelect: HTMLSelectElement;
  elementSelect: HTMLSelectElement;
  current: HTMLElement;
  dirtyMark: HTMLElement;
  validationStatus: HTMLElement;
  problems: HTMLElement;
  notices: HTMLElement;
  deployButton: HTMLButtonElement;
  tabs: Map<TabId, { tab: HTMLButtonElement; panel: HTMLElement }>;
}

let page: Page;
let loading = false;
let validationTimer: number | undefined;
let validationRun = 0;
let validationAbort: AbortController | null = null;

function main(): void {
  try {
    requireRole("designer", "admin");
  } catch (error) {
    if (error instanceof NavigatingAway) return;
    throw error;
  }
  const root = mountShell({ titleKey: "nav.designer", role: "designer" });
  root.classList.add("designer-page");
  build(root);

  onLocaleChange(() => void relocalise(root));
  window.addEventListener("beforeunload", (event) => {
    if (state.dirty) event.preventDefault();
  });

  void start();
}

async function start(): Promise<void> {
  await refreshScenarios(null);
  const query = new URLSearchParams(window.location.search);
  const key = query.get("scenario");
  const version = Number(query.get("version"));
  if (key) {
    const latest = state.scenarios.find((s) => s.key === key)?.version;
    await openVersion(key, Number.isInteger(version) && version > 0 ? version : (latest ?? 1), { confirm: false });
  } else {
    await openBlank("new-scenario", t("new.defaultTitle"));
  }
}

// ---- Page ---------------------------------------------------------------------------------------

function build(root: HTMLElement): void {
  const scenarioSelect = el("select", { id: "scenario-select", "data-testid": "scenario-select" });
  const versionSelect = el("select", { id: "version-select", "data-testid": "version-select" });
  scenarioSelect.addEventListener("change", () => void loadVersions(scenarioSelect.value, null));

  const openButton = el("button", { type: "button", "data-testid": "open-version" }, t("toolbar.open"));
  openButton.addEventListener("click", () => {
    const version = Number(versionSelect.value);
    if (scenarioSelect.value && version > 0) void openVersion(scenarioSelect.value, version, { confirm: true });
  });

  const fileInput = el("input", { type: "file", id: "import-bpmn", accept: ".bpmn,.xml,application/xml,text/xml", className: "designer-file-input", "data-testid": "import-bpmn" });
  fileInput.addEventListener("change", () => void importFile(fileInput));

  const deployButton = el("button", { type: "button", "data-testid": "deploy" }, t("toolbar.deploy"));
  deployButton.addEventListener("click", () => void deploy());

  const current = el("span", { className: "designer-current", "data-testid": "current-scenario" });
  const dirtyMark = el("span", { className: "badge designer-dirty", "data-testid": "dirty-state", hidden: true }, t("status.unsaved"));
  const validationStatus = el("span", { className: "designer-validation", "data-testid": "validation-status", role: "status", "aria-live": "polite" });
  const notices = el("div", { className: "designer-notices" });

  const toolbar = el(
    "section",
    { className: "card designer-toolbar", "aria-label": t("toolbar.label") },
    el(
      "div",
      { className: "designer-toolbar-row" },
      el("div", { className: "designer-control" }, el("label", { for: "scenario-select" }, t("toolbar.scenario")), scenarioSelect),
      el("div", { className: "designer-control designer-control-narrow" }, el("label", { for: "version-select" }, t("toolbar.version")), versionSelect),
      el("div", { className: "designer-control-buttons" }, openButton),
      el(
        "div",
        { className: "designer-control-buttons" },
        el("button", { type: "button", className: "button-secondary", "data-testid": "new-scenario", onclick: () => newScenario() }, t("toolbar.new")),
        fileInput,
        el("label", { for: "import-bpmn", className: "button button-secondary designer-file-button", "data-testid": "import-bpmn-label" }, t("toolbar.import")),
        el("button", { type: "button", className: "button-secondary", "data-testid": "download-bpmn", onclick: () => void download() }, t("toolbar.download")),
      ),
    ),
    el(
      "div",
      { className: "designer-toolbar-row designer-status-row" },
      el("p", { className: "designer-status" }, current, " ", dirtyMark),
      el(
        "div",
        { className: "designer-control-buttons" },
        validationStatus,
        el("button", { type: "button", className: "button-secondary", "data-testid": "validate", onclick: () => void validateNow() }, t("toolbar.validate")),
        deployButton,
      ),
    ),
    notices,
  );

  // Tabs
  const tabList = el("div", { role: "tablist", className: "designer-tabs", "aria-label": t("tabs.label") });
  const tabs = new Map<TabId, { tab: HTMLButtonElement; panel: HTMLElement }>();
  const panels = el("div", { className: "designer-panels" });
  for (const id of TABS) {
    const tab = el(
      "button",
      { type: "button", role: "tab", id: `tab-${id}`, "aria-controls": `panel-${id}`, "data-testid": `tab-${id}`, className: "designer-tab" },
      t(`tabs.${id}`),
    );
    const panel = el("div", { role: "tabpanel", id: `panel-${id}`, "aria-labelledby": `tab-${id}`, className: "designer-panel", tabindex: "0" });
    tab.addEventListener("click", () => selectTab(id));
    tab.addEventListener("keydown", (event) => {
      const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
      if (!step) return;
      event.preventDefault();
      const next = TABS[(TABS.indexOf(id) + step + TABS.length) % TABS.length]!;
      selectTab(next);
      tabs.get(next)?.tab.focus();
    });
    tabs.set(id, { tab, panel });
    tabList.append(tab);
    panels.append(panel);
  }

  // Process tab: element list, zoom, canvas and properties panel.
  const elementSelect = el("select", { id: "element-select", "data-testid": "element-select" });
  const canvas = el("div", {
    className: "designer-lib designer-canvas",
    "data-testid": "bpmn-canvas",
    role: "region",
    "aria-label": t("process.canvas"),
  });
  const properties = el("aside", { className: "designer-lib designer-properties", "data-testid": "properties-panel", "aria-label": t("process.properties") });
  const zoom = (step: number | "fit") => page.diagram.zoom(step);
  tabs.get("process")!.panel.append(
    el(
      "div",
      { className: "designer-toolbar-row designer-process-bar" },
      el("div", { className: "designer-control" }, el("label", { for: "element-select" }, t("process.element")), elementSelect),
      el(
        "div",
        { className: "designer-control-buttons", role: "group", "aria-label": t("process.zoom") },
        el("button", { type: "button", className: "button-secondary", "data-testid": "zoom-in", "aria-label": t("process.zoomIn"), onclick: () => zoom(1.25) }, "+"),
        el("button", { type: "button", className: "button-secondary", "data-testid": "zoom-out", "aria-label": t("process.zoomOut"), onclick: () => zoom(0.8) }, "−"),
        el("button", { type: "button", className: "button-secondary", "data-testid": "zoom-fit", onclick: () => zoom("fit") }, t("process.zoomFit")),
      ),
    ),
    el("p", { className: "muted small designer-hint" }, t("process.hint")),
    el("div", { className: "designer-workbench" }, canvas, properties),
  );
  elementSelect.addEventListener("change", () => {
    page.diagram.select(elementSelect.value || null);
  });

  const problems = el("section", { className: "card designer-problems", "data-testid": "problem-list", "aria-labelledby": "problems-title" });

  setContent(root, el("h1", { className: "visually-hidden" }, t("nav.designer")), toolbar, tabList, panels, problems);

  const diagram = new DiagramEditor(
    canvas,
    properties,
    { formKeys: () => Object.keys(state.forms) },
    {
      changed: () => {
        if (loading) return;
        markDirty();
        refreshElementList();
        page.forms.render(state.validation?.problems ?? []);
        scheduleValidation();
      },
      selected: (id) => {
        elementSelect.value = id && [...elementSelect.options].some((o) => o.value === id) ? id : "";
      },
      problemClicked: () => problems.scrollIntoView({ block: "nearest" }),
    },
  );
  const formsPanel = new FormsPanel(
    tabs.get("forms")!.panel,
    () => state.forms,
    () => page.diagram,
    () => {
      markDirty();
      scheduleValidation();
    },
  );
  const preview = new MergedPreview(tabs.get("preview")!.panel);
  new SimulationPanel(tabs.get("simulation")!.panel, currentSource, () => page.diagram);

  page = {
    diagram,
    forms: formsPanel,
    preview,
    scenarioSelect,
    versionSelect,
    elementSelect,
    current,
    dirtyMark,
    validationStatus,
    problems,
    notices,
    deployButton,
    tabs,
  };
  selectTab(state.tab);
  renderScenarioOptions(state.key);
  renderProblems();
  renderCurrent();
}

/** After a language switch: the page is built again around the same diagram, forms and state. */
async function relocalise(root: HTMLElement): Promise<void> {
  page.forms.commit();
  const xml = await page.diagram.xml(false);
  page.diagram.destroy();
  page.forms.destroy();
  page.preview.destroy();
  build(root);
  await loadDiagram(xml);
  const key = page.scenarioSelect.value;
  if (key) await loadVersions(key, state.version);
  applyValidation(state.validation);
}

function selectTab(id: TabId): void {
  state.tab = id;
  for (const [tabId, { tab, panel }] of page?.tabs ?? []) {
    const selected = tabId === id;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    panel.hidden = !selected;
  }
  if (id === "process") page?.diagram.resized();
  if (id === "forms") page?.forms.activate();
  if (id === "preview") page?.preview.activate();
}

function markDirty(): void {
  state.dirty = true;
  page.dirtyMark.hidden = false;
}

function markClean(): void {
  state.dirty = false;
  page.dirtyMark.hidden = true;
}

function renderCurrent(): void {
  page.current.textContent =
    state.key && state.version
      ? t("status.editingVersion", { key: state.key, version: state.version })
      : t("status.editingNew", { key: state.validation?.key ?? "—" });
  page.dirtyMark.hidden = !state.dirty;
}

function refreshElementList(): void {
  const selected = page.diagram.selectedId() ?? "";
  setContent(
    page.elementSelect,
    el("option", { value: "" }, t("process.elementNone")),
    page.diagram.flowElements().map((e) => el("option", { value: e.id }, e.label)),
  );
  page.elementSelect.value = selected;
}

// ---- Scenarios and versions ---------------------------------------------------------------------

async function refreshScenarios(select: string | null): Promise<void> {
  try {
    state.scenarios = await listScenarios();
  } catch (error) {
    showError(error);
    return;
  }
  renderScenarioOptions(select);
  const key = page.scenarioSelect.value;
  if (key) await loadVersions(key, null);
}

function renderScenarioOptions(select: string | null): void {
  const keep = select ?? page.scenarioSelect.value ?? state.key;
  setContent(
    page.scenarioSelect,
    state.scenarios.length === 0 ? el("option", { value: "" }, t("toolbar.noScenarios")) : null,
    state.scenarios.map((s) => el("option", { value: s.key }, `${s.title} (${s.key})`)),
  );
  if (keep && state.scenarios.some((s) => s.key === keep)) page.scenarioSelect.value = keep;
}

async function loadVersions(key: string, select: number | null): Promise<void> {
  try {
    const versions = await listVersions(key);
    setContent(
      page.versionSelect,
      versions.map((v, i) =>
        el(
          "option",
          { value: String(v.version) },
          i === 0 ? t("toolbar.versionLatest", { version: v.version, date: formatDateTime(v.deployedAt) }) : t("toolbar.versionOption", { version: v.version, date: formatDateTime(v.deployedAt) }),
        ),
      ),
    );
    if (select) page.versionSelect.value = String(select);
  } catch (error) {
    setContent(page.versionSelect);
    showError(error);
  }
}

async function openVersion(key: string, version: number, options: { confirm: boolean }): Promise<void> {
  if (options.confirm && state.dirty && !window.confirm(t("confirm.discard"))) return;
  clearNotices();
  try {
    const detail = await getVersion(key, version);
    state.key = detail.key;
    state.version = detail.version;
    state.forms = detail.forms ?? {};
    state.validation = null;
    await loadDiagram(detail.bpmn);
    markClean();
    page.scenarioSelect.value = detail.key;
    if (page.versionSelect.value !== String(detail.version)) await loadVersions(detail.key, detail.version);
    renderCurrent();
    updateUrl();
    announce(t("status.opened", { key: detail.key, version: detail.version }));
    await validateNow();
  } catch (error) {
    showError(error);
  }
}

async function openBlank(key: string, title: string): Promise<void> {
  state.key = null;
  state.version = null;
  state.forms = {};
  state.validation = null;
  await loadDiagram(blankDiagram(key, title));
  markClean();
  renderCurrent();
  updateUrl();
  await validateNow();
}

async function loadDiagram(xml: string): Promise<void> {
  loading = true;
  try {
    const warnings = await page.diagram.open(xml);
    if (warnings > 0) notice(page.notices, t("status.importWarnings", { count: warnings }), "import-warnings");
  } finally {
    loading = false;
  }
  page.diagram.clearSimulation();
  refreshElementList();
  page.forms.render(state.validation?.problems ?? []);
}

function updateUrl(): void {
  const url = new URL(window.location.href);
  url.search = state.key && state.version ? new URLSearchParams({ scenario: state.key, version: String(state.version) }).toString() : "";
  window.history.replaceState(null, "", url);
}

function newScenario(): void {
  if (state.dirty && !window.confirm(t("confirm.discard"))) return;
  const dialog = el("dialog", { className: "designer-dialog", "aria-labelledby": "new-title", "data-testid": "new-scenario-dialog" });
  const key = el("input", { type: "text", id: "new-key", required: true, pattern: "[A-Za-z_][A-Za-z0-9_.\\-]*", "data-testid": "new-scenario-key", autocomplete: "off" });
  const title = el("input", { type: "text", id: "new-title-input", required: true, "data-testid": "new-scenario-title", autocomplete: "off" });
  const form = el(
    "form",
    { method: "dialog" },
    el("h2", { id: "new-title" }, t("new.title")),
    el("div", { className: "field" }, el("label", { for: "new-key" }, t("new.key")), key, el("p", { className: "field-hint" }, t("new.keyHint"))),
    el("div", { className: "field" }, el("label", { for: "new-title-input" }, t("new.scenarioTitle")), title),
    el(
      "div",
      { className: "actions" },
      el("button", { type: "submit", "data-testid": "new-scenario-create" }, t("new.create")),
      el("button", { type: "button", className: "button-secondary", onclick: () => dialog.close() }, t("common.cancel")),
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    dialog.close();
    void openBlank(key.value.trim(), title.value.trim());
  });
  dialog.append(form);
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

async function importFile(input: HTMLInputElement): Promise<void> {
  const file = input.files?.[0];
  input.value = "";
  if (!file) return;
  if (state.dirty && !window.confirm(t("confirm.discard"))) return;
  clearNotices();
  try {
    const xml = await file.text();
    state.key = null;
    state.version = null;
    state.validation = null;
    await loadDiagram(xml);
    markDirty();
    renderCurrent();
    updateUrl();
    await validateNow();
  } catch (error) {
    page.notices.append(el("div", { className: "alert alert-error", role: "alert", "data-testid": "import-error" }, t("status.importFailed", { name: file.name, message: error instanceof Error ? error.message : String(error) })));
  }
}

async function download(): Promise<void> {
  const xml = await page.diagram.xml(true);
  const name = `${state.validation?.key ?? state.key ?? "scenario"}.bpmn`;
  const url = URL.createObjectURL(new Blob([xml], { type: "application/xml" }));
  const link = el("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function currentSource(): Promise<{ bpmn: string; forms: Forms }> {
  page.forms.commit();
  return { bpmn: await page.diagram.xml(true), forms: state.forms };
}

// ---- Validation ---------------------------------------------------------------------------------

function scheduleValidation(): void {
  window.clearTimeout(validationTimer);
  setValidationStatus("pending", t("validation.pending"));
  validationTimer = window.setTimeout(() => void validateNow(), VALIDATION_DELAY_MS);
}

async function validateNow(): Promise<void> {
  window.clearTimeout(validationTimer);
  const run = ++validationRun;
  validationAbort?.abort();
  const abort = new AbortController();
  validationAbort = abort;
  setValidationStatus("pending", t("validation.running"));
  try {
    page.forms.commit();
    // Live validation must not take the focus out of a field being typed in; the panel has committed its value already.
    const bpmn = await page.diagram.xml(false);
    const result = await validateScenario(bpmn, state.forms, abort.signal);
    if (run !== validationRun) return;
    applyValidation(result);
  } catch (error) {
    if (run !== validationRun || (error instanceof DOMException && error.name === "AbortError")) return;
    setValidationStatus("error", t("validation.failed", { message: error instanceof ApiError ? error.title : String(error) }));
  }
}

function applyValidation(result: Validation | null): void {
  state.validation = result;
  if (!result) return;
  page.diagram.showProblems(result.problems);
  page.forms.render(result.problems);
  page.preview.show(result);
  renderProblems();
  renderCurrent();
  setValidationStatus(result.valid ? "valid" : "invalid", result.valid ? t("validation.valid") : t("problems.count", { count: result.problems.length }));
}

function setValidationStatus(kind: "pending" | "valid" | "invalid" | "error", text: string): void {
  page.validationStatus.dataset.state = kind;
  page.validationStatus.textContent = text;
}

function describeProblem(problem: DesignProblem): string {
  const where = [
    problem.elementId ? `${problem.elementType ?? ""} '${problem.elementId}'`.trim() : null,
    problem.formKey ? t("problems.inForm", { form: problem.formKey }) : null,
    problem.field ? t("problems.field", { field: problem.field }) : null,
    problem.line ? t("problems.line", { line: problem.line }) : null,
  ].filter(Boolean);
  return where.join(" · ");
}

function renderProblems(): void {
  const problems = state.validation?.problems ?? [];
  setContent(
    page.problems,
    el("h2", { id: "problems-title" }, t("problems.title", { count: problems.length })),
    problems.length === 0
      ? el("p", { className: "muted" }, state.validation ? t("problems.none") : t("validation.pending"))
      : el(
          "ol",
          { className: "designer-problem-list" },
          problems.map((problem, index) => {
            const onDiagram = !!problem.elementId && page.diagram.has(problem.elementId);
            return el(
              "li",
              { "data-testid": `problem-${index}`, "data-element-id": problem.elementId ?? "" },
              el("span", { className: "designer-problem-where" }, describeProblem(problem)),
              el("span", { className: "designer-problem-message" }, problem.message),
              onDiagram || problem.formKey
                ? el(
                    "button",
                    { type: "button", className: "button-link", "data-testid": `problem-show-${index}`, onclick: () => showProblem(problem) },
                    problem.formKey && !onDiagram ? t("problems.showForm") : t("problems.show"),
                  )
                : null,
            );
          }),
        ),
  );
}

function showProblem(problem: DesignProblem): void {
  if (problem.formKey && (!problem.elementId || problem.field || !page.diagram.has(problem.elementId))) {
    selectTab("forms");
    page.forms.show(problem.formKey);
    return;
  }
  selectTab("process");
  page.diagram.select(problem.elementId);
}

// ---- Deploy -------------------------------------------------------------------------------------

async function deploy(): Promise<void> {
  clearNotices();
  const button = page.deployButton;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    const { bpmn, forms } = await currentSource();
    const key = state.validation?.key ?? state.key;
    const before = state.scenarios.find((s) => s.key === key)?.version ?? null;
    const deployed = await deployScenario(bpmn, forms);
    state.key = deployed.key;
    state.version = deployed.version;
    markClean();
    const message =
      before === deployed.version
        ? t("deploy.unchanged", { key: deployed.key, version: deployed.version })
        : t("deploy.done", { key: deployed.key, version: deployed.version });
    await refreshScenarios(deployed.key);
    await loadVersions(deployed.key, deployed.version);
    renderCurrent();
    updateUrl();
    notice(page.notices, message, "deploy-result");
    announce(message);
  } catch (error) {
    showDeployError(error);
    await validateNow();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

interface DeployProblem {
  source?: string;
  element?: string | null;
  line?: number | null;
  message?: string;
  elementId?: string;
  elementType?: string;
}

function showDeployError(error: unknown): void {
  const problems = error instanceof ApiError && Array.isArray(error.extensions.problems) ? (error.extensions.problems as DeployProblem[]) : [];
  if (problems.length === 0) {
    showError(error, "deploy-error");
    return;
  }
  const api = error as ApiError;
  page.notices.append(
    el(
      "div",
      { className: "alert alert-error", role: "alert", "data-testid": "deploy-error" },
      el("p", { className: "alert-title" }, t("deploy.refused")),
      api.detail ? el("p", {}, api.detail) : null,
      el(
        "ul",
        {},
        problems.map((p) => {
          const where = p.element ?? (p.elementId ? `${p.elementType ?? ""} '${p.elementId}'` : null);
          return el("li", {}, where ? `${where}: ${p.message ?? ""}` : (p.message ?? ""));
        }),
      ),
    ),
  );
}

function showError(error: unknown, testId = "designer-error"): void {
  page.notices.append(errorBox(error, { testId }));
}

function clearNotices(): void {
  setContent(page.notices);
}

main();
