//! Small text helpers that keep `core::fmt` out of the wasm: decimal numbers, `|`-separated
//! records, hyphenated UUIDs and whitespace clean-up.

use alloc::string::String;
#[cfg(test)]
use alloc::vec::Vec;

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
        // Not `checked_mul`: on wasm32 its overflow check is a 128-bit multiply (`__multi3`).
        if n > u64::MAX / 10 {
            return None;
        }
        (n * 10).checked_add(u64::from(digit))
    })
}

/// Exactly `N` decimal numbers separated by `|`.
pub(crate) fn split_u64<const N: usize>(text: &str) -> Option<[u64; N]> {
    let mut parts = fields(text, b'|');
    let mut out = [0; N];
    for slot in &mut out {
        *slot = parse_u64(parts.next()?)?;
    }
    parts.next().is_none().then_some(out)
}

/// The hyphenated lower-case text of a UUID's bytes, e.g. `0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c`.
pub(crate) fn uuid_text(bytes: &[u8; 16]) -> String {
    let mut out = String::with_capacity(36);
    push_uuid(&mut out, bytes);
    out
}

/// Appends [`uuid_text`] to `out` (no text of its own made).
pub(crate) fn push_uuid(out: &mut String, bytes: &[u8; 16]) {
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push_str(HEX_DIGITS[usize::from(byte >> 4)]);
        out.push_str(HEX_DIGITS[usize::from(byte & 0xf)]);
    }
}

/// Where `needle` first occurs in `haystack`, past its end (`haystack.len() + 1`) when it does
/// not (a plain number: an `Option` is written through memory). A plain byte scan: `str::find`
/// with a string pattern links the Two-Way searcher, a kilobyte of wasm, for searches of a few
/// dozen bytes.
pub(crate) fn find(haystack: &str, needle: &str) -> usize {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    (0..(haystack.len() + 1).saturating_sub(needle.len()))
        .find(|&at| haystack.get(at..at + needle.len()) == Some(needle))
        .unwrap_or(haystack.len() + 1)
}

/// `text` cut at its first `sep` (an ASCII byte): what comes before and after it, like
/// `split_once(char)`, or all of `text` and `""` when there is none (a plain pair: an `Option`
/// of two texts is written through memory at every caller). These byte scans replace every
/// `char` pattern in the crate: core's `CharSearcher` (with its reverse half for `rsplit_once`)
/// is about a kilobyte of wasm.
pub(crate) fn cut(text: &str, sep: u8) -> (&str, &str) {
    let at = text.bytes().position(|b| b == sep).unwrap_or(text.len());
    // An ASCII byte is never inside a multi-byte character: both cuts are on boundaries.
    split_around(text, at)
}

/// `text` cut at its last `sep` (an ASCII byte), like `rsplit_once(char)`, or `""` and all of
/// `text` when there is none.
pub(crate) fn cut_last(text: &str, sep: u8) -> (&str, &str) {
    match text.bytes().rposition(|b| b == sep) {
        Some(at) => split_around(text, at),
        None => ("", text),
    }
}

/// `text` before and after the byte at `at` (one-byte character); all of it and `""` from the
/// end on.
fn split_around(text: &str, at: usize) -> (&str, &str) {
    let (before, rest) = text.split_at_checked(at).unwrap_or((text, ""));
    (before, rest.split_at_checked(1).map_or("", |(_, after)| after))
}

/// `text` up to the first byte `stop` is true for (all of it when there is none); `stop` must
/// only accept ASCII bytes.
pub(crate) fn until(text: &str, stop: impl Fn(u8) -> bool) -> &str {
    let end = text.bytes().position(stop).unwrap_or(text.len());
    text.split_at_checked(end).map_or(text, |(head, _)| head)
}

/// Whether `found` is true for one of the entries of `list`, a list such as `data-domains`:
/// `"a, b c"` has `a`, `b` and `c` (commas and ASCII whitespace separate them, empty ones are
/// skipped). Split on bytes (a comma or whitespace is never inside a multi-byte character), in
/// one copy for every list and question.
#[inline(never)]
pub(crate) fn any_entry<'a>(list: &'a str, found: &mut dyn FnMut(&'a str) -> bool) -> bool {
    let mut rest = list;
    while !rest.is_empty() {
        let entry = until(rest, |b| b == b',' || b.is_ascii_whitespace());
        if !entry.is_empty() && found(entry) {
            return true;
        }
        rest = rest.split_at_checked(entry.len() + 1).map_or("", |(_, tail)| tail);
    }
    false
}

/// The entries of `list` (see [`any_entry`]).
#[cfg(test)]
pub(crate) fn entries(list: &str) -> Vec<&str> {
    let mut all = Vec::new();
    any_entry(list, &mut |entry| {
        all.push(entry);
        false
    });
    all
}

/// The parts of `text` between `sep`s (an ASCII byte), like `split(char)`: `"a||b"` gives `a`,
/// ``, `b`; an empty text gives one empty part.
pub(crate) fn fields(text: &str, sep: u8) -> Fields<'_> {
    Fields { rest: Some(text), sep }
}

