// Browser test of the evaluation stage (绩效自评 → 备案 → 结果应用, FORMATS §4/§7,
// crates/server/EVALUATION-API.md) against the real server: department 101 has two approved
// project targets of 2019. It self-evaluates the first on the 自评表: the draft is prefilled
// from the approved target; as it types, the WASM rules give each row's rule and score, ask
// for deviation reasons at the fields (and refuse a qualitative score outside its tier), and
// give the total 98.19 and the grade 优 once nothing is missing (FORMATS §4's worked example);
// submitting too early gets the server's 422 at the same fields; the draft autosaves with
// If-Match. Finance returns it with an opinion on the 评价结果 page, the department sees the
// opinion, revises and resubmits, finance files it and re-evaluates one row (through the API),
// then closes the year: the second target, never self-evaluated, scores 0. The results page
// shows the grade distribution, the zero-score list and next year's recommended budgets; the
// department sees its filed self-evaluation read-only with finance's re-evaluation beside it.
//
// Evidence (佐证材料), assignment, deadline and the dynamic assessment material: the draft's
// department uploads a PDF (made here), is refused a renamed .exe (415) and a duplicate (409)
// with the Chinese reason and the server's detail on screen, removes a second PDF, and after
// filing sees the list read-only and still downloads the file (same bytes). Finance assigns the
// filed evaluation to a third-party assessor, re-evaluates one row in the 复评 form (the WASM
// module shows the formula score beside the override, the missing override reason is refused
// by the server at its row), sets a deadline that has not passed (closing is refused with the
// server's reason), then one in the past, and closes. The assessor lists its task, downloads
// the evidence and records its own re-evaluation; the department sees both authors (财政局 /
// 第三方机构). Finance's 动态评估材料 for today differs from the one as of 30 June.
// Needs target/debug/jixiao (or JIXIAO_BIN) and web/dist with the `score` export.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "./static-server.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = process.env.JIXIAO_BIN ?? join(ROOT, "target/debug/jixiao");
const SHOTS = process.env.JIXIAO_SHOTS ?? fileURLToPath(new URL("./screenshots/", import.meta.url));
const FIXTURE = JSON.parse(readFileSync(join(ROOT, "tests/fixtures/targets/orphan-clothing-valid.json"), "utf8")).document;
// A second approved project of the same department, never self-evaluated.
const HEATING = {
  ...FIXTURE,
  project: { ...FIXTURE.project, code: "P2019-002", name: "2019年孤儿冬季取暖补助" },
  funds: { annual_total: "50.00", mid_term_total: null, sources: [{ source: "本级财政", amount: "50.00" }] },
};
const OPINION = "请补充说明人均被装购置成本的测算依据";
const IMPROVEMENT = "按季度核对保障对象名册，及时调整被装采购数量";
const OVERRIDE_REASON = "抽样回访满意度为85%，按复评结果计分";
const ASSESSOR_ORG = "新疆信诚绩效评价事务所";
const ASSESSOR_REASON = "现场抽查回访记录，满意度与财政复评一致";

