//! Results of `Math` functions whose last bits differ between JS engines, their versions and the
//! platform's math library: the bit patterns of the results, in hex (no float printing needed).

use alloc::string::String;

use super::{Probe, Reading, Work, bits};
use crate::js::{call_num, get};

/// `Math.<name>(<argument>)` pairs, chosen where engines are known to round differently.
const CALLS: &[(&str, f64)] = &[
    ("acos", 0.123_124_234_234_234_24),
    ("acosh", 1e308),
    ("asin", 0.123_124_234_234_234_24),
    ("asinh", 1.0),
    ("atanh", 0.5),
    ("atan", 0.5),
    ("sin", -1e300),
    ("sinh", 1.0),
    ("cos", 10.000_000_000_123),
    ("cosh", 1.0),
    ("tan", -1e300),
    ("tanh", 1.0),
    ("exp", 1.0),
    ("expm1", 1.0),
    ("log1p", 10.0),
    ("cbrt", 100.0),
];

pub(super) fn collect(probe: &Probe<'_>, _: &mut Work) -> Option<Reading> {
    let math = get(probe.window, "Math");
    let mut value = String::with_capacity(CALLS.len() * 17);
    for (name, argument) in CALLS {
        bits(&mut value, call_num(&math, name, &[*argument]).as_f64()?);
    }
    Some(Reading::Value(value))
}
