//! Honours Global Privacy Control and Do Not Track: when either is on, the tracker does nothing at
//! all (no storage, no requests).

use wasm_bindgen::JsValue;
use web_sys::Window;

use crate::js::property;

/// `true` when the visitor asked not to be tracked: `navigator.globalPrivacyControl === true`,
/// or `navigator.doNotTrack` / `window.doNotTrack` is `"1"` (or old Firefox's `"yes"`).
///
/// Read through `Reflect` because neither property exists in every browser (or in web-sys); a
/// missing property, or one whose getter throws, counts as "not set".
pub(crate) fn opted_out(window: &Window) -> bool {
    let navigator = property(window, "navigator");
    property(&navigator, "globalPrivacyControl").as_bool() == Some(true)
        || do_not_track(&property(&navigator, "doNotTrack"))
        || do_not_track(&property(window, "doNotTrack"))
}

fn do_not_track(value: &JsValue) -> bool {
    value.as_string().is_some_and(|v| signals_do_not_track(&v))
}

/// Whether a `doNotTrack` string means "do not track": `"1"`, or `"yes"` from old Firefox.
/// `"0"`, `"unspecified"` and anything else do not.
pub(crate) fn signals_do_not_track(value: &str) -> bool {
    value == "1" || value == "yes"
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::signals_do_not_track;

    #[test]
    fn dnt_values() {
        assert!(signals_do_not_track("1"));
        assert!(signals_do_not_track("yes"));
        assert!(!signals_do_not_track("0"));
        assert!(!signals_do_not_track("unspecified"));
        assert!(!signals_do_not_track(""));
    }
}
