// Shared code of the evaluation pages (绩效自评 → 复评 → 结果应用, FORMATS §4/§4.1/§7,
// crates/server/EVALUATION-API.md): the API shapes, the WASM `score` call, labels (tiers,
// rules, statuses) and the read-only renderers the pages use (a self-evaluation's rows,
// its report text, the re-evaluations by finance or an assigned third-party assessor beside
// the department's score, the assignments, the name of a department-wide target). No rule
// lives here: every score, grade and message comes from the WASM module (`score`) or from
// the server, which run the same code.

import { register } from "../lib/i18n";
import { score as wasmScore } from "../lib/rules";
import type { Locale, Violation } from "../lib/rules";
import { currentLocale, h, profile, request, t, when } from "../review/common";
import { DEFAULT_PROFILE, indicatorValue, obj, percent, str } from "../monitoring/common";

export type { Violation };
export { DEFAULT_PROFILE };

/** State of a self-evaluation. */
export type EvalStatus = "draft" | "submitted" | "returned" | "filed" | "zero_scored";
/** A final grade (§4). */
export type Grade = "excellent" | "good" | "fair" | "poor";
/** The four grades, best first. */
export const GRADES: Grade[] = ["excellent", "good", "fair", "poor"];
/** The three qualitative tiers of §4. */
export const TIERS = ["achieved", "partial", "not_achieved"] as const;
/** The rules a scored row names (§4). */
export const RULES = ["full", "proportional", "reverse_proportional", "zero_target", "date", "qualitative_tier", "missing"] as const;

/** A self-evaluation in a list (`EvaluationSummary`). */
export interface EvaluationSummary {
  id: string;
  target_id: string;
  department_code: string;
  fiscal_year: number;
  status: EvalStatus;
  total: string | null;
  grade: Grade | null;
  error_count: number;
  opinion: string | null;
  zero_reason: string | null;
  etag: string;
  version: number;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
  decided_at: string | null;
  decided_by: string | null;
}

/** One row of the §4 score output. */
export interface IndicatorScore {
  indicator_id: string;
  points: string | null;
  score: string | null;
  rule: (typeof RULES)[number] | null;
  override?: boolean;
  formula_score?: string;
}

/** The §4 score output (`jixiao score`, WASM `score`, `POST /score`). */
export interface ScoreResult {
  execution: { rate: string | null; points: string; score: string | null; override?: boolean; formula_score?: string };
  indicators: IndicatorScore[];
  total: string | null;
  grade: Grade | null;
  violations: Violation[];
}

/** A re-evaluation (复评) by finance or by an assigned third-party assessor. */
export interface ReEvaluation {
  id: number;
  total: string;
  grade: Grade | null;
  reason: string;
  author: string;
  /** Who re-evaluated: the finance bureau or a third-party assessor. */
  author_role: "finance" | "assessor" | string;
  /** The assessor's organisation (null for finance). */
  organisation: string | null;
  at: string;
  document: Record<string, unknown>;
  result: ScoreResult | null;
}

/** An evidence file (佐证材料) of a self-evaluation, without its bytes. */
export interface Evidence {
  id: string;
  evaluation_id: string;
  file_name: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  uploaded_by: string;
  uploaded_at: string;
}

/** A filed self-evaluation assigned to a third-party assessor for re-evaluation. */
export interface EvaluationAssignment {
  id: string;
  organisation: string;
  assigned_by: string;
  at: string;
}

/** The dynamic assessment material (动态评估材料) of a year as of a date. */
export interface Progress {
  fiscal_year: number;
  as_of: string;
  review: { declared: number; draft: number; submitted: number; returned: number; approved: number };
  monitoring: {
    rounds_opened: number;
    reports: number;
    submitted: number;
    returned: number;
    accepted: number;
    units_with_projects: number;
    units_monitored: number;
    project_spending: string;
    monitored_spending: string;
    coverage: string | null;
  };
  evaluation: { started: number; draft: number; submitted: number; returned: number; filed: number; zero_scored: number; re_evaluated: number; year_closed: boolean };
}

