//! The locale `Intl` resolves by default (`en-US`, `de-CH`): the browser's own locale, which can
//! differ from the languages it asks web pages for.
//!
//! Read from `Intl.PluralRules`, which Chromium sets up in well under a millisecond where a first
//! `Intl.DateTimeFormat` or `NumberFormat` loads locale data for 10–30 ms (the calendar and the
//! numbering system they would add follow from the locale in the browsers that report them).
//!
//! Read by `read("intl", step)` in `js/fingerprint.js`.

use super::{Probe, Reading, Work, host};

pub(super) fn collect(_: &Probe<'_>, work: &mut Work) -> Option<Reading> {
    host("intl", work)
}
