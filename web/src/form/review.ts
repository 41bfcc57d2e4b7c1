// The app's note on a target in the side column — the bureau's return opinion while it is
// returned, or that this version is an adjustment of an approved one — and the changes since
// the return: a list (each entry jumps to its field) and a "退回时" line at each changed field,
// computed live against the returned document (diff.ts, as the server computes them) once the
// browser is idle, never on a keystroke's own path.
import * as i18n from "../lib/i18n";
import { h, whenIdle } from "../lib/dom";
import type { Change } from "./backend";
import type { Doc, Field, FormContext } from "./context";
import { diff } from "./diff";

const { t } = i18n;

const GRADES = ["excellent", "good", "fair", "poor"];
const CRITERIA = ["completeness", "relevance", "appropriateness", "feasibility"];

export type Review = ReturnType<typeof createReview>;

export function createReview(ctx: FormContext) {
  /** The side column's note on the target: the bureau's return opinion while it is
   * returned, or that this version is an adjustment of an approved one. */
  function renderNote(): void {
    if (!ctx.app) return;
    const box = ctx.$("review-note");
    const status = ctx.server?.status;
    const r = ctx.meta.lastReturn;
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
    } else if (ctx.meta.adjustment && status !== "approved") {
      children.push(
        h("h2", { id: "review-note-h" }, t("adjustment_title")),
        h("p", {}, t("adjustment_note", { n: ctx.meta.revision ?? "", v: ctx.meta.inForceRevision ?? "" })),
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
  /** Cancels the pending recomputation, while one is pending. */
  let cancelPending: (() => void) | undefined;

  /** Recomputes the changes once the browser is idle (never on the keystroke's own path). */
  function scheduleChanges(): void {
    if (returnedDoc === undefined || cancelPending !== undefined) return;
    cancelPending = whenIdle(
      () => {
        cancelPending = undefined;
        if (!ctx.destroyed) renderChanges();
      },
      400,
      100,
    );
  }

  function cancelChanges(): void {
    cancelPending?.();
    cancelPending = undefined;
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
    if (!ctx.app) return;
    const box = ctx.$("changes");
    const list = returnedDoc !== undefined ? diff(returnedDoc, ctx.doc()) : staticChanges;
    if (!list || ctx.server?.status !== "returned") {
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
      const f = ctx.messages.fieldFor(c.path);
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
      const id = `${f.control?.id ?? ctx.nextId()}-was`;
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
    const since = ctx.meta.lastReturn?.revision;
    const items = list.map((c) => {
      const f = ctx.messages.fieldFor(c.path);
      const b = h("button", { type: "button", class: "jump change", "data-path": c.path }, h("span", { class: "where" }, f && f.p !== "" ? f.name : t("location_document")), " ", changeText(c));
      b.addEventListener("click", () => ctx.messages.jumpTo(f));
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

  /** What the form opened: the document as the bureau returned it, else the server's list of
   * changes (both undefined unless the target is returned). */
  function open(returned: unknown, changes: Change[] | undefined): void {
    returnedDoc = returned;
    staticChanges = changes;
  }

  /** The form was drawn anew: the markers are gone with the fields; drawn again from the list. */
  function redraw(): void {
    markersShown = new Map();
    changesKey = "";
    if (returnedDoc !== undefined) renderChanges();
  }

  return { open, renderNote, renderChanges, redraw, scheduleChanges, cancelChanges };
}
