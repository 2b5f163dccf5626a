//! The one JSON string escaper of the crates that write JSON text by hand (the browser SDK's
//! writer and the replay recorder), so both escape as `JSON.stringify` does (but for backspace
//! and form feed, written as `\u0008` and `\u000c` instead of `\b` and `\f`: the same string to
//! every JSON parser).

use crate::prelude::*;

/// Appends `s` to `out` as a JSON string literal: `"`, `\` and control characters escaped
/// (`\n`, `\r`, `\t` by name, the others as `\u00XX`), everything else copied as is.
///
/// ```
/// let mut out = String::new();
/// pulsegate_schema::push_json_string(&mut out, "a \"b\"\n\u{1}é");
/// assert_eq!(out, r#""a \"b\"\n\u0001é""#);
/// ```
// The quotes as text, not chars: `String::push` of a char is not inlined into the wasm and
// carries the UTF-8 encoder (measured: the tracker −20 B gzip, the replay chunk −17 B).
#[allow(clippy::single_char_add_str)]
pub fn push_json_string(out: &mut String, s: &str) {
    out.push_str("\"");
    // Only ASCII bytes are ever escaped, so every cut below falls on a char boundary and `get`
    // always succeeds; it is used instead of indexing to keep panic paths out of the wasm.
    let mut copied = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..0x20 => "",
            _ => continue,
        };
        out.push_str(s.get(copied..i).unwrap_or_default());
        copied = i + 1;
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push_str(HEX[usize::from(b >> 4)]);
            out.push_str(HEX[usize::from(b & 0xf)]);
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(s.split_at_checked(copied).map_or("", |(_, tail)| tail));
    out.push_str("\"");
}

const HEX: [&str; 16] =
    ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_json_does() {
        for s in ["", "plain", "a\"b\\c", "\n\r\t\u{0}\u{1f}", "é ü 😀 \u{7f}", "</script>"] {
            let mut out = String::new();
            push_json_string(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn every_control_character_reads_back_as_itself() {
        for b in 0u8..0x20 {
            let s = String::from(char::from(b));
            let mut out = String::new();
            push_json_string(&mut out, &s);
            assert_eq!(serde_json::from_str::<String>(&out).unwrap(), s, "{out}");
            let named = matches!(b, b'\n' | b'\r' | b'\t');
            assert_eq!(out.len(), if named { 4 } else { 8 }, "{out}");
        }
    }
}
