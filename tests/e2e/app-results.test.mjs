// Browser test of the app's 评价结果 (#/results, web/src/app/views/results/): a year seeded
// through the API (crates/server/EVALUATION-API.md) — three approved 2019 project targets of
// two departments; 101's first project self-evaluated and submitted (98.19, 优: FORMATS §4's
// worked example), 102's filed and re-evaluated by finance (96.19), 101's second never
// self-evaluated. Finance signs in, opens 评价结果 from the menu and picks 2019 (kept in the
// URL); returns the submitted self-evaluation (the opinion is required), files it after the
// department resubmits, assigns it to a third-party assessor and re-evaluates one row in the
// shared 复评 form (scored live by the WASM module); sets a deadline that has not passed
// (closing is refused with the server's reason), then one that has, and closes the year
// (confirmed first): the never-evaluated project scores 0. The page's figures are checked
// against what the seed makes them: evaluated / approved, the grade distribution (ECharts
// canvas drawn, its text alternative and table), the coverage, the zero-score list, next
// year's recommendations and totals, finance's own amount for one target, the filter kept in
// the URL across a reload, the 动态评估材料 today and as of 30 June, the printed page without
// buttons. axe-core (no serious or critical violation), no CSP violation, zh-CN screenshots
// app-results*.png. Needs target/debug/jixiao and web/dist.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { SELF_REPORT, asProject, axe, evaluationFixture, fixture, shot, signIn, startServer, watchCsp } from "./harness.mjs";

const FIXTURE = fixture();
const EVALUATION = evaluationFixture();
const HEATING = asProject(FIXTURE, "P2019-002", "2019年孤儿冬季取暖补助", "50.00");
const MEALS = {
  ...asProject(FIXTURE, "P2019-101", "2019年学生营养餐补助", "120.00"),
  department: { code: "102", name: "阿图什市教育局" },
  unit: { code: "102001", name: "阿图什市第一中学" },
};
const OPINION = "请补充说明人均被装购置成本的测算依据";
const ORG = "新疆信诚绩效评价事务所";
const OVERRIDE_REASON = "抽样回访满意度为85%，按复评结果计分";
const AMOUNT_REASON = "新方案另行申报，先安排过渡经费";

let srv;
const ids = {};

before(async () => {
  srv = await startServer({
    prefix: "jixiao-app-results-",
    tokens: {
      d101: ["--role", "department", "--department", "101", "--name", "民政局接口"],
      d102: ["--role", "department", "--department", "102", "--name", "教育局接口"],
      finance: ["--role", "finance", "--name", "财政局接口"],
    },
    users: { caizheng: { role: "finance", name: "绩效科王科长" } },
  });
  await seed();
});
after(async () => {
  await srv?.stop();
});

