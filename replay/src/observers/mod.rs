//! One observer per rrweb source, each in its own file: it says which events it listens to
//! (`install`), handles them (`dispatch`), and turns what it sees into incremental events. The
//! listeners and prototype hooks are removed when the recorder stops.
//!
//! Every listener carries a tag: each observer's event kinds are numbered from its base below, in
//! the order of its `KINDS`, so dispatching is a number comparison, not a string one. The
//! mutation observer and the hooks have tags of their own after them, for the same closure.

mod input;
mod media;
mod mouse;
mod scroll;
mod style;

use wasm_bindgen::{JsCast, JsValue};

use super::dom::{self, Ev, Node};
use super::listener::{self, Listeners};
use super::recorder::Recorder;
use super::{Handle, with_recorder};

/// The first listener tag of each observer (see the module doc).
const MOUSE: u32 = 0;
const SCROLL: u32 = MOUSE + listener::count(mouse::KINDS);
const INPUT: u32 = SCROLL + 2;
const MEDIA: u32 = INPUT + listener::count(input::KINDS);
/// The mutation observer's tag (its records come as the event).
pub(crate) const MUTATIONS: u32 = MEDIA + listener::count(media::KINDS);
/// The first hook tag (the input setters'; the style rules' are their own, above them).
const HOOKS: u32 = MUTATIONS + 1;

/// Attaches every observer to `doc` and its window, for the recorder behind `me`.
pub(crate) fn install(me: &Handle, doc: &Node) -> Listeners {
    let win = dom::window();
    let weak = me.clone();
    let mut listeners = Listeners::new(move |tag, a, b, c| {
        with_recorder(&weak, |r| r.on_call(tag, &a, &b, &c));
    });
    listeners.listen(doc, mouse::KINDS, true, MOUSE);
    scroll::install(doc, &win, &mut listeners, SCROLL);
    listeners.listen(doc, input::KINDS, true, INPUT);
    input::install(&mut listeners, HOOKS);
    listeners.listen(doc, media::KINDS, true, MEDIA);
    style::install(&mut listeners);
    listeners
}

impl Recorder {
    /// Hands what the one closure received to whom it is for, by its tag: a DOM event to the
    /// observer whose listener received it, mutation records to the buffer, a hooked call to
    /// the observer that asked for it.
    fn on_call(&mut self, tag: u32, a: &JsValue, b: &JsValue, c: &JsValue) {
        let ev: &Ev = a.unchecked_ref();
        if tag >= listener::TIMER {
            self.on_timer(tag - listener::TIMER);
        } else if tag < SCROLL {
            mouse::dispatch(self, tag - MOUSE, ev);
        } else if tag < INPUT {
            scroll::dispatch(self, tag - SCROLL, ev);
        } else if tag < MEDIA {
            input::dispatch(self, ev);
        } else if tag < MUTATIONS {
            media::dispatch(self, tag - MEDIA, ev);
        } else if tag == MUTATIONS {
            self.on_mutations(a.unchecked_ref());
        } else if !style::on_hook(self, tag, a, b, c) {
            input::on_hook(self, a);
        }
    }
}
