//! The SDK's only way to touch the browser: generic property reads and writes, method calls and
//! constructions through `js/host.js`.
//!
//! Why generic operations instead of typed web-sys bindings: every typed binding adds its own
//! function to the JS glue and its own shim to the wasm, while these few serve every API the SDK
//! uses. They are shaped by argument type (string and number arguments cross as they are, so no
//! JS value is built for them; counts, limits and flags as `i32`, which the glue hands on as it is,
//! where a `u32` gets a `>>> 0` and a `bool` a `!== 0` in a shim of its own), and none of them
//! can throw: a page may replace any global, and an exception that unwound through the wasm would
//! skip destructors and leave the tracker's state locked. The JS side catches and answers
//! `undefined` (or `NaN`, `false`) instead.

use alloc::string::String;

use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(module = "/js/host.js")]
extern "C" {
    /// `o[k]`
    pub(crate) fn get(o: &JsValue, k: &str) -> JsValue;
    /// The number property `o[k]`, `NaN` for anything else (see [`number`]).
    #[wasm_bindgen(js_name = num)]
    pub(crate) fn host_num(o: &JsValue, k: &str) -> f64;
    /// `v` when it is a number, else `NaN` (see [`float`]).
    #[wasm_bindgen(js_name = float)]
    pub(crate) fn host_float(v: &JsValue) -> f64;
    /// `float` again: a number handed to it comes back as the JS number.
    #[wasm_bindgen(js_name = float)]
    fn host_number(n: f64) -> JsValue;
    #[wasm_bindgen(js_name = set)]
    fn host_set(o: &JsValue, k: &str, v: &JsValue) -> bool;
    /// `set` again with a number, which crosses as it is (no JS number made and dropped).
    #[wasm_bindgen(js_name = set)]
    pub(crate) fn set_num(o: &JsValue, k: &str, v: f64);
    /// A method call without arguments; `undefined` when it throws.
    pub(crate) fn call0(o: &JsValue, m: &str) -> JsValue;
    #[wasm_bindgen(js_name = calls)]
    fn host_calls(o: &JsValue, m: &str, a: &str, b: Option<&str>) -> JsValue;
    /// `callv` with a number argument, which crosses as it is.
    #[wasm_bindgen(js_name = callv)]
    fn host_calln(o: &JsValue, m: &str, n: i32, a: f64) -> JsValue;
    #[wasm_bindgen(js_name = make)]
    fn host_make(c: &JsValue, n: i32, a: f64, b: f64, d: f64) -> JsValue;
    /// `make` again, with no arguments to pass.
    #[wasm_bindgen(js_name = make)]
    fn host_make0(c: &JsValue, n: i32) -> JsValue;
    /// The global object (`window`).
    pub(crate) fn global() -> JsValue;
    #[wasm_bindgen(js_name = now)]
    fn host_now() -> f64;
    #[wasm_bindgen(js_name = random)]
    fn host_random(out: &mut [u8]);
    /// `f` wrapped so that nothing it throws (or traps) reaches its JS caller.
    pub(crate) fn guard(f: &JsValue) -> JsValue;
    /// Wraps `o[m]` to call `after` (already guarded) after the original; the function that undoes
    /// it, or `undefined`.
    pub(crate) fn patch(o: &JsValue, m: &str, after: &JsValue) -> JsValue;
    /// `fetch(url, {method: "POST", body, keepalive, …})` with a `text/plain` body; the promise,
    /// or `undefined` when the page's `fetch` throws.
    pub(crate) fn post(url: &str, body: &str, keepalive: bool) -> JsValue;
    /// Whether `value` matches a form field's `pattern` as the browser and the worker apply it
    /// (`new RegExp("^(?:" + pattern + ")$", "v")`); `true` when the engine refuses the pattern.
    pub(crate) fn matches(pattern: &str, value: &str) -> bool;
}

/// A text a host function answers (`""` for anything else): the glue hands it over as a JS value,
/// copied into the wasm by the one text-returning shim (`as_string`'s) instead of one per import.
#[expect(clippy::needless_pass_by_value, reason = "dropped here, not at each caller")]
pub(crate) fn string(v: JsValue) -> String {
    v.as_string().unwrap_or_default()
}

/// The string property `o[k]`.
pub(crate) fn text(o: &JsValue, k: &str) -> Option<String> {
    get(o, k).as_string()
}

/// The string property `o[k]`, `""` for anything else, for callers to whom `""` means what none
/// does: one out-of-line call instead of [`text`]'s `Option` unwrapped or checked at each
/// (itself [`string`] of the property: no `Option` made and unwrapped in it either).
#[inline(never)]
pub(crate) fn text_or_empty(o: &JsValue, k: &str) -> String {
    string(get(o, k))
}

