// The process diagram: bpmn-js Modeler with the standard palette, the properties panel with our onestop group, and the
// server's problems shown on the elements they name (a red outline and a badge with the count).
import BpmnModeler from "bpmn-js/lib/Modeler";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn.css";
import "@bpmn-io/properties-panel/assets/properties-panel.css";
import { t } from "../shared/i18n";
import { onestopModdle } from "./onestop-moddle";
import { entryForProblem, oneStopPropertiesModule, type DesignContext, type DiagramElement } from "./properties";
import type { DesignProblem } from "./scenarios";
import { translateModule } from "./translate";

interface ElementRegistry {
  get(id: string): DiagramElement | undefined;
  getAll(): DiagramElement[];
}
interface Canvas {
  addMarker(id: string, marker: string): void;
  removeMarker(id: string, marker: string): void;
  scrollToElement(element: DiagramElement): void;
  zoom(): number;
  zoom(level: "fit-viewport" | number, center?: "auto"): number;
  resized(): void;
  getRootElement(): DiagramElement;
}
interface Overlays {
  add(id: string, type: string, overlay: { position: Record<string, number>; html: HTMLElement }): string;
  remove(filter: { type: string }): void;
}
interface Selection {
  select(element: DiagramElement | null): void;
  get(): DiagramElement[];
}
interface EventBus {
  fire(event: string, data: unknown): void;
  on(event: string, callback: (event: { newSelection?: DiagramElement[] }) => void): void;
}
interface Modeling {
  updateModdleProperties(element: DiagramElement, target: unknown, properties: Record<string, unknown>): void;
}

export interface TaskInfo {
  id: string;
  name: string;
  department: string;
  formRef: string;
}

export interface ElementInfo {
  id: string;
  label: string;
}

const PROBLEM_MARKER = "onestop-has-problem";
const SIMULATION_MARKERS = ["onestop-sim-completed", "onestop-sim-active"] as const;

