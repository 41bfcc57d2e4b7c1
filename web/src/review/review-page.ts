// The finance bureau's review page: the queue with counts per status (read a page at a
// time, 加载更多 follows the server's cursor; `?limit=` sets the page size), assignment of
// selected targets to a third-party assessor, and a target's dossier (document, rule
// check from the WASM module, changes since the last return, review decisions,
// third-party opinions, audit history) with the review form (88号 grade, four criteria,
// opinion, approved amount).

import { register } from "../lib/i18n";
import {
  CursorList,
  STATUSES,
  changeList,
  check,
  chrome,
  fill,
  h,
  keepPagerFocus,
  opinionCard,
  pager,
  problemDetails,
  problemText,
  query,
  renderDocument,
  request,
  reviewCard,
  statusBadge,
  t,
  violationList,
  when,
} from "./common";
import type { Assignment, Dossier, Paged, Status, TargetSummary } from "./common";

register(
  {
    "queue.title": "绩效目标审核",
    "queue.filter": "筛选",
    "queue.all": "全部",
    "queue.select": "选择",
    "queue.errors": "错误数",
    "queue.assigned": "第三方",
    "assign.title": "委托第三方审核（勾选的目标）",
    "assign.org": "第三方机构",
    "assign.due": "完成期限",
    "assign.submit": "委托",
    "assign.done": "已委托 {n} 个目标给 {org}",
    "assign.none": "请先勾选已提交的目标",
    "detail.document": "申报内容",
    "detail.changes": "自上次退回以来的修改（第 {v} 版退回后）",
    "detail.reviews": "审核记录",
    "detail.opinions": "第三方审核意见",
    "detail.assignments": "委托情况",
    "detail.history": "操作日志",
    "form.title": "审核",
    "form.decision": "审核结论",
    "form.grade": "审核等级（财预〔2015〕88号）",
    "form.grade.hint": "中、差必须退回；差不得进入预算安排",
    "form.opinion": "审核意见（退回时必填）",
    "form.amount": "批复金额（万元，批复时必填）",
    "form.submit": "提交审核结论",
    "form.done": "已{decision}",
  },
  {
    "queue.title": "Target review",
    "queue.filter": "Filter",
    "queue.all": "All",
    "queue.select": "Select",
    "queue.errors": "Errors",
    "queue.assigned": "Third party",
    "assign.title": "Assign the selected targets to a third-party assessor",
    "assign.org": "Assessor organisation",
    "assign.due": "Due date",
    "assign.submit": "Assign",
    "assign.done": "{n} target(s) assigned to {org}",
    "assign.none": "Select submitted targets first",
    "detail.document": "Declaration",
    "detail.changes": "Changed since the last return (of version {v})",
    "detail.reviews": "Review decisions",
    "detail.opinions": "Third-party opinions",
    "detail.assignments": "Assignments",
    "detail.history": "Audit trail",
    "form.title": "Review",
    "form.decision": "Decision",
    "form.grade": "Grade (Cai Yu [2015] No. 88)",
    "form.grade.hint": "Fair and poor must be returned; poor does not enter the budget",
    "form.opinion": "Opinion (required when returning)",
    "form.amount": "Approved amount (10k yuan, required on approval)",
    "form.submit": "Record the decision",
    "form.done": "Decision recorded: {decision}",
  },
);

interface Listing extends Paged<TargetSummary> {
  counts: Record<Status, number>;
}

const counts = document.getElementById("counts") as HTMLElement;
const queue = document.getElementById("queue") as HTMLElement;
const detail = document.getElementById("detail") as HTMLElement;
const message = document.getElementById("message") as HTMLElement;
const statusFilter = document.getElementById("status-filter") as HTMLSelectElement;
const yearFilter = document.getElementById("year-filter") as HTMLInputElement;
const deptFilter = document.getElementById("department-filter") as HTMLInputElement;
const selected = new Set<string>();
let openId: string | undefined;

// The filters of the page read at `first()`; every later page keeps them.
let filters: Record<string, string> = {};
const list = new CursorList<TargetSummary, Listing>(
  (cursor, limit) => request<Listing>("GET", `/review/targets${query({ ...filters, cursor, limit })}`),
  (it) => it.id,
);

function fillStatusFilter(): void {
  const current = statusFilter.value || "submitted";
  fill(statusFilter, h("option", { value: "" }, t("queue.all")), ...STATUSES.map((s) => h("option", { value: s }, t(`status.${s}`))));
  statusFilter.value = current;
}

/** Reads the queue from its first page with the filters of the form. */
async function loadQueue(): Promise<void> {
  filters = { status: statusFilter.value, fiscal_year: yearFilter.value.trim(), department: deptFilter.value.trim() };
  await read(() => list.first());
}

