//! The `POST /lead.capture` body (`pulsegate_schema::lead::LeadSubmission`): the visible values,
//! the hidden values the browser knows, the tracker's session, visitor and fingerprint when
//! `window.PulseGate` runs on the page (so the lead is linked to its session and replay), UTM,
//! the page, the trap input's value, the fill time with how the form was filled, and the form's
//! language (so a refused field's message comes back in it).

use alloc::collections::BTreeMap;
use alloc::string::String;

use pulsegate_schema::lead::{FieldValue, FillSignals, LeadSubmission};
use pulsegate_schema::limits::{self, truncate};
use pulsegate_schema::{FingerprintId, HiddenSource, SessionId, SiteKey, VisitorId};
use wasm_bindgen::JsValue;

use super::config::Config;
use super::view::View;
use crate::ids::parse_uuid;
use crate::js::{call0, get, object, text};
use crate::url;

/// The tracker's ids on this page, read from its public API (`getSessionId()`,
/// `getVisitorId()`, and the fingerprint from `_state()`); all `None` without a tracker.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Tracking {
    pub(crate) session_id: Option<SessionId>,
    pub(crate) visitor_id: Option<VisitorId>,
    pub(crate) fingerprint: Option<FingerprintId>,
}

/// Reads [`Tracking`] from the tracker's API object (`window.PulseGate`, or the npm package's).
pub(crate) fn tracking(tracker: &JsValue) -> Tracking {
    let Some(pg) = object(tracker.clone()) else { return Tracking::default() };
    let uuid = |method: &str| call0(&pg, method).as_string().as_deref().and_then(parse_uuid);
    let fingerprint = object(call0(&pg, "_state"))
        .and_then(|state| text(&get(&state, "fingerprint"), "id"))
        .and_then(|id| FingerprintId::parse(&id).ok());
    Tracking {
        session_id: uuid("getSessionId").map(SessionId::from_bytes),
        visitor_id: uuid("getVisitorId").map(VisitorId::from_bytes),
        fingerprint,
    }
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

/// The submission of `view`'s current values.
pub(crate) fn submission(config: &Config, view: &View, envelope: Envelope<'_>) -> LeadSubmission {
    let mut fields = BTreeMap::new();
    for field in &view.fields {
        if let Some(value) = field.value() {
            fields.insert(field.field.name.clone(), value);
        }
    }
    // The page URL without its fragment and credential-like parameters, as the tracker sends it.
    let page_url = url::clean(&envelope.page.href, &[], false);
    let referrer = url::clean(&envelope.page.referrer, &[], false);
    let utm = url::utm(&envelope.page.href);
    for (name, source) in &config.hidden {
        let value = match source {
            HiddenSource::UtmSource => utm.as_ref().and_then(|u| u.source.clone()),
            HiddenSource::UtmMedium => utm.as_ref().and_then(|u| u.medium.clone()),
            HiddenSource::UtmCampaign => utm.as_ref().and_then(|u| u.campaign.clone()),
            HiddenSource::UtmTerm => utm.as_ref().and_then(|u| u.term.clone()),
            HiddenSource::UtmContent => utm.as_ref().and_then(|u| u.content.clone()),
            HiddenSource::PageUrl => page_url.clone(),
            HiddenSource::Referrer => referrer.clone(),
            // The session's landing page and the constants are the server's to fill.
            HiddenSource::LandingPage | HiddenSource::Constant => None,
        };
        if let Some(mut value) = value {
            truncate(&mut value, limits::MAX_URL_LEN);
            fields.insert(name.clone(), FieldValue::Text(value));
        }
    }
    let mut honeypot = view.honeypot();
    truncate(&mut honeypot, limits::MAX_VALUE_LEN);
    LeadSubmission {
        form_id: envelope.form_id.into(),
        site_key: Some(envelope.site_key.clone()),
        submission_id: Some(uuid::Uuid::from_bytes(envelope.submission_id)),
        fields,
        session_id: envelope.tracking.session_id,
        visitor_id: envelope.tracking.visitor_id,
        fingerprint: envelope.tracking.fingerprint,
        utm,
        page_url,
        referrer,
        fill_ms: Some(envelope.fill_ms),
        fill: Some(envelope.fill),
        honeypot: Some(honeypot),
        // The form's language: a refusal's field messages come back in it.
        lang: Some(config.lang.clone()),
    }
}
