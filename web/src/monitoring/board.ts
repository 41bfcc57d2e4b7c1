// The finance bureau's monitoring board (绩效运行监控看板) for a round: report lights overall
// and per department, execution progress per department against time progress (an
// inline SVG chart), the red and yellow reports with their causes and measures, each
// report's detail with accept / return (with an opinion) and 需要整改 flags, the overdue
// departments and the year's monitoring coverage (FORMATS §7). Opens rounds too.
// Every light and ratio shown here comes from the server (the same rules as the WASM module).

import "./monitoring.css";
import { register } from "../lib/i18n";
import { ApiError, chrome, fill, h, problemDetails, problemText, query, request, t, violationList, when } from "../review/common";
import {
  REPORT_STATUSES,
  all,
  allRounds,
  fraction,
  getReport,
  indicatorValue,
  lightBadge,
  obj,
  percent,
  rectificationList,
  reportStatusBadge,
  causesText,
  deptName,
  likelihoodText,
  str,
} from "./common";
import type { Board, Coverage, Deviation, Rectification, Report, ReportSummary, Round } from "./common";

register(
  {
    "board.title": "绩效运行监控看板",
    "board.refresh": "刷新",
    "board.open_round": "开启监控轮次",
    "board.through_month": "监控截至月份",
    "board.deadline": "填报截止日期",
    "board.open": "开启",
    "board.opened": "已开启 {year}年 1—{n}月 监控轮次",
    "board.exists": "该轮次已存在",
    "board.month": "{n}月",
    "board.lights": "监控结果（已提交和已审核的监控表）",
    "board.round_counts": "应报 {due} · 未填报 {not_started} · 草稿 {draft} · 已提交 {submitted} · 已退回 {returned} · 已审核 {accepted}",
    "board.deadline_is": "截止日期 {deadline}",
    "board.departments": "各部门监控情况",
    "board.dept": "部门",
    "board.due": "应报",
    "board.reported": "已报",
    "board.accepted": "已审核",
    "board.budget": "预算（万元）",
    "board.executed": "执行（万元）",
    "board.rate": "执行率",
    "board.chart": "各部门预算执行进度",
    "board.chart.desc": "横条为各部门已提交监控表的预算执行率，虚线为时间进度 {time}",
    "board.chart.none": "未报",
    "board.overdue": "逾期未报部门",
    "board.overdue.none": "没有逾期未报的部门",
    "board.overdue.not_yet": "尚未到截止日期",
    "board.missing": "未报 {n} 个项目",
    "board.coverage": "{year}年绩效监控覆盖情况",
    "board.coverage.units": "监控单位数 / 有项目支出的单位数",
    "board.coverage.money": "监控资金 / 项目支出总额（万元）",
    "board.coverage.rate": "监控覆盖率（按资金）",
    "board.reports": "本轮监控表",
    "board.reports.status": "状态",
    "board.reports.all": "全部",
    "board.deviations": "红灯、黄灯项目（偏差原因及纠偏措施）",
    "board.deviations.none": "没有红灯或黄灯项目",
    "board.execution": "预算执行：{light} 执行率 {rate}，执行进度比 {ratio}",
    "board.reason": "偏差原因：{reason}",
    "board.detail": "监控表详情",
    "board.decision": "审核",
    "board.rows": "红灯、黄灯指标",
    "board.accept": "审核通过",
    "board.return": "退回修改",
    "board.opinion": "退回意见（退回时必填）",
    "board.accepted_msg": "已审核通过",
    "board.returned_msg": "已退回",
    "board.stale": "该监控表已被修改，已重新加载，请再次确认",
    "board.rect.title": "需要整改",
    "board.rect.requirement": "整改要求",
    "board.rect.due": "整改期限",
    "board.rect.submit": "下达整改要求",
    "board.rect.done": "已下达整改要求",
    "board.forbidden": "此页面仅供财政部门使用，请使用财政部门的访问令牌",
  },
  {
    "board.title": "Performance monitoring board",
    "board.refresh": "Refresh",
    "board.open_round": "Open a monitoring round",
    "board.through_month": "Through month",
    "board.deadline": "Deadline",
    "board.open": "Open",
    "board.opened": "Round {year}, months 1–{n} opened",
    "board.exists": "This round already exists",
    "board.month": "month {n}",
    "board.lights": "Lights (submitted and accepted reports)",
    "board.round_counts": "due {due} · not started {not_started} · draft {draft} · submitted {submitted} · returned {returned} · accepted {accepted}",
    "board.deadline_is": "deadline {deadline}",
    "board.departments": "Departments",
    "board.dept": "Department",
    "board.due": "Due",
    "board.reported": "Reported",
    "board.accepted": "Accepted",
    "board.budget": "Budget (10k yuan)",
    "board.executed": "Executed (10k yuan)",
    "board.rate": "Execution rate",
    "board.chart": "Budget execution by department",
    "board.chart.desc": "Bars: each department's execution rate in its submitted reports; dashed line: time progress {time}",
    "board.chart.none": "none",
    "board.overdue": "Departments past the deadline",
    "board.overdue.none": "No department is late",
    "board.overdue.not_yet": "The deadline has not passed yet",
    "board.missing": "{n} project(s) missing",
    "board.coverage": "Monitoring coverage, {year}",
    "board.coverage.units": "Units monitored / units with project spending",
    "board.coverage.money": "Spending monitored / project spending (10k yuan)",
    "board.coverage.rate": "Coverage (by spending)",
    "board.reports": "Reports of this round",
    "board.reports.status": "Status",
    "board.reports.all": "All",
    "board.deviations": "Red and yellow projects (causes and measures)",
    "board.deviations.none": "No red or yellow project",
    "board.execution": "Execution: {light}, rate {rate}, ratio {ratio}",
    "board.reason": "Reason: {reason}",
    "board.detail": "Report",
    "board.decision": "Decision",
    "board.rows": "Red and yellow indicators",
    "board.accept": "Accept",
    "board.return": "Return",
    "board.opinion": "Opinion (required to return)",
    "board.accepted_msg": "Accepted",
    "board.returned_msg": "Returned",
    "board.stale": "The report changed meanwhile and was reloaded; please confirm again",
    "board.rect.title": "Rectification required",
    "board.rect.requirement": "Requirement",
    "board.rect.due": "Due",
    "board.rect.submit": "Require rectification",
    "board.rect.done": "Rectification required",
    "board.forbidden": "This page is for the finance bureau: use a finance token",
  },
);

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const message = $("message");
const roundSelect = $<HTMLSelectElement>("round");

