//! The one rule set for lead form values: the form builder checks a field with it as the visitor
//! types, and `/lead.capture` checks the submission with the same function, so the browser and the
//! server can never disagree about what is valid.
//!
//! A field's `pattern` is a JavaScript regular expression (an HTML `pattern`): both sides run it
//! on the JavaScript engine they have (the browser's, workerd's), through the `matches` callback,
//! as `new RegExp("^(?:" + pattern + ")$", "v")`, exactly as a browser applies `pattern`.

use core::fmt;

use super::capture::FieldValue;
use crate::dashboard::forms::{FieldType, FormField};

/// Longest value any field accepts, in characters (a `max_length` above it is capped to it).
pub const MAX_VALUE_CHARS: u32 = 10_000;

/// Longest value a field accepts when its form sets no `max_length`, in characters.
pub fn default_max_chars(field_type: FieldType) -> u32 {
    match field_type {
        FieldType::Textarea => 5_000,
        FieldType::Url => 2_048,
        FieldType::Email => 254,
        FieldType::Tel | FieldType::Number => 32,
        FieldType::Date => 10,
        FieldType::Text | FieldType::Select | FieldType::Radio | FieldType::Checkbox => 256,
    }
}

/// The longest value `field` accepts, in characters.
pub fn max_chars(field: &FormField) -> u32 {
    field.max_length.unwrap_or_else(|| default_max_chars(field.field_type)).min(MAX_VALUE_CHARS)
}

/// Why a value breaks its field's rules. [`Problem::message`] is what the visitor reads: the
/// form shows it under the field, and the server answers it as the `invalid_field` message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Empty, but the field is required (a required checkbox must be ticked).
    Required,
    /// Longer than the field allows.
    TooLong {
        /// The field's limit in characters.
        max: u32,
    },
    /// Not an email address.
    Email,
    /// Not a phone number.
    Tel,
    /// Not an `http(s)` address.
    Url,
    /// Not a number.
    Number,
    /// Not a calendar date as `YYYY-MM-DD`.
    Date,
    /// Not one of a select or radio field's options.
    Choice,
    /// Does not match the field's pattern.
    Pattern,
    /// A checkbox sent something else than `true` or `false`.
    NotBoolean,
    /// A text field sent a number or a boolean.
    NotText,
}

impl Problem {
    /// The message shown to the visitor (and answered by the server).
    pub fn message(self, field_type: FieldType) -> ProblemMessage {
        ProblemMessage { problem: self, field_type }
    }

    /// The name of this problem's text in [`super::FormMessages`] (as JSON), for a caller that
    /// reads the messages from `/forms/config` (the form builder): `"required_checkbox"`, …;
    /// [`Problem::TooLong`]'s `"too_long"` holds `{max}` where the limit goes.
    pub fn key(self, field_type: FieldType) -> &'static str {
        match self {
            Self::Required if field_type == FieldType::Checkbox => "required_checkbox",
            Self::Required if field_type.has_options() => "required_choice",
            Self::Required => "required",
            Self::TooLong { .. } => "too_long",
            Self::Email => "email",
            Self::Tel => "tel",
            Self::Url => "url",
            Self::Number | Self::NotBoolean | Self::NotText => "number",
            Self::Date => "date",
            Self::Choice => "choice",
            Self::Pattern => "pattern",
        }
    }

    /// The message in parts, for a caller without `core::fmt` (the browser SDK): the text, and
    /// for [`Problem::TooLong`] the limit and the text after it.
    pub fn parts(self, field_type: FieldType) -> (&'static str, Option<(u32, &'static str)>) {
        let text = match self {
            Self::Required if field_type == FieldType::Checkbox => "Please tick this box.",
            Self::Required if field_type.has_options() => "Please choose an option.",
            Self::Required => "Please fill in this field.",
            Self::TooLong { max } => return ("Please use at most ", Some((max, " characters."))),
            Self::Email => "Please enter an email address, like name@example.com.",
            Self::Tel => "Please enter a phone number, like +1 415 555 0112.",
            Self::Url => "Please enter a web address starting with https://.",
            Self::Number => "Please enter a number.",
            Self::Date => "Please enter a date as YYYY-MM-DD.",
            Self::Choice => "Please choose one of the options.",
            Self::Pattern => "Please match the requested format.",
            Self::NotBoolean => "must be true or false",
            Self::NotText => "must be text",
        };
        (text, None)
    }
}

