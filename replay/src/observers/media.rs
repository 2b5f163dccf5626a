//! `<video>` and `<audio>` play, pause, seek, volume and rate changes (source 7).

use alloc::string::String;

use super::super::dom::{self, Ev, Node};
use super::super::json;
use super::super::listener::Listeners;
use super::super::recorder::{INCREMENTAL, Recorder};

/// rrweb's MediaInteractions, by DOM event.
const EVENTS: &[(&str, u8)] =
    &[("play", 0), ("pause", 1), ("seeked", 2), ("volumechange", 3), ("ratechange", 4)];

pub(super) fn install(doc: &Node, listeners: &mut Listeners) {
    for &(kind, _) in EVENTS {
        listeners.listen(doc, kind, true);
    }
}

/// Handles `kind` if it is a media event.
pub(super) fn dispatch(r: &mut Recorder, kind: &str, ev: &Ev) -> bool {
    match EVENTS.iter().find(|(k, _)| *k == kind) {
        Some(&(_, code)) => {
            r.on_media(ev, code);
            true
        }
        None => false,
    }
}

impl Recorder {
    fn on_media(&mut self, ev: &Ev, code: u8) {
        let Some(id) = self.target_id(ev) else { return };
        let Some(el) = dom::origin(ev) else { return };
        let mut data = String::from("{\"source\":7,\"type\":");
        json::uint(&mut data, u64::from(code));
        data.push_str(",\"id\":");
        json::uint(&mut data, u64::from(id));
        for (key, prop) in
            [("currentTime", "currentTime"), ("volume", "volume"), ("playbackRate", "playbackRate")]
        {
            data.push(',');
            json::key(&mut data, key);
            json::milli(&mut data, dom::num(&el, prop));
        }
        for key in ["muted", "loop"] {
            data.push(',');
            json::key(&mut data, key);
            data.push_str(if dom::prop(&el, key).as_bool() == Some(true) {
                "true"
            } else {
                "false"
            });
        }
        data.push('}');
        self.emit(INCREMENTAL, &data);
    }
}
