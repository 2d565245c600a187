// The Forms tab: every form of the scenario (one per department task, plus the applicant form), edited with the
// form-js editor. A new form is created for a user task and linked to it through onestop:formRef.
import type { FormEditor } from "@bpmn-io/form-js";
import { el, setContent } from "../shared/dom";
import { t } from "../shared/i18n";
import type { DiagramEditor, TaskInfo } from "./modeler";
import type { DesignProblem, FormSchema, Forms } from "./scenarios";

export const APPLICANT_FORM = "applicant";

/** Form keys name files (forms/<key>.form.json) on the server: letters, digits, "-" and "_". */
const FORM_KEY = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export function emptyForm(key: string): FormSchema {
  return { type: "default", id: key, components: [] };
}

/** A form key from a task's name: "Register company" → "register-company". */
export function suggestFormKey(task: TaskInfo, taken: string[]): string {
  const base =
    (task.name || task.id)
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "form";
  let key = base;
  for (let n = 2; taken.includes(key); n++) key = `${base}-${n}`;
  return key;
}

export class FormsPanel {
  private editor: FormEditor | null = null;
  private current: string | null = null;
  /** The editor is created when the Forms tab is first shown (form-js is loaded then). */
  private active = false;
  private loadingEditor: Promise<FormEditor> | null = null;
  private importing = false;
  /** The editor's schema as imported: the form-js editor adds its own exporter and version on saving, which alone must
   * not count as a change (it would deploy a new version of an unchanged scenario). */
  private baseline = "";
  private creatorSignature = "";
  private readonly list = el("div", { className: "designer-form-list", "data-testid": "form-list" });
  private readonly creator = el("div", { className: "designer-form-creator" });
  private readonly heading = el("h2", { className: "designer-form-heading", "data-testid": "form-heading" });
  private readonly actions = el("div", { className: "row" });
  private readonly editorHost = el("div", { className: "designer-lib form-editor-host", "data-testid": "form-editor" });
  private readonly problemsHost = el("div", { className: "designer-form-problems" });

  constructor(
    host: HTMLElement,
    private readonly forms: () => Forms,
    private readonly diagram: () => DiagramEditor,
    private readonly changed: () => void,
  ) {
    setContent(
      host,
      el(
        "div",
        { className: "designer-forms" },
        el("div", { className: "designer-forms-side" }, this.list, this.creator),
        el("section", { className: "designer-forms-main", "aria-labelledby": "form-heading" }, this.heading, this.actions, this.problemsHost, this.editorHost),
      ),
    );
    this.heading.id = "form-heading";
  }

  /** Saves what the editor holds into the scenario's forms; true when it differs from what was there. */
  commit(): boolean {
    if (!this.editor || !this.current || !this.forms()[this.current] || this.importing) return false;
    const schema = this.editor.saveSchema() as FormSchema;
    const text = JSON.stringify(schema);
    if (text === this.baseline) return false;
    this.baseline = text;
    this.forms()[this.current] = schema;
    return true;
  }

  /** Redraws the list after the diagram or the forms changed (the editor keeps its form). */
  render(problems: DesignProblem[] = []): void {
    const forms = this.forms();
    const tasks = this.diagram().userTasks();
    const keys = Object.keys(forms).sort((a, b) => (a === APPLICANT_FORM ? -1 : b === APPLICANT_FORM ? 1 : a.localeCompare(b)));
    if (this.current && !forms[this.current]) this.current = null;
    if (!this.current && keys.length > 0) this.open(keys[0]!);

    const countFor = (key: string) => problems.filter((p) => p.formKey === key).length;
    // Redrawn after every check: keep the keyboard focus on the same item.
    const focused = this.list.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.testid : undefined;
    setContent(
      this.list,
      el("h2", {}, t("forms.list")),
      keys.length === 0
        ? el("p", { className: "muted" }, t("forms.none"))
        : el(
            "ul",
            { className: "plain" },
            keys.map((key) => {
              const users = tasks.filter((task) => task.formRef === key);
              const who =
                key === APPLICANT_FORM
                  ? t("forms.applicantHint")
                  : users.length > 0
                    ? users.map((u) => `${u.name || u.id}${u.department ? ` · ${u.department}` : ""}`).join(", ")
                    : t("forms.unused");
              const count = countFor(key);
              return el(
                "li",
                {},
                el(
                  "button",
                  {
                    type: "button",
                    className: "designer-form-item",
                    "aria-pressed": String(key === this.current),
                    "data-testid": `form-item-${key}`,
                    onclick: () => this.open(key),
                  },
                  el("span", { className: "designer-form-key" }, key),
                  el("span", { className: "small" }, who),
                  count > 0 ? el("span", { className: "designer-count-bad" }, t("problems.count", { count })) : null,
                ),
              );
            }),
          ),
    );
    if (focused) this.list.querySelector<HTMLElement>(`[data-testid="${CSS.escape(focused)}"]`)?.focus();
    this.renderCreator(tasks);
    this.renderProblems(problems);
  }

