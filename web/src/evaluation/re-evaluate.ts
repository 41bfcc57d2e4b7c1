// The re-evaluation form (复评, FORMATS §4.1) of a filed self-evaluation, shared by finance's
// results page and the third-party assessor's page: it starts from the department's own
// document and adds, per row (and for the budget execution), an override score with its
// reason. Every change is scored at once by the WASM `score` — the same code the server runs
// — which gives each row's formula score beside the override, the messages at the fields
// (EVAL_OVERRIDE_REASON_REQUIRED, EVAL_OVERRIDE_OUT_OF_RANGE) and the new total and grade.
// 提交复评 sends `{evaluation, reason}` to POST /evaluations/{id}/re-evaluations; the
// server's 422 violations are shown at the same rows.

import { FieldMessages } from "../lib/fields";
import { register } from "../lib/i18n";
import { pointer as ptr } from "../lib/pointer";
import { ApiError, currentLocale, fill, h, problemDetails, request, t } from "../review/common";
import { gradeBadge, obj, score, str, targetIndicators } from "./common";
import type { Evaluation, ScoreResult, Violation } from "./common";

register(
  {
    "reform.title": "填写复评",
    "reform.hint": "以单位自评表为基础。需要调整某一行的得分时，填写复评得分和调整理由；不填的行按公式计分。",
    "reform.item": "项目",
    "reform.points": "分值",
    "reform.dept": "单位自评得分",
    "reform.formula": "公式得分",
    "reform.override": "复评得分",
    "reform.why": "调整理由",
    "reform.result": "复评后得分",
    "reform.overridden": "人工认定",
    "reform.execution": "预算执行",
    "reform.total": "合计",
    "reform.total_line": "复评总分：{total} · 评价等级：{grade}（单位自评 {dept}）",
    "reform.errors": "错误 {e} 个",
    "reform.reason": "复评意见",
    "reform.submit": "提交复评",
    "reform.done": "复评已提交：{total} 分",
    "reform.blocked": "复评仍有 {n} 个错误，未提交",
    "reform.not_filed": "只能复评已备案的自评表",
    "reform.unavailable": "无法在浏览器中计算复评得分（{detail}）",
  },
  {
    "reform.title": "Record a re-evaluation",
    "reform.hint": "Starts from the department's self-evaluation. To change a row's score, enter the re-evaluated score and the reason; other rows keep their formula score.",
    "reform.item": "Item",
    "reform.points": "Points",
    "reform.dept": "Department's score",
    "reform.formula": "Formula score",
    "reform.override": "Re-evaluated score",
    "reform.why": "Reason for the change",
    "reform.result": "Score after re-evaluation",
    "reform.overridden": "judged",
    "reform.execution": "Budget execution",
    "reform.total": "Total",
    "reform.total_line": "Re-evaluated total: {total} · grade: {grade} (department: {dept})",
    "reform.errors": "{e} error(s)",
    "reform.reason": "Re-evaluation opinion",
    "reform.submit": "Submit the re-evaluation",
    "reform.done": "Re-evaluation recorded: {total}",
    "reform.blocked": "{n} error(s) remain; the re-evaluation was not recorded",
    "reform.not_filed": "Only a filed self-evaluation can be re-evaluated",
    "reform.unavailable": "The re-evaluation cannot be scored in the browser ({detail})",
  },
);

type Doc = Record<string, unknown>;

/** The department's document without any override (the re-evaluation starts from it). */
function startingDocument(e: Evaluation): Doc {
  const d = structuredClone(e.document) as Doc;
  const ex = obj(d.execution);
  delete ex.override;
  d.execution = ex;
  d.results = (Array.isArray(d.results) ? d.results : []).map((r) => {
    const row = { ...obj(r) };
    delete row.override;
    return row;
  });
  return d;
}

/** Options of the re-evaluation form. */
export interface ReEvaluationOptions {
  /** Called with the evaluation the server answers after a recorded re-evaluation. */
  onDone: (updated: Evaluation) => void | Promise<void>;
}

