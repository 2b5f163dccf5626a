//! The visitor's own signals, honoured before anything else: Global Privacy Control always, Do
//! Not Track unless the site sets `data-respect-dnt="false"`, and a stored `PulseGate.optOut()`.
//! When one of them is on, the tracker does nothing at all: no storage, no fingerprint, no
//! request. The loader checks the same signals before it downloads the wasm; this is the second
//! line for pages that start the SDK another way.

use wasm_bindgen::prelude::wasm_bindgen;

/// Why the visitor is not tracked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Signal {
    /// `navigator.globalPrivacyControl === true`.
    GlobalPrivacyControl,
    /// `navigator.doNotTrack` (or `window.doNotTrack`, old `msDoNotTrack`) is `"1"` or `"yes"`.
    DoNotTrack,
}

#[wasm_bindgen(module = "/js/context.js")]
extern "C" {
    /// `"1"` when `navigator.globalPrivacyControl === true`, else `"0"`; then, one a line, the
    /// Do Not Track values (`navigator.doNotTrack`, `window.doNotTrack`, old
    /// `navigator.msDoNotTrack`). None of these exists in every browser; a missing property, one
    /// that is not a string, or one whose getter throws, reads as an empty line (not set).
    #[wasm_bindgen(js_name = privacy)]
    fn read() -> wasm_bindgen::JsValue;
}

/// The privacy signal the browser sends, if any (DNT only when `respect_dnt`), read in one call
/// (`js/context.js`).
pub(crate) fn signal(respect_dnt: bool) -> Option<Signal> {
    // Not dropped (read once per page; no drop on either way out).
    let values = core::mem::ManuallyDrop::new(crate::js::string(read()));
    let mut values = crate::text::fields(&values, b'\n');
    if values.next() == Some("1") {
        return Some(Signal::GlobalPrivacyControl);
    }
    (respect_dnt && values.any(signals_do_not_track)).then_some(Signal::DoNotTrack)
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
