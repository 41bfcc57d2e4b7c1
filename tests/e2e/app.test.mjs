// Browser test of the app at / (issue 10): sign-in for each role, its landing page (工作台)
// and menu; the wrong password and the rate limit in Chinese; the review queue and the public
// table with search, server sort, cursor paging and filters remembered in the URL; the public
// detail view; the older pages working with the session cookie; axe-core with no serious or
// critical violation and no CSP violation on every page; screenshots in zh-CN. Needs
// target/debug/jixiao (with sign-in) and web/dist.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "./static-server.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = process.env.JIXIAO_BIN ?? join(ROOT, "target/debug/jixiao");
const SHOTS = fileURLToPath(new URL("./screenshots/", import.meta.url));
const FIXTURE = JSON.parse(readFileSync(join(ROOT, "tests/fixtures/targets/orphan-clothing-valid.json"), "utf8")).document;
const ORG = "新疆甲会计师事务所";
const PASSWORD = "Jixiao-2026-pass";
const require = createRequire(join(ROOT, "web/package.json"));
const { AxeBuilder } = require("@axe-core/playwright");

const Q = 'input[data-test="q"], [data-test="q"] input'; // Element Plus puts the attributes on the <input>
const USERS = {
  department: { username: "minzheng", name: "民政局填报员", args: ["--department", "101"] },
  finance: { username: "caizheng", name: "绩效科王科长", args: [] },
  assessor: { username: "pingshen", name: "甲所评审员", args: ["--org", ORG] },
  admin: { username: "guanli", name: "系统管理员", args: [] },
};
const MENUS = {
  department: ["工作台", "绩效目标申报", "我的绩效目标", "执行监控", "绩效自评", "信息公开"],
  finance: ["工作台", "审核", "第三方评价", "运行监控看板", "评价结果", "信息公开"],
  assessor: ["工作台", "我的评审任务", "复评任务", "信息公开"],
  admin: ["工作台", "用户管理", "审核", "信息公开"],
};

let dir, db, server, base, browser;
const tokens = {};
const ids = { approved: [], submitted: [] };

function cli(...args) {
  return execFileSync(BIN, args, { cwd: ROOT, encoding: "utf8" }).trim();
}

async function api(method, path, tok, body) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { ...(tok ? { Authorization: `Bearer ${tok}` } : {}), ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "jixiao-app-"));
  db = `sqlite://${join(dir, "e2e.db")}`;
  tokens.d101 = cli("token", "create", "--database", db, "--role", "department", "--department", "101", "--name", "民政局接口");
  tokens.d102 = cli("token", "create", "--database", db, "--role", "department", "--department", "102", "--name", "教育局接口");
  tokens.finance = cli("token", "create", "--database", db, "--role", "finance", "--name", "财政局接口");
  for (const [role, u] of Object.entries(USERS)) {
    cli("user", "create", "--database", db, "--username", u.username, "--password", PASSWORD, "--role", role, "--name", u.name, ...u.args);
  }
  cli("user", "create", "--database", db, "--username", "locked", "--password", PASSWORD, "--role", "finance", "--name", "限流测试");
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

