// The frame of every signed-in page: skip link, header (product, page title, navigation for the user's roles,
// language switch, user, sign out) and the <main id="main"> landmark the page fills.
import "./style.css";
import { el, setContent } from "./dom";
import { getLocale, onLocaleApplied, setLocale, t, type Locale } from "./i18n";
import { getSession, NavigatingAway, pageRoles, requireRole, signOut, type Session } from "./session";

const navItems: Array<{ href: string; key: string; testId: string }> = [
  { href: "/portal.html", key: "nav.portal", testId: "nav-portal" },
  { href: "/inbox.html", key: "nav.inbox", testId: "nav-inbox" },
  { href: "/supervision.html", key: "nav.supervision", testId: "nav-supervision" },
  { href: "/designer.html", key: "nav.designer", testId: "nav-designer" },
];

const locales: Locale[] = ["en", "zh-CN"];

/** The language switch on its own (the sign-in page uses it without the rest of the shell). */
export function languageSwitch(): HTMLElement {
  const group = el("div", { className: "lang-switch", role: "group", "aria-label": t("shell.language") });
  const render = () => {
    group.setAttribute("aria-label", t("shell.language"));
    setContent(
      group,
      locales.map((locale) =>
        el(
          "button",
          {
            type: "button",
            lang: locale,
            className: "lang-button",
            "aria-pressed": String(getLocale() === locale),
            "data-testid": `lang-${locale}`,
            onclick: () => setLocale(locale),
          },
          t(`lang.${locale}`),
        ),
      ),
    );
  };
  render();
  onLocaleApplied(render);
  return group;
}

export function mountShell(options: { titleKey: string; role: string }): HTMLElement {
  const session = getSession();
  const main = el("main", { id: "main", tabindex: "-1", className: "page", "data-role": options.role });
  const skip = el("a", { className: "skip-link", href: "#main" });
  const productName = el("a", { className: "brand", href: "/index.html" });
  const title = el("span", { className: "page-title" });
  const nav = el("nav", { className: "main-nav" });
  const user = el("div", { className: "user-box" });
  const header = el(
    "header",
    { className: "site-header" },
    el("div", { className: "header-top" }, el("div", { className: "brand-block" }, productName, title), languageSwitch()),
    el("div", { className: "header-bottom" }, nav, user),
  );

  const render = () => {
    skip.textContent = t("shell.skip");
    productName.textContent = t("app.name");
    title.textContent = t(options.titleKey);
    document.title = `${t(options.titleKey)} – ${t("app.name")}`;
    nav.setAttribute("aria-label", t("shell.nav"));
    const here = window.location.pathname;
    const allowed = navItems.filter((item) => session && pageRoles[item.href]?.some((role) => session.roles.includes(role)));
    setContent(
      nav,
      allowed.length > 1 || (allowed.length === 1 && allowed[0]!.href !== here)
        ? el(
            "ul",
            {},
            allowed.map((item) =>
              el(
                "li",
                {},
                el("a", { href: item.href, "data-testid": item.testId, "aria-current": item.href === here ? "page" : null }, t(item.key)),
              ),
            ),
          )
        : null,
    );
    setContent(
      user,
      session ? el("span", { className: "user-name", "data-testid": "user-name" }, t("shell.signedInAs", { name: session.userName })) : null,
      session ? el("button", { type: "button", className: "button-secondary", "data-testid": "sign-out", onclick: () => signOut() }, t("shell.signOut")) : null,
    );
  };
  render();
  onLocaleApplied(render);

  skip.addEventListener("click", (event) => {
    event.preventDefault();
    main.focus();
  });
  const footer = el("footer", { className: "site-footer" });
  const renderFooter = () => setContent(footer, el("p", {}, t("app.name")));
  renderFooter();
  onLocaleApplied(renderFooter);
  document.body.replaceChildren(skip, header, main, footer);
  return main;
}

/** Checks the role (going to sign-in when it is missing), mounts the shell and runs the page. */
export function startPage(options: { titleKey: string; role: string; roles: string[] }, run: (main: HTMLElement, session: Session) => void): void {
  let session: Session;
  try {
    session = requireRole(...options.roles);
  } catch (error) {
    if (error instanceof NavigatingAway) return;
    throw error;
  }
  run(mountShell({ titleKey: options.titleKey, role: options.role }), session);
}
