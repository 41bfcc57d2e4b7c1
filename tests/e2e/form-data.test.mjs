// Browser tests of the target form (declare.html) for "no data lost, no surprise" and
// keyboard / screen-reader use, in Debian's Chromium: the 资金来源 rows keep what was
// typed when a row is added or removed; an import asks before replacing a non-empty
// form and is refused above 2 MiB before it is read; a huge, overfull or unreadable
// local draft is held (never loaded blindly, never deleted silently); a blank form
// shows guidance until a field is touched; labels, Tab order and axe-core.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { launch, serve } from "./static-server.mjs";

// JIXIAO_DIST: another build of the site (e.g. one from before a fix, to see these tests fail).
const DIST = process.env.JIXIAO_DIST ?? fileURLToPath(new URL("../../web/dist/", import.meta.url));
const AXE = fileURLToPath(new URL("../../web/node_modules/axe-core/axe.min.js", import.meta.url));
const FIXTURE = JSON.parse(readFileSync(new URL("../fixtures/targets/orphan-clothing-valid.json", import.meta.url), "utf8")).document;
const DRAFT_KEY = "jixiao.form.draft.v1";
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
const json = (doc, name = "t.json") => ({ name, mimeType: "application/json", buffer: Buffer.from(JSON.stringify(doc)) });

/** A fresh browser context with the form open (localStorage set first when `draft` is given). */
async function open({ draft, viewport = { width: 1366, height: 900 } } = {}) {
  const context = await browser.newContext({ viewport, locale: "zh-CN", acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  if (draft !== undefined) {
    // Same origin, no form: a page the static server does not have.
    await page.goto(`${server.url}no-such-page`);
    await page.evaluate(([k, v]) => localStorage.setItem(k, v), [DRAFT_KEY, draft]);
  }
  await page.goto(`${server.url}declare.html`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
  return { context, page, errors };
}

/** The document the rules check (what 导出 JSON writes: the WASM session's document). */
async function exported(page) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
  return JSON.parse(readFileSync(await download.path(), "utf8"));
}

const storedDraft = (page) => page.evaluate((k) => localStorage.getItem(k), DRAFT_KEY);
const savedDocument = async (page) => JSON.parse(JSON.parse(await storedDraft(page)).document);

test("资金来源: adding a second source keeps the first, in the form, the rules' document and the local draft after reload", async () => {
  const { context, page, errors } = await open();
  await page.click('[data-action="add-source"]');
  await page.locator(at("/funds/sources/0/source")).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.pointer), "/funds/sources/0/source");
  await page.keyboard.type("一般公共预算");
  await page.fill(at("/funds/sources/0/amount"), "50.00");

  await page.click('[data-action="add-source"]');
  await page.locator(at("/funds/sources/1/source")).waitFor();
  assert.equal(await page.inputValue(at("/funds/sources/0/source")), "一般公共预算", "the first source is kept");
  assert.equal(await page.inputValue(at("/funds/sources/0/amount")), "50.00");
  await page.keyboard.type("上级补助");
  await page.fill(at("/funds/sources/1/amount"), "36.40");

  const want = [
    { source: "一般公共预算", amount: "50.00" },
    { source: "上级补助", amount: "36.40" },
  ];
  assert.deepEqual((await exported(page)).funds.sources, want);

  // Reload: both rows come back from the local draft.
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await page.inputValue(at("/funds/sources/0/source")), "一般公共预算");
  assert.equal(await page.inputValue(at("/funds/sources/0/amount")), "50.00");
  assert.equal(await page.inputValue(at("/funds/sources/1/source")), "上级补助");
  assert.equal(await page.inputValue(at("/funds/sources/1/amount")), "36.40");
  assert.deepEqual((await savedDocument(page)).funds.sources, want);
  assert.deepEqual((await exported(page)).funds.sources, want);

  // Removing a row keeps what was typed in the others since the last render.
  await page.fill(at("/funds/sources/1/amount"), "30.00");
  await page.click('[data-action="remove-source"]');
  assert.equal(await page.locator(".source-row").count(), 1);
  assert.equal(await page.inputValue(at("/funds/sources/0/source")), "上级补助");
  assert.equal(await page.inputValue(at("/funds/sources/0/amount")), "30.00");
  assert.deepEqual((await exported(page)).funds.sources, [{ source: "上级补助", amount: "30.00" }]);
  assert.deepEqual(errors, []);
  await context.close();
});

