//! Property tests that feed the parsers arbitrary input: raw bytes and arbitrary JSON to the body
//! reader for every ingest and lead type, mutations of valid bodies, and arbitrary strings to every
//! parser of client or config text. None may panic; every rejection must be a 4xx; everything accepted
//! must validate, sanitize and summarise. CI runs 2,000 cases per property (`PROPTEST_CASES`
//! changes it); `cargo xtask fuzz [seconds]` runs them in rounds for as long as asked.

use proptest::prelude::*;
use proptest::test_runner::Config;
use pulsegate_schema::{EventBatch, SessionEnd, SessionStart, SingleEvent, Validate};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::body;
use crate::error::ApiError;
use crate::sanitize::Sanitize;
use crate::track::summary::{BatchSummary, SessionTotals};

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000);
    Config { cases, failure_persistence: None, ..Config::default() }
}

/// Parses `bytes` as `T`; a rejection must be a client error, never a 5xx.
fn parse_is_safe<T: DeserializeOwned + Validate>(bytes: &[u8]) -> Option<T> {
    match body::parse::<T>(bytes) {
        Ok(value) => Some(value),
        Err(err) => {
            assert!((400..500).contains(&err.status()), "{err:?}");
            assert!(
                matches!(err, ApiError::MalformedJson(_) | ApiError::InvalidField { .. }),
                "{err:?}"
            );
            let body = err.body().error;
            assert!(body.message.len() <= crate::echo::MAX_MESSAGE + 3);
            assert!(body.field.is_none_or(|f| f.len() <= crate::echo::MAX_MESSAGE + 3));
            None
        }
    }
}

/// Whatever is accepted validates, sanitizes into inert text and summarises.
fn accepted_is_sound(bytes: &[u8]) {
    if let Some(mut start) = parse_is_safe::<SessionStart>(bytes) {
        assert_eq!(start.validate(), Ok(()));
        start.sanitize();
        assert!(!serde_json::to_string(&start).unwrap().contains('<'));
    }
    let batches = [
        parse_is_safe::<EventBatch>(bytes),
        parse_is_safe::<SingleEvent>(bytes).map(SingleEvent::into_batch),
    ];
    for mut batch in batches.into_iter().flatten() {
        assert_eq!(batch.validate(), Ok(()));
        batch.sanitize();
        assert!(!serde_json::to_string(&batch).unwrap().contains('<'));
        let summary = BatchSummary::of(&batch, 1);
        if let Some(meta) = summary.to_metadata() {
            assert_eq!(BatchSummary::from_metadata(&meta).as_ref(), Some(&summary));
        }
        assert_eq!(SessionTotals::of([&summary]).events, batch.events.len() as u64);
    }
    if let Some(end) = parse_is_safe::<SessionEnd>(bytes) {
        assert_eq!(end.validate(), Ok(()));
    }
}

/// A form with every field type, for lead submissions to be checked against.
fn lead_form() -> pulsegate_schema::FormDefinition {
    serde_json::from_value(json!({
        "form_id": "contact", "site_key": "demo", "name": "Contact",
        "fields": [
            { "name": "email", "label": "Email", "type": "email", "required": true },
            { "name": "phone", "label": "Phone", "type": "tel", "pattern": "x" },
            { "name": "name", "label": "Name", "type": "text", "max_length": 20 },
            { "name": "notes", "label": "Notes", "type": "textarea" },
            { "name": "site", "label": "Site", "type": "url" },
            { "name": "n", "label": "N", "type": "number" },
            { "name": "d", "label": "D", "type": "date" },
            { "name": "roof", "label": "Roof", "type": "select", "options": [{ "value": "flat", "label": "Flat" }] },
            { "name": "ok", "label": "OK", "type": "checkbox" }
        ],
        "hidden_fields": [{ "name": "page", "source": "page_url" }, { "name": "c", "source": "constant", "value": "k" }]
    }))
    .unwrap()
}

/// A lead submission that parses is checked against the form, prepared and stored inert, and
/// yields a contact, an identity and an idempotency key, without panicking.
fn lead_is_sound(bytes: &[u8]) {
    use pulsegate_schema::lead::{LeadSubmission, check_fields};
    if let Some(mut s) = parse_is_safe::<LeadSubmission>(bytes) {
        let form = lead_form();
        let checked = check_fields(&form, &s.fields, &mut |_, v| v.len() % 2 == 0);
        let key = crate::lead::values::idempotency_key(None, &s);
        assert!(key.len() < 400);
        crate::lead::values::prepare(&form, &mut s, &crate::lead::values::SessionFacts::default());
        assert!(!serde_json::to_string(&s).unwrap().contains('<'));
        if checked.is_ok() {
            let contact = crate::lead::values::contact(&form, &s);
            assert!(contact.email.as_deref().is_some_and(pulsegate_schema::lead::is_email));
            assert!(contact.identity().is_some_and(|i| i.starts_with("email:")));
        }
    }
    let _ = parse_is_safe::<pulsegate_schema::lead::CrmCallback>(bytes);
    let _ = parse_is_safe::<pulsegate_schema::lead::MakeCallback>(bytes);
    let _ = parse_is_safe::<pulsegate_schema::lead::CrmActivityEvent>(bytes);
    let _ = parse_is_safe::<pulsegate_schema::NewIpEntry>(bytes);
    let _ = parse_is_safe::<pulsegate_schema::NewTestingRule>(bytes);
}

