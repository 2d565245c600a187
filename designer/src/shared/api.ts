// The one way the pages talk to the server: bearer token from the session, JSON in and out, and RFC 7807
// problem+json turned into ApiError with the per-field errors so a page can show them on their fields.
import { clearSession, getSession, redirectToSignIn } from "./session";
import { t } from "./i18n";

export class ApiError extends Error {
  status: number;
  title: string;
  detail?: string;
  errors: Record<string, string[]>;
  correlationId?: string;
  /** Extra members of the problem document (for example "problems" of a scenario deploy). */
  extensions: Record<string, unknown>;

  constructor(init: {
    status: number;
    title: string;
    detail?: string;
    errors?: Record<string, string[]>;
    correlationId?: string;
    extensions?: Record<string, unknown>;
  }) {
    super(init.detail ? `${init.title}: ${init.detail}` : init.title);
    this.name = "ApiError";
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors ?? {};
    this.correlationId = init.correlationId;
    this.extensions = init.extensions ?? {};
  }

  /** Every field error as "field: message", in order. */
  get fieldMessages(): string[] {
    return Object.entries(this.errors).flatMap(([field, messages]) => messages.map((m) => (field ? `${field}: ${m}` : m)));
  }
}

export interface ApiOptions {
  method?: string;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  /** Do not send the session's token (sign-in itself). */
  anonymous?: boolean;
  /** On 401 throw instead of going to the sign-in page. */
  noRedirect?: boolean;
  signal?: AbortSignal;
}

async function send(path: string, options: ApiOptions, accept: string): Promise<Response> {
  const headers: Record<string, string> = { Accept: accept, ...options.headers };
  const session = options.anonymous ? null : getSession();
  if (session && !hasHeader(headers, "authorization")) headers.Authorization = `Bearer ${session.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  let response: Response;
  try {
    response = await fetch(path, { method: options.method ?? (body === undefined ? "GET" : "POST"), headers, body, signal: options.signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError({ status: 0, title: t("error.network") });
  }
  if (response.status === 401 && !options.anonymous && !options.noRedirect) {
    clearSession();
    redirectToSignIn("expired");
    throw await toApiError(response);
  }
  if (!response.ok) throw await toApiError(response);
  return response;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/** Reads a failed response: problem+json when the server sent one, a generic message otherwise. */
export async function toApiError(response: Response): Promise<ApiError> {
  const type = response.headers.get("Content-Type") ?? "";
  if (type.includes("json")) {
    try {
      const problem = (await response.json()) as Record<string, unknown>;
      const { title, detail, errors, correlationId, status, type: _type, instance: _instance, ...rest } = problem;
      return new ApiError({
        status: typeof status === "number" ? status : response.status,
        title: typeof title === "string" && title ? title : defaultTitle(response.status),
        detail: typeof detail === "string" ? detail : undefined,
        errors: normaliseErrors(errors),
        correlationId: typeof correlationId === "string" ? correlationId : (response.headers.get("X-Correlation-Id") ?? undefined),
        extensions: rest,
      });
    } catch {
      // fall through: a body that is not JSON after all
    }
  }
  return new ApiError({
    status: response.status,
    title: defaultTitle(response.status),
    correlationId: response.headers.get("X-Correlation-Id") ?? undefined,
  });
}

function defaultTitle(status: number): string {
  if (status === 403) return t("error.forbidden");
  if (status === 404) return t("error.notFound");
  return t("error.generic", { status });
}

function normaliseErrors(errors: unknown): Record<string, string[]> {
  if (!errors || typeof errors !== "object") return {};
  const result: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(errors as Record<string, unknown>)) {
    if (Array.isArray(messages)) result[field] = messages.map(String);
    else if (typeof messages === "string") result[field] = [messages];
  }
  return result;
}

export async function api<T>(path: string, options: ApiOptions = {}): Promise<T> {
  const response = await send(path, options, "application/json, application/problem+json");
  if (response.status === 204 || response.headers.get("Content-Length") === "0") return undefined as T;
  const type = response.headers.get("Content-Type") ?? "";
  if (!type.includes("json")) return (await response.text()) as unknown as T;
  return (await response.json()) as T;
}

export async function apiBlob(path: string, options: ApiOptions = {}): Promise<Blob> {
  const response = await send(path, options, "*/*");
  return response.blob();
}

/** A file from the server with the name it gives in Content-Disposition (or the fallback). */
export async function apiDownload(path: string, fallbackName: string): Promise<{ blob: Blob; fileName: string }> {
  const response = await send(path, {}, "*/*");
  return { blob: await response.blob(), fileName: fileNameOf(response.headers.get("Content-Disposition")) ?? fallbackName };
}

function fileNameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const encoded = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (encoded) {
    try {
      return decodeURIComponent(encoded[1]!.trim());
    } catch {
      // fall back to the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1]!.trim() : null;
}

/** Saves a blob under a file name through a temporary same-origin object URL. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A user-facing description of any error: the problem's title and detail, or a network message. */
export function describeError(error: unknown): { title: string; detail?: string; fields: string[]; correlationId?: string } {
  if (error instanceof ApiError) {
    return { title: error.title, detail: error.detail, fields: error.fieldMessages, correlationId: error.correlationId };
  }
  return { title: error instanceof Error ? error.message : String(error), fields: [] };
}
