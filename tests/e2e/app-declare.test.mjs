// Browser test of the target form inside the app (#/declare, #/declare/:id; issues 10 and
// 13): a department user signs in, declares a new target (the department from the session,
// one indicator row filled with Tab and typing only), 提交审核 is refused with the server's
// 422 at the fields, then submitted; finance returns it with an opinion (API); the
// department opens it from 我的绩效目标, sees the opinion and the changes since the return
// beside the fields (live), edits it — no JSON anywhere on the page — and resubmits; the
// approved target opens read-only and 申请调整 starts an adjustment in the same form; a
// stale ETag (412) offers a reload; unsaved changes survive a reload of the page.
// axe-core (no serious/critical), no CSP violation, zh-CN screenshots app-declare-*.png.
// Needs target/debug/jixiao and web/dist.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { DECLARE_ACCOUNTS, axe, fixture, shot as fullShot, signIn, startServer, watchCsp } from "./harness.mjs";
import { fieldValue, isReadOnly } from "./fields.mjs";

const FIXTURE = fixture();
const OPINION = "人均被装购置成本测算依据不足，请补充测算说明后重新报送。";
const FEASIBILITY = "成本指标缺少测算依据";
let srv;
const ids = {};

before(async () => {
  srv = await startServer({ prefix: "jixiao-app-declare-", ...DECLARE_ACCOUNTS });
  // The department's first target (through the API) names the department for the server.
  const seed = await srv.api("POST", "/targets", srv.tokens.dept, { ...FIXTURE, project: { ...FIXTURE.project, code: "P2019-000", name: "2019年孤儿生活补助" } });
  assert.equal(seed.status, 201, JSON.stringify(seed.body));
});

after(async () => {
  await srv?.stop();
});

const at = (p) => `.jx-form [data-pointer="${p}"]`;
/** A field's value (tests/e2e/fields.mjs). */
const valueAt = (page, p) => fieldValue(page.locator(at(p)));
/** Chooses an option in a choice cell of the indicator table: focused, it is the select. */
const choose = async (page, p, v) => {
  await page.focus(at(p));
  await page.selectOption(at(p), v);
};
/** The cell of a field (inside :has(), a selector is relative to the cell). */
const cell = (p) => `.jx-form td:has([data-pointer="${p}"])`;
const ready = ".jx-form[data-ready=true]";

/** A signed-in department page at 1366 px, its API calls and page errors recorded. */
async function open() {
  const context = await srv.browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "zh-CN" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  const csp = await watchCsp(page);
  const calls = [];
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith("/api/v1/targets")) calls.push({ method: r.method(), path: u.pathname.slice(7), ifMatch: r.headers()["if-match"], csrf: r.headers()["x-csrf-token"] });
  });
  await signIn(page, srv.base, "minzheng");
  return { context, page, errors, csp, calls };
}

