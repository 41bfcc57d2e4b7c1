// The indicator table (绩效指标): one row of cells per indicator, grouped by the profile's
// level 1 and level 2 (rows added, moved within their group and removed from the keyboard;
// ArrowUp/ArrowDown move between rows in a text cell), and under a row, on request, its
// detail row (评分标准, 指标值确定依据). The cells are text, not form controls (cells.ts: a
// choice is a select only while focused), so a keystroke's repaint costs what text costs
// at any number of rows. The name cell is a combobox over the common-indicator library
// (WASM, offline) and, in the app, the department's own earlier indicators (server):
// choosing one fills everything but the value.
import * as i18n from "../lib/i18n";
import { h } from "../lib/dom";
import { get, pointer as ptr } from "../lib/pointer";
import type { Level1 } from "../lib/rules";
import { cellLocked, cellValue } from "./cells";
import { hasContent, type Doc, type FormContext, type Indicator } from "./context";
import { hasLibrary, librarySuggestions, type Suggestion } from "./help";

const { t } = i18n;

/** The bases of an indicator's value (指标值确定依据), FORMATS §1. */
export const BASES = ["plan", "industry", "history", "budget_standard", "other"];
export const OPERATORS: [string, string][] = [
  ["ge", "≥"],
  ["gt", ">"],
  ["eq", "="],
  ["le", "≤"],
  ["lt", "<"],
];

/** How many suggestions the library gives, and the department's own (from the server). */
const LIBRARY_LIMIT = 8;
const OWN_LIMIT = 5;
/** The pause in typing before the library is asked, and before the server is. */
const LIBRARY_DELAY = 80;
const OWN_DELAY = 250;
/** The indicators of a document (an empty list when it has none). */
export function indicatorList(d: Doc): unknown[] {
  const v = get(d, "/indicators");
  return Array.isArray(v) ? v : [];
}

/** An indicator's group in the framework, `level1/level2` ("" when it fits none). */
export function groupOf(ind: unknown, fw: Level1[]): string {
  if (ind === null || typeof ind !== "object") return "";
  const i = ind as Indicator;
  const l1 = fw.find((l) => l.code === i.level1);
  if (!l1 || !l1.level2.some((l) => l.code === i.level2)) return "";
  return `${l1.code}/${String(i.level2)}`;
}

export type Indicators = ReturnType<typeof createIndicators>;