/** A small valid one-page PDF (header, objects, cross-reference table with exact offsets, trailer). */
function pdf(line) {
  const content = `BT /F1 16 Tf 72 760 Td (${line}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets = objects.map((o, i) => {
    const at = out.length;
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
    return at;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}
const RECEIPTS = pdf("2019 orphan clothing: signed receipts of 358 children");
const PHOTOS = pdf("2019 orphan clothing: photos of the distribution");
const sha256 = (b) => createHash("sha256").update(b).digest("hex");

let dir, server, base, browser;
const tokens = {};

function token(db, ...args) {
  return execFileSync(BIN, ["token", "create", "--database", db, ...args], { cwd: ROOT, encoding: "utf8" }).trim();
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "jixiao-evaluation-e2e-"));
  const db = `sqlite://${join(dir, "e2e.db")}`;
  tokens.dept = token(db, "--role", "department", "--department", "101", "--name", "民政局填报员");
  tokens.finance = token(db, "--role", "finance", "--name", "财政局绩效科");
  tokens.assessor = token(db, "--role", "assessor", "--org", ASSESSOR_ORG, "--name", "李评审");
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

async function api(method, path, tok, body, headers = {}) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${tok}`, ...(body ? { "Content-Type": "application/json" } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, etag: res.headers.get("ETag"), body: text ? JSON.parse(text) : null };
}

async function approvedTarget(doc, amount) {
  const created = await api("POST", "/targets", tokens.dept, doc);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;
  assert.equal((await api("POST", `/targets/${id}/submit`, tokens.dept)).status, 200);
  const approved = await api("POST", `/targets/${id}/review`, tokens.finance, { decision: "approve", grade: "excellent", criteria: {}, approved_amount: amount });
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  return id;
}

async function pageAs(tok) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 1000 }, locale: "zh-CN" });
  await context.addInitScript((t) => localStorage.setItem("jixiao.token", t), tok);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  return { context, page, errors };
}

const text = (page, sel) => page.locator(sel).innerText();
/** Clicks a download button and returns the saved file's name and bytes. */
async function download(page, locator) {
  const [dl] = await Promise.all([page.waitForEvent("download"), locator.click()]);
  return { name: dl.suggestedFilename(), bytes: readFileSync(await dl.path()) };
}
const waitText = (page, sel, re) =>
  page.waitForFunction(([s, src]) => new RegExp(src).test(document.querySelector(s)?.textContent ?? ""), [sel, re.source]);

test("a department self-evaluates and submits; finance returns, files, closes the year; the results page shows grades and zero scores", async () => {
  mkdirSync(SHOTS, { recursive: true });
  const targetId = await approvedTarget(FIXTURE, "86.40");
  const heatingId = await approvedTarget(HEATING, "50.00");

  // ------------------------------------------------------------ the department's 自评表
  const dept = await pageAs(tokens.dept);
  const p = dept.page;
  await p.goto(`${base}/evaluation.html`);
  await p.locator(`#target-table tr[data-target="${targetId}"][data-status="none"]`).waitFor();
  assert.equal(await p.locator("#year").inputValue(), "2019");
  assert.equal(await p.locator("#target-table tbody tr").count(), 2);
  await p.locator(`#target-table tr[data-target="${targetId}"] button.evaluate`).click();
  await p.locator('#eval-form[data-status="draft"]').waitFor();
  await waitText(p, "#message", /已创建自评表草稿/);
  const evalId = await p.locator("#eval-form").getAttribute("data-id");

  // 佐证材料: the picker names the accepted kinds; a PDF is uploaded and listed with its size and checksum.
  assert.equal(await p.locator("#evidence-file").getAttribute("accept"), ".pdf,.ofd,.jpg,.jpeg,.png,.xlsx,.docx,.xls,.doc,.zip");
  await p.locator("#evidence-none").waitFor();
  await p.locator("#evidence-file").setInputFiles({ name: "被装发放签收表.pdf", mimeType: "application/pdf", buffer: RECEIPTS });
  const receipts = p.locator('#evidence-table tr[data-name="被装发放签收表.pdf"]');
  await receipts.waitFor();
  await waitText(p, "#evidence-status", /已上传「被装发放签收表\.pdf」/);
  assert.equal(await receipts.locator("code").getAttribute("title"), sha256(RECEIPTS));
  assert.equal(await receipts.locator("code").innerText(), `${sha256(RECEIPTS).slice(0, 12)}…`);
  assert.equal(await receipts.locator('td[data-col="size"]').getAttribute("title"), `${RECEIPTS.length} B`);
  // A renamed executable is refused by the server (415), explained in Chinese with the server's detail.
  await p.locator("#evidence-file").setInputFiles({ name: "setup.exe", mimeType: "application/octet-stream", buffer: Buffer.from("MZ\x90\x00\x03\x00\x00\x00 This program cannot be run in DOS mode", "latin1") });
  const refused = p.locator('#evidence-status li.error[data-name="setup.exe"][data-status="415"]');
  await refused.waitFor();
  assert.match(await refused.innerText(), /「setup\.exe」未上传：不接受此类型的文件，或文件内容与扩展名不符[\s\S]*服务器说明：不接受此类文件作为佐证材料/);
  await p.screenshot({ path: join(SHOTS, "evaluation-evidence.png"), fullPage: true });
  await p.locator("#evidence").screenshot({ path: join(SHOTS, "evaluation-evidence-415.png") });
  // The same bytes again under another name: 409.
  await p.locator("#evidence-file").setInputFiles({ name: "签收表副本.pdf", mimeType: "application/pdf", buffer: RECEIPTS });
  const duplicate = p.locator('#evidence-status li.error[data-name="签收表副本.pdf"][data-status="409"]');
  await duplicate.waitFor();
  assert.match(await duplicate.innerText(), /已上传过内容相同的文件[\s\S]*服务器说明：该文件已作为“被装发放签收表\.pdf”上传，无需重复添加/);
  // A second file, removed again while the draft may change (confirmed first).
  await p.locator("#evidence-file").setInputFiles({ name: "发放现场照片.pdf", mimeType: "application/pdf", buffer: PHOTOS });
  const photos = p.locator('#evidence-table tr[data-name="发放现场照片.pdf"]');
  await photos.waitFor();
  assert.equal(await p.locator("#evidence-table tbody tr").count(), 2);
  p.once("dialog", (d) => void d.accept());
  await photos.locator("button.delete").click();
  await waitText(p, "#evidence-status", /已删除「发放现场照片\.pdf」/);
  await photos.waitFor({ state: "detached" });
  assert.equal(await p.locator("#evidence-table tbody tr").count(), 1);
  const listed = await api("GET", `/evaluations/${evalId}/evidence`, tokens.dept);
  assert.deepEqual(listed.body.map((x) => [x.file_name, x.sha256, x.size_bytes]), [["被装发放签收表.pdf", sha256(RECEIPTS), RECEIPTS.length]]);
  // Prefilled from the approved target: the rows, their target values and points, the budget.
  assert.match(await text(p, "#project-name"), /2019年孤儿被装购置费/);
  assert.equal(await p.locator("#rows tbody tr").count(), FIXTURE.indicators.length);
  assert.match(await text(p, '#rows tr[data-indicator="i1"]'), /产出指标[\s\S]*数量指标[\s\S]*保障孤儿人数[\s\S]*=360人[\s\S]*15/);
  assert.equal(await p.locator("#budget_full_year").inputValue(), "86.40");
  assert.equal(await text(p, "#budget_initial"), "86.40");
  assert.equal(await p.locator('#rows tr[data-indicator="i8"] select').count(), 1, "a qualitative row asks for a tier");

  const row = async (id) => p.locator(`#rows tr[data-indicator="${id}"]`).getAttribute("data-row");
  await p.fill("#executed", "84.96");
  const actuals = { i1: "358", i2: "1432", i3: "100", i4: "100", i5: "2019-10-25", i6: "0.2373", i7: "100", i10: "93.5" };
  for (const [id, v] of Object.entries(actuals)) await p.fill(`#actual-${await row(id)}`, v);
  const k8 = await row("i8");
  const k9 = await row("i9");
  await p.selectOption(`#tier-${k8}`, "achieved");
  await p.fill(`#qscore-${k8}`, "7"); // below 80% of 10 points: not the 达成 tier
  await p.selectOption(`#tier-${k9}`, "achieved");
  await p.fill(`#qscore-${k9}`, "4.5");
  const k1 = await row("i1");
  const k2 = await row("i2");

  // Live, from the WASM rules: each row's rule and score, the execution score, messages at the fields.
  await p.waitForFunction(() => document.getElementById("score-0")?.dataset.score === "14.92");
  assert.match(await text(p, "#score-0"), /14\.92 \/ 15[\s\S]*按完成比例/);
  assert.match(await text(p, "#score-4"), /5\.00 \/ 5[\s\S]*完成时限/);
  assert.match(await text(p, "#execution-score"), /98\.33%[\s\S]*10[\s\S]*9\.83/);
  await p.locator(`#reason-${k1}-msg li[data-code="EVAL_REASON_REQUIRED"]`).waitFor();
  await p.locator(`#reason-${k2}-msg li[data-code="EVAL_REASON_REQUIRED"]`).waitFor();
  await p.locator(`#qscore-${k8}-msg li[data-code="EVAL_SCORE_OUT_OF_TIER"]`).waitFor();
  assert.equal(await p.locator("#rows li.error").count(), 3);
  assert.equal(await p.locator("#total").getAttribute("data-total"), "", "no total while errors remain");
  assert.match(await text(p, "#eval-error-count"), /错误 3 个/);
  await p.screenshot({ path: join(SHOTS, "evaluation-form-errors.png"), fullPage: true });

  // Two fixed; submitting with the last one open is refused by the server (422), shown at the same field.
  await p.fill(`#qscore-${k8}`, "9");
  await p.fill(`#reason-${k1}`, "2名孤儿年内被依法收养，保障对象相应减少");
  await p.waitForFunction(() => document.querySelectorAll("#rows li.error").length === 1);
  await waitText(p, "#save-status", /已自动保存/);
  await p.click("#submit");
  await waitText(p, "#submit-status", /仍有 1 个错误，不能提交/);
  await p.locator(`#reason-${k2}-msg li[data-code="EVAL_REASON_REQUIRED"]`).waitFor();
  assert.equal(await p.locator("#eval-form").getAttribute("data-status"), "draft");

  // Complete: the total and grade of FORMATS §4's worked example; the report text; autosaved.
  await p.fill(`#reason-${k2}`, "随保障人数减少相应少配发8套");
  await p.fill("#report-basic", "项目于2019年1月启动，全年为358名孤儿配发四季被装");
  await p.fill("#report-achievement", "年度绩效目标基本完成");
  await p.fill("#report-deviation", "2名孤儿被收养，保障人数和被装套数略低于目标");
  await p.fill("#report-improvement", "加强保障对象动态管理");
  await p.waitForFunction(() => document.getElementById("total")?.dataset.total === "98.19");
  assert.equal(await text(p, "#grade"), "优");
  assert.match(await text(p, "#eval-result"), /总分：98\.19[\s\S]*优[\s\S]*错误 0 个/);
  assert.equal(await p.locator("#eval-form li.error").count(), 0);
  await waitText(p, "#save-status", /已自动保存/);
  const saved = await api("GET", `/evaluations/${evalId}`, tokens.dept);
  assert.equal(saved.body.document.report.basic, "项目于2019年1月启动，全年为358名孤儿配发四季被装");
  assert.equal(saved.body.total, "98.19");
  await p.screenshot({ path: join(SHOTS, "evaluation-form.png"), fullPage: true });
  await p.click("#submit");
  await p.locator('#eval-form[data-status="submitted"]').waitFor();
  assert.ok(await p.locator("#executed").isDisabled());
  await p.locator(`#target-table tr[data-target="${targetId}"][data-status="submitted"]`).waitFor();

  // ------------------------------------------------------------ finance: return with an opinion
  const fin = await pageAs(tokens.finance);
  const f = fin.page;
  await f.goto(`${base}/results.html?year=2019`);
  await f.locator(`#submitted-table tr[data-id="${evalId}"]`).waitFor();
  assert.equal(await f.locator("#closed-badge").getAttribute("data-closed"), "false");
  assert.match(await text(f, "#tile-evaluated"), /0\s*\/ 2/);
  assert.match(await text(f, `#submitted-table tr[data-id="${evalId}"]`), /2019年孤儿被装购置费[\s\S]*阿图什市民政局[\s\S]*98\.19[\s\S]*优/);
  await f.locator(`#submitted-table tr[data-id="${evalId}"] button.open`).click();
  await f.locator(`#eval-detail[data-id="${evalId}"][data-status="submitted"] #decision`).waitFor();
  assert.equal(await f.locator("#detail-total").getAttribute("data-total"), "98.19");
  assert.match(await text(f, '#detail-rows tr[data-indicator="i1"]'), /358[\s\S]*14\.92/);
  await f.fill("#decision-opinion", OPINION);
  await f.click("#return");
  await f.locator('#eval-detail[data-status="returned"]').waitFor();
  await waitText(f, "#message", /^已退回$/);
  await f.locator("#review-none").waitFor();

  // The department sees the opinion, revises and resubmits.
  await p.goto(`${base}/evaluation.html?evaluation=${evalId}`);
  await p.locator('#eval-form[data-status="returned"]').waitFor();
  assert.match(await text(p, "#opinion"), new RegExp(OPINION));
  await p.locator("#returned-notice").waitFor();
  await p.fill("#report-improvement", IMPROVEMENT);
  await waitText(p, "#save-status", /已自动保存/);
  await p.click("#submit");
  await p.locator('#eval-form[data-status="submitted"]').waitFor();

  // ------------------------------------------------------------ finance: file, re-evaluate, close the year
  await f.click("#refresh");
  await f.locator(`#submitted-table tr[data-id="${evalId}"] button.open`).click();
  await f.locator(`#eval-detail[data-id="${evalId}"][data-status="submitted"] #decision`).waitFor();
  await f.click("#file");
  await f.locator('#eval-detail[data-status="filed"]').waitFor();
  await waitText(f, "#message", /^已备案$/);
  assert.match(await text(f, "#tile-evaluated"), /1\s*\/ 2/);

  // The filed evaluation's evidence, read-only for finance.
  await f.locator('#eval-detail #evidence[data-editable="false"] tr[data-name="被装发放签收表.pdf"]').waitFor();
  assert.equal(await f.locator("#eval-detail #evidence button.delete").count(), 0);

  // 指派第三方复评: to the assessor organisation; the same one twice is refused with the server's reason.
  await f.locator("#assign-none").waitFor();
  await f.fill("#assign-org", ASSESSOR_ORG);
  await f.click("#assign-submit");
  await f.locator(`#assign-panel #assignment-list li[data-organisation="${ASSESSOR_ORG}"]`).waitFor();
  await waitText(f, "#assign-status", new RegExp(`已指派 ${ASSESSOR_ORG} 复评`));
  assert.match(await text(f, "#assignment-list"), /财政局绩效科/);
  await f.fill("#assign-org", ASSESSOR_ORG);
  await f.click("#assign-submit");
  await waitText(f, "#assign-status", /不能指派（服务器说明：该自评表已委托给/);

  // 复评 in the form: it starts from the department's scores; an override on i10 is scored live
  // (formula 10.00 beside the override 8, total 96.19); without its reason the server refuses it at the row.
  await f.click("#re-evaluate");
  const reRow = f.locator('#re-form tr[data-row="i10"]');
  await reRow.waitFor();
  assert.equal(await reRow.locator('td[data-col="dept"]').innerText(), "10.00");
  assert.equal(await f.locator("#re-total").getAttribute("data-total"), "98.19");
  await reRow.locator("input.override-score").fill("8");
  await reRow.locator('li[data-code="EVAL_OVERRIDE_REASON_REQUIRED"]').waitFor();
  // An override without its reason is not applied (FORMATS §4.1): the row keeps its formula score.
  assert.equal(await reRow.locator('td[data-col="formula"]').getAttribute("data-score"), "10.00");
  assert.equal(await reRow.locator('td[data-col="result"]').getAttribute("data-score"), "10.00");
  assert.equal(await reRow.locator('td[data-col="result"]').getAttribute("data-override"), "false");
  await f.fill("#re-reason", "财政局抽样复核");
  await f.click("#re-submit");
  await waitText(f, "#re-status", /复评仍有 1 个错误，未提交/);
  await reRow.locator('li[data-code="EVAL_OVERRIDE_REASON_REQUIRED"]').waitFor();
  await reRow.locator("textarea.override-reason").fill(OVERRIDE_REASON);
  await f.waitForFunction(() => document.getElementById("re-total")?.dataset.total === "96.19");
  assert.equal(await reRow.locator("li.error").count(), 0);
  assert.match(await reRow.locator('td[data-col="result"]').innerText(), /^8[\s\S]*人工认定/);
  assert.equal(await reRow.locator('td[data-col="formula"]').getAttribute("data-score"), "10.00");
  assert.equal(await reRow.locator('td[data-col="result"]').getAttribute("data-override"), "true");
  assert.equal(await f.locator('#re-form tr[data-row="i1"] td[data-col="result"]').getAttribute("data-override"), "false");
  assert.match(await text(f, "#re-total"), /复评总分：96\.19[\s\S]*优[\s\S]*单位自评 98\.19/);
  await f.screenshot({ path: join(SHOTS, "results-re-evaluation.png"), fullPage: true });
  await f.locator("#re-form").screenshot({ path: join(SHOTS, "results-re-evaluation-form.png") });
  await f.click("#re-submit");
  await waitText(f, "#message", /复评已记录：最终得分 96\.19/);
  const finRe = f.locator('#eval-detail .re-evaluation[data-author-role="finance"]');
  await finRe.waitFor();
  assert.match(await finRe.locator(".re-author").innerText(), /^财政局 · 财政局绩效科 于/);
  assert.match(await finRe.locator('tr[data-row="i10"] td[data-col="finance"]').innerText(), /^8[\s\S]*公式得分 10\.00/);
  assert.equal((await api("GET", `/evaluations/${evalId}`, tokens.finance)).body.final_total, "96.19");

  // ------------------------------------------------------------ the assessor: its task, the evidence, its re-evaluation
  const asr = await pageAs(tokens.assessor);
  const a = asr.page;
  await a.goto(`${base}/assessor.html`);
  const task = a.locator(`#eval-task-table tr[data-id="${evalId}"][data-status="filed"]`);
  await task.waitFor();
  assert.match(await task.innerText(), new RegExp(`2019年孤儿被装购置费[\\s\\S]*阿图什市民政局[\\s\\S]*2019[\\s\\S]*98\\.19[\\s\\S]*96\\.19[\\s\\S]*${ASSESSOR_ORG}`));
  assert.equal(await a.locator("#eval-task-table tbody tr").count(), 1, "only what is assigned to its organisation");
  await task.locator("button.open").click();
  await a.locator(`#eval-task[data-id="${evalId}"] #re-form`).waitFor();
  const got = await download(a, a.locator('#eval-task #evidence tr[data-name="被装发放签收表.pdf"] button.download'));
  assert.equal(got.name, "被装发放签收表.pdf");
  assert.equal(sha256(got.bytes), sha256(RECEIPTS), "the downloaded file is the uploaded one");
  assert.match(await text(a, "#eval-task #re-evaluations"), new RegExp(`已指派 ${ASSESSOR_ORG} 复评[\\s\\S]*财政局 · 财政局绩效科`));
  const aRow = a.locator('#re-form tr[data-row="i10"]');
  await aRow.locator("input.override-score").fill("8");
  await aRow.locator("textarea.override-reason").fill(ASSESSOR_REASON);
  await a.fill("#re-reason", "第三方复评");
  await a.waitForFunction(() => document.getElementById("re-total")?.dataset.total === "96.19");
  await a.screenshot({ path: join(SHOTS, "assessor-re-evaluation.png"), fullPage: true });
  await a.click("#re-submit");
  await waitText(a, "#eval-task-message", /复评已提交：最终得分 96\.19/);
  await a.locator(`#eval-task .re-evaluation[data-author-role="assessor"][data-final="true"]`).waitFor();
  assert.match(await text(a, '#eval-task .re-evaluation[data-author-role="assessor"] .re-author'), new RegExp(`^第三方机构 ${ASSESSOR_ORG} · 李评审 于`));

  // 自评截止日期: closing before a deadline that has not passed is refused, with the server's reason.
  await f.click("#refresh");
  await f.locator('#deadline-line[data-deadline=""]').waitFor();
  assert.match(await text(f, "#deadline-line"), /自评截止日期：未设置/);
  await f.fill("#deadline-input", "2099-12-31");
  await f.click("#deadline-save");
  await waitText(f, "#deadline-status", /自评截止日期已设为 2099-12-31/);
  assert.match(await text(f, "#deadline-line"), /自评截止日期：2099-12-31/);
  f.once("dialog", (d) => void d.accept());
  await f.click("#close-year");
  await waitText(f, "#close-status", /不能关闭 2019 年度自评：自评截止日期 2099-12-31 尚未过去/);
  assert.match(await text(f, "#close-status"), /服务器说明：2019 年度自评截止日期为 2099-12-31，截止日期过后才能关闭年度自评/);
  assert.equal(await f.locator("#closed-badge").getAttribute("data-closed"), "false");
  // A deadline in the past: the year may close.
  await f.fill("#deadline-input", "2020-01-15");
  await f.click("#deadline-save");
  await f.locator('#deadline-line[data-deadline="2020-01-15"]').waitFor();
  assert.equal((await api("GET", "/evaluation-years/2019/summary", tokens.finance)).body.deadline, "2020-01-15");

  // 关闭年度自评: confirmed first; the second target, never self-evaluated, scores 0.
  await f.locator("#close-year:not([disabled])").waitFor();
  let asked = "";
  f.once("dialog", (d) => {
    asked = d.message();
    void d.accept();
  });
  await f.click("#close-year");
  await waitText(f, "#message", /已关闭 2019 年度自评：1 个项目未按要求开展绩效自评，计 0 分/);
  assert.match(asked, /确定关闭 2019 年度自评吗/);
  await f.locator('#closed-badge[data-closed="true"]').waitFor();
  assert.ok(await f.locator("#close-year").isDisabled());

  // The results: evaluated 2 of 2, the grade distribution, the zero-score list, the recommendations.
  assert.match(await text(f, "#tile-evaluated"), /2\s*\/ 2/);
  const bar = (g) => f.locator(`#grade-chart g[data-grade="${g}"]`).getAttribute("data-count");
  assert.deepEqual([await bar("excellent"), await bar("good"), await bar("fair"), await bar("poor")], ["1", "0", "0", "1"]);
  assert.match(await f.locator("#grade-chart-desc").textContent(), /优 1，良 0，中 0，差 1/);
  const zero = f.locator(`#zero-table tr[data-target="${heatingId}"]`);
  assert.match(await zero.innerText(), /2019年孤儿冬季取暖补助[\s\S]*阿图什市民政局[\s\S]*未按要求开展绩效自评/);
  assert.equal(await f.locator("#zero-table tbody tr").count(), 1);
  const recA = f.locator(`#rec-table tr[data-target="${targetId}"]`);
  assert.equal(await recA.locator('td[data-col="annual"]').innerText(), "86.40");
  assert.equal(await recA.locator('td[data-col="score"]').innerText(), "96.19", "the re-evaluation is the final score");
  assert.equal(await recA.locator('td[data-col="re"]').innerText(), "是");
  assert.equal(await recA.locator('td[data-col="recommended"]').innerText(), "86.40");
  const recB = f.locator(`#rec-table tr[data-target="${heatingId}"]`);
  assert.match(await recB.innerText(), /差/);
  assert.equal(await recB.locator('td[data-col="adjustment"]').innerText(), "-100%");
  assert.match(await recB.locator('td[data-col="recommended"]').innerText(), /^0(\.00)?$/);
  assert.equal(await text(f, "#total-annual"), "136.40");
  assert.equal(await text(f, "#total-recommended"), "86.40");
  assert.equal(await text(f, "#total-change"), "-50.00");
  assert.match(await text(f, "#deadline-line"), /自评截止日期：2020-01-15/);
  assert.ok(await f.locator("#deadline-input").isDisabled(), "a closed year's deadline no longer moves");

  // 动态评估材料: today (everything done in this test) against the end of June 2019 (nothing yet).
  const fig = (k) => f.locator(`#progress-table td[data-key="${k}"]`).innerText();
  await f.locator("#progress-table").waitFor();
  assert.match(await text(f, "#progress-caption"), /2019年度[\s\S]*截至 \d{4}-\d{2}-\d{2} 24:00/);
  const now = {};
  for (const k of ["review.declared", "review.approved", "monitoring.project_spending", "evaluation.started", "evaluation.filed", "evaluation.zero_scored", "evaluation.re_evaluated", "evaluation.year_closed"]) now[k] = await fig(k);
  assert.deepEqual(now, {
    "review.declared": "2",
    "review.approved": "2",
    "monitoring.project_spending": "136.40",
    "evaluation.started": "2", // the zero-scored one has a row too
    "evaluation.filed": "1",
    "evaluation.zero_scored": "1",
    "evaluation.re_evaluated": "1",
    "evaluation.year_closed": "是",
  });
  await f.screenshot({ path: join(SHOTS, "evaluation-results.png"), fullPage: true });
  await f.locator("#progress").screenshot({ path: join(SHOTS, "results-progress-today.png") });
  await f.click("#progress-june");
  await f.locator('#progress-table[data-as-of="2019-06-30"]').waitFor();
  assert.equal(await fig("review.declared"), "0");
  assert.equal(await fig("review.approved"), "0");
  assert.equal(await fig("evaluation.filed"), "0");
  assert.equal(await fig("evaluation.year_closed"), "否");
  assert.match(await text(f, "#progress-caption"), /截至 2019-06-30 24:00/);
  await f.locator("#progress").screenshot({ path: join(SHOTS, "results-progress-june.png") });
  await f.click("#progress-today");
  await f.locator('#progress-table:not([data-as-of="2019-06-30"])').waitFor();
  assert.equal(await fig("evaluation.filed"), "1");
  // Printable: no button is shown on paper; the material's table is.
  await f.emulateMedia({ media: "print" });
  assert.equal(await f.evaluate(() => [...document.querySelectorAll("button")].filter((b) => getComputedStyle(b).display !== "none").length), 0);
  assert.ok(await f.locator("#progress-table").isVisible());
  await f.emulateMedia({ media: "screen" });

  // ------------------------------------------------------------ the department: filed, read-only, re-evaluated
  await p.goto(`${base}/evaluation.html?evaluation=${evalId}`);
  await p.locator('#eval-form[data-status="filed"]').waitFor();
  assert.equal(await p.locator("#final-score").getAttribute("data-total"), "96.19");
  assert.match(await text(p, "#final-score"), /最终得分：96\.19[\s\S]*优/);
  assert.ok(await p.locator("#report-improvement").isDisabled());
  assert.equal(await p.locator("#submit").count(), 0);
  const byFinance = p.locator('#re-evaluations .re-evaluation[data-author-role="finance"]');
  const side = byFinance.locator('tr[data-row="i10"]');
  assert.equal(await side.locator('td[data-col="dept"]').innerText(), "10.00");
  assert.match(await side.locator('td[data-col="finance"]').innerText(), /^8[\s\S]*公式得分 10\.00/);
  assert.equal(await side.locator('td[data-col="why"]').innerText(), OVERRIDE_REASON);
  assert.match(await byFinance.locator('tr[data-row="total"]').innerText(), /98\.19[\s\S]*96\.19/);
  assert.match(await byFinance.locator(".re-author").innerText(), /^财政局 · 财政局绩效科/);
  // The assessor's re-evaluation, the last and so the final one, and the assignment.
  const byAssessor = p.locator('#re-evaluations .re-evaluation[data-author-role="assessor"][data-final="true"]');
  assert.match(await byAssessor.locator(".re-author").innerText(), new RegExp(`^第三方机构 ${ASSESSOR_ORG} · 李评审`));
  assert.equal(await byAssessor.locator('tr[data-row="i10"] td[data-col="why"]').innerText(), ASSESSOR_REASON);
  assert.match(await text(p, "#re-evaluations #assignment-list"), new RegExp(`已指派 ${ASSESSOR_ORG} 复评`));
  // Evidence: listed read-only once filed, still downloadable.
  await p.locator('#evidence[data-editable="false"] #evidence-readonly').waitFor();
  assert.equal(await p.locator("#evidence-file").count(), 0);
  assert.equal(await p.locator("#evidence button.delete").count(), 0);
  const mine = await download(p, p.locator('#evidence tr[data-name="被装发放签收表.pdf"] button.download'));
  assert.equal(mine.name, "被装发放签收表.pdf");
  assert.deepEqual(mine.bytes, RECEIPTS);
  const late = await fetch(`${base}/api/v1/evaluations/${evalId}/evidence?name=late.pdf`, { method: "POST", headers: { Authorization: `Bearer ${tokens.dept}`, "Content-Type": "application/octet-stream" }, body: PHOTOS });
  assert.equal(late.status, 409, "no upload once filed");
  await p.locator(`#target-table tr[data-target="${heatingId}"][data-status="zero_scored"]`).waitFor();
  await p.screenshot({ path: join(SHOTS, "evaluation-form-filed.png"), fullPage: true });
  await p.locator("#re-evaluations").screenshot({ path: join(SHOTS, "evaluation-re-evaluations.png") });

  const state = await api("GET", `/evaluation-years/2019/summary`, tokens.finance);
  assert.equal(state.body.closed, true);
  assert.equal(state.body.evaluated, 2);
  for (const x of [fin, dept, asr]) {
    assert.deepEqual(x.errors, []);
    await x.context.close();
  }
});
