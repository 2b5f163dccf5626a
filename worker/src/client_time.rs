//! Bounds on client clocks. A session may have started at most the events retention window ago
//! (90 days by default) and at most 1 day ahead; an event may be at most 1 hour before its
//! session's start and at most 1 day ahead of the server.
//!
//! `started_at` picks the R2 date prefix, so a wild client clock would scatter data across dates
//! retention never visits (or deletes at once); event times name batch keys and drive durations.
//! Outside the window the request is refused with the field named.

use pulsegate_schema::{EventBatch, UnixMillis};

use crate::error::ApiError;
use crate::store::r2_keys::MS_PER_DAY;

/// Newest accepted client time: generous for skewed clocks and time zones gone wrong.
pub(crate) const MAX_FUTURE_MS: u64 = MS_PER_DAY;
/// How long before its session's start an event may be (a clock corrected while the tab ran).
pub(crate) const MAX_EVENT_BEFORE_START_MS: u64 = 3_600_000;

/// `ts` (client ms) must lie in `[now − retention_days, now + 1 day]`; else 400 naming `field`.
pub(crate) fn check_session_start(
    field: &str,
    ts: UnixMillis,
    now: UnixMillis,
    retention_days: u32,
) -> Result<(), ApiError> {
    let earliest = now.saturating_sub(u64::from(retention_days) * MS_PER_DAY);
    let latest = now.saturating_add(MAX_FUTURE_MS);
    if (earliest..=latest).contains(&ts) {
        Ok(())
    } else {
        Err(ApiError::InvalidField {
            field: field.to_owned(),
            message: format!(
                "must be a time in ms since the Unix epoch between {retention_days} days ago and 1 day from now"
            ),
        })
    }
}

/// `ts` must not be more than a day ahead of the server.
pub(crate) fn check_not_future(
    field: &str,
    ts: UnixMillis,
    now: UnixMillis,
) -> Result<(), ApiError> {
    if ts <= now.saturating_add(MAX_FUTURE_MS) {
        Ok(())
    } else {
        Err(ApiError::InvalidField {
            field: field.to_owned(),
            message: "must not be more than 1 day in the future".to_owned(),
        })
    }
}

/// Every event time and `sent_at` lie in `[session_started_at − 1 h, now + 1 day]`. `single`
/// names fields as `POST /track/event` spells them (`event.ts`).
pub(crate) fn check_events(
    batch: &EventBatch,
    now: UnixMillis,
    single: bool,
) -> Result<(), ApiError> {
    let earliest = batch.session_started_at.saturating_sub(MAX_EVENT_BEFORE_START_MS);
    let latest = now.saturating_add(MAX_FUTURE_MS);
    let window = earliest..=latest;
    let out_of_window = |field: String| ApiError::InvalidField {
        field,
        message: "must be a time in ms between 1 hour before session_started_at and 1 day from now"
            .to_owned(),
    };
    if !window.contains(&batch.sent_at) {
        return Err(out_of_window("sent_at".to_owned()));
    }
    for (i, event) in batch.events.iter().enumerate() {
        if !window.contains(&event.ts()) {
            let field = if single { "event.ts".to_owned() } else { format!("events[{i}].ts") };
            return Err(out_of_window(field));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use pulsegate_schema::{BatchId, Event, Scroll, SessionId};

    use super::*;

    const NOW: UnixMillis = 1_764_097_200_000;
    const PAST: u64 = 90 * MS_PER_DAY;

    #[test]
    fn the_window_is_inclusive() {
        for ok in [NOW, NOW - PAST, NOW + MAX_FUTURE_MS, NOW - 1, NOW + 1] {
            assert_eq!(check_session_start("started_at", ok, NOW, 90), Ok(()), "{ok}");
        }
        assert!(check_session_start("started_at", NOW - 31 * MS_PER_DAY, NOW, 30).is_err());
    }

    #[test]
    fn outside_the_window_names_the_field() {
        for bad in [0, NOW - PAST - 1, NOW + MAX_FUTURE_MS + 1, u64::MAX, NOW / 1000] {
            let err = check_session_start("session_started_at", bad, NOW, 90).unwrap_err();
            assert!(
                matches!(&err, ApiError::InvalidField { field, .. } if field == "session_started_at"),
                "{bad}: {err:?}"
            );
        }
        assert!(check_not_future("ended_at", NOW + MAX_FUTURE_MS, NOW).is_ok());
        assert!(check_not_future("ended_at", NOW + MAX_FUTURE_MS + 1, NOW).is_err());
    }

    fn batch(started: u64, sent: u64, ts: &[u64]) -> EventBatch {
        EventBatch {
            batch_id: BatchId::from_random_bytes([1; 16]),
            session_id: SessionId::from_random_bytes([2; 16]),
            session_started_at: started,
            sent_at: sent,
            events: ts.iter().map(|&ts| Event::Scroll(Scroll { ts, percent: 1 })).collect(),
        }
    }

    fn field(r: Result<(), ApiError>) -> String {
        match r {
            Err(ApiError::InvalidField { field, .. }) => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn event_times_are_bounded() {
        let start = NOW - 60_000;
        assert_eq!(
            check_events(&batch(start, NOW, &[start, NOW, start - 3_600_000]), NOW, false),
            Ok(())
        );
        assert_eq!(
            field(check_events(&batch(start, NOW, &[start, start - 3_600_001]), NOW, false)),
            "events[1].ts"
        );
        assert_eq!(
            field(check_events(&batch(start, NOW, &[NOW + MS_PER_DAY + 1]), NOW, true)),
            "event.ts"
        );
        assert_eq!(field(check_events(&batch(start, 5, &[start]), NOW, false)), "sent_at");
    }
}
