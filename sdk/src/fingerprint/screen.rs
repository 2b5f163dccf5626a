//! Screen size in CSS pixels, larger side first (`1920x1080`), so rotating a device does not
//! change it.

use alloc::string::String;

use super::{Probe, Reading, Work};
use crate::js::{get, number};
use crate::text::push_u64;

pub(super) fn collect(probe: &Probe<'_>, _: &mut Work) -> Option<Reading> {
    let screen = get(probe.window, "screen");
    let (a, b) = (number(&screen, "width")? as u64, number(&screen, "height")? as u64);
    let mut value = String::new();
    push_u64(&mut value, a.max(b));
    value.push('x');
    push_u64(&mut value, a.min(b));
    Some(Reading::Value(value))
}
