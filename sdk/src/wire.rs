//! The tracker's request bodies as JSON text written directly, member by member, in the order and
//! with the omissions of the schema's serde attributes: events (`pulsegate_schema::Event`, tagged
//! by `"type"`), the batch envelope (`EventBatch`), `SessionStart` and `SessionEnd`.
//!
//! Why not serialize the schema's types with [`crate::json`]'s serializer: their derived serde code
//! (an internally tagged enum wrapping every variant's struct serializer, the uuid serializer, one
//! generic `field` per member type) was the largest piece of `record_with` and `start_now` in the
//! tracker's wasm. The browser tests parse every body the tracker sends, and every event kind,
//! back into the schema's types (`deny_unknown_fields`), and the unit tests below compare the text
//! byte for byte with serde_json's, so the two cannot drift apart unnoticed.

use alloc::string::String;

use pulsegate_schema::{
    BatchId, ConsentTier, Event, Fingerprint, FormAction, PageContext, SessionEnd, SessionId,
    UnixMillis, VisitorId, push_json_string,
};

use crate::text::{push_u64, push_uuid};

/// `,"name":` (no comma when it opens its object). Out of line, like the writers below, so that
/// each call site stays small.
#[inline(never)]
fn key(out: &mut String, name: &str) {
    // Its last byte, not `ends_with`, which is out of line (a char's UTF-8 and a slice compare).
    if out.as_bytes().last() != Some(&b'{') {
        out.push(',');
    }
    push_json_string(out, name);
    out.push(':');
}

/// `"name":"value"`.
#[inline(never)]
fn text(out: &mut String, name: &str, value: &str) {
    key(out, name);
    push_json_string(out, value);
}

/// `"name":n`.
#[inline(never)]
fn number(out: &mut String, name: &str, n: u64) {
    key(out, name);
    push_u64(out, n);
}

/// `"name":"value"` when there is a value.
fn opt_text(out: &mut String, name: &str, value: Option<&String>) {
    if let Some(value) = value {
        text(out, name, value);
    }
}

/// `"name":n` for a signed `n`.
fn signed(out: &mut String, name: &str, n: i32) {
    key(out, name);
    if n < 0 {
        out.push('-');
    }
    push_u64(out, n.unsigned_abs().into());
}

/// `"name":n` when there is a number.
fn opt_number(out: &mut String, name: &str, n: Option<u64>) {
    if let Some(n) = n {
        number(out, name, n);
    }
}

/// `"name":true`, written only when set (the schema skips `false`).
fn flag(out: &mut String, name: &str, on: bool) {
    if on {
        key(out, name);
        out.push_str("true");
    }
}

/// The JSON text of `event`, with the member `"extra": object` added when `object` (JSON object
/// text written in JS, `js/props.js`) is not `{}`: the props of `track` and `page`, the traits of
/// `identify`. The event's own `props` and `traits` are not written (the tracker leaves them
/// empty: they always come as `object`).
pub(crate) fn event(event: &Event, extra: &str, object: &str) -> String {
    let mut out = String::from("{");
    let o = &mut out;
    text(o, "type", event.kind());
    number(o, "ts", event.ts());
    match event {
        Event::Pageview(e) => {
            text(o, "url", &e.url);
            opt_text(o, "referrer", e.referrer.as_ref());
            opt_text(o, "title", e.title.as_ref());
        }
        Event::Click(e) => {
            text(o, "selector", &e.selector);
            opt_text(o, "text", e.text.as_ref());
            signed(o, "x", e.x);
            signed(o, "y", e.y);
            opt_text(o, "href", e.href.as_ref());
            flag(o, "outbound", e.outbound);
        }
        Event::RageClick(e) => {
            text(o, "selector", &e.selector);
            signed(o, "x", e.x);
            signed(o, "y", e.y);
            number(o, "clicks", e.clicks.into());
        }
        Event::Scroll(e) => number(o, "percent", e.percent.into()),
        Event::Engagement(e) => number(o, "engaged_ms", e.engaged_ms),
        Event::FormInteraction(e) => {
            text(o, "form_id", &e.form_id);
            opt_text(o, "field", e.field.as_ref());
            let action = match e.action {
                FormAction::Focus => "focus",
                FormAction::Change => "change",
                FormAction::Submit => "submit",
                FormAction::Abandon => "abandon",
            };
            text(o, "action", action);
            opt_number(o, "filled", e.filled.map(u64::from));
            opt_number(o, "fields", e.fields.map(u64::from));
        }
        Event::Custom(e) => text(o, "name", &e.name),
        Event::Identify(e) => text(o, "user_id", &e.user_id),
        Event::Error(e) => {
            text(o, "message", &e.message);
            opt_text(o, "source", e.source.as_ref());
            opt_number(o, "line", e.line.map(u64::from));
            opt_number(o, "column", e.column.map(u64::from));
            flag(o, "rejection", e.rejection);
        }
    }
    // The props or traits written before the closing brace (the event has members already).
    if object != "{}" {
        key(o, extra);
        o.push_str(object);
    }
    o.push('}');
    out
}

