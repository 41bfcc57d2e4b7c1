// Browser test of the department form against the real server (jixiao serve): 保存草稿
// only saves (POST, then PUT with If-Match); 提交审核 saves unsaved changes first, then
// calls POST /targets/{id}/submit with If-Match. An invalid target is refused with the
// server's 422 violations shown at the fields; once fixed it is submitted and the form
// turns read-only. A stale ETag (412) and a target no longer editable (409) are explained
// in Chinese. Saves a 1366 px screenshot of the refused submission. Needs
// target/debug/jixiao and web/dist.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "./static-server.mjs";
import { fieldValue, isReadOnly } from "./fields.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = process.env.JIXIAO_BIN ?? join(ROOT, "target/debug/jixiao");
const SHOTS = process.env.JIXIAO_SHOTS ?? fileURLToPath(new URL("./screenshots/", import.meta.url));
const FIXTURE = JSON.parse(readFileSync(join(ROOT, "tests/fixtures/targets/orphan-clothing-valid.json"), "utf8")).document;

let dir, server, base, browser, dept;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "jixiao-form-submit-"));
  const db = `sqlite://${join(dir, "e2e.db")}`;
  dept = execFileSync(BIN, ["token", "create", "--database", db, "--role", "department", "--department", "101", "--name", "民政局填报员"], {
    cwd: ROOT,
    encoding: "utf8",
  }).trim();
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

/** Calls the API as the department; returns status, body and ETag. */
async function api(method, path, body, headers = {}) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${dept}`, ...(body ? { "Content-Type": "application/json" } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, etag: res.headers.get("ETag") };
}

const at = (p) => `[data-pointer="${p}"]`;
/** A field's value (tests/e2e/fields.mjs). */
const valueAt = (page, p) => fieldValue(page.locator(at(p)));

/** The form as the department (token stored as the other pages store it), its API calls recorded. */
async function openForm() {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "zh-CN" });
  await context.addInitScript((t) => {
    if (!localStorage.getItem("jixiao.token")) localStorage.setItem("jixiao.token", t);
  }, dept);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  const calls = [];
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith("/api/v1/")) calls.push({ method: r.method(), path: u.pathname.slice(7), query: u.search, ifMatch: r.headers()["if-match"] });
  });
  await page.goto(`${base}/declare.html`);
  await page.waitForSelector("body[data-ready=true]");
  await page.setInputFiles("#import", { name: "t.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(FIXTURE)) });
  await page.waitForFunction(() => document.querySelector('[data-pointer="/project/name"]')?.value !== "");
  return { context, page, errors, calls };
}

const statusText = (page) => page.locator("#submit-status").innerText();

test("提交审核 submits through the server: refused with its 422 violations at the fields, then submitted once fixed", async () => {
  const { context, page, errors, calls } = await openForm();

  // Two buttons, honestly named, in both languages.
  assert.equal(await page.locator("#save").innerText(), "保存草稿");
  assert.equal(await page.locator("#submit").innerText(), "提交审核");
  await page.click("#lang");
  assert.equal(await page.locator("#save").innerText(), "Save draft");
  assert.equal(await page.locator("#submit").innerText(), "Submit for review");
  await page.click("#lang");
  assert.equal(await page.locator("#submit").innerText(), "提交审核");

  // Make it invalid: a missing unit and a missing annual goal. The live check marks them;
  // 提交审核 stays usable (the server decides) but is marked as blocked.
  await page.fill(at("/indicators/0/unit"), "");
  await page.fill(at("/goals/annual"), "");
  await page.locator(`td:has(${at("/indicators/0/unit")}) li[data-code="IND_UNIT_REQUIRED"]`).waitFor();
  assert.ok(await page.locator("#submit").isEnabled());
  assert.equal(await page.locator("#submit").getAttribute("data-blocked"), "true");

  // Submit from the keyboard: the draft is created (POST), then submitted with If-Match.
  const submitted = page.waitForResponse((r) => r.url().includes("/submit") && r.request().method() === "POST");
  await page.locator("#submit").focus();
  await page.keyboard.press("Enter");
  const refused = await submitted;
  assert.equal(refused.status(), 422);
  assert.match(refused.headers()["content-type"], /application\/problem\+json/);
  const problem = await refused.json();
  assert.ok(Array.isArray(problem.violations) && problem.violations.length > 0);
  const unitViolation = problem.violations.find((v) => v.code === "IND_UNIT_REQUIRED");
  assert.equal(unitViolation?.path, "/indicators/0/unit");
  assert.ok(problem.violations.some((v) => v.path.startsWith("/goals")), JSON.stringify(problem.violations));
  await page.waitForFunction(() => /服务器拒绝提交（422）/.test(document.getElementById("submit-status")?.textContent ?? ""));
  const errorCount = problem.violations.filter((v) => v.severity === "error").length;
  assert.match(await statusText(page), new RegExp(`${errorCount} 个错误`));

  assert.deepEqual(
    calls.map((c) => `${c.method} ${c.path.replace(/[0-9a-f-]{36}/, "{id}")}`),
    ["POST /targets", "POST /targets/{id}/submit"],
  );
  assert.match(calls[0].query, /profile=artux-2018/);
  const created = calls[1].path.match(/^\/targets\/([0-9a-f-]{36})\/submit$/);
  const id = created[1];
  const afterPost = await api("GET", `/targets/${id}`);
  assert.equal(afterPost.body.status, "draft");
  assert.equal(calls[1].ifMatch, afterPost.etag, "submit sends the ETag the POST returned");

  // The server's violations are shown in the form's own display: at the fields and in the summary, in its order.
  const shown = await page.locator("#summary-list button.jump").evaluateAll((bs) => bs.map((b) => `${b.dataset.code} ${b.dataset.path}`));
  assert.deepEqual(shown, problem.violations.map((v) => `${v.code} ${v.path}`));
  const unit = page.locator(at("/indicators/0/unit"));
  assert.equal(await unit.getAttribute("aria-invalid"), "true");
  assert.equal(await page.locator(`td:has(${at("/indicators/0/unit")}) li[data-code="IND_UNIT_REQUIRED"] .m`).innerText(), unitViolation.message);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "summary", "focus moves to the check results");
  assert.equal(await page.locator("body").getAttribute("data-locked"), "false");

  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, "form-submit.png"), fullPage: true });

  // Fix both, then submit: the changes are saved first (PUT with If-Match), then submitted.
  await page.fill(at("/goals/annual"), FIXTURE.goals.annual);
  await unit.fill("人");
  await page.locator(`td:has(${at("/indicators/0/unit")}) li[data-code="IND_UNIT_REQUIRED"]`).waitFor({ state: "detached" });
  assert.equal(await page.locator("#submit").getAttribute("data-blocked"), "false");
  calls.length = 0;
  await page.click("#submit");
  await page.waitForFunction(() => /已提交审核/.test(document.getElementById("submit-status")?.textContent ?? ""));
  assert.match(await statusText(page), /状态：已提交/);
  assert.deepEqual(
    calls.map((c) => `${c.method} ${c.path}`),
    [`PUT /targets/${id}`, `POST /targets/${id}/submit`],
  );
  assert.equal(calls[0].ifMatch, afterPost.etag, "the save sends the ETag last read");
  assert.ok(calls[1].ifMatch && calls[1].ifMatch !== afterPost.etag, "submit sends the ETag the PUT returned");

  const stored = await api("GET", `/targets/${id}`);
  assert.equal(stored.body.status, "submitted");
  assert.equal(stored.body.document.indicators[0].unit, "人");
  assert.equal(stored.body.document.goals.annual, FIXTURE.goals.annual);

  // The form is read-only now and says so; it stays so after a reload.
  for (const check of [() => undefined, async () => {
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
  }]) {
    await check();
    assert.equal(await page.locator("body").getAttribute("data-locked"), "true");
    assert.ok(await page.locator("#submit").isDisabled());
    assert.ok(await page.locator("#save").isDisabled());
    assert.equal(await isReadOnly(unit), true);
    assert.ok(await page.locator(at("/project/attribute")).isDisabled());
    assert.ok(await page.locator('button[data-action="remove"][data-row="0"]').isDisabled());
    assert.match(await page.locator("#target-state").innerText(), /状态：已提交/);
    assert.match(await page.locator("#locked-note").innerText(), /表格为只读/);
    // The link leads to the department's view of the target in the app.
    assert.equal(await page.locator("#locked-note a").getAttribute("href"), `./#/mine/${id}`);
  }
  assert.equal(await valueAt(page, "/indicators/0/unit"), "人");

  assert.deepEqual(errors, []);
  await context.close();
});

