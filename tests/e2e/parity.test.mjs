// Parity: the WASM module (pkg-node, built by scripts/web-build.sh) must print exactly
// what the `jixiao` command line prints: every target fixture and some hundreds of
// mutated documents through `validate` vs `jixiao check --jsonl`, byte for byte, under
// every profile and both locales; the evaluation fixture and mutations of it through
// `score` vs `jixiao score`; the monitoring fixtures and mutations of them through
// `monitor` vs `jixiao monitor`. The CLI is $JIXIAO_BIN, else target/debug/jixiao.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const wasm = createRequire(import.meta.url)(join(ROOT, "pkg-node/jixiao_wasm.js"));
const BIN = process.env.JIXIAO_BIN ?? join(ROOT, "target/debug/jixiao");
const PROFILES = JSON.parse(wasm.profiles()).map((p) => p.id);
const LOCALES = ["zh-CN", "en"];
const MUTANTS = Number(process.env.PARITY_MUTANTS ?? 600);
const MONITOR_MUTANTS = Number(process.env.PARITY_MONITOR_MUTANTS ?? 300);

const TARGET_CODES = [
  "DOC_FIELD_REQUIRED", "DOC_FIELD_INVALID", "AMOUNT_INVALID", "FUNDS_SOURCES_SUM", "FUNDS_ANNUAL_EXCEEDS_MID_TERM",
  "TREE_LEVEL1_MIN", "TREE_LEVEL2_MIN", "TREE_LEVEL3_MIN", "TREE_QUANT_RATIO_MIN", "TREE_LEVEL1_REQUIRED", "POINTS_TOTAL",
  "IND_ID_DUPLICATE", "IND_LEVEL1_UNKNOWN", "IND_LEVEL2_INVALID", "IND_NAME_REQUIRED", "IND_NAME_TOO_LONG",
  "IND_NAME_DUPLICATE", "IND_NATURE_INVALID", "IND_OPERATOR_REQUIRED", "IND_OPERATOR_INVALID", "IND_VALUE_REQUIRED",
  "IND_VALUE_PLACEHOLDER", "IND_VALUE_INVALID", "IND_UNIT_REQUIRED", "IND_POINTS_INVALID", "IND_PERCENT_RANGE",
  "IND_SATISFACTION_LOW", "IND_DATE_OUT_OF_PERIOD",
];

const fixtures = (kind) =>
  readdirSync(join(ROOT, "tests/fixtures", kind))
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => ({ name: f, ...JSON.parse(readFileSync(join(ROOT, "tests/fixtures", kind, f), "utf8")) }));

