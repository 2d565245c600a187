// The citizen portal: choose a life event, fill in the merged form, upload materials, follow each department, answer a
// supplementation request, download the outcome bundle and rate the service. Views are addressed by the URL hash:
// "#/" (my applications and the life events), "#/apply/<scenario>", "#/application/<id>".
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
  type RatingView,
  type ScenarioForm,
  type ScenarioSummary,
} from "../shared/domain";
import { announce, busy, el, errorBox, loading, setContent, signalFor } from "../shared/dom";
import { renderForm, subsetSchema, type FormHandle } from "../shared/formjs";
import { formatDate, formatDateTime, onLocaleChange, t } from "../shared/i18n";
import { startPage } from "../shared/shell";

type View = { name: "home" } | { name: "apply"; scenario: string } | { name: "application"; id: string };

interface PendingMaterial {
  file: File;
  department: string | null;
}

/** A message to show on the next view (after submitting, the application's page says so). */
let flash: HTMLElement[] = [];
/** What the citizen typed in the form, kept when the language changes and the view is drawn again. */
let draft: { scenario: string; data: Record<string, unknown>; materials: PendingMaterial[] } | null = null;
let currentForms: FormHandle[] = [];
/** The files chosen on the apply view (kept with the draft). */
let applyMaterials: PendingMaterial[] = [];
let renderToken = 0;

startPage({ titleKey: "portal.title", role: "citizen", roles: ["citizen"] }, (main) => {
  const route = () => void show(main, parseHash());
  window.addEventListener("hashchange", () => {
    draft = null;
    route();
  });
  onLocaleChange(() => {
    keepDraft();
    route();
  });
  route();
});

function parseHash(): View {
  const parts = window.location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  if (parts[0] === "apply" && parts[1]) return { name: "apply", scenario: parts[1] };
  if (parts[0] === "application" && parts[1]) return { name: "application", id: parts[1] };
  return { name: "home" };
}

function keepDraft(): void {
  const view = parseHash();
  if (view.name !== "apply" || currentForms.length === 0) return;
  const state = currentForms[0]!.form._getState();
  draft = { scenario: view.scenario, data: { ...(state.data as Record<string, unknown>) }, materials: applyMaterials };
}

async function show(main: HTMLElement, view: View): Promise<void> {
  const token = ++renderToken;
  for (const handle of currentForms) handle.destroy();
  currentForms = [];
  setContent(main, loading());
  const content = el("div", { className: "stack" });
  try {
    if (view.name === "home") await renderHome(content);
    else if (view.name === "apply") await renderApply(content, view.scenario);
    else await renderApplication(content, view.id);
  } catch (error) {
    if (token !== renderToken) return;
    setContent(content, el("p", {}, el("a", { href: "#/" }, t("application.back"))), errorBox(error));
  }
  if (token !== renderToken) return;
  setContent(main, content);
  const heading = main.querySelector("h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    if (view.name !== "home") heading.focus();
  }
}

// ---- Home: my applications and the life events ----

