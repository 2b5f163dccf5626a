//! The IANA time zone (`Europe/Berlin`, from `Temporal` or `Intl`: see `context::Facts::time_zone`);
//! where neither gives one, the standard-time UTC offset (the larger of January's and July's, so
//! daylight saving does not change it).

use alloc::string::String;

use super::{Probe, Reading, Work};
use crate::js::{call0, get, make};

pub(super) fn collect(probe: &Probe<'_>, _: &mut Work) -> Option<Reading> {
    if let Some(zone) = crate::context::facts().time_zone() {
        return Some(Reading::Value(String::from(zone)));
    }
    let date = get(probe.window, "Date");
    let offset = |month: f64| call0(&make(&date, &[2024.0, month, 1.0]), "getTimezoneOffset");
    let minutes = crate::js::float(&offset(0.0))?.max(crate::js::float(&offset(6.0))?);
    let mut value = String::from(if minutes < 0.0 { "offset:-" } else { "offset:+" });
    crate::text::push_u64(&mut value, minutes.abs() as u64);
    Some(Reading::Value(value))
}
