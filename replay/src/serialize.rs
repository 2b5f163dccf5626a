//! One DOM node as rrweb JSON, with every privacy rule applied: the shared step of full
//! snapshots and mutation adds.

use alloc::{borrow::ToOwned, string::String};

use js_sys::Object;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use super::dom::{self, Node};
use super::json;
use super::mask;
use super::mirror::{self, BLOCKED, CHILDLESS, IGNORE, MASK_TEXT, SCRIPT, STYLE, SVG, UNMASK};

/// What was written for a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Written {
    /// A Document or Element whose `"childNodes":[` is open: its children follow, then `]}`.
    Open(u8),
    /// A complete node (`…}` written), with its flags.
    Closed(u8),
    /// Nothing: a node rrweb does not record (processing instructions).
    Skipped,
}

/// Attributes whose values are names chosen by the page, never personal data (space-separated
/// words: see [`mask::listed`]).
const PLAIN_ATTRIBUTES: &str = "class id style type name rel lang dir for role width height media \
                                charset tabindex target method autocomplete d fill stroke \
                                transform points cx cy r x y colspan rowspan viewbox";

/// Where a node is written: its id and what its parent passes down.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Place {
    pub(crate) id: u32,
    /// Its `nodeType` (the caller has read it already).
    pub(crate) ty: u32,
    /// The parent's flags.
    pub(crate) parent_flags: u8,
    /// A shadow-root child of its parent.
    pub(crate) shadow: bool,
    /// Written as a mutation's add (not in a full snapshot: no scroll positions).
    pub(crate) in_add: bool,
}

/// Writes `node` (not its children) as a serialized node at `at`. For containers
/// `"childNodes":[` is left open and the node's own flags are returned.
pub(crate) fn node(out: &mut String, node: &Node, at: Place, base: &str) -> Written {
    let Place { id, ty, parent_flags, shadow, .. } = at;
    let inherited = parent_flags & mirror::INHERITED;
    let open = |out: &mut String, kind: u8| {
        out.push_str("{\"type\":");
        json::uint(out, u64::from(kind));
        out.push_str(",\"id\":");
        json::uint(out, u64::from(id));
        if shadow {
            out.push_str(",\"isShadow\":true");
        }
    };
    match ty {
        dom::ELEMENT => {
            open(out, 2);
            element(out, node, at, base)
        }
        dom::TEXT | dom::CDATA | dom::COMMENT => {
            let flags = inherited | parent_flags & (STYLE | SCRIPT);
            let (kind, text) = match ty {
                dom::COMMENT => (5, masked_text(node, 0)),
                dom::CDATA => (4, String::new()),
                _ => (3, text_value(node, flags)),
            };
            open(out, kind);
            out.push_str(",\"textContent\":");
            json::string(out, &text);
            out.push('}');
            Written::Closed(flags)
        }
        dom::DOCUMENT => {
            open(out, 0);
            let mode = dom::text(node, "compatMode");
            if mode == "BackCompat" {
                out.push_str(",\"compatMode\":\"BackCompat\"");
            }
            out.push_str(",\"childNodes\":[");
            Written::Open(0)
        }
        dom::DOCTYPE => {
            open(out, 1);
            // Over a slice, not an array by value (core's array `IntoIter` in the wasm).
            for key in &["name", "publicId", "systemId"] {
                out.push(',');
                json::key(out, key);
                json::string(out, &dom::text(node, key));
            }
            out.push('}');
            Written::Closed(0)
        }
        _ => Written::Skipped,
    }
}

/// A text node's data as recorded, by the flags it is written with: nothing inside `<style>` (its
/// sheet is the element's `_cssText`) and `<script>`, masked whole inside `.pg-mask`, else with
/// emails and long digit runs masked. Shared by snapshots, adds and text changes.
pub(crate) fn text_value(node: &Node, flags: u8) -> String {
    if flags & (STYLE | SCRIPT) != 0 {
        String::new()
    } else {
        masked_text(node, i32::from(flags & MASK_TEXT))
    }
}

#[wasm_bindgen(module = "/js/hooks.js")]
extern "C" {
    /// A text or comment node's data masked before it enters the wasm (`replay/js/hooks.js`):
    /// whole when `all` (`pgMaskAll`), else its emails and long digit runs (`pgMask`). Like
    /// every import here that hands back text, it returns the JS string, read by
    /// [`dom::string`]: one glue shim for all.
    #[wasm_bindgen(js_name = pgText)]
    fn pg_text(node: &Node, all: i32) -> JsValue;
}

#[wasm_bindgen(module = "/js/hooks.js")]
extern "C" {
    /// An element's attributes in one call (`replay/js/hooks.js`): each name and value followed
    /// by a NUL.
    #[wasm_bindgen(js_name = pgAttrs)]
    fn pg_attrs(el: &Node) -> JsValue;
}

