// The third-party assessor's 复评任务 (assessor.html): the filed self-evaluations finance
// assigned to the assessor's organisation (GET /evaluations lists exactly those for an
// assessor token), each opened read-only — its rows, report, evidence files to download and
// the re-evaluations so far — with the re-evaluation form shared with finance's results page
// (re-evaluate.ts).

import "../monitoring/monitoring.css";
import "./evaluation.css";
import { register } from "../lib/i18n";
import { fill, h, problemText, t, when } from "../review/common";
import { all } from "../monitoring/common";
import { evalStatusBadge, evaluationName, evaluationRows, getEvaluation, gradeBadge, obj, reEvaluations, reportText, str, targetProfile } from "./common";
import type { Evaluation, EvaluationSummary } from "./common";
import { evidenceSection } from "./evidence";
import { reEvaluationForm } from "./re-evaluate";

register(
  {
    "atasks.title": "复评任务",
    "atasks.none": "暂无指派给本机构的复评任务",
    "atasks.project": "项目",
    "atasks.department": "主管部门",
    "atasks.year": "年度",
    "atasks.status": "状态",
    "atasks.dept_score": "单位自评得分",
    "atasks.final": "最终得分",
    "atasks.assigned": "指派",
    "atasks.open": "复评",
    "atasks.detail": "复评任务：{name}",
    "atasks.total": "单位自评总分：{total} · 最终得分：{final}",
    "atasks.not_filed": "该自评表当前不是已备案状态，不能复评",
    "atasks.done": "复评已提交：最终得分 {total}",
  },
  {
    "atasks.title": "Re-evaluation tasks",
    "atasks.none": "No re-evaluation is assigned to your organisation",
    "atasks.project": "Project",
    "atasks.department": "Department",
    "atasks.year": "Year",
    "atasks.status": "Status",
    "atasks.dept_score": "Department's score",
    "atasks.final": "Final score",
    "atasks.assigned": "Assigned",
    "atasks.open": "Re-evaluate",
    "atasks.detail": "Re-evaluation task: {name}",
    "atasks.total": "Department's total: {total} · final score: {final}",
    "atasks.not_filed": "This self-evaluation is not filed; it cannot be re-evaluated",
    "atasks.done": "Re-evaluation recorded: final score {total}",
  },
);

/** The 复评任务 list in `list` and the opened task in `detail`; returns its loader and re-renderer. */
export function reEvaluationTasks(list: HTMLElement, detail: HTMLElement): { load: () => Promise<void>; rerender: () => void } {
  let openId: string | undefined;
  let note = "";

  async function load(): Promise<void> {
    const heading = h("h2", {}, t("atasks.title"));
    const status = h("p", { id: "eval-task-message", role: "status" }, note || t("common.loading"));
    fill(list, heading, status);
    let tasks: Evaluation[];
    try {
      const items = await all<EvaluationSummary>("/evaluations");
      tasks = await Promise.all(items.map((e) => getEvaluation(e.id)));
    } catch (e) {
      status.textContent = t("common.error", { detail: problemText(e) });
      return;
    }
    status.textContent = note;
    if (!tasks.length) {
      fill(list, heading, h("p", { id: "eval-tasks-none" }, t("atasks.none")));
      return;
    }
    const cols = ["atasks.project", "atasks.department", "atasks.year", "atasks.status", "atasks.dept_score", "atasks.final", "atasks.assigned", ""];
    fill(
      list,
      heading,
      status,
      h(
        "table",
        { id: "eval-task-table" },
        h("thead", {}, h("tr", {}, ...cols.map((c) => h("th", { scope: "col", class: c === "atasks.dept_score" || c === "atasks.final" ? "num" : undefined }, c ? t(c) : "")))),
        h(
          "tbody",
          {},
          ...tasks.map((e) => {
            const open = h("button", { type: "button", class: "open", "data-id": e.id }, t("atasks.open"));
            open.addEventListener("click", () => void openTask(e.id));
            return h(
              "tr",
              { "data-id": e.id, "data-status": e.status, class: e.id === openId ? "selected" : undefined },
              h("td", {}, evaluationName(e)),
              h("td", {}, str(obj(e.target.department).name) || e.department_code),
              h("td", {}, String(e.fiscal_year)),
              h("td", {}, evalStatusBadge(e.status)),
              h("td", { class: "num" }, e.total ?? t("eval.none")),
              h("td", { class: "num", "data-col": "final" }, e.final_total ?? t("eval.none"), " ", gradeBadge(e.final_grade)),
              h("td", {}, ...e.assignments.map((a) => h("div", {}, `${a.organisation} · ${when(a.at)}`))),
              h("td", {}, open),
            );
          }),
        ),
      ),
    );
  }

  async function openTask(id: string): Promise<void> {
    openId = id;
    let e: Evaluation;
    let profileId: string;
    try {
      e = await getEvaluation(id);
      profileId = e.profile ?? (await targetProfile(e.target_id));
    } catch (err) {
      fill(detail, h("p", { class: "error-text" }, problemText(err)));
      return;
    }
    list.querySelectorAll<HTMLElement>("#eval-task-table tbody tr").forEach((tr) => tr.classList.toggle("selected", tr.dataset.id === id));
    fill(
      detail,
      h(
        "article",
        { class: "panel", id: "eval-task", "data-id": e.id, "data-status": e.status },
        h("h2", {}, t("atasks.detail", { name: evaluationName(e) }), " ", evalStatusBadge(e.status)),
        h("p", { class: "meta" }, `${str(obj(e.target.department).name) || e.department_code} · ${e.fiscal_year}`, e.decided_at ? ` · ${t("estatus.filed")} ${when(e.decided_at)}` : ""),
        evaluationRows(e, profileId),
        h("p", { id: "task-total" }, h("strong", {}, t("atasks.total", { total: e.total ?? t("eval.none"), final: e.final_total ?? t("eval.none") }))),
        reportText(e.document),
        evidenceSection(e.id, e.evidence ?? [], { editable: false }),
        reEvaluations(e),
        e.status === "filed"
          ? reEvaluationForm(e, profileId, {
              onDone: async (updated) => {
                note = t("atasks.done", { total: updated.final_total ?? "" });
                await load();
                await openTask(updated.id);
              },
            })
          : h("p", { class: "meta" }, t("atasks.not_filed")),
      ),
    );
  }

  return {
    load,
    rerender: () => {
      void load();
      if (openId) void openTask(openId);
    },
  };
}
