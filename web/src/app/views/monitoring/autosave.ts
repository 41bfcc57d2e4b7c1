// The autosave of the department's monitoring form: a change marks the draft unsaved and
// saves it after a pause; one PUT at a time with If-Match, the latest document wins. A 412
// means someone else changed the report (another window): nothing more is saved until it is
// reloaded, and the status says so. A 409 means it can no longer be changed.
import { ref } from "vue";
import { ApiError, problemMessage } from "../../api";

export type SaveState = "idle" | "unsaved" | "saving" | "saved" | "conflict" | "locked" | "error";

export interface AutosaveOptions {
  /** The pause after the last change before saving, in ms. */
  delay: number;
  /** The working copy to store (copied as JSON when a save starts). */
  document(): unknown;
  /** Stores the document with If-Match `etag`; resolves to the new ETag. */
  put(body: unknown, etag: string): Promise<string>;
}

export function useAutosave(o: AutosaveOptions) {
  const etag = ref("");
  const editable = ref(false);
  const state = ref<SaveState>("idle");
  const savedAt = ref("");
  const error = ref("");
  let dirty = false;
  let saving: Promise<void> | undefined;
  let timer: number | undefined;

  /** A report was (re)loaded from the server. */
  function reset(tag: string, canEdit: boolean): void {
    window.clearTimeout(timer);
    etag.value = tag;
    editable.value = canEdit;
    dirty = false;
    state.value = "idle";
    error.value = "";
  }

  /** The document changed: unsaved, saved after the pause. */
  function schedule(): void {
    if (!editable.value || state.value === "conflict") return;
    dirty = true;
    state.value = "unsaved";
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void save(), o.delay);
  }

  /** Saves now if anything changed; resolves when the server has it (or refused it). */
  async function save(): Promise<void> {
    window.clearTimeout(timer);
    if (saving) {
      await saving;
      if (dirty) return save();
      return;
    }
    if (!editable.value || state.value === "conflict" || !dirty) return;
    const body = JSON.parse(JSON.stringify(o.document())) as unknown;
    dirty = false;
    state.value = "saving";
    saving = (async () => {
      try {
        etag.value = await o.put(body, etag.value);
        if (!dirty) {
          state.value = "saved";
          savedAt.value = new Date().toLocaleTimeString("zh-CN");
        }
      } catch (e) {
        dirty = true;
        if (e instanceof ApiError && e.status === 412) state.value = "conflict";
        else if (e instanceof ApiError && e.status === 409) {
          editable.value = false;
          state.value = "locked";
        } else {
          state.value = "error";
          error.value = problemMessage(e);
        }
      }
    })();
    try {
      await saving;
    } finally {
      saving = undefined;
    }
    const now = state.value as SaveState; // set by the save above
    if (dirty && editable.value && now !== "conflict" && now !== "error") schedule();
  }

  /** A 412 from another call (the submission): the same state as a refused save. */
  function markConflict(): void {
    window.clearTimeout(timer);
    state.value = "conflict";
  }

  function stop(): void {
    window.clearTimeout(timer);
  }

  return {
    etag,
    editable,
    state,
    savedAt,
    error,
    reset,
    schedule,
    save,
    markConflict,
    stop,
    /** Changes not (yet) on the server. */
    get dirty() {
      return dirty;
    },
  };
}