test("an import that would replace a non-empty form asks first; 取消 keeps everything; an empty form imports without asking", async () => {
  const { context, page, errors } = await open();
  // Empty form: no question.
  await page.setInputFiles("#import", json(FIXTURE));
  await page.waitForFunction(() => document.querySelector('[data-pointer="/project/name"]')?.value !== "");
  assert.equal(await page.locator("dialog#ask").count(), 0);
  assert.equal(await page.inputValue(at("/project/name")), FIXTURE.project.name);

  await page.fill(at("/project/name"), "正在填写的项目");
  const other = { ...FIXTURE, project: { ...FIXTURE.project, name: "另一个项目" } };

  // 取消: nothing changes.
  await page.setInputFiles("#import", json(other, "other.json"));
  const dialog = page.locator("dialog#ask");
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /导入将替换当前表单中的内容，是否继续？/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "ask-cancel", "the safe answer has the focus");
  assert.equal(await page.locator("#ask-cancel").innerText(), "取消");
  await page.click("#ask-cancel");
  await dialog.waitFor({ state: "detached" });
  assert.equal(await page.inputValue(at("/project/name")), "正在填写的项目");
  assert.match(await page.locator("#submit-status").innerText(), /已取消导入/);
  assert.equal((await exported(page)).project.name, "正在填写的项目");

  // Esc answers no as well.
  await page.setInputFiles("#import", json(other, "other.json"));
  await dialog.waitFor();
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  assert.equal(await page.inputValue(at("/project/name")), "正在填写的项目");

  // 继续导入: replaced.
  await page.setInputFiles("#import", json(other, "other.json"));
  await dialog.waitFor();
  await page.click("#ask-ok");
  await page.waitForFunction(() => document.querySelector('[data-pointer="/project/name"]')?.value === "另一个项目");
  assert.equal((await exported(page)).project.name, "另一个项目");
  assert.deepEqual(errors, []);
  await context.close();
});

test("an import over 2 MiB is refused before it is read, with its size; nothing changes", async () => {
  const { context, page, errors } = await open();
  await page.fill(at("/project/name"), "正在填写的项目");
  // Count the reads of any file (Blob.text / arrayBuffer / FileReader).
  await page.evaluate(() => {
    window.__reads = 0;
    for (const m of ["text", "arrayBuffer", "stream", "bytes"]) {
      const orig = Blob.prototype[m];
      if (orig) Blob.prototype[m] = function (...a) { window.__reads++; return orig.apply(this, a); };
    }
    const orig = FileReader.prototype.readAsText;
    FileReader.prototype.readAsText = function (...a) { window.__reads++; return orig.apply(this, a); };
  });
  // A valid document padded to 3 MiB: it would import if it were read.
  const big = { ...FIXTURE, project: { ...FIXTURE.project, name: "大文件" } };
  let text = JSON.stringify(big);
  text = text.slice(0, -1) + `,"padding":"${"x".repeat(3 * 1024 * 1024 - Buffer.byteLength(text) - 13)}"}`;
  assert.equal(Buffer.byteLength(text), 3 * 1024 * 1024);
  await page.setInputFiles("#import", { name: "big.json", mimeType: "application/json", buffer: Buffer.from(text) });
  await page.waitForFunction(() => /未导入/.test(document.getElementById("submit-status")?.textContent ?? ""));
  const status = await page.locator("#submit-status").innerText();
  assert.match(status, /big\.json/);
  assert.match(status, /3\.0 MB/);
  assert.match(status, /上限 2\.0 MB/);
  assert.equal(await page.locator("#submit-status").getAttribute("data-tone"), "error");
  assert.equal(await page.evaluate(() => window.__reads), 0, "the file was not read");
  assert.equal(await page.locator("dialog#ask").count(), 0);
  assert.equal(await page.inputValue(at("/project/name")), "正在填写的项目");
  assert.equal((await exported(page)).project.name, "正在填写的项目");
  assert.deepEqual(errors, []);
  await context.close();
});

