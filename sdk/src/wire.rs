//! The tracker's events as JSON text (`pulsegate_schema::Event`, tagged by `"type"`).

use alloc::string::String;

use pulsegate_schema::Event;

/// The JSON text of `event`, with the member `"extra": object` added when `object` (JSON object
/// text written in JS, `js/props.js`) is not `{}`: the props of `track` and `page`, the traits of
/// `identify`.
pub(crate) fn event(event: &Event, extra: &str, object: &str) -> String {
    let mut text = crate::json::to_string(event).unwrap_or_default();
    if object != "{}" {
        crate::json::add_member(&mut text, extra, object);
    }
    text
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
    fn every_kind_is_written_byte_for_byte_as_serde_json_writes_it() {
        for e in events() {
            assert_eq!(event(&e, "", "{}"), serde_json::to_string(&e).unwrap());
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
}
