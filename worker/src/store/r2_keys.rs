//! The R2 key layout (`sessions/YYYY/MM/DD/{session_id}/…`) and the UTC calendar math it needs.
//!
//! ```text
//! sessions/
//!   YYYY/MM/DD/                  UTC date of the session's started_at
//!     {session_id}/
//!       meta.json                written once by /track/session/start
//!       events/
//!         {min_ts:013}-{batch_id}.json              one per tracker batch (or single event); a
//!                                                   retry overwrites the same key
//!         {min_ts:013}-{batch_id}.replay.json.gz    one per replay batch (gzip JSON), likewise
//!         {ts:013}-{submission_id}.lead.json        one per lead captured in the session
//! ```
//!
//! Both kinds live under `events/` as the spec lays out ("Replay lists keys under the session
//! prefix and merges chronologically"). Everything under a session's `events/` that is not
//! exactly `{13 digits}-{uuid}.json` is not a tracker batch: [`parse_batch_key`] says so, and
//! session aggregates skip it; [`parse_event_key`] tells both kinds apart for the replay API.

use core::fmt;

use pulsegate_schema::{BatchId, SessionId, UnixMillis};
use uuid::Uuid;

/// Every session object lives under this prefix.
pub(crate) const SESSIONS_ROOT: &str = "sessions/";

/// Earlier SDK chunks live under this prefix (`sdk/pulsegate-<hash>.wasm`), so a loader cached
/// before a deploy still finds the chunks it names (see `routes/sdk_assets.rs`).
pub(crate) const SDK_ARCHIVE_ROOT: &str = "sdk/";

/// The archive key of the SDK chunk served at `/sdk/{file}`.
pub(crate) fn sdk_archive_key(file: &str) -> String {
    format!("{SDK_ARCHIVE_ROOT}{file}")
}

/// Milliseconds in a UTC day.
pub(crate) const MS_PER_DAY: u64 = 86_400_000;

/// A day of the proleptic Gregorian calendar, in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct UtcDate {
    pub(crate) year: i32,
    pub(crate) month: u32,
    pub(crate) day: u32,
}

impl UtcDate {
    /// The UTC date of a Unix timestamp in milliseconds.
    pub(crate) fn from_unix_ms(ms: UnixMillis) -> Self {
        Self::from_days((ms / MS_PER_DAY) as i64)
    }

