//! Cron `0 3 * * *`: deletes R2 session data older than 90 days, one UTC day prefix at a time.
//!
//! It walks `sessions/YYYY/` → `sessions/YYYY/MM/` → `sessions/YYYY/MM/DD/` with delimiter
//! listings, skipping years and months that cannot hold an expired day, and empties every day
//! prefix strictly older than the cutoff. No object is read; nothing outside `sessions/` is touched.

use pulsegate_schema::UnixMillis;
use serde::Serialize;
use worker::Bucket;

use super::r2_keys::{self, SESSIONS_ROOT, UtcDate};

/// How long raw session data is kept.
pub(crate) const RETENTION_DAYS: u32 = 90;

/// R2 lists and `delete_multiple` handle at most this many keys per call.
const PAGE: u32 = 1000;

/// The first day that is kept: every day strictly before it is deleted.
pub(crate) fn cutoff(now: UnixMillis, retention_days: u32) -> UtcDate {
    UtcDate::from_days(UtcDate::from_unix_ms(now).to_days() - i64::from(retention_days))
}

/// Whether a day prefix's data is older than `retention_days` at `now`. With 90 days on
/// 2025-11-25, 2025-08-26 is expired and 2025-08-27 is kept.
pub(crate) fn is_expired(prefix_date: UtcDate, now: UnixMillis, retention_days: u32) -> bool {
    prefix_date < cutoff(now, retention_days)
}

/// What one run did; logged as one JSON line.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Summary {
    /// `YYYY-MM-DD` of the first kept day.
    pub(crate) cutoff: String,
    /// Day prefixes looked at (in years and months that could hold expired days).
    pub(crate) days_scanned: u32,
    /// Day prefixes that were expired and emptied.
    pub(crate) days_expired: u32,
    /// Objects deleted.
    pub(crate) objects_deleted: u64,
    /// Why the run stopped early, if it did; the next run picks up where this one stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}

/// Deletes every expired day prefix under `sessions/`. Errors stop the run and are reported in
/// the summary: what was deleted stays deleted, the rest waits for tomorrow.
pub(crate) async fn run(bucket: &Bucket, now: UnixMillis) -> Summary {
    let cut = cutoff(now, RETENTION_DAYS);
    let mut summary = Summary {
        cutoff: format!("{:04}-{:02}-{:02}", cut.year, cut.month, cut.day),
        ..Summary::default()
    };
    if let Err(err) = sweep(bucket, now, &mut summary).await {
        summary.error = Some(err.to_string());
    }
    summary
}

async fn sweep(bucket: &Bucket, now: UnixMillis, summary: &mut Summary) -> worker::Result<()> {
    for year_prefix in list_prefixes(bucket, SESSIONS_ROOT).await? {
        let Some(year) = r2_keys::parse_year_prefix(&year_prefix) else { continue };
        if !starts_expired(year, 1, now) {
            continue;
        }
        for month_prefix in list_prefixes(bucket, &year_prefix).await? {
            let Some((year, month)) = r2_keys::parse_month_prefix(&month_prefix) else { continue };
            if !starts_expired(year, month, now) {
                continue;
            }
            for day_prefix in list_prefixes(bucket, &month_prefix).await? {
                let Some(date) = r2_keys::parse_day_prefix(&day_prefix) else { continue };
                summary.days_scanned += 1;
                if is_expired(date, now, RETENTION_DAYS) {
                    summary.objects_deleted += delete_all_under(bucket, &day_prefix).await?;
                    summary.days_expired += 1;
                }
            }
        }
    }
    Ok(())
}

/// A year or month can only hold expired days if its first day is expired.
fn starts_expired(year: i32, month: u32, now: UnixMillis) -> bool {
    UtcDate::new(year, month, 1).is_some_and(|first| is_expired(first, now, RETENTION_DAYS))
}

/// The "folders" directly under `prefix` (`sessions/` → `sessions/2025/`, …), all pages.
async fn list_prefixes(bucket: &Bucket, prefix: &str) -> worker::Result<Vec<String>> {
    let mut prefixes = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut list = bucket.list().prefix(prefix).delimiter("/").limit(PAGE);
        if let Some(c) = cursor.take() {
            list = list.cursor(c);
        }
        let page = list.execute().await?;
        prefixes.extend(page.delimited_prefixes());
        match page.cursor().filter(|_| page.truncated()) {
            Some(next) => cursor = Some(next),
            None => return Ok(prefixes),
        }
    }
}

/// Deletes every object under `prefix`, one listed page (≤ 1000 keys) per `delete_multiple`.
async fn delete_all_under(bucket: &Bucket, prefix: &str) -> worker::Result<u64> {
    let mut deleted = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut list = bucket.list().prefix(prefix).limit(PAGE);
        if let Some(c) = cursor.take() {
            list = list.cursor(c);
        }
        let page = list.execute().await?;
        let keys: Vec<String> = page.objects().iter().map(worker::Object::key).collect();
        if !keys.is_empty() {
            deleted += keys.len() as u64;
            bucket.delete_multiple(keys).await?;
        }
        match page.cursor().filter(|_| page.truncated()) {
            Some(next) => cursor = Some(next),
            None => return Ok(deleted),
        }
    }
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
    }

    #[test]
    fn only_days_strictly_before_the_cutoff_expire() {
        assert!(is_expired(date(2025, 8, 26), NOW, 90));
        assert!(!is_expired(date(2025, 8, 27), NOW, 90));
        assert!(!is_expired(date(2025, 11, 25), NOW, 90));
        assert!(is_expired(date(2024, 12, 31), NOW, 90));
        assert!(!is_expired(date(2026, 1, 1), NOW, 90));
        // Retention of 0 days still keeps today.
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
    fn months_and_years_are_skipped_when_they_start_after_the_cutoff() {
        assert!(starts_expired(2025, 8, NOW)); // August holds 1–26, expired
        assert!(!starts_expired(2025, 9, NOW));
        assert!(starts_expired(2025, 1, NOW)); // the year 2025 holds expired days
        assert!(!starts_expired(2026, 1, NOW));
        assert!(!starts_expired(2025, 13, NOW));
    }
}
