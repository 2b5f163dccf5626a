//! `<video>` and `<audio>` play, pause, seek, volume and rate changes (source 7).

use alloc::string::String;

use super::super::dom::{self, Ev};
use super::super::json;
use super::super::recorder::{INCREMENTAL, Recorder};

/// The DOM events listened to (on the document, capturing), in tag order: rrweb's
/// MediaInteractions 0 to 4.
pub(super) const KINDS: &str = "play pause seeked volumechange ratechange";

/// Handles the event of kind number `tag` in [`KINDS`]: its tag is its MediaInteraction.
pub(super) fn dispatch(r: &mut Recorder, tag: u32, ev: &Ev) {
    r.on_media(ev, tag);
}

impl Recorder {
    fn on_media(&mut self, ev: &Ev, code: u32) {
        let Some(id) = self.target_id(ev) else { return };
        let Some(el) = dom::origin(ev) else { return };
        let mut data = String::from("{\"source\":7,\"type\":");
        json::uint(&mut data, u64::from(code));
        data.push_str(",\"id\":");
        json::uint(&mut data, u64::from(id));
        for key in &["currentTime", "volume", "playbackRate"] {
            data.push(',');
            json::key(&mut data, key);
            data.push_str(&dom::string(dom::milli(&el, key)));
        }
        for key in &["muted", "loop"] {
            data.push(',');
            json::key(&mut data, key);
            data.push_str(if dom::is_true(&el, key) { "true" } else { "false" });
        }
        data.push('}');
        self.emit(INCREMENTAL, &data);
    }
}