/** A small deterministic PRNG (mulberry32), so a failure is reproducible. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (xs) => xs[int(xs.length)];
  return { next, int, pick };
}

const VALUES = [
  undefined, null, "", "  ", "*", "--", "/_", "无", "暂无", "0", "360", "86.40", "86.401", "86.", "-1", "1e3", "12.5",
  "100", "101", "-5", "79", "80", "2019-10-31", "2019-02-30", "2018-12-31", "2020-01-01", "86.40\n", 360, 86.4, true,
  [], {}, "a".repeat(101), "指标".repeat(50), "人", "%", "万元", "output", "benefit", "cost", "satisfaction", "nope",
  "quantity", "quality", "timeliness", "social", "economic", "beneficiary", "sustainability", "ecological",
  "quantitative", "qualitative", "ge", "gt", "eq", "le", "lt", "==", "i1", "i2", "project", "department", "new",
  "continuing", 2019, 1999, 2101, "2019",
];
const IND_FIELDS = ["id", "level1", "level2", "name", "nature", "operator", "value", "unit", "points", "core", "basis"];
const TOP = [
  ["kind"], ["fiscal_year"], ["region"], ["department"], ["department", "name"], ["unit"], ["project"],
  ["project", "name"], ["project", "attribute"], ["project", "start"], ["project", "end"], ["funds"],
  ["funds", "annual_total"], ["funds", "mid_term_total"], ["funds", "sources"], ["goals"], ["goals", "annual"],
  ["classified"], ["indicators"],
];

function setPath(obj, path, v) {
  let o = obj;
  for (const k of path.slice(0, -1)) {
    if (o[k] === null || typeof o[k] !== "object") o[k] = {};
    o = o[k];
  }
  const last = path[path.length - 1];
  if (v === undefined) delete o[last];
  else o[last] = v;
}

/** One random edit of a target document (in place). */
function mutate(doc, r) {
  const inds = Array.isArray(doc.indicators) ? doc.indicators : null;
  switch (r.int(10)) {
    case 0:
    case 1:
    case 2:
      if (inds?.length) {
        const i = r.int(inds.length);
        if (inds[i] && typeof inds[i] === "object") setPath(inds[i], [r.pick(IND_FIELDS)], r.pick(VALUES));
      }
      break;
    case 3:
      setPath(doc, r.pick(TOP), r.pick(VALUES));
      break;
    case 4:
      if (inds?.length) inds.push(structuredClone(inds[r.int(inds.length)])); // duplicate id and name
      break;
    case 5:
      if (inds?.length) inds.splice(r.int(inds.length), 1 + r.int(3));
      break;
    case 6:
      if (inds) inds.splice(r.int(inds.length + 1), 0, r.pick([42, "x", null, [], {}]));
      break;
    case 7:
      if (doc.funds && typeof doc.funds === "object") {
        doc.funds.sources = [{ source: "本级财政", amount: r.pick(["1.00", "86.40", "0", "x", 3, "60.00"]) }, { source: "补助", amount: r.pick(["26.40", "0.01", "-1"]) }];
      }
      break;
    case 8:
      if (inds?.length) {
        const i = r.int(inds.length);
        if (inds[i] && typeof inds[i] === "object") Object.assign(inds[i], { unit: "%", value: r.pick(["101", "79", "-3", "50"]), level1: r.pick(["satisfaction", "output"]), level2: r.pick(["beneficiary", "quality"]) });
      }
      break;
    case 9:
      if (inds?.length) {
        const i = r.int(inds.length);
        const names = ["长".repeat(101), "长".repeat(100), " ", inds[0]?.name, `${inds[0]?.name} `];
        if (inds[i] && typeof inds[i] === "object") inds[i].name = r.pick(names);
      }
      break;
  }
}

function targetCases() {
  const base = fixtures("targets");
  const cases = base.map((f) => ({ name: f.name, profile: f.profile, doc: f.document }));
  const r = rng(20191231);
  for (let n = 0; n < MUTANTS; n++) {
    const f = r.pick(base);
    const doc = structuredClone(f.document);
    const edits = 1 + r.int(4);
    for (let e = 0; e < edits; e++) mutate(doc, r);
    cases.push({ name: `${f.name}#${n}`, profile: r.pick(PROFILES), doc });
  }
  return cases;
}