/// A problem's message, written without allocating (the form builder shows it as it is).
#[derive(Clone, Copy, Debug)]
pub struct ProblemMessage {
    problem: Problem,
    field_type: FieldType,
}

impl fmt::Display for ProblemMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (text, rest) = self.problem.parts(self.field_type);
        f.write_str(text)?;
        match rest {
            Some((n, after)) => write!(f, "{n}{after}"),
            None => Ok(()),
        }
    }
}

/// Checks `value` (absent when the visitor left the field empty) against `field`'s rules.
/// `matches(pattern, value)` runs the field's pattern on the caller's JavaScript engine.
pub fn check(
    field: &FormField,
    value: Option<&FieldValue>,
    matches: &mut dyn FnMut(&str, &str) -> bool,
) -> Result<(), Problem> {
    if field.field_type == FieldType::Checkbox {
        return match value {
            None | Some(FieldValue::Bool(false)) if field.required => Err(Problem::Required),
            None | Some(FieldValue::Bool(_)) => Ok(()),
            Some(_) => Err(Problem::NotBoolean),
        };
    }
    let text = match value {
        None => "",
        // `str::trim`'s characters as a list of ranges, without core's Unicode table.
        Some(FieldValue::Text(s)) => crate::validate::trim(s),
        Some(FieldValue::Number(n)) if field.field_type == FieldType::Number => {
            return if n.is_finite() { Ok(()) } else { Err(Problem::Number) };
        }
        Some(_) => return Err(Problem::NotText),
    };
    check_text(field, text, matches)
}

/// Checks the text of a field that is not a checkbox (already trimmed).
pub fn check_text(
    field: &FormField,
    text: &str,
    matches: &mut dyn FnMut(&str, &str) -> bool,
) -> Result<(), Problem> {
    if text.is_empty() {
        return if field.required { Err(Problem::Required) } else { Ok(()) };
    }
    let max = max_chars(field);
    // Characters counted as the bytes that start one: core's `chars().count()` is a word-at-a-time
    // counter, several hundred bytes of the browser SDK's wasm for values this short.
    if text.bytes().filter(|b| (b & 0xc0) != 0x80).count() > max as usize {
        return Err(Problem::TooLong { max });
    }
    // The type's rule and the problem it reports, in one match.
    let (ok, problem) = match field.field_type {
        FieldType::Email => (is_email(text), Problem::Email),
        FieldType::Tel => (is_tel(text), Problem::Tel),
        FieldType::Url => (crate::is_web_url(text), Problem::Url),
        FieldType::Number => (is_number(text), Problem::Number),
        FieldType::Date => (is_date(text), Problem::Date),
        FieldType::Select | FieldType::Radio => {
            (field.options.iter().any(|o| o.value == text), Problem::Choice)
        }
        FieldType::Text | FieldType::Textarea | FieldType::Checkbox => (true, Problem::Choice),
    };
    if !ok {
        return Err(problem);
    }
    match &field.pattern {
        Some(pattern) if !field.field_type.has_options() && !matches(pattern, text) => {
            Err(Problem::Pattern)
        }
        _ => Ok(()),
    }
}

