// Shared code of the monitoring pages (绩效运行监控, FORMATS §6/§7, crates/server/MONITORING-API.md):
// the API shapes, the WASM `monitor` call, labels (lights, likelihood, causes, report
// statuses) and small renderers. No rule lives here: every light, ratio and message
// comes from the WASM module (`monitor`) or from the server, which run the same code.

import { monitor as wasmMonitor } from "../../pkg/jixiao_wasm.js";
import { register } from "../lib/i18n";
import type { Locale, Violation } from "../lib/rules";
import { currentLocale, h, request, t } from "../review/common";

export type { Violation };

/** A light of §6. */
export type Light = "red" | "yellow" | "green" | "blue";
/** Status of a monitoring report. */
export type ReportStatus = "draft" | "submitted" | "returned" | "accepted";
/** The report statuses in life-cycle order. */
export const REPORT_STATUSES: ReportStatus[] = ["draft", "submitted", "returned", "accepted"];
/** The five causes of §6, in the order of the paper form. */
export const CAUSES = ["funding", "institutional", "staffing", "hardware", "other"] as const;
/** The three likelihoods of §6. */
export const LIKELIHOODS = ["certain", "possible", "impossible"] as const;

/** A page of a list route. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** A monitoring round (监控轮次). */
export interface Round {
  id: string;
  fiscal_year: number;
  through_month: number;
  deadline: string;
  opened_by: string;
  opened_at: string;
  overdue: boolean;
  counts: Record<"due" | "not_started" | ReportStatus, number>;
}

/** An approved project target due for a round. */
export interface DueTarget {
  target_id: string;
  department_code: string;
  department_name: string | null;
  project_name: string | null;
  annual_total: string | null;
  report_id: string | null;
  status: ReportStatus | null;
  light: Light | null;
}

/** A rectification requirement (整改). */
export interface Rectification {
  id: string;
  report_id: string;
  target_id: string;
  department_code: string;
  project_name: string | null;
  requirement: string;
  due: string;
  status: "open" | "done";
  result: string | null;
  raised_by: string;
  raised_at: string;
  resolved_by: string | null;
  resolved_at: string | null;
  overdue: boolean;
}

/** A report in a list. */
export interface ReportSummary {
  id: string;
  round_id: string;
  target_id: string;
  department_code: string;
  department_name: string | null;
  project_name: string | null;
  fiscal_year: number;
  through_month: number;
  status: ReportStatus;
  light: Light | null;
  error_count: number;
  warning_count: number;
  etag: string;
  version: number;
  opinion: string | null;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
  decided_at: string | null;
  decided_by: string | null;
}

/** One row's result in the §6 output. */
export interface RowResult {
  indicator_id: string;
  rule: string;
  ratio: string | null;
  light: Light | null;
}

/** The §6 output (`jixiao monitor`, WASM `monitor`, `POST /monitor`). */
export interface MonitorResult {
  time_progress: string | null;
  execution: { rate: string | null; ratio: string | null; light: Light | null };
  indicators: RowResult[];
  light: Light | null;
  counts: Record<Light, number>;
  violations: Violation[];
}

/** A report with its document, target, previous report and result. */
export interface Report extends ReportSummary {
  document: Record<string, unknown>;
  target: Record<string, unknown>;
  previous: Record<string, unknown> | null;
  result: MonitorResult;
  rectifications: Rectification[];
  /** Not in the contract; read when a server sends it. */
  profile?: string;
}

/** The finance board of a round. */
export interface Board {
  round: Round;
  time_progress: string;
  lights: { red: number; yellow: number; green: number };
  departments: {
    department_code: string;
    department_name: string | null;
    due: number;
    reported: number;
    accepted: number;
    red: number;
    yellow: number;
    green: number;
    budget: string;
    executed: string;
    execution_rate: string | null;
  }[];
  overdue_departments: { department_code: string; department_name: string | null; missing: number }[];
}