async function renderHome(content: HTMLElement): Promise<void> {
  const [applications, scenarios] = await Promise.all([api<ApplicationView[]>("/api/applications"), api<ScenarioSummary[]>("/api/scenarios")]);
  applications.sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));

  const list =
    applications.length === 0
      ? el("p", { "data-testid": "no-applications" }, t("portal.none"))
      : el(
          "ul",
          { className: "plain", "data-testid": "application-list" },
          applications.map((application) => {
            const title = scenarioTitle(application.scenario, application.title);
            const decided = application.tasks.filter((task) => task.status === "completed").length;
            const departments = new Set(application.tasks.filter((task) => task.status !== "cancelled").map((task) => task.department)).size;
            return el(
              "li",
              { className: "card", "data-testid": `application-${application.id}` },
              el("div", { className: "card-header" }, el("h3", {}, title), statusBadge(application.status)),
              el("p", { className: "muted small" }, t("portal.submittedOn", { date: formatDateTime(application.submittedAt) })),
              departments > 0 ? el("p", {}, t("portal.progressSummary", { done: decided, total: departments })) : null,
              el(
                "a",
                {
                  href: `#/application/${encodeURIComponent(application.id)}`,
                  className: "button button-secondary",
                  "aria-label": t("portal.viewNamed", { title, date: formatDate(application.submittedAt) }),
                  "data-testid": `open-application-${application.id}`,
                },
                t("portal.view"),
              ),
            );
          }),
        );

  const choices =
    scenarios.length === 0
      ? el("p", {}, t("portal.noScenarios"))
      : el(
          "ul",
          { className: "choice-list", "data-testid": "scenario-list" },
          scenarios.map((scenario) =>
            el(
              "li",
              {},
              el(
                "a",
                {
                  href: `#/apply/${encodeURIComponent(scenario.key)}`,
                  className: "button choice",
                  "data-testid": `apply-${scenario.key}`,
                },
                el("strong", {}, scenarioTitle(scenario.key, scenario.title)),
                el("span", { className: "muted small" }, t("portal.departmentsCount", { n: scenario.departments.length })),
              ),
            ),
          ),
        );

  setContent(
    content,
    el("h1", {}, t("portal.mine")),
    ...takeFlash(),
    el("section", { "aria-label": t("portal.mine") }, list),
    el("section", { "aria-labelledby": "apply-heading" }, el("h2", { id: "apply-heading" }, t("portal.apply")), el("p", {}, t("portal.applyIntro")), choices),
  );
}

// ---- Apply: the merged form and materials ----

async function renderApply(content: HTMLElement, key: string): Promise<void> {
  let scenarioForm: ScenarioForm;
  let scenarios: ScenarioSummary[];
  try {
    [scenarioForm, scenarios] = await Promise.all([
      api<ScenarioForm>(`/api/scenarios/${encodeURIComponent(key)}/form`),
      api<ScenarioSummary[]>("/api/scenarios"),
    ]);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) throw new ApiError({ status: 404, title: t("apply.notFound"), detail: error.detail });
    throw error;
  }
  const scenario = scenarios.find((s) => s.key === key);
  const title = scenarioTitle(key, scenario?.title);
  const kept = draft && draft.scenario === key ? draft : null;
  const materials: PendingMaterial[] = kept?.materials ?? [];
  applyMaterials = materials;
  draft = null;

  const messages = el("div", { id: "apply-messages" });
  const formHost = el("div", { className: "form-host", "data-testid": "apply-form" });
  const submit = el("button", { type: "button", "data-testid": "submit-application" }, t("apply.submit"));
  const dedup = scenarioForm.dedup;

  setContent(
    content,
    el("p", {}, el("a", { href: "#/" }, t("application.back"))),
    el("h1", {}, t("apply.heading", { title })),
    dedup && dedup.sumOverSeparateForms > dedup.fieldsToFill
      ? el("p", { className: "alert alert-info", "data-testid": "dedup" }, t("apply.dedup", { fields: dedup.fieldsToFill, separate: dedup.sumOverSeparateForms, saved: dedup.savedPercent }))
      : null,
    messages,
    el("section", { className: "card", "aria-labelledby": "form-heading" }, el("h2", { id: "form-heading" }, t("apply.formHeading")), formHost),
    materialsPicker(materials, scenario?.departments ?? []),
    el("div", { className: "actions" }, submit),
  );

  const handle = await renderForm(formHost, scenarioForm.schema, kept?.data ?? {});
  currentForms.push(handle);

  submit.addEventListener("click", () =>
    void busy(submit, async () => {
      messages.replaceChildren();
      const { data, valid } = handle.submit();
      if (!valid) {
        messages.append(el("div", { className: "alert alert-error", role: "alert", "data-testid": "form-invalid" }, t("apply.invalid")));
        return;
      }
      submit.textContent = t("apply.submitting");
      try {
        const application = await api<ApplicationView>("/api/applications", { method: "POST", json: { scenario: key, data } });
        const failures: HTMLElement[] = [];
        for (const material of materials) {
          try {
            await upload(application.id, material);
          } catch (error) {
            failures.push(uploadFailure(material.file.name, error));
          }
        }
        flash = [el("div", { className: "alert alert-success", role: "status", "data-testid": "submitted" }, t("apply.submitted", { id: application.id })), ...failures];
        announce(t("apply.submitted", { id: application.id }));
        window.location.hash = `#/application/${encodeURIComponent(application.id)}`;
      } catch (error) {
        if (error instanceof ApiError && Object.keys(error.errors).length > 0) {
          handle.showServerErrors(error.errors);
          // Every message also in the summary (the fields show them too), named by the field's label unless the
          // server's message already starts with it.
          const labelled: Record<string, string[]> = {};
          for (const [field, list] of Object.entries(error.errors)) {
            const label = handle.labelOf(field.replace(/^data\./, ""));
            for (const message of list) (labelled[message.startsWith(label) ? "" : label] ??= []).push(message);
          }
          messages.append(errorBox(new ApiError({ ...error, title: error.title, errors: labelled }), { testId: "submit-error" }));
        } else {
          messages.append(errorBox(error, { testId: "submit-error" }));
        }
        messages.scrollIntoView({ block: "nearest" });
      } finally {
        submit.textContent = t("apply.submit");
      }
    }),
  );
}

