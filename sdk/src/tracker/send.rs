//! The outbox on the network: one `fetch` at a time with `keepalive`, answers judged by
//! `transport::judge`, retries on a timer; beacons when the page hides or unloads; the storage
//! mirror that lets the next page deliver what this one could not.

use alloc::string::String;

use wasm_bindgen::JsValue;

use super::{Signal, Tracker};
use crate::js::{self, call_str, call0, get, post};
use crate::persist::{self, KEY_PREFIX, Mirror};
use crate::queue;
use crate::storage::REPLAY_RATE_KEY;
use crate::text::u64_text;
use crate::transport::{self, Outcome, Request, SESSION_START_PATH, UNLOAD_BUDGET_BYTES};

impl Tracker {
    /// Sends the next request when nothing is in flight; arms the retry timer when the next one
    /// must wait.
    pub(crate) fn pump(&mut self) {
        let now = js::now();
        let request = match self.outbox.next(now) {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(at) => return self.retry_timer.rearm(at.saturating_sub(now)),
        };
        self.flight = self.flight.wrapping_add(1);
        let (url, body) = (self.config.url(&request.path), &request.body);
        let keepalive = body.len() <= UNLOAD_BUDGET_BYTES;
        // `then(ok, fail)`, each bound to this request's number: an answer to an older request
        // (before an opt-out cleared the outbox) is then recognised and ignored.
        let flight = f64::from(self.flight);
        let signal = f64::from(Signal::Response as u8);
        let chained = crate::callback::chain(
            &post(&url, body, keepalive),
            self.callback.js(),
            signal,
            flight,
        );
        if !chained.is_object() {
            // No fetch, or one that returned no promise: a network error, retried later.
            self.settle_with(None, None);
        }
    }

    /// A `fetch` settled: `flight` is the bound request number, `response` the `Response` (or
    /// `null` when the request failed).
    pub(crate) fn settle(&mut self, flight: &JsValue, response: &JsValue) {
        // `NaN` (no number) is no request's number either.
        if js::host_float(flight) != f64::from(self.flight) {
            return;
        }
        let status = js::number(response, "status").map(|s| s as u16);
        let retry_after = call_str(&get(response, "headers"), "get", "retry-after").as_string();
        // A session start's answer carries the replay sampling rate (`SessionAccepted`).
        if status.is_some_and(|s| (200..300).contains(&s))
            && self.outbox.in_flight().is_some_and(|r| r.path == SESSION_START_PATH)
        {
            // Its body comes second, after the number `chain` passes (none here).
            let signal = f64::from(Signal::SiteConfig as u8);
            crate::callback::chain(&call0(response, "json"), self.callback.js(), signal, 0.0);
        }
        self.settle_with(status, retry_after.as_deref());
    }

    /// The session start's answer: keeps the replay sampling rate (stored under tiers that store,
    /// for the session's later pages) and, after this task, has the loader decide on replay.
    pub(crate) fn site_config_arrived(&mut self, body: &JsValue) {
        // `NaN` (no number) is not in the range either.
        let rate = js::host_num(body, "replay_sample_rate");
        if !(0.0..=1.0).contains(&rate) {
            return;
        }
        let rate = u64_text((rate * 10_000.0) as u64);
        if self.persistent() {
            self.store.set(REPLAY_RATE_KEY, &rate, false);
        }
        self.replay_rate = Some(rate);
        self.decide_replay();
    }

    /// Has the loader decide on session replay (`PulseGate._l.p`), after this task.
    pub(crate) fn decide_replay(&self) {
        let decide = get(&get(&get(&self.window, "PulseGate"), "_l"), "p");
        crate::callback::host_later(&decide, 0.0);
    }