/** A self-evaluation with its documents (`Evaluation`). */
export interface Evaluation extends EvaluationSummary {
  project_name: string | null;
  /** The rule profile the target was declared under (the server scores with it). */
  profile: string;
  document: Record<string, unknown>;
  target: Record<string, unknown>;
  result: ScoreResult | null;
  re_evaluations: ReEvaluation[];
  final_total: string | null;
  final_grade: Grade | null;
  evidence: Evidence[];
  assignments: EvaluationAssignment[];
}

/** One target's line of the year's budget recommendations (结果应用). */
export interface BudgetLine {
  target_id: string;
  department_code: string;
  project_name: string | null;
  annual_total: string;
  final_score: string;
  grade: Grade;
  zero_score: boolean;
  re_evaluated: boolean;
  adjustment: string;
  recommended: string;
}

/** A zero-scored target. */
export interface ZeroScore {
  target_id: string;
  department_code: string;
  department_name: string | null;
  project_name: string | null;
  reason: string;
}

/** The year's evaluation summary (FORMATS §7). */
export interface Summary {
  fiscal_year: number;
  closed: boolean;
  /** The self-evaluation deadline (YYYY-MM-DD), null when none is set. */
  deadline: string | null;
  approved_targets: number;
  evaluated: number;
  grades: Record<Grade, number>;
  zero_scores: ZeroScore[];
  evaluated_spending: string;
  recommended_total: string;
  recommended_change: string;
  recommendations: BudgetLine[];
  monitoring: import("../monitoring/common").Coverage;
}

/** What closing a year did. */
export interface CloseOutcome {
  fiscal_year: number;
  already_closed: boolean;
  zero_scored: string[];
}

/** Runs the WASM `score` (the same JSON `jixiao score` prints); call after `chrome()`, which loads the module. */
export function score(target: unknown, evaluation: unknown, profileId: string, locale: Locale = currentLocale()): ScoreResult {
  return JSON.parse(wasmScore(JSON.stringify(target), JSON.stringify(evaluation), profileId, locale)) as ScoreResult;
}

/** GET a self-evaluation in the page language. */
export function getEvaluation(id: string): Promise<Evaluation> {
  return request<Evaluation>("GET", `/evaluations/${encodeURIComponent(id)}?locale=${encodeURIComponent(currentLocale())}`);
}

/** The rule profile a target is checked with (its stored one; the default when it cannot be read). */
export async function targetProfile(targetId: string): Promise<string> {
  try {
    const tg = await request<{ profile?: string }>("GET", `/targets/${encodeURIComponent(targetId)}`);
    return tg.profile ?? DEFAULT_PROFILE;
  } catch {
    return DEFAULT_PROFILE;
  }
}

