// The client of the jixiao REST API (/api/v1): Bearer token kept in localStorage,
// RFC 9457 problem+json errors, and optimistic concurrency with ETag / If-Match.

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
  const h: Record<string, string> = { Accept: "application/json, application/problem+json", ...headers };
  if (body !== undefined) h["Content-Type"] = "application/json";
  if (token()) h.Authorization = `Bearer ${token()}`;
  let res: Response;
  try {
    res = await fetch(url, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
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

/** Creates a draft target: POST /targets. Returns the stored target with its ETag. */
export async function createTarget(doc: unknown): Promise<StoredTarget> {
  const res = await call("POST", `${API}/targets`, doc);
  const body = (await res.json()) as StoredTarget;
  return { ...body, etag: res.headers.get("ETag") ?? body.etag };
}

/** Replaces a target: PUT /targets/{id} with If-Match (412 when someone else changed it). */
export async function updateTarget(id: string, etag: string, doc: unknown): Promise<StoredTarget> {
  const res = await call("PUT", `${API}/targets/${encodeURIComponent(id)}`, doc, { "If-Match": etag });
  const body = (await res.json()) as StoredTarget;
  return { ...body, id: body.id ?? id, etag: res.headers.get("ETag") ?? body.etag };
}
