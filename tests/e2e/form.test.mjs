// Browser test of the department form, driven as a user would in Debian's Chromium:
// a blank form, a project typed in, indicators added until the meters turn green, a
// missing unit reported at the unit cell and cleared when fixed, a reload that keeps
// the draft, keyboard use of the summary list. Saves a screenshot of the filled form.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { launch, serve } from "./static-server.mjs";
import { fieldValue } from "./fields.mjs";

const DIST = fileURLToPath(new URL("../../web/dist/", import.meta.url));
const SHOTS = fileURLToPath(new URL("./screenshots/", import.meta.url));
let server, browser;

before(async () => {
  server = await serve(DIST);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const at = (p) => `[data-pointer="${p}"]`;
/** A field's value (tests/e2e/fields.mjs). */
const valueAt = (page, p) => fieldValue(page.locator(at(p)));
/** Chooses an option in a choice cell of the indicator table: focused, it is the select. */
const choose = async (page, p, v) => {
  await page.focus(at(p));
  await page.selectOption(at(p), v);
};
/** Whether 提交审核 is marked as blocked by errors. It stays usable: the server decides and
 * says why (tests/e2e/form-submit.test.mjs). */
const blocked = async (page) => {
  assert.ok(await page.locator("#submit").isEnabled());
  return (await page.locator("#submit").getAttribute("data-blocked")) === "true";
};

const INDICATORS = [
  ["output/quantity", "保障孤儿人数", "eq", "360", "人", "15"],
  ["output/quantity", "配发四季被装套数", "ge", "1440", "套", "15"],
  ["output/quality", "被装质量抽检合格率", "ge", "100", "%", "10"],
  ["output/timeliness", "冬装发放完成时间", "le", "2019-10-31", "", "10"],
  ["output/cost", "人均被装购置成本", "le", "2400", "元", "10"],
  ["benefit/social", "孤儿基本生活条件改善情况", "qualitative", "明显改善", "", "20"],
  ["satisfaction/beneficiary", "受助对象满意度", "ge", "90", "%", "10"],
];

test("a department fills a valid target with live feedback, and the draft survives a reload", async () => {
  const context = await browser.newContext({ viewport: { width: 1500, height: 1100 }, locale: "zh-CN" });
  const page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e));
  await page.goto(`${server.url}declare.html`);
  await page.waitForSelector("body[data-ready=true]");

  // A blank form has errors, the meters are red and submit is marked as blocked.
  assert.equal(await page.locator('[data-meter="level3"]').getAttribute("data-state"), "bad");
  assert.equal(await blocked(page), true);
  assert.ok((await page.locator("#summary-list li").count()) > 0);

  // Type the project.
  await page.fill(at("/fiscal_year"), "2019");
  await page.fill(at("/department/code"), "101");
  await page.fill(at("/department/name"), "阿图什市民政局");
  await page.fill(at("/unit/name"), "阿图什市儿童福利院");
  await page.fill(at("/project/name"), "2019年孤儿被装购置费");
  await page.fill(at("/project/code"), "P2019-001");
  await page.selectOption(at("/project/attribute"), "continuing");
  await page.fill(at("/project/start"), "2019-01-01");
  await page.fill(at("/project/end"), "2019-12-31");
  await page.fill(at("/funds/annual_total"), "86.40");
  await page.fill(at("/goals/annual"), "为全市360名孤儿配发四季被装。");

  // Add indicators until the meters turn green.
  for (const [i, [group, name, op, value, unit, points]] of INDICATORS.entries()) {
    const add = page.locator(`[data-add="${group}"]`);
    await add.focus();
    await page.keyboard.press("Enter"); // keyboard only
    const nameBox = page.locator(at(`/indicators/${i}/name`));
    await nameBox.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.pointer), `/indicators/${i}/name`);
    await page.keyboard.type(name);
    await choose(page, `/indicators/${i}/operator`, op);
    await page.fill(at(`/indicators/${i}/value`), value);
    if (unit) await page.fill(at(`/indicators/${i}/unit`), unit);
    await page.fill(at(`/indicators/${i}/points`), points);
  }
  for (const m of ["level1", "level2", "level3", "share"]) {
    assert.equal(await page.locator(`[data-meter="${m}"]`).getAttribute("data-state"), "ok", `meter ${m}`);
  }
  assert.equal(await page.locator("#summary-list li").count(), 0, await page.locator("#summary-list").innerText());
  assert.equal(await blocked(page), false);

  // A missing unit appears at the unit cell, in the summary, and marks submit as blocked; fixing it clears all three.
  const unit = page.locator(at("/indicators/0/unit"));
  const unitCell = page.locator("td", { has: unit });
  await unit.fill("");
  await unitCell.locator('li[data-code="IND_UNIT_REQUIRED"]').waitFor();
  assert.equal(await unit.getAttribute("aria-invalid"), "true");
  assert.equal(await blocked(page), true);
  const jump = page.locator('#summary-list button[data-path="/indicators/0/unit"]');
  assert.equal(await jump.count(), 1);
  await page.locator(at("/indicators/1/name")).focus();
  await jump.focus();
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.pointer), "/indicators/0/unit");
  assert.match(await page.locator("#live").innerText(), /1 个错误/);
  await page.keyboard.type("人");
  await unitCell.locator('li[data-code="IND_UNIT_REQUIRED"]').waitFor({ state: "detached" });
  assert.equal(await unit.getAttribute("aria-invalid"), null);
  assert.equal(await blocked(page), false);

  // A warning shows but does not block.
  await page.fill(at("/indicators/6/value"), "75");
  await page.locator(`td:has(${at("/indicators/6/value")}) li[data-code="IND_SATISFACTION_LOW"]`).waitFor();
  assert.equal(await blocked(page), false);
  await page.fill(at("/indicators/6/value"), "90");

  // Reload: the draft is intact.
  // No wait: the last keystroke is not saved yet (drafts are written when idle); leaving the page saves it.
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await page.inputValue(at("/project/name")), "2019年孤儿被装购置费");
  assert.equal(await valueAt(page, "/indicators/0/unit"), "人");
  assert.equal(await valueAt(page, "/indicators/6/value"), "90");
  assert.equal(await valueAt(page, "/indicators/5/operator"), "qualitative");
  assert.equal(await page.locator('[data-meter="share"]').getAttribute("data-state"), "ok");
  assert.equal(await blocked(page), false);
  const draft = JSON.parse(await page.evaluate(() => localStorage.getItem("jixiao.form.draft.v1")));
  const saved = JSON.parse(draft.document);
  assert.equal(saved.indicators.length, INDICATORS.length);
  assert.equal(saved.indicators[6].value, "90");
  assert.equal(saved.project.name, "2019年孤儿被装购置费");

  // Offline: once loaded, the form reloads and works with no network (service worker cache).
  await page.waitForFunction(async () => (await navigator.serviceWorker.ready) && navigator.serviceWorker.controller !== null);
  await page.waitForFunction(async () => (await (await caches.open("jixiao-form-v1")).keys()).some((r) => r.url.endsWith(".wasm")));
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await valueAt(page, "/indicators/6/value"), "90");
  await page.fill(at("/indicators/0/unit"), "");
  await page.locator(`td:has(${at("/indicators/0/unit")}) li[data-code="IND_UNIT_REQUIRED"]`).waitFor();
  await page.fill(at("/indicators/0/unit"), "人");
  await context.setOffline(false);

  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}form-filled.png`, fullPage: true });

  // English toggle: labels and rule messages switch language.
  await page.click("#lang");
  await page.fill(at("/indicators/0/unit"), "");
  assert.match(await page.locator(`td:has(${at("/indicators/0/unit")}) li`).innerText(), /unit/i);
  assert.equal(await page.locator("h1").innerText(), "Project performance targets (绩效目标申报表)");
  await page.fill(at("/indicators/0/unit"), "人");
  await page.click("#lang");

  assert.deepEqual(pageErrors, []);
  await context.close();
});

test("standalone, with no server: the indicator name suggests from the offline library only; 打印预览 shows the paper form", async () => {
  const context = await browser.newContext({ viewport: { width: 1500, height: 1000 }, locale: "zh-CN" });
  const page = await context.newPage();
  const api = [];
  page.on("request", (r) => new URL(r.url()).pathname.startsWith("/api/") && api.push(r.url()));
  await page.goto(`${server.url}declare.html`);
  await page.waitForSelector("body[data-ready=true]");
  await page.click('[data-add="satisfaction/beneficiary"]');
  // The new row's name has the focus once the table is drawn again (not before, under load).
  await page.waitForFunction(() => document.activeElement?.dataset.pointer === "/indicators/0/name");
  await page.keyboard.type("满意");
  const options = page.locator('#suggest-list [role="option"]');
  await options.first().waitFor();
  assert.equal(await page.locator('#suggest-list [role="option"].own').count(), 0);
  await page.keyboard.press("ArrowDown");
  const chosen = await page.locator("#suggest-0 .sg-name").innerText();
  await page.keyboard.press("Enter");
  assert.equal(await valueAt(page, "/indicators/0/name"), chosen);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.pointer), "/indicators/0/value");
  await page.waitForTimeout(400);
  assert.deepEqual(api, [], "no server call from the standalone page");
  await page.click("#print-preview");
  await page.locator("#print-sheet table.paper-indicators").waitFor();
  assert.match(await page.locator("#print-sheet table.paper-indicators tbody").innerText(), new RegExp(chosen));
  await page.click("#preview-close");
  await context.close();
});

test("import and export round-trip the canonical document", async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${server.url}declare.html`);
  await page.waitForSelector("body[data-ready=true]");
  const { readFileSync } = await import("node:fs");
  const fx = JSON.parse(readFileSync(new URL("../fixtures/targets/orphan-clothing-valid.json", import.meta.url), "utf8"));
  await page.setInputFiles("#import", { name: "t.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(fx.document)) });
  await page.waitForFunction(() => document.querySelector('[data-pointer="/project/name"]')?.value !== "");
  assert.equal(await blocked(page), false);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
  const exported = JSON.parse(readFileSync(await download.path(), "utf8"));
  assert.deepEqual(exported, fx.document);

  // A file that is not a JSON object is refused with a reason and the form is kept.
  await page.setInputFiles("#import", { name: "bad.json", mimeType: "application/json", buffer: Buffer.from("[1,2]") });
  await page.waitForFunction(() => document.getElementById("submit-status")?.textContent?.includes("导入失败"));
  assert.equal(await blocked(page), false);
  await context.close();
});

