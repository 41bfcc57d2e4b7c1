// The department's monitoring form (项目支出绩效目标执行监控表, FORMATS §6): pick a round
// and one of the department's due targets, 填报 creates the draft (or opens the existing
// report), and every input is checked at once by the WASM `monitor` — the same code the
// server and `jixiao monitor` run — which gives each row's light, the execution light and
// the messages shown next to the fields their JSON Pointers name. The draft is saved
// after a pause (PUT with If-Match); 提交 sends it to the finance bureau.

import "./monitoring.css";
import { register } from "../lib/i18n";
import { Autosave } from "../lib/autosave";
import { FieldMessages } from "../lib/fields";
import { pointer as ptr, setAt } from "../lib/pointer";
import { ApiError, chrome, currentLocale, fill, h, problemText, profile, request, t, violationList, when } from "../review/common";
import {
  CAUSES,
  LIKELIHOODS,
  all,
  allRounds,
  getReport,
  indicatorValue,
  lightBadge,
  monitor,
  monthOf,
  obj,
  percent,
  profileOf,
  rectificationList,
  reportStatusBadge,
  deptName,
  str,
} from "./common";
import type { DueTarget, MonitorResult, Report, Round, Violation } from "./common";

register(
  {
    "mform.title": "项目支出绩效目标执行监控表",
    "mform.pick": "选择监控轮次和项目",
    "mform.due": "本轮应报项目",
    "mform.fill": "填报",
    "mform.open": "打开",
    "mform.created": "已创建监控表草稿",
    "mform.saving": "正在保存…",
    "mform.saved": "草稿已自动保存（{at}）",
    "mform.unsaved": "有未保存的修改",
    "mform.conflict": "他人已修改此监控表（可能在另一窗口），您的修改未保存。请重新加载后再填报。",
    "mform.reload": "重新加载",
    "mform.not_editable": "此监控表已提交或已审核，不能再修改",
    "mform.submit": "提交",
    "mform.submitted": "已提交，等待财政部门审核",
    "mform.blocked": "仍有 {n} 个错误，不能提交",
    "mform.errors": "错误 {e} 个，警告 {w} 个",
    "mform.readonly": "已提交或已审核的监控表只能查看",
    "mform.returned": "财政部门已退回此监控表，请按意见修改后重新提交",
    "mform.accepted": "财政部门已审核通过",
    "mform.header": "基本情况",
    "mform.indicators": "绩效指标完成情况",
    "mform.general": "其他问题",
    "mform.not_found": "该项目尚无本轮监控表",
  },
  {
    "mform.title": "Project performance monitoring form",
    "mform.pick": "Choose a round and a project",
    "mform.due": "Projects due this round",
    "mform.fill": "Fill in",
    "mform.open": "Open",
    "mform.created": "Draft report created",
    "mform.saving": "Saving…",
    "mform.saved": "Draft saved automatically ({at})",
    "mform.unsaved": "Unsaved changes",
    "mform.conflict": "Someone else changed this report (perhaps in another window); your changes were not saved. Reload before going on.",
    "mform.reload": "Reload",
    "mform.not_editable": "This report was submitted or accepted; it can no longer be changed",
    "mform.submit": "Submit",
    "mform.submitted": "Submitted; awaiting the finance bureau",
    "mform.blocked": "{n} error(s) remain; it cannot be submitted",
    "mform.errors": "{e} error(s), {w} warning(s)",
    "mform.readonly": "A submitted or accepted report is read-only",
    "mform.returned": "The finance bureau returned this report: revise it as asked and submit again",
    "mform.accepted": "Accepted by the finance bureau",
    "mform.header": "Overview",
    "mform.indicators": "Indicators",
    "mform.general": "Other problems",
    "mform.not_found": "No report for this project in this round yet",
  },
);

type Doc = Record<string, unknown>;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const message = $("message");
const roundSelect = $<HTMLSelectElement>("round");
const dueSection = $("due");
const reportSection = $("report");

