//! `navigator.language` and `navigator.languages`, e.g. `en-US;en-US,de`.

use super::{Probe, Reading};
use crate::js::text;

pub(super) fn collect(probe: &Probe<'_>) -> Option<Reading> {
    let mut value = text(&probe.navigator, "language")?;
    value.push(';');
    for language in crate::context::languages(&probe.navigator) {
        value.push_str(&language);
        value.push(',');
    }
    Some(Reading::Value(value))
}
