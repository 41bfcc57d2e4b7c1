// 打印预览 and print: the filled form as the paper 申报表 (text only, A4 landscape under
// the print style), built from the session's document when asked for — the header block,
// 资金, 年度主要任务 (部门整体) with their total, 绩效目标, and the indicator table with level 1
// and level 2 merged down their rows.
import * as i18n from "../lib/i18n";
import { h } from "../lib/dom";
import { get } from "../lib/pointer";
import type { Doc, FormContext, Indicator } from "./context";
import { formatHundredths, hundredths } from "./decimal";
import { currentList } from "./fields";
import { BASES, OPERATORS, groupOf, indicatorList } from "./indicators";

const { t } = i18n;

/** A list in pieces of `n`. */
function chunk<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

export type Print = ReturnType<typeof createPrint>;

export function createPrint(ctx: FormContext) {
  /** 打印预览: the filled form as the paper 申报表, on screen, with 打印 and 返回编辑. */
  function openPreview(): void {
    ctx.indicators.closeSuggest();
    renderPrintSheet();
    ctx.$("print-view").hidden = false;
    ctx.root.dataset.preview = "true";
    ctx.$("print-now").focus();
  }

  function closePreview(): void {
    ctx.$("print-view").hidden = true;
    delete ctx.root.dataset.preview;
    ctx.$("print-preview").focus();
  }

  /** The document as the paper 申报表 (text only; the print style shows only this). */
  function renderPrintSheet(): void {
    const d = ctx.doc();
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
    ctx.$("print-sheet").replaceChildren(...parts);
  }

  /** The indicator table of the paper form: level 1 and level 2 merged down their rows, the
   * header repeated on every page (print style), a row never split across pages. */
  function paperIndicators(d: Doc): HTMLElement {
    const list = indicatorList(d);
    const fw = ctx.profile.framework.level1;
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

  /** 打印预览's buttons, and Ctrl+P without the preview (the form as it is now). */
  function bind(): void {
    ctx.$("print-preview").addEventListener("click", openPreview);
    ctx.$("print-now").addEventListener("click", () => window.print());
    ctx.$("preview-close").addEventListener("click", closePreview);
    ctx.$("print-view").addEventListener("keydown", (e) => {
      if (e.key === "Escape") closePreview();
    });
    // Printing without the preview (Ctrl+P) prints the form as it is now.
    ctx.listen(window, "beforeprint", renderPrintSheet);
  }

  return { bind };
}
