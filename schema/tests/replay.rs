//! Session-replay types: exact JSON (insta), a real recording from rrweb's own recorder read and
//! written back unchanged, and what the parsers refuse. (Feature `replay`, which `cargo test
//! --workspace` turns on through the worker.)
#![cfg(feature = "replay")]

use pulsegate_schema::replay::*;
use pulsegate_schema::{BatchId, ReplayBatch, SessionId, Validate, limits};
use serde_json::{Value, json};

/// The recording made by `tests/fixtures/replay/record-peer.mjs` with `@rrweb/record` 2.1.6.
const PEER_RECORDING: &str = include_str!("fixtures/peer-recording.json");

fn element(
    id: NodeId,
    tag: &str,
    attributes: Attributes,
    children: Vec<SerializedNode>,
) -> SerializedNode {
    SerializedNode {
        id,
        root_id: None,
        is_shadow_host: false,
        is_shadow: false,
        kind: NodeKind::Element {
            tag_name: tag.into(),
            attributes,
            child_nodes: children,
            is_svg: false,
            is_custom: false,
            need_block: false,
        },
    }
}

fn text(id: NodeId, value: &str) -> SerializedNode {
    SerializedNode {
        id,
        root_id: None,
        is_shadow_host: false,
        is_shadow: false,
        kind: NodeKind::Text { text_content: value.into(), is_style: false },
    }
}

fn attrs(pairs: &[(&str, AttributeValue)]) -> Attributes {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

/// A small recording with every kind PulseGate writes.
fn recording() -> Vec<ReplayEvent> {
    let t = 1_764_097_200_000;
    let doc = SerializedNode {
        id: 1,
        root_id: None,
        is_shadow_host: false,
        is_shadow: false,
        kind: NodeKind::Document {
            compat_mode: None,
            child_nodes: vec![
                SerializedNode {
                    id: 2,
                    root_id: None,
                    is_shadow_host: false,
                    is_shadow: false,
                    kind: NodeKind::DocumentType {
                        name: "html".into(),
                        public_id: String::new(),
                        system_id: String::new(),
                    },
                },
                element(
                    3,
                    "html",
                    attrs(&[("lang", AttributeValue::Text("en".into()))]),
                    vec![element(
                        4,
                        "body",
                        Attributes::new(),
                        vec![
                            element(
                                5,
                                "input",
                                attrs(&[
                                    ("type", AttributeValue::Text("email".into())),
                                    ("value", AttributeValue::Text("****".into())),
                                ]),
                                vec![],
                            ),
                            element(
                                6,
                                "div",
                                attrs(&[
                                    ("class", AttributeValue::Text("pg-block".into())),
                                    ("rr_width", AttributeValue::Text("120px".into())),
                                    ("rr_height", AttributeValue::Text("40px".into())),
                                ]),
                                vec![],
                            ),
                            text(7, "Call **** ***"),
                            SerializedNode {
                                id: 8,
                                root_id: None,
                                is_shadow_host: false,
                                is_shadow: false,
                                kind: NodeKind::Comment { text_content: " c ".into() },
                            },
                        ],
                    )],
                ),
            ],
        },
    };
    let inc = |dt: u64, data: Incremental| ReplayEvent {
        timestamp: t + dt,
        data: ReplayEventData::Incremental(data),
    };
    vec![
        ReplayEvent {
            timestamp: t,
            data: ReplayEventData::Meta(Meta {
                href: "https://shop.example/signup".into(),
                width: 1280,
                height: 720,
            }),
        },
        ReplayEvent {
            timestamp: t,
            data: ReplayEventData::FullSnapshot(FullSnapshot {
                node: doc,
                initial_offset: InitialOffset { top: 0.0, left: 0.0 },
            }),
        },
        inc(
            10,
            Incremental::Mutation(MutationData {
                texts: vec![TextMutation { id: 7, value: Some("Saved".into()) }],
                attributes: vec![AttributeMutation {
                    id: 5,
                    attributes: attrs(&[("data-state", AttributeValue::Null)]),
                }],
                removes: vec![RemovedNode { parent_id: 4, id: 8, is_shadow: false }],
                adds: vec![AddedNode {
                    parent_id: 4,
                    next_id: None,
                    previous_id: None,
                    node: element(9, "span", Attributes::new(), vec![]),
                }],
                is_attach_iframe: false,
            }),
        ),
        inc(
            20,
            Incremental::MouseMove(vec![MousePosition {
                x: 20.0,
                y: 10.5,
                id: 5,
                time_offset: -80,
            }]),
        ),
        inc(
            30,
            Incremental::MouseInteraction(MouseInteraction {
                kind: MouseInteractionType::Click,
                id: 5,
                x: Some(20.0),
                y: Some(10.5),
                pointer_type: Some(PointerType::Mouse),
            }),
        ),
        inc(40, Incremental::Scroll(ScrollData { id: 1, x: 0.0, y: 400.0 })),
        inc(50, Incremental::ViewportResize(ViewportResize { width: 700, height: 500 })),
        inc(
            60,
            Incremental::Input(InputData {
                id: 5,
                text: "****".into(),
                is_checked: false,
                user_triggered: None,
            }),
        ),
        inc(
            70,
            Incremental::MediaInteraction(MediaInteraction {
                kind: MediaInteractionType::Play,
                id: 6,
                current_time: Some(1.5),
                volume: None,
                muted: Some(true),
                r#loop: None,
                playback_rate: None,
            }),
        ),
        inc(
            80,
            Incremental::StyleSheetRule(StyleSheetRule {
                id: Some(6),
                adds: Some(vec![StyleRule {
                    rule: ".x { color: blue; }".into(),
                    index: Some(StyleRuleIndex::Top(1)),
                }]),
                ..StyleSheetRule::default()
            }),
        ),
        ReplayEvent {
            timestamp: t + 90,
            data: ReplayEventData::Custom(CustomEvent {
                tag: "pageview".into(),
                payload: json!({ "url": "https://shop.example/signup" }),
            }),
        },
    ]
}

#[test]
fn recording_json() {
    insta::assert_json_snapshot!(recording());
}

#[test]
fn batch_json() {
    insta::assert_json_snapshot!(ReplayBatch {
        batch_id: BatchId::from_random_bytes([0x7c; 16]),
        session_id: SessionId::from_random_bytes([0x0b; 16]),
        session_started_at: 1_764_097_200_000,
        events: recording()[..1].to_vec(),
    });
}

#[test]
fn our_recording_round_trips() {
    let events = recording();
    let text = serde_json::to_string(&events).unwrap();
    let back: Vec<ReplayEvent> = serde_json::from_str(&text).unwrap();
    assert_eq!(back, events);
}

/// Numbers compared by value: rrweb writes `10` where the types hold `10.0`.
fn normalized(value: Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64().unwrap()),
        Value::Array(items) => Value::Array(items.into_iter().map(normalized).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, normalized(v))).collect())
        }
        other => other,
    }
}

