// The browser side of the form capture (src/capture/form.rs, which keeps the started forms and
// records their events): what a `focusin`, `change` or `submit` is about and how full a form is,
// each read in one call instead of one wasm call per property. Field values are never returned;
// only their length is looked at. Nothing thrown leaves this module.

import { call0, calls, callv, get, num, str } from "./host.js";

/** `o[k]` when it is an object (`undefined` when reading it throws). */
function obj(o, k) {
  const v = get(o, k);
  return typeof v === "object" && v !== null ? v : undefined;
}

/** Controls that are not fields a visitor fills in. */
const NOT_FIELDS = ["submit", "button", "reset", "image", "hidden", "fieldset", "output"];

/** Whether `el` is a field a visitor fills in (by its `type`). */
const isField = (el) => NOT_FIELDS.indexOf(str(el, "type")) < 0;

/**
 * What a form event is about: `[form, form id, field name, shadow root]`. The event's element is
 * the first of its composed path (a field inside an open shadow root too); `form` is the form it
 * belongs to (for `submit`: the form itself), `undefined` when it is no field (a button, a hidden
 * input), outside any form, or inside `[data-pg-ignore]`. The form's id is its `id`, else its
 * `name` attribute, else `form-<n>` by its position in the document; the field's name its `name`,
 * else `id`, else `type` (not for `submit`). `root` is the open shadow root the element is in,
 * whatever the rest.
 */
export function about(event, submit) {
  const target = obj(call0(event, "composedPath"), 0) || get(event, "target");
  const root = call0(target, "getRootNode");
  const form = submit ? target : obj(target, "form");
  const ignored = calls(form, "closest", "[data-pg-ignore]");
  if (
    !form ||
    (typeof ignored === "object" && ignored !== null) ||
    (submit ? str(target, "localName") !== "form" : !isField(target))
  ) {
    return [, , , obj(root, "host") && root];
  }
  return [
    form,
    str(form, "id") ||
      calls(form, "getAttribute", "name") ||
      "form-" + (callv(Array.prototype.indexOf, "call", 2, get(get(self, "document"), "forms"), form) + 1 || 0),
    submit ? undefined : str(target, "name") || str(target, "id") || str(target, "type"),
    obj(root, "host") && root,
  ];
}

/**
 * How many of `form`'s fields hold a value (checkboxes and radios: are checked) and how many
 * fields it has (at most 1,000 elements looked at), as `filled * 65536 + fields`.
 */
export function fill(form) {
  const elements = get(form, "elements");
  const count = Math.min(num(elements, "length") || 0, 1000);
  let filled = 0;
  let fields = 0;
  for (let i = 0; i < count; i++) {
    const field = get(elements, i);
    if (!isField(field)) continue;
    fields++;
    const kind = str(field, "type");
    const checkable = kind === "checkbox" || kind === "radio";
    if (checkable ? get(field, "checked") === true : num(get(field, "value"), "length") > 0) filled++;
  }
  return filled * 65536 + fields;
}