/// A valid lead submission, to mutate.
fn valid_lead() -> Value {
    json!({
        "form_id": "contact", "site_key": "demo", "submission_id": "2f4b6d8e-1a3c-4e5f-9a7b-0c1d2e3f4a5b",
        "fields": { "email": "jane@example.com", "phone": "+49 30 1234567", "name": "Jane", "notes": "hi",
                    "site": "https://jane.example/", "n": 3, "d": "2025-11-25", "roof": "flat", "ok": true,
                    "page": "https://shop.example/quote" },
        "session_id": "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c", "visitor_id": "5d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d",
        "fingerprint": "ab".repeat(32), "utm": { "source": "s" }, "page_url": "https://shop.example/quote",
        "referrer": "https://s.example/", "fill_ms": 5000, "honeypot": ""
    })
}

/// Arbitrary JSON, hostile strings and extreme numbers included, nested a few levels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |f| f.is_finite())
            .prop_map(Value::from),
        "(?s).{0,40}".prop_map(Value::from),
        prop_oneof![
            Just("<script>alert(1)</script>"),
            Just("javascript:alert(1)"),
            Just("'); DROP TABLE sessions; --"),
            Just("\u{202E}\u{0}\u{FEFF}"),
            Just("https://a.example/"),
            Just("0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c"),
            Just("pageview"),
            Just("custom"),
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,12}", inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Valid bodies of each type, to mutate.
fn valid_bodies() -> Vec<Value> {
    let ids = json!({
        "batch_id": "7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
        "session_id": "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c",
        "session_started_at": 1_764_097_200_000_u64,
        "sent_at": 1_764_097_205_000_u64,
    });
    let events = json!([
        { "type": "pageview", "ts": 1, "url": "https://shop.example/pricing", "title": "Pricing" },
        { "type": "click", "ts": 2, "selector": "main > a", "x": 1, "y": 2, "href": "https://b.example/", "outbound": true },
        { "type": "rage_click", "ts": 3, "selector": "b", "x": 1, "y": 2, "clicks": 4 },
        { "type": "scroll", "ts": 4, "percent": 50 },
        { "type": "engagement", "ts": 5, "engaged_ms": 1000 },
        { "type": "form_interaction", "ts": 6, "form_id": "f", "action": "submit", "filled": 2, "fields": 3 },
        { "type": "custom", "ts": 7, "name": "n", "props": { "a": "b", "c": 1, "d": true, "e": null } },
        { "type": "identify", "ts": 8, "user_id": "u", "traits": { "x": 1 } },
        { "type": "error", "ts": 9, "message": "m", "source": "https://a.example/app.js", "line": 1, "column": 2, "rejection": true }
    ]);
    let mut batch = ids.clone();
    batch["events"] = events.clone();
    let mut single = ids;
    single["event"] = events[6].clone();
    vec![
        json!({
            "session_id": "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c", "site_key": "demo", "started_at": 1_764_097_200_000_u64,
            "page": { "url": "https://shop.example/", "referrer": "https://s.example/", "title": "t" },
            "device": { "language": "en", "timezone": "Europe/Berlin", "screen_width": 1, "pixel_ratio": 2.0,
                        "languages": ["en"], "device_class": "mobile" },
            "visitor_id": "5d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d", "consent": "analytics",
            "utm": { "source": "s" }, "fingerprint": { "id": "ab".repeat(32), "confidence": 5, "sources": 1, "ms": 1 },
            "bot": ["webdriver"]
        }),
        batch,
        single,
        json!({ "session_id": "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c", "session_started_at": 1, "ended_at": 2, "engaged_ms": 3 }),
    ]
}

