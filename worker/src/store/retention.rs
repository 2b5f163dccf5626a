//! Retention sweeps, each bounded: R2 session data by the date in its key, D1 tables by a time
//! column. A sweep does at most the work it is given and says where it stopped, so a backlog of
//! any size drains over successive cron runs (`jobs/retention.rs` keeps the cursors).

use pulsegate_schema::UnixMillis;
use worker::Bucket;

use super::d1::{self, Db, Kind, num};
use super::r2_keys::{self, MS_PER_DAY, SESSIONS_ROOT, UtcDate};
use crate::error::ApiError;

/// R2 lists and `delete_multiple` handle at most this many keys per call.
pub(crate) const PAGE: u32 = 1000;
/// Rows one D1 delete statement removes at most.
pub(crate) const D1_ROWS_PER_STATEMENT: u32 = 1000;

/// The first day that is kept: every day strictly before it is deleted.
pub(crate) fn cutoff(now: UnixMillis, retention_days: u32) -> UtcDate {
    UtcDate::from_days(UtcDate::from_unix_ms(now).to_days() - i64::from(retention_days))
}

/// The first kept day's first millisecond: rows timed before it are expired.
pub(crate) fn cutoff_ms(now: UnixMillis, retention_days: u32) -> UnixMillis {
    u64::try_from(cutoff(now, retention_days).to_days()).unwrap_or(0) * MS_PER_DAY
}

/// What one bounded sweep did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Progress {
    /// Objects or rows deleted.
    pub(crate) deleted: u64,
    /// List pages (R2) or statements (D1) used.
    pub(crate) calls: u32,
    /// Nothing expired is left.
    pub(crate) done: bool,
    /// R2: the last key handled, where the next sweep starts (None once done).
    pub(crate) cursor: Option<String>,
}

/// Deletes R2 objects under `sessions/` whose key date is before `cut`, in key order (which is
/// date order), starting after `start_after`, using at most `max_pages` list pages (each followed
/// by one `delete_multiple` of up to 1,000 keys). Keys without a date are skipped, not deleted.
pub(crate) async fn sweep_r2(
    bucket: &Bucket,
    cut: UtcDate,
    start_after: Option<String>,
    max_pages: u32,
) -> (Progress, Result<(), ApiError>) {
    let mut progress = Progress { cursor: start_after, ..Progress::default() };
    while progress.calls < max_pages {
        let mut list = bucket.list().prefix(SESSIONS_ROOT).limit(PAGE);
        if let Some(after) = &progress.cursor {
            list = list.start_after(after.clone());
        }
        progress.calls += 1;
        let page = match list.execute().await {
            Ok(page) => page,
            Err(e) => return (progress, Err(ApiError::storage("r2 list for retention", e))),
        };
        let keys: Vec<String> = page.objects().iter().map(worker::Object::key).collect();
        let (expired, handled, reached_kept) = expired_prefix(&keys, cut);
        if !expired.is_empty() {
            if let Err(e) = bucket.delete_multiple(expired.clone()).await {
                return (progress, Err(ApiError::storage("r2 delete for retention", e)));
            }
            progress.deleted += expired.len() as u64;
        }
        if let Some(last) = handled {
            progress.cursor = Some(last);
        }
        if reached_kept || !page.truncated() {
            progress.done = true;
            progress.cursor = None;
            break;
        }
    }
    (progress, Ok(()))
}

/// Of listed `keys` (in order): the expired ones, the last key handled (expired or undated),
/// and whether a kept key was reached (everything after it is newer).
pub(crate) fn expired_prefix(keys: &[String], cut: UtcDate) -> (Vec<String>, Option<String>, bool) {
    let mut expired = Vec::new();
    let mut handled = None;
    for key in keys {
        match r2_keys::date_of_key(key) {
            Some(date) if date < cut => expired.push(key.clone()),
            Some(_) => return (expired, handled, true),
            None => {}
        }
        handled = Some(key.clone());
    }
    (expired, handled, false)
}

/// A D1 table swept by a time column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Table {
    pub(crate) name: &'static str,
    pub(crate) time_column: &'static str,
    /// How a bounded delete names its rows: `rowid`, or the primary-key columns of a WITHOUT
    /// ROWID table (`key, window_start`).
    pub(crate) key: &'static str,
}

