//! `navigator.language` and `navigator.languages`, e.g. `en-US;en-US,de`.

use super::{Probe, Reading};
use crate::js::text;

pub(super) fn collect(probe: &Probe<'_>) -> Option<Reading> {
    let mut value = text(&probe.navigator, "language")?;
    value.push(';');
    value.push_str(&crate::context::languages(&probe.navigator).join(","));
    Some(Reading::Value(value))
}
