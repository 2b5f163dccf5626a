//! Audio processing: a triangle wave through a dynamics compressor, rendered offline (never
//! played). The floating-point result differs with the browser's audio stack, CPU and system;
//! the value is the bit pattern of the summed magnitude of the last 500 samples.
//! Asynchronous: rendering resolves a promise, and `finish` reads the buffer.
//!
//! Read by `read("audio", 0)` and `sum(buffer)` in `js/fingerprint.js`.

use alloc::string::String;

use wasm_bindgen::JsValue;

use super::{Probe, Reading, Work, host, host_sum};

/// Starts the rendering: the promise of the buffer (`none` without `OfflineAudioContext`).
pub(super) fn collect(_: &Probe<'_>, work: &mut Work) -> Option<Reading> {
    host("audio", work)
}

/// The value from the rendered buffer.
pub(super) fn finish(buffer: &JsValue) -> Option<String> {
    host_sum(buffer).as_string()
}