let rounds: Round[] = [];
let board: Board | undefined;
let deviations: Deviation[] = [];
let reports: ReportSummary[] = [];
let coverage: Coverage | undefined;
let statusFilter = "";
let openId: string | undefined;

// ---------------------------------------------------------------- loading

async function loadRounds(): Promise<void> {
  try {
    rounds = await allRounds();
    renderRounds();
  } catch (e) {
    message.textContent = e instanceof ApiError && e.problem.status === 403 ? t("board.forbidden") : t("common.error", { detail: problemText(e) });
  }
}

async function loadRound(): Promise<void> {
  const id = roundSelect.value;
  if (!id) {
    message.textContent = t("mon.no_rounds");
    ($("open-round-box") as HTMLDetailsElement).open = true;
    return;
  }
  message.textContent = t("common.loading");
  const round = rounds.find((r) => r.id === id);
  try {
    const enc = encodeURIComponent(id);
    const [b, d, r, c] = await Promise.all([
      request<Board>("GET", `/monitoring/rounds/${enc}/board`),
      all<Deviation>(`/monitoring/rounds/${enc}/deviations`),
      all<ReportSummary>(`/monitoring/reports${query({ round_id: id })}`),
      round ? request<Coverage>("GET", `/monitoring/coverage${query({ fiscal_year: round.fiscal_year })}`) : Promise.resolve(undefined),
    ]);
    board = b;
    deviations = d;
    reports = r;
    coverage = c;
    message.textContent = "";
    renderBoard();
    const u = new URL(location.href);
    u.searchParams.set("round", id);
    history.replaceState(null, "", u);
  } catch (e) {
    message.textContent = e instanceof ApiError && e.problem.status === 403 ? t("board.forbidden") : t("common.error", { detail: problemText(e) });
  }
}

