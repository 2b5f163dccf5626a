/*
 * PulseGate loader: the whole of tracker.js. Plain ES5, so that any browser can parse it; browsers
 * that cannot run the tracker get a `window.PulseGate` whose methods do nothing, and no error.
 *
 *   <script defer src="https://pulsegate.example/tracker.js" data-site-key="demo"></script>
 *
 * Attributes (all optional but the site key; `PulseGate.init({...})` takes the same in camelCase):
 *   data-site-key        the site's public key (without it, the tracker waits for PulseGate.init)
 *   data-endpoint        where to send data (default: where tracker.js came from, path included)
 *   data-auto-track      "false": no automatic pageviews, clicks, forms…; only API calls
 *   data-consent         "pending" (count without storing anything until PulseGate.consent()),
 *                        "count", "analytics" (the default) or "marketing"
 *   data-respect-dnt     "false": ignore Do Not Track (Global Privacy Control is always honoured)
 *   data-domains         hostnames to track on, e.g. "shop.example, *.shop.example"
 *   data-exclude-paths   path globs not to track, e.g. "/admin/*, /account/**"
 *   data-strip-params    query parameters to remove from URLs besides the built-in list
 *   data-hash-routing    keep "#/route" fragments (hash-routed single-page apps)
 *   data-flush-at        send when this many events wait (default 50)
 *   data-flush-interval  send at the latest this many ms after an event (default 5000)
 *   data-debug           log to the console why the tracker is off or a call was ignored
 *   data-replay          record sessions with the session-replay chunk (the share sampled in is
 *                        AppSettings' replay_sampling_rate; consent "analytics" or above)
 *
 * Before downloading anything, the loader checks Global Privacy Control, Do Not Track, a stored
 * PulseGate.optOut(), prerendering (it waits for the page to be shown) and what the browser
 * supports. Then it fetches the wasm and the code chunk (both content-hashed, next to tracker.js
 * whatever path it is served under) in parallel; the chunk (sdk/js/boot.js) starts the tracker and
 * hands back the function behind every method. Calls made before that, even from an inline stub
 * (`window.PulseGate = {q: [["track", "signup"]]}`), are queued and replayed in order.
 *
 * The build replaces __PULSEGATE_CHUNK__ and __PULSEGATE_WASM__ with the chunk's and the wasm's
 * paths relative to this script, e.g. "sdk/pulsegate-1a2b3c4d.js".
 */