/// [`pg_text`] as text.
fn masked_text(node: &Node, all: i32) -> String {
    dom::string(pg_text(node, all))
}

/// Text up to the first NUL, and what follows it.
fn cut(s: &str) -> (&str, &str) {
    let at = s.bytes().position(|b| b == 0).unwrap_or(s.len());
    let (head, tail) = s.split_at_checked(at).unwrap_or((s, ""));
    (head, tail.get(1..).unwrap_or_default())
}

/// The next attribute's name and value of a [`pgAttrs`](pg_attrs) text, `rest` moved past
/// them; `None` at its end.
#[inline(always)]
fn pair<'a>(rest: &mut &'a str) -> Option<(&'a str, &'a str)> {
    if rest.is_empty() {
        return None;
    }
    let (name, r) = cut(rest);
    let (value, r) = cut(r);
    *rest = r;
    Some((name, value))
}

/// An element's attributes, read once.
pub(crate) struct Element {
    attributes: String,
}

impl Element {
    pub(crate) fn read(el: &Node) -> Self {
        Self { attributes: dom::string(pg_attrs(el)) }
    }

    /// The value of attribute `name` (lowercase).
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        let mut rest = self.attributes.as_str();
        while let Some((n, v)) = pair(&mut rest) {
            if n == name {
                return Some(v);
            }
        }
        None
    }
}

#[wasm_bindgen(module = "/js/hooks.js")]
extern "C" {
    /// An element's own flags, from its class, `contenteditable`, `data-pg-unmask` and tag
    /// (`replay/js/hooks.js`, which writes [`mirror`]'s bits out: `MASK_TEXT`, `BLOCKED` with
    /// `CHILDLESS`, `IGNORE`, `UNMASK`, `CHILDLESS`, `STYLE`, `SCRIPT`, `SVG` for an `<svg>`),
    /// and above them the kind of tag the serializer asks about ([`CHOICE`] …).
    #[wasm_bindgen(js_name = pgFlags)]
    pub(crate) fn own_flags(el: &Node) -> u32;
}

/// [`pgFlags`](own_flags)'s tag bits, above the recorder's eight: an `<input>` whose `value` is
/// a label chosen by the page (of type radio, checkbox, submit, button, reset or image).
const CHOICE: u32 = 1 << 8;
/// An `<input>`, `<textarea>` or `<select>`.
pub(crate) const FIELD: u32 = 1 << 9;
/// An `<option>`.
const OPTION: u32 = 1 << 10;
/// An `<iframe>` or `<frame>`.
const FRAME: u32 = 1 << 11;
/// A `<link>`.
const LINK: u32 = 1 << 12;
/// A `<video>` or `<audio>`.
const MEDIA: u32 = 1 << 13;
/// The `<html>` or `<body>`, whose scroll is the window's.
const PAGE: u32 = 1 << 14;
/// A `foreignObject`, whose children are not SVG.
const FOREIGN: u32 = 1 << 15;

/// The flags of element `el` from its own and what its parent passes down (the recorder's bits
/// in the low byte, the tag bits above).
pub(crate) fn element_flags(el: &Node, parent_flags: u8) -> u32 {
    let mut flags = own_flags(el) | u32::from(parent_flags & mirror::INHERITED);
    if parent_flags & SVG != 0 && flags & FOREIGN == 0 {
        flags |= u32::from(SVG);
    }
    flags
}

