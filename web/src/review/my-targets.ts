// The department's page: its targets by status (草稿 / 已提交 / 已退回 / 已批复), a page
// at a time (加载更多 follows the server's cursor; `?status=` is the tab, `?limit=` the
// page size), the reviewer's opinion on returned ones, and, for a draft or returned
// target, editing the document (checked live by the WASM rules), saving with If-Match
// and (re)submitting. An approved target can be adjusted (调整): a new version reviewed again.

import { updateTarget } from "../lib/api";
import { register } from "../lib/i18n";
import {
  ApiError,
  CursorList,
  STATUSES,
  changeList,
  chrome,
  check,
  fill,
  h,
  keepPagerFocus,
  pager,
  problemText,
  query,
  request,
  reviewCard,
  setUrlParams,
  statusBadge,
  t,
  violationList,
  when,
} from "./common";
import type { Dossier, Paged, Status, TargetSummary } from "./common";

register(
  {
    "mine.title": "我的绩效目标",
    "mine.project": "项目",
    "mine.updated": "更新时间",
    "mine.last_opinion": "审核意见",
    "mine.open": "查看",
    "mine.edit": "修改申报内容（JSON）",
    "mine.save": "保存",
    "mine.saved": "已保存",
    "mine.submit": "提交审核",
    "mine.resubmit": "重新提交",
    "mine.submitted": "已提交审核",
    "mine.adjust": "申请调整",
    "mine.adjusted": "已创建调整版本 {v}，原批复版本继续有效",
    "mine.conflict": "他人已修改该目标，请重新打开后再修改",
    "mine.readonly": "已提交的绩效目标在退回前不能修改",
    "mine.changes": "自上次退回以来的修改",
    "mine.history": "审核记录",
    "mine.invalid_json": "JSON 格式不正确：{detail}",
    "mine.blocked": "仍有错误，不能提交",
  },
  {
    "mine.title": "My performance targets",
    "mine.project": "Project",
    "mine.updated": "Updated",
    "mine.last_opinion": "Reviewer's opinion",
    "mine.open": "Open",
    "mine.edit": "Edit the declaration (JSON)",
    "mine.save": "Save",
    "mine.saved": "Saved",
    "mine.submit": "Submit for review",
    "mine.resubmit": "Resubmit",
    "mine.submitted": "Submitted for review",
    "mine.adjust": "Request an adjustment",
    "mine.adjusted": "Adjustment version {v} created; the approved version stays in force",
    "mine.conflict": "Someone else changed this target; reopen it before editing",
    "mine.readonly": "A submitted target cannot be changed until it is returned",
    "mine.changes": "Changed since the last return",
    "mine.history": "Review decisions",
    "mine.invalid_json": "Not valid JSON: {detail}",
    "mine.blocked": "There are still errors; it cannot be submitted",
  },
);

let tab: Status = "draft";
let openId: string | undefined;
const message = document.getElementById("message") as HTMLElement;
const list = document.getElementById("list") as HTMLElement;
const detail = document.getElementById("detail") as HTMLElement;
const tabs = document.getElementById("tabs") as HTMLElement;

interface Listing extends Paged<TargetSummary> {
  counts: Record<Status, number>;
}

// The department's targets of the open tab, a page at a time; `tab` is read at `first()`.
let listedTab: Status = tab;
const targets = new CursorList<TargetSummary, Listing>(
  (cursor, limit) => request<Listing>("GET", `/review/targets${query({ status: listedTab, cursor, limit })}`),
  (it) => it.id,
);

/** Reads the open tab from its first page (and keeps the tab in the URL). */
async function loadList(): Promise<void> {
  listedTab = tab;
  setUrlParams({ status: tab });
  await read(() => targets.first());
}

/** Reads the open tab again as far as it was shown. */
async function refreshList(): Promise<void> {
  await read(() => targets.refresh());
}

async function read(step: () => Promise<unknown>): Promise<void> {
  message.textContent = t("common.loading");
  try {
    await step();
    message.textContent = "";
    renderList();
  } catch (e) {
    message.textContent = t("common.error", { detail: problemText(e) });
  }
}

function renderList(): void {
  const data = targets.last;
  if (!data) return;
  fill(
    tabs,
    ...STATUSES.map((s) => {
      const b = h("button", { type: "button", role: "tab", id: `tab-${s}`, "aria-selected": String(s === listedTab) }, `${t(`status.${s}`)} (${data.counts[s] ?? 0})`);
      b.addEventListener("click", () => {
        tab = s;
        void loadList();
      });
      return b;
    }),
  );
  if (targets.items.length === 0) {
    fill(list, h("p", {}, t("common.empty")));
    return;
  }
  fill(
    list,
    h(
      "table",
      { id: "targets" },
      h("thead", {}, h("tr", {}, ...["mine.project", "doc.year", "queue.status", "target.revision", "mine.last_opinion", "mine.updated", ""].map((k) => h("th", { scope: "col" }, k ? t(k) : "")))),
      h(
        "tbody",
        {},
        ...targets.items.map((it) => {
          const open = h("button", { type: "button", class: "open", "data-id": it.id }, t("mine.open"));
          open.addEventListener("click", () => void openTarget(it.id));
          const opinion = it.status === "returned" && it.last_review ? `${t(`grade.${it.last_review.grade}`)}：${it.last_review.opinion ?? ""}` : "";
          return h(
            "tr",
            { "data-id": it.id, class: it.id === openId ? "selected" : undefined },
            h("td", {}, it.project_name ?? it.id),
            h("td", {}, String(it.fiscal_year ?? "")),
            h("td", {}, statusBadge(it.status), it.budget_excluded ? h("small", {}, ` ${t("target.excluded")}`) : null),
            h("td", {}, String(it.revision)),
            h("td", { class: "last-opinion" }, opinion),
            h("td", {}, when(it.updated_at)),
            h("td", {}, open),
          );
        }),
      ),
    ),
    pager("targets-pager", targets.items.length, data.counts[listedTab] ?? 0, targets.next !== null, async () => {
      try {
        if (await targets.more()) {
          renderList();
          keepPagerFocus("targets-pager");
        }
      } catch (e) {
        message.textContent = t("common.error", { detail: problemText(e) });
      }
    }),
  );
}

