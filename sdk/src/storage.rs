//! First-party storage: `localStorage`, with a cookie on the site's own domain where
//! `localStorage` is missing or refuses writes (some private modes, storage disabled). Every access
//! may fail (a sandboxed iframe throws on the `localStorage` getter); failures read as "nothing
//! stored".
//!
//! Which keys exist depends on the consent tier (see `consent.rs`): under `count` nothing is
//! stored, except the visitor's own opt-out, which must outlive the page to be honoured.

use alloc::string::String;
#[cfg(all(test, target_family = "wasm"))]
use alloc::vec::Vec;

use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::js::{call_str, get, store, text};

/// The visitor id (`analytics` and above).
pub(crate) const VISITOR_KEY: &str = "pulsegate.vid";
/// The shared session (`analytics` and above).
pub(crate) const SESSION_KEY: &str = "pulsegate.session";
/// The replay sampling rate from the last session start's answer, in 1/10,000 (`analytics` and
/// above), so later pages of the session decide alike.
pub(crate) const REPLAY_RATE_KEY: &str = "pulsegate.replay";
/// The visitor's consent choice, once made through `PulseGate.consent(...)`.
pub(crate) const CONSENT_KEY: &str = "pulsegate.consent";
/// `"1"` after `PulseGate.optOut()`; the loader reads it too, before downloading anything.
pub(crate) const OPT_OUT_KEY: &str = "pulsegate.optout";

#[wasm_bindgen(module = "/js/storage.js")]
extern "C" {
    /// The keys of `storage` (among its first 1,000) that start with `prefix`, one a line; empty
    /// when reading it throws.
    #[wasm_bindgen(js_name = keys)]
    fn list(storage: &JsValue, prefix: &str) -> JsValue;
}

/// A cookie lives this long (one year, in seconds).
const COOKIE_MAX_AGE_S: &str = "31536000";

/// The page's first-party storage.
#[derive(Debug)]
pub(crate) struct Store {
    /// `localStorage`, or `undefined` where reading it throws.
    local: JsValue,
    /// `document`, for the cookie fallback.
    document: JsValue,
}

impl Store {
    /// The storage of `window`.
    pub(crate) fn open(window: &JsValue, document: &JsValue) -> Self {
        Self { local: get(window, "localStorage"), document: document.clone() }
    }

    /// The value under `key`: from `localStorage`, else from the fallback cookie.
    pub(crate) fn get(&self, key: &str) -> Option<String> {
        call_str(&self.local, "getItem", key).as_string().or_else(|| self.cookie(key))
    }

    /// Stores `value` under `key` in `localStorage`; where that fails and `cookie` is allowed
    /// (small values only), in a cookie. Returns whether it was stored.
    pub(crate) fn set(&self, key: &str, value: &str, cookie: bool) -> bool {
        store(&self.local, key, value) || (cookie && self.set_cookie(key, value, COOKIE_MAX_AGE_S))
    }

    /// Removes `key` from `localStorage` and the cookie jar.
    pub(crate) fn remove(&self, key: &str) {
        call_str(&self.local, "removeItem", key);
        if self.cookie(key).is_some() {
            self.set_cookie(key, "", "0");
        }
    }

    /// The `localStorage` keys starting with `prefix` (for adopting other pages' queues), listed
    /// in one call (`js/storage.js`), one a line (read by `text::fields`, empty lines skipped).
    pub(crate) fn key_list(&self, prefix: &str) -> String {
        crate::js::string(list(&self.local, prefix))
    }

    /// [`Self::key_list`], as a list (for the browser tests).
    #[cfg(all(test, target_family = "wasm"))]
    pub(crate) fn keys(&self, prefix: &str) -> Vec<String> {
        keys_in(&self.key_list(prefix)).map(String::from).collect()
    }

    /// The cookie named after `key` (`pulsegate.vid` → `pulsegate_vid`).
    fn cookie(&self, key: &str) -> Option<String> {
        let jar = text(&self.document, "cookie")?;
        crate::text::fields(&jar, b';').find_map(|pair| {
            let (k, v) = crate::text::cut(pair.trim_ascii(), b'=')?;
            (is_cookie_name(k, key) && !v.is_empty()).then(|| String::from(v))
        })
    }

    fn set_cookie(&self, key: &str, value: &str, max_age: &str) -> bool {
        let mut cookie = cookie_name(key);
        for &part in &["=", value, "; path=/; max-age=", max_age, "; samesite=lax"] {
            cookie.push_str(part);
        }
        crate::js::set_str(&self.document, "cookie", &cookie)
    }
}

/// The keys in a [`Store::key_list`] (for the browser tests; the tracker walks the lines itself).
#[cfg(all(test, target_family = "wasm"))]
pub(crate) fn keys_in(list: &str) -> impl Iterator<Item = &str> {
    crate::text::fields(list, b'\n').filter(|k| !k.is_empty())
}

/// Whether `name` is [`cookie_name`]`(key)`, compared in place (no name made for each read).
fn is_cookie_name(name: &str, key: &str) -> bool {
    let (name, key) = (name.as_bytes(), key.as_bytes());
    if name.len() != key.len() {
        return false;
    }
    for at in 0..key.len() {
        let want = if key[at] == b'.' { b'_' } else { key[at] };
        if name[at] != want {
            return false;
        }
    }
    true
}

/// The cookie name for `key`: dots become underscores (`pulsegate.vid` → `pulsegate_vid`), since
/// some server frameworks mangle dotted cookie names.
fn cookie_name(key: &str) -> String {
    let mut name = String::with_capacity(key.len());
    let mut first = true;
    for part in crate::text::fields(key, b'.') {
        if !first {
            name.push('_');
        }
        first = false;
        name.push_str(part);
    }
    name
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    #[test]
    fn cookie_names_have_underscores_for_dots() {
        assert_eq!(super::cookie_name("pulsegate.vid"), "pulsegate_vid");
        assert_eq!(super::cookie_name(".a..b."), "_a__b_");
        assert_eq!(super::cookie_name("plain"), "plain");
        for (name, key) in
            [("pulsegate_vid", "pulsegate.vid"), ("_a__b_", ".a..b."), ("plain", "plain")]
        {
            assert!(super::is_cookie_name(name, key));
        }
        for (name, key) in
            [("pulsegate.vid", "pulsegate.vid"), ("pulsegate_vi", "pulsegate.vid"), ("", "x")]
        {
            assert!(!super::is_cookie_name(name, key));
        }
        assert_eq!(super::cookie_name(""), "");
    }
}