#[test]
fn a_real_rrweb_recording_reads_and_writes_back_unchanged() {
    let original: Value = serde_json::from_str(PEER_RECORDING).unwrap();
    let events: Vec<ReplayEvent> = serde_json::from_value(original.clone()).unwrap();
    assert!(events.len() >= 20, "the fixture holds a real recording");
    let kinds: Vec<EventType> = events.iter().map(|e| e.data.event_type()).collect();
    assert_eq!(&kinds[..2], &[EventType::Meta, EventType::FullSnapshot]);
    // Every source the fixture script exercises is typed, none fell through to `Other`.
    let mut sources: Vec<u8> = events
        .iter()
        .filter_map(|e| match &e.data {
            ReplayEventData::Incremental(i) => {
                assert!(!matches!(i, Incremental::Other { .. }), "{i:?}");
                Some(i.source() as u8)
            }
            _ => None,
        })
        .collect();
    sources.sort_unstable();
    sources.dedup();
    assert_eq!(sources, vec![0, 1, 2, 3, 4, 5, 7, 8]);
    let written = serde_json::to_value(&events).unwrap();
    assert_eq!(normalized(written), normalized(original));
}

#[test]
fn the_peer_snapshot_has_unique_positive_ids_in_pre_order() {
    let events: Vec<ReplayEvent> = serde_json::from_str(PEER_RECORDING).unwrap();
    let ReplayEventData::FullSnapshot(snapshot) = &events[1].data else { panic!("no snapshot") };
    let mut ids = Vec::new();
    snapshot.node.walk(&mut |n| ids.push(n.id));
    assert_eq!(ids[0], 1);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "pre-order ids increase");
}

#[test]
fn unknown_sources_are_kept_verbatim() {
    let selection = json!({"type":3,"timestamp":5,"data":{"source":14,"ranges":[{"start":3,"startOffset":0,"end":3,"endOffset":2}]}});
    let event: ReplayEvent = serde_json::from_value(selection.clone()).unwrap();
    assert!(matches!(&event.data, ReplayEventData::Incremental(Incremental::Other { .. })));
    assert_eq!(serde_json::to_value(&event).unwrap(), selection);
}

