// The department's self-evaluation form (项目支出绩效自评表, FORMATS §4, 财预〔2020〕10号):
// pick a year, see the department's approved targets and their self-evaluations; 自评
// creates the draft (prefilled by the server from the approved target and the year's last
// accepted monitoring report) or opens the existing one. Every input is scored at once by
// the WASM `score` — the same code the server and `jixiao score` run — which gives each
// row's rule and score, the total and the grade, and the messages shown next to the fields
// their JSON Pointers name. The draft is saved after a pause (PUT with If-Match); 提交
// sends it to the finance bureau (422 shows the server's violations at the fields). A
// returned self-evaluation shows finance's opinion; a filed one is read-only with its final
// score and the re-evaluations (finance's or an assigned third-party assessor's) beside the
// department's own score. The 佐证材料 section (evidence.ts) uploads, lists, downloads and
// removes evidence files while the self-evaluation is a draft or returned, and only lists
// them once it is submitted. A department-wide target (部门整体支出) is self-evaluated alike.

import "../monitoring/monitoring.css";
import "./evaluation.css";
import { register } from "../lib/i18n";
import { Autosave } from "../lib/autosave";
import { FieldMessages } from "../lib/fields";
import { pointer as ptr, setAt } from "../lib/pointer";
import { ApiError, chrome, currentLocale, fill, h, problemText, request, t, violationList, when } from "../review/common";
import type { TargetSummary } from "../review/common";
import { all, deptName } from "../monitoring/common";
import {
  DEFAULT_PROFILE,
  TIERS,
  evalStatusBadge,
  evaluationName,
  executionFigures,
  getEvaluation,
  gradeBadge,
  indicatorValue,
  levelLabels,
  obj,
  projectLabel,
  reEvaluations,
  score,
  scoreText,
  str,
  targetIndicators,
  targetProfile,
  zeroText,
} from "./common";
import type { Evaluation, EvaluationSummary, ScoreResult, Violation } from "./common";
import { evidenceSection } from "./evidence";

register(
  {
    "eform.title": "项目支出绩效自评表",
    "eform.pick": "选择年度",
    "eform.targets": "{year}年度已批复项目",
    "eform.no_targets": "该年度没有已批复的项目",
    "eform.annual_total": "年度资金总额（万元）",
    "eform.final": "自评得分",
    "eform.evaluate": "自评",
    "eform.open": "查看",
    "eform.created": "已创建自评表草稿（已按批复目标和最近一期监控表预填）",
    "eform.saving": "正在保存…",
    "eform.saved": "草稿已自动保存（{at}）",
    "eform.unsaved": "有未保存的修改",
    "eform.conflict": "他人已修改此自评表（可能在另一窗口），您的修改未保存。请重新加载后再填报。",
    "eform.reload": "重新加载",
    "eform.not_editable": "此自评表已提交或已备案，不能再修改",
    "eform.submit": "提交",
    "eform.submitted": "已提交，等待财政部门备案",
    "eform.blocked": "仍有 {n} 个错误，不能提交",
    "eform.errors": "错误 {e} 个",
    "eform.readonly": "已提交的自评表等待财政部门备案，只能查看",
    "eform.returned": "财政部门已退回此自评表，请按意见修改后重新提交",
    "eform.filed": "财政部门已备案",
    "eform.filed_re": "财政部门已备案并复评，以最后一次复评为最终得分",
    "eform.header": "基本情况",
    "eform.indicators": "绩效指标完成情况",
    "eform.closed": "{year}年度自评已关闭，不能再新建自评",
    "eform.score_unavailable": "无法在浏览器中计算得分（{detail}），显示的是上次保存时服务器的计算结果",
  },
  {
    "eform.title": "Project self-evaluation form",
    "eform.pick": "Choose a year",
    "eform.targets": "Approved projects, {year}",
    "eform.no_targets": "No approved project in this year",
    "eform.annual_total": "Annual total (10k yuan)",
    "eform.final": "Department's score",
    "eform.evaluate": "Self-evaluate",
    "eform.open": "Open",
    "eform.created": "Draft created (prefilled from the approved target and the last monitoring report)",
    "eform.saving": "Saving…",
    "eform.saved": "Draft saved automatically ({at})",
    "eform.unsaved": "Unsaved changes",
    "eform.conflict": "Someone else changed this self-evaluation (perhaps in another window); your changes were not saved. Reload before going on.",
    "eform.reload": "Reload",
    "eform.not_editable": "This self-evaluation was submitted or filed; it can no longer be changed",
    "eform.submit": "Submit",
    "eform.submitted": "Submitted; awaiting the finance bureau",
    "eform.blocked": "{n} error(s) remain; it cannot be submitted",
    "eform.errors": "{e} error(s)",
    "eform.readonly": "Submitted: read-only until the finance bureau decides",
    "eform.returned": "The finance bureau returned this self-evaluation: revise it as asked and submit again",
    "eform.filed": "Filed by the finance bureau",
    "eform.filed_re": "Filed and re-evaluated by the finance bureau; the last re-evaluation is the final score",
    "eform.header": "Overview",
    "eform.indicators": "Indicators",
    "eform.closed": "The self-evaluations of {year} are closed; no new one can be started",
    "eform.score_unavailable": "The score cannot be computed in the browser ({detail}); shown is the server's result at the last save",
  },
);