function uploadFailure(name: string, error: unknown): HTMLElement {
  const reason = error instanceof ApiError ? `${error.detail ?? error.title} ` : "";
  return el("div", { className: "alert alert-warning", role: "alert", "data-testid": "upload-failed" }, t("apply.uploadFailed", { name, reason }));
}

/** Choosing files (and the department each is for) before the application exists; they are uploaded after submitting. */
function materialsPicker(materials: PendingMaterial[], departments: string[]): HTMLElement {
  const list = el("ul", { className: "plain", "aria-live": "polite", "data-testid": "pending-materials" });
  const file = el("input", {
    id: "material-file",
    type: "file",
    multiple: true,
    accept: ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png",
    "data-testid": "material-file",
    "aria-describedby": "materials-hint",
  });
  const department = departmentSelect("material-department", departments);
  const renderList = () =>
    setContent(
      list,
      materials.map((material, index) =>
        el(
          "li",
          { className: "row" },
          el("span", {}, `${material.file.name} (${formatBytes(material.file.size)}) – ${material.department ? departmentName(material.department) : t("materials.allDepartments")}`),
          el(
            "button",
            {
              type: "button",
              className: "button-link",
              "aria-label": t("materials.remove", { name: material.file.name }),
              "data-testid": `remove-material-${index}`,
              onclick: () => {
                materials.splice(index, 1);
                renderList();
              },
            },
            t("materials.remove", { name: "" }).trim(),
          ),
        ),
      ),
    );
  file.addEventListener("change", () => {
    for (const chosen of Array.from(file.files ?? [])) materials.push({ file: chosen, department: department.value || null });
    file.value = "";
    renderList();
  });
  renderList();
  return el(
    "section",
    { className: "card", "aria-labelledby": "materials-heading" },
    el("h2", { id: "materials-heading" }, t("apply.materialsHeading")),
    el("p", { id: "materials-hint", className: "field-hint" }, t("apply.materialsHint")),
    el("div", { className: "field" }, el("label", { for: "material-department" }, t("materials.department")), department),
    el("div", { className: "field" }, el("label", { for: "material-file" }, t("materials.file")), file),
    el("h3", { className: "visually-hidden" }, t("materials.pending")),
    list,
  );
}

function departmentSelect(id: string, departments: string[]): HTMLSelectElement {
  return el(
    "select",
    { id, "data-testid": id },
    el("option", { value: "" }, t("materials.allDepartments")),
    departments.map((d) => el("option", { value: d }, departmentName(d))),
  );
}

