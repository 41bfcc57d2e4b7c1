// The draft autosave of the department forms (monitoring.html, evaluation.html): a change
// marks the draft unsaved and saves it after a pause; one PUT at a time (with If-Match),
// the latest document wins; 412 means someone else changed it (the status offers a
// reload), 409 that it can no longer be changed. The status line is the element
// `statusId`; its texts are i18n keys, looked up when shown.

import { ApiError } from "./api";
import { currentLocale, t } from "./i18n";
import { fill, h, problemText } from "../review/common";

/** The i18n keys of the status line (`saved` gets `{at}`, the time of the save). */
export interface AutosaveTexts {
  unsaved: string;
  saving: string;
  saved: string;
  conflict: string;
  reload: string;
  notEditable: string;
}

export interface AutosaveOptions<S extends { etag: string }> {
  /** The id of the status element (absent while no editable draft is shown). */
  statusId: string;
  texts: AutosaveTexts;
  /** The pause after the last change before saving, in ms. */
  delay: number;
  /** The id of the draft being edited, or undefined when none is open. */
  current(): string | undefined;
  /** The working copy of the draft's document (copied when a save starts). */
  document(): unknown;
  /** Stores `body` as the draft `id`'s document. */
  put(id: string, body: unknown, etag: string): Promise<S>;
  /** After a successful PUT (the new ETag is already taken). */
  onSaved(id: string, stored: S): void;
  /** The reload button of the conflict notice. */
  onReload(id: string): void;
}

export class Autosave<S extends { etag: string }> {
  private _etag = "";
  private _editable = false;
  private _conflict = false;
  private _dirty = false;
  private saving: Promise<void> | undefined;
  private timer: number | undefined;

  constructor(private readonly o: AutosaveOptions<S>) {}

  /** The ETag of the stored draft (for the next If-Match). */
  get etag(): string {
    return this._etag;
  }
  get editable(): boolean {
    return this._editable;
  }
  /** Someone else changed the draft: nothing is saved until it is reloaded. */
  get conflict(): boolean {
    return this._conflict;
  }
  /** There are changes not (yet) on the server. */
  get dirty(): boolean {
    return this._dirty;
  }

  /** A draft was (re)loaded from the server: its ETag and whether it can be edited. */
  reset(etag: string, editable: boolean): void {
    this._etag = etag;
    this._editable = editable;
    this._conflict = false;
    this._dirty = false;
  }

  setStatus(text: string, cls = ""): void {
    const el = document.getElementById(this.o.statusId);
    if (!el) return;
    el.className = cls;
    el.textContent = text;
  }

  /** The document changed: mark it unsaved and save after the pause. */
  schedule(): void {
    this._dirty = true;
    this.setStatus(t(this.o.texts.unsaved));
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.save(), this.o.delay);
  }

  /** Saves the draft if it changed; one PUT at a time, the latest document wins. */
  async save(): Promise<void> {
    window.clearTimeout(this.timer);
    if (this.saving) {
      await this.saving;
      if (this._dirty) return this.save();
      return;
    }
    const id = this.o.current();
    if (id === undefined || !this._editable || this._conflict || !this._dirty) return;
    const body = JSON.parse(JSON.stringify(this.o.document())) as unknown;
    this._dirty = false;
    this.setStatus(t(this.o.texts.saving));
    this.saving = (async () => {
      try {
        const stored = await this.o.put(id, body, this._etag);
        this._etag = stored.etag;
        this.o.onSaved(id, stored);
        if (!this._dirty) this.setStatus(t(this.o.texts.saved, { at: new Date().toLocaleTimeString(currentLocale()) }), "ok");
      } catch (e) {
        this._dirty = true;
        if (e instanceof ApiError && e.problem.status === 412) {
          this.markConflict();
        } else if (e instanceof ApiError && e.problem.status === 409) {
          this._editable = false;
          this.setStatus(t(this.o.texts.notEditable), "error-text");
        } else this.setStatus(problemText(e), "error-text");
      }
    })();
    try {
      await this.saving;
    } finally {
      this.saving = undefined;
    }
    if (this._dirty && !this._conflict && this._editable) this.schedule();
  }

  /** A 412: someone else changed the draft; the status says so and offers a reload. */
  markConflict(): void {
    this._conflict = true;
    const el = document.getElementById(this.o.statusId);
    const id = this.o.current();
    if (!el || id === undefined) return;
    const reload = h("button", { type: "button", id: "reload" }, t(this.o.texts.reload));
    reload.addEventListener("click", () => this.o.onReload(id));
    el.className = "error-text";
    el.setAttribute("role", "alert");
    fill(el, t(this.o.texts.conflict), " ", reload);
  }

  /** Leaving the page with unsaved changes: start the save and ask the browser to confirm. */
  guardUnload(): void {
    window.addEventListener("beforeunload", (ev) => {
      if (this._dirty && this._editable && !this._conflict) {
        void this.save();
        ev.preventDefault();
      }
    });
  }
}