/** A report with a red or yellow light, with its red/yellow rows. */
export interface Deviation {
  report_id: string;
  target_id: string;
  department_code: string;
  department_name: string | null;
  project_name: string | null;
  status: ReportStatus;
  light: Light | null;
  execution: { rate: string | null; ratio: string | null; light: Light | null; reason: string | null };
  rows: {
    indicator_id: string;
    name: string | null;
    rule: string;
    ratio: string | null;
    light: Light | null;
    actual_to_date: unknown;
    likelihood: unknown;
    causes: unknown;
    measures: unknown;
  }[];
}

/** Monitoring coverage (FORMATS §7). */
export interface Coverage {
  fiscal_year: number;
  through_month: number | null;
  units_with_project_spending: number;
  units_monitored: number;
  project_spending: string;
  monitored_spending: string;
  coverage: string | null;
}

/** Runs the WASM `monitor` (the same JSON `jixiao monitor` prints); call after `chrome()`, which loads the module. */
export function monitor(target: unknown, report: unknown, previous: unknown, profileId: string, locale: Locale = currentLocale()): MonitorResult {
  const prev = previous === null || previous === undefined ? "" : JSON.stringify(previous);
  return JSON.parse(wasmMonitor(JSON.stringify(target), JSON.stringify(report), prev, profileId, locale)) as MonitorResult;
}

/** The default rule profile (FORMATS §2), used when neither report nor target names one. */
export const DEFAULT_PROFILE = "artux-2018";

/** The rule profile a report is checked with: the report's, else its target's stored profile. */
export async function profileOf(report: Report): Promise<string> {
  if (report.profile) return report.profile;
  try {
    const tg = await request<{ profile?: string }>("GET", `/targets/${encodeURIComponent(report.target_id)}`);
    return tg.profile ?? DEFAULT_PROFILE;
  } catch {
    return DEFAULT_PROFILE;
  }
}

/** GET a report in the page language. */
export function getReport(id: string): Promise<Report> {
  return request<Report>("GET", `/monitoring/reports/${encodeURIComponent(id)}?locale=${encodeURIComponent(currentLocale())}`);
}

/** Every round (all pages), newest year and month first. */
export async function allRounds(): Promise<Round[]> {
  const out: Round[] = [];
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `?limit=200&cursor=${encodeURIComponent(cursor)}` : "?limit=200";
    const page: Page<Round> = await request<Page<Round>>("GET", `/monitoring/rounds${q}`);
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out.sort((a, b) => b.fiscal_year - a.fiscal_year || b.through_month - a.through_month);
}