    /// The date `days` days after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    pub(crate) fn from_days(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097); // [0, 146096]
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
        let mp = (5 * doy + 2) / 153; // [0, 11], March-based
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Self { year, month, day }
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`); inverse of [`Self::from_days`].
    pub(crate) fn to_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400); // [0, 399]
        let m = i64::from(self.month);
        let mp = if m > 2 { m - 3 } else { m + 9 }; // [0, 11]
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1; // [0, 365]
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
        era * 146_097 + doe - 719_468
    }

    /// A checked date: `None` for month 13 or February 30th.
    pub(crate) fn new(year: i32, month: u32, day: u32) -> Option<Self> {
        let date = Self { year, month, day };
        let valid =
            (1..=12).contains(&month) && day >= 1 && Self::from_days(date.to_days()) == date;
        valid.then_some(date)
    }
}

impl fmt::Display for UtcDate {
    /// `2025/11/25`, the form used inside keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}/{:02}/{:02}", self.year, self.month, self.day)
    }
}

/// `sessions/2025/11/25/`: everything stored for sessions that started that UTC day.
pub(crate) fn day_prefix(date: UtcDate) -> String {
    format!("{SESSIONS_ROOT}{date}/")
}

/// `sessions/2025/11/25/{session_id}/`: the session's folder, also stored in `sessions.r2_prefix`.
pub(crate) fn session_prefix(started_at: UnixMillis, session: SessionId) -> String {
    format!("{}{session}/", day_prefix(UtcDate::from_unix_ms(started_at)))
}

/// `sessions/2025/11/25/{session_id}/meta.json`.
pub(crate) fn meta_key(started_at: UnixMillis, session: SessionId) -> String {
    format!("{}meta.json", session_prefix(started_at, session))
}

/// `sessions/2025/11/25/{session_id}/events/1764097200012-{batch_id}.json`: keys sort by the
/// batch's first event, and a retried batch (same `batch_id`) lands on the same key.
pub(crate) fn batch_key(
    started_at: UnixMillis,
    session: SessionId,
    first_event_ts: UnixMillis,
    batch: BatchId,
) -> String {
    format!("{}events/{first_event_ts:013}-{batch}.json", session_prefix(started_at, session))
}

/// `{session_prefix}events/`: every batch of the session, tracker and replay.
pub(crate) fn events_prefix(session_prefix: &str) -> String {
    format!("{session_prefix}events/")
}

/// Suffix of replay batch objects (gzip-compressed rrweb events).
pub(crate) const REPLAY_SUFFIX: &str = ".replay.json.gz";

/// `sessions/2025/11/25/{session_id}/events/1764097200012-{batch_id}.replay.json.gz`: a replay
/// batch, sorting with the tracker's batches by its first event.
pub(crate) fn replay_batch_key(
    started_at: UnixMillis,
    session: SessionId,
    first_event_ts: UnixMillis,
    batch: BatchId,
) -> String {
    let events = events_prefix(&session_prefix(started_at, session));
    format!("{events}{first_event_ts:013}-{batch}{REPLAY_SUFFIX}")
}

/// Suffix of lead marker objects ([`pulsegate_schema::replay::LeadMarker`], JSON).
pub(crate) const LEAD_SUFFIX: &str = ".lead.json";

/// `{session_prefix}events/1764097260000-sub_….lead.json`: the marker of a lead captured in the
/// session (written by `/lead.capture`), so the recording shows when the visitor became a lead.
pub(crate) fn lead_marker_key(session_prefix: &str, ts: UnixMillis, submission_id: &str) -> String {
    format!("{}{ts:013}-{submission_id}{LEAD_SUFFIX}", events_prefix(session_prefix))
}

/// What an object under `events/` holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EventObjectKind {
    /// A tracker [`pulsegate_schema::EventBatch`] (JSON).
    Tracker,
    /// A [`pulsegate_schema::ReplayBatch`] (gzip JSON).
    Replay,
    /// A [`pulsegate_schema::replay::LeadMarker`] (JSON).
    Lead,
}

/// The first event time and kind of an event object key (`…/events/{ts:013}-{id}.json` or
/// `….replay.json.gz`); `None` for anything else.
pub(crate) fn parse_event_key(key: &str) -> Option<(UnixMillis, EventObjectKind)> {
    let name = key.rsplit_once("/events/")?.1;
    let (kind, stem) = if let Some(stem) = name.strip_suffix(REPLAY_SUFFIX) {
        (EventObjectKind::Replay, stem)
    } else if let Some(stem) = name.strip_suffix(LEAD_SUFFIX) {
        (EventObjectKind::Lead, stem)
    } else {
        (EventObjectKind::Tracker, name.strip_suffix(".json")?)
    };
    let (ts, id) = stem.split_once('-')?;
    if ts.len() != 13
        || !ts.bytes().all(|b| b.is_ascii_digit())
        || id.len() != 36
        || id.contains('/')
    {
        return None;
    }
    Some((ts.parse().ok()?, kind))
}

/// `{session_prefix}meta.json`, for a prefix read from D1 (the first start's).
pub(crate) fn meta_key_in(session_prefix: &str) -> String {
    format!("{session_prefix}meta.json")
}

/// The first event time and batch id of a tracker batch key, or `None` for any other object.
pub(crate) fn parse_batch_key(key: &str) -> Option<(UnixMillis, BatchId)> {
    let name = key.rsplit_once("/events/")?.1.strip_suffix(".json")?;
    let (ts, id) = name.split_once('-')?;
    if ts.len() != 13 || !ts.bytes().all(|b| b.is_ascii_digit()) || id.len() != 36 {
        return None;
    }
    let uuid = Uuid::try_parse(id).ok()?;
    // Only the canonical lower-case hyphenated form is a key this worker wrote.
    if uuid.hyphenated().to_string() != id {
        return None;
    }
    Some((ts.parse().ok()?, BatchId(uuid)))
}

/// The UTC date in a key under `sessions/YYYY/MM/DD/`, if it has one.
pub(crate) fn date_of_key(key: &str) -> Option<UtcDate> {
    let rest = key.strip_prefix(SESSIONS_ROOT)?;
    let day = rest.get(..11)?;
    parse_day_prefix(&format!("{SESSIONS_ROOT}{day}"))
}

/// The date of a day prefix as listed from R2 (`sessions/2025/11/25/`), if it is one.
pub(crate) fn parse_day_prefix(prefix: &str) -> Option<UtcDate> {
    let mut parts = prefix.strip_prefix(SESSIONS_ROOT)?.strip_suffix('/')?.split('/');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    UtcDate::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(byte: u8) -> SessionId {
        SessionId::from_random_bytes([byte; 16])
    }

    #[test]
    fn dates_of_known_timestamps() {
        assert_eq!(UtcDate::from_unix_ms(0), UtcDate { year: 1970, month: 1, day: 1 });
        // 2025-11-25T19:00:00Z
        assert_eq!(
            UtcDate::from_unix_ms(1_764_097_200_000),
            UtcDate { year: 2025, month: 11, day: 25 }
        );
        // The last and first millisecond around midnight.
        assert_eq!(UtcDate::from_unix_ms(1_764_115_199_999).day, 25);
        assert_eq!(UtcDate::from_unix_ms(1_764_115_200_000).day, 26);
        // Leap days: 2000 is a leap year, 2100 is not.
        assert_eq!(
            UtcDate::from_unix_ms(951_782_400_000),
            UtcDate { year: 2000, month: 2, day: 29 }
        );
        assert_eq!(
            UtcDate::from_unix_ms(4_107_542_400_000),
            UtcDate { year: 2100, month: 3, day: 1 }
        );
        assert_eq!(UtcDate::from_days(-1), UtcDate { year: 1969, month: 12, day: 31 });
    }

    #[test]
    fn days_round_trip_over_centuries() {
        for days in (-800_000..800_000).step_by(97) {
            assert_eq!(UtcDate::from_days(days).to_days(), days);
        }
        let mut prev = UtcDate::from_days(10_000);
        for days in 10_001..11_000 {
            let next = UtcDate::from_days(days);
            assert!(next > prev, "{prev} then {next}");
            prev = next;
        }
    }

    #[test]
    fn checked_dates() {
        assert!(UtcDate::new(2024, 2, 29).is_some());
        assert!(UtcDate::new(2025, 2, 29).is_none());
        assert!(UtcDate::new(2025, 13, 1).is_none());
        assert!(UtcDate::new(2025, 4, 31).is_none());
        assert!(UtcDate::new(2025, 1, 0).is_none());
    }

    #[test]
    fn keys_follow_the_spec_layout() {
        let started = 1_764_097_200_000;
        let session = id(0xAB);
        let batch = BatchId::from_random_bytes([0xCD; 16]);
        assert_eq!(
            session_prefix(started, session),
            "sessions/2025/11/25/abababab-abab-4bab-abab-abababababab/"
        );
        assert_eq!(
            meta_key(started, session),
            "sessions/2025/11/25/abababab-abab-4bab-abab-abababababab/meta.json"
        );
        assert_eq!(
            batch_key(started, session, 1_764_097_200_012, batch),
            "sessions/2025/11/25/abababab-abab-4bab-abab-abababababab/events/1764097200012-cdcdcdcd-cdcd-4dcd-8dcd-cdcdcdcdcdcd.json"
        );
        // Small timestamps are zero-padded so keys still sort by time.
        assert!(batch_key(started, session, 42, batch).contains("/events/0000000000042-"));
    }

    #[test]
    fn replay_batches_sit_beside_tracker_batches() {
        let started = 1_764_097_200_000;
        let session = id(0xAB);
        let batch = BatchId::from_random_bytes([0xCD; 16]);
        let replay = replay_batch_key(started, session, 1_764_097_200_013, batch);
        assert_eq!(
            replay,
            "sessions/2025/11/25/abababab-abab-4bab-abab-abababababab/events/1764097200013-cdcdcdcd-cdcd-4dcd-8dcd-cdcdcdcdcdcd.replay.json.gz"
        );
        let tracker = batch_key(started, session, 1_764_097_200_012, batch);
        assert!(replay.starts_with(&events_prefix(&session_prefix(started, session))));
        assert!(tracker < replay, "keys sort by first event time");
        assert_eq!(parse_event_key(&replay), Some((1_764_097_200_013, EventObjectKind::Replay)));
        assert_eq!(parse_event_key(&tracker), Some((1_764_097_200_012, EventObjectKind::Tracker)));
        let lead = lead_marker_key(
            &session_prefix(started, session),
            1_764_097_200_014,
            "sub_0a1b2c3d4e5f60718293a4b5c6d7e8f9",
        );
        assert!(lead.starts_with(&events_prefix(&session_prefix(started, session))));
        assert_eq!(parse_event_key(&lead), Some((1_764_097_200_014, EventObjectKind::Lead)));
        assert_eq!(parse_batch_key(&lead), None, "aggregates skip lead markers");
        for bad in [
            "sessions/2025/11/25/x/meta.json",
            "sessions/2025/11/25/x/events/123-abc.json",
            "sessions/2025/11/25/x/events/1764097200013-cdcdcdcd-cdcd-4dcd-8dcd-cdcdcdcdcdcd.txt",
        ] {
            assert_eq!(parse_event_key(bad), None, "{bad}");
        }
    }

    #[test]
    fn batch_keys_parse_back_and_nothing_else_does() {
        let started = 1_764_097_200_000;
        let batch = BatchId::from_random_bytes([0xCD; 16]);
        let key = batch_key(started, id(0xAB), 1_764_097_200_012, batch);
        assert_eq!(parse_batch_key(&key), Some((1_764_097_200_012, batch)));
        assert!(key.starts_with(&events_prefix(&session_prefix(started, id(0xAB)))));
        assert_eq!(meta_key_in(&session_prefix(started, id(0xAB))), meta_key(started, id(0xAB)));
        let prefix = session_prefix(started, id(0xAB));
        for other in [
            format!("{prefix}meta.json"),
            format!("{prefix}events/1764097200012-replay.json"),
            format!("{prefix}events/1764097200012-{batch}.rrweb.json"),
            format!("{prefix}events/176409720001-{batch}.json"),
            format!("{prefix}events/1764097200012-{}.json", batch.to_string().to_uppercase()),
            format!("{prefix}events/x764097200012-{batch}.json"),
        ] {
            assert_eq!(parse_batch_key(&other), None, "{other}");
        }
    }

    #[test]
    fn keys_know_their_date() {
        assert_eq!(date_of_key("sessions/2025/08/07/abc/meta.json"), UtcDate::new(2025, 8, 7));
        assert_eq!(date_of_key("sessions/2025/08/07/"), UtcDate::new(2025, 8, 7));
        assert_eq!(date_of_key("sessions/2025/08/"), None);
        assert_eq!(date_of_key("sessions/junk"), None);
        assert_eq!(date_of_key("other/2025/08/07/x"), None);
    }

    #[test]
    fn listed_prefixes_parse_back() {
        assert_eq!(parse_day_prefix("sessions/2025/08/07/"), UtcDate::new(2025, 8, 7));
        assert_eq!(
            parse_day_prefix(&day_prefix(UtcDate { year: 2024, month: 2, day: 29 })),
            UtcDate::new(2024, 2, 29)
        );
        for bad in [
            "sessions/2025/08/",
            "sessions/2025/8/07/",
            "sessions/2025/02/30/",
            "other/2025/08/07/",
            "sessions/2025/08/07",
            "sessions/2025/08/07/x/",
        ] {
            assert_eq!(parse_day_prefix(bad), None, "{bad}");
        }
    }
}
