// The Simulation tab: runs the model as it is now (not deployed) on the server's simulator with a virtual clock —
// start data, then steps that complete tasks, move the clock or deliver messages — and shows where it ended, on the
// diagram too (completed elements green, waiting ones blue).
import { el, errorBox, setContent } from "../shared/dom";
import { formatDateTime, t, tCode } from "../shared/i18n";
import type { DiagramEditor } from "./modeler";
import { simulateScenario, type Forms, type Simulation } from "./scenarios";

function parseJson(text: string, field: string): { value?: unknown; error?: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: t("sim.notJson", { field, message: error instanceof Error ? error.message : String(error) }) };
  }
}

/** The datetime-local value for now, in the browser's time zone. */
function localNow(): string {
  const now = new Date();
  now.setMinutes(now.getMinutes() - now.getTimezoneOffset(), 0, 0);
  return now.toISOString().slice(0, 16);
}

export class SimulationPanel {
  private readonly variables = el("textarea", { id: "sim-variables", "data-testid": "sim-variables", rows: "8", spellcheck: "false" });
  private readonly steps = el("textarea", { id: "sim-steps", "data-testid": "sim-steps", rows: "10", spellcheck: "false" });
  private readonly start = el("input", { type: "datetime-local", id: "sim-start", "data-testid": "sim-start" });
  private readonly run = el("button", { type: "submit", "data-testid": "simulate-run" });
  private readonly result = el("div", { "data-testid": "sim-result", "aria-live": "polite" });

  constructor(
    host: HTMLElement,
    private readonly source: () => Promise<{ bpmn: string; forms: Forms }>,
    private readonly diagram: () => DiagramEditor,
  ) {
    this.variables.value = "{}";
    this.steps.value = "[]";
    this.start.value = localNow();
    this.run.textContent = t("sim.run");
    const suggest = el("button", { type: "button", className: "button-secondary", "data-testid": "sim-suggest", onclick: () => this.suggest() }, t("sim.suggest"));
    const clear = el("button", { type: "button", className: "button-secondary", "data-testid": "sim-clear", onclick: () => this.clear() }, t("sim.clear"));
    setContent(
      host,
      el(
        "div",
        { className: "designer-simulation" },
        el(
          "form",
          { className: "card", onsubmit: (event: Event) => this.submit(event), "aria-labelledby": "sim-title" },
          el("h2", { id: "sim-title" }, t("sim.title")),
          el("p", { className: "muted small" }, t("sim.intro")),
          el("div", { className: "field" }, el("label", { for: "sim-start" }, t("sim.start")), this.start),
          el("div", { className: "field" }, el("label", { for: "sim-variables" }, t("sim.variables")), this.variables, el("p", { className: "field-hint" }, t("sim.variablesHint"))),
          el("div", { className: "field" }, el("label", { for: "sim-steps" }, t("sim.steps")), this.steps, el("p", { className: "field-hint" }, t("sim.stepsHint"))),
          el("div", { className: "actions" }, this.run, suggest, clear),
        ),
        this.result,
      ),
    );
  }

  /** A first script: every user task completed with an approval, in the order the diagram lists them. */
  private suggest(): void {
    const steps = this.diagram()
      .userTasks()
      .map((task) => ({ complete: task.id, variables: { decision: "approved" } }));
    this.steps.value = JSON.stringify(steps, null, 2);
  }

  private clear(): void {
    this.diagram().clearSimulation();
    setContent(this.result);
  }

  private async submit(event: Event): Promise<void> {
    event.preventDefault();
    const variables = parseJson(this.variables.value || "{}", t("sim.variables"));
    const steps = parseJson(this.steps.value || "[]", t("sim.steps"));
    const problems = [variables.error, steps.error].filter((e): e is string => !!e);
    if (problems.length > 0) {
      setContent(this.result, el("div", { className: "alert alert-error", role: "alert", "data-testid": "sim-error" }, el("ul", {}, problems.map((p) => el("li", {}, p)))));
      return;
    }
    this.run.disabled = true;
    this.run.setAttribute("aria-busy", "true");
    setContent(this.result, el("p", { className: "loading", role: "status" }, t("sim.running")));
    try {
      const { bpmn, forms } = await this.source();
      const start = this.start.value ? new Date(this.start.value).toISOString() : undefined;
      const simulation = await simulateScenario({ bpmn, forms, variables: variables.value, steps: steps.value, start });
      this.show(simulation);
    } catch (error) {
      this.diagram().clearSimulation();
      setContent(this.result, errorBox(error, { testId: "sim-error" }));
    } finally {
      this.run.disabled = false;
      this.run.removeAttribute("aria-busy");
    }
  }

  private show(simulation: Simulation): void {
    this.diagram().showSimulation(simulation.completed, simulation.active);
    setContent(
      this.result,
      el(
        "div",
        { className: "card" },
        el("h2", {}, t("sim.outcome")),
        el(
          "dl",
          { className: "facts" },
          el("dt", {}, t("sim.status")),
          el("dd", { "data-testid": "sim-status" }, tCode("sim.status", simulation.status)),
          el("dt", {}, t("sim.dueAt")),
          el("dd", {}, simulation.dueAt ? formatDateTime(simulation.dueAt) : t("common.none")),
          el("dt", {}, t("sim.completed")),
          el("dd", {}, simulation.completed.length > 0 ? simulation.completed.join(", ") : t("common.none")),
        ),
        simulation.tasks.length > 0
          ? el(
              "div",
              { className: "table-wrap" },
              el(
                "table",
                { className: "data responsive", "data-testid": "sim-tasks" },
                el("caption", { className: "visually-hidden" }, t("sim.openTasks")),
                el("thead", {}, el("tr", {}, [t("sim.activity"), t("sim.department"), t("sim.taskDue")].map((h) => el("th", { scope: "col" }, h)))),
                el(
                  "tbody",
                  {},
                  simulation.tasks.map((task) =>
                    el(
                      "tr",
                      {},
                      el("td", { "data-label": t("sim.activity") }, task.name ? `${task.name} (${task.activity})` : task.activity),
                      el("td", { "data-label": t("sim.department") }, task.department ?? ""),
                      el("td", { "data-label": t("sim.taskDue") }, task.dueAt ? formatDateTime(task.dueAt) : t("common.none")),
                    ),
                  ),
                ),
              ),
            )
          : el("p", { className: "muted" }, t("sim.noOpenTasks")),
        simulation.incidents.length > 0
          ? el("div", { className: "alert alert-error" }, el("p", { className: "alert-title" }, t("sim.incidents")), el("ul", {}, simulation.incidents.map((i) => el("li", {}, `${i.element}: ${i.message}`))))
          : null,
        simulation.notes.length > 0 ? el("div", { className: "alert alert-info" }, el("ul", {}, simulation.notes.map((n) => el("li", {}, n)))) : null,
      ),
    );
  }
}
