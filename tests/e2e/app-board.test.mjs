// Browser test of the app's 运行监控看板 (#/monitoring/board, web/src/app/views/monitoring/):
// monitoring data seeded through the API (three approved targets of two departments, the
// 2019 1—3月 round past its deadline, a red report with its cause and measure and a green
// one submitted, one department not reported); finance signs in at the app's login page and
// finds the lights by department, the ECharts execution chart and lights donut drawn, the
// red row with its cause and measure, the overdue department and the coverage; returns the
// red report with an opinion and accepts the green one in their dialogs and sees the states
// change; the year and round stay in the URL across a reload; the board flags a
// rectification on the accepted one; axe-core finds no serious or critical violation and the CSP no violation.
// Screenshot tests/e2e/screenshots/app-board.png (zh-CN). Needs target/debug/jixiao and web/dist.
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
const SHOTS = fileURLToPath(new URL("./screenshots/", import.meta.url));
const FIXTURE = JSON.parse(readFileSync(join(ROOT, "tests/fixtures/targets/orphan-clothing-valid.json"), "utf8")).document;
const AXE = readFileSync(join(ROOT, "web/node_modules/axe-core/axe.min.js"), "utf8");
const PASSWORD = "Jixiao-2026-board";
const MEASURES = "逐户核实孤儿人数，4月起按月补发被装";
const OPINION = "请核实保障人数偏低的原因并补充佐证材料。";

let dir, server, base, browser;
const tokens = {};
const ids = {};

function cli(...args) {
  return execFileSync(BIN, args, { cwd: ROOT, encoding: "utf8" }).trim();
}

async function api(method, path, tok, body, headers = {}) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${tok}`, ...(body ? { "Content-Type": "application/json" } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, etag: res.headers.get("ETag"), body: text ? JSON.parse(text) : null };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "jixiao-app-board-"));
  const db = `sqlite://${join(dir, "e2e.db")}`;
  tokens.d101 = cli("token", "create", "--database", db, "--role", "department", "--department", "101", "--name", "民政局接口");
  tokens.d102 = cli("token", "create", "--database", db, "--role", "department", "--department", "102", "--name", "教育局接口");
  tokens.finance = cli("token", "create", "--database", db, "--role", "finance", "--name", "财政局接口");
  cli("user", "create", "--database", db, "--username", "czj", "--password", PASSWORD, "--role", "finance", "--name", "绩效科王科长");
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
  await seed();
  browser = await launch();
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** An approved 2019 project target of a department. */
async function approvedTarget(tok, code, name, project) {
  const doc = structuredClone(FIXTURE);
  doc.department = { code, name };
  doc.project = { ...doc.project, ...project };
  const created = await api("POST", "/targets", tok, doc);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal((await api("POST", `/targets/${created.body.id}/submit`, tok)).status, 200);
  const r = await api("POST", `/targets/${created.body.id}/review`, tokens.finance, { decision: "approve", grade: "excellent", criteria: {}, approved_amount: doc.funds.annual_total });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return created.body.id;
}

const ROWS = {
  i1: "90", // 90 of 360 × 3/12 = 90: on time
  i2: "360",
  i3: "100",
  i4: "100",
  i5: null, // the 2019-10-31 deadline: not done yet, not late
  i6: "0.23",
  i7: "100",
  i8: "已按季配发",
  i9: "机制运行正常",
  i10: "95",
};

/** A 1—3月 report of `target`, filled and submitted; `red` makes 保障孤儿人数 30 of 90 with its cause and measure. */
async function report(tok, roundId, targetId, red) {
  const draft = await api("POST", "/monitoring/reports", tok, { round_id: roundId, target_id: targetId });
  assert.equal(draft.status, 201, JSON.stringify(draft.body));
  const indicators = Object.entries(ROWS).map(([id, actual]) => ({
    indicator_id: id,
    ...(actual !== null ? { actual_to_date: id === "i1" && red ? "30" : actual } : {}),
    likelihood: id === "i1" && red ? "possible" : "certain",
    ...(id === "i1" && red ? { causes: ["funding"], measures: MEASURES } : {}),
  }));
  const doc = {
    ...draft.body.document,
    period: { fiscal_year: 2019, through_month: 3 },
    execution: { budget_full_year: "86.40", executed: "21.60", forecast_full_year: "86.40" },
    goal_progress: "春装已配发到位",
    indicators,
  };
  const put = await api("PUT", `/monitoring/reports/${draft.body.id}`, tok, doc, { "If-Match": draft.body.etag });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  const sub = await api("POST", `/monitoring/reports/${draft.body.id}/submit`, tok, undefined, { "If-Match": put.body.etag });
  assert.equal(sub.status, 200, JSON.stringify(sub.body));
  assert.equal(sub.body.light, red ? "red" : "green");
  return draft.body.id;
}

