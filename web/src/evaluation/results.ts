// The finance bureau's evaluation results (绩效评价结果, FORMATS §7) for a year: targets
// evaluated against those approved, the grade distribution (an inline SVG bar chart), the
// zero-score list, next year's budget recommendations with their totals and change (结果应用),
// the year's monitoring coverage, and 关闭年度自评 (every approved target without a filed
// self-evaluation scores 0). Finance also files (备案) or returns (退回, with an opinion) the
// submitted self-evaluations here, and can open any one to see its rows, its evidence files
// (佐证材料, download only) and its re-evaluations. A filed one can be re-evaluated here (复评:
// the shared form of re-evaluate.ts, overrides per row scored live by the WASM module) or
// assigned to a third-party assessor (指派第三方复评). The year's self-evaluation deadline
// (自评截止日期) is shown and set here; closing the year before it is refused by the server,
// whose reason is shown. 动态评估材料: the review, monitoring and self-evaluation figures as of
// a date (end of June, end of September, today), replayed by the server from the audit trail.
// Every score, grade and amount shown here comes from the server (the same rules as the WASM module).
// Printable: A4, without the buttons.

import "../monitoring/monitoring.css";
import "./evaluation.css";
import { register } from "../lib/i18n";
import { ApiError, chrome, fill, h, problemDetails, problemText, request, t, violationList, when } from "../review/common";
import type { TargetSummary } from "../review/common";
import { all } from "../monitoring/common";
import {
  GRADES,
  adjustmentText,
  assignmentList,
  evalStatusBadge,
  evaluationName,
  evaluationRows,
  executionFigures,
  getEvaluation,
  gradeBadge,
  obj,
  percent,
  projectLabel,
  reEvaluations,
  reportText,
  str,
  targetProfile,
  zeroText,
} from "./common";
import type { CloseOutcome, Evaluation, EvaluationAssignment, EvaluationSummary, Grade, Progress, Summary } from "./common";
import { evidenceSection } from "./evidence";
import { reEvaluationForm } from "./re-evaluate";

