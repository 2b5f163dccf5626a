//! `navigator.hardwareConcurrency`: logical processor count (Brave randomises it: skipped there).

use super::{Probe, Reading, Work};
use crate::js::number;
use crate::text::u64_text;

pub(super) fn collect(probe: &Probe<'_>, _: &mut Work) -> Option<Reading> {
    let cores = number(&probe.navigator, "hardwareConcurrency")?;
    Some(Reading::Value(u64_text(cores as u64)))
}
