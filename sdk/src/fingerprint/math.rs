//! Results of `Math` functions whose last bits differ between JS engines, their versions and the
//! platform's math library: the bit patterns of the results, in hex (no float printing needed).
//!
//! Read by `read("math", step)` in `js/fingerprint.js`.

use super::{Probe, Reading, Work, host};

pub(super) fn collect(_: &Probe<'_>, work: &mut Work) -> Option<Reading> {
    host("math", work)
}
