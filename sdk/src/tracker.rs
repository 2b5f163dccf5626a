//! The running tracker, one per page: ties config, privacy, session, queue, transport and
//! listeners together behind `start`.

use core::cell::{Cell, RefCell};
use core::mem::ManuallyDrop;

use js_sys::Date;
use pulsegate_schema::{ConsentTier, Event, Pageview, SessionStart, SiteKey, UnixMillis};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{EventTarget, Window};

use crate::config::Config;
use crate::js::{object, property, window};
use crate::listener::listen;
use crate::queue::{self, AfterPush, FLUSH_DELAY_MS, Queue};
use crate::session::{Session, SessionStore};
use crate::transport::Transport;
use crate::{context, json, privacy};

/// Path of `POST /track/session/start`.
pub(crate) const SESSION_START_PATH: &str = "/track/session/start";
/// Path of `POST /track/events/batch`.
pub(crate) const EVENTS_BATCH_PATH: &str = "/track/events/batch";

thread_local! {
    static STARTED: Cell<bool> = const { Cell::new(false) };
    static TRACKER: RefCell<Option<Tracker>> = const { RefCell::new(None) };
}

/// Client clock, ms since the epoch.
pub(crate) fn now() -> UnixMillis {
    // `as` saturates: a NaN or negative clock becomes 0 instead of panicking.
    Date::now() as UnixMillis
}

/// Starts the tracker once per page; later calls, a bad config or an opt-out do nothing.
pub(crate) fn start(config: &JsValue) -> u32 {
    if STARTED.replace(true) {
        return 0;
    }
    match try_start(config) {
        Ok(()) => 0,
        Err(code) => code,
    }
}

/// The work of [`start`]: `Err` with the loader's reason code when the tracker stays off.
pub(crate) fn try_start(config: &JsValue) -> Result<(), u32> {
    let config = Config::from_js(config).ok_or(1u32)?;
    let window = window().ok_or(2u32)?;
    if privacy::opted_out(&window) {
        return Err(3);
    }
    let document: EventTarget = object(property(&window, "document")).ok_or(2u32)?;
    let tracker = Tracker {
        session_url: config.url(SESSION_START_PATH),
        batch_url: config.url(EVENTS_BATCH_PATH),
        site_key: config.site_key,
        store: SessionStore::open(&window),
        session: None,
        queue: Queue::default(),
        transport: Transport::new(),
        timer: Closure::own_aborting(|| {
            with_tracker(|t| {
                t.timer_armed = false;
                t.flush();
            });
        }),
        timer_armed: false,
        window,
    };
    listen(&tracker.window, "pagehide", || with_tracker(Tracker::flush));
    listen(&document.clone(), "visibilitychange", move || {
        if property(&document, "hidden").as_bool() == Some(true) {
            with_tracker(Tracker::flush);
        }
    });
    TRACKER.with(|cell| cell.replace(Some(tracker)));
    with_tracker(Tracker::pageview);
    Ok(())
}

/// Runs `f` on the started tracker; does nothing before `start` or when re-entered.
fn with_tracker(f: impl FnOnce(&mut Tracker)) {
    let _ = TRACKER.try_with(|cell| {
        if let Ok(mut tracker) = cell.try_borrow_mut()
            && let Some(tracker) = tracker.as_mut()
        {
            f(tracker);
        }
    });
}

/// The JSON of `Event::Pageview(pageview)`, for the queue.
///
/// Serialized where the variant is known, so that only its code is linked (see queue.rs). The
/// `Event` itself is never dropped, because its drop glue would link every variant's fields
/// (props maps and all): the pageview is moved back out and dropped as a `Pageview`.
fn pageview_json(pageview: Pageview) -> Option<String> {
    let mut event = ManuallyDrop::new(Event::Pageview(pageview));
    let text = json::to_string(&*event);
    if let Event::Pageview(pageview) = &mut *event {
        drop(core::mem::take(pageview));
    }
    text
}

/// State of a started tracker. It lives in `TRACKER` until the page goes away.
struct Tracker {
    window: Window,
    site_key: SiteKey,
    session_url: String,
    batch_url: String,
    store: SessionStore,
    /// The session the queued events belong to; `None` until the first event.
    session: Option<Session>,
    queue: Queue,
    transport: Transport,
    /// Fires the delayed flush; one closure serves every timer.
    timer: Closure<dyn FnMut()>,
    timer_armed: bool,
}

impl Tracker {
    /// Records a pageview of the current page.
    fn pageview(&mut self) {
        let page = context::page(&self.window);
        let ts = now();
        let pageview = Pageview { ts, url: page.url, referrer: page.referrer, title: page.title };
        if let Some(text) = pageview_json(pageview) {
            self.record(ts, text);
        }
    }

    /// Counts an event at `ts` as activity (a new session after 30 idle minutes) and queues its
    /// JSON `text`.
    fn record(&mut self, ts: UnixMillis, text: String) {
        let Some((session, is_new)) = self.store.touch(ts) else { return };
        if is_new {
            // Events of an expired session leave under its id before the new one starts.
            self.flush();
            self.send_session_start(&session);
        }
        self.session = Some(session);
        match self.queue.push(text) {
            AfterPush::FlushNow => self.flush(),
            AfterPush::ArmTimer => self.arm_timer(),
            AfterPush::Wait => {}
        }
    }

    fn send_session_start(&self, session: &Session) {
        let start = SessionStart {
            session_id: session.id,
            site_key: self.site_key.clone(),
            started_at: session.started_at,
            page: context::page(&self.window),
            device: context::device(&self.window),
            visitor_id: None,
            consent: ConsentTier::Count,
            utm: None,
            fingerprint: None,
            bot: Vec::new(),
        };
        if let Some(body) = json::to_string(&start) {
            self.transport.send(&self.session_url, &body);
        }
    }

    fn arm_timer(&mut self) {
        if !self.timer_armed {
            self.timer_armed = self
                .window
                .set_timeout_with_callback_and_timeout_and_arguments_0(
                    self.timer.as_ref().unchecked_ref(),
                    FLUSH_DELAY_MS,
                )
                .is_ok();
        }
    }

    /// Sends everything queued, in as many batches as the limits require.
    fn flush(&mut self) {
        let Some(session) = self.session else { return };
        if self.queue.is_empty() {
            return;
        }
        for body in queue::encode_batches(&session, &self.queue.take(), now()) {
            self.transport.send(&self.batch_url, &body);
        }
    }
}