let rounds: Round[] = [];
let due: DueTarget[] = [];
let report: Report | undefined;
let doc: Doc = {};
let profileId = "";
let serverViolations: Violation[] | undefined;
const fields = new FieldMessages();
const rowLights = new Map<number, HTMLElement>();
const rowTr = new Map<number, HTMLElement>();
let result: MonitorResult | undefined;

// ---------------------------------------------------------------- document edits

/** A blank text field is left out of the document (blank and absent read the same in §6). */
function textValue(v: string): string | undefined {
  return v.trim() === "" ? undefined : v;
}

/** The report's previous document: `previous` may be a document or a stored report. */
function previousDoc(r: Report): unknown {
  const p = r.previous;
  if (!p) return null;
  return "document" in p && !("execution" in p) ? (p as { document: unknown }).document : p;
}

function targetIndicators(r: Report): Record<string, unknown>[] {
  return (Array.isArray(r.target.indicators) ? r.target.indicators : []).map(obj);
}

/** One row per target indicator, in the target's order, keeping what was filled in (first row per id wins, as in §6). */
function normalise(r: Report, d: Doc): Doc {
  const rows = Array.isArray(d.indicators) ? d.indicators.map(obj) : [];
  const first = new Map<string, Record<string, unknown>>();
  const extra: Record<string, unknown>[] = [];
  for (const row of rows) {
    const id = str(row.indicator_id);
    if (id && !first.has(id)) first.set(id, row);
    else extra.push(row);
  }
  const ids = new Set<string>();
  const ordered = targetIndicators(r).map((i) => {
    const id = str(i.id);
    ids.add(id);
    return first.get(id) ?? { indicator_id: id };
  });
  for (const [id, row] of first) if (!ids.has(id)) extra.push(row);
  return { ...d, indicators: [...ordered, ...extra] };
}

/** The document row of each target indicator (index into `doc.indicators`, or -1). */
function rowIndexes(r: Report, d: Doc): number[] {
  const rows = Array.isArray(d.indicators) ? d.indicators.map(obj) : [];
  return targetIndicators(r).map((i) => rows.findIndex((row) => str(row.indicator_id) === str(i.id)));
}

// ---------------------------------------------------------------- live check

function recheck(): void {
  if (!report) return;
  try {
    result = monitor(report.target, doc, previousDoc(report), profileId, currentLocale());
  } catch (e) {
    result = undefined;
    $("mon-general").replaceChildren(h("li", { class: "error" }, String(e)));
    return;
  }
  paint(result, serverViolations ?? result.violations);
}

function paint(res: MonitorResult, violations: Violation[]): void {
  fields.show(violations);
  // Row lights, in target order.
  const idx = report ? rowIndexes(report, doc) : [];
  idx.forEach((_, n) => {
    const r = res.indicators[n];
    const cell = rowLights.get(n);
    if (!cell) return;
    cell.replaceChildren(
      lightBadge(r?.light ?? null),
      r?.ratio ? h("div", { class: "ratio" }, `${t("mon.ratio")} ${r.ratio}`) : "",
      r ? h("div", { class: "rule" }, t(`rule.${r.rule}`)) : "",
    );
    const tr = rowTr.get(n);
    if (tr) tr.dataset.light = r?.light ?? "none";
  });
  // Execution.
  const ex = $("execution-light");
  if (ex) {
    ex.replaceChildren(
      lightBadge(res.execution.light),
      " ",
      h(
        "span",
        { id: "execution-figures" },
        t("mon.execution.figures", { rate: percent(res.execution.rate), time: percent(res.time_progress), ratio: res.execution.ratio ?? "—" }),
      ),
    );
  }
  const errors = violations.filter((v) => v.severity === "error").length;
  const warnings = violations.length - errors;
  fill(
    $("mon-result"),
    h("strong", {}, `${t("mon.report_light")}：`),
    lightBadge(res.light),
    " ",
    h("span", { id: "mon-counts" }, t("mon.counts", res.counts as unknown as Record<string, number>)),
    " · ",
    h("span", { id: "mon-error-count" }, t("mform.errors", { e: errors, w: warnings })),
  );
  fill($("mon-problems"), violationList(violations));
  const submit = document.getElementById("submit") as HTMLButtonElement | null;
  if (submit) submit.title = errors ? t("mform.blocked", { n: errors }) : "";
}

