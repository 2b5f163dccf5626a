//! `navigator.platform` (`"Win32"`, `"MacIntel"`, `"Linux x86_64"`, `"iPhone"` …).

use super::{Probe, Reading, Work};
use crate::js::text;

pub(super) fn collect(probe: &Probe<'_>, _: &mut Work) -> Option<Reading> {
    text(&probe.navigator, "platform").map(Reading::Value)
}
