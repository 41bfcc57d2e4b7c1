// Browser test of the evaluation stage (绩效自评 → 备案 → 结果应用, FORMATS §4/§7,
// crates/server/EVALUATION-API.md) against the real server: department 101 has two approved
// project targets of 2019. It self-evaluates the first on the 自评表: the draft is prefilled
// from the approved target; as it types, the WASM rules give each row's rule and score, ask
// for deviation reasons at the fields (and refuse a qualitative score outside its tier), and
// give the total 98.19 and the grade 优 once nothing is missing (FORMATS §4's worked example);
// submitting too early gets the server's 422 at the same fields; the draft autosaves with
// If-Match. Finance returns it with an opinion on the 评价结果 page, the department sees the
// opinion, revises and resubmits, finance files it and re-evaluates one row (through the API),
// then closes the year: the second target, never self-evaluated, scores 0. The results page
// shows the grade distribution, the zero-score list and next year's recommended budgets; the
// department sees its filed self-evaluation read-only with finance's re-evaluation beside it.
// Needs target/debug/jixiao (or JIXIAO_BIN) and web/dist with the `score` export.
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
// A second approved project of the same department, never self-evaluated.
const HEATING = {
  ...FIXTURE,
  project: { ...FIXTURE.project, code: "P2019-002", name: "2019年孤儿冬季取暖补助" },
  funds: { annual_total: "50.00", mid_term_total: null, sources: [{ source: "本级财政", amount: "50.00" }] },
};
const OPINION = "请补充说明人均被装购置成本的测算依据";
const IMPROVEMENT = "按季度核对保障对象名册，及时调整被装采购数量";
const OVERRIDE_REASON = "抽样回访满意度为85%，按复评结果计分";

let dir, server, base, browser;
const tokens = {};

function token(db, ...args) {
  return execFileSync(BIN, ["token", "create", "--database", db, ...args], { cwd: ROOT, encoding: "utf8" }).trim();
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "jixiao-evaluation-e2e-"));
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