/** Nothing on the page reads as JSON: no braces or quoted keys, no JSON Pointer, no text box of JSON. */
async function noJson(page) {
  const text = await page.locator("body").innerText();
  assert.doesNotMatch(text, /[{}]|"\w+"\s*:|\/indicators\/\d|\/funds\//, "no JSON or JSON Pointer on the page");
  const boxes = await page.locator("textarea").evaluateAll((ts) => ts.map((t) => t.value.trim()).filter((v) => v.startsWith("{") || v.startsWith("[")));
  assert.deepEqual(boxes, []);
}

/** A full-page screenshot with every indicator row painted (rows off screen are skipped by
 * content-visibility, which a full-page capture does not scroll through). */
async function shot(page, name) {
  await page.evaluate(() => document.querySelectorAll(".jx-form tr.row").forEach((r) => (r.style.contentVisibility = "visible")));
  await fullShot(page, name);
  await page.evaluate(() => document.querySelectorAll(".jx-form tr.row").forEach((r) => (r.style.contentVisibility = "")));
}

const statusText = (page) => page.locator("#submit-status").innerText();

const INDICATORS = [
  ["output/quantity", "保障孤儿人数", "eq", "360", "人", "15"],
  ["output/quantity", "配发四季被装套数", "ge", "1440", "套", "15"],
  ["output/quality", "被装质量抽检合格率", "ge", "100", "%", "10"],
  ["output/timeliness", "冬装发放完成时间", "le", "2019-10-31", "", "10"],
  ["output/cost", "人均被装购置成本", "le", "0.24", "万元/人", "10"],
  ["benefit/social", "孤儿基本生活条件改善情况", "qualitative", "明显改善", "", "20"],
];

test("a department declares a new target in #/declare: the department from the session, 422 at the fields, then submitted", async () => {
  const { context, page, errors, csp, calls } = await open();
  await page.locator("#side-menu a:has-text('绩效目标申报')").click();
  await page.waitForURL(/#\/declare$/);
  await page.locator(ready).waitFor();
  assert.equal(await page.locator("h1").innerText(), "新建绩效目标申报");

  // The department comes from the session and is not typed; no developer tools here.
  assert.equal(await page.inputValue(at("/department/code")), "101");
  assert.equal(await page.inputValue(at("/department/name")), "阿图什市民政局");
  assert.equal(await page.locator(at("/department/code")).evaluate((el) => el.readOnly), true);
  assert.equal(await page.locator(at("/department/name")).evaluate((el) => el.readOnly), true);
  for (const dev of ["#import-btn", "#export", "#lang", "#token"]) assert.equal(await page.locator(dev).count(), 0, dev);
  // A blank form shows guidance, not errors.
  await page.locator("#guide").waitFor();
  await axe(page, "新建申报（空白）");
  await shot(page, "app-declare-new");

  await page.fill(at("/fiscal_year"), "2019");
  await page.fill(at("/region"), "653001");
  await page.fill(at("/unit/code"), "101001");
  await page.fill(at("/unit/name"), "阿图什市儿童福利院");
  await page.fill(at("/project/name"), "2019年孤儿被装购置费");
  await page.fill(at("/project/code"), "P2019-001");
  await page.selectOption(at("/project/attribute"), "continuing");
  await page.fill(at("/project/start"), "2019-01-01");
  await page.fill(at("/project/end"), "2019-12-31");
  await page.fill(at("/funds/annual_total"), "86.40");
  await page.click('.jx-form [data-action="add-source"]');
  await page.keyboard.type("本级财政");
  await page.fill(at("/funds/sources/0/amount"), "86.40");
  await page.fill(at("/goals/annual"), "为全市360名孤儿配发四季被装，保障覆盖率100%。");
  for (const [i, [group, name, op, value, unit, points]] of INDICATORS.entries()) {
    await page.click(`.jx-form [data-add="${group}"]`);
    await page.locator(at(`/indicators/${i}/name`)).waitFor();
    await page.keyboard.type(name);
    await choose(page, `/indicators/${i}/operator`, op);
    await page.fill(at(`/indicators/${i}/value`), value);
    if (unit) await page.fill(at(`/indicators/${i}/unit`), unit);
    await page.fill(at(`/indicators/${i}/points`), points);
  }

  // Keyboard only: the 满意度 row is added with Enter and filled with Tab and typing.
  const n = INDICATORS.length;
  await page.locator('.jx-form [data-add="satisfaction/beneficiary"]').focus();
  await page.keyboard.press("Enter");
  await page.locator(at(`/indicators/${n}/name`)).waitFor();
  const focused = () => page.evaluate(() => document.activeElement?.dataset.pointer);
  assert.equal(await focused(), `/indicators/${n}/name`);
  await page.keyboard.type("受助对象满意度");
  await page.keyboard.press("Tab");
  assert.equal(await focused(), `/indicators/${n}/operator`); // ≥ is the default
  await page.keyboard.press("Tab");
  assert.equal(await focused(), `/indicators/${n}/value`);
  await page.keyboard.type("90");
  await page.keyboard.press("Tab");
  assert.equal(await focused(), `/indicators/${n}/unit`);
  await page.keyboard.type("%");
  await page.keyboard.press("Tab");
  assert.equal(await focused(), `/indicators/${n}/points`);
  await page.keyboard.type("10");
  await page.keyboard.press("Tab");
  assert.equal(await focused(), `/indicators/${n}/explanation`);
  await page.keyboard.type("问卷调查");
  await page.keyboard.press("Tab");
  for (const [p, v] of [["name", "受助对象满意度"], ["operator", "ge"], ["value", "90"], ["unit", "%"], ["points", "10"], ["explanation", "问卷调查"]]) {
    assert.equal(await valueAt(page, `/indicators/${n}/${p}`), v, p);
  }
  for (const m of ["level1", "level2", "level3", "share"]) {
    assert.equal(await page.locator(`[data-meter="${m}"]`).getAttribute("data-state"), "ok", `meter ${m}`);
  }
  assert.equal(await page.locator("#summary-list li").count(), 0, await page.locator("#summary-list").innerText());

  // An error the server refuses: 提交审核 creates the draft (the route follows it) and shows the 422 at the field.
  await page.fill(at("/indicators/0/unit"), "");
  const refused = page.waitForResponse((r) => r.url().includes("/submit") && r.request().method() === "POST");
  await page.click("#submit");
  assert.equal((await refused).status(), 422);
  await page.waitForFunction(() => /服务器拒绝提交（422）/.test(document.getElementById("submit-status")?.textContent ?? ""));
  await page.waitForURL(/#\/declare\/[0-9a-f-]{36}$/);
  ids.target = page.url().match(/#\/declare\/([0-9a-f-]{36})$/)[1];
  assert.deepEqual(calls.map((c) => `${c.method} ${c.path.replace(ids.target, "{id}")}`), ["POST /targets", "POST /targets/{id}/submit"]);
  assert.ok(calls.every((c) => c.csrf), "writes carry the session's CSRF token");
  const unitMsg = page.locator(`${cell("/indicators/0/unit")} li[data-code="IND_UNIT_REQUIRED"]`);
  await unitMsg.waitFor();
  assert.equal(await page.locator(at("/indicators/0/unit")).getAttribute("aria-invalid"), "true");
  assert.equal(await page.locator('[data-test="status"]').innerText(), "草稿");
  await axe(page, "提交被拒（422）");
  await shot(page, "app-declare-refused");

  // Fixed and submitted: PUT with If-Match, then submit; the form turns read-only.
  await page.fill(at("/indicators/0/unit"), "人");
  await unitMsg.waitFor({ state: "detached" });
  calls.length = 0;
  await page.click("#submit");
  await page.waitForFunction(() => /已提交审核/.test(document.getElementById("submit-status")?.textContent ?? ""));
  assert.deepEqual(calls.map((c) => `${c.method} ${c.path}`), [`PUT /targets/${ids.target}`, `POST /targets/${ids.target}/submit`]);
  assert.ok(calls[0].ifMatch && calls[1].ifMatch && calls[0].ifMatch !== calls[1].ifMatch);
  assert.equal(await page.locator(".jx-form").getAttribute("data-locked"), "true");
  assert.equal(await page.locator('[data-test="status"]').innerText(), "已提交");
  assert.equal(await isReadOnly(page.locator(at("/indicators/0/unit"))), true);
  assert.equal(await page.locator("#locked-note a").getAttribute("href"), `./#/mine/${ids.target}`);
  const stored = await srv.api("GET", `/targets/${ids.target}`, srv.tokens.dept);
  assert.equal(stored.body.status, "submitted");
  assert.equal(stored.body.document.department.code, "101");
  assert.equal(stored.body.document.indicators[n].explanation, "问卷调查");
  await noJson(page);

  assert.deepEqual(csp.list(), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a returned target: the opinion and the changes since the return beside the fields, edited without JSON, resubmitted", async () => {
  assert.ok(ids.target, "the first test declared the target");
  const ret = await srv.api("POST", `/targets/${ids.target}/review`, srv.tokens.finance, { decision: "return", grade: "fair", opinion: OPINION, criteria: { feasibility: FEASIBILITY } });
  assert.equal(ret.status, 200, JSON.stringify(ret.body));

  const { context, page, errors, csp, calls } = await open();
  // From 我的绩效目标: the 已退回 tab, the target, 修改内容.
  await page.locator("#side-menu a:has-text('我的绩效目标')").click();
  await page.locator('[data-test="tab-returned"]').click();
  await page.waitForURL(/status=returned/);
  await page.waitForFunction(() => document.querySelectorAll('[data-test="table"] .el-table__body-wrapper tbody tr').length === 1);
  await page.locator('[data-test="table"] .row-action').first().click();
  await page.waitForURL(/#\/mine\/[0-9a-f-]{36}$/);
  await page.locator('[data-test="edit"]').click();
  await page.waitForURL(new RegExp(`#/declare/${ids.target}$`));
  await page.locator(ready).waitFor();

  // The opinion beside the fields, and nothing changed yet.
  const note = page.locator("#review-note");
  await note.waitFor();
  assert.match(await note.innerText(), new RegExp(`财政局退回意见[\\s\\S]*评级：中[\\s\\S]*${OPINION}[\\s\\S]*可行性：${FEASIBILITY}`));
  assert.match(await page.locator("#changes").innerText(), /自退回以来的修改[\s\S]*尚未修改/);
  assert.equal(await page.locator("#submit").innerText(), "重新提交审核");
  assert.equal(await page.locator('[data-test="status"]').innerText(), "已退回");
  assert.equal(await page.locator(".jx-form").getAttribute("data-locked"), "false");

  // Edit as asked: the changes appear live, at the fields and in the list.
  const cost = INDICATORS.findIndex(([g]) => g === "output/cost");
  await page.fill(at(`/indicators/${cost}/value`), "0.23");
  await page.fill(at(`/indicators/${cost}/explanation`), "按2018年同类采购均价测算");
  await page.locator('#changes-count[data-count="2"]').waitFor();
  assert.match(await page.locator("#changes-count").innerText(), /共修改 2 处/);
  const items = await page.locator("#changes-list li").allInnerTexts();
  assert.deepEqual(items, [`指标 ${cost + 1} 指标解释 新增 “按2018年同类采购均价测算”`, `指标 ${cost + 1} 指标值 由 “0.24” 改为 “0.23”`]);
  assert.equal(await page.locator(`${cell(`/indicators/${cost}/value`)} .was`).innerText(), "退回时：“0.24”");
  assert.equal(await page.locator(`${cell(`/indicators/${cost}/explanation`)} .was`).innerText(), "退回时：（未填）");
  // The mark is read with the field.
  const described = await page.locator(at(`/indicators/${cost}/value`)).getAttribute("aria-describedby");
  const wasId = await page.locator(`${cell(`/indicators/${cost}/value`)} .was`).getAttribute("id");
  assert.ok(described.split(" ").includes(wasId));
  // A change undone is no longer listed.
  await page.fill(at(`/indicators/${cost}/value`), "0.24");
  await page.locator('#changes-count[data-count="1"]').waitFor();
  await page.fill(at(`/indicators/${cost}/value`), "0.23");
  await page.locator('#changes-count[data-count="2"]').waitFor();
  await noJson(page);
  await axe(page, "退回修改");
  await shot(page, "app-declare-returned");

  // Resubmitted: saved (PUT with If-Match), then submitted.
  calls.length = 0;
  await page.click("#submit");
  await page.waitForFunction(() => /已提交审核/.test(document.getElementById("submit-status")?.textContent ?? ""));
  assert.deepEqual(calls.filter((c) => c.method !== "GET").map((c) => `${c.method} ${c.path}`), [`PUT /targets/${ids.target}`, `POST /targets/${ids.target}/submit`]);
  assert.equal(await page.locator('[data-test="status"]').innerText(), "已提交");
  assert.ok(await page.locator("#review-note").isHidden(), "the return opinion goes once it is resubmitted");

  // Finance sees exactly those changes.
  const dossier = await srv.api("GET", `/targets/${ids.target}/dossier`, srv.tokens.finance);
  assert.equal(dossier.body.target.status, "submitted");
  assert.deepEqual(dossier.body.changes.changes.map((c) => c.path), [`/indicators/${cost}/explanation`, `/indicators/${cost}/value`]);

  assert.deepEqual(csp.list(), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("an approved target opens read-only; 申请调整 starts an adjustment in the same form; a stale ETag offers a reload; unsaved changes survive a reload", async () => {
  assert.ok(ids.target);
  const ok = await srv.api("POST", `/targets/${ids.target}/review`, srv.tokens.finance, { decision: "approve", grade: "good", approved_amount: "86.40", opinion: "同意" });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));

  const { context, page, errors, csp, calls } = await open();
  // From its page in 我的绩效目标.
  await page.goto(`${srv.base}/#/mine/${ids.target}`);
  await page.locator('[data-test="view-form"]').click();
  await page.waitForURL(new RegExp(`#/declare/${ids.target}$`));
  await page.locator(ready).waitFor();
  assert.equal(await page.locator('[data-test="status"]').innerText(), "已批复");
  assert.equal(await page.locator(".jx-form").getAttribute("data-locked"), "true");
  assert.equal(await page.locator(at("/project/name")).evaluate((el) => el.readOnly), true);
  assert.ok(await page.locator(at("/project/attribute")).isDisabled());
  assert.ok(await page.locator('.jx-form button[data-action="remove"][data-row="0"]').isDisabled());
  assert.ok(await page.locator("#save").isHidden());
  assert.ok(await page.locator("#submit").isHidden());
  assert.match(await page.locator("#locked-note").innerText(), /已批复，表格为只读/);
  await noJson(page);
  await axe(page, "已批复（只读）");
  await shot(page, "app-declare-approved");

  // 申请调整: asked first (取消 changes nothing), then a new version, editable here.
  await page.click("#adjust");
  await page.locator("#ask").waitFor();
  assert.match(await page.locator("#ask-text").innerText(), /第 2 版[\s\S]*第 1 版继续有效/);
  await page.click("#ask-cancel");
  assert.equal((await srv.api("GET", `/targets/${ids.target}/dossier`, srv.tokens.dept)).body.target.status, "approved");
  calls.length = 0;
  await page.click("#adjust");
  await page.click("#ask-ok");
  await page.waitForFunction(() => /已创建调整版本（第 2 版）/.test(document.getElementById("submit-status")?.textContent ?? ""));
  assert.equal(calls.find((c) => c.method === "POST")?.path, `/targets/${ids.target}/adjust`);
  assert.ok(calls.find((c) => c.method === "POST")?.ifMatch, "the adjustment sends If-Match");
  assert.equal(await page.locator(".jx-form").getAttribute("data-locked"), "false");
  assert.equal(await page.locator('[data-test="status"]').innerText(), "草稿");
  await page.locator('[data-test="adjustment"]').waitFor();
  assert.match(await page.locator("#review-note").innerText(), /调整版本（第 2 版）[\s\S]*第 1 版继续有效/);
  assert.ok(await page.locator("#adjust").isHidden());
  const adjusted = await srv.api("GET", `/targets/${ids.target}/dossier`, srv.tokens.dept);
  assert.deepEqual([adjusted.body.target.status, adjusted.body.target.revision, adjusted.body.target.adjustment, adjusted.body.target.in_force_revision], ["draft", 2, true, 1]);

  // The adjustment is edited and saved with If-Match.
  await page.fill(at("/funds/annual_total"), "90.00");
  await page.fill(at("/funds/sources/0/amount"), "90.00");
  calls.length = 0;
  await page.click("#save");
  await page.waitForFunction(() => /已保存到服务器/.test(document.getElementById("submit-status")?.textContent ?? ""));
  assert.deepEqual(calls.map((c) => `${c.method} ${c.path}`), [`PUT /targets/${ids.target}`]);
  assert.equal(calls[0].ifMatch, adjusted.body.target.etag);
  await noJson(page);
  await axe(page, "调整");
  await shot(page, "app-declare-adjustment");

  // Someone else saves it meanwhile: the next save is refused (412) and offers a reload.
  const current = await srv.api("GET", `/targets/${ids.target}`, srv.tokens.dept);
  const theirs = { ...current.body.document, goals: { ...current.body.document.goals, annual: "（他人修改）为全市360名孤儿配发四季被装。" } };
  assert.equal((await srv.api("PUT", `/targets/${ids.target}`, srv.tokens.dept, theirs, { "If-Match": current.headers.get("etag") })).status, 200);
  await page.fill(at("/project/name"), "2019年孤儿被装购置费（调整）");
  await page.click("#save");
  await page.waitForFunction(() => /已被他人修改/.test(document.getElementById("submit-status")?.textContent ?? ""));
  await page.click("#reload");
  await page.click("#ask-ok"); // drop the changes the server does not have
  await page.waitForFunction(() => /已重新加载/.test(document.getElementById("submit-status")?.textContent ?? ""));
  assert.match(await page.inputValue(at("/goals/annual")), /他人修改/);
  assert.equal(await page.inputValue(at("/project/name")), "2019年孤儿被装购置费");

  // A change not yet saved survives a reload of the page (kept on this device, offered back).
  await page.fill(at("/project/name"), "2019年孤儿被装购置费（调整后）");
  // Leaving asks first (the browser's beforeunload prompt): the user leaves anyway.
  let asked = 0;
  page.on("dialog", (d) => {
    asked += d.type() === "beforeunload" ? 1 : 0;
    void d.accept();
  });
  await page.reload();
  await page.locator(ready).waitFor();
  assert.equal(await page.inputValue(at("/project/name")), "2019年孤儿被装购置费（调整后）");
  assert.match(await statusText(page), /已恢复上次未保存到服务器的修改/);
  assert.equal(asked, 1, "leaving with unsaved changes asked first");
  await page.click("#save");
  await page.waitForFunction(() => /已保存到服务器/.test(document.getElementById("submit-status")?.textContent ?? ""));
  assert.equal((await srv.api("GET", `/targets/${ids.target}`, srv.tokens.dept)).body.document.project.name, "2019年孤儿被装购置费（调整后）");

  assert.deepEqual(csp.list(), []);
  assert.deepEqual(errors, []);
  await context.close();
});
