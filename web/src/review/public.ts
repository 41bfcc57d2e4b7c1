// The public list (非涉密、全公开): approved, non-classified targets with their indicators,
// filtered by fiscal year and department. No login: the page never sends a token.

import { register } from "../lib/i18n";
import { chrome, fill, h, problemText, query, renderDocument, t } from "./common";
import { API } from "../lib/api";

register(
  {
    "public.title": "预算绩效目标公开",
    "public.search": "查询",
    "public.count": "共 {n} 个已批复的绩效目标",
    "public.approved": "批复金额（万元）：{amount} · 批复时间 {at}",
  },
  {
    "public.title": "Published performance targets",
    "public.search": "Search",
    "public.count": "{n} approved target(s)",
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

async function load(): Promise<void> {
  message.textContent = t("common.loading");
  try {
    // Deliberately a plain fetch without Authorization: the public list needs no login.
    const res = await fetch(`${API}/public/targets${query({ fiscal_year: year.value.trim(), department: dept.value.trim() })}`, {
      headers: { Accept: "application/json" },
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const data = (await res.json()) as { items: PublicTarget[] };
    message.textContent = t("public.count", { n: data.items.length });
    fill(
      list,
      ...data.items.map((p) =>
        h(
          "article",
          { class: "panel public-target", "data-id": p.id },
          h("h2", {}, p.project_name ?? p.id),
          h("p", {}, t("public.approved", { amount: p.approved_amount ?? "", at: p.approved_at.slice(0, 10) })),
          renderDocument(p.document, p.profile),
        ),
      ),
    );
  } catch (e) {
    message.textContent = t("common.error", { detail: problemText(e) });
  }
}

async function start(): Promise<void> {
  await chrome(false, () => void load());
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