// ---------------------------------------------------------------- saving

const saver = new Autosave<Report>({
  statusId: "save-status",
  texts: { unsaved: "mform.unsaved", saving: "mform.saving", saved: "mform.saved", conflict: "mform.conflict", reload: "mform.reload", notEditable: "mform.not_editable" },
  delay: 700,
  current: () => report?.id,
  document: () => doc,
  put: (id, body, etag) => request<Report>("PUT", `/monitoring/reports/${encodeURIComponent(id)}`, body, { "If-Match": etag }),
  onSaved: (id, stored) => {
    if (report && report.id === id) report = { ...report, ...stored, document: report.document };
  },
  onReload: (id) => void openReport(id),
});

async function submit(): Promise<void> {
  if (!report) return;
  const status = $("submit-status");
  await saver.save();
  if (saver.conflict || saver.dirty) return; // the last change is not on the server: do not submit an older copy
  try {
    const done = await request<Report>("POST", `/monitoring/reports/${encodeURIComponent(report.id)}/submit`, undefined, { "If-Match": saver.etag });
    await show(done, t("mform.submitted"));
    await loadDue();
  } catch (e) {
    if (e instanceof ApiError && e.problem.status === 422 && e.problem.violations) {
      serverViolations = e.problem.violations;
      recheck();
      serverViolations = undefined;
      const n = e.problem.violations.filter((v) => v.severity === "error").length;
      status.textContent = t("mform.blocked", { n });
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
  opts: { options?: [string, string][]; cls?: string; hideLabel?: boolean } = {},
): HTMLElement {
  const msgId = `${id}-msg`;
  const attrs = { id, "data-pointer": p, "aria-describedby": msgId, disabled: !saver.editable };
  let el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
  if (kind === "select") {
    el = h("select", attrs, ...(opts.options ?? []).map(([v, l]) => h("option", { value: v }, l)));
    if (value && !(opts.options ?? []).some(([v]) => v === value)) el.append(h("option", { value }, value));
  } else if (kind === "textarea") el = h("textarea", { ...attrs, rows: "2" });
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

/** The five cause checkboxes of row K. */
function causesField(k: number, current: unknown): HTMLElement {
  const p = ptr("indicators", k, "causes");
  const chosen = new Set(Array.isArray(current) ? current.map(String) : []);
  const msgId = `causes-${k}-msg`;
  const boxes = CAUSES.map((c) => {
    const cb = h("input", { type: "checkbox", id: `cause-${k}-${c}`, value: c, "data-cause": c, disabled: !saver.editable, "aria-describedby": msgId }) as HTMLInputElement;
    cb.checked = chosen.has(c);
    cb.addEventListener("change", () => {
      const list = [...document.querySelectorAll<HTMLInputElement>(`input[id^="cause-${k}-"]`)].filter((x) => x.checked).map((x) => x.value);
      // Keep causes this page does not offer (the rules will name them) after the five.
      const before = obj(Array.isArray(doc.indicators) ? doc.indicators[k] : undefined).causes;
      const others = Array.isArray(before) ? before.filter((x) => !(CAUSES as readonly string[]).includes(String(x))) : [];
      setAt(doc, p, list.length || others.length ? [...list, ...others] : undefined);
      recheck();
      saver.schedule();
    });
    return h("label", { class: "cause" }, cb, " ", t(`cause.${c}`));
  });
  const msg = h("ul", { class: "msg", id: msgId });
  const wrap = h("fieldset", { class: "field causes", "data-pointer": p }, h("legend", { class: "sr-only" }, t("mon.causes")), ...boxes, msg);
  fields.set(p, { wrap, msg });
  return wrap;
}

function renderForm(): void {
  if (!report) return;
  fields.clear();
  rowLights.clear();
  rowTr.clear();
  const r = report;
  const n = monthOf(doc, rounds.find((x) => x.id === r.round_id)?.through_month ?? r.through_month);
  const target = r.target;
  const p = profile(profileId);
  const en = currentLocale() === "en";
  const l1 = (c: string) => {
    const x = p?.framework.level1.find((l) => l.code === c);
    return x ? (en ? x.label.en : x.label["zh-CN"]) : c;
  };
  const l2 = (c1: string, c2: string) => {
    const x = p?.framework.level1.find((l) => l.code === c1)?.level2.find((l) => l.code === c2);
    return x ? (en ? x.label.en : x.label["zh-CN"]) : c2;
  };
  const ex = obj(doc.execution);
  const header = h(
    "table",
    { class: "mon-head", id: "mon-head" },
    h("caption", {}, t("mform.header")),
    h("colgroup", {}, ...["th", "td", "td", "td", "th2", "td2"].map((c) => h("col", { class: `c-${c}` }))),
    h(
      "tbody",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "row" }, t("mon.project")),
        h("td", { colspan: "3", id: "project-name" }, str(obj(target.project).name)),
        h("th", { scope: "row" }, t("mon.round")),
        h("td", { id: "period" }, `${str(obj(doc.period).fiscal_year)} · ${t("mon.period", { n })}`, fields.box("/period")),
      ),
      h(
        "tr",
        {},
        h("th", { scope: "row" }, t("mon.department")),
        h("td", { colspan: "3" }, str(obj(target.department).name)),
        h("th", { scope: "row" }, t("mon.unit")),
        h("td", {}, str(obj(target.unit).name)),
      ),
      h(
        "tr",
        {},
        h(
          "td",
          { colspan: "6" },
          h(
            "div",
            { class: "amounts" },
            control("input", "/execution/budget_full_year", "budget_full_year", t("mon.budget"), str(ex.budget_full_year)),
            control("input", "/execution/executed", "executed", t("mon.executed", { n }), str(ex.executed)),
            control("input", "/execution/forecast_full_year", "forecast_full_year", t("mon.forecast"), str(ex.forecast_full_year)),
          ),
        ),
      ),
      h(
        "tr",
        {},
        h("th", { scope: "row" }, t("mon.execution")),
        h("td", { colspan: "5", id: "execution-light" }),
      ),
      h("tr", {}, h("td", { colspan: "6" }, control("textarea", "/execution/reason", "reason", t("mon.reason"), str(ex.reason)), fields.box("/execution"))),
      h(
        "tr",
        {},
        h("th", { scope: "row" }, t("mon.goal")),
        h("td", { colspan: "2", class: "goal" }, str(obj(target.goals).annual)),
        h("td", { colspan: "3" }, control("textarea", "/goal_progress", "goal_progress", t("mon.goal_progress", { n }), str(doc.goal_progress))),
      ),
    ),
  );

  const rows = Array.isArray(doc.indicators) ? doc.indicators.map(obj) : [];
  const idx = rowIndexes(r, doc);
  const likelihoods: [string, string][] = [["", t("likelihood.choose")], ...LIKELIHOODS.map((l): [string, string] => [l, t(`likelihood.${l}`)])];
  const cols = ["mon.level1", "mon.level2", "mon.level3", "mon.value", "mon.actual", "mon.forecast_row", "mon.likelihood", "mon.causes", "mon.measures", "mon.light"];
  const body = targetIndicators(r).map((ind, n2) => {
    const k = idx[n2];
    const row = k >= 0 ? rows[k] : {};
    const name = str(ind.name);
    const cells =
      k >= 0
        ? [
            h("td", {}, control("input", ptr("indicators", k, "actual_to_date"), `actual-${k}`, `${name} ${t("mon.actual", { n })}`, str(row.actual_to_date), { hideLabel: true })),
            h("td", {}, control("input", ptr("indicators", k, "forecast_full_year"), `forecast-${k}`, `${name} ${t("mon.forecast_row")}`, str(row.forecast_full_year), { hideLabel: true })),
            h("td", {}, control("select", ptr("indicators", k, "likelihood"), `likelihood-${k}`, `${name} ${t("mon.likelihood")}`, str(row.likelihood), { options: likelihoods, hideLabel: true })),
            h("td", {}, causesField(k, row.causes)),
            h("td", {}, control("textarea", ptr("indicators", k, "measures"), `measures-${k}`, `${name} ${t("mon.measures")}`, str(row.measures), { hideLabel: true })),
          ]
        : [h("td", { colspan: "5" }, "—")];
    const lightCell = h("td", { class: "row-light", id: `light-${n2}` });
    rowLights.set(n2, lightCell);
    const tr = h(
      "tr",
      { "data-indicator": str(ind.id), "data-row": k >= 0 ? String(k) : undefined },
      h("td", {}, l1(str(ind.level1))),
      h("td", {}, l2(str(ind.level1), str(ind.level2))),
      h("th", { scope: "row" }, name, k >= 0 ? fields.box(ptr("indicators", k)) : null, k >= 0 ? fields.box(ptr("indicators", k, "indicator_id")) : null),
      h("td", { class: "value" }, indicatorValue(ind)),
      ...cells,
      lightCell,
    );
    rowTr.set(n2, tr);
    return tr;
  });
  const table = h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "mon-rows", id: "rows" },
      h("caption", {}, t("mform.indicators"), fields.box("/indicators")),
      h("colgroup", {}, ...["l1", "l2", "l3", "value", "actual", "forecast", "likelihood", "causes", "measures", "light"].map((c) => h("col", { class: `c-${c}` }))),
      h("thead", {}, h("tr", {}, ...cols.map((c) => h("th", { scope: "col" }, t(c, { n }))))),
      h("tbody", {}, ...body),
    ),
  );

  const submitBtn = h("button", { type: "button", id: "submit", class: "primary" }, t("mform.submit"));
  submitBtn.addEventListener("click", () => void submit());
  const notice =
    r.status === "returned"
      ? h("p", { class: "error-text", id: "returned-notice" }, t("mform.returned"))
      : r.status === "accepted"
        ? h("p", { class: "ok" }, t("mform.accepted"))
        : r.status === "submitted"
          ? h("p", {}, t("mform.readonly"))
          : null;
  fill(
    reportSection,
    h(
      "article",
      { class: "panel", id: "mon-report", "data-id": r.id, "data-status": r.status },
      h("h2", {}, str(obj(target.project).name) || (r.project_name ?? ""), " ", reportStatusBadge(r.status)),
      h("p", { class: "meta" }, `${deptName(r)} · ${t("mon.period", { n })}`, r.submitted_at ? ` · ${t("mstatus.submitted")} ${when(r.submitted_at)}` : ""),
      notice,
      r.opinion ? h("section", { id: "opinion" }, h("h3", {}, t("mon.opinion")), h("blockquote", { class: "opinion" }, r.opinion)) : null,
      r.rectifications?.length ? h("section", { id: "rectifications" }, h("h3", {}, t("mon.rectifications")), rectificationList(r.rectifications)) : null,
      header,
      table,
      h(
        "section",
        { id: "mon-summary" },
        h("p", { id: "mon-result" }),
        h("h3", {}, t("mon.problems")),
        h("div", { class: "group-msg" }, h("ul", { class: "msg", id: "mon-general" })),
        h("div", { id: "mon-problems" }),
      ),
      saver.editable ? h("div", { class: "row" }, submitBtn, h("span", { id: "save-status", role: "status" }), h("span", { id: "submit-status", role: "status", class: "error-text" })) : null,
    ),
  );
  fields.set("", { wrap: $("mon-general").parentElement as HTMLElement, msg: $("mon-general") });
  recheck();
}