type Doc = Record<string, unknown>;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const message = $("message");
const yearSelect = $<HTMLSelectElement>("year");
const targetsSection = $("targets");
const evalSection = $("evaluation");

let years: number[] = [];
let targets: TargetSummary[] = [];
let evals = new Map<string, EvaluationSummary>();
let evaluation: Evaluation | undefined;
let doc: Doc = {};
let profileId = DEFAULT_PROFILE;
let serverViolations: Violation[] | undefined;
const fields = new FieldMessages();
const rowScores = new Map<number, HTMLElement>();
let result: ScoreResult | undefined;

// ---------------------------------------------------------------- document edits

/** A blank text field is null in the document (blank and absent read the same in §4; the prefilled shape stays). */
function textValue(v: string): string | null {
  return v.trim() === "" ? null : v;
}

/** One result row per target indicator, in the target's order, keeping what was filled in (first row per id wins, as in §4). */
function normalise(e: Evaluation, d: Doc): Doc {
  const rows = Array.isArray(d.results) ? d.results.map(obj) : [];
  const first = new Map<string, Record<string, unknown>>();
  const extra: Record<string, unknown>[] = [];
  for (const row of rows) {
    const id = str(row.indicator_id);
    if (id && !first.has(id)) first.set(id, row);
    else extra.push(row);
  }
  const ids = new Set<string>();
  const ordered = targetIndicators(e.target).map((i) => {
    const id = str(i.id);
    ids.add(id);
    return first.get(id) ?? (str(i.nature) === "qualitative" ? { indicator_id: id, tier: null, score: null, deviation_reason: null } : { indicator_id: id, actual: null, deviation_reason: null });
  });
  for (const [id, row] of first) if (!ids.has(id)) extra.push(row);
  return { ...d, execution: obj(d.execution), results: [...ordered, ...extra], report: obj(d.report) };
}

/** The document row of each target indicator (index into `doc.results`, or -1). */
function rowIndexes(e: Evaluation, d: Doc): number[] {
  const rows = Array.isArray(d.results) ? d.results.map(obj) : [];
  return targetIndicators(e.target).map((i) => rows.findIndex((row) => str(row.indicator_id) === str(i.id)));
}

// ---------------------------------------------------------------- live score

function recheck(): void {
  if (!evaluation) return;
  const general = document.getElementById("eval-general");
  general?.replaceChildren();
  if (!saver.editable) {
    // A submitted, filed or zero-scored self-evaluation: the server's score of the stored document.
    result = evaluation.result ?? undefined;
  } else {
    try {
      result = score(evaluation.target, doc, profileId, currentLocale());
    } catch (e) {
      result = evaluation.result ?? undefined;
      general?.append(h("li", { class: "error" }, t("eform.score_unavailable", { detail: String(e) })));
    }
  }
  paint(result, serverViolations ?? result?.violations ?? []);
}