(function (window, document) {
  "use strict";
  // Method names; a method's index is its operation number in the wasm (src/tracker/api.rs).
  var METHODS = ["init", "track", "identify", "page", "consent", "optOut", "optIn",
    "getVisitorId", "getSessionId", "_send", "_state"];
  // Why the tracker is off, by the number `start` returns (src/lib.rs), for data-debug.
  var OFF = ["", "no valid site key or endpoint", "not an http(s) page",
    "Global Privacy Control or Do Not Track is on", "the visitor opted out",
    "this host is not in data-domains",
    "this browser cannot run it, or the Content-Security-Policy lacks 'wasm-unsafe-eval'"];
  var OPT_OUT_KEY = "pulsegate.optout";

  var script, options, debug = false;
  // 0 not started, 1 loading, 2 running, 3 off.
  var state = 0;
  var api = null;
  var busy = false;
  var queue = [];
  // What the code chunk (sdk/js/boot.js) uses: ready, fail, replay, later; `c` the config, `w`
  // the wasm's download.
  var loader = { r: ready, f: fail, p: replay, l: later };
  var pg = { _l: loader, tracking: false };

  function warn(message) {
    if (debug) {
      try {
        console.warn("[pulsegate] " + message);
      } catch (_) {
        // No console: stay silent.
      }
    }
  }

  // `_off`: the tracker will not start on this page (the lead form then sends without waiting
  // for its session, sdk/src/form/mod.rs).
  function fail(error) {
    state = 3;
    pg._off = true;
    warn(error && error.message ? error.message : error);
  }

  function off(reason) {
    state = 3;
    pg.tracking = false;
    pg._off = true;
    warn("tracker off: " + OFF[reason]);
  }

  // The tracker started (`result` is its API function) or stayed off (a number, see OFF).
  function ready(result) {
    if (typeof result !== "function") return off(result);
    api = result;
    state = 2;
    pg.tracking = true;
    drain();
    replay();
  }

  // Session replay: the chunk (sdk/replay-<hash>.js, which starts itself) is fetched only where the
  // tag turns replay on (data-replay), for a session sampled in at the server's rate (`replayRate`,
  // from the session start's answer; by the session's random id, so every page of it agrees), under
  // a tier that allows replay (`analytics` or above). It stops when the tier no longer does
  // (`count`, optOut()). The tracker calls this once the rate arrives, and so does every consent
  // change.
  var replayTag;
  function replay() {
    var st = api && !busy && invoke(10);
    var chunk = pg.replay;
    if (!st || st.consent == "count" || !flag(pick(options || {}, "replay"), false) ||
      !(parseInt(st.sessionId, 16) / 429496.7296 < st.replayRate)) {
      if (chunk) chunk.stop(1);
    } else if (chunk) {
      chunk.start();
    } else {
      replayTag = replayTag || inject("__PULSEGATE_REPLAY__");
    }
  }

  // Runs queued calls in order; calls a page script makes while one runs are queued behind it.
  function drain() {
    while (api && !busy && queue.length) {
      var next = queue.shift();
      invoke(next[0], next[1], next[2]);
    }
  }

  function invoke(op, a, b) {
    busy = true;
    try {
      return api(op, a, b);
    } catch (_) {
      return null;
    } finally {
      busy = false;
    }
  }

  function call(op, a, b) {
    if (op === 0) return init(a);
    // identify(42) is identify("42"): the wasm takes ids as text (src/tracker/api.rs).
    if (op === 2 && typeof a === "number") a = String(a);
    if (op === 6 && state === 3) clearOptOut();
    if (api && !busy) {
      var result = invoke(op, a, b);
      drain();
      // consent(), optOut(), optIn(): replay follows the tier.
      if (op > 3 && op < 7) replay();
      return result;
    }
    // Getters answer null until the tracker runs; everything else waits for it.
    if (op < 7 || op === 9) queue.push([op, a, b]);
    if (op === 6 && state === 3) init(options);
    return null;
  }

  function attribute(name) {
    return script ? script.getAttribute("data-" + name) : null;
  }

  function flag(value, otherwise) {
    return value == null ? otherwise : value !== false && value !== "false" && value !== "0";
  }

  function list(value) {
    return value == null ? "" : Array.isArray(value) ? value.join(",") : String(value);
  }

  // `options[key]`, else the tag's attribute of the same name in kebab case ("siteKey":
  // data-site-key).
  function pick(options, key) {
    return options[key] != null ? options[key] : attribute(key.replace(/[A-Z]/g, function (c) {
      return "-" + c.toLowerCase();
    }));
  }

  // The config the wasm reads (src/config.rs): options from init() over the tag's attributes.
  function config(options) {
    var here = script ? script.src : location.href;
    var endpoint = pick(options, "endpoint");
    return {
      siteKey: String(pick(options, "siteKey") || ""),
      endpoint: String(endpoint || here.replace(/[?#].*$/, "").replace(/\/[^/]*$/, "")),
      autoTrack: flag(pick(options, "autoTrack"), true),
      respectDnt: flag(pick(options, "respectDnt"), true),
      consent: String(pick(options, "consent") || ""),
      domains: list(pick(options, "domains")),
      excludePaths: list(pick(options, "excludePaths")),
      stripParams: list(pick(options, "stripParams")),
      hashRouting: flag(pick(options, "hashRouting"), false),
      flushAt: +pick(options, "flushAt") || undefined,
      flushInterval: +pick(options, "flushInterval") || undefined,
      debug: debug
    };
  }

  function optedOut() {
    try {
      if (window.localStorage.getItem(OPT_OUT_KEY)) return true;
    } catch (_) {
      // No localStorage here: the cookie fallback below.
    }
    return /(^|;\s*)pulsegate_optout=1/.test(document.cookie || "");
  }

  function clearOptOut() {
    try {
      window.localStorage.removeItem(OPT_OUT_KEY);
    } catch (_) {
      // Nothing stored there.
    }
    if (optedOut()) document.cookie = "pulsegate_optout=; path=/; max-age=0; samesite=lax";
    state = 0;
  }

  function privacySignal(respectDnt) {
    var n = window.navigator || {};
    if (n.globalPrivacyControl === true) return true;
    var dnt = n.doNotTrack || window.doNotTrack || n.msDoNotTrack;
    return respectDnt && (dnt === "1" || dnt === "yes");
  }

  // A 27-byte module whose function returns `ref.null extern`. Compiling it (synchronously, at
  // once) fails quietly where the wasm could not run: without reference types (before Chrome 96,
  // Firefox 79, Safari 15), and under a Content-Security-Policy without 'wasm-unsafe-eval'. So
  // neither downloads anything.
  var PROBE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 111, 3, 2, 1, 0, 10, 6, 1, 4, 0, 208, 111, 11];

  function supported() {
    // No `WebAssembly` at all fails the compilation below too; every browser with reference
    // types has `Promise` and `URL`.
    if (typeof fetch !== "function" || typeof TextDecoder !== "function" ||
      typeof TextEncoder !== "function") return false;
    try {
      return !!new WebAssembly.Module(new Uint8Array(PROBE));
    } catch (_) {
      return false;
    }
  }

  // Resolves a chunk path against tracker.js's own URL, so a proxied path keeps working.
  function resolve(path) {
    return new URL(path, script.src).href;
  }

  function init(given) {
    if (state === 1 || state === 2) return warn("init: already started");
    options = given || {};
    debug = debug || flag(options.debug, false);
    var cfg = config(options);
    if (!cfg.siteKey) return warn("init: no site key");
    if (privacySignal(cfg.respectDnt)) return off(3);
    if (optedOut()) return off(4);
    if (!script || !supported()) return off(6);
    state = 1;
    loader.c = cfg;
    if (document.prerendering) {
      // Prerendered (speculation rules): the visitor may never see this page. Start when shown.
      document.addEventListener("prerenderingchange", function () {
        later(load);
      }, { once: true });
    } else {
      later(load);
    }
  }

  // Runs `f` in a task of its own (a MessageChannel message: hidden pages throttle timers), any
  // error ending in `fail`. On a slow CPU the checks above, the first `fetch` of a page and adding
  // a script tag each take several ms (the first fetch 10-40 ms at 4× CPU throttling): together,
  // with the page's own parsing, a long task.
  function later(f) {
    var channel = new MessageChannel();
    channel.port1.onmessage = function () {
      try {
        f();
      } catch (error) {
        fail(error);
      }
    };
    channel.port2.postMessage(0);
  }

  function load() {
    // pulse.js: one download serves the tracker and the forms (sdk/js/pulse-prelude.js).
    if (window.PulseGateCode) return window.PulseGateCode(loader);
    loader.w = fetch(resolve("__PULSEGATE_WASM__"), { mode: "cors", credentials: "omit" });
    // The chunk handles the outcome; this keeps an early failure from being "unhandled".
    loader.w["catch"](fail);
    later(function () {
      inject("__PULSEGATE_CHUNK__").onerror = function () {
        fail("cannot load the tracker");
      };
    });
  }

  // Adds a script tag for a chunk (with the tag's nonce, for a strict CSP).
  function inject(path) {
    var tag = document.createElement("script");
    tag.src = resolve(path);
    tag.async = true;
    if (script.nonce) tag.nonce = script.nonce;
    (document.head || document.documentElement).appendChild(tag);
    return tag;
  }

  try {
    var previous = window.PulseGate;
    if (previous && previous._l) return; // a second copy of the tag
    script = document.currentScript || document.querySelector("script[data-site-key]");
    debug = flag(attribute("debug"), false);
    for (var i = 0; i < METHODS.length; i++) {
      pg[METHODS[i]] = (function (op) {
        return function (a, b) {
          try {
            return call(op, a, b);
          } catch (_) {
            return null;
          }
        };
      })(i);
    }
    window.PulseGate = pg;
    // Calls an inline stub queued before this script ran: [["track", "signup", {...}], ...].
    var early = (previous && previous.q) || [];
    if (attribute("site-key")) init(null);
    for (var j = 0; j < early.length; j++) {
      var op = METHODS.indexOf(early[j][0]);
      if (op >= 0) call(op, early[j][1], early[j][2]);
    }
  } catch (error) {
    fail(error);
  }
})(window, document);
