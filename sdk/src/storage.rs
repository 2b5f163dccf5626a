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

use crate::js::get;

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
    /// `local.getItem(key)`, else the cookie standing in for `key` (`pulsegate.vid` →
    /// `pulsegate_vid`) when not empty; `undefined` for neither.
    fn load(local: &JsValue, document: &JsValue, key: &str) -> JsValue;
    /// `local.setItem(key, value)`, else (when `cookie` is 1) a year's cookie standing in for it;
    /// 1 when either worked.
    fn save(local: &JsValue, document: &JsValue, key: &str, value: &str, cookie: i32) -> i32;
    /// Removes `key` from `local`, and the cookie standing in for it.
    fn forget(local: &JsValue, document: &JsValue, key: &str);
}

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

    /// The value under `key`: from `localStorage`, else from the fallback cookie (one call,
    /// `js/storage.js`, as are the writes).
    pub(crate) fn get(&self, key: &str) -> Option<String> {
        load(&self.local, &self.document, key).as_string()
    }

    /// [`Self::get`], `""` for none, for callers to whom `""` means what none does (a mirror, a
    /// session, an id or a tier that does not parse): no `Option` made and unwrapped or checked.
    pub(crate) fn text(&self, key: &str) -> String {
        crate::js::string(load(&self.local, &self.document, key))
    }

    /// Stores `value` under `key` in `localStorage`; where that fails and `cookie` is allowed
    /// (small values only), in a cookie. Returns whether it was stored.
    pub(crate) fn set(&self, key: &str, value: &str, cookie: bool) -> bool {
        save(&self.local, &self.document, key, value, i32::from(cookie)) != 0
    }

    /// Removes `key` from `localStorage` and the cookie jar.
    pub(crate) fn remove(&self, key: &str) {
        forget(&self.local, &self.document, key);
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
}

/// The keys in a [`Store::key_list`] (for the browser tests; the tracker walks the lines itself).
#[cfg(all(test, target_family = "wasm"))]
pub(crate) fn keys_in(list: &str) -> impl Iterator<Item = &str> {
    crate::text::fields(list, b'\n').filter(|k| !k.is_empty())
}
