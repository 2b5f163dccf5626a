//! RAII event listeners and timers: dropping them removes every listener and clears every timer,
//! so stopping the recorder leaves nothing attached to the page.
//!
//! All listeners share one wasm closure (and all timers another). Each listener hands it the
//! event with the small number it was added with, so the dispatcher switches on that number
//! instead of comparing the event's `type` string; one closure instead of one per event kind
//! keeps the chunk smaller.

use alloc::vec::Vec;

use js_sys::Function;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;

use super::dom::{self, Ev, Node, Undo};

#[wasm_bindgen]
extern "C" {
    /// Adds a listener to `target` for each of `kinds` (separated by spaces) that calls
    /// `callback(tag + i, event)`, `i` the kind's position; returns the function that removes
    /// them. Defined in the chunk's JS (`replay/js/hooks.js`).
    #[wasm_bindgen(js_name = pgListen)]
    fn pg_listen(target: &Node, kinds: &str, capture: bool, callback: &Function, tag: u32) -> Undo;
}

/// The recorder's listeners, removed when dropped.
#[derive(Debug)]
pub(crate) struct Listeners {
    callback: Closure<dyn FnMut(u32, Ev)>,
    remove: Vec<Undo>,
}

impl Listeners {
    /// Listeners that call `handler(tag, event)` with every event they receive.
    pub(crate) fn new(handler: impl FnMut(u32, Ev) + 'static) -> Self {
        Self { callback: Closure::own_aborting(handler), remove: Vec::new() }
    }

    /// Listens to each of `kinds` (event types separated by spaces) on `target` (in the capture
    /// phase when `capture`); the handler gets them with `tag` plus the kind's position.
    pub(crate) fn listen(&mut self, target: &Node, kinds: &str, capture: bool, tag: u32) {
        let callback = self.callback.as_ref().unchecked_ref();
        self.remove.push(pg_listen(target, kinds, capture, callback, tag));
    }
}

/// How many event types `kinds` lists (separated by single spaces).
pub(crate) const fn count(kinds: &str) -> u32 {
    let bytes = kinds.as_bytes();
    let (mut n, mut i) = (1, 0);
    while i < bytes.len() {
        if bytes[i] == b' ' {
            n += 1;
        }
        i += 1;
    }
    n
}

impl Drop for Listeners {
    fn drop(&mut self) {
        for remove in &self.remove {
            remove.run();
        }
    }
}

#[wasm_bindgen]
extern "C" {
    /// `setTimeout(callback, ms, which)`: the callback gets `which`.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout_with(callback: &Function, ms: u32, which: u32) -> i32;
}

/// How many timers there are (see [`Timer`]).
const TIMERS: usize = 4;

/// The recorder's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Timer {
    /// The next snapshot slice.
    Slice = 0,
    /// The next checkout (a new full snapshot).
    Checkout = 1,
    /// Sending the waiting pointer positions.
    Moves = 2,
    /// Sending the waiting scroll positions and viewport size.
    Throttle = 3,
}

impl Timer {
    /// The timer with this number.
    pub(crate) fn from_u32(n: u32) -> Option<Self> {
        [Self::Slice, Self::Checkout, Self::Moves, Self::Throttle].get(n as usize).copied()
    }
}

/// One-shot timers that can be re-armed; all cleared when dropped.
#[derive(Debug)]
pub(crate) struct Timers {
    callback: Closure<dyn FnMut(u32)>,
    ids: [Option<i32>; TIMERS],
}

impl Timers {
    /// Timers that call `handler` with the number of the one that fired.
    pub(crate) fn new(handler: impl FnMut(u32) + 'static) -> Self {
        Self { callback: Closure::own_aborting(handler), ids: [None; TIMERS] }
    }

    /// Arms `timer` to fire in `ms`, unless it is armed already.
    pub(crate) fn arm(&mut self, timer: Timer, ms: u32) {
        if let Some(slot) = self.ids.get_mut(timer as usize)
            && slot.is_none()
        {
            *slot =
                Some(set_timeout_with(self.callback.as_ref().unchecked_ref(), ms, timer as u32));
        }
    }

    /// Call first thing when `timer` fires: it may be armed again.
    pub(crate) fn fired(&mut self, timer: Timer) {
        if let Some(slot) = self.ids.get_mut(timer as usize) {
            *slot = None;
        }
    }
}

impl Drop for Timers {
    fn drop(&mut self) {
        for id in self.ids.iter_mut().filter_map(Option::take) {
            dom::clear_timeout(id);
        }
    }
}
