//! Delivery rules, free of browser calls so they are tested natively: the outbox of requests in
//! order, what each response means (delivered, retry when, or drop), exponential backoff with
//! jitter, `Retry-After`, and how much may leave while the page unloads.
//!
//! A request's body never changes once queued, so a retried batch carries the same `batch_id` and
//! the server stores it once. The browser side (fetch, beacons, timers) is in `tracker/send.rs`.

use alloc::string::String;
use alloc::vec::Vec;

use pulsegate_schema::UnixMillis;
use pulsegate_schema::limits::MAX_UNLOAD_BODY_BYTES;

use crate::text::parse_u64;

/// Path of `POST /track/session/start`.
pub(crate) const SESSION_START_PATH: &str = "/track/session/start";
/// Path of `POST /track/session/end`.
pub(crate) const SESSION_END_PATH: &str = "/track/session/end";
/// Path of `POST /track/events/batch`.
pub(crate) const EVENTS_BATCH_PATH: &str = "/track/events/batch";

/// The first retry waits about this long; each further one twice as long.
pub(crate) const BACKOFF_BASE_MS: u64 = 1_000;
/// No computed backoff is longer than this.
pub(crate) const BACKOFF_MAX_MS: u64 = 60_000;
/// A `Retry-After` longer than this is shortened to it (the queue survives reloads anyway).
pub(crate) const RETRY_AFTER_MAX_MS: u64 = 60 * 60 * 1000;
/// Bytes the browser lets a page keep in flight while it unloads (`sendBeacon` and
/// `fetch(keepalive)` share a 64 KiB quota); the SDK stays a little under it.
pub(crate) const UNLOAD_BUDGET_BYTES: usize = MAX_UNLOAD_BODY_BYTES;

/// One POST waiting to be delivered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Request {
    /// Endpoint path, e.g. [`EVENTS_BATCH_PATH`].
    pub(crate) path: String,
    /// The JSON body, final: retries send it byte for byte again.
    pub(crate) body: String,
    /// Failed attempts so far.
    pub(crate) attempts: u32,
    /// Not to be sent before this time (client ms); 0 for "now".
    pub(crate) not_before: UnixMillis,
}

impl Request {
    /// A request to send as soon as possible.
    pub(crate) fn new(path: &str, body: String) -> Self {
        Self { path: String::from(path), body, attempts: 0, not_before: 0 }
    }
}

/// What one attempt's answer means for its request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// 2xx: done.
    Delivered,
    /// A network error, 408, 429 or 5xx: try again after this many ms.
    Retry(u64),
    /// A 4xx the request will never get past (or a 404 for an endpoint an older worker lacks):
    /// drop it; `warn` says whether debug mode should mention it.
    Drop { warn: bool },
}

/// Judges an attempt: `status` is `None` for a network error (or a `fetch` the page broke),
/// `retry_after` is the response's `Retry-After` header, `parse_date` turns an HTTP date into
/// client ms (the browser's `Date.parse`), `random` is a fraction in `[0, 1)` for jitter.
pub(crate) fn judge(
    path: &str,
    attempts: u32,
    status: Option<u16>,
    retry_after: Option<&str>,
    now: UnixMillis,
    parse_date: impl FnOnce(&str) -> Option<UnixMillis>,
    random: f64,
) -> Outcome {
    let retry = |extra: Option<u64>| {
        let wait = backoff(attempts, random);
        Outcome::Retry(extra.map_or(wait, |ms| ms.clamp(wait, RETRY_AFTER_MAX_MS)))
    };
    match status {
        Some(200..=299) => Outcome::Delivered,
        Some(429 | 503) => {
            retry(retry_after.and_then(|value| retry_after_ms(value, now, parse_date)))
        }
        None | Some(408 | 500..=599) => retry(None),
        // A worker from before `/track/session/end` existed: nothing to retry, nothing to say.
        Some(404) if path == SESSION_END_PATH => Outcome::Drop { warn: false },
        _ => Outcome::Drop { warn: true },
    }
}

/// The wait before retry number `attempts + 1`: `BASE × 2^attempts`, at most
/// [`BACKOFF_MAX_MS`], then jittered into its upper half (`random` in `[0, 1)`), so that many
/// browsers failing together do not retry together.
pub(crate) fn backoff(attempts: u32, random: f64) -> u64 {
    let full = BACKOFF_BASE_MS.saturating_mul(1 << attempts.min(16)).min(BACKOFF_MAX_MS);
    let half = full / 2;
    half + (half as f64 * random.clamp(0.0, 1.0)) as u64
}

