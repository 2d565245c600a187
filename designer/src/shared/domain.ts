// The server's JSON shapes the pages use, and their display names in both languages.
import { addMessages, hasMessage, t } from "./i18n";

export type Signal = "green" | "yellow" | "red";

export interface ScenarioSummary {
  key: string;
  version: number;
  title: string;
  lifeEvent?: string | null;
  departments: string[];
  deployedAt: string;
}

export interface DedupSummary {
  fieldsToFill: number;
  sumOverSeparateForms: number;
  savedPercent: number;
}

export interface FormFieldInfo {
  key: string;
  label: string;
  departments: string[];
  shared: boolean;
}

export interface ScenarioForm {
  key: string;
  version: number;
  schema: FormSchema;
  fields: FormFieldInfo[];
  dedup: DedupSummary;
}

/** A form-js schema: only the parts the pages read are typed. */
export interface FormSchema {
  type?: string;
  id?: string;
  components?: FormComponent[];
  [other: string]: unknown;
}

export interface FormComponent {
  id?: string;
  key?: string;
  type: string;
  label?: string;
  components?: FormComponent[];
  values?: Array<{ label: string; value: unknown }>;
  [other: string]: unknown;
}

export interface SupplementRequestView {
  fields: string[];
  message?: string | null;
  requestedAt?: string | null;
}

export interface ApplicationTask {
  id: string;
  department?: string | null;
  name?: string | null;
  status: string;
  decision?: string | null;
  comment?: string | null;
  dueAt?: string | null;
  claimedBy?: string | null;
  supplement?: SupplementRequestView | null;
  // The time-limit signal and the paused clock.
  signal?: Signal | null;
  paused?: boolean;
  pauseReason?: string | null;
}

export interface ApplicationView {
  id: string;
  scenario: string;
  version: number;
  title: string;
  status: string;
  applicant?: string | null;
  submittedAt: string;
  completedAt?: string | null;
  tasks: ApplicationTask[];
  data: Record<string, unknown>;
  /** The scenario's own (joint-handling) deadline and its signal. */
  dueAt?: string | null;
  signal?: Signal | null;
  /** The applicant's rating, once given (shown to the applicant and supervisors). */
  rating?: RatingView | null;
}

export interface QueueItem {
  id: string;
  applicationId: string;
  scenario: string;
  department?: string | null;
  name?: string | null;
  status: string;
  createdAt: string;
  dueAt?: string | null;
  claimedBy?: string | null;
  signal?: Signal | null;
  paused?: boolean;
  pauseReason?: string | null;
}

export interface AttachmentView {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  department?: string | null;
  uploadedBy: string;
  uploadedAt: string;
}

export interface RatingView {
  score: number;
  comment?: string | null;
  ratedAt: string;
}

export interface HistoryEntry {
  at: string;
  actor?: string | null;
  kind: string;
  element?: string | null;
  taskId?: string | null;
  data?: unknown;
}

export interface FollowUp {
  id: string;
  kind: string;
  applicationId: string;
  scenario: string;
  taskId?: string | null;
  department?: string | null;
  createdAt: string;
  summary: string;
  status: string;
  closedBy?: string | null;
  closedAt?: string | null;
  note?: string | null;
}

export interface Counts {
  open: number;
  onTime: number;
  yellow: number;
  red: number;
  completed: number;
  completedOnTime: number;
  overdueCompleted: number;
}

export interface RatingStats {
  count: number;
  average?: number | null;
  distribution: Record<string, number>;
}

export interface Stats {
  generatedAt: string;
  departments: Array<{ department: string; tasks: Counts; handlingDays?: { average?: number | null; p90?: number | null }; supplements?: number }>;
  scenarios: Array<{
    scenario: string;
    title: string;
    applications: Counts;
    handlingDays?: { average?: number | null; p90?: number | null };
    supplements?: number;
    ratings?: RatingStats;
  }>;
  ratings: RatingStats;
}