// ---------------------------------------------------------------- rendering

function renderRounds(): void {
  const current = roundSelect.value;
  fill(
    roundSelect,
    ...rounds.map((r) =>
      h("option", { value: r.id }, t("mon.round.label", { year: r.fiscal_year, n: r.through_month, deadline: r.deadline }) + (r.overdue ? ` · ${t("mon.round.overdue")}` : "")),
    ),
  );
  if (current && rounds.some((r) => r.id === current)) roundSelect.value = current;
}

function renderBoard(): void {
  renderSummary();
  renderDepartments();
  renderChart();
  renderOverdue();
  renderCoverage();
  renderReports();
  renderDeviations();
}

function renderSummary(): void {
  if (!board) return;
  const b = board;
  const tile = (cls: string, label: HTMLElement | string, n: string | number, id: string) => h("div", { class: `tile ${cls}`, id }, h("span", { class: "n" }, String(n)), label);
  fill(
    $("summary"),
    h("h2", {}, t("board.lights")),
    h(
      "div",
      { class: "tiles" },
      tile("", t("mon.time_progress"), percent(b.time_progress), "tile-time"),
      tile("red", lightBadge("red"), b.lights.red, "tile-red"),
      tile("yellow", lightBadge("yellow"), b.lights.yellow, "tile-yellow"),
      tile("green", lightBadge("green"), b.lights.green, "tile-green"),
    ),
    h(
      "p",
      { id: "round-counts" },
      t("board.round_counts", b.round.counts as unknown as Record<string, number>),
      " · ",
      t("board.deadline_is", { deadline: b.round.deadline }),
      b.round.overdue ? h("strong", { class: "error-text" }, ` · ${t("mon.round.overdue")}`) : null,
    ),
  );
}

function renderDepartments(): void {
  if (!board) return;
  const cols: [string, boolean][] = [
    ["board.dept", false],
    ["board.due", true],
    ["board.reported", true],
    ["board.accepted", true],
    ["light.red", true],
    ["light.yellow", true],
    ["light.green", true],
    ["board.budget", true],
    ["board.executed", true],
    ["board.rate", true],
  ];
  fill(
    $("departments"),
    h("h2", {}, t("board.departments")),
    board.departments.length === 0
      ? h("p", {}, t("common.empty"))
      : h(
          "table",
          { id: "department-table" },
          h("thead", {}, h("tr", {}, ...cols.map(([k, num]) => h("th", { scope: "col", class: num ? "num" : undefined }, t(k))))),
          h(
            "tbody",
            {},
            ...board.departments.map((d) =>
              h(
                "tr",
                { "data-department": d.department_code },
                h("th", { scope: "row" }, deptName(d)),
                ...[d.due, d.reported, d.accepted, d.red, d.yellow, d.green, d.budget, d.executed, percent(d.execution_rate)].map((v, i) =>
                  h("td", { class: "num", "data-col": ["due", "reported", "accepted", "red", "yellow", "green", "budget", "executed", "rate"][i] }, String(v)),
                ),
              ),
            ),
          ),
        ),
  );
}

const SVG = "http://www.w3.org/2000/svg";
function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

