// Browser test of the review cycle (issue 5) against the real server: a department's
// target is returned by finance with an opinion; in Debian's Chromium the department
// finds it under 已退回 with the opinion, edits the document (the WASM rules flag an
// error and block resubmission until it is fixed), resubmits, and finance sees exactly
// what changed since the return. Needs target/debug/jixiao (or JIXIAO_BIN) and web/dist.
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
const OPINION = "人均被装购置成本测算依据不足，请补充说明后重新报送。";

let dir, server, base, browser;
const tokens = {};

function token(db, ...args) {
  return execFileSync(BIN, ["token", "create", "--database", db, ...args], { cwd: ROOT, encoding: "utf8" }).trim();
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "jixiao-review-e2e-"));
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

async function api(method, path, tok, body) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${tok}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

test("a department resubmits a returned target in the browser", async () => {
  // Set-up through the API: a draft, submitted, returned by finance with an opinion.
  const created = await api("POST", "/targets", tokens.dept, FIXTURE);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;
  assert.equal((await api("POST", `/targets/${id}/submit`, tokens.dept)).status, 200);
  const ret = await api("POST", `/targets/${id}/review`, tokens.finance, { decision: "return", grade: "fair", opinion: OPINION });
  assert.equal(ret.status, 200, JSON.stringify(ret.body));

  const context = await browser.newContext({ viewport: { width: 1400, height: 1200 }, locale: "zh-CN" });
  await context.addInitScript((t) => localStorage.setItem("jixiao.token", t), tokens.dept);
  const page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e));
  await page.goto(`${base}/my-targets.html?status=returned`);

  // The returned target is listed under 已退回 with the reviewer's opinion.
  const row = page.locator(`#targets tr[data-id="${id}"]`);
  await row.waitFor();
  assert.match(await page.locator("#tab-returned").innerText(), /已退回 \(1\)/);
  assert.match(await row.locator(".last-opinion").innerText(), /成本测算依据不足/);
  await row.locator("button.open").click();
  await page.locator("#doc").waitFor();
  assert.match(await page.locator("#reviews").innerText(), /中/);

  // An edit that breaks a rule: the WASM check reports it at its pointer; resubmit is blocked.
  const broken = structuredClone(FIXTURE);
  delete broken.indicators[5].unit;
  await page.fill("#doc", JSON.stringify(broken, null, 2));
  const unitError = page.locator('#violations li.error[data-code="IND_UNIT_REQUIRED"]');
  await unitError.waitFor();
  assert.match(await unitError.innerText(), /\/indicators\/5\/unit/);
  assert.ok(await page.locator("#submit").isDisabled());

  // Fixed: the error disappears and the target is resubmitted.
  const fixed = structuredClone(FIXTURE);
  fixed.indicators[5].value = "0.23";
  fixed.indicators[5].explanation = "按2018年同类采购均价测算";
  await page.fill("#doc", JSON.stringify(fixed, null, 2));
  await unitError.waitFor({ state: "detached" });
  assert.ok(await page.locator("#submit").isEnabled());
  await page.click("#submit");
  await page.waitForFunction(() => document.getElementById("detail-status")?.textContent === "已提交审核");
  // The page says 已提交审核 as soon as the submit succeeds, then reloads the list: wait for its counts.
  await page.waitForFunction(() => /已提交 \(1\)/.test(document.getElementById("tab-submitted")?.textContent ?? ""));
  assert.match(await page.locator("#tab-submitted").innerText(), /已提交 \(1\)/);
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, "review-resubmit.png"), fullPage: true });

  // The server agrees: submitted again, and finance sees what changed since the return.
  const dossier = await api("GET", `/targets/${id}/dossier`, tokens.finance);
  assert.equal(dossier.body.target.status, "submitted");
  assert.deepEqual(
    dossier.body.changes.changes.map((c) => c.path),
    ["/indicators/5/explanation", "/indicators/5/value"],
  );
  const actions = (await api("GET", `/targets/${id}/history`, tokens.finance)).body.map((e) => e.action);
  assert.deepEqual(actions, ["create", "submit", "review", "update", "submit"]);
  assert.deepEqual(pageErrors, []);
  await context.close();
});
