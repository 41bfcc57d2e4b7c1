// The words the app shows for the API's codes (statuses, roles), and small formatters.
import type { Role, Status } from "./api";

export const STATUS: Record<Status, string> = { draft: "草稿", submitted: "已提交", returned: "已退回", approved: "已批复" };
export const STATUS_TAG: Record<Status, "info" | "warning" | "danger" | "success"> = {
  draft: "info",
  submitted: "warning",
  returned: "danger",
  approved: "success",
};
export const ROLE: Record<Role, string> = { department: "预算部门", finance: "财政局", assessor: "第三方机构", admin: "系统管理员" };

/** An RFC 3339 UTC time as local 年-月-日 时:分. */
export function when(at: string | null | undefined): string {
  if (!at) return "";
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The date part only. */
export function day(at: string | null | undefined): string {
  return when(at).slice(0, 10);
}

/** A 万元 decimal string with two decimals and thousands separators. */
export function money(v: string | null | undefined): string {
  if (v === null || v === undefined || v === "") return "";
  const [i, f = ""] = v.split(".");
  return `${i.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${(f + "00").slice(0, 2)}`;
}

/** Fiscal years offered in filters: from 2018 to next year, newest first. */
export function years(): number[] {
  const last = new Date().getFullYear() + 1;
  return Array.from({ length: last - 2017 }, (_, i) => last - i);
}
