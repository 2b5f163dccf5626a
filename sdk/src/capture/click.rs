//! Clicks: a short, stable CSS path to the element (its nearest link, button or other control,
//! else the element itself), its trimmed text, the link target and whether it leaves the site;
//! and rage clicks (see `rage.rs`).

use alloc::string::String;
use alloc::vec::Vec;

use pulsegate_schema::limits::{MAX_SELECTOR_LEN, MAX_TEXT_LEN, truncate};
use pulsegate_schema::{Click, Event};
use wasm_bindgen::JsValue;

use super::rage;
use crate::js::{self, call_num, call_str, get, number, object, text};
use crate::text::{squash, u64_text};
use crate::tracker::Tracker;
use crate::url;

/// What counts as "the thing clicked" when the click landed inside it.
const CONTROLS: &str = "a,button,input,select,textarea,label,summary,[role=button],[role=link]";
/// At most this many elements make a selector, from the clicked one up.
const SELECTOR_DEPTH: usize = 5;

impl Tracker {
    /// A click anywhere on the page.
    pub(super) fn on_click(&mut self, event: &JsValue) {
        let target = get(event, "target");
        if !target.is_object() || Self::ignored(&target) {
            return;
        }
        let element = object(call_str(&target, "closest", CONTROLS)).unwrap_or(target);
        let ts = js::now();
        let coordinate = |key| number(event, key).map_or(0, |n| n as i32);
        let (x, y) = (coordinate("pageX"), coordinate("pageY"));
        let selector = selector(&element);
        let tag = text(&element, "localName").unwrap_or_default();
        let href = matches!(tag.as_str(), "a" | "area")
            .then(|| text(&element, "href"))
            .flatten()
            .and_then(|h| url::clean(&h, &self.config.strip_params, false));
        let page_host = text(&get(&self.window, "location"), "href").and_then(|h| url::host(&h));
        let outbound = href.as_deref().and_then(url::host).is_some_and(|h| Some(h) != page_host);
        // Text of links and buttons, never of fields (a select's text is all its options).
        let text = (!matches!(tag.as_str(), "input" | "select" | "textarea"))
            .then(|| call_num(&get(&element, "textContent"), "slice", &[0.0, 600.0]))
            .and_then(|t| t.as_string())
            .and_then(|t| squash(&t, MAX_TEXT_LEN));
        // A click that ends a rage-click burst reports the burst first (it began earlier).
        if let Some(burst) = self.page.rage.click(ts, x, y, &selector) {
            self.record(&Event::RageClick(burst));
        }
        self.record(&Event::Click(Click { ts, selector, text, x, y, href, outbound }));
        self.rage_timer.arm(rage::WINDOW_MS + 1);
    }
}

/// `main > section.hero > a.cta:nth-of-type(2)`: up to [`SELECTOR_DEPTH`] elements from `element`
/// up, stopping at one with an id; each named by tag, id or up to two classes that look stable
/// (no digits: generated class names change between builds), and its position among siblings of
/// the same tag when there are several.
pub(crate) fn selector(element: &JsValue) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut node = element.clone();
    for _ in 0..SELECTOR_DEPTH {
        let Some(tag) = text(&node, "localName").filter(|t| !t.is_empty()) else { break };
        if tag == "html" || tag == "body" {
            break;
        }
        let mut part = tag.clone();
        let id = text(&node, "id").filter(|id| is_plain(id));
        if let Some(id) = &id {
            part.push('#');
            part.push_str(id);
        } else {
            let class = call_str(&node, "getAttribute", "class").as_string();
            for name in class
                .iter()
                .flat_map(|c| c.split_ascii_whitespace())
                .filter(|c| is_plain(c) && !c.bytes().any(|b| b.is_ascii_digit()))
                .take(2)
            {
                part.push('.');
                part.push_str(name);
            }
            if let Some(n) = position(&node, &tag) {
                part.push_str(":nth-of-type(");
                part.push_str(&u64_text(n));
                part.push(')');
            }
        }
        parts.push(part);
        if id.is_some() {
            break;
        }
        node = get(&node, "parentElement");
    }
    let mut selector = String::new();
    for part in parts.iter().rev() {
        if !selector.is_empty() {
            selector.push_str(" > ");
        }
        selector.push_str(part);
    }
    truncate(&mut selector, MAX_SELECTOR_LEN);
    selector
}

/// The 1-based position of `node` among its siblings with tag `tag`, when it has such siblings.
fn position(node: &JsValue, tag: &str) -> Option<u64> {
    let same = |sibling: &JsValue| text(sibling, "localName").as_deref() == Some(tag);
    let mut before = 0;
    let mut sibling = get(node, "previousElementSibling");
    while sibling.is_object() && before < 100 {
        before += u64::from(same(&sibling));
        sibling = get(&sibling, "previousElementSibling");
    }
    let mut after = get(node, "nextElementSibling");
    let mut any_after = false;
    for _ in 0..100 {
        if !after.is_object() {
            break;
        }
        if same(&after) {
            any_after = true;
            break;
        }
        after = get(&after, "nextElementSibling");
    }
    (before > 0 || any_after).then_some(before + 1)
}

/// An id or class usable in a selector as is: letters, digits, `-` and `_`, not starting with a
/// digit.
fn is_plain(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::is_plain;

    #[test]
    fn plain_names() {
        assert!(is_plain("cta"));
        assert!(is_plain("btn-primary_2"));
        assert!(!is_plain(""));
        assert!(!is_plain("2col"));
        assert!(!is_plain("a:b"));
        assert!(!is_plain("x y"));
        assert!(!is_plain("é"));
    }
}
