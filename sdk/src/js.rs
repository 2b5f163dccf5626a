//! Reading loosely typed JS values (the loader's config, browser properties) without throwing.
//!
//! Plain properties are read with `Reflect.get` instead of one typed web-sys getter each: every
//! typed getter adds its own shim to the JS glue and its own call code to the wasm, while these
//! share one. It also copes with properties a browser lacks (`globalPrivacyControl`) and getters
//! that throw (`sessionStorage` in a sandboxed iframe).

use js_sys::Reflect;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Window;

#[wasm_bindgen]
extern "C" {
    /// The global `window`, `None` where there is none (a worker). One import, where
    /// `web_sys::window()` probes four globals.
    #[wasm_bindgen(thread_local_v2, js_name = window)]
    static WINDOW: Option<Window>;
}

/// The page's `window`.
pub(crate) fn window() -> Option<Window> {
    WINDOW.with(Clone::clone)
}

/// `target[name]`, or `undefined` when `target` is not an object or the getter throws.
pub(crate) fn property(target: &JsValue, name: &str) -> JsValue {
    if !target.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(target, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// `value` as the interface `T` the caller knows it has, when it is an object at all.
pub(crate) fn object<T: JsCast>(value: JsValue) -> Option<T> {
    value.is_object().then(|| value.unchecked_into())
}

/// A JS number as whole milliseconds, when it is finite and not negative.
pub(crate) fn millis(value: &JsValue) -> Option<u64> {
    let n = value.as_f64()?;
    // `as` truncates the fraction and saturates above u64::MAX.
    (n.is_finite() && n >= 0.0).then_some(n as u64)
}
