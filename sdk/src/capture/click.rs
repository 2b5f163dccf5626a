//! Clicks: a short, stable CSS path to the element (its nearest link, button or other control,
//! else the element itself), its trimmed text, the link target and whether it leaves the site;
//! and rage clicks (see `rage.rs`).

use alloc::string::String;

use pulsegate_schema::limits::{MAX_SELECTOR_LEN, MAX_TEXT_LEN, truncate};
use pulsegate_schema::{Click, Event};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use super::rage;
use crate::js::{self, call_num, call_str, get, number, object, text};
use crate::text::squash;
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

#[wasm_bindgen(module = "/js/click.js")]
extern "C" {
    #[wasm_bindgen(js_name = selector)]
    fn host_selector(element: &JsValue, depth: u32) -> String;
}

/// `main > section.hero > a.cta:nth-of-type(2)`: up to [`SELECTOR_DEPTH`] elements from `element`
/// up, stopping at one with an id; each named by tag, id or up to two classes that look stable
/// (no digits: generated class names change between builds), and its position among siblings of
/// the same tag when there are several. Read in one JS call (`js/click.js`), cut to
/// [`MAX_SELECTOR_LEN`].
pub(crate) fn selector(element: &JsValue) -> String {
    // SELECTOR_DEPTH is 5: the cast is exact.
    let mut selector = host_selector(element, SELECTOR_DEPTH as u32);
    truncate(&mut selector, MAX_SELECTOR_LEN);
    selector
}
