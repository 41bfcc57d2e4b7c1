// Words and small formatters of the monitoring views (绩效运行监控, FORMATS §6/§7). No rule
// lives here: every light, ratio and rate comes from the server.
import type { Schemas } from "../../api";

export type Light = Schemas["Light"];
export type ReportStatus = Schemas["ReportStatus"];
export type Round = Schemas["Round"];
export type BoardView = Schemas["BoardView"];
export type Deviation = Schemas["Deviation"];
export type ReportSummary = Schemas["ReportSummary"];
export type Report = Schemas["Report"];
export type Coverage = Schemas["Coverage"];
export type Rectification = Schemas["Rectification"];

export const LIGHT: Record<Light, string> = { red: "红灯", yellow: "黄灯", green: "绿灯", blue: "蓝灯" };
export const LIGHT_TAG: Record<Light, "danger" | "warning" | "success" | "primary"> = {
  red: "danger",
  yellow: "warning",
  green: "success",
  blue: "primary",
};
/** The colours the charts draw a light with (dark enough for text beside them). */
export const LIGHT_COLOR: Record<Light, string> = { red: "#b91c1c", yellow: "#d97706", green: "#15803d", blue: "#1d4ed8" };

export const REPORT_STATUS: Record<ReportStatus, string> = { draft: "草稿", submitted: "已提交", returned: "已退回", accepted: "已审核" };
export const REPORT_STATUS_TAG: Record<ReportStatus, "info" | "warning" | "danger" | "success"> = {
  draft: "info",
  submitted: "warning",
  returned: "danger",
  accepted: "success",
};
export const RULE: Record<Schemas["MonitorRule"], string> = {
  time_proportional: "按时间进度",
  within_target: "对照目标值",
  date: "完成时限",
  qualitative: "定性",
  missing: "未填报",
};
const CAUSE: Record<string, string> = { funding: "经费保障", institutional: "制度保障", staffing: "人员保障", hardware: "硬件条件保障", other: "其他" };
const LIKELIHOOD: Record<string, string> = { certain: "确定能", possible: "有可能", impossible: "完全不可能" };

/** A JSON value of a report row as text ("" for null). */
export function text(v: unknown): string {
  if (v === null || v === undefined) return "";
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
}

/** An object or {}. */
export function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** 偏差原因: the §6 cause codes in words, joined with 、. */
export function causesText(v: unknown): string {
  const list = Array.isArray(v) ? v.map(text) : text(v) ? [text(v)] : [];
  return list.map((c) => CAUSE[c] ?? c).join("、");
}

/** 完成目标可能性 in words. */
export function likelihoodText(v: unknown): string {
  const s = text(v);
  return LIKELIHOOD[s] ?? s;
}

/** A decimal string as a percentage with 2 decimals ("0.4630" → "46.30%"), without float rounding. */
export function percent(s: string | null | undefined): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s ?? "");
  if (!m) return "—";
  const frac = m[3] ?? "";
  let n = BigInt(m[2]) * 10000n + BigInt((frac + "0000").slice(0, 4));
  if ((frac[4] ?? "0") >= "5") n += 1n;
  const txt = n.toString().padStart(3, "0");
  return `${m[1] && n !== 0n ? "-" : ""}${txt.slice(0, -2)}.${txt.slice(-2)}%`;
}

/** The number a decimal string stands for — for drawing and sorting only, never a decision. */
export function fraction(s: string | null | undefined): number | null {
  if (s === null || s === undefined || s === "") return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** A target indicator's value as written on the form ("=360人", "≤2019-10-31"). */
export function indicatorValue(i: Record<string, unknown>): string {
  const ops: Record<string, string> = { ge: "≥", gt: ">", eq: "=", le: "≤", lt: "<" };
  return `${ops[text(i.operator)] ?? ""}${text(i.value)}${i.unit ? text(i.unit) : ""}`;
}

/** A round in a selector: 2019年 1—3月（截止 2019-04-15）. */
export function roundLabel(r: Round): string {
  return `${r.fiscal_year}年 1—${r.through_month}月（截止 ${r.deadline}）${r.overdue ? " · 已过截止日期" : ""}`;
}

/** Every page of a cursor list, `limit` 200 at a time. */
export async function allPages<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; next_cursor?: string | null }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await page(cursor);
    out.push(...p.items);
    cursor = p.next_cursor ?? undefined;
  } while (cursor);
  return out;
}