/// Replaces the value at a pseudo-random path of `v` (chosen by `pick`) with `with`.
fn mutate(v: &mut Value, pick: u64, with: Value) {
    let index = match &*v {
        Value::Object(m) if !m.is_empty() && !pick.is_multiple_of(3) => {
            Some((pick % m.len() as u64) as usize)
        }
        Value::Array(a) if !a.is_empty() && !pick.is_multiple_of(3) => {
            Some((pick % a.len() as u64) as usize)
        }
        _ => None,
    };
    match (index, v) {
        (Some(i), Value::Object(m)) => {
            if let Some(child) = m.values_mut().nth(i) {
                mutate(child, pick / 3, with);
            }
        }
        (Some(i), Value::Array(a)) => mutate(&mut a[i], pick / 3, with),
        (_, v) => *v = with,
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fuzz_arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        accepted_is_sound(&bytes);
    }

    #[test]
    fn fuzz_arbitrary_json_never_panics(value in json_value()) {
        accepted_is_sound(value.to_string().as_bytes());
    }

    #[test]
    fn fuzz_mutated_valid_bodies_never_panic(which in 0usize..4, pick in any::<u64>(), with in json_value(), drop in any::<bool>()) {
        let mut body = valid_bodies().swap_remove(which);
        if drop {
            if let Value::Object(m) = &mut body {
                let key = m.keys().nth((pick % m.len() as u64) as usize).cloned();
                if let Some(k) = key { m.remove(&k); }
            }
        } else {
            mutate(&mut body, pick, with);
        }
        accepted_is_sound(body.to_string().as_bytes());
    }

    #[test]
    fn fuzz_lead_bodies_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256), value in json_value()) {
        lead_is_sound(&bytes);
        lead_is_sound(value.to_string().as_bytes());
    }

    #[test]
    fn fuzz_mutated_lead_submissions_never_panic(pick in any::<u64>(), with in json_value()) {
        let mut body = valid_lead();
        mutate(&mut body, pick, with);
        lead_is_sound(body.to_string().as_bytes());
    }

    #[test]
    fn fuzz_text_parsers_never_panic(s in "(?s).{0,200}") {
        let _ = body::check_content_type(Some(&s));
        if let Err(e) = body::check_declared_length(Some(&s), 1024) {
            prop_assert!(e.status() == 400 || e.status() == 413);
        }
        prop_assert!(crate::echo::cap_message(&s).len() <= crate::echo::MAX_MESSAGE + 3);
        let _ = crate::track::attribution::host_of(&s);
        let _ = crate::track::attribution::path_of(&s);
        let _ = crate::track::attribution::utm_from_url(&s);
        let _ = crate::track::attribution::referrer_host(Some(&s), &s);
        let _ = crate::store::r2_keys::parse_batch_key(&s);
        let _ = crate::store::r2_keys::date_of_key(&s);
        let _ = crate::net::ip::to_hex(&s);
        let _ = crate::net::ip::cidr_range(&s);
        let _ = crate::config::RateLimit::parse(&s);
        let _ = crate::config::Retention::parse(&s);
        let _ = crate::config::ExtraAsns::parse(&s);
        let _ = crate::track::scoring::parse_bot_signals(&s);
        let _ = crate::track::network::timezone_mismatch(Some(&s), Some("Europe/Berlin"));
        let _ = crate::track::useragent::browser(&s);
        let _ = serde_json::from_str::<crate::edge::EdgeFacts>(&s).map(crate::edge::EdgeFacts::normalise);
        let _ = BatchSummary::from_metadata(&s);
        let _ = pulsegate_schema::lead::is_email(&s);
        let _ = pulsegate_schema::lead::is_tel(&s);
        let _ = pulsegate_schema::lead::is_number(&s);
        let _ = pulsegate_schema::lead::is_date(&s);
        let _ = pulsegate_schema::is_webhook_secret(&s);
        let _ = crate::webhook::sign::key_of(&s);
        let _ = crate::lead::caller::origin_of_url(&s);
        let _ = crate::lead::caller::claim(None, Some(&s), Some(&s));
    }
}

#[test]
fn nesting_ten_thousand_deep_is_a_client_error() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    for bytes in [deep.as_bytes(), format!("{{\"events\":{deep}}}").as_bytes()] {
        assert!(parse_is_safe::<EventBatch>(bytes).is_none());
        assert!(parse_is_safe::<SessionStart>(bytes).is_none());
    }
}

#[test]
fn every_valid_body_is_accepted() {
    let [start, batch, single, end] = <[Value; 4]>::try_from(valid_bodies()).unwrap();
    assert!(parse_is_safe::<SessionStart>(start.to_string().as_bytes()).is_some());
    assert!(parse_is_safe::<EventBatch>(batch.to_string().as_bytes()).is_some());
    assert!(parse_is_safe::<SingleEvent>(single.to_string().as_bytes()).is_some());
    assert!(parse_is_safe::<SessionEnd>(end.to_string().as_bytes()).is_some());
    let lead = parse_is_safe::<pulsegate_schema::lead::LeadSubmission>(
        valid_lead().to_string().as_bytes(),
    )
    .unwrap();
    assert_eq!(
        pulsegate_schema::lead::check_fields(&lead_form(), &lead.fields, &mut |_, _| true),
        Ok(())
    );
}
