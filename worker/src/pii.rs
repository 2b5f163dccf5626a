//! Masks emails and phone numbers in everything a marketing key receives (when AppSettings'
//! `mask_pii_for_marketing` is on): `jane.doe@example.com` → `j***@example.com`,
//! `+1 415 555 0112` → `+1 *** *** 12`.
//!
//! It walks JSON values whole: object keys, strings (free text, URLs with `%40`, and strings that
//! are themselves JSON), and values under keys that name a phone field (`phone`, `tel`, `mobile`…)
//! even when they are bare digits or numbers. In free text a phone number needs a `+` or
//! separators (`415-555-0112`, `(415) 555 0112`), so that ids, timestamps, dates and IP addresses
//! are left alone.

use serde_json::Value;

/// What replaces the hidden part.
const STARS: &str = "***";

/// Masks every email and phone number inside `value`, in place.
pub(crate) fn mask_json(value: &mut Value) {
    mask_under(None, value);
}

fn mask_under(key: Option<&str>, value: &mut Value) {
    match value {
        Value::String(s) => *s = mask_string(key, s),
        Value::Number(n) if key.is_some_and(is_phone_key) => {
            let digits = n.to_string();
            if digits.bytes().filter(u8::is_ascii_digit).count() >= 5 {
                *value = Value::String(mask_phone(&digits));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| mask_under(key, item)),
        Value::Object(map) => {
            let entries = std::mem::take(map);
            for (k, mut v) in entries {
                mask_under(Some(&k), &mut v);
                map.insert(mask_text(&k), v);
            }
        }
        _ => {}
    }
}

/// A string value: nested JSON is masked structurally, phone fields whole, the rest as text.
fn mask_string(key: Option<&str>, s: &str) -> String {
    let trimmed = s.trim_start();
    if (trimmed.starts_with('{') || trimmed.starts_with('['))
        && let Ok(mut nested) = serde_json::from_str::<Value>(s)
    {
        mask_json(&mut nested);
        return nested.to_string();
    }
    if key.is_some_and(is_phone_key) && s.bytes().filter(u8::is_ascii_digit).count() >= 5 {
        return mask_phone(s);
    }
    mask_text(s)
}

/// A cell of a CSV table under `header`: the same rules as a JSON string under that key.
pub(crate) fn mask_cell(header: &str, cell: &str) -> String {
    mask_string(Some(header), cell)
}

/// Whether a field name says it holds a phone number.
fn is_phone_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    ["phone", "tel", "mobile", "cell", "fax", "whatsapp"].iter().any(|w| k.contains(w))
}

/// Masks every email and phone number found in free text.
pub(crate) fn mask_text(text: &str) -> String {
    let with_emails = mask_emails(text);
    mask_phones(&with_emails)
}

// ---- emails -------------------------------------------------------------------------------

fn is_local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"._%+-'".contains(&b)
}

fn is_domain_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'-'
}

