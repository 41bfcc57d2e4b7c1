// Words, types and small helpers of the evaluation views (绩效自评 → 复评, FORMATS §4/§4.1,
// crates/server/EVALUATION-API.md). No rule lives here: every score, grade and message comes
// from the WASM module's `score` (the same code the server and `jixiao score` run) or from the
// server. Violations carry JSON Pointers into the evaluation document; a clerk is shown the
// field's name instead (`fieldName`).
import { apiBase, requestHeaders, type Schemas } from "../../api";
import { saveBlob } from "../../../lib/dom";

export type Evaluation = Schemas["Evaluation"];
export type EvaluationSummary = Schemas["EvaluationSummary"];
export type EvalStatus = Schemas["EvaluationStatus"];
export type Grade = Schemas["Grade"];
export type Evidence = Schemas["Evidence"];
export type Violation = Schemas["Violation"];
export type ScoreReport = Schemas["ScoreReport"];
export type IndicatorScore = Schemas["IndicatorScore"];
export type ReEvaluation = Schemas["ReEvaluation"];
export type Doc = Record<string, unknown>;

export const EVAL_STATUS: Record<EvalStatus | "none", string> = {
  none: "未自评",
  draft: "草稿",
  submitted: "已提交",
  returned: "已退回",
  filed: "已备案",
  zero_scored: "未自评计零分",
};
export const EVAL_STATUS_TAG: Record<EvalStatus | "none", "info" | "warning" | "danger" | "success" | "primary"> = {
  none: "info",
  draft: "info",
  submitted: "warning",
  returned: "danger",
  filed: "success",
  zero_scored: "danger",
};
export const GRADE: Record<Grade, string> = { excellent: "优", good: "良", fair: "中", poor: "差" };
export const GRADE_TAG: Record<Grade, "success" | "primary" | "warning" | "danger"> = { excellent: "success", good: "primary", fair: "warning", poor: "danger" };
export const TIERS: [string, string][] = [
  ["achieved", "达成"],
  ["partial", "部分达成"],
  ["not_achieved", "未达成"],
];
export const TIER: Record<string, string> = Object.fromEntries(TIERS);
export const RULE: Record<string, string> = {
  full: "满分",
  proportional: "按完成比例",
  reverse_proportional: "按反向比例",
  zero_target: "零目标值",
  date: "完成时限",
  qualitative_tier: "定性档次",
  missing: "未填报",
};
export const REPORT_PARTS: [string, string][] = [
  ["basic", "一、项目基本情况"],
  ["achievement", "二、绩效目标完成情况"],
  ["deviation", "三、偏差及原因分析"],
  ["improvement", "四、存在的问题和改进措施"],
];
export const NONE = "—";

/** An object or {}. */
export function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** A JSON value as text ("" for null/absent). */
export function str(v: unknown): string {
  if (v === null || v === undefined) return "";
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
}

/** A deep copy of a JSON value (also of a reactive one, which structuredClone refuses). */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v ?? null)) as T;
}

/** The rows of an array value, as objects. */
export function rowsOf(v: unknown): Record<string, unknown>[] {
  return (Array.isArray(v) ? v : []).map(obj);
}

/** A target indicator as the views read it. */
export interface Indicator {
  id: string;
  level1: string;
  level2: string;
  name: string;
  nature: string;
  operator: string;
  value: string;
  unit: string;
  points: string;
}

/** The target's indicators, in its order. */
export function indicators(target: unknown): Indicator[] {
  return rowsOf(obj(target).indicators).map((i) => ({
    id: str(i.id),
    level1: str(i.level1),
    level2: str(i.level2),
    name: str(i.name),
    nature: str(i.nature),
    operator: str(i.operator),
    value: str(i.value),
    unit: str(i.unit),
    points: str(i.points),
  }));
}

const OPS: Record<string, string> = { ge: "≥", gt: ">", eq: "=", le: "≤", lt: "<" };
/** The annual target value of an indicator ("=360人", "≤2019-10-31", "明显改善"). */
export function indicatorValue(i: Indicator): string {
  return `${OPS[i.operator] ?? ""}${i.value}${i.unit}`;
}

/** The project's name, or 部门整体支出 (of its department) for a department-wide target. */
export function projectLabel(name: string | null | undefined, department?: string | null): string {
  if (name) return name;
  return department ? `部门整体支出（${department}）` : "部门整体支出";
}

/** The name of a self-evaluation's project. */
export function evaluationName(e: Pick<Evaluation, "project_name" | "target">): string {
  const t = obj(e.target);
  return projectLabel(e.project_name ?? (str(obj(t.project).name) || null), str(obj(t.department).name) || null);
}

