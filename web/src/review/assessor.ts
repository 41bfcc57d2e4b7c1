// The third-party assessor's older page (委托第三方审核): its assignments, the assigned
// target (document and the WASM rule check) and the structured opinion form (a score and
// remarks per 88号 criterion, findings, recommendation approve/revise). The app has all of
// it (#/assignments); the 复评任务 moved to the app's #/re-evaluations.

import { register } from "../lib/i18n";
import { check, chrome, fill, h, opinionCard, problemDetails, problemText, renderDocument, request, statusBadge, t, violationList } from "./common";
import type { Assignment, Opinion, TargetSummary } from "./common";

register(
  {
    "assessor.title": "第三方审核任务",
    "assessor.due": "完成期限",
    "assessor.opinions": "已提交意见",
    "assessor.form": "审核意见",
    "assessor.score": "得分（0–100）",
    "assessor.remarks": "评审意见",
    "assessor.findings": "发现的问题（每行一条）",
    "assessor.recommendation": "审核建议",
    "assessor.submit": "提交意见",
    "assessor.done": "意见已提交",
    "assessor.closed": "该目标当前不在审核中，不能提交意见",
    "assessor.targets": "绩效目标审核任务",
  },
  {
    "assessor.title": "Third-party review assignments",
    "assessor.due": "Due",
    "assessor.opinions": "Opinions given",
    "assessor.form": "Opinion",
    "assessor.score": "Score (0–100)",
    "assessor.remarks": "Remarks",
    "assessor.findings": "Findings (one per line)",
    "assessor.recommendation": "Recommendation",
    "assessor.submit": "Send the opinion",
    "assessor.done": "Opinion sent",
    "assessor.closed": "This target is not under review; no opinion can be sent",
    "assessor.targets": "Target review assignments",
  },
);

interface AssignmentDetail {
  assignment: Assignment;
  target: TargetSummary;
  document: Record<string, unknown>;
  opinions: Opinion[];
}

const message = document.getElementById("message") as HTMLElement;
const list = document.getElementById("assignments") as HTMLElement;
const detail = document.getElementById("detail") as HTMLElement;
let openId: string | undefined;

async function loadAssignments(): Promise<void> {
  message.textContent = t("common.loading");
  try {
    const items = (await request<{ items: Assignment[] }>("GET", "/assignments?limit=200")).items;
    message.textContent = "";
    if (items.length === 0) {
      fill(list, h("h2", {}, t("assessor.targets")), h("p", {}, t("common.empty")));
      return;
    }
    fill(
      list,
      h("h2", {}, t("assessor.targets")),
      h(
        "table",
        { id: "assignment-table" },
        h("thead", {}, h("tr", {}, ...["doc.project", "doc.department", "queue.status", "assessor.due", "assessor.opinions", ""].map((k) => h("th", { scope: "col" }, k ? t(k) : "")))),
        h(
          "tbody",
          {},
          ...items.map((a) => {
            const open = h("button", { type: "button", class: "open", "data-id": a.id }, t("mine.open"));
            open.addEventListener("click", () => void openAssignment(a.id));
            return h(
              "tr",
              { "data-id": a.id },
              h("td", {}, a.target?.project_name ?? a.target_id),
              h("td", {}, a.target?.department_code ?? ""),
              h("td", {}, a.target ? statusBadge(a.target.status) : ""),
              h("td", {}, a.due),
              h("td", {}, String(a.opinion_count)),
              h("td", {}, open),
            );
          }),
        ),
      ),
    );
  } catch (e) {
    message.textContent = t("common.error", { detail: problemText(e) });
  }
}

function opinionForm(target: TargetSummary, onDone: () => Promise<void>): HTMLElement {
  const rows = ["completeness", "relevance", "appropriateness", "feasibility"].map((c) => ({
    c,
    score: h("input", { id: `score-${c}`, inputmode: "decimal", size: "6", "aria-label": `${t(`criterion.${c}`)} ${t("assessor.score")}` }) as HTMLInputElement,
    remarks: h("textarea", { id: `remarks-${c}`, rows: "2", "aria-label": `${t(`criterion.${c}`)} ${t("assessor.remarks")}` }) as HTMLTextAreaElement,
  }));
  const findings = h("textarea", { id: "findings", rows: "3" }) as HTMLTextAreaElement;
  const rec = h("select", { id: "recommendation" }, h("option", { value: "approve" }, t("recommendation.approve")), h("option", { value: "revise" }, t("recommendation.revise"))) as HTMLSelectElement;
  const error = h("div", { id: "opinion-error", class: "error-text", role: "alert" });
  const form = h(
    "form",
    { id: "opinion-form", class: "panel" },
    h("h3", {}, t("assessor.form")),
    h(
      "table",
      {},
      h("thead", {}, h("tr", {}, h("th", {}, ""), h("th", {}, t("assessor.score")), h("th", {}, t("assessor.remarks")))),
      h("tbody", {}, ...rows.map((r) => h("tr", {}, h("th", { scope: "row" }, t(`criterion.${r.c}`)), h("td", {}, r.score), h("td", {}, r.remarks)))),
    ),
    h("div", { class: "form-grid" }, h("label", { for: "findings" }, t("assessor.findings")), findings, h("label", { for: "recommendation" }, t("assessor.recommendation")), rec),
    error,
    h("button", { type: "submit", id: "opinion-submit" }, t("assessor.submit")),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = {
      criteria: Object.fromEntries(rows.map((r) => [r.c, { score: r.score.value.trim(), remarks: r.remarks.value }])),
      findings: findings.value.split("\n").map((s) => s.trim()).filter((s) => s),
      recommendation: rec.value,
    };
    try {
      await request("POST", `/targets/${encodeURIComponent(target.id)}/opinions`, body);
      await onDone();
      message.textContent = t("assessor.done");
    } catch (e) {
      error.textContent = problemDetails(e);
    }
  });
  return form;
}

async function openAssignment(id: string): Promise<void> {
  openId = id;
  let d: AssignmentDetail;
  try {
    d = await request<AssignmentDetail>("GET", `/assignments/${encodeURIComponent(id)}`);
  } catch (e) {
    fill(detail, h("p", { class: "error-text" }, problemText(e)));
    return;
  }
  const vs = check(d.document, d.target.profile);
  fill(
    detail,
    h(
      "article",
      { class: "panel", id: "assignment-detail" },
      h("h2", {}, d.target.project_name ?? d.target.id, " ", statusBadge(d.target.status)),
      h("p", {}, `${d.assignment.organisation} · ${t("assessor.due")} ${d.assignment.due}`),
      h("section", { id: "violations" }, h("h3", {}, t("doc.problems")), violationList(vs)),
      h("section", {}, h("h3", {}, t("detail.document")), renderDocument(d.document, d.target.profile)),
      d.opinions.length ? h("section", { id: "opinions" }, h("h3", {}, t("assessor.opinions")), ...d.opinions.map(opinionCard)) : null,
      d.target.status === "submitted" ? opinionForm(d.target, () => loadAssignments().then(() => openAssignment(id))) : h("p", {}, t("assessor.closed")),
    ),
  );
}

register({ "detail.document": "申报内容" }, { "detail.document": "Declaration" });

async function start(): Promise<void> {
  await chrome(true, () => {
    void loadAssignments();
    if (openId) void openAssignment(openId);
  });
  await loadAssignments();
  // ?assignment=<id> (the app's 我的评审任务 links here): open that assignment.
  const wanted = new URLSearchParams(location.search).get("assignment");
  if (wanted) await openAssignment(wanted);
}

void start();
