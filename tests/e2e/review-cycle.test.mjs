// Browser test of the bureau side of the review cycle (issue 5) in the app against the real
// server: finance selects a submitted target in the 审核 queue (#/review) and 批量委托第三方;
// the assessor opens the task (#/assignments/:id) and sends a structured opinion; finance sees
// the opinion in the dossier (#/review/:id), is refused when approving a 中 or returning
// without an opinion (88号 rules, messages from the server), approves with the budget amount,
// the 操作日志 records it all; the public list (#/public, no login) shows it with its
// indicators. Then the three lists with more targets than a page (the routes are paged in
// SQL): the queue, a department's targets (#/mine) and the public list reach every target
// through 加载更多, with the totals from the server's counts, and several targets are
// assigned at once. Needs target/debug/jixiao and web/dist.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { axe, fixture, shot, signIn, startServer, watchCsp } from "./harness.mjs";

const FIXTURE = fixture();
const ORG = "新疆甲会计师事务所";
const ROWS = '[data-test="table"] .el-table__body-wrapper tbody tr';

let srv;

before(async () => {
  srv = await startServer({
    prefix: "jixiao-review-cycle-",
    tokens: {
      dept: ["--role", "department", "--department", "101", "--name", "民政局接口"],
      finance: ["--role", "finance", "--name", "财政局接口"],
    },
    users: {
      minzheng: { role: "department", name: "民政局填报员", args: ["--department", "101"] },
      caizheng: { role: "finance", name: "财政局绩效科", args: [] },
      pingshen: { role: "assessor", name: "甲所评审员", args: ["--org", ORG] },
    },
  });
});

after(async () => {
  await srv?.stop();
});

const api = (...a) => srv.api(...a);

