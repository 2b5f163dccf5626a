//! What never leaves the browser: input values, text of masked elements, and email addresses and
//! long digit runs anywhere in page text. Pure functions, unit-tested natively (but for
//! [`mask_all`], in the chunk's JS and tested in the browser).
//!
//! Rules, stricter than any peer's defaults:
//! - every form value is replaced by one `*` per character unless its field opts in with the
//!   `data-pg-unmask` attribute or the `pg-unmask` class; password, email, tel, credit-card,
//!   one-time-code and other autocomplete-sensitive fields never opt in, and `type=hidden` values
//!   are dropped whole;
//! - `.pg-mask` (and rrweb's `.rr-mask`, and `contenteditable` regions) masks the text of an
//!   element and its descendants; `.pg-block` (`.rr-block`) replaces an element by a same-size
//!   placeholder; `.pg-ignore` (`.rr-ignore`) drops its input events;
//! - everywhere else, email addresses and runs of six or more digits (spaces, dots, dashes,
//!   slashes and parentheses between them allowed) in text and attribute values are masked.

use alloc::{borrow::ToOwned, string::String};

/// How a form field's value is recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InputPolicy {
    /// As typed: the field opted in and is not sensitive.
    Clear,
    /// One `*` per character.
    Mask,
    /// Not at all (`type=hidden`: CSRF tokens, ids).
    Drop,
}

/// `input` types whose value is never recorded unmasked (words of one text: a `&[&str]` table
/// costs eight bytes of pointer and length per entry in the wasm's data).
const SENSITIVE_TYPES: &str = "password email tel";

/// `autocomplete` tokens (or token prefixes) that mark a field as sensitive whatever its type.
const SENSITIVE_AUTOCOMPLETE: &str = "cc- one-time-code current-password new-password email tel \
                                      bday street-address address-line postal-code transaction-";

/// The space-separated words of `list`.
fn words(list: &str) -> impl Iterator<Item = &[u8]> {
    list.as_bytes().split(|b| *b == b' ').filter(|w| !w.is_empty())
}

/// Whether `word` is one of the space-separated words of `list`.
pub(crate) fn listed(list: &str, word: &str) -> bool {
    words(list).any(|w| w == word.as_bytes())
}

/// The policy for a field: `tag` and `kind` (its `type`) lower case, `autocomplete` as written,
/// `opted_in` when it carries `data-pg-unmask` or `.pg-unmask`.
pub(crate) fn input_policy(
    tag: &str,
    kind: &str,
    autocomplete: &str,
    opted_in: bool,
) -> InputPolicy {
    if tag == "input" && kind == "hidden" {
        return InputPolicy::Drop;
    }
    let sensitive = (tag == "input" && listed(SENSITIVE_TYPES, kind))
        || autocomplete.split_ascii_whitespace().any(|token| {
            let token = token.to_ascii_lowercase();
            words(SENSITIVE_AUTOCOMPLETE).any(|s| token.as_bytes().starts_with(s))
        });
    if opted_in && !sensitive { InputPolicy::Clear } else { InputPolicy::Mask }
}

/// `input` types whose `value` is a label chosen by the page, not something typed.
pub(crate) fn is_choice(kind: &str) -> bool {
    listed("radio checkbox submit button reset image", kind)
}

/// The value as recorded under `policy`; `None` when it is dropped.
pub(crate) fn input_value(value: &str, policy: InputPolicy) -> Option<String> {
    match policy {
        InputPolicy::Clear => Some(value.to_owned()),
        // One per character: every byte that does not continue a UTF-8 sequence (core's
        // `chars().count()` is a word-at-a-time counter several times this size in the wasm).
        InputPolicy::Mask => Some(stars(value.bytes().filter(|b| b & 0xc0 != 0x80).count())),
        InputPolicy::Drop => None,
    }
}

/// `n` asterisks.
pub(crate) fn stars(n: usize) -> String {
    let mut out = String::with_capacity(n);
    for _ in 0..n {
        out.push('*');
    }
    out
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// Every character except whitespace becomes `*` (text of `.pg-mask` elements), in the
    /// chunk's JS (`replay/js/hooks.js`: one `replace` over code points, the Unicode
    /// `White_Space` characters Rust's `char::is_whitespace` keeps, kept).
    #[wasm_bindgen(js_name = pgMaskAll)]
    pub(crate) fn mask_all(text: &str) -> String;
}

