// The designer's calls to the server (src/OneStop.Workflow.Server/Scenarios/*Api.cs) and their shapes.
import { api } from "../shared/api";

/** A form-js schema as the form editor saves it. */
export type FormSchema = Record<string, unknown> & { components?: unknown[] };

export type Forms = Record<string, FormSchema>;

export interface ScenarioSummary {
  key: string;
  version: number;
  title: string;
  lifeEvent: string | null;
  departments: string[];
  deployedAt: string;
}

export interface VersionSummary {
  version: number;
  deployedAt: string;
  title: string;
  contentHash: string;
}

export interface VersionDetail {
  key: string;
  version: number;
  title: string;
  deployedAt: string;
  contentHash: string;
  bpmn: string;
  forms: Forms;
}

/** A problem placed on a diagram element and, for a form problem, a form and field. */
export interface DesignProblem {
  elementId: string | null;
  elementType: string | null;
  line: number | null;
  message: string;
  formKey: string | null;
  field: string | null;
}

export interface Dedup {
  fieldsToFill: number;
  sumOverSeparateForms: number;
  savedPercent: number;
}

export interface FieldInfo {
  key: string;
  label: string;
  departments: string[];
  shared: boolean;
}

export interface Validation {
  valid: boolean;
  problems: DesignProblem[];
  dedup: Dedup | null;
  form: { schema: FormSchema; fields: FieldInfo[] } | null;
  key: string | null;
  title: string | null;
}

export interface SimulatedTask {
  id: string;
  activity: string;
  name: string | null;
  department: string | null;
  dueAt: string | null;
}

export interface Simulation {
  status: "running" | "completed" | "terminated" | "incident";
  start: string;
  dueAt: string | null;
  completed: string[];
  active: string[];
  tasks: SimulatedTask[];
  incidents: Array<{ element: string; message: string }>;
  variables: Record<string, unknown>;
  notes: string[];
}

const path = (key: string) => `/api/scenarios/${encodeURIComponent(key)}`;

export const listScenarios = () => api<ScenarioSummary[]>("/api/scenarios");

export const listVersions = (key: string) => api<VersionSummary[]>(`${path(key)}/versions`);

export const getVersion = (key: string, version: number) => api<VersionDetail>(`${path(key)}/versions/${version}`);

export const validateScenario = (bpmn: string, forms: Forms, signal?: AbortSignal) =>
  api<Validation>("/api/scenarios/validate", { method: "POST", json: { bpmn, forms }, signal });

export const deployScenario = (bpmn: string, forms: Forms) =>
  api<ScenarioSummary>("/api/scenarios", { method: "POST", json: { bpmn, forms } });

export const simulateScenario = (body: { bpmn: string; forms: Forms; variables: unknown; steps: unknown; start?: string }) =>
  api<Simulation>("/api/scenarios/simulate", { method: "POST", json: body });
