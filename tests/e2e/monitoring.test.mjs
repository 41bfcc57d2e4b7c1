// Browser test of performance monitoring in the app (绩效运行监控, FORMATS §6/§7,
// crates/server/MONITORING-API.md) against the real server: finance opens the 1–3月 round
// on the board (#/monitoring/board); the department signs in, follows 填报 from its 工作台 to
// #/monitoring, creates the report of its approved target and fills the form
// (#/monitoring/reports/:id) with a red row: the WASM rules tell it at once, at the fields and
// by field name (never a JSON Pointer), to give causes and measures; submitting anyway gets
// the server's 422 with the same violations; it fixes that (the draft autosaves with
// If-Match; a change made elsewhere meanwhile gives a 412 and a reload with a message),
// submits; the list shows the report submitted and red. Finance finds the red report with
// its cause and measure on the board and returns it with an opinion; the department reads
// the opinion on its form and submits again; finance accepts it, flags a rectification, and
// the board shows the new figures (lights, department execution rate, coverage); the
// department sees the decision and the rectification read-only. axe-core (no serious or
// critical violation) on every view, no CSP violation, zh-CN screenshots app-monitoring-*.png.
// Needs target/debug/jixiao (or JIXIAO_BIN) and web/dist with the `monitor` export.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { axe, fixture, shot, signIn, startServer, watchCsp } from "./harness.mjs";

const FIXTURE = fixture();
const MEASURES = "逐户核实孤儿人数，4月起按月补发被装";
const REQUIREMENT = "说明保障人数偏低的原因，6月底前报送核实结果";
const OPINION = "请补充保障人数偏低的核实情况后重新提交";

let srv;
before(async () => {
  srv = await startServer({
    prefix: "jixiao-monitoring-e2e-",
    tokens: {
      dept: ["--role", "department", "--department", "101", "--name", "民政局接口"],
      finance: ["--role", "finance", "--name", "财政局接口"],
    },
    users: {
      minzheng: { role: "department", name: "民政局填报员", args: ["--department", "101"] },
      caizheng: { role: "finance", name: "绩效科王科长" },
    },
  });
});
after(async () => {
  await srv?.stop();
});