/// An email address: a local part of the characters HTML's `type=email` allows, `@`, and a
/// domain of at least two dot-separated labels (letters, digits, inner hyphens, 1 to 63 each);
/// at most 254 bytes. Stricter than HTML on one point only: `name@localhost` has no dot and is
/// refused, because a lead must be reachable.
///
/// ```
/// use pulsegate_schema::lead::is_email;
/// assert!(is_email("jane.doe+quotes@mail.example.co"));
/// assert!(!is_email("jane@example"));
/// assert!(!is_email("jane@-example.com"));
/// ```
pub fn is_email(s: &str) -> bool {
    // Byte scans, not `str` patterns or `[u8]::contains`: the browser SDK links this, and core's
    // char searcher with the `memchr` behind both is about 600 B of its wasm.
    let b = s.as_bytes();
    let Some(at) = b.iter().position(|c| *c == b'@') else { return false };
    let (Some(local), Some(domain)) = (b.get(..at), b.get(at + 1..)) else { return false };
    let local_ok = !local.is_empty()
        && local.iter().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'/'
                        | b'='
                        | b'?'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'{'
                        | b'|'
                        | b'}'
                        | b'~'
                        | b'.'
                        | b'-'
                )
        });
    // The domain's labels in one pass (no label splitter): `label` bytes of the current one.
    let (mut dots, mut label, mut prev) = (0, 0, b'.');
    for &c in domain {
        if c == b'.' {
            if label == 0 || prev == b'-' {
                return false;
            }
            dots += 1;
            label = 0;
        } else if (c.is_ascii_alphanumeric() || c == b'-')
            && !(label == 0 && c == b'-')
            && label < 63
        {
            label += 1;
        } else {
            return false;
        }
        prev = c;
    }
    s.len() <= 254 && local_ok && dots > 0 && label > 0 && prev != b'-'
}

/// A phone number as people write it: digits with spaces, `-`, `.`, `(`, `)`, an optional
/// leading `+`; 7 to 15 digits (E.164 has at most 15).
///
/// ```
/// use pulsegate_schema::lead::is_tel;
/// assert!(is_tel("+1 (415) 555-0112"));
/// assert!(!is_tel("555"));
/// assert!(!is_tel("call me"));
/// ```
pub fn is_tel(s: &str) -> bool {
    // One pass over the bytes, counting the digits as it checks the rest.
    let b = s.as_bytes();
    let mut digits = 0;
    for c in b.strip_prefix(b"+").unwrap_or(b) {
        if c.is_ascii_digit() {
            digits += 1;
        } else if !matches!(c, b' ' | b'-' | b'.' | b'(' | b')') {
            return false;
        }
    }
    (7..=15).contains(&digits)
}

/// A decimal number as an HTML number input gives it: `-12`, `3.5`, `1e3`.
pub fn is_number(s: &str) -> bool {
    let b = s.as_bytes();
    // Past the ASCII digits from `i` on: a plain index in and out, one loop for the three runs.
    let digits_from = |mut i: usize| {
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let start = usize::from(b.first() == Some(&b'-'));
    let mut i = digits_from(start);
    let mut digits = i - start;
    if b.get(i) == Some(&b'.') {
        let end = digits_from(i + 1);
        if end == i + 1 {
            return false;
        }
        digits += end - i - 1;
        i = end;
    }
    if digits == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let end = digits_from(i);
        if end == i {
            return false;
        }
        i = end;
    }
    i == b.len()
}

