//! One observer per rrweb source, each in its own file: it attaches its listeners (RAII guards,
//! removed when the recorder stops) and turns what it sees into incremental events.

mod input;
mod media;
mod mouse;
mod scroll;
mod style;

use js_sys::Function;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use super::dom::{self, Node};
use super::listener::Listener;

#[wasm_bindgen]
extern "C" {
    /// Wraps method (or, with `setter`, the property setter) `name` of `proto` so that
    /// `callback(this, arg0, arg1, result)` runs after the original; returns the undo function.
    /// Defined in the chunk's JS (`sdk/js/replay-hooks.js`): wasm closures cannot see `this`.
    #[wasm_bindgen(js_name = pgHook)]
    fn pg_hook(proto: &JsValue, name: &str, setter: bool, callback: &Function) -> Function;
}

/// A patched prototype member, restored when dropped.
#[derive(Debug)]
pub(crate) struct Hook {
    restore: Function,
    _callback: Closure<dyn FnMut(JsValue, JsValue, JsValue, JsValue)>,
}

impl Drop for Hook {
    fn drop(&mut self) {
        let _ = self.restore.call0(&JsValue::UNDEFINED);
    }
}

/// Hooks `window[class].prototype[name]` (a method, or a setter with `setter`).
fn hook(
    class: &str,
    name: &str,
    setter: bool,
    handler: impl FnMut(JsValue, JsValue, JsValue, JsValue) + 'static,
) -> Option<Hook> {
    let proto = dom::prop(&dom::prop(&dom::window(), class), "prototype");
    if !proto.is_object() {
        return None;
    }
    let callback = Closure::<dyn FnMut(JsValue, JsValue, JsValue, JsValue)>::own_aborting(handler);
    let restore = pg_hook(&proto, name, setter, callback.as_ref().unchecked_ref());
    Some(Hook { restore, _callback: callback })
}

/// Attaches every observer to `doc` and its window.
pub(crate) fn install(doc: &Node) -> (Vec<Listener>, Vec<Hook>) {
    let win = dom::window();
    let mut listeners = Vec::new();
    let mut hooks = Vec::new();
    mouse::install(doc, &mut listeners);
    scroll::install(doc, &win, &mut listeners);
    input::install(doc, &mut listeners, &mut hooks);
    media::install(doc, &mut listeners);
    style::install(&mut hooks);
    (listeners, hooks)
}
