// The department form (绩效目标申报表), mounted into an element: `mountForm(root, options)`
// builds it there and returns a handle whose `destroy()` takes it down. The standalone page
// (declare.html, `main.ts`) and the app's #/declare and #/declare/:id (Declare.vue) both
// mount it; the app passes the target to open and its own server calls (`backend.ts`).
//
// The document lives in a WASM `Session`; each change is sent to it as (JSON Pointer,
// value) and its report is shown at the fields the violations' paths name, in a summary
// list and in the tree meters. No rule is evaluated here. The DOM is written by hand and
// once per frame (the keystroke benchmark, benches/web, measures it).
//
// This file only puts one mount together: the frame (skeleton.ts), its state (context.ts)
// and the parts, each made per mount with that state —
// - view.ts: the render loop (a change to the session, the DOM once per frame, drawing anew);
// - fields.ts: the project / department fields, 资金来源, 年度主要任务 and 绩效目标;
// - indicators.ts: the indicator table, its detail rows and the name suggestions;
// - cells.ts: the table's cells, text rather than form controls (a choice is a select only
//   while focused), so that a keystroke's repaint costs what text costs at 200 rows;
// - messages.ts: the messages at the fields, the summary, the hints, what is shown when;
// - meters.ts: the tree meters (70% quantitative share, the 3/5/7 minima, …);
// - drafts.ts: the local draft (held when it cannot be loaded), the server's copy and calls;
// - actions.ts: the buttons, the status line, read-only once submitted, the confirm dialog;
// - import-export.ts: JSON in and out (standalone), the spreadsheets (app);
// - print.ts: 打印预览 and print as the paper 申报表;
// - review.ts: the return opinion and the changes since the return (app).
import "./style.css";
import "./texts";
import { devToken, setDevToken } from "../app/api";
import * as i18n from "../lib/i18n";
import { loadRules, profiles } from "../lib/rules";
import { createActions } from "./actions";
import { contextBase, type FormContext, type FormHandle, type FormOptions } from "./context";
import { createDrafts } from "./drafts";
import { createFields } from "./fields";
import { createImportExport } from "./import-export";
import { createIndicators } from "./indicators";
import { createMessages } from "./messages";
import { createMeters } from "./meters";
import { createPrint } from "./print";
import { createReview } from "./review";
import { skeleton } from "./skeleton";
import { createView } from "./view";

export type { Backend, TargetState } from "./backend";
export type { FormHandle, FormOptions, FormState } from "./context";
export { DRAFT_KEY } from "./drafts";

const { t } = i18n;

export function mountForm(root: HTMLElement, opts: FormOptions): FormHandle {
  const app = opts.mode === "app";
  root.classList.add("jx-form");
  root.dataset.mode = opts.mode;
  root.replaceChildren(...skeleton(app));
  /** Listeners on window and document, removed by destroy(). */
  const offs: (() => void)[] = [];
  // The parts are attached right below, before anything runs (each only keeps `ctx`).
  const ctx = contextBase(root, opts, offs) as FormContext;
  Object.assign(ctx, {
    view: createView(ctx),
    fields: createFields(ctx),
    indicators: createIndicators(ctx),
    messages: createMessages(ctx),
    meters: createMeters(ctx),
    drafts: createDrafts(ctx),
    actions: createActions(ctx),
    files: createImportExport(ctx),
    print: createPrint(ctx),
    review: createReview(ctx),
  });
  const { $ } = ctx;

  async function start(): Promise<void> {
    await loadRules();
    if (ctx.destroyed) return;
    ctx.allProfiles = profiles();
    const restored = ctx.drafts.open();

    $("profile").addEventListener("change", (e) => {
      const id = (e.target as HTMLSelectElement).value;
      ctx.profile = ctx.allProfiles.find((p) => p.id === id) ?? ctx.profile;
      ctx.session.setProfile(ctx.profile.id);
      ctx.view.renderAll("profile");
      ctx.drafts.saveNow();
    });
    if (!app) {
      $("lang").addEventListener("click", () => {
        const next = i18n.currentLocale() === "en" ? "zh-CN" : "en";
        i18n.setLocale(next);
        ctx.session.setLocale(next);
        ctx.view.renderAll("lang");
        ctx.drafts.renderHeldNotice();
      });
    }
    ctx.files.bind();
    if (!app) {
      const tokenInput = $<HTMLInputElement>("token");
      tokenInput.value = devToken();
      tokenInput.addEventListener("change", () => setDevToken(tokenInput.value));
    }
    ctx.print.bind();
    ctx.drafts.bind();
    $("form").addEventListener("submit", (e) => e.preventDefault());
    // A field's messages appear once the user leaves or changes it.
    const formRoot = $("form-root");
    const touchTarget = (e: Event) => {
      const p = (e.target as HTMLElement | null)?.dataset?.pointer;
      // The focus moving within one field (a choice cell handing it to its select) is not leaving it.
      if (e instanceof FocusEvent && (e.relatedTarget as HTMLElement | null)?.dataset?.pointer === p) return;
      if (p !== undefined) ctx.messages.touch(p);
    };
    formRoot.addEventListener("focusout", touchTarget);
    formRoot.addEventListener("change", touchTarget);
    ctx.indicators.bind();
    ctx.drafts.bindWindow();

    ctx.view.renderAll();
    ctx.drafts.renderHeldNotice();
    $("loading").remove();
    if (restored) ctx.actions.setStatus(t("restored_local", { time: new Date(restored).toLocaleString("zh-CN") }), "ok");
    root.dataset.ready = "true";
    if (!app) document.body.dataset.ready = "true";
    ctx.actions.emitState();
  }

  function destroy(): void {
    if (ctx.destroyed) return;
    if (ctx.session) ctx.drafts.saveNow();
    ctx.destroyed = true;
    ctx.view.cancel();
    ctx.review.cancelChanges();
    for (const off of offs) off();
    offs.length = 0;
    ctx.session?.free();
    root.replaceChildren();
    root.classList.remove("jx-form");
  }

  void start().catch((e: unknown) => {
    if (ctx.destroyed) return;
    const el = $("loading");
    if (el) el.textContent = t("load_failed", { reason: e instanceof Error ? e.message : String(e) });
    throw e;
  });

  return {
    get id() {
      return ctx.server?.id;
    },
    get unsaved() {
      return !!ctx.session && !ctx.destroyed && !ctx.drafts.locked() && ctx.drafts.unsaved();
    },
    destroy,
  };
}
