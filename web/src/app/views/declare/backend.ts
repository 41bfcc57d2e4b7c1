// The form's server calls in the app, through the app's one typed client (`api.ts`: the
// session cookie with X-CSRF-Token, Accept-Language zh-CN). A target is opened from its
// dossier (document, status, reviews, changes since the return) and, when it is returned,
// the snapshot that was returned (GET …/versions), so the form shows the changes live.
// The spreadsheet routes (the xlsx body in, a file out) and the department's own earlier
// indicators are plain fetches with the same headers as the client: the session cookie,
// X-CSRF-Token on the write, Accept-Language.
import { ApiError, api, auth, devToken, must, problemMessage, type Schemas } from "../../api";
import { Refusal, type Backend, type Download, type ImportedTarget, type Stored, type TargetState } from "../../../form/backend";
import { isSuggestion, type Suggestion } from "../../../form/help";
import type { Violation } from "../../../lib/rules";

type Locale = "zh-CN" | "en";
const loc = (l: string): Locale => (l === "en" ? "en" : "zh-CN");

/** An app ApiError (or a network failure) as the form's Refusal. */
function refusal(e: unknown): Refusal {
  if (e instanceof ApiError) {
    const violations = (e.problem as { violations?: Violation[] | null }).violations;
    return new Refusal(e.status, problemMessage(e), Array.isArray(violations) ? violations : undefined);
  }
  return new Refusal(0, problemMessage(e));
}

async function call<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  try {
    return await must(p);
  } catch (e) {
    throw refusal(e);
  }
}

const stored = (t: { id: string; etag: string; status: string }): Stored => ({ id: t.id, etag: t.etag, status: t.status });
type Body = Schemas["TargetDocument"];

/** The snapshot submitted for the version that was last returned (what the server diffs against). */
function returnedSnapshot(versions: Schemas["VersionView"][], changes: Schemas["ChangesView"]): unknown {
  const since = new Date(changes.since).getTime();
  const snap = [...versions].reverse().find((v) => v.kind === "submitted" && v.revision === changes.since_revision && new Date(v.at).getTime() <= since);
  return snap?.document;
}

/** Reads a target as the form opens it. */
export async function loadTarget(id: string): Promise<TargetState> {
  const d = await call(api.GET("/api/v1/targets/{id}/dossier", { params: { path: { id }, query: { locale: "zh-CN" } } }));
  const t = d.target;
  const lastReturn = [...d.reviews].reverse().find((r) => r.decision === "return");
  let returned: unknown;
  if (t.status === "returned" && d.changes) {
    // Without the snapshot the form still shows the server's list of changes (as of the last save).
    const versions = await api.GET("/api/v1/targets/{id}/versions", { params: { path: { id } } }).catch(() => undefined);
    if (versions?.data) returned = returnedSnapshot(versions.data, d.changes);
  }
  return {
    id: t.id,
    etag: t.etag,
    status: t.status,
    profile: t.profile,
    document: d.document,
    revision: t.revision,
    adjustment: t.adjustment,
    inForceRevision: t.in_force_revision ?? null,
    departmentCode: t.department_code,
    departmentName: t.department_name,
    lastReturn: lastReturn
      ? { at: lastReturn.at, grade: lastReturn.grade, opinion: lastReturn.opinion ?? null, criteria: lastReturn.criteria as Record<string, string | null>, revision: lastReturn.revision }
      : null,
    changes: d.changes ? { sinceRevision: d.changes.since_revision, since: d.changes.since, changes: d.changes.changes } : null,
    returned,
  };
}

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** A URL under /api/v1 of the server the app was loaded from. */
function apiUrl(path: string, query: Record<string, string | number> = {}): string {
  const u = new URL(`api/v1${path}`, new URL(".", location.href));
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, String(v));
  return u.href;
}

/** The client's headers for a plain fetch (a bearer token only when no cookie session is signed in). */
function headers(write: boolean, extra: Record<string, string> = {}): Headers {
  const h = new Headers({ "Accept-Language": "zh-CN", ...extra });
  if (auth.bearer && devToken()) h.set("Authorization", `Bearer ${devToken()}`);
  else if (write && auth.csrf) h.set("X-CSRF-Token", auth.csrf);
  return h;
}

/** A plain fetch; a refusal (problem+json) or no connection becomes a Refusal. */
async function fetchOk(url: string, init: RequestInit): Promise<Response> {
  let r: Response;
  try {
    r = await fetch(url, { credentials: "same-origin", ...init });
  } catch {
    throw new Refusal(0, problemMessage(new ApiError(0, {})));
  }
  if (r.ok) return r;
  if (r.status === 401) window.dispatchEvent(new CustomEvent("jixiao:unauthorized"));
  let problem: Partial<Schemas["Problem"]> = {};
  try {
    problem = (await r.json()) as Partial<Schemas["Problem"]>;
  } catch {
    /* not JSON */
  }
  throw refusal(new ApiError(r.status, problem));
}

/** The file name of a Content-Disposition (RFC 6266: filename* in UTF-8 first). */
function filenameOf(cd: string | null, fallback: string): string {
  if (!cd) return fallback;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(cd);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      /* a bad escape: the plain name */
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)/i.exec(cd);
  return (plain?.[1] ?? plain?.[2]?.trim()) || fallback;
}

export const appBackend: Backend = {
  async create(doc, profile, locale) {
    return stored(await call(api.POST("/api/v1/targets", { params: { query: { profile, locale: loc(locale) } }, body: doc as Body })));
  },
  async update(id, etag, doc, profile, locale) {
    return stored(
      await call(api.PUT("/api/v1/targets/{id}", { params: { path: { id }, query: { profile, locale: loc(locale) }, header: { "If-Match": etag } }, body: doc as Body })),
    );
  },
  async submit(id, etag, locale) {
    return stored(await call(api.POST("/api/v1/targets/{id}/submit", { params: { path: { id }, query: { locale: loc(locale) }, header: { "If-Match": etag } } })));
  },
  async adjust(id, etag) {
    return stored(await call(api.POST("/api/v1/targets/{id}/adjust", { params: { path: { id }, query: { locale: "zh-CN" }, header: { "If-Match": etag } } })));
  },
  load: loadTarget,
  async importXlsx(file, profile, locale) {
    const r = await fetchOk(apiUrl("/targets/import", { profile, locale: loc(locale) }), {
      method: "POST",
      headers: headers(true, { "Content-Type": XLSX, Accept: "application/json" }),
      body: file,
    });
    return (await r.json()) as ImportedTarget;
  },
  async downloadXlsx(id, locale): Promise<Download> {
    const r = await fetchOk(apiUrl(`/targets/${encodeURIComponent(id)}/xlsx`, { locale: loc(locale) }), { headers: headers(false, { Accept: XLSX }) });
    return { blob: await r.blob(), filename: filenameOf(r.headers.get("Content-Disposition"), "绩效目标申报表.xlsx") };
  },
  async suggestIndicators(q, level1, level2, limit, signal, fiscalYear): Promise<Suggestion[]> {
    const query: Record<string, string | number> = { q: [...q].slice(0, 100).join(""), limit };
    if (level1) query.level1 = level1;
    if (level2) query.level2 = level2;
    if (fiscalYear) query.fiscal_year = fiscalYear;
    const r = await fetch(apiUrl("/indicator-suggestions", query), { credentials: "same-origin", headers: headers(false, { Accept: "application/json" }), signal });
    if (!r.ok) return [];
    const body = (await r.json()) as { items?: unknown };
    return Array.isArray(body.items) ? body.items.filter(isSuggestion).map((s) => ({ ...s, source: "own" as const })) : [];
  },
};