/** Shows a report from the server (resets the working copy). */
async function show(r: Report, note = ""): Promise<void> {
  report = r;
  saver.reset(r.etag, r.status === "draft" || r.status === "returned");
  profileId = await profileOf(r);
  doc = saver.editable ? normalise(r, r.document ?? {}) : (r.document ?? {});
  renderForm();
  if (note) {
    const s = document.getElementById("save-status") ?? document.getElementById("submit-status");
    if (s) s.textContent = note;
    else message.textContent = note;
  }
  const u = new URL(location.href);
  u.searchParams.set("report", r.id);
  u.searchParams.set("round", r.round_id);
  history.replaceState(null, "", u);
}

async function openReport(id: string): Promise<void> {
  try {
    await show(await getReport(id));
    message.textContent = "";
  } catch (e) {
    message.textContent = t("common.error", { detail: problemText(e) });
  }
}

async function fillIn(d: DueTarget): Promise<void> {
  if (saver.dirty) await saver.save();
  if (d.report_id) return openReport(d.report_id);
  try {
    const created = await request<Report>("POST", "/monitoring/reports", { round_id: roundSelect.value, target_id: d.target_id });
    await show(created);
    message.textContent = t("mform.created");
    await loadDue();
  } catch (e) {
    if (e instanceof ApiError && e.problem.status === 409) {
      await loadDue();
      const again = due.find((x) => x.target_id === d.target_id);
      if (again?.report_id) return openReport(again.report_id);
    }
    message.textContent = t("common.error", { detail: problemText(e) });
  }
}

