// The finance bureau's evaluation results (绩效评价结果, FORMATS §7) for a year: targets
// evaluated against those approved, the grade distribution (an inline SVG bar chart), the
// zero-score list, next year's budget recommendations with their totals and change (结果应用),
// the year's monitoring coverage, and 关闭年度自评 (every approved target without a filed
// self-evaluation scores 0). Finance also files (备案) or returns (退回, with an opinion) the
// submitted self-evaluations here, and can open any one to see its rows and re-evaluations.
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
  evalStatusBadge,
  evaluationRows,
  executionFigures,
  getEvaluation,
  gradeBadge,
  obj,
  percent,
  reEvaluations,
  reportText,
  str,
  targetProfile,
  zeroText,
} from "./common";
import type { CloseOutcome, Evaluation, EvaluationSummary, Grade, Summary } from "./common";

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
    names = new Map(ts.map((x) => [x.id, x.project_name ?? x.id]));
    message.textContent = "";
    renderAll();
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
}

function renderSummary(): void {
  const s = summary;
  if (!s) return;
  const tile = (id: string, label: string, n: (Node | string)[], extra?: HTMLElement | null) => h("div", { class: "tile", id }, h("span", { class: "n" }, ...n), label, extra ?? null);
  const change = s.recommended_change;
  const closeBtn = h("button", { type: "button", id: "close-year", class: "primary", disabled: s.closed }, t("results.close"));
  closeBtn.addEventListener("click", () => void closeYear());
  fill(
    $("summary"),
    h("h2", { id: "results-heading" }, t("results.heading", { year: s.fiscal_year }), " ", h("span", { class: `badge ${s.closed ? "status-filed" : "status-submitted"}`, id: "closed-badge", "data-closed": String(s.closed) }, t(s.closed ? "results.closed" : "results.open"))),
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
                h("td", {}, z.project_name ?? names.get(z.target_id) ?? z.target_id),
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
            h("td", {}, r.project_name ?? names.get(r.target_id) ?? r.target_id),
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
    profileId = await targetProfile(e.target_id);
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
      h("h2", {}, `${t("results.detail")}：${e.project_name ?? str(obj(e.target.project).name)}`, " ", evalStatusBadge(e.status)),
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
      reEvaluations(e),
      e.status === "submitted" ? decisionPanel(e) : null,
    ),
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
    await loadYear();
    message.textContent = closeNote;
  } catch (e) {
    if (btn) btn.disabled = false;
    const st = document.getElementById("close-status");
    if (st) {
      st.className = "error-text";
      st.textContent = problemDetails(e);
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
    fill($("detail"));
    void loadYear();
  });
  $("print").addEventListener("click", () => window.print());
  await loadYear();
  const id = params.get("evaluation");
  if (id) await openDetail(id);
}

void start();
