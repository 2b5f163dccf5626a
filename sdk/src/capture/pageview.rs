//! Pageviews: the first one when the tracker starts, then one per URL change of a single-page app
//! (`history.pushState` / `replaceState`, `popstate`, `hashchange`) and per restore from the
//! back/forward cache. A history change that leaves the cleaned URL as it was is no pageview.

use pulsegate_schema::{Event, Pageview, limits};
use wasm_bindgen::JsValue;

use crate::context::non_empty;
use crate::js::{self, get, text, text_or_empty};
use crate::tracker::Tracker;
use crate::url;

/// A URL change is looked at this long after it happened, so the app has set the new title (and
/// a burst of history calls makes one pageview).
pub(crate) const SETTLE_MS: u64 = 50;

impl Tracker {
    /// Records a pageview of the current location, unless it is the page already recorded
    /// (`force`: record it anyway; `PulseGate.page()` and back/forward restores). `props` may set
    /// `url` and `title` (from `PulseGate.page({...})`).
    pub(crate) fn pageview(&mut self, props: Option<&JsValue>, force: bool) {
        let location = get(&self.window, "location");
        let prop = |key| props.and_then(|p| text(p, key));
        let href = prop("url").unwrap_or_else(|| text_or_empty(&location, "href"));
        let Some(page_url) = url::clean(&href, &self.config.strip_params, self.config.hash_routing)
        else {
            return self.warn("page: not an http(s) URL");
        };
        if !force && self.page.url.as_deref() == Some(page_url.as_str()) {
            return;
        }
        // The page being left reports its engagement first.
        if self.page.url.is_some() {
            self.capture_leave(false);
            self.abandon_forms(true);
        }
        let referrer = match self.page.url.take() {
            Some(previous) => Some(previous),
            None => url::clean(
                &text_or_empty(&self.document, "referrer"),
                &self.config.strip_params,
                false,
            ),
        };
        let path = text_or_empty(&location, "pathname");
        let excluded = props.is_none()
            && crate::config::any_entry(&self.config.exclude_paths, &mut |glob| {
                url::glob_matches(glob, &path)
            });
        self.page.restart(Some(page_url.clone()), excluded);
        if excluded {
            return;
        }
        let title = non_empty(
            prop("title").unwrap_or_else(|| text_or_empty(&self.document, "title")),
            limits::MAX_TITLE_LEN,
        );
        let event = Pageview { ts: js::now(), url: page_url, referrer, title };
        self.record(Event::Pageview(event));
        // The first screen of the new page counts as seen.
        self.on_scroll();
    }
}