async function seed() {
  const a = await approvedTarget(tokens.d101, "101", "阿图什市民政局", { code: "P2019-001", name: "2019年孤儿被装购置费" });
  const b = await approvedTarget(tokens.d101, "101", "阿图什市民政局", { code: "P2019-002", name: "2019年困难群众冬季取暖补助" });
  await approvedTarget(tokens.d102, "102", "阿图什市教育局", { code: "P2019-101", name: "2019年学生营养餐补助" });
  const round = await api("POST", "/monitoring/rounds", tokens.finance, { fiscal_year: 2019, through_month: 3, deadline: "2019-04-15" });
  assert.equal(round.status, 201, JSON.stringify(round.body));
  ids.round = round.body.id;
  ids.red = await report(tokens.d101, ids.round, a, true);
  ids.green = await report(tokens.d101, ids.round, b, false);
}

/** A zh-CN page recording page errors and CSP violations. */
async function open() {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "zh-CN" });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to (apply|load|execute)/i.test(m.text())) problems.push(`csp: ${m.text()}`);
  });
  return { context, page, problems };
}

/**
 * axe-core (web/node_modules/axe-core/axe.min.js): no serious or critical violation. The
 * source is evaluated through the DevTools protocol — an injected <script> tag would itself
 * be refused by the CSP (no inline script).
 */
async function axe(page, label) {
  // After the dialogs' fade-in: half-transparent text is not what the user reads.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"));
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  });
  assert.deepEqual(violations, [], `axe on ${label}`);
}

