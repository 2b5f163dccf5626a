// The browser side of `track()` props and `identify()` traits (src/tracker/api.rs): the page's
// object checked and written as JSON text in one call, instead of one wasm call per key and
// value. The limits come from the wasm (the schema's `limits`), so they are defined once.
// Nothing thrown leaves this module.

import { cut } from "./context.js";

/**
 * Props: `undefined` or `null` (none), or a plain object whose values are strings, finite numbers,
 * booleans or `null` (`undefined` values are skipped). Keys are cut to `maxKey` bytes (an empty
 * one is skipped; two that become equal keep the later value), string values to `maxValue`
 * bytes; keys past the first `maxProps` distinct ones are skipped. The JSON object text (`{}` for
 * none), or `undefined` for anything else (an array, a nested object, a non-finite number, …).
 */
export function props(value, maxProps, maxKey, maxValue) {
  try {
    const map = new Map();
    if (value === undefined || value === null) return "{}";
    if (typeof value !== "object" || Array.isArray(value)) return undefined;
    for (const key of Object.keys(value)) {
      let item;
      try {
        item = value[key];
      } catch (_) {
        continue; // a throwing getter: read as `undefined`, skipped
      }
      const kind = typeof item;
      if (kind === "string") item = cut(item, maxValue);
      else if (kind === "number") {
        if (!isFinite(item)) return undefined;
      } else if (item === undefined) continue;
      else if (kind !== "boolean" && item !== null) return undefined;
      const name = cut(key, maxKey);
      if (name && (map.size < maxProps || map.has(name))) map.set(name, item);
    }
    // Sorted by key, as the schema's `Props` (a `BTreeMap`) writes them.
    const members = Array.from(map.keys()).sort();
    return "{" + members.map((name) => JSON.stringify(name) + ":" + JSON.stringify(map.get(name))).join(",") + "}";
  } catch (_) {
    return undefined;
  }
}