/// The rest of an element after its `{"type":2,"id":…`.
fn element(out: &mut String, el: &Node, at: Place, base: &str) -> Written {
    let Place { parent_flags, shadow, in_add, .. } = at;
    let tag = &dom::string(el.local_name());
    let read = Element::read(el);
    let all = element_flags(el, parent_flags);
    let flags = all as u8;
    out.push_str(",\"tagName\":");
    json::string(out, tag);
    if flags & SVG != 0 {
        out.push_str(",\"isSVG\":true");
    }
    if !shadow && el.shadow_root().is_some() {
        out.push_str(",\"isShadowHost\":true");
    }
    out.push_str(",\"attributes\":{");
    // A comma before each attribute but the first (after the object's `{`).
    let attr = |out: &mut String, name: &str| {
        if !out.ends_with('{') {
            out.push(',');
        }
        json::key(out, name);
    };
    if flags & BLOCKED != 0 {
        // A same-size placeholder: only id and class (so the page's own rules still apply).
        for name in &["id", "class"] {
            if let Some(value) = read.attr(name) {
                attr(out, name);
                json::string(out, value);
            }
        }
        let rect = el.rect();
        for &(name, key) in &[("rr_width", "width"), ("rr_height", "height")] {
            attr(out, name);
            out.push('"');
            json::round(out, dom::num(&rect, key));
            out.push_str("px\"");
        }
        out.push_str("},\"childNodes\":[]}");
        return Written::Closed(flags);
    }
    // The `type` property: the attribute matched ASCII case-insensitively, lower case.
    let field = all & FIELD != 0;
    let stylesheet =
        if all & (u32::from(STYLE) | LINK) != 0 { stylesheet_text(el, base) } else { None };
    let mut rest = read.attributes.as_str();
    while let Some((name, value)) = pair(&mut rest) {
        let lower = name.to_ascii_lowercase();
        // Event handler code is no part of what a page looks like.
        if lower.starts_with("on")
            || field && (lower == "value" || lower == "checked")
            || all & OPTION != 0 && lower == "selected"
            || all & FRAME != 0 && lower == "src"
            || stylesheet.is_some() && all & LINK != 0 && (lower == "href" || lower == "rel")
        {
            continue;
        }
        let value = attribute_value(el, &lower, value, flags, base);
        attr(out, name);
        json::string(out, &value);
    }
    if field {
        if all & CHOICE != 0 {
            if let Some(v) = read.attr("value") {
                attr(out, "value");
                json::string(out, v);
            }
            if dom::is_true(el, "checked") {
                attr(out, "checked");
                out.push_str("true");
            }
        } else if let Some(v) = mask::input_value(el, i32::from(flags & UNMASK)).as_string()
            && !v.is_empty()
        {
            attr(out, "value");
            json::string(out, &v);
        }
    }
    if all & OPTION != 0 && parent_flags & UNMASK != 0 && dom::is_true(el, "selected") {
        attr(out, "selected");
        out.push_str("true");
    }
    if let Some(css) = stylesheet {
        attr(out, "_cssText");
        json::string(out, &css);
    }
    if all & MEDIA != 0 {
        attr(out, "rr_mediaState");
        let paused = !Object::is(&dom::prop(el, "paused"), &JsValue::FALSE);
        out.push_str(if paused { "\"paused\"" } else { "\"played\"" });
        attr(out, "rr_mediaCurrentTime");
        out.push_str(&dom::string(dom::milli(el, "currentTime")));
    }
    if !in_add && all & PAGE == 0 {
        let (top, left) = (dom::scroll(el, 1), dom::scroll(el, 0));
        if top > 0.0 {
            attr(out, "rr_scrollTop");
            json::round(out, top);
        }
        if left > 0.0 {
            attr(out, "rr_scrollLeft");
            json::round(out, left);
        }
    }
    if flags & CHILDLESS != 0 {
        out.push_str("},\"childNodes\":[]}");
        return Written::Closed(flags);
    }
    out.push_str("},\"childNodes\":[");
    Written::Open(flags)
}

#[wasm_bindgen(module = "/js/hooks.js")]
extern "C" {
    /// An attribute's value as recorded, by its lower-case name (`replay/js/hooks.js`): URLs
    /// absolute with emails masked, `srcset` absolute, everything else with emails and long
    /// digit runs masked (a title, alt text, placeholder or ARIA label wholly when `all`: inside
    /// `.pg-mask`).
    #[wasm_bindgen(js_name = pgValue)]
    fn pg_value(el: &Node, lower: &str, value: &str, all: i32, base: &str) -> JsValue;
}

/// [`pg_value`] by the element's flags; names chosen by the page as they are, without a call.
pub(crate) fn attribute_value(el: &Node, lower: &str, v: &str, flags: u8, base: &str) -> String {
    if mask::listed(PLAIN_ATTRIBUTES, lower) {
        return v.to_owned();
    }
    dom::string(pg_value(el, lower, v, i32::from(flags & MASK_TEXT), base))
}

/// The CSS of a `<style>`, or of a same-origin `<link rel=stylesheet>` whose rules can be read,
/// from the CSSOM (so rules inserted by script are included), `url()`s made absolute.
/// The caller asks only for a `<style>` or `<link>`.
pub(crate) fn stylesheet_text(el: &Node, base: &str) -> Option<String> {
    // None for a cross-origin sheet, whose rules cannot be read: then the link keeps its href.
    pg_sheet(el, base).as_string()
}

#[wasm_bindgen(module = "/js/hooks.js")]
extern "C" {
    /// The sheet's rules' text with each `url(…)` made absolute against the sheet's URL (`base`
    /// for a `<style>`), `data:` and `#…` ones kept (`replay/js/hooks.js`); `None` without a
    /// sheet or when its rules cannot be read (`undefined`).
    #[wasm_bindgen(js_name = pgSheet)]
    fn pg_sheet(el: &Node, base: &str) -> JsValue;
}

/// The flags `IGNORE`/`BLOCKED` that stop events for a target.
pub(crate) fn events_dropped(flags: u8) -> bool {
    flags & (IGNORE | BLOCKED) != 0
}
