// What the rules module offers besides the check, read through the module's namespace so
// that a build without them still runs: `hints(locale)` (one how-to-fix sentence per
// violation code) and `suggestIndicators(query, level1, level2, limit, profileId)` (the common
// indicator library, offline). Both come from the rules crate; nothing is decided here.
// Call after `loadRules()`.
import * as wasm from "../../pkg/jixiao_wasm.js";

/** An indicator the user may take over while typing a name (the library's, or this
 * department's own approved one of an earlier year, from the server). */
export interface Suggestion {
  name: string;
  level1: string;
  level2: string;
  nature: "quantitative" | "qualitative";
  operator?: "ge" | "gt" | "eq" | "le" | "lt";
  unit?: string;
  explanation?: string;
  scoring_rule?: string;
  basis?: string;
  /** The library's usual target (shown, never filled in). */
  typical_value?: string;
  /** The library's sector. */
  sector?: string;
  /** The department's own: its value then (shown, never filled in), year and project. */
  value?: string;
  fiscal_year?: number;
  project_name?: string;
  /** Where it comes from: the library (offline) or the department's earlier targets. */
  source: "library" | "own";
}

type Extras = {
  hints?: (locale: string) => string;
  suggestIndicators?: (query: string, level1: string, level2: string, limit: number, profileId?: string) => string;
};
const extras = wasm as unknown as Extras;

const hintCache = new Map<string, Record<string, string>>();

/** The how-to-fix hint of each violation code in a locale ({} when the module has none). */
export function hints(locale: string): Record<string, string> {
  let h = hintCache.get(locale);
  if (h) return h;
  h = {};
  if (typeof extras.hints === "function") {
    try {
      const parsed = JSON.parse(extras.hints(locale)) as unknown;
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) h = parsed as Record<string, string>;
    } catch {
      /* no hints: the messages still show */
    }
  }
  hintCache.set(locale, h);
  return h;
}

/** Whether the module has the offline indicator library. */
export function hasLibrary(): boolean {
  return typeof extras.suggestIndicators === "function";
}

/** The library's indicators for what was typed (level1/level2 "" for any), in the framework
 * of a profile. */
export function librarySuggestions(query: string, level1: string, level2: string, limit: number, profileId: string): Suggestion[] {
  if (typeof extras.suggestIndicators !== "function") return [];
  try {
    const list = JSON.parse(extras.suggestIndicators(query, level1, level2, limit, profileId)) as unknown;
    if (!Array.isArray(list)) return [];
    return list.filter(isSuggestion).map((s) => ({ ...s, source: "library" as const }));
  } catch {
    return [];
  }
}

/** Keeps what has the fields a suggestion needs (the server's items too). */
export function isSuggestion(x: unknown): x is Omit<Suggestion, "source"> {
  if (!x || typeof x !== "object") return false;
  const s = x as Record<string, unknown>;
  return typeof s.name === "string" && s.name.trim() !== "" && typeof s.level1 === "string" && typeof s.level2 === "string" && (s.nature === "quantitative" || s.nature === "qualitative");
}
