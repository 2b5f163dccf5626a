//! `navigator.platform` (`"Win32"`, `"MacIntel"`, `"Linux x86_64"`, `"iPhone"` …).

use super::{Probe, Reading};
use crate::js::text;

pub(super) fn collect(probe: &Probe<'_>) -> Option<Reading> {
    text(&probe.navigator, "platform").map(Reading::Value)
}
