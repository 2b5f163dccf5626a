//! `navigator.deviceMemory` in GiB, rounded by the browser (`8`, `0.5`); `none` where the browser
//! does not expose it (Firefox, Safari): a consistent fact too.
//!
//! Read by `read("memory", step)` in `js/fingerprint.js`.

use super::{Probe, Reading, Work, host};

pub(super) fn collect(_: &Probe<'_>, work: &mut Work) -> Option<Reading> {
    host("memory", work)
}