register(
  {
    "results.title": "绩效评价结果",
    "results.show": "查询",
    "results.print": "打印",
    "results.heading": "{year}年度项目支出绩效评价结果",
    "results.closed": "年度自评已关闭",
    "results.open": "年度自评进行中",
    "results.evaluated": "已评价项目 / 已批复项目",
    "results.spending": "已评价项目资金（万元）",
    "results.zero_count": "零分项目",
    "results.recommended": "下年建议安排（万元）",
    "results.change": "较本年 {change}",
    "results.close": "关闭年度自评",
    "results.close.hint": "关闭后，未按要求开展绩效自评（未备案）的已批复项目一律计 0 分（差），各部门不能再新建或提交自评。",
    "results.close.confirm": "确定关闭 {year} 年度自评吗？未备案自评的已批复项目将计 0 分，此操作不能撤销。",
    "results.close.done": "已关闭 {year} 年度自评：{n} 个项目未按要求开展绩效自评，计 0 分",
    "results.close.already": "{year} 年度自评此前已关闭，未作更改",
    "results.close.is_closed": "{year} 年度自评已关闭",
    "results.grades": "评价等级分布",
    "results.grades.desc": "各等级项目数：优 {excellent}，良 {good}，中 {fair}，差 {poor}（共 {n} 个）",
    "results.coverage": "{year}年绩效监控覆盖情况",
    "results.coverage.units": "监控单位数 / 有项目支出的单位数",
    "results.coverage.money": "监控资金 / 项目支出总额（万元）",
    "results.coverage.rate": "监控覆盖率（按资金）",
    "results.zero": "零分项目",
    "results.zero.none": "没有零分项目",
    "results.zero.not_closed": "年度自评关闭后，未按要求开展绩效自评的项目在此列出",
    "results.project": "项目",
    "results.department": "部门",
    "results.reason": "原因",
    "results.recs": "结果应用：下年预算安排建议",
    "results.recs.filter": "筛选",
    "results.recs.all": "全部",
    "results.recs.re": "已复评",
    "results.recs.zero": "零分",
    "results.annual": "本年资金（万元）",
    "results.final": "最终得分",
    "results.grade": "等级",
    "results.re_evaluated": "是否复评",
    "results.adjustment": "调整比例",
    "results.next": "下年建议金额（万元）",
    "results.yes": "是",
    "results.no": "否",
    "results.total_row": "合计（{n} 个项目）",
    "results.change_row": "增减",
    "results.shown": "显示 {shown} / {n} 个项目；合计为全年",
    "results.review": "待备案的自评表",
    "results.review.none": "没有待备案的自评表",
    "results.dept_score": "自评得分",
    "results.submitted_at": "提交时间",
    "results.view": "查看",
    "results.detail": "自评表",
    "results.decision": "备案审核",
    "results.opinion": "意见（退回时必填）",
    "results.file": "备案",
    "results.return": "退回",
    "results.filed_msg": "已备案",
    "results.returned_msg": "已退回",
    "results.stale": "该自评表已被修改，已重新加载，请再次确认",
    "results.forbidden": "此页面仅供财政部门使用，请使用财政部门的访问令牌",
    "results.bad_year": "请输入 2000—2100 之间的年度",
    "results.close.refused": "不能关闭 {year} 年度自评：{why}（服务器说明：{detail}）",
    "results.close.before_deadline": "自评截止日期 {deadline} 尚未过去，截止日期过后才能关闭",
    "results.close.conflict": "当前状态下不能关闭",
    "deadline.line": "自评截止日期：{deadline}",
    "deadline.none": "未设置",
    "deadline.label": "自评截止日期",
    "deadline.set": "设置截止日期",
    "deadline.saved": "自评截止日期已设为 {deadline}",
    "deadline.closed": "年度自评已关闭，截止日期不能再修改",
    "deadline.empty": "请选择截止日期",
    "re.open": "复评",
    "re.done": "复评已记录：最终得分 {total}",
    "assign.title": "指派第三方复评",
    "assign.none": "尚未指派第三方机构",
    "assign.org": "第三方机构名称",
    "assign.submit": "指派",
    "assign.done": "已指派 {org} 复评",
    "assign.empty": "请填写第三方机构名称",
    "assign.conflict": "不能指派（服务器说明：{detail}）",
    "progress.title": "动态评估材料",
    "progress.as_of": "截至日期",
    "progress.june": "6月30日",
    "progress.september": "9月30日",
    "progress.today": "今天",
    "progress.show": "查询",
    "progress.caption": "{year}年度预算绩效管理动态评估材料（截至 {as_of} 24:00，北京时间；按操作记录回放）",
    "progress.item": "指标",
    "progress.value": "数值",
    "progress.review": "审核",
    "progress.monitoring": "监控",
    "progress.evaluation": "自评",
    "progress.review.declared": "已申报绩效目标",
    "progress.review.draft": "草稿",
    "progress.review.submitted": "待审核",
    "progress.review.returned": "已退回",
    "progress.review.approved": "已批复",
    "progress.monitoring.rounds_opened": "已开启监控轮次",
    "progress.monitoring.reports": "已填报监控表",
    "progress.monitoring.submitted": "待审核",
    "progress.monitoring.returned": "已退回",
    "progress.monitoring.accepted": "已通过",
    "progress.monitoring.units_with_projects": "有项目支出的单位",
    "progress.monitoring.units_monitored": "已监控单位",
    "progress.monitoring.project_spending": "已批复项目支出（万元）",
    "progress.monitoring.monitored_spending": "已监控资金（万元）",
    "progress.monitoring.coverage": "监控覆盖率（按资金）",
    "progress.evaluation.started": "已开展自评",
    "progress.evaluation.draft": "草稿",
    "progress.evaluation.submitted": "待备案",
    "progress.evaluation.returned": "已退回",
    "progress.evaluation.filed": "已备案",
    "progress.evaluation.zero_scored": "未自评计零分",
    "progress.evaluation.re_evaluated": "已复评",
    "progress.evaluation.year_closed": "年度自评已关闭",
    "progress.bad_date": "请选择日期",
  },
  {
    "results.title": "Evaluation results",
    "results.show": "Show",
    "results.print": "Print",
    "results.heading": "Project performance evaluation results, {year}",
    "results.closed": "Self-evaluations closed",
    "results.open": "Self-evaluations open",
    "results.evaluated": "Evaluated / approved projects",
    "results.spending": "Evaluated spending (10k yuan)",
    "results.zero_count": "Zero-scored projects",
    "results.recommended": "Recommended next year (10k yuan)",
    "results.change": "change {change}",
    "results.close": "Close the year's self-evaluations",
    "results.close.hint": "Once closed, every approved project without a filed self-evaluation scores 0 (poor), and departments can no longer start or submit one.",
    "results.close.confirm": "Close the self-evaluations of {year}? Approved projects without a filed self-evaluation will score 0. This cannot be undone.",
    "results.close.done": "Self-evaluations of {year} closed: {n} project(s) without a self-evaluation scored 0",
    "results.close.already": "The self-evaluations of {year} were already closed; nothing changed",
    "results.close.is_closed": "The self-evaluations of {year} are closed",
    "results.grades": "Grade distribution",
    "results.grades.desc": "Projects per grade: excellent {excellent}, good {good}, fair {fair}, poor {poor} ({n} in all)",
    "results.coverage": "Monitoring coverage, {year}",
    "results.coverage.units": "Units monitored / units with project spending",
    "results.coverage.money": "Spending monitored / project spending (10k yuan)",
    "results.coverage.rate": "Coverage (by spending)",
    "results.zero": "Zero-scored projects",
    "results.zero.none": "No zero-scored project",
    "results.zero.not_closed": "Once the year is closed, projects without a self-evaluation are listed here",
    "results.project": "Project",
    "results.department": "Department",
    "results.reason": "Reason",
    "results.recs": "Use of results: next year's budget recommendations",
    "results.recs.filter": "Filter",
    "results.recs.all": "All",
    "results.recs.re": "Re-evaluated",
    "results.recs.zero": "Zero",
    "results.annual": "This year (10k yuan)",
    "results.final": "Final score",
    "results.grade": "Grade",
    "results.re_evaluated": "Re-evaluated",
    "results.adjustment": "Adjustment",
    "results.next": "Recommended next year (10k yuan)",
    "results.yes": "yes",
    "results.no": "no",
    "results.total_row": "Total ({n} projects)",
    "results.change_row": "Change",
    "results.shown": "{shown} of {n} projects shown; totals are for the whole year",
    "results.review": "Self-evaluations awaiting filing",
    "results.review.none": "No self-evaluation awaits filing",
    "results.dept_score": "Department's score",
    "results.submitted_at": "Submitted",
    "results.view": "Open",
    "results.detail": "Self-evaluation",
    "results.decision": "Filing",
    "results.opinion": "Opinion (required to return)",
    "results.file": "File",
    "results.return": "Return",
    "results.filed_msg": "Filed",
    "results.returned_msg": "Returned",
    "results.stale": "The self-evaluation changed meanwhile and was reloaded; please confirm again",
    "results.forbidden": "This page is for the finance bureau: use a finance token",
    "results.bad_year": "Enter a year between 2000 and 2100",
    "results.close.refused": "The self-evaluations of {year} cannot be closed: {why} (server: {detail})",
    "results.close.before_deadline": "the deadline {deadline} has not passed yet; the year closes after it",
    "results.close.conflict": "not in the current state",
    "deadline.line": "Self-evaluation deadline: {deadline}",
    "deadline.none": "not set",
    "deadline.label": "Self-evaluation deadline",
    "deadline.set": "Set the deadline",
    "deadline.saved": "The self-evaluation deadline is now {deadline}",
    "deadline.closed": "The year is closed; its deadline no longer changes",
    "deadline.empty": "Choose a deadline",
    "re.open": "Re-evaluate",
    "re.done": "Re-evaluation recorded: final score {total}",
    "assign.title": "Assign a third-party re-evaluation",
    "assign.none": "Not assigned to a third-party assessor",
    "assign.org": "Assessor organisation",
    "assign.submit": "Assign",
    "assign.done": "Assigned to {org}",
    "assign.empty": "Enter the assessor organisation",
    "assign.conflict": "Cannot assign (server: {detail})",
    "progress.title": "Dynamic assessment material",
    "progress.as_of": "As of",
    "progress.june": "30 June",
    "progress.september": "30 September",
    "progress.today": "Today",
    "progress.show": "Show",
    "progress.caption": "Performance management progress, {year} (as of {as_of} 24:00 China time; replayed from the audit trail)",
    "progress.item": "Figure",
    "progress.value": "Value",
    "progress.review": "Review",
    "progress.monitoring": "Monitoring",
    "progress.evaluation": "Self-evaluation",
    "progress.review.declared": "Targets declared",
    "progress.review.draft": "Draft",
    "progress.review.submitted": "Awaiting review",
    "progress.review.returned": "Returned",
    "progress.review.approved": "Approved",
    "progress.monitoring.rounds_opened": "Rounds opened",
    "progress.monitoring.reports": "Reports begun",
    "progress.monitoring.submitted": "Awaiting finance",
    "progress.monitoring.returned": "Returned",
    "progress.monitoring.accepted": "Accepted",
    "progress.monitoring.units_with_projects": "Units with project spending",
    "progress.monitoring.units_monitored": "Units monitored",
    "progress.monitoring.project_spending": "Approved project spending (10k yuan)",
    "progress.monitoring.monitored_spending": "Spending monitored (10k yuan)",
    "progress.monitoring.coverage": "Coverage (by spending)",
    "progress.evaluation.started": "Self-evaluations begun",
    "progress.evaluation.draft": "Draft",
    "progress.evaluation.submitted": "Awaiting filing",
    "progress.evaluation.returned": "Returned",
    "progress.evaluation.filed": "Filed",
    "progress.evaluation.zero_scored": "Zero (not self-evaluated)",
    "progress.evaluation.re_evaluated": "Re-evaluated",
    "progress.evaluation.year_closed": "Year closed",
    "progress.bad_date": "Choose a date",
  },
);

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const message = $("message");
const yearInput = $<HTMLInputElement>("year");