/** 64 targets of two departments and two years: 24 approved, 34 submitted, 6 drafts (2 returned). */
async function seed() {
  const depts = [
    { tok: tokens.d101, code: "101", name: "阿图什市民政局" },
    { tok: tokens.d102, code: "102", name: "阿图什市教育局" },
  ];
  for (let i = 1; i <= 64; i++) {
    const d = depts[i % 2];
    const doc = structuredClone(FIXTURE);
    doc.fiscal_year = i % 4 === 0 ? 2020 : 2019;
    doc.department = { code: d.code, name: d.name };
    doc.project = { ...doc.project, code: `P${doc.fiscal_year}-${String(100 + i)}`, name: `${doc.fiscal_year}年${d.code === "101" ? "孤儿被装购置费" : "学生营养餐补助"}（第${String(i).padStart(2, "0")}批）` };
    doc.funds = { ...doc.funds, annual_total: (80 + i).toFixed(2), sources: [{ source: "本级财政", amount: (80 + i).toFixed(2) }] };
    const created = await api("POST", "/targets", d.tok, doc);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;
    if (i > 58) continue; // drafts
    assert.equal((await api("POST", `/targets/${id}/submit`, d.tok)).status, 200);
    if (i <= 24) {
      const r = await api("POST", `/targets/${id}/review`, tokens.finance, { decision: "approve", grade: "good", approved_amount: (80 + i).toFixed(2) });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      ids.approved.push(id);
    } else if (i <= 26 && d.code === "101") {
      const r = await api("POST", `/targets/${id}/review`, tokens.finance, { decision: "return", grade: "fair", opinion: "绩效指标不够细化，请补充可量化的产出指标。" });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    } else ids.submitted.push(id);
  }
}

/** A browser context in zh-CN whose pages record page errors and CSP violations. */
async function open(width = 1366, height = 900) {
  const context = await browser.newContext({ viewport: { width, height }, locale: "zh-CN" });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to (apply|load|execute)/i.test(m.text())) problems.push(`csp: ${m.text()}`);
  });
  return { context, page, problems };
}

async function signIn(page, username, password = PASSWORD) {
  await page.goto(`${base}/#/login`);
  await page.locator("#username").fill(username);
  await page.locator("#password").fill(password);
  await page.locator('[data-test="signin-submit"]').click();
}

