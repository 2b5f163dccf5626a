//! The locale `Intl` resolves by default (`en-US`, `de-CH`): the browser's own locale, which can
//! differ from the languages it asks web pages for.
//!
//! Read from `Intl.PluralRules`, which Chromium sets up in well under a millisecond where a first
//! `Intl.DateTimeFormat` or `NumberFormat` loads locale data for 10–30 ms (the calendar and the
//! numbering system they would add follow from the locale in the browsers that report them).

use alloc::string::String;

use super::{Probe, Reading, Work};
use crate::js::{call0, get, make, object, text};

pub(super) fn collect(probe: &Probe<'_>, _: &mut Work) -> Option<Reading> {
    let rules = object(make(&get(&get(probe.window, "Intl"), "PluralRules"), &[]))?;
    let locale: String = text(&call0(&rules, "resolvedOptions"), "locale")?;
    Some(Reading::Value(locale))
}
