// The messages of the check: at each field the violations its JSON Pointer names (the
// message, and under it the rules' how-to-fix hint), the summary list grouped by the form's
// sections (each entry jumps to its field), the counts, the live region and the mark on
// 提交审核. What is shown: a field's messages once the user has left or changed it, all of
// them after 保存草稿/提交审核 or an import (a blank form shows guidance, not a wall of
// errors); the check itself is the same either way. Only what differs is written to the DOM.
import * as i18n from "../lib/i18n";
import { h } from "../lib/dom";
import { parentPointer } from "../lib/pointer";
import type { Violation } from "../lib/rules";
import type { Field, FormContext } from "./context";
import { hints } from "./help";

const { t } = i18n;

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

export type Messages = ReturnType<typeof createMessages>;

export function createMessages(ctx: FormContext) {
  /** What the live region last said. */
  let liveText = "";

  function fieldFor(path: string): Field | undefined {
    let p: string | undefined = path;
    while (p !== undefined) {
      const f = ctx.byPointer.get(p);
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
    ctx.$("summary-list").replaceChildren();
    delete ctx.$("submit").dataset.blocked;
  }

  const violationKey = (v: Violation) => `${v.severity}\u0000${v.code}\u0000${v.path}\u0000${v.message}`;

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
    ctx.view.markMessages();
    ctx.view.scheduleRender();
    ctx.drafts.scheduleSave();
  }

  /** Shows every message from now on (保存草稿, 提交审核, an import, 显示全部问题). */
  function showAll(): void {
    if (revealAll) return;
    revealAll = true;
    ctx.view.markMessages();
    ctx.view.flushRender();
    ctx.drafts.scheduleSave();
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
  function render(): void {
    ctx.indicators.openDetailsWithMessages();
    const next = new Map<Field, Shown>();
    const bySection = new Map<string, SummaryItem[]>();
    const seen = new Map<Field, boolean>();
    let errors = 0;
    let warnings = 0;
    let held = 0;
    for (const v of ctx.report.violations) {
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
    const countsEl = ctx.$("summary-counts");
    if (countsEl.textContent !== counts) countsEl.textContent = counts;
    const empty = ctx.$("summary-empty");
    if (empty.hidden !== entries.length > 0) empty.hidden = entries.length > 0;
    const shownCount = String(errors + warnings);
    const summaryEl = ctx.$("summary");
    if (summaryEl.dataset.count !== shownCount) summaryEl.dataset.count = shownCount;
    // Errors do not disable 提交审核 (the server decides, and says why at the fields); they mark it.
    const blocked = ctx.report.valid ? "false" : "true";
    const submitBtn = ctx.$<HTMLButtonElement>("submit");
    if (submitBtn.dataset.blocked !== blocked) {
      submitBtn.dataset.blocked = blocked;
      submitBtn.title = ctx.report.valid ? "" : t("submit_blocked");
    }
    const live = ctx.report.valid && warnings === 0 && held === 0 ? t("no_problems") : counts;
    if (live !== liveText) {
      liveText = live;
      ctx.$("live").textContent = live;
    }
  }

  /** Brings the summary list to `entries`, reusing the entries already on screen and
   * inserting or removing only those that differ. */
  function renderSummary(entries: SummaryItem[]): void {
    if (entries.length === summaryShown.length && entries.every((e, i) => e.key === summaryShown[i].key)) return;
    const list = ctx.$("summary-list");
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
      ctx.$("summary").focus();
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

  /** Shows the server's violations (a refused submission) where the live ones are shown;
   * the next change is checked live again. */
  function showServerViolations(violations: Violation[]): void {
    ctx.view.showReport({ valid: !violations.some((v) => v.severity === "error"), violations });
  }

  /** Starts over with what a draft kept: the touched fields, and whether every message shows. */
  function restore(pointers: Iterable<string>, all: boolean): void {
    touched.clear();
    for (const p of pointers) touched.add(p);
    revealAll = all;
  }

  return {
    fieldFor,
    resetShown,
    render,
    touch,
    touchedUnder,
    showAll,
    remapTouched,
    restore,
    /** The touched pointers (kept in the local draft). */
    touched: () => [...touched],
    /** Whether every message is shown. */
    revealed: () => revealAll,
    hintOf,
    jumpTo,
    placeName,
    showServerViolations,
  };
}
