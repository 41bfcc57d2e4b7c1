// The department form (绩效目标申报表). The document lives in a WASM `Session`; each
// change is sent to it as (JSON Pointer, value) and its report is shown at the fields
// the violations' paths name, in a summary list and in the tree meters. Drafts are
// saved in localStorage after every change. No rule is evaluated here.
// A field's messages are shown once the user has left or changed it (all of them after
// 保存草稿/提交审核 or an import); until then a blank form shows guidance and the meters.
// An import above 2 MiB is refused before it is read, and one that would replace a
// non-empty form asks first. A local draft that is too large, has more indicators than
// the form renders, or cannot be read is held: not loaded, never overwritten, and
// downloaded or discarded only when the user says so.
// 保存草稿 writes the document to the server (POST, then PUT with If-Match); 提交审核
// saves unsaved changes the same way, then POSTs /targets/{id}/submit with If-Match: the
// server re-checks it, and its 422 violations are shown where the live ones are.
import "./style.css";
import "./texts";
import * as api from "../lib/api";
import * as i18n from "../lib/i18n";
import { get, parentPointer, pointer as ptr } from "../lib/pointer";
import { Session, loadRules, profiles, type CheckReport, type Level1, type Profile, type TreeCounts, type Violation } from "../lib/rules";

const { t } = i18n;
const DRAFT_KEY = "jixiao.form.draft.v1";
/** The cache `public/sw.js` serves from when the network is gone. */
const OFFLINE_CACHE = "jixiao-form-v1";
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

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

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

function textValue(raw: string): string | undefined {
  return raw.trim() === "" ? undefined : raw;
}

function intValue(raw: string): unknown {
  const s = raw.trim();
  if (s === "") return undefined;
  return /^\d{1,9}$/.test(s) ? Number(s) : s;
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
}

