//! `POST /lead.capture`: what a form (or a server holding an integration key) sends, and what it
//! gets back.

use crate::prelude::*;

use alloc::collections::BTreeMap;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::fill::FillSignals;
use super::locale::{FormMessages, is_language_tag, messages};
use super::rules::{self, Problem};
use crate::dashboard::forms::{FormDefinition, HiddenSource, is_form_id};
use crate::validate::{Invalid, Validate, invalid, max_len, opt_url, path};
use crate::{FingerprintId, SessionId, SiteKey, Utm, VisitorId, limits};

/// Largest accepted `POST /lead.capture` body, in bytes.
pub const MAX_LEAD_BODY_BYTES: usize = 64 * 1024;
/// Most entries of `fields` (visible and hidden fields together).
pub const MAX_SUBMITTED_FIELDS: usize = 70;
/// Longest hidden field value, in bytes (hidden values are URLs, UTM values, constants).
pub(crate) const MAX_HIDDEN_VALUE_LEN: usize = limits::MAX_URL_LEN;
/// Longest `Idempotency-Key` header, in bytes (Stripe's limit).
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// One submitted value: text (every field type but the two below), a boolean (checkbox) or a
/// number (a number field may also send its text, as an HTML input gives it).
///
/// JSON: `"jane@example.com"`, `true`, `3`
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    /// `"jane@example.com"`
    Text(String),
    /// `true`
    Bool(bool),
    /// `3` or `2.5`
    Number(f64),
}

impl FieldValue {
    /// The text of a text value.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(s) => Some(s),
            _ => None,
        }
    }
}

impl Serialize for FieldValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Text(v) => s.serialize_str(v),
            Self::Bool(v) => s.serialize_bool(*v),
            // Whole numbers print as `3`, as JSON.stringify does.
            // (no `f64::fract` without std: below 2^53 a whole number survives the i64 round trip)
            #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
            Self::Number(v) if v.abs() < 9_007_199_254_740_992.0 && (*v as i64) as f64 == *v => {
                s.serialize_i64(*v as i64)
            }
            Self::Number(v) => s.serialize_f64(*v),
        }
    }
}