async function upload(applicationId: string, material: PendingMaterial): Promise<AttachmentView> {
  const body = new FormData();
  body.append("file", material.file, material.file.name);
  if (material.department) body.append("department", material.department);
  return api<AttachmentView>(`/api/applications/${encodeURIComponent(applicationId)}/attachments`, { method: "POST", body });
}

// ---- One application: progress, supplementation, materials, outcome, rating ----

async function renderApplication(content: HTMLElement, id: string): Promise<void> {
  const path = `/api/applications/${encodeURIComponent(id)}`;
  let application: ApplicationView;
  try {
    application = await api<ApplicationView>(path);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) throw new ApiError({ status: 404, title: t("application.notFound"), detail: error.detail });
    throw error;
  }
  const title = scenarioTitle(application.scenario, application.title);
  const finished = application.status === "completed" || application.status === "terminated";
  const refresh = el("button", { type: "button", className: "button-secondary", "data-testid": "refresh-application" }, t("application.refresh"));
  refresh.addEventListener("click", () => {
    flash = [];
    void show(content.closest("main") as HTMLElement, { name: "application", id }).then(() => announce(t("application.refreshed")));
  });

  const supplementSection = el("div");
  const materialsSection = el("div");
  const ratingSection = el("div");

  setContent(
    content,
    el("p", {}, el("a", { href: "#/" }, t("application.back"))),
    el("div", { className: "card-header" }, el("h1", {}, title), refresh),
    ...takeFlash(),
    el(
      "dl",
      { className: "facts" },
      el("dt", {}, t("application.number")),
      el("dd", { "data-testid": "application-id" }, application.id),
      el("dt", {}, t("application.status")),
      el("dd", {}, statusBadge(application.status, "application-status")),
      el("dt", {}, t("application.submitted")),
      el("dd", {}, formatDateTime(application.submittedAt)),
      application.completedAt ? [el("dt", {}, t("application.completed")), el("dd", {}, formatDateTime(application.completedAt))] : null,
    ),
    supplementSection,
    progressSection(application.tasks),
    outcomeSection(application),
    ratingSection,
    materialsSection,
  );

  const requests = application.tasks.filter((task) => task.supplement && task.supplement.fields.length > 0);
  await Promise.all([
    requests.length > 0 ? renderSupplement(supplementSection, application, requests) : Promise.resolve(),
    renderMaterials(materialsSection, application.id, !finished, [...new Set(application.tasks.map((task) => task.department).filter((d): d is string => !!d))]),
    finished && application.status === "completed" ? renderRating(ratingSection, application.id, application.rating ?? null) : Promise.resolve(),
  ]);
}

function progressSection(tasks: ApplicationTask[]): HTMLElement {
  const visible = tasks.filter((task) => task.status !== "cancelled");
  return el(
    "section",
    { className: "card", "aria-labelledby": "progress-heading" },
    el("h2", { id: "progress-heading" }, t("application.progress")),
    visible.length === 0
      ? el("p", {}, t("application.noTasks"))
      : el(
          "ul",
          { className: "progress-list", "data-testid": "progress" },
          visible.map((task) =>
            el(
              "li",
              { "data-testid": `progress-${task.department ?? task.id}` },
              el(
                "div",
                {},
                el("strong", {}, departmentName(task.department)),
                task.name ? el("div", { className: "muted small" }, task.name) : null,
                task.comment ? el("div", { className: "small" }, t("application.comment", { comment: task.comment })) : null,
                task.paused && task.pauseReason ? el("div", { className: "small" }, t("application.pausedBecause", { reason: pauseReasonText(task.pauseReason) })) : null,
              ),
              el(
                "div",
                { className: "stack progress-state" },
                task.decision && task.status === "completed"
                  ? el("span", { className: `badge badge-${task.decision}`, "data-status": task.decision }, decisionText(task.decision))
                  : statusBadge(task.status),
                task.status !== "completed" && task.dueAt ? el("div", { className: "small" }, t("application.due", { date: formatDate(task.dueAt) })) : null,
                task.status !== "completed" ? signalFor(task) : null,
              ),
            ),
          ),
        ),
  );
}