/// `Retry-After` in ms from `now`: delay-seconds (`"120"`) or an HTTP date (via `parse_date`).
pub(crate) fn retry_after_ms(
    value: &str,
    now: UnixMillis,
    parse_date: impl FnOnce(&str) -> Option<UnixMillis>,
) -> Option<u64> {
    let value = value.trim_ascii();
    match parse_u64(value) {
        // Not `saturating_mul`: on wasm32 its overflow check is a 128-bit multiply (`__multi3`).
        Some(seconds) => Some(if seconds > u64::MAX / 1000 { u64::MAX } else { seconds * 1000 }),
        None => parse_date(value).map(|at| at.saturating_sub(now)),
    }
}

/// The requests waiting to go out, oldest first. At most one is in flight at a time (the front),
/// which keeps them in order: a session's start before its batches, its batches before its end.
#[derive(Debug, Default)]
pub(crate) struct Outbox {
    pending: Vec<Request>,
    /// Whether the front request is on the network now.
    in_flight: bool,
}

impl Outbox {
    /// Queues `request` behind the others.
    pub(crate) fn push(&mut self, request: Request) {
        self.pending.push(request);
    }

    /// The requests waiting, to append to (as [`Outbox::push`] does).
    pub(crate) fn pending_mut(&mut self) -> &mut Vec<Request> {
        &mut self.pending
    }

    /// Puts `adopted` requests (from a page that is gone, oldest first) ahead of everything not
    /// yet in flight.
    pub(crate) fn adopt(&mut self, mut adopted: Vec<Request>) {
        let first = usize::from(self.in_flight).min(self.pending.len());
        let mut rest = self.pending.split_off(first);
        self.pending.append(&mut adopted);
        self.pending.append(&mut rest);
    }

    /// Everything waiting, oldest first (the front may be in flight).
    pub(crate) fn requests(&self) -> &[Request] {
        &self.pending
    }

    /// Whether nothing is waiting.
    pub(crate) fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// The request to send now, marked in flight: the front, when nothing is in flight and its
    /// backoff has passed. `Err(at)` when the front must wait until `at`; `Ok(None)` when there is
    /// nothing to do.
    pub(crate) fn next(&mut self, now: UnixMillis) -> Result<Option<&Request>, UnixMillis> {
        if self.in_flight {
            return Ok(None);
        }
        match self.pending.first() {
            Some(front) if front.not_before > now => Err(front.not_before),
            Some(_) => {
                self.in_flight = true;
                Ok(self.pending.first())
            }
            None => Ok(None),
        }
    }

    /// Applies the outcome of the in-flight request; returns the dropped or delivered request's
    /// path when it left the queue.
    pub(crate) fn settle(&mut self, outcome: Outcome, now: UnixMillis) -> Option<Request> {
        if !core::mem::take(&mut self.in_flight) {
            return None;
        }
        match outcome {
            Outcome::Retry(wait) => {
                if let Some(front) = self.pending.first_mut() {
                    front.attempts = front.attempts.saturating_add(1);
                    front.not_before = now.saturating_add(wait);
                }
                None
            }
            // The queue is short (a flush every few seconds): moving the rest is cheap.
            Outcome::Delivered | Outcome::Drop { .. } => {
                let rest = self.pending.split_off(1.min(self.pending.len()));
                core::mem::replace(&mut self.pending, rest).pop()
            }
        }
    }

    /// The in-flight request (to judge its answer).
    pub(crate) fn in_flight(&self) -> Option<&Request> {
        self.pending.first().filter(|_| self.in_flight)
    }

    /// Makes a waiting front request due now (the browser came back online).
    pub(crate) fn wake(&mut self) {
        if let Some(front) = self.pending.first_mut() {
            front.not_before = 0;
        }
    }

    /// For a page that is going away: hands every request that is not in flight to `send` (a
    /// beacon), oldest first, while they fit in [`UNLOAD_BUDGET_BYTES`] together. A beacon the
    /// browser accepted is as good as delivered when `forget` (the browser is online) and the
    /// request never failed: it leaves the queue. One that failed before (the server refused it
    /// for now) stays, so the next page sends it again; the same `batch_id` makes that harmless.
    pub(crate) fn unload(&mut self, forget: bool, mut send: impl FnMut(&Request) -> bool) {
        let mut budget = UNLOAD_BUDGET_BYTES;
        let skip = usize::from(self.in_flight);
        let mut index = skip;
        while let Some(request) = self.pending.get(index) {
            if request.body.len() > budget {
                break;
            }
            let accepted = send(request);
            if !accepted {
                break;
            }
            budget -= request.body.len();
            if forget && request.attempts == 0 {
                let mut rest = self.pending.split_off(index + 1);
                self.pending.pop();
                self.pending.append(&mut rest);
            } else {
                index += 1;
            }
        }
    }
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;

