// The fields of the form outside the indicator table: a labelled control bound to a JSON
// Pointer with its message area (`field`, also used by the table), a message box for what has
// no control (`box`), and the sections — 基本信息 (the project, or the department in the app
// from the session), 资金来源 with its rows, 年度主要任务 (部门整体) with their sum against
// 年度资金总额 (exact, BigInt hundredths; display only), 绩效目标. Each field registers itself
// in `ctx.byPointer` for the messages. The indicator table's fields are cells (`cell: true`,
// cells.ts): text, not form controls, with the same pointer, label and messages.
import * as i18n from "../lib/i18n";
import { h } from "../lib/dom";
import { get, pointer as ptr } from "../lib/pointer";
import { cellValue, choiceCell, textCell } from "./cells";
import type { Doc, Field, FormContext } from "./context";
import { formatHundredths, hundredths } from "./decimal";

const { t } = i18n;

export type Fields = ReturnType<typeof createFields>;

/** What a field shows and edits. */
export interface FieldOpts {
  p: string;
  label: string;
  kind?: "text" | "int" | "date" | "textarea" | "select" | "checkbox";
  options?: [string, string][];
  aliases?: string[];
  compact?: boolean;
  name?: string;
  onChange?: (value: string, el: HTMLElement) => void;
  attrs?: Record<string, string>;
  /** Shown, never edited (the department in the app comes from the session). */
  readonly?: boolean;
  /** A line under the control, read with it. */
  hint?: string;
  /** A cell of the indicator table (cells.ts): a text or choice cell instead of an input or
   * select (text and select kinds only; no hint, never read-only by itself). */
  cell?: boolean;
  /** The value shown, when it is not the document's at `p` (the operator cell shows "qualitative"). */
  value?: string;
}

function textValue(raw: string): string | undefined {
  return raw.trim() === "" ? undefined : raw;
}

function intValue(raw: string): unknown {
  const s = raw.trim();
  if (s === "") return undefined;
  return /^\d{1,9}$/.test(s) ? Number(s) : s;
}

/** A list in the document as the session holds it now (a copy). */
export function currentList(d: Doc, p: string): unknown[] {
  const v = get(d, p);
  return Array.isArray(v) ? [...(v as unknown[])] : [];
}

