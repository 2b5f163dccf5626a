//! Delivers JSON bodies, fire-and-forget: `navigator.sendBeacon` first, `fetch` with `keepalive`
//! when the beacon is missing or refused. Nothing here throws or leaves a rejected promise behind.
//!
//! A string body goes out as `text/plain;charset=UTF-8`: a CORS-simple request, so no preflight.
//! No cookies either: `credentials: "omit"` for fetch, and the tracker sets none for beacons.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
extern "C" {
    /// `navigator.sendBeacon(url, body)`. Throws (caught) where `sendBeacon` does not exist.
    #[wasm_bindgen(catch, js_namespace = navigator, js_name = sendBeacon)]
    fn send_beacon(url: &str, body: &str) -> Result<bool, JsValue>;

    /// The global `fetch(url, init)`. Throws (caught) where `fetch` does not exist.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn fetch(url: &str, init: &Object) -> Result<Pending, JsValue>;

    /// The promise `fetch` returns; only its `catch` is used.
    type Pending;

    /// `promise.catch(handler)`.
    #[wasm_bindgen(method, js_name = catch)]
    fn catch(this: &Pending, handler: &JsValue) -> Pending;
}

/// Sends bodies; owns the no-op rejection handler every `fetch` promise gets, so it must outlive
/// the requests it starts (the tracker keeps one for the page's life).
#[derive(Debug)]
pub(crate) struct Transport {
    /// Ignores its argument, so it shares the `dyn FnMut()` closure type (and glue) with the
    /// tracker's listeners and timer.
    ignore: Closure<dyn FnMut()>,
}

impl Transport {
    /// A transport with its rejection handler.
    pub(crate) fn new() -> Self {
        Self { ignore: Closure::own_aborting(|| {}) }
    }

    /// POSTs `body` to `url`; returns whether the browser took it for delivery (whether the server
    /// accepted it, nobody waits to learn).
    pub(crate) fn send(&self, url: &str, body: &str) -> bool {
        if matches!(send_beacon(url, body), Ok(true)) {
            return true;
        }
        let Ok(pending) = fetch(url, &fetch_init(body)) else { return false };
        // A network error or a blocked request must not become an unhandled rejection.
        pending.catch(self.ignore.as_ref());
        true
    }
}

/// `{method:"POST", body, keepalive:true, mode:"cors", credentials:"omit",
/// headers:{"content-type":"text/plain;charset=UTF-8"}}`, built with `Reflect` because web-sys
/// treats `keepalive` as unstable.
fn fetch_init(body: &str) -> Object {
    let headers = Object::new();
    set(&headers, "content-type", &"text/plain;charset=UTF-8".into());
    let init = Object::new();
    set(&init, "method", &"POST".into());
    set(&init, "body", &body.into());
    set(&init, "keepalive", &JsValue::TRUE);
    set(&init, "mode", &"cors".into());
    set(&init, "credentials", &"omit".into());
    set(&init, "headers", &headers);
    init
}

fn set(target: &Object, key: &str, value: &JsValue) {
    // Defining a property on a fresh plain object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}
