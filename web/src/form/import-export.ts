// Documents in and out of the form: 导入/导出 JSON on the standalone page (a file refused
// above its size or indicator count before anything changes, checked by a scratch session,
// and taken only after the user agrees to replace what is in the form) and, in the app,
// 从Excel导入 (the server reads the 申报表 — nothing is stored there — and its violations are
// listed with their cells, 申报表!G17) and 下载Excel (the saved target as the national form).
// An imported document shows all its messages.
import * as i18n from "../lib/i18n";
import { h, saveBlob } from "../lib/dom";
import { get } from "../lib/pointer";
import { Session } from "../lib/rules";
import { Refusal, type ImportedTarget, type LocatedViolation } from "./backend";
import { hasContent, size, type Doc, type FormContext } from "./context";
import { MAX_INDICATORS } from "./drafts";

const { t } = i18n;

/** A file above this size is refused before it is read (a target is a few tens of KB). */
const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
/** The spreadsheets' media type. */
export const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/** The server refuses an upload above this (SHEETS-API.md); refused here before sending. */
const MAX_XLSX_BYTES = 10 * 1024 * 1024;

export type ImportExport = ReturnType<typeof createImportExport>;

export function createImportExport(ctx: FormContext) {
  function exportJson(): void {
    const d = ctx.doc();
    const code = (get(d, "/project/code") as string | undefined) ?? "target";
    const year = String(get(d, "/fiscal_year") ?? "");
    const blob = new Blob([JSON.stringify(d, null, 2) + "\n"], { type: "application/json" });
    saveBlob(blob, `${code}${year ? "-" + year : ""}.json`.replace(/[\\/:*?"<>|\s]+/g, "_"));
  }

  /** Imports a document: refused above the size limit before it is read, checked by a
   * scratch session before anything changes, and, when the form has content, only after
   * the user confirms. An imported document shows all its messages. */
  async function importJson(file: File): Promise<void> {
    if (file.size > MAX_IMPORT_BYTES) {
      ctx.actions.setStatus(t("import_too_large", { name: file.name, size: size(file.size), max: size(MAX_IMPORT_BYTES) }), "error");
      return;
    }
    const text = await file.text();
    try {
      const body = JSON.parse(text) as unknown;
      const list = body && typeof body === "object" ? (body as Doc).indicators : undefined;
      if (Array.isArray(list) && list.length > MAX_INDICATORS) {
        ctx.actions.setStatus(t("import_too_many", { n: list.length, max: MAX_INDICATORS }), "error");
        return;
      }
      const probe = new Session(ctx.profile.id, i18n.currentLocale());
      try {
        probe.load(text);
      } finally {
        probe.free();
      }
    } catch (e) {
      ctx.actions.setStatus(t("import_failed", { reason: e instanceof Error ? e.message : String(e) }), "error");
      return;
    }
    if (hasContent(ctx.doc()) && !(await ctx.actions.ask(t("confirm_import", { name: file.name }), t("import_continue"), t("cancel")))) {
      ctx.actions.setStatus(t("import_cancelled"));
      return;
    }
    try {
      ctx.session.load(text);
      ctx.server = undefined;
      ctx.messages.restore([], true);
      ctx.indicators.resetDetails();
      ctx.view.renderAll();
      ctx.drafts.saveNow();
      ctx.actions.setStatus("");
    } catch (e) {
      ctx.actions.setStatus(t("import_failed", { reason: e instanceof Error ? e.message : String(e) }), "error");
    }
  }

  // ---------------------------------------------------------------- spreadsheets (app)

  /** 从Excel导入: the server reads the 申报表 (nothing is stored there); its document goes into
   * the form — a new draft, or the content of the target open here — after the user agrees
   * to replace what is in the form, and its violations are listed with their cells. */
  async function importXlsx(file: File): Promise<void> {
    if (!ctx.backend.importXlsx || ctx.busy || ctx.drafts.locked()) return;
    if (file.size > MAX_XLSX_BYTES) {
      ctx.actions.setStatus(t("xlsx_too_large", { name: file.name, size: size(file.size), max: size(MAX_XLSX_BYTES) }), "error");
      return;
    }
    let got: ImportedTarget;
    ctx.actions.setBusy(true);
    ctx.actions.setStatus(t("xlsx_reading", { name: file.name }));
    try {
      got = await ctx.backend.importXlsx(file, ctx.profile.id, i18n.currentLocale());
    } catch (e) {
      if (!ctx.destroyed) ctx.actions.setStatus(xlsxRefusal(e, file.name), "error");
      return;
    } finally {
      if (!ctx.destroyed) ctx.actions.setBusy(false);
    }
    if (ctx.destroyed) return;
    const body = got.document && typeof got.document === "object" && !Array.isArray(got.document) ? (got.document as Doc) : {};
    const list = body.indicators;
    if (Array.isArray(list) && list.length > MAX_INDICATORS) {
      ctx.actions.setStatus(t("import_too_many", { n: list.length, max: MAX_INDICATORS }), "error");
      return;
    }
    // What the session put in a new draft (the department) is not the user's content.
    const typed = ctx.doc();
    delete typed.department;
    if (hasContent(typed) && !(await ctx.actions.ask(t(ctx.server ? "confirm_xlsx_target" : "confirm_xlsx", { name: file.name }), t("import_continue"), t("cancel")))) {
      ctx.actions.setStatus(t("import_cancelled"));
      return;
    }
    if (ctx.destroyed) return;
    try {
      ctx.session.load(JSON.stringify(body));
    } catch (e) {
      ctx.actions.setStatus(t("import_failed", { reason: e instanceof Error ? e.message : String(e) }), "error");
      return;
    }
    // The department is the signed-in user's, whatever the file says.
    ctx.drafts.applyDepartment();
    ctx.messages.restore([], true);
    ctx.indicators.resetDetails();
    ctx.view.renderAll();
    ctx.drafts.saveNow();
    ctx.actions.emitState();
    renderImportReport(file.name, got);
    ctx.actions.setStatus(t(ctx.server ? "xlsx_loaded_target" : "xlsx_loaded", { name: file.name }), "ok");
    ctx.$("import-report").focus();
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
        return ctx.drafts.problemText(e);
    }
  }

  /** What the import read: the file and sheet, and each violation with its cell in the file
   * (申报表!G17) beside the message, its field a click away. */
  function renderImportReport(name: string, got: ImportedTarget): void {
    const box = ctx.$("import-report");
    const violations: LocatedViolation[] = Array.isArray(got.violations) ? got.violations : [];
    const errors = violations.filter((v) => v.severity === "error").length;
    const items = violations.map((v) => {
      const f = ctx.messages.fieldFor(v.path);
      const b = h("button", { type: "button", class: `jump ${v.severity}`, "data-code": v.code, "data-path": v.path }, h("span", { class: "where" }, ctx.messages.placeName(v.path, f)), " ", v.message);
      // The form may have been rendered again since: the field is looked up on the click.
      b.addEventListener("click", () => ctx.messages.jumpTo(ctx.messages.fieldFor(v.path)));
      const fix = ctx.messages.hintOf(v);
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
      ctx.$("import-xlsx-btn").focus();
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
    if (!ctx.backend.downloadXlsx || !ctx.server) return;
    const changed = ctx.drafts.unsaved();
    try {
      const f = await ctx.backend.downloadXlsx(ctx.server.id, i18n.currentLocale());
      if (ctx.destroyed) return;
      saveBlob(f.blob, f.filename);
      ctx.actions.setStatus(t(changed ? "xlsx_downloaded_unsaved" : "xlsx_downloaded", { name: f.filename }), "ok");
    } catch (e) {
      if (!ctx.destroyed) ctx.drafts.refusedStatus(e);
    }
  }

  /** A button that opens its hidden file input; the chosen file goes to `read`, and the input
   *  is cleared so the same file can be chosen again. */
  function picker(buttonId: string, inputId: string, read: (f: File) => Promise<void>): void {
    const input = ctx.$<HTMLInputElement>(inputId);
    ctx.$(buttonId).addEventListener("click", () => input.click());
    input.addEventListener("change", () => {
      const f = input.files?.[0];
      if (f) void read(f);
      input.value = "";
    });
  }

  /** The tools' buttons: 导入/导出 JSON (standalone), 从Excel导入 and 下载Excel (app). */
  function bind(): void {
    if (!ctx.app) {
      ctx.$("export").addEventListener("click", exportJson);
      picker("import-btn", "import", importJson);
      return;
    }
    picker("import-xlsx-btn", "import-xlsx", importXlsx);
    ctx.$("export-xlsx").addEventListener("click", () => void downloadXlsx());
  }

  return { bind };
}
