// The indicator table's cells, drawn as text rather than as form controls. A row used to
// hold eight live controls (five text inputs, three selects) and Chromium keeps about a
// hundred rows rendered around the viewport (content-visibility: auto), so the page held
// some 800 of them, each with its own clip and paint chunk: every keystroke that changed a
// message re-layerized, re-committed and re-rastered them all (benches/web: 25–44 ms from
// keystroke to paint at 200 indicators against 10–15 ms for a plain input). Here
// - a text cell is an editable text element (`contenteditable="plaintext-only"`, role
//   textbox — or combobox for a name with suggestions —, named by `aria-label`, described
//   by its messages, `aria-invalid` like the input it replaces): one line, Enter and pasted
//   line breaks do not split it, a keyboard focus selects its text as an input's does;
// - a choice cell is text (role combobox, its value in `data-value`) that becomes the real
//   `<select>` while it has the focus — one at a time — taking its place, id, data and
//   ARIA attributes, and is text again once the focus leaves.
// What the user types, the order Tab follows and what a screen reader hears stay those of
// the inputs; what is drawn is text. Nothing here knows a document or a rule.
import { h } from "../lib/dom";

/** The value a cell holds: a choice cell's (or its editor's), else a text cell's text. */
export function cellValue(el: HTMLElement): string {
  if (el instanceof HTMLSelectElement || el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) return el.value;
  if (el.dataset.value !== undefined) return el.dataset.value;
  // A space typed at the end may be kept as a no-break space by the editor.
  return (el.textContent ?? "").replace(/\u00a0/g, " ");
}

/** Whether a cell takes no changes (the form is locked). */
export function cellLocked(el: HTMLElement): boolean {
  return el.getAttribute("aria-readonly") === "true" || el.getAttribute("aria-disabled") === "true" || (el instanceof HTMLSelectElement && el.disabled);
}

/** Makes a cell read-only: a text cell stays focusable and readable (like a read-only
 * input), a choice cell is out of the Tab order (like a disabled select). */
export function lockCell(el: HTMLElement): void {
  if (el.classList.contains("choice")) {
    el.setAttribute("aria-disabled", "true");
    el.tabIndex = -1;
  } else {
    el.setAttribute("contenteditable", "false");
    el.setAttribute("aria-readonly", "true");
  }
}

/** One line of text, as a text cell keeps it (line breaks and tabs become spaces). */
const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, " ");

/** A text cell: `attrs` (id, data-pointer, ARIA) on an editable text element holding `value`. */
export function textCell(attrs: Record<string, string | undefined>, value: string): HTMLElement {
  const el = h("div", {
    role: "textbox",
    "aria-multiline": "false",
    ...attrs,
    class: "cell text",
    contenteditable: "plaintext-only",
    tabindex: "0",
    spellcheck: "false",
    autocapitalize: "off",
  });
  el.textContent = value;
  let pointer = false;
  el.addEventListener("pointerdown", () => (pointer = true));
  // Focused from the keyboard (Tab, a jump from the summary) the text is selected, as in an
  // input; a click puts the caret where it was clicked.
  el.addEventListener("focus", () => {
    const byPointer = pointer;
    pointer = false;
    if (byPointer || !el.firstChild) return;
    window.getSelection()?.selectAllChildren(el);
  });
  el.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.isComposing) e.preventDefault();
  });
  el.addEventListener("beforeinput", (e) => {
    if (e.inputType === "insertParagraph" || e.inputType === "insertLineBreak") return e.preventDefault();
    if (e.inputType === "insertFromPaste" || e.inputType === "insertFromDrop" || e.inputType === "insertReplacementText") {
      const text = e.dataTransfer?.getData("text/plain") ?? e.data ?? "";
      if (!/[\r\n\t]/.test(text)) return;
      e.preventDefault();
      // Inserted as typed text: one input event, and the editor's undo keeps it.
      document.execCommand("insertText", false, oneLine(text));
    }
  });
  return el;
}

/** Sets a text cell's text (when the document changed under it). */
export function setCellText(el: HTMLElement, value: string): void {
  if (el.textContent !== value) el.textContent = value;
}

/** What a choice cell needs: its attributes, options and value, what a choice does, and
 * where the editor is announced (the field's `control` follows it). */
export interface ChoiceOpts {
  attrs: Record<string, string | undefined>;
  options: [string, string][];
  value: string;
  onChange: (value: string, select: HTMLSelectElement) => void;
  /** The element standing for the cell now (the text, or the select while focused). */
  onSwap: (el: HTMLElement) => void;
}

/** Attributes the editor takes from the cell (and gives back): identity, data, messages. */
const CARRIED = (name: string) =>
  name === "id" || name === "aria-label" || name === "aria-describedby" || name === "aria-invalid" || (name.startsWith("data-") && name !== "data-value");

/** A choice cell: text that is the `<select>` while it has the focus. */
export function choiceCell(o: ChoiceOpts): HTMLElement {
  const labelOf = (v: string) => o.options.find(([x]) => x === v)?.[1] ?? "";
  const cell = h(
    "div",
    { ...o.attrs, class: "cell choice", role: "combobox", "aria-haspopup": "listbox", "aria-expanded": "false", tabindex: "0", "data-value": o.value },
    labelOf(o.value),
  );
  let pointer = false;
  cell.addEventListener("pointerdown", () => (pointer = true));
  cell.addEventListener("focus", () => {
    const byPointer = pointer;
    pointer = false;
    if (cellLocked(cell) || !cell.isConnected) return;
    const select = editor();
    // In the cell's place before the focus moves, so the focus never passes through the page.
    cell.before(select);
    o.onSwap(select);
    select.focus();
    cell.remove();
    // A click opens the list at once, as a click on a select does.
    if (byPointer) {
      try {
        (select as HTMLSelectElement & { showPicker?: () => void }).showPicker?.();
      } catch {
        // Not offered here (or not allowed): the next click opens it.
      }
    }
  });

  function editor(): HTMLSelectElement {
    const select = h("select", {});
    for (const a of [...cell.attributes]) if (CARRIED(a.name)) select.setAttribute(a.name, a.value);
    for (const [v, l] of o.options) select.append(h("option", { value: v }, l));
    select.value = cell.dataset.value ?? "";
    select.addEventListener("change", () => {
      cell.dataset.value = select.value;
      cell.textContent = labelOf(select.value);
      o.onChange(select.value, select);
    });
    select.addEventListener("focusout", () => {
      // The window losing the focus is not leaving the cell: the select stays focused.
      if (!document.hasFocus() || !select.isConnected) return;
      for (const a of [...cell.attributes]) if (CARRIED(a.name) && !select.hasAttribute(a.name)) cell.removeAttribute(a.name);
      for (const a of [...select.attributes]) if (CARRIED(a.name)) cell.setAttribute(a.name, a.value);
      if (select.disabled) lockCell(cell);
      cell.dataset.value = select.value;
      cell.textContent = labelOf(select.value);
      select.replaceWith(cell);
      o.onSwap(cell);
    });
    return select;
  }
  return cell;
}