/** The 复评 form of a filed self-evaluation, scored live under `profileId`. */
export function reEvaluationForm(e: Evaluation, profileId: string, opts: ReEvaluationOptions): HTMLElement {
  const doc = startingDocument(e);
  const fields = new FieldMessages();
  const dept = e.result;
  const inds = targetIndicators(e.target);
  const rows = (doc.results as unknown[]).map(obj);

  interface Line {
    key: string;
    base: string; // pointer of the row in the document
    formula: HTMLElement;
    result: HTMLElement;
    tr: HTMLElement;
  }
  const lines: Line[] = [];

  const general = h("ul", { class: "msg", id: "re-general" });
  const generalWrap = h("div", { class: "group-msg" }, general);
  const totalLine = h("p", { id: "re-total", "data-total": "" });
  const status = h("p", { id: "re-status", role: "status", class: "error-text" });

  const setOverride = (base: string, scoreValue: string, reason: string) => {
    const target = base === "/execution" ? obj(doc.execution) : rows[Number(base.split("/")[2])];
    if (scoreValue.trim() === "" && reason.trim() === "") delete target.override;
    else target.override = { score: scoreValue.trim(), reason };
    if (base === "/execution") doc.execution = target;
  };

  const input = (id: string, p: string, label: string, cls: string, kind: "input" | "textarea") => {
    const el = kind === "input" ? (h("input", { id, type: "text", inputmode: "decimal", autocomplete: "off", class: cls, "data-pointer": p, "aria-label": label, "aria-describedby": `${id}-msg` }) as HTMLInputElement) : (h("textarea", { id, rows: "1", class: cls, "data-pointer": p, "aria-label": label, "aria-describedby": `${id}-msg` }) as HTMLTextAreaElement);
    const msg = h("ul", { class: "msg", id: `${id}-msg` });
    const wrap = h("div", { class: "field" }, el, msg);
    fields.set(p, { wrap, msg, control: el });
    return { el, wrap };
  };

  const line = (key: string, n: string, label: string, points: string, deptScore: string | null | undefined, base: string) => {
    const s = input(`re-score-${n}`, `${base}/override/score`, `${label} ${t("reform.override")}`, "override-score", "input");
    const w = input(`re-why-${n}`, `${base}/override/reason`, `${label} ${t("reform.why")}`, "override-reason", "textarea");
    const change = () => {
      status.textContent = "";
      setOverride(base, s.el.value, w.el.value);
      recheck();
    };
    s.el.addEventListener("input", change);
    w.el.addEventListener("input", change);
    const formula = h("td", { class: "num", "data-col": "formula" });
    const result = h("td", { class: "num", "data-col": "result" });
    const tr = h(
      "tr",
      { "data-row": key },
      h("th", { scope: "row" }, label, fields.box(`${base}/override`), fields.box(base)),
      h("td", { class: "num" }, points),
      h("td", { class: "num", "data-col": "dept" }, deptScore ?? t("eval.none")),
      formula,
      h("td", { "data-col": "override" }, s.wrap),
      h("td", { "data-col": "why" }, w.wrap),
      result,
    );
    lines.push({ key, base, formula, result, tr });
    return tr;
  };

  const body: HTMLElement[] = [line("execution", "x", t("reform.execution"), dept?.execution.points ?? "", dept?.execution.score, "/execution")];
  inds.forEach((ind, n) => {
    const id = str(ind.id);
    const k = rows.findIndex((r) => str(r.indicator_id) === id);
    if (k < 0) return; // no row: nothing to override (§4.1)
    body.push(line(id, String(n), str(ind.name), str(ind.points), dept?.indicators[n]?.score, ptr("results", k)));
  });

  const reason = h("textarea", { id: "re-reason", rows: "3", "data-pointer": "/reason", "aria-describedby": "re-reason-msg" }) as HTMLTextAreaElement;
  const reasonMsg = h("ul", { class: "msg", id: "re-reason-msg" });
  const reasonWrap = h("div", { class: "field" }, h("label", { for: "re-reason" }, t("reform.reason")), reason, reasonMsg);
  fields.set("/reason", { wrap: reasonWrap, msg: reasonMsg, control: reason });
  fields.set("", { wrap: generalWrap, msg: general });

  const submit = h("button", { type: "button", id: "re-submit", class: "primary" }, t("reform.submit"));

  let result: ScoreResult | undefined;
  function paint(res: ScoreResult | undefined, violations: Violation[]): void {
    fields.show(violations);
    const rowOf = (key: string) => (key === "execution" ? res?.execution : res?.indicators[inds.findIndex((i) => str(i.id) === key)]);
    for (const l of lines) {
      const r = rowOf(l.key);
      const formulaScore = r?.override ? r.formula_score : r?.score;
      l.formula.dataset.score = formulaScore ?? "";
      l.formula.textContent = formulaScore ?? t("eval.none");
      l.result.dataset.score = r?.score ?? "";
      l.result.dataset.override = String(!!r?.override);
      fill(l.result, r?.score ?? t("eval.none"), r?.override ? h("div", { class: "rule" }, t("reform.overridden")) : null);
      l.tr.classList.toggle("changed", !!r?.override);
    }
    const errors = violations.filter((v) => v.severity === "error").length;
    totalLine.dataset.total = res?.total ?? "";
    fill(
      totalLine,
      h("strong", {}, t("reform.total_line", { total: res?.total ?? t("eval.none"), grade: res?.grade ? t(`grade.${res.grade}`) : t("eval.none"), dept: dept?.total ?? t("eval.none") })),
      " ",
      gradeBadge(res?.grade),
      " · ",
      h("span", { id: "re-error-count" }, t("reform.errors", { e: errors })),
    );
  }

  function recheck(): void {
    try {
      result = score(e.target, doc, profileId, currentLocale());
      paint(result, result.violations);
    } catch (err) {
      result = undefined;
      paint(undefined, []);
      general.append(h("li", { class: "error" }, t("reform.unavailable", { detail: String(err) })));
    }
  }

  submit.addEventListener("click", async () => {
    status.textContent = "";
    submit.disabled = true;
    try {
      const updated = await request<Evaluation>("POST", `/evaluations/${encodeURIComponent(e.id)}/re-evaluations`, { evaluation: doc, reason: reason.value });
      status.className = "ok";
      status.textContent = t("reform.done", { total: updated.final_total ?? "" });
      await opts.onDone(updated);
    } catch (err) {
      status.className = "error-text";
      if (err instanceof ApiError && err.problem.status === 422 && err.problem.violations) {
        paint(result, err.problem.violations);
        status.textContent = t("reform.blocked", { n: err.problem.violations.filter((v) => v.severity === "error").length });
      } else if (err instanceof ApiError && err.problem.status === 400) {
        const errs = (err.problem as { errors?: { path: string; message: string }[] }).errors ?? [];
        paint(result, [...(result?.violations ?? []), ...errs.map((x): Violation => ({ code: "INVALID_BODY", severity: "error", path: x.path, params: {}, message: x.message }))]);
        status.textContent = problemDetails(err);
      } else if (err instanceof ApiError && err.problem.status === 409) {
        status.textContent = `${t("reform.not_filed")}（${err.problem.detail ?? ""}）`;
      } else status.textContent = problemDetails(err);
    } finally {
      submit.disabled = false;
    }
  });

  const cols = ["reform.item", "reform.points", "reform.dept", "reform.formula", "reform.override", "reform.why", "reform.result"];
  const form = h(
    "div",
    { class: "panel re-form no-print", id: "re-form", "data-id": e.id },
    h("h3", {}, t("reform.title")),
    h("p", { class: "meta" }, t("reform.hint")),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "re-rows", id: "re-rows" },
        h("thead", {}, h("tr", {}, ...cols.map((c) => h("th", { scope: "col" }, t(c))))),
        h("tbody", {}, ...body),
      ),
    ),
    totalLine,
    generalWrap,
    reasonWrap,
    h("div", { class: "row" }, submit, status),
  );
  recheck();
  return form;
}
