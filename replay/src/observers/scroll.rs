//! Scroll (source 3) and viewport resize (source 4), both throttled: what changed within 100 ms
//! is sent once, with the positions and size at that moment.

use super::super::dom::{self, Ev};
use super::super::json;
use super::super::listener::Timer;
use super::super::recorder::{INCREMENTAL, Recorder};

/// Scrolls and resizes are sent at most this often, ms.
const THROTTLE_MS: u32 = 100;

/// Handles a scroll (tag 0: on the document, capturing) or a resize (tag 1: on the window), as
/// `pgInstall` listens to them.
pub(super) fn dispatch(r: &mut Recorder, tag: u32, ev: &Ev) {
    if tag == 0 {
        r.on_scroll(ev);
    } else {
        r.on_resize();
    }
}

impl Recorder {
    fn on_scroll(&mut self, ev: &Ev) {
        let Some(target) = dom::origin(ev) else { return };
        let Some(id) = self.target_id(ev) else { return };
        if !self.scrolls.iter().any(|(_, s)| *s == id) {
            self.scrolls.push((target, id));
        }
        self.timers.arm(Timer::Throttle, THROTTLE_MS);
    }

    fn on_resize(&mut self) {
        self.resized = true;
        self.timers.arm(Timer::Throttle, THROTTLE_MS);
    }

    /// Sends the current scroll positions of what scrolled, and the viewport size if it changed.
    pub(crate) fn flush_throttled(&mut self) {
        let win = dom::window();
        for (node, id) in core::mem::take(&mut self.scrolls) {
            if !self.mirror.present(id) {
                continue;
            }
            let (x, y) = (dom::scroll(&node, 0), dom::scroll(&node, 1));
            let mut data = self.head(INCREMENTAL);
            data.push_str("{\"source\":3,\"id\":");
            json::uint(&mut data, u64::from(id));
            data.push_str(",\"x\":");
            json::round(&mut data, x);
            data.push_str(",\"y\":");
            json::round(&mut data, y);
            data.push('}');
            self.emit_event(INCREMENTAL, data);
        }
        if core::mem::take(&mut self.resized) {
            let mut data = self.head(INCREMENTAL);
            data.push_str("{\"source\":4,\"width\":");
            json::round(&mut data, dom::num(&win, "innerWidth"));
            data.push_str(",\"height\":");
            json::round(&mut data, dom::num(&win, "innerHeight"));
            data.push('}');
            self.emit_event(INCREMENTAL, data);
        }
    }
}
