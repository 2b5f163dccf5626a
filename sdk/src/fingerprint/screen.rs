//! Screen size in CSS pixels, larger side first (`1920x1080`), so rotating a device does not
//! change it.
//!
//! Read by `read("screen", step)` in `js/fingerprint.js`.

use super::{Probe, Reading, Work, host};

pub(super) fn collect(_: &Probe<'_>, work: &mut Work) -> Option<Reading> {
    host("screen", work)
}