/** An empty executable process, so that a new scenario starts from something the server can check. */
export function blankDiagram(key: string, title: string): string {
  const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
  xmlns:onestop="https://onestop-workflow.org/schema/bpmn/1.0" id="Definitions_1" targetNamespace="https://onestop-workflow.org/scenarios/${escape(key)}"
  exporter="OneStop.Workflow designer" exporterVersion="1.0">
  <bpmn:process id="${escape(key)}" name="${escape(title)}" isExecutable="true" onestop:title="${escape(title)}" onestop:calendar="cn-mainland">
    <bpmn:startEvent id="StartEvent_1" name="Application submitted" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="${escape(key)}">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="180" y="160" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

export class DiagramEditor {
  private modeler!: BpmnModeler;
  private problems: DesignProblem[] = [];
  private readonly marked = new Set<string>();
  private readonly simulated: Array<[string, string]> = [];

  constructor(
    private readonly canvasHost: HTMLElement,
    private readonly panelHost: HTMLElement,
    private readonly context: DesignContext,
    private readonly handlers: { changed: () => void; selected: (id: string | null) => void; problemClicked: (id: string) => void },
  ) {
    this.create();
  }

  private create(): void {
    this.modeler = new BpmnModeler({
      container: this.canvasHost,
      propertiesPanel: { parent: this.panelHost },
      additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, oneStopPropertiesModule(this.context), translateModule],
      moddleExtensions: { onestop: onestopModdle },
    });
    const events = this.get<EventBus>("eventBus");
    events.on("commandStack.changed", () => this.handlers.changed());
    events.on("selection.changed", (event) => {
      const selected = event.newSelection?.length === 1 ? event.newSelection[0]!.id : null;
      this.handlers.selected(selected);
      this.updatePanelErrors();
    });
  }

  private get<T>(service: string): T {
    return this.modeler.get<T>(service);
  }

  async open(xml: string): Promise<number> {
    this.problems = []; // the previous diagram's; the page validates the new one
    this.marked.clear();
    this.simulated.length = 0;
    const { warnings } = await this.modeler.importXML(xml);
    this.get<Canvas>("canvas").zoom("fit-viewport", "auto");
    this.showProblems(this.problems);
    return warnings.length;
  }

  /** The diagram as BPMN XML. With commitInput, a field of the panel being typed in is left first, so
   * that its value (committed on blur) is part of it: for deploy and download, not for live validation. */
  async xml(commitInput: boolean): Promise<string> {
    if (commitInput && document.activeElement instanceof HTMLElement && this.panelHost.contains(document.activeElement)) document.activeElement.blur();
    const { xml } = await this.modeler.saveXML({ format: true });
    if (!xml) throw new Error("The diagram could not be saved as XML.");
    return xml;
  }

  destroy(): void {
    this.modeler.destroy();
  }

  /** After the canvas was hidden (another tab): diagram-js measures its container again. */
  resized(): void {
    this.get<Canvas>("canvas").resized();
  }

  zoom(step: number | "fit"): void {
    const canvas = this.get<Canvas>("canvas");
    if (step === "fit") canvas.zoom("fit-viewport", "auto");
    else canvas.zoom(canvas.zoom() * step);
  }

  private elements(): DiagramElement[] {
    return this.get<ElementRegistry>("elementRegistry").getAll();
  }

  userTasks(): TaskInfo[] {
    return this.elements()
      .filter((e) => e.type === "bpmn:UserTask")
      .map((e) => ({
        id: e.id,
        name: e.businessObject.name ?? "",
        department: String(e.businessObject.get("onestop:department") ?? ""),
        formRef: String(e.businessObject.get("onestop:formRef") ?? ""),
      }));
  }

  /** Flow nodes and pools, for the element list that makes the diagram usable from the keyboard. */
  flowElements(): ElementInfo[] {
    return this.elements()
      .filter((e) => (e.type !== "label" && e.businessObject.$instanceOf("bpmn:FlowNode")) || e.type === "bpmn:Participant")
      .map((e) => ({ id: e.id, label: e.businessObject.name ? `${e.businessObject.name} (${e.id})` : e.id }))
      .sort((a, b) => a.label.localeCompare(b.label));
  }

  has(id: string): boolean {
    return this.get<ElementRegistry>("elementRegistry").get(id) !== undefined;
  }

  select(id: string | null): void {
    const element = id ? this.get<ElementRegistry>("elementRegistry").get(id) : undefined;
    this.get<Selection>("selection").select(element ?? null);
    if (element && element !== this.get<Canvas>("canvas").getRootElement()) this.get<Canvas>("canvas").scrollToElement(element);
  }

  selectedId(): string | null {
    const selected = this.get<Selection>("selection").get();
    return selected.length === 1 ? selected[0]!.id : null;
  }

  setFormRef(taskId: string, formKey: string | null): void {
    const element = this.get<ElementRegistry>("elementRegistry").get(taskId);
    if (!element) return;
    this.get<Modeling>("modeling").updateModdleProperties(element, element.businessObject, { "onestop:formRef": formKey ?? undefined });
  }

  /** Marks every element a problem names; problems of elements not in the diagram stay in the list only. */
  showProblems(problems: DesignProblem[]): void {
    this.problems = problems;
    const canvas = this.get<Canvas>("canvas");
    const overlays = this.get<Overlays>("overlays");
    overlays.remove({ type: "onestop-problem" });
    for (const id of this.marked) if (this.has(id)) canvas.removeMarker(id, PROBLEM_MARKER);
    this.marked.clear();

    const byElement = new Map<string, DesignProblem[]>();
    for (const problem of problems) {
      if (!problem.elementId || !this.has(problem.elementId)) continue;
      if (problem.elementId === canvas.getRootElement().id) continue;
      byElement.set(problem.elementId, [...(byElement.get(problem.elementId) ?? []), problem]);
    }
    for (const [id, list] of byElement) {
      canvas.addMarker(id, PROBLEM_MARKER);
      this.marked.add(id);
      const badge = document.createElement("button");
      badge.type = "button";
      badge.className = "onestop-problem-badge";
      badge.dataset.testid = `problem-badge-${id}`;
      badge.textContent = String(list.length);
      badge.title = list.map((p) => p.message).join("\n");
      badge.setAttribute("aria-label", t("problems.badge", { count: list.length, element: id }));
      badge.addEventListener("click", (event) => {
        event.stopPropagation();
        this.select(id);
        this.handlers.problemClicked(id);
      });
      overlays.add(id, "onestop-problem", { position: { top: -12, right: 12 }, html: badge });
    }
    this.updatePanelErrors();
  }

  /** The server's message for an attribute appears under its entry in the properties panel. */
  private updatePanelErrors(): void {
    const canvas = this.get<Canvas>("canvas");
    const id = this.selectedId() ?? canvas.getRootElement()?.id;
    const errors: Record<string, string> = {};
    for (const problem of this.problems) {
      if (problem.elementId !== id) continue;
      const entry = entryForProblem(problem.message, problem.formKey);
      if (entry && !errors[entry]) errors[entry] = problem.message;
    }
    this.get<EventBus>("eventBus").fire("propertiesPanel.setErrors", { errors });
  }

  showSimulation(completed: string[], active: string[]): void {
    this.clearSimulation();
    const canvas = this.get<Canvas>("canvas");
    for (const [ids, marker] of [
      [completed, SIMULATION_MARKERS[0]],
      [active, SIMULATION_MARKERS[1]],
    ] as const) {
      for (const id of new Set(ids)) {
        if (!this.has(id)) continue;
        canvas.addMarker(id, marker);
        this.simulated.push([id, marker]);
      }
    }
  }

  clearSimulation(): void {
    const canvas = this.get<Canvas>("canvas");
    for (const [id, marker] of this.simulated) if (this.has(id)) canvas.removeMarker(id, marker);
    this.simulated.length = 0;
  }
}
