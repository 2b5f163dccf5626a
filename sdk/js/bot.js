// The browser side of the bot signals (src/bot.rs, which judges what it reads): whether the page
// carries a trace automation tools leave, read in one call. Nothing thrown leaves this module.

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

/** `f()`, or `undefined` when it throws. */
const tried = (f) => {
  try {
    return f();
  } catch (_) {
    return undefined;
  }
};

/**
 * Whether a `webdriver`, `selenium` or `driver` attribute is on the root element, a ChromeDriver
 * `$cdc_` / `$wdc_` property on `document`, or one of the globals on `window`.
 */
export function automation() {
  const root = tried(() => document.documentElement);
  const names = tried(() => Object.getOwnPropertyNames(document).join(" "));
  return (
    ["webdriver", "selenium", "driver"].some((a) => tried(() => root.hasAttribute(a)) === true) ||
    (typeof names == "string" && (names.includes("$cdc_") || names.includes("$wdc_"))) ||
    GLOBALS.some((name) => tried(() => self[name]) !== undefined)
  );
}
