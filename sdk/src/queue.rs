//! The event queue: when to flush (threshold, timer, page hide) and how a flush becomes request
//! bodies of at most [`limits::MAX_EVENTS_PER_BATCH`] events and
//! [`limits::MAX_UNLOAD_BODY_BYTES`] bytes each.
//!
//! Events wait as their JSON text, serialized when recorded (and mirrored as such, see
//! `persist.rs`). A body is the JSON of an [`EventBatch`] written with no events, with the
//! waiting texts spliced into its empty `"events":[]`, so batch sizes are plain arithmetic on text
//! lengths.
//!
//! [`EventBatch`]: pulsegate_schema::EventBatch

use alloc::string::String;
use alloc::vec::Vec;

use pulsegate_schema::{SessionId, UnixMillis, limits};

use crate::transport::{EVENTS_BATCH_PATH, Request};
use crate::{ids, wire};

/// What the caller should do after [`Queue::push`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AfterPush {
    /// Nothing: a flush is already scheduled.
    Wait,
    /// The queue was empty: schedule a flush after the flush interval.
    ArmTimer,
    /// The queue reached the flush threshold: flush now.
    FlushNow,
}

/// Events waiting to be sent, oldest first, each as the JSON text of one `Event`.
#[derive(Debug, Default)]
pub(crate) struct Queue {
    pub(crate) events: Vec<String>,
}

impl Queue {
    /// Appends one event's JSON text and says what should happen next, given the flush threshold.
    pub(crate) fn push(&mut self, event: String, flush_at: usize) -> AfterPush {
        self.events.push(event);
        match self.events.len() {
            n if n >= flush_at => AfterPush::FlushNow,
            1 => AfterPush::ArmTimer,
            _ => AfterPush::Wait,
        }
    }

    /// Empties the queue, returning its events (for the unit tests; the tracker clears it).
    #[cfg(all(test, not(target_family = "wasm")))]
    pub(crate) fn take(&mut self) -> Vec<String> {
        core::mem::take(&mut self.events)
    }
}

/// How many of `events` (oldest first) fit in the next batch, given an envelope of `overhead`
/// bytes: at most [`limits::MAX_EVENTS_PER_BATCH`], and as many as keep the body within
/// [`limits::MAX_UNLOAD_BODY_BYTES`] — but at least one, so that an oversized event still leaves
/// (on its own) instead of blocking the queue.
pub(crate) fn next_batch_len(events: &[String], overhead: usize) -> usize {
    let mut size = overhead;
    let mut count = 0;
    for event in events.iter().take(limits::MAX_EVENTS_PER_BATCH) {
        // Every event after the first also needs a comma.
        size += event.len() + usize::from(count > 0);
        if count > 0 && size > limits::MAX_UNLOAD_BODY_BYTES {
            break;
        }
        count += 1;
    }
    count
}

/// `envelope` (the JSON of an `EventBatch` with no events) with `events` spliced into its
/// `"events":[]`. Relies on `events` being the batch's last field, so that the JSON ends in `]}`
/// (a unit test pins this against the schema); `None` otherwise.
pub(crate) fn splice(envelope: &str, events: &[String]) -> Option<String> {
    let head = envelope.strip_suffix("]}")?;
    let mut body = String::from(head);
    for (i, event) in events.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(event);
    }
    body.push_str("]}");
    Some(body)
}

/// Turns queued `events` into `POST /track/events/batch` requests for the session `session_id`
/// started at `started_at`, appended to `out`: each body an `EventBatch` with a fresh batch id and
/// `sent_at = now`, within the count and size limits. Pushed where they go (the outbox, or the
/// requests adopted from a page that is gone) instead of collected into a `Vec` of bodies first.
pub(crate) fn push_batches(
    session_id: SessionId,
    started_at: UnixMillis,
    events: &[String],
    now: UnixMillis,
    out: &mut Vec<Request>,
) {
    let mut rest = events;
    while !rest.is_empty() {
        let Some(batch_id) = ids::batch_id() else { break };
        let envelope = wire::batch_envelope(batch_id, session_id, started_at, now);
        // The body is the envelope's length plus the events and the commas between them.
        let count = next_batch_len(rest, envelope.len());
        let (batch, later) = rest.split_at_checked(count).unwrap_or((rest, &[]));
        if let Some(body) = splice(&envelope, batch) {
            out.push(Request::new(EVENTS_BATCH_PATH, body));
        }
        rest = later;
    }
}