/// `"name":"<uuid>"`, the UUID written in place. The quotes as text, not chars, as in
/// `push_json_string`: `String::push` of a char carries the UTF-8 encoder.
#[allow(clippy::single_char_add_str)]
fn uuid(out: &mut String, name: &str, bytes: &[u8; 16]) {
    key(out, name);
    out.push_str("\"");
    push_uuid(out, bytes);
    out.push_str("\"");
}

/// The `POST /track/events/batch` body without its events: an [`EventBatch`] whose JSON text ends
/// in `"events":[]}` (events is the schema's last member), for [`crate::queue::splice`].
///
/// [`EventBatch`]: pulsegate_schema::EventBatch
pub(crate) fn batch_envelope(
    batch_id: BatchId,
    session_id: SessionId,
    session_started_at: UnixMillis,
    sent_at: UnixMillis,
) -> String {
    let mut out = String::from("{");
    let o = &mut out;
    uuid(o, "batch_id", batch_id.0.as_bytes());
    uuid(o, "session_id", session_id.0.as_bytes());
    number(o, "session_started_at", session_started_at);
    number(o, "sent_at", sent_at);
    key(o, "events");
    o.push_str("[]}");
    out
}

/// The `POST /track/session/end` body.
pub(crate) fn session_end(end: &SessionEnd) -> String {
    let mut out = String::from("{");
    let o = &mut out;
    uuid(o, "session_id", end.session_id.0.as_bytes());
    number(o, "session_started_at", end.session_started_at);
    number(o, "ended_at", end.ended_at);
    opt_number(o, "engaged_ms", end.engaged_ms);
    o.push('}');
    out
}

/// A `SessionStart`'s members but `device`, `utm` and `bot`, borrowed from where they lie (no
/// `SessionStart` is built and dropped, nor the site key copied, for the body).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Start<'a> {
    pub(crate) session_id: SessionId,
    pub(crate) site_key: &'a str,
    pub(crate) started_at: UnixMillis,
    pub(crate) page: &'a PageContext,
    pub(crate) visitor_id: Option<VisitorId>,
    pub(crate) consent: ConsentTier,
    pub(crate) fingerprint: Option<&'a Fingerprint>,
}

