// Small DOM helpers shared by the pages: element building, error display, status texts, announcements.
import { describeError } from "./api";
import { t } from "./i18n";

export type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** Creates an element: attributes (on* are listeners, booleans toggle, null skips) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else if (name === "className") {
      element.className = String(value);
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else if (child != null && child !== false) parent.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function setContent(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** An alert box for an error: the problem's title, detail, field errors and the correlation id for support. */
export function errorBox(error: unknown, options: { testId?: string } = {}): HTMLElement {
  const { title, detail, fields, correlationId } = describeError(error);
  return el(
    "div",
    { className: "alert alert-error", role: "alert", "data-testid": options.testId ?? "error" },
    el("p", { className: "alert-title" }, title),
    detail && detail !== title ? el("p", {}, detail) : null,
    fields.length > 0 ? [el("p", {}, t("error.fieldsIntro")), el("ul", {}, fields.map((f) => el("li", {}, f)))] : null,
    correlationId ? el("p", { className: "muted small" }, t("error.correlation", { id: correlationId })) : null,
  );
}

/** A polite live region for announcements ("Application submitted"), created once per page. */
export function announce(message: string): void {
  let region = document.getElementById("announcer");
  if (!region) {
    region = el("div", { id: "announcer", className: "visually-hidden", role: "status", "aria-live": "polite" });
    document.body.append(region);
  }
  region.textContent = "";
  // A separate task, so that screen readers notice the change even when the text repeats.
  window.setTimeout(() => {
    region!.textContent = message;
  }, 50);
}

/** A short-lived visible confirmation that is also announced. */
export function notice(container: Element, message: string, testId = "notice"): HTMLElement {
  const box = el("div", { className: "alert alert-success", role: "status", "data-testid": testId }, message);
  container.prepend(box);
  return box;
}

export function loading(): HTMLElement {
  return el("p", { className: "loading", role: "status", "aria-live": "polite" }, t("common.loading"));
}

/** A time-limit signal as a coloured mark with its meaning in text (colour is never the only cue). */
export function signalMark(signal: string | null | undefined, paused = false): HTMLElement {
  const value = paused ? "paused" : (signal ?? "none");
  return el("span", { className: `signal signal-${value}`, "data-signal": value }, el("span", { className: "signal-dot", "aria-hidden": "true" }), t(`signal.${value}`));
}

export function button(label: string, onClick: (event: MouseEvent) => void, attrs: Attrs = {}): HTMLButtonElement {
  const b = el("button", { type: "button", ...attrs }, label);
  b.addEventListener("click", (event) => onClick(event));
  return b;
}

/** Runs an action with the button disabled and busy, so that a double click does not send twice. */
export async function busy<T>(control: HTMLButtonElement | HTMLFieldSetElement | null, action: () => Promise<T>): Promise<T> {
  if (control) {
    control.disabled = true;
    control.setAttribute("aria-busy", "true");
  }
  try {
    return await action();
  } finally {
    if (control) {
      control.disabled = false;
      control.removeAttribute("aria-busy");
    }
  }
}

/** The server's signal for a task; a server that does not send one yet still shows overdue work as red and the rest as
 * on time (only the server knows when "due soon" starts). */
export function signalFor(task: { signal?: string | null; paused?: boolean; dueAt?: string | null }): HTMLElement | null {
  if (task.signal || task.paused) return signalMark(task.signal, task.paused);
  if (!task.dueAt) return null;
  return signalMark(new Date(task.dueAt).getTime() < Date.now() ? "red" : "green");
}