function paint(res: ScoreResult | undefined, violations: Violation[]): void {
  fields.show(violations, "eval-general");
  // Row scores, in target order.
  const inds = evaluation ? targetIndicators(evaluation.target) : [];
  inds.forEach((ind, n) => {
    const r = res?.indicators[n];
    const cell = rowScores.get(n);
    if (!cell) return;
    cell.dataset.score = r?.score ?? "";
    cell.dataset.rule = r?.rule ?? "";
    cell.replaceChildren(
      h("span", { class: "score" }, scoreText(r?.score, r?.points ?? str(ind.points))),
      r?.rule ? h("div", { class: "rule" }, t(`erule.${r.rule}`)) : "",
    );
  });
  const ex = document.getElementById("execution-score");
  if (ex) {
    ex.dataset.score = res?.execution.score ?? "";
    ex.textContent = executionFigures(res);
  }
  const errors = violations.filter((v) => v.severity === "error").length;
  const zero = evaluation?.status === "zero_scored";
  const total = zero ? "0" : (res?.total ?? null);
  const grade = zero ? "poor" : (res?.grade ?? null);
  const tot = document.getElementById("total");
  if (tot) {
    tot.dataset.total = total ?? "";
    tot.textContent = total ?? t("eval.none");
  }
  const gr = document.getElementById("grade");
  if (gr) fill(gr, gradeBadge(grade));
  fill(
    $("eval-result"),
    h("strong", {}, `${t("eval.total")}：`),
    h("span", { id: "result-total" }, total ?? t("eval.none")),
    " · ",
    h("strong", {}, `${t("eval.grade")}：`),
    h("span", { id: "result-grade" }, gradeBadge(grade)),
    " · ",
    h("span", { id: "eval-error-count" }, t("eform.errors", { e: errors })),
  );
  fill($("eval-problems"), violationList(violations));
  const submit = document.getElementById("submit") as HTMLButtonElement | null;
  if (submit) submit.title = errors ? t("eform.blocked", { n: errors }) : "";
}

// ---------------------------------------------------------------- saving

const saver = new Autosave<Evaluation>({
  statusId: "save-status",
  texts: { unsaved: "eform.unsaved", saving: "eform.saving", saved: "eform.saved", conflict: "eform.conflict", reload: "eform.reload", notEditable: "eform.not_editable" },
  delay: 700,
  current: () => evaluation?.id,
  document: () => doc,
  put: (id, body, etag) => request<Evaluation>("PUT", `/evaluations/${encodeURIComponent(id)}`, body, { "If-Match": etag }),
  onSaved: (id, stored) => {
    if (evaluation && evaluation.id === id) evaluation = { ...evaluation, ...stored, document: evaluation.document };
  },
  onReload: (id) => void openEvaluation(id),
});

async function submit(): Promise<void> {
  if (!evaluation) return;
  const status = $("submit-status");
  status.textContent = "";
  await saver.save();
  if (saver.conflict || saver.dirty) return; // the last change is not on the server: do not submit an older copy
  try {
    const done = await request<Evaluation>("POST", `/evaluations/${encodeURIComponent(evaluation.id)}/submit`, undefined, { "If-Match": saver.etag });
    await show(done, t("eform.submitted"));
    await loadList();
  } catch (e) {
    if (e instanceof ApiError && e.problem.status === 422 && e.problem.violations) {
      serverViolations = e.problem.violations;
      recheck();
      serverViolations = undefined;
      const n = e.problem.violations.filter((v) => v.severity === "error").length;
      status.textContent = t("eform.blocked", { n });
    } else if (e instanceof ApiError && e.problem.status === 412) {
      saver.markConflict();
    } else status.textContent = problemText(e);
  }
}

