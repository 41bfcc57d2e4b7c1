// What the target form needs from the server, and the two sets of calls that give it, both
// over the one client (`app/api.ts`: openapi-fetch typed by the spec, the session cookie with
// X-CSRF-Token or a developer's Bearer token). `appBackend` is the app's (#/declare): a target
// is opened from its dossier (document, status, reviews, changes since the return) and, when
// it is returned, the snapshot that was returned (GET …/versions), so the form shows the
// changes live; the spreadsheet routes (the xlsx body in, a file out) and the department's
// own earlier indicators are the client's plain fetches. `standaloneBackend()` is
// declare.html's: create, replace and submit only, in the page's language, signed in as that
// page always was. Both throw a `Refusal` for a failed call.
import { ApiError, api, apiUrl, auth, devToken, fetchApi, fileNameOf, must, problemMessage, requestHeaders, setCsrf, type Schemas } from "../app/api";
import type { Violation } from "../lib/rules";
import { isSuggestion, type Suggestion } from "./help";

/** A refused or failed call: the HTTP status (0: no connection), the server's detail in the
 * request's language, and for a 422 the document's violations. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly violations?: Violation[],
  ) {
    super(detail || `HTTP ${status}`);
  }
}

/** The server's answer to a write: the target's id, its new ETag and status. */
export interface Stored {
  id: string;
  etag: string;
  status: string;
}

/** One difference between the returned document and the current one (the server's `Change`). */
export interface Change {
  path: string;
  old?: unknown;
  new?: unknown;
}

/** The bureau's latest return decision. */
export interface ReturnNote {
  at: string;
  grade: string;
  opinion: string | null;
  criteria: Record<string, string | null | undefined>;
  revision: number;
}

/** A stored target as the form opens it (the app loads it from GET /targets/{id}/dossier). */
export interface TargetState {
  id: string;
  etag: string;
  status: "draft" | "submitted" | "returned" | "approved";
  profile: string;
  document: unknown;
  /** The review version under work (1 + number of adjustments). */
  revision: number;
  /** The current version is an adjustment (调整) of an approved one, not yet approved. */
  adjustment: boolean;
  /** The approved version in force, if any. */
  inForceRevision: number | null;
  departmentCode: string;
  departmentName?: string | null;
  /** The latest return, when the target was ever returned. */
  lastReturn?: ReturnNote | null;
  /** What changed since the last return (as the server computed it at the last write). */
  changes?: { sinceRevision: number; since: string; changes: Change[] } | null;
  /** The document as it was returned, when known: the form then shows the changes live. */
  returned?: unknown;
}

/** A violation of an imported spreadsheet, with the cell it is about (`申报表!G17`), if any. */
export interface LocatedViolation extends Violation {
  cell?: string | null;
}

/** What `POST /targets/import` read from a spreadsheet (nothing is stored). */
export interface ImportedTarget {
  document: unknown;
  valid: boolean;
  violations: LocatedViolation[];
  sheet: string;
  /** `元` when the amounts were read in 元 and divided by 10,000. */
  amount_unit: string;
}

/** A file the server sent, with the name it gave. */
export interface Download {
  blob: Blob;
  filename: string;
}

/** The server calls of the form. `load`, `adjust`, the spreadsheets and the department's own
 * earlier indicators exist in the app only. */
export interface Backend {
  create(doc: unknown, profile: string, locale: string): Promise<Stored>;
  update(id: string, etag: string, doc: unknown, profile: string, locale: string): Promise<Stored>;
  submit(id: string, etag: string, locale: string): Promise<Stored>;
  /** Reads a target again (after a 412, or once an adjustment was started). */
  load?(id: string): Promise<TargetState>;
  /** POST /targets/{id}/adjust with If-Match: a new version, editable as a draft. */
  adjust?(id: string, etag: string): Promise<Stored>;
  /** POST /targets/import: the 申报表 of an .xlsx read into a document and its violations. */
  importXlsx?(file: Blob, profile: string, locale: string): Promise<ImportedTarget>;
  /** GET /targets/{id}/xlsx: the stored target as the national form. */
  downloadXlsx?(id: string, locale: string): Promise<Download>;
  /** GET /indicator-suggestions: the department's own approved indicators of earlier years
   * (before `fiscalYear`, when it is known). */
  suggestIndicators?(query: string, level1: string, level2: string, limit: number, signal: AbortSignal, fiscalYear?: number): Promise<Suggestion[]>;
}

// ---------------------------------------------------------------- the app

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

/** Reads a target as the form opens it (the app). */
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

