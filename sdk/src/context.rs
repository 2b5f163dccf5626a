//! Collects the [`PageContext`] and [`Device`] facts, each cut to the schema's limits; URLs go
//! through `url::clean` (no fragment, no credentials, `http(s)` only).

use alloc::string::String;
use alloc::vec::Vec;

use pulsegate_schema::limits::{self, truncate};
use pulsegate_schema::{Device, DeviceClass, PageContext};
use wasm_bindgen::JsValue;

use crate::config::Config;
use crate::js::{call_str, call0, get, make, number, object, text};
use crate::text::u64_text;
use crate::url;

/// The current page: `location.href` and `document.referrer` cleaned, `document.title`.
/// `url` is empty when the page is not `http(s)` (a `file:` page is not tracked).
pub(crate) fn page(window: &JsValue, config: &Config) -> PageContext {
    let document = get(window, "document");
    let clean =
        |href: Option<String>| url::clean(&href?, &config.strip_params, config.hash_routing);
    PageContext {
        url: clean(text(&get(window, "location"), "href")).unwrap_or_default(),
        referrer: clean(text(&document, "referrer")),
        title: text(&document, "title").and_then(|t| non_empty(t, limits::MAX_TITLE_LEN)),
    }
}

/// Language, time zone, screen and viewport size, pixel ratio, languages and device class; a
/// fact the browser does not give, or gives out of the schema's range, is left out.
pub(crate) fn device(window: &JsValue) -> Device {
    let navigator = get(window, "navigator");
    let screen = get(window, "screen");
    let size = |target: &JsValue, key| number(target, key).and_then(pixels);
    let (screen_width, screen_height) = (size(&screen, "width"), size(&screen, "height"));
    let coarse = media(window, "(pointer: coarse)");
    Device {
        language: text(&navigator, "language").and_then(|l| non_empty(l, limits::MAX_SHORT_LEN)),
        timezone: time_zone(window).and_then(|tz| non_empty(tz, limits::MAX_SHORT_LEN)),
        screen_width,
        screen_height,
        viewport_width: size(window, "innerWidth"),
        viewport_height: size(window, "innerHeight"),
        pixel_ratio: number(window, "devicePixelRatio").and_then(pixel_ratio),
        languages: languages(&navigator),
        device_class: Some(device_class(coarse, screen_width.min(screen_height))),
    }
}

/// `navigator.languages`, at most [`limits::MAX_LANGUAGES`], each cut to the short limit.
pub(crate) fn languages(navigator: &JsValue) -> Vec<String> {
    let list = get(navigator, "languages");
    let count = number(&list, "length").unwrap_or(0.0) as u64;
    (0..count.min(limits::MAX_LANGUAGES as u64))
        .filter_map(|i| text(&list, &u64_text(i)))
        .filter_map(|l| non_empty(l, limits::MAX_SHORT_LEN))
        .collect()
}

/// The IANA time zone, e.g. `"Europe/Berlin"`: `Temporal.Now.timeZoneId()` where there is one
/// (well under a millisecond), else `Intl.DateTimeFormat().resolvedOptions().timeZone` (whose
/// first use loads locale data: 10–30 ms in Chromium). Both give the same identifier.
pub(crate) fn time_zone(window: &JsValue) -> Option<String> {
    let temporal = call0(&get(&get(window, "Temporal"), "Now"), "timeZoneId");
    if let Some(zone) = temporal.as_string() {
        return Some(zone);
    }
    let format = object(make(&get(&get(window, "Intl"), "DateTimeFormat"), &[]))?;
    text(&call0(&format, "resolvedOptions"), "timeZone")
}

/// `matchMedia(query).matches`.
pub(crate) fn media(window: &JsValue, query: &str) -> bool {
    crate::js::flag(&call_str(window, "matchMedia", query), "matches")
}

/// Desktop without a coarse (touch) primary pointer; with one, mobile when the screen's short
/// side is under 768 CSS pixels, else tablet.
pub(crate) fn device_class(coarse_pointer: bool, short_side: Option<u32>) -> DeviceClass {
    match (coarse_pointer, short_side) {
        (false, _) => DeviceClass::Desktop,
        (true, Some(side)) if side >= 768 => DeviceClass::Tablet,
        (true, _) => DeviceClass::Mobile,
    }
}

/// `value` cut to `max` bytes (on a character boundary), or `None` when it is empty.
pub(crate) fn non_empty(mut value: String, max: usize) -> Option<String> {
    truncate(&mut value, max);
    (!value.is_empty()).then_some(value)
}

/// A CSS pixel count as `u32`; `None` when negative or not finite. Fractions are dropped.
pub(crate) fn pixels(value: f64) -> Option<u32> {
    (value.is_finite() && value >= 0.0 && value <= f64::from(u32::MAX)).then_some(value as u32)
}

/// `devicePixelRatio` within what the schema accepts (above 0, at most 16).
pub(crate) fn pixel_ratio(value: f64) -> Option<f64> {
    (value.is_finite() && value > 0.0 && value <= 16.0).then_some(value)
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;

    #[test]
    fn empty_strings_are_absent_and_long_ones_cut() {
        assert_eq!(non_empty(String::new(), 8), None);
        assert_eq!(non_empty("abc".into(), 8).as_deref(), Some("abc"));
        assert_eq!(non_empty("é".repeat(10), 5).as_deref(), Some("éé"));
    }

    #[test]
    fn pixel_values_are_checked() {
        assert_eq!(pixels(1280.0), Some(1280));
        assert_eq!(pixels(1280.75), Some(1280));
        assert_eq!(pixels(-1.0), None);
        assert_eq!(pixels(f64::NAN), None);
        assert_eq!(pixels(f64::INFINITY), None);
        assert_eq!(pixel_ratio(2.0), Some(2.0));
        assert_eq!(pixel_ratio(0.0), None);
        assert_eq!(pixel_ratio(17.0), None);
    }

    #[test]
    fn device_classes() {
        assert_eq!(device_class(false, Some(390)), DeviceClass::Desktop);
        assert_eq!(device_class(true, Some(390)), DeviceClass::Mobile);
        assert_eq!(device_class(true, Some(767)), DeviceClass::Mobile);
        assert_eq!(device_class(true, Some(768)), DeviceClass::Tablet);
        assert_eq!(device_class(true, None), DeviceClass::Mobile);
    }
}