impl<'de> Deserialize<'de> for FieldValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = FieldValue;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("a string, a number or a boolean")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FieldValue, E> {
                Ok(FieldValue::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<FieldValue, E> {
                Ok(FieldValue::Text(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<FieldValue, E> {
                Ok(FieldValue::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<FieldValue, E> {
                Ok(FieldValue::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FieldValue, E> {
                Ok(FieldValue::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<FieldValue, E> {
                Ok(FieldValue::Number(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// A lead form submission: `POST /lead.capture` (and the deprecated `POST /lead`, `POST /`).
///
/// A browser form is authenticated by its page's origin (one of the site's domains); a server
/// sends `X-API-Key: pgi_…` (an integration key) instead. `fields` holds the visible fields by
/// name and the hidden ones; the server checks them with the form's rules ([`check_fields`]),
/// sets constants itself and fills hidden UTM, referrer and landing values the browser did not
/// send from the linked session.
///
/// ```json
/// {
///   "form_id": "contact",
///   "site_key": "demo",
///   "submission_id": "2f4b6d8e-1a3c-4e5f-9a7b-0c1d2e3f4a5b",
///   "fields": { "email": "jane@example.com", "roof": "flat", "consent": true, "utm_source": "newsletter" },
///   "session_id": "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c",
///   "visitor_id": "5d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d",
///   "fingerprint": "3f1c2d4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d",
///   "utm": { "source": "newsletter", "campaign": "spring" },
///   "page_url": "https://shop.example/quote",
///   "referrer": "https://search.example/",
///   "fill_ms": 14250,
///   "fill": { "typed": 3, "keyless": 0, "autofilled": 0, "active_ms": 11800, "trusted_submit": true },
///   "honeypot": "",
///   "lang": "de"
/// }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadSubmission {
    /// The form (`/analytics/forms`). Example: `"contact"`.
    pub form_id: String,
    /// The form's site; checked against the form when given. Example: `"demo"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_key: Option<SiteKey>,
    /// Chosen by the form once per submission, so that a double submit (or a retry after a
    /// network error) makes one lead; an `Idempotency-Key` header takes precedence.
    /// Example: `"2f4b6d8e-1a3c-4e5f-9a7b-0c1d2e3f4a5b"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submission_id: Option<uuid::Uuid>,
    /// Values by field name (visible and hidden fields).
    /// Example: `{ "email": "jane@example.com", "consent": true }`.
    pub fields: BTreeMap<String, FieldValue>,
    /// The tracker's session on this page, linking the lead to its session and replay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<SessionId>,
    /// The tracker's visitor id, when consent allows one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_id: Option<VisitorId>,
    /// The tracker's fingerprint id, when consent allows one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<FingerprintId>,
    /// UTM parameters of the visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utm: Option<Utm>,
    /// The page the form is on (`http(s)` only). Example: `"https://shop.example/quote"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
    /// The page's referrer. Example: `"https://search.example/"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
    /// ms from the form's first render to the submit; under the form's `min_fill_ms` the lead's
    /// suspicion score rises by what [`fill`](Self::fill) tells of the fill. Example: `14250`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill_ms: Option<u64>,
    /// How the form was filled (keys, autofill, a script), as the form builder saw it.
    /// Example: `{ "typed": 3, "keyless": 0, "autofilled": 0, "active_ms": 11800, "trusted_submit": true }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill: Option<FillSignals>,
    /// The value of the hidden trap field (people leave it empty). Example: `""`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honeypot: Option<String>,
    /// The language the form was shown in (`FormConfig::lang`, a BCP 47 tag): a page's
    /// submission refused by the form's rules is answered with the field messages in the form's
    /// locale that best serves it (else the `Accept-Language` header's, else the form's default),
    /// the same texts the form shows. An integration-key caller gets English unless it sends
    /// `Accept-Language`. Example: `"de"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

impl Validate for LeadSubmission {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        if !is_form_id(&self.form_id) {
            return Err(invalid(prefix, "form_id", "must be 1 to 64 of a-z, 0-9, '-' or '_'"));
        }
        if self.fields.len() > MAX_SUBMITTED_FIELDS {
            return Err(invalid(
                prefix,
                "fields",
                format!("must have at most {MAX_SUBMITTED_FIELDS} entries"),
            ));
        }
        let at = path(prefix, "fields");
        for (name, value) in &self.fields {
            if name.is_empty() || name.len() > crate::dashboard::forms::MAX_FORM_NAME_LEN {
                return Err(invalid(&at, name, "is not a field name (1 to 64 bytes)"));
            }
            match value {
                // A generous byte cap before the per-field character rules.
                FieldValue::Text(s) => max_len(&at, name, s, 4 * rules::MAX_VALUE_CHARS as usize)?,
                FieldValue::Number(n) if !n.is_finite() => {
                    return Err(invalid(&at, name, "must be a finite number"));
                }
                _ => {}
            }
        }
        if let Some(utm) = &self.utm {
            utm.validate_at(&path(prefix, "utm"))?;
        }
        opt_url(prefix, "page_url", self.page_url.as_ref())?;
        opt_url(prefix, "referrer", self.referrer.as_ref())?;
        if let Some(fill) = &self.fill {
            let at = path(prefix, "fill");
            for (name, n) in
                [("typed", fill.typed), ("keyless", fill.keyless), ("autofilled", fill.autofilled)]
            {
                if n as usize > MAX_SUBMITTED_FIELDS {
                    return Err(invalid(
                        &at,
                        name,
                        format!("must be at most {MAX_SUBMITTED_FIELDS} (fields)"),
                    ));
                }
            }
        }
        if let Some(honeypot) = &self.honeypot {
            max_len(prefix, "honeypot", honeypot, limits::MAX_VALUE_LEN)?;
        }
        if let Some(lang) = &self.lang
            && !is_language_tag(lang)
        {
            return Err(invalid(prefix, "lang", "must be a BCP 47 language tag, like de or pt-BR"));
        }
        Ok(())
    }
}

/// Checks every submitted value against `form`: each visible field by the [`rules`], each hidden
/// field's shape (text; a URL for the page, landing page and referrer sources), and no name the
/// form does not define. The first problem is returned with its field path (`fields.email`) and
/// the visitor-facing message in English (see [`check_fields_in`]).
pub fn check_fields(
    form: &FormDefinition,
    fields: &BTreeMap<String, FieldValue>,
    matches: &mut dyn FnMut(&str, &str) -> bool,
) -> Result<(), Invalid> {
    check_fields_in(form, fields, &messages("en"), matches)
}

/// [`check_fields`] with a visible field's problem told in `messages` (the form's locale's, as
/// [`FormConfig`](super::FormConfig) answers them to the form builder): the texts the form shows
/// under its fields. A problem only a script can cause (a checkbox sent as text, a hidden field
/// or a name the form lacks) stays in English: it is for the developer.
pub fn check_fields_in(
    form: &FormDefinition,
    fields: &BTreeMap<String, FieldValue>,
    messages: &FormMessages,
    matches: &mut dyn FnMut(&str, &str) -> bool,
) -> Result<(), Invalid> {
    for name in fields.keys() {
        let known = form.fields.iter().any(|f| &f.name == name)
            || form.hidden_fields.iter().any(|h| &h.name == name);
        if !known {
            return Err(invalid(
                "fields",
                name,
                format!("is not a field of form {}", form.form_id),
            ));
        }
    }
    for field in &form.fields {
        rules::check(field, fields.get(&field.name), matches).map_err(|problem: Problem| {
            invalid("fields", &field.name, messages.message(problem, field.field_type))
        })?;
    }
    for hidden in &form.hidden_fields {
        match fields.get(&hidden.name) {
            None => {}
            Some(FieldValue::Text(value)) => {
                max_len("fields", &hidden.name, value, MAX_HIDDEN_VALUE_LEN)?;
                let url_source = matches!(
                    hidden.source,
                    HiddenSource::PageUrl | HiddenSource::LandingPage | HiddenSource::Referrer
                );
                if url_source && !value.is_empty() && !crate::is_web_url(value) {
                    return Err(invalid("fields", &hidden.name, "must be an absolute http(s) URL"));
                }
            }
            Some(_) => return Err(invalid("fields", &hidden.name, "must be text")),
        }
    }
    Ok(())
}

/// Whether an `Idempotency-Key` header value is usable: 1 to 255 visible ASCII characters.
pub fn is_idempotency_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= MAX_IDEMPOTENCY_KEY_LEN
        && key.bytes().all(|b| b.is_ascii_graphic())
}

/// The answer to an accepted submission (`201`), the same whether the lead was new, a repeat of
/// an earlier submission (then with `Idempotent-Replayed: true`), or quietly set aside as spam or
/// from a blocked address: a bot learns nothing from it.
///
/// ```json
/// { "ok": true, "lead_id": "ld_4f3a9c0d2b1e8f7a6c5d4e3f2a1b0c9d" }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadAccepted {
    /// Always `true`.
    pub ok: bool,
    /// The lead's public id (`ld_` + 32 hex digits). Example: `"ld_4f3a9c0d2b1e8f7a6c5d4e3f2a1b0c9d"`.
    pub lead_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboard::forms::FormDefinition;

    const FORM: &str = r#"{"form_id":"contact","site_key":"demo","name":"Contact","fields":[
        {"name":"email","label":"Email","type":"email","required":true},
        {"name":"phone","label":"Phone","type":"tel","pattern":"\\+49.*"},
        {"name":"consent","label":"I agree","type":"checkbox","required":true},
        {"name":"roof","label":"Roof","type":"radio","options":[{"value":"flat","label":"Flat"}]}],
        "hidden_fields":[{"name":"utm_source","source":"utm_source"},{"name":"page","source":"page_url"}]}"#;

    fn form() -> FormDefinition {
        serde_json::from_str(FORM).unwrap()
    }

    fn submission(json: &str) -> LeadSubmission {
        serde_json::from_str(json).unwrap()
    }

    fn js(_: &str, v: &str) -> bool {
        v.starts_with("+49")
    }

    #[test]
    fn values_keep_their_json_type() {
        let s = submission(
            r#"{"form_id":"contact","fields":{"email":"a@b.co","consent":true,"n":3,"x":2.5}}"#,
        );
        assert_eq!(s.fields["consent"], FieldValue::Bool(true));
        assert_eq!(s.fields["n"], FieldValue::Number(3.0));
        assert_eq!(
            serde_json::to_string(&s.fields).unwrap(),
            r#"{"consent":true,"email":"a@b.co","n":3,"x":2.5}"#
        );
        let nested = serde_json::from_str::<LeadSubmission>(
            r#"{"form_id":"contact","fields":{"email":{"x":1}}}"#,
        );
        assert!(nested.unwrap_err().to_string().contains("a string, a number or a boolean"));
        let null = serde_json::from_str::<LeadSubmission>(
            r#"{"form_id":"contact","fields":{"email":null}}"#,
        );
        assert!(null.is_err());
    }

    #[test]
    fn the_envelope_is_checked() {
        assert_eq!(
            submission(r#"{"form_id":"Contact Us","fields":{}}"#).validate().unwrap_err().field,
            "form_id"
        );
        let js_url = submission(r#"{"form_id":"c","fields":{},"page_url":"javascript:alert(1)"}"#);
        assert_eq!(js_url.validate().unwrap_err().field, "page_url");
        let long_name = format!(r#"{{"form_id":"c","fields":{{"{}":"x"}}}}"#, "n".repeat(65));
        assert!(submission(&long_name).validate().unwrap_err().field.starts_with("fields."));
        assert!(
            serde_json::from_str::<LeadSubmission>(r#"{"form_id":"c","fields":{},"extra":1}"#)
                .is_err()
        );
        assert!(
            serde_json::from_str::<LeadSubmission>(
                r#"{"form_id":"c","fields":{},"fingerprint":"abc"}"#
            )
            .is_err()
        );
        let many = submission(r#"{"form_id":"c","fields":{},"fill":{"keyless":71}}"#);
        assert_eq!(many.validate().unwrap_err().field, "fill.keyless");
        let ok =
            submission(r#"{"form_id":"c","fields":{"a":"b"},"utm":{"source":"x"},"fill_ms":5}"#);
        assert_eq!(ok.validate(), Ok(()));
    }

    #[test]
    fn fields_follow_the_forms_rules() {
        let f = form();
        let check = |json: &str| {
            let s = submission(json);
            check_fields(&f, &s.fields, &mut js).map_err(|e| (e.field, e.reason))
        };
        assert_eq!(
            check(r#"{"form_id":"contact","fields":{"email":"jane@example.com","consent":true}}"#),
            Ok(())
        );
        assert_eq!(
            check(r#"{"form_id":"contact","fields":{"consent":true}}"#),
            Err(("fields.email".into(), "Please fill in this field.".into()))
        );
        assert_eq!(
            check(
                r#"{"form_id":"contact","fields":{"email":"jane@example.com","consent":true,"phone":"+1 415 555 0112"}}"#
            ),
            Err(("fields.phone".into(), "Please match the requested format.".into()))
        );
        assert_eq!(
            check(r#"{"form_id":"contact","fields":{"email":"jane@example.com","consent":false}}"#),
            Err(("fields.consent".into(), "Please tick this box.".into()))
        );
        assert_eq!(
            check(
                r#"{"form_id":"contact","fields":{"email":"jane@example.com","consent":true,"admin":"1"}}"#
            ),
            Err(("fields.admin".into(), "is not a field of form contact".into()))
        );
        assert_eq!(
            check(r#"{"form_id":"contact","fields":{"email":"jane@example.com","consent":true,"page":"data:x"}}"#).unwrap_err().0,
            "fields.page"
        );
        assert_eq!(
            check(r#"{"form_id":"contact","fields":{"email":"jane@example.com","consent":true,"utm_source":7}}"#).unwrap_err().0,
            "fields.utm_source"
        );
        assert_eq!(
            check(r#"{"form_id":"contact","fields":{"email":"jane@example.com","consent":true,"roof":"dome"}}"#).unwrap_err().1,
            "Please choose one of the options."
        );
    }

    #[test]
    fn refused_fields_are_told_in_the_forms_language() {
        let f = form();
        let german = messages("de");
        let check = |json: &str, m: &FormMessages| {
            let s = submission(json);
            check_fields_in(&f, &s.fields, m, &mut js).map_err(|e| (e.field, e.reason))
        };
        assert_eq!(
            check(r#"{"form_id":"contact","fields":{"consent":true}}"#, &german),
            Err(("fields.email".into(), "Bitte füllen Sie dieses Feld aus.".into()))
        );
        let bad_phone = r#"{"form_id":"contact","fields":{"email":"jane@example.com","consent":true,"phone":"+1 415 555 0112"}}"#;
        assert_eq!(
            check(bad_phone, &german).unwrap_err().1,
            "Bitte halten Sie sich an das verlangte Format."
        );
        assert_eq!(
            check(bad_phone, &messages("fr")).unwrap_err().1,
            "Veuillez respecter le format demandé."
        );
        assert_eq!(
            check(
                r#"{"form_id":"contact","fields":{"email":"jane@example.com","consent":false}}"#,
                &german
            )
            .unwrap_err()
            .1,
            "Bitte setzen Sie hier ein Häkchen."
        );
        let long = format!(
            r#"{{"form_id":"contact","fields":{{"email":"{}@example.com","consent":true}}}}"#,
            "a".repeat(300)
        );
        assert_eq!(
            check(&long, &german).unwrap_err().1,
            "Bitte verwenden Sie höchstens 254 Zeichen."
        );
        // What only a script sends, and the names the form lacks, stay in English for the developer.
        assert_eq!(
            check(
                r#"{"form_id":"contact","fields":{"email":"jane@example.com","consent":"yes"}}"#,
                &german
            )
            .unwrap_err()
            .1,
            "must be true or false"
        );
        assert_eq!(
            check(r#"{"form_id":"contact","fields":{"email":"jane@example.com","consent":true,"admin":"1"}}"#, &german)
                .unwrap_err().1,
            "is not a field of form contact"
        );
        // English through either door is the same text.
        let english = r#"{"form_id":"contact","fields":{"consent":true}}"#;
        assert_eq!(
            check(english, &messages("en")),
            check_fields(&f, &submission(english).fields, &mut js).map_err(|e| (e.field, e.reason))
        );
    }

    #[test]
    fn the_forms_language_is_a_language_tag() {
        let ok = submission(r#"{"form_id":"c","fields":{},"lang":"pt-BR"}"#);
        assert_eq!(ok.validate(), Ok(()));
        for bad in ["de_DE", "", "<b>", "deutsch-x"] {
            let json = format!(r#"{{"form_id":"c","fields":{{}},"lang":"{bad}"}}"#);
            assert_eq!(submission(&json).validate().unwrap_err().field, "lang", "{bad}");
        }
    }

    #[test]
    fn idempotency_keys() {
        assert!(is_idempotency_key("2f4b6d8e-1a3c-4e5f-9a7b-0c1d2e3f4a5b"));
        assert!(!is_idempotency_key(""));
        assert!(!is_idempotency_key("has space"));
        assert!(!is_idempotency_key(&"k".repeat(256)));
    }
}