function outcomeSection(application: ApplicationView): HTMLElement | null {
  if (application.status === "terminated")
    return el("section", { className: "card", "aria-labelledby": "outcome-heading" }, el("h2", { id: "outcome-heading" }, t("outcome.heading")), el("p", {}, t("outcome.terminated")));
  if (application.status !== "completed") return null;
  const messages = el("div");
  const download = el("button", { type: "button", "data-testid": "download-bundle" }, t("outcome.download"));
  download.addEventListener("click", () =>
    void busy(download, async () => {
      messages.replaceChildren();
      try {
        const { blob, fileName } = await apiDownload(`/api/applications/${encodeURIComponent(application.id)}/bundle`, `${application.id}.zip`);
        saveBlob(blob, fileName);
      } catch (error) {
        messages.append(errorBox(error, { testId: "bundle-error" }));
      }
    }),
  );
  return el(
    "section",
    { className: "card", "aria-labelledby": "outcome-heading" },
    el("h2", { id: "outcome-heading" }, t("outcome.heading")),
    el("p", {}, t("outcome.text")),
    messages,
    download,
  );
}

async function renderSupplement(section: HTMLElement, application: ApplicationView, requests: ApplicationTask[]): Promise<void> {
  const scenarioForm = await api<ScenarioForm>(`/api/scenarios/${encodeURIComponent(application.scenario)}/form`);
  const labels = new Map(scenarioForm.fields.map((f) => [f.key, f.label]));
  const fields = [...new Set(requests.flatMap((task) => task.supplement!.fields))];
  const messages = el("div");
  const formHost = el("div", { className: "form-host", "data-testid": "supplement-form" });
  const submit = el("button", { type: "button", "data-testid": "submit-supplement" }, t("supplement.submit"));
  setContent(
    section,
    el(
      "section",
      { className: "card", "aria-labelledby": "supplement-heading", "data-testid": "supplement" },
      el("h2", { id: "supplement-heading" }, t("supplement.heading")),
      requests.map((task) =>
        el(
          "div",
          { className: "alert alert-warning" },
          el("p", {}, t("supplement.request", { department: departmentName(task.department), fields: task.supplement!.fields.map((f) => labels.get(f) ?? f).join(", ") })),
          task.supplement!.message ? el("p", {}, t("supplement.message", { message: task.supplement!.message })) : null,
          task.supplement!.requestedAt ? el("p", { className: "small" }, t("supplement.requestedAt", { date: formatDateTime(task.supplement!.requestedAt) })) : null,
        ),
      ),
      messages,
      formHost,
      el("div", { className: "actions" }, submit),
    ),
  );
  const current = Object.fromEntries(fields.filter((f) => f in application.data).map((f) => [f, application.data[f]]));
  const handle = await renderForm(formHost, subsetSchema(scenarioForm.schema, fields), current);
  currentForms.push(handle);
  submit.addEventListener("click", () =>
    void busy(submit, async () => {
      messages.replaceChildren();
      const { data, valid } = handle.submit();
      if (!valid) {
        messages.append(el("div", { className: "alert alert-error", role: "alert" }, t("apply.invalid")));
        return;
      }
      const answer = Object.fromEntries(Object.entries(data).filter(([key]) => fields.includes(key)));
      try {
        await api<ApplicationView>(`/api/applications/${encodeURIComponent(application.id)}/supplement`, { method: "POST", json: { data: answer } });
        flash = [el("div", { className: "alert alert-success", role: "status", "data-testid": "supplement-sent" }, t("supplement.sent"))];
        announce(t("supplement.sent"));
        await show(section.closest("main") as HTMLElement, { name: "application", id: application.id });
      } catch (error) {
        if (error instanceof ApiError) handle.showServerErrors(error.errors);
        messages.append(errorBox(error, { testId: "supplement-error" }));
      }
    }),
  );
}

