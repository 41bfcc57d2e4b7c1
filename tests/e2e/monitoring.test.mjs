// Browser test of performance monitoring (绩效运行监控, FORMATS §6/§7, crates/server/MONITORING-API.md)
// against the real server: finance opens the 1–3月 round on the board; the department fills
// the monitoring form of its approved target with a red row and is told at once, by the
// WASM rules, to give causes and measures (submitting anyway gets the server's 422 with the
// same violations); it fixes that (the draft autosaves with If-Match;
// a change made elsewhere meanwhile gives a 412 and a reload), submits; finance sees the red
// report with its causes and measures on the board, drills down, accepts it, flags a
// rectification, and the board shows the new figures (lights, department execution rate,
// coverage). Needs target/debug/jixiao (or JIXIAO_BIN) and web/dist with the `monitor` export.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "./static-server.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = process.env.JIXIAO_BIN ?? join(ROOT, "target/debug/jixiao");
const SHOTS = process.env.JIXIAO_SHOTS ?? fileURLToPath(new URL("./screenshots/", import.meta.url));
const FIXTURE = JSON.parse(readFileSync(join(ROOT, "tests/fixtures/targets/orphan-clothing-valid.json"), "utf8")).document;
const MEASURES = "逐户核实孤儿人数，4月起按月补发被装";
const REQUIREMENT = "说明保障人数偏低的原因，6月底前报送核实结果";

let dir, server, base, browser;
const tokens = {};