/** Reads the queue again as far as it was shown (after a decision or an assignment). */
async function refreshQueue(): Promise<void> {
  await read(() => list.refresh());
}

async function read(step: () => Promise<unknown>): Promise<void> {
  message.textContent = t("common.loading");
  try {
    await step();
    message.textContent = "";
    renderQueue();
  } catch (e) {
    message.textContent = t("common.error", { detail: problemText(e) });
  }
}

function renderQueue(): void {
  const data = list.last;
  if (!data) return;
  fill(
    counts,
    h(
      "div",
      { class: "counts" },
      ...STATUSES.map((s) => {
        const b = h("button", { type: "button", id: `count-${s}` }, `${t(`status.${s}`)} `, h("strong", {}, String(data.counts[s] ?? 0)));
        b.addEventListener("click", () => {
          statusFilter.value = s;
          void loadQueue();
        });
        return b;
      }),
    ),
  );
  // The total of the list as filtered: the status's count, or every status's.
  const status = filters.status as Status | "";
  const total = status ? (data.counts[status] ?? 0) : STATUSES.reduce((n, s) => n + (data.counts[s] ?? 0), 0);
  if (list.items.length === 0) {
    fill(queue, h("p", {}, t("common.empty")));
    return;
  }
  fill(
    queue,
    h(
      "table",
      { id: "queue-table" },
      h(
        "thead",
        {},
        h("tr", {}, ...["queue.select", "doc.project", "doc.department", "doc.year", "doc.annual_total", "queue.status", "queue.errors", "target.revision", ""].map((k) => h("th", { scope: "col" }, k ? t(k) : ""))),
      ),
      h(
        "tbody",
        {},
        ...list.items.map((it) => {
          const box = h("input", { type: "checkbox", "aria-label": it.project_name ?? it.id, "data-id": it.id, disabled: it.status !== "submitted" }) as HTMLInputElement;
          box.checked = selected.has(it.id);
          box.addEventListener("change", () => (box.checked ? selected.add(it.id) : selected.delete(it.id)));
          const open = h("button", { type: "button", class: "open", "data-id": it.id }, t("mine.open"));
          open.addEventListener("click", () => void openDossier(it.id));
          return h(
            "tr",
            { "data-id": it.id, class: it.id === openId ? "selected" : undefined },
            h("td", {}, box),
            h("td", {}, it.project_name ?? it.id),
            h("td", {}, it.department_code),
            h("td", {}, String(it.fiscal_year ?? "")),
            h("td", {}, it.annual_total ?? ""),
            h("td", {}, statusBadge(it.status), it.adjustment ? h("small", {}, " 调整") : null),
            h("td", {}, String(it.error_count)),
            h("td", {}, String(it.revision)),
            h("td", {}, open),
          );
        }),
      ),
    ),
    pager("queue-pager", list.items.length, total, list.next !== null, async () => {
      try {
        if (await list.more()) {
          renderQueue();
          keepPagerFocus("queue-pager");
        }
      } catch (e) {
        message.textContent = t("common.error", { detail: problemText(e) });
      }
    }),
  );
}

async function assign(): Promise<void> {
  const org = (document.getElementById("assign-org") as HTMLInputElement).value.trim();
  const due = (document.getElementById("assign-due") as HTMLInputElement).value;
  if (selected.size === 0) {
    message.textContent = t("assign.none");
    return;
  }
  try {
    const made = await request<Assignment[]>("POST", "/assignments", { target_ids: [...selected], organisation: org, due });
    selected.clear();
    await refreshQueue();
    if (openId) await openDossier(openId);
    message.textContent = t("assign.done", { n: made.length, org });
  } catch (e) {
    message.textContent = problemText(e);
  }
}

