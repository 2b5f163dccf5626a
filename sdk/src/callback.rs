//! Functions the browser calls into the SDK: event listeners, timers, promise handlers, the
//! wrapped `history` methods and the public API function. Listeners, timers and patches are RAII
//! guards: dropping one removes the listener, clears the timer or restores the method.
//!
//! Every callback has the same Rust type, [`Callback`], so the JS glue carries one closure shim
//! for all of them, and each is handed to JS wrapped by `guard` (`js/host.js`), so nothing the
//! wasm does can throw into the page. The tracker has one callback for every signal: what a
//! listener, timer or patch holds is that callback with its signal bound in JS ([`bound`]).

use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;

use wasm_bindgen::prelude::wasm_bindgen;

use crate::js::{self, call0};

/// The one closure type: up to three arguments (an event; or a request number and a response),
/// returning an [`Answer`]. `Fn`, not `FnMut`: each callback borrows its state with
/// `try_borrow_mut` and drops a call that comes while another runs, so the glue's bookkeeping of
/// a call in progress (which `FnMut` closures get) is not needed.
pub(crate) type Callback = Closure<dyn Fn(JsValue, JsValue, JsValue) -> Answer>;

/// What a callback returns: a value only for the tracker's API function (`undefined` from every
/// other callback). A bundle without the tracker (form.js) has no API function, so its one
/// callback returns nothing, and its invoke export hands no value back to JS. Every callback of
/// one bundle still has the same type (one closure shim).
#[cfg(feature = "tracker")]
pub(crate) type Answer = JsValue;
/// See above: form.js.
#[cfg(not(feature = "tracker"))]
pub(crate) type Answer = ();

/// A Rust callback and the guarded JS function that calls it.
#[derive(Debug)]
pub(crate) struct Handler {
    /// Owns the Rust side; the JS function stops working once this is dropped.
    _closure: Callback,
    js: JsValue,
}

impl Handler {
    /// Wraps `closure` for JS.
    pub(crate) fn new(closure: Callback) -> Self {
        let js = js::guard(closure.as_ref());
        Self { _closure: closure, js }
    }

    /// The JS function.
    pub(crate) fn js(&self) -> &JsValue {
        &self.js
    }
}

#[wasm_bindgen(module = "/js/signal.js")]
extern "C" {
    /// `(a, b) => f(signal, a, b)`.
    #[wasm_bindgen(js_name = bind)]
    fn host_bind(f: &JsValue, signal: u8) -> JsValue;
    /// `target.addEventListener(kind, f, capture)`; the function that removes it again.
    #[wasm_bindgen(js_name = listen)]
    fn host_listen(target: &JsValue, kind: &str, f: &JsValue, signal: u8, capture: i32) -> JsValue;
    /// `setTimeout(f, ms)`: the timeout's id, `NaN` when it threw.
    #[wasm_bindgen(js_name = later)]
    pub(crate) fn host_later(f: &JsValue, ms: f64) -> f64;
    /// `clearTimeout(id)`.
    #[wasm_bindgen(js_name = clear)]
    fn host_clear(id: f64);
    /// `p.then(r => f(s, n, r), () => f(s, n, null))`: the chained promise, `undefined` when `p`
    /// has no `then` that works.
    pub(crate) fn chain(p: &JsValue, f: &JsValue, s: f64, n: f64) -> JsValue;
    /// `f(n)` in a task of its own soon (`scheduler.yield()`, else a `MessageChannel` message);
    /// 0 when neither works.
    pub(crate) fn soon(f: &JsValue, n: f64) -> i32;
    /// How `document`'s page is seen: 1 hidden, 2 visible and focused, else 0.
    pub(crate) fn view(document: &JsValue) -> i32;
}

/// `f` (a guarded callback taking a signal number first) with `signal` bound: a JS function of
/// up to two arguments, no closure of its own in the wasm.
pub(crate) fn bound(f: &JsValue, signal: u8) -> JsValue {
    host_bind(f, signal)
}

/// An event listener, removed on drop.
#[derive(Debug)]
pub(crate) struct Listener {
    /// The function that removes it (`undefined` when adding it threw).
    undo: JsValue,
}

impl Listener {
    /// `target.addEventListener(kind, handler, capture)`, the handler being `f` (a guarded
    /// callback taking a signal number first) with `signal` bound, in one call (`js/signal.js`).
    pub(crate) fn new(
        target: &JsValue,
        kind: &str,
        capture: bool,
        f: &JsValue,
        signal: u8,
    ) -> Self {
        Self { undo: host_listen(target, kind, f, signal, i32::from(capture)) }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        call0(&self.undo, "call");
    }
}

/// A one-shot `setTimeout` that can be re-armed; cleared on drop (both in one call each,
/// `js/signal.js`).
#[derive(Debug)]
pub(crate) struct Timer {
    handler: JsValue,
    /// The pending timeout's id.
    id: Option<f64>,
}

impl Timer {
    /// A timer calling `handler`, not yet armed (it runs on the global object's `setTimeout`).
    pub(crate) fn new(handler: JsValue) -> Self {
        Self { handler, id: None }
    }

    /// Fires in `ms` unless it is armed already.
    pub(crate) fn arm(&mut self, ms: u64) {
        if self.id.is_none() {
            let id = host_later(&self.handler, ms as f64);
            self.id = (!id.is_nan()).then_some(id);
        }
    }

    /// Fires in `ms`, replacing an earlier arming.
    pub(crate) fn rearm(&mut self, ms: u64) {
        self.cancel();
        self.arm(ms);
    }

    /// Marks the timer as fired (call first thing in its handler).
    pub(crate) fn fired(&mut self) {
        self.id = None;
    }

    /// Clears a pending timeout.
    pub(crate) fn cancel(&mut self) {
        if let Some(id) = self.id.take() {
            host_clear(id);
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// `target[method]` wrapped to notify the SDK after each call; restored on drop.
#[derive(Debug)]
pub(crate) struct Patch {
    /// The function that restores the original (`undefined` when nothing was wrapped).
    undo: JsValue,
}

impl Patch {
    /// Wraps `target[method]` to call `handler` after the original.
    pub(crate) fn new(target: &JsValue, method: &str, handler: &JsValue) -> Self {
        Self { undo: js::patch(target, method, handler) }
    }
}

impl Drop for Patch {
    fn drop(&mut self) {
        call0(&self.undo, "call");
    }
}
