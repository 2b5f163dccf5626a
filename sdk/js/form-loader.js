/*
 * PulseGate form loader: the whole of form.js. Plain ES5, so that any browser can parse it;
 * browsers that cannot run the form builder render nothing, and throw nothing.
 *
 *   <script defer src="https://pulsegate.example/form.js" data-site-key="demo" data-form-id="contact"></script>
 *
 * renders form "contact" right after the script tag. Forms can also go anywhere on the page,
 * several per page, one element each (the site key from the element or from the script tag):
 *
 *   <div data-pulsegate-form="contact"></div>
 *   <div data-pulsegate-form="newsletter" data-site-key="demo"></div>
 *
 * Attributes of the script tag:
 *   data-site-key   the site's public key
 *   data-form-id    a form to render after the script tag
 *   data-endpoint   where the config comes from and leads go (default: where form.js came from)
 *   data-lang       the form's language (a BCP 47 tag such as "de"; default: the browser's
 *                   languages, navigator.languages); a form element's own data-lang wins
 *
 * A page that adds form elements later (a single-page app) calls `PulseGateForms.scan()`.
 * Each form is rendered in a shadow root: page styles do not reach it, its styles do not leak;
 * theme it with CSS custom properties (`--pg-accent`, … see README). The wasm (content-hashed,
 * next to form.js) and the code chunk are fetched once, in parallel, only when the page has a
 * form; the chunk (sdk/js/form-boot.js) calls the wasm's `mount` for each one.
 *
 * The build replaces __PULSEGATE_CHUNK__ and __PULSEGATE_WASM__ with the chunk's and the wasm's
 * paths relative to this script, e.g. "sdk/pulsegate-1a2b3c4d.js".
 */
(function (window, document) {
  "use strict";
  var ATTR = "data-pulsegate-form";
  var DONE = "data-pulsegate-mounted";
  var script, siteKey, endpoint, lang;
  var loader = { t: [] };
  var api = { _l: loader, scan: scan, defaults: defaults };

  function attribute(el, name) {
    return el ? el.getAttribute("data-" + name) : null;
  }

  // The form elements not mounted yet, as targets for the wasm's `mount`.
  function targets() {
    var found = [];
    var els = document.querySelectorAll("[" + ATTR + "]");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.hasAttribute(DONE)) continue;
      var key = attribute(el, "site-key") || siteKey;
      // No site key yet: pulse.js gets it from PulseGate.init() (`defaults`), then scans again.
      if (!key) continue;
      el.setAttribute(DONE, "");
      found.push({
        el: el,
        formId: el.getAttribute(ATTR) || "",
        siteKey: key,
        endpoint: attribute(el, "endpoint") || endpoint,
        lang: languages(attribute(el, "lang") || lang)
      });
    }
    return found;
  }

  // The languages to ask the form in, best first, as "de-CH,de,en": the given tag, else the
  // browser's. Only well-formed tags travel (letters, digits and hyphens; at most 8).
  function languages(given) {
    var list = given ? [given] : (navigator.languages && navigator.languages.length ?
      navigator.languages : [navigator.language]);
    var out = [];
    for (var i = 0; i < list.length && out.length < 8; i++) {
      var tag = String(list[i] || "");
      if (/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(tag) && tag.length <= 35) out.push(tag);
    }
    return out.join(",");
  }

  function supported() {
    // What the chunk's glue makes as it loads, outside any `try` (the rest, `fetch`, `URL`,
    // `Promise`, `attachShadow`, every browser with reference types has; each use is guarded).
    if (typeof TextDecoder !== "function" || typeof TextEncoder !== "function") return false;
    try {
      // A module whose function returns `ref.null extern`: fails where the wasm could not run
      // (no WebAssembly, no reference types, or a Content-Security-Policy without
      // 'wasm-unsafe-eval').
      return !!new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96,
        0, 1, 111, 3, 2, 1, 0, 10, 6, 1, 4, 0, 208, 111, 11]));
    } catch (_) {
      return false;
    }
  }

  // pulse.js: the site key (and endpoint) PulseGate.init() was given, for the forms that name
  // none; mounts them.
  function defaults(key, end) {
    siteKey = siteKey || key;
    if (end) endpoint = end;
    whenReady(scan);
  }

  // Mounts the forms on the page now, loading the code the first time there is one.
  function scan() {
    try {
      var found = targets();
      if (!found.length) return;
      if (loader.r) {
        for (var i = 0; i < found.length; i++) loader.r(found[i]);
        return;
      }
      loader.t = loader.t.concat(found);
      if (loader.w) return;
      // pulse.js: one download serves the forms and the tracker (sdk/js/pulse-prelude.js).
      if (window.PulseGateCode) return window.PulseGateCode(loader);
      loader.w = fetch(new URL("__PULSEGATE_WASM__", script.src).href, { mode: "cors", credentials: "omit" });
      loader.w["catch"](function () {});
      var chunk = document.createElement("script");
      chunk.src = new URL("__PULSEGATE_CHUNK__", script.src).href;
      chunk.async = true;
      if (script.nonce) chunk.nonce = script.nonce;
      (document.head || document.documentElement).appendChild(chunk);
    } catch (_) {
      // Never into the page.
    }
  }

  // Puts a form element right after `tag` when the tag names a form, carrying the tag's site key
  // and endpoint (so several tags, even of several sites, each get their own form). Answers the
  // tag's endpoint: its `data-endpoint`, else where it came from.
  function place(tag) {
    var end = attribute(tag, "endpoint") || tag.src.replace(/[?#].*$/, "").replace(/\/[^/]*$/, "");
    var formId = attribute(tag, "form-id");
    if (formId && tag.parentNode) {
      var el = document.createElement("div");
      el.setAttribute(ATTR, formId);
      el.setAttribute("data-site-key", attribute(tag, "site-key") || "");
      if (attribute(tag, "lang")) el.setAttribute("data-lang", attribute(tag, "lang"));
      el.setAttribute("data-endpoint", end);
      tag.parentNode.insertBefore(el, tag.nextSibling);
    }
    return end;
  }

  function whenReady(run) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", run);
    } else {
      run();
    }
  }

  try {
    var tag = document.currentScript;
    var running = window.PulseGateForms;
    if (running && running._l) {
      // A second copy of the tag: its form joins the first copy's.
      if (tag) place(tag);
      whenReady(running.scan);
      return;
    }
    script = tag;
    if (!script || !supported()) return;
    siteKey = attribute(script, "site-key") || "";
    lang = attribute(script, "lang") || "";
    endpoint = place(script);
    window.PulseGateForms = api;
    whenReady(scan);
  } catch (_) {
    // Never into the page.
  }
})(window, document);
