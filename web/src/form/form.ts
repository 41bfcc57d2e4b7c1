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
// For the clerk (issue 13): the 部门整体 form's 年度主要任务 rows with their sum against
// 年度资金总额 (exact, BigInt hundredths; display only); each indicator's 评分标准 and
// 指标值确定依据 in a detail row opened on request (the table keeps one row of inputs per
// indicator); the rules' how-to-fix hint under every message and the summary grouped by
// section; the meters in plain words (the profile's minima, the rules' counts); the name
// cell a combobox over the common-indicator library (WASM, offline) and the department's own
// earlier indicators (server, app only) that fills everything but the value; in the app
// 从Excel导入 (the server reads the xlsx, the form shows its violations with their cells) and
// 下载Excel; 打印预览 and print as the paper 申报表 (text only, A4 landscape).
import "./style.css";
import "./texts";
import * as api from "../lib/api";
import * as i18n from "../lib/i18n";
import { get, parentPointer, pointer as ptr } from "../lib/pointer";
import { Session, loadRules, profiles, type CheckReport, type Level1, type Profile, type TreeCounts, type Violation } from "../lib/rules";
import { Refusal, type Backend, type Change, type ImportedTarget, type LocatedViolation, type ReturnNote, type Stored, type TargetState } from "./backend";
import { formatHundredths, hundredths, percent, sharePercent } from "./decimal";
import { diff } from "./diff";
import { hasLibrary, hints, librarySuggestions, type Suggestion } from "./help";

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
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/** The server refuses an upload above this (SHEETS-API.md); refused here before sending. */
const MAX_XLSX_BYTES = 10 * 1024 * 1024;
/** The bases of an indicator's value (指标值确定依据), FORMATS §1. */
const BASES = ["plan", "industry", "history", "budget_standard", "other"];
/** The form's sections, in its order, by a pointer's first segment (the summary's groups). */
const SECTION_OF: Record<string, string> = {
  fiscal_year: "basic",
  kind: "basic",
  region: "basic",
  department: "basic",
  unit: "basic",
  project: "basic",
  classified: "basic",
  funds: "funds",
  tasks: "tasks",
  goals: "goals",
  indicators: "indicators",
};
const SECTIONS = ["basic", "funds", "tasks", "goals", "indicators", "other"];
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