export function createIndicators(ctx: FormContext) {
  function newId(list: unknown[]): string {
    const used = new Set(list.map((i) => (i && typeof i === "object" ? String((i as Indicator).id) : "")));
    let n = list.length + 1;
    while (used.has(`i${n}`)) n++;
    return `i${n}`;
  }

  function addIndicator(l1: string, l2: string): void {
    const list = indicatorList(ctx.doc());
    const fw = ctx.profile.framework.level1;
    let at = list.length;
    list.forEach((ind, i) => {
      if (groupOf(ind, fw) === `${l1}/${l2}`) at = i + 1;
    });
    const ind: Indicator = { id: newId(list), level1: l1, level2: l2, nature: "quantitative", operator: "ge" };
    list.splice(at, 0, ind);
    ctx.messages.remapTouched("/indicators", (j) => (j >= at ? j + 1 : j));
    remapDetails((j) => (j >= at ? j + 1 : j));
    ctx.view.structural("/indicators", list, ptr("indicators", at, "name"));
  }

  function moveIndicator(i: number, dir: -1 | 1): void {
    const list = indicatorList(ctx.doc());
    const fw = ctx.profile.framework.level1;
    const g = groupOf(list[i], fw);
    let j = i + dir;
    while (j >= 0 && j < list.length && groupOf(list[j], fw) !== g) j += dir;
    if (j < 0 || j >= list.length) return;
    [list[i], list[j]] = [list[j], list[i]];
    ctx.messages.remapTouched("/indicators", (k) => (k === i ? j : k === j ? i : k));
    remapDetails((k) => (k === i ? j : k === j ? i : k));
    ctx.view.structural("/indicators", list, undefined);
    ctx.$("form-root").querySelector<HTMLElement>(`[data-move="${dir}"][data-row="${j}"]`)?.focus();
  }

  function removeIndicator(i: number): void {
    const list = indicatorList(ctx.doc());
    list.splice(i, 1);
    ctx.messages.remapTouched("/indicators", (k) => (k === i ? undefined : k > i ? k - 1 : k));
    remapDetails((k) => (k === i ? undefined : k > i ? k - 1 : k));
    ctx.view.structural("/indicators", list, undefined);
    ctx.$("form-root").querySelector<HTMLElement>(`[data-row="${Math.min(i, list.length - 1)}"][data-action="remove"]`)?.focus();
  }

  /** Rewrites one indicator object as a whole (operator/nature and level changes). */
  function rewriteIndicator(i: number, change: (ind: Indicator) => void, focus: string): void {
    const p = ptr("indicators", i);
    const cur = get(ctx.doc(), p);
    const ind: Indicator = cur && typeof cur === "object" && !Array.isArray(cur) ? { ...(cur as Indicator) } : {};
    change(ind);
    ctx.view.structural(p, ind, focus);
  }

  function render(d: Doc): HTMLElement {
    const list = indicatorList(d);
    const fw = ctx.profile.framework.level1;
    const groups = new Map<string, number[]>();
    list.forEach((ind, i) => {
      const g = groupOf(ind, fw);
      groups.set(g, [...(groups.get(g) ?? []), i]);
    });
    const cols = ["c-no", "c-l1", "c-l2", "c-name", "c-op", "c-value", "c-unit", "c-points", "c-expl", "c-actions"];
    const table = h(
      "table",
      { class: "indicators" },
      h("colgroup", {}, ...cols.map((c) => h("col", { class: c }))),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["col_no", "col_level1", "col_level2", "col_name", "col_operator", "col_value", "col_unit", "col_points", "col_explanation", "col_actions"].map(
            (k) => h("th", { scope: "col" }, t(k)),
          ),
        ),
      ),
    );
    for (const l1 of fw) {
      const body = h("tbody", { "data-level1": l1.code });
      body.append(h("tr", { class: "l1" }, h("th", { colspan: "10", scope: "rowgroup" }, i18n.label(l1.label))));
      for (const l2 of l1.level2) {
        const add = h(
          "button",
          { type: "button", class: "add", "data-add": `${l1.code}/${l2.code}` },
          `+ ${t("add_indicator", { group: i18n.label(l2.label) })}`,
        );
        add.addEventListener("click", () => addIndicator(l1.code, l2.code));
        body.append(h("tr", { class: "l2" }, h("th", { colspan: "10", scope: "rowgroup" }, h("span", {}, i18n.label(l2.label)), add)));
        for (const i of groups.get(`${l1.code}/${l2.code}`) ?? []) appendRow(body, d, list, i);
      }
      table.append(body);
    }
    const stray = groups.get("") ?? [];
    if (stray.length) {
      const body = h("tbody", { "data-level1": "" }, h("tr", { class: "l1 stray" }, h("th", { colspan: "10" }, t("unclassified"))));
      for (const i of stray) appendRow(body, d, list, i);
      table.append(body);
    }
    const section = ctx.fields.section(t("indicators"), ctx.fields.box("/indicators", t("indicators")), h("div", { class: "table-wrap" }, table));
    section.classList.add("indicators-section");
    return section;
  }

  /** An indicator's row, and its detail row when that is open. */
  function appendRow(body: HTMLElement, d: Doc, list: unknown[], i: number): void {
    const row = indicatorRow(d, list, i);
    body.append(row);
    if (openDetails.has(i) && row.dataset.row !== undefined) body.append(detailRow(d, i));
  }

  function indicatorRow(d: Doc, list: unknown[], i: number): HTMLElement {
    const n = i + 1;
    const base = (k: string) => ptr("indicators", i, k);
    const ind = list[i];
    const name = `${t("row", { n })}`;
    const fw = ctx.profile.framework.level1;
    if (ind === null || typeof ind !== "object" || Array.isArray(ind)) {
      const tr = h("tr", { class: "row" }, h("td", {}, String(n)), h("td", { colspan: "9" }, ctx.fields.box(ptr("indicators", i), name)));
      return tr;
    }
    const obj = ind as Indicator;
    const l1 = fw.find((l) => l.code === obj.level1);
    const opValue = obj.nature === "qualitative" ? "qualitative" : typeof obj.operator === "string" ? obj.operator : "";
    const cell = (el: HTMLElement) => h("td", {}, el);
    const level1 = ctx.fields.field(d, {
      p: base("level1"),
      label: `${name} ${t("col_level1")}`,
      compact: true,
      cell: true,
      kind: "select",
      options: fw.map((l) => [l.code, i18n.label(l.label)]),
      onChange: (v) =>
        rewriteIndicator(
          i,
          (x) => {
            if (v) x.level1 = v;
            else delete x.level1;
            const first = fw.find((l) => l.code === v)?.level2[0]?.code;
            if (first) x.level2 = first;
          },
          base("level1"),
        ),
    });
    const level2 = ctx.fields.field(d, {
      p: base("level2"),
      label: `${name} ${t("col_level2")}`,
      compact: true,
      cell: true,
      kind: "select",
      options: (l1?.level2 ?? []).map((l) => [l.code, i18n.label(l.label)]),
      onChange: (v) =>
        rewriteIndicator(
          i,
          (x) => {
            if (v) x.level2 = v;
            else delete x.level2;
          },
          base("level2"),
        ),
    });
    const operator = ctx.fields.field(d, {
      p: base("operator"),
      label: `${name} ${t("col_operator")}`,
      compact: true,
      cell: true,
      value: opValue,
      kind: "select",
      options: [...OPERATORS, ["qualitative", t("qualitative")]],
      aliases: [base("nature")],
      onChange: (v) =>
        rewriteIndicator(
          i,
          (x) => {
            if (v === "qualitative") {
              x.nature = "qualitative";
              delete x.operator;
            } else {
              x.nature = "quantitative";
              if (v) x.operator = v;
              else delete x.operator;
            }
          },
          base("operator"),
        ),
    });
    const tr = h(
      "tr",
      { class: "row", "data-row": String(i), "data-indicator": typeof obj.id === "string" ? obj.id : "" },
      h("td", { class: "no" }, String(n), ctx.fields.box(ptr("indicators", i), name, "row-msg"), idBox(i, name)),
      cell(level1),
      cell(level2),
      cell(nameField(d, i, name)),
      cell(operator),
      cell(ctx.fields.field(d, { p: base("value"), label: `${name} ${t("col_value")}`, compact: true, cell: true })),
      cell(ctx.fields.field(d, { p: base("unit"), label: `${name} ${t("col_unit")}`, compact: true, cell: true })),
      cell(ctx.fields.field(d, { p: base("points"), label: `${name} ${t("col_points")}`, compact: true, cell: true, attrs: { inputmode: "decimal" } })),
      cell(ctx.fields.field(d, { p: base("explanation"), label: `${name} ${t("col_explanation")}`, compact: true, cell: true })),
      h(
        "td",
        { class: "actions" },
        detailToggle(obj, i, n),
        action("↑", t("move_up", { n }), i, "up", () => moveIndicator(i, -1), "-1"),
        action("↓", t("move_down", { n }), i, "down", () => moveIndicator(i, 1), "1"),
        action("✕", t("remove_indicator", { n }), i, "remove", () => removeIndicator(i)),
      ),
    );
    return tr;
  }

  // ---------------------------------------------------------------- suggestions

  const canSuggest = () => hasLibrary() || !!ctx.backend.suggestIndicators;

  /** The name cell: a combobox over the suggestions when there are any to give. */
  function nameField(d: Doc, i: number, name: string): HTMLElement {
    const combo: Record<string, string> | undefined = canSuggest()
      ? { role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": "suggest-list", "data-suggest": String(i) }
      : undefined;
    return ctx.fields.field(d, { p: ptr("indicators", i, "name"), label: `${name} ${t("col_name")}`, compact: true, cell: true, attrs: combo });
  }

  /** The open suggestion list: the input it belongs to, its row, the items and the active one. */
  let sg: { input: HTMLElement; row: number; query: string; level: string; items: Suggestion[]; active: number } | undefined;
  let sgTimer: number | undefined;
  let sgOwnTimer: number | undefined;
  let sgAbort: AbortController | undefined;
  /** The server's answers by query, level 1 and level 2 (a failed call is remembered as none). */
  const ownCache = new Map<string, Suggestion[]>();

  function cancelSuggestTimers(): void {
    window.clearTimeout(sgTimer);
    window.clearTimeout(sgOwnTimer);
    sgTimer = sgOwnTimer = undefined;
    sgAbort?.abort();
    sgAbort = undefined;
  }

  /** Typing in a name: asks for suggestions once the typing pauses. */
  function scheduleSuggest(input: HTMLElement): void {
    cancelSuggestTimers();
    if (cellLocked(input)) return;
    sgTimer = window.setTimeout(() => runSuggest(input, false), LIBRARY_DELAY);
  }

  /** The row's level 1 and level 2 as chosen now (from its cells; "" when none). */
  function rowLevels(i: number): [string, string] {
    const formRoot = ctx.$("form-root");
    const at = (k: string) => formRoot.querySelector<HTMLElement>(`[data-pointer="${ptr("indicators", i, k)}"]`);
    const [a, b] = [at("level1"), at("level2")];
    return [a ? cellValue(a) : "", b ? cellValue(b) : ""];
  }

  /** The library's suggestions at once, then the department's own when the server answers.
   * `any`: also for an empty name (ArrowDown in an empty cell lists the group's). */
  function runSuggest(input: HTMLElement, any: boolean): void {
    cancelSuggestTimers();
    if (!input.isConnected || cellLocked(input) || document.activeElement !== input) return closeSuggest();
    const row = Number(input.dataset.suggest);
    const query = cellValue(input).trim();
    if (!query && !any) return closeSuggest();
    const [l1, l2] = rowLevels(row);
    const level = `${l1}/${l2}`;
    const library = librarySuggestions(query, l1, l2, LIBRARY_LIMIT, ctx.profile.id);
    const key = `${query}\u0000${l1}\u0000${l2}\u0000${ctx.$("form-root").querySelector<HTMLInputElement>('[data-pointer="/fiscal_year"]')?.value ?? ""}`;
    const own = ownCache.get(key);
    showSuggestions(input, row, query, level, merge(library, own ?? []));
    if (own || !ctx.backend.suggestIndicators || !query) return;
    const ask = ctx.backend.suggestIndicators.bind(ctx.backend);
    sgOwnTimer = window.setTimeout(() => {
      const ctl = new AbortController();
      sgAbort = ctl;
      const year = Number(ctx.$("form-root").querySelector<HTMLInputElement>('[data-pointer="/fiscal_year"]')?.value.trim());
      ask(query, l1, l2, OWN_LIMIT, ctl.signal, Number.isInteger(year) && year >= 2000 && year <= 2100 ? year : undefined)
        .then((items) => {
          ownCache.set(key, items);
          if (ctx.destroyed || ctl.signal.aborted || !sg || sg.input !== input || sg.query !== query || sg.level !== level) return;
          const active = sg.items[sg.active];
          showSuggestions(input, row, query, level, merge(library, items), active);
        })
        .catch(() => {
          // Silent: the library's suggestions stay.
          if (!ctl.signal.aborted) ownCache.set(key, []);
        });
    }, OWN_DELAY);
  }

  /** The library first, then the department's own ones that are not the same indicator. */
  function merge(library: Suggestion[], own: Suggestion[]): Suggestion[] {
    const same = (a: Suggestion, b: Suggestion) => a.name === b.name && (a.unit ?? "") === (b.unit ?? "") && (a.operator ?? "") === (b.operator ?? "");
    return [...library, ...own.filter((o) => !library.some((l) => same(l, o)))];
  }

  function levelLabel(l1: string, l2: string): string {
    const a = ctx.profile.framework.level1.find((l) => l.code === l1);
    const b = a?.level2.find((l) => l.code === l2);
    return [a ? i18n.label(a.label) : "", b ? i18n.label(b.label) : ""].filter(Boolean).join(" / ");
  }

  /** One option: the name, then what choosing it fills in and where it comes from. */
  function suggestionOption(s: Suggestion, k: number): HTMLElement {
    const op = OPERATORS.find(([c]) => c === s.operator)?.[1];
    const what = s.nature === "qualitative" ? t("qualitative") : [op, s.unit].filter(Boolean).join(" ");
    const seen = s.source === "own" ? s.value : s.typical_value;
    const from =
      s.source === "own"
        ? t("suggest_own", { year: s.fiscal_year ?? "", project: s.project_name ?? "" })
        : s.sector && t(`sector_${s.sector}`) !== `sector_${s.sector}`
          ? t("suggest_library_sector", { sector: t(`sector_${s.sector}`) })
          : t("suggest_library");
    const meta = [what, seen ? t(s.source === "own" ? "suggest_value_then" : "suggest_typical", { v: seen }) : "", from].filter(Boolean).join(" · ");
    return h(
      "li",
      { role: "option", id: `suggest-${k}`, class: `suggestion ${s.source}`, "aria-selected": "false", "data-index": String(k) },
      h("span", { class: "sg-name" }, s.name),
      h("span", { class: "sg-meta" }, meta),
      s.explanation ? h("span", { class: "sg-expl" }, s.explanation) : null,
    );
  }

  function showSuggestions(input: HTMLElement, row: number, query: string, level: string, items: Suggestion[], keep?: Suggestion): void {
    const list = ctx.$("suggest-list");
    if (items.length === 0) {
      closeSuggest();
      return;
    }
    const active = keep ? Math.max(-1, items.indexOf(keep)) : -1;
    sg = { input, row, query, level, items, active };
    const l = levelLabel(...(level.split("/") as [string, string]));
    list.setAttribute("aria-label", l ? t("suggest_label_for", { level: l }) : t("suggest_label"));
    list.replaceChildren(...items.map((s, k) => suggestionOption(s, k)));
    // Placed under the input, in the form's root (position: relative); the CSSOM, not a style attribute.
    const rr = ctx.root.getBoundingClientRect();
    const ir = input.getBoundingClientRect();
    list.style.top = `${Math.round(ir.bottom - rr.top + 2)}px`;
    list.style.left = `${Math.round(Math.max(0, Math.min(ir.left - rr.left, rr.width - 420)))}px`;
    list.style.minWidth = `${Math.round(Math.max(ir.width, 320))}px`;
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    setActive(active);
    const status = t("suggest_count", { n: items.length });
    const el = ctx.$("suggest-status");
    if (el.textContent !== status) el.textContent = status;
  }

  function setActive(k: number): void {
    if (!sg) return;
    sg.active = k;
    const list = ctx.$("suggest-list");
    list.querySelectorAll<HTMLElement>('[role="option"]').forEach((o, j) => {
      const on = j === k;
      o.setAttribute("aria-selected", String(on));
      o.classList.toggle("active", on);
      if (on) o.scrollIntoView({ block: "nearest" });
    });
    if (k >= 0) sg.input.setAttribute("aria-activedescendant", `suggest-${k}`);
    else sg.input.removeAttribute("aria-activedescendant");
  }

  function closeSuggest(): void {
    cancelSuggestTimers();
    const list = ctx.frame.get("suggest-list");
    if (list && !list.hidden) {
      list.hidden = true;
      list.replaceChildren();
    }
    if (sg) {
      sg.input.setAttribute("aria-expanded", "false");
      sg.input.removeAttribute("aria-activedescendant");
    }
    sg = undefined;
  }

  /** The keys of a name combobox: ArrowDown/ArrowUp move (ArrowDown opens), Enter chooses,
   * Escape closes; Tab leaves as usual. */
  function suggestKey(e: KeyboardEvent, input: HTMLElement): void {
    if (e.isComposing) return;
    const open = sg && sg.input === input;
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (!open) return runSuggest(input, true);
      setActive((sg!.active + 1) % sg!.items.length);
    } else if (e.key === "ArrowUp") {
      if (!open) return;
      e.preventDefault();
      setActive(sg!.active <= 0 ? sg!.items.length - 1 : sg!.active - 1);
    } else if (e.key === "Enter") {
      if (!open || sg!.active < 0) return;
      e.preventDefault();
      chooseSuggestion(sg!.row, sg!.items[sg!.active]);
    } else if (e.key === "Escape") {
      if (!open) return;
      e.preventDefault();
      e.stopPropagation();
      closeSuggest();
    } else if (e.key === "Tab") {
      closeSuggest();
    }
  }

  /** Takes a suggestion over: name, nature, operator, unit, explanation (and 评分标准, 依据
   * of the department's own, and the levels when the row has none) — never the value: the
   * focus goes to the value cell for the user to type it. */
  function chooseSuggestion(i: number, s: Suggestion): void {
    closeSuggest();
    ctx.messages.touch(ptr("indicators", i, "name"));
    rewriteIndicator(
      i,
      (x) => {
        x.name = s.name;
        if (s.nature === "qualitative") {
          x.nature = "qualitative";
          delete x.operator;
        } else {
          x.nature = "quantitative";
          if (s.operator) x.operator = s.operator;
        }
        if (s.unit) x.unit = s.unit;
        else delete x.unit;
        if (s.explanation) x.explanation = s.explanation;
        if (s.scoring_rule && !hasContent(x.scoring_rule)) x.scoring_rule = s.scoring_rule;
        if (s.basis && BASES.includes(s.basis) && !hasContent(x.basis)) x.basis = s.basis;
        if (!hasContent(x.level1) && s.level1) {
          x.level1 = s.level1;
          x.level2 = s.level2;
        } else if (!hasContent(x.level2) && s.level2 && x.level1 === s.level1) x.level2 = s.level2;
      },
      ptr("indicators", i, "value"),
    );
    ctx.$("suggest-status").textContent = t("suggest_chosen", { name: s.name });
  }

  // ---------------------------------------------------------------- details

  /** Rows whose detail (评分标准, 指标值确定依据) is open, by index. Rendered only when open,
   * so the table keeps one row of inputs per indicator. */
  let openDetails = new Set<number>();

  function detailToggle(obj: Indicator, i: number, n: number): HTMLElement {
    const open = openDetails.has(i);
    const filled = ["scoring_rule", "basis"].some((k) => hasContent(obj[k]));
    const b = h(
      "button",
      {
        type: "button",
        class: filled ? "detail-toggle filled" : "detail-toggle",
        "data-action": "detail",
        "data-row": String(i),
        "aria-expanded": String(open),
        "aria-controls": open ? `detail-${i}` : undefined,
        "aria-label": t(filled ? "detail_toggle_filled" : "detail_toggle", { n }),
        title: t(filled ? "detail_toggle_filled" : "detail_toggle", { n }),
      },
      t("detail"),
    );
    b.addEventListener("click", () => {
      if (openDetails.has(i)) closeDetail(i);
      else openDetail(i, true);
    });
    return b;
  }

  /** Opens the detail row of indicator `i` under its row (focusing its first field when asked). */
  function openDetail(i: number, focus: boolean): void {
    const row = ctx.$("form-root").querySelector<HTMLElement>(`tr.row[data-row="${i}"]`);
    if (!row) return;
    openDetails.add(i);
    if (!row.nextElementSibling?.matches(`tr.detail[data-detail="${i}"]`)) row.after(detailRow(ctx.doc(), i));
    const b = row.querySelector<HTMLElement>('[data-action="detail"]');
    b?.setAttribute("aria-expanded", "true");
    b?.setAttribute("aria-controls", `detail-${i}`);
    if (ctx.drafts.locked()) ctx.actions.lockControls(row.nextElementSibling as HTMLElement);
    ctx.view.markMessages();
    if (focus) {
      ctx.view.flushRender();
      row.nextElementSibling?.querySelector<HTMLElement>("textarea, input, select")?.focus();
    }
  }

  function closeDetail(i: number): void {
    openDetails.delete(i);
    const row = ctx.$("form-root").querySelector<HTMLElement>(`tr.row[data-row="${i}"]`);
    const detail = ctx.$("form-root").querySelector<HTMLElement>(`tr.detail[data-detail="${i}"]`);
    if (detail) {
      detail.querySelectorAll<HTMLElement>("[data-pointer]").forEach((el) => {
        const p = el.dataset.pointer;
        if (p !== undefined && ctx.byPointer.get(p)?.control === el) ctx.byPointer.delete(p);
      });
      detail.remove();
    }
    const b = row?.querySelector<HTMLElement>('[data-action="detail"]');
    b?.setAttribute("aria-expanded", "false");
    b?.removeAttribute("aria-controls");
    ctx.view.markMessages();
    ctx.view.flushRender();
  }

  /** The second row of an indicator: its 评分标准 and 指标值确定依据, labelled for screen readers. */
  function detailRow(d: Doc, i: number): HTMLElement {
    const name = t("row", { n: i + 1 });
    const base = (k: string) => ptr("indicators", i, k);
    return h(
      "tr",
      { class: "detail", id: `detail-${i}`, "data-detail": String(i) },
      h("td", { class: "no", "aria-hidden": "true" }),
      h(
        "td",
        { class: "detail-cell", colspan: "9" },
        h(
          "div",
          { class: "detail-grid" },
          ctx.fields.field(d, { p: base("scoring_rule"), label: `${name} ${t("col_scoring_rule")}`, kind: "textarea", attrs: { rows: "2" }, hint: t("scoring_rule_hint") }),
          ctx.fields.field(d, {
            p: base("basis"),
            label: `${name} ${t("col_basis")}`,
            kind: "select",
            options: BASES.map((b) => [b, t(`basis_${b}`)] as [string, string]),
          }),
        ),
      ),
    );
  }

  /** Opens the details that hold a message to show (a violation at 评分标准 or 依据), so the
   * message is shown at its field. */
  function openDetailsWithMessages(): void {
    for (const v of ctx.report.violations) {
      const m = /^\/indicators\/(\d+)\/(scoring_rule|basis)(?:\/|$)/.exec(v.path);
      if (!m) continue;
      const i = Number(m[1]);
      if (openDetails.has(i)) continue;
      if (ctx.messages.revealed() || ctx.messages.touchedUnder(ptr("indicators", i))) openDetail(i, false);
    }
  }

  /** Keeps the open details in step when indicators move (`f` maps an old index to the new one). */
  function remapDetails(f: (i: number) => number | undefined): void {
    const next = new Set<number>();
    for (const i of openDetails) {
      const j = f(i);
      if (j !== undefined) next.add(j);
    }
    openDetails = next;
  }

  /** The `id` of an indicator has no input (ids are generated); its messages show in the row. */
  function idBox(i: number, name: string): HTMLElement {
    return ctx.fields.box(ptr("indicators", i, "id"), `${name} id`, "row-msg");
  }

  function action(text: string, aria: string, row: number, act: string, fn: () => void, move?: string): HTMLElement {
    const b = h("button", { type: "button", class: "icon", "aria-label": aria, title: aria, "data-row": String(row), "data-action": act, "data-move": move }, h("span", { "aria-hidden": "true" }, text));
    b.addEventListener("click", fn);
    return b;
  }

  // ---------------------------------------------------------------- events

  /** ArrowUp/ArrowDown in a text cell (not a name, whose list they move in): the same
   * column of the previous or next indicator row, in the table's order. */
  function rowKey(e: KeyboardEvent): void {
    if ((e.key !== "ArrowUp" && e.key !== "ArrowDown") || e.isComposing || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const el = e.target as HTMLElement | null;
    if (!el?.classList.contains("cell") || !el.classList.contains("text")) return;
    const col = /^\/indicators\/\d+\/([a-z_]+)$/.exec(el.dataset.pointer ?? "")?.[1];
    const tr = el.closest<HTMLElement>("tr.row");
    if (!col || !tr) return;
    // Only on these keys: every row of the table, in its order (the groups interleave indexes).
    const rows = [...ctx.$("form-root").querySelectorAll<HTMLElement>("tr.row[data-row]")];
    const next = rows[rows.indexOf(tr) + (e.key === "ArrowDown" ? 1 : -1)];
    const target = next?.querySelector<HTMLElement>(`[data-pointer="${ptr("indicators", Number(next.dataset.row), col)}"]`);
    if (!target) return;
    e.preventDefault();
    target.focus();
  }

  /** The name comboboxes' listeners (one for every row, on the form root), the list's, and
   * the arrow keys between rows. */
  function bind(): void {
    const formRoot = ctx.$("form-root");
    const comboOf = (e: Event) => {
      const el = e.target as HTMLElement | null;
      return el instanceof HTMLElement && el.dataset.suggest !== undefined ? el : undefined;
    };
    formRoot.addEventListener("input", (e) => {
      const input = comboOf(e);
      if (input && !(e as InputEvent).isComposing) scheduleSuggest(input);
    });
    formRoot.addEventListener("compositionend", (e) => {
      const input = comboOf(e);
      if (input) scheduleSuggest(input);
    });
    formRoot.addEventListener("keydown", (e) => {
      const input = comboOf(e);
      if (input) suggestKey(e, input);
      else rowKey(e);
    });
    formRoot.addEventListener("focusout", (e) => {
      // Leaving a name for another element closes its list and drops a pending look-up. The
      // window losing the focus (another window, the browser's own UI) is not leaving: the
      // name is still the document's active element and the list stays.
      const input = comboOf(e);
      if (!input) return;
      window.setTimeout(() => {
        if (document.activeElement !== input && (!sg || sg.input === input)) closeSuggest();
      }, 0);
    });
    const suggestList = ctx.$("suggest-list");
    // A press on an option keeps the focus in the name; the click chooses it.
    suggestList.addEventListener("mousedown", (e) => e.preventDefault());
    suggestList.addEventListener("click", (e) => {
      const li = (e.target as HTMLElement).closest<HTMLElement>('[role="option"]');
      if (!li || !sg) return;
      const s = sg.items[Number(li.dataset.index)];
      if (s) chooseSuggestion(sg.row, s);
    });
  }

  return {
    render,
    closeSuggest,
    openDetailsWithMessages,
    /** Forgets which details are open (a document loaded anew). */
    resetDetails: () => void (openDetails = new Set()),
    bind,
  };
}
