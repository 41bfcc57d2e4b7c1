// The form's server calls in the app, through the app's one typed client (`api.ts`: the
// session cookie with X-CSRF-Token, Accept-Language zh-CN). A target is opened from its
// dossier (document, status, reviews, changes since the return) and, when it is returned,
// the snapshot that was returned (GET …/versions), so the form shows the changes live.
import { ApiError, api, must, problemMessage, type Schemas } from "../../api";
import { Refusal, type Backend, type Stored, type TargetState } from "../../../form/backend";
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
};
