// The form's copies of the document: the local draft in localStorage after every change
// (the standalone page's one draft; in the app a copy per target and user until the server
// has it) — a copy that is too large, has more indicators than the form renders, or cannot
// be read is held: not loaded, never overwritten, downloaded or discarded only when the user
// says so — and the server's: 保存草稿 (POST, then PUT with If-Match), 提交审核 (unsaved
// changes saved first, then POST …/submit with If-Match: the server re-checks, its 422
// violations are shown where the live ones are), 申请调整 and reading a target again after a
// 412 (app). Opening the form takes the one or the other.
import * as i18n from "../lib/i18n";
import { h, saveBlob, whenIdle } from "../lib/dom";
import { get } from "../lib/pointer";
import { Session } from "../lib/rules";
import { Refusal, type Stored, type TargetState } from "./backend";
import { hasContent, size, type Doc, type FormContext, type ServerCopy } from "./context";

const { t } = i18n;

/** The standalone page's draft in localStorage (the benchmarks and tests seed it). */
export const DRAFT_KEY = "jixiao.form.draft.v1";
/** The document of a blank form. */
export const BLANK = JSON.stringify({ kind: "project", indicators: [] });
/** A local draft above this size (in characters) is not loaded by itself: parsing and
 * rendering it could freeze the page. */
const MAX_DRAFT_CHARS = 2 * 1024 * 1024;
/** The most indicators the form renders (the benchmarks measure 200); a draft or file
 * with more is not loaded. */
export const MAX_INDICATORS = 500;

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

export type Drafts = ReturnType<typeof createDrafts>;

