//! The visitor's own signals, honoured before anything else: Global Privacy Control always, Do
//! Not Track unless the site sets `data-respect-dnt="false"`, and a stored `PulseGate.optOut()`.
//! When one of them is on, the tracker does nothing at all: no storage, no fingerprint, no
//! request. The loader checks the same signals before it downloads the wasm; this is the second
//! line for pages that start the SDK another way.

use wasm_bindgen::JsValue;

use crate::js::{flag, get, text};

/// Why the visitor is not tracked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Signal {
    /// `navigator.globalPrivacyControl === true`.
    GlobalPrivacyControl,
    /// `navigator.doNotTrack` (or `window.doNotTrack`, old `msDoNotTrack`) is `"1"` or `"yes"`.
    DoNotTrack,
}

/// The privacy signal the browser sends, if any (DNT only when `respect_dnt`).
///
/// Read through plain property reads because none of these exists in every browser; a missing
/// property, or one whose getter throws, counts as "not set".
pub(crate) fn signal(window: &JsValue, respect_dnt: bool) -> Option<Signal> {
    let navigator = get(window, "navigator");
    if flag(&navigator, "globalPrivacyControl") {
        return Some(Signal::GlobalPrivacyControl);
    }
    let dnt = [(&navigator, "doNotTrack"), (window, "doNotTrack"), (&navigator, "msDoNotTrack")]
        .into_iter()
        .any(|(target, key)| text(target, key).is_some_and(|v| signals_do_not_track(&v)));
    (respect_dnt && dnt).then_some(Signal::DoNotTrack)
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
