// The one DOM helper of the pages written by hand (the target form, src/form/): `h()` builds
// an element with its attributes and children, `saveBlob()` hands a file to the browser,
// `whenIdle()` runs work once the browser is idle. The app's Vue views use it for downloads
// too (app/download.ts, evaluation/shared.ts). Nothing here knows a form or a rule; no
// state is kept.

/** Creates an element with attributes (`false`/`undefined` left out, `true` as "") and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c);
  return el;
}

/** Hands a blob to the browser as a download named `name` (an `<a download>` clicked once;
 * its object URL is revoked a minute later). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name, class: "sr-only" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Runs `fn` once the browser is idle (within `timeout` ms), or after `fallback` ms where it
 * has no idle callbacks; returns what cancels it. An idle callback's id and a timeout's are
 * counted apart: cancelling the one with the other's function stops an unrelated timer
 * (a `clearTimeout` of an idle id once dropped the name suggestions' pending look-up). */
export function whenIdle(fn: () => void, timeout: number, fallback: number): () => void {
  if (typeof window.requestIdleCallback === "function") {
    const id = window.requestIdleCallback(fn, { timeout });
    return () => window.cancelIdleCallback(id);
  }
  const id = window.setTimeout(fn, fallback);
  return () => window.clearTimeout(id);
}
