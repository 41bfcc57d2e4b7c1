// The meters of the side column: 一级/二级/三级指标 against the profile's minima, the
// quantitative share (量化指标占比 ≥ 70% and the like), the required level 1s and the points
// total, each with a sentence in plain words. Every count and every pass/fail comes from the
// rules (`Session.counts()` and the report); nothing is decided here. Only the meters whose
// figures changed are written again.
import * as i18n from "../lib/i18n";
import { h } from "../lib/dom";
import type { TreeCounts, Violation } from "../lib/rules";
import type { FormContext } from "./context";
import { sharePercent } from "./decimal";

const { t } = i18n;

/** The tree counts as the rules give them (`Session.counts()`), with the rules' share. */
export type Counts = TreeCounts;

/**
 * The quantitative share in percent ("75", "66.67"), as the rules state it: the report's
 * TREE_QUANT_RATIO_MIN (`actual_percent`) when below the minimum, else `Session.counts()`'s
 * `quantitative_percent` (`TreeCounts::quantitative_percent` in the rules crate); "0" when
 * there are no level-3 indicators. Nothing is computed here.
 */
export function quantitativeSharePercent(c: Counts, ratio: Violation | undefined): string {
  if (typeof ratio?.params.actual_percent === "string") return ratio.params.actual_percent;
  return c.quantitative_percent ?? "0";
}

export type Meters = ReturnType<typeof createMeters>;

export function createMeters(ctx: FormContext) {
  function has(code: string): Violation | undefined {
    return ctx.report.violations.find((v) => v.code === code);
  }

  /** What one meter shows; equal specs render equal elements. */
  type MeterSpec = [key: string, label: string, text: string, ok: boolean | undefined, value?: number, max?: number, explain?: string];

  /** The meters on screen, as their specs (JSON) and elements. */
  let metersShown: { spec: string; el: HTMLElement }[] = [];

  function meter(key: string, label: string, text: string, ok: boolean | undefined, value?: number, max?: number, explain?: string): HTMLElement {
    const state = ok === undefined ? "info" : ok ? "ok" : "bad";
    // The bar only draws (the numbers and the sentence say it): a share may be 72.5 of 70.
    const m = value !== undefined && max ? h("meter", { min: "0", max: String(max), low: String(max - 0.0001), optimum: String(max), value: String(Math.min(value, max)), "aria-hidden": "true" }) : null;
    return h(
      "div",
      { class: `meter ${state}`, "data-meter": key, "data-state": state },
      h("span", { class: "meter-label" }, label),
      m,
      h("span", { class: "meter-value" }, text),
      h("span", { class: "sr-only" }, ok === undefined ? "" : ok ? t("meter_ok") : t("meter_bad")),
      explain ? h("p", { class: "meter-explain" }, explain) : null,
    );
  }

  /** Shows the meters, replacing only those whose spec changed (usually none). */
  function showMeters(specs: MeterSpec[]): void {
    const list = ctx.$("meters-list");
    // The sr-only state text is translated too, hence the locale in the key.
    const locale = i18n.currentLocale();
    const next = specs.map((spec) => ({ spec: JSON.stringify([locale, ...spec]), spec0: spec }));
    const inPlace = list.childElementCount === metersShown.length && metersShown.every((m) => m.el.parentNode === list);
    if (!inPlace || next.length !== metersShown.length) {
      metersShown = next.map((m) => ({ spec: m.spec, el: meter(...m.spec0) }));
      list.replaceChildren(...metersShown.map((m) => m.el));
      return;
    }
    next.forEach((m, i) => {
      if (metersShown[i].spec === m.spec) return;
      const el = meter(...m.spec0);
      metersShown[i].el.replaceWith(el);
      metersShown[i] = { spec: m.spec, el };
    });
  }

  /** The meters, each with a sentence in plain words: what the profile asks (its minima, read
   * from the profile) and where the form is. Counts and pass/fail come from the rules (the
   * counts and the report); the share is the rules' figure (`quantitativeSharePercent`). */
  function render(): void {
    const c = JSON.parse(ctx.countsText) as Counts;
    const r = ctx.profile.review;
    const out: MeterSpec[] = [];
    const lv = (key: string, code: string, n: number, min: number | null) =>
      out.push([
        key,
        t(`meter_${key}`),
        min === null ? String(n) : `${n} / ${min}`,
        min === null ? undefined : !has(code),
        n,
        min ?? undefined,
        min === null ? t(`explain_${key}_free`, { n }) : t(`explain_${key}`, { n, min }),
      ]);
    lv("level1", "TREE_LEVEL1_MIN", c.level1, r.min_level1);
    lv("level2", "TREE_LEVEL2_MIN", c.level2, r.min_level2);
    lv("level3", "TREE_LEVEL3_MIN", c.level3, r.min_level3);
    const ratio = has("TREE_QUANT_RATIO_MIN");
    const pct = quantitativeSharePercent(c, ratio);
    const min = r.min_quantitative_share === null ? null : sharePercent(r.min_quantitative_share);
    const explain =
      c.level3 === 0
        ? t(min === null ? "explain_share_free_none" : "explain_share_none", { min: min ?? "" })
        : t(min === null ? "explain_share_free" : "explain_share", { min: min ?? "", n: c.level3, q: c.quantitative, p: pct });
    out.push([
      "share",
      t("meter_share"),
      c.level3 ? `${c.quantitative}/${c.level3} = ${pct}%${min === null ? "" : ` / ≥ ${min}%`}` : `0/0${min === null ? "" : ` / ≥ ${min}%`}`,
      min === null ? undefined : c.level3 > 0 && !ratio,
      c.level3 ? Number(pct) : 0,
      min === null ? undefined : Number(min),
      explain,
    ]);
    if (r.required_level1.length) {
      const names = r.required_level1.map((code) => {
        const l = ctx.profile.framework.level1.find((x) => x.code === code);
        return l ? i18n.label(l.label) : code;
      });
      const missing = ctx.report.violations.filter((v) => v.code === "TREE_LEVEL1_REQUIRED").map((v) => {
        const code = String(v.params.level1 ?? "");
        const l = ctx.profile.framework.level1.find((x) => x.code === code);
        return l ? i18n.label(l.label) : code;
      });
      out.push([
        "required",
        t("meter_required"),
        names.join("、"),
        missing.length === 0,
        undefined,
        undefined,
        missing.length ? t("explain_required_missing", { names: names.join("、"), missing: missing.join("、") }) : t("explain_required", { names: names.join("、") }),
      ]);
    }
    if (r.points_total !== null) {
      const v = has("POINTS_TOTAL");
      const actual = v ? String(v.params.actual ?? "?") : r.points_total;
      out.push(["points", t("meter_points"), `${actual} / ${r.points_total}`, !v, undefined, undefined, t(v ? "explain_points_bad" : "explain_points", { total: r.points_total, actual })]);
    }
    showMeters(out);
  }

  return { render };
}
