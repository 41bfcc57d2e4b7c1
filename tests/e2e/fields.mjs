// Reading the form's fields in the browser tests: an input's or select's value, or a cell's of
// the indicator table, whose cells are text (a choice cell keeps its value in data-value:
// web/src/form/cells.ts).

/** A field's value: an input's or select's `value`, a choice cell's `data-value`, a text cell's text. */
export const fieldValue = (loc) => loc.evaluate((el) => (typeof el.value === "string" ? el.value : (el.dataset.value ?? el.textContent)));

/** Whether a field takes no typing: a read-only input, or a cell that is no longer editable and says so. */
export const isReadOnly = (loc) => loc.evaluate((el) => ("readOnly" in el ? el.readOnly : el.getAttribute("aria-readonly") === "true" && !el.isContentEditable));