  private renderCreator(tasks: TaskInfo[]): void {
    const forms = this.forms();
    const withoutForm = tasks.filter((task) => !task.formRef || !forms[task.formRef]);
    // Left alone while the choice stays the same, so that a key being typed survives a check of the scenario.
    const signature = JSON.stringify([withoutForm.map((task) => [task.id, task.name, task.formRef]), !!forms[APPLICANT_FORM]]);
    if (signature === this.creatorSignature) return;
    this.creatorSignature = signature;
    const taskSelect = el(
      "select",
      { id: "new-form-task", "data-testid": "new-form-task" },
      withoutForm.map((task) => el("option", { value: task.id }, task.name ? `${task.name} (${task.id})` : task.id)),
      forms[APPLICANT_FORM] ? null : el("option", { value: "" }, t("forms.applicantOption")),
    );
    const keyInput = el("input", { type: "text", id: "new-form-key", "data-testid": "new-form-key", autocomplete: "off", spellcheck: "false" });
    const error = el("p", { className: "field-error", id: "new-form-error", role: "alert" });
    const suggest = () => {
      const task = withoutForm.find((x) => x.id === taskSelect.value);
      keyInput.value = task ? (task.formRef && !forms[task.formRef] ? task.formRef : suggestFormKey(task, Object.keys(forms))) : APPLICANT_FORM;
    };
    taskSelect.addEventListener("change", suggest);
    suggest();
    const create = (event: Event) => {
      event.preventDefault();
      const key = keyInput.value.trim();
      if (!FORM_KEY.test(key)) {
        error.textContent = t("forms.keyInvalid");
        keyInput.setAttribute("aria-invalid", "true");
        return;
      }
      if (forms[key]) {
        error.textContent = t("forms.keyTaken", { key });
        keyInput.setAttribute("aria-invalid", "true");
        return;
      }
      const taskId = taskSelect.value;
      if (taskId && key === APPLICANT_FORM) {
        error.textContent = t("forms.applicantReserved");
        return;
      }
      this.commit();
      forms[key] = emptyForm(key);
      if (taskId) this.diagram().setFormRef(taskId, key);
      this.current = null;
      this.open(key);
      this.changed();
    };
    setContent(
      this.creator,
      taskSelect.options.length === 0
        ? el("p", { className: "muted small" }, t("forms.allHaveForms"))
        : el(
            "form",
            { className: "card", onsubmit: create, "aria-labelledby": "new-form-title" },
            el("h2", { id: "new-form-title" }, t("forms.new")),
            el("div", { className: "field" }, el("label", { for: "new-form-task" }, t("forms.forTask")), taskSelect),
            el(
              "div",
              { className: "field" },
              el("label", { for: "new-form-key" }, t("forms.key")),
              keyInput,
              el("p", { className: "field-hint" }, t("forms.keyHint")),
              error,
            ),
            el("button", { type: "submit", "data-testid": "new-form-create" }, t("forms.create")),
          ),
    );
  }

  private renderProblems(problems: DesignProblem[]): void {
    const mine = this.current ? problems.filter((p) => p.formKey === this.current) : [];
    setContent(
      this.problemsHost,
      mine.length === 0
        ? null
        : el(
            "div",
            { className: "alert alert-error", role: "status", "data-testid": "form-problems" },
            el("ul", {}, mine.map((p) => el("li", {}, p.field ? `${p.field}: ${p.message}` : p.message))),
          ),
    );
  }

  /** Opens a form in the editor (from the problem list). */
  show(key: string): void {
    if (this.forms()[key]) this.open(key);
  }

  /** The tab is shown: load the editor with the current form. */
  activate(): void {
    if (this.active) return;
    this.active = true;
    if (this.current) void this.load(this.current);
  }

  destroy(): void {
    this.editor?.destroy();
    this.editor = null;
  }

  private open(key: string): void {
    if (key === this.current) return;
    this.commit();
    this.current = key;
    if (!this.forms()[key]) return;
    this.heading.textContent = t("forms.editing", { key });
    setContent(
      this.actions,
      el("button", { type: "button", className: "button-secondary", "data-testid": "form-remove", onclick: () => this.remove(key) }, t("forms.remove")),
    );
    for (const item of this.list.querySelectorAll<HTMLButtonElement>(".designer-form-item")) {
      item.setAttribute("aria-pressed", String(item.dataset.testid === `form-item-${key}`));
    }
    if (this.active) void this.load(key);
  }

  private editorInstance(): Promise<FormEditor> {
    this.loadingEditor ??= import("./formjs").then(({ FormEditor }) => {
      const editor = new FormEditor({ container: this.editorHost, exporter: { name: "OneStop.Workflow designer", version: "1.0" } });
      editor.on("changed", () => {
        if (this.commit()) this.changed();
      });
      this.editor = editor;
      return editor;
    });
    return this.loadingEditor;
  }

  private async load(key: string): Promise<void> {
    const editor = await this.editorInstance();
    const schema = this.forms()[key];
    if (this.current !== key || !schema) return;
    this.importing = true;
    try {
      await editor.importSchema(schema);
    } catch (error) {
      setContent(this.problemsHost, el("div", { className: "alert alert-error", role: "alert" }, t("forms.importFailed", { message: String(error) })));
    } finally {
      this.importing = false;
      if (this.current === key) this.baseline = JSON.stringify(editor.saveSchema());
    }
  }

  private remove(key: string): void {
    if (!window.confirm(t("forms.removeConfirm", { key }))) return;
    delete this.forms()[key];
    for (const task of this.diagram().userTasks()) if (task.formRef === key) this.diagram().setFormRef(task.id, null);
    this.current = null;
    this.heading.textContent = "";
    setContent(this.actions);
    this.editor?.clear();
    this.changed();
  }
}