/// `jane@example.com` and `jane%40example.com` (URL-encoded) → `j***@example.com`.
fn mask_emails(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0; // bytes of `text` already in `out`
    let mut i = 0;
    while i < bytes.len() {
        let at_len = if bytes[i] == b'@' {
            1
        } else if bytes[i] == b'%'
            && text.get(i..i + 3).is_some_and(|s| s.eq_ignore_ascii_case("%40"))
        {
            3
        } else {
            i += 1;
            continue;
        };
        // The local part: back from the '@' over local-part bytes (a URL's `=` or `&` stops it).
        let mut start = i;
        while start > copied && is_local_byte(bytes[start - 1]) {
            start -= 1;
        }
        // An encoded `%40` leaves "%3D"-style escapes before it; do not eat a preceding escape.
        while start < i && bytes[start] == b'.' {
            start += 1;
        }
        let domain_start = i + at_len;
        let mut end = domain_start;
        while end < bytes.len() && is_domain_byte(bytes[end]) {
            end += 1;
        }
        // Sentence punctuation after the address is not part of it.
        while end > domain_start && (bytes[end - 1] == b'.' || bytes[end - 1] == b'-') {
            end -= 1;
        }
        let domain = &text[domain_start..end];
        if start < i && is_email_domain(domain) {
            out.push_str(&text[copied..start]);
            let first = text[start..].chars().next().unwrap_or('*');
            out.push(first);
            out.push_str(STARS);
            out.push_str(&text[i..domain_start]);
            out.push_str(domain);
            copied = end;
            i = end;
        } else {
            i += at_len;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// `example.com`: dot-separated labels, none empty, ending in a TLD of two or more letters.
fn is_email_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
}

// ---- phone numbers ------------------------------------------------------------------------

const MIN_PHONE_DIGITS: usize = 7;
const MAX_PHONE_DIGITS: usize = 15;

fn is_separator(b: u8) -> bool {
    matches!(b, b' ' | b'-' | b'.' | b'(' | b')')
}

/// Finds phone-number-shaped runs in free text and masks them.
fn mask_phones(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let starts = (bytes[i] == b'+' || bytes[i] == b'(' || bytes[i].is_ascii_digit())
            && (i == 0 || !is_word_byte(bytes[i - 1]))
            && !glued(bytes, i.checked_sub(1), i.checked_sub(2))
            && (bytes[i].is_ascii_digit()
                || bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
                || (bytes[i] == b'+' && bytes.get(i + 1) == Some(&b'(')));
        if !starts {
            i += 1;
            continue;
        }
        let end = phone_run_end(bytes, i);
        let candidate = &text[i..end];
        let followed_by_word = bytes.get(end).is_some_and(|&b| is_word_byte(b))
            || glued(bytes, Some(end), Some(end + 1));
        if !followed_by_word && looks_like_phone(candidate) {
            out.push_str(&text[copied..i]);
            out.push_str(&mask_phone(candidate));
            copied = end;
            i = end;
        } else {
            // Skip the whole run (and any word it is glued to) so that its tail is not re-read.
            let mut next = end.max(i + 1);
            while next < bytes.len() && is_word_byte(bytes[next]) {
                next += 1;
            }
            i = next;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Whether a `-` or `.` at `joint` joins the run to a word at `word` (an id such as a UUID's
/// groups `…62a8-4239-8219-e1…`, or `order-4155550112`): part of a token, not a phone number.
fn glued(bytes: &[u8], joint: Option<usize>, word: Option<usize>) -> bool {
    let at = |i: Option<usize>| i.and_then(|i| bytes.get(i)).copied();
    matches!(at(joint), Some(b'-' | b'.')) && at(word).is_some_and(is_word_byte)
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// The end of a run of digits joined by single separators, starting at `start` (a `+`, `(` or
/// digit). It ends after its last digit (or a closing parenthesis right after one).
fn phone_run_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    if bytes[i] == b'+' {
        i += 1;
    }
    let mut last_digit_end = i;
    let mut separators_in_a_row = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_digit() {
            separators_in_a_row = 0;
            last_digit_end = i + 1;
        } else if is_separator(b) {
            separators_in_a_row += 1;
            // ") " and " (" are fine; anything longer ends the run.
            if separators_in_a_row > 2 {
                break;
            }
        } else {
            break;
        }
        i += 1;
    }
    if bytes.get(last_digit_end) == Some(&b')') && bytes[start..last_digit_end].contains(&b'(') {
        last_digit_end + 1
    } else {
        last_digit_end
    }
}

/// 7 to 15 digits, written with a leading `+` or with separators, and not a date, an IPv4
/// address or a decimal number.
fn looks_like_phone(candidate: &str) -> bool {
    let digits = candidate.bytes().filter(u8::is_ascii_digit).count();
    if !(MIN_PHONE_DIGITS..=MAX_PHONE_DIGITS).contains(&digits) {
        return false;
    }
    let plus = candidate.starts_with('+');
    let groups: Vec<&str> =
        candidate.split(|c: char| !c.is_ascii_digit()).filter(|g| !g.is_empty()).collect();
    if !plus && groups.len() < 2 {
        return false; // a bare run of digits: an id or a timestamp, not text a person wrote
    }
    let seps: Vec<u8> = candidate.bytes().filter(|b| is_separator(*b)).collect();
    let only = |s: u8| !seps.is_empty() && seps.iter().all(|&b| b == s);
    let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    let date = (only(b'-') || only(b'.'))
        && (lens == [4, 2, 2] || lens == [2, 2, 4] || lens == [4, 1, 1] || lens == [1, 1, 4]);
    let ipv4 = only(b'.') && lens.len() == 4 && lens.iter().all(|&l| l <= 3);
    let decimal = only(b'.') && lens.len() == 2;
    !(date || ipv4 || decimal)
}

/// `+1 (415) 555-0112` → `+1 *** *** 12`; `0171 1234567` → `*** *** 67`.
fn mask_phone(phone: &str) -> String {
    let trimmed = phone.trim();
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let last = &digits[digits.len().saturating_sub(2)..];
    match trimmed.strip_prefix('+') {
        Some(rest) => {
            let written_cc: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let cc = if (1..=3).contains(&written_cc.len()) && written_cc.len() < digits.len() - 2 {
                written_cc
            } else {
                digits[..country_code_len(&digits)].to_owned()
            };
            format!("+{cc} {STARS} {STARS} {last}")
        }
        None => format!("{STARS} {STARS} {last}"),
    }
}

/// How many leading digits of an E.164 number are its country code (ITU-T E.164 assignments:
/// zones 1 and 7 are one digit, the listed two-digit codes two, everything else three).
fn country_code_len(digits: &str) -> usize {
    const TWO: &[&str] = &[
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46",
        "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63",
        "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
    ];
    if digits.starts_with('1') || digits.starts_with('7') {
        1
    } else if digits.get(..2).is_some_and(|p| TWO.contains(&p)) {
        2
    } else {
        3.min(digits.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn emails_keep_their_first_letter_and_domain() {
        assert_eq!(mask_text("jane.doe@example.com"), "j***@example.com");
        assert_eq!(
            mask_text("Write to Jane.Doe+news@mail.example.co.uk, or call."),
            "Write to J***@mail.example.co.uk, or call."
        );
        assert_eq!(mask_text("a@b.io and c_d@e.org."), "a***@b.io and c***@e.org.");
        assert_eq!(
            mask_text("https://shop.example/thanks?email=jane%40example.com&x=1"),
            "https://shop.example/thanks?email=j***%40example.com&x=1"
        );
        assert_eq!(
            mask_text("https://shop.example/?e=jane%2Bx%40example.com"),
            "https://shop.example/?e=j***%40example.com"
        );
    }

    #[test]
    fn things_that_are_not_emails_stay() {
        for text in [
            "@handle",
            "user@localhost",
            "me@x.c0m",
            "price: 5 @ 10 EUR",
            "name@",
            "j***@example.com",
            "a@b",
        ] {
            assert_eq!(mask_text(text), text, "{text}");
        }
    }

    #[test]
    fn phone_numbers_keep_the_country_code_and_last_two_digits() {
        assert_eq!(mask_text("+1 415 555 0112"), "+1 *** *** 12");
        assert_eq!(mask_text("call +1 (415) 555-0112 now"), "call +1 *** *** 12 now");
        assert_eq!(mask_text("+49 30 1234567"), "+49 *** *** 67");
        assert_eq!(mask_text("+14155550112"), "+1 *** *** 12");
        assert_eq!(mask_text("+493012345678"), "+49 *** *** 78");
        assert_eq!(mask_text("+353861234567"), "+353 *** *** 67");
        assert_eq!(mask_text("(415) 555-0112"), "*** *** 12");
        assert_eq!(mask_text("Tel.: 0171 1234567."), "Tel.: *** *** 67.");
        assert_eq!(mask_text("415.555.0112"), "*** *** 12");
    }

    #[test]
    fn numbers_that_are_not_phones_stay() {
        for text in [
            "1764097200000",
            "2025-11-25",
            "25.11.2025",
            "2025-11-25T14:00:00.000Z",
            "203.0.113.7",
            "3.14159265",
            "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c",
            // UUIDs whose middle groups are digits only, alone and in text.
            "fbeac002-62a8-4239-8219-e1c2f3a4b5c6",
            "key fbeac002-62a8-4239-8219-e1c2f3a4b5c6 revoked",
            "00000000-0000-4000-8000-000000000000",
            "a1b2c3d4-1234-5678-9012-abcdefabcdef",
            "order-4155550112 and build 1234-5678.rc1",
            "order 12345",
            "v1.2.3",
            "sessions/2025/11/25/abc/events/0001764097200012-x.json",
            "/pricing?plan=4155550112",
            "+1 *** *** 12",
            "12:30",
            "1,234,567 visitors",
        ] {
            assert_eq!(mask_text(text), text, "{text}");
        }
    }

    #[test]
    fn json_is_masked_everywhere() {
        let mut v = json!({
            "email": "jane@example.com",
            "phone": "4155550112",
            "mobile_number": 4_155_550_112_u64,
            "note": "reach me at bob@example.org or +44 20 7946 0958",
            "payload": "{\"email\":\"x@y.example\",\"tel\":\"0301234567\"}",
            "list": [ { "traits": { "Phone": "030 1234567" } } ],
            "jane@example.com": 1,
            "count": 4_155_550_112_u64,
            "id": "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c",
            "started_at": 1_764_097_200_000_u64
        });
        mask_json(&mut v);
        assert_eq!(v["email"], "j***@example.com");
        assert_eq!(v["phone"], "*** *** 12");
        assert_eq!(v["mobile_number"], "*** *** 12");
        assert_eq!(v["note"], "reach me at b***@example.org or +44 *** *** 58");
        let payload: Value = serde_json::from_str(v["payload"].as_str().unwrap()).unwrap();
        assert_eq!(payload, json!({ "email": "x***@y.example", "tel": "*** *** 67" }));
        assert_eq!(v["list"][0]["traits"]["Phone"], "*** *** 67");
        assert!(v.get("jane@example.com").is_none());
        assert_eq!(v["j***@example.com"], 1);
        assert_eq!(v["count"], 4_155_550_112_u64, "a count is not a phone number");
        assert_eq!(v["id"], "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c");
        assert_eq!(v["started_at"], 1_764_097_200_000_u64);
    }

    #[test]
    fn csv_cells_follow_their_header() {
        assert_eq!(mask_cell("phone", "4155550112"), "*** *** 12");
        assert_eq!(mask_cell("value", "4155550112"), "4155550112");
        assert_eq!(mask_cell("value", "x jane@example.com"), "x j***@example.com");
    }

    proptest! {
        #[test]
        fn no_address_survives_and_masking_is_idempotent(
            local in "[a-z][a-z0-9._]{1,12}[a-z0-9]",
            domain in "[a-z]{2,10}\\.(com|org|example)",
            before in "[ a-zA-Z,:]{0,12}",
            after in "[ a-zA-Z,:]{0,12}",
        ) {
            let email = format!("{local}@{domain}");
            let text = format!("{before} {email} {after}");
            let masked = mask_text(&text);
            prop_assert!(!masked.contains(&email), "{}", masked);
            prop_assert!(masked.contains(&format!("***@{domain}")), "{}", masked);
            prop_assert_eq!(mask_text(&masked), masked);
        }

        #[test]
        fn formatted_phones_lose_all_but_two_digits(
            cc in "[1-9][0-9]{0,2}",
            groups in proptest::collection::vec("[0-9]{3,4}", 2..4),
            sep in prop_oneof![Just(" "), Just("-"), Just(".")],
        ) {
            let phone = format!("+{cc} {}", groups.join(sep));
            let masked = mask_text(&format!("call {phone} today"));
            let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
            prop_assume!((MIN_PHONE_DIGITS..=MAX_PHONE_DIGITS).contains(&digits.len()));
            prop_assert!(!masked.contains(&phone), "{}", masked);
            let kept: usize = masked.chars().filter(char::is_ascii_digit).count();
            prop_assert!(kept <= cc.len() + 2, "{}", masked);
            prop_assert!(masked.ends_with(&format!("{} today", &digits[digits.len() - 2..])), "{}", masked);
        }

        #[test]
        fn text_without_at_signs_or_long_digit_runs_is_untouched(text in "[a-zA-Z .,:;!?/_-]{0,40}[0-9]{0,5}") {
            prop_assert_eq!(mask_text(&text), text);
        }
    }
}
