// The Merged form tab: the one form a citizen fills, as the server merges the department forms, with the dedup
// figure (how many fields the citizen is spared) and which departments need each field.
import type { Form } from "@bpmn-io/form-js";
import { el, setContent } from "../shared/dom";
import { formatNumber, t } from "../shared/i18n";
import type { FormSchema, Validation } from "./scenarios";

export class MergedPreview {
  private form: Form | null = null;
  private loadingForm: Promise<Form> | null = null;
  /** The last result, shown when the tab is first opened (form-js is loaded then). */
  private shown: Validation | null = null;
  private active = false;
  private readonly summary = el("div", { "data-testid": "dedup-figure", role: "status", "aria-live": "polite" });
  private readonly fields = el("div", { className: "table-wrap" });
  private readonly formHost = el("div", { className: "designer-lib form-host designer-preview-form", "data-testid": "merged-form" });

  constructor(host: HTMLElement) {
    setContent(
      host,
      el(
        "div",
        { className: "designer-preview" },
        el("div", {}, this.summary, el("h2", {}, t("preview.fields")), this.fields),
        el("section", { "aria-labelledby": "preview-form-title" }, el("h2", { id: "preview-form-title" }, t("preview.form")), this.formHost),
      ),
    );
  }

  activate(): void {
    if (this.active) return;
    this.active = true;
    this.show(this.shown);
  }

  show(validation: Validation | null): void {
    this.shown = validation;
    if (!this.active) return;
    const merged = validation?.form ?? null;
    const dedup = validation?.dedup ?? null;
    if (!validation) {
      setContent(this.summary, el("p", { className: "muted" }, t("preview.waiting")));
    } else if (!merged || !dedup) {
      setContent(this.summary, el("div", { className: "alert alert-warning" }, t("preview.notMerged")));
    } else {
      const saved = dedup.sumOverSeparateForms - dedup.fieldsToFill;
      setContent(
        this.summary,
        el(
          "div",
          { className: "designer-dedup" },
          el("p", { className: "designer-dedup-figure" }, t("preview.dedupFigure", { percent: formatNumber(dedup.savedPercent) })),
          el(
            "p",
            {},
            t("preview.dedupDetail", {
              fields: formatNumber(dedup.fieldsToFill),
              separate: formatNumber(dedup.sumOverSeparateForms),
              saved: formatNumber(saved),
            }),
          ),
        ),
      );
    }

    setContent(
      this.fields,
      merged && merged.fields.length > 0
        ? el(
            "table",
            { className: "data responsive", "data-testid": "merged-fields" },
            el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("preview.key")), el("th", { scope: "col" }, t("preview.label")), el("th", { scope: "col" }, t("preview.departments")), el("th", { scope: "col" }, t("preview.shared")))),
            el(
              "tbody",
              {},
              merged.fields.map((field) =>
                el(
                  "tr",
                  {},
                  el("td", { "data-label": t("preview.key") }, el("code", {}, field.key)),
                  el("td", { "data-label": t("preview.label") }, field.label),
                  el("td", { "data-label": t("preview.departments") }, field.departments.length > 0 ? field.departments.join(", ") : t("preview.applicantOnly")),
                  el("td", { "data-label": t("preview.shared") }, field.shared ? t("preview.yes") : t("preview.no")),
                ),
              ),
            ),
          )
        : null,
    );

    if (!merged) {
      this.form?.clear();
      return;
    }
    void this.render(merged.schema);
  }

  private async render(schema: FormSchema): Promise<void> {
    this.loadingForm ??= import("./formjs").then(({ Form }) => {
      this.form = new Form({ container: this.formHost, properties: { readOnly: true } });
      return this.form;
    });
    const form = await this.loadingForm;
    if (this.shown?.form?.schema !== schema) return; // a newer result arrived meanwhile
    try {
      await form.importSchema(schema);
    } catch (error) {
      this.formHost.append(el("div", { className: "alert alert-error", role: "alert" }, t("forms.importFailed", { message: String(error) })));
    }
  }

  destroy(): void {
    this.form?.destroy();
    this.form = null;
  }
}
