// The tracker's one callback (src/callback.rs) with a signal bound: what each listener, timer,
// patch and promise handler of the tracker is, instead of a wasm closure of its own.

/** `f` (guarded: it cannot throw) called as `f(signal, a, b)`. */
export const bind = (f, signal) => (a, b) => f(signal, a, b);