/** axe-core: no serious or critical violation on the page as it is now. */
async function axe(page, label) {
  const r = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = r.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(
    bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`),
    [],
    `axe on ${label}`,
  );
}

async function shot(page, name) {
  await page.screenshot({ path: `${SHOTS}app-${name}.png`, fullPage: true });
}

async function menu(page) {
  return (await page.locator("#side-menu a").allInnerTexts()).map((s) => s.trim());
}

test("each role signs in and finds its landing page and its menu", async () => {
  for (const role of ["department", "finance", "assessor", "admin"]) {
    const { context, page, problems } = await open();
    await page.goto(`${base}/`);
    await page.waitForURL(/#\/login/);
    await page.locator("#username").waitFor();
    if (role === "department") {
      await axe(page, "登录");
      await shot(page, "login");
    }
    await signIn(page, USERS[role].username);
    await page.locator('[data-test="greeting"]').waitFor();
    await page.locator('[data-test="cards"] li').first().waitFor();
    assert.deepEqual(await menu(page), MENUS[role], `menu of ${role}`);
    assert.match(await page.locator('[data-test="who"]').innerText(), new RegExp(USERS[role].name));
    if (role === "department") {
      assert.match(await page.locator('[data-test="unit"]').innerText(), /阿图什市民政局/);
      assert.equal(await page.locator('[data-card="returned"] .n').innerText(), "1");
      assert.equal(await page.locator('[data-test="home-targets"] tbody tr').count(), 1);
    }
    if (role === "finance") assert.equal(await page.locator('[data-card="submitted"] .n').innerText(), String(ids.submitted.length));
    await axe(page, `工作台 (${role})`);
    await shot(page, `home-${role}`);
    // 退出 goes back to 登录, and the app's routes want a session again.
    await page.locator('[data-test="sign-out"]').click();
    await page.waitForURL(/#\/login/);
    await page.goto(`${base}/#/review`);
    await page.waitForURL(/#\/login\?redirect=/);
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test("a wrong password is refused in Chinese, and too many attempts are limited in Chinese", async () => {
  const { context, page, problems } = await open();
  await signIn(page, "caizheng", "not-the-password");
  await page.locator('[data-test="signin-error"]').waitFor();
  assert.equal(await page.locator('[data-test="signin-error"]').innerText(), "用户名或密码错误");
  assert.equal(await page.inputValue("#password"), "", "the password field is emptied");
  await axe(page, "登录（错误）");
  await shot(page, "login-error");
  // The account's limit: after 5 failures even the right password waits (429 + Retry-After).
  let text = "";
  for (let i = 0; i < 8 && !/尝试次数过多/.test(text); i++) {
    await page.locator("#password").fill(i < 6 ? `wrong-${i}-password` : PASSWORD);
    await page.locator('[data-test="signin-submit"]').click();
    await page.waitForFunction(() => !document.querySelector('[data-test="signin-submit"]')?.classList.contains("is-loading"));
    text = await page.locator('[data-test="signin-error"]').innerText().catch(() => "");
    await page.locator("#username").fill("locked");
  }
  assert.match(text, /^尝试次数过多，请 \d+ 秒后再试$/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("the review queue searches, sorts by the server, pages by cursor and keeps its filters in the URL", async () => {
  const { context, page, problems } = await open(1366, 1000);
  await signIn(page, "caizheng");
  await page.locator('[data-test="greeting"]').waitFor();
  await page.goto(`${base}/#/review?limit=20`);
  const rows = page.locator('[data-test="table"] .el-table__body-wrapper tbody tr');
  await page.waitForFunction(() => document.querySelectorAll('[data-test="table"] .el-table__body-wrapper tbody tr').length === 20);
  // Counts per state in the tabs; department names with the code beside them.
  assert.match(await page.locator('[data-test="tab-submitted"]').innerText(), new RegExp(`已提交\\s*${ids.submitted.length}`));
  assert.match(await page.locator('[data-test="tab-all"]').innerText(), /全部\s*64/);
  assert.match(await rows.first().innerText(), /阿图什市(民政|教育)局\s+10[12]/);
  assert.equal(await page.locator('[data-test="shown"]').innerText(), "已显示 20 / 共 64 个");
  // 加载更多 follows next_cursor: 40, 60, 64.
  for (const n of [40, 60, 64]) {
    await page.locator('[data-test="more"]').click();
    await page.waitForFunction((k) => document.querySelectorAll('[data-test="table"] .el-table__body-wrapper tbody tr').length === k, n);
  }
  assert.equal(await page.locator('[data-test="more"]').count(), 0);
  await axe(page, "审核");
  await shot(page, "review");

  // A status tab and a search: both in the URL; the counts follow the search.
  await page.locator('[data-test="tab-submitted"]').click();
  await page.waitForURL(/status=submitted/);
  await page.locator(Q).fill("学生营养餐");
  await page.locator('[data-test="search"]').click();
  await page.waitForURL(/q=%E5%AD%A6/);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-test="table"] .el-table__body-wrapper tbody tr')].every((r) => r.textContent.includes("学生营养餐")));
  const names = await rows.locator("td.col-name").allInnerTexts();
  assert.ok(names.length > 0 && names.every((n) => n.includes("学生营养餐")));
  assert.match(await page.locator('[data-test="tab-all"]').innerText(), /全部\s*32/);

  // Sort by 项目名称 (the server's sort=name), ascending.
  await page.locator('[data-test="table"] th:has-text("项目名称") .sort-caret.ascending').click();
  await page.waitForFunction(() => /sort=name/.test(location.hash) && /order=asc/.test(location.hash));
  await page.waitForFunction(() => {
    const n = [...document.querySelectorAll('[data-test="table"] .el-table__body-wrapper tbody tr td.col-name')].map((c) => c.textContent.trim());
    return n.length > 1 && n.every((x, i) => i === 0 || n[i - 1] <= x);
  });
  const asc = await rows.locator("td.col-name").allInnerTexts();
  assert.deepEqual(asc, [...asc].sort());

  // A reload (or a bookmark) gives the same list: filters, search and sort come from the URL.
  const url = page.url();
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('[data-test="table"] .el-table__body-wrapper tbody tr').length > 0);
  assert.equal(page.url(), url);
  assert.equal(await page.locator(Q).inputValue(), "学生营养餐");
  assert.deepEqual(await rows.locator("td.col-name").allInnerTexts(), asc);
  assert.match(await page.locator(".state-tabs .is-active").innerText(), /已提交/);

  // Sort by 年度资金 descending through the URL: the largest amount first.
  await page.goto(`${base}/#/review?sort=amount&order=desc`);
  await page.waitForFunction(() => document.querySelectorAll('[data-test="table"] .el-table__body-wrapper tbody tr').length > 0);
  await page.waitForFunction(() => document.querySelector('[data-test="table"] .el-table__body-wrapper tbody tr')?.textContent.includes("144.00"));
  assert.deepEqual(problems, []);
  await context.close();
});

test("the public table is searchable, sorted and paged, and opens a detail view per target", async () => {
  const { context, page, problems } = await open(1280, 900);
  await page.goto(`${base}/#/public?limit=10`);
  const rows = page.locator('[data-test="table"] .el-table__body-wrapper tbody tr');
  await page.waitForFunction(() => document.querySelectorAll('[data-test="table"] .el-table__body-wrapper tbody tr').length === 10);
  assert.deepEqual(await menu(page), ["信息公开"]);
  const heads = (await page.locator('[data-test="table"] th').allInnerTexts()).map((s) => s.trim());
  for (const h of ["项目名称", "部门", "年度", "批复金额(万元)", "批复日期"]) assert.ok(heads.includes(h), `column ${h}`);
  await page.locator('[data-test="more"]').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-test="table"] .el-table__body-wrapper tbody tr').length === 20);
  await page.locator('[data-test="more"]').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-test="table"] .el-table__body-wrapper tbody tr').length === n, ids.approved.length);
  assert.equal(await page.locator('[data-test="more"]').count(), 0);
  assert.match(await page.locator('[data-test="shown"]').innerText(), /已全部显示/);
  await axe(page, "信息公开");
  await shot(page, "public");

  // Year filter and search, remembered in the URL.
  await page.goto(`${base}/#/public?fiscal_year=2020`);
  await page.waitForFunction(() => {
    const ys = [...document.querySelectorAll('[data-test="table"] .el-table__body-wrapper tbody tr td:nth-child(4)')].map((c) => c.textContent.trim());
    return ys.length > 0 && ys.every((y) => y === "2020");
  });
  const years = await rows.locator("td:nth-child(4)").allInnerTexts();
  assert.ok(years.every((y) => y.trim() === "2020"), years.join());
  await page.locator(Q).fill("孤儿被装");
  await page.locator('[data-test="search"]').click();
  await page.waitForURL(/fiscal_year=2020.*q=|q=.*fiscal_year=2020/);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-test="table"] .el-table__body-wrapper tbody tr')].every((r) => r.textContent.includes("孤儿被装")));

  // Sort by 批复金额 ascending (the server's sort=amount).
  await page.goto(`${base}/#/public?sort=amount&order=asc`);
  await page.waitForFunction(() => document.querySelector('[data-test="table"] .el-table__body-wrapper tbody tr')?.textContent.includes("81.00"));

  // The detail: facts and the indicator tree as a table, with the framework's names.
  await page.locator('[data-test="table"] .el-table__body-wrapper tbody tr').first().locator("a.cell-link").click();
  await page.waitForURL(/#\/public\/[0-9a-f-]{36}/);
  await page.locator('[data-test="indicators"] tbody tr').first().waitFor();
  assert.equal(await page.locator('[data-test="indicators"] tbody tr').count(), FIXTURE.indicators.length);
  await page.waitForFunction(() => document.querySelector('[data-test="indicators"]')?.textContent.includes("产出指标"));
  assert.match(await page.locator('[data-test="indicators"]').innerText(), /产出指标[\s\S]*数量指标[\s\S]*保障孤儿人数/);
  assert.match(await page.locator('[data-test="facts"]').innerText(), /81\.00/);
  await axe(page, "信息公开详情");
  await shot(page, "public-detail");
  // Opened directly (a bookmark), the detail finds its target too.
  await page.reload();
  await page.locator('[data-test="indicators"] tbody tr').first().waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test("a department's targets, the form with the session cookie, the assessor's tasks and 用户管理", async () => {
  const d = await open(1280, 800); // a 10-inch tablet, landscape
  await signIn(d.page, "minzheng");
  await d.page.locator('[data-test="greeting"]').waitFor();
  await d.page.locator("#side-menu a:has-text('我的绩效目标')").click();
  await d.page.waitForURL(/#\/mine/);
  await d.page.waitForFunction(() => document.querySelectorAll('[data-test="table"] .el-table__body-wrapper tbody tr').length > 0);
  assert.match(await d.page.locator('[data-test="tab-all"]').innerText(), /全部\s*32/);
  // The side menu never covers the row buttons: the 操作 column is right of the menu.
  const menuBox = await d.page.locator("#side-menu").boundingBox();
  const action = await d.page.locator('[data-test="table"] .row-action').first().boundingBox();
  assert.ok(action.x >= menuBox.x + menuBox.width, "the row button is outside the menu");
  assert.ok(action.x + action.width <= 1280, "the row button is on the screen");
  await axe(d.page, "我的绩效目标");
  await shot(d.page, "mine");
  await d.page.locator('[data-test="tab-returned"]').click();
  await d.page.waitForURL(/status=returned/);
  await d.page.waitForFunction(() => document.querySelectorAll('[data-test="table"] .el-table__body-wrapper tbody tr').length === 1);
  // The returned target in the app: the bureau's opinion comes first.
  await d.page.locator('[data-test="table"] .row-action').first().click();
  await d.page.waitForFunction(() => /^#\/mine\/[0-9a-f-]{36}$/.test(location.hash));
  await d.page.locator('[data-test="returned"]').waitFor();
  assert.match(await d.page.locator('[data-test="returned"]').innerText(), /财政局退回意见[\s\S]*评级：中[\s\S]*绩效指标不够细化/);
  await d.page.locator('[data-test="indicators"] tbody tr').first().waitFor();
  await axe(d.page, "我的绩效目标（详情）");
  await shot(d.page, "mine-detail");
  // 修改内容 opens the target in the app's form (#/declare/:id), signed in with the cookie.
  await d.page.locator('[data-test="edit"]').click();
  await d.page.waitForFunction(() => /^#\/declare\/[0-9a-f-]{36}$/.test(location.hash));
  await d.page.locator("#submit").waitFor();
  assert.equal(await d.page.locator("#submit").innerText(), "重新提交审核");
  assert.equal(await d.page.locator("#token").count(), 0, "no token box in the app");
  // The resubmission with the cookie carries the session's X-CSRF-Token, no bearer token.
  const writes = [];
  d.page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname.endsWith("/submit")) writes.push(r.headers());
  });
  const returnedId = (await d.page.evaluate(() => location.hash)).split("/").pop();
  await d.page.click("#submit");
  await d.page.waitForFunction(() => /已提交审核/.test(document.getElementById("submit-status")?.textContent ?? ""));
  assert.equal(writes.length, 1);
  assert.ok(writes[0]["x-csrf-token"], "the CSRF token is sent");
  assert.equal(writes[0].authorization, undefined, "no bearer token");
  assert.equal((await api("GET", `/targets/${returnedId}`, tokens.d101)).body.status, "submitted");
  // A narrow tablet (portrait): the menu starts collapsed, the table still fits.
  await d.page.setViewportSize({ width: 800, height: 1280 });
  await d.page.evaluate(() => localStorage.removeItem("jixiao.menu.collapsed"));
  await d.page.goto(`${base}/#/mine`);
  await d.page.reload(); // a fresh start at this width (the menu's state is read at start)
  await d.page.waitForFunction(() => document.querySelectorAll('[data-test="table"] .el-table__body-wrapper tbody tr').length > 0);
  assert.ok((await d.page.locator("#side-menu").boundingBox()).width < 80);
  await shot(d.page, "mine-tablet-portrait");
  assert.deepEqual(d.problems, []);
  await d.context.close();

  // The assessor's tasks, after finance assigns two targets to its organisation.
  const due = new Date(Date.now() + 14 * 864e5).toISOString().slice(0, 10);
  const made = await api("POST", "/assignments", tokens.finance, { target_ids: ids.submitted.slice(0, 2), organisation: ORG, due });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const a = await open();
  await signIn(a.page, "pingshen");
  await a.page.locator('[data-card="open"] .n').waitFor();
  assert.equal(await a.page.locator('[data-card="open"] .n').innerText(), "2");
  await a.page.locator("#side-menu a:has-text('我的评审任务')").click();
  await a.page.waitForFunction(() => document.querySelectorAll('[data-test="table"] .el-table__body-wrapper tbody tr').length === 2);
  await axe(a.page, "我的评审任务");
  await shot(a.page, "assessor-tasks");
  // The task in the app: the document, the check and the structured opinion form.
  await a.page.locator('[data-test="table"] .row-action').first().click();
  await a.page.waitForFunction(() => /^#\/assignments\/[\w-]+$/.test(location.hash));
  await a.page.locator('[data-test="opinion-form"]').waitFor();
  assert.equal(await a.page.locator('[data-test="indicators"] tbody tr').count(), FIXTURE.indicators.length);
  await a.page.locator('[data-test="opinion-submit"]').click();
  assert.equal(await a.page.locator('[data-test="opinion-error"]').innerText(), "请填写完整性的得分（0–100，最多两位小数）");
  for (const [c, score] of [["completeness", "85"], ["relevance", "90"], ["appropriateness", "80.5"], ["feasibility", "88"]]) {
    await a.page.locator(`input[data-test="score-${c}"]`).fill(score);
    await a.page.locator(`textarea[data-test="remarks-${c}"]`).fill("指标设置基本合理，与年度目标相符。");
  }
  await a.page.locator("#findings").fill("部分产出指标缺少历史数据支撑");
  await axe(a.page, "评审任务");
  await shot(a.page, "assignment-detail");
  await a.page.locator('[data-test="opinion-submit"]').click();
  await a.page.locator('[data-test="opinion-done"]').waitFor();
  await a.page.locator('[data-test="opinion"]').first().waitFor();
  assert.match(await a.page.locator('[data-test="opinion"]').first().innerText(), /建议通过 · 平均分 85\.88/);
  assert.deepEqual(a.problems, []);
  await a.context.close();

  // Finance: 第三方评价 lists the assignments; admin: 用户管理 lists the users and creates one.
  const f = await open();
  await signIn(f.page, "caizheng");
  await f.page.locator('[data-test="greeting"]').waitFor();
  await f.page.goto(`${base}/#/assignments`);
  await f.page.waitForFunction(() => document.querySelectorAll('[data-test="table"] .el-table__body-wrapper tbody tr').length === 2);
  await axe(f.page, "第三方评价");
  await shot(f.page, "assignments");
  await f.page.goto(`${base}/#/password`);
  await f.page.locator("#pw-current").waitFor();
  await axe(f.page, "修改密码");
  await shot(f.page, "password");
  assert.deepEqual(f.problems, []);
  await f.context.close();

  const m = await open();
  await signIn(m.page, "guanli");
  await m.page.locator('[data-test="greeting"]').waitFor();
  await m.page.locator("#side-menu a:has-text('用户管理')").click();
  await m.page.waitForFunction(() => document.querySelectorAll('[data-test="users"] .el-table__body-wrapper tbody tr').length >= 5);
  await axe(m.page, "用户管理");
  await shot(m.page, "users");
  await m.page.locator('[data-test="new-user"]').click();
  await m.page.locator("#nu-username").fill("jiaoyu");
  await m.page.locator("#nu-name").fill("教育局填报员");
  await m.page.locator("#nu-password").fill("Jiaoyu-2026-pass");
  await m.page.locator(".el-select:has(#nu-role) .el-select__wrapper").click();
  await m.page.locator(".el-select-dropdown__item:visible:has-text('预算部门')").click();
  await m.page.locator(".el-select:has(#nu-dept) .el-select__wrapper").click();
  await m.page.locator(".el-select-dropdown__item:visible:has-text('102')").click();
  await m.page.locator(".el-dialog button:has-text('创建')").click();
  await m.page.waitForFunction(() => document.querySelector('[data-test="users"]')?.textContent.includes("jiaoyu"));
  assert.match(await m.page.locator('[data-test="users"]').innerText(), /教育局填报员[\s\S]*阿图什市教育局（102）/);
  assert.deepEqual(m.problems, []);
  await m.context.close();
});

test("finance decides in the app: 88号 refusals in Chinese, 委托第三方审核, then 批复 with the amount", async () => {
  const { context, page, problems } = await open(1366, 1000);
  await signIn(page, "caizheng");
  await page.locator('[data-test="greeting"]').waitFor();
  await page.goto(`${base}/#/review?status=submitted`);
  await page.waitForFunction(() => document.querySelectorAll('[data-test="table"] .el-table__body-wrapper tbody tr').length > 0);
  const rowName = (await page.locator('[data-test="table"] .el-table__body-wrapper tbody tr').first().locator("td.col-name").innerText()).trim();
  await page.locator('[data-test="table"] .row-action').first().click();
  await page.waitForFunction(() => /^#\/review\/[0-9a-f-]{36}$/.test(location.hash));
  const id = page.url().split("/").pop();
  await page.locator('[data-test="review-form"]').waitFor();
  assert.equal((await page.locator("h1").innerText()).trim(), rowName);
  await page.locator('[data-test="indicators"] tbody tr').first().waitFor();

  // 委托第三方审核 from the dossier.
  await page.locator("#assign-org").fill(ORG);
  await page.locator("#assign-due").fill(new Date(Date.now() + 7 * 864e5).toISOString().slice(0, 10));
  await page.locator('[data-test="assign-form"] button').click();
  await page.waitForFunction((org) => document.querySelector('[data-test="assign-message"]')?.textContent === `已委托${org}审核`, ORG);

  // 中 cannot be approved, a return needs an opinion: the server's reasons, in Chinese only.
  const chineseOnly = (s) => /[\u4e00-\u9fff]/.test(s) && !/[A-Za-z]{3,}\s+[A-Za-z]{2,}/.test(s);
  await page.locator('[data-test="grade-fair"]').click();
  await page.locator('[data-test="review-submit"]').click();
  await page.locator('[data-test="review-error"]').waitFor();
  const fair = await page.locator('[data-test="review-error"]').innerText();
  assert.ok(chineseOnly(fair), fair);
  await page.locator('[data-test="decision-return"]').click();
  await page.locator('[data-test="review-submit"]').click();
  await page.locator('[data-test="review-error"]').waitFor();
  const noOpinion = await page.locator('[data-test="review-error"]').innerText();
  assert.ok(chineseOnly(noOpinion), noOpinion);
  assert.notEqual(noOpinion, fair);
  await axe(page, "审核决定");
  await shot(page, "review-detail");

  // 良 + 批复 with the amount: approved, on the record and in the public list.
  await page.locator('[data-test="grade-good"]').click();
  await page.locator('[data-test="decision-approve"]').click();
  await page.locator("#approved-amount").fill("88.00");
  await page.locator('[data-test="review-submit"]').click();
  await page.locator('[data-test="review-done"]').waitFor();
  assert.equal(await page.locator('[data-test="status"]').innerText(), "已批复");
  assert.match(await page.locator('[data-test="reviews"]').innerText(), /批复\s+良\s+88\.00/);
  const pub = await api("GET", `/public/targets?q=${encodeURIComponent(rowName)}`, null);
  assert.ok(pub.body.items.some((t) => t.id === id && t.approved_amount === "88.00"));
  assert.deepEqual(problems, []);
  await context.close();
});