register(
  {
    "estatus.draft": "草稿",
    "estatus.submitted": "已提交",
    "estatus.returned": "已退回",
    "estatus.filed": "已备案",
    "estatus.zero_scored": "未自评计零分",
    "estatus.none": "未自评",
    "tier.achieved": "达成",
    "tier.partial": "部分达成",
    "tier.not_achieved": "未达成",
    "tier.choose": "请选择档次",
    "erule.full": "满分",
    "erule.proportional": "按完成比例",
    "erule.reverse_proportional": "按反向比例",
    "erule.zero_target": "零目标值",
    "erule.date": "完成时限",
    "erule.qualitative_tier": "定性档次",
    "erule.missing": "未填报",
    "eval.project": "项目名称",
    "eval.department": "主管部门",
    "eval.unit": "实施单位",
    "eval.funds": "项目资金（万元）",
    "eval.budget_initial": "年初预算数",
    "eval.budget_full_year": "全年预算数",
    "eval.executed": "全年执行数",
    "eval.reason": "执行偏差原因",
    "eval.execution": "预算执行率",
    "eval.execution.figures": "执行率 {rate} · 分值 {points} · 得分 {score}",
    "eval.goal": "年度总体目标",
    "eval.level1": "一级指标",
    "eval.level2": "二级指标",
    "eval.level3": "三级指标",
    "eval.value": "年度指标值",
    "eval.points": "分值",
    "eval.actual": "实际完成值",
    "eval.tier": "达成档次",
    "eval.tier_score": "自评得分",
    "eval.score": "得分",
    "eval.deviation_reason": "偏差原因分析及改进措施",
    "eval.total": "总分",
    "eval.grade": "评价等级",
    "eval.total_line": "自评总分：{total} · 评价等级：{grade}",
    "eval.final_line": "最终得分：{total} · 评价等级：{grade}",
    "eval.formula": "公式得分 {score}",
    "eval.report": "自评报告",
    "eval.report.basic": "一、项目基本情况",
    "eval.report.achievement": "二、绩效目标完成情况",
    "eval.report.deviation": "三、偏差及原因分析",
    "eval.report.improvement": "四、存在的问题和改进措施",
    "eval.problems": "自评规则检查",
    "eval.opinion": "财政部门意见",
    "eval.re_evaluations": "复评",
    "eval.re.head": "复评 {n}：{total} 分 · {grade}",
    "eval.re.final": "（最终得分）",
    "eval.re.reason": "复评意见：{reason}",
    "eval.re.indicator": "项目",
    "eval.re.dept": "单位自评得分",
    "eval.re.finance": "复评得分",
    "eval.re.why": "调整理由",
    "eval.re.execution": "预算执行",
    "eval.re.total": "合计",
    "eval.none": "—",
    "eval.zero": "{reason}，计 0 分（差）",
    "eval.zero_reason": "未按要求开展绩效自评",
    "eval.status": "状态",
    "eval.whole": "部门整体支出",
    "eval.whole_of": "部门整体支出（{dept}）",
    "eval.re.author.finance": "财政局",
    "eval.re.author.assessor": "第三方机构 {org}",
    "eval.re.author_line": "{role} · {who} 于 {at}",
    "eval.assignments": "第三方复评指派",
    "eval.assignment.line": "已指派 {org} 复评",
    "eval.assignment.by": "{who} 于 {at} 指派",
  },
  {
    "estatus.draft": "Draft",
    "estatus.submitted": "Submitted",
    "estatus.returned": "Returned",
    "estatus.filed": "Filed",
    "estatus.zero_scored": "Zero (not self-evaluated)",
    "estatus.none": "Not started",
    "tier.achieved": "Achieved",
    "tier.partial": "Partly achieved",
    "tier.not_achieved": "Not achieved",
    "tier.choose": "Choose a tier",
    "erule.full": "Full points",
    "erule.proportional": "Proportional",
    "erule.reverse_proportional": "Reverse proportional",
    "erule.zero_target": "Zero target",
    "erule.date": "Deadline",
    "erule.qualitative_tier": "Qualitative tier",
    "erule.missing": "Missing",
    "eval.project": "Project",
    "eval.department": "Department",
    "eval.unit": "Implementing unit",
    "eval.funds": "Funds (10k yuan)",
    "eval.budget_initial": "Initial budget",
    "eval.budget_full_year": "Full-year budget",
    "eval.executed": "Executed in the year",
    "eval.reason": "Reason for the execution gap",
    "eval.execution": "Budget execution",
    "eval.execution.figures": "rate {rate} · points {points} · score {score}",
    "eval.goal": "Annual goal",
    "eval.level1": "Level 1",
    "eval.level2": "Level 2",
    "eval.level3": "Indicator",
    "eval.value": "Annual target",
    "eval.points": "Points",
    "eval.actual": "Actual",
    "eval.tier": "Tier",
    "eval.tier_score": "Score given",
    "eval.score": "Score",
    "eval.deviation_reason": "Reason for the deviation and measures",
    "eval.total": "Total",
    "eval.grade": "Grade",
    "eval.total_line": "Self-evaluation total: {total} · grade: {grade}",
    "eval.final_line": "Final score: {total} · grade: {grade}",
    "eval.formula": "formula {score}",
    "eval.report": "Self-evaluation report",
    "eval.report.basic": "1. Basic information",
    "eval.report.achievement": "2. Achievement of the targets",
    "eval.report.deviation": "3. Deviations and their causes",
    "eval.report.improvement": "4. Problems and improvements",
    "eval.problems": "Scoring rule check",
    "eval.opinion": "Finance bureau's opinion",
    "eval.re_evaluations": "Re-evaluation",
    "eval.re.head": "Re-evaluation {n}: {total} · {grade}",
    "eval.re.final": " (final score)",
    "eval.re.reason": "Opinion: {reason}",
    "eval.re.indicator": "Item",
    "eval.re.dept": "Department's score",
    "eval.re.finance": "Re-evaluated score",
    "eval.re.why": "Reason for the change",
    "eval.re.execution": "Budget execution",
    "eval.re.total": "Total",
    "eval.none": "—",
    "eval.zero": "{reason}: scored 0 (poor)",
    "eval.zero_reason": "No self-evaluation as required",
    "eval.status": "Status",
    "eval.whole": "Department as a whole",
    "eval.whole_of": "Department as a whole ({dept})",
    "eval.re.author.finance": "Finance bureau",
    "eval.re.author.assessor": "Third-party assessor {org}",
    "eval.re.author_line": "{role} · {who} at {at}",
    "eval.assignments": "Third-party re-evaluation",
    "eval.assignment.line": "Assigned to {org}",
    "eval.assignment.by": "by {who} at {at}",
  },
);