export function createDrafts(ctx: FormContext) {
  /** Cancels the pending save, while one is pending. */
  let cancelSave: (() => void) | undefined;
  // ---------------------------------------------------------------- the local copy

  /** The local draft that was not loaded (too large, too many indicators, unreadable). While
   * it is held the form does not write the draft key, so it is never overwritten or deleted
   * without the user's word: they download it or discard it. */
  let heldDraft: HeldDraft | undefined;
  /** Changes were made while a held draft kept them from being saved locally. */
  let unsavedWhileHeld = false;
  const keyFor = (id: string | undefined) => (ctx.app && ctx.opts.storageKey ? ctx.opts.storageKey(id) : DRAFT_KEY);
  /** Where the local copy is kept now (in the app it moves from the new draft's key to the
   * target's once the server has given it an id). */
  let draftKey = keyFor(ctx.opts.target?.id);
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
    ctx.indicators.resetDetails();
    const kept: string[] = [];
    for (const p of d?.touched ?? []) if (typeof p === "string") kept.push(p);
    ctx.messages.restore(kept, d ? d.revealed === true || (!Array.isArray(d.touched) && hasContent(ctx.doc())) : false);
  }

  /** Says how the local copy was saved. Written only when the words change: a save follows
   * each keystroke, and the same text set again still lays out and paints the side column
   * once more. */
  function saveStatus(text: string): void {
    const el = ctx.$("save-status");
    if (el.textContent !== text) el.textContent = text;
  }

  function saveNow(): void {
    cancelSave?.();
    cancelSave = undefined;
    if (heldDraft) {
      saveStatus(t("held_not_saving"));
      return;
    }
    if (ctx.destroyed) return;
    try {
      // In the app a copy the server has in full is not kept (the server's is the one).
      if (ctx.app && ctx.server && !unsaved()) {
        localStorage.removeItem(draftKey);
        saveStatus("");
        return;
      }
      const d: Draft = {
        profile: ctx.profile.id,
        document: ctx.session.document(),
        savedAt: new Date().toISOString(),
        server: ctx.server,
        touched: ctx.messages.touched(),
        revealed: ctx.messages.revealed() || undefined,
      };
      localStorage.setItem(draftKey, JSON.stringify(d));
      saveStatus(t(ctx.app ? "saved_local_app" : "saved_local", { time: new Date().toLocaleTimeString() }));
    } catch {
      saveStatus(t("save_local_failed"));
    }
  }

  /** Saves once the browser is idle after painting the new state (within 300 ms at the latest),
   * and always when the page is hidden or goes away, so a keystroke never waits for storage. */
  function scheduleSave(): void {
    if (heldDraft) unsavedWhileHeld = true;
    if (cancelSave !== undefined) return;
    cancelSave = whenIdle(saveNow, 300, 50);
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
    ctx.$("form-root").before(notice);
  }

  /** Downloads the held draft exactly as stored. */
  function downloadHeldDraft(): void {
    const raw = localStorage.getItem(heldKey);
    if (raw === null) return;
    const stamp = new Date().toISOString().slice(0, 16).replace(/[-:T]/g, "");
    saveBlob(new Blob([raw], { type: "application/json" }), `jixiao-draft-${stamp}.json`);
  }

  /** Discards the held draft once the user confirms; the form's own draft is saved from then on. */
  async function discardHeldDraft(): Promise<void> {
    if (!(await ctx.actions.ask(t("held_confirm_discard"), t("held_discard"), t("cancel")))) return;
    try {
      localStorage.removeItem(heldKey);
    } catch {
      /* storage disabled: nothing was stored either */
    }
    heldDraft = undefined;
    renderHeldNotice();
    saveNow();
    unsavedWhileHeld = false;
    ctx.$("save").focus();
  }

  // ---------------------------------------------------------------- the server

  /** A refused request as a sentence (the server's details are in the requested locale). */
  function problemText(e: unknown): string {
    if (!(e instanceof Refusal)) throw e;
    const detail = e.detail || String(e.status);
    switch (e.status) {
      case 0:
        return t(ctx.app ? "offline_app" : "offline");
      case 401:
        return t(ctx.app ? "unauthorized_app" : "unauthorized");
      case 403:
        return t("forbidden", { detail });
      case 409:
        return t(ctx.app ? "wrong_state_app" : "wrong_state", { detail });
      case 412:
        return t(ctx.app ? "conflict_app" : "conflict");
      default:
        return t("server_error", { status: e.status, detail });
    }
  }

  /** Shows a refusal; in the app a 412 also offers to read the target again. */
  function refusedStatus(e: unknown): void {
    ctx.actions.setStatus(problemText(e), "error");
    if (ctx.app && e instanceof Refusal && e.status === 412 && ctx.server && ctx.backend.load) {
      const b = h("button", { type: "button", id: "reload" }, t("reload"));
      b.addEventListener("click", () => void reload());
      ctx.$("submit-status").append(" ", b);
    }
  }

  /** Writes the document to the server: PUT with If-Match when it is there, else POST. */
  async function writeDraft(): Promise<boolean> {
    const text = ctx.session.document();
    const d = JSON.parse(text) as Doc;
    const locale = i18n.currentLocale();
    try {
      const stored: Stored = ctx.server ? await ctx.backend.update(ctx.server.id, ctx.server.etag, d, ctx.profile.id, locale) : await ctx.backend.create(d, ctx.profile.id, locale);
      if (ctx.destroyed) return false;
      const created = !ctx.server;
      ctx.server = { id: stored.id, etag: stored.etag, status: stored.status || "draft", document: text, profile: ctx.profile.id };
      if (created && ctx.app) {
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
        ctx.opts.onCreated?.(stored.id);
      }
      saveNow();
      ctx.actions.emitState();
      return true;
    } catch (e) {
      if (ctx.destroyed) return false;
      refusedStatus(e);
      return false;
    }
  }

  /** 保存草稿: saves on the server without submitting. */
  async function saveDraft(): Promise<void> {
    if (ctx.busy || locked()) return;
    ctx.actions.setBusy(true);
    ctx.actions.setStatus(t("saving"));
    try {
      if (await writeDraft()) {
        ctx.actions.setStatus(ctx.app ? t("saved_server_app", { time: new Date().toLocaleTimeString("zh-CN") }) : t("saved_server", { id: ctx.server?.id ?? "" }), "ok");
        if (ctx.app) ctx.review.renderChanges();
      }
    } finally {
      if (!ctx.destroyed) ctx.actions.setBusy(false);
    }
  }

  /** 提交审核: saves unsaved changes, then submits with If-Match and shows the outcome. */
  async function submitForReview(): Promise<void> {
    if (ctx.busy || locked()) return;
    ctx.actions.setBusy(true);
    ctx.actions.setStatus(t("submitting"));
    try {
      if (unsaved() && !(await writeDraft())) return;
      if (!ctx.server) return;
      try {
        const out = await ctx.backend.submit(ctx.server.id, ctx.server.etag, i18n.currentLocale());
        if (ctx.destroyed) return;
        ctx.server = { ...ctx.server, etag: out.etag || ctx.server.etag, status: out.status || "submitted" };
        saveNow();
        ctx.actions.setStatus(ctx.app ? t("submitted_app") : t("submitted", { id: ctx.server.id }), "ok");
        ctx.actions.render();
        ctx.review.renderNote();
        ctx.actions.emitState();
        // The buttons are disabled now: keep the focus on the note that says why.
        ctx.$("locked-note")?.focus();
      } catch (e) {
        if (ctx.destroyed) return;
        if (e instanceof Refusal && e.status === 422 && e.violations) {
          ctx.messages.showServerViolations(e.violations);
          const errors = e.violations.filter((v) => v.severity === "error").length;
          ctx.actions.setStatus(t("refused", { e: errors, w: e.violations.length - errors }), "error");
          ctx.$("summary").focus();
        } else {
          refusedStatus(e);
        }
      }
    } finally {
      if (!ctx.destroyed) ctx.actions.setBusy(false);
    }
  }

  /** 申请调整 (app): a new version of the approved target, opened here as a draft. */
  async function startAdjustment(): Promise<void> {
    if (ctx.busy || !ctx.server || ctx.server.status !== "approved" || !ctx.backend.adjust || !ctx.backend.load) return;
    const v = ctx.meta.revision ?? 1;
    if (!(await ctx.actions.ask(t("adjust_confirm", { v, n: v + 1 }), t("adjust_continue"), t("cancel")))) return;
    ctx.actions.setBusy(true);
    ctx.actions.setStatus(t("adjusting"));
    try {
      await ctx.backend.adjust(ctx.server.id, ctx.server.etag);
      const next = await ctx.backend.load(ctx.server.id);
      if (ctx.destroyed) return;
      openApp(next, undefined);
      ctx.view.renderAll();
      ctx.actions.setStatus(t("adjusted", { n: next.revision, v: next.inForceRevision ?? v }), "ok");
      ctx.actions.emitState();
      ctx.$("form-root").querySelector<HTMLElement>("input:not([readonly]), select, textarea")?.focus();
    } catch (e) {
      if (!ctx.destroyed) refusedStatus(e);
    } finally {
      if (!ctx.destroyed) ctx.actions.setBusy(false);
    }
  }

  /** Reads the target again from the server (after a 412), once the user agrees to drop
   * the changes it does not have. */
  async function reload(): Promise<void> {
    if (ctx.busy || !ctx.server || !ctx.backend.load) return;
    if (unsaved() && !(await ctx.actions.ask(t("reload_confirm"), t("reload"), t("cancel")))) return;
    ctx.actions.setBusy(true);
    try {
      const next = await ctx.backend.load(ctx.server.id);
      if (ctx.destroyed) return;
      openApp(next, undefined);
      ctx.view.renderAll();
      saveNow();
      ctx.actions.setStatus(t("reloaded"), "ok");
      ctx.actions.emitState();
    } catch (e) {
      if (!ctx.destroyed) refusedStatus(e);
    } finally {
      if (!ctx.destroyed) ctx.actions.setBusy(false);
    }
  }

  // ---------------------------------------------------------------- opening

  /** The standalone page: its one local draft (with the server copy it was last written to). */
  function openStandalone(draft: Draft | undefined): void {
    ctx.profile = ctx.allProfiles.find((p) => p.id === draft?.profile) ?? ctx.allProfiles[0];
    ctx.session = new Session(ctx.profile.id, i18n.currentLocale());
    ctx.server = draft?.server;
    try {
      ctx.session.load(draft?.document ?? BLANK);
      restoreShown(draft);
    } catch {
      // The session refused it: held like an unreadable draft (kept, never overwritten).
      ctx.session.load(BLANK);
      ctx.server = undefined;
      restoreShown(undefined);
      heldDraft = { reason: "corrupt", chars: 0 };
    }
  }

  /** The app: a stored target (with this user's unsaved local changes to that very
   * version, if any), or a new draft (its local copy, the department from the session).
   * Returns the time of the local changes taken over, if any. */
  function openApp(target: TargetState | undefined, local: Draft | undefined): string | undefined {
    const want = target?.profile ?? local?.profile;
    ctx.profile = ctx.allProfiles.find((p) => p.id === want) ?? ctx.allProfiles[0];
    if (ctx.session) ctx.session.setProfile(ctx.profile.id);
    else ctx.session = new Session(ctx.profile.id, i18n.currentLocale());
    let restored: string | undefined;
    if (target) {
      ctx.session.load(JSON.stringify(target.document ?? {}));
      const text = ctx.session.document();
      ctx.server = { id: target.id, etag: target.etag, status: target.status, document: text, profile: target.profile };
      ctx.meta = { revision: target.revision, adjustment: target.adjustment, inForceRevision: target.inForceRevision, lastReturn: target.lastReturn };
      const returned = target.status === "returned";
      ctx.review.open(returned ? target.returned : undefined, returned ? target.changes?.changes : undefined);
      const editable = target.status === "draft" || target.status === "returned";
      const mine = local && local.server?.id === target.id && local.server.etag === target.etag;
      if (editable && mine && local.document !== text) {
        try {
          if (local.profile !== ctx.profile.id) {
            ctx.profile = ctx.allProfiles.find((p) => p.id === local.profile) ?? ctx.profile;
            ctx.session.setProfile(ctx.profile.id);
          }
          ctx.session.load(local.document);
          restored = local.savedAt;
        } catch {
          ctx.session.load(text);
        }
      }
      if (mine) restoreShown(local);
      else {
        ctx.messages.restore([], hasContent(ctx.doc()));
        ctx.indicators.resetDetails();
      }
    } else {
      ctx.server = undefined;
      ctx.meta = {};
      ctx.review.open(undefined, undefined);
      try {
        ctx.session.load(local?.document ?? BLANK);
        restoreShown(local);
      } catch {
        ctx.session.load(BLANK);
        restoreShown(undefined);
        heldDraft = { reason: "corrupt", chars: 0 };
      }
      applyDepartment();
    }
    return restored;
  }

  /** A new draft in the app: the signed-in user's department, whatever was typed before. */
  function applyDepartment(): void {
    const dep = ctx.opts.department;
    if (!dep) return;
    const d = ctx.doc();
    if (get(d, "/department/code") !== dep.code) ctx.session.setString("/department/code", dep.code);
    if (dep.name && get(d, "/department/name") !== dep.name) ctx.session.setString("/department/name", dep.name);
  }

  // ---------------------------------------------------------------- state

  /** A submitted (or approved) target is no longer edited here: the form is read-only. */
  function locked(): boolean {
    return ctx.server?.status === "submitted" || ctx.server?.status === "approved";
  }

  /** Whether the server lacks the current document (never saved, or changed since). */
  function unsaved(): boolean {
    return !ctx.server || ctx.server.document !== ctx.session.document() || ctx.server.profile !== ctx.profile.id;
  }

  /** Opens the form once the rules are loaded: the local draft (held when it cannot be
   * loaded) and, in the app, the target passed in. Returns the time of the local changes
   * taken over, if any. */
  function open(): string | undefined {
    const stored = readDraft();
    heldDraft = stored.held;
    heldKey = draftKey;
    if (ctx.app) return openApp(ctx.opts.target, stored.draft);
    openStandalone(stored.draft);
    return undefined;
  }

  /** 新建空白表 / 清空重填, 保存草稿, 提交审核, and saving when the page is hidden or goes away. */
  function bind(): void {
    ctx.$("new").addEventListener("click", () => {
      void (async () => {
        if (ctx.app && ctx.server) return;
        const question = ctx.app ? t("confirm_new_app") : t("confirmNew");
        if ((hasContent(ctx.doc()) || ctx.server) && !(await ctx.actions.ask(question, ctx.app ? t("new_app") : t("new_continue"), t("cancel")))) return;
        ctx.session.load(BLANK);
        ctx.server = undefined;
        restoreShown(undefined);
        ctx.$("import-report").hidden = true;
        ctx.$("import-report").replaceChildren();
        if (ctx.app) applyDepartment();
        ctx.view.renderAll();
        saveNow();
      })();
    });
    ctx.$("save").addEventListener("click", () => {
      ctx.messages.showAll();
      void saveDraft();
    });
    ctx.$("submit").addEventListener("click", () => {
      ctx.messages.showAll();
      void submitForReview();
    });
  }

  /** The window's listeners: save when the page goes away or is hidden; ask before leaving
   * changes that are nowhere else. */
  function bindWindow(): void {
    ctx.listen(window, "pagehide", saveNow);
    // While a held draft keeps changes from being saved locally, leaving asks first; in the
    // app, so do changes the server does not have (the local copy keeps them too).
    ctx.listen(window, "beforeunload", (ev) => {
      if ((heldDraft && unsavedWhileHeld) || (ctx.app && ctx.server && !locked() && unsaved())) ev.preventDefault();
    });
    ctx.listen(document, "visibilitychange", () => document.visibilityState === "hidden" && saveNow());
  }

  return {
    open,
    bind,
    bindWindow,
    locked,
    unsaved,
    saveNow,
    scheduleSave,
    restoreShown,
    renderHeldNotice,
    applyDepartment,
    problemText,
    refusedStatus,
    startAdjustment,
  };
}
