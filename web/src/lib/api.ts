// The client of the jixiao REST API (/api/v1) for the form and the older pages: the session
// cookie of a signed-in user (X-CSRF-Token on writes) or a developer's Bearer token kept in
// localStorage, RFC 9457 problem+json errors, and optimistic concurrency with ETag / If-Match.

import { currentLocale } from "./i18n";
import type { Violation } from "./rules";

const TOKEN_KEY = "jixiao.token";

/** The stored API token, if any. */
export function token(): string {
  return localStorage.getItem(TOKEN_KEY) ?? "";
}

/** Stores (or clears, with "") the API token. */
export function setToken(t: string): void {
  if (t.trim()) localStorage.setItem(TOKEN_KEY, t.trim());
  else localStorage.removeItem(TOKEN_KEY);
}

const CSRF_KEY = "jixiao.csrf";

/** The CSRF token of this tab's cookie session (the app keeps it in sessionStorage), or "". */
export function csrf(): string {
  return sessionStorage.getItem(CSRF_KEY) ?? "";
}

/** The signed-in user as GET /session answers (see crates/server/SESSIONS-API.md). */
export interface SessionInfo {
  user: { username: string; display_name: string; role: string; department?: string | null; department_name?: string | null; org?: string | null };
  csrf_token: string | null;
}

let lookup: Promise<SessionInfo | null> | undefined;

/** The cookie session, looked up once per page (null when nobody is signed in by cookie). */
export function session(): Promise<SessionInfo | null> {
  lookup ??= fetch(`${API}/session`, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(async (r) => {
      if (!r.ok) return null;
      const s = (await r.json()) as SessionInfo;
      if (s.csrf_token) sessionStorage.setItem(CSRF_KEY, s.csrf_token);
      return s;
    })
    .catch(() => null);
  return lookup;
}

/** The auth headers of a call: this tab's cookie session (X-CSRF-Token on writes) when the app
 * signed in, else the developer's Bearer token, else the cookie session looked up on a write. */
export async function authHeaders(method: string): Promise<Record<string, string>> {
  const write = !["GET", "HEAD"].includes(method.toUpperCase());
  if (csrf()) return write ? { "X-CSRF-Token": csrf() } : {};
  if (token()) return { Authorization: `Bearer ${token()}` };
  if (!write) return {};
  const s = await session();
  return s?.csrf_token ? { "X-CSRF-Token": s.csrf_token } : {};
}

/** An RFC 9457 problem from the API. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  violations?: Violation[];
}

/** A failed call: the problem body, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }
}

/** A stored target as the API returns it. */
export interface StoredTarget {
  id: string;
  status?: string;
  etag?: string;
  version?: number;
  valid?: boolean;
  violations?: Violation[];
}

async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  // Problems (title, detail, field messages) come back in the page's language.
  const h: Record<string, string> = { Accept: "application/json, application/problem+json", "Accept-Language": currentLocale(), ...headers };
  if (body !== undefined) h["Content-Type"] = "application/json";
  Object.assign(h, await authHeaders(method));
  let res: Response;
  try {
    res = await fetch(url, { method, headers: h, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError({ status: 0, title: "network", detail: String(e) });
  }
  if (!res.ok) {
    let problem: Problem = { status: res.status, title: res.statusText };
    try {
      problem = { ...problem, ...((await res.json()) as Problem), status: res.status };
    } catch {
      /* not JSON: keep the status line */
    }
    throw new ApiError(problem);
  }
  return res;
}

/** The base of the API (same origin). */
export const API = "./api/v1";

/** Query parameters of the target routes: the rule profile a document is checked with
 * (create and replace; the server keeps the target's own when absent) and the locale of
 * the messages and violations in the answer. */
export interface TargetParams {
  profile?: string;
  locale?: string;
}

function query(params: TargetParams): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}

async function stored(res: Response, id?: string): Promise<StoredTarget> {
  const body = (await res.json()) as StoredTarget;
  return { ...body, id: body.id ?? id ?? "", etag: res.headers.get("ETag") ?? body.etag };
}

/** Creates a draft target: POST /targets. Returns the stored target with its ETag. */
export async function createTarget(doc: unknown, params: TargetParams = {}): Promise<StoredTarget> {
  return stored(await call("POST", `${API}/targets${query(params)}`, doc));
}

/** Replaces a target: PUT /targets/{id} with If-Match (412 when someone else changed it). */
export async function updateTarget(id: string, etag: string, doc: unknown, params: TargetParams = {}): Promise<StoredTarget> {
  return stored(await call("PUT", `${API}/targets/${encodeURIComponent(id)}${query(params)}`, doc, { "If-Match": etag }), id);
}

/** Submits a draft or returned target for review: POST /targets/{id}/submit with If-Match.
 * Refusals: 422 with the document's `violations` (same shape as the WASM check), 409 when
 * the target is not a draft or returned, 412 when someone else changed it. */
export async function submitTarget(id: string, etag: string, params: Pick<TargetParams, "locale"> = {}): Promise<StoredTarget> {
  return stored(await call("POST", `${API}/targets/${encodeURIComponent(id)}/submit${query(params)}`, undefined, { "If-Match": etag }), id);
}