/** Every item of a list route (follows `next_cursor`). */
export async function all<T>(path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  const sep = path.includes("?") ? "&" : "?";
  do {
    const page: Page<T> = await request<Page<T>>("GET", `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

/** A decimal string shown as a percentage with 2 decimals ("0.4630" → "46.30%"), without float rounding. */
export function percent(s: string | null | undefined): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s ?? "");
  if (!m) return "—";
  const frac = m[3] ?? "";
  // value × 10⁴ = percentage × 10²; round half away from zero on the next digit.
  let n = BigInt(m[2]) * 10000n + BigInt((frac + "0000").slice(0, 4));
  if ((frac[4] ?? "0") >= "5") n += 1n;
  const txt = n.toString().padStart(3, "0");
  return `${m[1] && n !== 0n ? "-" : ""}${txt.slice(0, -2)}.${txt.slice(-2)}%`;
}

/** The fraction a decimal string stands for, for drawing only (never for a decision). */
export function fraction(s: string | null | undefined): number | null {
  if (s === null || s === undefined || s === "") return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

register(
  {
    "light.red": "红",
    "light.yellow": "黄",
    "light.green": "绿",
    "light.blue": "蓝",
    "light.none": "未定",
    "light.word": "{light}灯",
    "likelihood.certain": "确定能",
    "likelihood.possible": "有可能",
    "likelihood.impossible": "完全不可能",
    "likelihood.choose": "请选择",
    "cause.funding": "经费保障",
    "cause.institutional": "制度保障",
    "cause.staffing": "人员保障",
    "cause.hardware": "硬件条件保障",
    "cause.other": "其他",
    "mstatus.draft": "草稿",
    "mstatus.submitted": "已提交",
    "mstatus.returned": "已退回",
    "mstatus.accepted": "已审核",
    "mstatus.not_started": "未填报",
    "rule.time_proportional": "按时间进度",
    "rule.within_target": "对照目标值",
    "rule.date": "完成时限",
    "rule.qualitative": "定性",
    "rule.missing": "未填报",
    "mon.period": "1—{n}月",
    "mon.round": "监控轮次",
    "mon.round.label": "{year}年 1—{n}月（截止 {deadline}）",
    "mon.round.overdue": "已过截止日期",
    "mon.no_rounds": "暂无监控轮次",
    "mon.project": "项目名称",
    "mon.department": "主管部门",
    "mon.unit": "实施单位",
    "mon.budget": "全年预算数（万元）",
    "mon.executed": "1—{n}月执行数（万元）",
    "mon.forecast": "全年预计执行数（万元）",
    "mon.reason": "执行偏差原因",
    "mon.goal": "年度总体目标",
    "mon.goal_progress": "1—{n}月执行情况",
    "mon.execution": "预算执行",
    "mon.execution.figures": "执行率 {rate} · 时间进度 {time} · 执行进度比 {ratio}",
    "mon.time_progress": "时间进度",
    "mon.level1": "一级指标",
    "mon.level2": "二级指标",
    "mon.level3": "三级指标",
    "mon.value": "年度指标值",
    "mon.actual": "1—{n}月实际完成值",
    "mon.forecast_row": "全年预计完成值",
    "mon.likelihood": "完成目标可能性",
    "mon.causes": "偏差原因分析",
    "mon.measures": "纠偏措施",
    "mon.light": "预警",
    "mon.ratio": "进度比",
    "mon.report_light": "监控结果",
    "mon.counts": "红 {red} · 黄 {yellow} · 绿 {green} · 蓝 {blue}",
    "mon.problems": "监控规则检查",
    "mon.opinion": "财政部门意见",
    "mon.rectifications": "整改要求",
    "mon.rect.due": "整改期限 {due}",
    "mon.rect.overdue": "已逾期",
    "mon.rect.done": "已整改：{result}",
    "mon.rect.open": "待整改",
    "mon.status": "状态",
    "mon.open": "查看",
  },
  {
    "light.red": "Red",
    "light.yellow": "Yellow",
    "light.green": "Green",
    "light.blue": "Blue",
    "light.none": "Not yet",
    "light.word": "{light}",
    "likelihood.certain": "Certain",
    "likelihood.possible": "Possible",
    "likelihood.impossible": "Impossible",
    "likelihood.choose": "Choose",
    "cause.funding": "Funding",
    "cause.institutional": "Institutional",
    "cause.staffing": "Staffing",
    "cause.hardware": "Hardware",
    "cause.other": "Other",
    "mstatus.draft": "Draft",
    "mstatus.submitted": "Submitted",
    "mstatus.returned": "Returned",
    "mstatus.accepted": "Accepted",
    "mstatus.not_started": "Not started",
    "rule.time_proportional": "Against time progress",
    "rule.within_target": "Against the target",
    "rule.date": "Deadline",
    "rule.qualitative": "Qualitative",
    "rule.missing": "Missing",
    "mon.period": "months 1–{n}",
    "mon.round": "Round",
    "mon.round.label": "{year}, months 1–{n} (due {deadline})",
    "mon.round.overdue": "past the deadline",
    "mon.no_rounds": "No monitoring round yet",
    "mon.project": "Project",
    "mon.department": "Department",
    "mon.unit": "Implementing unit",
    "mon.budget": "Full-year budget (10k yuan)",
    "mon.executed": "Executed, months 1–{n} (10k yuan)",
    "mon.forecast": "Forecast full-year execution (10k yuan)",
    "mon.reason": "Reason for the execution gap",
    "mon.goal": "Annual goal",
    "mon.goal_progress": "Progress, months 1–{n}",
    "mon.execution": "Budget execution",
    "mon.execution.figures": "Execution rate {rate} · time progress {time} · ratio {ratio}",
    "mon.time_progress": "Time progress",
    "mon.level1": "Level 1",
    "mon.level2": "Level 2",
    "mon.level3": "Indicator",
    "mon.value": "Annual target",
    "mon.actual": "Actual, months 1–{n}",
    "mon.forecast_row": "Full-year forecast",
    "mon.likelihood": "Likelihood of meeting it",
    "mon.causes": "Causes of the gap",
    "mon.measures": "Corrective measures",
    "mon.light": "Light",
    "mon.ratio": "Ratio",
    "mon.report_light": "Report light",
    "mon.counts": "red {red} · yellow {yellow} · green {green} · blue {blue}",
    "mon.problems": "Monitoring rule check",
    "mon.opinion": "Finance bureau's opinion",
    "mon.rectifications": "Rectification required",
    "mon.rect.due": "due {due}",
    "mon.rect.overdue": "overdue",
    "mon.rect.done": "Rectified: {result}",
    "mon.rect.open": "Open",
    "mon.status": "Status",
    "mon.open": "Open",
  },
);

/** A light as a coloured dot with its name (never colour alone). */
export function lightBadge(light: Light | null | undefined, extra = ""): HTMLElement {
  const l = light ?? "none";
  return h(
    "span",
    { class: `light light-${l}`, "data-light": l },
    h("span", { class: "dot", "aria-hidden": "true" }),
    light ? t("light.word", { light: t(`light.${l}`) }) : t("light.none"),
    extra ? h("small", {}, ` ${extra}`) : null,
  );
}

/** A report status badge (reuses the review pages' colours). */
export function reportStatusBadge(s: ReportStatus | "not_started" | null): HTMLElement {
  const k = s ?? "not_started";
  return h("span", { class: `badge status-${k}`, "data-status": k }, t(`mstatus.${k}`));
}

/** The rectifications of a report. */
export function rectificationList(rs: Rectification[]): HTMLElement {
  return h(
    "ul",
    { class: "rectifications" },
    ...rs.map((r) =>
      h(
        "li",
        { "data-id": r.id, class: `rect-${r.status}${r.overdue ? " rect-overdue" : ""}` },
        h("strong", {}, "需要整改"),
        "：",
        r.requirement,
        " · ",
        t("mon.rect.due", { due: r.due }),
        r.overdue && r.status === "open" ? h("span", { class: "badge status-returned" }, ` ${t("mon.rect.overdue")}`) : null,
        " · ",
        r.status === "done" ? t("mon.rect.done", { result: r.result ?? "" }) : t("mon.rect.open"),
      ),
    ),
  );
}

/** A target indicator's value as written on the form ("=360人", "≤2019-10-31", "明显改善"). */
export function indicatorValue(i: Record<string, unknown>): string {
  const ops: Record<string, string> = { ge: "≥", gt: ">", eq: "=", le: "≤", lt: "<" };
  return `${ops[String(i.operator ?? "")] ?? ""}${String(i.value ?? "")}${i.unit ? String(i.unit) : ""}`;
}

/** An object or {}. */
export function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** A value as text ("" for null/absent). */
export function str(v: unknown): string {
  if (v === null || v === undefined) return "";
  return typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
}

/** The through-month of a report document (or of its round). */
export function monthOf(doc: Record<string, unknown>, fallback: number): number {
  const m = obj(doc.period).through_month;
  return typeof m === "number" && Number.isInteger(m) ? m : fallback;
}

/** A department's name, or its code when the server knows no name. */
export function deptName(x: { department_code: string; department_name: string | null }): string {
  return x.department_name ?? x.department_code;
}

/** A likelihood as its label (an unknown value as written). */
export function likelihoodText(v: unknown): string {
  const s = str(v);
  return (LIKELIHOODS as readonly string[]).includes(s) ? t(`likelihood.${s}`) : s;
}

/** Causes as their labels, joined (unknown values as written). */
export function causesText(v: unknown): string {
  const list = Array.isArray(v) ? v.map(str) : v === null || v === undefined || v === "" ? [] : [str(v)];
  return list.map((c) => ((CAUSES as readonly string[]).includes(c) ? t(`cause.${c}`) : c)).join("、");
}