    fn settle_with(&mut self, status: Option<u16>, retry_after: Option<&str>) {
        let now = js::now();
        let Some(request) = self.outbox.in_flight() else { return };
        let date = get(&self.window, "Date");
        let outcome = transport::judge(
            &request.path,
            request.attempts,
            status,
            retry_after,
            now,
            |value| js::whole(js::host_float(&call_str(&date, "parse", value))),
            js::random_fraction(),
        );
        if let Outcome::Drop { warn: true } = outcome {
            self.warn("dropped a request the server refused");
        }
        self.outbox.settle(outcome, now);
        self.save();
        self.pump();
    }

    /// The page is hidden (`unloading`: or going away): capture closes the page's engagement,
    /// a held session start leaves without waiting, everything queued is batched and handed to
    /// beacons within the unload budget.
    pub(crate) fn hide(&mut self, unloading: bool) {
        self.capture_hide(unloading);
        // Beacons carry everything in order: the held session start first.
        self.start_now();
        self.close_queue();
        let online = !self.offline();
        let navigator = get(&self.window, "navigator");
        let endpoint = &self.config.endpoint;
        self.outbox.unload(online, |request| beacon(&navigator, endpoint, request));
        self.save_as(unloading);
    }

    /// Writes this page's storage mirror (when the tier allows storage).
    pub(crate) fn save(&self) {
        self.save_as(false);
    }

    fn save_as(&self, closed: bool) {
        if !self.persistent() {
            return;
        }
        let key = &self.mirror_key;
        if self.outbox.is_empty() && self.queue.events.is_empty() {
            self.store.remove(key);
            return;
        }
        let text = persist::encode(
            js::now(),
            closed,
            self.queue_session,
            self.outbox.requests(),
            &self.queue.events,
        );
        self.store.set(key, &text, false);
    }

    /// Takes over the mirrors of pages that are gone (closed, or silent for minutes): their
    /// requests go first, their loose events become batches.
    pub(crate) fn adopt(&mut self) {
        let now = js::now();
        // Every adopted request lands in `adopted.requests`; `events` holds one mirror's at a time.
        // Not dropped (once per page): the requests are taken out at the end and the last
        // mirror's events cleared, so only the lists' buffers and a session id are left.
        let mut mirror = core::mem::ManuallyDrop::new(Mirror::default());
        let adopted: &mut Mirror = &mut mirror;
        // The listing's lines, an empty one skipped in the loop (no `Filter` adapter linked); the
        // listing is not dropped (read once per page).
        let listing = core::mem::ManuallyDrop::new(self.store.key_list(KEY_PREFIX));
        for key in crate::text::fields(&listing, b'\n') {
            if key.is_empty() {
                continue;
            }
            let kept = adopted.requests.len();
            adopted.events.clear();
            match adopted.read(&self.store.text(key)) {
                Some(()) if !adopted.adoptable(now) => {
                    drop(adopted.requests.split_off(kept));
                    continue;
                }
                Some(()) => {
                    if let Some((id, started_at)) = adopted.session {
                        let events = &adopted.events;
                        queue::push_batches(id, started_at, events, now, &mut adopted.requests);
                    }
                }
                // Damaged (or gone): nothing to recover.
                // (`split_off`, not `truncate`: the outbox links the former already.)
                None => drop(adopted.requests.split_off(kept)),
            }
            self.store.remove(key);
        }
        adopted.events.clear();
        if !adopted.requests.is_empty() {
            self.outbox.adopt(core::mem::take(&mut adopted.requests));
            self.save();
        }
    }
}

/// `navigator.sendBeacon(endpoint + path, body)`, or `fetch(keepalive)` where beacons are missing
/// or refused; whether the browser took the request.
fn beacon(navigator: &JsValue, endpoint: &str, request: &Request) -> bool {
    let mut url = String::from(endpoint);
    url.push_str(&request.path);
    if js::call_str2(navigator, "sendBeacon", &url, &request.body) == JsValue::TRUE {
        return true;
    }
    // A failure now cannot be retried by this page; the mirror keeps the request.
    request.body.len() <= UNLOAD_BUDGET_BYTES
        && crate::callback::chain(&post(&url, &request.body, true), &js::noop(), 0.0, 0.0)
            .is_object()
}