/** "14.92 / 15" (— for what is missing). */
export function scoreText(s: string | null | undefined, points: string | null | undefined): string {
  return `${s ?? NONE} / ${points || NONE}`;
}

/** A decimal string as a percentage with 2 decimals ("0.9833" → "98.33%"), without float rounding. */
export function percent(s: string | null | undefined): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s ?? "");
  if (!m) return NONE;
  const frac = m[3] ?? "";
  let n = BigInt(m[2]) * 10000n + BigInt((frac + "0000").slice(0, 4));
  if ((frac[4] ?? "0") >= "5") n += 1n;
  const txt = n.toString().padStart(3, "0");
  return `${m[1] && n !== 0n ? "-" : ""}${txt.slice(0, -2)}.${txt.slice(-2)}%`;
}

/** A size in bytes, briefly ("532 B", "12.4 KB", "3.1 MB"). */
export function sizeText(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Every page of a cursor-paged list. */
export async function allPages<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; next_cursor?: string | null }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < 100; n++) {
    const p = await page(cursor);
    out.push(...p.items);
    if (!p.next_cursor) break;
    cursor = p.next_cursor;
  }
  return out;
}

// ---------------------------------------------------------------- field names of violations

/** The unescaped tokens of a JSON Pointer. */
function tokens(p: string): string[] {
  return p === "" ? [] : p.slice(1).split("/").map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

const EXECUTION: Record<string, string> = {
  budget_initial: "年初预算数",
  budget_full_year: "全年预算数",
  executed: "全年执行数",
  reason: "执行偏差原因",
};
const ROW: Record<string, string> = {
  actual: "实际完成值",
  tier: "达成档次",
  score: "自评得分",
  deviation_reason: "偏差原因分析及改进措施",
  indicator_id: "指标",
};
const OVERRIDE: Record<string, string> = { "": "复评", score: "复评得分", reason: "调整理由" };

/** The name of the indicator a document row scores (its `indicator_id` in the target). */
export function rowName(target: unknown, doc: Doc, k: number): string {
  const id = str(rowsOf(doc.results)[k]?.indicator_id);
  const ind = indicators(target).find((i) => i.id === id);
  return ind?.name || (id ? `指标 ${id}` : `第 ${k + 1} 行指标`);
}

/** The field a violation's pointer names, in words (never the pointer itself). */
export function fieldName(path: string, target: unknown, doc: Doc, v?: Pick<Violation, "code" | "params">): string {
  const t = tokens(path);
  if (t[0] === "evaluation") return fieldName(path.slice("/evaluation".length), target, doc, v);
  if (t.length === 0) return "自评表";
  if (t[0] === "reason" && t.length === 1) return "复评意见";
  if (t[0] === "execution") {
    if (t.length === 1) return "预算执行";
    if (t[1] === "override") return `预算执行${OVERRIDE[t[2] ?? ""] ?? "复评"}`;
    return EXECUTION[t[1]] ?? "预算执行";
  }
  if (t[0] === "results") {
    if (t.length === 1) {
      const id = str(obj(v?.params).indicator_id);
      const ind = indicators(target).find((i) => i.id === id);
      return ind ? `「${ind.name}」` : "绩效指标";
    }
    const k = Number(t[1]);
    if (!Number.isInteger(k)) return "绩效指标";
    const name = `「${rowName(target, doc, k)}」`;
    if (t.length === 2) return name;
    if (t[2] === "override") return `${name}${OVERRIDE[t[3] ?? ""] ?? "复评"}`;
    return `${name}${ROW[t[2]] ?? ""}`;
  }
  if (t[0] === "report") {
    const part = REPORT_PARTS.find(([k]) => k === t[1]);
    return part ? `自评报告 ${part[1]}` : "自评报告";
  }
  return "自评表";
}

/** A violation's message for a clerk: the server's or the module's text, or a plainer one. */
export function messageOf(v: Violation): string {
  if (v.code === "EVAL_RESULT_MISSING") return "未填写自评结果";
  return v.message;
}

/** The violations at one pointer. */
export function at(list: Violation[], p: string): Violation[] {
  return list.filter((v) => v.path === p);
}

// ---------------------------------------------------------------- the WASM module

type Rules = typeof import("../../../lib/rules");
let rules: Rules | undefined;
let loading: Promise<Rules> | undefined;

/** Loads the WASM module (once; its own chunk). */
export function loadRules(): Promise<Rules> {
  loading ??= import("../../../lib/rules").then(async (m) => {
    await m.loadRules();
    rules = m;
    return m;
  });
  return loading;
}

/** Scores an evaluation document with the WASM `score` (call after `loadRules`). */
export function scoreNow(target: unknown, doc: Doc, profile: string): ScoreReport {
  if (!rules) throw new Error("评分模块尚未加载");
  return JSON.parse(rules.score(JSON.stringify(target), JSON.stringify(doc), profile, "zh-CN")) as ScoreReport;
}

/** Level-1 and level-2 names of a profile's indicator framework (after `loadRules`). */
export function levelLabels(profile: string): { l1: (c: string) => string; l2: (c1: string, c2: string) => string } {
  const all = rules?.profiles() ?? [];
  const p = all.find((x) => x.id === profile) ?? all[0];
  return {
    l1: (c) => p?.framework.level1.find((l) => l.code === c)?.label["zh-CN"] ?? c,
    l2: (c1, c2) => p?.framework.level1.find((l) => l.code === c1)?.level2.find((l) => l.code === c2)?.label["zh-CN"] ?? c2,
  };
}

// ---------------------------------------------------------------- evidence files

/** The file kinds the server accepts, for the file picker (it checks name and content itself). */
export const ACCEPT = ".pdf,.ofd,.jpg,.jpeg,.png,.xlsx,.docx,.xls,.doc,.zip";
/** The server's size limit per file (20 MiB): a larger file is not sent at all. */
export const MAX_BYTES = 20 * 1024 * 1024;

/** What a failed evidence call answered: the status and the server's problem. */
export class FileError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail || `HTTP ${status}`);
  }
}

