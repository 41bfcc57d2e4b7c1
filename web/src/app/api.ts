// The one client of the jixiao API, generated from openapi/openapi.json (`npm run gen:api`
// writes openapi.d.ts on every build, so a drift between the spec and a page is a type
// error): the app's, and the standalone form's (declare.html, through `form/backend.ts`).
// It sends Accept-Language: zh-CN (unless a call names its own language), the session
// cookie (same origin), X-CSRF-Token on every write, and — only when no session cookie is
// signed in — a developer's bearer token from localStorage. The calls that `fetch` itself
// (files in and out) take its headers and its errors from here too (`fetchApi`).
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./openapi";

export type Schemas = components["schemas"];
export type Paths = paths;
/** What GET /session answers: the user, the CSRF token of a cookie session. */
export type SessionView = paths["/api/v1/session"]["get"]["responses"][200]["content"]["application/json"];
export type User = SessionView["user"];
export type Role = Schemas["Role"];
export type Status = Schemas["TargetStatus"];
export type ReviewTarget = Schemas["ReviewTarget"];
export type PublicTarget = Schemas["PublicTarget"];

const TOKEN_KEY = "jixiao.token";
const CSRF_KEY = "jixiao.csrf";

/** How the app authenticates now: the CSRF token of the cookie session, or the bearer token. */
export const auth = { csrf: sessionStorage.getItem(CSRF_KEY) ?? "", bearer: false };

/** A developer's bearer token (the standalone form's token box), or "". */
export function devToken(): string {
  return localStorage.getItem(TOKEN_KEY) ?? "";
}

/** Stores (or clears with "") the developer's bearer token. */
export function setDevToken(t: string): void {
  if (t.trim()) localStorage.setItem(TOKEN_KEY, t.trim());
  else localStorage.removeItem(TOKEN_KEY);
}

/** Keeps the session's CSRF token (sessionStorage, so the standalone form in this tab finds it). */
export function setCsrf(t: string | null | undefined): void {
  auth.csrf = t ?? "";
  if (t) sessionStorage.setItem(CSRF_KEY, t);
  else sessionStorage.removeItem(CSRF_KEY);
}

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

const headers: Middleware = {
  onRequest({ request }) {
    // The standalone form asks for its page's language; everything else is in Chinese.
    if (!request.headers.has("Accept-Language")) request.headers.set("Accept-Language", "zh-CN");
    if (auth.bearer && devToken()) request.headers.set("Authorization", `Bearer ${devToken()}`);
    else if (WRITES.has(request.method) && auth.csrf) request.headers.set("X-CSRF-Token", auth.csrf);
    return request;
  },
  onResponse({ request, response }) {
    // A session that ended (expired, signed out elsewhere): the app sends the user to 登录.
    if (response.status === 401 && !new URL(request.url).pathname.endsWith("/api/v1/session")) {
      window.dispatchEvent(new CustomEvent("jixiao:unauthorized"));
    }
    return response;
  },
};

/** The API base: the folder the app is served from (so `/` and a sub-path both work). */
function baseUrl(): string {
  return new URL(".", location.href).href.replace(/\/$/, "");
}

export const api = createClient<paths>({ baseUrl: baseUrl(), credentials: "same-origin" });
api.use(headers);

/** An RFC 9457 problem as the server sends it. */
export type Problem = Schemas["Problem"];

/** A failed call: its status, the problem body and, for 429, the seconds to wait. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem>,
    readonly retryAfter?: number,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

const FALLBACK: Record<number, string> = {
  0: "无法连接服务器，请检查网络后重试",
  400: "请求的内容不正确",
  401: "请先登录",
  403: "没有权限执行此操作",
  404: "未找到要访问的内容",
  409: "当前状态不允许此操作，请刷新后重试",
  412: "内容已被他人修改，请刷新后重试",
  413: "文件过大",
  422: "内容未通过校验",
  429: "尝试次数过多，请稍后再试",
  500: "服务器出错，请稍后再试",
};

/** The message to show for a failed call, in Chinese. */
export function problemMessage(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 429) return `尝试次数过多，请 ${e.retryAfter ?? 60} 秒后再试`;
    return e.problem.detail || FALLBACK[e.status] || e.problem.title || `请求失败（${e.status}）`;
  }
  return FALLBACK[0];
}

