// The signed-in user, kept in sessionStorage so that closing the browser tab signs out.
import { api } from "./api";

export interface Session {
  token: string;
  userName: string;
  roles: string[];
  departments: string[];
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

const STORAGE_KEY = "onestop.session";

interface TokenResponse {
  accessToken: string;
  expiresIn: number;
  tokenType?: string;
}

interface Me {
  userName: string;
  roles: string[];
  departments: string[];
}

/** Thrown by requireRole after it started navigating away, so that the page stops building itself. */
export class NavigatingAway extends Error {
  constructor() {
    super("Navigating to the sign-in page.");
    this.name = "NavigatingAway";
  }
}

export function getSession(): Session | null {
  let text: string | null = null;
  try {
    text = sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
  if (!text) return null;
  try {
    const session = JSON.parse(text) as Session;
    if (typeof session.token !== "string" || typeof session.expiresAt !== "number" || session.expiresAt <= Date.now()) {
      clearSession();
      return null;
    }
    return session;
  } catch {
    clearSession();
    return null;
  }
}

export function clearSession(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage disabled: nothing was kept
  }
}

export async function signIn(userName: string, password: string): Promise<Session> {
  const token = await api<TokenResponse>("/api/auth/token", {
    method: "POST",
    json: { username: userName, password },
    anonymous: true,
  });
  const me = await whoAmI(token.accessToken);
  const session: Session = {
    token: token.accessToken,
    userName: me.userName,
    roles: me.roles,
    departments: me.departments,
    // A little early, so that a request is never sent with a token about to expire.
    expiresAt: Date.now() + Math.max(0, token.expiresIn - 30) * 1000,
  };
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  return session;
}

/** GET /api/me; a server without it still works: the claims of our own token say the same. */
async function whoAmI(token: string): Promise<Me> {
  try {
    return await api<Me>("/api/me", { headers: { Authorization: `Bearer ${token}` }, noRedirect: true });
  } catch (error) {
    const claims = decodeClaims(token);
    if (!claims) throw error;
    return claims;
  }
}

function decodeClaims(token: string): Me | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const json = new TextDecoder().decode(
      Uint8Array.from(atob(payload.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)),
    );
    const claims = JSON.parse(json) as Record<string, unknown>;
    const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value == null ? [] : [String(value)]);
    return { userName: String(claims.sub ?? ""), roles: list(claims.role), departments: list(claims.department) };
  } catch {
    return null;
  }
}

export function signOut(): void {
  clearSession();
  window.location.assign("/index.html");
}

/** The page for a role: where sign-in sends a user who came to no particular page. */
export function homeFor(session: Pick<Session, "roles">): string | null {
  const roles = session.roles;
  if (roles.includes("citizen")) return "/portal.html";
  if (roles.includes("staff")) return "/inbox.html";
  if (roles.includes("supervisor")) return "/supervision.html";
  if (roles.includes("designer") || roles.includes("admin")) return "/designer.html";
  return null;
}

/** Which roles may open each page (mirrors the server's policies). */
export const pageRoles: Record<string, string[]> = {
  "/portal.html": ["citizen"],
  "/inbox.html": ["staff", "supervisor"],
  "/supervision.html": ["supervisor", "admin"],
  "/designer.html": ["designer", "admin"],
};

export function redirectToSignIn(reason?: "expired" | "role"): void {
  const here = window.location.pathname + window.location.search + window.location.hash;
  const query = new URLSearchParams({ next: here });
  if (reason) query.set("reason", reason);
  window.location.assign(`/index.html?${query.toString()}`);
}

/** The session when it has one of the roles; otherwise goes to the sign-in page and throws NavigatingAway. */
export function requireRole(...roles: string[]): Session {
  const session = getSession();
  if (session && (roles.length === 0 || roles.some((role) => session.roles.includes(role)))) return session;
  redirectToSignIn(session ? "role" : undefined);
  throw new NavigatingAway();
}

/** Where "next" may send the user: only a page of this site (never another origin). */
export function safeNext(next: string | null): string | null {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return null;
  return next;
}
