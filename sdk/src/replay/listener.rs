//! RAII event listeners and timers: dropping the guard removes the listener or clears the timer,
//! so stopping the recorder leaves nothing attached to the page.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::dom::{self, Ev, Node};

/// A listener on `target`, removed when dropped.
#[derive(Debug)]
pub(crate) struct Listener {
    target: Node,
    kind: &'static str,
    capture: bool,
    callback: Closure<dyn FnMut(Ev)>,
}

/// Calls `handler` for every `kind` event reaching `target` (in the capture phase when `capture`).
pub(crate) fn listen(
    target: &Node,
    kind: &'static str,
    capture: bool,
    handler: impl FnMut(Ev) + 'static,
) -> Listener {
    let callback = Closure::<dyn FnMut(Ev)>::own_aborting(handler);
    target.add_listener(kind, callback.as_ref().unchecked_ref(), capture);
    Listener { target: target.clone(), kind, capture, callback }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.target.remove_listener(
            self.kind,
            self.callback.as_ref().unchecked_ref(),
            self.capture,
        );
    }
}

/// A one-shot timer that can be re-armed; cleared when dropped.
#[derive(Debug)]
pub(crate) struct Timer {
    callback: Closure<dyn FnMut()>,
    id: Option<i32>,
}

impl Timer {
    /// A timer that runs `handler` when it fires.
    pub(crate) fn new(handler: impl FnMut() + 'static) -> Self {
        Self { callback: Closure::own_aborting(handler), id: None }
    }

    /// Fires in `ms` unless already armed.
    pub(crate) fn arm(&mut self, ms: u32) {
        if self.id.is_none() {
            self.id = Some(dom::set_timeout(self.callback.as_ref().unchecked_ref(), ms));
        }
    }

    /// Call first thing when it fires: it may be armed again.
    pub(crate) fn fired(&mut self) {
        self.id = None;
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            dom::clear_timeout(id);
        }
    }
}
