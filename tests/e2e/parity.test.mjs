// Parity: the WASM module (pkg-node, built by scripts/web-build.sh) must print exactly
// what the `jixiao` command line prints: every target fixture and some hundreds of
// mutated documents through `validate` vs `jixiao check --jsonl`, byte for byte, under
// every profile and both locales; the evaluation fixture and mutations of it through
// `score` vs `jixiao score`. The CLI is $JIXIAO_BIN, else target/debug/jixiao.
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
    const [fx] = fixtures("evaluations");
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
