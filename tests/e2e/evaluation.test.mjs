// Browser test of the evaluation stage in the app (绩效自评 → 备案 → 复评 → 结果应用, FORMATS
// §4/§4.1/§7, crates/server/EVALUATION-API.md) against the real server: department 101 has two
// approved project targets of 2019. Its clerk signs in, opens 绩效自评 (#/evaluation: the year
// and the targets with their self-evaluation state) and starts the first: the draft is
// prefilled from the approved target; as the clerk types, the WASM rules give each row's rule
// and score, ask for deviation reasons at the fields (and refuse a qualitative score outside
// its tier) — the list below names the fields in words, never by JSON Pointer — and give the
// total 98.19 and the grade 优 once nothing is missing (FORMATS §4's worked example);
// submitting too early gets the server's 422 at the same fields; the draft autosaves with
// If-Match, and a change made elsewhere meanwhile (412) reloads the form with a message.
// Evidence (佐证材料): a PDF (made here) is uploaded, a renamed .exe refused (415) and a
// duplicate (409) with the Chinese reason and the server's detail, a second PDF removed.
//
// The bureau's part goes through the API (its page, results.html, is being ported to
// #/results by another change, with its own test): it returns the self-evaluation with an
// opinion, which the department sees, revises and resubmits; files it; assigns it to a
// third-party assessor (twice is refused); re-evaluates one row (an override without its
// reason is refused at its row, 422); sets a deadline not yet passed (closing is refused),
// then one in the past, and closes the year: the second target, never self-evaluated, scores
// 0; the year's summary, grades, zero scores, recommendations and the 动态评估材料 (today vs
// 30 June) are checked as figures.
//
// The assessor signs in, finds its one task in 复评任务 (#/re-evaluations), opens it
// (#/re-evaluations/:id): the department's rows and score, the evidence (downloaded, same
// bytes), the bureau's re-evaluation beside the department's score, and records its own in the
// 复评 form (formula score beside the override, scored live; the missing reason refused by the
// server at the row). The department then sees its filed self-evaluation read-only with both
// re-evaluations (财政局 / 第三方机构) and the final score. axe-core finds no serious or
// critical violation and the CSP none on every view; screenshots app-evaluation-*.png (zh-CN).
// Needs target/debug/jixiao (or JIXIAO_BIN) and web/dist with the `score` export.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { axe, fixture, shot, signIn, startServer, watchCsp } from "./harness.mjs";

const FIXTURE = fixture();
// A second approved project of the same department, never self-evaluated.
const HEATING = {
  ...FIXTURE,
  project: { ...FIXTURE.project, code: "P2019-002", name: "2019年孤儿冬季取暖补助" },
  funds: { annual_total: "50.00", mid_term_total: null, sources: [{ source: "本级财政", amount: "50.00" }] },
};
const OPINION = "请补充说明人均被装购置成本的测算依据";
const IMPROVEMENT = "按季度核对保障对象名册，及时调整被装采购数量";
const ELSEWHERE = "（另一窗口）项目于2019年1月启动，全年为358名孤儿配发四季被装";
const OVERRIDE_REASON = "抽样回访满意度为85%，按复评结果计分";
const ASSESSOR_ORG = "新疆信诚绩效评价事务所";
const ASSESSOR_REASON = "现场抽查回访记录，满意度略低于单位自评";

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
const ZH = { "Accept-Language": "zh-CN" };

let srv;
before(async () => {
  srv = await startServer({
    prefix: "jixiao-evaluation-e2e-",
    tokens: {
      dept: ["--role", "department", "--department", "101", "--name", "民政局接口"],
      finance: ["--role", "finance", "--name", "财政局绩效科"],
    },
    users: {
      minzheng: { role: "department", name: "民政局填报员", args: ["--department", "101"] },
      pingshen: { role: "assessor", name: "李评审", args: ["--org", ASSESSOR_ORG] },
    },
  });
});
after(async () => {
  await srv?.stop();
});

