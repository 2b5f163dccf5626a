//! Small text helpers that keep `core::fmt` out of the wasm: decimal numbers, `|`-separated
//! records, hyphenated UUIDs and whitespace clean-up.

use alloc::string::String;

/// Digits as one-character strings: `push_str` of these links less code than `push(char)`.
pub(crate) const HEX_DIGITS: [&str; 16] =
    ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"];

/// Appends `n` in decimal.
pub(crate) fn push_u64(out: &mut String, n: u64) {
    if n >= 10 {
        push_u64(out, n / 10);
    }
    out.push_str(HEX_DIGITS[(n % 10) as usize]);
}

/// `n` in decimal.
pub(crate) fn u64_text(n: u64) -> String {
    let mut out = String::new();
    push_u64(&mut out, n);
    out
}

/// Parses a plain decimal `u64` (digits only, no sign, no overflow).
pub(crate) fn parse_u64(text: &str) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    text.bytes().try_fold(0u64, |n, b| {
        let digit = char::from(b).to_digit(10)?;
        n.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// Exactly `N` decimal numbers separated by `|`.
pub(crate) fn split_u64<const N: usize>(text: &str) -> Option<[u64; N]> {
    let mut parts = text.split('|');
    let mut out = [0; N];
    for slot in &mut out {
        *slot = parse_u64(parts.next()?)?;
    }
    parts.next().is_none().then_some(out)
}

/// The hyphenated lower-case text of a UUID's bytes, e.g. `0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c`.
pub(crate) fn uuid_text(bytes: &[u8; 16]) -> String {
    let mut out = String::with_capacity(36);
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push_str(HEX_DIGITS[usize::from(byte >> 4)]);
        out.push_str(HEX_DIGITS[usize::from(byte & 0xf)]);
    }
    out
}

/// Where `needle` first occurs in `haystack` (a plain byte scan: `str::find` with a string
/// pattern links the Two-Way searcher, a kilobyte of wasm, for searches of a few dozen bytes).
pub(crate) fn find(haystack: &str, needle: &str) -> Option<usize> {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    (0..(haystack.len() + 1).saturating_sub(needle.len()))
        .find(|&at| haystack.get(at..at + needle.len()) == Some(needle))
}

/// Whether `haystack` contains `needle`.
pub(crate) fn has(haystack: &str, needle: &str) -> bool {
    find(haystack, needle).is_some()
}

/// What follows the first `needle` in `haystack`.
pub(crate) fn after<'a>(haystack: &'a str, needle: &str) -> Option<&'a str> {
    haystack.get(find(haystack, needle)? + needle.len()..)
}

/// `text` with runs of whitespace collapsed to one space and trimmed, cut to `max` bytes (on a
/// character boundary); `None` when nothing is left.
pub(crate) fn squash(text: &str, max: usize) -> Option<String> {
    let mut out = String::new();
    for word in text.split_ascii_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        if out.len() >= max {
            break;
        }
    }
    pulsegate_schema::limits::truncate(&mut out, max);
    (!out.is_empty()).then_some(out)
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use alloc::string::ToString;

    use super::*;

    #[test]
    fn decimal_round_trip() {
        for n in [0, 9, 10, 1_764_097_200_000, u64::MAX] {
            assert_eq!(u64_text(n), n.to_string());
            assert_eq!(parse_u64(&u64_text(n)), Some(n));
        }
        for bad in ["", "-1", "1.5", "18446744073709551616", "1a", " 1"] {
            assert_eq!(parse_u64(bad), None, "{bad}");
        }
    }

    #[test]
    fn records() {
        assert_eq!(split_u64::<3>("1|2|3"), Some([1, 2, 3]));
        assert_eq!(split_u64::<3>("1|2"), None);
        assert_eq!(split_u64::<3>("1|2|3|4"), None);
        assert_eq!(split_u64::<2>("1|x"), None);
    }

    #[test]
    fn uuids_print_like_the_uuid_crate() {
        let id = pulsegate_schema::SessionId::from_random_bytes([0xAB; 16]);
        assert_eq!(uuid_text(id.0.as_bytes()), id.to_string());
    }

    #[test]
    fn searching() {
        assert_eq!(find("Mozilla Firefox/128", "Firefox/"), Some(8));
        assert_eq!(find("abc", ""), Some(0));
        assert_eq!(find("ab", "abc"), None);
        assert_eq!(find("", "a"), None);
        assert!(has("https://a", "://") && !has("https:/a", "://"));
        assert_eq!(after("Version/17.4 Safari", "Version/"), Some("17.4 Safari"));
        assert_eq!(after("x", "y"), None);
        assert_eq!(after("ééx", "é"), Some("éx"));
    }

    #[test]
    fn whitespace_is_squashed_and_cut() {
        assert_eq!(squash("  Start \n\t free  trial ", 64).as_deref(), Some("Start free trial"));
        assert_eq!(squash(" \n ", 64), None);
        assert_eq!(squash("ééé", 5).as_deref(), Some("éé"));
        assert_eq!(squash("one two three", 7).as_deref(), Some("one two"));
    }
}