// ---------------------------------------------------------------- rendering

/** A control bound to a pointer, with its message list. */
function control(
  kind: "input" | "textarea" | "select",
  p: string,
  id: string,
  label: string,
  value: string,
  opts: { options?: [string, string][]; cls?: string; hideLabel?: boolean; rows?: number } = {},
): HTMLElement {
  const msgId = `${id}-msg`;
  const attrs = { id, "data-pointer": p, "aria-describedby": msgId, disabled: !saver.editable };
  let el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
  if (kind === "select") {
    el = h("select", attrs, ...(opts.options ?? []).map(([v, l]) => h("option", { value: v }, l)));
    if (value && !(opts.options ?? []).some(([v]) => v === value)) el.append(h("option", { value }, value));
  } else if (kind === "textarea") el = h("textarea", { ...attrs, rows: String(opts.rows ?? 2) });
  else el = h("input", { ...attrs, type: "text", autocomplete: "off" });
  el.value = value;
  el.addEventListener(kind === "select" ? "change" : "input", () => {
    setAt(doc, p, textValue(el.value));
    recheck();
    saver.schedule();
  });
  const msg = h("ul", { class: "msg", id: msgId });
  const wrap = h("div", { class: `field ${opts.cls ?? ""}` }, h("label", { for: id, class: opts.hideLabel ? "sr-only" : undefined }, label), el, msg);
  fields.set(p, { wrap, msg, control: el });
  return wrap;
}