test(`validate equals jixiao check --jsonl byte for byte (fixtures + ${MUTANTS} mutants, every profile, both locales)`, () => {
  const dir = mkdtempSync(join(tmpdir(), "jixiao-parity-"));
  try {
    const cases = targetCases();
    const seenLines = [];
    let compared = 0;
    for (const profile of PROFILES) {
      for (const locale of LOCALES) {
        // Every case goes through every profile/locale pair: one CLI run per pair.
        const lines = cases.map((c) => JSON.stringify(c.doc));
        const file = join(dir, `${profile}-${locale}.jsonl`);
        writeFileSync(file, lines.join("\n") + "\n");
        const run = spawnSync(BIN, ["check", "--jsonl", "--profile", profile, "--locale", locale, file], { encoding: "utf8", maxBuffer: 1 << 28 });
        assert.ok(run.status === 0 || run.status === 1, `jixiao check exit ${run.status}: ${run.stderr}`);
        const out = run.stdout.split("\n");
        assert.equal(out.pop(), "");
        assert.equal(out.length, cases.length);
        seenLines.push(...out);
        cases.forEach((c, i) => {
          assert.equal(wasm.validate(lines[i], profile, locale), out[i], `${c.name} under ${profile}/${locale}`);
          compared++;
        });
      }
    }
    assert.equal(compared, cases.length * PROFILES.length * LOCALES.length);
    // The mutants reach every target code of FORMATS.md §3, so the comparison covers them all.
    const seen = new Set(JSON.parse(`[${seenLines.join(",")}]`).flatMap((r) => r.violations.map((v) => v.code)));
    assert.deepEqual([...TARGET_CODES].filter((c) => !seen.has(c)), []);
    // The fixtures' own expectations hold too (multiset of code, path, severity).
    for (const f of fixtures("targets")) {
      const got = JSON.parse(wasm.validate(JSON.stringify(f.document), f.profile, "zh-CN"));
      const key = (v) => `${v.code} ${v.path} ${v.severity}`;
      assert.equal(got.valid, f.expect.valid, f.name);
      assert.deepEqual(got.violations.map(key).sort(), f.expect.violations.map(key).sort(), f.name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a line that is not a JSON object gets the CLI's error line (without its line number)", () => {
  const dir = mkdtempSync(join(tmpdir(), "jixiao-parity-"));
  try {
    for (const text of ["[1,2]", "42", '"x"', "null", "{", "{}x"]) {
      const file = join(dir, "bad.jsonl");
      writeFileSync(file, text + "\n");
      const run = spawnSync(BIN, ["check", "--jsonl", file], { encoding: "utf8" });
      assert.equal(run.status, 2);
      const cli = JSON.parse(run.stdout);
      const ours = JSON.parse(wasm.validate(text, "artux-2018", "zh-CN"));
      assert.deepEqual({ ...ours, error: undefined }, { ...cli, error: undefined });
      assert.equal(cli.error.replace(/^line 1: /, ""), ours.error.replace(/^document: /, ""), text);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("unknown profile and locale throw, like the CLI's exit 2", () => {
  assert.throws(() => wasm.validate("{}", "nope", "zh-CN"), /unknown profile `nope`/);
  assert.throws(() => wasm.validate("{}", "artux-2018", "fr"), /unknown locale/);
  assert.equal(spawnSync(BIN, ["check", "--profile", "nope"], { input: "{}" }).status, 2);
});

/** One random edit of an evaluation (in place). */
function mutateEvaluation(ev, r) {
  const res = Array.isArray(ev.results) ? ev.results : [];
  const i = res.length ? r.int(res.length) : 0;
  switch (r.int(7)) {
    case 0:
      if (res[i]) res[i].actual = r.pick(["0", "358", "360", "500", "-1", "x", "2019-11-30", "2019-10-01", "468", "100.5", 7, null]);
      break;
    case 1:
      if (res[i]) Object.assign(res[i], { tier: r.pick(["achieved", "partial", "not_achieved", "great", undefined]), score: r.pick(["9", "4.5", "7", "0", "11", "-1", 9, undefined]) });
      break;
    case 2:
      res.splice(i, 1);
      break;
    case 3:
      res.push({ indicator_id: r.pick(["i1", "zz", "i3"]), actual: "1" });
      break;
    case 4:
      ev.execution = { ...ev.execution, [r.pick(["budget_full_year", "executed", "reason", "budget_initial"])]: r.pick(["0", "86.40", "70.00", "x", "90", null, "原因"]) };
      break;
    case 5:
      if (res[i]) res[i].deviation_reason = r.pick([undefined, "", "原因"]);
      break;
    case 6:
      if (res[i]) res[i].indicator_id = r.pick(["i1", "i10", "nope", 3]);
      break;
  }
}

test("score equals jixiao score (the evaluation fixture and 150 mutants)", () => {
  const dir = mkdtempSync(join(tmpdir(), "jixiao-parity-"));
  try {
    // The worked example of FORMATS.md §4 (the other evaluation fixture needs a profile file).
    const fx = fixtures("evaluations").find((f) => f.name === "orphan-clothing-2019.json");
    const r = rng(98_19);
    const cases = [{ target: fx.target, evaluation: fx.evaluation, profile: fx.profile }];
    for (let n = 0; n < 150; n++) {
      const evaluation = structuredClone(fx.evaluation);
      const target = structuredClone(fx.target);
      for (let e = 0, k = 1 + r.int(3); e < k; e++) mutateEvaluation(evaluation, r);
      if (r.int(4) === 0) mutate(target, r);
      const victim = Array.isArray(target.indicators) ? r.pick(target.indicators) : undefined;
      if (r.int(8) === 0 && victim && typeof victim === "object") setPath(victim, ["points"], r.pick([undefined, "0", "x", 5]));
      cases.push({ target, evaluation, profile: r.pick(PROFILES) });
    }
    const seen = new Set();
    cases.forEach((c, n) => {
      const locale = LOCALES[n % 2];
      const tfile = join(dir, "t.json");
      const efile = join(dir, "e.json");
      writeFileSync(tfile, JSON.stringify(c.target));
      writeFileSync(efile, JSON.stringify(c.evaluation));
      const run = spawnSync(BIN, ["score", "--profile", c.profile, "--locale", locale, "--target", tfile, efile], { encoding: "utf8" });
      assert.ok(run.status === 0 || run.status === 1, `case ${n}: jixiao score exit ${run.status}: ${run.stderr}`);
      assert.equal(wasm.score(JSON.stringify(c.target), JSON.stringify(c.evaluation), c.profile, locale) + "\n", run.stdout, `case ${n}`);
      for (const v of JSON.parse(run.stdout).violations) seen.add(v.code);
    });
    const EVAL_CODES = ["EVAL_REASON_REQUIRED", "EVAL_RESULT_MISSING", "EVAL_RESULT_UNKNOWN", "EVAL_POINTS_MISSING", "EVAL_ACTUAL_INVALID", "EVAL_TIER_INVALID", "EVAL_SCORE_OUT_OF_TIER", "AMOUNT_INVALID", "DOC_FIELD_INVALID"];
    assert.deepEqual(EVAL_CODES.filter((c) => !seen.has(c)), [], "the mutants reach every scoring code");
    const first = JSON.parse(wasm.score(JSON.stringify(fx.target), JSON.stringify(fx.evaluation), fx.profile, "zh-CN"));
    assert.equal(first.total, "98.19");
    assert.equal(first.grade, "excellent");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Every code FORMATS.md §6 lists for a monitoring report.
const MON_CODES = [
  "MON_PERIOD_INVALID", "AMOUNT_INVALID", "DOC_FIELD_REQUIRED", "DOC_FIELD_INVALID", "MON_EXECUTED_EXCEEDS_BUDGET",
  "MON_REASON_REQUIRED", "MON_RESULT_MISSING", "MON_RESULT_UNKNOWN", "MON_ACTUAL_INVALID", "MON_LIKELIHOOD_INVALID",
  "MON_CAUSE_INVALID", "MON_CAUSES_REQUIRED", "MON_MEASURES_REQUIRED", "MON_EXECUTION_DECREASED",
  "MON_LIKELIHOOD_INCONSISTENT",
];

/** Hundredths as a decimal text ("162", "161.99", "-0.01"). */
const cents = (h, r) => (h % 100 === 0 && r.int(2) === 0 ? String(h / 100) : (h / 100).toFixed(2));

/** The amount (in hundredths) at a ratio threshold p/10 of `base` (hundredths) at month m, ± a cent. */
function aroundThreshold(base, m, r) {
  const p = r.pick([6, 8, 10, 12, 5, 15, 20]);
  const exact = Math.round((base * m * p) / 120);
  return exact + r.pick([-1, 0, 0, 0, 1, -100, 100]);
}

const monthOf = (report) => {
  const m = report?.period?.through_month;
  return Number.isInteger(m) && m >= 1 && m <= 12 ? m : 9;
};

/** One random edit of a monitoring case (report, previous, sometimes the target) in place. */
function mutateMonitoring(c, r) {
  const rep = c.report;
  const rows = Array.isArray(rep.indicators) ? rep.indicators : [];
  const k = rows.length ? r.int(rows.length) : 0;
  const row = rows[k] && typeof rows[k] === "object" && !Array.isArray(rows[k]) ? rows[k] : null;
  const inds = Array.isArray(c.target.indicators) ? c.target.indicators : [];
  const exec = () => (rep.execution && typeof rep.execution === "object" && !Array.isArray(rep.execution) ? rep.execution : (rep.execution = {}));
  switch (r.int(20)) {
    case 0:
      setPath(rep, ["period", "through_month"], r.pick([1, 2, 3, 6, 7, 9, 10, 11, 12, 0, 13, -1, 9.5, "9", null, undefined]));
      break;
    case 1:
      setPath(rep, ["period", "fiscal_year"], r.pick([2019, 2019, 2018, 2020, "2019", 65536, null, undefined]));
      break;
    case 2:
    case 3: {
      // executed at and around the red/yellow thresholds of its budget and month
      const e = exec();
      const budget = r.pick([8640, 8640, 12000, 100, 3600, 1]);
      e.budget_full_year = cents(budget, r);
      e.executed = cents(Math.max(0, aroundThreshold(budget, monthOf(rep), r)), r);
      if (r.int(3) === 0) delete e.reason;
      break;
    }
    case 4:
      exec()[r.pick(["budget_full_year", "executed", "forecast_full_year"])] = r.pick(["0", "0.00", "86.40", "86.401", "x", "-1", "1e3", "", "  ", null, undefined, 86.4, "99999999.99", "100.00"]);
      break;
    case 5:
      exec().reason = r.pick([undefined, null, "", "  ", "冬装集中在10月采购", 5]);
      break;
    case 6:
    case 7: {
      // actual_to_date at and around the time-proportional thresholds of its target
      if (!row) break;
      const ind = inds.find((i) => i && i.id === row.indicator_id);
      const t = Number(ind?.value);
      if (Number.isFinite(t)) row.actual_to_date = cents(aroundThreshold(Math.round(t * 100), monthOf(rep), r), r);
      else row.actual_to_date = r.pick(["2019-10-31", "2019-11-01", "2019-09-30", "", "已完成"]);
      break;
    }
    case 8:
      if (row) setPath(row, ["actual_to_date"], r.pick([undefined, null, "", " ", "x", "360", "0", "-5", "1e3", "99.9", "100", 360, "2019-10-31", "2019-12-01", "2019-02-30", "2018-12-31", "--"]));
      break;
    case 9:
      if (row) setPath(row, ["likelihood"], r.pick(["certain", "possible", "impossible", "", null, undefined, "maybe", "Certain", 1]));
      break;
    case 10:
      if (row) setPath(row, ["causes"], r.pick([undefined, null, [], ["funding"], ["other", "staffing"], ["institutional", "hardware"], ["nope"], "funding", [1], ["hardware", "x"], {}]));
      break;
    case 11:
      if (row) setPath(row, ["measures"], r.pick([undefined, null, "", "  ", "加快采购进度", 5]));
      break;
    case 12:
      if (row) setPath(row, ["forecast_full_year"], r.pick(["360", "1440", "100", "1", "0", "0.30", "0.20", "x", "", undefined]));
      break;
    case 13:
      if (rows.length) rows.splice(k, 1 + r.int(2));
      break;
    case 14:
      if (row) rows.push(r.int(2) ? structuredClone(row) : { ...structuredClone(row), indicator_id: "zz" });
      break;
    case 15:
      if (row) row.indicator_id = r.pick(["i1", "i2", "i5", "i8", "nope", 3, null, undefined, ""]);
      break;
    case 16:
      if (r.int(2)) rows.splice(r.int(rows.length + 1), 0, r.pick([42, "x", null, []]));
      else setPath(rep, [r.pick(["indicators", "period", "execution"])], r.pick(["x", {}, [], null, undefined, 7]));
      break;
    case 17: {
      // a previous report: executed above, at or below this one's
      const cur = Number(rep.execution?.executed);
      const prev = Number.isFinite(cur) ? cents(Math.max(0, Math.round(cur * 100) + r.pick([-1, 0, 1, 150, -150])), r) : "20.00";
      c.previous = r.pick([
        { period: { fiscal_year: 2019, through_month: 6 }, execution: { budget_full_year: "86.40", executed: prev }, indicators: [] },
        { execution: { executed: prev } },
        { execution: { executed: r.pick(["x", 5, null, "", "999.99"]) } },
        {},
        undefined,
      ]);
      break;
    }
    case 18: {
      // the target's indicator itself: operator, value, level2 (another rule or threshold)
      const ind = inds.length ? inds[r.int(inds.length)] : null;
      if (ind && typeof ind === "object") {
        setPath(ind, [r.pick(["operator", "value", "level2", "nature"])], r.pick(["ge", "gt", "eq", "le", "lt", "0", "-5", "360", "0.24", "2019-06-30", "2019-12-31", "quantity", "quality", "timeliness", "quantitative", "qualitative", undefined]));
      }
      break;
    }
    case 19:
      if (r.int(3) === 0) mutate(c.target, r);
      else if (row) Object.assign(row, { likelihood: r.pick(["possible", "impossible", "certain"]), causes: r.pick([undefined, [], ["other"]]), measures: r.pick([undefined, "", "措施"]) });
      break;
  }
}

function monitoringCases() {
  const base = fixtures("monitoring");
  const cases = base.map((f) => ({ name: f.name, profile: f.profile, target: f.target, report: f.report, previous: f.previous }));
  const r = rng(2019_0930);
  for (let n = 0; n < MONITOR_MUTANTS; n++) {
    const f = r.pick(base);
    const c = { name: `${f.name}#${n}`, profile: r.pick(PROFILES), target: structuredClone(f.target), report: structuredClone(f.report), previous: structuredClone(f.previous) };
    for (let e = 0, k = 1 + r.int(4); e < k; e++) mutateMonitoring(c, r);
    cases.push(c);
  }
  return cases;
}

test(`monitor equals jixiao monitor (the monitoring fixtures and ${MONITOR_MUTANTS} mutants)`, () => {
  const dir = mkdtempSync(join(tmpdir(), "jixiao-parity-"));
  try {
    const cases = monitoringCases();
    const seen = new Set();
    const lights = new Set();
    const rules = new Set();
    const ratios = new Set();
    const exits = new Set();
    let withPrevious = 0;
    cases.forEach((c, n) => {
      const locale = LOCALES[n % 2];
      const tfile = join(dir, "t.json");
      const rfile = join(dir, "r.json");
      const pfile = join(dir, "p.json");
      writeFileSync(tfile, JSON.stringify(c.target));
      writeFileSync(rfile, JSON.stringify(c.report));
      const args = ["monitor", "--profile", c.profile, "--locale", locale, "--target", tfile];
      // No previous report: the CLI leaves out --previous, the module gets "" or "null".
      let previous = n % 4 === 1 ? "null" : "";
      if (c.previous !== undefined) {
        previous = JSON.stringify(c.previous);
        writeFileSync(pfile, previous);
        args.push("--previous", pfile);
        withPrevious++;
      }
      args.push(rfile);
      const run = spawnSync(BIN, args, { encoding: "utf8" });
      assert.ok(run.status === 0 || run.status === 1, `${c.name}: jixiao monitor exit ${run.status}: ${run.stderr}`);
      const ours = wasm.monitor(JSON.stringify(c.target), JSON.stringify(c.report), previous, c.profile, locale);
      assert.equal(ours + "\n", run.stdout, `${c.name} (case ${n}, ${c.profile}/${locale})`);
      const out = JSON.parse(run.stdout);
      const errors = out.violations.some((v) => v.severity === "error");
      assert.equal(run.status, errors ? 1 : 0, `${c.name}: exit code`);
      assert.equal(out.light === null, errors, `${c.name}: the report's light is null exactly while an error remains`);
      exits.add(run.status);
      for (const v of out.violations) seen.add(v.code);
      for (const l of [out.execution.light, out.light, ...out.indicators.map((i) => i.light)]) lights.add(l);
      for (const i of out.indicators) rules.add(i.rule);
      for (const x of [out.execution.ratio, ...out.indicators.map((i) => i.ratio)]) if (x !== null) ratios.add(x);
    });
    assert.ok(cases.length >= 150 + fixtures("monitoring").length);
    assert.ok(withPrevious >= 20, `cases with a previous report: ${withPrevious}`);
    assert.deepEqual(MON_CODES.filter((c) => !seen.has(c)), [], "the mutants reach every monitoring code of FORMATS.md §6");
    assert.deepEqual(["red", "yellow", "green", "blue", null].filter((l) => !lights.has(l)), [], "every light");
    assert.deepEqual(["time_proportional", "within_target", "date", "qualitative", "missing"].filter((x) => !rules.has(x)), [], "every rule");
    // amounts exactly at the thresholds (ratio 0.6, 0.8, 1.2) are compared, not only near them
    assert.deepEqual(["0.6000", "0.8000", "1.2000"].filter((x) => !ratios.has(x)), [], "ratios at the thresholds");
    assert.deepEqual([...exits].sort(), [0, 1]);
    // The fixtures' own expectations hold in the module too (violations as a multiset).
    for (const f of fixtures("monitoring")) {
      const got = JSON.parse(wasm.monitor(JSON.stringify(f.target), JSON.stringify(f.report), f.previous === undefined ? "" : JSON.stringify(f.previous), f.profile, "zh-CN"));
      const key = (v) => `${v.code} ${v.severity} ${v.path} ${JSON.stringify(v.params)}`;
      assert.deepEqual(got.violations.map(key).sort(), f.expect.violations.map(key).sort(), f.name);
      assert.deepEqual({ ...got, violations: undefined }, { ...f.expect, violations: undefined }, f.name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("monitor refuses what jixiao monitor refuses with exit 2", () => {
  const dir = mkdtempSync(join(tmpdir(), "jixiao-parity-"));
  try {
    const [f] = fixtures("monitoring");
    const target = JSON.stringify(f.target);
    const report = JSON.stringify(f.report);
    for (const [t, rep, prev, what] of [
      ["[]", report, undefined, { message: /^target: / }],
      [target, "42", undefined, { message: /^report: / }],
      [target, "", undefined, { message: /^report: / }],
      [target, report, "[1]", { message: /^previous: / }],
    ]) {
      const tfile = join(dir, "t.json");
      const rfile = join(dir, "r.json");
      writeFileSync(tfile, t);
      writeFileSync(rfile, rep);
      const args = ["monitor", "--target", tfile];
      if (prev !== undefined) {
        writeFileSync(join(dir, "p.json"), prev);
        args.push("--previous", join(dir, "p.json"));
      }
      const run = spawnSync(BIN, [...args, rfile], { encoding: "utf8" });
      assert.equal(run.status, 2, `${args}: ${run.stderr}`);
      assert.equal(run.stdout, "");
      assert.throws(() => wasm.monitor(t, rep, prev ?? "", "artux-2018", "zh-CN"), what);
    }
    assert.throws(() => wasm.monitor(target, report, "", "nope", "zh-CN"), /unknown profile `nope`/);
    assert.equal(spawnSync(BIN, ["monitor", "--profile", "nope", "--target", join(dir, "t.json")], { input: report }).status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