/** A draft as the form stores it, around `chars` characters, with `n` indicators. */
function draftOf(n, pad = 0) {
  const indicators = Array.from({ length: n }, (_, i) => ({
    id: `i${i + 1}`,
    level1: "output",
    level2: "quantity",
    nature: "quantitative",
    operator: "ge",
    name: `指标${i + 1}`,
    value: "1",
    unit: "个",
    points: "1",
    explanation: "x".repeat(pad),
  }));
  const document = JSON.stringify({ kind: "project", project: { name: "旧草稿" }, indicators });
  return JSON.stringify({ profile: "artux-2018", document, savedAt: "2026-01-01T00:00:00Z" });
}

for (const [name, draft, reason, text] of [
  // 4.8 M characters, 9.6 MB as the browser stores them (UTF-16): near its 5 M-character quota.
  ["a 9.6 MB draft of 9,000 indicators", () => draftOf(9_000, 330), "too_large", /本地草稿过大（4\.\d MB，上限 2\.0 MB），未自动载入/],
  ["a 1 MB draft of 3,000 indicators", () => draftOf(3_000, 100), "too_many", /本地草稿有 3000 条绩效指标，超过本表支持的 500 条/],
  ["an unreadable draft", () => '{"profile":"artux-2018","document":"{\\"kind\\":', "corrupt", /本地草稿无法读取/],
]) {
  test(`${name} is held, not loaded: the page is usable, says so, offers download or discard, and never deletes it silently`, async () => {
    const raw = draft();
    const t0 = Date.now();
    const { context, page, errors } = await open({ draft: raw });
    // Leaving with changes that could not be saved locally asks first (accepted here).
    const asked = [];
    page.on("dialog", (d) => {
      asked.push(d.type());
      return d.type() === "beforeunload" ? d.accept() : d.dismiss();
    });
    const notice = page.locator("#draft-notice");
    await notice.waitFor();
    assert.equal(await notice.getAttribute("role"), "alert");
    assert.equal(await notice.getAttribute("data-reason"), reason);
    assert.match(await notice.innerText(), text);
    assert.match(await notice.innerText(), /没有删除/);
    // Painted, and the form takes input with live checks.
    assert.ok(await page.evaluate(() => performance.getEntriesByName("first-contentful-paint").length === 1), "first paint");
    assert.ok(Date.now() - t0 < 30_000, `ready in ${Date.now() - t0} ms`);
    assert.equal(await page.locator("tr.row").count(), 0);
    await page.fill(at("/fiscal_year"), "abc");
    await page.keyboard.press("Tab");
    await page.locator(`.field:has(${at("/fiscal_year")}) ul.msg li`).first().waitFor();
    await page.fill(at("/project/name"), "新项目");

    // Leaving and coming back: the stored draft is still the one it was.
    const size = raw.length;
    await page.reload();
    await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
    assert.deepEqual(asked, ["beforeunload"]);
    await notice.waitFor();
    assert.equal(await page.evaluate((k) => localStorage.getItem(k)?.length, DRAFT_KEY), size);
    assert.equal((await storedDraft(page)) === raw, true);

    // Download: exactly what is stored.
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#held-download")]);
    assert.match(download.suggestedFilename(), /^jixiao-draft-\d{12}\.json$/);
    assert.equal(readFileSync(await download.path(), "utf8") === raw, true);

    // Discard asks; 取消 keeps it, 丢弃 removes it and the form's own draft is saved from then on.
    await page.fill(at("/project/name"), "新项目");
    await page.click("#held-discard");
    await page.locator("dialog#ask").waitFor();
    await page.click("#ask-cancel");
    assert.equal((await storedDraft(page)) === raw, true);
    await page.click("#held-discard");
    await page.click("#ask-ok");
    await notice.waitFor({ state: "detached" });
    assert.equal((await savedDocument(page)).project.name, "新项目");
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("a blank form shows guidance, not errors, until a field is touched; 保存草稿 shows them all", async () => {
  const { context, page, errors } = await open();
  const fieldMsgs = (p) => page.locator(`.field:has(${at(p)}) ul.msg li`);
  // Guidance and the meters; no red at the fields or in the summary.
  assert.equal(await page.locator("#form-root ul.msg li").count(), 0);
  assert.equal(await page.locator("#form-root .has-error, #form-root [aria-invalid]").count(), 0);
  assert.equal(await page.locator("#summary-list button.jump").count(), 0);
  assert.match(await page.locator("#summary-list li.guide").innerText(), /请按顺序填写/);
  assert.match(await page.locator("#summary-counts").innerText(), /还有 \d+ 项待填写/);
  assert.doesNotMatch(await page.locator("#summary-counts").innerText(), /错误/);
  assert.equal(await page.locator('[data-meter="level3"]').getAttribute("data-state"), "bad");
  // The check itself is unchanged: 提交审核 is still marked as blocked.
  assert.equal(await page.locator("#submit").getAttribute("data-blocked"), "true");

  // Typing alone shows nothing yet; leaving the field shows its messages only.
  await page.fill(at("/fiscal_year"), "19");
  assert.equal(await fieldMsgs("/fiscal_year").count(), 0);
  await page.keyboard.press("Tab");
  await fieldMsgs("/fiscal_year").first().waitFor();
  assert.equal(await page.locator(at("/fiscal_year")).getAttribute("aria-invalid"), "true");
  assert.equal(await fieldMsgs("/goals/annual").count(), 0);
  assert.ok((await page.locator("#summary-list button.jump").count()) >= 1);
  assert.equal(await page.locator("#summary-list li.guide").count(), 1);
  // A select counts as touched once changed.
  await page.selectOption(at("/kind"), "");
  await fieldMsgs("/kind").first().waitFor();
  await page.selectOption(at("/kind"), "project");

  // Touched fields are remembered in the local draft.
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  await fieldMsgs("/fiscal_year").first().waitFor();
  assert.equal(await fieldMsgs("/goals/annual").count(), 0);

  // 保存草稿 shows everything (the save itself fails: no server here).
  await page.click("#save");
  await fieldMsgs("/goals/annual").first().waitFor();
  assert.equal(await page.locator("#summary-list li.guide").count(), 0);
  assert.match(await page.locator("#summary-counts").innerText(), /\d+ 个错误/);
  assert.deepEqual(errors, []);
  await context.close();
});

/** Runs axe-core in the page and fails on its violations: serious and critical ones, and
 * moderate ones too (the form had one, a skipped heading level). */
async function axe(page, label) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE });
  const r = await page.evaluate(async () => {
    const out = await window.axe.run(document, { resultTypes: ["violations"] });
    return out.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
  });
  const bad = r.filter((v) => ["critical", "serious", "moderate"].includes(v.impact));
  assert.deepEqual(bad, [], `${label}: ${JSON.stringify(bad, null, 1)}`);
  return r;
}