async function renderMaterials(section: HTMLElement, applicationId: string, open: boolean, departments: string[]): Promise<void> {
  const base = `/api/applications/${encodeURIComponent(applicationId)}/attachments`;
  const messages = el("div");
  const body = el("div");
  const draw = async () => {
    let attachments: AttachmentView[];
    try {
      attachments = await api<AttachmentView[]>(base);
    } catch (error) {
      setContent(body, errorBox(error));
      return;
    }
    setContent(
      body,
      attachments.length === 0
        ? el("p", {}, t("materials.none"))
        : el(
            "div",
            { className: "table-wrap" },
            el(
              "table",
              { className: "data responsive", "data-testid": "materials" },
              el(
                "thead",
                {},
                el(
                  "tr",
                  {},
                  el("th", { scope: "col" }, t("materials.name")),
                  el("th", { scope: "col" }, t("materials.department")),
                  el("th", { scope: "col" }, t("materials.size")),
                  el("th", { scope: "col" }, t("materials.uploadedAt")),
                  el("th", { scope: "col" }, el("span", { className: "visually-hidden" }, t("materials.download"))),
                ),
              ),
              el(
                "tbody",
                {},
                attachments.map((attachment) =>
                  el(
                    "tr",
                    {},
                    el("td", { "data-label": t("materials.name") }, attachment.fileName),
                    el("td", { "data-label": t("materials.department") }, attachment.department ? departmentName(attachment.department) : t("materials.allDepartments")),
                    el("td", { "data-label": t("materials.size") }, formatBytes(attachment.size)),
                    el("td", { "data-label": t("materials.uploadedAt") }, formatDateTime(attachment.uploadedAt)),
                    el("td", {}, downloadButton(`${base}/${encodeURIComponent(attachment.id)}`, attachment.fileName, messages)),
                  ),
                ),
              ),
            ),
          ),
    );
  };

  const uploader = open ? uploadForm(base, departments, messages, draw) : el("p", { className: "muted" }, t("materials.closed"));
  setContent(
    section,
    el(
      "section",
      { className: "card", "aria-labelledby": "materials-heading" },
      el("h2", { id: "materials-heading" }, t("apply.materialsHeading")),
      messages,
      body,
      uploader,
    ),
  );
  await draw();
}

function downloadButton(path: string, fileName: string, messages: HTMLElement): HTMLButtonElement {
  const button = el("button", { type: "button", className: "button-secondary", "aria-label": t("materials.downloadNamed", { name: fileName }) }, t("materials.download"));
  button.addEventListener("click", () =>
    void busy(button, async () => {
      messages.replaceChildren();
      try {
        const { blob } = await apiDownload(path, fileName);
        saveBlob(blob, fileName);
      } catch (error) {
        messages.append(errorBox(error));
      }
    }),
  );
  return button;
}

