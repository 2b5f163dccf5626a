// The browser side of the session start's device facts (src/context.rs, which checks and cuts
// what it reads to the schema's limits: the screen, the viewport, the pointer, the language, the
// time zone and the language list) and of the privacy signals (src/privacy.rs, which decides
// what they mean), each read in one call instead of one wasm call per property. Nothing thrown
// leaves this module.

import { get, num, str } from "./host.js";

/** `f()`, or `undefined` when it throws (shared by the modules that read the browser in one call). */
export function tried(f) {
  try {
    return f();
  } catch (_) {
    return undefined;
  }
}

/** `matchMedia(query).matches === true` (`false` when it throws). */
export const media = (query) => tried(() => self.matchMedia(query).matches) === true;

/**
 * The IANA time zone: `Temporal.Now.timeZoneId()` where there is one (well under a millisecond),
 * else `Intl.DateTimeFormat().resolvedOptions().timeZone` (whose first use loads locale data);
 * `""` when neither answers a string.
 */
function zone() {
  let zone = tried(() => self.Temporal.Now.timeZoneId());
  if (typeof zone != "string") zone = tried(() => new Intl.DateTimeFormat().resolvedOptions().timeZone);
  return typeof zone == "string" ? zone : "";
}

/**
 * Fills `out` with `screen.width`, `screen.height`, `innerWidth`, `innerHeight`,
 * `devicePixelRatio` (`NaN` where not a number) and whether `(pointer: coarse)` matches (1 or 0);
 * returns `navigator.language`, the time zone and the first `max` entries of
 * `navigator.languages` that are strings, one a line (`""` for what is missing).
 */
export function device(out, max) {
  const screen = get(self, "screen");
  const navigator = get(self, "navigator");
  out.set([
    num(screen, "width"),
    num(screen, "height"),
    num(self, "innerWidth"),
    num(self, "innerHeight"),
    num(self, "devicePixelRatio"),
    media("(pointer: coarse)") ? 1 : 0,
  ]);
  const languages = tried(() => [].slice.call(navigator.languages, 0, max)) || [];
  return [str(navigator, "language") || "", zone()]
    .concat(languages.filter((l) => typeof l == "string"))
    .join("\n");
}

/**
 * `"1"` when `navigator.globalPrivacyControl === true`, else `"0"`; then, one a line, the Do Not
 * Track values (`navigator.doNotTrack`, `window.doNotTrack`, `navigator.msDoNotTrack`), `""` where
 * one is not a string.
 */
export function privacy() {
  const navigator = get(self, "navigator");
  const gpc = get(navigator, "globalPrivacyControl") === true ? "1\n" : "0\n";
  return gpc + [str(navigator, "doNotTrack"), str(self, "doNotTrack"), str(navigator, "msDoNotTrack")].join("\n");
}
