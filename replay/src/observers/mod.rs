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

use super::dom::{Ev, Node};
use super::listener::{self, Listeners};
use super::recorder::Recorder;
use super::{Handle, with_recorder};

/// The first listener tag of each observer (see the module doc), as `pgInstall` in
/// `replay/js/hooks.js` adds the listeners and hooks.
const MOUSE: u32 = 0;
const SCROLL: u32 = MOUSE + listener::count(mouse::KINDS);
const INPUT: u32 = SCROLL + 2;
const MEDIA: u32 = INPUT + listener::count(input::KINDS);
/// The mutation observer's tag (its records come as the event); the input setters' hooks come
/// after it, the style rules' have tags of their own above them.
pub(crate) const MUTATIONS: u32 = MEDIA + listener::count(media::KINDS);

/// Each event type listened to with its tag (`"resize"` on the window, the rest on the document),
/// and the hooks' tags in `pgInstall`'s order: what the browser test of `pgInstall` expects.
#[cfg(all(test, target_family = "wasm"))]
pub(crate) fn tags() -> (Vec<(&'static str, u32)>, [u32; 7]) {
    let lists = [
        (mouse::KINDS, MOUSE),
        ("scroll resize", SCROLL),
        (input::KINDS, INPUT),
        (media::KINDS, MEDIA),
    ];
    let listened =
        lists.into_iter().flat_map(|(kinds, base)| kinds.split(' ').zip(base..)).collect();
    let setter = MUTATIONS + 1;
    let hooks =
        [setter, setter + 1, setter + 2, setter + 3, setter + 4, style::INSERT, style::DELETE];
    (listened, hooks)
}

/// Attaches every observer to `doc` and its window, for the recorder behind `me`.
pub(crate) fn install(me: &Handle, doc: &Node) -> Listeners {
    let weak = me.clone();
    Listeners::new(doc, move |tag, a, b, c| {
        with_recorder(&weak, |r| r.on_call(tag, &a, &b, &c));
    })
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
