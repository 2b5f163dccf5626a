//! Media-query preferences and input hardware, as a string of `0`/`1` flags in this order.
//! `prefers-color-scheme` is left out on purpose: many systems switch it at sunset.

use alloc::string::String;

use super::{Probe, Reading, Work};
use crate::context::media;

/// The queries, in flag order.
const QUERIES: &[&str] = &[
    "(prefers-reduced-motion: reduce)",
    "(prefers-reduced-transparency: reduce)",
    "(prefers-contrast: more)",
    "(prefers-contrast: less)",
    "(prefers-contrast: custom)",
    "(forced-colors: active)",
    "(inverted-colors: inverted)",
    "(monochrome)",
    "(any-hover: hover)",
    "(any-pointer: fine)",
    "(any-pointer: coarse)",
];

pub(super) fn collect(probe: &Probe<'_>, _: &mut Work) -> Option<Reading> {
    if !crate::js::get(probe.window, "matchMedia").is_function() {
        return None;
    }
    let flags: String =
        QUERIES.iter().map(|q| if media(probe.window, q) { '1' } else { '0' }).collect();
    Some(Reading::Value(flags))
}