function renderForm(): void {
  if (!evaluation) return;
  fields.clear();
  rowScores.clear();
  const e = evaluation;
  const target = e.target;
  const { l1, l2 } = levelLabels(profileId);
  const ex = obj(doc.execution);
  const header = h(
    "table",
    { class: "mon-head", id: "eval-head" },
    h("caption", {}, t("eform.header")),
    h("colgroup", {}, ...["th", "td", "td", "td", "th2", "td2"].map((c) => h("col", { class: `c-${c}` }))),
    h(
      "tbody",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "row" }, t("eval.project")),
        h("td", { colspan: "3", id: "project-name" }, evaluationName(e)),
        h("th", { scope: "row" }, t("doc.year")),
        h("td", { id: "fiscal-year" }, String(e.fiscal_year)),
      ),
      h(
        "tr",
        {},
        h("th", { scope: "row" }, t("eval.department")),
        h("td", { colspan: "3" }, str(obj(target.department).name)),
        h("th", { scope: "row" }, t("eval.unit")),
        h("td", {}, str(obj(target.unit).name)),
      ),
      h(
        "tr",
        {},
        h("th", { scope: "row" }, t("eval.funds")),
        h(
          "td",
          { colspan: "5" },
          h(
            "div",
            { class: "amounts" },
            h("div", { class: "field" }, h("span", { class: "label" }, t("eval.budget_initial")), h("span", { id: "budget_initial", class: "fixed" }, str(ex.budget_initial) || t("eval.none"))),
            control("input", "/execution/budget_full_year", "budget_full_year", t("eval.budget_full_year"), str(ex.budget_full_year)),
            control("input", "/execution/executed", "executed", t("eval.executed"), str(ex.executed)),
          ),
        ),
      ),
      h("tr", {}, h("th", { scope: "row" }, t("eval.execution")), h("td", { colspan: "5", id: "execution-score" })),
      h("tr", {}, h("td", { colspan: "6" }, control("textarea", "/execution/reason", "reason", t("eval.reason"), str(ex.reason)), fields.box("/execution"))),
      h("tr", {}, h("th", { scope: "row" }, t("eval.goal")), h("td", { colspan: "5", class: "goal" }, str(obj(target.goals).annual))),
    ),
  );

  const rows = Array.isArray(doc.results) ? doc.results.map(obj) : [];
  const idx = rowIndexes(e, doc);
  const tiers: [string, string][] = [["", t("tier.choose")], ...TIERS.map((x): [string, string] => [x, t(`tier.${x}`)])];
  const cols = ["eval.level1", "eval.level2", "eval.level3", "eval.value", "eval.points", "eval.actual", "eval.score", "eval.deviation_reason"];
  const body = targetIndicators(target).map((ind, n) => {
    const k = idx[n];
    const row = k >= 0 ? rows[k] : {};
    const name = str(ind.name);
    const qualitative = str(ind.nature) === "qualitative";
    const reported =
      k < 0
        ? h("td", {}, "—")
        : qualitative
          ? h(
              "td",
              { class: "tier-cell" },
              control("select", ptr("results", k, "tier"), `tier-${k}`, `${name} ${t("eval.tier")}`, str(row.tier), { options: tiers, hideLabel: true }),
              control("input", ptr("results", k, "score"), `qscore-${k}`, `${t("eval.tier_score")}`, str(row.score), { cls: "qscore" }),
            )
          : h("td", {}, control("input", ptr("results", k, "actual"), `actual-${k}`, `${name} ${t("eval.actual")}`, str(row.actual), { hideLabel: true }));
    const scoreCell = h("td", { class: "row-score num", id: `score-${n}` });
    rowScores.set(n, scoreCell);
    return h(
      "tr",
      { "data-indicator": str(ind.id), "data-row": k >= 0 ? String(k) : undefined, "data-nature": str(ind.nature) },
      h("td", {}, l1(str(ind.level1))),
      h("td", {}, l2(str(ind.level1), str(ind.level2))),
      h("th", { scope: "row" }, name, k >= 0 ? fields.box(ptr("results", k)) : null, k >= 0 ? fields.box(ptr("results", k, "indicator_id")) : null),
      h("td", { class: "value" }, indicatorValue(ind)),
      h("td", { class: "num" }, str(ind.points)),
      reported,
      scoreCell,
      h("td", {}, k >= 0 ? control("textarea", ptr("results", k, "deviation_reason"), `reason-${k}`, `${name} ${t("eval.deviation_reason")}`, str(row.deviation_reason), { hideLabel: true }) : "—"),
    );
  });
  const table = h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "mon-rows eval-form-rows", id: "rows" },
      h("caption", {}, t("eform.indicators"), fields.box("/results")),
      h("colgroup", {}, ...["l1", "l2", "l3", "value", "points", "actual", "score", "reason"].map((c) => h("col", { class: `c-${c}` }))),
      h("thead", {}, h("tr", {}, ...cols.map((c) => h("th", { scope: "col" }, t(c))))),
      h("tbody", {}, ...body),
      h(
        "tfoot",
        {},
        h("tr", {}, h("th", { scope: "row", colspan: "6" }, t("eval.total")), h("td", { class: "num", id: "total" }), h("td", { id: "grade" })),
      ),
    ),
  );

  const rep = obj(doc.report);
  const report = h(
    "section",
    { id: "report-text", class: "report-text" },
    h("h3", {}, t("eval.report")),
    ...(["basic", "achievement", "deviation", "improvement"] as const).map((part) =>
      control("textarea", `/report/${part}`, `report-${part}`, t(`eval.report.${part}`), str(rep[part]), { rows: 3 }),
    ),
    fields.box("/report"),
  );

  const submitBtn = h("button", { type: "button", id: "submit", class: "primary" }, t("eform.submit"));
  submitBtn.addEventListener("click", () => void submit());
  const finalTotal = e.final_total ?? (e.status === "zero_scored" ? "0" : null);
  const notice =
    e.status === "returned"
      ? h("p", { class: "error-text", id: "returned-notice" }, t("eform.returned"))
      : e.status === "filed"
        ? h(
            "p",
            { class: "ok", id: "filed-notice" },
            t(e.re_evaluations.length ? "eform.filed_re" : "eform.filed"),
            e.decided_at ? ` · ${when(e.decided_at)}` : "",
            h("br"),
            h("strong", { id: "final-score", "data-total": finalTotal ?? "" }, t("eval.final_line", { total: finalTotal ?? t("eval.none"), grade: e.final_grade ? t(`grade.${e.final_grade}`) : t("eval.none") })),
          )
        : e.status === "zero_scored"
          ? h("p", { class: "error-text", id: "zero-notice" }, zeroText(e.zero_reason))
          : e.status === "submitted"
            ? h("p", { id: "submitted-notice" }, t("eform.readonly"))
            : null;
  fill(
    evalSection,
    h(
      "article",
      { class: "panel", id: "eval-form", "data-id": e.id, "data-status": e.status },
      h("h2", {}, evaluationName(e), " ", evalStatusBadge(e.status)),
      h(
        "p",
        { class: "meta" },
        `${str(obj(target.department).name) || deptName({ department_code: e.department_code, department_name: null })} · ${e.fiscal_year}`,
        e.submitted_at ? ` · ${t("estatus.submitted")} ${when(e.submitted_at)}` : "",
      ),
      notice,
      e.opinion ? h("section", { id: "opinion" }, h("h3", {}, t("eval.opinion")), h("blockquote", { class: "opinion" }, e.opinion)) : null,
      header,
      table,
      report,
      evidenceSection(e.id, e.evidence ?? [], {
        editable: saver.editable,
        onChange: (files) => {
          if (evaluation && evaluation.id === e.id) evaluation.evidence = files;
        },
      }),
      h(
        "section",
        { id: "eval-summary" },
        h("p", { id: "eval-result" }),
        h("h3", {}, t("eval.problems")),
        h("div", { class: "group-msg" }, h("ul", { class: "msg", id: "eval-general" })),
        h("div", { id: "eval-problems" }),
      ),
      reEvaluations(e),
      saver.editable ? h("div", { class: "row no-print" }, submitBtn, h("span", { id: "save-status", role: "status" }), h("span", { id: "submit-status", role: "status", class: "error-text" })) : null,
    ),
  );
  fields.set("", { wrap: $("eval-general").parentElement as HTMLElement, msg: $("eval-general") });
  recheck();
}

