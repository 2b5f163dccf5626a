// The browser side of the session start's device facts (the screen, the viewport, the pointer,
// the language, the time zone and the language list: read for the fingerprint, and written as the
// session start's `device` JSON, cut to the schema's limits passed from src/context.rs), of its
// UTM parameters (written as its `utm` JSON) and of the privacy signals (src/privacy.rs, which
// decides what they mean), each read in one call instead of one wasm call per property. Nothing
// thrown leaves this module.

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

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * `s` as the wasm would hold it, cut to at most `max` UTF-8 bytes at a character boundary: lone
 * surrogates become U+FFFD (as every string does when it crosses into the wasm), and a character
 * that does not fit whole is dropped (the schema's `limits::truncate`).
 */
export function cut(s, max) {
  const bytes = encoder.encode(s);
  let end = Math.min(bytes.length, max);
  while (end < bytes.length && (bytes[end] & 0xc0) === 0x80) end--;
  return decoder.decode(bytes.subarray(0, end));
}

/**
 * `navigator.language`, the time zone and the first `max` entries of `navigator.languages` that
 * are strings, one a line (`""` for what is missing).
 */
export function device(max) {
  const navigator = get(self, "navigator");
  const languages = tried(() => [].slice.call(navigator.languages, 0, max)) || [];
  return [str(navigator, "language") || "", zone()]
    .concat(languages.filter((l) => typeof l == "string"))
    .join("\n");
}

/**
 * The session start's `device` member as JSON text, in the schema's member order: the language,
 * the time zone and the first `max` languages cut to `short` UTF-8 bytes (empty ones left out),
 * the screen and viewport sizes as whole CSS pixels (left out unless a number from 0 to 2³²−1),
 * the pixel ratio (left out unless above 0 and at most 16), and the device class: desktop without
 * a coarse primary pointer, else tablet when the screen's short side is 768 or more, else mobile.
 */
export function deviceJson(max, short) {
  const screen = get(self, "screen");
  const px = (v) => (v >= 0 && v <= 4294967295 ? Math.floor(v) : undefined);
  const width = px(num(screen, "width"));
  const height = px(num(screen, "height"));
  const ratio = num(self, "devicePixelRatio");
  const [language, timezone, ...languages] = device(max)
    .split("\n")
    .map((line) => cut(line, short) || undefined);
  const listed = languages.slice(0, max).filter(Boolean);
  return JSON.stringify({
    language,
    timezone,
    screen_width: width,
    screen_height: height,
    viewport_width: px(num(self, "innerWidth")),
    viewport_height: px(num(self, "innerHeight")),
    pixel_ratio: ratio > 0 && ratio <= 16 ? ratio : undefined,
    languages: listed.length ? listed : undefined,
    device_class: media("(pointer: coarse)") ? (width >= 768 && height >= 768 ? "tablet" : "mobile") : "desktop",
  });
}

/**
 * The session start's `utm` member as JSON text: the first non-empty value of each of
 * `utm_source`, `utm_medium`, `utm_campaign`, `utm_term` and `utm_content` in the page's query
 * (`URLSearchParams`: `+` and `%XX` decoded), cut to `max` UTF-8 bytes; `""` when there is none.
 */
export function utm(max) {
  const names = ["source", "medium", "campaign", "term", "content"];
  const found = {};
  tried(() =>
    new URLSearchParams(str(get(self, "location"), "search")).forEach((value, name) => {
      const key = name.slice(4);
      value = cut(value, max);
      if (name == "utm_" + key && names.includes(key) && value && !found[key]) found[key] = value;
    }),
  );
  return Object.keys(found).length ? JSON.stringify(found, names) : "";
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
