//! Caps on client input echoed back in error bodies and log lines: an unknown field name, a
//! property key or a wrong value is quoted at most [`MAX_ECHO`] bytes long, with an ellipsis, so
//! a hostile body cannot make every error response and log line as large as itself.

use pulsegate_schema::limits::truncate;

/// Longest piece of client input an error quotes, in bytes.
pub(crate) const MAX_ECHO: usize = 64;
/// Longest error message or field path as a whole, in bytes.
pub(crate) const MAX_MESSAGE: usize = 512;

const ELLIPSIS: &str = "…";

/// `s` cut to [`MAX_ECHO`] bytes (on a character boundary), with `…` when something was cut.
pub(crate) fn cap(s: &str) -> String {
    cap_to(s, MAX_ECHO)
}

fn cap_to(s: &str, max: usize) -> String {
    let mut out = s.to_owned();
    if out.len() > max {
        truncate(&mut out, max);
        out.push_str(ELLIPSIS);
    }
    out
}

/// A serde message with each quoted piece of input (between backticks, or double quotes with
/// backslash escapes) capped: "unknown field `aaaa…`, expected one of `ts`, `url`".
pub(crate) fn cap_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(MAX_MESSAGE + 8));
    let mut rest = message;
    while let Some(open) = rest.find(['`', '"']) {
        let quote = rest.as_bytes()[open];
        out.push_str(&rest[..=open]);
        let inner = &rest[open + 1..];
        let close = closing(inner, quote);
        match close {
            Some(end) => {
                out.push_str(&cap(&inner[..end]));
                out.push(char::from(quote));
                rest = &inner[end + 1..];
            }
            None => {
                out.push_str(&cap(inner));
                rest = "";
            }
        }
    }
    out.push_str(rest);
    cap_to(&out, MAX_MESSAGE)
}

/// Index of the quote closing a quoted piece that starts right after `quote` (skipping `\"`).
fn closing(inner: &str, quote: u8) -> Option<usize> {
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b if b == quote => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// A field path (`events[3].props.<key>`) with each dotted component capped.
pub(crate) fn cap_path(path: &str) -> String {
    let capped: Vec<String> = path.split('.').map(cap).collect();
    cap_to(&capped.join("."), MAX_MESSAGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_input_is_untouched() {
        assert_eq!(cap("ts"), "ts");
        assert_eq!(
            cap_message("unknown field `x`, expected `ts`"),
            "unknown field `x`, expected `ts`"
        );
        assert_eq!(cap_path("events[0].props.plan"), "events[0].props.plan");
    }

    #[test]
    fn long_pieces_are_cut_with_an_ellipsis() {
        let key = "k".repeat(10_000);
        let capped = cap_message(&format!("unknown field `{key}`, expected one of `ts`, `url`"));
        assert_eq!(
            capped,
            format!("unknown field `{}…`, expected one of `ts`, `url`", "k".repeat(64))
        );
        let value =
            format!("invalid type: string \"{}\\\"{}\", expected u64", "a".repeat(100), "b");
        let capped = cap_message(&value);
        assert!(
            capped.starts_with(&format!("invalid type: string \"{}…\"", "a".repeat(64))),
            "{capped}"
        );
        assert!(capped.ends_with(", expected u64"), "{capped}");
        let path = cap_path(&format!("events[0].props.{key}"));
        assert_eq!(path, format!("events[0].props.{}…", "k".repeat(64)));
    }

    #[test]
    fn cuts_respect_characters_and_the_total() {
        let s = "é".repeat(100);
        let c = cap(&s);
        assert!(c.len() <= MAX_ECHO + ELLIPSIS.len() && c.ends_with('…'));
        let unclosed = cap_message(&format!("oops `{}", "z".repeat(1000)));
        assert_eq!(unclosed, format!("oops `{}…", "z".repeat(64)));
        let many = cap_message(&"`a` ".repeat(1000));
        assert!(many.len() <= MAX_MESSAGE + ELLIPSIS.len());
        assert!(cap_path(&"a.".repeat(1000)).len() <= MAX_MESSAGE + ELLIPSIS.len());
    }
}
