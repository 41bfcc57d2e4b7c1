// The public list (非涉密、全公开): approved, non-classified targets with their indicators,
// filtered by fiscal year and department (kept in the URL), a page at a time (加载更多
// follows the server's cursor; `?limit=` sets the page size). No login: the page never
// sends a token.

import { currentLocale, register } from "../lib/i18n";
import { ApiError, CursorList, chrome, fill, h, keepPagerFocus, pager, problemText, query, renderDocument, setUrlParams, t } from "./common";
import type { Paged, Problem } from "./common";
import { API } from "../lib/api";

register(
  {
    "public.title": "预算绩效目标公开",
    "public.search": "查询",
    "public.count": "共 {n} 个已批复的绩效目标",
    "public.shown": "已显示 {n} 个已批复的绩效目标，还有更多",
    "public.approved": "批复金额（万元）：{amount} · 批复时间 {at}",
  },
  {
    "public.title": "Published performance targets",
    "public.search": "Search",
    "public.count": "{n} approved target(s)",
    "public.shown": "Showing {n} approved target(s); there are more",
    "public.approved": "Approved amount (10k yuan): {amount} · approved {at}",
  },
);

interface PublicTarget {
  id: string;
  fiscal_year: number | null;
  department_code: string;
  project_name: string | null;
  profile: string;
  revision: number;
  approved_amount: string | null;
  approved_at: string;
  document: Record<string, unknown>;
}

const list = document.getElementById("public-list") as HTMLElement;
const message = document.getElementById("message") as HTMLElement;
const year = document.getElementById("year-filter") as HTMLInputElement;
const dept = document.getElementById("department-filter") as HTMLInputElement;

// The filters read at `first()`; every later page keeps them.
let filters: Record<string, string> = {};
const published = new CursorList<PublicTarget>(async (cursor, limit) => {
  // Deliberately a plain fetch without Authorization: the public list needs no login.
  const res = await fetch(`${API}/public/targets${query({ ...filters, cursor, limit })}`, {
    headers: { Accept: "application/json, application/problem+json", "Accept-Language": currentLocale() },
  });
  if (!res.ok) {
    let problem: Problem = { status: res.status, title: `HTTP ${res.status}` };
    try {
      problem = { ...problem, ...((await res.json()) as Problem), status: res.status };
    } catch {
      /* keep the status line */
    }
    throw new ApiError(problem);
  }
  return (await res.json()) as Paged<PublicTarget>;
}, (p) => p.id);

/** Reads the first page with the filters of the form (kept in the URL). */
async function load(): Promise<void> {
  filters = { fiscal_year: year.value.trim(), department: dept.value.trim() };
  setUrlParams(filters);
  message.textContent = t("common.loading");
  try {
    await published.first();
    render();
  } catch (e) {
    message.textContent = t("common.error", { detail: problemText(e) });
  }
}

function render(): void {
  // The route has no total: while pages remain, say how many are shown so far.
  const n = published.items.length;
  const more = published.next !== null;
  message.textContent = more ? t("public.shown", { n }) : t("public.count", { n });
  fill(
    list,
    ...published.items.map((p) =>
      h(
        "article",
        { class: "panel public-target", "data-id": p.id },
        h("h2", {}, p.project_name ?? p.id),
        h("p", {}, t("public.approved", { amount: p.approved_amount ?? "", at: p.approved_at.slice(0, 10) })),
        renderDocument(p.document, p.profile),
      ),
    ),
    n > 0
      ? pager("public-pager", n, more ? undefined : n, more, async () => {
          try {
            if (await published.more()) {
              render();
              keepPagerFocus("public-pager");
            }
          } catch (e) {
            message.textContent = t("common.error", { detail: problemText(e) });
          }
        })
      : null,
  );
}

async function start(): Promise<void> {
  // The language toggle renders the rows read again; it does not read them again.
  await chrome(false, () => {
    if (published.last) render();
  });
  (document.getElementById("filters") as HTMLFormElement).addEventListener("submit", (ev) => {
    ev.preventDefault();
    void load();
  });
  const params = new URLSearchParams(location.search);
  year.value = params.get("fiscal_year") ?? "";
  dept.value = params.get("department") ?? "";
  await load();
}

void start();