async function call(method, path, tok, body, headers) {
  const r = await srv.api(method, path, tok, body, headers);
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function approvedTarget(tok, doc) {
  const t = await call("POST", "/targets", tok, doc);
  await call("POST", `/targets/${t.id}/submit`, tok);
  await call("POST", `/targets/${t.id}/review`, srv.tokens.finance, { decision: "approve", grade: "excellent", criteria: {}, approved_amount: doc.funds.annual_total });
  return t.id;
}

/** The department's self-evaluation of a target, filled with FORMATS §4's worked example and submitted. */
async function submittedEvaluation(tok, targetId) {
  const draft = await call("POST", "/evaluations", tok, { target_id: targetId });
  const put = await call("PUT", `/evaluations/${draft.id}`, tok, { ...draft.document, ...structuredClone(EVALUATION), report: SELF_REPORT }, { "If-Match": draft.etag });
  assert.equal(put.total, "98.19");
  await call("POST", `/evaluations/${draft.id}/submit`, tok, undefined, { "If-Match": put.etag });
  return draft.id;
}

/** A re-evaluation with one override: 满意度 (i10) 8 instead of 10 → 96.19. */
function reEvaluated(doc) {
  const d = structuredClone(doc);
  d.results = d.results.map((r) => (r.indicator_id === "i10" ? { ...r, override: { score: "8", reason: OVERRIDE_REASON } } : r));
  return d;
}

async function seed() {
  ids.a = await approvedTarget(srv.tokens.d101, FIXTURE);
  ids.b = await approvedTarget(srv.tokens.d101, HEATING);
  ids.c = await approvedTarget(srv.tokens.d102, MEALS);
  ids.evalA = await submittedEvaluation(srv.tokens.d101, ids.a);
  ids.evalC = await submittedEvaluation(srv.tokens.d102, ids.c);
  const c = await call("GET", `/evaluations/${ids.evalC}`, srv.tokens.finance);
  await call("POST", `/evaluations/${ids.evalC}/decision`, srv.tokens.finance, { decision: "file" }, { "If-Match": c.etag });
  const re = await call("POST", `/evaluations/${ids.evalC}/re-evaluations`, srv.tokens.finance, { evaluation: reEvaluated(c.document), reason: "财政局抽样复核" });
  assert.equal(re.final_total, "96.19");
}

const text = (page, sel) => page.locator(sel).first().innerText();
const waitText = (page, sel, re) => page.waitForFunction(([s, src]) => new RegExp(src).test(document.querySelector(s)?.textContent ?? ""), [sel, re.source]);

/** After the dialogs' fade-in: half-transparent text is not what the user reads. */
async function settledAxe(page, label) {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"));
  await axe(page, label);
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

test("finance reads and acts on the year's evaluation results in the app", async () => {
  const context = await srv.browser.newContext({ viewport: { width: 1366, height: 1000 }, locale: "zh-CN" });
  const f = await context.newPage();
  const errors = [];
  f.on("pageerror", (e) => errors.push(e.message));
  // Vue reports a failed render on the console, not as a page error.
  f.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  const csp = await watchCsp(f);
  await signIn(f, srv.base, "caizheng");

  // The menu item is a route; the year is picked and kept in the URL.
  await f.locator("#side-menu a", { hasText: "评价结果" }).click();
  await f.waitForURL(/#\/results/);
  assert.equal(await f.title(), "评价结果 · 预算绩效管理系统");
  await f.locator('[data-test="year"]').click();
  await f.locator(".el-select-dropdown__item:visible", { hasText: /^\s*2019年\s*$/ }).click();
  await f.waitForURL(/year=2019/);
  await waitText(f, "#results-heading", /2019年度项目支出绩效评价结果/);

  // Before any decision: 102's filed and re-evaluated project is the only one evaluated.
  assert.equal(await f.locator("#closed-badge").getAttribute("data-closed"), "false");
  assert.match(await text(f, "#tile-evaluated"), /^1\s*\/ 3/);
  assert.match(await text(f, "#deadline-line"), /自评截止日期：未设置/);
  const subRow = f.locator("#submitted-table tbody tr", { has: f.locator(`[data-id="${ids.evalA}"]`) });
  assert.match(await subRow.innerText(), /2019年孤儿被装购置费[\s\S]*阿图什市民政局[\s\S]*98\.19[\s\S]*优/);
  assert.equal(await f.locator("#submitted-table tbody tr").count(), 1);
  assert.equal(await text(f, "#coverage-units"), "0 / 2");
  assert.equal(await text(f, "#coverage-money"), "0.00 / 256.40");
  assert.equal(await text(f, "#coverage-rate"), "0.00%");
  await f.locator('[data-test="grades-chart"] [data-rendered="true"]').waitFor();
  await settledAxe(f, "评价结果");

  // 退回: the opinion is required; then returned with it.
  await subRow.locator(`[data-open-eval="${ids.evalA}"]`).click();
  await f.waitForURL(new RegExp(`evaluation=${ids.evalA}`));
  const detail = f.locator(`#eval-detail[data-id="${ids.evalA}"]`);
  await detail.locator("#decision").waitFor();
  assert.equal(await detail.locator("#detail-total-line").getAttribute("data-total"), "98.19");
  assert.match(await detail.locator('#detail-rows tr[data-indicator="i1"]').innerText(), /358[\s\S]*14\.92/);
  await detail.locator('#evidence[data-editable="false"] #evidence-none').waitFor();
  await settledAxe(f, "自评表（待备案）");
  // The dialog whole: a viewport as tall as it (the overlay covers the viewport, not the page).
  const tall = await f.locator(".el-dialog", { has: detail }).evaluate((d) => Math.ceil(d.getBoundingClientRect().height + 120));
  await f.setViewportSize({ width: 1366, height: Math.max(1000, tall) });
  await shot(f, "app-results-evaluation");
  await f.setViewportSize({ width: 1366, height: 1000 });
  await detail.locator("#return").click();
  assert.equal(await text(f, "#decision-error"), "退回时请填写退回意见");
  await detail.locator("textarea#decision-opinion").fill(OPINION);
  await detail.locator("#return").click();
  await f.locator(`#eval-detail[data-id="${ids.evalA}"][data-status="returned"]`).waitFor();
  assert.match(await text(f, "#detail-opinion"), new RegExp(OPINION));
  await waitText(f, '[data-test="notice"]', /^已退回$/);
  await f.keyboard.press("Escape");
  await f.waitForURL((u) => !u.hash.includes("evaluation="));
  await f.locator("#review-none").waitFor();

  // The department resubmits (through the API); finance files it.
  const back = await call("GET", `/evaluations/${ids.evalA}`, srv.tokens.d101);
  const again = await call("PUT", `/evaluations/${ids.evalA}`, srv.tokens.d101, { ...back.document, report: { ...SELF_REPORT, improvement: "按季度核对保障对象名册" } }, { "If-Match": back.etag });
  await call("POST", `/evaluations/${ids.evalA}/submit`, srv.tokens.d101, undefined, { "If-Match": again.etag });
  await f.locator('[data-test="refresh"]').click();
  await f.locator(`[data-open-eval="${ids.evalA}"]`).click();
  await detail.locator("#decision").waitFor();
  await detail.locator("#file").click();
  await f.locator(`#eval-detail[data-id="${ids.evalA}"][data-status="filed"]`).waitFor();
  await waitText(f, '[data-test="notice"]', /^已备案$/);
  await waitText(f, "#tile-evaluated", /^2\s*\/ 3/);

  // 指派第三方复评, then the same one again: refused with the server's reason.
  await detail.locator("#assign-none").waitFor();
  await detail.locator("input#assign-org").fill(ORG);
  await detail.locator("#assign-submit").click();
  await detail.locator(`#assignment-list li[data-organisation="${ORG}"]`).waitFor();
  await waitText(f, "#assign-status", new RegExp(`已指派 ${ORG} 复评`));
  await detail.locator("input#assign-org").fill(ORG);
  await detail.locator("#assign-submit").click();
  await waitText(f, "#assign-status", /不能指派（服务器说明：/);

  // 复评 in the shared form: 满意度 8 with its reason → 96.19, scored live.
  await detail.locator("#re-evaluate").click();
  const reRow = detail.locator('#re-form tr[data-row="i10"]');
  await reRow.waitFor();
  await f.waitForFunction(() => document.getElementById("re-total")?.dataset.total === "98.19");
  await reRow.locator("td[data-col=override] input").fill("8");
  await reRow.locator("td[data-col=why] textarea").fill(OVERRIDE_REASON);
  await f.waitForFunction(() => document.getElementById("re-total")?.dataset.total === "96.19");
  assert.equal(await reRow.locator('td[data-col="formula"]').getAttribute("data-score"), "10.00");
  await detail.locator("textarea#re-reason").fill("财政局抽样复核");
  await detail.locator("#re-submit").click();
  await waitText(f, '[data-test="notice"]', /复评已记录：最终得分 96\.19/);
  await detail.locator('.re-evaluation[data-author-role="finance"]').waitFor();
  assert.equal(await detail.locator("#detail-total-line").getAttribute("data-final"), "96.19");
  await f.keyboard.press("Escape");
  await f.waitForURL((u) => !u.hash.includes("evaluation="));

  // 自评截止日期 not passed: closing is refused, with the server's reason.
  await f.locator("#deadline-input").fill("2099-12-31");
  await f.locator("#deadline-save").click();
  await waitText(f, "#deadline-status", /自评截止日期已设为 2099-12-31/);
  await f.locator('#deadline-line[data-deadline="2099-12-31"]').waitFor();
  await f.locator("#close-year").click();
  const confirm = f.locator(".el-dialog", { has: f.locator('[data-test="close-confirm"]') });
  assert.match(await confirm.innerText(), /确定关闭 2019 年度自评吗/);
  await confirm.locator('[data-test="close-confirm"]').click();
  await waitText(f, "#close-status", /不能关闭 2019 年度自评：自评截止日期 2099-12-31 尚未过去[\s\S]*服务器说明：/);
  assert.equal(await f.locator("#closed-badge").getAttribute("data-closed"), "false");
  // A deadline in the past: the year closes; the never-evaluated project scores 0.
  await f.locator("#deadline-input").fill("2020-01-15");
  await f.locator("#deadline-save").click();
  await f.locator('#deadline-line[data-deadline="2020-01-15"]').waitFor();
  await f.locator("#close-year").click();
  await confirm.locator('[data-test="close-confirm"]').click();
  await waitText(f, "#close-status", /已关闭 2019 年度自评：1 个项目未按要求开展绩效自评，计 0 分/);
  await f.locator('#closed-badge[data-closed="true"]').waitFor();
  assert.ok(await f.locator("#close-year").isDisabled());
  assert.ok(await f.locator("#deadline-input").isDisabled(), "a closed year's deadline no longer moves");

  // The figures: 3 of 3 evaluated, two 优 (96.19 each) and one 差 (0).
  assert.match(await text(f, "#tile-evaluated"), /^3\s*\/ 3/);
  assert.equal(await text(f, "#tile-spending .n"), "256.40");
  assert.equal(await text(f, "#tile-zero .n"), "1");
  assert.match(await text(f, "#tile-recommended"), /206\.40[\s\S]*较本年 -50\.00/);
  const count = (g) => f.locator(`#grade-table tr[data-grade="${g}"] td[data-col="count"]`).innerText();
  assert.deepEqual([await count("excellent"), await count("good"), await count("fair"), await count("poor")], ["2", "0", "0", "1"]);
  assert.equal(await f.locator('#grade-table tr[data-grade="excellent"] td[data-col="share"]').innerText(), "66.7%");
  const chart = '[data-test="grades-chart"]';
  await f.waitForFunction((s) => document.querySelector(`${s} [role="img"]`)?.getAttribute("aria-label")?.includes("优 2，良 0，中 0，差 1（共 3 个）"), chart);
  await f.locator(`${chart} [data-rendered="true"]`).waitFor();
  assert.ok((await drawnPixels(f, chart)) > 500, "the grade chart is drawn");
  const zero = f.locator("#zero-table tbody tr", { has: f.locator(`[data-target="${ids.b}"]`) });
  assert.match(await zero.innerText(), /2019年孤儿冬季取暖补助[\s\S]*阿图什市民政局[\s\S]*未按要求开展绩效自评/);
  assert.equal(await f.locator("#zero-table tbody tr").count(), 1);

  // 结果应用: per target, and the totals.
  const rec = (id) => f.locator("#rec-table .el-table__body-wrapper tbody tr", { has: f.locator(`[data-target="${id}"]`) });
  const cell = (id, col) => rec(id).locator(`[data-col="${col}"]`).innerText();
  assert.deepEqual([await cell(ids.a, "annual"), await cell(ids.a, "score"), await cell(ids.a, "re"), await cell(ids.a, "adjustment"), await cell(ids.a, "recommended")], ["86.40", "96.19", "是", "0%", "86.40"]);
  assert.deepEqual([await cell(ids.c, "annual"), await cell(ids.c, "score"), await cell(ids.c, "re"), await cell(ids.c, "recommended")], ["120.00", "96.19", "是", "120.00"]);
  assert.match(await rec(ids.b).innerText(), /差[\s\S]*零分/);
  assert.deepEqual([await cell(ids.b, "score"), await cell(ids.b, "adjustment"), await cell(ids.b, "recommended"), await cell(ids.b, "next")], ["0", "-100%", "0.00", "0.00"]);
  assert.equal(await text(f, "#total-annual"), "256.40");
  assert.equal(await text(f, "#total-recommended"), "206.40");
  assert.equal(await text(f, "#total-change"), "-50.00");
  assert.equal(await text(f, "#total-next"), "206.40");

  // Finance's own amount for the zero-scored project, with its reason (both kept).
  await rec(ids.b).locator(`[data-amount="${ids.b}"]`).click();
  const amount = f.locator(".el-dialog", { has: f.locator('[data-test="amount-save"]') });
  await amount.locator("input#amount-input").fill("20.00");
  await amount.locator('[data-test="amount-save"]').click();
  assert.equal(await amount.locator('[data-test="amount-error"]').innerText(), "请填写调整理由");
  await amount.locator("textarea#amount-reason").fill(AMOUNT_REASON);
  await amount.locator('[data-test="amount-save"]').click();
  await waitText(f, "#total-next", /^226\.40$/);
  assert.equal(await cell(ids.b, "next"), "20.00");
  assert.equal(await cell(ids.b, "recommended"), "0.00", "the recommendation is kept beside finance's amount");
  assert.match(await cell(ids.b, "decided"), new RegExp(AMOUNT_REASON));
  assert.equal(await text(f, "#total-recommended"), "206.40");

  // 动态评估材料: today (everything above) against the end of June 2019 (nothing yet).
  const fig = (k) => f.locator(`#progress-table td[data-key="${k}"]`).innerText();
  await f.locator("#progress-table").waitFor();
  assert.match(await text(f, "#progress-caption"), /2019年度[\s\S]*截至 \d{4}-\d{2}-\d{2} 24:00/);
  const now = {};
  for (const k of ["review.declared", "review.approved", "monitoring.project_spending", "evaluation.started", "evaluation.filed", "evaluation.zero_scored", "evaluation.re_evaluated", "evaluation.year_closed"]) now[k] = await fig(k);
  assert.deepEqual(now, {
    "review.declared": "3",
    "review.approved": "3",
    "monitoring.project_spending": "256.40",
    "evaluation.started": "3",
    "evaluation.filed": "2",
    "evaluation.zero_scored": "1",
    "evaluation.re_evaluated": "2",
    "evaluation.year_closed": "是",
  });
  await settledAxe(f, "评价结果（已关闭）");
  await shot(f, "app-results");
  await f.locator("#progress-june").click();
  await f.locator('#progress-table[data-as-of="2019-06-30"]').waitFor();
  await f.waitForURL(/as_of=2019-06-30/);
  assert.equal(await fig("review.declared"), "0");
  assert.equal(await fig("evaluation.filed"), "0");
  assert.equal(await fig("evaluation.year_closed"), "否");

  // The filter and the date stay in the URL: a reload shows the same.
  await f.locator('[data-test="rec-filter"]').click();
  await f.locator(".el-select-dropdown__item:visible", { hasText: /^\s*零分\s*$/ }).click();
  await f.waitForURL(/rec=zero/);
  await waitText(f, "#rec-shown", /显示 1 \/ 3 个项目/);
  await f.reload();
  await f.locator('#progress-table[data-as-of="2019-06-30"]').waitFor();
  await waitText(f, "#rec-shown", /显示 1 \/ 3 个项目/);
  assert.equal(await f.locator("#rec-table .el-table__body-wrapper tbody tr").count(), 1);
  await rec(ids.b).waitFor();

  // Printable: no button on paper; the figures and the material are.
  await f.emulateMedia({ media: "print" });
  assert.equal(await f.evaluate(() => [...document.querySelectorAll("button")].filter((b) => getComputedStyle(b).display !== "none" && b.offsetParent !== null).length), 0);
  assert.ok(await f.locator("#progress-table").isVisible());
  assert.ok(await f.locator("#rec-totals").isVisible());
  await f.emulateMedia({ media: "screen" });

  const state = await call("GET", "/evaluation-years/2019/summary", srv.tokens.finance);
  assert.equal(state.closed, true);
  assert.equal(state.evaluated, 3);
  assert.deepEqual(errors, []);
  assert.deepEqual(csp.list(), []);
  await context.close();
});