/** Shows a self-evaluation from the server (resets the working copy). */
async function show(e: Evaluation, note = ""): Promise<void> {
  evaluation = e;
  saver.reset(e.etag, e.status === "draft" || e.status === "returned");
  profileId = e.profile ?? targets.find((x) => x.id === e.target_id)?.profile ?? (await targetProfile(e.target_id));
  doc = saver.editable ? normalise(e, e.document ?? {}) : (e.document ?? {});
  renderForm();
  renderTargets();
  if (note) {
    const s = document.getElementById("save-status") ?? document.getElementById("submit-status");
    if (s) s.textContent = note;
    else message.textContent = note;
  }
  const u = new URL(location.href);
  u.searchParams.set("evaluation", e.id);
  u.searchParams.set("year", String(e.fiscal_year));
  history.replaceState(null, "", u);
}

async function openEvaluation(id: string): Promise<void> {
  try {
    await show(await getEvaluation(id));
    message.textContent = "";
  } catch (e) {
    message.textContent = t("common.error", { detail: problemText(e) });
  }
}

async function evaluate(tg: TargetSummary): Promise<void> {
  if (saver.dirty) await saver.save();
  const existing = evals.get(tg.id);
  if (existing) return openEvaluation(existing.id);
  try {
    const created = await request<Evaluation>("POST", "/evaluations", { target_id: tg.id });
    await loadList();
    await show(created);
    message.textContent = t("eform.created");
  } catch (e) {
    if (e instanceof ApiError && e.problem.status === 409) {
      await loadList();
      const again = evals.get(tg.id);
      if (again) return openEvaluation(again.id);
      message.textContent = /closed/.test(e.problem.detail ?? "") ? t("eform.closed", { year: yearSelect.value }) : t("common.error", { detail: problemText(e) });
      return;
    }
    message.textContent = t("common.error", { detail: problemText(e) });
  }
}

