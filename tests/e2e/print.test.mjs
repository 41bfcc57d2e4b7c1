// Browser test of Excel out and print (issue 14, crates/server/SHEETS-API.md): each page that
// shows one of the national tables has 下载Excel and 打印. Seeded through the API: a 2019
// project target of department 101 approved, monitored (1—3月, a red row with its cause and
// measure, submitted) and self-evaluated (FORMATS §4's worked example, 98.19, submitted);
// a second one submitted for review and assigned to a third-party assessor; a third one
// self-evaluated by nobody and zero-scored when the year is closed. Each page is opened by
// the role that works with it — the department's #/mine/:id, #/monitoring/reports/:id and
// #/evaluation/:id, the bureau's #/review/:id, #/results and #/monitoring/board, the
// assessor's #/assignments/:id — and: axe-core (no serious or critical violation), no CSP
// violation; 下载Excel gives a file whose suggested name ends in .xlsx, carries the form's
// Chinese name and starts with the zip magic `PK` (the bureau workbook with ?through_month=
// on the board); a zero-scored self-evaluation has no 下载Excel and its /xlsx is a 409 with
// the server's reason; page.pdf (A4 landscape) writes tests/e2e/screenshots/print-*.pdf, has
// at least one page, and its text (pdftotext, poppler-utils, when installed) has the form's
// official title and the project's name and none of the buttons' labels; page 1 is rendered
// to tests/e2e/screenshots/print-*.png (pdftoppm -r 60). Needs target/debug/jixiao and web/dist.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SELF_REPORT, SHOTS, asProject, axe, evaluationFixture, fixture, signIn, startServer, watchCsp } from "./harness.mjs";

const FIXTURE = fixture();
const EVALUATION = evaluationFixture();
const HEATING = asProject(FIXTURE, "P2019-002", "2019年孤儿冬季取暖补助", "50.00");
const SCHOOL = asProject(FIXTURE, "P2019-003", "2019年孤儿助学补贴", "30.00");
const ORG = "新疆信诚绩效评价事务所";
const MEASURES = "逐户核实孤儿人数，4月起按月补发被装";
const BUTTONS = ["下载Excel", "打印", "返回", "提交", "加载更多"];

