// What the target form needs from the server, whichever client calls it: the standalone
// page (declare.html) uses the older REST client (`lib/api.ts`, a developer's token or the
// session cookie); the app (#/declare) passes one built on its typed client
// (`app/views/declare/backend.ts`). Both throw a `Refusal` for a failed call.
import * as api from "../lib/api";
import type { Violation } from "../lib/rules";
import type { Suggestion } from "./help";

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

function refusal(e: unknown): Refusal {
  if (!(e instanceof api.ApiError)) return new Refusal(0, String(e));
  const p = e.problem;
  return new Refusal(p.status, p.detail ?? p.title ?? "", Array.isArray(p.violations) ? p.violations : undefined);
}

async function wrap(call: () => Promise<api.StoredTarget>): Promise<Stored> {
  try {
    const s = await call();
    return { id: s.id, etag: s.etag ?? "", status: s.status ?? "draft" };
  } catch (e) {
    throw refusal(e);
  }
}

/** The standalone page's server: `lib/api.ts` (session cookie with X-CSRF-Token, or a token). */
export const legacyBackend: Backend = {
  create: (doc, profile, locale) => wrap(() => api.createTarget(doc, { profile, locale })),
  update: (id, etag, doc, profile, locale) => wrap(() => api.updateTarget(id, etag, doc, { profile, locale })),
  submit: (id, etag, locale) => wrap(() => api.submitTarget(id, etag, { locale })),
};
