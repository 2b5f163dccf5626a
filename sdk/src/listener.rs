//! DOM event listeners that live as long as the page.
//!
//! The tracker's listeners (`pagehide`, `visibilitychange`) must outlive every Rust value, so
//! their closures are deliberately handed to JS with `Closure::forget`: no guard to store and no
//! `removeEventListener` code in the wasm. A listener that must be removed later (not needed yet)
//! would want an RAII guard in the style of gloo-events instead.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::EventTarget;

/// Calls `handler` on every `kind` event on `target`, for the rest of the page's life.
pub(crate) fn listen(target: &EventTarget, kind: &str, handler: impl FnMut() + 'static) {
    // `own_aborting`: no unwind-safety bound; with `panic = "abort"` every closure aborts anyway.
    let callback = Closure::<dyn FnMut()>::own_aborting(handler);
    // addEventListener only throws for a non-callable listener, which a Closure never is.
    let _ = target.add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref());
    callback.forget();
}
