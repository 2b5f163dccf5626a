//! The running tracker, one per page: ties config, consent, session, queue, outbox and the
//! automatic capture together, and turns browser callbacks ([`Signal`]s) into its method calls.
//!
//! State lives in one `RefCell<Tracker>`, leaked (the tracker lives as long as the page, so it is
//! never dropped and no code to drop it is linked). Its one callback (every listener, timer and
//! promise handler is that callback with a [`Signal`] bound in JS; the API function is the
//! callback itself) holds a reference to the cell and borrows it with `try_borrow_mut`, so a
//! callback that fires while another runs (a page script reacting to something the tracker did)
//! is dropped instead of panicking. The loader serializes API calls itself (`sdk/js/boot.js`), so
//! no API call is lost that way.
//!
//! Sub-modules add `impl Tracker` blocks by concern: `api` (the public methods), `send` (the
//! outbox on the network, unload, the storage mirror), `consent` (tiers and opt-out), `start`
//! (session starts, fingerprint and bot signals).

mod api;
mod consent;
mod send;
mod start;

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{OnceCell, RefCell};
use core::mem::ManuallyDrop;

use pulsegate_schema::limits::MAX_ENGAGED_MS;
use pulsegate_schema::{
    ConsentTier, Custom, Event, Identify, SessionEnd, SessionId, UnixMillis, VisitorId,
};
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;

use crate::callback::{Handler, Listener, Patch, Timer};
use crate::capture::Page;
use crate::config::{Config, StartTier};
use crate::js::{self, get, text_or_empty};
use crate::privacy;
use crate::queue::{self, AfterPush, Queue};
use crate::session::{self, Session, Touch};
use crate::storage::{CONSENT_KEY, OPT_OUT_KEY, REPLAY_RATE_KEY, SESSION_KEY, Store};
use crate::transport::{Outbox, Request, SESSION_END_PATH};

pub(crate) use start::Starting;

/// Why `start` left the tracker off (the loader logs it under `data-debug`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Off {
    /// No valid site key or endpoint.
    Config = 1,
    /// Not a web page (no window, document or `http(s)` location).
    NoPage = 2,
    /// Global Privacy Control or Do Not Track.
    Privacy = 3,
    /// The visitor opted out earlier.
    OptedOut = 4,
    /// The page's host is not in `data-domains`.
    Domain = 5,
}

/// What a callback is for; every callback carries one (bound in JS, see `callback::bound`), and
/// [`Tracker::on`] dispatches on it. Numbered after the API's operations (`api::op`): the API
/// function is the tracker's callback itself, called with the operation number first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Signal {
    /// The flush timer.
    Flush = FIRST_SIGNAL,
    /// The retry timer of the outbox.
    Retry,
    /// Hands the held session start over (after the start task, or the fingerprint).
    Start,
    /// An asynchronous fingerprint source settled: `(0, its result or null)`.
    #[cfg(feature = "fingerprint")]
    Fingerprint,
    /// A `fetch` settled: `(request number, response or null)`.
    Response,
    /// The session start's answer body arrived: `(0, parsed JSON or null)`.
    SiteConfig,
    /// The browser came back online.
    Online,
    /// `visibilitychange`.
    Visibility,
    /// `pagehide`.
    PageHide,
    /// `pageshow` (a back/forward-cache restore when `persisted`).
    PageShow,
    /// The window gained or lost focus.
    Focus,
    /// The URL may have changed (history API, `popstate`, `hashchange`); checked shortly after.
    Navigate,
    /// The deferred check after [`Signal::Navigate`].
    Route,
    /// A click anywhere.
    Click,
    /// A rage-click burst may be over.
    RageEnd,
    /// The window scrolled.
    Scroll,
    /// A form field got focus.
    FormFocus,
    /// A form field changed.
    FormChange,
    /// A form was submitted.
    Submit,
    /// An uncaught error.
    Error,
    /// An unhandled promise rejection.
    Rejection,
}

/// The first [`Signal`]'s number: the API's operations come before it.
const FIRST_SIGNAL: u8 = api::op::STATE + 1;

