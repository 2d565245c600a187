// The sign-in page for every role: user name and password, then the page the user came from or the role's home.
import "../shared/style.css";
import { ApiError } from "../shared/api";
import { el, errorBox, setContent } from "../shared/dom";
import { onLocaleChange, t } from "../shared/i18n";
import { languageSwitch } from "../shared/shell";
import { getSession, homeFor, pageRoles, safeNext, signIn, type Session } from "../shared/session";

const query = new URLSearchParams(window.location.search);
const next = safeNext(query.get("next"));
const reason = query.get("reason");

/** Where a signed-in user goes: the requested page when their roles allow it, otherwise their home. */
function destination(session: Session): string | null {
  if (next) {
    const path = next.split(/[?#]/)[0]!;
    const roles = pageRoles[path];
    if (!roles || roles.some((role) => session.roles.includes(role))) return next;
  }
  return homeFor(session);
}

// Built once: the language switch re-renders itself.
const header = el("header", { className: "signin-header" }, el("span", { className: "brand" }), languageSwitch());

const existing = getSession();
if (existing && reason !== "role" && destination(existing)) {
  window.location.replace(destination(existing)!);
} else {
  render();
  onLocaleChange(render);
}

function render(): void {
  document.title = `${t("signin.title")} – ${t("app.name")}`;
  const typed = document.querySelector<HTMLInputElement>("#username")?.value ?? "";
  const userName = el("input", { id: "username", name: "username", type: "text", autocomplete: "username", required: true, value: typed, "data-testid": "signin-username" });
  const password = el("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true, "data-testid": "signin-password" });
  const submit = el("button", { type: "submit", "data-testid": "signin-submit" }, t("signin.submit"));
  const messages = el("div", { id: "signin-messages" });
  if (reason === "expired") messages.append(el("div", { className: "alert alert-info", role: "status" }, t("signin.expired")));
  if (reason === "role") messages.append(el("div", { className: "alert alert-warning", role: "status" }, t("signin.noRole")));

  const form = el(
    "form",
    { className: "card", novalidate: true, "aria-labelledby": "signin-heading" },
    el("div", { className: "field" }, el("label", { for: "username" }, t("signin.userName")), userName),
    el("div", { className: "field" }, el("label", { for: "password" }, t("signin.password")), password),
    el("div", { className: "actions" }, submit),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    messages.replaceChildren();
    if (!userName.value.trim() || !password.value) {
      messages.append(errorBox(new ApiError({ status: 400, title: t("signin.required") }), { testId: "signin-error" }));
      (userName.value.trim() ? password : userName).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t("signin.working");
    try {
      const session = await signIn(userName.value.trim(), password.value);
      const target = destination(session);
      if (!target) {
        messages.append(errorBox(new ApiError({ status: 403, title: t("signin.noRole") }), { testId: "signin-error" }));
        return;
      }
      window.location.assign(target);
    } catch (error) {
      // The two answers a person can cause get our own words in the UI language; anything else is shown as the server said it.
      const shown =
        error instanceof ApiError && error.status === 400 && Object.keys(error.errors).length === 0
          ? new ApiError({ status: 400, title: t("signin.failed"), detail: t("signin.wrong") })
          : error instanceof ApiError && error.status === 429
            ? new ApiError({ status: 429, title: t("signin.failed"), detail: t("signin.tooMany") })
            : error;
      messages.append(errorBox(shown, { testId: "signin-error" }));
      password.value = "";
      password.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = t("signin.submit");
    }
  });

  const main = el(
    "main",
    { id: "main", className: "page" },
    el("h1", { id: "signin-heading" }, t("signin.title")),
    el("p", {}, t("signin.intro")),
    messages,
    form,
    import.meta.env.DEV || isLocalhost() ? el("p", { className: "muted small" }, t("signin.demo")) : null,
  );
  header.querySelector(".brand")!.textContent = t("app.name");
  setContent(document.body, header, main);
  (typed ? password : userName).focus();
}

function isLocalhost(): boolean {
  return ["localhost", "127.0.0.1", "[::1]"].includes(window.location.hostname);
}
