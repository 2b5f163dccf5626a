//! Checks on decoded wire values that serde's types alone cannot express (lengths, counts, ranges).

use crate::prelude::*;
use core::fmt;

use crate::limits;

/// The first rule a value breaks: which field (a path such as `events[3].url`) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// Path of the offending field, e.g. `events[3].url`.
    pub field: String,
    /// What is wrong with it, e.g. `must be at most 2048 bytes`.
    pub reason: String,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

/// A decoded wire value that can check its own limits.
pub trait Validate {
    /// Returns the first broken rule, with `prefix` prepended to the field path.
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid>;

    /// Returns the first broken rule.
    fn validate(&self) -> Result<(), Invalid> {
        self.validate_at("")
    }
}

pub(crate) fn path(prefix: &str, field: &str) -> String {
    if prefix.is_empty() { field.to_owned() } else { format!("{prefix}.{field}") }
}

pub(crate) fn invalid(prefix: &str, field: &str, reason: impl Into<String>) -> Invalid {
    Invalid { field: path(prefix, field), reason: reason.into() }
}

/// `value` must be at most `max` bytes.
pub(crate) fn max_len(prefix: &str, field: &str, value: &str, max: usize) -> Result<(), Invalid> {
    if value.len() > max {
        return Err(invalid(prefix, field, format!("must be at most {max} bytes")));
    }
    Ok(())
}

/// Like [`max_len`] for an optional string.
pub(crate) fn opt_len(
    prefix: &str,
    field: &str,
    value: Option<&String>,
    max: usize,
) -> Result<(), Invalid> {
    value.map_or(Ok(()), |v| max_len(prefix, field, v, max))
}

/// `value` must be 1 to `max` bytes.
pub(crate) fn name(prefix: &str, field: &str, value: &str, max: usize) -> Result<(), Invalid> {
    if value.is_empty() {
        return Err(invalid(prefix, field, "must not be empty"));
    }
    max_len(prefix, field, value, max)
}

/// A web URL: at most [`limits::MAX_URL_LEN`] bytes, starting `http://` or `https://` (any
/// case), with no whitespace or control characters. Every other scheme (`javascript:`, `data:`,
/// `file:` …) is refused, so no stored URL can run script where it is later shown as a link.
pub(crate) fn url(prefix: &str, field: &str, value: &str) -> Result<(), Invalid> {
    max_len(prefix, field, value, limits::MAX_URL_LEN)?;
    if !is_web_url(value) {
        return Err(invalid(prefix, field, "must be an absolute http(s) URL"));
    }
    Ok(())
}

/// Like [`url`] for an optional URL.
pub(crate) fn opt_url(prefix: &str, field: &str, value: Option<&String>) -> Result<(), Invalid> {
    value.map_or(Ok(()), |v| url(prefix, field, v))
}

/// `true` for `http://host…` or `https://host…` (scheme in any case) without whitespace or
/// control characters.
///
/// ```
/// use pulsegate_schema::is_web_url;
/// assert!(is_web_url("https://shop.example/pricing?plan=pro"));
/// assert!(!is_web_url("javascript:alert(1)"));
/// assert!(!is_web_url("https://"));
/// ```
pub fn is_web_url(value: &str) -> bool {
    // Bytes and `get` rather than `str` slices and indexing: no char-boundary checks and no
    // panicking path (the browser SDK links this too).
    let b = value.as_bytes();
    // The scheme's length when `value` starts with it (in any case), else 0: a plain number, not
    // an `Option` of the rest written through memory.
    let after = |scheme: &[u8]| {
        let n = scheme.len();
        if b.get(..n).is_some_and(|s| s.eq_ignore_ascii_case(scheme)) { n } else { 0 }
    };
    let n = match after(b"https://") {
        0 => after(b"http://"),
        n => n,
    };
    n > 0
        && b.get(n).is_some_and(|c| *c != b'/')
        && !value.chars().any(|c| is_space(c) || c.is_control())
}

/// `char::is_whitespace` (Unicode's `White_Space`) as a list of ranges: core's version looks
/// characters up in a table, a few hundred bytes of the browser SDK's wasm.
pub(crate) fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// `s` without leading and trailing white space: `str::trim` with [`is_space`], in one forward
/// pass (`trim_matches` also decodes from the end: a second UTF-8 decoder in the browser SDK).
pub(crate) fn trim(s: &str) -> &str {
    let (mut start, mut end) = (s.len(), 0);
    for (i, c) in s.char_indices() {
        if !is_space(c) {
            start = start.min(i);
            end = i + c.len_utf8();
        }
    }
    // All white space (or empty): `start..end` is no range.
    s.get(start..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{is_web_url, trim};
    use crate::prelude::*;

    /// Every character, as core sees it: white space trimmed, white space and controls refused in
    /// a URL.
    #[test]
    fn spaces_and_controls_are_cores_for_every_character() {
        for c in (0..=0x10_ffff_u32).filter_map(char::from_u32) {
            let padded = format!("{c}{c}a{c}b{c}{c}");
            assert_eq!(trim(&padded), padded.trim(), "U+{:04X}", c as u32);
            let alone = format!("{c}");
            assert_eq!(trim(&alone), alone.trim(), "U+{:04X}", c as u32);
            let refused = c.is_whitespace() || c.is_control();
            assert_eq!(is_web_url(&format!("https://x{c}y")), !refused, "U+{:04X}", c as u32);
        }
        for s in ["", " ", "a", " a b ", "\u{3000}\u{85}é\u{a0}\u{2029}", "\u{1680}x\u{205f}"] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn web_urls_are_http_or_https_with_a_host_and_no_spaces() {
        for ok in ["https://x.example", "HTTP://x.example/a?b=c", "hTtPs://é.example", "http://x"]
        {
            assert!(is_web_url(ok), "{ok}");
        }
        for bad in [
            "",
            "http://",
            "https:///x",
            "https:/x",
            "ftp://x.example",
            "httpé://x",
            "é",
            "https://x.example/a b",
            "https://x\u{7f}",
            "https://x\u{a0}y",
            " https://x",
        ] {
            assert!(!is_web_url(bad), "{bad}");
        }
    }
}