/// The bodies [`push_batches`] makes, for the browser tests.
#[cfg(all(test, target_family = "wasm"))]
pub(crate) fn encode_batches(
    session_id: SessionId,
    started_at: UnixMillis,
    events: &[String],
    now: UnixMillis,
) -> Vec<String> {
    let mut out = Vec::new();
    push_batches(session_id, started_at, events, now, &mut out);
    out.into_iter().map(|request| request.body).collect()
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use alloc::vec::Vec;

    use pulsegate_schema::{BatchId, Event, EventBatch, Pageview};

    use super::*;

    fn pageview(ts: UnixMillis, url_len: usize) -> String {
        let url = format!("https://a.example/{}", "p".repeat(url_len));
        wire::event(&Event::Pageview(Pageview { ts, url, ..Pageview::default() }), "", "{}")
    }

    #[test]
    fn push_arms_the_timer_once_then_flushes_at_the_threshold() {
        let mut q = Queue::default();
        assert_eq!(q.push(pageview(1, 0), 50), AfterPush::ArmTimer);
        for ts in 2..50 {
            assert_eq!(q.push(pageview(ts, 0), 50), AfterPush::Wait);
        }
        assert_eq!(q.push(pageview(99, 0), 50), AfterPush::FlushNow);
        assert_eq!(q.take().len(), 50);
        assert!(q.events.is_empty());
        assert_eq!(q.push(pageview(100, 0), 50), AfterPush::ArmTimer);
        // A threshold of one flushes every event.
        assert_eq!(q.push(pageview(101, 0), 1), AfterPush::FlushNow);
    }

    #[test]
    fn batches_stop_at_the_event_limit() {
        let events: Vec<String> = (0..450).map(|ts| pageview(ts, 0)).collect();
        assert_eq!(next_batch_len(&events, 200), limits::MAX_EVENTS_PER_BATCH);
        assert_eq!(next_batch_len(&events[400..], 200), 50);
        assert_eq!(next_batch_len(&[], 200), 0);
    }

    #[test]
    fn batches_stop_at_the_unload_size() {
        // About 1 KB each: 60 KB of body holds 58 of them after a 200-byte envelope.
        let events: Vec<String> = (0..100).map(|ts| pageview(ts, 1000)).collect();
        let n = next_batch_len(&events, 200);
        let size = |n: usize| 200 + events[..n].iter().map(String::len).sum::<usize>() + n - 1;
        assert!(size(n) <= limits::MAX_UNLOAD_BODY_BYTES);
        assert!(size(n + 1) > limits::MAX_UNLOAD_BODY_BYTES);
    }

    #[test]
    fn an_oversized_event_still_leaves_alone() {
        let events = [pageview(1, limits::MAX_UNLOAD_BODY_BYTES), pageview(2, 0)];
        assert_eq!(next_batch_len(&events, 200), 1);
    }

    #[test]
    fn spliced_body_is_exactly_the_batch_serde_would_write() {
        let events: Vec<Event> = (0..3)
            .map(|ts| {
                Event::Pageview(Pageview {
                    ts,
                    url: format!("https://a.example/{ts}"),
                    referrer: Some("https://r.example/".into()),
                    title: Some("T \"q\"".into()),
                })
            })
            .collect();
        let mut batch = EventBatch {
            batch_id: BatchId::from_random_bytes([1; 16]),
            session_id: SessionId::from_random_bytes([2; 16]),
            session_started_at: 1_764_097_200_000,
            sent_at: 1_764_097_205_000,
            events: Vec::new(),
        };
        let texts: Vec<String> = events.iter().map(|e| wire::event(e, "", "{}")).collect();
        let envelope = wire::batch_envelope(
            batch.batch_id,
            batch.session_id,
            batch.session_started_at,
            batch.sent_at,
        );
        for n in 0..=3 {
            let body = splice(&envelope, &texts[..n]).unwrap();
            batch.events = events[..n].to_vec();
            assert_eq!(body, serde_json::to_string(&batch).unwrap());
            assert_eq!(
                body.len(),
                envelope.len()
                    + texts[..n].iter().map(String::len).sum::<usize>()
                    + n.saturating_sub(1)
            );
        }
    }
}
