//! The few JSON writing primitives the recorder needs: it writes rrweb events as text directly
//! (no serde in the chunk), and its browser tests parse the text with the schema's replay types.

use alloc::string::String;

/// Appends `s` as a JSON string literal, escaped as `JSON.stringify` does (the schema crate's
/// one escaper, shared with the tracker).
pub(crate) fn string(out: &mut String, s: &str) {
    pulsegate_schema::push_json_string(out, s);
}

/// Appends a non-negative integer: its leading digits first, by recursion (at most 20 deep), so
/// no digit buffer is filled backwards and copied.
pub(crate) fn uint(out: &mut String, n: u64) {
    if n >= 10 {
        uint(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// Appends an integer.
pub(crate) fn int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    uint(out, n.unsigned_abs());
}

/// `v` rounded to the nearest integer, halves away from zero (`f64::round`, which `core` lacks),
/// saturating as `as` does.
fn nearest(v: f64) -> i64 {
    let whole = v as i64;
    // Exact: a double minus its integer part loses no bits.
    if (v - whole as f64).abs() >= 0.5 {
        whole.saturating_add(if v < 0.0 { -1 } else { 1 })
    } else {
        whole
    }
}

/// Appends a number rounded to whole units (pixels, milliseconds); NaN and infinities as 0.
pub(crate) fn round(out: &mut String, v: f64) {
    int(out, if v.is_finite() { nearest(v) } else { 0 });
}

/// `"key":` — a key and its colon.
pub(crate) fn key(out: &mut String, k: &str) {
    string(out, k);
    out.push(':');
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;

    #[test]
    fn strings_parse_back() {
        for s in ["", "plain", "q\"uo\\te", "ctl\u{1}\u{1f}\n\t\r", "ünï \u{2028} 😀"] {
            let mut out = String::new();
            string(&mut out, s);
            assert_eq!(serde_json::from_str::<String>(&out).unwrap(), s);
        }
    }

    #[test]
    fn numbers() {
        let mut out = String::new();
        for n in [0, 7, -12, 1_764_097_200_000, i64::MIN + 1] {
            out.clear();
            int(&mut out, n);
            assert_eq!(out, n.to_string());
        }
        for n in [0, 9, 10, 99, 100, 1_000_000, u64::from(u32::MAX), u64::MAX] {
            out.clear();
            uint(&mut out, n);
            assert_eq!(out, n.to_string());
        }
        let show = |f: fn(&mut String, f64), v| {
            let mut s = String::new();
            f(&mut s, v);
            s
        };
        assert_eq!(show(round, 12.6), "13");
        for v in [0.5, -0.5, 2.5, -2.5, 0.49999999999999994, 1e15 + 0.5, -7.4999, 1e300, -1e300] {
            assert_eq!(nearest(v), v.round() as i64, "{v}");
        }
        assert_eq!(show(round, f64::NAN), "0");
    }
}