/** Every visible control has an accessible name, in Chinese. */
async function labelled(page) {
  const missing = await page.evaluate(() => {
    const bad = [];
    for (const el of document.querySelectorAll("input, select, textarea, button")) {
      if (el.closest("[hidden]") || el.type === "hidden" || el.hidden) continue;
      const byLabel = [...(el.labels ?? [])].map((l) => l.textContent).join(" ");
      const byAria = el.getAttribute("aria-label") ?? (el.getAttribute("aria-labelledby") ?? "").split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? "").join(" ");
      const name = (byLabel || byAria || (el.tagName === "BUTTON" ? el.textContent : "")).trim();
      if (!/[\u4e00-\u9fff]/.test(name) && !(el.id === "lang" && name === "English")) bad.push(`${el.tagName.toLowerCase()}#${el.id || ""}[${el.dataset.pointer ?? el.dataset.action ?? ""}] "${name}"`);
    }
    return bad;
  });
  assert.deepEqual(missing, []);
}

/** Tab from the top reaches every focusable control once, in document order. */
async function tabOrder(page) {
  // Leaving a field shows its messages (new summary entries): show them all first, so that
  // tabbing does not change what there is to reach.
  if (await page.locator("#show-all").count()) await page.click("#show-all");
  const expected = await page.evaluate(() => {
    const sel = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]";
    const list = [...document.querySelectorAll(sel)].filter((el) => {
      if (el.tabIndex < 0 || el.closest("[hidden]") || el.hidden) return false;
      const r = el.getBoundingClientRect();
      return r.width > 0 || r.height > 0 || el.classList.contains("skip");
    });
    const positive = [...document.querySelectorAll("[tabindex]")].filter((el) => el.tabIndex > 0);
    if (positive.length) throw new Error(`positive tabindex: ${positive.length}`);
    document.querySelectorAll("[data-tab]").forEach((el) => el.removeAttribute("data-tab"));
    list.forEach((el, i) => el.setAttribute("data-tab", String(i)));
    return list.length;
  });
  // Start at the first one (the skip link), then Tab through the rest.
  await page.evaluate(() => document.querySelector('[data-tab="0"]')?.focus());
  const current = () => page.evaluate(() => document.activeElement?.getAttribute("data-tab") ?? document.activeElement?.tagName);
  const seen = [await current()];
  for (let i = 1; i < expected; i++) {
    await page.keyboard.press("Tab");
    seen.push(await current());
  }
  assert.deepEqual(seen, Array.from({ length: expected }, (_, i) => String(i)));
}