/** Pixels of the chart's canvas that are drawn (not transparent). */
function drawnPixels(page, sel) {
  return page.locator(`${sel} canvas`).first().evaluate((c) => {
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
}

test("finance reads the board in the app, with ECharts, and returns and accepts reports", async () => {
  const { context, page, problems } = await open();
  await page.goto(`${base}/#/login`);
  await page.locator("#username").fill("czj");
  await page.locator("#password").fill(PASSWORD);
  await page.locator('[data-test="signin-submit"]').click();
  await page.locator('[data-test="greeting"]').waitFor();
  // The menu item is a route of the app now.
  await page.locator("#side-menu a", { hasText: "运行监控看板" }).click();
  await page.waitForURL(/#\/monitoring\/board/);
  assert.equal(await page.title(), "运行监控看板 · 预算绩效管理系统");

  // Year and round chosen (the newest) and written into the URL.
  await page.waitForURL(new RegExp(`year=2019.*round=${ids.round}|round=${ids.round}.*year=2019`));
  const table = page.locator('[data-test="department-table"]');
  await table.locator("tbody tr").nth(1).waitFor();
  const rows = await table.locator("tbody tr").allInnerTexts();
  assert.equal(rows.length, 2);
  assert.match(rows[0], /阿图什市民政局\s+101\s+2\s+2\s+0\s+1\s+0\s+1\s+172\.80\s+43\.20\s+25\.00%/);
  assert.match(rows[1], /阿图什市教育局\s+102\s+1\s+0\s+0\s+0\s+0\s+0\s+0\.00\s+0\.00\s+—/);
  assert.equal(await page.locator('[data-card="red"] .n').innerText(), "1");
  assert.equal(await page.locator('[data-card="green"] .n').innerText(), "1");
  assert.equal(await page.locator('[data-card="time"] .n').innerText(), "25.00%");
  assert.match(await page.locator('[data-test="round-counts"]').innerText(), /应报 3 · 未填报 1 · 草稿 0 · 已提交 2/);

  // The charts: ECharts canvases, drawn, with a text alternative.
  for (const sel of ['[data-test="execution-chart"]', '[data-test="lights-chart"]']) {
    await page.locator(`${sel} [data-rendered="true"]`).waitFor();
    assert.ok((await drawnPixels(page, sel)) > 500, `${sel} has content`);
  }
  assert.match(await page.locator('[data-test="execution-chart"] [role="img"]').getAttribute("aria-label"), /时间进度 25\.00%；阿图什市民政局 25\.00%，阿图什市教育局 未报/);
  assert.match(await page.locator('[data-test="lights-chart"] [role="img"]').getAttribute("aria-label"), /红灯 1 份，黄灯 0 份，绿灯 1 份/);

  // The red report with its cause and measure; 102 overdue; coverage none accepted yet.
  const dev = page.locator('[data-test="deviation-table"] tbody tr', { has: page.locator(`[data-id="${ids.red}"]`) });
  await dev.waitFor();
  assert.match(await dev.innerText(), /2019年孤儿被装购置费[\s\S]*红灯[\s\S]*保障孤儿人数[\s\S]*30（进度比 0\.3333）[\s\S]*偏差原因分析：经费保障；纠偏措施：逐户核实孤儿人数/);
  assert.match(await page.locator('[data-test="overdue-list"] li[data-department="102"]').innerText(), /阿图什市教育局（102）· 未报 1 个项目/);
  assert.equal(await page.locator('[data-test="coverage-units"]').innerText(), "0 / 2");
  assert.match(await page.locator('[data-test="reports-shown"]').innerText(), /已显示 2 \/ 共 2 份/);

  await axe(page, "运行监控看板");
  await page.screenshot({ path: `${SHOTS}app-board.png`, fullPage: true });

  // Return the red report with an opinion (required), from its detail.
  await dev.locator(`[data-open="${ids.red}"]`).click();
  await page.waitForURL(new RegExp(`report=${ids.red}`));
  const detail = page.locator(`[data-test="report-detail"][data-id="${ids.red}"]`);
  await detail.locator('[data-test="return"]').waitFor();
  assert.equal(await detail.locator('[data-indicator="i1"]').getAttribute("data-light"), "red");
  await axe(page, "监控表详情");
  await detail.locator('[data-test="return"]').click();
  const dialog = page.locator(".el-dialog", { has: page.locator('[data-test="decision-opinion"]') });
  await dialog.locator('[data-test="decision-confirm"]').click();
  assert.equal(await dialog.locator('[data-test="decision-error"]').innerText(), "退回修改时请填写退回意见");
  await dialog.locator("textarea#decision-opinion").fill(OPINION);
  await dialog.locator('[data-test="decision-confirm"]').click();
  await page.locator(`[data-test="report-detail"][data-id="${ids.red}"][data-status="returned"]`).waitFor();
  assert.equal(await detail.locator('[data-test="detail-status"]').innerText(), "已退回");
  assert.match(await detail.locator('[data-test="detail-opinion"]').innerText(), new RegExp(OPINION));
  assert.equal(await detail.locator('[data-test="rect-form"]').count(), 0, "a returned report cannot be flagged");
  await page.keyboard.press("Escape");
  await page.waitForURL((u) => !u.hash.includes("report="));

  // The reports list shows the new state; accept the green one.
  const reportsTable = page.locator('[data-test="report-table"]');
  await reportsTable.locator(`[data-id="${ids.red}"][data-status="returned"]`).waitFor();
  await reportsTable.locator(`[data-open="${ids.green}"]`).click();
  const green = page.locator(`[data-test="report-detail"][data-id="${ids.green}"]`);
  await green.locator('[data-test="accept"]').click();
  await page.locator(".el-dialog", { has: page.locator('[data-test="decision-opinion"]') }).locator('[data-test="decision-confirm"]').click();
  await page.locator(`[data-test="report-detail"][data-id="${ids.green}"][data-status="accepted"]`).waitFor();
  // 需要整改 on the accepted report.
  await green.locator("textarea#rect-requirement").fill("6月底前报送冬季取暖补助发放名册");
  await green.locator("#rect-due").fill("2019-06-30");
  await green.locator('[data-test="rect-submit"]').click();
  await green.locator('[data-test="detail-rectifications"]', { hasText: "6月底前报送冬季取暖补助发放名册 · 整改期限 2019-06-30" }).waitFor();
  await page.keyboard.press("Escape");
  await reportsTable.locator(`[data-id="${ids.green}"][data-status="accepted"]`).waitFor();
  await page.waitForFunction(() => document.querySelector('[data-test="coverage-units"]')?.textContent === "1 / 2");
  assert.match(await table.locator("tbody tr").first().innerText(), /阿图什市民政局\s+101\s+2\s+2\s+1\s/);

  // Filters and the round live in the URL: a reload gives the same board, filtered.
  await page.locator('[data-test="report-status"]').click();
  await page.locator(".el-select-dropdown__item", { hasText: "已审核" }).click();
  await page.waitForURL(/status=accepted/);
  await page.waitForFunction(() => /已显示 1 \/ 共 1 份/.test(document.querySelector('[data-test="reports-shown"]')?.textContent ?? ""));
  await page.reload();
  await reportsTable.locator(`[data-id="${ids.green}"]`).waitFor();
  assert.equal(await reportsTable.locator("tbody tr").count(), 1);
  assert.match(await page.locator('[data-test="round"]').innerText(), /2019年 1—3月（截止 2019-04-15）/);

  assert.deepEqual(problems, []);
  await context.close();
});
