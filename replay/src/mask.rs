//! What never leaves the browser: input values, text of masked elements, and email addresses and
//! long digit runs anywhere in page text. Pure functions, unit-tested natively (but for
//! [`mask_all`] and [`mask_sensitive`], in the chunk's JS and tested in the browser).
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
    /// `text` with email addresses and runs of six or more digits masked, in the chunk's JS
    /// (`replay/js/hooks.js`: `pgMask`, which masks a URL's emails for `pgHref` too). A browser
    /// test pins it on every path page text takes.
    #[wasm_bindgen(js_name = pgMask)]
    pub(crate) fn mask_sensitive(text: &str) -> String;
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
}