/** A department's name in the UI language; an unknown code is shown readably ("housing-fund-centre" → "Housing fund centre"). */
export function departmentName(code: string | null | undefined): string {
  if (!code) return t("dept.none");
  const key = `dept.${code}`;
  if (hasMessage(key)) return t(key);
  const words = code.replace(/[-_.]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A scenario's title: the UI language's name when we have one, the designer's title otherwise. */
export function scenarioTitle(key: string, title?: string | null): string {
  const message = `scenario.${key}`;
  if (hasMessage(message)) return t(message);
  return title || key;
}

export function statusText(status: string): string {
  const key = `status.${status}`;
  return hasMessage(key) ? t(key) : status;
}

export function decisionText(decision: string | null | undefined): string {
  if (!decision) return "";
  const key = `decision.${decision}`;
  return hasMessage(key) ? t(key) : decision;
}

export function pauseReasonText(reason: string | null | undefined): string {
  if (!reason) return "";
  const key = `pause.${reason}`;
  return hasMessage(key) ? t(key) : reason;
}

export function formatBytes(size: number): string {
  if (size < 1024) return t("size.bytes", { n: size });
  if (size < 1024 * 1024) return t("size.kb", { n: (size / 1024).toFixed(0) });
  return t("size.mb", { n: (size / 1024 / 1024).toFixed(1) });
}

addMessages(
  {
    "dept.none": "No department",
    "dept.health-commission": "Health Commission",
    "dept.public-security": "Public Security Bureau",
    "dept.medical-insurance-bureau": "Medical Insurance Bureau",
    "dept.human-resources-social-security": "Human Resources and Social Security",
    "dept.market-regulation": "Market Regulation Administration",
    "dept.tax": "Tax Bureau",
    "dept.bank": "Bank",
    "dept.housing-fund-centre": "Housing Provident Fund Centre",
    "scenario.newborn-registration": "Newborn registration",
    "scenario.start-a-business": "Start a business",
    "status.submitted": "Submitted",
    "status.in-progress": "In progress",
    "status.completed": "Completed",
    "status.terminated": "Terminated",
    "status.open": "Waiting",
    "status.claimed": "Being handled",
    "status.supplement-requested": "Supplement requested",
    "status.cancelled": "Withdrawn",
    "decision.approved": "Approved",
    "decision.rejected": "Rejected",
    "pause.testing": "Testing",
    "pause.inspection": "Inspection",
    "pause.expert-review": "Expert review",
    "pause.supplement": "Waiting for a supplement",
    "size.bytes": "{n} bytes",
    "size.kb": "{n} KB",
    "size.mb": "{n} MB",
  },
  {
    "dept.none": "无部门",
    "dept.health-commission": "卫生健康委员会",
    "dept.public-security": "公安局",
    "dept.medical-insurance-bureau": "医疗保障局",
    "dept.human-resources-social-security": "人力资源和社会保障局",
    "dept.market-regulation": "市场监督管理局",
    "dept.tax": "税务局",
    "dept.bank": "银行",
    "dept.housing-fund-centre": "住房公积金管理中心",
    "scenario.newborn-registration": "新生儿出生“一件事”",
    "scenario.start-a-business": "企业开办“一件事”",
    "status.submitted": "已提交",
    "status.in-progress": "办理中",
    "status.completed": "已办结",
    "status.terminated": "已终止",
    "status.open": "待办理",
    "status.claimed": "办理中",
    "status.supplement-requested": "待补正",
    "status.cancelled": "已撤回",
    "decision.approved": "准予",
    "decision.rejected": "不予",
    "pause.testing": "检验检测",
    "pause.inspection": "现场检查",
    "pause.expert-review": "专家评审",
    "pause.supplement": "等待补正材料",
    "size.bytes": "{n} 字节",
    "size.kb": "{n} KB",
    "size.mb": "{n} MB",
  },
);