/** A self-evaluation status badge (reuses the review pages' colours); null is 未自评. */
export function evalStatusBadge(s: EvalStatus | null | undefined): HTMLElement {
  const k = s ?? "none";
  return h("span", { class: `badge status-${k}`, "data-status": k }, t(`estatus.${k}`));
}

/** A grade as a coloured label (never colour alone), or — . */
export function gradeBadge(g: Grade | null | undefined): HTMLElement {
  return g ? h("span", { class: `grade grade-${g}`, "data-grade": g }, t(`grade.${g}`)) : h("span", { class: "grade grade-none" }, t("eval.none"));
}

/** Level-1 and level-2 labels of a profile's framework, in the page language. */
export function levelLabels(profileId: string): { l1: (c: string) => string; l2: (c1: string, c2: string) => string } {
  const p = profile(profileId);
  const en = currentLocale() === "en";
  return {
    l1: (c) => {
      const x = p?.framework.level1.find((l) => l.code === c);
      return x ? (en ? x.label.en : x.label["zh-CN"]) : c;
    },
    l2: (c1, c2) => {
      const x = p?.framework.level1.find((l) => l.code === c1)?.level2.find((l) => l.code === c2);
      return x ? (en ? x.label.en : x.label["zh-CN"]) : c2;
    },
  };
}

/** The target's indicators, as objects. */
export function targetIndicators(target: Record<string, unknown>): Record<string, unknown>[] {
  return (Array.isArray(target.indicators) ? target.indicators : []).map(obj);
}

/** The first result row of an indicator in an evaluation document (§4: only the first counts). */
export function resultRow(doc: Record<string, unknown>, id: string): Record<string, unknown> {
  const rows = Array.isArray(doc.results) ? doc.results.map(obj) : [];
  return rows.find((r) => str(r.indicator_id) === id) ?? {};
}

/** "14.92 / 15" (or "— / 15"). */
export function scoreText(s: string | null | undefined, points: string | null | undefined): string {
  return `${s ?? t("eval.none")} / ${points ?? t("eval.none")}`;
}

/** What a row reports: the actual, or the tier and its score. */
export function actualText(ind: Record<string, unknown>, row: Record<string, unknown>): string {
  if (str(ind.nature) === "qualitative") {
    const tier = str(row.tier);
    const label = (TIERS as readonly string[]).includes(tier) ? t(`tier.${tier}`) : tier;
    return [label, str(row.score)].filter(Boolean).join(" · ");
  }
  return str(row.actual);
}