/// The iterator of [`fields`].
#[derive(Debug)]
pub(crate) struct Fields<'a> {
    rest: Option<&'a str>,
    sep: u8,
}

impl<'a> Iterator for Fields<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        let (part, after) = cut(rest, self.sep);
        // No `sep` left when the part is all of the rest.
        self.rest = (part.len() < rest.len()).then_some(after);
        Some(part)
    }
}

/// Whether `haystack` contains `needle`.
pub(crate) fn has(haystack: &str, needle: &str) -> bool {
    find(haystack, needle) <= haystack.len()
}

/// What follows the first `needle` in `haystack`.
pub(crate) fn after<'a>(haystack: &'a str, needle: &str) -> Option<&'a str> {
    // Past the end when there is none: no split there.
    Some(haystack.split_at_checked(find(haystack, needle) + needle.len())?.1)
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
    use alloc::vec;
    use alloc::vec::Vec;

    use super::*;

    #[test]
    fn decimal_round_trip() {
        for n in [0, 9, 10, 1_764_097_200_000, u64::MAX] {
            assert_eq!(u64_text(n), n.to_string());
            assert_eq!(parse_u64(&u64_text(n)), Some(n));
        }
        for bad in ["", "-1", "1.5", "18446744073709551616", "18446744073709551620", "1a", " 1"] {
            assert_eq!(parse_u64(bad), None, "{bad}");
        }
    }

    proptest::proptest! {
        /// Any run of digits reads as core's parser reads it, overflow included.
        #[test]
        fn digits_read_as_core_reads_them(digits in "[0-9]{1,22}") {
            proptest::prop_assert_eq!(parse_u64(&digits), digits.parse::<u64>().ok());
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
        assert_eq!(find("Mozilla Firefox/128", "Firefox/"), 8);
        assert_eq!(find("abc", ""), 0);
        assert_eq!(find("abc", "c"), 2);
        assert_eq!(find("ab", "abc"), 3);
        assert_eq!(find("", "a"), 1);
        assert!(has("abc", "c") && has("", "") && !has("", "a"));
        assert!(has("https://a", "://") && !has("https:/a", "://"));
        assert_eq!(after("Version/17.4 Safari", "Version/"), Some("17.4 Safari"));
        assert_eq!(after("x", "y"), None);
        assert_eq!(after("ééx", "é"), Some("éx"));
    }

    #[test]
    fn byte_cuts() {
        assert_eq!(cut("a|b|c", b'|'), ("a", "b|c"));
        assert_eq!(cut_last("a|b|c", b'|'), ("a|b", "c"));
        assert_eq!(cut("é=ü", b'='), ("é", "ü"));
        assert_eq!(cut("abc", b'|'), ("abc", ""));
        assert_eq!(cut("abc|", b'|'), ("abc", ""));
        assert_eq!(cut_last("abc", b'|'), ("", "abc"));
        assert_eq!(cut_last("|abc", b'|'), ("", "abc"));
        assert_eq!(cut_last("", b'|'), ("", ""));
        assert_eq!(until("a.example:8443/x?y", |b| matches!(b, b'/' | b'?')), "a.example:8443");
        assert_eq!(until("ü12", |b| b == b'#'), "ü12");
        assert_eq!(fields("a||b", b'|').collect::<Vec<_>>(), ["a", "", "b"]);
        assert_eq!(fields("", b'|').collect::<Vec<_>>(), [""]);
        assert_eq!(fields("|", b'|').collect::<Vec<_>>(), ["", ""]);
    }

    proptest::proptest! {
        /// The byte scans cut where `split_once`, `rsplit_once`, `split` and `find` would, in any
        /// text (multi-byte characters included).
        #[test]
        fn byte_cuts_match_the_char_patterns(text in "[a|=é&\\n🦀]{0,12}", sep in proptest::sample::select(vec!['|', '=', '&', '\n'])) {
            let byte = sep as u8;
            proptest::prop_assert_eq!(cut(&text, byte), text.split_once(sep).unwrap_or((&text, "")));
            proptest::prop_assert_eq!(cut_last(&text, byte), text.rsplit_once(sep).unwrap_or(("", &text)));
            proptest::prop_assert_eq!(fields(&text, byte).collect::<Vec<_>>(), text.split(sep).collect::<Vec<_>>());
            proptest::prop_assert_eq!(until(&text, |b| b == byte), text.split(sep).next().unwrap());
            proptest::prop_assert_eq!(find(&text, "a|"), text.find("a|").unwrap_or(text.len() + 1));
        }
    }

    #[test]
    fn whitespace_is_squashed_and_cut() {
        assert_eq!(squash("  Start \n\t free  trial ", 64).as_deref(), Some("Start free trial"));
        assert_eq!(squash(" \n ", 64), None);
        assert_eq!(squash("ééé", 5).as_deref(), Some("éé"));
        assert_eq!(squash("one two three", 7).as_deref(), Some("one two"));
    }
}
