//! The few JavaScript built-ins the worker asks the runtime for, each guarded so that a JS
//! exception becomes a Rust `Err` instead of aborting the wasm instance.

use wasm_bindgen::{JsCast as _, JsValue};
use worker::js_sys::{self, Array, Reflect};

/// `new <path>(...args)` for a global constructor such as `["Intl", "DateTimeFormat"]`, with any
/// exception (a `RangeError`, a `SyntaxError`) returned as its message.
pub(crate) fn construct(path: &[&str], args: &Array) -> Result<JsValue, String> {
    let mut target: JsValue = js_sys::global().into();
    for name in path {
        target =
            Reflect::get(&target, &JsValue::from_str(name)).map_err(|_| format!("no {name}"))?;
    }
    let ctor = target.dyn_into::<js_sys::Function>().map_err(|_| "not a constructor".to_owned())?;
    Reflect::construct(&ctor, args).map_err(|e| {
        e.dyn_ref::<js_sys::Error>()
            .map_or_else(|| "failed".to_owned(), |err| String::from(err.message()))
    })
}

/// Whether `pattern` compiles as the browser compiles an HTML `pattern` attribute
/// (`new RegExp(pattern, "v")`); the error is the engine's message.
pub(crate) fn check_pattern(pattern: &str) -> Result<(), String> {
    construct(&["RegExp"], &Array::of2(&JsValue::from_str(pattern), &JsValue::from_str("v")))
        .map(drop)
}

/// Whether `value` matches `pattern` as an HTML `pattern` attribute does: the whole value, with
/// `new RegExp("^(?:" + pattern + ")$", "v")`. A pattern the engine refuses matches everything,
/// as browsers ignore an invalid `pattern` (the forms API refuses them when they are saved).
pub(crate) fn pattern_matches(pattern: &str, value: &str) -> bool {
    let source = format!("^(?:{pattern})$");
    let Ok(regex) =
        construct(&["RegExp"], &Array::of2(&JsValue::from_str(&source), &JsValue::from_str("v")))
    else {
        return true;
    };
    regex.dyn_into::<js_sys::RegExp>().is_ok_and(|r| r.test(value))
}