/// Every [`Signal`], in order: `SIGNALS[n - FIRST_SIGNAL]` is signal `n`.
const SIGNALS: &[Signal] = &[
    Signal::Flush,
    Signal::Retry,
    Signal::Start,
    #[cfg(feature = "fingerprint")]
    Signal::Fingerprint,
    Signal::Response,
    Signal::SiteConfig,
    Signal::Online,
    Signal::Visibility,
    Signal::PageHide,
    Signal::PageShow,
    Signal::Focus,
    Signal::Navigate,
    Signal::Route,
    Signal::Click,
    Signal::RageEnd,
    Signal::Scroll,
    Signal::FormFocus,
    Signal::FormChange,
    Signal::Submit,
    Signal::Error,
    Signal::Rejection,
];

/// State of a started tracker; lives until the page goes away.
pub(crate) struct Tracker {
    pub(crate) config: Config,
    pub(crate) window: JsValue,
    pub(crate) document: JsValue,
    /// The tier the tracker runs under now.
    pub(crate) tier: ConsentTier,
    /// `data-consent="pending"` and the visitor has not chosen yet.
    pub(crate) undecided: bool,
    /// `PulseGate.optOut()` was called: nothing is recorded or stored.
    pub(crate) opted_out: bool,
    pub(crate) store: Store,
    /// This page's storage mirror's key: `pulsegate.q.` and the page's random id.
    pub(crate) mirror_key: String,
    pub(crate) visitor: Option<VisitorId>,
    /// The session this page last used.
    pub(crate) session: Option<Session>,
    /// A session start waiting to be sent (for a fingerprint, or for the start task to end).
    pub(crate) starting: Option<Starting>,
    /// Events not yet batched, and the session they belong to.
    pub(crate) queue: Queue,
    pub(crate) queue_session: Option<(SessionId, UnixMillis)>,
    pub(crate) outbox: Outbox,
    /// Number of the request in flight, so a late answer to an older one is ignored.
    pub(crate) flight: u32,
    pub(crate) flush_timer: Timer,
    pub(crate) retry_timer: Timer,
    pub(crate) start_timer: Timer,
    pub(crate) route_timer: Timer,
    pub(crate) rage_timer: Timer,
    /// The replay sampling rate in 1/10,000 as text, from a session start's answer (stored for
    /// the session's later pages), for `_state()`.
    pub(crate) replay_rate: Option<String>,
    /// The automatic capture's listeners and the wrapped `history` methods.
    pub(crate) listeners: Vec<Listener>,
    pub(crate) patches: Option<[Patch; 2]>,
    /// What the automatic capture knows about the current page.
    pub(crate) page: Page,
    /// The tracker's one callback (`(signal, a, b)`), which is also the public API function
    /// handed to the loader (`(op, a, b)`).
    pub(crate) callback: Handler,
    /// The fingerprint computed on this page, for `_state()`.
    pub(crate) last_fingerprint: Option<Computed>,
    /// [`Tracker::begin`] ran.
    begun: bool,
}

/// Where a tracker lives: leaked, set once when it is built (callbacks made before that, or
/// firing while another runs, find nothing to borrow and do nothing).
pub(crate) type Cell = &'static OnceCell<RefCell<Tracker>>;

