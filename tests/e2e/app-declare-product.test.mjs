// Browser test of the department form as a product (issue 13), inside the app (#/declare):
// the 部门整体 form with its 年度主要任务 rows and their exact sum against 年度资金总额; the
// indicator name as a combobox over the common-indicator library (offline, WASM) and the
// department's own approved indicators of earlier years (server) — chosen with the keyboard
// and with the mouse, filling name/unit/operator/explanation, never the value; a row filled
// with the keyboard only, its 详情 (评分标准, 依据) included; the rules' hint under each
// message, the summary grouped by section, the meters in plain words; 从Excel导入 of a
// target's own xlsx (violations with their cells) and a refused file, 下载Excel; 打印预览
// and the print style (no buttons, the indicator header repeated, A4 landscape).
// axe-core (no serious/critical), no CSP violation, zh-CN screenshots app-declare-*.png.
// Needs target/debug/jixiao and web/dist.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DECLARE_ACCOUNTS, ROOT, axe, fixture, shot as fullShot, signIn, startServer, watchCsp } from "./harness.mjs";
import { fieldValue } from "./fields.mjs";

const FIXTURE = fixture();
const LIBRARY = JSON.parse(readFileSync(join(ROOT, "crates/rules/data/library/common-indicators.json"), "utf8"));
let srv;
const ids = {};

before(async () => {
  srv = await startServer({ prefix: "jixiao-app-declare-product-", ...DECLARE_ACCOUNTS });
  // An approved target of 2019: its indicators are the department's own suggestions later.
  const own = structuredClone(FIXTURE);
  own.indicators[0] = { ...own.indicators[0], explanation: "当年实际保障的孤儿人数", scoring_rule: "达到目标值得满分，每少1人扣0.5分", basis: "plan" };
  const seed = await srv.api("POST", "/targets", srv.tokens.dept, own);
  assert.equal(seed.status, 201, JSON.stringify(seed.body));
  assert.equal((await srv.api("POST", `/targets/${seed.body.id}/submit`, srv.tokens.dept)).status, 200);
  const ok = await srv.api("POST", `/targets/${seed.body.id}/review`, srv.tokens.finance, { decision: "approve", grade: "good", approved_amount: "86.40" });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  ids.approved = seed.body.id;
});

after(async () => {
  await srv?.stop();
});

const at = (p) => `.jx-form [data-pointer="${p}"]`;
/** A field's value (tests/e2e/fields.mjs). */
const valueAt = (page, p) => fieldValue(page.locator(at(p)));
/** The field or cell of a pointer (inside :has(), a selector is relative to it). */
const fieldOf = (p) => `.jx-form .field:has([data-pointer="${p}"])`;
const cellOf = (p) => `.jx-form td:has([data-pointer="${p}"])`;
const ready = ".jx-form[data-ready=true]";
const focused = (page) => page.evaluate(() => document.activeElement?.dataset.pointer ?? document.activeElement?.id ?? "");

async function open(path = "/declare") {
  const context = await srv.browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "zh-CN", acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  const csp = await watchCsp(page);
  const calls = [];
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith("/api/v1/")) calls.push({ method: r.method(), path: u.pathname.slice(7), query: u.search, csrf: r.headers()["x-csrf-token"], type: r.headers()["content-type"] });
  });
  await signIn(page, srv.base, "minzheng");
  await page.goto(`${srv.base}/#${path}`);
  await page.locator(ready).waitFor();
  return { context, page, errors, csp, calls };
}

/** A full-page screenshot with every indicator row painted (content-visibility skips rows off screen). */
async function shot(page, name) {
  await page.evaluate(() => document.querySelectorAll(".jx-form tr.row").forEach((r) => (r.style.contentVisibility = "visible")));
  await fullShot(page, name);
  await page.evaluate(() => document.querySelectorAll(".jx-form tr.row").forEach((r) => (r.style.contentVisibility = "")));
}

