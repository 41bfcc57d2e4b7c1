// In one Chromium page: AJV validating the form state (a JS object) against a JSON
// Schema of the same shape, next to the WASM engine: `validate` on the whole text
// (JSON.stringify included) and the form's per-keystroke call, `Session.setString`
// + JSON.parse of its report. Each keystroke edits one indicator's value.
import Ajv from "ajv";
import init, { Session, validate } from "../../web/pkg/jixiao_wasm.js";
// @ts-ignore plain JS helpers shared with the Node side
import { makeTarget } from "./gen.mjs";
// @ts-ignore
import { schema } from "./schema.mjs";

type Row = Record<string, number | string>;

function perOp(fn: (i: number) => void, minMs = 400): number {
  for (let i = 0; i < 200; i++) fn(i);
  const batches: number[] = [];
  let i = 0;
  const end = performance.now() + minMs;
  while (performance.now() < end) {
    const t0 = performance.now();
    for (let k = 0; k < 100; k++) fn(i++);
    batches.push((performance.now() - t0) / 100);
  }
  batches.sort((a, b) => a - b);
  return batches[Math.floor(batches.length / 2)] * 1000; // median, µs
}

async function run(): Promise<Row[]> {
  await init();
  const ajv = new Ajv({ allErrors: true });
  const ajvValidate = ajv.compile(schema);
  const rows: Row[] = [];
  for (const n of [60, 200]) {
    const doc = makeTarget(n);
    const k = Math.floor(n / 2);
    const values = ["100", "100x"];
    const edit = (i: number) => (doc.indicators[k].value = values[i & 1]);
    const text = JSON.stringify(doc);
    const session = new Session("artux-2018", "zh-CN");
    session.load(text);
    // The session must agree with a whole-document validate (sanity, not timed).
    session.setString(`/indicators/${k}/value`, "100x");
    doc.indicators[k].value = "100x";
    if (session.report() !== validate(JSON.stringify(doc), "artux-2018", "zh-CN")) throw new Error("session != validate");
    rows.push({
      indicators: n,
      "AJV validate(object)": perOp((i) => (edit(i), ajvValidate(doc))),
      "JSON.stringify only": perOp((i) => (edit(i), JSON.stringify(doc))),
      "WASM validate(stringify)": perOp((i) => (edit(i), validate(JSON.stringify(doc), "artux-2018", "zh-CN"))),
      "WASM Session.setString + JSON.parse": perOp((i) => JSON.parse(session.setString(`/indicators/${k}/value`, values[i & 1]))),
      "WASM Session.setString": perOp((i) => session.setString(`/indicators/${k}/value`, values[i & 1])),
    });
    session.free();
  }
  return rows;
}

run().then(
  (rows) => {
    (window as unknown as { __results: Row[] }).__results = rows;
    document.getElementById("out")!.textContent = JSON.stringify(rows, null, 2);
  },
  (e) => {
    (window as unknown as { __error: string }).__error = String(e);
  },
);
