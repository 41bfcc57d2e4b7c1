// The messages of a form's fields by JSON Pointer (monitoring.html, evaluation.html): each
// field registers the pointer it edits; a violation is shown at the field its path names,
// else at the nearest parent pointer that has one.

import { parentPointer } from "./pointer";
import { h } from "../review/common";
import type { Violation } from "./rules";

/** Where the messages of a pointer go. */
export interface Field {
  wrap: HTMLElement;
  msg: HTMLElement;
  control?: HTMLElement;
}

export class FieldMessages {
  private readonly fields = new Map<string, Field>();

  clear(): void {
    this.fields.clear();
  }

  set(p: string, f: Field): void {
    this.fields.set(p, f);
  }

  /** A message list for a pointer with no control of its own. */
  box(p: string, id?: string): HTMLElement {
    const msg = h("ul", { class: "msg", id });
    const wrap = h("div", { class: "group-msg", "data-pointer": p }, msg);
    this.fields.set(p, { wrap, msg });
    return wrap;
  }

  /** The field a violation's path names: the path itself, else its nearest parent with a field. */
  fieldFor(path: string): Field | undefined {
    let p: string | undefined = path;
    while (p !== undefined) {
      const f = this.fields.get(p);
      if (f) return f;
      p = parentPointer(p);
    }
    return undefined;
  }

  /** Clears every field's messages (except the list with id `keep`) and shows `violations` at their fields. */
  show(violations: Violation[], keep?: string): void {
    for (const f of this.fields.values()) {
      if (keep === undefined || f.msg.id !== keep) f.msg.replaceChildren();
      f.wrap.classList.remove("has-error", "has-warning");
      f.control?.removeAttribute("aria-invalid");
    }
    for (const v of violations) {
      const f = this.fieldFor(v.path);
      if (!f) continue;
      f.msg.append(h("li", { class: v.severity, "data-code": v.code, "data-path": v.path }, v.message));
      f.wrap.classList.add(v.severity === "error" ? "has-error" : "has-warning");
      if (v.severity === "error") f.control?.setAttribute("aria-invalid", "true");
    }
  }
}