async function openTarget(id: string): Promise<void> {
  openId = id;
  let d: Dossier;
  try {
    d = await request<Dossier>("GET", `/targets/${encodeURIComponent(id)}/dossier`);
  } catch (e) {
    fill(detail, h("p", { class: "error-text" }, problemText(e)));
    return;
  }
  const tg = d.target;
  let etag = tg.etag;
  const editable = tg.status === "draft" || tg.status === "returned";
  const status = h("p", { role: "status", id: "detail-status" });
  const problems = h("div", { id: "violations" });
  const area = h("textarea", { class: "doc", id: "doc", "aria-label": t("mine.edit"), readonly: !editable }) as HTMLTextAreaElement;
  area.value = JSON.stringify(d.document, null, 2);
  const submit = h("button", { type: "button", id: "submit" }, tg.status === "returned" ? t("mine.resubmit") : t("mine.submit"));
  const save = h("button", { type: "button", id: "save" }, t("mine.save"));

  const parsed = (): Record<string, unknown> | undefined => {
    try {
      const v = JSON.parse(area.value) as unknown;
      return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch (e) {
      fill(problems, h("p", { class: "error-text" }, t("mine.invalid_json", { detail: String(e) })));
      return undefined;
    }
  };
  const recheck = (): boolean => {
    const doc = parsed();
    if (!doc) {
      submit.disabled = true;
      return false;
    }
    const vs = check(doc, tg.profile);
    fill(problems, h("h4", {}, t("doc.problems")), violationList(vs));
    const blocked = vs.some((v) => v.severity === "error");
    submit.disabled = !editable || blocked;
    submit.title = blocked ? t("mine.blocked") : "";
    return !blocked;
  };
  area.addEventListener("input", () => void recheck());

  const saveDoc = async (): Promise<boolean> => {
    const doc = parsed();
    if (!doc) return false;
    try {
      const stored = await updateTarget(tg.id, etag, doc);
      etag = stored.etag ?? etag;
      status.textContent = t("mine.saved");
      return true;
    } catch (e) {
      status.textContent = e instanceof ApiError && e.problem.status === 412 ? t("mine.conflict") : problemText(e);
      return false;
    }
  };
  save.addEventListener("click", () => void saveDoc());
  submit.addEventListener("click", async () => {
    if (!recheck()) return;
    if (area.value !== JSON.stringify(d.document, null, 2) && !(await saveDoc())) return;
    try {
      await request("POST", `/targets/${encodeURIComponent(tg.id)}/submit`, undefined, { "If-Match": etag });
      status.textContent = t("mine.submitted");
      tab = "submitted";
      await loadList();
      await openTarget(tg.id);
      (document.getElementById("detail-status") as HTMLElement).textContent = t("mine.submitted");
    } catch (e) {
      if (e instanceof ApiError && e.problem.violations) fill(problems, h("h4", {}, t("doc.problems")), violationList(e.problem.violations));
      status.textContent = problemText(e);
    }
  });

  let adjust: HTMLElement | null = null;
  if (tg.status === "approved") {
    adjust = h("button", { type: "button", id: "adjust" }, t("mine.adjust"));
    adjust.addEventListener("click", async () => {
      try {
        const next = await request<TargetSummary>("POST", `/targets/${encodeURIComponent(tg.id)}/adjust`, undefined, { "If-Match": etag });
        tab = "draft";
        await loadList();
        await openTarget(tg.id);
        (document.getElementById("detail-status") as HTMLElement).textContent = t("mine.adjusted", { v: next.revision });
      } catch (e) {
        status.textContent = problemText(e);
      }
    });
  }

  fill(
    detail,
    h(
      "div",
      { class: "panel" },
      h("h2", {}, tg.project_name ?? tg.id, " ", statusBadge(tg.status)),
      h("p", {}, `${t("target.revision")} ${tg.revision}`, tg.adjustment && tg.in_force_revision ? ` · ${t("target.adjustment", { v: tg.in_force_revision })}` : ""),
      tg.budget_excluded ? h("p", { class: "error-text" }, t("target.excluded")) : null,
      d.reviews.length ? h("section", { id: "reviews" }, h("h3", {}, t("mine.history")), ...[...d.reviews].reverse().map(reviewCard)) : null,
      d.changes ? h("section", { id: "changes" }, h("h3", {}, t("mine.changes")), changeList(d.changes.changes)) : null,
      !editable && tg.status === "submitted" ? h("p", {}, t("mine.readonly")) : null,
      h("h3", {}, t("mine.edit")),
      area,
      problems,
      h("div", { class: "row" }, editable ? save : null, editable ? submit : null, adjust),
      status,
    ),
  );
  recheck();
}

async function start(): Promise<void> {
  await chrome(true, () => {
    void refreshList();
    if (openId) void openTarget(openId);
  });
  const params = new URLSearchParams(location.search);
  const s = params.get("status");
  if (s && (STATUSES as string[]).includes(s)) tab = s as Status;
  await loadList();
  const id = params.get("id");
  if (id) await openTarget(id);
}

void start();