let year = 2018;
let summary: Summary | undefined;
let submitted: EvaluationSummary[] = [];
let names = new Map<string, string>(); // target id → project name
let departments = new Map<string, string>(); // department code → name
let byTarget: Map<string, string> | undefined; // target id → evaluation id (loaded when first needed)
let recFilter = "";
let openId: string | undefined;
let closeNote = "";
let deadlineNote = "";
let progress: Progress | undefined;
let progressDate = "";

// ---------------------------------------------------------------- loading

function denied(e: unknown): string {
  return e instanceof ApiError && e.problem.status === 403 ? t("results.forbidden") : t("common.error", { detail: problemText(e) });
}

async function loadDepartments(): Promise<void> {
  if (departments.size) return;
  try {
    const ds = await request<{ code: string; name: string }[]>("GET", "/departments");
    departments = new Map(ds.map((d) => [d.code, d.name]));
  } catch {
    /* codes are shown instead */
  }
}

async function loadYear(): Promise<void> {
  message.textContent = t("common.loading");
  byTarget = undefined;
  try {
    const [s, sub, ts] = await Promise.all([
      request<Summary>("GET", `/evaluation-years/${year}/summary`),
      all<EvaluationSummary>(`/evaluations?status=submitted&fiscal_year=${year}`),
      all<TargetSummary>(`/targets?status=approved&fiscal_year=${year}`),
      loadDepartments(),
    ]);
    summary = s;
    submitted = sub;
    names = new Map(ts.map((x) => [x.id, projectLabel(x.project_name, dept(x.department_code))]));
    message.textContent = "";
    renderAll();
    void loadProgress(progressDate || today());
    const u = new URL(location.href);
    u.searchParams.set("year", String(year));
    history.replaceState(null, "", u);
  } catch (e) {
    message.textContent = denied(e);
  }
}