function detailOf(text: string): string {
  try {
    const p = JSON.parse(text) as { detail?: string; title?: string };
    return p.detail ?? p.title ?? "";
  } catch {
    return "";
  }
}

/** Uploads one file (its bytes as the body, its name in `?name=`), reporting progress (0–1). */
export function uploadEvidence(evaluationId: string, file: File, progress: (fraction: number) => void): Promise<Evidence> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${apiBase()}/evaluations/${encodeURIComponent(evaluationId)}/evidence?name=${encodeURIComponent(file.name)}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader("Accept", "application/json, application/problem+json");
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    for (const [k, v] of Object.entries(requestHeaders("POST"))) xhr.setRequestHeader(k, v);
    xhr.upload.addEventListener("progress", (ev) => {
      if (ev.lengthComputable && ev.total > 0) progress(ev.loaded / ev.total);
    });
    xhr.addEventListener("load", () => {
      if (xhr.status === 201) {
        try {
          resolve(JSON.parse(xhr.responseText) as Evidence);
        } catch {
          reject(new FileError(xhr.status, ""));
        }
      } else {
        if (xhr.status === 401) window.dispatchEvent(new CustomEvent("jixiao:unauthorized"));
        reject(new FileError(xhr.status, detailOf(xhr.responseText)));
      }
    });
    xhr.addEventListener("error", () => reject(new FileError(0, "")));
    xhr.send(file);
  });
}

/** Downloads a file (with the session) and saves it under its name. */
export async function downloadEvidence(evaluationId: string, ev: Evidence): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${apiBase()}/evaluations/${encodeURIComponent(evaluationId)}/evidence/${encodeURIComponent(ev.id)}`, {
      headers: requestHeaders("GET"),
      credentials: "same-origin",
    });
  } catch {
    throw new FileError(0, "");
  }
  if (!res.ok) throw new FileError(res.status, detailOf(await res.text()));
  saveBlob(await res.blob(), ev.file_name);
}

/** Why the server refused a file, in Chinese, followed by the server's own detail. */
export function refusalText(e: unknown): string {
  if (!(e instanceof FileError)) return "请求失败，请重试";
  let why: string;
  switch (e.status) {
    case 0:
      return "网络连接中断，请重试";
    case 400:
      why = "文件为空或文件名不符合要求";
      break;
    case 413:
      why = "文件超过 20 MiB 的上限";
      break;
    case 415:
      why = "不接受此类型的文件，或文件内容与扩展名不符（可上传 PDF、OFD、JPG、PNG、XLSX、DOCX、XLS、DOC、ZIP）";
      break;
    case 409:
      why = /已作为|already attached/.test(e.detail) ? "已上传过内容相同的文件" : /最多上传|at most/.test(e.detail) ? "每份自评表最多上传 30 个佐证材料" : "自评表已提交或已备案，不能再修改佐证材料";
      break;
    case 403:
      why = "没有权限修改此自评表的佐证材料";
      break;
    case 404:
      why = "未找到该自评表或文件";
      break;
    default:
      why = `请求失败（${e.status}）`;
  }
  return e.detail ? `${why}（服务器说明：${e.detail}）` : why;
}
