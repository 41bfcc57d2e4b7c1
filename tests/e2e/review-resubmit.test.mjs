// Browser test of the review cycle (issue 5) in the app: a department's target is returned
// by finance with an opinion; in Debian's Chromium the department user finds it under
// 已退回, reads the opinion on its page, opens it in the target form (#/declare/:id, from 修改内容), edits
// it there (the WASM rules flag an error at its field and mark resubmission as blocked
// until it is fixed), resubmits, and finance sees exactly what changed since the return.
// Needs target/debug/jixiao (or JIXIAO_BIN) and web/dist.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { fixture, shot, signIn, startServer } from "./harness.mjs";

const FIXTURE = fixture();
const OPINION = "人均被装购置成本测算依据不足，请补充说明后重新报送。";
let srv;

before(async () => {
  srv = await startServer({
    prefix: "jixiao-review-e2e-",
    tokens: {
      dept: ["--role", "department", "--department", "101", "--name", "民政局接口"],
      finance: ["--role", "finance", "--name", "财政局绩效科"],
    },
    users: { minzheng: { role: "department", name: "民政局填报员", args: ["--department", "101"] } },
  });
});

after(async () => {
  await srv?.stop();
});

const at = (p) => `.jx-form [data-pointer="${p}"]`;
const cell = (p) => `.jx-form td:has([data-pointer="${p}"])`;

test("a department resubmits a returned target in the browser", async () => {
  // Set-up through the API: a draft, submitted, returned by finance with an opinion.
  const created = await srv.api("POST", "/targets", srv.tokens.dept, FIXTURE);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;
  assert.equal((await srv.api("POST", `/targets/${id}/submit`, srv.tokens.dept)).status, 200);
  const ret = await srv.api("POST", `/targets/${id}/review`, srv.tokens.finance, { decision: "return", grade: "fair", opinion: OPINION });
  assert.equal(ret.status, 200, JSON.stringify(ret.body));

  const context = await srv.browser.newContext({ viewport: { width: 1400, height: 1200 }, locale: "zh-CN" });
  const page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e));
  await signIn(page, srv.base, "minzheng");
  await page.goto(`${srv.base}/#/mine?status=returned`);

  // The returned target is listed under 已退回 with the reviewer's opinion.
  await page.waitForFunction(() => document.querySelectorAll('[data-test="table"] .el-table__body-wrapper tbody tr').length === 1);
  assert.match(await page.locator('[data-test="tab-returned"]').innerText(), /已退回\s*1/);
  await page.locator('[data-test="table"] .row-action').first().click();
  // Its page puts the bureau's opinion first.
  await page.locator('[data-test="returned"]').waitFor();
  assert.match(await page.locator('[data-test="returned"]').innerText(), /成本测算依据不足/);
  await page.locator('[data-test="edit"]').click();
  await page.waitForURL(new RegExp(`#/declare/${id}$`));
  await page.locator(".jx-form[data-ready=true]").waitFor();
  assert.match(await page.locator("#review-note").innerText(), /评级：中[\s\S]*成本测算依据不足/);

  // An edit that breaks a rule: the WASM check reports it at its field; resubmission is marked as blocked.
  await page.fill(at("/indicators/5/unit"), "");
  const unitError = page.locator(`${cell("/indicators/5/unit")} li.error[data-code="IND_UNIT_REQUIRED"]`);
  await unitError.waitFor();
  assert.equal(await page.locator(at("/indicators/5/unit")).getAttribute("aria-invalid"), "true");
  assert.equal(await page.locator("#submit").getAttribute("data-blocked"), "true");

  // Fixed: the error disappears, the changes asked for are made, and the target is resubmitted.
  await page.fill(at("/indicators/5/unit"), FIXTURE.indicators[5].unit);
  await unitError.waitFor({ state: "detached" });
  await page.fill(at("/indicators/5/value"), "0.23");
  await page.fill(at("/indicators/5/explanation"), "按2018年同类采购均价测算");
  await page.locator('#changes-count[data-count="2"]').waitFor();
  assert.equal(await page.locator("#submit").getAttribute("data-blocked"), "false");
  assert.equal(await page.locator("#submit").innerText(), "重新提交审核");
  await page.click("#submit");
  await page.waitForFunction(() => /已提交审核/.test(document.getElementById("submit-status")?.textContent ?? ""));
  assert.equal(await page.locator('[data-test="status"]').innerText(), "已提交");
  await shot(page, "review-resubmit");

  // The server agrees: submitted again, and finance sees what changed since the return.
  const dossier = await srv.api("GET", `/targets/${id}/dossier`, srv.tokens.finance);
  assert.equal(dossier.body.target.status, "submitted");
  assert.deepEqual(
    dossier.body.changes.changes.map((c) => c.path),
    ["/indicators/5/explanation", "/indicators/5/value"],
  );
  const actions = (await srv.api("GET", `/targets/${id}/history`, srv.tokens.finance)).body.map((e) => e.action);
  assert.deepEqual(actions, ["create", "submit", "review", "update", "submit"]);
  assert.deepEqual(pageErrors, []);
  await context.close();
});
