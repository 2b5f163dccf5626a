// @pulsegate/sdk: PulseGate's browser SDK for single-page apps and bundlers.
//
// This module is the thin entry point: it holds the calls made before the tracker runs and hands
// them, in order, to the SDK compiled from Rust to WebAssembly (the same crate, built with the
// same features, as the `tracker.js` script tag). The tracking logic (sessions, consent,
// autocapture, delivery, fingerprint) lives only there; `./sdk.js` holds the wasm and its glue and
// is imported on the first `init()` in a browser, so a bundler puts it in a lazily loaded chunk.
//
// Importing this module touches no browser global, so it is safe in Node and during server-side
// rendering; there every call is a no-op and `init()` resolves to `false`. Nothing here throws
// into the page.

// A method's index is its operation number in the wasm (sdk/src/tracker/api.rs); the names and
// their order are the script tag loader's (sdk/js/loader.js; a unit test compares the two).
const METHODS = ["init", "track", "identify", "page", "consent", "optOut", "optIn",
  "getVisitorId", "getSessionId", "_send", "_state"];
const [, TRACK, IDENTIFY, PAGE, CONSENT, OPT_OUT, OPT_IN, VISITOR_ID, SESSION_ID, , STATE] =
  METHODS.map((_, i) => i);

// Why the tracker stays off, by the number the wasm's `start` returns (sdk/src/lib.rs).
const OFF = ["", "no valid site key or endpoint", "not an http(s) page",
  "Global Privacy Control or Do Not Track is on", "the visitor opted out",
  "this host is not in `domains`",
  "this browser cannot run it, or the Content-Security-Policy lacks 'wasm-unsafe-eval'"];
const OPT_OUT_KEY = "pulsegate.optout";

// 0 not started, 1 loading, 2 running, 3 off.
let state = 0;
let api = null;
let busy = false;
let queue = [];
let options = null;
let debug = false;
let started = null;
let code = null;

// The SDK's exports (`start`, `mount`), loaded once: `./sdk.js` is a chunk of its own.
function sdk() {
  code ??= import("./sdk.js").then((module) => module.load());
  return code;
}

const browser = () => typeof window !== "undefined" && typeof document !== "undefined";

function warn(message) {
  if (debug) {
    try {
      console.warn(`[pulsegate] ${message}`);
    } catch {
      // No console: stay silent.
    }
  }
}

function flag(value, otherwise) {
  return value == null ? otherwise : value !== false && value !== "false" && value !== "0";
}

function list(value) {
  return value == null ? "" : Array.isArray(value) ? value.join(",") : String(value);
}

// The config the wasm reads (sdk/src/config.rs), as the loader builds it from its attributes.
function config(o) {
  return {
    siteKey: String(o.siteKey || ""),
    endpoint: String(o.endpoint || ""),
    autoTrack: flag(o.autoTrack, true),
    respectDnt: flag(o.respectDnt, true),
    consent: String(o.consent || ""),
    domains: list(o.domains),
    excludePaths: list(o.excludePaths),
    stripParams: list(o.stripParams),
    hashRouting: flag(o.hashRouting, false),
    flushAt: +o.flushAt || undefined,
    flushInterval: +o.flushInterval || undefined,
    debug,
  };
}

function invoke(op, a, b) {
  busy = true;
  try {
    return api(op, a, b);
  } catch {
    return null;
  } finally {
    busy = false;
  }
}

// Runs queued calls in order; calls made while one runs are queued behind it.
function drain() {
  while (api && !busy && queue.length) {
    const [op, a, b] = queue.shift();
    invoke(op, a, b);
  }
}

function off(reason) {
  state = 3;
  warn(`tracker off: ${OFF[reason] ?? reason}`);
  return false;
}

function call(op, a, b) {
  if (!browser()) return null;
  if (op === OPT_IN && state === 3) {
    clearOptOut();
    queue.push([op, a, b]);
    if (options) init(options);
    return null;
  }
  if (api && !busy) {
    const result = invoke(op, a, b);
    drain();
    return result;
  }
  // Getters answer null until the tracker runs; everything else waits for it (a call made before
  // `init()` included), unless the tracker is off.
  if (op < VISITOR_ID && state !== 3) queue.push([op, a, b]);
  return null;
}

