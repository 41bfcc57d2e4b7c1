// JSON Pointer (RFC 6901) helpers for reading a document and naming its fields.

/** Escapes one token. */
export function escapeToken(t: string): string {
  return t.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Builds a pointer from tokens. */
export function pointer(...tokens: (string | number)[]): string {
  return tokens.map((t) => "/" + escapeToken(String(t))).join("");
}

/** The pointer one level up ("" is the root and has no parent). */
export function parentPointer(p: string): string | undefined {
  if (p === "") return undefined;
  return p.slice(0, p.lastIndexOf("/"));
}

/** Reads the value at a pointer, or undefined. */
export function get(doc: unknown, p: string): unknown {
  if (p === "") return doc;
  let here: unknown = doc;
  for (const raw of p.slice(1).split("/")) {
    const t = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (here === null || typeof here !== "object") return undefined;
    here = (here as Record<string, unknown>)[t];
  }
  return here;
}

/** Sets (or, for undefined, removes) the value at a pointer of plain object keys / array indexes, creating objects on the way. */
export function setAt(doc: Record<string, unknown>, p: string, value: unknown): void {
  const tokens = p.slice(1).split("/").map((x) => x.replace(/~1/g, "/").replace(/~0/g, "~"));
  let here: Record<string, unknown> | unknown[] = doc;
  for (const tok of tokens.slice(0, -1)) {
    const key = Array.isArray(here) ? Number(tok) : tok;
    let next = (here as Record<string | number, unknown>)[key];
    if (next === null || typeof next !== "object") {
      next = {};
      (here as Record<string | number, unknown>)[key] = next;
    }
    here = next as Record<string, unknown>;
  }
  const last = tokens[tokens.length - 1];
  const key = Array.isArray(here) ? Number(last) : last;
  if (value === undefined) {
    if (Array.isArray(here)) here[key as number] = undefined;
    else delete (here as Record<string, unknown>)[last];
  } else (here as Record<string | number, unknown>)[key] = value;
}
