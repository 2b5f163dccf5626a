//! The exact JSON of every wire type (insta snapshots), what the parsers reject, and round trips.

use pulsegate_schema::*;
use serde_json::json;

const SESSION: &str = "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c";
const BATCH: &str = "7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";

fn session_start() -> SessionStart {
    SessionStart {
        session_id: SESSION.parse().map(SessionId).unwrap(),
        site_key: SiteKey::parse("demo").unwrap(),
        started_at: 1_764_097_200_000,
        page: PageContext {
            url: "https://shop.example/pricing".into(),
            referrer: Some("https://search.example/".into()),
            title: Some("Pricing".into()),
        },
        device: Device {
            language: Some("en-US".into()),
            timezone: Some("Europe/Berlin".into()),
            screen_width: Some(1920),
            screen_height: Some(1080),
            viewport_width: Some(1280),
            viewport_height: Some(720),
            pixel_ratio: Some(2.0),
            languages: vec!["en-US".into(), "de".into()],
            device_class: Some(DeviceClass::Desktop),
        },
        visitor_id: Some(VisitorId::from_random_bytes([0x5d; 16])),
        consent: ConsentTier::Analytics,
        utm: Some(Utm {
            source: Some("newsletter".into()),
            medium: Some("email".into()),
            campaign: Some("spring".into()),
            term: None,
            content: None,
        }),
        fingerprint: Some(Fingerprint {
            id: FingerprintId::parse(&"3f1c".repeat(16)).unwrap(),
            confidence: 82,
            sources: 14,
            ms: 38,
        }),
        bot: vec![BotSignal::Webdriver, BotSignal::NoPlugins],
    }
}

fn every_event() -> Vec<Event> {
    let ts = 1_764_097_200_012;
    vec![
        Event::Pageview(Pageview {
            ts,
            url: "https://shop.example/pricing".into(),
            referrer: None,
            title: Some("Pricing".into()),
        }),
        Event::Click(Click {
            ts,
            selector: "main > a.cta".into(),
            text: Some("Start trial".into()),
            x: 640,
            y: 412,
            href: Some("https://other.example/signup".into()),
            outbound: true,
        }),
        Event::RageClick(RageClick {
            ts,
            selector: "main > button.buy".into(),
            x: 640,
            y: 412,
            clicks: 4,
        }),
        Event::Scroll(Scroll { ts, percent: 75 }),
        Event::Engagement(EngagementTime { ts, engaged_ms: 42_000 }),
        Event::FormInteraction(FormInteraction {
            ts,
            form_id: "contact".into(),
            field: None,
            action: FormAction::Abandon,
            filled: Some(3),
            fields: Some(5),
        }),
        Event::Custom(Custom {
            ts,
            name: "signup".into(),
            props: [
                ("plan".to_owned(), PropValue::String("pro".into())),
                ("seats".to_owned(), PropValue::Number(3.0)),
            ]
            .into(),
        }),
        Event::Identify(Identify {
            ts,
            user_id: "crm-4411".into(),
            traits: [
                ("vip".to_owned(), PropValue::Bool(true)),
                ("note".to_owned(), PropValue::Null),
            ]
            .into(),
        }),
        Event::Error(ErrorEvent {
            ts,
            message: "TypeError: x is undefined".into(),
            source: Some("https://shop.example/app.js".into()),
            line: Some(12),
            column: Some(7),
            rejection: false,
        }),
    ]
}

fn batch() -> EventBatch {
    EventBatch {
        batch_id: BATCH.parse().map(BatchId).unwrap(),
        session_id: SESSION.parse().map(SessionId).unwrap(),
        session_started_at: 1_764_097_200_000,
        sent_at: 1_764_097_205_000,
        events: every_event(),
    }
}

#[test]
fn session_start_json() {
    insta::assert_json_snapshot!(session_start());
}

#[test]
fn session_accepted_json() {
    insta::assert_json_snapshot!(SessionAccepted {
        ok: true,
        accepted: 1,
        replay_sample_rate: 0.25
    });
}

