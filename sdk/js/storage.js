// The browser side of src/storage.rs: the `localStorage` keys with a prefix, read in one call
// instead of one wasm call per key; and a key read, written or removed in one call each, with the
// cookie that stands in where `localStorage` refuses. Nothing thrown leaves this module.

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

/** The cookie standing in for the key `k`: dots are underscores (`pulsegate_vid`). */
const cookieName = (k) => k.split(".").join("_");

/** The value of the cookie standing in for `k` in `doc.cookie`, when not empty. */
function cookie(doc, k) {
  try {
    const name = cookieName(k) + "=";
    for (const pair of doc.cookie.split(";")) {
      const p = pair.trim();
      if (p.startsWith(name) && p.length > name.length) return p.slice(name.length);
    }
  } catch (_) {
    // No cookies either: nothing stored.
  }
  return undefined;
}

/** Writes the cookie standing in for `k` (for `age` seconds; `"0"` deletes it); 1 when it worked. */
function bake(doc, k, v, age) {
  try {
    doc.cookie = cookieName(k) + "=" + v + "; path=/; max-age=" + age + "; samesite=lax";
    return 1;
  } catch (_) {
    return 0;
  }
}

/** `local.getItem(k)`, else the value of the cookie standing in for `k`; `undefined` for none. */
export function load(local, doc, k) {
  try {
    const v = local.getItem(k);
    if (typeof v == "string") return v;
  } catch (_) {
    // `localStorage` missing or refused: the cookie may stand in.
  }
  return cookie(doc, k);
}

/**
 * `local.setItem(k, v)`, else (when `withCookie`) a cookie standing in for it for a year; 1 when
 * either worked, else 0.
 */
export function save(local, doc, k, v, withCookie) {
  try {
    local.setItem(k, v);
    return 1;
  } catch (_) {
    return withCookie ? bake(doc, k, v, "31536000") : 0;
  }
}

/** Removes `k` from `local`, and the cookie standing in for it when there is one. */
export function forget(local, doc, k) {
  try {
    local.removeItem(k);
  } catch (_) {
    // Nothing to remove there.
  }
  if (cookie(doc, k) !== undefined) bake(doc, k, "", "0");
}
