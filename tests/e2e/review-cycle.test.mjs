// Browser test of the bureau side of the review cycle (issue 5) against the real server:
// finance assigns a submitted target to a third-party assessor from the queue; the
// assessor reads it and sends a structured opinion; finance sees the opinion in the
// dossier, is refused when approving a 中 or returning without an opinion (88号 rules,
// messages from the server), approves with the budget amount; the public page (no login) lists it, in
// Chinese and, after the toggle, in English. Then the three lists with more targets than a
// page (the routes are paged in SQL): the queue, a department's targets and the public list
// reach every target through 加载更多, with the totals from the server's counts, and the
// queue keeps its length after a decision. Needs target/debug/jixiao and web/dist.
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
const ORG = "新疆甲会计师事务所";

let dir, server, base, browser;
const tokens = {};

function token(db, ...args) {
  return execFileSync(BIN, ["token", "create", "--database", db, ...args], { cwd: ROOT, encoding: "utf8" }).trim();
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "jixiao-review-cycle-"));
  const db = `sqlite://${join(dir, "e2e.db")}`;
  tokens.dept = token(db, "--role", "department", "--department", "101", "--name", "民政局填报员");
  tokens.finance = token(db, "--role", "finance", "--name", "财政局绩效科");
  tokens.assessor = token(db, "--role", "assessor", "--org", ORG, "--name", "甲所评审员");
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

async function api(method, path, tok, body) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { ...(tok ? { Authorization: `Bearer ${tok}` } : {}), ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function pageAs(tok) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1400 }, locale: "zh-CN" });
  await context.addInitScript((t) => {
    if (t) localStorage.setItem("jixiao.token", t);
  }, tok);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  return { context, page, errors };
}

test("finance assigns, the assessor gives an opinion, finance approves, the public sees it", async () => {
  const created = await api("POST", "/targets", tokens.dept, FIXTURE);
  assert.equal(created.status, 201);
  const id = created.body.id;
  assert.equal((await api("POST", `/targets/${id}/submit`, tokens.dept)).status, 200);
  mkdirSync(SHOTS, { recursive: true });

  // Finance: the queue shows the submitted target; assign it to the assessor.
  const fin = await pageAs(tokens.finance);
  await fin.page.goto(`${base}/review.html`);
  const row = fin.page.locator(`#queue-table tr[data-id="${id}"]`);
  await row.waitFor();
  assert.match(await fin.page.locator("#count-submitted").innerText(), /已提交\s*1/);
  await row.locator('input[type="checkbox"]').check();
  await fin.page.fill("#assign-org", ORG);
  await fin.page.fill("#assign-due", "2018-11-30");
  await fin.page.click("#assign-btn");
  await fin.page.waitForFunction(() => /已委托 1 个目标/.test(document.getElementById("message")?.textContent ?? ""));

  // The assessor: its assignment, the target, the opinion form.
  const ass = await pageAs(tokens.assessor);
  await ass.page.goto(`${base}/assessor.html`);
  await ass.page.locator("#assignment-table button.open").click();
  await ass.page.locator("#opinion-form").waitFor();
  assert.match(await ass.page.locator("#assignment-detail").innerText(), /2019年孤儿被装购置费/);
  assert.match(await ass.page.locator("#violations").innerText(), /未发现问题/);
  for (const [c, s] of [["completeness", "90"], ["relevance", "85"], ["appropriateness", "70"], ["feasibility", "88"]]) {
    await ass.page.fill(`#score-${c}`, s);
    await ass.page.fill(`#remarks-${c}`, c === "appropriateness" ? "单位成本测算偏高" : "符合要求");
  }
  await ass.page.fill("#findings", "人均被装购置成本高于同类地区");
  await ass.page.selectOption("#recommendation", "revise");
  await ass.page.click("#opinion-submit");
  await ass.page.waitForFunction(() => document.getElementById("message")?.textContent === "意见已提交");
  await ass.page.screenshot({ path: join(SHOTS, "review-assessor.png"), fullPage: true });

  // Finance: the dossier shows the opinion; returning without an opinion is refused.
  await fin.page.reload();
  await fin.page.locator(`#queue-table tr[data-id="${id}"] button.open`).click();
  await fin.page.locator("#review-form").waitFor();
  assert.match(await fin.page.locator("#opinions").innerText(), new RegExp(`${ORG}.*建议修改.*83\\.25`));
  // The 88号 rules, as the server (jixiao-rules) states them: 中 cannot be approved ...
  await fin.page.selectOption("#grade", "fair");
  await fin.page.click("#review-submit");
  await fin.page.waitForFunction(() => /审核结果为“中”的绩效目标必须退回/.test(document.getElementById("review-error")?.textContent ?? ""));
  // ... and a return needs an opinion.
  await fin.page.selectOption("#decision", "return");
  await fin.page.click("#review-submit");
  await fin.page.waitForFunction(() => /退回时必须填写审核意见/.test(document.getElementById("review-error")?.textContent ?? ""));

  // Approved with the budget amount.
  await fin.page.selectOption("#grade", "excellent");
  await fin.page.selectOption("#decision", "approve");
  await fin.page.fill("#criterion-appropriateness", "成本略高，批复时核减");
  await fin.page.fill("#approved-amount", "80.00");
  await fin.page.click("#review-submit");
  await fin.page.waitForFunction(() => document.getElementById("message")?.textContent === "已批复");
  await fin.page.locator("#dossier .status-approved").first().waitFor();
  assert.match(await fin.page.locator("#reviews").innerText(), /批复 · 优/);
  assert.match(await fin.page.locator("#history").innerText(), /委托第三方审核[\s\S]*第三方审核意见[\s\S]*审核/);
  await fin.page.screenshot({ path: join(SHOTS, "review-finance.png"), fullPage: true });

  // The public page, no login: listed with its indicators; English on request.
  const pub = await pageAs(null);
  await pub.page.goto(`${base}/public.html?fiscal_year=2019`);
  const card = pub.page.locator(`article.public-target[data-id="${id}"]`);
  await card.waitFor();
  assert.match(await card.innerText(), /批复金额（万元）：80\.00/);
  assert.match(await card.innerText(), /保障孤儿人数/);
  await pub.page.click("#locale");
  await pub.page.waitForFunction(() => document.querySelector("h1")?.textContent === "Published performance targets");
  // The list is re-rendered after the toggle: wait for it rather than read it at once.
  await pub.page.waitForFunction(() =>
    /Approved amount \(10k yuan\): 80\.00/.test(document.querySelector("article.public-target")?.textContent ?? ""),
  );
  assert.match(await card.innerText(), /Social benefit/);
  await pub.page.screenshot({ path: join(SHOTS, "review-public.png"), fullPage: true });

  const state = await api("GET", `/targets/${id}/dossier`, tokens.finance);
  assert.equal(state.body.target.status, "approved");
  assert.equal(state.body.reviews.at(-1).approved_amount, "80.00");
  for (const p of [fin, ass, pub]) {
    assert.deepEqual(p.errors, []);
    await p.context.close();
  }
});