    const NOW: UnixMillis = 1_764_097_200_000;

    fn judged(path: &str, status: Option<u16>, retry_after: Option<&str>) -> Outcome {
        judge(path, 0, status, retry_after, NOW, |_| Some(NOW + 30_000), 0.5)
    }

    #[test]
    fn answers_map_to_outcomes() {
        assert_eq!(judged(EVENTS_BATCH_PATH, Some(202), None), Outcome::Delivered);
        assert_eq!(judged(EVENTS_BATCH_PATH, Some(200), None), Outcome::Delivered);
        for retried in [None, Some(500), Some(502), Some(504), Some(408)] {
            assert!(matches!(judged(EVENTS_BATCH_PATH, retried, None), Outcome::Retry(_)));
        }
        for dropped in [400, 401, 403, 404, 405, 413, 415, 422, 301] {
            assert_eq!(
                judged(EVENTS_BATCH_PATH, Some(dropped), None),
                Outcome::Drop { warn: true },
                "{dropped}"
            );
        }
        assert_eq!(judged(SESSION_END_PATH, Some(404), None), Outcome::Drop { warn: false });
        assert_eq!(judged(SESSION_END_PATH, Some(400), None), Outcome::Drop { warn: true });
    }

    #[test]
    fn retry_after_is_honoured_on_429_and_503() {
        // Seconds, longer than the backoff: wait exactly that long.
        assert_eq!(judged(EVENTS_BATCH_PATH, Some(429), Some(" 7 ")), Outcome::Retry(7_000));
        assert_eq!(judged(EVENTS_BATCH_PATH, Some(503), Some("120")), Outcome::Retry(120_000));
        // An HTTP date: until then.
        assert_eq!(
            judged(EVENTS_BATCH_PATH, Some(503), Some("Wed, 26 Nov 2025 19:00:30 GMT")),
            Outcome::Retry(30_000)
        );
        // Shorter than the backoff, absent or unreadable: the backoff wins.
        let backoff = backoff(0, 0.5);
        assert_eq!(judged(EVENTS_BATCH_PATH, Some(429), Some("0")), Outcome::Retry(backoff));
        assert_eq!(judged(EVENTS_BATCH_PATH, Some(503), None), Outcome::Retry(backoff));
        let unreadable = judge(EVENTS_BATCH_PATH, 0, Some(429), Some("soon"), NOW, |_| None, 0.5);
        assert_eq!(unreadable, Outcome::Retry(backoff));
        // Absurdly long: capped.
        assert_eq!(
            judged(EVENTS_BATCH_PATH, Some(429), Some("999999999")),
            Outcome::Retry(RETRY_AFTER_MAX_MS)
        );
        // Seconds whose milliseconds do not fit in a u64 saturate.
        assert_eq!(
            retry_after_ms("18446744073709551", NOW, |_| None),
            Some(18_446_744_073_709_551_000)
        );
        assert_eq!(retry_after_ms("18446744073709552", NOW, |_| None), Some(u64::MAX));
        // Retry-After on other statuses means nothing.
        assert_eq!(judged(EVENTS_BATCH_PATH, Some(500), Some("60")), Outcome::Retry(backoff));
    }

    #[test]
    fn backoff_doubles_jitters_and_caps() {
        assert_eq!(backoff(0, 0.0), 500);
        assert_eq!(backoff(0, 0.999_999), 999);
        assert_eq!(backoff(1, 0.0), 1_000);
        assert_eq!(backoff(3, 0.5), 6_000);
        assert_eq!(backoff(6, 0.0), 30_000);
        assert_eq!(backoff(40, 1.0), 60_000);
        assert_eq!(backoff(u32::MAX, 0.0), 30_000);
        // Jitter stays within [full / 2, full].
        for attempts in 0..10 {
            let full = (BACKOFF_BASE_MS << attempts).min(BACKOFF_MAX_MS);
            for r in [0.0, 0.25, 0.75, 0.99] {
                let d = backoff(attempts, r);
                assert!(d >= full / 2 && d <= full, "{attempts} {r} {d}");
            }
        }
    }

    fn request(n: u8, len: usize) -> Request {
        Request::new(EVENTS_BATCH_PATH, String::from_utf8(alloc::vec![b'a' + n; len]).unwrap())
    }

