//! Media-query preferences and input hardware, as a string of `0`/`1` flags in this order.
//! `prefers-color-scheme` is left out on purpose: many systems switch it at sunset.
//!
//! Read by `read("media", step)` in `js/fingerprint.js`.

use super::{Probe, Reading, Work, host};

pub(super) fn collect(_: &Probe<'_>, work: &mut Work) -> Option<Reading> {
    host("media", work)
}