function reviewForm(tg: TargetSummary, onDone: () => Promise<void>): HTMLElement {
  const decision = h("select", { id: "decision" }, h("option", { value: "approve" }, t("decision.approve")), h("option", { value: "return" }, t("decision.return"))) as HTMLSelectElement;
  const grade = h("select", { id: "grade" }, ...["excellent", "good", "fair", "poor"].map((g) => h("option", { value: g }, t(`grade.${g}`)))) as HTMLSelectElement;
  const criteria = ["completeness", "relevance", "appropriateness", "feasibility"].map((c) => [c, h("textarea", { id: `criterion-${c}`, rows: "2" }) as HTMLTextAreaElement] as const);
  const opinion = h("textarea", { id: "opinion", rows: "3" }) as HTMLTextAreaElement;
  const amount = h("input", { id: "approved-amount", inputmode: "decimal" }) as HTMLInputElement;
  amount.value = tg.annual_total ?? "";
  const error = h("div", { id: "review-error", class: "error-text", role: "alert" });
  // The 88号 rules (中/差 must be returned, opinion on return, amount on approval) are
  // checked by the server with jixiao-rules; its message is shown below the form.
  const sync = () => {
    amount.disabled = decision.value !== "approve";
  };
  decision.addEventListener("change", sync);
  const submit = h("button", { type: "submit", id: "review-submit" }, t("form.submit"));
  const form = h(
    "form",
    { id: "review-form", class: "panel" },
    h("h3", {}, t("form.title")),
    h(
      "div",
      { class: "form-grid" },
      h("label", { for: "grade" }, t("form.grade")),
      h("div", {}, grade, h("small", {}, ` ${t("form.grade.hint")}`)),
      h("label", { for: "decision" }, t("form.decision")),
      decision,
      ...criteria.flatMap(([c, area]) => [h("label", { for: area.id }, t(`criterion.${c}`)), area]),
      h("label", { for: "opinion" }, t("form.opinion")),
      opinion,
      h("label", { for: "approved-amount" }, t("form.amount")),
      amount,
    ),
    error,
    submit,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body: Record<string, unknown> = {
      decision: decision.value,
      grade: grade.value,
      criteria: Object.fromEntries(criteria.filter(([, a]) => a.value.trim()).map(([c, a]) => [c, a.value])),
      opinion: opinion.value.trim() ? opinion.value : null,
      approved_amount: decision.value === "approve" ? amount.value.trim() : null,
    };
    try {
      await request("POST", `/targets/${encodeURIComponent(tg.id)}/review`, body);
      const done = t("form.done", { decision: t(`decision.${decision.value}`) });
      await onDone();
      message.textContent = done;
    } catch (e) {
      error.textContent = problemDetails(e);
    }
  });
  sync();
  return form;
}

async function openDossier(id: string): Promise<void> {
  openId = id;
  let d: Dossier;
  try {
    d = await request<Dossier>("GET", `/targets/${encodeURIComponent(id)}/dossier`);
  } catch (e) {
    fill(detail, h("p", { class: "error-text" }, problemText(e)));
    return;
  }
  const tg = d.target;
  const vs = check(d.document, tg.profile);
  fill(
    detail,
    h(
      "article",
      { class: "panel", id: "dossier", "data-id": tg.id },
      h("h2", {}, tg.project_name ?? tg.id, " ", statusBadge(tg.status)),
      h("p", {}, `${t("target.revision")} ${tg.revision}`, tg.adjustment && tg.in_force_revision ? ` · ${t("target.adjustment", { v: tg.in_force_revision })}` : ""),
      tg.budget_excluded ? h("p", { class: "error-text" }, t("target.excluded")) : null,
      h("section", { id: "violations" }, h("h3", {}, t("doc.problems")), violationList(vs)),
      d.changes ? h("section", { id: "changes" }, h("h3", {}, t("detail.changes", { v: d.changes.since_revision })), changeList(d.changes.changes)) : null,
      h("section", { id: "opinions" }, h("h3", {}, t("detail.opinions")), d.opinions.length ? h("div", {}, ...d.opinions.map(opinionCard)) : h("p", {}, t("common.empty"))),
      d.assignments.length
        ? h("section", { id: "assignments" }, h("h3", {}, t("detail.assignments")), h("ul", {}, ...d.assignments.map((a) => h("li", {}, `${a.organisation} · ${t("assign.due")} ${a.due}`))))
        : null,
      tg.status === "submitted" ? reviewForm(tg, () => refreshQueue().then(() => openDossier(tg.id))) : null,
      h("section", { id: "reviews" }, h("h3", {}, t("detail.reviews")), d.reviews.length ? h("div", {}, ...[...d.reviews].reverse().map(reviewCard)) : h("p", {}, t("common.empty"))),
      h("section", {}, h("h3", {}, t("detail.document")), renderDocument(d.document, tg.profile)),
      h(
        "section",
        { id: "history" },
        h("h3", {}, t("detail.history")),
        h("ol", {}, ...d.history.map((ev) => h("li", { "data-action": ev.action }, `${when(ev.at)} · ${ev.actor} (${ev.role}) · ${t(`action.${ev.action}`)}`))),
      ),
    ),
  );
}

async function start(): Promise<void> {
  await chrome(true, () => {
    fillStatusFilter();
    void refreshQueue();
    if (openId) void openDossier(openId);
  });
  statusFilter.value = "submitted";
  fillStatusFilter();
  (document.getElementById("filters") as HTMLFormElement).addEventListener("submit", (ev) => {
    ev.preventDefault();
    void loadQueue();
  });
  (document.getElementById("assign-btn") as HTMLButtonElement).addEventListener("click", () => void assign());
  await loadQueue();
  const id = new URLSearchParams(location.search).get("id");
  if (id) await openDossier(id);
}

void start();