/// A calendar date `YYYY-MM-DD` (years 1000 to 9999) that exists, as a date input gives it.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 {
        return false;
    }
    // The eight digits as one number, `YYYYMMDD`, and the hyphens in their places, in one loop.
    let mut n = 0u32;
    for (i, &c) in b.iter().enumerate() {
        if i == 4 || i == 7 {
            if c != b'-' {
                return false;
            }
        } else if c.is_ascii_digit() {
            n = n * 10 + u32::from(c - b'0');
        } else {
            return false;
        }
    }
    let (y, m, d) = (n / 10_000, n / 100 % 100, n % 100);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    // 31 days in January, March, May, July, August, October and December (the months whose
    // number's lowest bit differs from its fourth's), 30 in the others but February: worked out
    // instead of looked up, so no table of month lengths is linked.
    let days = if m == 2 { 28 + u32::from(leap) } else { 30 + ((m ^ (m >> 3)) & 1) };
    y >= 1000 && (1..=12).contains(&m) && (1..=days).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboard::forms::FieldOption;
    use crate::prelude::*;

    fn field(field_type: FieldType, required: bool) -> FormField {
        FormField {
            name: "f".into(),
            label: "F".into(),
            field_type,
            required,
            pattern: None,
            options: if field_type.has_options() {
                vec![FieldOption { value: "flat".into(), label: "Flat".into() }]
            } else {
                vec![]
            },
            placeholder: None,
            help: None,
            max_length: None,
        }
    }

    fn text(s: &str) -> FieldValue {
        FieldValue::Text(s.into())
    }

    fn never(_: &str, _: &str) -> bool {
        panic!("no pattern here")
    }

    #[test]
    fn emails() {
        for ok in [
            "a@b.co",
            "jane.doe+x@mail.example.com",
            "o'brien@example.ie",
            "x@xn--bcher-kva.example",
        ] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "",
            "jane",
            "jane@",
            "@example.com",
            "jane@example",
            "jane@@example.com",
            "jane@.example.com",
            "jane@example..com",
            "jane@-x.com",
            "jane@x-.com",
            "ja ne@example.com",
            "jane@exa mple.com",
            "<jane>@example.com",
            "jané@example.com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
        assert!(!is_email(&format!("{}@example.com", "a".repeat(250))));
        // Labels of 1 to 63 bytes, the last one too; no trailing dot or hyphen.
        assert!(is_email(&format!("a@{}.com", "b".repeat(63))));
        assert!(!is_email(&format!("a@{}.com", "b".repeat(64))));
        assert!(is_email(&format!("a@example.{}", "b".repeat(63))));
        assert!(!is_email(&format!("a@example.{}", "b".repeat(64))));
        for bad in ["jane@example.com.", "jane@example.co-", "jane@example.-co", "jane@-"] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn phones_numbers_and_dates() {
        for ok in ["+14155550112", "+1 (415) 555-0112", "030 1234567", "415.555.0112"] {
            assert!(is_tel(ok), "{ok}");
        }
        for bad in [
            "",
            "123456",
            "++14155550112",
            "1234567890123456",
            "555-CALL-NOW",
            "+1 415 555 0112 ext 2",
        ] {
            assert!(!is_tel(bad), "{bad}");
        }
        for ok in ["0", "-12", "3.5", "1e3", "2.5E-3", ".5"] {
            assert!(is_number(ok), "{ok}");
        }
        for bad in ["", "-", ".", "12.", "1.2.3", "1e", "0x10", "NaN", "Infinity", " 1"] {
            assert!(!is_number(bad), "{bad}");
        }
        for ok in ["2024-02-29", "2025-12-31", "1000-01-01"] {
            assert!(is_date(ok), "{ok}");
        }
        for bad in [
            "2025-02-29",
            "2025-13-01",
            "2025-00-10",
            "2025-1-1",
            "25-01-01",
            "0999-01-01",
            "2025/01/01",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    /// Every month's last day, in common and leap years, as a calendar has it.
    #[test]
    fn date_month_lengths() {
        for y in [1900, 2000, 2023, 2024, 2100, 9999] {
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            for m in 0..=13 {
                let days = match m {
                    1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
                    4 | 6 | 9 | 11 => 30,
                    2 if leap => 29,
                    2 => 28,
                    _ => 0,
                };
                for d in 0..=32 {
                    let date = format!("{y:04}-{m:02}-{d:02}");
                    assert_eq!(is_date(&date), (1..=days).contains(&d), "{date}");
                }
            }
        }
    }

    /// `is_number` as it read its runs of digits before (an index loop each), for every text of
    /// up to five characters drawn from digits, signs, points, exponents and others.
    #[test]
    fn numbers_as_the_index_reader() {
        let old = |s: &str| {
            let b = s.as_bytes();
            let mut i = usize::from(b.first() == Some(&b'-'));
            let int_start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let mut digits = i - int_start;
            if i < b.len() && b[i] == b'.' {
                i += 1;
                let frac_start = i;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                if i == frac_start {
                    return false;
                }
                digits += i - frac_start;
            }
            if digits == 0 {
                return false;
            }
            if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
                i += 1;
                if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
                    i += 1;
                }
                let exp_start = i;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                if i == exp_start {
                    return false;
                }
            }
            i == b.len()
        };
        let alphabet = ['0', '7', '-', '+', '.', 'e', 'E', 'x', ' '];
        // Every text of one character more than the last round's, each checked.
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            for t in &longer {
                assert_eq!(is_number(t), old(t), "{t:?}");
            }
            texts = longer;
        }
    }

    /// `is_date` as it read its digit groups before (each an `Option`), for any byte anywhere in
    /// a date, alone or beside a second change.
    #[test]
    fn date_groups_as_the_option_reader() {
        let old = |s: &str| {
            let b = s.as_bytes();
            if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
                return false;
            }
            let num = |r: core::ops::Range<usize>| -> Option<u32> {
                b[r].iter()
                    .try_fold(0u32, |n, d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
            };
            let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
                return false;
            };
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            let days = if m == 2 { 28 + u32::from(leap) } else { 30 + ((m ^ (m >> 3)) & 1) };
            y >= 1000 && (1..=12).contains(&m) && (1..=days).contains(&d)
        };
        for base in ["2024-02-29", "1000-01-01", "9999-12-31", "2025-10-10", "0999-00-00"] {
            for at in 0..10 {
                for byte in 0..=0x7f_u8 {
                    let mut b = base.as_bytes().to_vec();
                    b[at] = byte;
                    let one = String::from_utf8(b.clone()).unwrap();
                    assert_eq!(is_date(&one), old(&one), "{one:?}");
                    for second in (0..10).filter(|&s| s != at) {
                        for other in [b'0', b'9', b'x', b'-', b' '] {
                            b[second] = other;
                            let two = String::from_utf8(b.clone()).unwrap();
                            assert_eq!(is_date(&two), old(&two), "{two:?}");
                        }
                        b[second] = base.as_bytes()[second];
                    }
                }
            }
        }
    }

    #[test]
    fn required_empty_and_typed_values() {
        let email = field(FieldType::Email, true);
        assert_eq!(check(&email, None, &mut never), Err(Problem::Required));
        assert_eq!(check(&email, Some(&text("   ")), &mut never), Err(Problem::Required));
        assert_eq!(check(&email, Some(&text("jane@example.com")), &mut never), Ok(()));
        assert_eq!(check(&email, Some(&text(" jane@example.com ")), &mut never), Ok(()));
        assert_eq!(check(&email, Some(&text("jane")), &mut never), Err(Problem::Email));
        assert_eq!(check(&email, Some(&FieldValue::Bool(true)), &mut never), Err(Problem::NotText));
        let optional = field(FieldType::Email, false);
        assert_eq!(check(&optional, None, &mut never), Ok(()));
        assert_eq!(check(&optional, Some(&text("")), &mut never), Ok(()));

        let consent = field(FieldType::Checkbox, true);
        assert_eq!(check(&consent, Some(&FieldValue::Bool(true)), &mut never), Ok(()));
        assert_eq!(
            check(&consent, Some(&FieldValue::Bool(false)), &mut never),
            Err(Problem::Required)
        );
        assert_eq!(check(&consent, None, &mut never), Err(Problem::Required));
        assert_eq!(check(&consent, Some(&text("yes")), &mut never), Err(Problem::NotBoolean));
        assert_eq!(check(&field(FieldType::Checkbox, false), None, &mut never), Ok(()));

        let number = field(FieldType::Number, false);
        assert_eq!(check(&number, Some(&FieldValue::Number(2.5)), &mut never), Ok(()));
        assert_eq!(
            check(&number, Some(&FieldValue::Number(f64::NAN)), &mut never),
            Err(Problem::Number)
        );
        assert_eq!(check(&number, Some(&text("12")), &mut never), Ok(()));
        assert_eq!(check(&number, Some(&text("twelve")), &mut never), Err(Problem::Number));

        let roof = field(FieldType::Select, true);
        assert_eq!(check(&roof, Some(&text("flat")), &mut never), Ok(()));
        assert_eq!(check(&roof, Some(&text("dome")), &mut never), Err(Problem::Choice));
        assert_eq!(
            check(&field(FieldType::Url, false), Some(&text("javascript:alert(1)")), &mut never),
            Err(Problem::Url)
        );
        assert_eq!(
            check(&field(FieldType::Date, false), Some(&text("2025-02-30")), &mut never),
            Err(Problem::Date)
        );
        assert_eq!(
            check(&field(FieldType::Tel, false), Some(&text("12")), &mut never),
            Err(Problem::Tel)
        );
    }

    #[test]
    fn lengths_count_characters_and_are_capped() {
        let mut name = field(FieldType::Text, false);
        name.max_length = Some(3);
        assert_eq!(check(&name, Some(&text("äöü")), &mut never), Ok(()));
        assert_eq!(check(&name, Some(&text("äöüß")), &mut never), Err(Problem::TooLong { max: 3 }));
        assert_eq!(check(&name, Some(&text("€😀a")), &mut never), Ok(()));
        assert_eq!(
            check(&name, Some(&text("😀😀😀😀")), &mut never),
            Err(Problem::TooLong { max: 3 })
        );
        name.max_length = Some(1_000_000);
        assert_eq!(max_chars(&name), MAX_VALUE_CHARS);
        assert_eq!(max_chars(&field(FieldType::Textarea, false)), 5_000);
        let long = "x".repeat(257);
        assert_eq!(
            check(&field(FieldType::Text, false), Some(&text(&long)), &mut never),
            Err(Problem::TooLong { max: 256 })
        );
    }

    #[test]
    fn patterns_run_on_the_callers_engine_after_the_type_rule() {
        let mut phone = field(FieldType::Tel, false);
        phone.pattern = Some("\\+49.*".into());
        let mut seen = Vec::new();
        let mut engine = |p: &str, v: &str| {
            seen.push((p.to_owned(), v.to_owned()));
            v.starts_with("+49")
        };
        assert_eq!(check(&phone, Some(&text("+49 30 1234567")), &mut engine), Ok(()));
        assert_eq!(
            check(&phone, Some(&text("+1 415 555 0112")), &mut engine),
            Err(Problem::Pattern)
        );
        // The type rule fails first: the engine is not asked.
        assert_eq!(check(&phone, Some(&text("x")), &mut engine), Err(Problem::Tel));
        // An empty optional field is not matched either, as in HTML.
        assert_eq!(check(&phone, None, &mut engine), Ok(()));
        assert_eq!(seen.len(), 2);
    }

    #[test]
    fn messages_read_well() {
        assert_eq!(
            Problem::Required.message(FieldType::Email).to_string(),
            "Please fill in this field."
        );
        assert_eq!(
            Problem::Required.message(FieldType::Checkbox).to_string(),
            "Please tick this box."
        );
        assert_eq!(
            Problem::Required.message(FieldType::Radio).to_string(),
            "Please choose an option."
        );
        assert_eq!(
            Problem::TooLong { max: 5 }.message(FieldType::Text).to_string(),
            "Please use at most 5 characters."
        );
    }
}