/** Horizontal bars of each department's execution rate (0–100%), a dashed line at time progress. */
function renderChart(): void {
  if (!board) return;
  const depts = board.departments;
  const tp = fraction(board.time_progress) ?? 0;
  const W = 640;
  const left = 170;
  const right = 70;
  const top = 34;
  const rowH = 26;
  const plot = W - left - right;
  const H = top + Math.max(depts.length, 1) * rowH + 28;
  const x = (f: number) => left + Math.max(0, Math.min(1, f)) * plot;
  const svg = s("svg", { class: "chart", id: "execution-chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": "chart-title chart-desc" });
  svg.append(s("title", { id: "chart-title" }, t("board.chart")), s("desc", { id: "chart-desc" }, t("board.chart.desc", { time: percent(board.time_progress) })));
  // Axis: 0, 25, 50, 75, 100%.
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(
      s("line", { x1: x(f), x2: x(f), y1: top - 6, y2: H - 24, stroke: "#d5dae1", "stroke-width": 1 }),
      s("text", { x: x(f), y: H - 8, "text-anchor": "middle" }, `${f * 100}%`),
    );
  }
  depts.forEach((d, i) => {
    const y = top + i * rowH;
    const rate = fraction(d.execution_rate);
    const g = s("g", { "data-department": d.department_code, "data-rate": d.execution_rate ?? "" });
    const full = deptName(d);
    const name = full.length > 11 ? `${full.slice(0, 10)}…` : full;
    g.append(
      s("text", { x: left - 8, y: y + rowH / 2 + 4, "text-anchor": "end" }, name),
      s("rect", { class: "track", x: left, y: y + 4, width: plot, height: rowH - 8 }),
    );
    if (rate !== null) {
      g.append(
        s("rect", { class: "bar", x: left, y: y + 4, width: x(rate) - left, height: rowH - 8 }, s("title", {}, `${full}: ${percent(d.execution_rate)}`)),
        s("text", { x: W - right + 6, y: y + rowH / 2 + 4 }, percent(d.execution_rate)),
      );
    } else g.append(s("text", { x: W - right + 6, y: y + rowH / 2 + 4, fill: "#667" }, t("board.chart.none")));
    svg.append(g);
  });
  svg.append(
    s("line", { class: "time", x1: x(tp), x2: x(tp), y1: top - 10, y2: H - 24 }),
    s("text", { class: "time-label", x: x(tp), y: top - 14, "text-anchor": "middle" }, `${t("mon.time_progress")} ${percent(board.time_progress)}`),
  );
  fill($("chart"), h("h2", {}, t("board.chart")), svg);
}

function renderOverdue(): void {
  if (!board) return;
  const list = board.overdue_departments;
  fill(
    $("overdue"),
    h("h2", {}, t("board.overdue")),
    !board.round.overdue && list.length === 0
      ? h("p", {}, t("board.overdue.not_yet"))
      : list.length === 0
        ? h("p", { class: "ok" }, t("board.overdue.none"))
        : h(
            "ul",
            { id: "overdue-list" },
            ...list.map((d) => h("li", { "data-department": d.department_code }, h("strong", {}, deptName(d)), ` (${d.department_code}) · `, t("board.missing", { n: d.missing }))),
          ),
  );
}

function renderCoverage(): void {
  const c = coverage;
  if (!c) {
    fill($("coverage"));
    return;
  }
  fill(
    $("coverage"),
    h("h2", {}, t("board.coverage", { year: c.fiscal_year })),
    h(
      "dl",
      { id: "coverage-figures" },
      h("dt", {}, t("board.coverage.units")),
      h("dd", { id: "coverage-units" }, `${c.units_monitored} / ${c.units_with_project_spending}`),
      h("dt", {}, t("board.coverage.money")),
      h("dd", { id: "coverage-money" }, `${c.monitored_spending} / ${c.project_spending}`),
      h("dt", {}, t("board.coverage.rate")),
      h("dd", { id: "coverage-rate", class: "big" }, percent(c.coverage)),
    ),
  );
}