test("部门整体: 年度主要任务 rows added and removed, their exact sum against 年度资金总额, hints and sections in the summary", async () => {
  const { context, page, errors, csp } = await open();
  await page.selectOption(at("/kind"), "department");
  await page.locator("#tasks-section").waitFor();
  assert.equal(await page.locator(at("/project/name")).count(), 0, "no project fields for a department-wide target");
  assert.match(await page.locator("#task-sum").innerText(), /尚未填写任务/);

  await page.fill(at("/fiscal_year"), "2020");
  await page.fill(at("/funds/annual_total"), "0.30");
  // Rows as the funding sources: the new row's name gets the focus.
  await page.click('.jx-form [data-action="add-task"]');
  assert.equal(await focused(page), "/tasks/0/name");
  await page.keyboard.type("孤儿基本生活保障");
  await page.fill(at("/tasks/0/content"), "按月发放孤儿基本生活费");
  await page.fill(at("/tasks/0/amount"), "0.1");
  await page.click('.jx-form [data-action="add-task"]');
  assert.equal(await focused(page), "/tasks/1/name");
  await page.keyboard.type("被装购置");
  await page.fill(at("/tasks/1/amount"), "0.2");
  // 0.1 + 0.2 is 0.30 exactly (never 0.30000000000000004).
  await page.locator('#task-sum[data-state="ok"]').waitFor();
  assert.equal(await page.locator("#task-sum").innerText(), "合计 0.30 万元 / 年度资金总额 0.30 万元：一致。");
  await page.fill(at("/funds/annual_total"), "86.40");
  await page.locator('#task-sum[data-state="bad"]').waitFor();
  assert.equal(await page.locator("#task-sum").innerText(), "合计 0.30 万元 / 年度资金总额 86.40 万元：比年度资金总额少 86.10 万元。");
  await page.fill(at("/tasks/0/amount"), "60.00");
  await page.fill(at("/tasks/1/amount"), "26.40");
  await page.locator('#task-sum[data-state="ok"]').waitFor();
  await page.fill(at("/tasks/1/amount"), "26.4x");
  await page.locator('#task-sum[data-state="bad"]').waitFor();
  assert.match(await page.locator("#task-sum").innerText(), /第 2 项任务的金额格式不正确/);
  // The rules' message at the amount, with its hint under it.
  await page.locator(at("/tasks/1/amount")).blur();
  const amountMsg = page.locator(`${fieldOf("/tasks/1/amount")} li[data-code="AMOUNT_INVALID"]`);
  await amountMsg.waitFor();
  assert.ok((await amountMsg.locator(".fix").innerText()).length > 4, "a how-to-fix hint under the message");
  await page.fill(at("/tasks/1/amount"), "26.40");
  await amountMsg.waitFor({ state: "detached" });

  // A third task, removed again: the rows and their contents stay in step.
  await page.click('.jx-form [data-action="add-task"]');
  await page.keyboard.type("临时任务");
  await page.fill(at("/tasks/2/amount"), "1.00");
  await page.locator('#task-sum[data-state="bad"]').waitFor();
  await page.click('.jx-form [data-action="remove-task"][data-row="2"]');
  await page.locator(at("/tasks/2/name")).waitFor({ state: "detached" });
  assert.equal(await page.inputValue(at("/tasks/1/name")), "被装购置");
  await page.locator('#task-sum[data-state="ok"]').waitFor();
  assert.equal(await page.locator("#task-sum").innerText(), "合计 86.40 万元 / 年度资金总额 86.40 万元：一致。");

  // Everything shown: the summary is grouped by section, each message with its hint.
  await page.click("#show-all");
  const heads = await page.locator("#summary-list li.section-head").evaluateAll((els) => els.map((e) => e.dataset.section));
  assert.ok(heads.length >= 2, JSON.stringify(heads));
  const order = ["basic", "funds", "tasks", "goals", "indicators", "other"];
  assert.deepEqual([...heads].sort((a, b) => order.indexOf(a) - order.indexOf(b)), heads, "sections in the form's order");
  assert.ok(heads.includes("indicators") && heads.includes("goals"));
  const items = page.locator("#summary-list li.item");
  const withHint = await items.evaluateAll((els) => els.filter((e) => e.querySelector(".fix")?.textContent?.trim()).length);
  assert.equal(withHint, await items.count(), "every message in the summary has its hint");
  assert.match(await page.locator("#summary-list").innerText(), /绩效指标/);
  // The meters say the rule in plain words, with the profile's minima.
  const share = await page.locator('[data-meter="share"] .meter-explain').innerText();
  assert.match(share, /量化指标（有数值和计量单位的指标）须占全部三级指标的 70% 以上/);
  assert.match(await page.locator('[data-meter="level1"] .meter-explain').innerText(), /至少要有 3 类；当前有 0 类/);
  assert.match(await page.locator('[data-meter="level2"] .meter-explain').innerText(), /至少要有 5 类/);
  assert.match(await page.locator('[data-meter="level3"] .meter-explain').innerText(), /至少要有 7 条/);

  const body = await page.locator("body").innerText();
  assert.doesNotMatch(body, /[{}]|\/tasks\/\d|\/indicators\/\d/, "no JSON or pointer on the page");
  await axe(page, "部门整体支出申报");
  await shot(page, "app-declare-department");

  // Saved: the document has the tasks as typed.
  await page.fill(at("/goals/annual"), "保障全市孤儿基本生活。");
  await page.click("#save");
  await page.waitForFunction(() => /已保存到服务器/.test(document.getElementById("submit-status")?.textContent ?? ""));
  await page.waitForURL(/#\/declare\/[0-9a-f-]{36}$/);
  const id = page.url().match(/#\/declare\/([0-9a-f-]{36})$/)?.[1];
  const stored = (await srv.api("GET", `/targets/${id}`, srv.tokens.dept)).body.document;
  assert.equal(stored.kind, "department");
  assert.deepEqual(
    stored.tasks.map((t) => [t.name, t.content, t.amount]),
    [
      ["孤儿基本生活保障", "按月发放孤儿基本生活费", "60.00"],
      ["被装购置", "", "26.40"],
    ],
  );
  assert.equal(stored.project, undefined);

  assert.deepEqual(csp.list(), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("suggestions while typing a name: chosen with the keyboard (name, unit, operator, explanation; never the value), the department's own, a row filled with the keyboard only", async () => {
  const { context, page, errors, csp, calls } = await open();
  await page.fill(at("/fiscal_year"), "2020");
  // Keyboard only: the row is added with Enter, the focus is in its name.
  await page.locator('.jx-form [data-add="output/quantity"]').focus();
  await page.keyboard.press("Enter");
  await page.locator(at("/indicators/0/name")).waitFor();
  assert.equal(await focused(page), "/indicators/0/name");
  const name = page.locator(at("/indicators/0/name"));
  assert.equal(await name.getAttribute("role"), "combobox");
  assert.equal(await name.getAttribute("aria-expanded"), "false");
  assert.equal(await name.getAttribute("aria-controls"), "suggest-list");

  await page.keyboard.type("孤儿");
  const list = page.locator("#suggest-list");
  await list.locator('[role="option"]').first().waitFor();
  assert.equal(await list.getAttribute("role"), "listbox");
  assert.equal(await name.getAttribute("aria-expanded"), "true");
  // The library's first (offline, at once), then the department's own when the server answers.
  await list.locator('[role="option"].own').first().waitFor();
  const got = calls.find((c) => c.path === "/indicator-suggestions");
  assert.ok(got, "the server was asked");
  assert.match(got.query, /q=%E5%AD%A4%E5%84%BF/);
  assert.match(got.query, /level1=output/);
  assert.match(got.query, /fiscal_year=2020/);
  const kinds = await list.locator('[role="option"]').evaluateAll((els) => els.map((e) => (e.classList.contains("own") ? "own" : "library")));
  assert.ok(kinds.indexOf("own") > 0 && kinds.lastIndexOf("library") < kinds.indexOf("own"), `library first: ${kinds}`);
  await axe(page, "指标建议");
  await shot(page, "app-declare-suggest");

  // ArrowDown / ArrowUp move the active option (aria-activedescendant), Enter takes it.
  await page.keyboard.press("ArrowDown");
  assert.equal(await name.getAttribute("aria-activedescendant"), "suggest-0");
  assert.equal(await list.locator("#suggest-0").getAttribute("aria-selected"), "true");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowUp");
  assert.equal(await name.getAttribute("aria-activedescendant"), "suggest-0");
  const chosen = (await list.locator("#suggest-0 .sg-name").innerText()).trim();
  const entry = LIBRARY.indicators.find((e) => e.name === chosen);
  assert.ok(entry, `${chosen} is a library entry`);
  await page.keyboard.press("Enter");
  await list.waitFor({ state: "hidden" });
  assert.equal(await focused(page), "/indicators/0/value", "the focus goes to the value");
  assert.equal(await valueAt(page, "/indicators/0/name"), chosen);
  assert.equal(await valueAt(page, "/indicators/0/unit"), entry.unit ?? "");
  assert.equal(await valueAt(page, "/indicators/0/operator"), entry.operator ?? "qualitative");
  assert.equal(await valueAt(page, "/indicators/0/explanation"), entry.explanation);
  assert.equal(await valueAt(page, "/indicators/0/value"), "", "the value is left to the user");

  // The rest of the row with the keyboard only: value, unit, points, explanation, 详情 (评分标准, 依据).
  await page.keyboard.type("365");
  await page.keyboard.press("Tab");
  assert.equal(await focused(page), "/indicators/0/unit");
  await page.keyboard.press("Tab");
  assert.equal(await focused(page), "/indicators/0/points");
  await page.keyboard.type("10");
  await page.keyboard.press("Tab");
  assert.equal(await focused(page), "/indicators/0/explanation");
  await page.keyboard.press("Tab");
  const toggle = page.locator('.jx-form [data-action="detail"][data-row="0"]');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.action), "detail");
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");
  await page.keyboard.press("Enter");
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  assert.equal(await toggle.getAttribute("aria-controls"), "detail-0");
  assert.equal(await focused(page), "/indicators/0/scoring_rule");
  await page.keyboard.type("每少保障1人扣1分");
  await page.keyboard.press("Tab");
  assert.equal(await focused(page), "/indicators/0/basis");
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.inputValue(at("/indicators/0/basis")), "plan");
  assert.equal(await page.locator(`label[for="${await page.locator(at("/indicators/0/basis")).getAttribute("id")}"]`).innerText(), "指标 1 指标值确定依据");
  await axe(page, "指标详情（评分标准、依据）");
  await shot(page, "app-declare-detail");
  // Escape closes an open list without choosing; Tab leaves the name as usual.
  await page.locator('.jx-form [data-add="output/quality"]').click();
  await page.keyboard.type("合格");
  await list.locator('[role="option"]').first().waitFor();
  await page.keyboard.press("Escape");
  await list.waitFor({ state: "hidden" });
  assert.equal(await valueAt(page, "/indicators/1/name"), "合格");
  // The mouse: the department's own indicator, with its 评分标准 and 依据 (never its value).
  await page.fill(at("/indicators/1/name"), "");
  await page.locator('.jx-form [data-add="output/quantity"]').click();
  await page.keyboard.type("保障孤儿");
  await list.locator('[role="option"].own').first().waitFor();
  await list.locator('[role="option"].own').first().click();
  await list.waitFor({ state: "hidden" });
  assert.equal(await valueAt(page, "/indicators/1/name"), "保障孤儿人数");
  assert.equal(await valueAt(page, "/indicators/1/unit"), "人");
  assert.equal(await valueAt(page, "/indicators/1/operator"), "eq");
  assert.equal(await valueAt(page, "/indicators/1/value"), "");
  assert.equal(await focused(page), "/indicators/1/value");

  await page.click("#save");
  await page.waitForFunction(() => /已保存到服务器/.test(document.getElementById("submit-status")?.textContent ?? ""));
  await page.waitForURL(/#\/declare\/[0-9a-f-]{36}$/);
  const id = page.url().match(/#\/declare\/([0-9a-f-]{36})$/)?.[1];
  const doc = (await srv.api("GET", `/targets/${id}`, srv.tokens.dept)).body.document;
  const first = doc.indicators[0];
  assert.deepEqual(
    [first.name, first.unit, first.operator, first.explanation, first.value, first.points, first.scoring_rule, first.basis],
    [chosen, entry.unit, entry.operator, entry.explanation, "365", "10", "每少保障1人扣1分", "plan"],
  );
  const own = doc.indicators.find((x) => x.name === "保障孤儿人数");
  assert.deepEqual([own.scoring_rule, own.basis, own.explanation, own.value], ["达到目标值得满分，每少1人扣0.5分", "plan", "当年实际保障的孤儿人数", undefined]);
  assert.deepEqual(csp.list(), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("从Excel导入: a target's own xlsx read back with its violations and cells; a file that is not xlsx refused clearly; 下载Excel", async () => {
  // A target with two problems, through the API, and its xlsx.
  const broken = structuredClone(FIXTURE);
  broken.project = { ...broken.project, code: "P2019-009", name: "2019年孤儿冬装补充采购" };
  delete broken.indicators[0].unit;
  broken.goals = { annual: "" };
  const created = await srv.api("POST", "/targets", srv.tokens.dept, broken);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const res = await fetch(`${srv.base}/api/v1/targets/${created.body.id}/xlsx?locale=zh-CN`, { headers: { Authorization: `Bearer ${srv.tokens.dept}` } });
  assert.equal(res.status, 200);
  const file = join(srv.dir, "申报表.xlsx");
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  const notXlsx = join(srv.dir, "说明.xlsx");
  writeFileSync(notXlsx, "这不是表格");

  const { context, page, errors, csp, calls } = await open();
  // A refused file: the form is unchanged, the reason said plainly.
  await page.setInputFiles("#import-xlsx", notXlsx);
  await page.waitForFunction(() => /不是 Excel 的 .xlsx 文件/.test(document.getElementById("submit-status")?.textContent ?? ""));
  assert.equal(await page.locator("#submit-status").getAttribute("data-tone"), "error");
  assert.equal(await page.inputValue(at("/project/name")), "");

  await page.setInputFiles("#import-xlsx", file);
  const report = page.locator("#import-report");
  await report.waitFor();
  const upload = calls.filter((c) => c.path === "/targets/import");
  assert.equal(upload.length, 2);
  assert.ok(upload.every((c) => c.method === "POST" && c.csrf && c.type === "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
  assert.equal(await page.inputValue(at("/project/name")), "2019年孤儿冬装补充采购");
  assert.equal(await page.inputValue(at("/department/code")), "101");
  const rows = report.locator("#import-list li.item");
  assert.ok((await rows.count()) >= 2);
  const unitRow = report.locator('#import-list li.item[data-code="IND_UNIT_REQUIRED"]');
  assert.match(await unitRow.locator(".cell").innerText(), /^申报表!\$?[A-Z]+\$?\d+$/);
  assert.ok((await unitRow.locator(".fix").innerText()).trim().length > 0, "the hint under the message");
  // Every message is shown at its field at once (an import shows them all).
  await page.locator(`${cellOf("/indicators/0/unit")} li[data-code="IND_UNIT_REQUIRED"] .fix`).waitFor();
  // A click on a problem goes to its field.
  await unitRow.locator("button.jump").click();
  assert.equal(await focused(page), "/indicators/0/unit");
  await axe(page, "从Excel导入");
  await shot(page, "app-declare-import");

  // Saved as a new draft, then downloaded as Excel (the name the server gives).
  await page.fill(at("/indicators/0/unit"), "人");
  await page.fill(at("/goals/annual"), "为全市孤儿补充冬装。");
  await page.click("#save");
  await page.waitForFunction(() => /已保存到服务器/.test(document.getElementById("submit-status")?.textContent ?? ""));
  await page.locator("#export-xlsx").waitFor();
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-xlsx")]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  assert.match(download.suggestedFilename(), /申报表/);
  const saved = join(srv.dir, "下载.xlsx");
  await download.saveAs(saved);
  assert.equal(readFileSync(saved).subarray(0, 2).toString(), "PK", "an xlsx (zip) file");

  assert.deepEqual(csp.list(), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("打印预览 and print: the filled form as the paper 申报表 — no buttons or inputs, the indicator header repeated, A4 landscape", async () => {
  const { context, page, errors, csp } = await open(`/declare/${ids.approved}`);
  await page.click("#print-preview");
  const view = page.locator("#print-view");
  await view.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "print-now");
  assert.ok(await page.locator(".jx-form .layout").isHidden(), "the editing form is hidden in the preview");
  const sheet = page.locator("#print-sheet");
  assert.match(await sheet.locator(".paper-title").innerText(), /项目支出绩效目标申报表/);
  assert.match(await sheet.innerText(), /2019年孤儿被装购置费[\s\S]*阿图什市民政局（101）/);
  const rows = sheet.locator("table.paper-indicators tbody tr");
  assert.equal(await rows.count(), FIXTURE.indicators.length);
  assert.match(await rows.first().innerText(), /产出指标[\s\S]*数量指标[\s\S]*保障孤儿人数[\s\S]*360人/);
  assert.match(await sheet.innerText(), /达到目标值得满分，每少1人扣0.5分/);
  assert.equal(await sheet.locator("input, select, textarea, button").count(), 0, "values as text");
  await axe(page, "打印预览");
  await fullShot(page, "app-declare-preview");

  await page.emulateMedia({ media: "print" });
  const visibleButtons = await page.locator("button").evaluateAll((bs) => bs.filter((b) => b.getClientRects().length > 0).map((b) => b.textContent));
  assert.deepEqual(visibleButtons, [], "no buttons in print");
  const visibleInputs = await page.locator("input, select, textarea").evaluateAll((xs) => xs.filter((x) => x.getClientRects().length > 0).length);
  assert.equal(visibleInputs, 0);
  assert.ok(await page.locator("#side-menu").isHidden(), "no menu in print");
  assert.ok(await page.locator(".declare-page .back").isHidden());
  assert.ok(await sheet.isVisible());
  assert.equal(await sheet.locator("table.paper-indicators thead").evaluate((el) => getComputedStyle(el).display), "table-header-group");
  assert.equal(await rows.first().evaluate((el) => getComputedStyle(el).breakInside), "avoid");
  await fullShot(page, "app-declare-print");
  // The PDF is A4 landscape (842 × 595 pt).
  const pdf = (await page.pdf({ preferCSSPageSize: true })).toString("latin1");
  const box = pdf.match(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/);
  assert.ok(box, "a page size in the PDF");
  assert.ok(Math.abs(Number(box[1]) - 841.89) < 2 && Math.abs(Number(box[2]) - 595.28) < 2, `A4 landscape: ${box[1]} × ${box[2]}`);
  await page.emulateMedia({ media: "screen" });

  await page.click("#preview-close");
  assert.ok(await view.isHidden());
  assert.equal(await page.evaluate(() => document.activeElement?.id), "print-preview");
  assert.deepEqual(csp.list(), []);
  assert.deepEqual(errors, []);
  await context.close();
});
