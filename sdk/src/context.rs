//! Collects the [`PageContext`] and [`Device`] facts, each cut to the schema's limits; URLs go
//! through `url::clean` (no fragment, no credentials, `http(s)` only). The device's browser reads
//! are one call (`js/context.js`); what is kept and how it is cut is decided here.

use alloc::string::String;
use alloc::vec::Vec;

use pulsegate_schema::limits::{self, truncate};
use pulsegate_schema::{Device, DeviceClass, PageContext};
use wasm_bindgen::JsValue;

use wasm_bindgen::prelude::wasm_bindgen;

use crate::config::Config;
use crate::js::{get, text};
use crate::url;

/// The current page: its `href` (`location.href`) and `document.referrer` cleaned,
/// `document.title`. `url` is empty when the page is not `http(s)` (a `file:` page is not
/// tracked).
pub(crate) fn page(window: &JsValue, href: &str, config: &Config) -> PageContext {
    let document = get(window, "document");
    let clean =
        |href: Option<String>| url::clean(&href?, &config.strip_params, config.hash_routing);
    PageContext {
        url: url::clean(href, &config.strip_params, config.hash_routing).unwrap_or_default(),
        referrer: clean(text(&document, "referrer")),
        title: text(&document, "title").and_then(|t| non_empty(t, limits::MAX_TITLE_LEN)),
    }
}

#[wasm_bindgen(module = "/js/context.js")]
extern "C" {
    /// Fills `numbers` with `screen.width`, `screen.height`, `innerWidth`, `innerHeight`,
    /// `devicePixelRatio` (`NaN` where not a number) and whether `(pointer: coarse)` matches (1 or
    /// 0); returns `navigator.language`, the time zone (`Temporal`, else `Intl`) and the first
    /// `max` string entries of `navigator.languages`, one a line (empty where missing).
    #[wasm_bindgen(js_name = device)]
    fn read(numbers: &mut [f64], max: u32) -> String;
}

/// What the browser says about the device, read in one call (`js/context.js`).
pub(crate) struct Facts {
    numbers: [f64; 6],
    /// `language`, time zone, then the languages: one a line.
    lines: String,
}

/// Reads the device [`Facts`] of the live page.
pub(crate) fn facts() -> Facts {
    let mut numbers = [f64::NAN; 6];
    let lines = read(&mut numbers, limits::MAX_LANGUAGES as u32);
    Facts { numbers, lines }
}

impl Facts {
    /// The line `at` (0 language, 1 time zone, 2… the languages), cut to the short limit;
    /// `None` when it is missing or empty.
    fn line(&self, at: usize) -> Option<String> {
        let line = crate::text::fields(&self.lines, b'\n').nth(at)?;
        non_empty(String::from(line), limits::MAX_SHORT_LEN)
    }

    /// The IANA time zone, e.g. `"Europe/Berlin"` (not cut).
    pub(crate) fn time_zone(&self) -> Option<&str> {
        crate::text::fields(&self.lines, b'\n').nth(1).filter(|z| !z.is_empty())
    }

    /// `navigator.languages`, at most [`limits::MAX_LANGUAGES`], each cut to the short limit.
    pub(crate) fn languages(&self) -> Vec<String> {
        (2..2 + limits::MAX_LANGUAGES).filter_map(|at| self.line(at)).collect()
    }

    /// Language, time zone, screen and viewport size, pixel ratio, languages and device class; a
    /// fact the browser does not give, or gives out of the schema's range, is left out.
    pub(crate) fn device(&self) -> Device {
        let [screen_width, screen_height, viewport_width, viewport_height] =
            [0, 1, 2, 3].map(|at| pixels(self.numbers[at]));
        Device {
            language: self.line(0),
            timezone: self.line(1),
            screen_width,
            screen_height,
            viewport_width,
            viewport_height,
            pixel_ratio: pixel_ratio(self.numbers[4]),
            languages: self.languages(),
            device_class: Some(device_class(
                self.numbers[5] == 1.0,
                screen_width.min(screen_height),
            )),
        }
    }
}

/// The device facts of the live page (see [`Facts::device`]).
pub(crate) fn device() -> Device {
    facts().device()
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
