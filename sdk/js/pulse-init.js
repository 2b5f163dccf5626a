/*
 * pulse.js, part 4 of 4: `PulseGate.init({siteKey, endpoint?})` also gives the forms on the page
 * (`<div data-pulsegate-form="…">` without a site key of their own) that site key and endpoint,
 * and renders them.
 */
(function (window) {
  "use strict";
  try {
    var pg = window.PulseGate;
    var forms = window.PulseGateForms;
    var code = window.PulseGateCode;
    if (!pg || !forms || !code || !forms.defaults || pg._pulse) return;
    pg._pulse = true;
    var give = function (options) {
      if (options && options.siteKey) {
        forms.defaults(String(options.siteKey), options.endpoint ? String(options.endpoint) : "");
      }
    };
    var init = pg.init;
    pg.init = function (options) {
      var result = init(options);
      try {
        give(options);
      } catch (_) {
        // Never into the page.
      }
      return result;
    };
    give(code.o);
  } catch (_) {
    // Never into the page.
  }
})(window);