test("保存草稿 only saves; a stale ETag (412) and a target no longer editable (409) are explained", async () => {
  const { context, page, errors, calls } = await openForm();

  await page.click("#save");
  await page.waitForFunction(() => /草稿已保存到服务器/.test(document.getElementById("submit-status")?.textContent ?? ""));
  assert.deepEqual(calls.map((c) => `${c.method} ${c.path}`), ["POST /targets"]);
  const id = (await page.locator("#target-state").innerText()).match(/服务器编号 (\S+)/)[1];
  let current = await api("GET", `/targets/${id}`);
  assert.equal(current.body.status, "draft");
  assert.match(await page.locator("#target-state").innerText(), /状态：草稿/);

  // Someone else changes it on the server; 提交审核 (nothing unsaved here) is refused with 412.
  const changed = { ...FIXTURE, goals: { ...FIXTURE.goals, annual: `${FIXTURE.goals.annual}（已由他人修改）` } };
  assert.equal((await api("PUT", `/targets/${id}`, changed, { "If-Match": current.etag })).status, 200);
  calls.length = 0;
  await page.click("#submit");
  await page.waitForFunction(() => /412/.test(document.getElementById("submit-status")?.textContent ?? ""));
  assert.match(await statusText(page), /已被他人修改/);
  assert.deepEqual(calls.map((c) => `${c.method} ${c.path}`), [`POST /targets/${id}/submit`]);
  current = await api("GET", `/targets/${id}`);
  assert.equal(current.body.status, "draft");

  // It is submitted elsewhere; a change in the form cannot be saved any more: 409.
  assert.equal((await api("POST", `/targets/${id}/submit`, undefined, { "If-Match": current.etag })).status, 200);
  await page.fill(at("/project/name"), `${FIXTURE.project.name}（修订）`);
  calls.length = 0;
  await page.click("#submit");
  await page.waitForFunction(() => /409/.test(document.getElementById("submit-status")?.textContent ?? ""));
  assert.match(await statusText(page), /当前不能修改或提交/);
  assert.deepEqual(calls.map((c) => `${c.method} ${c.path}`), [`PUT /targets/${id}`]);
  assert.equal((await api("GET", `/targets/${id}`)).body.document.project.name, FIXTURE.project.name);

  assert.deepEqual(errors, []);
  await context.close();
});
