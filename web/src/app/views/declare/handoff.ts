// The form that stays mounted when its route changes: a new draft (#/declare) gets its id
// at its first save and the route becomes #/declare/:id — another route record, so the
// router makes a new Declare view. The form, its element and whatever is on screen (the
// server's 422 at the fields, the focus, a request under way) pass from the old view to
// the new one instead of being read again from the server.
import type { FormHandle, FormState } from "../../../form/form";

export interface LiveForm {
  /** The element the form is mounted in (moved between the views' hosts). */
  el: HTMLElement;
  handle: FormHandle;
  /** The view showing it now (its page head follows the form's state). */
  onState: (s: FormState) => void;
  /** What had the focus when the old view went away (given back in the new one). */
  focus?: HTMLElement | null;
}

let passing: LiveForm | null = null;

/** The old view keeps its form for the view of `/declare/:id` that follows. */
export function pass(form: LiveForm): void {
  passing = form;
}

/** The old view is going away: unless the next view takes the form at once (its setup runs
 * in the same patch), it is destroyed; a form no view took is never left running. */
export function release(form: LiveForm): void {
  if (passing !== form) return void form.handle.destroy();
  const active = document.activeElement;
  form.focus = active instanceof HTMLElement && form.el.contains(active) ? active : null;
  setTimeout(() => {
    if (passing !== form) return;
    passing = null;
    form.handle.destroy();
  }, 0);
}

/** The route did not change after all (the old view stays): the form is its own again. */
export function keep(form: LiveForm): void {
  if (passing === form) passing = null;
}

/** The new view takes the form of target `id`, if one is being passed. */
export function take(id: string | undefined): LiveForm | null {
  const f = passing;
  if (!f || !id || f.handle.id !== id) return null;
  passing = null;
  return f;
}
