//! The `POST /lead.capture` body (`pulsegate_schema::lead::LeadSubmission`): the visible values,
//! the hidden values the browser knows, the tracker's session, visitor and fingerprint when
//! `window.PulseGate` runs on the page (so the lead is linked to its session and replay), UTM,
//! the page, the trap input's value, the fill time with how the form was filled, and the form's
//! language (so a refused field's message comes back in it).
//!
//! Written as JSON text directly rather than built as a `LeadSubmission` and serialized: the
//! struct's serde code with its `BTreeMap` of values and the uuid's serializer were a quarter of
//! the form's wasm. The browser tests parse every body the form sends into the schema's type
//! (`deny_unknown_fields`), so the two cannot drift apart unnoticed.

use alloc::string::String;

use pulsegate_schema::lead::{FieldValue, FillSignals};
use pulsegate_schema::limits::{self, truncate};
use pulsegate_schema::{FingerprintId, HiddenSource, SiteKey};
use wasm_bindgen::JsValue;

use super::config::Config;
use super::view::View;
use crate::ids::parse_uuid;
use crate::js::{call0, get, object, text};
use crate::member::{key, number as number_member, text as text_member};
use crate::text::uuid_text;
use crate::url;

/// The tracker's ids on this page, read from its public API (`getSessionId()`,
/// `getVisitorId()`, and the fingerprint from `_state()`); all `None` without a tracker.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Tracking {
    pub(crate) session_id: Option<[u8; 16]>,
    pub(crate) visitor_id: Option<[u8; 16]>,
    /// A well-formed fingerprint id (64 hex digits).
    pub(crate) fingerprint: Option<String>,
}

/// Reads [`Tracking`] from the tracker's API object (`window.PulseGate`, or the npm package's).
pub(crate) fn tracking(tracker: &JsValue) -> Tracking {
    let Some(pg) = object(tracker.clone()) else { return Tracking::default() };
    let uuid = |method: &str| call0(&pg, method).as_string().as_deref().and_then(parse_uuid);
    let fingerprint = object(call0(&pg, "_state"))
        .and_then(|state| text(&get(&state, "fingerprint"), "id"))
        .filter(|id| FingerprintId::parse(id).is_ok());
    Tracking { session_id: uuid("getSessionId"), visitor_id: uuid("getVisitorId"), fingerprint }
}

/// What the page tells about itself.
#[derive(Debug, Default)]
pub(crate) struct Page {
    /// `location.href`.
    pub(crate) href: String,
    /// `document.referrer`.
    pub(crate) referrer: String,
}

/// Everything one submission carries besides the form's values.
#[derive(Debug)]
pub(crate) struct Envelope<'a> {
    pub(crate) form_id: &'a str,
    pub(crate) site_key: &'a SiteKey,
    pub(crate) submission_id: [u8; 16],
    pub(crate) page: Page,
    pub(crate) tracking: Tracking,
    pub(crate) fill_ms: u64,
    /// How the form was filled (keys, autofill, a script).
    pub(crate) fill: FillSignals,
}

/// `"name":true` or `false`.
fn flag_member(out: &mut String, name: &str, on: bool) {
    key(out, name);
    out.push_str(if on { "true" } else { "false" });
}

/// The JSON text of the submission of `values`, `view`'s current ones (a `LeadSubmission`).
pub(crate) fn body(
    config: &Config,
    view: &View,
    values: &[Option<FieldValue>],
    envelope: &Envelope<'_>,
) -> String {
    let mut out = String::from("{");
    let o = &mut out;
    text_member(o, "form_id", envelope.form_id);
    text_member(o, "site_key", envelope.site_key.as_str());
    text_member(o, "submission_id", &uuid_text(&envelope.submission_id));
    key(o, "fields");
    o.push('{');
    for (field, value) in view.fields.iter().zip(values) {
        let name = &field.field.name;
        match value {
            Some(FieldValue::Text(value)) => text_member(o, name, value),
            Some(FieldValue::Bool(on)) => flag_member(o, name, *on),
            // The view gives text and booleans only; a number field sends its text.
            Some(FieldValue::Number(_)) | None => {}
        }
    }
    // The page URL without its fragment and credential-like parameters, as the tracker sends it.
    let page_url = url::clean(&envelope.page.href, &[], false);
    let referrer = url::clean(&envelope.page.referrer, &[], false);
    let utm = url::utm(&envelope.page.href).unwrap_or_default();
    for (name, source) in &config.hidden {
        let value = match source {
            HiddenSource::UtmSource => &utm.source,
            HiddenSource::UtmMedium => &utm.medium,
            HiddenSource::UtmCampaign => &utm.campaign,
            HiddenSource::UtmTerm => &utm.term,
            HiddenSource::UtmContent => &utm.content,
            HiddenSource::PageUrl => &page_url,
            HiddenSource::Referrer => &referrer,
            // The session's landing page and the constants are the server's to fill.
            HiddenSource::LandingPage | HiddenSource::Constant => &None,
        };
        if let Some(value) = value {
            let mut value = value.clone();
            truncate(&mut value, limits::MAX_URL_LEN);
            text_member(o, name, &value);
        }
    }
    o.push('}');
    let tracking = &envelope.tracking;
    for (name, id) in [("session_id", &tracking.session_id), ("visitor_id", &tracking.visitor_id)] {
        if let Some(id) = id {
            text_member(o, name, &uuid_text(id));
        }
    }
    if let Some(fingerprint) = &tracking.fingerprint {
        text_member(o, "fingerprint", fingerprint);
    }
    if !utm.is_empty() {
        key(o, "utm");
        o.push('{');
        for (name, value) in [
            ("source", &utm.source),
            ("medium", &utm.medium),
            ("campaign", &utm.campaign),
            ("term", &utm.term),
            ("content", &utm.content),
        ] {
            if let Some(value) = value {
                text_member(o, name, value);
            }
        }
        o.push('}');
    }
    for (name, value) in [("page_url", &page_url), ("referrer", &referrer)] {
        if let Some(value) = value {
            text_member(o, name, value);
        }
    }
    number_member(o, "fill_ms", envelope.fill_ms);
    let fill = &envelope.fill;
    key(o, "fill");
    o.push('{');
    number_member(o, "typed", fill.typed.into());
    number_member(o, "keyless", fill.keyless.into());
    number_member(o, "autofilled", fill.autofilled.into());
    if let Some(ms) = fill.active_ms {
        number_member(o, "active_ms", ms);
    }
    flag_member(o, "trusted_submit", fill.trusted_submit);
    o.push('}');
    let mut honeypot = view.honeypot();
    truncate(&mut honeypot, limits::MAX_VALUE_LEN);
    text_member(o, "honeypot", &honeypot);
    // The form's language: a refusal's field messages come back in it.
    text_member(o, "lang", &config.lang);
    o.push('}');
    out
}