function clearOptOut() {
  try {
    window.localStorage.removeItem(OPT_OUT_KEY);
  } catch {
    // Nothing stored there.
  }
  try {
    if (/(^|;\s*)pulsegate_optout=1/.test(document.cookie || "")) {
      document.cookie = "pulsegate_optout=; path=/; max-age=0; samesite=lax";
    }
  } catch {
    // A sandboxed document without cookies.
  }
}

/**
 * Starts the tracker. Resolves to whether it runs: `false` outside a browser, without a site key
 * or endpoint, under Global Privacy Control or Do Not Track, after `optOut()`, or where the
 * browser cannot run WebAssembly. Never rejects; a second call resolves like the first.
 */
export function init(given) {
  if (!browser()) return Promise.resolve(false);
  if (state === 1 || state === 2) {
    warn("init: already started");
    return started;
  }
  options = given || {};
  debug = debug || flag(options.debug, false);
  const cfg = config(options);
  if (!cfg.siteKey || !cfg.endpoint) {
    warn("init: a siteKey and an endpoint are required");
    return Promise.resolve(false);
  }
  state = 1;
  started = sdk()
    .then(({ start }) => {
      const result = start(cfg);
      if (typeof result !== "function") return off(result);
      api = result;
      state = 2;
      drain();
      return true;
    })
    .catch((error) => {
      warn(error && error.message ? error.message : String(error));
      return off(6);
    });
  return started;
}

/** A custom event: `track("signup", { plan: "pro" })`. */
export function track(name, props) {
  return void call(TRACK, name, props);
}

/** Who the visitor is, in your own terms (ignored under the `count` consent tier). */
export function identify(userId, traits) {
  // A number id is its text: the wasm takes ids as text (sdk/src/tracker/api.rs).
  return void call(IDENTIFY, typeof userId === "number" ? String(userId) : userId, traits);
}

/** A pageview now (automatic for History API navigation unless `autoTrack` is `false`). */
export function page(props) {
  return void call(PAGE, props);
}

/** The visitor's consent choice: a tier name or `{ analytics, marketing }`. */
export function consent(choice) {
  return void call(CONSENT, choice);
}

/** Stops tracking and forgets the visitor, here and on later visits, until `optIn()`. */
export function optOut() {
  return void call(OPT_OUT);
}

/** Undoes `optOut()` and starts tracking again. */
export function optIn() {
  return void call(OPT_IN);
}

/** The visitor's id, or `null` (not running yet, `count` tier, opted out). */
export function getVisitorId() {
  return call(VISITOR_ID) ?? null;
}

/** The current session's id, or `null` while the tracker is not running. */
export function getSessionId() {
  return call(SESSION_ID) ?? null;
}

/** Whether the tracker runs now. */
export function isTracking() {
  return state === 2;
}

// What a form reads to link its lead to the visitor's session (sdk/src/form/submit.rs).
const tracker = { getSessionId, getVisitorId, _state: () => call(STATE) ?? null };

/**
 * Renders the lead form `formId` (made in PulseGate's dashboard) into `element`, in a shadow root
 * of its own, with the server's own validation; its leads are linked to the tracked session.
 * `siteKey` and `endpoint` default to those given to `init()`. Resolves to whether the form was
 * mounted (`false` outside a browser, for an unusable element, site key, form id or endpoint).
 */
export function mountForm(element, given) {
  if (!browser()) return Promise.resolve(false);
  const o = given || {};
  const target = {
    el: element,
    formId: String(o.formId || ""),
    siteKey: String(o.siteKey || (options && options.siteKey) || ""),
    endpoint: String(o.endpoint || (options && options.endpoint) || ""),
    tracker,
  };
  return sdk()
    .then(({ mount }) => mount(target) === true)
    .catch((error) => {
      warn(error && error.message ? error.message : String(error));
      return false;
    });
}
