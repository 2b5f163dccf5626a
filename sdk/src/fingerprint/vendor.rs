//! What the browser says about its make: `navigator.vendor`, `productSub`, whether the built-in
//! PDF viewer is on and how many plugins are listed: `Google Inc.;20030107;1;5`.
//!
//! Read by `read("vendor", step)` in `js/fingerprint.js`.

use super::{Probe, Reading, Work, host};

pub(super) fn collect(_: &Probe<'_>, work: &mut Work) -> Option<Reading> {
    host("vendor", work)
}