test("rows are reordered and removed from the keyboard; a profile switch re-checks with its own rules", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}declare.html`);
  await page.waitForSelector("body[data-ready=true]");
  const { readFileSync } = await import("node:fs");
  const fx = JSON.parse(readFileSync(new URL("../fixtures/targets/orphan-clothing-valid.json", import.meta.url), "utf8"));
  await page.setInputFiles("#import", { name: "t.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(fx.document)) });
  await page.waitForFunction(() => document.querySelector('[data-pointer="/project/name"]')?.value !== "");
  const n = fx.document.indicators.length;
  assert.equal(await page.locator("tr.row").count(), n);
  const [first, second] = fx.document.indicators;
  assert.equal(first.level1 + first.level2, second.level1 + second.level2, "the fixture starts with two indicators of one group");

  // Move the first indicator down with the keyboard: the two swap in the document, focus follows.
  await page.locator('button[data-action="down"][data-row="0"]').focus();
  await page.keyboard.press("Enter");
  assert.equal(await valueAt(page, "/indicators/0/name"), second.name);
  assert.equal(await valueAt(page, "/indicators/1/name"), first.name);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.row), "1");

  // Remove a row with the keyboard.
  await page.locator('button[data-action="remove"][data-row="1"]').focus();
  await page.keyboard.press("Enter");
  assert.equal(await page.locator("tr.row").count(), n - 1);
  // The draft is written when the browser is idle (at most 300 ms later).
  await page.waitForFunction((len) => JSON.parse(JSON.parse(localStorage.getItem("jixiao.form.draft.v1")).document).indicators.length === len, n - 1);
  const saved = JSON.parse(JSON.parse(await page.evaluate(() => localStorage.getItem("jixiao.form.draft.v1"))).document);
  assert.equal(saved.indicators.length, n - 1);
  assert.ok(!saved.indicators.some((i) => i.id === first.id));

  // national-2015 requires output and benefit and a points total of 90: its meters appear.
  await page.selectOption("#profile", "national-2015");
  await page.locator('[data-meter="points"]').waitFor();
  assert.equal(await page.locator('[data-meter="required"]').getAttribute("data-state"), "ok");
  const pointsOk = (await page.locator('[data-meter="points"]').getAttribute("data-state")) === "ok";
  assert.equal(pointsOk, (await page.locator('#summary-list button[data-code="POINTS_TOTAL"]').count()) === 0);
  await context.close();
});