function renderTargets(): void {
  if (targets.length === 0) {
    fill(targetsSection, h("p", {}, yearSelect.value ? t("eform.no_targets") : t("common.empty")));
    return;
  }
  fill(
    targetsSection,
    h("h2", {}, t("eform.targets", { year: yearSelect.value })),
    h(
      "table",
      { id: "target-table" },
      h(
        "thead",
        {},
        h("tr", {}, ...["eval.project", "eform.annual_total", "eval.status", "eform.final", "eval.grade", ""].map((k) => h("th", { scope: "col", class: k === "eform.annual_total" || k === "eform.final" ? "num" : undefined }, k ? t(k) : ""))),
      ),
      h(
        "tbody",
        {},
        ...targets.map((tg) => {
          const ev = evals.get(tg.id);
          const b = h("button", { type: "button", class: "evaluate", "data-target": tg.id }, ev ? t("eform.open") : t("eform.evaluate"));
          b.addEventListener("click", () => void evaluate(tg));
          return h(
            "tr",
            { "data-target": tg.id, "data-status": ev?.status ?? "none", class: evaluation && evaluation.target_id === tg.id ? "selected" : undefined },
            h("td", {}, projectLabel(tg.project_name)),
            h("td", { class: "num" }, tg.annual_total ?? ""),
            h("td", {}, evalStatusBadge(ev?.status)),
            h("td", { class: "num" }, ev?.total ?? "—"),
            h("td", {}, gradeBadge(ev?.grade)),
            h("td", {}, b),
          );
        }),
      ),
    ),
  );
}

async function loadList(): Promise<void> {
  const year = yearSelect.value;
  if (!year) {
    targets = [];
    evals = new Map();
    renderTargets();
    return;
  }
  try {
    const [ts, es] = await Promise.all([
      all<TargetSummary>(`/targets?status=approved&fiscal_year=${encodeURIComponent(year)}`),
      all<EvaluationSummary>(`/evaluations?fiscal_year=${encodeURIComponent(year)}`),
    ]);
    targets = ts.filter((x) => x.fiscal_year === Number(year)).sort((a, b) => (a.project_name ?? "").localeCompare(b.project_name ?? "", "zh-CN"));
    evals = new Map(es.map((x) => [x.target_id, x]));
    renderTargets();
  } catch (e) {
    message.textContent = t("common.error", { detail: problemText(e) });
  }
}

function renderYears(): void {
  const current = yearSelect.value;
  fill(yearSelect, ...years.map((y) => h("option", { value: String(y) }, String(y))));
  if (current && years.includes(Number(current))) yearSelect.value = current;
}

/** The years of the department's approved targets, newest first. */
async function loadYears(wanted: number | null): Promise<void> {
  message.textContent = t("common.loading");
  try {
    const ts = await all<TargetSummary>("/targets?status=approved");
    const set = new Set(ts.map((x) => x.fiscal_year).filter((y): y is number => typeof y === "number"));
    if (wanted) set.add(wanted);
    years = [...set].sort((a, b) => b - a);
    message.textContent = years.length ? "" : t("eform.no_targets");
    renderYears();
    if (wanted) yearSelect.value = String(wanted);
  } catch (e) {
    message.textContent = t("common.error", { detail: problemText(e) });
  }
}

async function start(): Promise<void> {
  await chrome(true, () => {
    renderYears();
    renderTargets();
    // A working copy is re-scored in the new language; a read-only one is fetched again (its messages come from the server).
    if (evaluation && saver.editable) renderForm();
    else if (evaluation) void openEvaluation(evaluation.id);
    void loadYears(Number(yearSelect.value) || null).then(loadList);
  });
  yearSelect.addEventListener("change", () => void loadList());
  saver.guardUnload();
  const params = new URLSearchParams(location.search);
  const y = Number(params.get("year"));
  await loadYears(Number.isInteger(y) && y >= 2000 && y <= 2100 ? y : null);
  await loadList();
  const id = params.get("evaluation");
  if (id) await openEvaluation(id);
}

void start();
