//! Clicks: a short, stable CSS path to the element (its nearest link, button or other control,
//! else the element itself), its trimmed text, the link target and whether it leaves the site;
//! and rage clicks (see `rage.rs`).

use pulsegate_schema::limits::{MAX_SELECTOR_LEN, MAX_TEXT_LEN, truncate};
use pulsegate_schema::{Click, Event};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use super::rage;
use crate::js::{self, get, text_or_empty};
use crate::text::squash;
use crate::tracker::Tracker;
use crate::url;

/// At most this many elements make a selector, from the clicked one up.
const SELECTOR_DEPTH: usize = 5;

impl Tracker {
    /// A click anywhere on the page.
    pub(super) fn on_click(&mut self, event: &JsValue) {
        // `[selector, href, text, pageX, pageY]`, read in one call (`js/click.js`).
        // SELECTOR_DEPTH is 5: the cast is exact.
        let read = host_click(event, SELECTOR_DEPTH as i32);
        if !read.is_object() {
            return;
        }
        let ts = js::now();
        // `as` saturates, and maps `NaN` (not a number) to 0.
        let coordinate = |key| js::host_num(&read, key) as i32;
        let (x, y) = (coordinate("3"), coordinate("4"));
        let mut selector = text_or_empty(&read, "0");
        truncate(&mut selector, MAX_SELECTOR_LEN);
        let href = url::clean(&text_or_empty(&read, "1"), &self.config.strip_params, false);
        let page_host = url::host(&text_or_empty(&get(&self.window, "location"), "href"));
        let outbound = href.as_deref().and_then(url::host).is_some_and(|h| Some(h) != page_host);
        let text = squash(&text_or_empty(&read, "2"), MAX_TEXT_LEN);
        // A click that ends a rage-click burst reports the burst first (it began earlier).
        if let Some(burst) = self.page.rage.click(ts, x, y, &selector) {
            self.record(Event::RageClick(burst));
        }
        self.record(Event::Click(Click { ts, selector, text, x, y, href, outbound }));
        self.rage_timer.arm(rage::WINDOW_MS + 1);
    }
}

#[wasm_bindgen(module = "/js/click.js")]
extern "C" {
    /// What the click `event` is about: `[selector, href, text, pageX, pageY]`, or `undefined`
    /// (no element, or inside `[data-pg-ignore]`). The selector is
    /// `main > section.hero > a.cta:nth-of-type(2)`: up to `depth` elements from the clicked one
    /// (its nearest link, button or other control, else itself) up, stopping at one with an id;
    /// each named by tag, id or up to two classes that look stable (no digits: generated class
    /// names change between builds), and its position among siblings of the same tag when there
    /// are several. Cut here to [`MAX_SELECTOR_LEN`]; the text to [`MAX_TEXT_LEN`].
    #[wasm_bindgen(js_name = click)]
    fn host_click(event: &JsValue, depth: i32) -> JsValue;
}