/** A call the typed client does not carry (a file in or out), its failure as a Refusal. */
async function plain(path: string, query: Record<string, string>, init: Parameters<typeof fetchApi>[2]): Promise<Response> {
  try {
    return await fetchApi(path, query, init);
  } catch (e) {
    throw refusal(e);
  }
}

/** The app's server calls (#/declare): everything the form can do with a stored target. */
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
    const r = await plain("/targets/import", { profile, locale: loc(locale) }, { method: "POST", headers: { "Content-Type": XLSX, Accept: "application/json" }, body: file });
    return (await r.json()) as ImportedTarget;
  },
  async downloadXlsx(id, locale): Promise<Download> {
    const r = await plain(`/targets/${encodeURIComponent(id)}/xlsx`, { locale: loc(locale) }, { headers: { Accept: XLSX } });
    return { blob: await r.blob(), filename: fileNameOf(r.headers.get("Content-Disposition"), "绩效目标申报表.xlsx") };
  },
  async suggestIndicators(q, level1, level2, limit, signal, fiscalYear): Promise<Suggestion[]> {
    const query: Record<string, string | number> = { q: [...q].slice(0, 100).join(""), limit };
    if (level1) query.level1 = level1;
    if (level2) query.level2 = level2;
    if (fiscalYear) query.fiscal_year = fiscalYear;
    // Silent on a refusal: the library's suggestions stay.
    const r = await fetch(apiUrl("/indicator-suggestions", query), { credentials: "same-origin", headers: { ...requestHeaders("GET"), Accept: "application/json" }, signal });
    if (!r.ok) return [];
    const body = (await r.json()) as { items?: unknown };
    return Array.isArray(body.items) ? body.items.filter(isSuggestion).map((s) => ({ ...s, source: "own" as const })) : [];
  },
};

// ---------------------------------------------------------------- declare.html

/** A write's answer as the standalone page reads it: the ETag header first, a draft by default. */
function storedAnswer(r: { data?: unknown; response: Response }, id?: string): Stored {
  const body = (r.data ?? {}) as { id?: string; etag?: string; status?: string };
  return { id: body.id ?? id ?? "", etag: r.response.headers.get("ETag") ?? body.etag ?? "", status: body.status ?? "draft" };
}

/** A failed call of the standalone page: the server's detail (else its title, else the status
 * line) in the page's language, as it comes. */
async function answer(id: string | undefined, p: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<Stored> {
  let r: { data?: unknown; error?: unknown; response: Response };
  try {
    r = await p;
  } catch (e) {
    throw new Refusal(0, String(e));
  }
  if (r.response.ok) return storedAnswer(r, id);
  const body = r.error && typeof r.error === "object" ? (r.error as Partial<Schemas["Problem"]> & { violations?: Violation[] | null }) : {};
  const problem = { title: r.response.statusText, ...body };
  throw new Refusal(r.response.status, problem.detail ?? problem.title ?? "", Array.isArray(problem.violations) ? problem.violations : undefined);
}

/** declare.html's server calls (create, replace, submit) in the page's language. Signed in as
 * the page always was: this tab's cookie session when the app signed in (X-CSRF-Token on
 * writes), else the developer's token from the token box (Bearer), else — on a write — the
 * cookie session looked up once (GET /session). */
export function standaloneBackend(): Backend {
  let lookup: Promise<string | null> | undefined;
  async function signIn(write: boolean): Promise<void> {
    auth.bearer = false;
    if (auth.csrf) return;
    if (devToken()) {
      auth.bearer = true;
      return;
    }
    if (!write) return;
    lookup ??= api
      .GET("/api/v1/session")
      .then((r) => r.data?.csrf_token ?? null)
      .catch(() => null);
    const csrf = await lookup;
    if (csrf) setCsrf(csrf);
  }
  const lang = (locale: string) => ({ "Accept-Language": locale });
  return {
    async create(doc, profile, locale) {
      await signIn(true);
      return answer(undefined, api.POST("/api/v1/targets", { params: { query: { profile, locale } }, body: doc as Body, headers: lang(locale) }));
    },
    async update(id, etag, doc, profile, locale) {
      await signIn(true);
      return answer(id, api.PUT("/api/v1/targets/{id}", { params: { path: { id }, query: { profile, locale }, header: { "If-Match": etag } }, body: doc as Body, headers: lang(locale) }));
    },
    async submit(id, etag, locale) {
      await signIn(true);
      return answer(id, api.POST("/api/v1/targets/{id}/submit", { params: { path: { id }, query: { locale }, header: { "If-Match": etag } }, headers: lang(locale) }));
    },
  };
}
