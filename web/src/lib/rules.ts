// The jixiao rules in the browser: loads the WASM module once and gives typed access
// to its exports. No rule lives in TypeScript: every check runs in the module.
import init, { Session, profiles as wasmProfiles, score as wasmScore, validate as wasmValidate, version } from "../../pkg/jixiao_wasm.js";

export { Session, version };

/** A message locale of the rules' catalogue. */
export type Locale = "zh-CN" | "en";

/** One violation, exactly as `jixiao check` prints it. */
export interface Violation {
  code: string;
  severity: "error" | "warning";
  path: string;
  params: Record<string, unknown>;
  message: string;
}

/** The output of a check. `error` is set when the text was not a JSON object. */
export interface CheckReport {
  valid: boolean;
  violations: Violation[];
  error?: string;
}

/** The tree counts behind the meters. */
export interface TreeCounts {
  level1: number;
  level2: number;
  level3: number;
  quantitative: number;
  /** The quantitative share in percent, as the rules state it ("75", "66.67"); absent without level-3 indicators. */
  quantitative_percent?: string;
}

/** Labels in both locales. */
export interface Labels {
  "zh-CN": string;
  en: string;
}

/** A level-2 category. */
export interface Level2 {
  code: string;
  label: Labels;
}

/** A level-1 category with its allowed level 2s. */
export interface Level1 {
  code: string;
  label: Labels;
  level2: Level2[];
}

/** A built-in rule profile. */
export interface Profile {
  id: string;
  name: Labels;
  framework: { id: string; name: Labels; level1: Level1[] };
  review: {
    min_level1: number | null;
    min_level2: number | null;
    min_level3: number | null;
    min_quantitative_share: string | null;
    required_level1: string[];
    points_total: string | null;
  };
}

let ready: Promise<void> | undefined;

/** Loads the WASM module (once). */
export function loadRules(): Promise<void> {
  ready ??= init().then(() => undefined);
  return ready;
}

/** The built-in profiles (call after `loadRules`). */
export function profiles(): Profile[] {
  return JSON.parse(wasmProfiles()) as Profile[];
}

/** Checks a whole document given as JSON text (call after `loadRules`). */
export function validate(documentJson: string, profileId: string, locale: Locale): CheckReport {
  return JSON.parse(wasmValidate(documentJson, profileId, locale)) as CheckReport;
}

/** Scores an evaluation (call after `loadRules`); the raw JSON of `jixiao score`. */
export function score(targetJson: string, evaluationJson: string, profileId: string, locale: Locale): string {
  return wasmScore(targetJson, evaluationJson, profileId, locale);
}
