//! `<video>` and `<audio>` play, pause, seek, volume and rate changes (source 7).

use super::super::dom::{self, Ev, Node};
use super::super::recorder::{INCREMENTAL, Recorder};

/// The DOM events listened to (on the document, capturing), in tag order: rrweb's
/// MediaInteractions 0 to 4.
pub(super) const KINDS: &str = "play pause seeked volumechange ratechange";

/// Handles the event of kind number `tag` in [`KINDS`]: its tag is its MediaInteraction.
pub(super) fn dispatch(r: &mut Recorder, tag: u32, ev: &Ev) {
    r.on_media(ev, tag);
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/js/hooks.js")]
extern "C" {
    /// The interaction's data as JSON, `{"source":7,"type":…,"id":…,…}`: the element's time,
    /// volume and rate to three decimals, `muted` and `loop` (`replay/js/hooks.js`).
    #[wasm_bindgen(js_name = pgMedia)]
    fn media(el: &Node, code: i32, id: i32) -> wasm_bindgen::JsValue;
}

impl Recorder {
    fn on_media(&mut self, ev: &Ev, code: u32) {
        let Some(id) = self.target_id(ev) else { return };
        let Some(el) = dom::origin(ev) else { return };
        self.emit(INCREMENTAL, &dom::string(media(&el, code as i32, id as i32)));
    }
}
