//! Collects the [`PageContext`] and [`Device`] facts, each cut to the schema's limits.

use js_sys::{Intl, Object};
use pulsegate_schema::limits::{self, truncate};
use pulsegate_schema::{Device, PageContext};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Window;

use crate::js::property;

/// `location.href`, `document.referrer` and `document.title` (the last two absent when empty).
pub(crate) fn page(window: &Window) -> PageContext {
    let document = property(window, "document");
    PageContext {
        url: text(&property(window, "location"), "href", limits::MAX_URL_LEN).unwrap_or_default(),
        referrer: text(&document, "referrer", limits::MAX_URL_LEN),
        title: text(&document, "title", limits::MAX_TITLE_LEN),
    }
}

/// Language, time zone, screen and viewport size and pixel ratio; a fact the browser does not
/// give, or gives out of the schema's range, is left out.
pub(crate) fn device(window: &Window) -> Device {
    let screen = property(window, "screen");
    Device {
        language: text(&property(window, "navigator"), "language", limits::MAX_SHORT_LEN),
        timezone: time_zone().and_then(|tz| non_empty(tz, limits::MAX_SHORT_LEN)),
        screen_width: number(&screen, "width").and_then(pixels),
        screen_height: number(&screen, "height").and_then(pixels),
        viewport_width: number(window, "innerWidth").and_then(pixels),
        viewport_height: number(window, "innerHeight").and_then(pixels),
        pixel_ratio: number(window, "devicePixelRatio").and_then(pixel_ratio),
        ..Device::default()
    }
}

/// `Intl.DateTimeFormat().resolvedOptions().timeZone`, e.g. `"Europe/Berlin"`.
fn time_zone() -> Option<String> {
    // `undefined` locales means the browser's default, as with no argument at all.
    let format = Intl::DateTimeFormat::new(JsValue::UNDEFINED.unchecked_ref(), &Object::new());
    property(&format.resolved_options(), "timeZone").as_string()
}

/// The string property `target[name]`, cut to `max` bytes; `None` when missing or empty.
fn text(target: &JsValue, name: &str, max: usize) -> Option<String> {
    non_empty(property(target, name).as_string()?, max)
}

/// The number property `target[name]`.
fn number(target: &JsValue, name: &str) -> Option<f64> {
    property(target, name).as_f64()
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
}
