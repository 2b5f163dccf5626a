//! The upload envelope: how a page's recording travels to `POST /track/replay`.

use crate::prelude::*;

use serde::{Deserialize, Serialize};

use super::event::{ReplayEvent, ReplayEventData};
use crate::validate::{Invalid, Validate, invalid};
use crate::{BatchId, SessionId, UnixMillis, limits};

/// Up to [`limits::MAX_REPLAY_EVENTS_PER_BATCH`] recorded events of one session, oldest first.
///
/// The body of `POST /track/replay`, gzip-compressed by the browser where it has
/// `CompressionStream` (the worker recognises gzip by its magic bytes), plain JSON otherwise.
///
/// ```json
/// {
///   "batch_id": "7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
///   "session_id": "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c",
///   "session_started_at": 1764097200000,
///   "events": [ { "type": 3, "timestamp": 1764097201000, "data": { "source": 3, "id": 1, "x": 0, "y": 400 } } ]
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplayBatch {
    /// Unique per batch; a retry reuses it, so the stored object is overwritten, not duplicated.
    pub batch_id: BatchId,
    /// The session recorded.
    pub session_id: SessionId,
    /// Copied from the session start; it locates the session's R2 prefix without a database read.
    pub session_started_at: UnixMillis,
    /// rrweb events (see [`ReplayEvent`]).
    pub events: Vec<ReplayEvent>,
}

impl ReplayBatch {
    /// Earliest and latest event timestamps (`None` for no events).
    pub fn time_range(&self) -> Option<(UnixMillis, UnixMillis)> {
        let first = self.events.iter().map(|e| e.timestamp).min()?;
        let last = self.events.iter().map(|e| e.timestamp).max()?;
        Some((first, last))
    }

    /// Whether the batch starts a recording of a page (it holds a Meta event).
    pub fn starts_recording(&self) -> bool {
        self.events.iter().any(|e| matches!(e.data, ReplayEventData::Meta(_)))
    }
}

impl Validate for ReplayBatch {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        if self.events.is_empty() {
            return Err(invalid(prefix, "events", "must contain at least one event"));
        }
        if self.events.len() > limits::MAX_REPLAY_EVENTS_PER_BATCH {
            return Err(invalid(
                prefix,
                "events",
                format!("must contain at most {} events", limits::MAX_REPLAY_EVENTS_PER_BATCH),
            ));
        }
        for (i, event) in self.events.iter().enumerate() {
            if event.timestamp == 0 {
                return Err(invalid(prefix, &format!("events[{i}].timestamp"), "must not be 0"));
            }
        }
        Ok(())
    }
}
