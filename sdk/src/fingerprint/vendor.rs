//! What the browser says about its make: `navigator.vendor`, `productSub`, whether the built-in
//! PDF viewer is on and how many plugins are listed: `Google Inc.;20030107;1;5`.

use super::{Probe, Reading, Work};
use crate::js::{get, number, text};
use crate::text::push_u64;

pub(super) fn collect(probe: &Probe<'_>, _: &mut Work) -> Option<Reading> {
    let navigator = &probe.navigator;
    let mut value = text(navigator, "vendor").unwrap_or_default();
    value.push(';');
    value.push_str(&text(navigator, "productSub").unwrap_or_default());
    value.push_str(match get(navigator, "pdfViewerEnabled").as_bool() {
        Some(true) => ";1;",
        Some(false) => ";0;",
        None => ";-;",
    });
    push_u64(&mut value, number(&get(navigator, "plugins"), "length").unwrap_or(0.0) as u64);
    Some(Reading::Value(value))
}
