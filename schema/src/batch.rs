//! The batch envelope: how events travel from the SDK to `POST /track/events/batch`.

use crate::prelude::*;
use serde::{Deserialize, Serialize};

use crate::validate::{Invalid, Validate, invalid};
use crate::{BatchId, Event, SessionId, UnixMillis, limits};

/// A batch of 1 to [`limits::MAX_EVENTS_PER_BATCH`] events from one session.
///
/// ```json
/// {
///   "batch_id": "7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
///   "session_id": "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c",
///   "session_started_at": 1764097200000,
///   "sent_at": 1764097205000,
///   "events": [ { "type": "pageview", "ts": 1764097200012, "url": "https://shop.example/pricing" } ]
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventBatch {
    /// Unique per delivery attempt group: a retry reuses it, so storage stays idempotent.
    pub batch_id: BatchId,
    /// The session these events belong to.
    pub session_id: SessionId,
    /// Copied from the session start; it locates the session's R2 prefix without a database read.
    pub session_started_at: UnixMillis,
    /// When the SDK sent the batch (client clock, ms); with the server's clock it measures skew.
    pub sent_at: UnixMillis,
    /// The events, oldest first.
    pub events: Vec<Event>,
}

impl Validate for EventBatch {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        if self.events.is_empty() {
            return Err(invalid(prefix, "events", "must contain at least one event"));
        }
        if self.events.len() > limits::MAX_EVENTS_PER_BATCH {
            return Err(invalid(
                prefix,
                "events",
                format!("must contain at most {} events", limits::MAX_EVENTS_PER_BATCH),
            ));
        }
        for (i, event) in self.events.iter().enumerate() {
            let at = if prefix.is_empty() {
                format!("events[{i}]")
            } else {
                format!("{prefix}.events[{i}]")
            };
            event.validate_at(&at)?;
        }
        Ok(())
    }
}

/// `POST /track/event`: one event in the same envelope as a batch, for clients that send events
/// one at a time (server-side integrations, `curl`). The worker stores it exactly as a batch of
/// one, so the same rules, key layout and idempotency apply.
///
/// ```json
/// {
///   "batch_id": "7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
///   "session_id": "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c",
///   "session_started_at": 1764097200000,
///   "sent_at": 1764097205000,
///   "event": { "type": "custom", "ts": 1764097204000, "name": "signup", "props": { "plan": "pro" } }
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SingleEvent {
    /// Unique per event; a retry reuses it, so the event is stored (and counted) once.
    /// Example: `"7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"`.
    pub batch_id: BatchId,
    /// The session the event belongs to. Example: `"0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c"`.
    pub session_id: SessionId,
    /// Copied from the session start, as in [`EventBatch::session_started_at`].
    /// Example: `1764097200000`.
    pub session_started_at: UnixMillis,
    /// When the client sent it (client clock, ms). Example: `1764097205000`.
    pub sent_at: UnixMillis,
    /// The event.
    pub event: Event,
}

impl SingleEvent {
    /// The batch of one this event is stored as.
    pub fn into_batch(self) -> EventBatch {
        EventBatch {
            batch_id: self.batch_id,
            session_id: self.session_id,
            session_started_at: self.session_started_at,
            sent_at: self.sent_at,
            events: vec![self.event],
        }
    }
}

impl Validate for SingleEvent {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        let at = if prefix.is_empty() { "event".to_owned() } else { format!("{prefix}.event") };
        self.event.validate_at(&at)
    }
}