/** Every item of a paged list route, following next_cursor (limit 200). */
async function every(path, tok) {
  const out = [];
  let cursor = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page = await api("GET", `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, tok);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    out.push(...page.body.items);
    cursor = page.body.next_cursor;
  } while (cursor);
  return out;
}

/** The pager's texts after each page of `size` over `total` rows (`known`: the route counts them). */
function pagerTexts(total, size, known) {
  const out = [];
  for (let shown = Math.min(size, total); ; shown = Math.min(shown + size, total)) {
    if (shown === total) return [...out, `共 ${total} 个，已全部显示`];
    out.push(known ? `已显示 ${shown} / 共 ${total} 个` : `已显示 ${shown} 个，还有更多`);
  }
}

/** Clicks 加载更多 until the pager has no button; returns the pager texts seen after each page. */
async function loadAll(page, pagerId, rows) {
  const seen = [await page.locator(`#${pagerId} .pager-status`).innerText()];
  for (let i = 0; i < 100 && (await page.locator(`#${pagerId} button.more`).count()) > 0; i++) {
    const before = await page.locator(rows).count();
    await page.click(`#${pagerId} button.more`);
    await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length > n, [rows, before]);
    seen.push(await page.locator(`#${pagerId} .pager-status`).innerText());
  }
  return seen;
}