#[test]
fn session_end_json() {
    insta::assert_json_snapshot!(SessionEnd {
        session_id: SESSION.parse().map(SessionId).unwrap(),
        session_started_at: 1_764_097_200_000,
        ended_at: 1_764_097_500_000,
        engaged_ms: Some(183_000),
    });
}

#[test]
fn batch_with_every_event_kind_json() {
    insta::assert_json_snapshot!(batch());
}

#[test]
fn single_event_json() {
    insta::assert_json_snapshot!(SingleEvent {
        batch_id: BATCH.parse().map(BatchId).unwrap(),
        session_id: SESSION.parse().map(SessionId).unwrap(),
        session_started_at: 1_764_097_200_000,
        sent_at: 1_764_097_205_000,
        event: every_event().swap_remove(6),
    });
}

#[test]
fn a_single_event_is_a_batch_of_one() {
    let single = SingleEvent {
        batch_id: BATCH.parse().map(BatchId).unwrap(),
        session_id: SESSION.parse().map(SessionId).unwrap(),
        session_started_at: 1_764_097_200_000,
        sent_at: 1_764_097_205_000,
        event: Event::Scroll(Scroll { ts: 1_764_097_200_100, percent: 101 }),
    };
    assert_eq!(single.validate().unwrap_err().field, "event.percent");
    let batch = single.clone().into_batch();
    assert_eq!(batch.events, vec![single.event]);
    assert_eq!((batch.batch_id, batch.sent_at), (single.batch_id, single.sent_at));
    let too_long = json!({ "batch_id": BATCH, "session_id": SESSION, "session_started_at": 1,
        "sent_at": 2, "event": { "type": "engagement", "ts": 1, "engaged_ms": limits::MAX_ENGAGED_MS + 1 } });
    let parsed: SingleEvent = serde_json::from_value(too_long).unwrap();
    assert_eq!(parsed.validate().unwrap_err().field, "event.engaged_ms");
}

#[test]
fn error_body_json() {
    insta::assert_json_snapshot!(ErrorBody::new(
        ErrorCode::InvalidField,
        "must be at most 2048 bytes",
        Some("events[0].url".into())
    ));
}

#[test]
fn error_codes_serialize_as_their_names() {
    for code in [
        ErrorCode::MalformedJson,
        ErrorCode::InvalidField,
        ErrorCode::BadRequest,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::Conflict,
        ErrorCode::PreconditionFailed,
        ErrorCode::PreconditionRequired,
        ErrorCode::RateLimited,
        ErrorCode::Unavailable,
        ErrorCode::Internal,
    ] {
        assert_eq!(serde_json::to_value(code).unwrap(), json!(code.as_str()));
    }
}

#[test]
fn optional_fields_are_omitted_and_default_when_absent() {
    let minimal = json!({
        "session_id": SESSION, "site_key": "demo", "started_at": 1, "page": { "url": "https://a.example/" }
    });
    let start: SessionStart = serde_json::from_value(minimal.clone()).unwrap();
    assert_eq!(start.device, Device::default());
    let mut back = serde_json::to_value(&start).unwrap();
    back.as_object_mut().unwrap().remove("device");
    assert_eq!(back, minimal);
}

#[test]
fn parsers_reject_what_they_must() {
    let reject =
        |v: serde_json::Value| serde_json::from_value::<EventBatch>(v).unwrap_err().to_string();
    let base = json!({ "batch_id": BATCH, "session_id": SESSION, "session_started_at": 1, "sent_at": 2, "events": [] });
    let with_events = |events: serde_json::Value| {
        let mut b = base.clone();
        b["events"] = events;
        b
    };
    assert!(
        reject(with_events(json!([{ "type": "teleport", "ts": 1 }])))
            .contains("unknown variant `teleport`")
    );
    assert!(
        reject(with_events(json!([{ "type": "scroll", "ts": 1, "percent": 5, "x": 1 }])))
            .contains("unknown field `x`")
    );
    assert!(
        reject(with_events(json!([{ "type": "scroll", "ts": "1", "percent": 5 }])))
            .contains("invalid type")
    );
    assert!(reject(with_events(json!([{ "ts": 1 }]))).contains("missing field `type`"));
    assert!(
        reject(with_events(
            json!([{ "type": "custom", "ts": 1, "name": "n", "props": { "a": { "nested": 1 } } }])
        ))
        .contains("a string, number, boolean or null")
    );
    let mut bad_id = base.clone();
    bad_id["session_id"] = json!("../../etc/passwd");
    assert!(reject(bad_id).contains("UUID"));
    let mut extra = base;
    extra["oops"] = json!(1);
    assert!(reject(extra).contains("unknown field `oops`"));
}

