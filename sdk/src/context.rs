//! Collects the [`PageContext`], the device facts and the UTM parameters, each cut to the schema's
//! limits; URLs go through `url::clean` (no fragment, no credentials, `http(s)` only). The device's
//! browser reads are one call (`js/context.js`), which also writes the session start's `device` and
//! `utm` members as JSON text, cut to the limits passed from here.

use alloc::string::String;

use pulsegate_schema::PageContext;
use pulsegate_schema::limits::{self, truncate};
use wasm_bindgen::JsValue;

use wasm_bindgen::prelude::wasm_bindgen;

use crate::config::Config;
use crate::js::{get, text_or_empty};
use crate::url;

/// The current page: its `href` (`location.href`) and `document.referrer` cleaned,
/// `document.title`. `url` is empty when the page is not `http(s)` (a `file:` page is not
/// tracked).
pub(crate) fn page(window: &JsValue, href: &str, config: &Config) -> PageContext {
    let document = get(window, "document");
    let clean = |href: &str| url::clean(href, &config.strip_params, config.hash_routing);
    PageContext {
        url: clean(href).unwrap_or_default(),
        referrer: clean(&text_or_empty(&document, "referrer")),
        title: non_empty(text_or_empty(&document, "title"), limits::MAX_TITLE_LEN),
    }
}

#[wasm_bindgen(module = "/js/context.js")]
extern "C" {
    /// `navigator.language`, the time zone (`Temporal`, else `Intl`) and the first `max` string
    /// entries of `navigator.languages`, one a line (empty where missing).
    #[wasm_bindgen(js_name = device)]
    fn read(max: i32) -> JsValue;

    /// The session start's `device` member (the schema's [`Device`]) as JSON text: the language,
    /// the time zone and the first `max` languages cut to `short` bytes, the screen and viewport
    /// sizes, the pixel ratio and the device class, each left out where the browser does not give
    /// it or gives it out of the schema's range.
    ///
    /// [`Device`]: pulsegate_schema::Device
    #[wasm_bindgen(js_name = deviceJson)]
    fn device_json_of(max: i32, short: i32) -> JsValue;

    /// The session start's `utm` member (the schema's [`Utm`]) as JSON text: the first non-empty
    /// value of each `utm_*` parameter of the page's query, decoded and cut to `max` bytes; empty
    /// when there is none.
    ///
    /// [`Utm`]: pulsegate_schema::Utm
    #[wasm_bindgen(js_name = utm)]
    fn utm_json_of(max: i32) -> JsValue;
}

/// What the browser says about the language and the time zone, read in one call
/// (`js/context.js`).
pub(crate) struct Facts {
    /// `language`, time zone, then the languages: one a line.
    lines: String,
}

/// Reads the device [`Facts`] of the live page.
pub(crate) fn facts() -> Facts {
    Facts { lines: crate::js::string(read(limits::MAX_LANGUAGES as i32)) }
}

impl Facts {
    /// The IANA time zone, e.g. `"Europe/Berlin"` (not cut).
    pub(crate) fn time_zone(&self) -> Option<&str> {
        // Two `next` calls, not `nth(1)` or `skip(2)`: no `Iterator::nth` is linked for them.
        let mut lines = crate::text::fields(&self.lines, b'\n');
        lines.next();
        lines.next().filter(|z| !z.is_empty())
    }

    /// Appends `navigator.languages`, at most [`limits::MAX_LANGUAGES`] (empty ones skipped),
    /// each cut to the short limit and followed by a comma; written where they lie, no list of
    /// copies made.
    pub(crate) fn push_languages(&self, out: &mut String) {
        let mut lines = crate::text::fields(&self.lines, b'\n');
        lines.next();
        lines.next();
        for language in lines.take(limits::MAX_LANGUAGES).filter(|l| !l.is_empty()) {
            // `out` ends on a character boundary: cutting it cuts the language alike.
            let start = out.len();
            out.push_str(language);
            truncate(out, start + limits::MAX_SHORT_LEN);
            out.push(',');
        }
    }
}

/// The session start's `device` member of the live page as JSON text (see `js/context.js`).
pub(crate) fn device_json() -> String {
    crate::js::string(device_json_of(limits::MAX_LANGUAGES as i32, limits::MAX_SHORT_LEN as i32))
}

/// The session start's `utm` member of the live page as JSON text, empty when the page's URL has
/// no UTM parameter (see `js/context.js`).
pub(crate) fn utm_json() -> String {
    crate::js::string(utm_json_of(limits::MAX_TEXT_LEN as i32))
}

/// `value` cut to `max` bytes (on a character boundary), or `None` when it is empty.
pub(crate) fn non_empty(mut value: String, max: usize) -> Option<String> {
    truncate(&mut value, max);
    (!value.is_empty()).then_some(value)
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
}