function renderReports(): void {
  const filter = h(
    "select",
    { id: "report-status", "aria-label": t("board.reports.status") },
    h("option", { value: "" }, t("board.reports.all")),
    ...REPORT_STATUSES.map((st) => h("option", { value: st }, t(`mstatus.${st}`))),
  ) as HTMLSelectElement;
  filter.value = statusFilter;
  filter.addEventListener("change", () => {
    statusFilter = filter.value;
    renderReports();
  });
  const shown = reports.filter((r) => !statusFilter || r.status === statusFilter);
  fill(
    $("reports"),
    h("h2", {}, t("board.reports"), " ", filter),
    shown.length === 0
      ? h("p", {}, t("common.empty"))
      : h(
          "table",
          { id: "report-table" },
          h("thead", {}, h("tr", {}, ...["mon.project", "mon.department", "mon.status", "mon.light", "mstatus.submitted", ""].map((k) => h("th", { scope: "col" }, k ? t(k) : "")))),
          h(
            "tbody",
            {},
            ...shown.map((r) => {
              const open = h("button", { type: "button", class: "open", "data-id": r.id }, t("mon.open"));
              open.addEventListener("click", () => void openReport(r.id));
              return h(
                "tr",
                { "data-id": r.id, "data-status": r.status, class: r.id === openId ? "selected" : undefined },
                h("td", {}, r.project_name),
                h("td", {}, deptName(r)),
                h("td", {}, reportStatusBadge(r.status)),
                h("td", {}, r.status === "draft" ? "—" : lightBadge(r.light)),
                h("td", {}, r.submitted_at ? when(r.submitted_at) : ""),
                h("td", {}, open),
              );
            }),
          ),
        ),
  );
}

function renderDeviations(): void {
  fill(
    $("deviations"),
    h("h2", {}, t("board.deviations")),
    deviations.length === 0
      ? h("p", { class: "ok" }, t("board.deviations.none"))
      : h(
          "table",
          { id: "deviation-table" },
          h("thead", {}, h("tr", {}, ...["mon.project", "mon.department", "mon.light", "mon.execution", "board.rows", ""].map((k) => h("th", { scope: "col" }, k ? t(k) : "")))),
          h(
            "tbody",
            {},
            ...deviations.map((d) => {
              const open = h("button", { type: "button", class: "open", "data-id": d.report_id }, t("mon.open"));
              open.addEventListener("click", () => void openReport(d.report_id));
              return h(
                "tr",
                { "data-id": d.report_id, "data-light": d.light ?? "" },
                h("td", {}, d.project_name, " ", reportStatusBadge(d.status)),
                h("td", {}, deptName(d)),
                h("td", {}, lightBadge(d.light)),
                h(
                  "td",
                  {},
                  lightBadge(d.execution.light),
                  h("div", {}, `${t("board.rate")} ${percent(d.execution.rate)} · ${t("mon.ratio")} ${d.execution.ratio ?? "—"}`),
                  str(d.execution.reason) ? h("div", {}, t("board.reason", { reason: str(d.execution.reason) })) : null,
                ),
                h(
                  "td",
                  {},
                  h(
                    "ul",
                    { class: "deviation-rows" },
                    ...d.rows.map((r) =>
                      h(
                        "li",
                        { "data-indicator": r.indicator_id },
                        lightBadge(r.light),
                        " ",
                        h("strong", {}, r.name ?? r.indicator_id),
                        ` ${str(r.actual_to_date) || "—"}${r.ratio ? ` (${t("mon.ratio")} ${r.ratio})` : ""} · ${likelihoodText(r.likelihood) || "—"}`,
                        h("br"),
                        `${t("mon.causes")}：${causesText(r.causes) || "—"}；${t("mon.measures")}：${str(r.measures) || "—"}`,
                      ),
                    ),
                  ),
                ),
                h("td", {}, open),
              );
            }),
          ),
        ),
  );
}

// ---------------------------------------------------------------- one report

function reportRows(r: Report): HTMLElement {
  const rows = Array.isArray(r.document.indicators) ? r.document.indicators.map(obj) : [];
  const inds = Array.isArray(r.target.indicators) ? r.target.indicators.map(obj) : [];
  const results = new Map((r.result?.indicators ?? []).map((x) => [x.indicator_id, x]));
  const cols = ["mon.level3", "mon.value", "mon.actual", "mon.forecast_row", "mon.likelihood", "mon.causes", "mon.measures", "mon.light"];
  const n = r.through_month;
  return h(
    "table",
    { class: "report-rows", id: "detail-rows" },
    h("thead", {}, h("tr", {}, ...cols.map((c) => h("th", { scope: "col" }, t(c, { n }))))),
    h(
      "tbody",
      {},
      ...inds.map((ind) => {
        const id = str(ind.id);
        const row = rows.find((x) => str(x.indicator_id) === id) ?? {};
        const res = results.get(id);
        return h(
          "tr",
          { "data-indicator": id, "data-light": res?.light ?? "none" },
          h("th", { scope: "row" }, str(ind.name)),
          h("td", {}, indicatorValue(ind)),
          h("td", {}, str(row.actual_to_date)),
          h("td", {}, str(row.forecast_full_year)),
          h("td", {}, likelihoodText(row.likelihood)),
          h("td", {}, causesText(row.causes)),
          h("td", {}, str(row.measures)),
          h("td", {}, lightBadge(res?.light ?? null, res?.ratio ? `${t("mon.ratio")} ${res.ratio}` : "")),
        );
      }),
    ),
  );
}

