// The department form (绩效目标申报表), mounted into an element: `mountForm(root, options)`
// builds it there and returns a handle whose `destroy()` takes it down. The standalone page
// (declare.html, `main.ts`) and the app's #/declare and #/declare/:id (Declare.vue) both
// mount it; the app passes the target to open and its own server calls.
//
// The document lives in a WASM `Session`; each change is sent to it as (JSON Pointer,
// value) and its report is shown at the fields the violations' paths name, in a summary
// list and in the tree meters. No rule is evaluated here. The DOM is written by hand and
// once per frame (the keystroke benchmark, benches/web, measures it).
// A field's messages are shown once the user has left or changed it (all of them after
// 保存草稿/提交审核 or an import); until then a blank form shows guidance and the meters.
// The document is kept in localStorage after every change (the standalone page's one
// draft; in the app a copy per target and user until the server has it). A local copy
// that is too large, has more indicators than the form renders, or cannot be read is held:
// not loaded, never overwritten, and downloaded or discarded only when the user says so.
// 保存草稿 writes the document to the server (POST, then PUT with If-Match); 提交审核
// saves unsaved changes the same way, then POSTs /targets/{id}/submit with If-Match: the
// server re-checks it, and its 422 violations are shown where the live ones are.
// In the app the form also opens a stored target in each of its states: a draft, a
// returned one (the bureau's opinion and the changes since the return beside the fields,
// live), a submitted or approved one read-only, and from an approved one 申请调整 (a new
// version, edited here and reviewed again). Import/export of JSON, the language switch
// and the token box are the standalone page's (developers').
import "./style.css";
import "./texts";
import * as api from "../lib/api";
import * as i18n from "../lib/i18n";
import { get, parentPointer, pointer as ptr } from "../lib/pointer";
import { Session, loadRules, profiles, type CheckReport, type Level1, type Profile, type TreeCounts, type Violation } from "../lib/rules";
import { Refusal, type Backend, type Change, type ReturnNote, type Stored, type TargetState } from "./backend";
import { diff } from "./diff";

export type { Backend, TargetState } from "./backend";

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

const { t } = i18n;
/** The standalone page's draft in localStorage (the benchmarks and tests seed it). */
export const DRAFT_KEY = "jixiao.form.draft.v1";
const BLANK = JSON.stringify({ kind: "project", indicators: [] });
/** A file above this size is refused before it is read (a target is a few tens of KB). */
const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
/** A local draft above this size (in characters) is not loaded by itself: parsing and
 * rendering it could freeze the page. */
const MAX_DRAFT_CHARS = 2 * 1024 * 1024;
/** The most indicators the form renders (the benchmarks measure 200); a draft or file
 * with more is not loaded. */
const MAX_INDICATORS = 500;
const OPERATORS: [string, string][] = [
  ["ge", "≥"],
  ["gt", ">"],
  ["eq", "="],
  ["le", "≤"],
  ["lt", "<"],
];

/** The server's copy of the draft, as last written or submitted from this form. */
interface ServerCopy {
  id: string;
  etag: string;
  /** Review status (draft, submitted, returned, approved) as the server last answered. */
  status?: string;
  /** The document (`session.document()`) and profile the server holds, to tell unsaved changes. */
  document?: string;
  profile?: string;
}

/** What is kept in localStorage. */
interface Draft {
  profile: string;
  document: string;
  savedAt: string;
  server?: ServerCopy;
  /** The fields whose messages are shown (absent in drafts older than that: all shown). */
  touched?: string[];
  /** Every message is shown (保存/提交 was pressed, or the document was imported). */
  revealed?: boolean;
}

/** Why the local draft was not loaded; it stays in localStorage until the user decides. */
interface HeldDraft {
  reason: "too_large" | "too_many" | "corrupt";
  chars: number;
  indicators?: number;
}

/** A place where messages for a pointer are shown. */
interface Field {
  /** The pointer the field edits (or, for a message box, the one it collects). */
  p: string;
  wrap: HTMLElement;
  control: HTMLElement | null;
  msg: HTMLElement;
  name: string;
}

type Doc = Record<string, unknown>;
type Indicator = Record<string, unknown>;

/** Creates an element with attributes and children. */
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c);
  return el;
}

function textValue(raw: string): string | undefined {
  return raw.trim() === "" ? undefined : raw;
}

function intValue(raw: string): unknown {
  const s = raw.trim();
  if (s === "") return undefined;
  return /^\d{1,9}$/.test(s) ? Number(s) : s;
}

/** A size for people: "3.4 MB", "850 KB". */
function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** Whether a value holds anything a user typed or chose (empty strings, false and empty lists do not). */
function hasContent(v: unknown): boolean {
  if (typeof v === "string") return v.trim() !== "";
  if (typeof v === "number") return true;
  if (typeof v === "boolean") return v;
  if (Array.isArray(v)) return v.some(hasContent);
  if (v !== null && typeof v === "object") return Object.entries(v as Doc).some(([k, x]) => k !== "kind" && hasContent(x));
  return false;
}

