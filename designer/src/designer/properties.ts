// The "One-stop service" group of the properties panel: the onestop extension attributes of the selected element
// (department, time limit, form, outcome on user tasks; life event, calendar, title, time limit on the process).
import { Group, SelectEntry, TextFieldEntry, isSelectEntryEdited, isTextFieldEntryEdited } from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { t } from "../shared/i18n";

/** A moddle element: the semantic BPMN object behind a shape. */
export interface ModdleElement {
  $type: string;
  id?: string;
  name?: string;
  get(name: string): unknown;
  set(name: string, value: unknown): void;
  processRef?: ModdleElement;
  eventDefinitions?: ModdleElement[];
  $instanceOf(type: string): boolean;
}

export interface DiagramElement {
  id: string;
  type: string;
  businessObject: ModdleElement;
}

interface Modeling {
  updateModdleProperties(element: DiagramElement, target: ModdleElement, properties: Record<string, unknown>): void;
}

/** What the panel needs from the page: the forms that exist, to offer them for a task. */
export interface DesignContext {
  formKeys(): string[];
}

interface EntryProps {
  element: DiagramElement;
  id: string;
}

/** The element whose attributes an entry edits: a pool stands for its process. */
function targetOf(element: DiagramElement): ModdleElement {
  const bo = element.businessObject;
  return bo.$instanceOf("bpmn:Participant") && bo.processRef ? bo.processRef : bo;
}

function read(element: DiagramElement, attribute: string): string {
  const value = targetOf(element).get(`onestop:${attribute}`);
  return typeof value === "string" ? value : "";
}

/** A text entry for one onestop attribute; an empty value removes the attribute instead of writing "". */
function textEntry(attribute: string, labelKey: string, descriptionKey?: string, placeholder?: string) {
  return function OneStopTextEntry(props: EntryProps) {
    const modeling = useService<Modeling>("modeling");
    const debounce = useService("debounceInput");
    return TextFieldEntry({
      element: props.element,
      id: props.id,
      label: t(labelKey),
      description: descriptionKey ? t(descriptionKey) : undefined,
      placeholder,
      debounce,
      getValue: () => read(props.element, attribute),
      setValue: (value) => {
        const trimmed = value?.trim();
        modeling.updateModdleProperties(props.element, targetOf(props.element), { [`onestop:${attribute}`]: trimmed ? trimmed : undefined });
      },
    });
  };
}

// Components are created once: the panel re-renders them by identity, so a new function per render would lose focus.
const DepartmentEntry = textEntry("department", "props.department", "props.department.hint", "market-regulation");
const TaskTimeLimitEntry = textEntry("timeLimit", "props.timeLimit", "props.timeLimit.hint", "5WD");
const OutcomeEntry = textEntry("outcome", "props.outcome", "props.outcome.hint");
const LifeEventEntry = textEntry("lifeEvent", "props.lifeEvent", "props.lifeEvent.hint");
const CalendarEntry = textEntry("calendar", "props.calendar", "props.calendar.hint", "cn-mainland");
const TitleEntry = textEntry("title", "props.title", "props.title.hint");
const ProcessTimeLimitEntry = textEntry("timeLimit", "props.processTimeLimit", "props.timeLimit.hint", "20WD");
const HandlerTypeEntry = textEntry("type", "props.handlerType", "props.handlerType.hint");
const CorrelationKeyEntry = textEntry("correlationKey", "props.correlationKey", "props.correlationKey.hint", "${applicationId}");

function formEntry(context: DesignContext) {
  return function OneStopFormEntry(props: EntryProps) {
    const modeling = useService<Modeling>("modeling");
    return SelectEntry({
      element: props.element,
      id: props.id,
      label: t("props.formRef"),
      description: t("props.formRef.hint"),
      getValue: () => read(props.element, "formRef"),
      setValue: (value) => modeling.updateModdleProperties(props.element, targetOf(props.element), { "onestop:formRef": value ? value : undefined }),
      getOptions: () => {
        const current = read(props.element, "formRef");
        const keys = context.formKeys().filter((key) => key !== "applicant");
        if (current && !keys.includes(current)) keys.push(current);
        return [{ value: "", label: t("props.formRef.none") }, ...keys.sort().map((key) => ({ value: key, label: key }))];
      },
    });
  };
}