/** A refusal's `Retry-After` in seconds (429), when it names a positive number. */
function retryAfter(res: Response): number | undefined {
  const retry = Number(res.headers.get("Retry-After"));
  return Number.isFinite(retry) && retry > 0 ? retry : undefined;
}

/** Awaits an openapi-fetch call: its data, or an ApiError with the problem. */
export async function must<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let r: { data?: T; error?: unknown; response: Response };
  try {
    r = await call;
  } catch {
    throw new ApiError(0, {});
  }
  if (!r.response.ok) {
    const problem = (r.error && typeof r.error === "object" ? r.error : {}) as Partial<Problem>;
    throw new ApiError(r.response.status, problem, retryAfter(r.response));
  }
  return r.data as T;
}

/** Every third-party assignment the caller may see, following `GET /assignments`'s cursor a
 * page of 200 at a time (a bureau has tens to hundreds a year; the lists search and sort them
 * in the page). */
export async function allAssignments(): Promise<Schemas["AssignmentView"][]> {
  const out: Schemas["AssignmentView"][] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await must(api.GET("/api/v1/assignments", { params: { query: { limit: 200, cursor } } }));
    out.push(...page.items);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return out;
}

/** The API's absolute base (`…/api/v1`), for the calls made with `fetch` itself (file downloads). */
export function apiBase(): string {
  return `${baseUrl()}/api/v1`;
}

/** The headers the client sends on a call made with `fetch` itself: the language, the bearer
 * token when no cookie session exists, else the CSRF token on a write (the cookie goes by
 * `credentials: "same-origin"`). */
export function requestHeaders(method = "GET"): Record<string, string> {
  const h: Record<string, string> = { "Accept-Language": "zh-CN" };
  if (auth.bearer && devToken()) h.Authorization = `Bearer ${devToken()}`;
  else if (WRITES.has(method.toUpperCase()) && auth.csrf) h["X-CSRF-Token"] = auth.csrf;
  return h;
}

/** A query string's values; `undefined`, `null` and "" leave the parameter out. */
export type Query = Record<string, string | number | undefined | null>;

/** The absolute URL of `path` under the API, with a query string. */
export function apiUrl(path: string, query: Query = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return `${apiBase()}${path}${s ? `?${s}` : ""}`;
}

/** A refused answer of a call made with `fetch` itself as an ApiError: the problem+json body
 * ({} when it is not JSON) and, for 429, Retry-After. */
export async function problemOf(res: Response): Promise<ApiError> {
  let problem: Record<string, unknown> = {};
  try {
    const body: unknown = await res.json();
    if (body && typeof body === "object") problem = body as Record<string, unknown>;
  } catch {
    // not JSON: the status's own message
  }
  return new ApiError(res.status, problem, retryAfter(res));
}

/** A call made with `fetch` itself (a file in or out, which the typed client does not carry):
 * `GET /api/v1{path}?{query}` or `init.method`, with the client's headers plus `extra`.
 * Resolves to the answer when it is 2xx; no connection throws `ApiError(0)`, a refusal its
 * problem (a 401 also tells the app the session ended, as the client does). */
export async function fetchApi(path: string, query: Query, init: { method?: string; headers?: Record<string, string>; body?: BodyInit } = {}): Promise<Response> {
  const method = init.method ?? "GET";
  let res: Response;
  try {
    res = await fetch(apiUrl(path, query), { method, headers: { ...requestHeaders(method), ...init.headers }, body: init.body, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, {});
  }
  if (res.ok) return res;
  if (res.status === 401) window.dispatchEvent(new CustomEvent("jixiao:unauthorized"));
  throw await problemOf(res);
}

/** The file name of a Content-Disposition header: RFC 5987 `filename*` first, then `filename`. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(disposition);
  if (star) {
    try {
      const name = decodeURIComponent(star[2].trim().replace(/^"|"$/g, ""));
      if (name) return name;
    } catch {
      // a malformed escape: the plain name below
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(disposition);
  const name = (plain?.[2] ?? plain?.[1] ?? "").trim();
  return name || fallback;
}
