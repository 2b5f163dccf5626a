//! Touch support: `navigator.maxTouchPoints`, whether `ontouchstart` exists and whether a
//! `TouchEvent` can be created: `5;1;1`.

use alloc::string::String;

use super::{Probe, Reading, Work};
use crate::js::{call_str, get, number};
use crate::text::push_u64;

pub(super) fn collect(probe: &Probe<'_>, _: &mut Work) -> Option<Reading> {
    let points = number(&probe.navigator, "maxTouchPoints").unwrap_or(0.0);
    let handler = !get(probe.window, "ontouchstart").is_undefined();
    let event = call_str(&probe.document, "createEvent", "TouchEvent").is_object();
    let mut value = String::new();
    push_u64(&mut value, points as u64);
    value.push_str(if handler { ";1" } else { ";0" });
    value.push_str(if event { ";1" } else { ";0" });
    Some(Reading::Value(value))
}