async function approvedTarget(doc, amount) {
  const created = await api("POST", "/targets", tokens.dept, doc);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;
  assert.equal((await api("POST", `/targets/${id}/submit`, tokens.dept)).status, 200);
  const approved = await api("POST", `/targets/${id}/review`, tokens.finance, { decision: "approve", grade: "excellent", criteria: {}, approved_amount: amount });
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  return id;
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
const waitText = (page, sel, re) =>
  page.waitForFunction(([s, src]) => new RegExp(src).test(document.querySelector(s)?.textContent ?? ""), [sel, re.source]);

test("a department self-evaluates and submits; finance returns, files, closes the year; the results page shows grades and zero scores", async () => {
  mkdirSync(SHOTS, { recursive: true });
  const targetId = await approvedTarget(FIXTURE, "86.40");
  const heatingId = await approvedTarget(HEATING, "50.00");

  // ------------------------------------------------------------ the department's 自评表
  const dept = await pageAs(tokens.dept);
  const p = dept.page;
  await p.goto(`${base}/evaluation.html`);
  await p.locator(`#target-table tr[data-target="${targetId}"][data-status="none"]`).waitFor();
  assert.equal(await p.locator("#year").inputValue(), "2019");
  assert.equal(await p.locator("#target-table tbody tr").count(), 2);
  await p.locator(`#target-table tr[data-target="${targetId}"] button.evaluate`).click();
  await p.locator('#eval-form[data-status="draft"]').waitFor();
  await waitText(p, "#message", /已创建自评表草稿/);
  const evalId = await p.locator("#eval-form").getAttribute("data-id");
  // Prefilled from the approved target: the rows, their target values and points, the budget.
  assert.match(await text(p, "#project-name"), /2019年孤儿被装购置费/);
  assert.equal(await p.locator("#rows tbody tr").count(), FIXTURE.indicators.length);
  assert.match(await text(p, '#rows tr[data-indicator="i1"]'), /产出指标[\s\S]*数量指标[\s\S]*保障孤儿人数[\s\S]*=360人[\s\S]*15/);
  assert.equal(await p.locator("#budget_full_year").inputValue(), "86.40");
  assert.equal(await text(p, "#budget_initial"), "86.40");
  assert.equal(await p.locator('#rows tr[data-indicator="i8"] select').count(), 1, "a qualitative row asks for a tier");

  const row = async (id) => p.locator(`#rows tr[data-indicator="${id}"]`).getAttribute("data-row");
  await p.fill("#executed", "84.96");
  const actuals = { i1: "358", i2: "1432", i3: "100", i4: "100", i5: "2019-10-25", i6: "0.2373", i7: "100", i10: "93.5" };
  for (const [id, v] of Object.entries(actuals)) await p.fill(`#actual-${await row(id)}`, v);
  const k8 = await row("i8");
  const k9 = await row("i9");
  await p.selectOption(`#tier-${k8}`, "achieved");
  await p.fill(`#qscore-${k8}`, "7"); // below 80% of 10 points: not the 达成 tier
  await p.selectOption(`#tier-${k9}`, "achieved");
  await p.fill(`#qscore-${k9}`, "4.5");
  const k1 = await row("i1");
  const k2 = await row("i2");

  // Live, from the WASM rules: each row's rule and score, the execution score, messages at the fields.
  await p.waitForFunction(() => document.getElementById("score-0")?.dataset.score === "14.92");
  assert.match(await text(p, "#score-0"), /14\.92 \/ 15[\s\S]*按完成比例/);
  assert.match(await text(p, "#score-4"), /5\.00 \/ 5[\s\S]*完成时限/);
  assert.match(await text(p, "#execution-score"), /98\.33%[\s\S]*10[\s\S]*9\.83/);
  await p.locator(`#reason-${k1}-msg li[data-code="EVAL_REASON_REQUIRED"]`).waitFor();
  await p.locator(`#reason-${k2}-msg li[data-code="EVAL_REASON_REQUIRED"]`).waitFor();
  await p.locator(`#qscore-${k8}-msg li[data-code="EVAL_SCORE_OUT_OF_TIER"]`).waitFor();
  assert.equal(await p.locator("#rows li.error").count(), 3);
  assert.equal(await p.locator("#total").getAttribute("data-total"), "", "no total while errors remain");
  assert.match(await text(p, "#eval-error-count"), /错误 3 个/);
  await p.screenshot({ path: join(SHOTS, "evaluation-form-errors.png"), fullPage: true });

  // Two fixed; submitting with the last one open is refused by the server (422), shown at the same field.
  await p.fill(`#qscore-${k8}`, "9");
  await p.fill(`#reason-${k1}`, "2名孤儿年内被依法收养，保障对象相应减少");
  await p.waitForFunction(() => document.querySelectorAll("#rows li.error").length === 1);
  await waitText(p, "#save-status", /已自动保存/);
  await p.click("#submit");
  await waitText(p, "#submit-status", /仍有 1 个错误，不能提交/);
  await p.locator(`#reason-${k2}-msg li[data-code="EVAL_REASON_REQUIRED"]`).waitFor();
  assert.equal(await p.locator("#eval-form").getAttribute("data-status"), "draft");

  // Complete: the total and grade of FORMATS §4's worked example; the report text; autosaved.
  await p.fill(`#reason-${k2}`, "随保障人数减少相应少配发8套");
  await p.fill("#report-basic", "项目于2019年1月启动，全年为358名孤儿配发四季被装");
  await p.fill("#report-achievement", "年度绩效目标基本完成");
  await p.fill("#report-deviation", "2名孤儿被收养，保障人数和被装套数略低于目标");
  await p.fill("#report-improvement", "加强保障对象动态管理");
  await p.waitForFunction(() => document.getElementById("total")?.dataset.total === "98.19");
  assert.equal(await text(p, "#grade"), "优");
  assert.match(await text(p, "#eval-result"), /总分：98\.19[\s\S]*优[\s\S]*错误 0 个/);
  assert.equal(await p.locator("#eval-form li.error").count(), 0);
  await waitText(p, "#save-status", /已自动保存/);
  const saved = await api("GET", `/evaluations/${evalId}`, tokens.dept);
  assert.equal(saved.body.document.report.basic, "项目于2019年1月启动，全年为358名孤儿配发四季被装");
  assert.equal(saved.body.total, "98.19");
  await p.screenshot({ path: join(SHOTS, "evaluation-form.png"), fullPage: true });
  await p.click("#submit");
  await p.locator('#eval-form[data-status="submitted"]').waitFor();
  assert.ok(await p.locator("#executed").isDisabled());
  await p.locator(`#target-table tr[data-target="${targetId}"][data-status="submitted"]`).waitFor();

  // ------------------------------------------------------------ finance: return with an opinion
  const fin = await pageAs(tokens.finance);
  const f = fin.page;
  await f.goto(`${base}/results.html?year=2019`);
  await f.locator(`#submitted-table tr[data-id="${evalId}"]`).waitFor();
  assert.equal(await f.locator("#closed-badge").getAttribute("data-closed"), "false");
  assert.match(await text(f, "#tile-evaluated"), /0\s*\/ 2/);
  assert.match(await text(f, `#submitted-table tr[data-id="${evalId}"]`), /2019年孤儿被装购置费[\s\S]*阿图什市民政局[\s\S]*98\.19[\s\S]*优/);
  await f.locator(`#submitted-table tr[data-id="${evalId}"] button.open`).click();
  await f.locator(`#eval-detail[data-id="${evalId}"][data-status="submitted"] #decision`).waitFor();
  assert.equal(await f.locator("#detail-total").getAttribute("data-total"), "98.19");
  assert.match(await text(f, '#detail-rows tr[data-indicator="i1"]'), /358[\s\S]*14\.92/);
  await f.fill("#decision-opinion", OPINION);
  await f.click("#return");
  await f.locator('#eval-detail[data-status="returned"]').waitFor();
  await waitText(f, "#message", /^已退回$/);
  await f.locator("#review-none").waitFor();

  // The department sees the opinion, revises and resubmits.
  await p.goto(`${base}/evaluation.html?evaluation=${evalId}`);
  await p.locator('#eval-form[data-status="returned"]').waitFor();
  assert.match(await text(p, "#opinion"), new RegExp(OPINION));
  await p.locator("#returned-notice").waitFor();
  await p.fill("#report-improvement", IMPROVEMENT);
  await waitText(p, "#save-status", /已自动保存/);
  await p.click("#submit");
  await p.locator('#eval-form[data-status="submitted"]').waitFor();

  // ------------------------------------------------------------ finance: file, re-evaluate, close the year
  await f.click("#refresh");
  await f.locator(`#submitted-table tr[data-id="${evalId}"] button.open`).click();
  await f.locator(`#eval-detail[data-id="${evalId}"][data-status="submitted"] #decision`).waitFor();
  await f.click("#file");
  await f.locator('#eval-detail[data-status="filed"]').waitFor();
  await waitText(f, "#message", /^已备案$/);
  assert.match(await text(f, "#tile-evaluated"), /1\s*\/ 2/);

  // 复评 (through the API): one row judged by finance, with its reason.
  const filed = await api("GET", `/evaluations/${evalId}`, tokens.finance);
  const reDoc = structuredClone(filed.body.document);
  reDoc.results.find((r) => r.indicator_id === "i10").override = { score: "8", reason: OVERRIDE_REASON };
  const re = await api("POST", `/evaluations/${evalId}/re-evaluations`, tokens.finance, { evaluation: reDoc, reason: "财政局抽样复核" });
  assert.equal(re.status, 201, JSON.stringify(re.body));
  assert.equal(re.body.final_total, "96.19");

  // 关闭年度自评: confirmed first; the second target, never self-evaluated, scores 0.
  await f.click("#refresh");
  await f.locator("#close-year:not([disabled])").waitFor();
  let asked = "";
  f.once("dialog", (d) => {
    asked = d.message();
    void d.accept();
  });
  await f.click("#close-year");
  await waitText(f, "#message", /已关闭 2019 年度自评：1 个项目未按要求开展绩效自评，计 0 分/);
  assert.match(asked, /确定关闭 2019 年度自评吗/);
  await f.locator('#closed-badge[data-closed="true"]').waitFor();
  assert.ok(await f.locator("#close-year").isDisabled());

  // The results: evaluated 2 of 2, the grade distribution, the zero-score list, the recommendations.
  assert.match(await text(f, "#tile-evaluated"), /2\s*\/ 2/);
  const bar = (g) => f.locator(`#grade-chart g[data-grade="${g}"]`).getAttribute("data-count");
  assert.deepEqual([await bar("excellent"), await bar("good"), await bar("fair"), await bar("poor")], ["1", "0", "0", "1"]);
  assert.match(await f.locator("#grade-chart-desc").textContent(), /优 1，良 0，中 0，差 1/);
  const zero = f.locator(`#zero-table tr[data-target="${heatingId}"]`);
  assert.match(await zero.innerText(), /2019年孤儿冬季取暖补助[\s\S]*阿图什市民政局[\s\S]*未按要求开展绩效自评/);
  assert.equal(await f.locator("#zero-table tbody tr").count(), 1);
  const recA = f.locator(`#rec-table tr[data-target="${targetId}"]`);
  assert.equal(await recA.locator('td[data-col="annual"]').innerText(), "86.40");
  assert.equal(await recA.locator('td[data-col="score"]').innerText(), "96.19", "the re-evaluation is the final score");
  assert.equal(await recA.locator('td[data-col="re"]').innerText(), "是");
  assert.equal(await recA.locator('td[data-col="recommended"]').innerText(), "86.40");
  const recB = f.locator(`#rec-table tr[data-target="${heatingId}"]`);
  assert.match(await recB.innerText(), /差/);
  assert.equal(await recB.locator('td[data-col="adjustment"]').innerText(), "-100%");
  assert.match(await recB.locator('td[data-col="recommended"]').innerText(), /^0(\.00)?$/);
  assert.equal(await text(f, "#total-annual"), "136.40");
  assert.equal(await text(f, "#total-recommended"), "86.40");
  assert.equal(await text(f, "#total-change"), "-50.00");
  await f.screenshot({ path: join(SHOTS, "evaluation-results.png"), fullPage: true });
  // Printable: no button is shown on paper.
  await f.emulateMedia({ media: "print" });
  assert.equal(await f.evaluate(() => [...document.querySelectorAll("button")].filter((b) => getComputedStyle(b).display !== "none").length), 0);
  await f.emulateMedia({ media: "screen" });

  // ------------------------------------------------------------ the department: filed, read-only, re-evaluated
  await p.goto(`${base}/evaluation.html?evaluation=${evalId}`);
  await p.locator('#eval-form[data-status="filed"]').waitFor();
  assert.equal(await p.locator("#final-score").getAttribute("data-total"), "96.19");
  assert.match(await text(p, "#final-score"), /最终得分：96\.19[\s\S]*优/);
  assert.ok(await p.locator("#report-improvement").isDisabled());
  assert.equal(await p.locator("#submit").count(), 0);
  const side = p.locator('#re-evaluations tr[data-row="i10"]');
  assert.equal(await side.locator('td[data-col="dept"]').innerText(), "10.00");
  assert.match(await side.locator('td[data-col="finance"]').innerText(), /^8[\s\S]*公式得分 10\.00/);
  assert.equal(await side.locator('td[data-col="why"]').innerText(), OVERRIDE_REASON);
  assert.match(await text(p, '#re-evaluations tr[data-row="total"]'), /98\.19[\s\S]*96\.19/);
  await p.locator(`#target-table tr[data-target="${heatingId}"][data-status="zero_scored"]`).waitFor();
  await p.screenshot({ path: join(SHOTS, "evaluation-form-filed.png"), fullPage: true });

  const state = await api("GET", `/evaluation-years/2019/summary`, tokens.finance);
  assert.equal(state.body.closed, true);
  assert.equal(state.body.evaluated, 2);
  for (const x of [fin, dept]) {
    assert.deepEqual(x.errors, []);
    await x.context.close();
  }
});
