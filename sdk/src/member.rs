//! JSON object members written as text, the pieces shared by the tracker's request bodies
//! (`wire.rs`) and the lead form's submission (`form/submit.rs`): a member's name, and a text or
//! number member. Each writer is out of line so that its call sites stay small.

use alloc::string::String;

use pulsegate_schema::push_json_string;

use crate::text::push_u64;

/// `,"name":` (no comma when it opens its object). The name is escaped: a form's field names come
/// from its configuration.
#[inline(never)]
pub(crate) fn key(out: &mut String, name: &str) {
    if !out.ends_with('{') {
        out.push(',');
    }
    push_json_string(out, name);
    out.push(':');
}

/// `"name":"value"`.
#[inline(never)]
pub(crate) fn text(out: &mut String, name: &str, value: &str) {
    key(out, name);
    push_json_string(out, value);
}

/// `"name":n`.
#[inline(never)]
pub(crate) fn number(out: &mut String, name: &str, n: u64) {
    key(out, name);
    push_u64(out, n);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_comma_separated_and_escaped() {
        let mut out = String::from("{");
        text(&mut out, "a\"b", "x\ny");
        number(&mut out, "n", 42);
        key(&mut out, "k");
        out.push_str("true}");
        assert_eq!(out, r#"{"a\"b":"x\ny","n":42,"k":true}"#);
    }
}
