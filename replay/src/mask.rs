//! What never leaves the browser: input values, text of masked elements, and email addresses and
//! long digit runs anywhere in page text. The rules live in the chunk's JS
//! (`replay/js/hooks.js`: `pgInput` for [`input_value`], `pgMaskAll` for masked text, `pgMask`
//! for emails and digit runs, called by `pgText` and `pgValue` as text is read) and are tested
//! in the browser; the word lists here are unit-tested natively.
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
/// The space-separated words of `list`.
fn words(list: &str) -> impl Iterator<Item = &[u8]> {
    list.as_bytes().split(|b| *b == b' ').filter(|w| !w.is_empty())
}

/// Whether `word` is one of the space-separated words of `list`.
pub(crate) fn listed(list: &str, word: &str) -> bool {
    words(list).any(|w| w == word.as_bytes())
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/js/hooks.js")]
extern "C" {
    /// A form field's value as recorded, in the chunk's JS (`replay/js/hooks.js`: `pgInput`):
    /// `undefined` for `type=hidden`, a choice input's (its value a label the page chose) as it
    /// is, as typed where the field opted in (`unmask`) and is not sensitive, else one `*` per
    /// character. A browser test pins each kind of field.
    #[wasm_bindgen(js_name = pgInput)]
    pub(crate) fn input_value(el: &super::dom::Node, unmask: i32) -> wasm_bindgen::JsValue;
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;

    #[test]
    fn listed_matches_whole_words_only() {
        let list = "password email  tel transaction-";
        for word in ["password", "email", "tel", "transaction-"] {
            assert!(listed(list, word), "{word}");
        }
        for word in ["", " ", "pass", "passwords", "tel ", "email tel", "text", "transaction"] {
            assert!(!listed(list, word), "{word:?}");
        }
    }
}