function download(blob: Blob, name: string): void {
  const a = h("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}


/** The page's frame around the form: tools, the form, and the side column (meters,
 * summary, the return opinion and changes in the app, the buttons). */
function skeleton(app: boolean): Node[] {
  const tools = h(
    "div",
    { class: "tools" },
    h("label", { for: "profile", "data-i18n": "profile" }, "审核规则"),
    h("select", { id: "profile" }),
    ...(app
      ? [h("button", { type: "button", id: "new", "data-i18n": "new_app" }, "清空重填")]
      : [
          h("button", { type: "button", id: "lang" }, "English"),
          h("button", { type: "button", id: "import-btn", "data-i18n": "import" }, "导入 JSON"),
          h("input", { type: "file", id: "import", accept: ".json,application/json", hidden: true }),
          h("button", { type: "button", id: "export", "data-i18n": "export" }, "导出 JSON"),
          h("button", { type: "button", id: "new", "data-i18n": "new" }, "新建空白表"),
        ]),
  );
  const bar = app
    ? h("div", { class: "bar app-bar" }, h("p", { class: "subtitle", "data-i18n": "subtitle_app" }), tools)
    : h("header", { class: "bar" }, h("div", {}, h("h1", { "data-i18n": "title" }), h("p", { class: "subtitle", "data-i18n": "subtitle" })), tools);
  const submitBox = h(
    "section",
    { id: "submit-box", "aria-label": t("actions") },
    ...(app ? [] : [h("label", { for: "token", "data-i18n": "token" }), h("input", { id: "token", type: "password", autocomplete: "off" })]),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", id: "save", disabled: true, "data-i18n": "save" }),
      h("button", { type: "button", id: "submit", disabled: true, "data-i18n": "submit", "aria-describedby": "submit-hint" }),
    ),
    h("p", { class: "hint", id: "submit-hint", "data-i18n": app ? "submit_hint_app" : "submit_hint" }),
    h("p", { id: "submit-status", role: "status", "aria-live": "polite" }),
    h("div", { id: "target-state", hidden: true }),
    h("p", { id: "save-status", class: "hint" }),
  );
  const side = h(
    "aside",
    { class: "jx-side", "aria-label": t("side") },
    ...(app ? [h("section", { id: "review-note", hidden: true })] : []),
    h("section", { id: "meters", "aria-labelledby": "meters-h" }, h("h2", { id: "meters-h", "data-i18n": "meters" }), h("div", { id: "meters-list" })),
    h(
      "section",
      { id: "summary", "aria-labelledby": "summary-h", tabindex: "-1" },
      h("h2", { id: "summary-h", "data-i18n": "summary" }),
      h("p", { id: "summary-counts" }),
      h("p", { id: "summary-empty", "data-i18n": "no_problems", hidden: true }),
      h("ul", { id: "summary-list" }),
    ),
    ...(app ? [h("section", { id: "changes", "aria-labelledby": "changes-h", hidden: true })] : []),
    submitBox,
  );
  return [
    ...(app ? [] : [h("a", { class: "skip", href: "#summary", "data-i18n": "summary" })]),
    bar,
    h(app ? "div" : "main", { class: "layout" }, h("form", { id: "form", novalidate: true }, h("p", { id: "loading", role: "status" }, t("loading")), h("div", { id: "form-root" })), side),
    h("div", { id: "live", class: "sr-only", role: "status", "aria-live": "polite" }),
  ];
}

export function mountForm(root: HTMLElement, opts: FormOptions): FormHandle {
  const app = opts.mode === "app";
  const backend = opts.backend;
  root.classList.add("jx-form");
  root.dataset.mode = opts.mode;
  root.replaceChildren(...skeleton(app));
  /** The frame's elements by id (looked up once; the form's own are found in the document). */
  const frame = new Map<string, HTMLElement>();
  root.querySelectorAll<HTMLElement>("[id]").forEach((el) => frame.set(el.id, el));
  const $ = <T extends HTMLElement>(id: string) => (frame.get(id) ?? document.getElementById(id)) as T;
  let destroyed = false;
  /** Listeners on window and document, removed by destroy(). */
  const offs: (() => void)[] = [];
  function listen<K extends keyof WindowEventMap>(on: Window, type: K, fn: (e: WindowEventMap[K]) => void): void;
  function listen<K extends keyof DocumentEventMap>(on: Document, type: K, fn: (e: DocumentEventMap[K]) => void): void;
  function listen(on: Window | Document, type: string, fn: (e: Event) => void): void {
    on.addEventListener(type, fn);
    offs.push(() => on.removeEventListener(type, fn));
  }

  let session: Session;
  let allProfiles: Profile[] = [];
  let profile: Profile;
  let report: CheckReport = { valid: false, violations: [] };
  let reportText = "";
  let countsText = "";
  let server: Draft["server"];
  const fields = new Map<string, Field>();
  let liveText = "";
  let saveTimer: number | undefined;


  let idSeq = 0;
  const nextId = () => `f${++idSeq}`;

  function doc(): Doc {
    return JSON.parse(session.document()) as Doc;
  }

  // ---------------------------------------------------------------- changes

  /** Sends one change to the session and refreshes what depends on the report. */
  function commit(p: string, v: unknown): void {
    let out: string;
    if (v === undefined) out = session.remove(p);
    else if (typeof v === "string") out = session.setString(p, v);
    else out = session.set(p, JSON.stringify(v));
    refresh(out);
  }

  /** Takes a new report and counts (the report is skipped when it did not change), shows
   * them at the next frame, then autosaves. */
  function refresh(out: string): void {
    const changed = out !== reportText;
    if (changed) {
      reportText = out;
      report = JSON.parse(out) as CheckReport;
      messagesDirty = true;
    }
    const counts = session.counts();
    if (changed || counts !== countsText) {
      countsText = counts;
      metersDirty = true;
    }
    scheduleRender();
    scheduleSave();
    if (returnedDoc !== undefined) scheduleChanges();
  }

  let messagesDirty = false;
  let metersDirty = false;
  let renderFrame = 0;

  /** Writes the DOM once per frame however many changes came in since the last one, so
   * a keystroke's check never lays out the page by itself (the frame does it once). In a
   * hidden page, where frames do not run, it writes at once. */
  function scheduleRender(): void {
    if (document.visibilityState === "hidden") return flushRender();
    if (renderFrame === 0) renderFrame = requestAnimationFrame(flushRender);
  }

  function flushRender(): void {
    if (renderFrame !== 0) cancelAnimationFrame(renderFrame);
    renderFrame = 0;
    if (messagesDirty) {
      messagesDirty = false;
      renderMessages();
    }
    if (metersDirty) {
      metersDirty = false;
      renderMeters();
    }
  }

  // ---------------------------------------------------------------- fields

  interface FieldOpts {
    p: string;
    label: string;
    kind?: "text" | "int" | "date" | "textarea" | "select" | "checkbox";
    options?: [string, string][];
    aliases?: string[];
    compact?: boolean;
    name?: string;
    onChange?: (value: string, el: HTMLElement) => void;
    attrs?: Record<string, string>;
    /** Shown, never edited (the department in the app comes from the session). */
    readonly?: boolean;
    /** A line under the control, read with it. */
    hint?: string;
  }

  /** A labelled control bound to a JSON Pointer, with its message area. */
  function field(d: Doc, o: FieldOpts): HTMLElement {
    const id = nextId();
    const msgId = `${id}-msg`;
    const kind = o.kind ?? "text";
    const current = get(d, o.p);
    const hintId = o.hint ? `${id}-hint` : undefined;
    const common = { id, "data-pointer": o.p, "aria-describedby": hintId ? `${hintId} ${msgId}` : msgId, ...(o.attrs ?? {}) };
    let control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
    if (kind === "select") {
      const sel = h("select", common);
      const opts = o.options ?? [];
      const cur = current === undefined || current === null ? "" : String(current);
      sel.append(h("option", { value: "" }, t("blank")));
      for (const [v, l] of opts) sel.append(h("option", { value: v }, l));
      if (cur !== "" && !opts.some(([v]) => v === cur)) {
        sel.append(h("option", { value: cur }, t("unknown_option", { v: cur })));
      }
      sel.value = cur;
      control = sel;
    } else if (kind === "textarea") {
      control = h("textarea", { ...common, rows: "3" });
      control.value = typeof current === "string" ? current : "";
    } else if (kind === "checkbox") {
      control = h("input", { ...common, type: "checkbox" });
      (control as HTMLInputElement).checked = current === true;
    } else {
      control = h("input", {
        ...common,
        type: "text",
        inputmode: kind === "int" ? "numeric" : undefined,
        placeholder: kind === "date" ? "YYYY-MM-DD" : undefined,
        autocomplete: "off",
      });
      control.value = current === undefined || current === null ? "" : typeof current === "string" ? current : JSON.stringify(current);
    }
    const event = kind === "select" || kind === "checkbox" ? "change" : "input";
    control.addEventListener(event, () => {
      if (o.onChange) return o.onChange(control.value, control);
      if (kind === "checkbox") commit(o.p, (control as HTMLInputElement).checked);
      else if (kind === "int") commit(o.p, intValue(control.value));
      else commit(o.p, textValue(control.value));
    });
    if (o.readonly) {
      control.setAttribute("readonly", "");
      control.dataset.fixed = "true";
    }
    const lab = h("label", { for: id, class: o.compact ? "sr-only" : undefined }, o.label);
    const msg = h("ul", { id: msgId, class: "msg" });
    const hint = hintId ? h("p", { id: hintId, class: "field-hint" }, o.hint) : null;
    const wrap =
      kind === "checkbox"
        ? h("div", { class: "field check" }, control, lab, msg)
        : h("div", { class: o.compact ? "field compact" : "field" }, lab, control, hint, msg);
    const f: Field = { p: o.p, wrap, control, msg, name: o.name ?? o.label };
    fields.set(o.p, f);
    for (const a of o.aliases ?? []) fields.set(a, f);
    return wrap;
  }

  /** A message area for a pointer that has no control of its own (a list, the document). */
  function box(p: string, name: string, cls = "box-msg"): HTMLElement {
    const msg = h("ul", { class: `msg ${cls}` });
    const wrap = h("div", { class: "group-msg", "data-pointer": p }, msg);
    fields.set(p, { p, wrap, control: null, msg, name });
    return wrap;
  }

  // ---------------------------------------------------------------- rendering

  function renderAll(focusPointer?: string): void {
    const active = focusPointer ?? (document.activeElement as HTMLElement | null)?.dataset?.pointer;
    fields.clear();
    resetShown();
    const d = doc();
    i18n.apply(root);
    if (!app) {
      const lang = $("lang");
      lang.textContent = t("language");
      // The button names the other language in that language.
      lang.setAttribute("lang", i18n.currentLocale() === "en" ? "zh-CN" : "en");
    }
    renderProfilePicker();
    const formRoot = $("form-root");
    formRoot.replaceChildren(
      box("", t("location_document"), "doc-msg"),
      renderBasic(d),
      renderFunds(d),
      renderGoals(d),
      renderIndicators(d),
    );
    reportText = "";
    countsText = "";
    refreshView();
    renderActions();
    renderReviewNote();
    markersShown = new Map();
    changesKey = "";
    if (returnedDoc !== undefined) renderChanges();
    if (active) {
      const el = formRoot.querySelector<HTMLElement>(`[data-pointer="${CSS.escape(active)}"]`);
      el?.focus();
    }
  }

  /** Re-renders messages and meters from the session without a change. */
  function refreshView(): void {
    reportText = session.report();
    report = JSON.parse(reportText) as CheckReport;
    countsText = session.counts();
    messagesDirty = true;
    metersDirty = true;
    flushRender();
  }

  function renderProfilePicker(): void {
    const sel = $<HTMLSelectElement>("profile");
    sel.replaceChildren(...allProfiles.map((p) => h("option", { value: p.id }, `${i18n.label(p.name)} (${p.id})`)));
    sel.value = profile.id;
  }

  function section(title: string, ...children: Node[]): HTMLElement {
    return h("fieldset", { class: "section" }, h("legend", {}, title), ...children);
  }

  function renderBasic(d: Doc): HTMLElement {
    const isProject = get(d, "/kind") === "project";
    const grid = h(
      "div",
      { class: "grid" },
      field(d, { p: "/fiscal_year", label: t("fiscal_year"), kind: "int" }),
      field(d, {
        p: "/kind",
        label: t("kind"),
        kind: "select",
        options: [
          ["project", t("kind_project")],
          ["department", t("kind_department")],
        ],
        onChange: (v) => {
          commit("/kind", textValue(v));
          renderAll("/kind");
        },
      }),
      field(d, { p: "/region", label: t("region") }),
      field(d, { p: "/department/code", label: t("department_code"), readonly: app, hint: app ? t("from_session") : undefined }),
      // The name too, when the server knows it (a department's first target names it).
      field(d, { p: "/department/name", label: t("department_name"), aliases: ["/department"], readonly: app && !!opts.department?.name, hint: app ? t(opts.department?.name ? "from_session" : "name_first_time") : undefined }),
      field(d, { p: "/unit/code", label: t("unit_code") }),
      field(d, { p: "/unit/name", label: t("unit_name"), aliases: ["/unit"] }),
    );
    const project = isProject
      ? h(
          "div",
          { class: "grid" },
          field(d, { p: "/project/name", label: t("project_name"), aliases: ["/project"] }),
          field(d, { p: "/project/code", label: t("project_code") }),
          field(d, {
            p: "/project/attribute",
            label: t("attribute"),
            kind: "select",
            options: [
              ["new", t("attribute_new")],
              ["continuing", t("attribute_continuing")],
            ],
          }),
          field(d, { p: "/project/start", label: t("start"), kind: "date" }),
          field(d, { p: "/project/end", label: t("end"), kind: "date" }),
        )
      : null;
    const classified = field(d, { p: "/classified", label: t("classified"), kind: "checkbox" });
    return section(t("basic"), grid, ...(project ? [project] : []), classified);
  }

  function renderFunds(d: Doc): HTMLElement {
    const sources = (get(d, "/funds/sources") as unknown[] | undefined) ?? [];
    const list = Array.isArray(sources) ? sources : [];
    const rows = list.map((_, i) =>
      h(
        "div",
        { class: "source-row" },
        field(d, { p: ptr("funds", "sources", i, "source"), label: `${t("source")} ${i + 1}`, compact: true }),
        field(d, {
          p: ptr("funds", "sources", i, "amount"),
          label: `${t("amount")} ${i + 1}`,
          compact: true,
          aliases: [ptr("funds", "sources", i)],
          attrs: { inputmode: "decimal" },
        }),
        h(
          "button",
          { type: "button", class: "icon", "aria-label": t("remove_source", { n: i + 1 }), title: t("remove_source", { n: i + 1 }), "data-action": "remove-source" },
          h("span", { "aria-hidden": "true" }, "✕"),
        ),
      ),
    );
    // The rows are read from the session when a button is pressed, not from `d`: what was
    // typed since this render is in the session only (a stale copy here emptied the rows).
    rows.forEach((r, i) =>
      r.querySelector("button")?.addEventListener("click", () => {
        const arr = currentSources();
        arr.splice(i, 1);
        remapTouched("/funds/sources", (j) => (j === i ? undefined : j > i ? j - 1 : j));
        structural("/funds/sources", arr.length ? arr : undefined, "/funds/annual_total");
      }),
    );
    const add = h("button", { type: "button", "data-action": "add-source" }, `+ ${t("add_source")}`);
    add.addEventListener("click", () => {
      const arr = currentSources();
      structural("/funds/sources", [...arr, { source: "", amount: "" }], ptr("funds", "sources", arr.length, "source"));
    });
    return section(
      t("funds"),
      h(
        "div",
        { class: "grid" },
        field(d, { p: "/funds/annual_total", label: t("annual_total"), aliases: ["/funds"], attrs: { inputmode: "decimal" } }),
        field(d, { p: "/funds/mid_term_total", label: t("mid_term_total"), attrs: { inputmode: "decimal" } }),
      ),
      h("h2", { class: "sub" }, t("sources")),
      box("/funds/sources", t("sources")),
      h("div", { class: "sources" }, ...rows),
      add,
    );
  }

  /** The funding sources as the session holds them now. */
  function currentSources(): unknown[] {
    const v = get(doc(), "/funds/sources");
    return Array.isArray(v) ? [...(v as unknown[])] : [];
  }

  function renderGoals(d: Doc): HTMLElement {
    return section(
      t("goals"),
      field(d, { p: "/goals/annual", label: t("goal_annual"), kind: "textarea", aliases: ["/goals"] }),
      field(d, { p: "/goals/mid_term", label: t("goal_mid_term"), kind: "textarea" }),
    );
  }

  /** Replaces a list (or any value) as a whole, re-renders, and focuses a pointer. */
  function structural(p: string, value: unknown, focus?: string): void {
    commit(p, value);
    renderAll(focus);
  }

  function indicators(d: Doc): unknown[] {
    const v = get(d, "/indicators");
    return Array.isArray(v) ? v : [];
  }

  function groupOf(ind: unknown, fw: Level1[]): string {
    if (ind === null || typeof ind !== "object") return "";
    const i = ind as Indicator;
    const l1 = fw.find((l) => l.code === i.level1);
    if (!l1 || !l1.level2.some((l) => l.code === i.level2)) return "";
    return `${l1.code}/${String(i.level2)}`;
  }

  function newId(list: unknown[]): string {
    const used = new Set(list.map((i) => (i && typeof i === "object" ? String((i as Indicator).id) : "")));
    let n = list.length + 1;
    while (used.has(`i${n}`)) n++;
    return `i${n}`;
  }

  function addIndicator(l1: string, l2: string): void {
    const list = indicators(doc());
    const fw = profile.framework.level1;
    let at = list.length;
    list.forEach((ind, i) => {
      if (groupOf(ind, fw) === `${l1}/${l2}`) at = i + 1;
    });
    const ind: Indicator = { id: newId(list), level1: l1, level2: l2, nature: "quantitative", operator: "ge" };
    list.splice(at, 0, ind);
    remapTouched("/indicators", (j) => (j >= at ? j + 1 : j));
    structural("/indicators", list, ptr("indicators", at, "name"));
  }

  function moveIndicator(i: number, dir: -1 | 1): void {
    const list = indicators(doc());
    const fw = profile.framework.level1;
    const g = groupOf(list[i], fw);
    let j = i + dir;
    while (j >= 0 && j < list.length && groupOf(list[j], fw) !== g) j += dir;
    if (j < 0 || j >= list.length) return;
    [list[i], list[j]] = [list[j], list[i]];
    remapTouched("/indicators", (k) => (k === i ? j : k === j ? i : k));
    structural("/indicators", list, undefined);
    $("form-root").querySelector<HTMLElement>(`[data-move="${dir}"][data-row="${j}"]`)?.focus();
  }

  function removeIndicator(i: number): void {
    const list = indicators(doc());
    list.splice(i, 1);
    remapTouched("/indicators", (k) => (k === i ? undefined : k > i ? k - 1 : k));
    structural("/indicators", list, undefined);
    $("form-root").querySelector<HTMLElement>(`[data-row="${Math.min(i, list.length - 1)}"][data-action="remove"]`)?.focus();
  }

  /** Rewrites one indicator object as a whole (operator/nature and level changes). */
  function rewriteIndicator(i: number, change: (ind: Indicator) => void, focus: string): void {
    const p = ptr("indicators", i);
    const cur = get(doc(), p);
    const ind: Indicator = cur && typeof cur === "object" && !Array.isArray(cur) ? { ...(cur as Indicator) } : {};
    change(ind);
    structural(p, ind, focus);
  }

  function renderIndicators(d: Doc): HTMLElement {
    const list = indicators(d);
    const fw = profile.framework.level1;
    const groups = new Map<string, number[]>();
    list.forEach((ind, i) => {
      const g = groupOf(ind, fw);
      groups.set(g, [...(groups.get(g) ?? []), i]);
    });
    const cols = ["c-no", "c-l1", "c-l2", "c-name", "c-op", "c-value", "c-unit", "c-points", "c-expl", "c-actions"];
    const table = h(
      "table",
      { class: "indicators" },
      h("colgroup", {}, ...cols.map((c) => h("col", { class: c }))),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["col_no", "col_level1", "col_level2", "col_name", "col_operator", "col_value", "col_unit", "col_points", "col_explanation", "col_actions"].map(
            (k) => h("th", { scope: "col" }, t(k)),
          ),
        ),
      ),
    );
    for (const l1 of fw) {
      const body = h("tbody", { "data-level1": l1.code });
      body.append(h("tr", { class: "l1" }, h("th", { colspan: "10", scope: "rowgroup" }, i18n.label(l1.label))));
      for (const l2 of l1.level2) {
        const add = h(
          "button",
          { type: "button", class: "add", "data-add": `${l1.code}/${l2.code}` },
          `+ ${t("add_indicator", { group: i18n.label(l2.label) })}`,
        );
        add.addEventListener("click", () => addIndicator(l1.code, l2.code));
        body.append(h("tr", { class: "l2" }, h("th", { colspan: "10", scope: "rowgroup" }, h("span", {}, i18n.label(l2.label)), add)));
        for (const i of groups.get(`${l1.code}/${l2.code}`) ?? []) body.append(indicatorRow(d, list, i));
      }
      table.append(body);
    }
    const stray = groups.get("") ?? [];
    if (stray.length) {
      const body = h("tbody", { "data-level1": "" }, h("tr", { class: "l1 stray" }, h("th", { colspan: "10" }, t("unclassified"))));
      for (const i of stray) body.append(indicatorRow(d, list, i));
      table.append(body);
    }
    return section(t("indicators"), box("/indicators", t("indicators")), h("div", { class: "table-wrap" }, table));
  }

  function indicatorRow(d: Doc, list: unknown[], i: number): HTMLElement {
    const n = i + 1;
    const base = (k: string) => ptr("indicators", i, k);
    const ind = list[i];
    const name = `${t("row", { n })}`;
    const fw = profile.framework.level1;
    if (ind === null || typeof ind !== "object" || Array.isArray(ind)) {
      const tr = h("tr", { class: "row" }, h("td", {}, String(n)), h("td", { colspan: "9" }, box(ptr("indicators", i), name)));
      return tr;
    }
    const obj = ind as Indicator;
    const l1 = fw.find((l) => l.code === obj.level1);
    const cell = (el: HTMLElement) => h("td", {}, el);
    const level1 = field(d, {
      p: base("level1"),
      label: `${name} ${t("col_level1")}`,
      compact: true,
      kind: "select",
      options: fw.map((l) => [l.code, i18n.label(l.label)]),
      onChange: (v) =>
        rewriteIndicator(
          i,
          (x) => {
            if (v) x.level1 = v;
            else delete x.level1;
            const first = fw.find((l) => l.code === v)?.level2[0]?.code;
            if (first) x.level2 = first;
          },
          base("level1"),
        ),
    });
    const level2 = field(d, {
      p: base("level2"),
      label: `${name} ${t("col_level2")}`,
      compact: true,
      kind: "select",
      options: (l1?.level2 ?? []).map((l) => [l.code, i18n.label(l.label)]),
      onChange: (v) =>
        rewriteIndicator(
          i,
          (x) => {
            if (v) x.level2 = v;
            else delete x.level2;
          },
          base("level2"),
        ),
    });
    const opValue = obj.nature === "qualitative" ? "qualitative" : typeof obj.operator === "string" ? obj.operator : "";
    const operator = field(d, {
      p: base("operator"),
      label: `${name} ${t("col_operator")}`,
      compact: true,
      kind: "select",
      options: [...OPERATORS, ["qualitative", t("qualitative")]],
      aliases: [base("nature")],
      onChange: (v) =>
        rewriteIndicator(
          i,
          (x) => {
            if (v === "qualitative") {
              x.nature = "qualitative";
              delete x.operator;
            } else {
              x.nature = "quantitative";
              if (v) x.operator = v;
              else delete x.operator;
            }
          },
          base("operator"),
        ),
    });
    (operator.querySelector("select") as HTMLSelectElement).value = opValue;
    const tr = h(
      "tr",
      { class: "row", "data-row": String(i), "data-indicator": typeof obj.id === "string" ? obj.id : "" },
      h("td", { class: "no" }, String(n), box(ptr("indicators", i), name, "row-msg"), idBox(i, name)),
      cell(level1),
      cell(level2),
      cell(field(d, { p: base("name"), label: `${name} ${t("col_name")}`, compact: true })),
      cell(operator),
      cell(field(d, { p: base("value"), label: `${name} ${t("col_value")}`, compact: true })),
      cell(field(d, { p: base("unit"), label: `${name} ${t("col_unit")}`, compact: true, attrs: { size: "6" } })),
      cell(field(d, { p: base("points"), label: `${name} ${t("col_points")}`, compact: true, attrs: { size: "5", inputmode: "decimal" } })),
      cell(field(d, { p: base("explanation"), label: `${name} ${t("col_explanation")}`, compact: true })),
      h(
        "td",
        { class: "actions" },
        action("↑", t("move_up", { n }), i, "up", () => moveIndicator(i, -1), "-1"),
        action("↓", t("move_down", { n }), i, "down", () => moveIndicator(i, 1), "1"),
        action("✕", t("remove_indicator", { n }), i, "remove", () => removeIndicator(i)),
      ),
    );
    return tr;
  }

  /** The `id` of an indicator has no input (ids are generated); its messages show in the row. */
  function idBox(i: number, name: string): HTMLElement {
    return box(ptr("indicators", i, "id"), `${name} id`, "row-msg");
  }

  function action(text: string, aria: string, row: number, act: string, fn: () => void, move?: string): HTMLElement {
    const b = h("button", { type: "button", class: "icon", "aria-label": aria, title: aria, "data-row": String(row), "data-action": act, "data-move": move }, h("span", { "aria-hidden": "true" }, text));
    b.addEventListener("click", fn);
    return b;
  }

  // ---------------------------------------------------------------- messages

  function fieldFor(path: string): Field | undefined {
    let p: string | undefined = path;
    while (p !== undefined) {
      const f = fields.get(p);
      if (f) return f;
      p = parentPointer(p);
    }
    return undefined;
  }

  /** What a field shows: its messages (in report order) and the classes they imply. */
  interface Shown {
    key: string;
    items: Violation[];
    error: boolean;
    warning: boolean;
  }

  /** One summary entry as rendered, keyed by what it shows. */
  interface SummaryEntry {
    key: string;
    el: HTMLElement;
  }

  /** Fields whose messages are on screen, with what they show. */
  let shown = new Map<Field, Shown>();
  /** The summary entries on screen, in order. */
  let summaryShown: SummaryEntry[] = [];

  /** Forgets what is on screen (the fields and the summary are rendered anew). */
  function resetShown(): void {
    shown = new Map();
    summaryShown = [];
    $("summary-list").replaceChildren();
    delete $("submit").dataset.blocked;
  }

  const violationKey = (v: Violation) => `${v.severity}\u0000${v.code}\u0000${v.path}\u0000${v.message}`;

  // ---------------------------------------------------------------- what is shown

  /** The pointers of the fields the user has left or changed: their messages are shown.
   * The others' are held back (a blank form shows guidance, not a wall of errors) until
   * 保存草稿 or 提交审核 is pressed, or a document is imported, which shows them all. The
   * check itself is unchanged; only what is displayed. Kept in the local draft. */
  const touched = new Set<string>();
  let revealAll = false;

  /** Whether the messages at `f` are shown: a control's once it was touched, a message box's
   * (a list, a row, the document) once something inside it was. */
  function visible(f: Field | undefined, cache: Map<Field, boolean>): boolean {
    if (revealAll || !f) return true;
    let v = cache.get(f);
    if (v === undefined) {
      v = f.control ? touched.has(f.p) : touchedUnder(f.p);
      cache.set(f, v);
    }
    return v;
  }

  function touchedUnder(p: string): boolean {
    if (touched.has(p)) return true;
    const prefix = `${p}/`;
    for (const x of touched) if (x.startsWith(prefix)) return true;
    return false;
  }

  /** The user left or changed the field at `p`: its messages appear. */
  function touch(p: string): void {
    if (touched.has(p)) return;
    touched.add(p);
    if (revealAll) return;
    messagesDirty = true;
    scheduleRender();
    scheduleSave();
  }

  /** Shows every message from now on (保存草稿, 提交审核, an import, 显示全部问题). */
  function showAll(): void {
    if (revealAll) return;
    revealAll = true;
    messagesDirty = true;
    flushRender();
    scheduleSave();
  }

  /** Keeps the touched pointers of a list's items in step when items move (`f` maps an
   * old index to the new one; undefined drops it). */
  function remapTouched(list: string, f: (i: number) => number | undefined): void {
    const prefix = `${list}/`;
    const next: string[] = [];
    for (const p of touched) {
      if (!p.startsWith(prefix)) {
        next.push(p);
        continue;
      }
      const rest = p.slice(prefix.length);
      const slash = rest.indexOf("/");
      const head = slash < 0 ? rest : rest.slice(0, slash);
      if (!/^\d+$/.test(head)) {
        next.push(p);
        continue;
      }
      const j = f(Number(head));
      if (j !== undefined) next.push(prefix + String(j) + (slash < 0 ? "" : rest.slice(slash)));
    }
    touched.clear();
    for (const p of next) touched.add(p);
  }

  /** Shows the report. Only what differs from what is on screen is written to the DOM:
   * the fields whose messages changed, the summary entries that appeared or went away,
   * and the counts, submit button and live region when their text or state changed. */
  function renderMessages(): void {
    const next = new Map<Field, Shown>();
    const entries: SummaryItem[] = [];
    const seen = new Map<Field, boolean>();
    let errors = 0;
    let warnings = 0;
    let held = 0;
    for (const v of report.violations) {
      const f = fieldFor(v.path);
      if (!visible(f, seen)) {
        held++;
        continue;
      }
      if (v.severity === "error") errors++;
      else warnings++;
      const key = violationKey(v);
      if (f) {
        let s = next.get(f);
        if (!s) next.set(f, (s = { key: "", items: [], error: false, warning: false }));
        s.items.push(v);
        s.key += `${key}\u0001`;
        if (v.severity === "error") s.error = true;
        else s.warning = true;
      }
      entries.push({ key, make: () => summaryItem(v, f) });
    }
    if (held > 0) entries.unshift({ key: `guide\u0000${i18n.currentLocale()}\u0000${held}`, make: () => guideItem(held) });
    // Fields that no longer show anything.
    for (const [f] of shown) {
      if (next.has(f)) continue;
      f.msg.replaceChildren();
      f.wrap.classList.remove("has-error", "has-warning");
      f.control?.removeAttribute("aria-invalid");
    }
    // Fields whose messages appeared or changed.
    for (const [f, s] of next) {
      const before = shown.get(f);
      if (before && before.key === s.key) continue;
      f.msg.replaceChildren(...s.items.map((v) => h("li", { class: v.severity, "data-code": v.code }, v.message)));
      if (before?.error !== s.error) f.wrap.classList.toggle("has-error", s.error);
      if (before?.warning !== s.warning) f.wrap.classList.toggle("has-warning", s.warning);
      if (before?.error !== s.error) {
        if (s.error) f.control?.setAttribute("aria-invalid", "true");
        else f.control?.removeAttribute("aria-invalid");
      }
    }
    shown = next;
    renderSummary(entries);
    const counts =
      held === 0 ? t("counts", { e: errors, w: warnings }) : errors + warnings === 0 ? t("counts_held_only", { n: held }) : t("counts_held", { e: errors, w: warnings, n: held });
    const countsEl = $("summary-counts");
    if (countsEl.textContent !== counts) countsEl.textContent = counts;
    const empty = $("summary-empty");
    if (empty.hidden !== entries.length > 0) empty.hidden = entries.length > 0;
    // Errors do not disable 提交审核 (the server decides, and says why at the fields); they mark it.
    const blocked = report.valid ? "false" : "true";
    const submitBtn = $<HTMLButtonElement>("submit");
    if (submitBtn.dataset.blocked !== blocked) {
      submitBtn.dataset.blocked = blocked;
      submitBtn.title = report.valid ? "" : t("submit_blocked");
    }
    const live = report.valid && warnings === 0 && held === 0 ? t("no_problems") : counts;
    if (live !== liveText) {
      liveText = live;
      $("live").textContent = live;
    }
  }

  /** Brings the summary list to `entries`, reusing the entries already on screen and
   * inserting or removing only those that differ. */
  function renderSummary(entries: SummaryItem[]): void {
    if (entries.length === summaryShown.length && entries.every((e, i) => e.key === summaryShown[i].key)) return;
    const list = $("summary-list");
    const reusable = new Map<string, HTMLElement[]>();
    for (const e of summaryShown) {
      const q = reusable.get(e.key);
      if (q) q.push(e.el);
      else reusable.set(e.key, [e.el]);
    }
    const next: SummaryEntry[] = entries.map((e) => ({ key: e.key, el: reusable.get(e.key)?.shift() ?? e.make() }));
    // Entries that went away, then the new order with as few moves as possible.
    for (const q of reusable.values()) for (const el of q) el.remove();
    let cursor = list.firstElementChild;
    for (const e of next) {
      if (e.el === cursor) cursor = cursor.nextElementSibling;
      else list.insertBefore(e.el, cursor);
    }
    while (cursor) {
      const after: Element | null = cursor.nextElementSibling;
      cursor.remove();
      cursor = after;
    }
    summaryShown = next;
  }

  /** An entry of the summary list: its key (equal keys render equal elements) and how to render it. */
  interface SummaryItem {
    key: string;
    make: () => HTMLElement;
  }

  /** The first entry while messages are held back: how to fill the form, and a button that shows them all. */
  function guideItem(held: number): HTMLElement {
    const all = h("button", { type: "button", id: "show-all" }, t("show_all"));
    all.addEventListener("click", () => {
      showAll();
      $("summary").focus();
    });
    return h("li", { class: "guide", id: "guide" }, h("p", {}, t("guide", { n: held })), all);
  }

  function summaryItem(v: Violation, f: Field | undefined): HTMLElement {
    const b = h("button", { type: "button", class: `jump ${v.severity}`, "data-code": v.code, "data-path": v.path }, h("span", { class: "where" }, f?.name ?? v.path), " ", v.message);
    b.addEventListener("click", () => {
      if (!f) return;
      const target = f.control ?? f.wrap;
      if (!f.control) f.wrap.setAttribute("tabindex", "-1");
      target.scrollIntoView({ block: "center" });
      target.focus();
    });
    return h("li", {}, b);
  }

  // ---------------------------------------------------------------- meters

  function has(code: string): Violation | undefined {
    return report.violations.find((v) => v.code === code);
  }

  /** What one meter shows; equal specs render equal elements. */
  type MeterSpec = [key: string, label: string, text: string, ok: boolean | undefined, value?: number, max?: number];

  /** The meters on screen, as their specs (JSON) and elements. */
  let metersShown: { spec: string; el: HTMLElement }[] = [];

  function meter(key: string, label: string, text: string, ok: boolean | undefined, value?: number, max?: number): HTMLElement {
    const state = ok === undefined ? "info" : ok ? "ok" : "bad";
    const m = value !== undefined && max ? h("meter", { min: "0", max: String(max), low: String(max - 0.0001), optimum: String(max), value: String(Math.min(value, max)), "aria-hidden": "true" }) : null;
    return h(
      "div",
      { class: `meter ${state}`, "data-meter": key, "data-state": state },
      h("span", { class: "meter-label" }, label),
      m,
      h("span", { class: "meter-value" }, text),
      h("span", { class: "sr-only" }, ok === undefined ? "" : ok ? t("meter_ok") : t("meter_bad")),
    );
  }

  /** Shows the meters, replacing only those whose spec changed (usually none). */
  function showMeters(specs: MeterSpec[]): void {
    const list = $("meters-list");
    // The sr-only state text is translated too, hence the locale in the key.
    const locale = i18n.currentLocale();
    const next = specs.map((spec) => ({ spec: JSON.stringify([locale, ...spec]), spec0: spec }));
    const inPlace = list.childElementCount === metersShown.length && metersShown.every((m) => m.el.parentNode === list);
    if (!inPlace || next.length !== metersShown.length) {
      metersShown = next.map((m) => ({ spec: m.spec, el: meter(...m.spec0) }));
      list.replaceChildren(...metersShown.map((m) => m.el));
      return;
    }
    next.forEach((m, i) => {
      if (metersShown[i].spec === m.spec) return;
      const el = meter(...m.spec0);
      metersShown[i].el.replaceWith(el);
      metersShown[i] = { spec: m.spec, el };
    });
  }

  function renderMeters(): void {
    const c = JSON.parse(countsText) as TreeCounts;
    const r = profile.review;
    const out: MeterSpec[] = [];
    const lv = (key: string, code: string, n: number, min: number | null) =>
      out.push([key, t(`meter_${key}`), min === null ? String(n) : `${n} / ${min}`, min === null ? undefined : !has(code), n, min ?? undefined]);
    lv("level1", "TREE_LEVEL1_MIN", c.level1, r.min_level1);
    lv("level2", "TREE_LEVEL2_MIN", c.level2, r.min_level2);
    lv("level3", "TREE_LEVEL3_MIN", c.level3, r.min_level3);
    const share = c.level3 ? (100 * c.quantitative) / c.level3 : 0;
    const min = r.min_quantitative_share === null ? null : Number(r.min_quantitative_share) * 100;
    out.push([
      "share",
      t("meter_share"),
      `${c.quantitative}/${c.level3} = ${share.toFixed(1)}%${min === null ? "" : ` / ≥ ${min}%`}`,
      min === null ? undefined : c.level3 > 0 && !has("TREE_QUANT_RATIO_MIN"),
      share,
      min ?? undefined,
    ]);
    if (r.required_level1.length) {
      const names = r.required_level1.map((code) => {
        const l = profile.framework.level1.find((x) => x.code === code);
        return l ? i18n.label(l.label) : code;
      });
      out.push(["required", t("meter_required"), names.join("、"), !has("TREE_LEVEL1_REQUIRED")]);
    }
    if (r.points_total !== null) {
      const v = has("POINTS_TOTAL");
      const actual = v ? String(v.params.actual ?? "?") : r.points_total;
      out.push(["points", t("meter_points"), `${actual} / ${r.points_total}`, !v]);
    }
    showMeters(out);
  }

  // ---------------------------------------------------------------- drafts

  /** The local draft that was not loaded (too large, too many indicators, unreadable). While
   * it is held the form does not write the draft key, so it is never overwritten or deleted
   * without the user's word: they download it or discard it. */
  let heldDraft: HeldDraft | undefined;
  /** Changes were made while a held draft kept them from being saved locally. */
  let unsavedWhileHeld = false;
  const keyFor = (id: string | undefined) => (app && opts.storageKey ? opts.storageKey(id) : DRAFT_KEY);
  /** Where the local copy is kept now (in the app it moves from the new draft's key to the
   * target's once the server has given it an id). */
  let draftKey = keyFor(opts.target?.id);
  /** The key of the held draft (it stays where it was found). */
  let heldKey = draftKey;

  /** Reads the local draft, or says why it is not loaded. Its size is checked before it is
   * parsed, and its indicators are counted before the session gets it. */
  function readDraft(): { draft?: Draft; held?: HeldDraft } {
    let raw: string | null;
    try {
      raw = localStorage.getItem(draftKey);
    } catch {
      return {};
    }
    if (!raw) return {};
    const chars = raw.length;
    if (chars > MAX_DRAFT_CHARS) return { held: { reason: "too_large", chars } };
    try {
      const d = JSON.parse(raw) as Draft;
      if (!d || typeof d !== "object" || typeof d.document !== "string") return { held: { reason: "corrupt", chars } };
      const body = JSON.parse(d.document) as unknown;
      const list = body && typeof body === "object" ? (body as Doc).indicators : undefined;
      if (Array.isArray(list) && list.length > MAX_INDICATORS) return { held: { reason: "too_many", chars, indicators: list.length } };
      return { draft: d };
    } catch {
      return { held: { reason: "corrupt", chars } };
    }
  }

  /** Takes what was shown from a draft: its touched fields; a draft from before they were
   * kept shows everything once it has content. */
  function restoreShown(d: Draft | undefined): void {
    touched.clear();
    for (const p of d?.touched ?? []) if (typeof p === "string") touched.add(p);
    revealAll = d ? d.revealed === true || (!Array.isArray(d.touched) && hasContent(doc())) : false;
  }

  function saveNow(): void {
    if (saveTimer !== undefined) {
      if (typeof window.cancelIdleCallback === "function") window.cancelIdleCallback(saveTimer);
      window.clearTimeout(saveTimer);
    }
    saveTimer = undefined;
    if (heldDraft) {
      $("save-status").textContent = t("held_not_saving");
      return;
    }
    if (destroyed) return;
    try {
      // In the app a copy the server has in full is not kept (the server's is the one).
      if (app && server && !unsaved()) {
        localStorage.removeItem(draftKey);
        $("save-status").textContent = "";
        return;
      }
      const d: Draft = {
        profile: profile.id,
        document: session.document(),
        savedAt: new Date().toISOString(),
        server,
        touched: [...touched],
        revealed: revealAll || undefined,
      };
      localStorage.setItem(draftKey, JSON.stringify(d));
      $("save-status").textContent = t(app ? "saved_local_app" : "saved_local", { time: new Date().toLocaleTimeString() });
    } catch {
      $("save-status").textContent = t("save_local_failed");
    }
  }

  /** Saves once the browser is idle after painting the new state (within 300 ms at the latest),
   * and always when the page is hidden or goes away, so a keystroke never waits for storage. */
  function scheduleSave(): void {
    if (heldDraft) unsavedWhileHeld = true;
    if (saveTimer !== undefined) return;
    const w = window as Window;
    saveTimer = typeof w.requestIdleCallback === "function" ? w.requestIdleCallback(saveNow, { timeout: 300 }) : w.setTimeout(saveNow, 50);
  }

  /** Says that the local draft was not loaded, and offers to download it or discard it. */
  function renderHeldNotice(): void {
    document.getElementById("draft-notice")?.remove();
    if (!heldDraft) return;
    const why =
      heldDraft.reason === "too_large"
        ? t("held_too_large", { size: size(heldDraft.chars), max: size(MAX_DRAFT_CHARS) })
        : heldDraft.reason === "too_many"
          ? t("held_too_many", { n: heldDraft.indicators ?? 0, max: MAX_INDICATORS })
          : t("held_corrupt");
    const download = h("button", { type: "button", id: "held-download" }, t("held_download"));
    const discard = h("button", { type: "button", id: "held-discard" }, t("held_discard"));
    download.addEventListener("click", downloadHeldDraft);
    discard.addEventListener("click", () => void discardHeldDraft());
    const notice = h(
      "div",
      { id: "draft-notice", class: "notice", role: "alert", "data-reason": heldDraft.reason },
      h("p", {}, why, " ", t("held_kept")),
      h("div", { class: "actions" }, download, discard),
    );
    $("form-root").before(notice);
  }

  /** Downloads the held draft exactly as stored. */
  function downloadHeldDraft(): void {
    const raw = localStorage.getItem(heldKey);
    if (raw === null) return;
    const stamp = new Date().toISOString().slice(0, 16).replace(/[-:T]/g, "");
    download(new Blob([raw], { type: "application/json" }), `jixiao-draft-${stamp}.json`);
  }

  /** Discards the held draft once the user confirms; the form's own draft is saved from then on. */
  async function discardHeldDraft(): Promise<void> {
    if (!(await ask(t("held_confirm_discard"), t("held_discard"), t("cancel")))) return;
    try {
      localStorage.removeItem(heldKey);
    } catch {
      /* storage disabled: nothing was stored either */
    }
    heldDraft = undefined;
    renderHeldNotice();
    saveNow();
    unsavedWhileHeld = false;
    $("save").focus();
  }

  // ---------------------------------------------------------------- import / export / submit

  /** Asks a question in a modal dialog with the page's own buttons (in the page's language,
   * whatever the browser's); Esc and the cancel button answer no. */
  function ask(message: string, yes: string, no: string): Promise<boolean> {
    return new Promise((resolve) => {
      const ok = h("button", { type: "button", value: "ok", class: "primary", id: "ask-ok" }, yes);
      const cancel = h("button", { type: "button", value: "cancel", id: "ask-cancel" }, no);
      const dlg = h("dialog", { id: "ask", role: "alertdialog", "aria-labelledby": "ask-text", "aria-modal": "true" }, h("p", { id: "ask-text" }, message), h("div", { class: "actions" }, ok, cancel));
      ok.addEventListener("click", () => dlg.close("ok"));
      cancel.addEventListener("click", () => dlg.close("cancel"));
      dlg.addEventListener("close", () => {
        dlg.remove();
        resolve(dlg.returnValue === "ok");
      });
      root.append(dlg);
      dlg.showModal();
      cancel.focus();
    });
  }

  function exportJson(): void {
    const d = doc();
    const code = (get(d, "/project/code") as string | undefined) ?? "target";
    const year = String(get(d, "/fiscal_year") ?? "");
    const blob = new Blob([JSON.stringify(d, null, 2) + "\n"], { type: "application/json" });
    download(blob, `${code}${year ? "-" + year : ""}.json`.replace(/[\\/:*?"<>|\s]+/g, "_"));
  }

  /** Imports a document: refused above the size limit before it is read, checked by a
   * scratch session before anything changes, and, when the form has content, only after
   * the user confirms. An imported document shows all its messages. */
  async function importJson(file: File): Promise<void> {
    if (file.size > MAX_IMPORT_BYTES) {
      setStatus(t("import_too_large", { name: file.name, size: size(file.size), max: size(MAX_IMPORT_BYTES) }), "error");
      return;
    }
    const text = await file.text();
    try {
      const body = JSON.parse(text) as unknown;
      const list = body && typeof body === "object" ? (body as Doc).indicators : undefined;
      if (Array.isArray(list) && list.length > MAX_INDICATORS) {
        setStatus(t("import_too_many", { n: list.length, max: MAX_INDICATORS }), "error");
        return;
      }
      const probe = new Session(profile.id, i18n.currentLocale());
      try {
        probe.load(text);
      } finally {
        probe.free();
      }
    } catch (e) {
      setStatus(t("import_failed", { reason: e instanceof Error ? e.message : String(e) }), "error");
      return;
    }
    if (hasContent(doc()) && !(await ask(t("confirm_import", { name: file.name }), t("import_continue"), t("cancel")))) {
      setStatus(t("import_cancelled"));
      return;
    }
    try {
      session.load(text);
      server = undefined;
      touched.clear();
      revealAll = true;
      renderAll();
      saveNow();
      setStatus("");
    } catch (e) {
      setStatus(t("import_failed", { reason: e instanceof Error ? e.message : String(e) }), "error");
    }
  }

  /** Shows what became of a request; `tone` colours it (a refusal, a success). */
  function setStatus(text: string, tone?: "error" | "ok"): void {
    const el = $("submit-status");
    el.textContent = text;
    if (tone) el.dataset.tone = tone;
    else delete el.dataset.tone;
  }

  /** A request to the server is under way (both buttons wait for it). */
  let busy = false;

  /** What the form knows of the stored target beyond its document (the app's states). */
  let meta: { revision?: number; adjustment?: boolean; inForceRevision?: number | null; lastReturn?: ReturnNote | null } = {};

  /** A submitted (or approved) target is no longer edited here: the form is read-only. */
  function locked(): boolean {
    return server?.status === "submitted" || server?.status === "approved";
  }

  /** Whether the server lacks the current document (never saved, or changed since). */
  function unsaved(): boolean {
    return !server || server.document !== session.document() || server.profile !== profile.id;
  }

  function statusLabel(status: string): string {
    const label = t(`status_${status}`);
    return label === `status_${status}` ? status : label;
  }

  /** The app's button that starts an adjustment of an approved target. */
  let adjustButton: HTMLButtonElement | undefined;

  /** Shows the buttons' state, the server copy's status, and makes the form read-only once
   * the target is submitted or approved. */
  function renderActions(): void {
    const lock = locked();
    const status = server?.status ?? "draft";
    const submit = $<HTMLButtonElement>("submit");
    const label = app && status === "returned" ? "resubmit" : "submit";
    if (submit.dataset.i18n !== label) {
      submit.dataset.i18n = label;
      submit.textContent = t(label);
    }
    // While a request runs the buttons ignore clicks but keep focus (a disabled button drops it).
    for (const id of ["save", "submit"]) {
      const b = $<HTMLButtonElement>(id);
      b.disabled = lock;
      b.hidden = app && status === "approved";
      if (busy) b.setAttribute("aria-disabled", "true");
      else b.removeAttribute("aria-disabled");
    }
    if (app && backend.adjust) {
      if (status === "approved" && !adjustButton) {
        adjustButton = h("button", { type: "button", id: "adjust", class: "primary" }, t("adjust"));
        adjustButton.addEventListener("click", () => void startAdjustment());
        $("submit").after(adjustButton);
      }
      if (adjustButton) {
        adjustButton.hidden = status !== "approved";
        if (busy) adjustButton.setAttribute("aria-disabled", "true");
        else adjustButton.removeAttribute("aria-disabled");
      }
    }
    $("submit-hint").hidden = lock;
    if (app) $("new").hidden = !!server;
    $("submit-box").setAttribute("aria-busy", String(busy));
    $<HTMLSelectElement>("profile").disabled = lock;
    root.dataset.locked = String(lock);
    if (!app) document.body.dataset.locked = String(lock);
    if (lock) {
      // The controls stay focusable and readable; nothing can be changed.
      const formRoot = $("form-root");
      formRoot.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input, textarea").forEach((el) => {
        if (el instanceof HTMLInputElement && el.type === "checkbox") el.disabled = true;
        else el.readOnly = true;
      });
      formRoot.querySelectorAll<HTMLSelectElement | HTMLButtonElement>("select, button").forEach((el) => (el.disabled = true));
    }
    const state = $("target-state");
    state.hidden = !server;
    if (!server) return state.replaceChildren();
    const children: Node[] = [
      h(
        "p",
        { class: "hint" },
        app
          ? t(meta.revision ? "app_state" : "app_state_new", { status: statusLabel(status), rev: meta.revision ?? 1 })
          : t("server_state", { id: server.id, status: statusLabel(status) }),
      ),
    ];
    // The department's view of the target in the app (its review record).
    const link = h("a", { href: `./#/mine/${encodeURIComponent(server.id)}` }, t("locked_link"));
    if (status === "submitted") {
      children.push(h("p", { id: "locked-note", class: "locked", tabindex: "-1" }, t(app ? "locked_app" : "locked"), " ", link, app ? "。" : t("locked_new")));
    } else if (status === "approved") {
      children.push(h("p", { id: "locked-note", class: "locked", tabindex: "-1" }, t(app ? "approved_app" : "locked"), app ? "" : " ", app ? "" : link, app ? "" : t("locked_new")));
    }
    state.replaceChildren(...children);
  }

  function setBusy(b: boolean): void {
    busy = b;
    renderActions();
  }

  /** Tells the page around the form what the target is now. */
  function emitState(): void {
    opts.onState?.({ id: server?.id, status: server?.status ?? "draft", revision: meta.revision, adjustment: meta.adjustment, inForceRevision: meta.inForceRevision });
  }

  // ---------------------------------------------------------------- review note and changes (app)

  const GRADES = ["excellent", "good", "fair", "poor"];
  const CRITERIA = ["completeness", "relevance", "appropriateness", "feasibility"];

  /** The side column's note on the target: the bureau's return opinion while it is
   * returned, or that this version is an adjustment of an approved one. */
  function renderReviewNote(): void {
    if (!app) return;
    const box = $("review-note");
    const status = server?.status;
    const r = meta.lastReturn;
    const children: Node[] = [];
    if (status === "returned" && r) {
      const notes = CRITERIA.filter((c) => typeof r.criteria?.[c] === "string" && (r.criteria[c] as string).trim() !== "");
      const when = new Date(r.at);
      const at = Number.isNaN(when.getTime()) ? r.at : when.toLocaleString("zh-CN", { dateStyle: "short", timeStyle: "short" });
      children.push(
        h("h2", { id: "review-note-h" }, t("return_title")),
        h("p", { class: "hint" }, t("return_meta", { at, grade: GRADES.includes(r.grade) ? t(`grade_${r.grade}`) : r.grade, rev: r.revision })),
        h("p", { class: "opinion", "data-test": "return-opinion" }, r.opinion ?? t("return_no_opinion")),
        ...(notes.length
          ? [h("ul", { class: "criteria-notes" }, ...notes.map((c) => h("li", {}, h("strong", {}, `${t(`criterion_${c}`)}：`), r.criteria[c] as string)))]
          : []),
        h("p", { class: "hint" }, t("return_hint")),
      );
      box.className = "returned";
      box.setAttribute("aria-labelledby", "review-note-h");
    } else if (meta.adjustment && status !== "approved") {
      children.push(
        h("h2", { id: "review-note-h" }, t("adjustment_title")),
        h("p", {}, t("adjustment_note", { n: meta.revision ?? "", v: meta.inForceRevision ?? "" })),
      );
      box.className = "adjustment";
      box.setAttribute("aria-labelledby", "review-note-h");
    }
    box.hidden = children.length === 0;
    box.replaceChildren(...children);
  }

  /** The document as the bureau returned it (the changes are computed against it, live). */
  let returnedDoc: unknown;
  /** The server's list of changes when the returned document is not known (shown as is). */
  let staticChanges: Change[] | undefined;
  /** The "退回时" markers at the fields, by field. */
  let markersShown = new Map<Field, { text: string; el: HTMLElement }>();
  let changesKey = "";
  let changesTimer: number | undefined;

  /** Recomputes the changes once the browser is idle (never on the keystroke's own path). */
  function scheduleChanges(): void {
    if (returnedDoc === undefined || changesTimer !== undefined) return;
    const w = window as Window;
    const run = () => {
      changesTimer = undefined;
      if (!destroyed) renderChanges();
    };
    changesTimer = typeof w.requestIdleCallback === "function" ? w.requestIdleCallback(run, { timeout: 400 }) : w.setTimeout(run, 100);
  }

  function cancelChanges(): void {
    if (changesTimer === undefined) return;
    if (typeof window.cancelIdleCallback === "function") window.cancelIdleCallback(changesTimer);
    window.clearTimeout(changesTimer);
    changesTimer = undefined;
  }

  /** A value as a clerk reads it (never as JSON). */
  function describe(v: unknown): string {
    if (v === undefined || v === null || v === "") return t("value_empty");
    if (typeof v === "string") return v.length > 60 ? `“${v.slice(0, 60)}…”` : `“${v}”`;
    if (typeof v === "number") return String(v);
    if (typeof v === "boolean") return v ? t("value_yes") : t("value_no");
    if (Array.isArray(v)) return t("value_items", { n: v.length });
    const o = v as Doc;
    for (const k of ["name", "source"]) if (typeof o[k] === "string" && o[k] !== "") return `“${o[k] as string}”`;
    return t("value_group");
  }

  /** One change as a sentence: what it was at the return and what it is now. */
  function changeText(c: Change): string {
    if (c.old === undefined || c.old === null) return t("change_added", { v: describe(c.new) });
    if (c.new === undefined || c.new === null) return t("change_removed", { v: describe(c.old) });
    return t("change_item", { old: describe(c.old), now: describe(c.new) });
  }

  /** The changes since the return: a list in the side column (each entry jumps to its
   * field) and a "退回时" line at each changed field. Only what differs is rewritten. */
  function renderChanges(): void {
    if (!app) return;
    const box = $("changes");
    const list = returnedDoc !== undefined ? diff(returnedDoc, doc()) : staticChanges;
    if (!list || server?.status !== "returned") {
      box.hidden = true;
      box.replaceChildren();
      for (const [f, m] of markersShown) unmark(f, m.el);
      markersShown = new Map();
      changesKey = "";
      return;
    }
    const key = JSON.stringify(list);
    if (key === changesKey) return;
    changesKey = key;
    // Markers at the fields: one line per field (several changes under one field are counted).
    const byField = new Map<Field, Change[]>();
    for (const c of list) {
      const f = fieldFor(c.path);
      if (!f || f.p === "") continue;
      byField.set(f, [...(byField.get(f) ?? []), c]);
    }
    const next = new Map<Field, { text: string; el: HTMLElement }>();
    for (const [f, cs] of byField) {
      const absent = (v: unknown) => v === undefined || v === null;
      // A row's own mark sits in its narrow number cell: a word, the details are in the list.
      const text = f.msg.classList.contains("row-msg")
        ? t(cs.length === 1 && cs[0].path === f.p && absent(cs[0].old) ? "row_added" : "row_changed")
        : cs.length === 1 && cs[0].path === f.p
          ? t("was", { v: absent(cs[0].old) ? t("value_absent") : describe(cs[0].old) })
          : t("was_many", { n: cs.length });
      const before = markersShown.get(f);
      if (before && before.text === text) {
        next.set(f, before);
        continue;
      }
      const id = `${f.control?.id ?? nextId()}-was`;
      const el = before?.el ?? h("p", { class: "was", id });
      el.textContent = text;
      if (!before) {
        f.wrap.insertBefore(el, f.msg.parentElement === f.wrap ? f.msg : null);
        f.wrap.classList.add("changed");
        if (f.control) f.control.setAttribute("aria-describedby", `${f.control.getAttribute("aria-describedby") ?? ""} ${id}`.trim());
      }
      next.set(f, { text, el });
    }
    for (const [f, m] of markersShown) if (!next.has(f)) unmark(f, m.el);
    markersShown = next;
    // The list in the side column.
    const since = meta.lastReturn?.revision;
    const items = list.map((c) => {
      const f = fieldFor(c.path);
      const b = h("button", { type: "button", class: "jump change", "data-path": c.path }, h("span", { class: "where" }, f && f.p !== "" ? f.name : t("location_document")), " ", changeText(c));
      b.addEventListener("click", () => {
        if (!f) return;
        const target = f.control ?? f.wrap;
        if (!f.control) f.wrap.setAttribute("tabindex", "-1");
        target.scrollIntoView({ block: "center" });
        target.focus();
      });
      return h("li", {}, b);
    });
    box.hidden = false;
    box.replaceChildren(
      h("h2", { id: "changes-h" }, t("changes_title")),
      h("p", { id: "changes-count", "data-count": String(list.length) }, list.length ? t("changes_count", { n: list.length, v: since ?? "" }) : t("changes_none")),
      h("ul", { id: "changes-list" }, ...items),
    );
  }

  function unmark(f: Field, el: HTMLElement): void {
    el.remove();
    f.wrap.classList.remove("changed");
    if (f.control) {
      const rest = (f.control.getAttribute("aria-describedby") ?? "").split(" ").filter((x) => x !== el.id);
      f.control.setAttribute("aria-describedby", rest.join(" "));
    }
  }

  // ---------------------------------------------------------------- the server

  /** Shows the server's violations (a refused submission) where the live ones are shown;
   * the next change is checked live again. */
  function showServerViolations(violations: Violation[]): void {
    report = { valid: !violations.some((v) => v.severity === "error"), violations };
    reportText = JSON.stringify(report);
    messagesDirty = true;
    metersDirty = true;
    flushRender();
  }

  /** A refused request as a sentence (the server's details are in the requested locale). */
  function problemText(e: unknown): string {
    if (!(e instanceof Refusal)) throw e;
    const detail = e.detail || String(e.status);
    switch (e.status) {
      case 0:
        return t(app ? "offline_app" : "offline");
      case 401:
        return t(app ? "unauthorized_app" : "unauthorized");
      case 403:
        return t("forbidden", { detail });
      case 409:
        return t(app ? "wrong_state_app" : "wrong_state", { detail });
      case 412:
        return t(app ? "conflict_app" : "conflict");
      default:
        return t("server_error", { status: e.status, detail });
    }
  }

  /** Shows a refusal; in the app a 412 also offers to read the target again. */
  function refusedStatus(e: unknown): void {
    setStatus(problemText(e), "error");
    if (app && e instanceof Refusal && e.status === 412 && server && backend.load) {
      const b = h("button", { type: "button", id: "reload" }, t("reload"));
      b.addEventListener("click", () => void reload());
      $("submit-status").append(" ", b);
    }
  }

  /** Writes the document to the server: PUT with If-Match when it is there, else POST. */
  async function writeDraft(): Promise<boolean> {
    const text = session.document();
    const d = JSON.parse(text) as Doc;
    const locale = i18n.currentLocale();
    try {
      const stored: Stored = server ? await backend.update(server.id, server.etag, d, profile.id, locale) : await backend.create(d, profile.id, locale);
      if (destroyed) return false;
      const created = !server;
      server = { id: stored.id, etag: stored.etag, status: stored.status || "draft", document: text, profile: profile.id };
      if (created && app) {
        // The local copy moves from the new draft's key to the target's.
        const before = draftKey;
        draftKey = keyFor(stored.id);
        if (before !== draftKey && !heldDraft) {
          try {
            localStorage.removeItem(before);
          } catch {
            /* storage disabled */
          }
        }
        opts.onCreated?.(stored.id);
      }
      saveNow();
      emitState();
      return true;
    } catch (e) {
      if (destroyed) return false;
      refusedStatus(e);
      return false;
    }
  }

  /** 保存草稿: saves on the server without submitting. */
  async function saveDraft(): Promise<void> {
    if (busy || locked()) return;
    setBusy(true);
    setStatus(t("saving"));
    try {
      if (await writeDraft()) {
        setStatus(app ? t("saved_server_app", { time: new Date().toLocaleTimeString("zh-CN") }) : t("saved_server", { id: server?.id ?? "" }), "ok");
        if (app) renderChanges();
      }
    } finally {
      if (!destroyed) setBusy(false);
    }
  }

  /** 提交审核: saves unsaved changes, then submits with If-Match and shows the outcome. */
  async function submitForReview(): Promise<void> {
    if (busy || locked()) return;
    setBusy(true);
    setStatus(t("submitting"));
    try {
      if (unsaved() && !(await writeDraft())) return;
      if (!server) return;
      try {
        const out = await backend.submit(server.id, server.etag, i18n.currentLocale());
        if (destroyed) return;
        server = { ...server, etag: out.etag || server.etag, status: out.status || "submitted" };
        saveNow();
        setStatus(app ? t("submitted_app") : t("submitted", { id: server.id }), "ok");
        renderActions();
        renderReviewNote();
        emitState();
        // The buttons are disabled now: keep the focus on the note that says why.
        $("locked-note")?.focus();
      } catch (e) {
        if (destroyed) return;
        if (e instanceof Refusal && e.status === 422 && e.violations) {
          showServerViolations(e.violations);
          const errors = e.violations.filter((v) => v.severity === "error").length;
          setStatus(t("refused", { e: errors, w: e.violations.length - errors }), "error");
          $("summary").focus();
        } else {
          refusedStatus(e);
        }
      }
    } finally {
      if (!destroyed) setBusy(false);
    }
  }

  /** 申请调整 (app): a new version of the approved target, opened here as a draft. */
  async function startAdjustment(): Promise<void> {
    if (busy || !server || server.status !== "approved" || !backend.adjust || !backend.load) return;
    const v = meta.revision ?? 1;
    if (!(await ask(t("adjust_confirm", { v, n: v + 1 }), t("adjust_continue"), t("cancel")))) return;
    setBusy(true);
    setStatus(t("adjusting"));
    try {
      await backend.adjust(server.id, server.etag);
      const next = await backend.load(server.id);
      if (destroyed) return;
      openApp(next, undefined);
      renderAll();
      setStatus(t("adjusted", { n: next.revision, v: next.inForceRevision ?? v }), "ok");
      emitState();
      $("form-root").querySelector<HTMLElement>("input:not([readonly]), select, textarea")?.focus();
    } catch (e) {
      if (!destroyed) refusedStatus(e);
    } finally {
      if (!destroyed) setBusy(false);
    }
  }

  /** Reads the target again from the server (after a 412), once the user agrees to drop
   * the changes it does not have. */
  async function reload(): Promise<void> {
    if (busy || !server || !backend.load) return;
    if (unsaved() && !(await ask(t("reload_confirm"), t("reload"), t("cancel")))) return;
    setBusy(true);
    try {
      const next = await backend.load(server.id);
      if (destroyed) return;
      openApp(next, undefined);
      renderAll();
      saveNow();
      setStatus(t("reloaded"), "ok");
      emitState();
    } catch (e) {
      if (!destroyed) refusedStatus(e);
    } finally {
      if (!destroyed) setBusy(false);
    }
  }

  // ---------------------------------------------------------------- start

  /** The standalone page: its one local draft (with the server copy it was last written to). */
  function openStandalone(draft: Draft | undefined): void {
    profile = allProfiles.find((p) => p.id === draft?.profile) ?? allProfiles[0];
    session = new Session(profile.id, i18n.currentLocale());
    server = draft?.server;
    try {
      session.load(draft?.document ?? BLANK);
      restoreShown(draft);
    } catch {
      // The session refused it: held like an unreadable draft (kept, never overwritten).
      session.load(BLANK);
      server = undefined;
      restoreShown(undefined);
      heldDraft = { reason: "corrupt", chars: 0 };
    }
  }

  /** The app: a stored target (with this user's unsaved local changes to that very
   * version, if any), or a new draft (its local copy, the department from the session).
   * Returns the time of the local changes taken over, if any. */
  function openApp(target: TargetState | undefined, local: Draft | undefined): string | undefined {
    const want = target?.profile ?? local?.profile;
    profile = allProfiles.find((p) => p.id === want) ?? allProfiles[0];
    if (session) session.setProfile(profile.id);
    else session = new Session(profile.id, i18n.currentLocale());
    let restored: string | undefined;
    if (target) {
      session.load(JSON.stringify(target.document ?? {}));
      const text = session.document();
      server = { id: target.id, etag: target.etag, status: target.status, document: text, profile: target.profile };
      meta = { revision: target.revision, adjustment: target.adjustment, inForceRevision: target.inForceRevision, lastReturn: target.lastReturn };
      const returned = target.status === "returned";
      returnedDoc = returned ? target.returned : undefined;
      staticChanges = returned ? target.changes?.changes : undefined;
      const editable = target.status === "draft" || target.status === "returned";
      const mine = local && local.server?.id === target.id && local.server.etag === target.etag;
      if (editable && mine && local.document !== text) {
        try {
          if (local.profile !== profile.id) {
            profile = allProfiles.find((p) => p.id === local.profile) ?? profile;
            session.setProfile(profile.id);
          }
          session.load(local.document);
          restored = local.savedAt;
        } catch {
          session.load(text);
        }
      }
      if (mine) restoreShown(local);
      else {
        touched.clear();
        revealAll = hasContent(doc());
      }
    } else {
      server = undefined;
      meta = {};
      returnedDoc = undefined;
      staticChanges = undefined;
      try {
        session.load(local?.document ?? BLANK);
        restoreShown(local);
      } catch {
        session.load(BLANK);
        restoreShown(undefined);
        heldDraft = { reason: "corrupt", chars: 0 };
      }
      applyDepartment();
    }
    return restored;
  }

  /** A new draft in the app: the signed-in user's department, whatever was typed before. */
  function applyDepartment(): void {
    const dep = opts.department;
    if (!dep) return;
    const d = doc();
    if (get(d, "/department/code") !== dep.code) session.setString("/department/code", dep.code);
    if (dep.name && get(d, "/department/name") !== dep.name) session.setString("/department/name", dep.name);
  }

  async function start(): Promise<void> {
    await loadRules();
    if (destroyed) return;
    allProfiles = profiles();
    const stored = readDraft();
    heldDraft = stored.held;
    heldKey = draftKey;
    let restored: string | undefined;
    if (app) restored = openApp(opts.target, stored.draft);
    else openStandalone(stored.draft);

    $("profile").addEventListener("change", (e) => {
      const id = (e.target as HTMLSelectElement).value;
      profile = allProfiles.find((p) => p.id === id) ?? profile;
      session.setProfile(profile.id);
      renderAll("profile");
      saveNow();
    });
    if (!app) {
      $("lang").addEventListener("click", () => {
        const next = i18n.currentLocale() === "en" ? "zh-CN" : "en";
        i18n.setLocale(next);
        session.setLocale(next);
        renderAll("lang");
        renderHeldNotice();
      });
      $("export").addEventListener("click", exportJson);
      const fileInput = $<HTMLInputElement>("import");
      $("import-btn").addEventListener("click", () => fileInput.click());
      fileInput.addEventListener("change", () => {
        const f = fileInput.files?.[0];
        if (f) void importJson(f);
        fileInput.value = "";
      });
      const tokenInput = $<HTMLInputElement>("token");
      tokenInput.value = api.token();
      tokenInput.addEventListener("change", () => api.setToken(tokenInput.value));
    }
    $("new").addEventListener("click", () => {
      void (async () => {
        if (app && server) return;
        const question = app ? t("confirm_new_app") : t("confirmNew");
        if ((hasContent(doc()) || server) && !(await ask(question, app ? t("new_app") : t("new_continue"), t("cancel")))) return;
        session.load(BLANK);
        server = undefined;
        restoreShown(undefined);
        if (app) applyDepartment();
        renderAll();
        saveNow();
      })();
    });
    $("save").addEventListener("click", () => {
      showAll();
      void saveDraft();
    });
    $("submit").addEventListener("click", () => {
      showAll();
      void submitForReview();
    });
    $("form").addEventListener("submit", (e) => e.preventDefault());
    // A field's messages appear once the user leaves or changes it.
    const formRoot = $("form-root");
    const touchTarget = (e: Event) => {
      const p = (e.target as HTMLElement | null)?.dataset?.pointer;
      if (p !== undefined) touch(p);
    };
    formRoot.addEventListener("focusout", touchTarget);
    formRoot.addEventListener("change", touchTarget);
    listen(window, "pagehide", saveNow);
    // While a held draft keeps changes from being saved locally, leaving asks first; in the
    // app, so do changes the server does not have (the local copy keeps them too).
    listen(window, "beforeunload", (ev) => {
      if ((heldDraft && unsavedWhileHeld) || (app && server && !locked() && unsaved())) ev.preventDefault();
    });
    listen(document, "visibilitychange", () => document.visibilityState === "hidden" && saveNow());

    renderAll();
    renderHeldNotice();
    $("loading").remove();
    if (restored) setStatus(t("restored_local", { time: new Date(restored).toLocaleString("zh-CN") }), "ok");
    root.dataset.ready = "true";
    if (!app) document.body.dataset.ready = "true";
    emitState();
  }

  function destroy(): void {
    if (destroyed) return;
    if (session) saveNow();
    destroyed = true;
    if (renderFrame !== 0) cancelAnimationFrame(renderFrame);
    renderFrame = 0;
    cancelChanges();
    for (const off of offs) off();
    offs.length = 0;
    session?.free();
    root.replaceChildren();
    root.classList.remove("jx-form");
  }

  void start().catch((e: unknown) => {
    if (destroyed) return;
    const el = $("loading");
    if (el) el.textContent = t("load_failed", { reason: e instanceof Error ? e.message : String(e) });
    throw e;
  });

  return {
    get id() {
      return server?.id;
    },
    get unsaved() {
      return !!session && !destroyed && !locked() && unsaved();
    },
    destroy,
  };
}