const tool = (name) => {
  try {
    execFileSync("which", [name], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};
const HAVE_PDFTOTEXT = tool("pdftotext");
const HAVE_PDFTOPPM = tool("pdftoppm");

let srv;
const ids = {};

before(async () => {
  srv = await startServer({
    prefix: "jixiao-print-",
    tokens: {
      d101: ["--role", "department", "--department", "101", "--name", "民政局接口"],
      finance: ["--role", "finance", "--name", "财政局接口"],
    },
    users: {
      minzheng: { role: "department", name: "民政局填报员", args: ["--department", "101"] },
      caizheng: { role: "finance", name: "绩效科王科长" },
      pingshen: { role: "assessor", name: "李评审", args: ["--org", ORG] },
    },
  });
  await seed();
});
after(async () => {
  await srv?.stop();
});

async function call(method, path, tok, body, headers) {
  const r = await srv.api(method, path, tok, body, headers);
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function submittedTarget(doc) {
  const t = await call("POST", "/targets", srv.tokens.d101, doc);
  await call("POST", `/targets/${t.id}/submit`, srv.tokens.d101);
  return t.id;
}
async function approvedTarget(doc) {
  const id = await submittedTarget(doc);
  await call("POST", `/targets/${id}/review`, srv.tokens.finance, { decision: "approve", grade: "excellent", criteria: {}, approved_amount: doc.funds.annual_total });
  return id;
}

const ROWS = { i1: "30", i2: "360", i3: "100", i4: "100", i5: null, i6: "0.23", i7: "100", i8: "已按季配发", i9: "机制运行正常", i10: "95" };

async function seed() {
  ids.a = await approvedTarget(FIXTURE);
  ids.c = await approvedTarget(SCHOOL);
  ids.b = await submittedTarget(HEATING);
  const assigned = await call("POST", "/assignments", srv.tokens.finance, { target_ids: [ids.b], organisation: ORG, due: "2019-03-31" });
  ids.assignment = assigned[0].id;

  // 1—3月: 保障孤儿人数 30 of 90 (red) with its cause and measure.
  const round = await call("POST", "/monitoring/rounds", srv.tokens.finance, { fiscal_year: 2019, through_month: 3, deadline: "2019-04-15" });
  ids.round = round.id;
  {
    const draft = await call("POST", "/monitoring/reports", srv.tokens.d101, { round_id: round.id, target_id: ids.a });
    const indicators = Object.entries(ROWS).map(([id, actual]) => ({
      indicator_id: id,
      ...(actual !== null ? { actual_to_date: actual } : {}),
      likelihood: id === "i1" ? "possible" : "certain",
      ...(id === "i1" ? { causes: ["funding", "staffing"], measures: MEASURES } : {}),
    }));
    const doc = {
      ...draft.document,
      period: { fiscal_year: 2019, through_month: 3 },
      execution: { budget_full_year: "86.40", executed: "21.60", forecast_full_year: "86.40" },
      goal_progress: "春装已配发到位",
      indicators,
    };
    const put = await call("PUT", `/monitoring/reports/${draft.id}`, srv.tokens.d101, doc, { "If-Match": draft.etag });
    await call("POST", `/monitoring/reports/${draft.id}/submit`, srv.tokens.d101, undefined, { "If-Match": put.etag });
    ids.report = draft.id;
  }

  // The self-evaluation of the first target (98.19), submitted.
  const draft = await call("POST", "/evaluations", srv.tokens.d101, { target_id: ids.a });
  const put = await call("PUT", `/evaluations/${draft.id}`, srv.tokens.d101, { ...draft.document, ...structuredClone(EVALUATION), report: SELF_REPORT }, { "If-Match": draft.etag });
  assert.equal(put.total, "98.19");
  await call("POST", `/evaluations/${draft.id}/submit`, srv.tokens.d101, undefined, { "If-Match": put.etag });
  ids.evaluation = draft.id;
}

/** A zh-CN page signed in as `username`, recording page errors and CSP violations. */
async function pageAs(username) {
  const context = await srv.browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "zh-CN", acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const csp = await watchCsp(page);
  await signIn(page, srv.base, username);
  return { context, page, errors, csp };
}

/** 下载Excel: the browser gets a .xlsx named after the form, and the bytes are a zip. */
async function downloads(page, formName, scope = page) {
  const [dl] = await Promise.all([page.waitForEvent("download"), scope.locator('[data-test="download-xlsx"]').first().click()]);
  const name = dl.suggestedFilename();
  assert.match(name, /\.xlsx$/, `the suggested name ${name}`);
  assert.ok(name.includes(formName), `${name} names ${formName}`);
  const bytes = readFileSync(await dl.path());
  assert.equal(bytes.subarray(0, 2).toString("latin1"), "PK", `${name} is a zip`);
  assert.ok(bytes.length > 1000, `${name} has content`);
  // Back to rest: the button is no longer busy.
  await scope.locator('[data-test="download-xlsx"]:not(.is-loading)').first().waitFor();
  return name;
}

/** The page printed (A4 landscape) to SHOTS/print-<name>.pdf, checked, page 1 as print-<name>.png. */
async function printed(page, name, { title, texts = [] }) {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"));
  const pdf = await page.pdf({ format: "A4", landscape: true, printBackground: true });
  const file = join(SHOTS, `print-${name}.pdf`);
  writeFileSync(file, pdf);
  assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
  const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
  assert.ok(pages >= 1, `${name}: ${pages} pages`);
  if (HAVE_PDFTOTEXT) {
    // Reading order (no -layout): a cell's wrapped lines stay together.
    const txt = execFileSync("pdftotext", [file, "-"], { encoding: "utf8" });
    const flat = txt.replace(/\s+/g, "");
    assert.ok(flat.includes(title), `${name}: the printed page is titled ${title}`);
    for (const t of texts) assert.ok(flat.includes(t.replace(/\s+/g, "")), `${name}: the printed page shows ${t}`);
    for (const b of BUTTONS) assert.ok(!new RegExp(`(^|\\s)${b}(\\s|$)`, "m").test(txt), `${name}: no button ${b} on paper`);
  } else {
    console.log(`# print-${name}: pdftotext (poppler-utils) not installed, the PDF's text is not checked`);
  }
  if (HAVE_PDFTOPPM) {
    execFileSync("pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", file, join(SHOTS, `print-${name}`)]);
    assert.ok(existsSync(join(SHOTS, `print-${name}.png`)));
  } else {
    console.log(`# print-${name}: pdftoppm (poppler-utils) not installed, no PNG of page 1`);
  }
  return pages;
}

/** What the screen shows before printing passes axe and has the buttons; its top as SHOTS/screen-<name>.png. */
async function ready(page, label, name) {
  await page.locator('[data-test="print"]').waitFor();
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"));
  await axe(page, label);
  await page.screenshot({ path: join(SHOTS, `print-screen-${name}.png`) });
}

test("the department downloads and prints its 申报表, 执行监控表 and 自评表", async () => {
  const { context, page: p, errors, csp } = await pageAs("minzheng");

  // 申报表 (#/mine/:id)
  await p.goto(`${srv.base}/#/mine/${ids.a}`);
  await p.locator('[data-test="indicators"]').waitFor();
  await ready(p, "我的绩效目标（申报表）", "target");
  await downloads(p, "项目支出绩效目标申报表");
  await printed(p, "target", { title: "项目支出绩效目标申报表", texts: ["2019年孤儿被装购置费", "保障孤儿人数", "阿图什市儿童福利院"] });

  // 执行监控表 (#/monitoring/reports/:id): submitted, read-only.
  await p.goto(`${srv.base}/#/monitoring/reports/${ids.report}`);
  await p.locator('#mon-report[data-status="submitted"]').waitFor();
  await p.locator('#light-0[data-light="red"]').waitFor();
  await ready(p, "执行监控表", "monitoring");
  const monName = await downloads(p, "项目支出绩效目标执行监控表");
  assert.ok(monName.includes("2019年孤儿被装购置费"), monName);
  await printed(p, "monitoring", { title: "项目支出绩效目标执行监控表", texts: ["2019年孤儿被装购置费", "1—3月", "逐户核实孤儿人数", "经费保障", "红灯"] });

  // 自评表 (#/evaluation/:id): submitted, read-only, 98.19.
  await p.goto(`${srv.base}/#/evaluation/${ids.evaluation}`);
  await p.locator('#eval-form[data-status="submitted"]').waitFor();
  await p.locator('#total[data-total="98.19"]').waitFor();
  await ready(p, "自评表", "evaluation");
  await downloads(p, "项目支出绩效自评表");
  await printed(p, "evaluation", { title: "项目支出绩效自评表", texts: ["2019年孤儿被装购置费", "98.19", "加强保障对象动态管理"] });

  assert.deepEqual(errors, []);
  assert.deepEqual(csp.list(), []);
  await context.close();
});

test("the bureau downloads and prints the dossier's 申报表 and the 评价结果汇总; the board's workbook of a round", async () => {
  const { context, page: f, errors, csp } = await pageAs("caizheng");

  // 申报表 in the dossier (#/review/:id)
  await f.goto(`${srv.base}/#/review/${ids.b}`);
  await f.locator('[data-test="review-form"]').waitFor();
  await f.locator('[data-test="indicators"]').waitFor();
  await ready(f, "审核（申报表）", "review");
  await downloads(f, "项目支出绩效目标申报表");
  await printed(f, "review", { title: "项目支出绩效目标申报表", texts: ["2019年孤儿冬季取暖补助", "保障孤儿人数"] });

  // The board: the workbook of the year with only this round's month.
  await f.goto(`${srv.base}/#/monitoring/board?year=2019&round=${ids.round}`);
  await f.locator('[data-test="department-table"]').waitFor();
  await f.locator('[data-test="download-xlsx"]').waitFor();
  await axe(f, "运行监控看板");
  await f.screenshot({ path: join(SHOTS, "print-screen-board.png") });
  const board = await downloads(f, "预算绩效管理工作簿");
  assert.ok(board.includes("2019") && board.includes("1-3月"), board);

  // 评价结果 (#/results): the self-evaluation filed, the year closed (the third target was
  // never self-evaluated: 0).
  const ev = await call("GET", `/evaluations/${ids.evaluation}`, srv.tokens.finance);
  await call("POST", `/evaluations/${ids.evaluation}/decision`, srv.tokens.finance, { decision: "file" }, { "If-Match": ev.etag });
  await call("PUT", "/evaluation-years/2019/deadline", srv.tokens.finance, { deadline: "2020-01-15" });
  await call("POST", "/evaluation-years/2019/close", srv.tokens.finance);
  await f.goto(`${srv.base}/#/results?year=2019`);
  await f.locator("#rec-table").waitFor();
  await f.locator('[data-test="grades-chart"] [data-rendered="true"]').waitFor();
  await ready(f, "评价结果", "results");
  const wb = await downloads(f, "预算绩效管理工作簿");
  assert.ok(wb.startsWith("2019年度"), wb);
  await printed(f, "results", { title: "评价结果汇总", texts: ["2019年孤儿被装购置费", "2019年孤儿助学补贴", "未按要求开展绩效自评"] });

  // A zero-scored self-evaluation has no table: no 下载Excel, and the route says why (409).
  const all = await call("GET", "/evaluations?fiscal_year=2019&limit=200", srv.tokens.finance);
  const zero = all.items.find((e) => e.target_id === ids.c);
  assert.equal(zero?.status, "zero_scored");
  const refused = await srv.api("GET", `/evaluations/${zero.id}/xlsx?locale=zh-CN`, srv.tokens.finance);
  assert.equal(refused.status, 409);
  assert.ok(refused.body?.detail, "the 409 has the server's reason");
  await f.goto(`${srv.base}/#/results?year=2019&evaluation=${zero.id}`);
  await f.locator(`#eval-detail[data-id="${zero.id}"][data-status="zero_scored"]`).waitFor();
  assert.equal(await f.locator('#eval-detail [data-test="download-xlsx"]').count(), 0);
  // A filed one in the same dialog has it.
  await f.goto(`${srv.base}/#/results?year=2019&evaluation=${ids.evaluation}`);
  const detail = f.locator(`#eval-detail[data-id="${ids.evaluation}"]`);
  await detail.waitFor();
  await downloads(f, "项目支出绩效自评表", detail);

  assert.deepEqual(errors, []);
  assert.deepEqual(csp.list(), []);
  await context.close();
});

test("the assessor downloads and prints the 申报表 of its task", async () => {
  const { context, page: a, errors, csp } = await pageAs("pingshen");
  await a.goto(`${srv.base}/#/assignments/${ids.assignment}`);
  await a.locator('[data-test="opinion-form"]').waitFor();
  await a.locator('[data-test="indicators"]').waitFor();
  await ready(a, "评审任务（申报表）", "assignment");
  await downloads(a, "项目支出绩效目标申报表");
  await printed(a, "assignment", { title: "项目支出绩效目标申报表", texts: ["2019年孤儿冬季取暖补助"] });
  assert.deepEqual(errors, []);
  assert.deepEqual(csp.list(), []);
  await context.close();
});

test("a refused download shows the server's reason", async () => {
  const { context, page: p, errors, csp } = await pageAs("minzheng");
  await p.goto(`${srv.base}/#/mine/${ids.a}`);
  await p.locator('[data-test="download-xlsx"]').waitFor();
  // The target goes away behind the page's back: the route answers 404 with a problem.
  await p.route("**/api/v1/targets/*/xlsx*", (route) =>
    route.fulfill({ status: 404, contentType: "application/problem+json", body: JSON.stringify({ type: "about:blank", title: "Not Found", status: 404, detail: "未找到该绩效目标" }) }),
  );
  await p.locator('[data-test="download-xlsx"]').click();
  await p.locator(".el-message--error", { hasText: "下载失败：未找到该绩效目标" }).waitFor();
  await p.locator('[data-test="download-xlsx"]:not(.is-loading)').waitFor();
  assert.deepEqual(errors, []);
  assert.deepEqual(csp.list(), []);
  await context.close();
});
