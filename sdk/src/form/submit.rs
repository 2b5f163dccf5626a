//! The `POST /lead.capture` body (`pulsegate_schema::lead::LeadSubmission`): the visible values,
//! the hidden values the browser knows, the tracker's session, visitor and fingerprint when
//! `window.PulseGate` runs on the page (so the lead is linked to its session and replay), UTM,
//! the page, the trap input's value, the fill time with how the form was filled, and the form's
//! language (so a refused field's message comes back in it).
//!
//! The wasm decides what goes in (the tracker's ids, checked; the page URL and referrer cleaned
//! as the tracker cleans them; the limits of the UTM values and the trap's; the fill signals but
//! the count of autofilled fields, a browser read like the values), and `js/form-view.js` writes
//! the JSON with `JSON.stringify` around the values it reads: written in the wasm, the JSON text
//! (a string escaper and a writer per member, the values loop, the hidden fields' mapping) cost
//! more than twice its JS. The UTM parameters are read there too
//! (`URLSearchParams`, cut to the schema's limit the wasm passes): a query parser and a
//! percent-decoder in the wasm cost more than that call. The browser tests parse every body the form
//! sends into the schema's type (`deny_unknown_fields`), so the two cannot drift apart unnoticed.

use core::mem::ManuallyDrop;

use pulsegate_schema::FingerprintId;
use pulsegate_schema::lead::FillSignals;
use pulsegate_schema::limits;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use super::config::item;
use super::view::View;
use crate::ids::is_uuid;
use crate::text::uuid_text;
use crate::url;

/// Everything one submission carries besides the form's values.
#[derive(Debug)]
pub(crate) struct Envelope {
    pub(crate) submission_id: [u8; 16],
    /// What [`page`] answered: the page's URL and referrer, the tracker's ids.
    pub(crate) page: JsValue,
    pub(crate) fill_ms: u64,
    /// How the form was filled (keys, autofill, a script).
    pub(crate) fill: FillSignals,
}

#[wasm_bindgen(module = "/js/form-view.js")]
extern "C" {
    /// `[location.href, document.referrer, session id, visitor id, fingerprint id, starting]`
    /// from the page and `tracker` (else `window.PulseGate`): the ids unchecked, `starting` when
    /// the tracker is loading and has no session yet. See `js/form-view.js`.
    pub(crate) fn page(tracker: &JsValue) -> JsValue;
    /// The submission's JSON text: the view's values, the page's UTM parameters (each cut to
    /// `max_utm` bytes), the hidden fields (from those, the page URL and the referrer), the trap
    /// input's value (cut to `max_honeypot` bytes), the count of autofilled fields, the tracker's
    /// ids of `page` (what [`page`] answered) that the wasm found well-formed (bit 0 the session
    /// id, 1 the visitor id, 2 the fingerprint id: handed back as bits, not as the texts it read),
    /// and what else the wasm passes (see `js/form-view.js`).
    /// Sends it: `POST <endpoint>/lead.capture` (the endpoint `load` put in the config), the
    /// request's promise (`undefined` when the page's `fetch` threw).
    #[wasm_bindgen(js_name = send)]
    fn write(
        view: &JsValue,
        submission_id: &str,
        page: &JsValue,
        ids: i32,
        max_honeypot: i32,
        fill_ms: f64,
        typed: i32,
        keyless: i32,
        active_ms: Option<f64>,
        trusted_submit: bool,
        max_utm: i32,
        page_url: Option<&str>,
        referrer: Option<&str>,
    ) -> JsValue;
}

/// Sends the submission of `view`'s current values (a `LeadSubmission`): the request's promise.
pub(crate) fn send(view: &View, envelope: &Envelope) -> JsValue {
    // Never dropped (a few texts per submission): no drop of a text is linked here.
    let at = |i| ManuallyDrop::new(item(&envelope.page, i).as_string());
    // The page URL without its fragment and credential-like parameters, as the tracker sends it
    // (cut to the schema's limit).
    let clean = |i| ManuallyDrop::new(at(i).as_deref().and_then(|url| url::clean(url, "", false)));
    // Which of the tracker's ids are well-formed, as bits: JS sends those as the tracker gave
    // them (the server reads a UUID in either case).
    let uuid = |i| at(i).as_deref().is_some_and(is_uuid);
    let fingerprint = at(4).as_deref().is_some_and(FingerprintId::is_valid);
    let ids = i32::from(uuid(2)) | (i32::from(uuid(3)) << 1) | (i32::from(fingerprint) << 2);
    let fill = &envelope.fill;
    write(
        view.js(),
        &ManuallyDrop::new(uuid_text(&envelope.submission_id)),
        &envelope.page,
        ids,
        limits::MAX_VALUE_LEN as i32,
        envelope.fill_ms as f64,
        fill.typed as i32,
        fill.keyless as i32,
        fill.active_ms.map(|ms| ms as f64),
        fill.trusted_submit,
        limits::MAX_TEXT_LEN as i32,
        clean(0).as_deref(),
        clean(1).as_deref(),
    )
}