/** The report text (基本情况, 绩效目标完成情况, 偏差及原因, 问题和改进措施), read-only. */
export function reportText(doc: Record<string, unknown>): HTMLElement {
  const r = obj(doc.report);
  return h(
    "section",
    { class: "report-text", id: "report-read" },
    h("h3", {}, t("eval.report")),
    ...(["basic", "achievement", "deviation", "improvement"] as const).map((k) =>
      h("div", { class: "report-part", "data-part": k }, h("h4", {}, t(`eval.report.${k}`)), h("p", {}, str(r[k]) || t("eval.none"))),
    ),
  );
}

/** A self-evaluation's rows read-only: indicator, target value, points, what was reported, score and rule, reason. */
export function evaluationRows(e: Evaluation, profileId: string): HTMLElement {
  const { l1, l2 } = levelLabels(profileId);
  const inds = targetIndicators(e.target);
  const res = e.result;
  const cols = ["eval.level1", "eval.level2", "eval.level3", "eval.value", "eval.points", "eval.actual", "eval.score", "eval.deviation_reason"];
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "eval-rows", id: "detail-rows" },
      h("thead", {}, h("tr", {}, ...cols.map((c) => h("th", { scope: "col" }, t(c))))),
      h(
        "tbody",
        {},
        ...inds.map((ind, n) => {
          const id = str(ind.id);
          const row = resultRow(e.document, id);
          const r = res?.indicators[n];
          return h(
            "tr",
            { "data-indicator": id },
            h("td", {}, l1(str(ind.level1))),
            h("td", {}, l2(str(ind.level1), str(ind.level2))),
            h("th", { scope: "row" }, str(ind.name)),
            h("td", { class: "value" }, indicatorValue(ind)),
            h("td", { class: "num" }, str(ind.points)),
            h("td", {}, actualText(ind, row)),
            h("td", { class: "num", "data-col": "score" }, r?.score ?? t("eval.none"), r?.rule ? h("div", { class: "rule" }, t(`erule.${r.rule}`)) : null),
            h("td", {}, str(row.deviation_reason)),
          );
        }),
      ),
    ),
  );
}

/** The budget-execution figures of a score output. */
export function executionFigures(res: ScoreResult | null | undefined): string {
  return t("eval.execution.figures", {
    rate: percent(res?.execution.rate),
    points: res?.execution.points ?? t("eval.none"),
    score: res?.execution.score ?? t("eval.none"),
  });
}

/** A project's name, or 部门整体支出 (with the department's name when known) for a department-wide target. */
export function projectLabel(name: string | null | undefined, department?: string | null): string {
  if (name) return name;
  return department ? t("eval.whole_of", { dept: department }) : t("eval.whole");
}

/** The name of a self-evaluation's project (or 部门整体支出 of its department). */
export function evaluationName(e: Pick<Evaluation, "project_name" | "target">): string {
  return projectLabel(e.project_name ?? (str(obj(e.target.project).name) || null), str(obj(e.target.department).name) || null);
}

/** Who re-evaluated: 财政局, or 第三方机构 and its organisation. */
export function authorRole(re: Pick<ReEvaluation, "author_role" | "organisation">): string {
  return re.author_role === "assessor" ? t("eval.re.author.assessor", { org: re.organisation ?? "" }) : t("eval.re.author.finance");
}

/** The third-party assessors a filed self-evaluation is assigned to (null when none). */
export function assignmentList(e: Pick<Evaluation, "assignments">): HTMLElement | null {
  const xs = e.assignments ?? [];
  if (!xs.length) return null;
  return h(
    "ul",
    { class: "assignments", id: "assignment-list" },
    ...xs.map((a) =>
      h("li", { "data-organisation": a.organisation }, h("strong", {}, t("eval.assignment.line", { org: a.organisation })), " ", h("small", {}, t("eval.assignment.by", { who: a.assigned_by, at: when(a.at) }))),
    ),
  );
}

/** The re-evaluations (by finance or an assigned third-party assessor), each beside the
 * department's score row by row with the override reasons, and (unless `assignments` is
 * false) the assessors the self-evaluation is assigned to. */
