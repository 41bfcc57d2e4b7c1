// Browser benchmarks in Debian's Chromium (headless, via playwright-core):
//  1. keystroke → updated messages and meters painted, in the real form (web/dist) for
//     targets of 60 and 200 indicators (goal at 200: one frame, 16 ms): on its standalone
//     page (declare.html, a local draft) and inside the app (#/declare/:id, the same form
//     mounted in the Vue layout, a draft on a real `jixiao serve`; skipped when
//     target/debug/jixiao or JIXIAO_BIN is missing);
//  2. the engine alone next to AJV in the same page (target/bench-web, built here).
// Run benches/web/run.sh (it builds first). BENCH_KEYS keystrokes per measure (200 by
// default). Prints tables; figures go in the closing note.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { launch, serve } from "../../tests/e2e/static-server.mjs";
import { BIN, signIn, startServer } from "../../tests/e2e/harness.mjs";
import { makeTarget } from "./gen.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const KEYS = Number(process.env.BENCH_KEYS ?? 200);

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, median: q(0.5).toFixed(2), p95: q(0.95).toFixed(2), max: s[s.length - 1].toFixed(2) };
};

/** The standalone page with a local draft of n indicators. */
async function standalone(browser, url, n) {
  const context = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
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

/** The app: a department user signed in, a server draft of n indicators open at #/declare/:id. */
async function inApp(browser, srv, n) {
  const created = await srv.api("POST", "/targets?profile=artux-2018", srv.tokens.dept, makeTarget(n));
  if (created.status !== 201) throw new Error(`POST /targets: ${created.status} ${JSON.stringify(created.body)}`);
  const context = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
  const page = await context.newPage();
  await signIn(page, srv.base, "bench");
  await page.goto(`${srv.base}/#/declare/${created.body.id}`);
  await page.waitForSelector(".jx-form[data-ready=true]");
  return { context, page };
}

/** Types KEYS keystrokes into a field that runs no check (the baseline), then into an
 * indicator's value in the middle of the table, and returns the latencies. */
async function keystrokes(where, n, open) {
  const { context, page } = await open();
  const rows = await page.locator("tr.row").count();
  if (rows !== n) throw new Error(`expected ${n} rows, got ${rows}`);
  await page.evaluate(() => {
    const w = window;
    w.__handled = [];
    w.__painted = [];
    let t0 = 0;
    document.addEventListener("keydown", () => (t0 = performance.now()), true);
    // Bubble phase on document: runs after the field's own listener has re-checked and updated the DOM.
    document.addEventListener("input", () => {
      const start = t0;
      w.__handled.push(performance.now() - start);
      requestAnimationFrame(() => setTimeout(() => w.__painted.push(performance.now() - start), 0));
    });
  });
  // Baseline: the same page and the same keystrokes in a field that runs no check (a plain
  // input added next to the form), i.e. what the browser alone costs on this page.
  await page.evaluate(() => {
    const i = document.createElement("input");
    i.id = "bench-baseline";
    i.setAttribute("aria-label", "baseline");
    (document.querySelector(".jx-form .tools") ?? document.querySelector(".tools"))?.append(i);
  });
  await page.click("#bench-baseline");
  for (let i = 0; i < KEYS; i++) {
    await page.keyboard.press(i % 2 ? "Backspace" : "x");
    await page.waitForTimeout(30);
  }
  await page.waitForTimeout(100);
  const base = await page.evaluate(() => {
    const r = { handled: window.__handled, painted: window.__painted };
    window.__handled = [];
    window.__painted = [];
    return r;
  });
  const k = Math.floor(n / 2);
  const field = page.locator(`[data-pointer="/indicators/${k}/value"]`);
  await field.click();
  await page.keyboard.press("End");
  const msg = page.locator(`td:has([data-pointer="/indicators/${k}/value"]) li[data-code="IND_VALUE_INVALID"]`);
  for (let i = 0; i < KEYS; i++) {
    // "x" makes the value invalid (a message appears), Backspace makes it valid again.
    await page.keyboard.press(i % 2 ? "Backspace" : "x");
    await msg.waitFor({ state: i % 2 ? "detached" : "attached" });
    await page.waitForTimeout(30);
  }
  await page.waitForTimeout(100);
  const r = await page.evaluate(() => ({ handled: window.__handled, painted: window.__painted }));
  await context.close();
  return {
    form: where,
    indicators: n,
    "handler ms": stats(r.handled),
    "keystroke→painted ms": stats(r.painted),
    "baseline (no check) handler ms": stats(base.handled),
    "baseline keystroke→painted ms": stats(base.painted),
  };
}

execFileSync(process.execPath, [`${ROOT}web/node_modules/vite/bin/vite.js`, "build", "--config", `${ROOT}benches/web/vite.config.mjs`], { stdio: "inherit" });
const browser = await launch();
const form = await serve(`${ROOT}web/dist`);
const bench = await serve(`${ROOT}target/bench-web`);
const srv = existsSync(BIN)
  ? await startServer({
      prefix: "jixiao-bench-",
      browser: false,
      tokens: { dept: ["--role", "department", "--department", "101", "--name", "bench"] },
      users: { bench: { role: "department", name: "基准测试", args: ["--department", "101"] } },
    })
  : null;
try {
  console.log(`\n# Keystroke latency in the form (${KEYS} keystrokes each, Chromium headless)`);
  for (const n of [60, 200]) {
    console.log(JSON.stringify(await keystrokes("declare.html", n, () => standalone(browser, `${form.url}declare.html`, n))));
    if (srv) console.log(JSON.stringify(await keystrokes("app #/declare/:id", n, () => inApp(browser, srv, n))));
  }
  if (!srv) console.log(`(the form in the app not measured: no ${BIN})`);
  console.log("\n# Engine per keystroke, same page (µs per call, median of 100-call batches)");
  const page = await browser.newPage();
  await page.goto(`${bench.url}engine.html`);
  await page.waitForFunction(() => window.__results || window.__error, null, { timeout: 120_000 });
  const err = await page.evaluate(() => window.__error);
  if (err) throw new Error(err);
  const rows = await page.evaluate(() => window.__results);
  for (const row of rows) {
    console.log(Object.entries(row).map(([k, v]) => `${k}: ${typeof v === "number" ? v.toFixed(1) : v}`).join(" | "));
  }
} finally {
  await browser.close();
  await form.close();
  await bench.close();
  await srv?.stop();
}
