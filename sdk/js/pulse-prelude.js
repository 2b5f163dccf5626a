/*
 * pulse.js, part 1 of 4 (see xtask/src/sdk.rs): the tracker's loader (sdk/js/loader.js) and the
 * form loader (sdk/js/form-loader.js) follow as they are, then sdk/js/pulse-init.js.
 *
 *   <script src="https://pulsegate.example/pulse.js"></script>
 *   <script>PulseGate.init({ siteKey: "demo" });</script>
 *   <div data-pulsegate-form="quote"></div>
 *
 * starts the tracker, sending to the origin that served pulse.js unless `endpoint` says
 * otherwise, and renders form "quote" with the same site key. Both loaders get their code through
 * `PulseGateCode` below: one download of one chunk and one wasm (with the tracker and the form
 * builder) serves both, whichever asks first. The forms do not depend on the tracker: a visitor
 * with Global Privacy Control or Do Not Track is not tracked and still sees the forms.
 */
(function (window, document) {
  "use strict";
  try {
    if (window.PulseGateCode) return;
    var script = document.currentScript;
    var waiting = [];
    var failed = null;

    // Registers a loader (the tracker's `{c, r, f}` or the forms' `{t, r}`); the chunk serves it
    // once the wasm runs (sdk/js/pulse-boot.js sets `code.x`), at once if it runs already.
    var code = function (loader) {
      if (failed) return loader.f && loader.f(failed);
      loader.w = download();
      if (code.x) return code.x(loader);
      waiting.push(loader);
    };

    function download() {
      if (code.w) return code.w;
      code.w = fetch(new URL("__PULSEGATE_WASM__", script.src).href, { mode: "cors", credentials: "omit" });
      // The chunk handles the outcome; this keeps an early failure from being "unhandled".
      code.w["catch"](function () {});
      var chunk = document.createElement("script");
      chunk.src = new URL("__PULSEGATE_CHUNK__", script.src).href;
      chunk.async = true;
      if (script.nonce) chunk.nonce = script.nonce;
      chunk.onerror = function () {
        code.f("cannot load PulseGate");
      };
      (document.head || document.documentElement).appendChild(chunk);
      return code.w;
    }

    // The chunk runs: serve the loaders that asked.
    code.s = function () {
      while (waiting.length) code.x(waiting.shift());
    };

    // The chunk or the wasm failed: the tracker's loader records why (for data-debug).
    code.f = function (error) {
      failed = error || "cannot load PulseGate";
      while (waiting.length) {
        var loader = waiting.shift();
        if (loader.f) loader.f(failed);
      }
    };

    // An init() queued by an inline stub before this script (`PulseGate = {q: [["init", {...}]]}`)
    // names the site key the forms use too (sdk/js/pulse-init.js).
    var early = (window.PulseGate && window.PulseGate.q) || [];
    for (var i = 0; i < early.length; i++) {
      if (early[i] && early[i][0] === "init") code.o = early[i][1];
    }
    if (script) window.PulseGateCode = code;
  } catch (_) {
    // Never into the page.
  }
})(window, document);