function renderDue(): void {
  if (due.length === 0) {
    fill(dueSection, h("p", {}, t("common.empty")));
    return;
  }
  fill(
    dueSection,
    h("h2", {}, t("mform.due")),
    h(
      "table",
      { id: "due-table" },
      h("thead", {}, h("tr", {}, ...["mon.project", "mon.department", "doc.annual_total", "mon.status", "mon.light", ""].map((k) => h("th", { scope: "col" }, k ? t(k) : "")))),
      h(
        "tbody",
        {},
        ...due.map((d) => {
          const b = h("button", { type: "button", class: "fill", "data-target": d.target_id }, d.report_id ? t("mform.open") : t("mform.fill"));
          b.addEventListener("click", () => void fillIn(d));
          return h(
            "tr",
            { "data-target": d.target_id, class: report && report.target_id === d.target_id ? "selected" : undefined },
            h("td", {}, d.project_name),
            h("td", {}, deptName(d)),
            h("td", {}, d.annual_total ?? ""),
            h("td", {}, reportStatusBadge(d.status)),
            h("td", {}, d.status ? lightBadge(d.light) : "—"),
            h("td", {}, b),
          );
        }),
      ),
    ),
  );
}

async function loadDue(): Promise<void> {
  const id = roundSelect.value;
  if (!id) {
    due = [];
    renderDue();
    return;
  }
  try {
    due = await all<DueTarget>(`/monitoring/rounds/${encodeURIComponent(id)}/due`);
    renderDue();
  } catch (e) {
    message.textContent = t("common.error", { detail: problemText(e) });
  }
}

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

async function loadRounds(): Promise<void> {
  message.textContent = t("common.loading");
  try {
    rounds = await allRounds();
    message.textContent = rounds.length ? "" : t("mon.no_rounds");
    renderRounds();
  } catch (e) {
    message.textContent = t("common.error", { detail: problemText(e) });
  }
}

async function start(): Promise<void> {
  await chrome(true, () => {
    renderRounds();
    renderDue();
    if (report) renderForm();
    void loadRounds().then(loadDue);
  });
  roundSelect.addEventListener("change", () => void loadDue());
  saver.guardUnload();
  const params = new URLSearchParams(location.search);
  await loadRounds();
  const wanted = params.get("round");
  if (wanted && rounds.some((r) => r.id === wanted)) roundSelect.value = wanted;
  await loadDue();
  const id = params.get("report");
  if (id) await openReport(id);
}

void start();
