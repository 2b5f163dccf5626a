// The tracker's one callback (src/callback.rs) with a signal bound: what each listener, timer,
// patch and promise handler of the tracker is, instead of a wasm closure of its own; and the
// browser calls around its callbacks (listeners, timers, promises, the next task, the page's
// visibility), one import each that takes and answers numbers where it can.

import { call0, get } from "./host.js";

/** `f` (guarded: it cannot throw) called as `f(signal, a, b)`. */
export const bind = (f, signal) => (a, b) => f(signal, a, b);

/**
 * `t.addEventListener(k, bind(f, s), c)`; the function that removes it again, or `undefined` when
 * adding threw (`c` comes as 0 or 1, which both methods read as the capture flag).
 */
export function listen(t, k, f, s, c) {
  try {
    const h = bind(f, s);
    t.addEventListener(k, h, c);
    return () => t.removeEventListener(k, h, c);
  } catch (_) {
    return undefined;
  }
}

/** `setTimeout(f, ms)`: the timeout's id, `NaN` when the page's `setTimeout` throws. */
export function later(f, ms) {
  try {
    return setTimeout(f, ms);
  } catch (_) {
    return NaN;
  }
}

/** `clearTimeout(id)`. */
export function clear(id) {
  try {
    clearTimeout(id);
  } catch (_) {
    // A page's broken `clearTimeout`: the timer fires, and its handler finds nothing to do.
  }
}

/**
 * `p.then(r => f(s, n, r), () => f(s, n, null))`: a promise's settling handed to `f` (the
 * tracker's callback) with a signal `s` and a number `n` (a request's); the chained promise, or
 * `undefined` when `p` is none (`f` is guarded: it cannot throw).
 */
export function chain(p, f, s, n) {
  try {
    return p.then(
      (r) => f(s, n, r),
      () => f(s, n, null),
    );
  } catch (_) {
    return undefined;
  }
}

/** The `MessageChannel` `soon` posts to, made on its first use. */
let channel;

/**
 * Calls `f(n)` in a task of its own, as soon as the browser has run what waits: after
 * `scheduler.yield()` where there is one, else on a `MessageChannel` message (which timers'
 * nesting clamp and background throttling do not slow); 0 when neither works.
 */
export function soon(f, n) {
  const g = () => f(n);
  try {
    scheduler.yield().then(g, g);
    return 1;
  } catch (_) {
    try {
      channel ||= new MessageChannel();
      channel.port1.onmessage = g;
      channel.port2.postMessage(0);
      return 1;
    } catch (_) {
      return 0;
    }
  }
}

/**
 * How `doc`'s page is seen: 1 when hidden, 2 when visible and focused (engaged), else 0 (visible
 * without focus, or a page whose document reads as neither).
 */
export function view(doc) {
  const state = get(doc, "visibilityState");
  return state === "hidden" ? 1 : state === "visible" && call0(doc, "hasFocus") === true ? 2 : 0;
}