export function reEvaluations(e: Evaluation, opts: { assignments?: boolean } = {}): HTMLElement | null {
  const assigned = opts.assignments === false ? null : assignmentList(e);
  if (!e.re_evaluations.length && !assigned) return null;
  const inds = targetIndicators(e.target);
  const dept = e.result;
  const last = e.re_evaluations.length - 1;
  return h(
    "section",
    { id: "re-evaluations", class: "re-evaluations" },
    h("h3", {}, t("eval.re_evaluations")),
    assigned ? h("div", { class: "assigned" }, h("h4", {}, t("eval.assignments")), assigned) : null,
    ...e.re_evaluations.map((re, i) => {
      const rr = re.result;
      const reasonOf = (o: unknown) => str(obj(obj(o).override).reason);
      const line = (key: string, label: string, points: string | null | undefined, mine: string | null | undefined, theirs: { score: string | null; override?: boolean; formula_score?: string } | undefined, why: string) => {
        // Marked for the eye only (never a decision): the two scores read as numbers differ.
        const changed = theirs?.score != null && mine != null && Number(theirs.score) !== Number(mine);
        return h(
          "tr",
          { "data-row": key, class: changed ? "changed" : undefined },
          h("th", { scope: "row" }, label),
          h("td", { class: "num" }, points ?? ""),
          h("td", { class: "num", "data-col": "dept" }, mine ?? t("eval.none")),
          h(
            "td",
            { class: "num", "data-col": "finance" },
            theirs?.score ?? t("eval.none"),
            theirs?.override && theirs.formula_score ? h("div", { class: "rule" }, t("eval.formula", { score: theirs.formula_score })) : null,
          ),
          h("td", { "data-col": "why" }, why),
        );
      };
      return h(
        "div",
        { class: "re-evaluation", "data-id": String(re.id), "data-final": i === last ? "true" : undefined, "data-author-role": re.author_role },
        h(
          "p",
          {},
          h("strong", {}, t("eval.re.head", { n: re.id, total: re.total, grade: re.grade ? t(`grade.${re.grade}`) : t("eval.none") })),
          i === last ? h("strong", {}, t("eval.re.final")) : null,
          " ",
          h("small", { class: "re-author" }, t("eval.re.author_line", { role: authorRole(re), who: re.author, at: when(re.at) })),
        ),
        h("p", { class: "re-reason" }, t("eval.re.reason", { reason: re.reason })),
        h(
          "table",
          { class: "side-by-side" },
          h("thead", {}, h("tr", {}, ...["eval.re.indicator", "eval.points", "eval.re.dept", "eval.re.finance", "eval.re.why"].map((c) => h("th", { scope: "col" }, t(c))))),
          h(
            "tbody",
            {},
            line("execution", t("eval.re.execution"), dept?.execution.points ?? rr?.execution.points, dept?.execution.score, rr?.execution, reasonOf(re.document.execution)),
            ...inds.map((ind, n) => {
              const id = str(ind.id);
              return line(id, str(ind.name), str(ind.points), dept?.indicators[n]?.score, rr?.indicators[n], reasonOf(resultRow(re.document, id)));
            }),
          ),
          h(
            "tfoot",
            {},
            h(
              "tr",
              { "data-row": "total" },
              h("th", { scope: "row" }, t("eval.re.total")),
              h("td", { class: "num" }, ""),
              h("td", { class: "num", "data-col": "dept" }, dept?.total ?? (e.status === "zero_scored" ? "0" : t("eval.none")), " ", gradeBadge(dept?.grade)),
              h("td", { class: "num", "data-col": "finance" }, re.total, " ", gradeBadge(re.grade)),
              h("td", {}, ""),
            ),
          ),
        ),
      );
    }),
  );
}

/** Why a target scored 0 (the server's reason, else 未按要求开展绩效自评), with its score. */
export function zeroText(reason: string | null | undefined): string {
  return t("eval.zero", { reason: reason ?? t("eval.zero_reason") });
}

/** An adjustment ratio as a signed percentage ("-0.1" → "-10%", "0" → "0%"). */
export function adjustmentText(s: string): string {
  const p = percent(s).replace(/\.00%$/, "%");
  return /^[1-9]/.test(p) ? `+${p}` : p;
}

export { obj, str, percent, indicatorValue };