function uploadForm(base: string, departments: string[], messages: HTMLElement, redraw: () => Promise<void>): HTMLElement {
  const file = el("input", {
    id: "upload-file",
    type: "file",
    accept: ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png",
    "data-testid": "upload-file",
    "aria-describedby": "upload-hint",
  });
  const department = departmentSelect("upload-department", departments);
  const submit = el("button", { type: "submit", "data-testid": "upload-material" }, t("materials.upload"));
  const form = el(
    "form",
    { className: "stack", novalidate: true },
    el("h3", {}, t("materials.upload")),
    el("p", { id: "upload-hint", className: "field-hint" }, t("materials.uploadHint")),
    el("div", { className: "field" }, el("label", { for: "upload-department" }, t("materials.department")), department),
    el("div", { className: "field" }, el("label", { for: "upload-file" }, t("materials.file")), file),
    el("div", { className: "actions" }, submit),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(submit, async () => {
      messages.replaceChildren();
      const chosen = file.files?.[0];
      if (!chosen) {
        messages.append(errorBox(new ApiError({ status: 400, title: t("materials.chooseFirst") })));
        file.focus();
        return;
      }
      submit.textContent = t("materials.uploading");
      try {
        const body = new FormData();
        body.append("file", chosen, chosen.name);
        if (department.value) body.append("department", department.value);
        await api<AttachmentView>(base, { method: "POST", body });
        file.value = "";
        messages.append(el("div", { className: "alert alert-success", role: "status", "data-testid": "material-uploaded" }, t("materials.uploaded", { name: chosen.name })));
        await redraw();
      } catch (error) {
        messages.append(errorBox(error, { testId: "upload-error" }));
      } finally {
        submit.textContent = t("materials.upload");
      }
    });
  });
  return form;
}

async function renderRating(section: HTMLElement, applicationId: string, existing: RatingView | null): Promise<void> {
  const path = `/api/applications/${encodeURIComponent(applicationId)}/rating`;
  const heading = el("h2", { id: "rating-heading" }, t("rating.heading"));
  if (existing) {
    setContent(section, ratingGiven(heading, existing));
    return;
  }
  const messages = el("div");
  const options = [1, 2, 3, 4, 5].map((score) =>
    el(
      "label",
      {},
      el("input", { type: "radio", name: "score", value: String(score), "data-testid": `rating-${score}` }),
      el("span", {}, t(`rating.score${score}`)),
    ),
  );
  const comment = el("textarea", { id: "rating-comment", maxlength: 500, "data-testid": "rating-comment" });
  const submit = el("button", { type: "submit", "data-testid": "submit-rating" }, t("rating.submit"));
  const form = el(
    "form",
    { novalidate: true },
    el("fieldset", { className: "rating" }, el("legend", {}, t("rating.legend")), options),
    el("div", { className: "field" }, el("label", { for: "rating-comment" }, t("rating.comment")), comment),
    el("div", { className: "actions" }, submit),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(submit, async () => {
      messages.replaceChildren();
      const chosen = form.querySelector<HTMLInputElement>("input[name=score]:checked");
      if (!chosen) {
        messages.append(errorBox(new ApiError({ status: 400, title: t("rating.choose") }), { testId: "rating-error" }));
        form.querySelector<HTMLInputElement>("input[name=score]")?.focus();
        return;
      }
      try {
        const rating = await api<RatingView>(path, { method: "POST", json: { score: Number(chosen.value), comment: comment.value.trim() || null } });
        setContent(section, ratingGiven(heading, rating, true));
        announce(t("rating.thanks"));
      } catch (error) {
        messages.append(errorBox(error, { testId: "rating-error" }));
      }
    });
  });
  setContent(section, el("section", { className: "card", "aria-labelledby": "rating-heading", "data-testid": "rating" }, heading, messages, form));
}

function ratingGiven(heading: HTMLElement, rating: RatingView, justNow = false): HTMLElement {
  return el(
    "section",
    { className: "card", "aria-labelledby": "rating-heading", "data-testid": "rating" },
    heading,
    justNow ? el("div", { className: "alert alert-success", role: "status", "data-testid": "rating-thanks" }, t("rating.thanks")) : null,
    el("p", {}, t("rating.given", { score: rating.score, date: formatDate(rating.ratedAt) })),
    rating.comment ? el("p", {}, t("rating.givenComment", { comment: rating.comment })) : null,
  );
}

function statusBadge(status: string, testId?: string): HTMLElement {
  return el("span", { className: `badge badge-${status}`, "data-status": status, "data-testid": testId }, statusText(status));
}

function takeFlash(): HTMLElement[] {
  const shown = flash;
  flash = [];
  return shown;
}
