// The browser side of the storage listing (src/storage.rs): the `localStorage` keys with a
// prefix, read in one call instead of one wasm call per key. Nothing thrown leaves this module.

/**
 * The keys of `storage` (among its first 1,000) that start with `prefix`, one a line; `""` when
 * reading it throws.
 */
export function keys(storage, prefix) {
  try {
    const found = [];
    for (let i = 0; i < Math.min(storage.length, 1000); i++) {
      const key = storage.key(i);
      if (typeof key == "string" && key.startsWith(prefix)) found.push(key);
    }
    return found.join("\n");
  } catch (_) {
    return "";
  }
}