function decisionPanel(r: Report): HTMLElement {
  const opinion = h("textarea", { id: "decision-opinion", rows: "3" }) as HTMLTextAreaElement;
  const error = h("p", { id: "decision-error", class: "error-text", role: "alert" });
  const accept = h("button", { type: "button", id: "accept", class: "primary" }, t("board.accept"));
  const ret = h("button", { type: "button", id: "return" }, t("board.return"));
  const decide = async (decision: "accept" | "return") => {
    const body: Record<string, unknown> = { decision };
    if (opinion.value.trim()) body.opinion = opinion.value;
    try {
      await request<Report>("POST", `/monitoring/reports/${encodeURIComponent(r.id)}/decision`, body, { "If-Match": r.etag });
      const done = t(decision === "accept" ? "board.accepted_msg" : "board.returned_msg");
      await loadRound();
      await openReport(r.id);
      message.textContent = done;
    } catch (e) {
      if (e instanceof ApiError && e.problem.status === 412) {
        await openReport(r.id);
        message.textContent = t("board.stale");
      } else error.textContent = problemDetails(e);
    }
  };
  accept.addEventListener("click", () => void decide("accept"));
  ret.addEventListener("click", () => void decide("return"));
  return h(
    "div",
    { class: "panel", id: "decision" },
    h("h3", {}, t("board.decision")),
    h("label", { for: "decision-opinion" }, t("board.opinion")),
    opinion,
    h("div", { class: "row" }, accept, ret),
    error,
  );
}

function rectificationForm(r: Report): HTMLElement {
  const requirement = h("textarea", { id: "rect-requirement", rows: "2" }) as HTMLTextAreaElement;
  const due = h("input", { id: "rect-due", type: "date" }) as HTMLInputElement;
  const status = h("p", { id: "rect-status", role: "status" });
  const submit = h("button", { type: "submit", id: "rect-submit" }, t("board.rect.submit"));
  const form = h(
    "form",
    { class: "panel", id: "rect-form" },
    h("h3", {}, t("board.rect.title")),
    h("div", { class: "form-grid" }, h("label", { for: "rect-requirement" }, t("board.rect.requirement")), requirement, h("label", { for: "rect-due" }, t("board.rect.due")), due),
    submit,
    status,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await request<Rectification>("POST", `/monitoring/reports/${encodeURIComponent(r.id)}/rectifications`, { requirement: requirement.value, due: due.value });
      await openReport(r.id);
      message.textContent = t("board.rect.done");
    } catch (e) {
      status.className = "error-text";
      status.textContent = problemDetails(e);
    }
  });
  return form;
}

