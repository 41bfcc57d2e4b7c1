// The side column's buttons and what they say: 保存草稿 and 提交审核 (重新提交 once
// returned, 申请调整 once approved, in the app), the status line under them, the target's
// state, the read-only form of a submitted or approved target, the busy state while a
// request runs, the confirm dialog (in the page's language), and the target's state told to
// the page around the form.
import * as i18n from "../lib/i18n";
import { h } from "../lib/dom";
import { lockCell } from "./cells";
import type { FormContext } from "./context";

const { t } = i18n;

export type Actions = ReturnType<typeof createActions>;

export function createActions(ctx: FormContext) {
  /** Shows what became of a request; `tone` colours it (a refusal, a success). */
  function setStatus(text: string, tone?: "error" | "ok"): void {
    const el = ctx.$("submit-status");
    el.textContent = text;
    if (tone) el.dataset.tone = tone;
    else delete el.dataset.tone;
  }

  function statusLabel(status: string): string {
    const label = t(`status_${status}`);
    return label === `status_${status}` ? status : label;
  }

  /** The app's button that starts an adjustment of an approved target. */
  let adjustButton: HTMLButtonElement | undefined;

  /** Shows the buttons' state, the server copy's status, and makes the form read-only once
   * the target is submitted or approved. */
  function render(): void {
    const lock = ctx.drafts.locked();
    const status = ctx.server?.status ?? "draft";
    const submit = ctx.$<HTMLButtonElement>("submit");
    const label = ctx.app && status === "returned" ? "resubmit" : "submit";
    if (submit.dataset.i18n !== label) {
      submit.dataset.i18n = label;
      submit.textContent = t(label);
    }
    // While a request runs the buttons ignore clicks but keep focus (a disabled button drops it).
    for (const id of ["save", "submit"]) {
      const b = ctx.$<HTMLButtonElement>(id);
      b.disabled = lock;
      b.hidden = ctx.app && status === "approved";
      if (ctx.busy) b.setAttribute("aria-disabled", "true");
      else b.removeAttribute("aria-disabled");
    }
    if (ctx.app && ctx.backend.adjust) {
      if (status === "approved" && !adjustButton) {
        adjustButton = h("button", { type: "button", id: "adjust", class: "primary" }, t("adjust"));
        adjustButton.addEventListener("click", () => void ctx.drafts.startAdjustment());
        ctx.$("submit").after(adjustButton);
      }
      if (adjustButton) {
        adjustButton.hidden = status !== "approved";
        if (ctx.busy) adjustButton.setAttribute("aria-disabled", "true");
        else adjustButton.removeAttribute("aria-disabled");
      }
    }
    ctx.$("submit-hint").hidden = lock;
    if (ctx.app) {
      ctx.$("new").hidden = !!ctx.server;
      ctx.$("import-xlsx-btn").hidden = lock || !ctx.backend.importXlsx;
      ctx.$("export-xlsx").hidden = !ctx.server || !ctx.backend.downloadXlsx;
    }
    ctx.$("submit-box").setAttribute("aria-busy", String(ctx.busy));
    ctx.$<HTMLSelectElement>("profile").disabled = lock;
    ctx.root.dataset.locked = String(lock);
    if (!ctx.app) document.body.dataset.locked = String(lock);
    if (lock) {
      // The controls stay focusable and readable; nothing can be changed.
      const formRoot = ctx.$("form-root");
      lockControls(formRoot);
    }
    const state = ctx.$("target-state");
    state.hidden = !ctx.server;
    if (!ctx.server) return state.replaceChildren();
    const children: Node[] = [
      h(
        "p",
        { class: "hint" },
        ctx.app
          ? t(ctx.meta.revision ? "app_state" : "app_state_new", { status: statusLabel(status), rev: ctx.meta.revision ?? 1 })
          : t("server_state", { id: ctx.server.id, status: statusLabel(status) }),
      ),
    ];
    // The department's view of the target in the app (its review record).
    const link = h("a", { href: `./#/mine/${encodeURIComponent(ctx.server.id)}` }, t("locked_link"));
    if (status === "submitted") {
      children.push(h("p", { id: "locked-note", class: "locked", tabindex: "-1" }, t(ctx.app ? "locked_app" : "locked"), " ", link, ctx.app ? "。" : t("locked_new")));
    } else if (status === "approved") {
      children.push(h("p", { id: "locked-note", class: "locked", tabindex: "-1" }, t(ctx.app ? "approved_app" : "locked"), ctx.app ? "" : " ", ctx.app ? "" : link, ctx.app ? "" : t("locked_new")));
    }
    state.replaceChildren(...children);
  }

  /** Makes the controls under `el` read-only (still focusable and readable), the table's
   * cells too (a text cell stays focusable, a choice cell no longer opens its select). */
  function lockControls(el: HTMLElement): void {
    el.querySelectorAll<HTMLElement>(".cell").forEach(lockCell);
    el.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input, textarea").forEach((c) => {
      if (c instanceof HTMLInputElement && c.type === "checkbox") c.disabled = true;
      else c.readOnly = true;
    });
    // The detail toggles stay usable: they only show more of a read-only row.
    el.querySelectorAll<HTMLSelectElement | HTMLButtonElement>("select, button:not([data-action=detail])").forEach((c) => (c.disabled = true));
  }

  function setBusy(b: boolean): void {
    ctx.busy = b;
    render();
  }

  /** Tells the page around the form what the target is now. */
  function emitState(): void {
    ctx.opts.onState?.({ id: ctx.server?.id, status: ctx.server?.status ?? "draft", revision: ctx.meta.revision, adjustment: ctx.meta.adjustment, inForceRevision: ctx.meta.inForceRevision });
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
      ctx.root.append(dlg);
      dlg.showModal();
      cancel.focus();
    });
  }

  return { setStatus, render, lockControls, setBusy, emitState, ask };
}