/** A labelled control bound to a JSON Pointer, with its message area. */
function field(d: Doc, o: FieldOpts): HTMLElement {
  const id = nextId();
  const msgId = `${id}-msg`;
  const kind = o.kind ?? "text";
  const current = get(d, o.p);
  const common = { id, "data-pointer": o.p, "aria-describedby": msgId, ...(o.attrs ?? {}) };
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
  const lab = h("label", { for: id, class: o.compact ? "sr-only" : undefined }, o.label);
  const msg = h("ul", { id: msgId, class: "msg" });
  const wrap =
    kind === "checkbox"
      ? h("div", { class: "field check" }, control, lab, msg)
      : h("div", { class: o.compact ? "field compact" : "field" }, lab, control, msg);
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
  i18n.apply();
  const lang = $("lang");
  lang.textContent = t("language");
  // The button names the other language in that language.
  lang.setAttribute("lang", i18n.currentLocale() === "en" ? "zh-CN" : "en");
  renderProfilePicker();
  const root = $("form-root");
  root.replaceChildren(
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
  if (active) {
    const el = root.querySelector<HTMLElement>(`[data-pointer="${CSS.escape(active)}"]`);
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
    field(d, { p: "/department/code", label: t("department_code") }),
    field(d, { p: "/department/name", label: t("department_name"), aliases: ["/department"] }),
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

/** Reads the local draft, or says why it is not loaded. Its size is checked before it is
 * parsed, and its indicators are counted before the session gets it. */
function readDraft(): { draft?: Draft; held?: HeldDraft } {
  let raw: string | null;
  try {
    raw = localStorage.getItem(DRAFT_KEY);
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
  const d: Draft = {
    profile: profile.id,
    document: session.document(),
    savedAt: new Date().toISOString(),
    server,
    touched: [...touched],
    revealed: revealAll || undefined,
  };
  try {
    localStorage.setItem(DRAFT_KEY, JSON.stringify(d));
    $("save-status").textContent = t("saved_local", { time: new Date().toLocaleTimeString() });
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

/** A size for people: "3.4 MB", "850 KB". */
function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
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
  const raw = localStorage.getItem(DRAFT_KEY);
  if (raw === null) return;
  const stamp = new Date().toISOString().slice(0, 16).replace(/[-:T]/g, "");
  download(new Blob([raw], { type: "application/json" }), `jixiao-draft-${stamp}.json`);
}

/** Discards the held draft once the user confirms; the form's own draft is saved from then on. */
async function discardHeldDraft(): Promise<void> {
  if (!(await ask(t("held_confirm_discard"), t("held_discard"), t("cancel")))) return;
  try {
    localStorage.removeItem(DRAFT_KEY);
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

/** Whether a value holds anything a user typed or chose (empty strings, false and empty lists do not). */
function hasContent(v: unknown): boolean {
  if (typeof v === "string") return v.trim() !== "";
  if (typeof v === "number") return true;
  if (typeof v === "boolean") return v;
  if (Array.isArray(v)) return v.some(hasContent);
  if (v !== null && typeof v === "object") return Object.entries(v as Doc).some(([k, x]) => k !== "kind" && hasContent(x));
  return false;
}

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
    document.body.append(dlg);
    dlg.showModal();
    cancel.focus();
  });
}

function download(blob: Blob, name: string): void {
  const a = h("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
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

/** A submitted (or approved) target is no longer edited here: the form is read-only. */
function locked(): boolean {
  return server?.status === "submitted" || server?.status === "approved";
}

/** Whether the server lacks the current document (never saved, or changed since). */
function unsaved(): boolean {
  return !server || server.document !== session.document() || server.profile !== profile.id;
}

/** Shows the buttons' state, the server copy's id and status, and makes the form
 * read-only once the target is submitted. */
function renderActions(): void {
  const lock = locked();
  // While a request runs the buttons ignore clicks but keep focus (a disabled button drops it).
  for (const id of ["save", "submit"]) {
    const b = $<HTMLButtonElement>(id);
    b.disabled = lock;
    if (busy) b.setAttribute("aria-disabled", "true");
    else b.removeAttribute("aria-disabled");
  }
  $("submit-box").setAttribute("aria-busy", String(busy));
  $<HTMLSelectElement>("profile").disabled = lock;
  document.body.dataset.locked = String(lock);
  if (lock) {
    // The controls stay focusable and readable; nothing can be changed.
    const root = $("form-root");
    root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input, textarea").forEach((el) => {
      if (el instanceof HTMLInputElement && el.type === "checkbox") el.disabled = true;
      else el.readOnly = true;
    });
    root.querySelectorAll<HTMLSelectElement | HTMLButtonElement>("select, button").forEach((el) => (el.disabled = true));
  }
  const state = $("target-state");
  state.hidden = !server;
  if (!server) return state.replaceChildren();
  const status = server.status ?? "draft";
  const label = t(`status_${status}`);
  const children: Node[] = [
    h("p", { class: "hint" }, t("server_state", { id: server.id, status: label === `status_${status}` ? status : label })),
  ];
  if (lock) {
    const link = h("a", { href: `./my-targets.html?status=${encodeURIComponent(status)}&id=${encodeURIComponent(server.id)}` }, t("locked_link"));
    children.push(h("p", { id: "locked-note", class: "locked", tabindex: "-1" }, t("locked"), " ", link, t("locked_new")));
  }
  state.replaceChildren(...children);
}

function setBusy(b: boolean): void {
  busy = b;
  renderActions();
}

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
  if (!(e instanceof api.ApiError)) throw e;
  const p = e.problem;
  const detail = p.detail ?? p.title ?? String(p.status);
  switch (p.status) {
    case 0:
      return t("offline");
    case 401:
      return t("unauthorized");
    case 403:
      return t("forbidden", { detail });
    case 409:
      return t("wrong_state", { detail });
    case 412:
      return t("conflict");
    default:
      return t("server_error", { status: p.status, detail });
  }
}

/** Writes the document to the server: PUT with If-Match when it is there, else POST. */
async function writeDraft(): Promise<boolean> {
  const text = session.document();
  const d = JSON.parse(text) as Doc;
  const params = { profile: profile.id, locale: i18n.currentLocale() };
  try {
    const stored = server ? await api.updateTarget(server.id, server.etag, d, params) : await api.createTarget(d, params);
    server = { id: stored.id, etag: stored.etag ?? "", status: stored.status ?? "draft", document: text, profile: profile.id };
    saveNow();
    return true;
  } catch (e) {
    setStatus(problemText(e), "error");
    return false;
  }
}

/** 保存草稿: saves on the server without submitting. */
async function saveDraft(): Promise<void> {
  if (busy || locked()) return;
  setBusy(true);
  setStatus(t("saving"));
  try {
    if (await writeDraft()) setStatus(t("saved_server", { id: server?.id ?? "" }), "ok");
  } finally {
    setBusy(false);
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
      const out = await api.submitTarget(server.id, server.etag, { locale: i18n.currentLocale() });
      server = { ...server, etag: out.etag ?? server.etag, status: out.status ?? "submitted" };
      saveNow();
      setStatus(t("submitted", { id: server.id }), "ok");
      renderActions();
      // The buttons are disabled now: keep the focus on the note that says why.
      $("locked-note")?.focus();
    } catch (e) {
      const p = e instanceof api.ApiError ? e.problem : undefined;
      if (p?.status === 422 && Array.isArray(p.violations)) {
        showServerViolations(p.violations);
        const errors = p.violations.filter((v) => v.severity === "error").length;
        setStatus(t("refused", { e: errors, w: p.violations.length - errors }), "error");
        $("summary").focus();
      } else {
        setStatus(problemText(e), "error");
      }
    }
  } finally {
    setBusy(false);
  }
}

// ---------------------------------------------------------------- start

async function start(): Promise<void> {
  $("loading").textContent = t("loading");
  await loadRules();
  allProfiles = profiles();
  const stored = readDraft();
  const draft = stored.draft;
  heldDraft = stored.held;
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

  $("profile").addEventListener("change", (e) => {
    const id = (e.target as HTMLSelectElement).value;
    profile = allProfiles.find((p) => p.id === id) ?? profile;
    session.setProfile(profile.id);
    renderAll("profile");
    saveNow();
  });
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
  $("new").addEventListener("click", () => {
    void (async () => {
      if ((hasContent(doc()) || server) && !(await ask(t("confirmNew"), t("new_continue"), t("cancel")))) return;
      session.load(BLANK);
      server = undefined;
      restoreShown(undefined);
      renderAll();
      saveNow();
    })();
  });
  const tokenInput = $<HTMLInputElement>("token");
  tokenInput.value = api.token();
  tokenInput.addEventListener("change", () => api.setToken(tokenInput.value));
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
  const root = $("form-root");
  const touchTarget = (e: Event) => {
    const p = (e.target as HTMLElement | null)?.dataset?.pointer;
    if (p !== undefined) touch(p);
  };
  root.addEventListener("focusout", touchTarget);
  root.addEventListener("change", touchTarget);
  window.addEventListener("pagehide", saveNow);
  // While a held draft keeps changes from being saved locally, leaving asks first.
  window.addEventListener("beforeunload", (ev) => {
    if (heldDraft && unsavedWhileHeld) ev.preventDefault();
  });
  document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && saveNow());

  renderAll();
  renderHeldNotice();
  $("loading").remove();
  document.body.dataset.ready = "true";
  keepOffline();
}

/** Registers the service worker and stores this page and every same-origin file it
 * loaded (scripts, styles, the .wasm) in its cache, so a reload works with no network. */
function keepOffline(): void {
  if (!("serviceWorker" in navigator) || !location.protocol.startsWith("http")) return;
  navigator.serviceWorker.register("./sw.js").catch(() => undefined);
  if (!("caches" in window)) return;
  const urls = [
    location.href.split("#")[0],
    ...performance
      .getEntriesByType("resource")
      .map((e) => e.name)
      .filter((u) => u.startsWith(location.origin) && !u.includes("/api/")),
  ];
  caches
    .open(OFFLINE_CACHE)
    .then((c) => c.addAll([...new Set(urls)]))
    .catch(() => undefined);
}

void start();
