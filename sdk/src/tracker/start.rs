//! Session starts. A new session's start is held back briefly: until the task that started it
//! ends (so a `PulseGate.consent(...)` made right after the tag loads still decides its tier), and
//! under `analytics` or above until the fingerprint is computed, in short slices. Its events wait
//! behind it; when the page hides, it leaves at once without a fingerprint.

use alloc::string::String;

use pulsegate_schema::PageContext;
use wasm_bindgen::JsValue;

#[cfg(feature = "fingerprint")]
use super::Signal;
use super::Tracker;
use crate::js::{get, text_or_empty};
use crate::session::Session;
use crate::transport::{Request, SESSION_START_PATH};
use crate::{bot, context};

#[cfg(feature = "fingerprint")]
use crate::fingerprint::{Runner, Step};

/// A session start not sent yet.
#[derive(Debug)]
pub(crate) struct Starting {
    session: Session,
    /// The landing page, as it was when the session began.
    page: PageContext,
    /// Its UTM parameters as JSON text (empty for none).
    utm: String,
    /// The fingerprint being computed (tiers that allow it).
    #[cfg(feature = "fingerprint")]
    runner: Option<Runner>,
    /// The fingerprint was computed for it (it is the tracker's `last_fingerprint`).
    fingerprinted: bool,
}

impl Starting {
    /// The tier now allows a fingerprint: compute one before the start leaves.
    pub(crate) fn allow_fingerprint(&mut self, window: &JsValue) {
        #[cfg(feature = "fingerprint")]
        // Made only where there is none: no drop of an earlier runner is linked here.
        if !self.fingerprinted {
            self.runner.get_or_insert_with(|| Runner::new(window));
        }
        #[cfg(not(feature = "fingerprint"))]
        let _ = window;
    }

    /// The tier no longer allows one: drop it.
    pub(crate) fn forbid_fingerprint(&mut self) {
        #[cfg(feature = "fingerprint")]
        {
            self.runner = None;
        }
        self.fingerprinted = false;
    }
}

impl Tracker {
    /// A new session begins: its start is held until the current task ends (and the fingerprint
    /// is done).
    pub(crate) fn begin_session(&mut self, session: Session) {
        let href = text_or_empty(&get(&self.window, "location"), "href");
        let mut starting = Starting {
            session,
            page: context::page(&self.window, &href, &self.config),
            utm: context::utm_json(),
            #[cfg(feature = "fingerprint")]
            runner: None,
            fingerprinted: false,
        };
        if self.persistent() {
            starting.allow_fingerprint(&self.window);
        }
        #[cfg(feature = "fingerprint")]
        let fingerprinting = starting.runner.is_some();
        self.starting = Some(starting);
        // The first fingerprint slice runs as soon as this task ends, like the others.
        #[cfg(feature = "fingerprint")]
        if fingerprinting {
            return self.yield_now();
        }
        self.start_timer.rearm(0);
    }

    /// Advances the held start by one step: a slice of the fingerprint, or sending it (and what
    /// waited behind it).
    pub(crate) fn start_step(&mut self) {
        if self.starting.is_some() && !self.fingerprint_step() {
            self.start_now();
            self.flush();
        }
    }

    /// Queues the held start at once, without a fingerprint still being computed (the page is
    /// hiding); the caller sends it.
    pub(crate) fn start_now(&mut self) {
        if let Some(starting) = self.starting.take() {
            self.start_timer.cancel();
            self.send_start(&starting);
        }
    }

    /// Runs the next slice of fingerprint sources of the held start; `true` while the
    /// fingerprint is not done (the start timer, or the asynchronous source's promise, calls
    /// back). A hidden page runs them back to back: nobody is interacting with it, and its timers
    /// are throttled to one a second or less.
    #[cfg(feature = "fingerprint")]
    fn fingerprint_step(&mut self) -> bool {
        let hidden = self.hidden();
        let Some(starting) = &mut self.starting else { return false };
        let Some(runner) = &mut starting.runner else { return false };
        if runner.waiting() && runner.read_all() {
            // The start timer fired while only the asynchronous source was left: its deadline.
            runner.resume(&JsValue::UNDEFINED, &self.window);
        }
        let mut step = runner.step(&self.window);
        while hidden && matches!(step, Step::Yield) {
            step = runner.step(&self.window);
        }
        if let Some(promise) = runner.promise() {
            // Its settling goes to the tracker's callback as the fingerprint's signal (a
            // rejection as `null`, which fails the source as its error would).
            let signal = f64::from(Signal::Fingerprint as u8);
            if !crate::callback::chain(&promise, self.callback.js(), signal, 0.0).is_object() {
                runner.resume(&JsValue::UNDEFINED, &self.window);
            }
        }
        match step {
            Step::Yield => self.yield_now(),
            Step::Wait(deadline_ms) => self.start_timer.rearm(deadline_ms),
            Step::Done(fingerprint, wall_ms) => {
                let timings = runner.timings().collect();
                self.last_fingerprint = Some((fingerprint, wall_ms, timings));
                starting.fingerprinted = true;
                starting.runner = None;
                return false;
            }
        }
        true
    }

    /// Calls [`Self::start_step`] again in a new task, as soon as the browser has run what
    /// waits (input, rendering): `scheduler.yield()` where there is one (the continuation goes
    /// before other pages' scripts' tasks, so the fingerprint is not stretched by them), else a
    /// `MessageChannel` message, which timers' 4 ms nesting clamp and background throttling do
    /// not slow (`soon` in `js/signal.js`); a timer where there is neither.
    #[cfg(feature = "fingerprint")]
    fn yield_now(&mut self) {
        // (Should a page break both, the start still leaves when the page hides.)
        if crate::callback::soon(self.callback.js(), f64::from(Signal::Start as u8)) == 0 {
            self.start_timer.rearm(0);
        }
    }

    #[cfg(not(feature = "fingerprint"))]
    fn fingerprint_step(&mut self) -> bool {
        false
    }

    /// An asynchronous fingerprint source settled with `result`.
    #[cfg(feature = "fingerprint")]
    pub(crate) fn fingerprint_resumed(&mut self, result: &JsValue) {
        if let Some(Starting { runner: Some(runner), .. }) = &mut self.starting
            && runner.waiting()
        {
            runner.resume(result, &self.window);
            if runner.read_all() {
                // Only the deadline was armed: finish now.
                self.start_timer.rearm(0);
            }
        }
    }

    /// Queues `POST /track/session/start`.
    fn send_start(&mut self, starting: &Starting) {
        let persistent = self.persistent();
        let start = crate::wire::Start {
            session_id: starting.session.id,
            site_key: self.config.site_key.as_str(),
            started_at: starting.session.started_at,
            page: &starting.page,
            visitor_id: self.visitor.filter(|_| persistent),
            consent: self.tier,
            fingerprint: (self.last_fingerprint.as_ref())
                .filter(|_| starting.fingerprinted && persistent)
                .map(|(fingerprint, ..)| fingerprint),
        };
        let body = crate::wire::session_start(
            &start,
            &context::device_json(),
            &starting.utm,
            &bot::signals_json(),
        );
        self.outbox.push(Request::new(SESSION_START_PATH, body));
    }
}
