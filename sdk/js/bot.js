// The browser side of the bot signals (src/bot.rs, which judges what it reads): what the browser
// says about itself and whether the page carries a trace automation tools leave, read in one
// call. Nothing thrown leaves this module.

import { tried } from "./context.js";
import { call0, get, num, str } from "./host.js";

/** Globals automation tools leave on `window` (PhantomJS, Nightmare, Selenium, Cypress, ChromeDriver's `domAutomation` …). */
const GLOBALS = [
  "callPhantom",
  "_phantom",
  "__nightmare",
  "_selenium",
  "calledSelenium",
  "__selenium_evaluate",
  "__selenium_unwrapped",
  "__webdriver_evaluate",
  "__driver_evaluate",
  "__webdriver_script_fn",
  "__fxdriver_unwrapped",
  "domAutomation",
  "domAutomationController",
  "Cypress",
];

/**
 * Whether a `webdriver`, `selenium` or `driver` attribute is on the root element, a ChromeDriver
 * `$cdc_` / `$wdc_` property on `document`, or one of the globals on `window`.
 */
function automation() {
  const root = tried(() => document.documentElement);
  const names = tried(() => Object.getOwnPropertyNames(document).join(" "));
  return (
    ["webdriver", "selenium", "driver"].some((a) => tried(() => root.hasAttribute(a)) === true) ||
    (typeof names == "string" && (names.includes("$cdc_") || names.includes("$wdc_"))) ||
    GLOBALS.some((name) => tried(() => self[name]) !== undefined)
  );
}

/**
 * Fills `out` with `navigator.webdriver === true`, `navigator.plugins.length`,
 * `navigator.languages.length`, whether `outerWidth` and `outerHeight` are both 0, whether the
 * document is visible, whether the page carries an automation trace (booleans as 1 or 0, lengths
 * `NaN` where not a number) and `eval.toString().length`; returns `navigator.userAgent` (`""` where
 * missing) and, on a line of its own after it, `navigator.productSub` when it is a string.
 */
export function facts(out) {
  const navigator = get(self, "navigator");
  const length = (o) => num(o, "length");
  out.set([
    get(navigator, "webdriver") === true ? 1 : 0,
    length(get(navigator, "plugins")),
    length(get(navigator, "languages")),
    num(self, "outerWidth") === 0 && num(self, "outerHeight") === 0 ? 1 : 0,
    str(get(self, "document"), "visibilityState") === "visible" ? 1 : 0,
    automation() ? 1 : 0,
    length(call0(get(self, "eval"), "toString")),
  ]);
  const sub = str(navigator, "productSub");
  return (str(navigator, "userAgent") || "") + (sub === undefined ? "" : "\n" + sub);
}
