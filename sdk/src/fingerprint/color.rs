//! Colour depth, colour gamut and dynamic range: `24;p3;hdr`.

use alloc::string::String;

use super::{Probe, Reading, Work};
use crate::context::media;
use crate::js::{get, number};
use crate::text::push_u64;

pub(super) fn collect(probe: &Probe<'_>, _: &mut Work) -> Option<Reading> {
    let depth = number(&get(probe.window, "screen"), "colorDepth")?;
    let mut value = String::new();
    push_u64(&mut value, depth as u64);
    // The widest gamut the display covers (each includes the ones after it).
    let gamut = [
        ("rec2020", "(color-gamut: rec2020)"),
        ("p3", "(color-gamut: p3)"),
        ("srgb", "(color-gamut: srgb)"),
    ]
    .into_iter()
    .find(|(_, query)| media(probe.window, query))
    .map_or("none", |(name, _)| name);
    value.push(';');
    value.push_str(gamut);
    value.push_str(if media(probe.window, "(dynamic-range: high)") { ";hdr" } else { ";sdr" });
    Some(Reading::Value(value))
}