/** A list in pieces of `n`. */
function chunk<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
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
      ? [
          h("button", { type: "button", id: "import-xlsx-btn", "data-i18n": "import_xlsx", "aria-describedby": "import-xlsx-hint" }, "从Excel导入"),
          h("span", { id: "import-xlsx-hint", class: "sr-only", "data-i18n": "import_xlsx_hint" }),
          h("input", { type: "file", id: "import-xlsx", accept: `.xlsx,${XLSX}`, hidden: true }),
          h("button", { type: "button", id: "export-xlsx", "data-i18n": "export_xlsx", hidden: true }, "下载Excel"),
          h("button", { type: "button", id: "print-preview", "data-i18n": "print_preview" }, "打印预览"),
          h("button", { type: "button", id: "new", "data-i18n": "new_app" }, "清空重填"),
        ]
      : [
          h("button", { type: "button", id: "lang" }, "English"),
          h("button", { type: "button", id: "import-btn", "data-i18n": "import" }, "导入 JSON"),
          h("input", { type: "file", id: "import", accept: ".json,application/json", hidden: true }),
          h("button", { type: "button", id: "export", "data-i18n": "export" }, "导出 JSON"),
          h("button", { type: "button", id: "print-preview", "data-i18n": "print_preview" }, "打印预览"),
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
  // The paper form (打印预览 and print): the document as text, built when asked for.
  const preview = h(
    "div",
    { id: "print-view", class: "print-view", hidden: true },
    h(
      "div",
      { class: "preview-bar", role: "toolbar", "aria-label": t("print_preview") },
      h("p", { class: "hint", "data-i18n": "preview_hint" }),
      h("button", { type: "button", id: "print-now", class: "primary", "data-i18n": "print_now" }),
      h("button", { type: "button", id: "preview-close", "data-i18n": "preview_close" }),
    ),
    h("div", { id: "print-sheet", class: "print-sheet" }),
  );
  return [
    ...(app ? [] : [h("a", { class: "skip", href: "#summary", "data-i18n": "summary" })]),
    bar,
    h(
      app ? "div" : "main",
      { class: "layout" },
      h("form", { id: "form", novalidate: true }, h("p", { id: "loading", role: "status" }, t("loading")), h("section", { id: "import-report", hidden: true, "aria-labelledby": "import-report-h", tabindex: "-1" }), h("div", { id: "form-root" })),
      side,
    ),
    preview,
    // The indicator suggestions under the name being typed (one list for every row).
    h("ul", { id: "suggest-list", role: "listbox", class: "suggest-list", hidden: true, "aria-label": t("suggest_label") }),
    h("div", { id: "suggest-status", class: "sr-only", role: "status", "aria-live": "polite" }),
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
      control = h("textarea", { rows: "3", ...common });
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
    closeSuggest();
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
      ...(get(d, "/kind") === "department" ? [renderTasks(d)] : []),
      renderGoals(d),
      renderIndicators(d),
    );
    updateTaskSum();
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
        field(d, {
          p: "/funds/annual_total",
          label: t("annual_total"),
          aliases: ["/funds"],
          attrs: { inputmode: "decimal" },
          onChange: (v) => {
            commit("/funds/annual_total", textValue(v));
            updateTaskSum();
          },
        }),
        field(d, { p: "/funds/mid_term_total", label: t("mid_term_total"), attrs: { inputmode: "decimal" } }),
      ),
      h("h2", { class: "sub" }, t("sources")),
      box("/funds/sources", t("sources")),
      h("div", { class: "sources" }, ...rows),
      add,
    );
  }

  /** 年度主要任务 (department kind): name, content and amount of each task, rows added and
   * removed like the funding sources, and their sum against 年度资金总额. */
  function renderTasks(d: Doc): HTMLElement {
    const list = currentList(d, "/tasks");
    const rows = list.map((_, i) => {
      const n = i + 1;
      const remove = h(
        "button",
        { type: "button", class: "icon", "aria-label": t("remove_task", { n }), title: t("remove_task", { n }), "data-action": "remove-task", "data-row": String(i) },
        h("span", { "aria-hidden": "true" }, "✕"),
      );
      remove.addEventListener("click", () => {
        const arr = currentList(doc(), "/tasks");
        arr.splice(i, 1);
        remapTouched("/tasks", (j) => (j === i ? undefined : j > i ? j - 1 : j));
        const next = Math.min(i, arr.length - 1);
        structural("/tasks", arr.length ? arr : undefined, next >= 0 ? ptr("tasks", next, "name") : undefined);
        if (next < 0) $("form-root").querySelector<HTMLElement>('[data-action="add-task"]')?.focus();
      });
      const row = t("task_row", { n });
      return h(
        "div",
        { class: "task-row", "data-task": String(i) },
        field(d, { p: ptr("tasks", i, "name"), label: `${row} ${t("task_name")}`, compact: true, aliases: [ptr("tasks", i)], name: `${row} ${t("task_name")}` }),
        field(d, { p: ptr("tasks", i, "content"), label: `${row} ${t("task_content")}`, compact: true, kind: "textarea", attrs: { rows: "2" } }),
        field(d, {
          p: ptr("tasks", i, "amount"),
          label: `${row} ${t("task_amount")}`,
          compact: true,
          attrs: { inputmode: "decimal", "data-task-amount": String(i) },
          onChange: (v) => {
            commit(ptr("tasks", i, "amount"), textValue(v));
            updateTaskSum();
          },
        }),
        remove,
      );
    });
    const add = h("button", { type: "button", "data-action": "add-task" }, `+ ${t("add_task")}`);
    add.addEventListener("click", () => {
      const arr = currentList(doc(), "/tasks");
      structural("/tasks", [...arr, { name: "", content: "", amount: "" }], ptr("tasks", arr.length, "name"));
    });
    const head = list.length
      ? h(
          "div",
          { class: "task-row task-head", "aria-hidden": "true" },
          h("span", {}, t("task_name")),
          h("span", {}, t("task_content")),
          h("span", {}, `${t("task_amount")}（${t("wan_yuan")}）`),
          h("span", {}),
        )
      : null;
    return h(
      "fieldset",
      { class: "section", id: "tasks-section" },
      h("legend", {}, t("tasks")),
      h("p", { class: "hint" }, t("tasks_hint")),
      box("/tasks", t("tasks")),
      h("div", { class: "tasks" }, ...(head ? [head] : []), ...rows),
      add,
      h("p", { id: "task-sum", class: "task-sum", "data-state": "info" }),
    );
  }

  /** The sum of the task amounts against 年度资金总额, exactly (BigInt hundredths), from the
   * inputs as typed: display only, the rules decide what is an error. */
  function updateTaskSum(): void {
    const out = document.getElementById("task-sum");
    if (!out || !root.contains(out)) return;
    const inputs = $("form-root").querySelectorAll<HTMLInputElement>("input[data-task-amount]");
    let sum = 0n;
    const bad: number[] = [];
    let filled = 0;
    inputs.forEach((el, i) => {
      if (el.value.trim() === "") return;
      filled++;
      const v = hundredths(el.value);
      if (v === undefined) bad.push(i + 1);
      else sum += v;
    });
    const totalEl = $("form-root").querySelector<HTMLInputElement>('[data-pointer="/funds/annual_total"]');
    const totalRaw = totalEl?.value ?? "";
    const total = hundredths(totalRaw);
    let text: string;
    let state: "ok" | "bad" | "info";
    if (inputs.length === 0) {
      text = t("task_sum_none");
      state = "info";
    } else if (bad.length) {
      text = t("task_sum_invalid", { rows: bad.join("、") });
      state = "bad";
    } else {
      const s = formatHundredths(sum);
      if (total === undefined) {
        text = t(totalRaw.trim() === "" ? "task_sum_no_total" : "task_sum_bad_total", { sum: s });
        state = "info";
      } else if (total === sum) {
        text = t("task_sum_match", { sum: s, total: formatHundredths(total) });
        state = "ok";
      } else {
        const diffAbs = total > sum ? total - sum : sum - total;
        text = t(total > sum ? "task_sum_less" : "task_sum_more", { sum: s, total: formatHundredths(total), diff: formatHundredths(diffAbs) });
        state = filled ? "bad" : "info";
      }
    }
    if (out.textContent !== text) out.textContent = text;
    if (out.dataset.state !== state) out.dataset.state = state;
  }

  /** A list in the document as the session holds it now (a copy). */
  function currentList(d: Doc, p: string): unknown[] {
    const v = get(d, p);
    return Array.isArray(v) ? [...(v as unknown[])] : [];
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
    remapDetails((j) => (j >= at ? j + 1 : j));
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
    remapDetails((k) => (k === i ? j : k === j ? i : k));
    structural("/indicators", list, undefined);
    $("form-root").querySelector<HTMLElement>(`[data-move="${dir}"][data-row="${j}"]`)?.focus();
  }

  function removeIndicator(i: number): void {
    const list = indicators(doc());
    list.splice(i, 1);
    remapTouched("/indicators", (k) => (k === i ? undefined : k > i ? k - 1 : k));
    remapDetails((k) => (k === i ? undefined : k > i ? k - 1 : k));
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
        for (const i of groups.get(`${l1.code}/${l2.code}`) ?? []) appendRow(body, d, list, i);
      }
      table.append(body);
    }
    const stray = groups.get("") ?? [];
    if (stray.length) {
      const body = h("tbody", { "data-level1": "" }, h("tr", { class: "l1 stray" }, h("th", { colspan: "10" }, t("unclassified"))));
      for (const i of stray) appendRow(body, d, list, i);
      table.append(body);
    }
    return section(t("indicators"), box("/indicators", t("indicators")), h("div", { class: "table-wrap" }, table));
  }

  /** An indicator's row, and its detail row when that is open. */
  function appendRow(body: HTMLElement, d: Doc, list: unknown[], i: number): void {
    const row = indicatorRow(d, list, i);
    body.append(row);
    if (openDetails.has(i) && row.dataset.row !== undefined) body.append(detailRow(d, i));
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
      cell(nameField(d, i, name)),
      cell(operator),
      cell(field(d, { p: base("value"), label: `${name} ${t("col_value")}`, compact: true })),
      cell(field(d, { p: base("unit"), label: `${name} ${t("col_unit")}`, compact: true, attrs: { size: "6" } })),
      cell(field(d, { p: base("points"), label: `${name} ${t("col_points")}`, compact: true, attrs: { size: "5", inputmode: "decimal" } })),
      cell(field(d, { p: base("explanation"), label: `${name} ${t("col_explanation")}`, compact: true })),
      h(
        "td",
        { class: "actions" },
        detailToggle(obj, i, n),
        action("↑", t("move_up", { n }), i, "up", () => moveIndicator(i, -1), "-1"),
        action("↓", t("move_down", { n }), i, "down", () => moveIndicator(i, 1), "1"),
        action("✕", t("remove_indicator", { n }), i, "remove", () => removeIndicator(i)),
      ),
    );
    return tr;
  }

  // ---------------------------------------------------------------- indicator suggestions

  /** How many suggestions the library gives, and the department's own (from the server). */
  const LIBRARY_LIMIT = 8;
  const OWN_LIMIT = 5;
  /** The pause in typing before the library is asked, and before the server is. */
  const LIBRARY_DELAY = 80;
  const OWN_DELAY = 250;
  const canSuggest = () => hasLibrary() || !!backend.suggestIndicators;

  /** The name cell: a combobox over the suggestions when there are any to give. */
  function nameField(d: Doc, i: number, name: string): HTMLElement {
    const combo: Record<string, string> | undefined = canSuggest()
      ? { role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": "suggest-list", "data-suggest": String(i) }
      : undefined;
    return field(d, { p: ptr("indicators", i, "name"), label: `${name} ${t("col_name")}`, compact: true, attrs: combo });
  }

  /** The open suggestion list: the input it belongs to, its row, the items and the active one. */
  let sg: { input: HTMLInputElement; row: number; query: string; level: string; items: Suggestion[]; active: number } | undefined;
  let sgTimer: number | undefined;
  let sgOwnTimer: number | undefined;
  let sgAbort: AbortController | undefined;
  /** The server's answers by query, level 1 and level 2 (a failed call is remembered as none). */
  const ownCache = new Map<string, Suggestion[]>();

  function cancelSuggestTimers(): void {
    window.clearTimeout(sgTimer);
    window.clearTimeout(sgOwnTimer);
    sgTimer = sgOwnTimer = undefined;
    sgAbort?.abort();
    sgAbort = undefined;
  }

  /** Typing in a name: asks for suggestions once the typing pauses. */
  function scheduleSuggest(input: HTMLInputElement): void {
    cancelSuggestTimers();
    if (input.readOnly) return;
    sgTimer = window.setTimeout(() => runSuggest(input, false), LIBRARY_DELAY);
  }

  /** The row's level 1 and level 2 as chosen now (from its selects; "" when none). */
  function rowLevels(i: number): [string, string] {
    const formRoot = $("form-root");
    const l1 = formRoot.querySelector<HTMLSelectElement>(`[data-pointer="${ptr("indicators", i, "level1")}"]`)?.value ?? "";
    const l2 = formRoot.querySelector<HTMLSelectElement>(`[data-pointer="${ptr("indicators", i, "level2")}"]`)?.value ?? "";
    return [l1, l2];
  }

  /** The library's suggestions at once, then the department's own when the server answers.
   * `any`: also for an empty name (ArrowDown in an empty cell lists the group's). */
  function runSuggest(input: HTMLInputElement, any: boolean): void {
    cancelSuggestTimers();
    if (!input.isConnected || input.readOnly || document.activeElement !== input) return closeSuggest();
    const row = Number(input.dataset.suggest);
    const query = input.value.trim();
    if (!query && !any) return closeSuggest();
    const [l1, l2] = rowLevels(row);
    const level = `${l1}/${l2}`;
    const library = librarySuggestions(query, l1, l2, LIBRARY_LIMIT, profile.id);
    const key = `${query}\u0000${l1}\u0000${l2}\u0000${$("form-root").querySelector<HTMLInputElement>('[data-pointer="/fiscal_year"]')?.value ?? ""}`;
    const own = ownCache.get(key);
    showSuggestions(input, row, query, level, merge(library, own ?? []));
    if (own || !backend.suggestIndicators || !query) return;
    const ask = backend.suggestIndicators.bind(backend);
    sgOwnTimer = window.setTimeout(() => {
      const ctl = new AbortController();
      sgAbort = ctl;
      const year = Number($("form-root").querySelector<HTMLInputElement>('[data-pointer="/fiscal_year"]')?.value.trim());
      ask(query, l1, l2, OWN_LIMIT, ctl.signal, Number.isInteger(year) && year >= 2000 && year <= 2100 ? year : undefined)
        .then((items) => {
          ownCache.set(key, items);
          if (destroyed || ctl.signal.aborted || !sg || sg.input !== input || sg.query !== query || sg.level !== level) return;
          const active = sg.items[sg.active];
          showSuggestions(input, row, query, level, merge(library, items), active);
        })
        .catch(() => {
          // Silent: the library's suggestions stay.
          if (!ctl.signal.aborted) ownCache.set(key, []);
        });
    }, OWN_DELAY);
  }

  /** The library first, then the department's own ones that are not the same indicator. */
  function merge(library: Suggestion[], own: Suggestion[]): Suggestion[] {
    const same = (a: Suggestion, b: Suggestion) => a.name === b.name && (a.unit ?? "") === (b.unit ?? "") && (a.operator ?? "") === (b.operator ?? "");
    return [...library, ...own.filter((o) => !library.some((l) => same(l, o)))];
  }

  function levelLabel(l1: string, l2: string): string {
    const a = profile.framework.level1.find((l) => l.code === l1);
    const b = a?.level2.find((l) => l.code === l2);
    return [a ? i18n.label(a.label) : "", b ? i18n.label(b.label) : ""].filter(Boolean).join(" / ");
  }

  /** One option: the name, then what choosing it fills in and where it comes from. */
  function suggestionOption(s: Suggestion, k: number): HTMLElement {
    const op = OPERATORS.find(([c]) => c === s.operator)?.[1];
    const what = s.nature === "qualitative" ? t("qualitative") : [op, s.unit].filter(Boolean).join(" ");
    const seen = s.source === "own" ? s.value : s.typical_value;
    const from =
      s.source === "own"
        ? t("suggest_own", { year: s.fiscal_year ?? "", project: s.project_name ?? "" })
        : s.sector && t(`sector_${s.sector}`) !== `sector_${s.sector}`
          ? t("suggest_library_sector", { sector: t(`sector_${s.sector}`) })
          : t("suggest_library");
    const meta = [what, seen ? t(s.source === "own" ? "suggest_value_then" : "suggest_typical", { v: seen }) : "", from].filter(Boolean).join(" · ");
    return h(
      "li",
      { role: "option", id: `suggest-${k}`, class: `suggestion ${s.source}`, "aria-selected": "false", "data-index": String(k) },
      h("span", { class: "sg-name" }, s.name),
      h("span", { class: "sg-meta" }, meta),
      s.explanation ? h("span", { class: "sg-expl" }, s.explanation) : null,
    );
  }

  function showSuggestions(input: HTMLInputElement, row: number, query: string, level: string, items: Suggestion[], keep?: Suggestion): void {
    const list = $("suggest-list");
    if (items.length === 0) {
      closeSuggest();
      return;
    }
    const active = keep ? Math.max(-1, items.indexOf(keep)) : -1;
    sg = { input, row, query, level, items, active };
    const l = levelLabel(...(level.split("/") as [string, string]));
    list.setAttribute("aria-label", l ? t("suggest_label_for", { level: l }) : t("suggest_label"));
    list.replaceChildren(...items.map((s, k) => suggestionOption(s, k)));
    // Placed under the input, in the form's root (position: relative); the CSSOM, not a style attribute.
    const rr = root.getBoundingClientRect();
    const ir = input.getBoundingClientRect();
    list.style.top = `${Math.round(ir.bottom - rr.top + 2)}px`;
    list.style.left = `${Math.round(Math.max(0, Math.min(ir.left - rr.left, rr.width - 420)))}px`;
    list.style.minWidth = `${Math.round(Math.max(ir.width, 320))}px`;
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    setActive(active);
    const status = t("suggest_count", { n: items.length });
    const el = $("suggest-status");
    if (el.textContent !== status) el.textContent = status;
  }

  function setActive(k: number): void {
    if (!sg) return;
    sg.active = k;
    const list = $("suggest-list");
    list.querySelectorAll<HTMLElement>('[role="option"]').forEach((o, j) => {
      const on = j === k;
      o.setAttribute("aria-selected", String(on));
      o.classList.toggle("active", on);
      if (on) o.scrollIntoView({ block: "nearest" });
    });
    if (k >= 0) sg.input.setAttribute("aria-activedescendant", `suggest-${k}`);
    else sg.input.removeAttribute("aria-activedescendant");
  }

  function closeSuggest(): void {
    cancelSuggestTimers();
    const list = frame.get("suggest-list");
    if (list && !list.hidden) {
      list.hidden = true;
      list.replaceChildren();
    }
    if (sg) {
      sg.input.setAttribute("aria-expanded", "false");
      sg.input.removeAttribute("aria-activedescendant");
    }
    sg = undefined;
  }

  /** The keys of a name combobox: ArrowDown/ArrowUp move (ArrowDown opens), Enter chooses,
   * Escape closes; Tab leaves as usual. */
  function suggestKey(e: KeyboardEvent, input: HTMLInputElement): void {
    if (e.isComposing) return;
    const open = sg && sg.input === input;
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (!open) return runSuggest(input, true);
      setActive((sg!.active + 1) % sg!.items.length);
    } else if (e.key === "ArrowUp") {
      if (!open) return;
      e.preventDefault();
      setActive(sg!.active <= 0 ? sg!.items.length - 1 : sg!.active - 1);
    } else if (e.key === "Enter") {
      if (!open || sg!.active < 0) return;
      e.preventDefault();
      chooseSuggestion(sg!.row, sg!.items[sg!.active]);
    } else if (e.key === "Escape") {
      if (!open) return;
      e.preventDefault();
      e.stopPropagation();
      closeSuggest();
    } else if (e.key === "Tab") {
      closeSuggest();
    }
  }

  /** Takes a suggestion over: name, nature, operator, unit, explanation (and 评分标准, 依据
   * of the department's own, and the levels when the row has none) — never the value: the
   * focus goes to the value cell for the user to type it. */
  function chooseSuggestion(i: number, s: Suggestion): void {
    closeSuggest();
    touch(ptr("indicators", i, "name"));
    rewriteIndicator(
      i,
      (x) => {
        x.name = s.name;
        if (s.nature === "qualitative") {
          x.nature = "qualitative";
          delete x.operator;
        } else {
          x.nature = "quantitative";
          if (s.operator) x.operator = s.operator;
        }
        if (s.unit) x.unit = s.unit;
        else delete x.unit;
        if (s.explanation) x.explanation = s.explanation;
        if (s.scoring_rule && !hasContent(x.scoring_rule)) x.scoring_rule = s.scoring_rule;
        if (s.basis && BASES.includes(s.basis) && !hasContent(x.basis)) x.basis = s.basis;
        if (!hasContent(x.level1) && s.level1) {
          x.level1 = s.level1;
          x.level2 = s.level2;
        } else if (!hasContent(x.level2) && s.level2 && x.level1 === s.level1) x.level2 = s.level2;
      },
      ptr("indicators", i, "value"),
    );
    $("suggest-status").textContent = t("suggest_chosen", { name: s.name });
  }

  // ---------------------------------------------------------------- indicator details

  /** Rows whose detail (评分标准, 指标值确定依据) is open, by index. Rendered only when open,
   * so the table keeps one row of inputs per indicator. */
  let openDetails = new Set<number>();

  function detailToggle(obj: Indicator, i: number, n: number): HTMLElement {
    const open = openDetails.has(i);
    const filled = ["scoring_rule", "basis"].some((k) => hasContent(obj[k]));
    const b = h(
      "button",
      {
        type: "button",
        class: filled ? "detail-toggle filled" : "detail-toggle",
        "data-action": "detail",
        "data-row": String(i),
        "aria-expanded": String(open),
        "aria-controls": open ? `detail-${i}` : undefined,
        "aria-label": t(filled ? "detail_toggle_filled" : "detail_toggle", { n }),
        title: t(filled ? "detail_toggle_filled" : "detail_toggle", { n }),
      },
      t("detail"),
    );
    b.addEventListener("click", () => {
      if (openDetails.has(i)) closeDetail(i);
      else openDetail(i, true);
    });
    return b;
  }

  /** Opens the detail row of indicator `i` under its row (focusing its first field when asked). */
  function openDetail(i: number, focus: boolean): void {
    const row = $("form-root").querySelector<HTMLElement>(`tr.row[data-row="${i}"]`);
    if (!row) return;
    openDetails.add(i);
    if (!row.nextElementSibling?.matches(`tr.detail[data-detail="${i}"]`)) row.after(detailRow(doc(), i));
    const b = row.querySelector<HTMLElement>('[data-action="detail"]');
    b?.setAttribute("aria-expanded", "true");
    b?.setAttribute("aria-controls", `detail-${i}`);
    if (locked()) lockControls(row.nextElementSibling as HTMLElement);
    messagesDirty = true;
    if (focus) {
      flushRender();
      row.nextElementSibling?.querySelector<HTMLElement>("textarea, input, select")?.focus();
    }
  }

  function closeDetail(i: number): void {
    openDetails.delete(i);
    const row = $("form-root").querySelector<HTMLElement>(`tr.row[data-row="${i}"]`);
    const detail = $("form-root").querySelector<HTMLElement>(`tr.detail[data-detail="${i}"]`);
    if (detail) {
      detail.querySelectorAll<HTMLElement>("[data-pointer]").forEach((el) => {
        const p = el.dataset.pointer;
        if (p !== undefined && fields.get(p)?.control === el) fields.delete(p);
      });
      detail.remove();
    }
    const b = row?.querySelector<HTMLElement>('[data-action="detail"]');
    b?.setAttribute("aria-expanded", "false");
    b?.removeAttribute("aria-controls");
    messagesDirty = true;
    flushRender();
  }

  /** The second row of an indicator: its 评分标准 and 指标值确定依据, labelled for screen readers. */
  function detailRow(d: Doc, i: number): HTMLElement {
    const name = t("row", { n: i + 1 });
    const base = (k: string) => ptr("indicators", i, k);
    return h(
      "tr",
      { class: "detail", id: `detail-${i}`, "data-detail": String(i) },
      h("td", { class: "no", "aria-hidden": "true" }),
      h(
        "td",
        { class: "detail-cell", colspan: "9" },
        h(
          "div",
          { class: "detail-grid" },
          field(d, { p: base("scoring_rule"), label: `${name} ${t("col_scoring_rule")}`, kind: "textarea", attrs: { rows: "2" }, hint: t("scoring_rule_hint") }),
          field(d, {
            p: base("basis"),
            label: `${name} ${t("col_basis")}`,
            kind: "select",
            options: BASES.map((b) => [b, t(`basis_${b}`)] as [string, string]),
          }),
        ),
      ),
    );
  }

  /** Opens the details that hold a message to show (a violation at 评分标准 or 依据), so the
   * message is shown at its field. */
  function openDetailsWithMessages(): void {
    for (const v of report.violations) {
      const m = /^\/indicators\/(\d+)\/(scoring_rule|basis)(?:\/|$)/.exec(v.path);
      if (!m) continue;
      const i = Number(m[1]);
      if (openDetails.has(i)) continue;
      if (revealAll || touchedUnder(ptr("indicators", i))) openDetail(i, false);
    }
  }

  /** Keeps the open details in step when indicators move (`f` maps an old index to the new one). */
  function remapDetails(f: (i: number) => number | undefined): void {
    const next = new Set<number>();
    for (const i of openDetails) {
      const j = f(i);
      if (j !== undefined) next.add(j);
    }
    openDetails = next;
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
    openDetailsWithMessages();
    const next = new Map<Field, Shown>();
    const bySection = new Map<string, SummaryItem[]>();
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
      const sec = sectionOf(v.path);
      let items = bySection.get(sec);
      if (!items) bySection.set(sec, (items = []));
      items.push({ key, make: () => summaryItem(v, f) });
    }
    // The summary by section, in the form's order, each under its heading.
    const locale = i18n.currentLocale();
    const entries: SummaryItem[] = [];
    if (held > 0) entries.push({ key: `guide\u0000${locale}\u0000${held}`, make: () => guideItem(held) });
    for (const sec of SECTIONS) {
      const items = bySection.get(sec);
      if (!items) continue;
      entries.push({ key: `section\u0000${locale}\u0000${sec}`, make: () => h("li", { class: "section-head", "data-section": sec }, h("h3", {}, t(`sec_${sec}`))) }, ...items);
    }
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
      f.msg.replaceChildren(...s.items.map((v) => messageItem(v)));
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
    const shownCount = String(errors + warnings);
    const summaryEl = $("summary");
    if (summaryEl.dataset.count !== shownCount) summaryEl.dataset.count = shownCount;
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

  /** The section of the form a pointer is in (its first segment). */
  function sectionOf(path: string): string {
    const first = path.split("/")[1] ?? "";
    return SECTION_OF[first] ?? "other";
  }

  /** The how-to-fix sentence of a violation's code (from the rules), if there is one. */
  function hintOf(v: Violation): string | undefined {
    const text = hints(i18n.currentLocale())[v.code];
    return typeof text === "string" && text.trim() !== "" ? text : undefined;
  }

  /** A message at its field: the message, and under it how to fix it. */
  function messageItem(v: Violation): HTMLElement {
    const fix = hintOf(v);
    return h("li", { class: v.severity, "data-code": v.code }, h("span", { class: "m" }, v.message), fix ? h("span", { class: "fix" }, fix) : null);
  }

  /** Moves the focus to a field (a message box gets a tabindex to take it). */
  function jumpTo(f: Field | undefined): void {
    if (!f) return;
    const target = f.control ?? f.wrap;
    if (!f.control) f.wrap.setAttribute("tabindex", "-1");
    target.scrollIntoView({ block: "center" });
    target.focus();
  }

  function summaryItem(v: Violation, f: Field | undefined): HTMLElement {
    const b = h("button", { type: "button", class: `jump ${v.severity}`, "data-code": v.code, "data-path": v.path }, h("span", { class: "where" }, placeName(v.path, f)), " ", v.message);
    b.addEventListener("click", () => jumpTo(f));
    const fix = hintOf(v);
    return h("li", { class: "item", "data-code": v.code }, b, fix ? h("p", { class: "fix" }, fix) : null);
  }

  /** Where a violation is, for people: its field's name, else its section (never a pointer). */
  function placeName(path: string, f: Field | undefined): string {
    if (f && f.p !== "") return f.name;
    if (path === "" || !f) return t(path === "" ? "location_document" : `sec_${sectionOf(path)}`);
    return f.name;
  }

  // ---------------------------------------------------------------- meters

  function has(code: string): Violation | undefined {
    return report.violations.find((v) => v.code === code);
  }

  /** What one meter shows; equal specs render equal elements. */
  type MeterSpec = [key: string, label: string, text: string, ok: boolean | undefined, value?: number, max?: number, explain?: string];

  /** The meters on screen, as their specs (JSON) and elements. */
  let metersShown: { spec: string; el: HTMLElement }[] = [];

  function meter(key: string, label: string, text: string, ok: boolean | undefined, value?: number, max?: number, explain?: string): HTMLElement {
    const state = ok === undefined ? "info" : ok ? "ok" : "bad";
    // The bar only draws (the numbers and the sentence say it): a share may be 72.5 of 70.
    const m = value !== undefined && max ? h("meter", { min: "0", max: String(max), low: String(max - 0.0001), optimum: String(max), value: String(Math.min(value, max)), "aria-hidden": "true" }) : null;
    return h(
      "div",
      { class: `meter ${state}`, "data-meter": key, "data-state": state },
      h("span", { class: "meter-label" }, label),
      m,
      h("span", { class: "meter-value" }, text),
      h("span", { class: "sr-only" }, ok === undefined ? "" : ok ? t("meter_ok") : t("meter_bad")),
      explain ? h("p", { class: "meter-explain" }, explain) : null,
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

  /** The tree counts as the rules give them (`counts()`), with the share when they say it. */
  interface Counts extends TreeCounts {
    /** The quantitative share in percent, as a decimal string (when the module gives it). */
    quantitative_percent?: string;
  }

  /** The meters, each with a sentence in plain words: what the profile asks (its minima, read
   * from the profile) and where the form is. Counts and pass/fail come from the rules (the
   * counts and the report); the share is their exact ratio, never a float. */
  function renderMeters(): void {
    const c = JSON.parse(countsText) as Counts;
    const r = profile.review;
    const out: MeterSpec[] = [];
    const lv = (key: string, code: string, n: number, min: number | null) =>
      out.push([
        key,
        t(`meter_${key}`),
        min === null ? String(n) : `${n} / ${min}`,
        min === null ? undefined : !has(code),
        n,
        min ?? undefined,
        min === null ? t(`explain_${key}_free`, { n }) : t(`explain_${key}`, { n, min }),
      ]);
    lv("level1", "TREE_LEVEL1_MIN", c.level1, r.min_level1);
    lv("level2", "TREE_LEVEL2_MIN", c.level2, r.min_level2);
    lv("level3", "TREE_LEVEL3_MIN", c.level3, r.min_level3);
    const ratio = has("TREE_QUANT_RATIO_MIN");
    const pct =
      typeof ratio?.params.actual_percent === "string"
        ? ratio.params.actual_percent
        : typeof c.quantitative_percent === "string"
          ? c.quantitative_percent
          : percent(c.quantitative, c.level3);
    const min = r.min_quantitative_share === null ? null : sharePercent(r.min_quantitative_share);
    const explain =
      c.level3 === 0
        ? t(min === null ? "explain_share_free_none" : "explain_share_none", { min: min ?? "" })
        : t(min === null ? "explain_share_free" : "explain_share", { min: min ?? "", n: c.level3, q: c.quantitative, p: pct });
    out.push([
      "share",
      t("meter_share"),
      c.level3 ? `${c.quantitative}/${c.level3} = ${pct}%${min === null ? "" : ` / ≥ ${min}%`}` : `0/0${min === null ? "" : ` / ≥ ${min}%`}`,
      min === null ? undefined : c.level3 > 0 && !ratio,
      c.level3 ? Number(pct) : 0,
      min === null ? undefined : Number(min),
      explain,
    ]);
    if (r.required_level1.length) {
      const names = r.required_level1.map((code) => {
        const l = profile.framework.level1.find((x) => x.code === code);
        return l ? i18n.label(l.label) : code;
      });
      const missing = report.violations.filter((v) => v.code === "TREE_LEVEL1_REQUIRED").map((v) => {
        const code = String(v.params.level1 ?? "");
        const l = profile.framework.level1.find((x) => x.code === code);
        return l ? i18n.label(l.label) : code;
      });
      out.push([
        "required",
        t("meter_required"),
        names.join("、"),
        missing.length === 0,
        undefined,
        undefined,
        missing.length ? t("explain_required_missing", { names: names.join("、"), missing: missing.join("、") }) : t("explain_required", { names: names.join("、") }),
      ]);
    }
    if (r.points_total !== null) {
      const v = has("POINTS_TOTAL");
      const actual = v ? String(v.params.actual ?? "?") : r.points_total;
      out.push(["points", t("meter_points"), `${actual} / ${r.points_total}`, !v, undefined, undefined, t(v ? "explain_points_bad" : "explain_points", { total: r.points_total, actual })]);
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
    openDetails = new Set();
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
      openDetails = new Set();
      revealAll = true;
      renderAll();
      saveNow();
      setStatus("");
    } catch (e) {
      setStatus(t("import_failed", { reason: e instanceof Error ? e.message : String(e) }), "error");
    }
  }

  // ---------------------------------------------------------------- spreadsheets (app)

  /** 从Excel导入: the server reads the 申报表 (nothing is stored there); its document goes into
   * the form — a new draft, or the content of the target open here — after the user agrees
   * to replace what is in the form, and its violations are listed with their cells. */
  async function importXlsx(file: File): Promise<void> {
    if (!backend.importXlsx || busy || locked()) return;
    if (file.size > MAX_XLSX_BYTES) {
      setStatus(t("xlsx_too_large", { name: file.name, size: size(file.size), max: size(MAX_XLSX_BYTES) }), "error");
      return;
    }
    let got: ImportedTarget;
    setBusy(true);
    setStatus(t("xlsx_reading", { name: file.name }));
    try {
      got = await backend.importXlsx(file, profile.id, i18n.currentLocale());
    } catch (e) {
      if (!destroyed) setStatus(xlsxRefusal(e, file.name), "error");
      return;
    } finally {
      if (!destroyed) setBusy(false);
    }
    if (destroyed) return;
    const body = got.document && typeof got.document === "object" && !Array.isArray(got.document) ? (got.document as Doc) : {};
    const list = body.indicators;
    if (Array.isArray(list) && list.length > MAX_INDICATORS) {
      setStatus(t("import_too_many", { n: list.length, max: MAX_INDICATORS }), "error");
      return;
    }
    // What the session put in a new draft (the department) is not the user's content.
    const typed = doc();
    delete typed.department;
    if (hasContent(typed) && !(await ask(t(server ? "confirm_xlsx_target" : "confirm_xlsx", { name: file.name }), t("import_continue"), t("cancel")))) {
      setStatus(t("import_cancelled"));
      return;
    }
    if (destroyed) return;
    try {
      session.load(JSON.stringify(body));
    } catch (e) {
      setStatus(t("import_failed", { reason: e instanceof Error ? e.message : String(e) }), "error");
      return;
    }
    // The department is the signed-in user's, whatever the file says.
    applyDepartment();
    touched.clear();
    revealAll = true;
    openDetails = new Set();
    renderAll();
    saveNow();
    emitState();
    renderImportReport(file.name, got);
    setStatus(t(server ? "xlsx_loaded_target" : "xlsx_loaded", { name: file.name }), "ok");
    $("import-report").focus();
  }

  /** A refused upload as a sentence a clerk can act on. */
  function xlsxRefusal(e: unknown, name: string): string {
    if (!(e instanceof Refusal)) return t("import_failed", { reason: e instanceof Error ? e.message : String(e) });
    switch (e.status) {
      case 400:
        return t("xlsx_empty", { name });
      case 413:
        return t("xlsx_too_large", { name, size: "", max: size(MAX_XLSX_BYTES) });
      case 415:
        return t("xlsx_unsupported", { name });
      case 422:
        return t("xlsx_unreadable", { name, detail: e.detail });
      default:
        return problemText(e);
    }
  }

  /** What the import read: the file and sheet, and each violation with its cell in the file
   * (申报表!G17) beside the message, its field a click away. */
  function renderImportReport(name: string, got: ImportedTarget): void {
    const box = $("import-report");
    const violations: LocatedViolation[] = Array.isArray(got.violations) ? got.violations : [];
    const errors = violations.filter((v) => v.severity === "error").length;
    const items = violations.map((v) => {
      const f = fieldFor(v.path);
      const b = h("button", { type: "button", class: `jump ${v.severity}`, "data-code": v.code, "data-path": v.path }, h("span", { class: "where" }, placeName(v.path, f)), " ", v.message);
      // The form may have been rendered again since: the field is looked up on the click.
      b.addEventListener("click", () => jumpTo(fieldFor(v.path)));
      const fix = hintOf(v);
      return h(
        "li",
        { class: "item", "data-code": v.code },
        h("span", { class: "cell", "data-cell": v.cell ?? "" }, v.cell ? v.cell : t("cell_none")),
        h("div", { class: "what" }, b, fix ? h("p", { class: "fix" }, fix) : null),
      );
    });
    const close = h("button", { type: "button", id: "import-report-close" }, t("close"));
    close.addEventListener("click", () => {
      box.hidden = true;
      box.replaceChildren();
      $("import-xlsx-btn").focus();
    });
    const parts: (HTMLElement | null)[] = [
      h("h2", { id: "import-report-h" }, t("xlsx_report_title")),
      h("p", {}, t("xlsx_report_read", { name, sheet: got.sheet || "申报表" })),
      got.amount_unit === "元" ? h("p", { class: "hint", "data-test": "yuan" }, t("xlsx_yuan")) : null,
      h("p", { id: "import-report-count" }, violations.length ? t("xlsx_report_count", { e: errors, w: violations.length - errors }) : t("xlsx_report_none")),
      items.length ? h("ul", { id: "import-list" }, ...items) : null,
      h("p", { class: "hint" }, t("xlsx_report_live")),
      close,
    ];
    box.replaceChildren(...parts.filter((x): x is HTMLElement => x !== null));
    box.hidden = false;
  }

  /** 下载Excel: the saved target as the national form (what the server has). */
  async function downloadXlsx(): Promise<void> {
    if (!backend.downloadXlsx || !server) return;
    const changed = unsaved();
    try {
      const f = await backend.downloadXlsx(server.id, i18n.currentLocale());
      if (destroyed) return;
      download(f.blob, f.filename);
      setStatus(t(changed ? "xlsx_downloaded_unsaved" : "xlsx_downloaded", { name: f.filename }), "ok");
    } catch (e) {
      if (!destroyed) refusedStatus(e);
    }
  }

  // ---------------------------------------------------------------- print

  /** 打印预览: the filled form as the paper 申报表, on screen, with 打印 and 返回编辑. */
  function openPreview(): void {
    closeSuggest();
    renderPrintSheet();
    $("print-view").hidden = false;
    root.dataset.preview = "true";
    $("print-now").focus();
  }

  function closePreview(): void {
    $("print-view").hidden = true;
    delete root.dataset.preview;
    $("print-preview").focus();
  }

  /** The document as the paper 申报表 (text only; the print style shows only this). */
  function renderPrintSheet(): void {
    const d = doc();
    const str = (p: string): string => {
      const v = get(d, p);
      return typeof v === "string" ? v : typeof v === "number" ? String(v) : "";
    };
    const dept = get(d, "/kind") === "department";
    const year = str("/fiscal_year");
    const party = (p: string) => {
      const name = str(`${p}/name`);
      const code = str(`${p}/code`);
      return name && code ? `${name}（${code}）` : name || code;
    };
    const money = (p: string) => (str(p) ? `${str(p)} ${t("wan_yuan")}` : "");
    const pairs: [string, string][] = dept
      ? [
          [t("paper_department"), party("/department")],
          [t("unit_name"), party("/unit")],
        ]
      : [
          [t("project_name"), str("/project/name")],
          [t("project_code"), str("/project/code")],
          [t("paper_department_code"), party("/department")],
          [t("unit_name"), party("/unit")],
          [t("attribute"), str("/project/attribute") ? t(`attribute_${str("/project/attribute")}`) : ""],
          [t("paper_period"), str("/project/start") || str("/project/end") ? t("paper_period_value", { start: str("/project/start"), end: str("/project/end") }) : ""],
        ];
    if (str("/region")) pairs.push([t("region"), str("/region")]);
    if (get(d, "/classified") === true) pairs.push([t("paper_classified"), t("value_yes")]);
    const info = h("table", { class: "paper-info" }, h("tbody", {}, ...chunk(pairs, 2).map((row) => h("tr", {}, ...row.flatMap(([k, v]) => [h("th", { scope: "row" }, k), h("td", {}, v)]), ...(row.length < 2 ? [h("td", { colspan: "2" })] : [])))));
    // Funds: the totals, then the sources.
    const sources = currentList(d, "/funds/sources");
    const fundRows: Node[] = [
      h("tr", {}, h("th", { scope: "row" }, t("annual_total")), h("td", {}, money("/funds/annual_total")), h("th", { scope: "row" }, t("mid_term_total")), h("td", {}, money("/funds/mid_term_total"))),
      ...sources.map((_, i) =>
        h("tr", {}, h("th", { scope: "row" }, t("paper_source", { name: str(`/funds/sources/${i}/source`) })), h("td", { colspan: "3" }, money(`/funds/sources/${i}/amount`))),
      ),
    ];
    const funds = h("table", { class: "paper-info" }, h("caption", {}, t("funds")), h("tbody", {}, ...fundRows));
    const parts: Node[] = [h("h1", { class: "paper-title" }, t(dept ? "paper_title_department" : "paper_title_project")), h("p", { class: "paper-year" }, year ? t("paper_year", { year }) : ""), info, funds];
    if (dept) {
      const tasks = currentList(d, "/tasks");
      let sum = 0n;
      let exact = true;
      for (let i = 0; i < tasks.length; i++) {
        const a = hundredths(str(`/tasks/${i}/amount`));
        if (a === undefined) exact = exact && str(`/tasks/${i}/amount`) === "";
        else sum += a;
      }
      parts.push(
        h(
          "table",
          { class: "paper-grid" },
          h("caption", {}, t("tasks")),
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("col_no")), h("th", { scope: "col" }, t("task_name")), h("th", { scope: "col" }, t("task_content")), h("th", { scope: "col" }, `${t("task_amount")}（${t("wan_yuan")}）`))),
          h(
            "tbody",
            {},
            ...tasks.map((_, i) => h("tr", {}, h("td", {}, String(i + 1)), h("td", {}, str(`/tasks/${i}/name`)), h("td", { class: "text" }, str(`/tasks/${i}/content`)), h("td", { class: "num" }, str(`/tasks/${i}/amount`)))),
            h("tr", { class: "total" }, h("th", { scope: "row", colspan: "3" }, t("paper_tasks_total")), h("td", { class: "num" }, exact && tasks.length ? formatHundredths(sum) : "")),
          ),
        ),
      );
    }
    parts.push(
      h(
        "table",
        { class: "paper-info" },
        h("caption", {}, t("goals")),
        h(
          "tbody",
          {},
          h("tr", {}, h("th", { scope: "row" }, t("goal_annual")), h("td", { class: "text" }, str("/goals/annual"))),
          ...(str("/goals/mid_term") ? [h("tr", {}, h("th", { scope: "row" }, t("goal_mid_term")), h("td", { class: "text" }, str("/goals/mid_term")))] : []),
        ),
      ),
      paperIndicators(d),
    );
    $("print-sheet").replaceChildren(...parts);
  }

  /** The indicator table of the paper form: level 1 and level 2 merged down their rows, the
   * header repeated on every page (print style), a row never split across pages. */
  function paperIndicators(d: Doc): HTMLElement {
    const list = indicators(d);
    const fw = profile.framework.level1;
    const cols = ["col_level1", "col_level2", "col_name", "col_value", "col_points", "col_explanation", "col_scoring_rule", "col_basis"];
    const body = h("tbody", {});
    const str = (x: Indicator, k: string) => (typeof x[k] === "string" ? (x[k] as string) : typeof x[k] === "number" ? String(x[k]) : "");
    const valueText = (x: Indicator) => {
      const v = str(x, "value");
      if (x.nature === "qualitative" || !v) return v;
      const op = x.operator === "eq" ? "" : (OPERATORS.find(([c]) => c === x.operator)?.[1] ?? "");
      return `${op}${v}${str(x, "unit")}`;
    };
    const cells = (x: Indicator) => [
      h("td", {}, str(x, "name")),
      h("td", { class: "num" }, valueText(x)),
      h("td", { class: "num" }, str(x, "points")),
      h("td", { class: "text" }, str(x, "explanation")),
      h("td", { class: "text" }, str(x, "scoring_rule")),
      h("td", {}, BASES.includes(str(x, "basis")) ? t(`basis_${str(x, "basis")}`) : str(x, "basis")),
    ];
    const objs = list.map((x) => (x && typeof x === "object" && !Array.isArray(x) ? (x as Indicator) : undefined));
    for (const l1 of fw) {
      const groups = l1.level2.map((l2) => ({ l2, rows: objs.filter((x): x is Indicator => !!x && groupOf(x, fw) === `${l1.code}/${l2.code}`) })).filter((g) => g.rows.length);
      const n1 = groups.reduce((a, g) => a + g.rows.length, 0);
      groups.forEach((g, gi) =>
        g.rows.forEach((x, ri) => {
          const tr = h("tr", {});
          if (gi === 0 && ri === 0) tr.append(h("th", { scope: "rowgroup", rowspan: String(n1) }, i18n.label(l1.label)));
          if (ri === 0) tr.append(h("th", { scope: "rowgroup", rowspan: String(g.rows.length) }, i18n.label(g.l2.label)));
          tr.append(...cells(x));
          body.append(tr);
        }),
      );
    }
    const stray = objs.filter((x): x is Indicator => !!x && groupOf(x, fw) === "");
    for (const x of stray) body.append(h("tr", {}, h("td", {}, str(x, "level1")), h("td", {}, str(x, "level2")), ...cells(x)));
    return h(
      "table",
      { class: "paper-grid paper-indicators" },
      h("caption", {}, t("paper_indicators")),
      h("thead", {}, h("tr", {}, ...cols.map((k) => h("th", { scope: "col" }, t(k))))),
      body,
    );
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
    if (app) {
      $("new").hidden = !!server;
      $("import-xlsx-btn").hidden = lock || !backend.importXlsx;
      $("export-xlsx").hidden = !server || !backend.downloadXlsx;
    }
    $("submit-box").setAttribute("aria-busy", String(busy));
    $<HTMLSelectElement>("profile").disabled = lock;
    root.dataset.locked = String(lock);
    if (!app) document.body.dataset.locked = String(lock);
    if (lock) {
      // The controls stay focusable and readable; nothing can be changed.
      const formRoot = $("form-root");
      lockControls(formRoot);
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

  /** Makes the controls under `el` read-only (still focusable and readable). */
  function lockControls(el: HTMLElement): void {
    el.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input, textarea").forEach((c) => {
      if (c instanceof HTMLInputElement && c.type === "checkbox") c.disabled = true;
      else c.readOnly = true;
    });
    // The detail toggles stay usable: they only show more of a read-only row.
    el.querySelectorAll<HTMLSelectElement | HTMLButtonElement>("select, button:not([data-action=detail])").forEach((c) => (c.disabled = true));
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
        openDetails = new Set();
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
    if (app) {
      const xlsxInput = $<HTMLInputElement>("import-xlsx");
      $("import-xlsx-btn").addEventListener("click", () => xlsxInput.click());
      xlsxInput.addEventListener("change", () => {
        const f = xlsxInput.files?.[0];
        if (f) void importXlsx(f);
        xlsxInput.value = "";
      });
      $("export-xlsx").addEventListener("click", () => void downloadXlsx());
    }
    $("print-preview").addEventListener("click", openPreview);
    $("print-now").addEventListener("click", () => window.print());
    $("preview-close").addEventListener("click", closePreview);
    $("print-view").addEventListener("keydown", (e) => {
      if (e.key === "Escape") closePreview();
    });
    // Printing without the preview (Ctrl+P) prints the form as it is now.
    listen(window, "beforeprint", renderPrintSheet);
    $("new").addEventListener("click", () => {
      void (async () => {
        if (app && server) return;
        const question = app ? t("confirm_new_app") : t("confirmNew");
        if ((hasContent(doc()) || server) && !(await ask(question, app ? t("new_app") : t("new_continue"), t("cancel")))) return;
        session.load(BLANK);
        server = undefined;
        restoreShown(undefined);
        $("import-report").hidden = true;
        $("import-report").replaceChildren();
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
    // The name comboboxes (one listener for every row).
    const comboOf = (e: Event) => {
      const el = e.target as HTMLElement | null;
      return el instanceof HTMLInputElement && el.dataset.suggest !== undefined ? el : undefined;
    };
    formRoot.addEventListener("input", (e) => {
      const input = comboOf(e);
      if (input && !(e as InputEvent).isComposing) scheduleSuggest(input);
    });
    formRoot.addEventListener("compositionend", (e) => {
      const input = comboOf(e);
      if (input) scheduleSuggest(input);
    });
    formRoot.addEventListener("keydown", (e) => {
      const input = comboOf(e);
      if (input) suggestKey(e, input);
    });
    formRoot.addEventListener("focusout", (e) => {
      // Leaving a name for another element closes its list and drops a pending look-up. The
      // window losing the focus (another window, the browser's own UI) is not leaving: the
      // name is still the document's active element and the list stays.
      const input = comboOf(e);
      if (!input) return;
      window.setTimeout(() => {
        if (document.activeElement !== input && (!sg || sg.input === input)) closeSuggest();
      }, 0);
    });
    const suggestList = $("suggest-list");
    // A press on an option keeps the focus in the name; the click chooses it.
    suggestList.addEventListener("mousedown", (e) => e.preventDefault());
    suggestList.addEventListener("click", (e) => {
      const li = (e.target as HTMLElement).closest<HTMLElement>('[role="option"]');
      if (!li || !sg) return;
      const s = sg.items[Number(li.dataset.index)];
      if (s) chooseSuggestion(sg.row, s);
    });
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