/// `text` with email addresses and long digit runs masked; `None` when nothing needed masking
/// (the common case allocates nothing).
pub(crate) fn mask_sensitive(text: &str) -> Option<String> {
    mask_with(text, true)
}

/// `text` with email addresses masked (for URLs, whose digits are usually ids, not data).
pub(crate) fn mask_emails(text: &str) -> Option<String> {
    mask_with(text, false)
}

/// Digits in a run before it counts as personal data (phone, card, account numbers).
const MIN_DIGITS: usize = 6;

fn mask_with(text: &str, digits: bool) -> Option<String> {
    let bytes = text.as_bytes();
    // Byte loops, not `contains`: core's `memchr` behind it is 350 B of wasm.
    #[expect(clippy::manual_contains, reason = "core's memchr is 350 B of wasm")]
    let has_at = bytes.iter().any(|b| *b == b'@');
    let many_digits = digits && bytes.iter().filter(|b| b.is_ascii_digit()).count() >= MIN_DIGITS;
    if !(has_at || many_digits) {
        return None;
    }
    // Marked bytes become `*` in a copy. Only ASCII bytes are ever marked, so the copy stays
    // valid UTF-8.
    let mut out = bytes.to_vec();
    let mut any = false;
    if has_at {
        any |= mark_emails(bytes, &mut out);
    }
    if digits {
        any |= mark_digit_runs(bytes, &mut out);
    }
    if !any {
        return None;
    }
    // The text again with the marked characters (all ASCII) as `*`: no UTF-8 validation of the
    // copy, which `String::from_utf8` would link in.
    let mut masked = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        masked.push(if out.get(i) == Some(&b'*') { '*' } else { c });
    }
    Some(masked)
}

fn is_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_domain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'-'
}

/// Marks `local@domain.tld` (everything but `@` and the domain's dots).
fn mark_emails(bytes: &[u8], out: &mut [u8]) -> bool {
    let mut any = false;
    for at in bytes.iter().enumerate().filter(|(_, b)| **b == b'@').map(|(i, _)| i) {
        let (before, after) = bytes.split_at(at);
        let after = after.get(1..).unwrap_or_default();
        let start = before.iter().rposition(|&b| !is_local(b)).map_or(0, |i| i + 1);
        let mut len = after.iter().position(|&b| !is_domain(b)).unwrap_or(after.len());
        // A sentence's full stop is not part of the domain.
        while len > 0 && after.get(len - 1) == Some(&b'.') {
            len -= 1;
        }
        let domain = after.get(..len).unwrap_or_default();
        let tld_ok = domain.iter().rposition(|&b| b == b'.').is_some_and(|dot| {
            let tld = domain.get(dot + 1..).unwrap_or_default();
            dot > 0 && tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic)
        });
        if start == at || !tld_ok {
            continue;
        }
        // Index loops here and below: `take`/`skip` over `enumerate`/`zip` link core's `nth`.
        for i in start..at + 1 + len {
            if let Some(m) = out.get_mut(i)
                && i != at
                && !(i > at && *m == b'.')
            {
                *m = b'*';
            }
        }
        any = true;
    }
    any
}

/// Marks the digits of every run of at least [`MIN_DIGITS`] digits, where short separators
/// (space, `.`, `-`, `/`, parentheses) may sit between them.
fn mark_digit_runs(bytes: &[u8], out: &mut [u8]) -> bool {
    let mut any = false;
    let mut i = 0;
    while i < bytes.len() {
        if !bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
            continue;
        }
        let (start, mut end, mut count, mut j) = (i, i, 0, i);
        while let Some(&b) = bytes.get(j) {
            if b.is_ascii_digit() {
                count += 1;
                end = j + 1;
                j += 1;
            } else if let Some(gap) = separator_gap(bytes.get(j..).unwrap_or_default()) {
                j += gap;
            } else {
                break;
            }
        }
        if count >= MIN_DIGITS {
            for k in start..end {
                if bytes.get(k).is_some_and(u8::is_ascii_digit)
                    && let Some(m) = out.get_mut(k)
                {
                    *m = b'*';
                }
            }
            any = true;
        }
        i = end.max(i + 1);
    }
    any
}