/** A zh-CN page signed in as `username`, recording page errors and CSP violations. */
async function pageAs(username) {
  const context = await srv.browser.newContext({ viewport: { width: 1366, height: 1000 }, locale: "zh-CN" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const csp = await watchCsp(page);
  await signIn(page, srv.base, username);
  return { context, page, errors, csp };
}

const text = (page, sel) => page.locator(sel).first().innerText();
const waitText = (page, sel, re) => page.waitForFunction(([s, src]) => new RegExp(src).test(document.querySelector(s)?.textContent ?? ""), [sel, re.source]);

/** Picks `label` in an Element Plus select (the trigger `sel`), then waits for its list to close. */
async function choose(page, sel, label) {
  await page.locator(sel).click();
  await page.locator(".el-select-dropdown__item:visible", { hasText: new RegExp(`^\\s*${label}\\s*$`) }).first().click();
  await page.waitForFunction(() => [...document.querySelectorAll(".el-select__popper")].every((p) => getComputedStyle(p).display === "none"));
}

/** A full-page screenshot of the form, scrolled to its end so the sticky action bar sits in its place. */
async function formShot(page, name) {
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await shot(page, name);
}

/** After the dialogs' fade-in: half-transparent text is not what the user reads. */
async function settledAxe(page, label) {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"));
  await axe(page, label);
}

test("a department reports a red quarter in the app, fixes it, submits; finance returns, then accepts it on the board", async () => {
  // An approved project target of department 101 (through the API).
  const created = await srv.api("POST", "/targets", srv.tokens.dept, FIXTURE);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const targetId = created.body.id;
  assert.equal((await srv.api("POST", `/targets/${targetId}/submit`, srv.tokens.dept)).status, 200);
  const approved = await srv.api("POST", `/targets/${targetId}/review`, srv.tokens.finance, { decision: "approve", grade: "excellent", criteria: {}, approved_amount: "86.40" });
  assert.equal(approved.status, 200, JSON.stringify(approved.body));

  // ------------------------------------------------------------ finance opens the 1–3月 round on the board
  const fin = await pageAs("caizheng");
  const f = fin.page;
  await f.goto(`${srv.base}/#/monitoring/board`);
  await f.locator('[data-test="no-rounds"]').waitFor();
  await f.locator('[data-test="open-round"]').click();
  await f.locator("input#round-year").fill("2019");
  await f.locator("#round-deadline").fill("2019-04-15");
  await f.locator('[data-test="round-open"]').click();
  await waitText(f, '[data-test="notice"]', /已开启 2019年 1—3月 监控轮次/);
  await f.locator('[data-test="overdue-list"] li[data-department="101"]').waitFor();
  assert.equal(await text(f, '[data-test="coverage-units"]'), "0 / 1");
  assert.equal(await text(f, '[data-test="coverage-rate"]'), "0.00%");
  const rounds = await srv.api("GET", "/monitoring/rounds?fiscal_year=2019", srv.tokens.finance);
  const roundId = rounds.body.items.find((r) => r.through_month === 3).id;

  // ------------------------------------------------------------ the department: 工作台 → 执行监控 → 填报
  const dept = await pageAs("minzheng");
  const p = dept.page;
  const task = p.locator('[data-test="rounds"] tbody tr', { hasText: "2019年1—3月" });
  await task.waitFor();
  assert.match(await p.locator('[data-card="reports-due"]').innerText(), /^1\s+待填报的监控报告/);
  await task.locator("a", { hasText: "填报" }).click();
  await p.waitForURL(new RegExp(`#/monitoring\\?round=${roundId}`));
  assert.equal(await p.title(), "执行监控 · 预算绩效管理系统");
  const dueRow = p.locator(`[data-test="due-table"] tbody tr`, { has: p.locator(`[data-target="${targetId}"]`) });
  await dueRow.waitFor();
  assert.match(await dueRow.innerText(), /2019年孤儿被装购置费[\s\S]*阿图什市民政局[\s\S]*86\.40[\s\S]*未填报[\s\S]*填报/);
  assert.match(await text(p, '[data-test="round-line"]'), /2019年 1—3月 · 填报截止日期 2019-04-15 · 已过截止日期 · 应报 1 个项目，待填报或修改 1 个/);
  await settledAxe(p, "执行监控");
  await shot(p, "app-monitoring-list");
  await p.locator(`[data-fill="${targetId}"]`).click();
  await p.waitForURL(/#\/monitoring\/reports\//);
  await p.locator('#mon-report[data-status="draft"]').waitFor();
  const reportId = await p.locator("#mon-report").getAttribute("data-id");
  assert.match(await text(p, "#project-name"), /2019年孤儿被装购置费/);
  assert.equal(await p.locator("#rows tbody tr").count(), FIXTURE.indicators.length);
  assert.match(await text(p, '#rows tr[data-indicator="i1"]'), /产出指标 \/ 数量指标[\s\S]*保障孤儿人数[\s\S]*=360人/);

  // Budget execution on time: 21.60 of 86.40 in 3 months is 25.00%, ratio 1 → green.
  await p.locator("input#budget_full_year").fill("86.40");
  await p.locator("input#executed").fill("21.60");
  await p.locator("input#forecast_full_year").fill("86.40");
  await p.locator("textarea#goal_progress").fill("春装已配发到位");
  const rows = {
    i1: ["30", "有可能"], // 30 of 360 × 3/12 = 90 → ratio 0.3333: red
    i2: ["360", "确定能"],
    i3: ["100", "确定能"],
    i4: ["100", "确定能"],
    i5: ["", "确定能"], // the 2019-10-31 deadline: not done yet, not late
    i6: ["0.23", "确定能"],
    i7: ["100", "确定能"],
    i8: ["已按季配发", "确定能"],
    i9: ["机制运行正常", "确定能"],
    i10: ["95", "确定能"],
  };
  for (const [id, [actual, likelihood]] of Object.entries(rows)) {
    const k = await p.locator(`#rows tr[data-indicator="${id}"]`).getAttribute("data-row");
    if (actual) await p.locator(`input#actual-${k}`).fill(actual);
    await choose(p, `[data-test="likelihood-${k}"]`, likelihood);
  }
  const k1 = await p.locator('#rows tr[data-indicator="i1"]').getAttribute("data-row");
  // Live, from the WASM rules: the red row, and causes and measures asked for at their fields.
  await p.locator('#light-0[data-light="red"]').waitFor();
  assert.match(await text(p, "#light-0"), /红灯[\s\S]*进度比 0\.3333[\s\S]*按时间进度/);
  assert.match(await text(p, "#execution-light"), /绿灯[\s\S]*执行率 25\.00% · 时间进度 25\.00% · 执行进度比 1\.0000/);
  await p.locator(`#causes-${k1}-msg li[data-code="MON_CAUSES_REQUIRED"]`).waitFor();
  await p.locator(`#measures-${k1}-msg li[data-code="MON_MEASURES_REQUIRED"]`).waitFor();
  assert.ok((await text(p, `#measures-${k1}-msg`)).trim().length > 0);
  assert.equal(await p.locator('#mon-result[data-light="none"]').count(), 1, "no report light while errors remain");
  assert.equal(await p.locator("#rows li.error").count(), 2);
  assert.equal(await p.locator(`textarea#measures-${k1}`).getAttribute("aria-invalid"), "true");
  // The rule check names the fields in words, never by JSON Pointer.
  const problems = await text(p, "#mon-problems");
  assert.match(problems, /保障孤儿人数 · 偏差原因分析：[\s\S]*保障孤儿人数 · 纠偏措施：/);
  assert.doesNotMatch(problems, /\/indicators|\/execution/);
  assert.match(await text(p, "#mon-error-count"), /错误 2 个，警告 0 个/);
  await settledAxe(p, "执行监控表（红灯）");
  await formShot(p, "app-monitoring-form-red");
  // Submitting now is refused by the server (422), whose violations are shown at the same fields.
  await p.locator("#submit").click();
  await waitText(p, "#submit-status", /仍有 2 个错误，不能提交/);
  await p.locator(`#measures-${k1}-msg li[data-code="MON_MEASURES_REQUIRED"]`).waitFor();
  assert.equal(await p.locator("#mon-report").getAttribute("data-status"), "draft");
  // Clicking a field's name in the list takes the clerk to it.
  await p.locator("#mon-problems button.field-link", { hasText: "保障孤儿人数 · 纠偏措施" }).click();
  assert.equal(await p.evaluate(() => document.activeElement?.id), `measures-${k1}`);

  // Fixed: a cause and a measure. The errors go; the row stays red; the report light is red.
  await p.locator(`label.el-checkbox:has(#cause-${k1}-funding)`).click();
  await p.locator(`textarea#measures-${k1}`).fill(MEASURES);
  await p.waitForFunction(() => document.querySelectorAll(".mon-form li.error").length === 0);
  await p.locator('#mon-result[data-light="red"]').waitFor();
  assert.match(await text(p, "#mon-counts"), /红 1 · 黄 0 · 绿 10 · 蓝 0/);
  assert.equal(await p.locator("#submit-status").count(), 0, "the refusal is cleared by the change");
  await waitText(p, "#save-status", /草稿已自动保存/);

  // Someone else changes the report meanwhile: the next autosave is refused (412) and the page says so.
  const current = await srv.api("GET", `/monitoring/reports/${reportId}`, srv.tokens.dept);
  const row1 = current.body.document.indicators.find((r) => r.indicator_id === "i1");
  assert.equal(row1.measures, MEASURES, "the autosave reached the server");
  assert.deepEqual(row1.causes, ["funding"]);
  const other = { ...current.body.document, goal_progress: "春装已配发到位（另一窗口修改）" };
  const put = await srv.api("PUT", `/monitoring/reports/${reportId}`, srv.tokens.dept, other, { "If-Match": current.body.etag });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  await p.locator("textarea#goal_progress").fill("春装已配发到位，夏装采购中");
  await waitText(p, "#conflict", /他人已修改此监控表/);
  assert.ok(await p.locator("#submit").isDisabled(), "no submission of a stale copy");
  await formShot(p, "app-monitoring-form-conflict");
  await p.locator("#reload").click();
  await p.waitForFunction(() => document.querySelector("textarea#goal_progress")?.value === "春装已配发到位（另一窗口修改）");
  await waitText(p, '[data-test="notice"]', /已重新加载服务器上的最新内容/);
  assert.equal(await p.locator("#conflict").count(), 0);

  // Submitted: read-only afterwards; the list shows it submitted and red.
  await p.locator("#submit").click();
  await p.locator('#mon-report[data-status="submitted"]').waitFor();
  await waitText(p, '[data-test="notice"]', /已提交，等待财政部门审核/);
  assert.ok(await p.locator("input#executed").isDisabled());
  assert.equal(await p.locator("#submit").count(), 0);
  await p.locator("a.back").click();
  const submittedRow = p.locator(`[data-test="due-table"] tbody tr`, { has: p.locator(`[data-target="${targetId}"][data-status="submitted"]`) });
  await submittedRow.waitFor();
  assert.match(await submittedRow.innerText(), /已提交[\s\S]*红灯[\s\S]*查看/);

  // ------------------------------------------------------------ finance: the red report, returned with an opinion
  await f.locator('[data-test="refresh"]').click();
  const reportsTable = f.locator('[data-test="report-table"]');
  await reportsTable.locator(`[data-id="${reportId}"][data-status="submitted"]`).waitFor();
  await waitText(f, '[data-card="red"] .n', /^1$/);
  const dev = f.locator('[data-test="deviation-table"] tbody tr', { has: f.locator(`[data-id="${reportId}"]`) });
  await dev.waitFor();
  assert.match(await dev.innerText(), /保障孤儿人数[\s\S]*30（进度比 0\.3333）[\s\S]*偏差原因分析：经费保障；纠偏措施：逐户核实孤儿人数/);
  await f.locator('[data-test="overdue-none"]').waitFor();
  await dev.locator(`[data-open="${reportId}"]`).click();
  const detail = f.locator(`[data-test="report-detail"][data-id="${reportId}"]`);
  await detail.locator('[data-test="return"]').waitFor();
  assert.equal(await detail.locator('[data-indicator="i1"]').getAttribute("data-light"), "red");
  await shot(f, "app-monitoring-board-submitted");
  await detail.locator('[data-test="return"]').click();
  const decision = f.locator(".el-dialog", { has: f.locator('[data-test="decision-opinion"]') });
  await decision.locator("textarea#decision-opinion").fill(OPINION);
  await decision.locator('[data-test="decision-confirm"]').click();
  await f.locator(`[data-test="report-detail"][data-id="${reportId}"][data-status="returned"]`).waitFor();
  await f.keyboard.press("Escape");
  await f.waitForURL((u) => !u.hash.includes("report="));

  // ------------------------------------------------------------ the department: the opinion first, submitted again
  await p.goto(`${srv.base}/#/monitoring/reports/${reportId}`);
  await p.locator('#mon-report[data-status="returned"]').waitFor();
  assert.match(await text(p, '[data-test="returned"]'), new RegExp(`财政部门已退回此监控表[\\s\\S]*${OPINION}`));
  assert.equal(await text(p, "#submit"), "重新提交");
  assert.ok(!(await p.locator("input#executed").isDisabled()), "a returned report can be changed");
  await settledAxe(p, "执行监控表（已退回）");
  await formShot(p, "app-monitoring-form-returned");
  await p.locator(`textarea#measures-${k1}`).fill(`${MEASURES}；已核实2名孤儿被收养`);
  await p.locator("#submit").click();
  await p.locator('#mon-report[data-status="submitted"]').waitFor();

  // ------------------------------------------------------------ finance: accepted, a rectification flagged, new figures
  await f.locator('[data-test="refresh"]').click();
  await reportsTable.locator(`[data-id="${reportId}"][data-status="submitted"]`).waitFor();
  await reportsTable.locator(`[data-open="${reportId}"]`).click();
  await detail.locator('[data-test="accept"]').click();
  await decision.locator('[data-test="decision-confirm"]').click();
  await f.locator(`[data-test="report-detail"][data-id="${reportId}"][data-status="accepted"]`).waitFor();
  await detail.locator("textarea#rect-requirement").fill(REQUIREMENT);
  await detail.locator("#rect-due").fill("2019-06-30");
  await detail.locator('[data-test="rect-submit"]').click();
  await detail.locator('[data-test="detail-rectifications"]', { hasText: REQUIREMENT }).waitFor();
  await f.keyboard.press("Escape");
  await reportsTable.locator(`[data-id="${reportId}"][data-status="accepted"]`).waitFor();
  await f.waitForFunction(() => document.querySelector('[data-test="coverage-units"]')?.textContent === "1 / 1");
  const deptRow = f.locator('[data-test="department-table"] tbody tr').first();
  assert.match(await deptRow.innerText(), /阿图什市民政局\s+101\s+1\s+1\s+1\s+1\s+0\s+0\s+86\.40\s+21\.60\s+25\.00%/);
  assert.equal(await text(f, '[data-test="coverage-money"]'), "86.40 / 86.40");
  assert.equal(await text(f, '[data-test="coverage-rate"]'), "100.00%");
  assert.match(await text(f, '[data-test="round-counts"]'), /已审核 1/);
  assert.match(await f.locator('[data-test="execution-chart"] [role="img"]').getAttribute("aria-label"), /时间进度 25\.00%；阿图什市民政局 25\.00%/);
  await f.locator('[data-test="execution-chart"] [data-rendered="true"]').waitFor();
  await settledAxe(f, "运行监控看板");
  await shot(f, "app-monitoring-board");

  // ------------------------------------------------------------ the department: accepted, the rectification, read-only
  await p.reload();
  await p.locator('#mon-report[data-status="accepted"]').waitFor();
  await p.locator('[data-test="accepted"]').waitFor();
  assert.match(await text(p, '[data-test="rectifications"]'), new RegExp(`待整改[\\s\\S]*已逾期[\\s\\S]*${REQUIREMENT}[\\s\\S]*整改期限 2019-06-30`));
  assert.ok(await p.locator(`textarea#measures-${k1}`).isDisabled());
  assert.equal(await p.locator("#submit").count(), 0);
  assert.match(await text(p, "#mon-result"), /红灯/);
  await settledAxe(p, "执行监控表（已审核）");
  await formShot(p, "app-monitoring-form-accepted");

  const state = await srv.api("GET", `/monitoring/reports/${reportId}`, srv.tokens.finance);
  assert.equal(state.body.status, "accepted");
  assert.equal(state.body.light, "red");
  for (const x of [fin, dept]) {
    assert.deepEqual(x.errors, []);
    assert.deepEqual(x.csp.list(), []);
    await x.context.close();
  }
});
