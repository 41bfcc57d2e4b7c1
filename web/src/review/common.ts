// Shared code of the review pages (issue 5): the review API client, the page chrome
// (token, language toggle), status/grade labels and the read-only rendering of a target
// document with its violations. Violations always come from the WASM rules module
// (web/src/lib/rules.ts) or from the server, which runs the same code; no rule lives here.

import { API, ApiError, authHeaders, csrf, session, setToken, token } from "../lib/api";
import type { Problem } from "../lib/api";
import { apply, currentLocale, register, setLocale, t } from "../lib/i18n";
import { loadRules, profiles, validate } from "../lib/rules";
import type { Profile, Violation } from "../lib/rules";

export { ApiError, t, currentLocale };
export type { Problem, Violation };

/** Review status of a target. */
export type Status = "draft" | "submitted" | "returned" | "approved";
/** The four statuses in life-cycle order. */
export const STATUSES: Status[] = ["draft", "submitted", "returned", "approved"];

/** A review decision as stored. */
export interface Review {
  id: string;
  target_id: string;
  revision: number;
  decision: "approve" | "return";
  grade: "excellent" | "good" | "fair" | "poor";
  criteria: Record<string, string>;
  opinion: string | null;
  approved_amount: string | null;
  outcome: string;
  reviewer: string;
  at: string;
}

/** An assignment to a third-party assessor. */
export interface Assignment {
  id: string;
  target_id: string;
  organisation: string;
  due: string;
  assigned_by: string;
  at: string;
  opinion_count: number;
  target?: TargetSummary;
}

/** A third-party opinion as stored. */
export interface Opinion {
  id: string;
  target_id: string;
  assignment_id: string;
  organisation: string;
  revision: number;
  criteria: { criterion: string; score: string; remarks: string }[];
  findings: string[];
  recommendation: "approve" | "revise";
  average: string;
  author: string;
  at: string;
}

/** A target as listed by the review routes. */
export interface TargetSummary {
  id: string;
  department_code: string;
  fiscal_year: number | null;
  project_name: string | null;
  annual_total: string | null;
  profile: string;
  status: Status;
  revision: number;
  in_force_revision: number | null;
  adjustment: boolean;
  budget_excluded: boolean;
  valid: boolean;
  error_count: number;
  etag: string;
  updated_at: string;
  last_review: Review | null;
}

/** One JSON Pointer change between two versions. */
export interface Change {
  path: string;
  old?: unknown;
  new?: unknown;
}

/** An audit row. */
export interface AuditEvent {
  id: number;
  actor: string;
  role: string;
  action: string;
  at: string;
  old_etag: string | null;
  new_etag: string | null;
  detail: unknown;
}

/** Everything finance (or the department) sees about one target. */
export interface Dossier {
  target: TargetSummary;
  document: Record<string, unknown>;
  changes: { since_revision: number; since: string; changes: Change[] } | null;
  reviews: Review[];
  opinions: Opinion[];
  assignments: Assignment[];
  history: AuditEvent[];
}

