// The differences between two documents as JSON Pointers with old and new values, the same
// list the server computes (`jixiao_rules::review::diff`): objects member by member in key
// order, arrays element by element by index; any other difference is one change at that
// path. Used to show a returned target's changes live while it is edited.
import { escapeToken } from "../lib/pointer";
import type { Change } from "./backend";

export function diff(old: unknown, now: unknown): Change[] {
  const out: Change[] = [];
  walk("", old, now, out);
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function walk(path: string, a: unknown, b: unknown, out: Change[]): void {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const p = `${path}/${escapeToken(k)}`;
      const inA = Object.prototype.hasOwnProperty.call(a, k);
      const inB = Object.prototype.hasOwnProperty.call(b, k);
      if (inA && inB) walk(p, a[k], b[k], out);
      else out.push({ path: p, old: inA ? a[k] : undefined, new: inB ? b[k] : undefined });
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const p = `${path}/${i}`;
      if (i < a.length && i < b.length) walk(p, a[i], b[i], out);
      else out.push({ path: p, old: i < a.length ? a[i] : undefined, new: i < b.length ? b[i] : undefined });
    }
    return;
  }
  if (!same(a, b)) out.push({ path, old: a, new: b });
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
