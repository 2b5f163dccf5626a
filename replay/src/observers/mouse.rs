//! Pointer moves (sources 1 and 6: sampled every 50 ms, sent every 500 ms) and mouse and touch
//! interactions (source 2).

use super::super::dom::{self, Ev};
use super::super::json;
use super::super::listener::Timer;
use super::super::recorder::{INCREMENTAL, Recorder};
use super::super::serialize::events_dropped;

/// At most one position per this many ms.
const SAMPLE_MS: f64 = 50.0;
/// Positions are sent this long after the first one waiting.
const FLUSH_MS: u32 = 500;

/// The DOM events listened to (on the document, capturing), in tag order: the two moves, then
/// rrweb's MouseInteractions 0 to 10 (8, TouchMove_Departed, has no DOM event).
pub(super) const KINDS: &str = "mousemove touchmove mouseup mousedown click contextmenu dblclick \
                                focus blur touchstart touchend touchcancel";

/// Handles the event of kind number `tag` in [`KINDS`].
pub(super) fn dispatch(r: &mut Recorder, tag: u32, ev: &Ev) {
    match tag {
        0 => r.on_move(ev, 1),
        1 => r.on_move(ev, 6),
        // KINDS[2..] are interactions 0 to 7, then 9 and 10.
        _ => {
            let code = tag - 2;
            r.on_interaction(ev, if code < 8 { code } else { code + 1 });
        }
    }
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/js/hooks.js")]
extern "C" {
    /// The event's `clientX` (`k` 0) or `clientY` (1), the first changed touch's for touch events,
    /// or (2) its pointer type as rrweb's number, -1 for none (`replay/js/hooks.js`).
    #[wasm_bindgen(js_name = pgPoint)]
    fn point(ev: &Ev, k: i32) -> f64;
}

/// The event's viewport position (the first changed touch's for touch events).
fn position(ev: &Ev) -> (f64, f64) {
    (point(ev, 0), point(ev, 1))
}

impl Recorder {
    /// The id of an event's target when the Replayer has it and its events are recorded.
    pub(crate) fn target_id(&self, ev: &Ev) -> Option<u32> {
        let target = dom::origin(ev)?;
        let id = self.mirror.present_id(&target)?;
        (!events_dropped(self.mirror.flags(id))).then_some(id)
    }

    fn on_move(&mut self, ev: &Ev, source: u8) {
        let now = dom::date_now();
        if self.snapshotting() || now - self.last_move < SAMPLE_MS {
            return;
        }
        let Some(id) = self.target_id(ev) else { return };
        if self.moves_source != source {
            self.flush_moves();
            self.moves_source = source;
        }
        self.last_move = now;
        let (x, y) = position(ev);
        self.moves.push((x, y, id, now));
        self.timers.arm(Timer::Moves, FLUSH_MS);
    }

    /// Sends the waiting positions as one event, offsets relative to now.
    pub(crate) fn flush_moves(&mut self) {
        if self.moves.is_empty() {
            return;
        }
        let mut data = self.head(INCREMENTAL);
        let now = dom::date_now();
        data.push_str("{\"source\":");
        json::uint(&mut data, u64::from(self.moves_source));
        data.push_str(",\"positions\":[");
        // By reference, then cleared: no owning iterator.
        for &(x, y, id, at) in &self.moves {
            if !data.ends_with('[') {
                data.push(',');
            }
            data.push_str("{\"x\":");
            json::round(&mut data, x);
            data.push_str(",\"y\":");
            json::round(&mut data, y);
            data.push_str(",\"id\":");
            json::uint(&mut data, u64::from(id));
            data.push_str(",\"timeOffset\":");
            json::round(&mut data, (at - now).min(0.0));
            data.push('}');
        }
        self.moves.clear();
        data.push_str("]}");
        self.emit_event(INCREMENTAL, data);
    }

    fn on_interaction(&mut self, ev: &Ev, code: u32) {
        let Some(id) = self.target_id(ev) else { return };
        let mut data = self.head(INCREMENTAL);
        data.push_str("{\"source\":2,\"type\":");
        json::uint(&mut data, u64::from(code));
        data.push_str(",\"id\":");
        json::uint(&mut data, u64::from(id));
        if code != 5 && code != 6 {
            let (x, y) = position(ev);
            data.push_str(",\"x\":");
            json::round(&mut data, x);
            data.push_str(",\"y\":");
            json::round(&mut data, y);
            let pointer = point(ev, 2);
            if pointer >= 0.0 {
                data.push_str(",\"pointerType\":");
                json::uint(&mut data, pointer as u64);
            }
        }
        data.push('}');
        self.emit_event(INCREMENTAL, data);
    }
}
