// The page's frame around the form, built once per mount: the tools (审核规则, and the
// standalone page's language, JSON and token or the app's spreadsheets), the form's root, the
// side column (meters, summary, the review note and changes in the app, the buttons), the
// print preview and the one suggestion list shared by every indicator row. The parts find
// these elements by id (`ctx.$`).
import { h } from "../lib/dom";
import * as i18n from "../lib/i18n";
import { XLSX } from "./import-export";

const { t } = i18n;

/** The page's frame around the form: tools, the form, and the side column (meters,
 * summary, the return opinion and changes in the app, the buttons). */
export function skeleton(app: boolean): Node[] {
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
