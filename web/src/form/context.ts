// The state of one mounted form (`FormContext`), shared by its parts: what the page passed
// (`FormOptions`), the frame's elements, the WASM session and its last report, the server's
// copy, and the parts themselves (fields, indicators, messages, meters, drafts, …), each
// made per mount by its module's `create…(ctx)`. Nothing here is kept at module level: two
// forms mounted at once (the app hands one from view to view) never share a field.
import type { CheckReport, Profile, Session } from "../lib/rules";
import type { Actions } from "./actions";
import type { Backend, ReturnNote, TargetState } from "./backend";
import type { Drafts } from "./drafts";
import type { Fields } from "./fields";
import type { ImportExport } from "./import-export";
import type { Indicators } from "./indicators";
import type { Messages } from "./messages";
import type { Meters } from "./meters";
import type { Print } from "./print";
import type { Review } from "./review";
import type { View } from "./view";

/** How the form is mounted. */
export interface FormOptions {
  /** `standalone`: declare.html (its header tools, one local draft, a token box);
   * `app`: inside the app (the department from the session, a target's states). */
  mode: "standalone" | "app";
  backend: Backend;
  /** app: the target to open; absent for a new draft. */
  target?: TargetState;
  /** app: the signed-in user's department, written into a new draft and not editable
   * (the name only when the server knows it). */
  department?: { code: string; name?: string };
  /** app: the local copy's key for a target (undefined: the new draft not yet on the server). */
  storageKey?: (id: string | undefined) => string;
  /** app: a new draft was stored on the server and got its id. */
  onCreated?: (id: string) => void;
  /** app: the target's state changed (saved, submitted, an adjustment started). */
  onState?: (s: FormState) => void;
}

/** What the page around the form shows of the target. */
export interface FormState {
  id?: string;
  status: string;
  revision?: number;
  adjustment?: boolean;
  inForceRevision?: number | null;
}

export interface FormHandle {
  /** The server id of the target in the form, once it has one. */
  readonly id: string | undefined;
  /** Whether there are changes the server does not have. */
  readonly unsaved: boolean;
  /** Saves the local copy, stops listening and empties the root. */
  destroy(): void;
}

/** The server's copy of the draft, as last written or submitted from this form. */
export interface ServerCopy {
  id: string;
  etag: string;
  /** Review status (draft, submitted, returned, approved) as the server last answered. */
  status?: string;
  /** The document (`session.document()`) and profile the server holds, to tell unsaved changes. */
  document?: string;
  profile?: string;
}

/** What the form knows of the stored target beyond its document (the app's states). */
export interface TargetMeta {
  revision?: number;
  adjustment?: boolean;
  inForceRevision?: number | null;
  lastReturn?: ReturnNote | null;
}

/** A place where messages for a pointer are shown. */
export interface Field {
  /** The pointer the field edits (or, for a message box, the one it collects). */
  p: string;
  wrap: HTMLElement;
  control: HTMLElement | null;
  msg: HTMLElement;
  name: string;
}

export type Doc = Record<string, unknown>;
export type Indicator = Record<string, unknown>;

/** One mounted form: its options, frame, session, report and server copy, and its parts. */
export interface FormContext {
  readonly root: HTMLElement;
  readonly opts: FormOptions;
  readonly backend: Backend;
  /** Mounted in the app (else declare.html). */
  readonly app: boolean;
  /** An element of the frame by id (looked up once; the form's own are found in the document). */
  $<T extends HTMLElement = HTMLElement>(id: string): T;
  /** The frame's elements by id. */
  readonly frame: Map<string, HTMLElement>;
  /** Adds a listener on window or document that `destroy()` removes. */
  listen<K extends keyof WindowEventMap>(on: Window, type: K, fn: (e: WindowEventMap[K]) => void): void;
  listen<K extends keyof DocumentEventMap>(on: Document, type: K, fn: (e: DocumentEventMap[K]) => void): void;
  /** A fresh element id (`f1`, `f2`, …). */
  nextId(): string;
  /** The document as the session holds it now (a copy). */
  doc(): Doc;
  destroyed: boolean;

  /** The document and its check (set once the rules are loaded). */
  session: Session;
  allProfiles: Profile[];
  profile: Profile;
  /** The last report and counts as the session gave them (JSON), and the report parsed. */
  report: CheckReport;
  reportText: string;
  countsText: string;
  /** The fields (and message boxes) by the pointer they show messages for. */
  readonly byPointer: Map<string, Field>;
  /** The server's copy, once the document was written there (or opened from there). */
  server: ServerCopy | undefined;
  meta: TargetMeta;
  /** A request to the server is under way (both buttons wait for it). */
  busy: boolean;

  readonly view: View;
  readonly fields: Fields;
  readonly indicators: Indicators;
  readonly messages: Messages;
  readonly meters: Meters;
  readonly drafts: Drafts;
  readonly actions: Actions;
  readonly files: ImportExport;
  readonly print: Print;
  readonly review: Review;
}

/** The context's own state, before its parts are made. */
export type ContextBase = Omit<FormContext, "view" | "fields" | "indicators" | "messages" | "meters" | "drafts" | "actions" | "files" | "print" | "review">;

/** Makes the context of a form whose frame is already in `root`; `offs` collects what
 * `listen` added (destroy() calls them). The session and profile are set by `drafts.open`. */
export function contextBase(root: HTMLElement, opts: FormOptions, offs: (() => void)[]): ContextBase {
  const frame = new Map<string, HTMLElement>();
  root.querySelectorAll<HTMLElement>("[id]").forEach((el) => frame.set(el.id, el));
  let idSeq = 0;
  const ctx: ContextBase = {
    root,
    opts,
    backend: opts.backend,
    app: opts.mode === "app",
    $: <T extends HTMLElement>(id: string) => (frame.get(id) ?? document.getElementById(id)) as T,
    frame,
    listen(on: Window | Document, type: string, fn: (e: Event) => void): void {
      on.addEventListener(type, fn);
      offs.push(() => on.removeEventListener(type, fn));
    },
    nextId: () => `f${++idSeq}`,
    doc: () => JSON.parse(ctx.session.document()) as Doc,
    destroyed: false,
    // Set by drafts.open() before anything reads them.
    session: undefined as unknown as Session,
    allProfiles: [],
    profile: undefined as unknown as Profile,
    report: { valid: false, violations: [] },
    reportText: "",
    countsText: "",
    byPointer: new Map(),
    server: undefined,
    meta: {},
    busy: false,
  };
  return ctx;
}

/** Whether a value holds anything a user typed or chose (empty strings, false and empty lists do not). */
export function hasContent(v: unknown): boolean {
  if (typeof v === "string") return v.trim() !== "";
  if (typeof v === "number") return true;
  if (typeof v === "boolean") return v;
  if (Array.isArray(v)) return v.some(hasContent);
  if (v !== null && typeof v === "object") return Object.entries(v as Doc).some(([k, x]) => k !== "kind" && hasContent(x));
  return false;
}

/** A size for people: "3.4 MB", "850 KB". */
export function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