/** A zh-CN context, signed in as `username` (none: anonymous), recording page errors and CSP reports. */
async function pageAs(username, viewport = { width: 1400, height: 1400 }) {
  const context = await srv.browser.newContext({ viewport, locale: "zh-CN" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  const csp = await watchCsp(page);
  if (username) await signIn(page, srv.base, username);
  return { context, page, errors, csp };
}

async function done(...pages) {
  for (const p of pages) {
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.csp.list(), []);
    await p.context.close();
  }
}

/** The ids of the table's rows, from their links (#/review/<id>, #/mine/<id>, #/public/<id>?…). */
async function rowIds(page) {
  return page.locator(`${ROWS} a.cell-link`).evaluateAll((as) => as.map((a) => a.getAttribute("href").replace(/^#\/\w+\//, "").replace(/\?.*$/, "")));
}

/** Waits until the table shows `n` rows and the pager is not loading. */
async function rowsShown(page, n) {
  await page.waitForFunction(
    ([sel, n]) => document.querySelectorAll(sel).length === n && !/加载中/.test(document.querySelector('[data-test="shown"]')?.textContent ?? ""),
    [ROWS, n],
  );
}

test("finance assigns from the queue, the assessor gives an opinion, finance approves, the public sees it", async () => {
  const created = await api("POST", "/targets", srv.tokens.dept, FIXTURE);
  assert.equal(created.status, 201);
  const id = created.body.id;
  assert.equal((await api("POST", `/targets/${id}/submit`, srv.tokens.dept)).status, 200);

  // Finance: the queue shows the submitted target; select it and 批量委托第三方.
  const fin = await pageAs("caizheng");
  await fin.page.goto(`${srv.base}/#/review?status=submitted`);
  await rowsShown(fin.page, 1);
  assert.deepEqual(await rowIds(fin.page), [id]);
  assert.match(await fin.page.locator('[data-test="tab-submitted"]').innerText(), /已提交\s*1/);
  assert.ok(await fin.page.locator('[data-test="batch-assign"]').isDisabled(), "nothing selected yet");
  await fin.page.locator(`${ROWS} .el-checkbox`).first().click();
  await fin.page.locator('[data-test="batch-assign"]').click();
  await fin.page.locator("#batch-org").waitFor();
  // Both fields are needed: the message comes before any request.
  await fin.page.locator('[data-test="assign-submit"]').click();
  assert.equal(await fin.page.locator('[data-test="assign-error"]').innerText(), "请填写评审机构和完成期限");
  await fin.page.locator("#batch-org").fill(ORG);
  await fin.page.locator("#batch-due").fill("2018-11-30");
  await fin.page.mouse.move(0, 0); // not hovering 委托 (the error above it is gone, the button moved under the pointer)
  await axe(fin.page, "批量委托第三方");
  await shot(fin.page, "review-batch-assign");
  await fin.page.locator('[data-test="assign-submit"]').click();
  await fin.page.waitForFunction((org) => document.querySelector('[data-test="assign-done"]')?.textContent.includes(`已委托 1 个绩效目标给${org}`), ORG);
  assert.equal(await fin.page.locator(`${ROWS} .el-checkbox.is-checked`).count(), 0, "the selection is cleared");

  // The assessor: its assignment, the target, the opinion form.
  const ass = await pageAs("pingshen");
  await ass.page.goto(`${srv.base}/#/assignments`);
  await rowsShown(ass.page, 1);
  await ass.page.locator(`${ROWS} .row-action`).first().click();
  await ass.page.locator('[data-test="opinion-form"]').waitFor();
  assert.match(await ass.page.locator("h1").innerText(), /2019年孤儿被装购置费/);
  assert.match(await ass.page.locator('[data-test="no-violations"]').innerText(), /未发现问题/);
  for (const [c, s] of [["completeness", "90"], ["relevance", "85"], ["appropriateness", "70"], ["feasibility", "88"]]) {
    await ass.page.locator(`input[data-test="score-${c}"]`).fill(s);
    await ass.page.locator(`textarea[data-test="remarks-${c}"]`).fill(c === "appropriateness" ? "单位成本测算偏高" : "符合要求");
  }
  await ass.page.locator("#findings").fill("人均被装购置成本高于同类地区");
  await ass.page.locator('[data-test="opinion-form"] .el-radio:has-text("建议修改")').click();
  await ass.page.locator('[data-test="opinion-submit"]').click();
  await ass.page.waitForFunction(() => document.querySelector('[data-test="opinion-done"]')?.textContent === "意见已提交");
  await shot(ass.page, "review-assessor");

  // Finance: the dossier shows the opinion; the 88号 refusals, as the server states them.
  await fin.page.goto(`${srv.base}/#/review/${id}`);
  await fin.page.locator('[data-test="review-form"]').waitFor();
  await fin.page.locator('[data-test="opinion"]').first().waitFor();
  assert.match(await fin.page.locator('[data-test="opinion"]').first().innerText(), new RegExp(`建议修改.*83\\.25.*${ORG}`));
  // 中 cannot be approved ...
  await fin.page.locator('[data-test="grade-fair"]').click();
  await fin.page.locator('[data-test="review-submit"]').click();
  await fin.page.waitForFunction(() => /审核结果为“中”的绩效目标必须退回/.test(document.querySelector('[data-test="review-error"]')?.textContent ?? ""));
  // ... and a return needs an opinion.
  await fin.page.locator('[data-test="decision-return"]').click();
  await fin.page.locator('[data-test="review-submit"]').click();
  await fin.page.waitForFunction(() => /退回时必须填写审核意见/.test(document.querySelector('[data-test="review-error"]')?.textContent ?? ""));

  // Approved with the budget amount.
  await fin.page.locator('[data-test="grade-excellent"]').click();
  await fin.page.locator('[data-test="decision-approve"]').click();
  await fin.page.locator('textarea[aria-label="适当性审核意见"]').fill("成本略高，批复时核减");
  await fin.page.locator("#approved-amount").fill("80.00");
  await fin.page.locator('[data-test="review-submit"]').click();
  await fin.page.waitForFunction(() => document.querySelector('[data-test="review-done"]')?.textContent === "已批复");
  assert.equal(await fin.page.locator('[data-test="status"]').innerText(), "已批复");
  assert.match(await fin.page.locator('[data-test="reviews"]').innerText(), /批复\s+优\s+80\.00/);
  assert.match(await fin.page.locator('[data-test="history"]').innerText(), /委托第三方审核[\s\S]*第三方审核意见[\s\S]*审核/);
  await axe(fin.page, "审核（已批复）");
  await shot(fin.page, "review-finance");

  // The public list, no login: listed with its amount; the detail with its indicators.
  const pub = await pageAs(null);
  await pub.page.goto(`${srv.base}/#/public?fiscal_year=2019`);
  await rowsShown(pub.page, 1);
  assert.deepEqual(await rowIds(pub.page), [id]);
  assert.match(await pub.page.locator(ROWS).first().innerText(), /80\.00/);
  await pub.page.locator(`${ROWS} a.cell-link`).first().click();
  await pub.page.locator('[data-test="indicators"] tbody tr').first().waitFor();
  // The framework's names come from the WASM profile once it is loaded.
  await pub.page.waitForFunction(() => document.querySelector('[data-test="indicators"]')?.textContent.includes("社会效益"));
  assert.match(await pub.page.locator('[data-test="indicators"]').innerText(), /效益指标[\s\S]*社会效益[\s\S]*孤儿基本生活条件改善情况/);
  assert.match(await pub.page.locator('[data-test="indicators"]').innerText(), /保障孤儿人数/);
  assert.match(await pub.page.locator('[data-test="facts"]').innerText(), /80\.00/);
  await shot(pub.page, "review-public");

  const state = await api("GET", `/targets/${id}/dossier`, srv.tokens.finance);
  assert.equal(state.body.target.status, "approved");
  assert.equal(state.body.reviews.at(-1).approved_amount, "80.00");
  await done(fin, ass, pub);
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
    if (known) out.push(`已显示 ${shown} / 共 ${total} 个`);
    else out.push(`已显示 ${shown} 个，${shown === total ? "已全部显示" : "还有更多"}`);
    if (shown === total) return out;
  }
}

/** Clicks 加载更多 until there is none; returns the pager texts seen after each page. */
async function loadAll(page) {
  const text = () => page.locator('[data-test="shown"]').innerText();
  const seen = [await text()];
  for (let i = 0; i < 100 && (await page.locator('[data-test="more"]').count()) > 0; i++) {
    const before = await page.locator(ROWS).count();
    await page.locator('[data-test="more"]').click();
    await page.waitForFunction(
      ([sel, n]) => document.querySelectorAll(sel).length > n && !/加载中/.test(document.querySelector('[data-test="shown"]')?.textContent ?? ""),
      [ROWS, before],
    );
    seen.push(await text());
  }
  return seen;
}

test("the queue, a department's targets and the public list reach every target page by page", async () => {
  // What the first test left (this test also runs alone): the counts are relative to it.
  const before = (await api("GET", "/review/targets", srv.tokens.finance)).body.counts;
  assert.equal(before.submitted, 0);
  const publicBefore = (await every("/public/targets?fiscal_year=2019", null)).length;
  // 56 submitted targets: more than the default page (50); 12 of them approved through the API.
  const ids = [];
  for (let i = 1; i <= 56; i++) {
    const doc = structuredClone(FIXTURE);
    doc.project = { ...doc.project, code: `P2019-${String(100 + i)}`, name: `2019年孤儿被装购置费（第${i}批）` };
    const created = await api("POST", "/targets", srv.tokens.dept, doc);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await api("POST", `/targets/${created.body.id}/submit`, srv.tokens.dept)).status, 200);
    ids.push(created.body.id);
  }
  for (const id of ids.slice(0, 12)) {
    const r = await api("POST", `/targets/${id}/review`, srv.tokens.finance, { decision: "approve", grade: "good", approved_amount: "86.40" });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  const submitted = ids.slice(12); // 44 still submitted: one default page; ask for smaller ones (?limit=)
  const first = await api("GET", "/review/targets?status=submitted", srv.tokens.finance);
  assert.equal(first.body.counts.submitted, submitted.length);

  // Finance's queue, 20 a page: 20, 40, 44 of 44 submitted; the counts come from the server.
  const fin = await pageAs("caizheng");
  await fin.page.goto(`${srv.base}/#/review?status=submitted&limit=20`);
  await rowsShown(fin.page, 20);
  assert.match(await fin.page.locator('[data-test="tab-submitted"]').innerText(), new RegExp(`已提交\\s*${submitted.length}`));
  assert.deepEqual(await loadAll(fin.page), pagerTexts(44, 20, true));
  const shown = await rowIds(fin.page);
  assert.deepEqual([...shown].sort(), [...submitted].sort(), "every submitted target once");
  // Most recently changed first: the last submitted comes first.
  assert.equal(shown[0], submitted.at(-1));

  // Several at once: three rows, one of them from the last page, to one organisation.
  const picked = [shown[0], shown[1], shown.at(-1)];
  for (const pid of picked) await fin.page.locator(`${ROWS}:has(a.cell-link[href="#/review/${pid}"]) .el-checkbox`).click();
  assert.match(await fin.page.locator('[data-test="batch-assign"]').innerText(), /批量委托第三方（3）/);
  await fin.page.locator('[data-test="batch-assign"]').click();
  await fin.page.locator("#batch-org").fill(ORG);
  await fin.page.locator("#batch-due").fill("2019-03-31");
  await fin.page.locator('[data-test="assign-submit"]').click();
  await fin.page.waitForFunction((org) => document.querySelector('[data-test="assign-done"]')?.textContent.includes(`已委托 3 个绩效目标给${org}`), ORG);
  // The list is read again from its first page.
  await rowsShown(fin.page, 20);
  const assigned = (await every("/assignments", srv.tokens.finance)).filter((a) => a.due === "2019-03-31");
  assert.deepEqual(assigned.map((a) => a.target_id).sort(), [...picked].sort());
  assert.ok(assigned.every((a) => a.organisation === ORG));

  // A decision on a row of the last page; back in the queue it is gone and the counts follow.
  const last = shown.at(-1);
  await fin.page.goto(`${srv.base}/#/review/${last}`);
  await fin.page.locator('[data-test="review-form"]').waitFor();
  await fin.page.locator('[data-test="grade-good"]').click();
  await fin.page.locator("#approved-amount").fill("86.40");
  await fin.page.locator('[data-test="review-submit"]').click();
  await fin.page.waitForFunction(() => document.querySelector('[data-test="review-done"]')?.textContent === "已批复");
  await fin.page.goto(`${srv.base}/#/review?status=submitted&limit=20`);
  await rowsShown(fin.page, 20);
  assert.deepEqual(await loadAll(fin.page), pagerTexts(43, 20, true));
  assert.ok(!(await rowIds(fin.page)).includes(last));
  assert.match(await fin.page.locator('[data-test="tab-approved"]').innerText(), new RegExp(`已批复\\s*${before.approved + 13}`));

  // Every status (the 全部 tab) at the server's default page size: 50, then all (57).
  const all = Object.values(before).reduce((n, c) => n + c, 0) + ids.length;
  await fin.page.goto(`${srv.base}/#/review`);
  await fin.page.waitForFunction((n) => document.querySelector('[data-test="shown"]')?.textContent === `已显示 50 / 共 ${n} 个`, all);
  assert.equal(await fin.page.locator(ROWS).count(), 50);
  await shot(fin.page, "review-paged");
  assert.deepEqual(await loadAll(fin.page), pagerTexts(all, 50, true));
  assert.equal(new Set(await rowIds(fin.page)).size, all);

  // The department: its submitted targets, 15 a page, the tab kept in the URL.
  const dept = await pageAs("minzheng");
  await dept.page.goto(`${srv.base}/#/mine?status=submitted&limit=15`);
  await rowsShown(dept.page, 15);
  assert.match(await dept.page.locator('[data-test="tab-submitted"]').innerText(), /已提交\s*43/);
  assert.deepEqual(await loadAll(dept.page), pagerTexts(43, 15, true));
  assert.equal(new Set(await rowIds(dept.page)).size, 43);
  await dept.page.locator('[data-test="tab-approved"]').click();
  const approved = before.approved + 13;
  await dept.page.waitForFunction((n) => document.querySelector('[data-test="shown"]')?.textContent === `已显示 ${n} / 共 ${n} 个`, approved);
  assert.equal(await dept.page.locator(ROWS).count(), approved);
  assert.match(dept.page.url(), /status=approved/);
  assert.match(dept.page.url(), /limit=15/);
  await dept.page.locator('[data-test="tab-submitted"]').click();
  await dept.page.waitForFunction(() => document.querySelector('[data-test="shown"]')?.textContent === "已显示 15 / 共 43 个");
  await dept.page.locator('[data-test="more"]').click();
  await rowsShown(dept.page, 30);
  await shot(dept.page, "my-targets-paged");

  // The public list (no counts in the route), 5 a page: "there are more" until the last page.
  const published = await every("/public/targets?fiscal_year=2019", null);
  assert.equal(published.length, publicBefore + 13);
  const pub = await pageAs(null);
  await pub.page.goto(`${srv.base}/#/public?fiscal_year=2019&limit=5`);
  await rowsShown(pub.page, 5);
  assert.equal(await pub.page.locator('[data-test="shown"]').innerText(), "已显示 5 个，还有更多");
  assert.deepEqual(await loadAll(pub.page), pagerTexts(published.length, 5, false));
  assert.deepEqual(await rowIds(pub.page), published.map((p) => p.id), "in the route's order, each once");
  // A search keeps the filters of the URL and starts again from the first page.
  await pub.page.goto(`${srv.base}/#/public?fiscal_year=2019&department=101&limit=5`);
  await rowsShown(pub.page, 5);
  await pub.page.locator('input[data-test="q"], [data-test="q"] input').fill("孤儿被装");
  await pub.page.locator('[data-test="search"]').click();
  await pub.page.waitForURL(/q=/);
  await rowsShown(pub.page, 5);
  assert.match(pub.page.url(), /fiscal_year=2019/);
  assert.match(pub.page.url(), /department=101/);
  assert.match(pub.page.url(), /limit=5/);
  await shot(pub.page, "public-paged");
  await pub.page.locator('[data-test="more"]').click();
  await rowsShown(pub.page, 10);

  await done(fin, dept, pub);
});
