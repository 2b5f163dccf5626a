//! RAII event listeners, prototype hooks and timers: dropping them removes every listener and
//! hook and clears every timer, so stopping the recorder leaves nothing attached to the page.
//!
//! All listeners, the mutation observer, the hooks and the timers share one wasm closure. Each
//! hands it a small number (a listener the one it was added with plus its event kind's
//! position), so the dispatcher switches on that number instead of comparing the event's `type`
//! string; one closure, of the chunk's one closure type, keeps the chunk smaller.

use js_sys::Function;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use super::dom::{self, MutationObserver, Node, Undo};

#[wasm_bindgen(module = "/js/hooks.js")]
extern "C" {
    /// Adds every listener and prototype hook of the recorder, on `doc` and its window, each
    /// calling `callback` with its tag (`observers/mod.rs` numbers them); returns the function
    /// that removes them all. Defined in the chunk's JS (`replay/js/hooks.js`), with the event
    /// types, classes and members, which the wasm then neither holds nor hands over as text.
    #[wasm_bindgen(js_name = pgInstall)]
    fn pg_install(doc: &Node, callback: &Function) -> Undo;
}

#[wasm_bindgen(module = "/js/hooks.js")]
extern "C" {
    /// A `MutationObserver` whose records reach `callback(tag, records)` (`replay/js/hooks.js`).
    #[wasm_bindgen(js_name = pgObserver)]
    fn pg_observer(callback: &Function, tag: i32) -> MutationObserver;
}

/// The recorder's listeners, mutation observer and prototype hooks: one closure serves them all,
/// `handler(tag, a, b, c)`; every listener and hook is removed when this is dropped.
#[derive(Debug)]
pub(crate) struct Listeners {
    /// The closure, handed to JS as a function (as the control function), and never freed: no
    /// `Closure` here to drop, so the glue has no shim to undo a wasm-held closure and wraps it
    /// plainly (`xtask/src/sdk.rs`'s `keep_closures`). After a stop, its handle on the recorder
    /// leads nowhere.
    callback: Function,
    remove: Undo,
}

impl Listeners {
    /// Listeners that call `handler(tag, event, undefined, undefined)` with every event they
    /// receive, `handler(tag, records, …)` for a mutation observer's records and
    /// `handler(tag, this, arg0, result)` for a hooked call, all of them added to `doc` and its
    /// window at once.
    pub(crate) fn new(
        doc: &Node,
        handler: impl Fn(u32, JsValue, JsValue, JsValue) + 'static,
    ) -> Self {
        let callback = Closure::<dyn Fn(u32, JsValue, JsValue, JsValue)>::own_aborting(handler);
        let callback: Function = callback.into_js_value().unchecked_into();
        let remove = pg_install(doc, &callback);
        Self { callback, remove }
    }

    pub(crate) fn function(&self) -> &Function {
        &self.callback
    }

    /// A mutation observer that hands the handler its records with `tag`.
    pub(crate) fn mutation_observer(&self, tag: u32) -> MutationObserver {
        pg_observer(self.function(), tag as i32)
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
        self.remove.run();
    }
}

#[wasm_bindgen]
extern "C" {
    /// `setTimeout(callback, ms, which)`: the callback gets `which`.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout_with(callback: &Function, ms: i32, which: i32) -> i32;
}

/// The tag of the first timer in the listeners' closure (above every listener's and hook's).
pub(crate) const TIMER: u32 = 200;

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
    /// The listeners' closure, called with [`TIMER`] plus the timer's number.
    callback: Function,
    ids: [Option<i32>; TIMERS],
}

impl Timers {
    /// Timers that call the listeners' closure with [`TIMER`] plus the number of the one that
    /// fired.
    pub(crate) fn new(listeners: &Listeners) -> Self {
        Self { callback: listeners.function().clone(), ids: [None; TIMERS] }
    }

    /// Arms `timer` to fire in `ms`, unless it is armed already.
    pub(crate) fn arm(&mut self, timer: Timer, ms: u32) {
        if let Some(slot) = self.ids.get_mut(timer as usize)
            && slot.is_none()
        {
            *slot =
                Some(set_timeout_with(&self.callback, ms as i32, (TIMER + timer as u32) as i32));
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
