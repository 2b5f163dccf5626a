//! `navigator.language` and `navigator.languages`, e.g. `en-US;en-US,de`.

use super::{Probe, Reading, Work};
use crate::js::text;

pub(super) fn collect(probe: &Probe<'_>, _: &mut Work) -> Option<Reading> {
    let mut value = text(&probe.navigator, "language")?;
    value.push(';');
    crate::context::facts().push_languages(&mut value);
    Some(Reading::Value(value))
}
