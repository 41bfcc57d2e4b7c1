// The form's render loop: a change goes to the WASM session as (JSON Pointer, value), its
// report is taken and the DOM is written once per frame (messages, meters); a structural
// change (a row added, a kind switched) draws the whole form again from the session. The
// sections themselves are drawn by their parts (fields.ts, indicators.ts).
import * as i18n from "../lib/i18n";
import { h } from "../lib/dom";
import { get } from "../lib/pointer";
import type { CheckReport } from "../lib/rules";
import type { FormContext } from "./context";

const { t } = i18n;

export type View = ReturnType<typeof createView>;

export function createView(ctx: FormContext) {
  let messagesDirty = false;
  let metersDirty = false;
  let renderFrame = 0;

  /** Sends one change to the session and refreshes what depends on the report. */
  function commit(p: string, v: unknown): void {
    let out: string;
    if (v === undefined) out = ctx.session.remove(p);
    else if (typeof v === "string") out = ctx.session.setString(p, v);
    else out = ctx.session.set(p, JSON.stringify(v));
    refresh(out);
  }

  /** Takes a new report and counts (the report is skipped when it did not change), shows
   * them at the next frame, then autosaves. */
  function refresh(out: string): void {
    const changed = out !== ctx.reportText;
    if (changed) {
      ctx.reportText = out;
      ctx.report = JSON.parse(out) as CheckReport;
      messagesDirty = true;
    }
    const counts = ctx.session.counts();
    if (changed || counts !== ctx.countsText) {
      ctx.countsText = counts;
      metersDirty = true;
    }
    scheduleRender();
    ctx.drafts.scheduleSave();
    ctx.review.scheduleChanges();
  }

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
      ctx.messages.render();
    }
    if (metersDirty) {
      metersDirty = false;
      ctx.meters.render();
    }
  }

  /** Draws the whole form from the session, keeping the focus on the field it was in (or `focusPointer`). */
  function renderAll(focusPointer?: string): void {
    const { $ } = ctx;
    const active = focusPointer ?? (document.activeElement as HTMLElement | null)?.dataset?.pointer;
    ctx.indicators.closeSuggest();
    ctx.byPointer.clear();
    ctx.messages.resetShown();
    const d = ctx.doc();
    i18n.apply(ctx.root);
    if (!ctx.app) {
      const lang = $("lang");
      lang.textContent = t("language");
      // The button names the other language in that language.
      lang.setAttribute("lang", i18n.currentLocale() === "en" ? "zh-CN" : "en");
    }
    renderProfilePicker();
    const formRoot = $("form-root");
    formRoot.replaceChildren(
      ctx.fields.box("", t("location_document"), "doc-msg"),
      ctx.fields.renderBasic(d),
      ctx.fields.renderFunds(d),
      ...(get(d, "/kind") === "department" ? [ctx.fields.renderTasks(d)] : []),
      ctx.fields.renderGoals(d),
      ctx.indicators.render(d),
    );
    ctx.fields.updateTaskSum();
    ctx.reportText = "";
    ctx.countsText = "";
    refreshView();
    ctx.actions.render();
    ctx.review.renderNote();
    ctx.review.redraw();
    if (active) {
      const el = formRoot.querySelector<HTMLElement>(`[data-pointer="${CSS.escape(active)}"]`);
      el?.focus();
    }
  }

  /** Re-renders messages and meters from the session without a change. */
  function refreshView(): void {
    ctx.reportText = ctx.session.report();
    ctx.report = JSON.parse(ctx.reportText) as CheckReport;
    ctx.countsText = ctx.session.counts();
    messagesDirty = true;
    metersDirty = true;
    flushRender();
  }

  function renderProfilePicker(): void {
    const sel = ctx.$<HTMLSelectElement>("profile");
    sel.replaceChildren(...ctx.allProfiles.map((p) => h("option", { value: p.id }, `${i18n.label(p.name)} (${p.id})`)));
    sel.value = ctx.profile.id;
  }

  /** Replaces a list (or any value) as a whole, re-renders, and focuses a pointer. */
  function structural(p: string, value: unknown, focus?: string): void {
    commit(p, value);
    renderAll(focus);
  }

  /** Shows a report that did not come from a change (the server's refusal) at the next flush. */
  function showReport(report: CheckReport): void {
    ctx.report = report;
    ctx.reportText = JSON.stringify(report);
    messagesDirty = true;
    metersDirty = true;
    flushRender();
  }

  return {
    commit,
    scheduleRender,
    flushRender,
    renderAll,
    structural,
    showReport,
    /** The messages are written again at the next flush (what is shown changed, not the report). */
    markMessages: () => void (messagesDirty = true),
    /** Stops a pending frame (the form is going away). */
    cancel(): void {
      if (renderFrame !== 0) cancelAnimationFrame(renderFrame);
      renderFrame = 0;
    },
  };
}