function token(db, ...args) {
  return execFileSync(BIN, ["token", "create", "--database", db, ...args], { cwd: ROOT, encoding: "utf8" }).trim();
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "jixiao-monitoring-e2e-"));
  const db = `sqlite://${join(dir, "e2e.db")}`;
  tokens.dept = token(db, "--role", "department", "--department", "101", "--name", "民政局填报员");
  tokens.finance = token(db, "--role", "finance", "--name", "财政局绩效科");
  server = spawn(BIN, ["serve", "--database", db, "--port", "0", "--web-dir", join(ROOT, "web/dist")], {
    cwd: ROOT,
    env: { ...process.env, RUST_LOG: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  base = await new Promise((resolve, reject) => {
    let out = "";
    server.stdout.on("data", (b) => {
      out += b;
      const m = out.match(/listening on (http:\/\/[^\s/]+)\//);
      if (m) resolve(m[1]);
    });
    server.on("exit", (code) => reject(new Error(`jixiao serve exited with ${code}: ${out}`)));
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function api(method, path, tok, body, headers = {}) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${tok}`, ...(body ? { "Content-Type": "application/json" } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, etag: res.headers.get("ETag"), body: text ? JSON.parse(text) : null };
}

async function pageAs(tok) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 1000 }, locale: "zh-CN" });
  await context.addInitScript((t) => localStorage.setItem("jixiao.token", t), tok);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  return { context, page, errors };
}

const text = (page, sel) => page.locator(sel).innerText();

test("a department reports a red quarter, fixes it, submits; finance accepts it on the board", async () => {
  mkdirSync(SHOTS, { recursive: true });
  // An approved project target of department 101 (set up through the API).
  const created = await api("POST", "/targets", tokens.dept, FIXTURE);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const targetId = created.body.id;
  assert.equal((await api("POST", `/targets/${targetId}/submit`, tokens.dept)).status, 200);
  const approved = await api("POST", `/targets/${targetId}/review`, tokens.finance, { decision: "approve", grade: "excellent", criteria: {}, approved_amount: "86.40" });
  assert.equal(approved.status, 200, JSON.stringify(approved.body));

  // Finance opens the 1–3月 round from the board (its deadline has passed: 101 is overdue).
  const fin = await pageAs(tokens.finance);
  await fin.page.goto(`${base}/monitoring-board.html`);
  await fin.page.locator("#open-round-box").evaluate((d) => (d.open = true));
  await fin.page.fill("#round-year", "2019");
  await fin.page.selectOption("#round-month", "3");
  await fin.page.fill("#round-deadline", "2019-04-15");
  await fin.page.click("#round-open");
  await fin.page.waitForFunction(() => /已开启 2019年 1—3月/.test(document.getElementById("round-status")?.textContent ?? ""));
  await fin.page.locator('#overdue-list li[data-department="101"]').waitFor();
  assert.match(await text(fin.page, "#coverage-units"), /^0 \/ 1$/);
  assert.match(await text(fin.page, "#coverage-rate"), /^0\.00%$/);
  const rounds = await api("GET", "/monitoring/rounds?fiscal_year=2019", tokens.finance);
  const roundId = rounds.body.items.find((r) => r.through_month === 3).id;

  // The department: the round, its due target, 填报 creates the draft.
  const dept = await pageAs(tokens.dept);
  const p = dept.page;
  await p.goto(`${base}/monitoring.html`);
  await p.locator(`#round option[value="${roundId}"]`).waitFor({ state: "attached" });
  await p.locator(`#due-table tr[data-target="${targetId}"] button.fill`).click();
  await p.locator('#mon-report[data-status="draft"]').waitFor();
  assert.match(await text(p, "#project-name"), /2019年孤儿被装购置费/);
  assert.equal(await p.locator("#rows tbody tr").count(), FIXTURE.indicators.length);
  assert.match(await text(p, '#rows tr[data-indicator="i1"]'), /保障孤儿人数[\s\S]*=360人/);

  // Budget execution on time: 21.60 of 86.40 in 3 months is 25.00%, ratio 1 → green.
  await p.fill("#budget_full_year", "86.40");
  await p.fill("#executed", "21.60");
  await p.fill("#forecast_full_year", "86.40");
  await p.fill("#goal_progress", "春装已配发到位");
  const rows = {
    i1: ["30", "possible"], // 30 of 360 × 3/12 = 90 → ratio 0.3333: red
    i2: ["360", "certain"],
    i3: ["100", "certain"],
    i4: ["100", "certain"],
    i5: ["", "certain"], // the 2019-10-31 deadline: not done yet, not late
    i6: ["0.23", "certain"],
    i7: ["100", "certain"],
    i8: ["已按季配发", "certain"],
    i9: ["机制运行正常", "certain"],
    i10: ["95", "certain"],
  };
  for (const [id, [actual, likelihood]] of Object.entries(rows)) {
    const k = await p.locator(`#rows tr[data-indicator="${id}"]`).getAttribute("data-row");
    if (actual) await p.fill(`#actual-${k}`, actual);
    await p.selectOption(`#likelihood-${k}`, likelihood);
  }
  const k1 = await p.locator('#rows tr[data-indicator="i1"]').getAttribute("data-row");
  // Live, from the WASM rules: the red row, and causes and measures asked for at their fields.
  await p.locator('#light-0 .light[data-light="red"]').waitFor();
  assert.match(await text(p, "#light-0"), /红灯[\s\S]*0\.3333/);
  assert.match(await text(p, "#execution-light"), /绿灯[\s\S]*25\.00%[\s\S]*25\.00%[\s\S]*1\.0000/);
  await p.locator(`#causes-${k1}-msg li[data-code="MON_CAUSES_REQUIRED"]`).waitFor();
  await p.locator(`#measures-${k1}-msg li[data-code="MON_MEASURES_REQUIRED"]`).waitFor();
  assert.ok((await text(p, `#measures-${k1}-msg`)).trim().length > 0);
  assert.equal(await p.locator('#mon-result .light[data-light="none"]').count(), 1, "no report light while errors remain");
  assert.equal(await p.locator("#rows li.error").count(), 2);
  await p.screenshot({ path: join(SHOTS, "monitoring-form-red.png"), fullPage: true });
  // Submitting now is refused by the server (422), whose violations are shown at the same fields.
  await p.click("#submit");
  await p.waitForFunction(() => /仍有 2 个错误，不能提交/.test(document.getElementById("submit-status")?.textContent ?? ""));
  await p.locator(`#measures-${k1}-msg li[data-code="MON_MEASURES_REQUIRED"]`).waitFor();
  assert.equal(await p.locator("#mon-report").getAttribute("data-status"), "draft");

  // Fixed: a cause and a measure. The errors go; the row stays red; the report light is red.
  await p.check(`#cause-${k1}-funding`);
  await p.fill(`#measures-${k1}`, MEASURES);
  await p.waitForFunction(() => document.querySelectorAll("#mon-report li.error").length === 0);
  await p.locator('#mon-result .light[data-light="red"]').waitFor();
  assert.match(await text(p, "#mon-counts"), /红 1 · 黄 0 · 绿 10 · 蓝 0/);
  await p.waitForFunction(() => /已自动保存/.test(document.getElementById("save-status")?.textContent ?? ""));

  // Someone else changes the report meanwhile: the next autosave is refused (412) and the page says so.
  const current = await api("GET", `/monitoring/reports/${await p.locator("#mon-report").getAttribute("data-id")}`, tokens.dept);
  const reportId = current.body.id;
  assert.equal(current.body.document.indicators.find((r) => r.indicator_id === "i1").measures, MEASURES, "the autosave reached the server");
  const other = { ...current.body.document, goal_progress: "春装已配发到位（另一窗口修改）" };
  const put = await api("PUT", `/monitoring/reports/${reportId}`, tokens.dept, other, { "If-Match": current.body.etag });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  await p.fill("#goal_progress", "春装已配发到位，夏装采购中");
  await p.waitForFunction(() => /他人已修改此监控表/.test(document.getElementById("save-status")?.textContent ?? ""));
  await p.click("#reload");
  await p.waitForFunction(() => document.getElementById("goal_progress")?.value === "春装已配发到位（另一窗口修改）");

  // Submitted: read-only afterwards.
  await p.click("#submit");
  await p.locator('#mon-report[data-status="submitted"]').waitFor();
  assert.ok(await p.locator("#executed").isDisabled());
  // The due list is reloaded after the submission.
  await p.locator(`#due-table tr[data-target="${targetId}"]`, { hasText: "已提交" }).waitFor();
  assert.match(await text(p, `#due-table tr[data-target="${targetId}"]`), /已提交[\s\S]*红灯/);

  // Finance: the red report with its cause and measure; drill-down; accept.
  await fin.page.click("#refresh");
  await fin.page.locator(`#report-table tr[data-id="${reportId}"][data-status="submitted"]`).waitFor();
  assert.equal(await text(fin.page, "#tile-red .n"), "1");
  const dev = fin.page.locator(`#deviation-table tr[data-id="${reportId}"]`);
  await dev.waitFor();
  assert.match(await dev.innerText(), /保障孤儿人数[\s\S]*经费保障[\s\S]*逐户核实孤儿人数/);
  assert.equal(await fin.page.locator('#overdue-list li[data-department="101"]').count(), 0, "101 reported its only project");
  await dev.locator("button.open").click();
  await fin.page.locator(`#report-detail[data-id="${reportId}"] #decision`).waitFor();
  assert.equal(await fin.page.locator('#detail-rows tr[data-indicator="i1"]').getAttribute("data-light"), "red");
  await fin.page.screenshot({ path: join(SHOTS, "monitoring-board-submitted.png"), fullPage: true });
  await fin.page.click("#accept");
  await fin.page.locator('#report-detail[data-status="accepted"]').waitFor();
  await fin.page.waitForFunction(() => document.getElementById("message")?.textContent === "已审核通过");

  // A rectification flag on the accepted report.
  await fin.page.fill("#rect-requirement", REQUIREMENT);
  await fin.page.fill("#rect-due", "2019-06-30");
  await fin.page.click("#rect-submit");
  await fin.page.locator("#detail-rectifications", { hasText: REQUIREMENT }).waitFor();

  // The board's new figures.
  const row = fin.page.locator('#department-table tr[data-department="101"]');
  assert.equal(await row.locator('td[data-col="accepted"]').innerText(), "1");
  assert.equal(await row.locator('td[data-col="red"]').innerText(), "1");
  assert.equal(await row.locator('td[data-col="rate"]').innerText(), "25.00%");
  assert.equal(Number(await fin.page.locator('#execution-chart g[data-department="101"]').getAttribute("data-rate")), 0.25);
  assert.match(await text(fin.page, "#coverage-units"), /^1 \/ 1$/);
  assert.match(await text(fin.page, "#coverage-money"), /^86\.40 \/ 86\.40$/);
  assert.equal(await text(fin.page, "#coverage-rate"), "100.00%");
  assert.match(await text(fin.page, "#round-counts"), /已审核 1/);
  await fin.page.screenshot({ path: join(SHOTS, "monitoring-board.png"), fullPage: true });

  // The department sees the decision and the rectification, read-only.
  await p.goto(`${base}/monitoring.html?round=${roundId}&report=${reportId}`);
  await p.locator('#mon-report[data-status="accepted"]').waitFor();
  assert.match(await text(p, "#rectifications"), new RegExp(REQUIREMENT));
  assert.ok(await p.locator(`#measures-${k1}`).isDisabled());
  await p.screenshot({ path: join(SHOTS, "monitoring-form-accepted.png"), fullPage: true });

  const state = await api("GET", `/monitoring/reports/${reportId}`, tokens.finance);
  assert.equal(state.body.status, "accepted");
  assert.equal(state.body.light, "red");
  for (const x of [fin, dept]) {
    assert.deepEqual(x.errors, []);
    await x.context.close();
  }
});