type Entry = { id: string; component: unknown; isEdited: (node: unknown) => boolean };

function text(id: string, component: unknown): Entry {
  return { id, component, isEdited: isTextFieldEntryEdited };
}

function isMessageCatch(bo: ModdleElement): boolean {
  return (bo.eventDefinitions ?? []).some((definition) => definition.$instanceOf("bpmn:MessageEventDefinition"));
}

function entriesFor(element: DiagramElement, FormEntry: unknown): Entry[] {
  const bo = element.businessObject;
  if (bo.$instanceOf("bpmn:UserTask")) {
    return [
      text("onestop-department", DepartmentEntry),
      text("onestop-timeLimit", TaskTimeLimitEntry),
      { id: "onestop-formRef", component: FormEntry, isEdited: isSelectEntryEdited },
      text("onestop-outcome", OutcomeEntry),
    ];
  }
  if (bo.$instanceOf("bpmn:ManualTask")) return [text("onestop-department", DepartmentEntry)];
  if (bo.$instanceOf("bpmn:Process") || (bo.$instanceOf("bpmn:Participant") && bo.processRef)) {
    return [
      text("onestop-title", TitleEntry),
      text("onestop-lifeEvent", LifeEventEntry),
      text("onestop-calendar", CalendarEntry),
      text("onestop-timeLimit", ProcessTimeLimitEntry),
    ];
  }
  if (bo.$instanceOf("bpmn:ServiceTask") || bo.$instanceOf("bpmn:SendTask") || bo.$instanceOf("bpmn:BusinessRuleTask")) {
    return [text("onestop-type", HandlerTypeEntry)];
  }
  if (bo.$instanceOf("bpmn:ReceiveTask") || ((bo.$instanceOf("bpmn:IntermediateCatchEvent") || bo.$instanceOf("bpmn:BoundaryEvent")) && isMessageCatch(bo))) {
    return [text("onestop-correlationKey", CorrelationKeyEntry)];
  }
  return [];
}

interface GroupDefinition {
  id: string;
}

interface PropertiesPanel {
  registerProvider(priority: number, provider: unknown): void;
}

class OneStopPropertiesProvider {
  static $inject = ["propertiesPanel", "designContext"];
  private readonly formEntry: unknown;

  constructor(propertiesPanel: PropertiesPanel, context: DesignContext) {
    this.formEntry = formEntry(context);
    propertiesPanel.registerProvider(500, this);
  }

  getGroups(element: DiagramElement) {
    return (groups: GroupDefinition[]) => {
      const entries = entriesFor(element, this.formEntry).map((entry) => ({ ...entry, element }));
      if (entries.length === 0) return groups;
      const general = groups.findIndex((group) => group.id === "general");
      groups.splice(general + 1, 0, {
        id: "onestop",
        label: t("props.group"),
        entries,
        component: Group,
        shouldOpen: true,
      } as GroupDefinition);
      return groups;
    };
  }
}

/** The bpmn-js module; the page provides `designContext` as a value. */
export function oneStopPropertiesModule(context: DesignContext) {
  return {
    __init__: ["oneStopPropertiesProvider"],
    oneStopPropertiesProvider: ["type", OneStopPropertiesProvider],
    designContext: ["value", context],
  };
}

/** Which entry of the panel a server problem of the selected element concerns (its message says which attribute). */
export function entryForProblem(message: string, formKey: string | null | undefined): string | null {
  if (/^(onestop:timeLimit|camunda:dueDate|zeebe:taskSchedule)/.test(message)) return "onestop-timeLimit";
  if (/^(onestop:department|camunda:candidateGroups|zeebe:assignmentDefinition)/.test(message)) return "onestop-department";
  if (/working-day calendar/.test(message)) return "onestop-calendar";
  if (/\bformRef\b|no department \(onestop:department\)/.test(message)) {
    return /no department/.test(message) ? "onestop-department" : "onestop-formRef";
  }
  if (formKey) return "onestop-formRef";
  return null;
}