/// The number property `o[k]`. Inlined, as [`float`] is: an `Option<f64>` answered out of
/// line goes through the caller's stack frame, a few bytes more at every caller than the test
/// of `NaN` in place.
#[inline(always)]
pub(crate) fn number(o: &JsValue, k: &str) -> Option<f64> {
    let n = host_num(o, k);
    (!n.is_nan()).then_some(n)
}

/// `v` when it is a number other than `NaN`: read by one import answering an `f64` (`NaN` for
/// anything else) instead of `as_f64`, whose glue shim writes an optional number into the wasm's
/// memory for the wasm to read back.
#[inline(always)]
pub(crate) fn float(v: &JsValue) -> Option<f64> {
    let n = host_float(v);
    (!n.is_nan()).then_some(n)
}

/// `o[k] === true` (by the `===` import `JsValue`'s `==` has, not `as_bool`'s glue shim).
pub(crate) fn flag(o: &JsValue, k: &str) -> bool {
    get(o, k) == JsValue::TRUE
}

/// `o[k] === false`: a boolean option on unless turned off.
#[inline(never)]
pub(crate) fn is_false(o: &JsValue, k: &str) -> bool {
    get(o, k) == JsValue::FALSE
}

/// `o[k] = v`; `false` when the write throws (frozen object, throwing setter).
pub(crate) fn set(o: &JsValue, k: &str, v: &JsValue) -> bool {
    host_set(o, k, v)
}

/// `o[k] = "v"`.
pub(crate) fn set_str(o: &JsValue, k: &str, v: &str) -> bool {
    host_set(o, k, &JsValue::from_str(v))
}

/// `o[m](a)` with a string argument.
pub(crate) fn call_str(o: &JsValue, m: &str, a: &str) -> JsValue {
    host_calls(o, m, a, None)
}

/// `o[m](a, b)` with two string arguments.
pub(crate) fn call_str2(o: &JsValue, m: &str, a: &str, b: &str) -> JsValue {
    host_calls(o, m, a, Some(b))
}

/// `o[m](a)` with a number argument (for the tests: the SDK passes numbers through imports of
/// their own, such as `js/signal.js`'s).
#[cfg(all(test, target_family = "wasm"))]
pub(crate) fn call_num(o: &JsValue, m: &str, a: f64) -> JsValue {
    host_calln(o, m, 1, a)
}

/// `new c(...args)` with up to three number arguments.
pub(crate) fn make(c: &JsValue, args: &[f64]) -> JsValue {
    let at = |i: usize| args.get(i).copied().unwrap_or(0.0);
    host_make(c, args.len() as i32, at(0), at(1), at(2))
}

/// `new c()`.
pub(crate) fn new0(c: &JsValue) -> JsValue {
    host_make0(c, 0)
}

/// A value that is a JS object (not `null`), as `Some`.
pub(crate) fn object(value: JsValue) -> Option<JsValue> {
    value.is_object().then_some(value)
}

/// `Date.now()` in whole ms (0 if a page broke `Date.now`).
pub(crate) fn now() -> u64 {
    // `as` saturates: NaN or a negative clock becomes 0 instead of panicking.
    host_now() as u64
}

/// 16 random bytes from `crypto.getRandomValues`; `None` without Web Crypto (all zeros).
pub(crate) fn random_bytes() -> Option<[u8; 16]> {
    let mut bytes = [0u8; 16];
    host_random(&mut bytes);
    // As one number: comparing the array with zeros is a `memcmp` call.
    (u128::from_ne_bytes(bytes) != 0).then_some(bytes)
}

/// A uniformly random fraction in `[0, 1)` from Web Crypto (0.5 without it), for jitter.
pub(crate) fn random_fraction() -> f64 {
    random_bytes().map_or(0.5, |b| f64::from(u16::from_le_bytes([b[0], b[1]])) / 65_536.0)
}

/// A JS function that does nothing (a guarded call of nothing), e.g. a rejection handler.
pub(crate) fn noop() -> JsValue {
    guard(&JsValue::UNDEFINED)
}

/// A JS string.
pub(crate) fn str(s: &str) -> JsValue {
    JsValue::from_str(s)
}

/// A JS number.
pub(crate) fn num(n: f64) -> JsValue {
    host_number(n)
}

/// A JS number as whole milliseconds (or pixels, counts), when it is finite and not negative.
/// (`NaN`, `host_float`'s answer for anything not a number, is not finite.)
pub(crate) fn whole(n: f64) -> Option<u64> {
    // `as` truncates the fraction and saturates above u64::MAX.
    (n.is_finite() && n >= 0.0).then_some(n as u64)
}
