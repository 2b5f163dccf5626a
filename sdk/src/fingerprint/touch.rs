//! Touch support: `navigator.maxTouchPoints`, whether `ontouchstart` exists and whether a
//! `TouchEvent` can be created: `5;1;1`.
//!
//! Read by `read("touch", step)` in `js/fingerprint.js`.

use super::{Probe, Reading, Work, host};

pub(super) fn collect(_: &Probe<'_>, work: &mut Work) -> Option<Reading> {
    host("touch", work)
}