/// A fingerprint computed on this page, the wall time it took (ms) and each source's
/// main-thread time and longest task (ms).
pub(crate) type Computed = (pulsegate_schema::Fingerprint, u32, Vec<(&'static str, f64, f64)>);

/// Starts the tracker with the loader's config object: the API function to call, or a number
/// saying why the tracker is off (see [`Off`]).
pub(crate) fn start(config: &JsValue) -> JsValue {
    match try_start(config) {
        Ok(api) => api,
        Err(off) => js::num(f64::from(off as u8)),
    }
}

fn try_start(config: &JsValue) -> Result<JsValue, Off> {
    // Not dropped when the tracker stays off (a few strings, once per `start`): the checks below
    // then carry no drop of the config on each way out.
    let config = ManuallyDrop::new(Config::from_js(config).ok_or(Off::Config)?);
    // The page's objects are not dropped on the ways out either (the window and the document
    // move into the tracker).
    let window = ManuallyDrop::new(js::global());
    let document = ManuallyDrop::new(get(&window, "document"));
    let location = ManuallyDrop::new(get(&window, "location"));
    // The page's texts read here are not dropped either (once per page; no drop on each way out).
    let href = ManuallyDrop::new(text_or_empty(&location, "href"));
    if !document.is_object() || !pulsegate_schema::is_web_url(&href) {
        return Err(Off::NoPage);
    }
    if privacy::signal(config.respect_dnt).is_some() {
        return Err(Off::Privacy);
    }
    let store = Store::open(&window, &document);
    if ManuallyDrop::new(store.get(OPT_OUT_KEY)).is_some() {
        return Err(Off::OptedOut);
    }
    if !config.allows_host(&ManuallyDrop::new(text_or_empty(&location, "hostname"))) {
        return Err(Off::Domain);
    }
    // A choice the visitor made earlier wins over the tag's default.
    let stored = consent::parse_tier(&ManuallyDrop::new(store.text(CONSENT_KEY)));
    let (tier, undecided) = match (stored, config.consent) {
        (Some(tier), _) => (tier, false),
        (None, StartTier::Granted(tier)) => (tier, false),
        (None, StartTier::Pending) => (ConsentTier::Count, true),
    };
    let replay_rate = store.get(REPLAY_RATE_KEY);
    let me: Cell = Box::leak(Box::new(OnceCell::new()));
    let callback =
        Handler::new(Closure::own_aborting(move |n: JsValue, a: JsValue, b: JsValue| {
            match me.get().map(RefCell::try_borrow_mut) {
                // `as` saturates (`NaN` to 0): a missing or odd number is operation 0 (`init`).
                Some(Ok(mut tracker)) => tracker.on(js::host_float(&n) as u8, &a, &b),
                // Re-entered from a page script the tracker itself triggered (or the tracker is
                // still being built): dropped.
                _ => JsValue::UNDEFINED,
            }
        }));
    let handler = |signal| crate::callback::bound(callback.js(), signal as u8);
    let mut mirror_key = String::from(crate::persist::KEY_PREFIX);
    crate::text::push_uuid(&mut mirror_key, &js::random_bytes().unwrap_or_default());
    let mut tracker = Tracker {
        mirror_key,
        flush_timer: Timer::new(handler(Signal::Flush)),
        retry_timer: Timer::new(handler(Signal::Retry)),
        start_timer: Timer::new(handler(Signal::Start)),
        route_timer: Timer::new(handler(Signal::Route)),
        rage_timer: Timer::new(handler(Signal::RageEnd)),
        replay_rate,
        callback,
        config: ManuallyDrop::into_inner(config),
        window: ManuallyDrop::into_inner(window),
        document: ManuallyDrop::into_inner(document),
        tier,
        undecided,
        opted_out: false,
        store,
        visitor: None,
        session: None,
        starting: None,
        queue: Queue::default(),
        queue_session: None,
        outbox: Outbox::default(),
        flight: 0,
        listeners: Vec::new(),
        patches: None,
        page: Page::default(),
        last_fingerprint: None,
        begun: false,
    };
    // The first steps get a task of their own (on a slow CPU, compiling and running them with
    // this one is a long task), unless an API call comes first; at once on a hidden page, whose
    // timers are throttled.
    if tracker.hidden() {
        tracker.begin();
    } else {
        tracker.start_timer.arm(0);
    }
    let api = tracker.callback.js().clone();
    // The cell was empty, so `set` cannot hand the tracker back; forgotten rather than dropped
    // all the same (the tracker lives as long as the page).
    core::mem::forget(me.set(RefCell::new(tracker)));
    Ok(api)
}

impl Tracker {
    /// A JS function delivering `signal` (and up to two arguments) to this tracker.
    pub(crate) fn handler(&self, signal: Signal) -> JsValue {
        crate::callback::bound(self.callback.js(), signal as u8)
    }

    /// Runs the first steps, once: the storage mirror of pages that are gone, the page listeners
    /// and the first pageview; then, for a session that records replay, the loader's decision.
    pub(crate) fn begin(&mut self) {
        if self.begun {
            return;
        }
        self.begun = true;
        self.start_timer.cancel();
        if self.persistent() {
            self.load_identity();
            self.adopt();
        }
        self.listen_page();
        if self.config.auto_track {
            self.capture_start();
        }
        self.pump();
        if self.replay_rate.is_some() {
            self.decide_replay();
        }
    }

    /// Dispatches a callback: signal `n` (see [`Signal`]), else API operation `n`.
    fn on(&mut self, n: u8, a: &JsValue, b: &JsValue) -> JsValue {
        let at = n.checked_sub(FIRST_SIGNAL).map(usize::from);
        let Some(&signal) = at.and_then(|at| SIGNALS.get(at)) else {
            return self.api_call(n, a, b);
        };
        match signal {
            Signal::Flush => {
                self.flush_timer.fired();
                self.flush();
            }
            Signal::Retry => {
                self.retry_timer.fired();
                self.pump();
            }
            Signal::Start => {
                self.start_timer.fired();
                if self.begun {
                    self.start_step();
                } else {
                    self.begin();
                }
            }
            #[cfg(feature = "fingerprint")]
            Signal::Fingerprint => self.fingerprint_resumed(b),
            Signal::Response => self.settle(a, b),
            Signal::SiteConfig => self.site_config_arrived(b),
            Signal::Online => {
                self.outbox.wake();
                self.pump();
            }
            Signal::PageHide => self.hide(true),
            Signal::Visibility => {
                if self.hidden() {
                    self.hide(false);
                } else {
                    self.capture_visible(true);
                }
            }
            _ => self.capture_signal(signal, a),
        }
        JsValue::UNDEFINED
    }

    /// Whether the tier allows storing anything (a persistent session, a visitor id, the mirror).
    pub(crate) fn persistent(&self) -> bool {
        self.tier.allows_identity() && !self.opted_out
    }

    /// The window-level listeners every running tracker needs: delivery on hide and unload,
    /// retries when the network is back.
    fn listen_page(&mut self) {
        self.listen(
            &[
                ("pagehide", false, Signal::PageHide),
                ("visibilitychange", true, Signal::Visibility),
                ("online", false, Signal::Online),
            ],
            false,
        );
    }

    /// Adds a listener for each of `table`'s events (the event, whether it is the document's
    /// rather than the window's, the signal it delivers), kept in `listeners`; the document's in
    /// the capture phase when `capture`. A constant table: the targets are picked here.
    pub(crate) fn listen(&mut self, table: &[(&str, bool, Signal)], capture: bool) {
        for &(kind, on_document, signal) in table {
            let target = if on_document { &self.document } else { &self.window };
            let f = self.callback.js();
            let listener = Listener::new(target, kind, capture && on_document, f, signal as u8);
            self.listeners.push(listener);
        }
    }

    /// Records `event` (made at `event.ts()`): counts as activity in the session (which may start
    /// a new one), queues the event and flushes when the queue says so.
    pub(crate) fn record(&mut self, event: Event) {
        self.record_with(event, "", "{}");
    }

    /// [`Tracker::record`] with the member `"key": object` added to the event, `object` being
    /// JSON object text written in JS (`js/props.js`); nothing is added for `{}` (as the schema
    /// skips empty props).
    pub(crate) fn record_with(&mut self, event: Event, key: &str, object: &str) {
        let ts = event.ts();
        let text = crate::wire::event(&event, key, object);
        discard(event);
        if self.opted_out {
            return;
        }
        let Some(session) = self.touch(ts) else { return };
        if self.queue_session.is_some_and(|(id, _)| id != session.id) {
            // Events of an ended session leave under its id before the new one's are queued.
            self.close_queue();
        }
        self.queue_session = Some((session.id, session.started_at));
        match self.queue.push(text, self.config.flush_at) {
            // A hidden page may be frozen or discarded without another event, and its timers are
            // throttled: what it records leaves at once.
            _ if self.hidden() => self.flush(),
            AfterPush::FlushNow => self.flush(),
            AfterPush::ArmTimer => self.flush_timer.arm(u64::from(self.config.flush_interval_ms)),
            AfterPush::Wait => {}
        }
        self.save();
    }

    /// Whether the page is hidden (a background tab, or one that started hidden).
    pub(crate) fn hidden(&self) -> bool {
        crate::callback::view(&self.document) == 1
    }

    /// Activity at `now`: continues the session (shared through storage when the tier allows)
    /// or starts a new one, ending the expired one on the server.
    pub(crate) fn touch(&mut self, now: UnixMillis) -> Option<Session> {
        let stored =
            if self.persistent() { Session::decode(&self.store.text(SESSION_KEY)) } else { None };
        let session = match session::touch(session::latest(stored, self.session), now)? {
            Touch::Continue(session) => session,
            Touch::Start { session, ended } => {
                if let Some(ended) = ended {
                    self.end_session(ended);
                }
                self.begin_session(session);
                session
            }
        };
        self.set_session(Some(session));
        Some(session)
    }

    /// Remembers `session` in memory and, when the tier allows, in storage for the other tabs.
    pub(crate) fn set_session(&mut self, session: Option<Session>) {
        self.session = session;
        match session {
            Some(s) if self.persistent() => {
                self.store.set(SESSION_KEY, &s.encode(), true);
            }
            _ => {}
        }
    }

    /// Queues `POST /track/session/end` for `session` (after whatever of it is still queued).
    pub(crate) fn end_session(&mut self, session: Session) {
        self.close_queue();
        let end = SessionEnd {
            session_id: session.id,
            session_started_at: session.started_at,
            ended_at: session.last_activity.max(session.started_at),
            engaged_ms: Some(session.engaged_ms.min(MAX_ENGAGED_MS)),
        };
        self.outbox.push(Request::new(SESSION_END_PATH, crate::wire::session_end(&end)));
    }

    /// Sends what is queued (unless a session start is still held back), in as many batches as
    /// the limits require.
    pub(crate) fn flush(&mut self) {
        if self.starting.is_none() {
            self.close_queue();
            self.save();
            self.pump();
        }
    }

    /// Turns the queued events into batch requests in the outbox.
    pub(crate) fn close_queue(&mut self) {
        self.flush_timer.cancel();
        if let Some((id, started_at)) = self.queue_session
            && !self.queue.events.is_empty()
        {
            let requests = self.outbox.pending_mut();
            queue::push_batches(id, started_at, &self.queue.events, js::now(), requests);
        }
        // Emptied where it lies: the queue keeps its buffer.
        self.queue.events.clear();
    }

    /// Logs `message` to the console in debug mode (`data-debug`); silent otherwise.
    pub(crate) fn warn(&self, message: &str) {
        if self.config.debug {
            let console = get(&self.window, "console");
            js::call_str2(&console, "warn", "[pulsegate]", message);
        }
    }
}

/// Drops an event the tracker made. Its `props` or `traits` are always empty (their JSON comes
/// from `js/props.js` beside the event), so they are forgotten, not dropped: no `BTreeMap` drop
/// is linked into the wasm. Every kind is named, so no drop of a whole `Event` is either.
fn discard(event: Event) {
    match event {
        Event::Custom(Custom { props, .. }) | Event::Identify(Identify { traits: props, .. }) => {
            debug_assert!(props.is_empty());
            core::mem::forget(props);
        }
        Event::Pageview(e) => drop(e),
        Event::Click(e) => drop(e),
        Event::RageClick(e) => drop(e),
        Event::Scroll(_) | Event::Engagement(_) => {}
        Event::FormInteraction(e) => drop(e),
        Event::Error(e) => drop(e),
    }
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::{FIRST_SIGNAL, SIGNALS, Signal};

    #[test]
    fn every_signal_is_found_by_its_number_after_the_api_operations() {
        for (at, &signal) in SIGNALS.iter().enumerate() {
            assert_eq!(usize::from(signal as u8), usize::from(FIRST_SIGNAL) + at, "{signal:?}");
        }
        assert_eq!(SIGNALS.last(), Some(&Signal::Rejection));
        assert_eq!(FIRST_SIGNAL, super::api::op::STATE + 1);
    }
}