function dept(code: string, name?: string | null): string {
  return name ?? departments.get(code) ?? code;
}

// ---------------------------------------------------------------- rendering

function renderAll(): void {
  renderSummary();
  renderGrades();
  renderCoverage();
  renderReview();
  renderZero();
  renderRecommendations();
  renderProgress();
}

function renderSummary(): void {
  const s = summary;
  if (!s) return;
  const tile = (id: string, label: string, n: (Node | string)[], extra?: HTMLElement | null) => h("div", { class: "tile", id }, h("span", { class: "n" }, ...n), label, extra ?? null);
  const change = s.recommended_change;
  const closeBtn = h("button", { type: "button", id: "close-year", class: "primary", disabled: s.closed }, t("results.close"));
  closeBtn.addEventListener("click", () => void closeYear());
  const deadlineInput = h("input", { type: "date", id: "deadline-input", disabled: s.closed }) as HTMLInputElement;
  deadlineInput.value = s.deadline ?? "";
  const deadlineBtn = h("button", { type: "button", id: "deadline-save", disabled: s.closed }, t("deadline.set"));
  deadlineBtn.addEventListener("click", () => void setDeadline(deadlineInput.value));
  fill(
    $("summary"),
    h("h2", { id: "results-heading" }, t("results.heading", { year: s.fiscal_year }), " ", h("span", { class: `badge ${s.closed ? "status-filed" : "status-submitted"}`, id: "closed-badge", "data-closed": String(s.closed) }, t(s.closed ? "results.closed" : "results.open"))),
    h("p", { id: "deadline-line", "data-deadline": s.deadline ?? "" }, t("deadline.line", { deadline: s.deadline ?? t("deadline.none") })),
    h(
      "div",
      { class: "tiles" },
      tile("tile-evaluated", t("results.evaluated"), [String(s.evaluated), h("small", {}, ` / ${s.approved_targets}`)]),
      tile("tile-spending", t("results.spending"), [s.evaluated_spending]),
      tile("tile-zero", t("results.zero_count"), [String(s.zero_scores.length)]),
      tile(
        "tile-recommended",
        t("results.recommended"),
        [s.recommended_total],
        h("div", { class: change.startsWith("-") ? "change-neg" : "change-pos" }, t("results.change", { change: signed(change) })),
      ),
    ),
    h(
      "div",
      { class: "panel no-print", id: "close-panel" },
      h(
        "div",
        { class: "row", id: "deadline-form" },
        h("label", { for: "deadline-input" }, t("deadline.label")),
        deadlineInput,
        deadlineBtn,
        h("span", { id: "deadline-status", role: "status" }, deadlineNote || (s.closed ? t("deadline.closed") : "")),
      ),
      h("p", { class: "meta" }, t("results.close.hint")),
      h("div", { class: "row" }, closeBtn, h("span", { id: "close-status", role: "status" }, closeNote || (s.closed ? t("results.close.is_closed", { year: s.fiscal_year }) : ""))),
    ),
  );
}

/** "+12.00" / "-2732.28" / "0". */
function signed(d: string): string {
  return /^-|^0(\.0+)?$/.test(d) ? d : `+${d}`;
}

const SVG = "http://www.w3.org/2000/svg";
function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

/** Share of a count in the evaluated projects, one decimal, for the chart's labels only. */
function share(n: number, of: number): string {
  return of > 0 ? `${(Math.round((n * 1000) / of) / 10).toFixed(1)}%` : "—";
}

/** Vertical bars of the number of projects per final grade (优/良/中/差). */
function renderGrades(): void {
  const sm = summary;
  if (!sm) return;
  const g = sm.grades;
  const n = GRADES.reduce((a, k) => a + g[k], 0);
  const W = 520;
  const H = 280;
  const left = 48;
  const right = 16;
  const top = 30;
  const bottom = 44;
  const plot = H - top - bottom;
  const max = Math.max(1, ...GRADES.map((k) => g[k]));
  // A round axis: four gridlines a whole, round step apart, the top at or above the largest count.
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, Math.ceil(([1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 8, 10].map((m) => m * mag).find((v) => v >= raw) ?? raw)));
  const axisMax = step * 4;
  const y = (v: number) => top + plot - (v / axisMax) * plot;
  const slot = (W - left - right) / GRADES.length;
  const barW = Math.min(64, slot * 0.55);
  const svg = s("svg", { class: "chart", id: "grade-chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": "grade-chart-title grade-chart-desc" });
  svg.append(
    s("title", { id: "grade-chart-title" }, t("results.grades")),
    s("desc", { id: "grade-chart-desc" }, t("results.grades.desc", { ...g, n })),
  );
  for (let i = 0; i <= 4; i++) {
    const v = step * i;
    svg.append(
      s("line", { x1: left, x2: W - right, y1: y(v), y2: y(v), stroke: "#d5dae1", "stroke-width": 1 }),
      s("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end" }, String(v)),
    );
  }
  GRADES.forEach((k: Grade, i) => {
    const cx = left + slot * i + slot / 2;
    const c = g[k];
    const grp = s("g", { "data-grade": k, "data-count": c });
    grp.append(
      s("rect", { class: `bar g-${k}`, x: cx - barW / 2, y: y(c), width: barW, height: Math.max(0, y(0) - y(c)) }, s("title", {}, `${t(`grade.${k}`)}: ${c} (${share(c, n)})`)),
      s("text", { class: "count", x: cx, y: y(c) - 6, "text-anchor": "middle" }, String(c)),
      s("text", { x: cx, y: H - bottom + 18, "text-anchor": "middle" }, t(`grade.${k}`)),
      s("text", { x: cx, y: H - bottom + 34, "text-anchor": "middle", fill: "#556" }, share(c, n)),
    );
    svg.append(grp);
  });
  svg.append(s("line", { x1: left, x2: W - right, y1: y(0), y2: y(0), stroke: "#1d2733", "stroke-width": 1 }));
  fill($("grades"), h("h2", {}, t("results.grades")), svg);
}