#[test]
fn validation_names_the_first_broken_field() {
    assert_eq!(batch().validate(), Ok(()));
    assert_eq!(session_start().validate(), Ok(()));

    let mut b = batch();
    b.events.clear();
    assert_eq!(b.validate().unwrap_err().field, "events");

    let mut b = batch();
    b.events = (0..=limits::MAX_EVENTS_PER_BATCH as u64)
        .map(|ts| Event::Scroll(Scroll { ts, percent: 1 }))
        .collect();
    assert_eq!(b.validate().unwrap_err().field, "events");

    let mut b = batch();
    b.events[3] = Event::Pageview(Pageview {
        ts: 1,
        url: "x".repeat(limits::MAX_URL_LEN + 1),
        ..Pageview::default()
    });
    let err = b.validate().unwrap_err();
    assert_eq!(
        (err.field.as_str(), err.reason.as_str()),
        ("events[3].url", "must be at most 2048 bytes")
    );

    let mut b = batch();
    b.events[0] =
        Event::Pageview(Pageview { ts: 1, url: "not a url".into(), ..Pageview::default() });
    assert_eq!(b.validate().unwrap_err().field, "events[0].url");

    let mut b = batch();
    b.events[0] = Event::Scroll(Scroll { ts: 1, percent: 101 });
    assert_eq!(b.validate().unwrap_err().field, "events[0].percent");

    let mut b = batch();
    b.events[0] = Event::Custom(Custom {
        ts: 1,
        name: "n".into(),
        props: (0..=limits::MAX_PROPS).map(|i| (format!("k{i}"), PropValue::Null)).collect(),
    });
    assert_eq!(b.validate().unwrap_err().field, "events[0].props");

    let mut b = batch();
    b.events[0] = Event::Custom(Custom {
        ts: 1,
        name: "n".into(),
        props: [("k".to_owned(), PropValue::Number(f64::NAN))].into(),
    });
    assert_eq!(b.validate().unwrap_err().field, "events[0].props.k");

    let mut s = session_start();
    s.device.pixel_ratio = Some(-1.0);
    assert_eq!(s.validate().unwrap_err().field, "device.pixel_ratio");
    let mut s = session_start();
    s.page.title = Some("t".repeat(limits::MAX_TITLE_LEN + 1));
    assert_eq!(s.validate().unwrap_err().field, "page.title");

    // Only web URLs: a stored `javascript:` link would run script wherever it is shown.
    for bad in [
        "javascript:alert(1)",
        "data:text/html,<script>",
        "file:///etc/passwd",
        "https://",
        "https:///x",
        "http://a b",
    ] {
        let mut s = session_start();
        s.page.url = bad.into();
        assert_eq!(s.validate().unwrap_err().field, "page.url", "{bad}");
        let mut s = session_start();
        s.page.referrer = Some(bad.into());
        assert_eq!(s.validate().unwrap_err().field, "page.referrer", "{bad}");
        let mut b = batch();
        b.events[1] = Event::Click(Click { href: Some(bad.into()), ..Click::default() });
        assert_eq!(b.validate().unwrap_err().field, "events[1].href", "{bad}");
        let mut b = batch();
        b.events[0] =
            Event::Error(ErrorEvent { source: Some(bad.into()), ..ErrorEvent::default() });
        assert_eq!(b.validate().unwrap_err().field, "events[0].source", "{bad}");
    }
    let mut s = session_start();
    s.page.url = "HTTPS://Shop.Example/".into();
    assert_eq!(s.validate(), Ok(()));

    // Identity needs a tier that allows it.
    let mut s = session_start();
    s.consent = ConsentTier::Count;
    assert_eq!(s.validate().unwrap_err().field, "fingerprint");
    s.fingerprint = None;
    assert_eq!(s.validate().unwrap_err().field, "visitor_id");
    s.visitor_id = None;
    assert_eq!(s.validate(), Ok(()));

    let mut s = session_start();
    s.fingerprint.as_mut().unwrap().confidence = 101;
    assert_eq!(s.validate().unwrap_err().field, "fingerprint.confidence");
    let mut s = session_start();
    s.device.languages = vec!["en".into(); limits::MAX_LANGUAGES + 1];
    assert_eq!(s.validate().unwrap_err().field, "device.languages");
    let mut s = session_start();
    s.device.languages[1] = "x".repeat(limits::MAX_SHORT_LEN + 1);
    assert_eq!(s.validate().unwrap_err().field, "device.languages[1]");
    let mut s = session_start();
    s.utm.as_mut().unwrap().campaign = Some("c".repeat(limits::MAX_TEXT_LEN + 1));
    assert_eq!(s.validate().unwrap_err().field, "utm.campaign");
    let mut s = session_start();
    s.bot = vec![BotSignal::Webdriver; limits::MAX_BOT_SIGNALS + 1];
    assert_eq!(s.validate().unwrap_err().field, "bot");

    let mut b = batch();
    b.events[0] = Event::RageClick(RageClick { clicks: 2, ..RageClick::default() });
    assert_eq!(b.validate().unwrap_err().field, "events[0].clicks");

    let mut b = batch();
    b.events[2] =
        Event::Engagement(EngagementTime { ts: 1, engaged_ms: limits::MAX_ENGAGED_MS + 1 });
    assert_eq!(b.validate().unwrap_err().field, "events[2].engaged_ms");
    let end = SessionEnd {
        session_id: SESSION.parse().map(SessionId).unwrap(),
        session_started_at: 10,
        ended_at: 20,
        engaged_ms: Some(limits::MAX_ENGAGED_MS + 1),
    };
    assert_eq!(end.validate().unwrap_err().field, "engaged_ms");
    assert_eq!(SessionEnd { engaged_ms: Some(5), ..end }.validate(), Ok(()));
    assert_eq!(SessionEnd { ended_at: 9, ..end }.validate().unwrap_err().field, "ended_at");
}

