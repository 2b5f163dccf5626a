/*
 * PulseGate tracker loader: the whole of tracker.js around wasm-bindgen's no-modules glue.
 *
 *   <script defer src="https://pulsegate.example/tracker.js" data-site-key="demo"></script>
 *
 * Optional attributes: data-endpoint="https://other-origin" (default: the script's origin),
 * data-debug (log to the console why the tracker is off; nothing is ever logged otherwise),
 * data-replay="25" (record that percent of sessions with the session-replay chunk, fetched only
 * for sessions sampled in).
 *
 * The build replaces the glue marker below with the glue and __PULSEGATE_WASM_PATH__ with the
 * wasm's path, e.g. /sdk/pulsegate-1a2b3c4d.wasm. The glue's `let wasm_bindgen` stays local to the
 * try block. Nothing here may throw into the host page or leave a rejected promise unhandled; the
 * only global written is `window.PulseGate = { loaded: true }`, which makes a second copy of the
 * tag do nothing.
 */
(function () {
  "use strict";
  // Read first and synchronously: currentScript is only set while this script runs.
  var script = document.currentScript;
  var debug = false;
  // Why the tracker is off, by the code `start` returns.
  var OFF = [
    "",
    "tracker off: no valid data-site-key or endpoint",
    "tracker off: no window or document",
    "tracker off: Global Privacy Control or Do Not Track is on",
  ];

  function fail(error) {
    if (debug) {
      try {
        console.warn("[pulsegate]", error);
      } catch (_) {
        // No console: stay silent.
      }
    }
  }

  try {
    var loaded = window.PulseGate;
    if (!script || (loaded && loaded.loaded)) return;
    debug = script.hasAttribute("data-debug");
    var origin = new URL(script.src).origin;
    var config = {
      siteKey: script.getAttribute("data-site-key") || "",
      endpoint: script.getAttribute("data-endpoint") || origin,
    };
    window.PulseGate = { loaded: true };

    /*__PULSEGATE_GLUE__*/

    // Session replay: only where the site asks for it (data-replay, a percentage of sessions),
    // only for sessions sampled in (by their random id, so every page of a session agrees), and
    // only then is the chunk fetched. The chunk reads the session itself (replay.js).
    var startReplay = function () {
      var rate = +script.getAttribute("data-replay");
      var s = JSON.parse(sessionStorage.getItem("pulsegate.session"));
      if (rate > 0 && s && parseInt(s.id.slice(0, 8), 16) / 42949672.96 < rate) {
        var tag = document.createElement("script");
        tag.src = origin + "__PULSEGATE_REPLAY_PATH__";
        tag.onload = function () {
          window.PulseGate.replay.start({ endpoint: config.endpoint }).catch(fail);
        };
        document.head.appendChild(tag);
      }
    };

    wasm_bindgen({ module_or_path: origin + "__PULSEGATE_WASM_PATH__" })
      .then(function () {
        // 0: running (or already running); otherwise why the tracker stays off.
        var off = wasm_bindgen.start(config);
        // Lets a site (or a test) see whether this page is tracked.
        window.PulseGate.tracking = !off;
        if (off) fail(OFF[off] || off);
        else startReplay();
      })
      .catch(fail);
  } catch (error) {
    fail(error);
  }
})();
