//! The DOM as the recorder sees it: hand-written bindings for exactly the properties and methods
//! it reads. Each binding is one small shim in the JS glue, so the list is kept short; anything
//! read rarely goes through `Reflect` ([`prop`]) instead.

use alloc::string::String;

use js_sys::{Array, Function, Object};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

#[wasm_bindgen]
extern "C" {
    /// Any DOM node (Document, Element, Text, ShadowRoot …), and the `window`.
    #[wasm_bindgen(extends = Object)]
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub(crate) type Node;

    #[wasm_bindgen(method, getter, js_name = nodeType)]
    pub(crate) fn node_type(this: &Node) -> u32;
    #[wasm_bindgen(method, getter, js_name = firstChild)]
    pub(crate) fn first_child(this: &Node) -> Option<Node>;
    #[wasm_bindgen(method, getter, js_name = lastChild)]
    pub(crate) fn last_child(this: &Node) -> Option<Node>;
    #[wasm_bindgen(method, getter, js_name = nextSibling)]
    pub(crate) fn next_sibling(this: &Node) -> Option<Node>;
    #[wasm_bindgen(method, getter, js_name = previousSibling)]
    pub(crate) fn previous_sibling(this: &Node) -> Option<Node>;
    #[wasm_bindgen(method, getter, js_name = parentNode)]
    pub(crate) fn parent_node(this: &Node) -> Option<Node>;
    #[wasm_bindgen(method, getter, js_name = isConnected)]
    pub(crate) fn is_connected(this: &Node) -> bool;
    #[wasm_bindgen(method, getter, js_name = localName)]
    pub(crate) fn local_name(this: &Node) -> JsValue;
    /// An open shadow root (closed ones read as null).
    #[wasm_bindgen(method, getter, js_name = shadowRoot)]
    pub(crate) fn shadow_root(this: &Node) -> Option<Node>;
    /// A shadow root's host.
    #[wasm_bindgen(method, getter)]
    pub(crate) fn host(this: &Node) -> Option<Node>;
    /// `getBoundingClientRect()` (its sizes read by [`num`]: a placeholder is rare).
    #[wasm_bindgen(method, js_name = getBoundingClientRect)]
    pub(crate) fn rect(this: &Node) -> JsValue;

    /// An event as listeners receive it.
    #[derive(Debug)]
    pub(crate) type Ev;

    #[derive(Debug)]
    pub(crate) type MutationObserver;
    #[wasm_bindgen(method)]
    pub(crate) fn disconnect(this: &MutationObserver);
    #[wasm_bindgen(method, js_name = takeRecords)]
    pub(crate) fn take_records(this: &MutationObserver) -> Array;

    #[derive(Debug)]
    pub(crate) type MutationRecord;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn target(this: &MutationRecord) -> Node;
    #[wasm_bindgen(method, getter, js_name = addedNodes)]
    pub(crate) fn added(this: &MutationRecord) -> NodeList;
    #[wasm_bindgen(method, getter, js_name = removedNodes)]
    pub(crate) fn removed(this: &MutationRecord) -> NodeList;
    #[wasm_bindgen(method, getter, js_name = attributeName)]
    pub(crate) fn attribute_name(this: &MutationRecord) -> JsValue;

    #[wasm_bindgen(js_name = setTimeout)]
    pub(crate) fn set_timeout(callback: &Function, ms: u32) -> i32;
    #[wasm_bindgen(js_name = clearTimeout)]
    pub(crate) fn clear_timeout(id: i32);
    /// The function `pgInstall` returns to take back what it did.
    #[derive(Debug)]
    pub(crate) type Undo;
    /// Runs it. It never throws, so not js-sys's catching `call0`.
    #[wasm_bindgen(method, js_name = call)]
    pub(crate) fn run(this: &Undo);
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    pub(crate) fn perf_now() -> f64;
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    pub(crate) fn date_now() -> f64;
}

/// Node types the recorder handles.
pub(crate) const ELEMENT: u32 = 1;
pub(crate) const TEXT: u32 = 3;
pub(crate) const CDATA: u32 = 4;
pub(crate) const COMMENT: u32 = 8;
pub(crate) const DOCUMENT: u32 = 9;
pub(crate) const DOCTYPE: u32 = 10;
pub(crate) const FRAGMENT: u32 = 11;