/// At most two separators (space, `.`, `-`, `/`, parentheses) followed by a digit: their length.
fn separator_gap(rest: &[u8]) -> Option<usize> {
    let gap = rest.iter().take(2).take_while(|b| b" .-/()".iter().any(|c| c == *b)).count();
    (gap > 0 && rest.get(gap).is_some_and(u8::is_ascii_digit)).then_some(gap)
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;

    #[test]
    fn listed_matches_whole_words_only() {
        for word in ["password", "email", "tel"] {
            assert!(listed(SENSITIVE_TYPES, word), "{word}");
        }
        for word in ["", " ", "pass", "passwords", "tel ", "email tel", "text"] {
            assert!(!listed(SENSITIVE_TYPES, word), "{word:?}");
        }
        assert!(listed(SENSITIVE_AUTOCOMPLETE, "bday"));
        assert!(listed(SENSITIVE_AUTOCOMPLETE, "transaction-"));
        assert!(!listed(SENSITIVE_AUTOCOMPLETE, "bdaystreet-address"));
    }

    #[test]
    fn sensitive_fields_never_unmask() {
        use InputPolicy::*;
        assert_eq!(input_policy("input", "text", "", false), Mask);
        assert_eq!(input_policy("input", "text", "", true), Clear);
        assert_eq!(input_policy("textarea", "", "", true), Clear);
        for kind in ["password", "email", "tel"] {
            assert_eq!(input_policy("input", kind, "", true), Mask, "{kind}");
        }
        for auto in [
            "cc-number",
            "CC-CSC",
            "one-time-code",
            "shipping postal-code",
            "new-password",
            "email",
        ] {
            assert_eq!(input_policy("input", "text", auto, true), Mask, "{auto}");
        }
        assert_eq!(input_policy("input", "text", "organization", true), Clear);
        assert_eq!(input_policy("input", "hidden", "", true), Drop);
        assert_eq!(input_value("jane@example.com", Mask).as_deref(), Some("****************"));
        assert_eq!(input_value("héllo", Mask).as_deref(), Some("*****"));
        assert_eq!(input_value("€😀 x", Mask).as_deref(), Some("****"));
        assert_eq!(input_value("csrf", Drop), None);
        assert!(is_choice("radio") && is_choice("checkbox") && !is_choice("text"));
        for kind in ["submit", "button", "reset", "image"] {
            assert!(is_choice(kind), "{kind}");
        }
        assert!(!is_choice("") && !is_choice("radio checkbox") && !is_choice("imag"));
    }

    #[test]
    fn emails_are_masked_in_text() {
        assert_eq!(
            mask_sensitive("Write to jane.doe+x@mail.example.com.").as_deref(),
            Some("Write to **********@****.*******.***.")
        );
        assert_eq!(mask_sensitive("a@b"), None, "no domain with a dot");
        assert_eq!(mask_sensitive("@handle and x@y.z1"), None);
        assert_eq!(mask_emails("mailto:j@ex.org?x=1").as_deref(), Some("mailto:*@**.***?x=1"));
    }

    #[test]
    fn long_digit_runs_are_masked() {
        assert_eq!(
            mask_sensitive("Call 555 123 4567 now").as_deref(),
            Some("Call *** *** **** now")
        );
        assert_eq!(mask_sensitive("+1 (555) 123-4567").as_deref(), Some("+* (***) ***-****"));
        assert_eq!(
            mask_sensitive("card 4242 4242 4242 4242").as_deref(),
            Some("card **** **** **** ****")
        );
        assert_eq!(mask_sensitive("born 25.11.1990").as_deref(), Some("born **.**.****"));
        // Prices, years and short numbers stay.
        assert_eq!(mask_sensitive("$14,500 in 2026, 12345 units"), None);
        assert_eq!(mask_sensitive("$1,299.00"), None);
        assert_eq!(mask_emails("555 123 4567"), None, "URLs keep their digits");
    }

    #[test]
    fn masking_keeps_other_text_byte_for_byte() {
        let text = "Grüße, 日本 — call 0123456789 or mail ü@x.de";
        let masked = mask_sensitive(text).unwrap();
        assert_eq!(masked.len(), text.len());
        assert!(masked.starts_with("Grüße, 日本 — call ********** or mail"), "{masked}");
        assert!(masked.ends_with("ü@x.de"), "non-ASCII local parts are not matched: {masked}");
    }
}