export function createFields(ctx: FormContext) {
  /** A labelled control bound to a JSON Pointer, with its message area. */
  function field(d: Doc, o: FieldOpts): HTMLElement {
    const kind = o.kind ?? "text";
    if (o.cell && (kind === "text" || kind === "select")) return cellField(d, o, kind);
    const id = ctx.nextId();
    const msgId = `${id}-msg`;
    const current = o.value ?? get(d, o.p);
    const hintId = o.hint ? `${id}-hint` : undefined;
    const common = { id, "data-pointer": o.p, "aria-describedby": hintId ? `${hintId} ${msgId}` : msgId, ...(o.attrs ?? {}) };
    let control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
    if (kind === "select") {
      const sel = h("select", common);
      const opts = o.options ?? [];
      const cur = current === undefined || current === null ? "" : String(current);
      sel.append(h("option", { value: "" }, t("blank")));
      for (const [v, l] of opts) sel.append(h("option", { value: v }, l));
      if (cur !== "" && !opts.some(([v]) => v === cur)) {
        sel.append(h("option", { value: cur }, t("unknown_option", { v: cur })));
      }
      sel.value = cur;
      control = sel;
    } else if (kind === "textarea") {
      control = h("textarea", { rows: "3", ...common });
      control.value = typeof current === "string" ? current : "";
    } else if (kind === "checkbox") {
      control = h("input", { ...common, type: "checkbox" });
      (control as HTMLInputElement).checked = current === true;
    } else {
      control = h("input", {
        ...common,
        type: "text",
        inputmode: kind === "int" ? "numeric" : undefined,
        placeholder: kind === "date" ? "YYYY-MM-DD" : undefined,
        autocomplete: "off",
      });
      control.value = current === undefined || current === null ? "" : typeof current === "string" ? current : JSON.stringify(current);
    }
    const event = kind === "select" || kind === "checkbox" ? "change" : "input";
    control.addEventListener(event, () => {
      if (o.onChange) return o.onChange(control.value, control);
      if (kind === "checkbox") ctx.view.commit(o.p, (control as HTMLInputElement).checked);
      else if (kind === "int") ctx.view.commit(o.p, intValue(control.value));
      else ctx.view.commit(o.p, textValue(control.value));
    });
    if (o.readonly) {
      control.setAttribute("readonly", "");
      control.dataset.fixed = "true";
    }
    const lab = h("label", { for: id, class: o.compact ? "sr-only" : undefined }, o.label);
    const msg = h("ul", { id: msgId, class: "msg" });
    const hint = hintId ? h("p", { id: hintId, class: "field-hint" }, o.hint) : null;
    const wrap =
      kind === "checkbox"
        ? h("div", { class: "field check" }, control, lab, msg)
        : h("div", { class: o.compact ? "field compact" : "field" }, lab, control, hint, msg);
    const f: Field = { p: o.p, wrap, control, msg, name: o.name ?? o.label };
    ctx.byPointer.set(o.p, f);
    for (const a of o.aliases ?? []) ctx.byPointer.set(a, f);
    return wrap;
  }

  /** A cell of the indicator table bound to a JSON Pointer: a text cell, or a choice cell
   * that is a select while focused; named by `aria-label` (a hidden label element per cell
   * is a clipped box per cell to paint: the cost the cells are there to avoid), described by
   * its messages. */
  function cellField(d: Doc, o: FieldOpts, kind: "text" | "select"): HTMLElement {
    const id = ctx.nextId();
    const msgId = `${id}-msg`;
    const current = o.value ?? get(d, o.p);
    const shown = current === undefined || current === null ? "" : typeof current === "string" ? current : JSON.stringify(current);
    const attrs = { id, "data-pointer": o.p, "aria-label": o.label, "aria-describedby": msgId, ...(o.attrs ?? {}) };
    const msg = h("ul", { id: msgId, class: "msg" });
    const f: Field = { p: o.p, wrap: msg, control: null, msg, name: o.name ?? o.label };
    const change = (v: string, el: HTMLElement) => (o.onChange ? o.onChange(v, el) : ctx.view.commit(o.p, textValue(v)));
    let control: HTMLElement;
    if (kind === "select") {
      const options: [string, string][] = [["", t("blank")], ...(o.options ?? [])];
      if (shown !== "" && !options.some(([v]) => v === shown)) options.push([shown, t("unknown_option", { v: shown })]);
      control = choiceCell({ attrs, options, value: shown, onChange: change, onSwap: (el) => (f.control = el) });
    } else {
      control = textCell(attrs, shown);
      control.addEventListener("input", () => change(cellValue(control), control));
    }
    f.control = control;
    f.wrap = h("div", { class: "field compact" }, control, msg);
    ctx.byPointer.set(o.p, f);
    for (const a of o.aliases ?? []) ctx.byPointer.set(a, f);
    return f.wrap;
  }

  /** A message area for a pointer that has no control of its own (a list, the document). */
  function box(p: string, name: string, cls = "box-msg"): HTMLElement {
    const msg = h("ul", { class: `msg ${cls}` });
    const wrap = h("div", { class: "group-msg", "data-pointer": p }, msg);
    ctx.byPointer.set(p, { p, wrap, control: null, msg, name });
    return wrap;
  }


  function section(title: string, ...children: Node[]): HTMLElement {
    return h("fieldset", { class: "section" }, h("legend", {}, title), ...children);
  }

  function renderBasic(d: Doc): HTMLElement {
    const isProject = get(d, "/kind") === "project";
    const grid = h(
      "div",
      { class: "grid" },
      field(d, { p: "/fiscal_year", label: t("fiscal_year"), kind: "int" }),
      field(d, {
        p: "/kind",
        label: t("kind"),
        kind: "select",
        options: [
          ["project", t("kind_project")],
          ["department", t("kind_department")],
        ],
        onChange: (v) => {
          ctx.view.commit("/kind", textValue(v));
          ctx.view.renderAll("/kind");
        },
      }),
      field(d, { p: "/region", label: t("region") }),
      field(d, { p: "/department/code", label: t("department_code"), readonly: ctx.app, hint: ctx.app ? t("from_session") : undefined }),
      // The name too, when the server knows it (a department's first target names it).
      field(d, { p: "/department/name", label: t("department_name"), aliases: ["/department"], readonly: ctx.app && !!ctx.opts.department?.name, hint: ctx.app ? t(ctx.opts.department?.name ? "from_session" : "name_first_time") : undefined }),
      field(d, { p: "/unit/code", label: t("unit_code") }),
      field(d, { p: "/unit/name", label: t("unit_name"), aliases: ["/unit"] }),
    );
    const project = isProject
      ? h(
          "div",
          { class: "grid" },
          field(d, { p: "/project/name", label: t("project_name"), aliases: ["/project"] }),
          field(d, { p: "/project/code", label: t("project_code") }),
          field(d, {
            p: "/project/attribute",
            label: t("attribute"),
            kind: "select",
            options: [
              ["new", t("attribute_new")],
              ["continuing", t("attribute_continuing")],
            ],
          }),
          field(d, { p: "/project/start", label: t("start"), kind: "date" }),
          field(d, { p: "/project/end", label: t("end"), kind: "date" }),
        )
      : null;
    const classified = field(d, { p: "/classified", label: t("classified"), kind: "checkbox" });
    return section(t("basic"), grid, ...(project ? [project] : []), classified);
  }

  function renderFunds(d: Doc): HTMLElement {
    const sources = (get(d, "/funds/sources") as unknown[] | undefined) ?? [];
    const list = Array.isArray(sources) ? sources : [];
    const rows = list.map((_, i) =>
      h(
        "div",
        { class: "source-row" },
        field(d, { p: ptr("funds", "sources", i, "source"), label: `${t("source")} ${i + 1}`, compact: true }),
        field(d, {
          p: ptr("funds", "sources", i, "amount"),
          label: `${t("amount")} ${i + 1}`,
          compact: true,
          aliases: [ptr("funds", "sources", i)],
          attrs: { inputmode: "decimal" },
        }),
        h(
          "button",
          { type: "button", class: "icon", "aria-label": t("remove_source", { n: i + 1 }), title: t("remove_source", { n: i + 1 }), "data-action": "remove-source" },
          h("span", { "aria-hidden": "true" }, "✕"),
        ),
      ),
    );
    // The rows are read from the session when a button is pressed, not from `d`: what was
    // typed since this render is in the session only (a stale copy here emptied the rows).
    rows.forEach((r, i) =>
      r.querySelector("button")?.addEventListener("click", () => {
        const arr = currentSources();
        arr.splice(i, 1);
        ctx.messages.remapTouched("/funds/sources", (j) => (j === i ? undefined : j > i ? j - 1 : j));
        ctx.view.structural("/funds/sources", arr.length ? arr : undefined, "/funds/annual_total");
      }),
    );
    const add = h("button", { type: "button", "data-action": "add-source" }, `+ ${t("add_source")}`);
    add.addEventListener("click", () => {
      const arr = currentSources();
      ctx.view.structural("/funds/sources", [...arr, { source: "", amount: "" }], ptr("funds", "sources", arr.length, "source"));
    });
    return section(
      t("funds"),
      h(
        "div",
        { class: "grid" },
        field(d, {
          p: "/funds/annual_total",
          label: t("annual_total"),
          aliases: ["/funds"],
          attrs: { inputmode: "decimal" },
          onChange: (v) => {
            ctx.view.commit("/funds/annual_total", textValue(v));
            updateTaskSum();
          },
        }),
        field(d, { p: "/funds/mid_term_total", label: t("mid_term_total"), attrs: { inputmode: "decimal" } }),
      ),
      h("h2", { class: "sub" }, t("sources")),
      box("/funds/sources", t("sources")),
      h("div", { class: "sources" }, ...rows),
      add,
    );
  }

  /** 年度主要任务 (department kind): name, content and amount of each task, rows added and
   * removed like the funding sources, and their sum against 年度资金总额. */
  function renderTasks(d: Doc): HTMLElement {
    const list = currentList(d, "/tasks");
    const rows = list.map((_, i) => {
      const n = i + 1;
      const remove = h(
        "button",
        { type: "button", class: "icon", "aria-label": t("remove_task", { n }), title: t("remove_task", { n }), "data-action": "remove-task", "data-row": String(i) },
        h("span", { "aria-hidden": "true" }, "✕"),
      );
      remove.addEventListener("click", () => {
        const arr = currentList(ctx.doc(), "/tasks");
        arr.splice(i, 1);
        ctx.messages.remapTouched("/tasks", (j) => (j === i ? undefined : j > i ? j - 1 : j));
        const next = Math.min(i, arr.length - 1);
        ctx.view.structural("/tasks", arr.length ? arr : undefined, next >= 0 ? ptr("tasks", next, "name") : undefined);
        if (next < 0) ctx.$("form-root").querySelector<HTMLElement>('[data-action="add-task"]')?.focus();
      });
      const row = t("task_row", { n });
      return h(
        "div",
        { class: "task-row", "data-task": String(i) },
        field(d, { p: ptr("tasks", i, "name"), label: `${row} ${t("task_name")}`, compact: true, aliases: [ptr("tasks", i)], name: `${row} ${t("task_name")}` }),
        field(d, { p: ptr("tasks", i, "content"), label: `${row} ${t("task_content")}`, compact: true, kind: "textarea", attrs: { rows: "2" } }),
        field(d, {
          p: ptr("tasks", i, "amount"),
          label: `${row} ${t("task_amount")}`,
          compact: true,
          attrs: { inputmode: "decimal", "data-task-amount": String(i) },
          onChange: (v) => {
            ctx.view.commit(ptr("tasks", i, "amount"), textValue(v));
            updateTaskSum();
          },
        }),
        remove,
      );
    });
    const add = h("button", { type: "button", "data-action": "add-task" }, `+ ${t("add_task")}`);
    add.addEventListener("click", () => {
      const arr = currentList(ctx.doc(), "/tasks");
      ctx.view.structural("/tasks", [...arr, { name: "", content: "", amount: "" }], ptr("tasks", arr.length, "name"));
    });
    const head = list.length
      ? h(
          "div",
          { class: "task-row task-head", "aria-hidden": "true" },
          h("span", {}, t("task_name")),
          h("span", {}, t("task_content")),
          h("span", {}, `${t("task_amount")}（${t("wan_yuan")}）`),
          h("span", {}),
        )
      : null;
    return h(
      "fieldset",
      { class: "section", id: "tasks-section" },
      h("legend", {}, t("tasks")),
      h("p", { class: "hint" }, t("tasks_hint")),
      box("/tasks", t("tasks")),
      h("div", { class: "tasks" }, ...(head ? [head] : []), ...rows),
      add,
      h("p", { id: "task-sum", class: "task-sum", "data-state": "info" }),
    );
  }

  /** The sum of the task amounts against 年度资金总额, exactly (BigInt hundredths), from the
   * inputs as typed: display only, the rules decide what is an error. */
  function updateTaskSum(): void {
    const out = document.getElementById("task-sum");
    if (!out || !ctx.root.contains(out)) return;
    const inputs = ctx.$("form-root").querySelectorAll<HTMLInputElement>("input[data-task-amount]");
    let sum = 0n;
    const bad: number[] = [];
    let filled = 0;
    inputs.forEach((el, i) => {
      if (el.value.trim() === "") return;
      filled++;
      const v = hundredths(el.value);
      if (v === undefined) bad.push(i + 1);
      else sum += v;
    });
    const totalEl = ctx.$("form-root").querySelector<HTMLInputElement>('[data-pointer="/funds/annual_total"]');
    const totalRaw = totalEl?.value ?? "";
    const total = hundredths(totalRaw);
    let text: string;
    let state: "ok" | "bad" | "info";
    if (inputs.length === 0) {
      text = t("task_sum_none");
      state = "info";
    } else if (bad.length) {
      text = t("task_sum_invalid", { rows: bad.join("、") });
      state = "bad";
    } else {
      const s = formatHundredths(sum);
      if (total === undefined) {
        text = t(totalRaw.trim() === "" ? "task_sum_no_total" : "task_sum_bad_total", { sum: s });
        state = "info";
      } else if (total === sum) {
        text = t("task_sum_match", { sum: s, total: formatHundredths(total) });
        state = "ok";
      } else {
        const diffAbs = total > sum ? total - sum : sum - total;
        text = t(total > sum ? "task_sum_less" : "task_sum_more", { sum: s, total: formatHundredths(total), diff: formatHundredths(diffAbs) });
        state = filled ? "bad" : "info";
      }
    }
    if (out.textContent !== text) out.textContent = text;
    if (out.dataset.state !== state) out.dataset.state = state;
  }

  /** The funding sources as the session holds them now. */
  function currentSources(): unknown[] {
    const v = get(ctx.doc(), "/funds/sources");
    return Array.isArray(v) ? [...(v as unknown[])] : [];
  }

  function renderGoals(d: Doc): HTMLElement {
    return section(
      t("goals"),
      field(d, { p: "/goals/annual", label: t("goal_annual"), kind: "textarea", aliases: ["/goals"] }),
      field(d, { p: "/goals/mid_term", label: t("goal_mid_term"), kind: "textarea" }),
    );
  }

  return { field, box, section, renderBasic, renderFunds, renderTasks, renderGoals, updateTaskSum };
}
