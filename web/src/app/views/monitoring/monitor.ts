// The department's monitoring form in the browser: the WASM `monitor` (the same code the
// server and `jixiao monitor` run, FORMATS §6) and the level names of a rule profile. The
// module is loaded once, on first use, in its own chunk. No rule lives here.
import type { Schemas } from "../../api";

export type MonitorResult = Schemas["MonitorReport"];
export type Violation = Schemas["Violation"];

type Rules = typeof import("../../../lib/rules");
type Wasm = typeof import("../../../../pkg/jixiao_wasm.js");
let loaded: Promise<{ rules: Rules; wasm: Wasm }> | undefined;

/** Loads the WASM module (once). */
function load(): Promise<{ rules: Rules; wasm: Wasm }> {
  loaded ??= (async () => {
    const rules = await import("../../../lib/rules");
    await rules.loadRules();
    const wasm = await import("../../../../pkg/jixiao_wasm.js");
    return { rules, wasm };
  })();
  return loaded;
}

/** The live checker: `check(target, report, previous)` runs the WASM `monitor` under `profileId` (zh-CN). */
export async function monitorFor(profileId: string): Promise<{
  check: (target: unknown, report: unknown, previous: unknown) => MonitorResult;
  level1: (code: string) => string;
  level2: (l1: string, l2: string) => string;
}> {
  const { rules, wasm } = await load();
  const all = rules.profiles();
  const p = all.find((x) => x.id === profileId) ?? all[0];
  const l1 = new Map<string, string>();
  const l2 = new Map<string, string>();
  for (const a of p?.framework.level1 ?? []) {
    l1.set(a.code, a.label["zh-CN"]);
    for (const b of a.level2) l2.set(`${a.code}/${b.code}`, b.label["zh-CN"]);
  }
  return {
    check: (target, report, previous) => {
      const prev = previous === null || previous === undefined ? "" : JSON.stringify(previous);
      return JSON.parse(wasm.monitor(JSON.stringify(target), JSON.stringify(report), prev, profileId, "zh-CN")) as MonitorResult;
    },
    level1: (code) => l1.get(code) ?? code,
    level2: (a, b) => l2.get(`${a}/${b}`) ?? b,
  };
}

/** The report's previous document: `previous` may be a document or a stored report. */
export function previousDocument(previous: Record<string, unknown> | null | undefined): unknown {
  if (!previous) return null;
  return "document" in previous && !("execution" in previous) ? previous.document : previous;
}