#[test]
fn parsers_refuse_what_the_replayer_cannot_play() {
    for bad in [
        json!({"type":9,"timestamp":1,"data":{}}),
        json!({"type":3,"timestamp":1,"data":{"source":99}}),
        json!({"type":3,"timestamp":1,"data":{"x":1}}),
        json!({"type":2,"timestamp":1,"data":{"node":{"type":0,"id":0,"childNodes":[]},"initialOffset":{"top":0,"left":0}}}),
        json!({"type":2,"timestamp":1,"data":{"node":{"type":7,"id":1},"initialOffset":{"top":0,"left":0}}}),
        json!({"type":2,"timestamp":1,"data":{"node":{"type":2,"id":1,"tagName":"p","attributes":{}},"initialOffset":{"top":0,"left":0}}}),
        json!({"type":3,"timestamp":1,"data":{"source":2,"type":2}}),
        json!({"type":4,"timestamp":"soon","data":{"href":"x","width":1,"height":1}}),
    ] {
        assert!(serde_json::from_value::<ReplayEvent>(bad.clone()).is_err(), "{bad}");
    }
}

#[test]
fn batches_are_validated() {
    let mut batch = ReplayBatch {
        batch_id: BatchId::from_random_bytes([1; 16]),
        session_id: SessionId::from_random_bytes([2; 16]),
        session_started_at: 1_764_097_200_000,
        events: vec![],
    };
    assert_eq!(batch.validate().unwrap_err().field, "events");
    batch.events = recording();
    assert!(batch.validate().is_ok());
    assert!(batch.starts_recording());
    assert_eq!(batch.time_range(), Some((1_764_097_200_000, 1_764_097_200_090)));
    batch.events[3].timestamp = 0;
    assert_eq!(batch.validate().unwrap_err().field, "events[3].timestamp");
    batch.events = vec![recording()[0].clone(); limits::MAX_REPLAY_EVENTS_PER_BATCH + 1];
    assert_eq!(batch.validate().unwrap_err().field, "events");
    let unknown = r#"{"batch_id":"7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f","session_id":"0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c","session_started_at":1,"events":[],"extra":1}"#;
    assert!(serde_json::from_str::<ReplayBatch>(unknown).is_err());
}

fn summary() -> ReplaySessionSummary {
    ReplaySessionSummary {
        id: SessionId::from_random_bytes([0x0b; 16]),
        site_key: "demo".into(),
        started_at: 1_764_097_200_000,
        duration_ms: 95_000,
        landing_path: Some("/pricing".into()),
        exit_path: Some("/signup".into()),
        country: Some("DE".into()),
        device_class: Some("desktop".into()),
        browser: Some("Chrome".into()),
        page_views: 3,
        clicks: 7,
        rage_clicks: 0,
        errors: 0,
        form_submits: 1,
        engagement_score: 72,
        suspicion_score: 5,
        lead_count: 1,
    }
}

#[test]
fn api_bodies_json() {
    insta::assert_json_snapshot!(ReplaySessionList {
        sessions: vec![summary()],
        next_cursor: Some("1764097200000.0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b".into()),
    });
    let mut utm = serde_json::Map::new();
    utm.insert("source".into(), json!("newsletter"));
    insta::assert_json_snapshot!(ReplaySessionDetail {
        session: summary(),
        landing_url: "https://shop.example/pricing".into(),
        referrer: Some("https://search.example/".into()),
        os: Some("macOS".into()),
        utm,
        form_starts: 1,
        custom_events: 0,
        engaged_ms: 42_000,
        engagement_reasons: json!([{"reason":"form_submit","points":30}]),
        suspicion_reasons: json!([]),
        lead_ids: vec!["ld_4f3a9c0e1b2d4e6f8a0b1c2d3e4f5a6b".into()],
    });
    insta::assert_json_snapshot!(ReplayEventsPage {
        from: 1_764_097_200_000,
        to: 1_764_099_000_000,
        events: vec![serde_json::to_value(&recording()[0]).unwrap()],
        next: None,
    });
}

#[test]
fn lead_marker_json() {
    let marker = LeadMarker {
        lead_id: "ld_4f3a9c0e1b2d4e6f8a0b1c2d3e4f5a6b".into(),
        submission_id: "sub_0a1b2c3d4e5f60718293a4b5c6d7e8f9".into(),
        form_id: "quote".into(),
        ts: 1_764_097_260_000,
        test: false,
    };
    insta::assert_json_snapshot!(marker);
    let text = serde_json::to_string(&marker).unwrap();
    assert_eq!(serde_json::from_str::<LeadMarker>(&text).unwrap(), marker);
    assert!(
        serde_json::from_str::<LeadMarker>(&text.replace("\"test\"", "\"extra\":1,\"test\""))
            .is_err()
    );
}