    #[test]
    fn one_request_in_flight_in_order_with_backoff() {
        let mut outbox = Outbox::default();
        assert_eq!(outbox.next(NOW), Ok(None));
        outbox.push(request(0, 1));
        outbox.push(request(1, 1));
        assert_eq!(outbox.next(NOW).unwrap().unwrap().body, "a");
        // The front is in flight: nothing else goes.
        assert_eq!(outbox.next(NOW), Ok(None));
        assert_eq!(outbox.in_flight().unwrap().body, "a");
        // It fails: it stays first and waits.
        assert_eq!(outbox.settle(Outcome::Retry(1_000), NOW), None);
        assert_eq!(outbox.next(NOW), Err(NOW + 1_000));
        assert_eq!(outbox.next(NOW + 1_000).unwrap().unwrap().attempts, 1);
        let done = outbox.settle(Outcome::Delivered, NOW + 1_100).unwrap();
        assert_eq!(done.body, "a");
        assert_eq!(outbox.next(NOW + 1_100).unwrap().unwrap().body, "b");
        assert_eq!(outbox.settle(Outcome::Drop { warn: true }, NOW).unwrap().body, "b");
        assert!(outbox.is_empty());
        // A stale answer (nothing in flight) changes nothing.
        assert_eq!(outbox.settle(Outcome::Delivered, NOW), None);
        // The rest keep their order behind a delivered front.
        for n in 2..6 {
            outbox.push(request(n, 1));
        }
        outbox.next(NOW).unwrap();
        assert_eq!(outbox.settle(Outcome::Delivered, NOW).unwrap().body, "c");
        let order: Vec<&str> = outbox.requests().iter().map(|r| r.body.as_str()).collect();
        assert_eq!(order, ["d", "e", "f"]);
    }

    #[test]
    fn waking_and_adopting() {
        let mut outbox = Outbox::default();
        outbox.push(request(0, 1));
        outbox.next(NOW).unwrap();
        outbox.settle(Outcome::Retry(60_000), NOW);
        outbox.wake();
        assert!(outbox.next(NOW).unwrap().is_some());
        // Adopted requests go behind the one in flight, ahead of the rest, in their order.
        outbox.push(request(3, 1));
        outbox.adopt(alloc::vec![request(1, 1), request(2, 1)]);
        let order: Vec<&str> = outbox.requests().iter().map(|r| r.body.as_str()).collect();
        assert_eq!(order, ["a", "b", "c", "d"]);
        // Nothing in flight: ahead of everything; adopting nothing changes nothing.
        let mut outbox = Outbox::default();
        outbox.push(request(2, 1));
        outbox.adopt(alloc::vec![request(0, 1), request(1, 1)]);
        outbox.adopt(Vec::new());
        let order: Vec<&str> = outbox.requests().iter().map(|r| r.body.as_str()).collect();
        assert_eq!(order, ["a", "b", "c"]);
        assert_eq!(outbox.next(NOW).unwrap().unwrap().body, "a");
    }

    #[test]
    fn unload_sends_what_fits_skipping_the_one_in_flight() {
        let mut outbox = Outbox::default();
        outbox.push(request(0, 10));
        outbox.next(NOW).unwrap(); // "a…" is in flight
        outbox.push(request(1, 40_000));
        outbox.push(request(2, 40_000)); // would pass the 60 KiB budget
        outbox.push(request(3, 10));
        let mut sent = Vec::new();
        outbox.unload(true, |r| {
            sent.push(r.body.len());
            true
        });
        assert_eq!(sent, [40_000], "in order, and the budget stops at the first that does not fit");
        let left: Vec<usize> = outbox.requests().iter().map(|r| r.body.len()).collect();
        assert_eq!(left, [10, 40_000, 10]);

        // Offline: sent, but kept for the next page.
        let mut outbox = Outbox::default();
        outbox.push(request(0, 10));
        outbox.unload(false, |_| true);
        assert_eq!(outbox.requests().len(), 1);

        // A refused beacon stops the unload; the request stays.
        let mut outbox = Outbox::default();
        outbox.push(request(0, 10));
        outbox.push(request(1, 10));
        outbox.unload(true, |_| false);
        assert_eq!(outbox.requests().len(), 2);

        // A request the server refused before is sent, and kept for the next page.
        let mut outbox = Outbox::default();
        outbox.push(request(0, 10));
        outbox.next(NOW).unwrap();
        outbox.settle(Outcome::Retry(30_000), NOW);
        outbox.push(request(1, 10));
        let mut sent = 0;
        outbox.unload(true, |_| {
            sent += 1;
            true
        });
        assert_eq!(sent, 2);
        let left: Vec<&str> = outbox.requests().iter().map(|r| r.body.as_str()).collect();
        assert_eq!(left, ["aaaaaaaaaa"], "the one that failed stays; the fresh one is done");
    }
}
