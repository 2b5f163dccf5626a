//! The locale, calendar, numbering system and hour cycle `Intl` resolves for the default
//! formatter (`en-US;gregory;latn;h12;`): set by the browser's and the system's region settings.

use alloc::string::String;

use super::{Probe, Reading};
use crate::js::{call0, get, make, object, text};

pub(super) fn collect(probe: &Probe<'_>) -> Option<Reading> {
    let format = object(make(&get(&get(probe.window, "Intl"), "DateTimeFormat"), &[]))?;
    let options = call0(&format, "resolvedOptions");
    let mut value = String::new();
    for key in ["locale", "calendar", "numberingSystem", "hourCycle"] {
        value.push_str(&text(&options, key).unwrap_or_default());
        value.push(';');
    }
    Some(Reading::Value(value))
}
