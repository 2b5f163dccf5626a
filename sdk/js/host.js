// The JavaScript side of the SDK's imports (src/js.rs): a few generic operations the wasm performs
// on browser objects, shaped by argument type (strings and numbers cross as they are, so the wasm
// builds no JS values for them), instead of one generated wrapper per browser API.
//
// A page can replace any global (a `fetch` that returns no promise, a throwing `localStorage`
// getter, a frozen `history`), so every function here catches: a failure reads as `undefined`
// (or `NaN`, `false`), and no exception ever unwinds through the wasm, which would skip its
// destructors and leave the tracker locked. Callbacks handed to the page go through `guard`.

/** `o[k]` */
export function get(o, k) {
  try {
    return o[k];
  } catch (_) {
    return undefined;
  }
}

/** `o[k]` when it is a string. */
export function str(o, k) {
  const v = get(o, k);
  return typeof v === "string" ? v : undefined;
}

/** `v` when it is a number, else `NaN`. */
export function float(v) {
  return typeof v === "number" ? v : NaN;
}

/** `o[k]` when it is a number, else `NaN`. */
export function num(o, k) {
  return float(get(o, k));
}

/** `o[k] = v`; whether it worked. */
export function set(o, k, v) {
  try {
    o[k] = v;
    return true;
  } catch (_) {
    return false;
  }
}

/** `o[m](...a)`, `this` being `o`; `undefined` if it throws. */
function apply(o, m, a) {
  try {
    return o[m](...a);
  } catch (_) {
    return undefined;
  }
}

/** A method call without arguments. */
export function call0(o, m) {
  return apply(o, m, []);
}

/** A method call with one or two string arguments (`b` absent when `undefined`). */
export function calls(o, m, a, b) {
  return apply(o, m, b === undefined ? [a] : [a, b]);
}

/** A method call with the first `n` of up to five arguments (numbers, or any JS values). */
export function callv(o, m, n, ...a) {
  return apply(o, m, a.slice(0, n));
}

/** `new c(...)` with the first `n` of up to three number arguments. */
export function make(c, n, ...a) {
  try {
    return new c(...a.slice(0, n));
  } catch (_) {
    return undefined;
  }
}

/** `storage.setItem(k, v)`; whether it worked (it throws when full or refused). */
export function store(storage, k, v) {
  try {
    storage.setItem(k, v);
    return true;
  } catch (_) {
    return false;
  }
}

/** The global object (`window` on a page). */
export function global() {
  return self;
}

/** `Date.now()` (`NaN` if a page broke it). */
export function now() {
  try {
    return Date.now();
  } catch (_) {
    return NaN;
  }
}

/** Fills `out` (a view on wasm memory) with random bytes from Web Crypto (zeros without it). */
export function random(out) {
  try {
    crypto.getRandomValues(out);
  } catch (_) {
    // No Web Crypto: `out` stays zero, which the wasm reads as "no randomness".
  }
}

/** `f` wrapped so that nothing it throws (or traps) reaches the caller (the page or the browser). */
export function guard(f) {
  return function (a, b, c) {
    try {
      return f(a, b, c);
    } catch (_) {
      return undefined;
    }
  };
}

/**
 * Replaces the method `o[k]` with one that calls the original, then `after()` (guarded); returns
 * the function that puts the original back (only while the wrapper is still in place, so a wrapper
 * the page installed on top of ours is never removed). `undefined` when `o[k]` cannot be wrapped.
 */
export function patch(o, k, after) {
  try {
    const original = o[k];
    const wrapper = function () {
      const result = original.apply(this, arguments);
      after();
      return result;
    };
    o[k] = wrapper;
    return function () {
      if (o[k] === wrapper) o[k] = original;
    };
  } catch (_) {
    return undefined;
  }
}

/**
 * `fetch(url, …)`: a POST of `body` as `text/plain` (a CORS-simple request, so no preflight),
 * without cookies, kept alive past the page's unload when `keepalive` (bodies up to 64 KiB).
 * `undefined` when the page's `fetch` throws.
 */
export function post(url, body, keepalive) {
  try {
    return fetch(url, {
      method: "POST",
      body,
      keepalive,
      mode: "cors",
      credentials: "omit",
      headers: { "content-type": "text/plain;charset=UTF-8" },
    });
  } catch (_) {
    return undefined;
  }
}

/**
 * Whether `value` matches a lead form field's `pattern` as an HTML `pattern` attribute applies
 * it, and as the worker checks it: `new RegExp("^(?:" + pattern + ")$", "v")`. A pattern this
 * engine refuses (or a browser without the `v` flag) matches everything; the server decides.
 */
export function matches(pattern, value) {
  try {
    return new RegExp("^(?:" + pattern + ")$", "v").test(value);
  } catch (_) {
    return true;
  }
}
