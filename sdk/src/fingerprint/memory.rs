//! `navigator.deviceMemory` in GiB, rounded by the browser (`8`, `0.5`); `none` where the browser
//! does not expose it (Firefox, Safari): a consistent fact too.

use super::{Probe, Reading, Work, text_of};
use crate::js::get;

pub(super) fn collect(probe: &Probe<'_>, _: &mut Work) -> Option<Reading> {
    // `toString` prints fractions such as 0.25 exactly as the browser reports them.
    let memory = get(&probe.navigator, "deviceMemory");
    Some(Reading::Value(if memory.is_undefined() { "none".into() } else { text_of(&memory) }))
}