function renderCoverage(): void {
  const c = summary?.monitoring;
  if (!c) {
    fill($("coverage"));
    return;
  }
  fill(
    $("coverage"),
    h("h2", {}, t("results.coverage", { year: c.fiscal_year })),
    h(
      "dl",
      { id: "coverage-figures" },
      h("dt", {}, t("results.coverage.units")),
      h("dd", { id: "coverage-units" }, `${c.units_monitored} / ${c.units_with_project_spending}`),
      h("dt", {}, t("results.coverage.money")),
      h("dd", { id: "coverage-money" }, `${c.monitored_spending} / ${c.project_spending}`),
      h("dt", {}, t("results.coverage.rate")),
      h("dd", { id: "coverage-rate", class: "big" }, percent(c.coverage)),
    ),
  );
}

function renderReview(): void {
  fill(
    $("review"),
    h("h2", {}, t("results.review"), ` (${submitted.length})`),
    submitted.length === 0
      ? h("p", { class: "ok", id: "review-none" }, t("results.review.none"))
      : h(
          "table",
          { id: "submitted-table" },
          h(
            "thead",
            {},
            h("tr", {}, ...["results.project", "results.department", "results.dept_score", "results.grade", "results.submitted_at", ""].map((k) => h("th", { scope: "col", class: k === "results.dept_score" ? "num" : k ? undefined : "no-print" }, k ? t(k) : ""))),
          ),
          h(
            "tbody",
            {},
            ...submitted.map((e) => {
              const open = h("button", { type: "button", class: "open", "data-id": e.id }, t("results.view"));
              open.addEventListener("click", () => void openDetail(e.id));
              return h(
                "tr",
                { "data-id": e.id, "data-target": e.target_id, class: e.id === openId ? "selected" : undefined },
                h("td", {}, names.get(e.target_id) ?? e.target_id),
                h("td", {}, dept(e.department_code)),
                h("td", { class: "num" }, e.total ?? "—"),
                h("td", {}, gradeBadge(e.grade)),
                h("td", {}, e.submitted_at ? when(e.submitted_at) : ""),
                h("td", { class: "no-print" }, open),
              );
            }),
          ),
        ),
  );
}

function renderZero(): void {
  const sm = summary;
  if (!sm) return;
  fill(
    $("zero-scores"),
    h("h2", {}, t("results.zero"), ` (${sm.zero_scores.length})`),
    sm.zero_scores.length === 0
      ? h("p", { class: sm.closed ? "ok" : "meta" }, sm.closed ? t("results.zero.none") : t("results.zero.not_closed"))
      : h(
          "table",
          { id: "zero-table" },
          h("thead", {}, h("tr", {}, ...["results.project", "results.department", "results.reason"].map((k) => h("th", { scope: "col" }, t(k))))),
          h(
            "tbody",
            {},
            ...sm.zero_scores.map((z) =>
              h(
                "tr",
                { "data-target": z.target_id, "data-department": z.department_code },
                h("td", {}, z.project_name ?? names.get(z.target_id) ?? projectLabel(null, dept(z.department_code, z.department_name))),
                h("td", {}, dept(z.department_code, z.department_name)),
                h("td", {}, z.reason),
              ),
            ),
          ),
        ),
  );
}