async function approvedTarget(doc, amount) {
  const { api, tokens } = srv;
  const created = await api("POST", "/targets", tokens.dept, doc);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;
  assert.equal((await api("POST", `/targets/${id}/submit`, tokens.dept)).status, 200);
  const approved = await api("POST", `/targets/${id}/review`, tokens.finance, { decision: "approve", grade: "excellent", criteria: {}, approved_amount: amount });
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  return id;
}

/** A signed-in page (its own context), collecting page errors and CSP reports. */
async function as(username) {
  const context = await srv.browser.newContext({ viewport: { width: 1366, height: 1000 }, locale: "zh-CN", acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  const csp = await watchCsp(page);
  await signIn(page, srv.base, username);
  return { context, page, errors, csp };
}

const text = (page, sel) => page.locator(sel).innerText();
/** Clicks a download button and returns the saved file's name and bytes. */
async function download(page, locator) {
  const [dl] = await Promise.all([page.waitForEvent("download"), locator.click()]);
  return { name: dl.suggestedFilename(), bytes: readFileSync(await dl.path()) };
}
const waitText = (page, sel, re) =>
  page.waitForFunction(([s, src]) => new RegExp(src).test(document.querySelector(s)?.textContent ?? ""), [sel, re.source]);
/** The rows of an Element Plus table (its body, not the fixed-column copy). */
const tableRows = (page, test) => page.locator(`[data-test="${test}"] .el-table__body-wrapper tbody tr`);

/** A finance decision on a self-evaluation, with the If-Match its state needs. */
async function decide(evalId, body) {
  const { api, tokens } = srv;
  const now = await api("GET", `/evaluations/${evalId}`, tokens.finance);
  const r = await api("POST", `/evaluations/${evalId}/decision`, tokens.finance, body, { "If-Match": now.body.etag });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

test("a department self-evaluates in the app; the bureau returns, files, re-evaluates and closes; the assessor re-evaluates its task", async () => {
  const { api, tokens, base } = srv;
  const targetId = await approvedTarget(FIXTURE, "86.40");
  const heatingId = await approvedTarget(HEATING, "50.00");

  // ------------------------------------------------------------ the department: 绩效自评
  const dept = await as("minzheng");
  const p = dept.page;
  await p.locator("#side-menu a:has-text('绩效自评')").click();
  await p.waitForFunction(() => location.hash.startsWith("#/evaluation"));
  const targetRow = (id, status) => p.locator(`[data-test="targets"] .el-table__body-wrapper tr.target-${id}${status ? `.status-${status}` : ""}`);
  await targetRow(targetId, "none").waitFor();
  assert.equal(await tableRows(p, "targets").count(), 2);
  assert.match(await p.locator('[data-test="year"]').innerText(), /2019年/);
  assert.match(await targetRow(heatingId, "none").innerText(), /2019年孤儿冬季取暖补助[\s\S]*50\.00[\s\S]*未自评[\s\S]*开始自评/);
  assert.match(await p.locator('[data-test="tab-none"]').innerText(), /未自评\s*2/);
  await axe(p, "绩效自评");
  await shot(p, "app-evaluation-list");
  await targetRow(targetId).locator("button.evaluate").click();
  await p.locator('#eval-form[data-status="draft"]').waitFor();
  await waitText(p, "#eval-notice", /已创建自评表草稿/);
  const evalId = await p.locator("#eval-form").getAttribute("data-id");
  assert.equal(await p.evaluate(() => location.hash.split("?")[0]), `#/evaluation/${evalId}`);

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
  assert.match(await text(p, "#evidence-h"), /佐证材料（1）/);
  // A renamed executable is refused by the server (415), explained in Chinese with the server's detail.
  await p.locator("#evidence-file").setInputFiles({ name: "setup.exe", mimeType: "application/octet-stream", buffer: Buffer.from("MZ\x90\x00\x03\x00\x00\x00 This program cannot be run in DOS mode", "latin1") });
  const refused = p.locator('#evidence-status li.error[data-name="setup.exe"][data-status="415"]');
  await refused.waitFor();
  assert.match(await refused.innerText(), /「setup\.exe」未上传：不接受此类型的文件，或文件内容与扩展名不符[\s\S]*服务器说明：不接受此类文件作为佐证材料/);
  await shot(p, "app-evaluation-evidence");
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
  await photos.locator("button.delete").click();
  await p.locator('[data-test="evidence-delete-confirm"]').click();
  await waitText(p, "#evidence-status", /已删除「发放现场照片\.pdf」/);
  await photos.waitFor({ state: "detached" });
  assert.equal(await p.locator("#evidence-table tbody tr").count(), 1);
  const listed = await api("GET", `/evaluations/${evalId}/evidence`, tokens.dept);
  assert.deepEqual(listed.body.map((x) => [x.file_name, x.sha256, x.size_bytes]), [["被装发放签收表.pdf", sha256(RECEIPTS), RECEIPTS.length]]);

  // Prefilled from the approved target: the rows, their target values and points (level names from the WASM profile), the budget.
  assert.match(await text(p, "#project-name"), /2019年孤儿被装购置费/);
  assert.equal(await p.locator("#rows tbody tr").count(), FIXTURE.indicators.length);
  await waitText(p, '#rows tr[data-indicator="i1"]', /产出指标[\s\S]*数量指标/);
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
  // The list names the fields in words; a clerk never sees a JSON Pointer.
  const problems = await text(p, "#eval-problems");
  assert.match(problems, /「保障孤儿人数」偏差原因分析及改进措施：请填写偏差原因分析及改进措施/);
  assert.match(problems, /「配发四季被装套数」偏差原因分析及改进措施/);
  assert.match(problems, /「孤儿基本生活条件改善情况」自评得分：得分须在该档次范围内（8/);
  assert.doesNotMatch(await text(p, "#eval-form"), /\/results\/|\/execution\//);
  await axe(p, "自评表（有错误）");
  await shot(p, "app-evaluation-form-errors");

  // Two fixed; submitting with the last one open is refused by the server (422), shown at the same field.
  await p.fill(`#qscore-${k8}`, "9");
  await p.fill(`#reason-${k1}`, "2名孤儿年内被依法收养，保障对象相应减少");
  await p.waitForFunction(() => document.querySelectorAll("#rows li.error").length === 1);
  await waitText(p, "#save-status", /已自动保存/);
  await p.click("#submit");
  await waitText(p, "#submit-status", /仍有 1 个错误，不能提交/);
  await p.locator(`#reason-${k2}-msg li[data-code="EVAL_REASON_REQUIRED"]`).waitFor();
  assert.equal(await p.locator("#eval-form").getAttribute("data-status"), "draft");
  assert.equal((await api("GET", `/evaluations/${evalId}`, tokens.dept)).body.status, "draft");

  // Someone else saves meanwhile (another window): the next autosave gets 412, the form reloads the stored copy and says so.
  const current = await api("GET", `/evaluations/${evalId}`, tokens.dept);
  const theirs = structuredClone(current.body.document);
  theirs.report = { ...theirs.report, basic: ELSEWHERE };
  const put = await api("PUT", `/evaluations/${evalId}`, tokens.dept, theirs, { "If-Match": current.body.etag });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  await p.fill("#report-basic", "这段文字不会被保存");
  await waitText(p, "#eval-warning", /已被他人修改[\s\S]*未能保存[\s\S]*已重新加载/);
  assert.equal(await p.locator("#report-basic").inputValue(), ELSEWHERE);
  assert.equal((await api("GET", `/evaluations/${evalId}`, tokens.dept)).body.document.report.basic, ELSEWHERE, "the stale copy was not written");
  assert.equal(await p.locator(`#reason-${k1}`).inputValue(), "2名孤儿年内被依法收养，保障对象相应减少", "what was saved before stays");

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
  await axe(p, "自评表");
  await shot(p, "app-evaluation-form");
  await p.click("#submit");
  await p.locator('#eval-form[data-status="submitted"]').waitFor();
  await waitText(p, "#eval-notice", /已提交，等待财政部门备案/);
  assert.ok(await p.locator("#executed").isDisabled());
  await p.locator("a.back").click();
  await targetRow(targetId, "submitted").waitFor();
  assert.match(await targetRow(targetId).innerText(), /已提交[\s\S]*98\.19[\s\S]*优[\s\S]*查看/);

  // ------------------------------------------------------------ the bureau (API): return with an opinion
  await decide(evalId, { decision: "return", opinion: OPINION });

  // The department sees the opinion, revises and resubmits.
  await p.goto(`${base}/#/evaluation/${evalId}`);
  await p.locator('#eval-form[data-status="returned"]').waitFor();
  assert.match(await text(p, "#opinion"), new RegExp(`财政部门退回意见[\\s\\S]*${OPINION}`));
  await p.locator("#returned-notice").waitFor();
  await axe(p, "退回的自评表");
  await shot(p, "app-evaluation-returned");
  await p.fill("#report-improvement", IMPROVEMENT);
  await waitText(p, "#save-status", /已自动保存/);
  assert.equal(await text(p, "#submit"), "重新提交");
  await p.click("#submit");
  await p.locator('#eval-form[data-status="submitted"]').waitFor();
  assert.equal((await api("GET", `/evaluations/${evalId}`, tokens.dept)).body.document.report.improvement, IMPROVEMENT);

  // ------------------------------------------------------------ the bureau (API): file, assign, re-evaluate
  const filed = await decide(evalId, { decision: "file" });
  assert.equal(filed.status, "filed");
  assert.equal(filed.final_total, "98.19");
  const assigned = await api("POST", `/evaluations/${evalId}/assignments`, tokens.finance, { organisation: ASSESSOR_ORG }, ZH);
  assert.equal(assigned.status, 201, JSON.stringify(assigned.body));
  assert.equal(assigned.body.assigned_by, "财政局绩效科");
  const twice = await api("POST", `/evaluations/${evalId}/assignments`, tokens.finance, { organisation: ASSESSOR_ORG }, ZH);
  assert.equal(twice.status, 409);
  assert.match(twice.body.detail, /该自评表已委托给/);
  // An override on i10 (row 9): without its reason the server refuses it at the row; with it, 96.19.
  const reDoc = structuredClone(filed.document);
  const k10 = reDoc.results.findIndex((r) => r.indicator_id === "i10");
  reDoc.results[k10].override = { score: "8", reason: "" };
  const noReason = await api("POST", `/evaluations/${evalId}/re-evaluations?locale=zh-CN`, tokens.finance, { evaluation: reDoc, reason: "财政局抽样复核" });
  assert.equal(noReason.status, 422);
  assert.deepEqual(noReason.body.violations.map((v) => [v.code, v.path]), [["EVAL_OVERRIDE_REASON_REQUIRED", `/results/${k10}/override/reason`]]);
  reDoc.results[k10].override = { score: "8", reason: OVERRIDE_REASON };
  const byFinance = await api("POST", `/evaluations/${evalId}/re-evaluations?locale=zh-CN`, tokens.finance, { evaluation: reDoc, reason: "财政局抽样复核" });
  assert.equal(byFinance.status, 201, JSON.stringify(byFinance.body));
  assert.equal(byFinance.body.final_total, "96.19");

  // ------------------------------------------------------------ the assessor: 复评任务
  const asr = await as("pingshen");
  const a = asr.page;
  await a.locator("#side-menu a:has-text('复评任务')").click();
  await a.waitForFunction(() => location.hash.startsWith("#/re-evaluations"));
  await a.waitForFunction(() => document.querySelectorAll('[data-test="tasks"] .el-table__body-wrapper tbody tr').length === 1);
  const task = tableRows(a, "tasks").first();
  assert.match(await task.innerText(), new RegExp(`2019年孤儿被装购置费[\\s\\S]*阿图什市民政局[\\s\\S]*2019[\\s\\S]*已备案[\\s\\S]*本机构未复评[\\s\\S]*98\\.19[\\s\\S]*96\\.19[\\s\\S]*优[\\s\\S]*${ASSESSOR_ORG}[\\s\\S]*复评`));
  assert.equal(await tableRows(a, "tasks").count(), 1, "only what is assigned to its organisation");
  await axe(a, "复评任务");
  await shot(a, "app-re-evaluations");
  // The state filter lives in the URL and goes to the server: none is returned.
  await a.goto(`${base}/#/re-evaluations?status=returned`);
  await waitText(a, '[data-test="shown"]', /^共 0 个$/);
  await a.goto(`${base}/#/re-evaluations?fiscal_year=2019&sort=final_total&order=desc`);
  await a.waitForFunction(() => document.querySelectorAll('[data-test="tasks"] .el-table__body-wrapper tbody tr').length === 1);
  await tableRows(a, "tasks").first().locator("a.row-action").click();
  await a.waitForFunction((id) => location.hash === `#/re-evaluations/${id}`, evalId);
  await a.locator(`#eval-task[data-id="${evalId}"] #re-form`).waitFor();
  // The self-evaluation under re-evaluation: the department's figures and the server's score.
  assert.equal(await a.locator("#detail-total").getAttribute("data-total"), "98.19");
  assert.match(await text(a, '#detail-rows tr[data-indicator="i1"]'), /358[\s\S]*14\.92[\s\S]*按完成比例[\s\S]*2名孤儿年内被依法收养/);
  assert.match(await text(a, '#detail-rows tr[data-indicator="i8"]'), /达成 · 9/);
  assert.match(await text(a, "#report-read"), new RegExp(IMPROVEMENT));
  assert.match(await text(a, "#task-total"), /单位自评总分：98\.19（优）· 最终得分：96\.19（优）/);
  const got = await download(a, a.locator('#eval-task #evidence tr[data-name="被装发放签收表.pdf"] button.download'));
  assert.equal(got.name, "被装发放签收表.pdf");
  assert.equal(sha256(got.bytes), sha256(RECEIPTS), "the downloaded file is the uploaded one");
  assert.equal(await a.locator("#eval-task #evidence button.delete").count(), 0);
  assert.equal(await a.locator("#eval-task #evidence-file").count(), 0);
  // The bureau's re-evaluation beside the department's score.
  assert.match(await text(a, "#re-evaluations"), new RegExp(`已指派 ${ASSESSOR_ORG} 复评[\\s\\S]*财政局 · 财政局绩效科`));
  const finRe = a.locator('#re-evaluations .re-evaluation[data-author-role="finance"]');
  assert.match(await finRe.locator('tr[data-row="i10"] td[data-col="finance"]').innerText(), /^8[\s\S]*公式得分 10\.00/);
  assert.equal(await finRe.locator('tr[data-row="i10"] td[data-col="dept"]').innerText(), "10.00");

  // 复评 in the form: it starts from the department's scores; an override on i10 is scored live
  // (formula 10.00 beside the override 9, total 97.19); without its reason the server refuses it at the row.
  const aRow = a.locator('#re-form tr[data-row="i10"]');
  assert.equal(await aRow.locator('td[data-col="dept"]').innerText(), "10.00");
  await a.waitForFunction(() => document.getElementById("re-total")?.dataset.total === "98.19");
  await aRow.locator("input").fill("9");
  await aRow.locator('li[data-code="EVAL_OVERRIDE_REASON_REQUIRED"]').waitFor();
  // An override without its reason is not applied (FORMATS §4.1): the row keeps its formula score.
  assert.equal(await aRow.locator('td[data-col="formula"]').getAttribute("data-score"), "10.00");
  assert.equal(await aRow.locator('td[data-col="result"]').getAttribute("data-score"), "10.00");
  assert.equal(await aRow.locator('td[data-col="result"]').getAttribute("data-override"), "false");
  assert.match(await text(a, "#re-violations"), /「孤儿及监护人满意度」调整理由：调整得分须说明理由/);
  await a.fill("#re-reason", "第三方复评");
  await a.click("#re-submit");
  await waitText(a, "#re-status", /复评仍有 1 个错误，未提交/);
  await aRow.locator('li[data-code="EVAL_OVERRIDE_REASON_REQUIRED"]').waitFor();
  await aRow.locator("textarea").fill(ASSESSOR_REASON);
  await a.waitForFunction(() => document.getElementById("re-total")?.dataset.total === "97.19");
  assert.equal(await aRow.locator("li.error").count(), 0);
  assert.match(await aRow.locator('td[data-col="result"]').innerText(), /^9[\s\S]*人工认定/);
  assert.equal(await aRow.locator('td[data-col="formula"]').getAttribute("data-score"), "10.00");
  assert.equal(await aRow.locator('td[data-col="result"]').getAttribute("data-override"), "true");
  assert.equal(await a.locator('#re-form tr[data-row="i1"] td[data-col="result"]').getAttribute("data-override"), "false");
  assert.match(await text(a, "#re-total"), /复评总分：97\.19[\s\S]*优[\s\S]*单位自评 98\.19/);
  await axe(a, "复评");
  await shot(a, "app-re-evaluation");
  await a.click("#re-submit");
  await waitText(a, "#task-done", /复评已提交：最终得分 97\.19/);
  const mineRe = a.locator('#eval-task .re-evaluation[data-author-role="assessor"][data-final="true"]');
  await mineRe.waitFor();
  assert.match(await mineRe.locator(".re-author").innerText(), new RegExp(`^第三方机构 ${ASSESSOR_ORG} · 李评审 于`));
  assert.match(await mineRe.locator('tr[data-row="i10"] td[data-col="finance"]').innerText(), /^9[\s\S]*公式得分 10\.00/);
  assert.equal(await mineRe.locator('tr[data-row="i10"] td[data-col="why"]').innerText(), ASSESSOR_REASON);
  assert.equal(await a.locator("#task-total").getAttribute("data-final"), "97.19");
  const stored = (await api("GET", `/evaluations/${evalId}`, tokens.finance)).body;
  assert.equal(stored.final_total, "97.19");
  assert.deepEqual(stored.re_evaluations.map((r) => [r.author_role, r.organisation ?? null, r.total]), [["finance", null, "96.19"], ["assessor", ASSESSOR_ORG, "97.19"]]);
  await a.locator("a.back").click();
  await a.waitForFunction(() => document.querySelectorAll('[data-test="tasks"] .el-table__body-wrapper tbody tr').length === 1);
  assert.match(await tableRows(a, "tasks").first().innerText(), /本机构已复评 1 次[\s\S]*97\.19/);

  // ------------------------------------------------------------ the bureau (API): deadline, close, the year's figures
  const soon = await api("PUT", "/evaluation-years/2019/deadline", tokens.finance, { deadline: "2099-12-31" }, ZH);
  assert.equal(soon.status, 200, JSON.stringify(soon.body));
  const early = await api("POST", "/evaluation-years/2019/close", tokens.finance, undefined, ZH);
  assert.equal(early.status, 409);
  assert.match(early.body.detail, /2019 年度自评截止日期为 2099-12-31，截止日期过后才能关闭年度自评/);
  assert.equal((await api("PUT", "/evaluation-years/2019/deadline", tokens.finance, { deadline: "2020-01-15" })).status, 200);
  const closed = await api("POST", "/evaluation-years/2019/close", tokens.finance);
  assert.equal(closed.status, 200, JSON.stringify(closed.body));
  assert.deepEqual(closed.body.zero_scored, [heatingId]);
  const summary = (await api("GET", "/evaluation-years/2019/summary", tokens.finance)).body;
  assert.equal(summary.closed, true);
  assert.equal(summary.deadline, "2020-01-15");
  assert.equal(summary.approved_targets, 2);
  assert.equal(summary.evaluated, 2);
  assert.deepEqual(summary.grades, { excellent: 1, good: 0, fair: 0, poor: 1 });
  assert.deepEqual(summary.zero_scores.map((z) => [z.target_id, z.project_name, z.reason]), [[heatingId, "2019年孤儿冬季取暖补助", "未按要求开展绩效自评"]]);
  const recA = summary.recommendations.find((r) => r.target_id === targetId);
  assert.deepEqual([recA.annual_total, recA.final_score, recA.grade, recA.re_evaluated, recA.recommended], ["86.40", "97.19", "excellent", true, "86.40"]);
  const recB = summary.recommendations.find((r) => r.target_id === heatingId);
  assert.deepEqual([recB.grade, recB.zero_score, Number(recB.adjustment), Number(recB.recommended)], ["poor", true, -1, 0]);
  assert.equal(summary.recommended_total, "86.40");
  assert.equal(summary.recommended_change, "-50.00");
  // 动态评估材料: today (everything done in this test) against the end of June 2019 (nothing yet).
  const today = (await api("GET", "/evaluation-years/2019/progress", tokens.finance)).body;
  assert.deepEqual(
    [today.review.declared, today.review.approved, today.monitoring.project_spending, today.evaluation.started, today.evaluation.filed, today.evaluation.zero_scored, today.evaluation.re_evaluated, today.evaluation.year_closed],
    [2, 2, "136.40", 2, 1, 1, 1, true],
  );
  const june = (await api("GET", "/evaluation-years/2019/progress?as_of=2019-06-30", tokens.finance)).body;
  assert.deepEqual([june.as_of, june.review.declared, june.review.approved, june.evaluation.filed, june.evaluation.year_closed], ["2019-06-30", 0, 0, 0, false]);

  // ------------------------------------------------------------ the department: filed, read-only, re-evaluated
  // The list (the year in the URL): the zero-scored target, the filed one with the department's own score.
  await p.goto(`${base}/#/evaluation?year=2019`);
  await targetRow(heatingId, "zero_scored").waitFor();
  assert.match(await targetRow(heatingId).innerText(), /未自评计零分[\s\S]*0[\s\S]*差/);
  assert.match(await targetRow(targetId, "filed").innerText(), /已备案[\s\S]*98\.19[\s\S]*优[\s\S]*查看/);
  await targetRow(targetId).locator("button.evaluate").click();
  await p.locator('#eval-form[data-status="filed"]').waitFor();
  assert.equal(await p.locator("#final-score").getAttribute("data-total"), "97.19");
  assert.match(await text(p, "#filed-notice"), /财政部门已备案并复评，以最后一次复评为最终得分[\s\S]*最终得分：97\.19 · 评价等级：优/);
  assert.ok(await p.locator("#report-improvement").isDisabled());
  assert.equal(await p.locator("#submit").count(), 0);
  assert.equal(await p.locator("#total").getAttribute("data-total"), "98.19", "the department's own total stays beside the final one");
  const finSide = p.locator('#re-evaluations .re-evaluation[data-author-role="finance"]');
  const side = finSide.locator('tr[data-row="i10"]');
  assert.equal(await side.locator('td[data-col="dept"]').innerText(), "10.00");
  assert.match(await side.locator('td[data-col="finance"]').innerText(), /^8[\s\S]*公式得分 10\.00/);
  assert.equal(await side.locator('td[data-col="why"]').innerText(), OVERRIDE_REASON);
  assert.match(await finSide.locator('tr[data-row="total"]').innerText(), /98\.19[\s\S]*96\.19/);
  assert.match(await finSide.locator(".re-author").innerText(), /^财政局 · 财政局绩效科/);
  // The assessor's re-evaluation, the last and so the final one, and the assignment.
  const byAssessor = p.locator('#re-evaluations .re-evaluation[data-author-role="assessor"][data-final="true"]');
  assert.match(await byAssessor.locator(".re-author").innerText(), new RegExp(`^第三方机构 ${ASSESSOR_ORG} · 李评审`));
  assert.equal(await byAssessor.locator('tr[data-row="i10"] td[data-col="why"]').innerText(), ASSESSOR_REASON);
  assert.match(await byAssessor.locator('tr[data-row="total"]').innerText(), /98\.19[\s\S]*97\.19/);
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
  await axe(p, "已备案的自评表");
  await shot(p, "app-evaluation-filed");

  for (const x of [dept, asr]) {
    assert.deepEqual(x.errors, []);
    assert.deepEqual(x.csp.list(), []);
    await x.context.close();
  }
});
