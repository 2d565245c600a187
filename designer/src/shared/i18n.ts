// UI text in English and Simplified Chinese. Every page registers its own messages with addMessages; t() looks a key
// up in the current locale, falls back to English, and finally shows the key itself so a missing text is visible.

export type Locale = "en" | "zh-CN";

const STORAGE_KEY = "onestop.locale";
const catalogs: Record<Locale, Record<string, string>> = { en: {}, "zh-CN": {} };
const listeners: Array<() => void> = [];
// Shared parts (the shell) follow the locale too, but only a page's own listener means "no reload needed".
const sharedListeners: Array<() => void> = [];

export function addMessages(en: Record<string, string>, zh: Record<string, string>): void {
  Object.assign(catalogs.en, en);
  Object.assign(catalogs["zh-CN"], zh);
}

function detectLocale(): Locale {
  const stored = safeStorage()?.getItem(STORAGE_KEY);
  if (stored === "en" || stored === "zh-CN") return stored;
  const preferred = (navigator.languages ?? [navigator.language]).find(Boolean) ?? "en";
  return preferred.toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage can be disabled; the locale then lasts for the page only
  }
}

let current: Locale = detectLocale();
document.documentElement.lang = current;

export function getLocale(): Locale {
  return current;
}

export function setLocale(locale: Locale): void {
  if (locale === current) return;
  current = locale;
  safeStorage()?.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
  if (listeners.length === 0) {
    window.location.reload();
    return;
  }
  for (const listener of [...sharedListeners, ...listeners]) listener();
}

/** Called after the locale changed; a page that registers none is reloaded instead. */
export function onLocaleChange(cb: () => void): void {
  listeners.push(cb);
}

/** For shared components: re-render on a locale change without taking over the page's reload decision. */
export function onLocaleApplied(cb: () => void): void {
  sharedListeners.push(cb);
}

