//! Automatic capture (`data-auto-track`, on by default): pageviews including single-page-app
//! navigation, clicks, outbound links and rage clicks, scroll depth, engaged time, form
//! interactions and uncaught errors. Nothing is captured inside an element marked
//! `data-pg-ignore`, no form value ever leaves the page, and pages matching `data-exclude-paths`
//! are not captured at all.
//!
//! Each concern has its own file; the listeners live in the tracker's `listeners` (RAII), so
//! `optOut()` removes every one of them.

mod click;
mod engagement;
mod error;
mod form;
mod pageview;
pub(crate) mod rage;
pub(crate) mod scroll;

use alloc::string::String;
use alloc::vec::Vec;

use pulsegate_schema::limits::MAX_ENGAGED_MS;
use pulsegate_schema::{EngagementTime, Event, Scroll};
use wasm_bindgen::JsValue;

pub(crate) use self::engagement::Engagement;
use self::form::Form;
use self::rage::Rage;
use crate::callback::Patch;
use crate::js::{self, get};
use crate::tracker::{Signal, Tracker};

/// The capture's listeners (see `Tracker::listen`): the event, whether it is the document's (in
/// the capture phase) rather than the window's, and the signal it delivers.
const CAPTURE_LISTENERS: &[(&str, bool, Signal)] = &[
    ("popstate", false, Signal::Navigate),
    ("hashchange", false, Signal::Navigate),
    ("pageshow", false, Signal::PageShow),
    ("focus", false, Signal::Focus),
    ("blur", false, Signal::Focus),
    ("scroll", false, Signal::Scroll),
    ("error", false, Signal::Error),
    ("unhandledrejection", false, Signal::Rejection),
    ("click", true, Signal::Click),
    ("focusin", true, Signal::FormFocus),
    ("change", true, Signal::FormChange),
    ("submit", true, Signal::Submit),
];

/// What the capture knows about the current page (a new one at every pageview).
#[derive(Debug, Default)]
pub(crate) struct Page {
    /// The cleaned URL of the last pageview: the referrer of the next one, and what makes a
    /// history change to the same URL no pageview.
    url: Option<String>,
    /// The page matches `data-exclude-paths`: nothing is captured on it.
    excluded: bool,
    /// Deepest scroll seen, and deepest already reported.
    scroll: u8,
    scroll_sent: u8,
    engagement: Engagement,
    rage: Rage,
    /// Errors reported on this page (at most `limits::MAX_ERRORS_PER_PAGE`).
    errors: usize,
    /// Forms the visitor started on this page.
    forms: Vec<Form>,
    /// Open shadow roots whose `change` and `submit` the capture listens to (see
    /// `form.rs`); their listeners are in the tracker's `listeners`.
    shadow_roots: Vec<JsValue>,
}

impl Page {
    /// Begins a new page at `url` in place (the engagement carries over; the caller resets it
    /// when it should not): no whole `Page` is made and dropped.
    fn restart(&mut self, url: Option<String>, excluded: bool) {
        self.url = url;
        self.excluded = excluded;
        self.scroll = 0;
        self.scroll_sent = 0;
        self.rage = Rage::default();
        self.errors = 0;
        self.forms.clear();
        self.shadow_roots.clear();
    }
}

impl Tracker {
    /// Installs the capture listeners and records the first pageview.
    pub(crate) fn capture_start(&mut self) {
        let history = get(&self.window, "history");
        let navigate = self.handler(Signal::Navigate);
        self.patches = Some([
            Patch::new(&history, "pushState", &navigate),
            Patch::new(&history, "replaceState", &navigate),
        ]);
        self.listen(CAPTURE_LISTENERS, true);
        self.page.engagement.set(self.engaged(), js::now());
        self.pageview(None, false);
    }

    /// Removes every capture listener and restores `history` (opt-out).
    pub(crate) fn capture_stop(&mut self) {
        self.capture_leave(true);
        self.listeners.clear();
        self.patches = None;
        self.page.restart(None, false);
        self.page.engagement = Engagement::default();
    }

    /// A capture callback fired.
    pub(crate) fn capture_signal(&mut self, signal: Signal, event: &JsValue) {
        if self.opted_out {
            return;
        }
        match signal {
            Signal::Navigate => self.route_timer.rearm(pageview::SETTLE_MS),
            Signal::Route => {
                self.route_timer.fired();
                self.pageview(None, false);
            }
            Signal::PageShow if js::flag(event, "persisted") => {
                // Back from the back/forward cache: a new view of the page.
                self.capture_visible(true);
                self.pageview(None, true);
            }
            Signal::Focus => self.capture_visible(true),
            _ if self.page.excluded => {}
            Signal::Scroll => self.on_scroll(),
            Signal::Click => self.on_click(event),
            Signal::RageEnd => {
                self.rage_timer.fired();
                self.rage_done(Some(js::now()));
                if self.page.rage.pending() {
                    self.rage_timer.arm(rage::WINDOW_MS + 1);
                }
            }
            Signal::FormFocus | Signal::FormChange | Signal::Submit => self.on_form(signal, event),
            Signal::Error | Signal::Rejection => self.on_error(signal, event),
            _ => {}
        }
    }

    /// Whether the page is visible and focused now.
    fn engaged(&self) -> bool {
        crate::callback::view(&self.document) == 2
    }

    /// Visibility or focus changed: engaged time resumes or pauses.
    pub(crate) fn capture_visible(&mut self, _changed: bool) {
        let engaged = self.engaged();
        self.page.engagement.set(engaged, js::now());
    }

    /// The page is hidden (`unloading`: or going away): its engaged time and scroll depth are
    /// reported, a rage-click burst ends, and when it unloads its started forms are abandoned.
    pub(crate) fn capture_hide(&mut self, unloading: bool) {
        if self.opted_out || !self.config.auto_track {
            return;
        }
        // The page stops being engaged first, so its whole engaged time is reported now.
        self.page.engagement.set(false, js::now());
        self.capture_leave(unloading);
    }

    /// Reports what the current page accumulated: a finished rage click, engaged time, scroll
    /// depth, and (when `abandon`) forms started and not submitted.
    fn capture_leave(&mut self, abandon: bool) {
        if self.page.excluded {
            return;
        }
        self.rage_done(None);
        let now = js::now();
        // The worker refuses more than a day; a page left open and active that long is clamped.
        let engaged_ms = self.page.engagement.take(now).min(MAX_ENGAGED_MS);
        if engaged_ms > 0 {
            if let Some(session) = &mut self.session {
                session.engaged_ms = session.engaged_ms.saturating_add(engaged_ms);
            }
            self.record(Event::Engagement(EngagementTime { ts: now, engaged_ms }));
        }
        if self.page.scroll > self.page.scroll_sent {
            self.page.scroll_sent = self.page.scroll;
            self.record(Event::Scroll(Scroll { ts: now, percent: self.page.scroll }));
        }
        if abandon {
            self.abandon_forms(false);
        }
    }

    /// The window scrolled: remember the deepest point.
    fn on_scroll(&mut self) {
        let root = get(&self.document, "documentElement");
        let number = |target: &JsValue, key| js::number(target, key).unwrap_or(0.0);
        let depth = scroll::depth(
            number(&self.window, "scrollY"),
            number(&self.window, "innerHeight"),
            number(&root, "scrollHeight"),
        );
        self.page.scroll = self.page.scroll.max(depth);
    }

    /// Reports the rage-click burst if it is over at `now` (`None`: whatever its age).
    fn rage_done(&mut self, now: Option<u64>) {
        if let Some(burst) = self.page.rage.finish(now) {
            self.record(Event::RageClick(burst));
        }
    }
}
