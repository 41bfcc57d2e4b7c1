// Where a keystroke's time goes in the form: types into an indicator's value on the
// standalone page (declare.html, a local draft of N indicators) under a Chromium trace and
// prints, per keystroke, the renderer main thread's time by phase (script, style, layout,
// pre-paint, paint, commit, …) next to the bench's handler and painted figures.
// Usage: node benches/web/trace.mjs [dist dir, default web/dist] (TRACE_N indicators, 200;
// TRACE_KEYS keystrokes, 40; TRACE_WAIT=1 waits for the message like run.mjs does, which
// adds Playwright's own polling to the page's frames; TRACE_OUT=file keeps the trace;
// TRACE_CSS="…" adds a style sheet first, to try a rule out; TRACE_BASELINE=1 types into a
// plain input next to the form instead, as run.mjs's baseline does; TRACE_JS="…" runs a
// script in the page first).
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { launch, serve } from "../../tests/e2e/static-server.mjs";
import { addBaseline, instrument, openStandalone } from "./gen.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DIST = process.argv[2] ?? `${ROOT}web/dist`;
const N = Number(process.env.TRACE_N ?? 200);
const KEYS = Number(process.env.TRACE_KEYS ?? 40);
const WAIT = process.env.TRACE_WAIT === "1";

const browser = await launch();
const site = await serve(DIST);
try {
  const { context, page } = await openStandalone(browser, `${site.url}declare.html`, N, { bypassCSP: !!process.env.TRACE_CSS });
  await instrument(page);
  if (process.env.TRACE_CSS) await page.addStyleTag({ content: process.env.TRACE_CSS });
  // TRACE_JS="…": a function body run in the page first (to try a change to the DOM out).
  if (process.env.TRACE_JS) await page.evaluate(process.env.TRACE_JS);
  const k = Math.floor(N / 2);
  if (process.env.TRACE_BASELINE === "1") await addBaseline(page);
  const field = page.locator(process.env.TRACE_BASELINE === "1" ? "#bench-baseline" : `[data-pointer="/indicators/${k}/value"]`);
  await field.click();
  await page.keyboard.press("End");
  const msg = page.locator(`td:has([data-pointer="/indicators/${k}/value"]) li[data-code="IND_VALUE_INVALID"]`);
  // A few keystrokes first (warm-up), then the traced ones.
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press(i % 2 ? "Backspace" : "x");
    await page.waitForTimeout(40);
  }
  await page.evaluate(() => ((window.__handled = []), (window.__painted = [])));
  await browser.startTracing(page, {
    categories: (process.env.TRACE_CATEGORIES ?? "devtools.timeline,disabled-by-default-devtools.timeline,toplevel,blink.user_timing,v8.execute").split(","),
  });
  for (let i = 0; i < KEYS; i++) {
    await page.keyboard.press(i % 2 ? "Backspace" : "x");
    if (WAIT) await msg.waitFor({ state: i % 2 ? "detached" : "attached" });
    await page.waitForTimeout(40);
  }
  const buf = await browser.stopTracing();
  if (process.env.TRACE_OUT) writeFileSync(process.env.TRACE_OUT, buf);
  const r = await page.evaluate(() => ({ handled: window.__handled, painted: window.__painted }));
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]?.toFixed(2);
  console.log(`${N} indicators, ${KEYS} keystrokes: handler median ${med(r.handled)} ms, keystroke→painted median ${med(r.painted)} ms`);
  if (process.env.TRACE_HIST === "1") console.log("painted, sorted:", [...r.painted].sort((a, b) => a - b).map((x) => x.toFixed(1)).join(" "));

  const { traceEvents } = JSON.parse(buf.toString());
  const names = new Map();
  for (const e of traceEvents) if (e.name === "thread_name") names.set(`${e.pid}:${e.tid}`, e.args.name);
  // The renderer main thread with the most timeline events is the page's.
  const counts = new Map();
  for (const e of traceEvents) {
    const key = `${e.pid}:${e.tid}`;
    if (names.get(key) === "CrRendererMain" && e.ph === "X") counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const main = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  const phases = {
    EventDispatch: "input events (incl. script)",
    FunctionCall: "script (timers, rAF, …)",
    FireAnimationFrame: "rAF callbacks",
    TimerFire: "timers",
    FireIdleCallback: "idle callbacks",
    UpdateLayoutTree: "style recalc",
    Layout: "layout",
    PrePaint: "pre-paint",
    Paint: "paint",
    Layerize: "layerize",
    UpdateLayer: "update layer",
    "Commit": "commit",
    "ProxyMain::BeginMainFrame::commit": "commit (wait)",
    HitTest: "hit test",
    ParseAuthorStyleSheet: "parse CSS",
    "IntersectionObserverController::computeIntersections": "intersection observers",
  };
  const sum = new Map();
  const self = traceEvents.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === "X" && typeof e.dur === "number");
  for (const e of self) {
    const label = phases[e.name];
    if (!label) continue;
    const s = (sum.get(e.name) ?? { label, ms: 0, n: 0 });
    s.ms += e.dur / 1000;
    s.n++;
    sum.set(e.name, s);
  }
  // The busiest top-level tasks, to see the whole.
  const tasks = self.filter((e) => e.name === "ThreadControllerImpl::RunTask");
  const taskMs = tasks.reduce((a, e) => a + e.dur / 1000, 0);
  console.log(`main thread: ${(taskMs / KEYS).toFixed(2)} ms of tasks per keystroke`);
  for (const [name, s] of [...sum].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(`  ${(s.ms / KEYS).toFixed(2).padStart(7)} ms/key  ${String(s.n).padStart(5)}×  ${name} (${s.label})`);
  }
  await context.close();
} finally {
  await browser.close();
  await site.close();
}