export function t(key: string, vars?: Record<string, string | number>): string {
  const text = catalogs[current][key] ?? catalogs.en[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** True when a key has a text (pages use it to translate server codes such as a status, falling back to the code). */
export function hasMessage(key: string): boolean {
  return key in catalogs.en || key in catalogs[current];
}

/** A server code ("in-progress") shown through "prefix.code" when a text exists, otherwise as it is. */
export function tCode(prefix: string, code: string | null | undefined): string {
  if (code == null || code === "") return "";
  const key = `${prefix}.${code}`;
  return hasMessage(key) ? t(key) : code;
}

/** Dates and numbers in the user's locale (the UI locale decides the format, the browser the time zone). */
export function formatDateTime(value: string | number | Date | null | undefined): string {
  if (value == null || value === "") return "";
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return new Intl.DateTimeFormat(current, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

export function formatDate(value: string | number | Date | null | undefined): string {
  if (value == null || value === "") return "";
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return new Intl.DateTimeFormat(current, { dateStyle: "medium" }).format(date);
}

export function formatNumber(value: number, fractionDigits = 0): string {
  return new Intl.NumberFormat(current, { maximumFractionDigits: fractionDigits, minimumFractionDigits: 0 }).format(value);
}

export function formatPercent(value: number): string {
  return new Intl.NumberFormat(current, { style: "percent", maximumFractionDigits: 1 }).format(value);
}

// Texts every page shares: the shell, sign-in, common actions and errors.
addMessages(
  {
    "app.name": "OneStop Services",
    "shell.skip": "Skip to main content",
    "shell.nav": "Main navigation",
    "shell.language": "Language",
    "shell.signedInAs": "Signed in as {name}",
    "shell.signOut": "Sign out",
    "nav.portal": "My applications",
    "nav.inbox": "Department inbox",
    "nav.supervision": "Supervision",
    "nav.designer": "Scenario designer",
    "lang.en": "English",
    "lang.zh-CN": "简体中文",
    "common.loading": "Loading…",
    "common.retry": "Try again",
    "common.close": "Close",
    "common.cancel": "Cancel",
    "common.save": "Save",
    "common.none": "None",
    "common.back": "Back",
    "common.refresh": "Refresh",
    "error.network": "The server cannot be reached. Check the connection and try again.",
    "error.generic": "Something went wrong ({status}).",
    "error.correlation": "Reference for support: {id}",
    "error.fieldsIntro": "Please correct the following:",
    "error.forbidden": "You are not allowed to do this.",
    "error.notFound": "This was not found.",
    "error.unavailable": "This feature is not available on this server yet.",
    "signin.title": "Sign in",
    "signin.intro": "Sign in to apply for services, handle your department's applications or supervise the service.",
    "signin.userName": "User name",
    "signin.password": "Password",
    "signin.submit": "Sign in",
    "signin.working": "Signing in…",
    "signin.failed": "Sign-in failed",
    "signin.wrong": "The user name or password is wrong.",
    "signin.tooMany": "Too many sign-in attempts. Wait a minute and try again.",
    "signin.required": "Enter your user name and password.",
    "signin.noRole": "Your account has no role that can use this site.",
    "signin.expired": "Your session has ended. Please sign in again.",
    "signin.demo": "Demonstration accounts (password “demo”): citizen1, staff.health-commission, supervisor, designer.",
    "role.citizen": "Citizen",
    "role.staff": "Department staff",
    "role.supervisor": "Supervisor",
    "role.designer": "Policy designer",
    "role.admin": "Administrator",
    "signal.green": "On time",
    "signal.yellow": "Due soon",
    "signal.red": "Overdue",
    "signal.paused": "Clock paused",
    "signal.none": "No time limit",
  },
  {
    "app.name": "一网通办",
    "shell.skip": "跳到主要内容",
    "shell.nav": "主导航",
    "shell.language": "语言",
    "shell.signedInAs": "当前用户：{name}",
    "shell.signOut": "退出登录",
    "nav.portal": "我的办件",
    "nav.inbox": "部门待办",
    "nav.supervision": "效能监督",
    "nav.designer": "事项设计器",
    "lang.en": "English",
    "lang.zh-CN": "简体中文",
    "common.loading": "正在加载…",
    "common.retry": "重试",
    "common.close": "关闭",
    "common.cancel": "取消",
    "common.save": "保存",
    "common.none": "无",
    "common.back": "返回",
    "common.refresh": "刷新",
    "error.network": "无法连接服务器，请检查网络后重试。",
    "error.generic": "操作失败（{status}）。",
    "error.correlation": "技术支持参考号：{id}",
    "error.fieldsIntro": "请修改以下内容：",
    "error.forbidden": "您无权执行此操作。",
    "error.notFound": "未找到相关内容。",
    "error.unavailable": "本服务器暂未提供此功能。",
    "signin.title": "登录",
    "signin.intro": "登录后可以申办事项、办理本部门的申请或进行效能监督。",
    "signin.userName": "用户名",
    "signin.password": "密码",
    "signin.submit": "登录",
    "signin.working": "正在登录…",
    "signin.failed": "登录失败",
    "signin.wrong": "用户名或密码错误。",
    "signin.tooMany": "登录尝试次数过多，请一分钟后再试。",
    "signin.required": "请输入用户名和密码。",
    "signin.noRole": "您的账号没有可使用本网站的角色。",
    "signin.expired": "登录已过期，请重新登录。",
    "signin.demo": "演示账号（密码均为“demo”）：citizen1、staff.health-commission、supervisor、designer。",
    "role.citizen": "群众",
    "role.staff": "部门工作人员",
    "role.supervisor": "监督人员",
    "role.designer": "事项设计人员",
    "role.admin": "管理员",
    "signal.green": "正常",
    "signal.yellow": "即将到期",
    "signal.red": "已超期",
    "signal.paused": "计时暂停",
    "signal.none": "无时限",
  },
);
