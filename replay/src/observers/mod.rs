//! One observer per rrweb source, each in its own file: it says which events it listens to
//! (`install`), handles them (`dispatch`), and turns what it sees into incremental events. The
//! listeners and prototype hooks are removed when the recorder stops.
//!
//! Every listener carries a tag: each observer's event kinds are numbered from its base below, in
//! the order of its `KINDS`, so dispatching is a number comparison, not a string one.

mod input;
mod media;
mod mouse;
mod scroll;
mod style;

use alloc::vec::Vec;

use js_sys::Function;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use super::dom::{self, Ev, Node, Undo};
use super::listener::{self, Listeners};
use super::recorder::Recorder;
use super::{Handle, with_recorder};

#[wasm_bindgen]
extern "C" {
    /// Wraps method (or, with `setter`, the property setter) `name` of `proto` so that
    /// `callback(tag, this, arg0, result)` runs after the original; returns the undo function.
    /// Defined in the chunk's JS (`replay/js/hooks.js`): wasm closures cannot see `this`.
    #[wasm_bindgen(js_name = pgHook)]
    fn pg_hook(proto: &JsValue, name: &str, setter: bool, callback: &Function, tag: u32) -> Undo;
}

/// Patched prototype members, restored when dropped; one closure serves them all.
#[derive(Debug)]
pub(crate) struct Hooks {
    callback: Closure<dyn FnMut(u32, JsValue, JsValue, JsValue)>,
    restore: Vec<Undo>,
}

impl Hooks {
    /// Hooks that call `handler(tag, this, arg0, result)`.
    fn new(handler: impl FnMut(u32, JsValue, JsValue, JsValue) + 'static) -> Self {
        Self { callback: Closure::own_aborting(handler), restore: Vec::new() }
    }

    /// Hooks `window[class].prototype[name]` (a method, or a setter with `setter`) as `tag`.
    fn hook(&mut self, class: &str, name: &str, setter: bool, tag: u32) {
        let proto = dom::prop(&dom::prop(&dom::window(), class), "prototype");
        if proto.is_object() {
            let callback = self.callback.as_ref().unchecked_ref();
            self.restore.push(pg_hook(&proto, name, setter, callback, tag));
        }
    }
}

impl Drop for Hooks {
    fn drop(&mut self) {
        for restore in &self.restore {
            restore.run();
        }
    }
}

/// The first listener tag of each observer (see the module doc).
const MOUSE: u32 = 0;
const SCROLL: u32 = MOUSE + listener::count(mouse::KINDS);
const INPUT: u32 = SCROLL + 2;
const MEDIA: u32 = INPUT + listener::count(input::KINDS);

/// Attaches every observer to `doc` and its window, for the recorder behind `me`.
pub(crate) fn install(me: &Handle, doc: &Node) -> (Listeners, Hooks) {
    let win = dom::window();
    let weak = me.clone();
    let mut listeners =
        Listeners::new(move |tag, ev| with_recorder(&weak, |r| r.on_event(tag, &ev)));
    let weak = me.clone();
    let mut hooks = Hooks::new(move |tag, this, arg, result| {
        with_recorder(&weak, |r| r.on_hook(tag, &this, &arg, &result));
    });
    listeners.listen(doc, mouse::KINDS, true, MOUSE);
    scroll::install(doc, &win, &mut listeners, SCROLL);
    listeners.listen(doc, input::KINDS, true, INPUT);
    input::install(&mut hooks);
    listeners.listen(doc, media::KINDS, true, MEDIA);
    style::install(&mut hooks);
    (listeners, hooks)
}

impl Recorder {
    /// Hands a DOM event to the observer whose listener (`tag`) received it.
    fn on_event(&mut self, tag: u32, ev: &Ev) {
        if tag < SCROLL {
            mouse::dispatch(self, tag - MOUSE, ev);
        } else if tag < INPUT {
            scroll::dispatch(self, tag - SCROLL, ev);
        } else if tag < MEDIA {
            input::dispatch(self, ev);
        } else {
            media::dispatch(self, tag - MEDIA, ev);
        }
    }

    /// Hands a hooked call to the observer that asked for it.
    fn on_hook(&mut self, tag: u32, this: &JsValue, arg: &JsValue, result: &JsValue) {
        let _ = input::on_hook(self, tag, this) || style::on_hook(self, tag, this, arg, result);
    }
}