/** Calls the API with the stored token; throws ApiError with the problem on failure. */
export async function request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  // Problems (title, detail, field messages) come back in the page's language.
  const h: Record<string, string> = { Accept: "application/json, application/problem+json", "Accept-Language": currentLocale(), ...headers };
  if (body !== undefined) h["Content-Type"] = "application/json";
  Object.assign(h, await authHeaders(method));
  let res: Response;
  try {
    res = await fetch(`${API}${withLocale(method, path)}`, { method, headers: h, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError({ status: 0, title: "network", detail: String(e) });
  }
  if (!res.ok) {
    let problem: Problem = { status: res.status, title: res.statusText };
    try {
      problem = { ...problem, ...((await res.json()) as Problem), status: res.status };
    } catch {
      /* keep the status line */
    }
    throw new ApiError(problem);
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Adds `locale=` to the routes whose messages or violations are rendered in a language. */
function withLocale(method: string, path: string): string {
  const localized = method !== "GET" || path.includes("/dossier") || path.startsWith("/assignments/");
  if (!localized || /[?&]locale=/.test(path)) return path;
  return `${path}${path.includes("?") ? "&" : "?"}locale=${encodeURIComponent(currentLocale())}`;
}

/** Query string from defined, non-empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && String(v) !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

register(
  {
    "common.lang": "English",
    "queue.status": "状态",
    "mine.open": "查看",
    "action.create": "创建",
    "action.update": "修改",
    "action.delete": "删除",
    "action.submit": "提交审核",
    "action.review": "审核",
    "action.adjust": "申请调整",
    "action.assign": "委托第三方审核",
    "action.opinion": "第三方审核意见",
    "common.token": "访问令牌",
    "common.app": "返回工作台",
    "common.signin": "登录",
    "common.dev": "开发者选项",
    "common.token.save": "保存令牌",
    "common.token.saved": "令牌已保存",
    "common.loading": "加载中…",
    "common.empty": "暂无数据",
    "common.error": "出错了：{detail}",
    "common.nav.form": "申报表",
    "common.nav.mine": "我的绩效目标",
    "common.nav.review": "财政审核",
    "common.nav.assessor": "第三方审核",
    "common.nav.public": "信息公开",
    "common.nav.monitoring": "执行监控",
    "common.nav.board": "监控看板",
    "common.nav.evaluation": "绩效自评",
    "common.nav.results": "评价结果",
    "status.draft": "草稿",
    "status.submitted": "已提交",
    "status.returned": "已退回",
    "status.approved": "已批复",
    "grade.excellent": "优",
    "grade.good": "良",
    "grade.fair": "中",
    "grade.poor": "差",
    "decision.approve": "批复",
    "decision.return": "退回",
    "criterion.completeness": "完整性",
    "criterion.relevance": "相关性",
    "criterion.appropriateness": "适当性",
    "criterion.feasibility": "可行性",
    "recommendation.approve": "建议通过",
    "recommendation.revise": "建议修改",
    "outcome.included": "纳入预算",
    "outcome.resubmit": "修改后重新报送",
    "outcome.excluded": "不得进入预算安排",
    "doc.year": "年度",
    "doc.department": "主管部门",
    "doc.unit": "实施单位",
    "doc.project": "项目名称",
    "doc.period": "项目期",
    "doc.annual_total": "年度资金总额（万元）",
    "doc.goal": "年度目标",
    "doc.classified": "涉密",
    "doc.indicators": "绩效指标",
    "doc.level1": "一级指标",
    "doc.level2": "二级指标",
    "doc.name": "三级指标",
    "doc.value": "指标值",
    "doc.points": "分值",
    "doc.problems": "审核规则检查",
    "doc.no_problems": "未发现问题",
    "target.revision": "版本",
    "target.adjustment": "调整中（已批复版本 {v} 继续有效）",
    "target.excluded": "审核结果为差，不得进入预算安排",
    "review.opinion": "审核意见",
    "review.by": "{who} 于 {at}",
    "review.approved_amount": "批复金额（万元）",
  },
  {
    "common.lang": "中文",
    "queue.status": "Status",
    "mine.open": "Open",
    "action.create": "created",
    "action.update": "edited",
    "action.delete": "deleted",
    "action.submit": "submitted",
    "action.review": "reviewed",
    "action.adjust": "adjustment started",
    "action.assign": "assigned to a third party",
    "action.opinion": "third-party opinion",
    "common.token": "Access token",
    "common.app": "Back to the app",
    "common.signin": "Sign in",
    "common.dev": "Developer option",
    "common.token.save": "Save token",
    "common.token.saved": "Token saved",
    "common.loading": "Loading…",
    "common.empty": "Nothing here",
    "common.error": "Error: {detail}",
    "common.nav.form": "Form",
    "common.nav.mine": "My targets",
    "common.nav.review": "Finance review",
    "common.nav.assessor": "Third-party review",
    "common.nav.public": "Public disclosure",
    "common.nav.monitoring": "Monitoring",
    "common.nav.board": "Monitoring board",
    "common.nav.evaluation": "Self-evaluation",
    "common.nav.results": "Evaluation results",
    "status.draft": "Draft",
    "status.submitted": "Submitted",
    "status.returned": "Returned",
    "status.approved": "Approved",
    "grade.excellent": "Excellent",
    "grade.good": "Good",
    "grade.fair": "Fair",
    "grade.poor": "Poor",
    "decision.approve": "Approve",
    "decision.return": "Return",
    "criterion.completeness": "Completeness",
    "criterion.relevance": "Relevance",
    "criterion.appropriateness": "Appropriateness",
    "criterion.feasibility": "Feasibility",
    "recommendation.approve": "Approve",
    "recommendation.revise": "Revise",
    "outcome.included": "Included in the budget",
    "outcome.resubmit": "Revise and resubmit",
    "outcome.excluded": "Does not enter the budget",
    "doc.year": "Fiscal year",
    "doc.department": "Department",
    "doc.unit": "Implementing unit",
    "doc.project": "Project",
    "doc.period": "Period",
    "doc.annual_total": "Annual total (10k yuan)",
    "doc.goal": "Annual goal",
    "doc.classified": "Classified",
    "doc.indicators": "Indicators",
    "doc.level1": "Level 1",
    "doc.level2": "Level 2",
    "doc.name": "Indicator",
    "doc.value": "Target value",
    "doc.points": "Points",
    "doc.problems": "Rule check",
    "doc.no_problems": "No problems found",
    "target.revision": "Version",
    "target.adjustment": "Adjustment in progress (approved version {v} stays in force)",
    "target.excluded": "Graded poor: does not enter the budget",
    "review.opinion": "Reviewer's opinion",
    "review.by": "{who} at {at}",
    "review.approved_amount": "Approved amount (10k yuan)",
  },
);

/** Creates an element with attributes and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** Replaces the children of `el`. */
export function fill(el: Element, ...children: (Node | string | null | undefined | false)[]): void {
  el.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}

/** The message of an API error in the current language. */
export function problemText(e: unknown): string {
  if (e instanceof ApiError) return e.problem.detail ?? e.problem.title ?? `HTTP ${e.problem.status}`;
  return String(e);
}

/** The message of an API error plus each JSON Schema error (`errors` of a 400) with its path. */
export function problemDetails(e: unknown): string {
  const errs = e instanceof ApiError ? (e.problem as Problem & { errors?: { path: string; message: string }[] }).errors : undefined;
  return problemText(e) + (errs ? errs.map((x) => ` ${x.path}: ${x.message}`).join(";") : "");
}

/** A UTC timestamp shown briefly. */
export function when(at: string): string {
  return at.replace("T", " ").replace(/\.\d+/, "").replace(/Z$/, "");
}

/**
 * Sets up the page chrome: navigation, language toggle (re-renders via `rerender`), and,
 * when `withToken`, the token field. Returns once the WASM rules are loaded.
 */
export async function chrome(withToken: boolean, rerender: () => void): Promise<void> {
  const header = document.querySelector("header.page");
  if (header) {
    const nav = h(
      "nav",
      { "aria-label": "jixiao" },
      h("a", { href: "./declare.html", "data-i18n": "common.nav.form" }),
      h("a", { href: "./my-targets.html", "data-i18n": "common.nav.mine" }),
      h("a", { href: "./review.html", "data-i18n": "common.nav.review" }),
      h("a", { href: "./assessor.html", "data-i18n": "common.nav.assessor" }),
      h("a", { href: "./public.html", "data-i18n": "common.nav.public" }),
      h("a", { href: "./monitoring.html", "data-i18n": "common.nav.monitoring" }),
      h("a", { href: "./monitoring-board.html", "data-i18n": "common.nav.board" }),
      h("a", { href: "./evaluation.html", "data-i18n": "common.nav.evaluation" }),
      h("a", { href: "./results.html", "data-i18n": "common.nav.results" }),
    );
    const lang = h("button", { type: "button", id: "locale", "data-i18n": "common.lang" });
    lang.addEventListener("click", () => {
      setLocale(currentLocale() === "en" ? "zh-CN" : "en");
      apply();
      rerender();
    });
    header.append(nav, lang);
    // Signed in through the app (cookie session): show who, with a way back to the app;
    // the token box stays only as a developer's option.
    const signedIn = withToken && (csrf() || !token()) ? await session() : null;
    if (signedIn) {
      const u = signedIn.user;
      const unit = u.department_name ?? u.org ?? "";
      header.append(
        h("span", { id: "signed-in", class: "signed-in" }, `${u.display_name || u.username}${unit ? `（${unit}）` : ""}`),
        h("a", { href: "./", class: "to-app", "data-i18n": "common.app" }),
      );
    } else if (withToken) {
      const input = h("input", { id: "token", type: "password", autocomplete: "off", "data-i18n-aria": "common.token" });
      input.value = token();
      const save = h("button", { type: "button", id: "token-save", "data-i18n": "common.token.save" });
      const status = h("span", { role: "status", id: "token-status" });
      save.addEventListener("click", () => {
        setToken(input.value);
        status.textContent = t("common.token.saved");
        rerender();
      });
      header.append(
        h("a", { href: "./#/login", class: "to-app", "data-i18n": "common.signin" }),
        h("details", { class: "dev-token", open: token() ? true : undefined }, h("summary", { "data-i18n": "common.dev" }), h("label", {}, h("span", { "data-i18n": "common.token" }), " ", input), save, status),
      );
    }
  }
  apply();
  await loadRules();
}

/** The built-in profile with this id (falls back to the first). */
export function profile(id: string): Profile | undefined {
  const all = profiles();
  return all.find((p) => p.id === id) ?? all[0];
}

/** Checks a document with the WASM rules under its stored profile and the page locale. */
export function check(doc: unknown, profileId: string): Violation[] {
  const p = profile(profileId);
  return validate(JSON.stringify(doc), p?.id ?? profileId, currentLocale()).violations;
}

/** A status badge. */
export function statusBadge(s: Status): HTMLElement {
  return h("span", { class: `badge status-${s}` }, t(`status.${s}`));
}

/** The list of violations (errors first), each with its JSON Pointer. */
export function violationList(vs: Violation[]): HTMLElement {
  if (vs.length === 0) return h("p", { class: "ok" }, t("doc.no_problems"));
  const sorted = [...vs].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1));
  return h(
    "ul",
    { class: "violations" },
    ...sorted.map((v) => h("li", { class: v.severity, "data-code": v.code }, h("code", {}, v.path || "/"), " ", v.message)),
  );
}

function str(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Renders a target document read-only: header, funds, goal and the indicator table. */
export function renderDocument(doc: Record<string, unknown>, profileId: string): HTMLElement {
  const p = profile(profileId);
  const en = currentLocale() === "en";
  const l1 = (code: string) => {
    const x = p?.framework.level1.find((l) => l.code === code);
    return x ? (en ? x.label.en : x.label["zh-CN"]) : code;
  };
  const l2 = (c1: string, c2: string) => {
    const x = p?.framework.level1.find((l) => l.code === c1)?.level2.find((l) => l.code === c2);
    return x ? (en ? x.label.en : x.label["zh-CN"]) : c2;
  };
  const project = obj(doc.project);
  const funds = obj(doc.funds);
  const ops: Record<string, string> = { ge: "≥", gt: ">", eq: "=", le: "≤", lt: "<" };
  const rows: [string, string][] = [
    ["doc.year", str(doc.fiscal_year)],
    ["doc.department", `${str(obj(doc.department).name)} (${str(obj(doc.department).code)})`],
    ["doc.unit", str(obj(doc.unit).name)],
    ["doc.project", str(project.name)],
    ["doc.period", project.start || project.end ? `${str(project.start)} — ${str(project.end)}` : ""],
    ["doc.annual_total", str(funds.annual_total)],
    ["doc.goal", str(obj(doc.goals).annual)],
  ];
  if (doc.classified === true) rows.push(["doc.classified", "✓"]);
  const indicators = Array.isArray(doc.indicators) ? doc.indicators : [];
  return h(
    "div",
    { class: "document" },
    h("dl", {}, ...rows.flatMap(([k, v]) => [h("dt", {}, t(k)), h("dd", {}, v)])),
    h("h4", {}, t("doc.indicators")),
    h(
      "table",
      { class: "indicators" },
      h(
        "thead",
        {},
        h("tr", {}, ...["doc.level1", "doc.level2", "doc.name", "doc.value", "doc.points"].map((k) => h("th", { scope: "col" }, t(k)))),
      ),
      h(
        "tbody",
        {},
        ...indicators.map((raw) => {
          const i = obj(raw);
          const value = `${ops[str(i.operator)] ?? ""}${str(i.value)}${str(i.unit)}`;
          return h("tr", {}, h("td", {}, l1(str(i.level1))), h("td", {}, l2(str(i.level1), str(i.level2))), h("td", {}, str(i.name)), h("td", {}, value), h("td", {}, str(i.points)));
        }),
      ),
    ),
  );
}

/** Renders a list of changes (JSON Pointer, old → new). */
export function changeList(changes: Change[]): HTMLElement {
  if (changes.length === 0) return h("p", {}, t("common.empty"));
  return h(
    "table",
    { class: "changes" },
    h("tbody", {}, ...changes.map((c) => h("tr", {}, h("td", {}, h("code", {}, c.path || "/")), h("td", { class: "old" }, str(c.old)), h("td", { class: "new" }, str(c.new))))),
  );
}

/** Renders one review decision. */
export function reviewCard(r: Review): HTMLElement {
  return h(
    "div",
    { class: `review decision-${r.decision}` },
    h("p", {}, h("strong", {}, `${t(`decision.${r.decision}`)} · ${t(`grade.${r.grade}`)}`), " — ", t(`outcome.${r.outcome}`), " ", h("small", {}, t("review.by", { who: r.reviewer, at: when(r.at) }))),
    r.opinion ? h("blockquote", { class: "opinion" }, r.opinion) : null,
    r.approved_amount ? h("p", {}, `${t("review.approved_amount")}: ${r.approved_amount}`) : null,
    h("ul", {}, ...Object.entries(r.criteria ?? {}).map(([k, v]) => h("li", {}, `${t(`criterion.${k}`)}：${v}`))),
  );
}

/** Renders one third-party opinion. */
export function opinionCard(o: Opinion): HTMLElement {
  return h(
    "div",
    { class: "opinion-card" },
    h("p", {}, h("strong", {}, `${o.organisation} · ${t(`recommendation.${o.recommendation}`)} · ${o.average}`), " ", h("small", {}, t("review.by", { who: o.author, at: when(o.at) }))),
    h("ul", {}, ...o.criteria.map((c) => h("li", {}, `${t(`criterion.${c.criterion}`)}：${c.score} — ${c.remarks}`))),
    o.findings.length ? h("ol", { class: "findings" }, ...o.findings.map((f) => h("li", {}, f))) : null,
  );
}

register(
  {
    "pager.label": "分页",
    "pager.more": "加载更多",
    "pager.loading": "加载中…",
    "pager.shown": "已显示 {shown} / 共 {total} 个",
    "pager.shown_open": "已显示 {shown} 个，还有更多",
    "pager.all": "共 {total} 个，已全部显示",
  },
  {
    "pager.label": "Pages",
    "pager.more": "Load more",
    "pager.loading": "Loading…",
    "pager.shown": "Showing {shown} of {total}",
    "pager.shown_open": "Showing {shown}; there are more",
    "pager.all": "All {total} shown",
  },
);

/** One page of a cursor-paged list route (`next_cursor` is null on the last page). */
export interface Paged<T> {
  items: T[];
  next_cursor: string | null;
}

/** The largest page the list routes serve. */
const MAX_LIMIT = 200;

/**
 * The page size asked for by the page's URL (`?limit=`, 1–200), or undefined for the
 * server's default (50).
 */
export function pageSize(): number | undefined {
  const raw = new URLSearchParams(location.search).get("limit");
  const n = raw && /^\d+$/.test(raw) ? Number(raw) : NaN;
  return n >= 1 && n <= MAX_LIMIT ? n : undefined;
}

/** Sets (or, when empty, removes) query parameters of the page's URL without reloading. */
export function setUrlParams(params: Record<string, string | undefined>): void {
  const u = new URL(location.href);
  for (const [k, v] of Object.entries(params)) {
    if (v) u.searchParams.set(k, v);
    else u.searchParams.delete(k);
  }
  history.replaceState(null, "", u);
}

/**
 * A list read page by page with the server's cursor contract: `first` reads the first
 * page, `more` appends the next one (pass `next_cursor` back as `cursor`), `refresh` reads
 * again from the start as many rows as are shown, so a list keeps its length after a
 * change. An answer that arrives after a newer `first`/`refresh` started is dropped.
 */
export class CursorList<T, P extends Paged<T> = Paged<T>> {
  /** The rows read so far, in the server's order. */
  items: T[] = [];
  /** The cursor of the next page, null when every row is read. */
  next: string | null = null;
  /** The last answer (carries `counts` where the route has them). */
  last: P | undefined;
  private generation = 0;

  constructor(
    private readonly fetchPage: (cursor: string | null, limit: number | undefined) => Promise<P>,
    private readonly key: (item: T) => string,
    readonly limit: number | undefined = pageSize(),
  ) {}

  /** Reads the first page (the rows shown before are dropped). */
  async first(): Promise<void> {
    const gen = ++this.generation;
    const page = await this.fetchPage(null, this.limit);
    if (gen !== this.generation) return;
    this.items = page.items;
    this.next = page.next_cursor;
    this.last = page;
  }

  /** Appends the next page; false when there is none or the list was reset meanwhile. */
  async more(): Promise<boolean> {
    const gen = this.generation;
    const cursor = this.next;
    if (!cursor) return false;
    const page = await this.fetchPage(cursor, this.limit);
    if (gen !== this.generation || cursor !== this.next) return false;
    // A row changed between two pages can come again: keep its first place.
    const seen = new Set(this.items.map(this.key));
    this.items = [...this.items, ...page.items.filter((it) => !seen.has(this.key(it)))];
    this.next = page.next_cursor;
    this.last = page;
    return true;
  }

  /** Reads from the start again as many rows as are shown (at least one page). */
  async refresh(): Promise<void> {
    const gen = ++this.generation;
    const want = Math.max(this.items.length, this.limit ?? 50);
    let items: T[] = [];
    let cursor: string | null = null;
    let page: P;
    do {
      page = await this.fetchPage(cursor, Math.min(MAX_LIMIT, Math.max(this.limit ?? 1, want - items.length)));
      if (gen !== this.generation) return;
      const seen = new Set(items.map(this.key));
      items = [...items, ...page.items.filter((it) => !seen.has(this.key(it)))];
      cursor = page.next_cursor;
    } while (cursor && items.length < want);
    this.items = items;
    this.next = cursor;
    this.last = page;
  }
}

/**
 * The control under a paged list: how many rows are shown of how many (`total` from the
 * route's counts, when it has them) and 加载更多 while there is a next page. `onMore`
 * reads and renders the next page; the button is disabled meanwhile.
 */
export function pager(id: string, shown: number, total: number | undefined, hasMore: boolean, onMore: () => Promise<void>): HTMLElement {
  const status =
    total !== undefined && (hasMore || shown !== total)
      ? t("pager.shown", { shown, total })
      : hasMore
        ? t("pager.shown_open", { shown })
        : t("pager.all", { total: total ?? shown });
  const more = hasMore ? h("button", { type: "button", class: "more" }, t("pager.more")) : null;
  more?.addEventListener("click", async () => {
    more.disabled = true;
    more.textContent = t("pager.loading");
    try {
      await onMore();
    } finally {
      more.disabled = false;
      more.textContent = t("pager.more");
    }
  });
  return h(
    "nav",
    { class: "pager", id, "aria-label": t("pager.label"), "data-shown": String(shown), "data-total": total === undefined ? undefined : String(total) },
    h("span", { class: "pager-status", role: "status", tabindex: "-1" }, status),
    more,
  );
}

/** After a page was appended: keeps the keyboard on 加载更多 (or the list) instead of losing it. */
export function keepPagerFocus(id: string): void {
  const el = document.getElementById(id);
  (el?.querySelector<HTMLButtonElement>("button.more") ?? el?.querySelector<HTMLElement>(".pager-status"))?.focus({ preventScroll: true });
}
