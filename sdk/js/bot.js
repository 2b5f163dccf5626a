// The bot signals (src/bot.rs asks for them): what the browser says about itself and whether the
// page carries a trace automation tools leave, judged here and written as the session start's
// `bot` JSON text in one call. Nothing thrown leaves this module.

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

/** The signals' names, in the schema's order (`BotSignal::ALL`). */
const NAMES = [
  "webdriver",
  "headless_user_agent",
  "no_plugins",
  "no_languages",
  "zero_outer_size",
  "automation_globals",
  "product_sub_mismatch",
  "eval_length_mismatch",
];

/**
 * What the browser says about itself: `navigator.userAgent` (`""` where missing),
 * `navigator.productSub` (`undefined` unless a string), `navigator.webdriver === true`,
 * `navigator.plugins.length`, `navigator.languages.length`, whether `outerWidth` and `outerHeight`
 * are both 0, whether the document is visible, whether the page carries an automation trace and
 * `eval.toString().length` (lengths `NaN` where not a number).
 */
export function facts() {
  const navigator = get(self, "navigator");
  const length = (o) => num(o, "length");
  return [
    str(navigator, "userAgent") || "",
    str(navigator, "productSub"),
    get(navigator, "webdriver") === true,
    length(get(navigator, "plugins")),
    length(get(navigator, "languages")),
    num(self, "outerWidth") === 0 && num(self, "outerHeight") === 0,
    str(get(self, "document"), "visibilityState") === "visible",
    automation(),
    length(call0(get(self, "eval"), "toString")),
  ];
}

/**
 * The signals `facts()` shows, as the session start's `bot` JSON text in the schema's order (`""`
 * for none). The engine is the one the user agent names (src/bot.rs's `claimed_engine`): V8
 * prints `eval` in 33 characters, SpiderMonkey and JavaScriptCore in 37; every engine but Gecko
 * reports productSub 20030107; an unknown engine is not judged on either. No plugins counts on
 * desktop Blink only (mobile Chrome has none, legitimately); a zero outer size on a visible
 * document only.
 */
export function judge([ua, sub, webdriver, plugins, languages, zero, visible, traces, evalLength]) {
  const has = (s) => ua.includes(s);
  // 1 Gecko, 2 Blink, 3 WebKit, 0 unknown.
  const engine = has("Firefox/") ? 1 : has("Chrome/") || has("Chromium/") ? 2 : has("AppleWebKit/") ? 3 : 0;
  const seen = NAMES.filter(
    (_, i) =>
      [
        webdriver,
        ["Headless", "PhantomJS", "SlimerJS"].some(has),
        engine == 2 && !has("Mobile") && !has("Android") && plugins === 0,
        languages === 0,
        visible && zero,
        traces,
        engine > 0 && sub !== undefined && sub !== (engine == 1 ? "20100101" : "20030107"),
        engine > 0 && evalLength >= 0 && evalLength !== (engine == 2 ? 33 : 37),
      ][i],
  );
  return seen.length ? JSON.stringify(seen) : "";
}

/** The signals of the live page, as [`judge`] writes them. */
export const signals = () => judge(facts());