async function openReport(id: string): Promise<void> {
  openId = id;
  let r: Report;
  try {
    r = await getReport(id);
  } catch (e) {
    fill($("detail"), h("p", { class: "error-text" }, problemText(e)));
    return;
  }
  renderReports();
  const ex = obj(r.document.execution);
  const res = r.result;
  const n = r.through_month;
  fill(
    $("detail"),
    h(
      "article",
      { class: "panel", id: "report-detail", "data-id": r.id, "data-status": r.status },
      h("h2", {}, `${t("board.detail")}：${r.project_name ?? str(obj(r.target.project).name)}`, " ", reportStatusBadge(r.status), " ", lightBadge(r.light)),
      h(
        "p",
        { class: "meta" },
        `${deptName(r)} · ${r.fiscal_year} · ${t("mon.period", { n })}`,
        r.submitted_at ? ` · ${t("mstatus.submitted")} ${when(r.submitted_at)}` : "",
        r.decided_at ? ` · ${t(`mstatus.${r.status}`)} ${when(r.decided_at)} ${r.decided_by ?? ""}` : "",
      ),
      r.opinion ? h("blockquote", { class: "opinion", id: "detail-opinion" }, r.opinion) : null,
      h(
        "table",
        { class: "mon-head" },
        h(
          "tbody",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "row" }, t("mon.budget")),
            h("td", {}, str(ex.budget_full_year)),
            h("th", { scope: "row" }, t("mon.executed", { n })),
            h("td", {}, str(ex.executed)),
            h("th", { scope: "row" }, t("mon.forecast")),
            h("td", {}, str(ex.forecast_full_year)),
          ),
          h(
            "tr",
            {},
            h("th", { scope: "row" }, t("mon.execution")),
            h(
              "td",
              { colspan: "5", id: "detail-execution" },
              lightBadge(res?.execution.light ?? null),
              " ",
              t("mon.execution.figures", { rate: percent(res?.execution.rate), time: percent(res?.time_progress), ratio: res?.execution.ratio ?? "—" }),
            ),
          ),
          h("tr", {}, h("th", { scope: "row" }, t("mon.reason")), h("td", { colspan: "5" }, str(ex.reason))),
          h("tr", {}, h("th", { scope: "row" }, t("mon.goal_progress", { n })), h("td", { colspan: "5" }, str(r.document.goal_progress))),
        ),
      ),
      reportRows(r),
      res?.violations?.length ? h("section", {}, h("h3", {}, t("mon.problems")), violationList(res.violations)) : null,
      r.rectifications?.length ? h("section", { id: "detail-rectifications" }, h("h3", {}, t("mon.rectifications")), rectificationList(r.rectifications)) : null,
      r.status === "submitted" ? decisionPanel(r) : null,
      r.status !== "draft" ? rectificationForm(r) : null,
    ),
  );
}

// ---------------------------------------------------------------- opening a round

function setupOpenRound(): void {
  const year = $<HTMLInputElement>("round-year");
  const month = $<HTMLSelectElement>("round-month");
  const fillMonths = () => {
    const cur = month.value || "3";
    fill(month, ...Array.from({ length: 12 }, (_, i) => h("option", { value: String(i + 1) }, t("board.month", { n: i + 1 }))));
    month.value = cur;
  };
  fillMonths();
  if (!year.value) year.value = String(rounds[0]?.fiscal_year ?? new Date().getFullYear());
  $("open-round").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const status = $("round-status");
    status.className = "";
    try {
      const r = await request<Round>("POST", "/monitoring/rounds", {
        fiscal_year: Number(year.value.trim()),
        through_month: Number(month.value),
        deadline: $<HTMLInputElement>("round-deadline").value,
      });
      await loadRounds();
      roundSelect.value = r.id;
      await loadRound();
      status.textContent = t("board.opened", { year: r.fiscal_year, n: r.through_month });
    } catch (e) {
      status.className = "error-text";
      status.textContent = e instanceof ApiError && e.problem.status === 409 ? t("board.exists") : problemDetails(e);
    }
  });
  months = fillMonths;
}
let months: () => void = () => undefined;

async function start(): Promise<void> {
  await chrome(true, () => {
    renderRounds();
    months();
    if (board) renderBoard();
    if (openId) void openReport(openId);
    void loadRounds().then(loadRound);
  });
  roundSelect.addEventListener("change", () => {
    openId = undefined;
    fill($("detail"));
    void loadRound();
  });
  $("refresh").addEventListener("click", () => void loadRound());
  await loadRounds();
  setupOpenRound();
  const params = new URLSearchParams(location.search);
  const wanted = params.get("round");
  if (wanted && rounds.some((r) => r.id === wanted)) roundSelect.value = wanted;
  await loadRound();
  const id = params.get("report");
  if (id) await openReport(id);
}

void start();
