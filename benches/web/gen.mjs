// Builds a valid project target with n indicators spread over the cn-2015 framework
// (artux-2018 profile), for the benchmarks.
const GROUPS = [
  ["output", "quantity"], ["output", "quality"], ["output", "timeliness"], ["output", "cost"],
  ["benefit", "social"], ["benefit", "economic"], ["satisfaction", "beneficiary"],
];

export function makeTarget(n) {
  const indicators = [];
  for (let i = 0; i < n; i++) {
    const [level1, level2] = GROUPS[i % GROUPS.length];
    const quantitative = i % 10 !== 9;
    indicators.push(
      quantitative
        ? { id: `i${i + 1}`, level1, level2, name: `指标${i + 1}`, nature: "quantitative", operator: "ge", value: level1 === "satisfaction" ? "90" : String(100 + i), unit: level1 === "satisfaction" ? "%" : "个", points: "1", explanation: "说明" }
        : { id: `i${i + 1}`, level1, level2, name: `指标${i + 1}`, nature: "qualitative", value: "明显改善", points: "1" },
    );
  }
  return {
    kind: "project",
    fiscal_year: 2019,
    region: "653001",
    department: { code: "101", name: "阿图什市民政局" },
    unit: { code: "101001", name: "阿图什市儿童福利院" },
    project: { code: "P2019-001", name: "基准项目", attribute: "continuing", start: "2019-01-01", end: "2019-12-31" },
    funds: { annual_total: "86.40", mid_term_total: null, sources: [{ source: "本级财政", amount: "86.40" }] },
    goals: { annual: "基准目标", mid_term: null },
    classified: false,
    indicators,
  };
}

/** The standalone form (declare.html at `url`) with a local draft of n indicators, as the
 * benchmarks open it (run.mjs, trace.mjs). */
export async function openStandalone(browser, url, n, contextOptions = {}) {
  const context = await browser.newContext({ viewport: { width: 1500, height: 1000 }, ...contextOptions });
  const draft = JSON.stringify({ profile: "artux-2018", document: JSON.stringify(makeTarget(n)), savedAt: new Date().toISOString() });
  await context.addInitScript((d) => {
    if (!sessionStorage.getItem("bench")) {
      localStorage.setItem("jixiao.form.draft.v1", d);
      sessionStorage.setItem("bench", "1");
    }
  }, draft);
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]");
  return { context, page };
}

/** Records each keystroke's latency in the page: `__handled` (keydown → the input event has
 * bubbled, after the form's own listener) and `__painted` (→ the frame that shows it), with
 * `__shown`, what `__probe()` saw of the message in that frame (null without a probe). */
export async function instrument(page) {
  await page.evaluate(() => {
    const w = window;
    w.__handled = [];
    w.__painted = [];
    w.__shown = [];
    w.__probe = null;
    let t0 = 0;
    document.addEventListener("keydown", () => (t0 = performance.now()), true);
    // Bubble phase on document: runs after the field's own listener has re-checked and updated the DOM.
    document.addEventListener("input", () => {
      const start = t0;
      w.__handled.push(performance.now() - start);
      // This callback runs after the form's own (requested during the keystroke) in the same
      // frame: what it sees of the message is what that frame paints.
      requestAnimationFrame(() => {
        const shown = w.__probe ? w.__probe() : null;
        setTimeout(() => {
          w.__painted.push(performance.now() - start);
          w.__shown.push(shown);
        }, 0);
      });
    });
  });
}

/** The baseline field: a plain input next to the form (#bench-baseline), which runs no check. */
export async function addBaseline(page) {
  await page.evaluate(() => {
    const i = document.createElement("input");
    i.id = "bench-baseline";
    i.setAttribute("aria-label", "baseline");
    (document.querySelector(".jx-form .tools") ?? document.querySelector(".tools"))?.append(i);
  });
}