/// Deletes rows of `table` timed before `before`, at most [`D1_ROWS_PER_STATEMENT`] per
/// statement and at most `max_statements` statements.
pub(crate) async fn sweep_d1(
    db: &Db,
    table: Table,
    before: UnixMillis,
    max_statements: u32,
) -> (Progress, Result<(), ApiError>) {
    let Table { name, time_column, key } = table;
    let sql = format!(
        "DELETE FROM {name} WHERE ({key}) IN (SELECT {key} FROM {name} WHERE {time_column} < ?1 LIMIT ?2)"
    );
    let mut progress = Progress::default();
    while progress.calls < max_statements {
        progress.calls += 1;
        let stmt = match db.statement(
            Kind::Write,
            &sql,
            &[num(before), num(u64::from(D1_ROWS_PER_STATEMENT))],
        ) {
            Ok(stmt) => stmt,
            Err(e) => return (progress, Err(e)),
        };
        match db.run("d1 delete for retention", stmt).await {
            Ok(result) => {
                let n = d1::changes(&result);
                progress.deleted += n as u64;
                if n < D1_ROWS_PER_STATEMENT as usize {
                    progress.done = true;
                    break;
                }
            }
            Err(e) => return (progress, Err(e)),
        }
    }
    (progress, Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2025-11-25T19:00:00Z.
    const NOW: UnixMillis = 1_764_097_200_000;

    fn date(y: i32, m: u32, d: u32) -> UtcDate {
        UtcDate::new(y, m, d).unwrap()
    }

    #[test]
    fn the_cutoff_is_ninety_days_before_today() {
        assert_eq!(cutoff(NOW, 90), date(2025, 8, 27));
        assert_eq!(cutoff(NOW, 0), date(2025, 11, 25));
        assert_eq!(cutoff_ms(NOW, 0), 1_764_028_800_000, "2025-11-25T00:00:00Z");
        assert_eq!(cutoff_ms(NOW, 1), 1_764_028_800_000 - MS_PER_DAY);
    }

    /// With 90 days on 2025-11-25, 2025-08-26 is expired and 2025-08-27 is kept.
    fn is_expired(date: UtcDate, now: UnixMillis, retention_days: u32) -> bool {
        date < cutoff(now, retention_days)
    }

    #[test]
    fn only_days_strictly_before_the_cutoff_expire() {
        assert!(is_expired(date(2025, 8, 26), NOW, 90));
        assert!(!is_expired(date(2025, 8, 27), NOW, 90));
        assert!(!is_expired(date(2025, 11, 25), NOW, 90));
        assert!(is_expired(date(2024, 12, 31), NOW, 90));
        assert!(!is_expired(date(2026, 1, 1), NOW, 90));
        assert!(!is_expired(date(2025, 11, 25), NOW, 0));
        assert!(is_expired(date(2025, 11, 24), NOW, 0));
    }

    #[test]
    fn expiry_does_not_depend_on_the_hour() {
        let midnight = NOW - 19 * 3_600_000;
        let last_ms = midnight + 86_400_000 - 1;
        for now in [midnight, NOW, last_ms] {
            assert_eq!(cutoff(now, 90), date(2025, 8, 27));
        }
    }

    #[test]
    fn a_listed_page_splits_at_the_first_kept_key() {
        let keys: Vec<String> = [
            "sessions/2025/08/01/a/meta.json",
            "sessions/2025/08/01/a/events/x.json",
            "sessions/2025/08/1x/junk",
            "sessions/2025/08/26/b/meta.json",
            "sessions/2025/08/27/c/meta.json",
            "sessions/2025/08/28/d/meta.json",
        ]
        .map(str::to_owned)
        .into();
        let (expired, handled, kept) = expired_prefix(&keys, date(2025, 8, 27));
        assert_eq!(expired, keys[..2].iter().chain(&keys[3..4]).cloned().collect::<Vec<_>>());
        assert_eq!(handled.as_deref(), Some("sessions/2025/08/26/b/meta.json"));
        assert!(kept);
        let (expired, handled, kept) = expired_prefix(&keys[..3], date(2025, 8, 27));
        assert_eq!(
            (expired.len(), handled.as_deref(), kept),
            (2, Some("sessions/2025/08/1x/junk"), false)
        );
        assert_eq!(expired_prefix(&[], date(2025, 8, 27)), (Vec::new(), None, false));
    }
}