test("the queue and the public list reach every target page by page", async () => {
  // What the first test left (this test also runs alone): the counts are relative to it.
  const before = (await api("GET", "/review/targets", tokens.finance)).body.counts;
  assert.equal(before.submitted, 0);
  const publicBefore = (await every("/public/targets?fiscal_year=2019", null)).length;
  // 56 submitted targets: more than the default page (50); 12 of them approved through the API.
  const ids = [];
  for (let i = 1; i <= 56; i++) {
    const doc = structuredClone(FIXTURE);
    doc.project = { ...doc.project, code: `P2019-${String(100 + i)}`, name: `2019年孤儿被装购置费（第${i}批）` };
    const created = await api("POST", "/targets", tokens.dept, doc);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await api("POST", `/targets/${created.body.id}/submit`, tokens.dept)).status, 200);
    ids.push(created.body.id);
  }
  for (const id of ids.slice(0, 12)) {
    const r = await api("POST", `/targets/${id}/review`, tokens.finance, { decision: "approve", grade: "good", approved_amount: "86.40" });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  const submitted = ids.slice(12); // 44 still submitted: one default page; ask for smaller ones (?limit=)
  const first = await api("GET", "/review/targets?status=submitted", tokens.finance);
  assert.equal(first.body.counts.submitted, submitted.length);

  // Finance's queue, 20 a page: 20, 40, 44 of 44 submitted; the counts come from the server.
  const fin = await pageAs(tokens.finance);
  await fin.page.goto(`${base}/review.html?limit=20`);
  await fin.page.locator("#queue-pager").waitFor();
  assert.equal(await fin.page.locator("#queue-table tbody tr").count(), 20);
  assert.match(await fin.page.locator("#count-submitted").innerText(), new RegExp(`已提交\\s*${submitted.length}`));
  const queueTexts = await loadAll(fin.page, "queue-pager", "#queue-table tbody tr");
  assert.deepEqual(queueTexts, pagerTexts(44, 20, true));
  const shown = await fin.page.locator("#queue-table tbody tr").evaluateAll((rs) => rs.map((r) => r.dataset.id));
  assert.deepEqual([...shown].sort(), [...submitted].sort(), "every submitted target once");
  // Most recently changed first: the last submitted comes first.
  assert.equal(shown[0], submitted.at(-1));

  // A decision on a row of the last page: the queue is read again as far as it was shown.
  const last = shown.at(-1);
  await fin.page.locator(`#queue-table tr[data-id="${last}"] button.open`).click();
  await fin.page.locator("#review-form").waitFor();
  await fin.page.selectOption("#grade", "good");
  await fin.page.fill("#approved-amount", "86.40");
  await fin.page.click("#review-submit");
  await fin.page.waitForFunction(() => document.getElementById("message")?.textContent === "已批复");
  assert.equal(await fin.page.locator("#queue-table tbody tr").count(), submitted.length - 1);
  assert.equal(await fin.page.locator(`#queue-table tr[data-id="${last}"]`).count(), 0);
  assert.equal(await fin.page.locator("#queue-pager .pager-status").innerText(), "共 43 个，已全部显示");
  assert.match(await fin.page.locator("#count-approved").innerText(), new RegExp(`已批复\\s*${before.approved + 13}`));

  // Every status (the 全部 filter) at the server's default page size: 50, then all (57).
  const all = Object.values(before).reduce((n, c) => n + c, 0) + ids.length;
  await fin.page.goto(`${base}/review.html`);
  await fin.page.locator("#queue-pager").waitFor();
  await fin.page.selectOption("#status-filter", "");
  await fin.page.click('#filters button[type="submit"]');
  await fin.page.waitForFunction((n) => document.querySelector("#queue-pager .pager-status")?.textContent === `已显示 50 / 共 ${n} 个`, all);
  assert.equal(await fin.page.locator("#queue-table tbody tr").count(), 50);
  await fin.page.screenshot({ path: join(SHOTS, "review-paged.png"), fullPage: true });
  assert.deepEqual(await loadAll(fin.page, "queue-pager", "#queue-table tbody tr"), pagerTexts(all, 50, true));
  assert.equal(new Set(await fin.page.locator("#queue-table tbody tr").evaluateAll((rs) => rs.map((r) => r.dataset.id))).size, all);

  // The department's own list pages in the app (#/mine): tests/e2e/app.test.mjs (search, sort,
  // cursor paging, tabs kept in the URL); my-targets.html is only a redirect into it now.

  // The public list (no counts in the route), 5 a page: "there are more" until the last page.
  const published = await every("/public/targets?fiscal_year=2019", null);
  assert.equal(published.length, publicBefore + 13);
  const pub = await pageAs(null);
  await pub.page.goto(`${base}/public.html?fiscal_year=2019&limit=5`);
  await pub.page.locator("#public-pager").waitFor();
  assert.equal(await pub.page.locator("#message").innerText(), "已显示 5 个已批复的绩效目标，还有更多");
  assert.deepEqual(await loadAll(pub.page, "public-pager", "article.public-target"), pagerTexts(published.length, 5, false));
  assert.equal(await pub.page.locator("#message").innerText(), `共 ${published.length} 个已批复的绩效目标`);
  const cards = await pub.page.locator("article.public-target").evaluateAll((as) => as.map((a) => a.dataset.id));
  assert.deepEqual(cards, published.map((p) => p.id), "in the route's order, each once");
  // A search keeps its filters in the URL and starts again from the first page.
  await pub.page.fill("#department-filter", "101");
  await pub.page.click('#filters button[type="submit"]');
  await pub.page.waitForFunction(() => document.querySelectorAll("article.public-target").length === 5);
  assert.match(pub.page.url(), /fiscal_year=2019/);
  assert.match(pub.page.url(), /department=101/);
  assert.match(pub.page.url(), /limit=5/);
  await pub.page.screenshot({ path: join(SHOTS, "public-paged.png"), fullPage: true });
  await pub.page.click("#public-pager button.more");
  await pub.page.waitForFunction(() => document.querySelectorAll("article.public-target").length === 10);

  for (const p of [fin, pub]) {
    assert.deepEqual(p.errors, []);
    await p.context.close();
  }
});