function renderRecommendations(): void {
  const sm = summary;
  if (!sm) return;
  const filter = h(
    "select",
    { id: "rec-filter", "aria-label": t("results.recs.filter"), class: "no-print" },
    h("option", { value: "" }, t("results.recs.all")),
    ...GRADES.map((g) => h("option", { value: g }, t(`grade.${g}`))),
    h("option", { value: "re" }, t("results.recs.re")),
    h("option", { value: "zero" }, t("results.recs.zero")),
  ) as HTMLSelectElement;
  filter.value = recFilter;
  filter.addEventListener("change", () => {
    recFilter = filter.value;
    renderRecommendations();
  });
  const lines = sm.recommendations.filter((r) => !recFilter || (recFilter === "re" ? r.re_evaluated : recFilter === "zero" ? r.zero_score : r.grade === recFilter));
  const cols: [string, boolean][] = [
    ["results.project", false],
    ["results.department", false],
    ["results.annual", true],
    ["results.final", true],
    ["results.grade", false],
    ["results.re_evaluated", false],
    ["results.adjustment", true],
    ["results.next", true],
    ["", false],
  ];
  const change = sm.recommended_change;
  fill(
    $("recommendations"),
    h("h2", {}, t("results.recs"), " ", filter),
    h("p", { class: "meta", id: "rec-shown" }, t("results.shown", { shown: lines.length, n: sm.recommendations.length })),
    h(
      "table",
      { id: "rec-table", class: "recommendations" },
      h("thead", {}, h("tr", {}, ...cols.map(([k, num]) => h("th", { scope: "col", class: num ? "num" : k ? undefined : "no-print" }, k ? t(k) : "")))),
      h(
        "tbody",
        {},
        ...lines.map((r) => {
          const open = h("button", { type: "button", class: "open", "data-target": r.target_id }, t("results.view"));
          open.addEventListener("click", () => void openByTarget(r.target_id));
          return h(
            "tr",
            { "data-target": r.target_id, "data-grade": r.grade, class: r.zero_score ? "zero" : undefined },
            h("td", {}, r.project_name ?? names.get(r.target_id) ?? projectLabel(null, dept(r.department_code))),
            h("td", {}, dept(r.department_code)),
            h("td", { class: "num", "data-col": "annual" }, r.annual_total),
            h("td", { class: "num", "data-col": "score" }, r.final_score),
            h("td", {}, gradeBadge(r.grade), r.zero_score ? ` ${t("results.recs.zero")}` : ""),
            h("td", { "data-col": "re" }, t(r.re_evaluated ? "results.yes" : "results.no")),
            h("td", { class: "num", "data-col": "adjustment" }, adjustmentText(r.adjustment)),
            h("td", { class: "num", "data-col": "recommended" }, r.recommended),
            h("td", { class: "no-print" }, open),
          );
        }),
      ),
      h(
        "tfoot",
        { id: "rec-totals" },
        h(
          "tr",
          { "data-row": "total" },
          h("th", { scope: "row", colspan: "2" }, t("results.total_row", { n: sm.recommendations.length })),
          h("td", { class: "num", id: "total-annual" }, sm.evaluated_spending),
          h("td", { colspan: "4" }, ""),
          h("td", { class: "num", id: "total-recommended" }, sm.recommended_total),
          h("td", { class: "no-print" }, ""),
        ),
        h(
          "tr",
          { "data-row": "change" },
          h("th", { scope: "row", colspan: "7" }, t("results.change_row")),
          h("td", { class: `num ${change.startsWith("-") ? "change-neg" : "change-pos"}`, id: "total-change" }, signed(change)),
          h("td", { class: "no-print" }, ""),
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------- one self-evaluation

function decisionPanel(e: Evaluation): HTMLElement {
  const opinion = h("textarea", { id: "decision-opinion", rows: "3" }) as HTMLTextAreaElement;
  const error = h("p", { id: "decision-error", class: "error-text", role: "alert" });
  const file = h("button", { type: "button", id: "file", class: "primary" }, t("results.file"));
  const ret = h("button", { type: "button", id: "return" }, t("results.return"));
  const decide = async (decision: "file" | "return") => {
    const body: Record<string, unknown> = { decision };
    if (opinion.value.trim()) body.opinion = opinion.value;
    error.textContent = "";
    try {
      await request<Evaluation>("POST", `/evaluations/${encodeURIComponent(e.id)}/decision`, body, { "If-Match": e.etag });
      const done = t(decision === "file" ? "results.filed_msg" : "results.returned_msg");
      await loadYear();
      await openDetail(e.id);
      message.textContent = done;
    } catch (err) {
      if (err instanceof ApiError && err.problem.status === 412) {
        await openDetail(e.id);
        message.textContent = t("results.stale");
      } else error.textContent = problemDetails(err);
    }
  };
  file.addEventListener("click", () => void decide("file"));
  ret.addEventListener("click", () => void decide("return"));
  return h(
    "div",
    { class: "panel no-print", id: "decision" },
    h("h3", {}, t("results.decision")),
    h("label", { for: "decision-opinion" }, t("results.opinion")),
    opinion,
    h("div", { class: "row" }, file, ret),
    error,
  );
}

async function openByTarget(targetId: string): Promise<void> {
  try {
    if (!byTarget) {
      const es = await all<EvaluationSummary>(`/evaluations?fiscal_year=${year}`);
      byTarget = new Map(es.map((e) => [e.target_id, e.id]));
    }
    const id = byTarget.get(targetId);
    if (id) await openDetail(id);
  } catch (e) {
    message.textContent = denied(e);
  }
}

async function openDetail(id: string): Promise<void> {
  openId = id;
  let e: Evaluation;
  let profileId: string;
  try {
    e = await getEvaluation(id);
    profileId = e.profile ?? (await targetProfile(e.target_id));
  } catch (err) {
    fill($("detail"), h("p", { class: "error-text" }, problemText(err)));
    return;
  }
  renderReview();
  const ex = obj(e.document.execution);
  const res = e.result;
  const zero = e.status === "zero_scored";
  const total = zero ? "0" : (res?.total ?? null);
  const grade = zero ? "poor" : (res?.grade ?? null);
  fill(
    $("detail"),
    h(
      "article",
      { class: "panel", id: "eval-detail", "data-id": e.id, "data-status": e.status },
      h("h2", {}, `${t("results.detail")}：${evaluationName(e)}`, " ", evalStatusBadge(e.status)),
      h(
        "p",
        { class: "meta" },
        `${str(obj(e.target.department).name) || dept(e.department_code)} · ${e.fiscal_year}`,
        e.submitted_at ? ` · ${t("estatus.submitted")} ${when(e.submitted_at)}` : "",
        e.decided_at ? ` · ${t(`estatus.${e.status}`)} ${when(e.decided_at)} ${e.decided_by ?? ""}` : "",
      ),
      e.opinion ? h("blockquote", { class: "opinion", id: "detail-opinion" }, e.opinion) : null,
      zero ? h("p", { class: "error-text", id: "detail-zero" }, zeroText(e.zero_reason)) : null,
      h(
        "table",
        { class: "mon-head" },
        h(
          "tbody",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "row" }, t("eval.budget_initial")),
            h("td", {}, str(ex.budget_initial)),
            h("th", { scope: "row" }, t("eval.budget_full_year")),
            h("td", {}, str(ex.budget_full_year)),
            h("th", { scope: "row" }, t("eval.executed")),
            h("td", {}, str(ex.executed)),
          ),
          h("tr", {}, h("th", { scope: "row" }, t("eval.execution")), h("td", { colspan: "5", id: "detail-execution" }, executionFigures(res))),
          h("tr", {}, h("th", { scope: "row" }, t("eval.reason")), h("td", { colspan: "5" }, str(ex.reason))),
        ),
      ),
      evaluationRows(e, profileId),
      h(
        "p",
        { id: "detail-total", "data-total": total ?? "" },
        h("strong", {}, t("eval.total_line", { total: total ?? t("eval.none"), grade: grade ? t(`grade.${grade}`) : t("eval.none") })),
        e.final_total && e.re_evaluations.length ? h("span", {}, " · ", t("eval.final_line", { total: e.final_total, grade: e.final_grade ? t(`grade.${e.final_grade}`) : t("eval.none") })) : null,
      ),
      res?.violations?.length ? h("section", {}, h("h3", {}, t("eval.problems")), violationList(res.violations)) : null,
      reportText(e.document),
      evidenceSection(e.id, e.evidence ?? [], { editable: false }),
      reEvaluations(e, { assignments: false }),
      e.status === "filed" || e.assignments?.length ? assignPanel(e) : null,
      e.status === "filed" ? reEntry(e, profileId) : null,
      e.status === "submitted" ? decisionPanel(e) : null,
    ),
  );
}

/** 复评: a button that opens the shared re-evaluation form of a filed self-evaluation. */
function reEntry(e: Evaluation, profileId: string): HTMLElement {
  const box = h("div", { id: "re-entry", class: "no-print" });
  const open = h("button", { type: "button", id: "re-evaluate", class: "primary" }, t("re.open"));
  open.addEventListener("click", () => {
    fill(
      box,
      reEvaluationForm(e, profileId, {
        onDone: async (updated) => {
          await loadYear();
          await openDetail(updated.id);
          message.textContent = t("re.done", { total: updated.final_total ?? "" });
        },
      }),
    );
    document.getElementById("re-score-x")?.focus();
  });
  box.append(open);
  return box;
}

/** 指派第三方复评: the current assignments and, for a filed self-evaluation, a new one. */
function assignPanel(e: Evaluation): HTMLElement {
  const org = h("input", { type: "text", id: "assign-org", autocomplete: "off", maxlength: "100" }) as HTMLInputElement;
  const btn = h("button", { type: "button", id: "assign-submit" }, t("assign.submit"));
  const status = h("span", { id: "assign-status", role: "status" });
  btn.addEventListener("click", async () => {
    const name = org.value.trim();
    status.className = "error-text";
    if (!name) {
      status.textContent = t("assign.empty");
      return;
    }
    btn.disabled = true;
    try {
      const a = await request<EvaluationAssignment>("POST", `/evaluations/${encodeURIComponent(e.id)}/assignments`, { organisation: name });
      await openDetail(e.id);
      const st = document.getElementById("assign-status");
      if (st) {
        st.className = "ok";
        st.textContent = t("assign.done", { org: a.organisation });
      }
    } catch (err) {
      btn.disabled = false;
      status.textContent = err instanceof ApiError && err.problem.status === 409 ? t("assign.conflict", { detail: err.problem.detail ?? "" }) : problemDetails(err);
    }
  });
  return h(
    "section",
    { class: "panel", id: "assign-panel" },
    h("h3", {}, t("assign.title")),
    assignmentList(e) ?? h("p", { class: "meta", id: "assign-none" }, t("assign.none")),
    e.status === "filed" ? h("div", { class: "row no-print" }, h("label", { for: "assign-org" }, t("assign.org")), org, btn, status) : null,
  );
}

// ---------------------------------------------------------------- the deadline

async function setDeadline(value: string): Promise<void> {
  const st = document.getElementById("deadline-status");
  if (!value) {
    if (st) {
      st.className = "error-text";
      st.textContent = t("deadline.empty");
    }
    return;
  }
  try {
    const out = await request<{ deadline: string }>("PUT", `/evaluation-years/${year}/deadline`, { deadline: value });
    deadlineNote = t("deadline.saved", { deadline: out.deadline });
    closeNote = "";
    if (summary) summary = { ...summary, deadline: out.deadline };
    renderSummary();
    const s2 = document.getElementById("deadline-status");
    if (s2) s2.className = "ok";
  } catch (e) {
    if (st) {
      st.className = "error-text";
      st.textContent = problemDetails(e);
    }
  }
}

// ---------------------------------------------------------------- 动态评估材料

/** Today in China Standard Time (UTC+8), the bureau's day, as YYYY-MM-DD. */
function today(): string {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

async function loadProgress(date: string): Promise<void> {
  progressDate = date;
  const y = year;
  try {
    const p = await request<Progress>("GET", `/evaluation-years/${y}/progress?as_of=${encodeURIComponent(date)}`);
    if (y !== year) return;
    progress = p;
    renderProgress();
  } catch (e) {
    progress = undefined;
    renderProgress(denied(e));
  }
}

const PROGRESS_ROWS: { stage: "review" | "monitoring" | "evaluation"; keys: string[] }[] = [
  { stage: "review", keys: ["declared", "draft", "submitted", "returned", "approved"] },
  { stage: "monitoring", keys: ["rounds_opened", "reports", "submitted", "returned", "accepted", "units_with_projects", "units_monitored", "project_spending", "monitored_spending", "coverage"] },
  { stage: "evaluation", keys: ["started", "draft", "submitted", "returned", "filed", "zero_scored", "re_evaluated", "year_closed"] },
];

function renderProgress(error = ""): void {
  const date = h("input", { type: "date", id: "progress-date" }) as HTMLInputElement;
  date.value = progressDate || today();
  const quick = (id: string, label: string, value: string) => {
    const b = h("button", { type: "button", id, class: "quick", "data-date": value }, label);
    b.addEventListener("click", () => void loadProgress(value));
    return b;
  };
  const pick = h(
    "form",
    { class: "row no-print", id: "progress-pick" },
    h("label", { for: "progress-date" }, t("progress.as_of")),
    date,
    h("button", { type: "submit", id: "progress-show" }, t("progress.show")),
    quick("progress-june", t("progress.june"), `${year}-06-30`),
    quick("progress-september", t("progress.september"), `${year}-09-30`),
    quick("progress-today", t("progress.today"), today()),
  );
  pick.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!date.value) {
      renderProgress(t("progress.bad_date"));
      return;
    }
    void loadProgress(date.value);
  });
  const p = progress;
  const value = (stage: string, key: string): string => {
    if (!p) return "";
    const v = (p as unknown as Record<string, Record<string, unknown>>)[stage][key];
    if (key === "coverage") return percent(v as string | null);
    if (typeof v === "boolean") return t(v ? "results.yes" : "results.no");
    return String(v ?? "");
  };
  fill(
    $("progress"),
    h("h2", {}, t("progress.title")),
    pick,
    error ? h("p", { class: "error-text", id: "progress-error" }, error) : null,
    p
      ? h(
          "div",
          { id: "progress-table", class: "progress-grid", "data-as-of": p.as_of },
          h("p", { id: "progress-caption", class: "caption" }, t("progress.caption", { year: p.fiscal_year, as_of: p.as_of })),
          ...PROGRESS_ROWS.map(({ stage, keys }) =>
            h(
              "table",
              { class: "progress-table", "data-stage": stage },
              h("caption", {}, t(`progress.${stage}`)),
              h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("progress.item")), h("th", { scope: "col", class: "num" }, t("progress.value")))),
              h(
                "tbody",
                {},
                ...keys.map((k) => h("tr", {}, h("th", { scope: "row" }, t(`progress.${stage}.${k}`)), h("td", { class: "num", "data-key": `${stage}.${k}` }, value(stage, k)))),
              ),
            ),
          ),
        )
      : null,
  );
}

