//! Bounds on client clocks: a session may have started up to 90 days ago and at most 1 day ahead.
//!
//! `started_at` picks the R2 date prefix, so a wild client clock would scatter data across dates
//! retention never visits (or deletes at once). Outside the window the request is refused.

use pulsegate_schema::UnixMillis;

use crate::error::ApiError;
use crate::store::r2_keys::MS_PER_DAY;
use crate::store::retention::RETENTION_DAYS;

/// Oldest accepted session start, relative to the server clock (the retention period).
pub(crate) const MAX_PAST_MS: u64 = RETENTION_DAYS as u64 * MS_PER_DAY;
/// Newest accepted session start: generous for skewed clocks and time zones gone wrong.
pub(crate) const MAX_FUTURE_MS: u64 = MS_PER_DAY;

/// `ts` (client ms) must lie in `[now − 90 days, now + 1 day]`; else 400 naming `field`.
pub(crate) fn check_session_start(
    field: &str,
    ts: UnixMillis,
    now: UnixMillis,
) -> Result<(), ApiError> {
    let earliest = now.saturating_sub(MAX_PAST_MS);
    let latest = now.saturating_add(MAX_FUTURE_MS);
    if (earliest..=latest).contains(&ts) {
        Ok(())
    } else {
        Err(ApiError::InvalidField {
            field: field.to_owned(),
            message:
                "must be a time in ms since the Unix epoch between 90 days ago and 1 day from now"
                    .to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: UnixMillis = 1_764_097_200_000;

    #[test]
    fn the_window_is_inclusive() {
        for ok in [NOW, NOW - MAX_PAST_MS, NOW + MAX_FUTURE_MS, NOW - 1, NOW + 1] {
            assert_eq!(check_session_start("started_at", ok, NOW), Ok(()), "{ok}");
        }
    }

    #[test]
    fn outside_the_window_names_the_field() {
        for bad in [0, NOW - MAX_PAST_MS - 1, NOW + MAX_FUTURE_MS + 1, u64::MAX, NOW / 1000] {
            let err = check_session_start("session_started_at", bad, NOW).unwrap_err();
            assert!(
                matches!(&err, ApiError::InvalidField { field, .. } if field == "session_started_at"),
                "{bad}: {err:?}"
            );
        }
    }
}