test("keyboard and screen readers: every control is labelled in Chinese, Tab reaches everything in order, axe-core finds no serious, critical or moderate violation", async () => {
  const { context, page, errors } = await open({ viewport: { width: 1280, height: 800 } });
  await axe(page, "blank form");
  await labelled(page);
  await tabOrder(page);

  // A filled form with two funding sources and every message shown.
  await page.setInputFiles("#import", json(FIXTURE));
  await page.waitForFunction(() => document.querySelector('[data-pointer="/project/name"]')?.value !== "");
  await page.click('[data-action="add-source"]');
  await page.click('[data-action="add-source"]');
  await page.fill(at("/indicators/0/unit"), "");
  await page.locator(`td:has(${at("/indicators/0/unit")}) li`).first().waitFor();
  await axe(page, "filled form with messages");
  await labelled(page);
  await tabOrder(page);

  // The question before an import replaces the form.
  await page.setInputFiles("#import", json(FIXTURE));
  await page.locator("dialog#ask").waitFor();
  await axe(page, "import question");
  await page.keyboard.press("Escape");

  // English, and a tablet (10-inch, portrait).
  await page.click("#lang");
  await axe(page, "English");
  await page.click("#lang");
  await page.setViewportSize({ width: 800, height: 1280 });
  await axe(page, "tablet");
  assert.deepEqual(errors, []);
  await context.close();

  // The held-draft notice.
  const held = await open({ draft: "{not json" });
  await held.page.locator("#draft-notice").waitFor();
  await axe(held.page, "held draft");
  await labelled(held.page);
  await held.context.close();
});