// ---------------------------------------------------------------- closing the year

async function closeYear(): Promise<void> {
  const y = year;
  if (!window.confirm(t("results.close.confirm", { year: y }))) return;
  const btn = document.getElementById("close-year") as HTMLButtonElement | null;
  if (btn) btn.disabled = true;
  try {
    const out = await request<CloseOutcome>("POST", `/evaluation-years/${y}/close`);
    closeNote = out.already_closed ? t("results.close.already", { year: y }) : t("results.close.done", { year: y, n: out.zero_scored.length });
    deadlineNote = "";
    await loadYear();
    message.textContent = closeNote;
  } catch (e) {
    if (btn) btn.disabled = false;
    const st = document.getElementById("close-status");
    if (st) {
      st.className = "error-text";
      st.textContent =
        e instanceof ApiError && e.problem.status === 409
          ? t("results.close.refused", {
              year: y,
              why: summary?.deadline ? t("results.close.before_deadline", { deadline: summary.deadline }) : t("results.close.conflict"),
              detail: e.problem.detail ?? "",
            })
          : problemDetails(e);
    }
  }
}

function readYear(): number | null {
  const y = Number(yearInput.value.trim());
  return Number.isInteger(y) && y >= 2000 && y <= 2100 ? y : null;
}

async function start(): Promise<void> {
  await chrome(true, () => {
    if (summary) renderAll();
    if (openId) void openDetail(openId);
    void loadYear();
  });
  const params = new URLSearchParams(location.search);
  const wanted = Number(params.get("year"));
  if (Number.isInteger(wanted) && wanted >= 2000 && wanted <= 2100) year = wanted;
  yearInput.value = String(year);
  $("year-pick").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const y = readYear();
    if (y === null) {
      message.textContent = t("results.bad_year");
      return;
    }
    year = y;
    openId = undefined;
    closeNote = "";
    deadlineNote = "";
    progress = undefined;
    progressDate = "";
    fill($("detail"));
    void loadYear();
  });
  $("print").addEventListener("click", () => window.print());
  await loadYear();
  const id = params.get("evaluation");
  if (id) await openDetail(id);
}

void start();