/// The `POST /track/session/start` body, its `device`, `utm` and `bot` members being the JSON
/// text `device`, `utm` and `bot` (written in JS, `js/context.js` and `js/bot.js`; no `utm` or
/// `bot` member when empty).
pub(crate) fn session_start(start: &Start<'_>, device: &str, utm: &str, bot: &str) -> String {
    let mut out = String::from("{");
    let o = &mut out;
    uuid(o, "session_id", start.session_id.0.as_bytes());
    text(o, "site_key", start.site_key);
    number(o, "started_at", start.started_at);
    key(o, "page");
    o.push('{');
    text(o, "url", &start.page.url);
    opt_text(o, "referrer", start.page.referrer.as_ref());
    opt_text(o, "title", start.page.title.as_ref());
    o.push('}');
    key(o, "device");
    o.push_str(device);
    if let Some(visitor) = start.visitor_id {
        uuid(o, "visitor_id", visitor.0.as_bytes());
    }
    if start.consent != ConsentTier::Count {
        text(o, "consent", start.consent.as_str());
    }
    if !utm.is_empty() {
        key(o, "utm");
        o.push_str(utm);
    }
    if let Some(fp) = start.fingerprint {
        key(o, "fingerprint");
        o.push('{');
        text(o, "id", fp.id.as_str());
        number(o, "confidence", fp.confidence.into());
        number(o, "sources", fp.sources.into());
        number(o, "ms", fp.ms.into());
        o.push('}');
    }
    if !bot.is_empty() {
        key(o, "bot");
        o.push_str(bot);
    }
    o.push('}');
    out
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use alloc::collections::BTreeMap;
    use alloc::vec;
    use alloc::vec::Vec;

    use pulsegate_schema::{
        Click, Custom, EngagementTime, ErrorEvent, Event, FormAction, FormInteraction, Identify,
        Pageview, PropValue, Props, RageClick, Scroll,
    };

    use super::event;

    /// Every kind, each optional member set and unset, with text that needs escaping.
    fn events() -> Vec<Event> {
        let odd = "q\"uo\\te\n\t\u{1}\u{1f}\u{7f} é 日本 🦀 \u{2028}";
        let url = "https://shop.example/p?q=%22x%22";
        let mut all = vec![
            Event::Pageview(Pageview { ts: 0, url: url.into(), ..Pageview::default() }),
            Event::Pageview(Pageview {
                ts: u64::MAX,
                url: url.into(),
                referrer: Some(url.into()),
                title: Some(odd.into()),
            }),
            Event::Click(Click { ts: 2, selector: "a".into(), ..Click::default() }),
            Event::Click(Click {
                ts: 3,
                selector: "div > a.cta".into(),
                text: Some(odd.into()),
                x: i32::MIN,
                y: i32::MAX,
                href: Some(url.into()),
                outbound: true,
            }),
            Event::RageClick(RageClick { ts: 4, selector: odd.into(), x: -1, y: 7, clicks: 3 }),
            Event::Scroll(Scroll { ts: 5, percent: 255 }),
            Event::Engagement(EngagementTime { ts: 6, engaged_ms: 10 }),
            Event::FormInteraction(FormInteraction {
                ts: 7,
                form_id: "f".into(),
                ..FormInteraction::default()
            }),
            Event::Custom(Custom { ts: 11, name: odd.into(), props: Props::new() }),
            Event::Identify(Identify { ts: 12, user_id: odd.into(), traits: Props::new() }),
            Event::Error(ErrorEvent { ts: 13, message: odd.into(), ..ErrorEvent::default() }),
            Event::Error(ErrorEvent {
                ts: 14,
                message: "boom".into(),
                source: Some(url.into()),
                line: Some(0),
                column: Some(u32::MAX),
                rejection: true,
            }),
        ];
        for action in
            [FormAction::Focus, FormAction::Change, FormAction::Submit, FormAction::Abandon]
        {
            all.push(Event::FormInteraction(FormInteraction {
                ts: 8,
                form_id: "contact".into(),
                field: Some(odd.into()),
                action,
                filled: Some(0),
                fields: Some(u16::MAX),
            }));
        }
        let props = BTreeMap::from([
            ("plan".into(), PropValue::String(odd.into())),
            ("seats".into(), PropValue::Number(-3.0)),
            ("trial".into(), PropValue::Bool(true)),
            ("x".into(), PropValue::Null),
        ]);
        all.push(Event::Custom(Custom { ts: 15, name: "n".into(), props: props.clone() }));
        all.push(Event::Identify(Identify { ts: 16, user_id: "u".into(), traits: props }));
        all
    }

    #[test]
    fn members_are_comma_separated_and_escaped() {
        use super::{key, number, text};
        let mut out = String::from("{");
        text(&mut out, "a\"b", "x\ny");
        number(&mut out, "n", 42);
        key(&mut out, "k");
        out.push_str("true}");
        assert_eq!(out, r#"{"a\"b":"x\ny","n":42,"k":true}"#);
    }

    #[test]
    fn every_kind_is_written_byte_for_byte_as_serde_json_writes_it() {
        for e in events() {
            let expected = serde_json::to_string(&e).unwrap();
            // Props and traits come as JSON object text, as `js/props.js` writes them.
            let mut bare = e;
            let (extra, map) = match &mut bare {
                Event::Custom(c) => ("props", core::mem::take(&mut c.props)),
                Event::Identify(i) => ("traits", core::mem::take(&mut i.traits)),
                _ => ("", Props::new()),
            };
            assert_eq!(event(&bare, extra, &serde_json::to_string(&map).unwrap()), expected);
        }
    }

    #[test]
    fn the_object_from_js_is_added_as_a_member() {
        let e = Event::Custom(Custom { ts: 1, name: "signup".into(), props: Props::new() });
        let text = event(&e, "props", r#"{"plan":"pro","seats":2.5}"#);
        assert_eq!(
            text,
            r#"{"type":"custom","ts":1,"name":"signup","props":{"plan":"pro","seats":2.5}}"#
        );
        let props = BTreeMap::from([
            ("plan".into(), PropValue::String("pro".into())),
            ("seats".into(), PropValue::Number(2.5)),
        ]);
        let expected = Event::Custom(Custom { ts: 1, name: "signup".into(), props });
        assert_eq!(serde_json::from_str::<Event>(&text).unwrap(), expected);
    }

    #[test]
    fn request_bodies_are_written_byte_for_byte_as_serde_json_writes_them() {
        use pulsegate_schema::{
            BatchId, BotSignal, ConsentTier, Device, DeviceClass, EventBatch, Fingerprint,
            FingerprintId, PageContext, SessionEnd, SessionId, SessionStart, SiteKey, Utm,
            VisitorId,
        };

        use super::{Start, batch_envelope, session_end};

        // What the tracker passes for a `SessionStart`.
        let session_start = |start: &SessionStart, device: &str, utm: &str, bot: &str| {
            let parts = Start {
                session_id: start.session_id,
                site_key: start.site_key.as_str(),
                started_at: start.started_at,
                page: &start.page,
                visitor_id: start.visitor_id,
                consent: start.consent,
                fingerprint: start.fingerprint.as_ref(),
            };
            super::session_start(&parts, device, utm, bot)
        };

        let session_id = SessionId::from_random_bytes([0x5a; 16]);
        let full = SessionStart {
            session_id,
            site_key: SiteKey::parse("demo").unwrap(),
            started_at: 1_764_097_200_000,
            page: PageContext {
                url: "https://shop.example/p?q=\"x\"".into(),
                referrer: Some("https://r.example/".into()),
                title: Some("Pricing \u{1} 日本".into()),
            },
            device: Device {
                language: Some("en-US".into()),
                timezone: Some("Europe/Berlin".into()),
                screen_width: Some(1920),
                screen_height: Some(1080),
                viewport_width: Some(1280),
                viewport_height: Some(720),
                pixel_ratio: Some(1.25),
                languages: vec!["en-US".into(), "de".into()],
                device_class: Some(DeviceClass::Tablet),
            },
            visitor_id: Some(VisitorId::from_random_bytes([0x11; 16])),
            consent: ConsentTier::Marketing,
            utm: Some(Utm {
                source: Some("news".into()),
                medium: Some("email".into()),
                campaign: Some("q\"4".into()),
                term: Some("t".into()),
                content: Some("c".into()),
            }),
            fingerprint: Some(Fingerprint {
                id: FingerprintId::parse(&"ab".repeat(32)).unwrap(),
                confidence: 90,
                sources: 12,
                ms: 40,
            }),
            bot: vec![BotSignal::Webdriver, BotSignal::ZeroOuterSize],
        };
        // The device, UTM and bot members come as JSON text.
        let body = |start: &SessionStart| {
            let device = serde_json::to_string(&start.device).unwrap();
            let utm = start.utm.as_ref().map(|u| serde_json::to_string(u).unwrap());
            let bot = if start.bot.is_empty() {
                String::new()
            } else {
                serde_json::to_string(&start.bot).unwrap()
            };
            session_start(start, &device, &utm.unwrap_or_default(), &bot)
        };
        assert_eq!(body(&full), serde_json::to_string(&full).unwrap());
        let bare = SessionStart {
            page: PageContext { url: "https://a.example/".into(), referrer: None, title: None },
            device: Device::default(),
            visitor_id: None,
            consent: ConsentTier::Count,
            utm: Some(Utm::default()),
            fingerprint: None,
            bot: Vec::new(),
            ..full
        };
        assert_eq!(body(&bare), serde_json::to_string(&bare).unwrap());
        let no_utm = SessionStart { utm: None, ..bare.clone() };
        assert_eq!(body(&no_utm), serde_json::to_string(&no_utm).unwrap());
        // The device text as JS writes it (a whole ratio as `2`, where serde_json writes `2.0`).
        let whole = SessionStart {
            device: Device { pixel_ratio: Some(2.0), ..Device::default() },
            consent: ConsentTier::Analytics,
            ..bare
        };
        let text = session_start(&whole, r#"{"pixel_ratio":2}"#, "{}", "");
        assert!(text.contains(r#""device":{"pixel_ratio":2},"consent":"analytics""#), "{text}");
        assert_eq!(serde_json::from_str::<SessionStart>(&text).unwrap(), whole);

        for engaged_ms in [None, Some(0), Some(u64::MAX)] {
            let end = SessionEnd { session_id, session_started_at: 1, ended_at: 2, engaged_ms };
            assert_eq!(session_end(&end), serde_json::to_string(&end).unwrap());
        }

        let batch = EventBatch {
            batch_id: BatchId::from_random_bytes([0xff; 16]),
            session_id,
            session_started_at: 0,
            sent_at: u64::MAX,
            events: Vec::new(),
        };
        assert_eq!(
            batch_envelope(batch.batch_id, session_id, 0, u64::MAX),
            serde_json::to_string(&batch).unwrap()
        );
    }
}