#[wasm_bindgen(module = "/js/hooks.js")]
extern "C" {
    /// `observer.observe(target, …)` for child lists, attributes and text in the whole subtree
    /// (`replay/js/hooks.js`: the options object is made there).
    #[wasm_bindgen(js_name = pgObserve)]
    pub(crate) fn observe(observer: &MutationObserver, target: &Node);
}

#[wasm_bindgen(module = "/js/hooks.js")]
extern "C" {
    /// Where an event really happened (`replay/js/hooks.js`): the innermost node of its
    /// composed path, which inside a shadow root is not the (retargeted) `target`; `target`
    /// when the path is empty.
    #[wasm_bindgen(js_name = pgOrigin)]
    pub(crate) fn origin(ev: &Ev) -> Option<Node>;
}

#[wasm_bindgen(module = "/js/hooks.js")]
extern "C" {
    /// `target[name]`, or `undefined` when it throws (`replay/js/hooks.js`): the name passed as
    /// text, not made a JS string by an import of its own first as `Reflect::get` needs.
    #[wasm_bindgen(js_name = pgGet)]
    pub(crate) fn prop(target: &JsValue, name: &str) -> JsValue;
}

#[wasm_bindgen(module = "/js/hooks.js")]
extern "C" {
    /// `target[name]` as JSON with up to three decimals, 0 when it is not a finite number
    /// (`replay/js/hooks.js`): media times, volumes and rates.
    #[wasm_bindgen(js_name = pgMilli)]
    pub(crate) fn milli(target: &JsValue, name: &str) -> JsValue;
}

#[wasm_bindgen(module = "/js/hooks.js")]
extern "C" {
    /// `value` when it is a number, else 0 (`replay/js/hooks.js`): no `as_f64` shim.
    #[wasm_bindgen(js_name = pgNum)]
    pub(crate) fn number(value: &JsValue) -> f64;
}

#[wasm_bindgen(module = "/js/hooks.js")]
extern "C" {
    /// A node's scroll offset, x (`k` 0) or y (1): the window's for the document
    /// (`replay/js/hooks.js`).
    #[wasm_bindgen(js_name = pgScroll)]
    pub(crate) fn scroll(node: &Node, k: i32) -> f64;
}

/// `target[name]` as a number (0 when it is not one).
pub(crate) fn num(target: &JsValue, name: &str) -> f64 {
    number(&prop(target, name))
}

/// Whether `target[name]` is `true` itself (`Object.is`, which [`Node`]'s `==` imports already:
/// no boolean-reading shim).
pub(crate) fn is_true(target: &JsValue, name: &str) -> bool {
    Object::is(&prop(target, name), &JsValue::TRUE)
}

/// `value` as text (empty when it is not text). Imports that hand back text return the JS
/// string (a `JsValue`), read here: one glue shim (`as_string`'s) instead of a string-returning
/// shim per import.
#[expect(clippy::needless_pass_by_value, reason = "dropped here, not at each call: 19 B less")]
pub(crate) fn string(value: JsValue) -> String {
    value.as_string().unwrap_or_default()
}

/// `target[name]` as text (empty when it is not text).
pub(crate) fn text(target: &JsValue, name: &str) -> String {
    prop(target, name).as_string().unwrap_or_default()
}

/// A `NodeList`, read as the `Array` it is shaped like (`length` and `[i]`): the imports the
/// recorder has for arrays already, none of its own.
pub(crate) type NodeList = Array;

/// The `i`-th node of `list`.
pub(crate) fn item(list: &NodeList, i: u32) -> Option<Node> {
    node(list.get(i))
}

/// `value` as a [`Node`] when it is an object.
pub(crate) fn node(value: JsValue) -> Option<Node> {
    value.is_object().then(|| value.unchecked_into())
}

#[wasm_bindgen]
extern "C" {
    /// The page's `window` (`globalThis`: every browser the chunk targets has it). Not
    /// `js_sys::global()`, which probes four names with an import and a shim for each.
    #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
    static GLOBAL: Node;
}

/// The global `window`, `document` and `location.href`.
pub(crate) fn window() -> Node {
    GLOBAL.with(Node::clone)
}

pub(crate) fn document() -> Option<Node> {
    node(prop(&window(), "document"))
}