mod roundtrip {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        // Hostile text on purpose: quotes, backslashes, control characters, HTML, non-ASCII.
        proptest::string::string_regex("[a-zA-Z0-9 \"\\\\<>&'\u{0}-\u{1f}é漢😀]{0,24}").unwrap()
    }

    fn prop_value() -> impl Strategy<Value = PropValue> {
        prop_oneof![
            text().prop_map(PropValue::String),
            (-1_000_000i64..1_000_000).prop_map(|n| PropValue::Number(n as f64 / 4.0)),
            any::<bool>().prop_map(PropValue::Bool),
            Just(PropValue::Null),
        ]
    }

    fn event() -> impl Strategy<Value = Event> {
        let ts = 0u64..=9_007_199_254_740_991;
        prop_oneof![
            (ts.clone(), text(), proptest::option::of(text()), proptest::option::of(text()))
                .prop_map(|(ts, url, referrer, title)| Event::Pageview(Pageview {
                    ts,
                    url,
                    referrer,
                    title
                })),
            (
                ts.clone(),
                text(),
                proptest::option::of(text()),
                any::<i32>(),
                any::<i32>(),
                proptest::option::of(text())
            )
                .prop_map(|(ts, selector, text, x, y, href)| Event::Click(Click {
                    ts,
                    selector,
                    text,
                    x,
                    y,
                    outbound: href.as_ref().is_some_and(|h| h.len() % 2 == 0),
                    href,
                })),
            (ts.clone(), text(), any::<i32>(), any::<i32>(), 3u16..).prop_map(
                |(ts, selector, x, y, clicks)| Event::RageClick(RageClick {
                    ts,
                    selector,
                    x,
                    y,
                    clicks
                })
            ),
            (ts.clone(), 0u8..=100).prop_map(|(ts, percent)| Event::Scroll(Scroll { ts, percent })),
            (ts.clone(), any::<u32>()).prop_map(|(ts, ms)| Event::Engagement(EngagementTime {
                ts,
                engaged_ms: u64::from(ms)
            })),
            (
                ts.clone(),
                text(),
                proptest::option::of(text()),
                prop_oneof![
                    Just(FormAction::Focus),
                    Just(FormAction::Change),
                    Just(FormAction::Submit),
                    Just(FormAction::Abandon)
                ]
            )
                .prop_map(|(ts, form_id, field, action)| Event::FormInteraction(
                    FormInteraction {
                        ts,
                        form_id,
                        filled: field.as_ref().map(|f| f.len() as u16),
                        fields: field.as_ref().map(|_| 9),
                        field,
                        action,
                    }
                )),
            (ts.clone(), text(), proptest::collection::btree_map(text(), prop_value(), 0..4))
                .prop_map(|(ts, name, props)| Event::Custom(Custom { ts, name, props })),
            (ts.clone(), text(), proptest::collection::btree_map(text(), prop_value(), 0..4))
                .prop_map(|(ts, user_id, traits)| Event::Identify(Identify {
                    ts,
                    user_id,
                    traits
                })),
            (
                ts,
                text(),
                proptest::option::of(text()),
                proptest::option::of(any::<u32>()),
                proptest::option::of(any::<u32>())
            )
                .prop_map(|(ts, message, source, line, column)| Event::Error(
                    ErrorEvent {
                        ts,
                        rejection: line.is_some_and(|l| l % 2 == 0),
                        message,
                        source,
                        line,
                        column
                    }
                )),
        ]
    }

    proptest! {
        #[test]
        fn batches_roundtrip(events in proptest::collection::vec(event(), 0..8), a in any::<[u8; 16]>(), b in any::<[u8; 16]>(), started in any::<u32>()) {
            let batch = EventBatch {
                batch_id: BatchId::from_random_bytes(a),
                session_id: SessionId::from_random_bytes(b),
                session_started_at: u64::from(started),
                sent_at: u64::from(started) + 1,
                events,
            };
            let json = serde_json::to_string(&batch).unwrap();
            prop_assert_eq!(serde_json::from_str::<EventBatch>(&json).unwrap(), batch);
        }

        #[test]
        fn session_starts_roundtrip(url in text(), title in proptest::option::of(text()), lang in proptest::option::of(text()), w in proptest::option::of(any::<u32>()), ratio in proptest::option::of(1u8..64), a in any::<[u8; 16]>(), tier in proptest::sample::select(ConsentTier::ALL.to_vec())) {
            let start = SessionStart {
                session_id: SessionId::from_random_bytes(a),
                site_key: SiteKey::parse("demo").unwrap(),
                started_at: 1,
                page: PageContext { url, referrer: None, title },
                device: Device { language: lang, screen_width: w, pixel_ratio: ratio.map(|r| f64::from(r) / 8.0), ..Device::default() },
                visitor_id: tier.allows_identity().then(|| VisitorId::from_random_bytes(a)),
                consent: tier,
                utm: None,
                fingerprint: None,
                bot: BotSignal::ALL[..usize::from(a[0] % 9)].to_vec(),
            };
            let json = serde_json::to_string(&start).unwrap();
            prop_assert_eq!(serde_json::from_str::<SessionStart>(&json).unwrap(), start);
        }
    }
}

#[test]
fn every_kind_reads_back_through_deserialize_variant() {
    let events = every_event();
    assert_eq!(events.iter().map(Event::kind).collect::<Vec<_>>(), Event::KINDS);
    for event in events {
        let mut fields = serde_json::to_value(&event).unwrap();
        let kind = fields.as_object_mut().unwrap().remove("type").unwrap();
        let back = Event::deserialize_variant(kind.as_str().unwrap(), fields).unwrap();
        assert_eq!(back, event);
    }
    let err = Event::deserialize_variant("teleport", json!({})).unwrap_err();
    assert!(err.to_string().contains("unknown variant `teleport`"), "{err}");
}
