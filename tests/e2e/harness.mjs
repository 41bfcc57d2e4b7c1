// The browser tests' one harness: a real `jixiao serve` on a fresh SQLite file with the
// built web app, tokens and users made by the CLI, a JSON API helper, sign-in through the
// app's form, axe-core and screenshots. Every test file starts its server with
// `startServer()` instead of copying the spawn/parse/stop block.
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "./static-server.mjs";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = process.env.JIXIAO_BIN ?? join(ROOT, "target/debug/jixiao");
export const SHOTS = process.env.JIXIAO_SHOTS ?? fileURLToPath(new URL("./screenshots/", import.meta.url));
export const PASSWORD = "Jixiao-2026-pass";

/** A fixture document of `tests/fixtures/targets/<name>.json` (its `document`). */
export function fixture(name = "orphan-clothing-valid") {
  return JSON.parse(readFileSync(join(ROOT, `tests/fixtures/targets/${name}.json`), "utf8")).document;
}

/** The self-evaluation of an evaluation fixture (tests/fixtures/evaluations/<name>.json). */
export function evaluationFixture(name = "orphan-clothing-2019") {
  return JSON.parse(readFileSync(join(ROOT, `tests/fixtures/evaluations/${name}.json`), "utf8")).evaluation;
}

/** The 自评报告 texts the browser tests file with a self-evaluation. */
export const SELF_REPORT = {
  basic: "项目于2019年1月启动，全年为358名孤儿配发四季被装",
  achievement: "年度绩效目标基本完成",
  deviation: "2名孤儿被收养",
  improvement: "加强保障对象动态管理",
};

/** `target` as another project of its department: its code, name and one-source annual total. */
export function asProject(target, code, name, amount) {
  return {
    ...target,
    project: { ...target.project, code, name },
    funds: { annual_total: amount, mid_term_total: null, sources: [{ source: "本级财政", amount }] },
  };
}

/** The accounts of the department-form tests: department 101's API token, finance's, and
 * the clerk 民政局填报员 (user minzheng). */
export const DECLARE_ACCOUNTS = {
  tokens: {
    dept: ["--role", "department", "--department", "101", "--name", "民政局接口"],
    finance: ["--role", "finance", "--name", "财政局绩效科"],
  },
  users: { minzheng: { role: "department", name: "民政局填报员", args: ["--department", "101"] } },
};

/**
 * Starts a server on a new database. `tokens`: { key: [cli args after `token create`] },
 * `users`: { username: { role, name, args } } (password PASSWORD). Resolves to
 * { base, db, dir, tokens, cli, api, browser, stop }; `browser` is Debian's Chromium.
 */
export async function startServer({ prefix = "jixiao-e2e-", tokens = {}, users = {}, browser = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const db = `sqlite://${join(dir, "e2e.db")}`;
  const cli = (...args) => execFileSync(BIN, args, { cwd: ROOT, encoding: "utf8" }).trim();
  const made = {};
  for (const [key, args] of Object.entries(tokens)) made[key] = cli("token", "create", "--database", db, ...args);
  for (const [username, u] of Object.entries(users)) {
    cli("user", "create", "--database", db, "--username", username, "--password", PASSWORD, "--role", u.role, "--name", u.name, ...(u.args ?? []));
  }
  const server = spawn(BIN, ["serve", "--database", db, "--port", "0", "--web-dir", join(ROOT, "web/dist")], {
    cwd: ROOT,
    env: { ...process.env, RUST_LOG: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const base = await new Promise((resolve, reject) => {
    let out = "";
    server.stdout.on("data", (b) => {
      out += b;
      const m = out.match(/listening on (http:\/\/[^\s/]+)\//);
      if (m) resolve(m[1]);
    });
    server.on("exit", (code) => reject(new Error(`jixiao serve exited with ${code}: ${out}`)));
  });
  /** A JSON call to /api/v1 with a bearer token; resolves to { status, body, headers }. */
  async function api(method, path, tok, body, headers = {}) {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { ...(tok ? { Authorization: `Bearer ${tok}` } : {}), ...(body ? { "Content-Type": "application/json" } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }
  const chromium = browser ? await launch() : null;
  mkdirSync(SHOTS, { recursive: true });
  async function stop() {
    await chromium?.close();
    if (server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return { base, db, dir, tokens: made, cli, api, browser: chromium, server, stop };
}

/** Signs in through the app's form at #/login and waits for the layout. */
export async function signIn(page, base, username, password = PASSWORD) {
  await page.goto(`${base}/#/login`);
  await page.locator("#username").fill(username);
  await page.locator("#password").fill(password);
  await page.locator('[data-test="signin-submit"]').click();
  await page.locator("#side-menu").waitFor();
}

/** axe-core (WCAG 2.1 A/AA): no serious or critical violation on the page as it is now. */
export async function axe(page, label) {
  const require = createRequire(join(ROOT, "web/package.json"));
  const { AxeBuilder } = require("@axe-core/playwright");
  const r = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = r.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(
    bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`),
    [],
    `axe on ${label}`,
  );
}

/** Collects CSP violations reported by the page; call `.list()` at the end and expect []. */
export async function watchCsp(page) {
  const seen = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to (apply|load|execute)/i.test(m.text())) seen.push(m.text());
  });
  return { list: () => seen };
}

/** A full-page screenshot at SHOTS/<name>.png. */
export async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}
