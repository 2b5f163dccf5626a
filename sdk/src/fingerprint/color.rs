//! Colour depth, colour gamut and dynamic range: `24;p3;hdr`.
//!
//! Read by `read("color", step)` in `js/fingerprint.js`.

use super::{Probe, Reading, Work, host};

pub(super) fn collect(_: &Probe<'_>, work: &mut Work) -> Option<Reading> {
    host("color", work)
}
