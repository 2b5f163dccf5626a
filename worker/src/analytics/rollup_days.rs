//! Daily rollups (migration 0015): each whole local day of a site, in the site's zone, with its
//! exact sessions, unique visitors and pageviews, for the day series of `/analytics/timeseries`.
//! Pure: the days a cron run builds, the SQL that builds them and the series that reads them;
//! run natively against SQLite in the unit tests.
//!
//! Unique visitors do not add up over hours or days, but a day series needs them per day only.
//! A day series in the site's zone reads the rows of its whole, clean days built under the
//! report's bot threshold, and the sessions for the rest (the partial days at the ends, the days
//! not built yet, dirty days): the same answer as the sessions alone.

use pulsegate_schema::UnixMillis;
use serde::Deserialize;

use super::rollup::{self, BUILD_LAG_MS, Split};
use super::sql::{Scope, VISITORS};
use super::tz;
use crate::sql::Query;
use crate::store::r2_keys::{MS_PER_DAY, UtcDate};

/// New days one site's build covers per run (a backlog catches up 42 days an hour).
pub(crate) const DAYS_PER_RUN: usize = 7;
/// Dirty days (or days built under another bot threshold) one site rebuilds per run.
pub(crate) const DIRTY_DAYS_PER_RUN: u32 = 7;
/// Most built spans of days a series reads; a range with more reads the shorter ones raw.
pub(crate) const MAX_DAY_SPANS: usize = 8;

/// One local day: `[day_start, day_end)` in UTC ms, and its date as days since 1970-01-01 (the
/// series' bucket number).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub(crate) struct Day {
    pub(crate) day_start: UnixMillis,
    pub(crate) day_end: UnixMillis,
    pub(crate) bucket: i64,
}

/// The local day holding `t` in a zone with offsets `offset` (local minus UTC, ms).
pub(crate) fn day_of(offset: &dyn Fn(UnixMillis) -> i64, t: UnixMillis) -> Day {
    let date = UtcDate::from_unix_ms(t.saturating_add_signed(offset(t)));
    let bucket = date.to_days();
    Day {
        day_start: tz::local_midnight(offset, date),
        day_end: tz::local_midnight(offset, UtcDate::from_days(bucket + 1)),
        bucket,
    }
}

/// The new days a site's run builds: from the end of the latest built day (or the day of the
/// first session), at most [`DAYS_PER_RUN`], each ending at least [`BUILD_LAG_MS`] before `now`.
pub(crate) fn plan(
    offset: &dyn Fn(UnixMillis) -> i64,
    last_end: Option<UnixMillis>,
    first_session: Option<UnixMillis>,
    now: UnixMillis,
) -> Vec<Day> {
    let mut at = match (last_end, first_session) {
        (Some(end), _) => end,
        (None, Some(t)) => day_of(offset, t).day_start,
        (None, None) => return Vec::new(),
    };
    let until = now.saturating_sub(BUILD_LAG_MS);
    let mut days = Vec::new();
    while days.len() < DAYS_PER_RUN {
        let day = day_of(offset, at);
        if day.day_end > until || day.day_end <= at {
            break;
        }
        days.push(day);
        at = day.day_end;
    }
    days
}

/// Where a site's daily build stands in `zone`: the end of its latest built day and its first
/// session.
pub(crate) fn build_state(site: &str, zone: &str) -> Query {
    Query::new(
        "SELECT (SELECT max(day_end) FROM rollup_days WHERE site_key = ?1 AND zone = ?2) AS last_end,
                (SELECT min(started_at) FROM sessions WHERE site_key = ?1) AS first_session",
        vec![site.into(), zone.into()],
    )
}

/// A site's days in `zone` to rebuild: dirty, built under another threshold, or without current
/// dimension rows ([`super::rollup_dims`]); oldest first.
pub(crate) fn stale_days(site: &str, zone: &str, threshold: u32, limit: u32) -> Query {
    Query::new(
        "SELECT day_start, day_end, bucket FROM rollup_days
          WHERE site_key = ?1 AND zone = ?2
            AND (dirty = 1 OR threshold <> ?3 OR dims_at IS NOT built_at)
          ORDER BY day_start LIMIT ?4",
        vec![site.into(), zone.into(), threshold.into(), limit.into()],
    )
}

/// (Re)builds one day of a site from its sessions; idempotent. `threshold` is the bot-detection
/// threshold of the `human_*` columns.
pub(crate) fn rebuild(site: &str, zone: &str, day: Day, threshold: u32, now: UnixMillis) -> Query {
    rebuild_in("rollup_days", site, zone, day, "", threshold, now)
}

/// The statement both daily rollups (this one and [`super::rollup_visitor_days`]) build a row of
/// `table` with: the sessions that started in `day`'s span and meet `and_where` (SQL appended to
/// the `WHERE`, which may use `?5`, the day's bucket).
pub(crate) fn rebuild_in(
    table: &str,
    site: &str,
    zone: &str,
    day: Day,
    and_where: &str,
    threshold: u32,
    now: UnixMillis,
) -> Query {
    Query::new(
        format!(
            "INSERT INTO {table} (site_key, day_start, zone, day_end, bucket, threshold, sessions,
               visitors, pageviews, human_sessions, human_visitors, human_pageviews, built_at, dirty)
             SELECT ?1, ?3, ?2, ?4, ?5, ?6, count(*), {VISITORS}, coalesce(sum(page_views), 0),
                    coalesce(sum(suspicion_score < ?6), 0),
                    count(DISTINCT CASE WHEN suspicion_score < ?6 THEN visitor_key END)
                      + coalesce(sum(visitor_key IS NULL AND suspicion_score < ?6), 0),
                    coalesce(sum(CASE WHEN suspicion_score < ?6 THEN page_views END), 0), ?7, 0
               FROM sessions WHERE site_key = ?1 AND started_at >= ?3 AND started_at < ?4{and_where}
             ON CONFLICT (site_key, day_start, zone) DO UPDATE SET
               day_end = excluded.day_end, bucket = excluded.bucket, threshold = excluded.threshold,
               sessions = excluded.sessions, visitors = excluded.visitors,
               pageviews = excluded.pageviews, human_sessions = excluded.human_sessions,
               human_visitors = excluded.human_visitors, human_pageviews = excluded.human_pageviews,
               built_at = excluded.built_at, dirty = 0"
        ),
        vec![
            site.into(),
            zone.into(),
            day.day_start.into(),
            day.day_end.into(),
            day.bucket.into(),
            threshold.into(),
            now.into(),
        ],
    )
}

/// The clean days of `s`'s range built in `zone` (under `s`'s bot threshold when bots are left
/// out), oldest first.
pub(crate) fn built_days(s: &Scope, zone: &str) -> Query {
    built_days_in("rollup_days", s, zone)
}

/// The clean rows of `table` (a daily rollup) in `zone` whose span lies in `s`'s range (under
/// `s`'s bot threshold when bots are left out), oldest first.
pub(crate) fn built_days_in(table: &str, s: &Scope, zone: &str) -> Query {
    let mut q = Query::new("", vec![]);
    let site = q.bind(s.site.as_str());
    let zone = q.bind(zone);
    let (from, to) = (s.from, s.to);
    let mut sql = format!(
        "SELECT day_start, day_end, bucket FROM {table} WHERE site_key = {site} \
         AND day_start >= {from} AND day_start < {to} AND zone = {zone} AND day_end <= {to} AND dirty = 0"
    );
    if let Some(t) = s.bot_threshold {
        sql.push_str(&format!(" AND threshold = {}", q.bind(t)));
    }
    sql.push_str(" ORDER BY day_start");
    q.sql = sql;
    q
}

/// Splits `s`'s range given its built days (from [`built_days`]).
pub(crate) fn split(s: &Scope, days: &[Day]) -> Split {
    let spans: Vec<rollup::Span> = days.iter().map(|d| (d.day_start, d.day_end)).collect();
    rollup::split_spans(s.from, s.to, &spans, MAX_DAY_SPANS)
}

/// A day series' columns from the daily rollup `table` (this one or
/// [`super::rollup_visitor_days`]), up to the `WHERE` conditions a read appends after `AND`: the
/// `human_*` counts when `s` leaves bots out, and only the days that have sessions to count.
pub(crate) fn series_columns(table: &str, s: &Scope) -> String {
    if s.bot_threshold.is_some() {
        format!(
            "bucket, human_sessions AS sessions, human_visitors AS visitors, human_pageviews AS pageviews \
             FROM {table} WHERE human_sessions > 0 AND"
        )
    } else {
        format!("bucket, sessions, visitors, pageviews FROM {table} WHERE sessions > 0 AND")
    }
}

/// The day series over a split: the same rows as [`super::sql::timeseries`] with day buckets in
/// `zone`, whose offsets at `started_at` are `offset_sql`.
pub(crate) fn timeseries(s: &Scope, zone: &str, split: &Split, offset_sql: &str) -> Query {
    let mut q = Query::new("", vec![]);
    let site = q.bind(s.site.as_str());
    let columns = series_columns("rollup_days", s);
    // Only what an arm uses is bound (an unused binding is an error).
    let mut arms = Vec::new();
    if !split.built.is_empty() {
        let zone = q.bind(zone);
        for &(a, b) in &split.built {
            arms.push(format!(
                "SELECT {columns} site_key = {site} AND day_start >= {a} AND day_start < {b} AND zone = {zone}"
            ));
        }
    }
    if !split.raw.is_empty() {
        let bots = s
            .bot_threshold
            .map_or(String::new(), |t| format!(" AND suspicion_score < {}", q.bind(t)));
        for &(a, b) in &split.raw {
            arms.push(format!(
                "SELECT (started_at + ({offset_sql})) / {MS_PER_DAY} AS bucket, count(*) AS sessions,
                        {VISITORS} AS visitors, coalesce(sum(page_views), 0) AS pageviews
                   FROM sessions WHERE site_key = {site} AND started_at >= {a} AND started_at < {b}{bots}
                  GROUP BY bucket"
            ));
        }
    }
    q.sql = format!(
        "SELECT bucket, sum(sessions) AS sessions, sum(visitors) AS visitors, sum(pageviews) AS pageviews
           FROM (\n {}) GROUP BY bucket ORDER BY bucket",
        arms.join("\n UNION ALL ")
    );
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: u64 = tz::MS_PER_HOUR;
    /// 2025-11-01T00:00:00Z.
    const T0: u64 = 1_761_955_200_000;

    /// Berlin's offsets around 2025-10-26, when it fell back from +2 h to +1 h at 01:00 UTC.
    fn berlin(t: UnixMillis) -> i64 {
        if t < T0 - 6 * MS_PER_DAY + H { 2 * H as i64 } else { H as i64 }
    }

    #[test]
    fn days_start_at_local_midnight_and_may_be_25_hours_long() {
        let d = day_of(&|_| H as i64, T0 + 5 * H);
        assert_eq!(d, Day { day_start: T0 - H, day_end: T0 + 23 * H, bucket: 20_393 });
        assert_eq!(day_of(&|_| H as i64, T0 - H), d, "midnight belongs to its day");
        assert_eq!(day_of(&|_| H as i64, T0 - H - 1).day_end, T0 - H);
        // 2025-10-26 in Berlin: from 22:00 UTC the day before, 25 hours.
        let fall = day_of(&berlin, T0 - 6 * MS_PER_DAY + 12 * H);
        assert_eq!(fall.day_start, T0 - 6 * MS_PER_DAY - 2 * H);
        assert_eq!(fall.day_end - fall.day_start, 25 * H);
    }

    #[test]
    fn a_run_builds_the_next_whole_days_behind_the_lag() {
        let utc = |_: UnixMillis| 0;
        let now = T0 + 20 * MS_PER_DAY + BUILD_LAG_MS - 1;
        let first = plan(&utc, None, Some(T0 + 5 * H), now);
        assert_eq!(first.len(), DAYS_PER_RUN);
        assert_eq!(first[0].day_start, T0);
        assert!(first.windows(2).all(|w| w[0].day_end == w[1].day_start));
        let caught_up = plan(&utc, Some(T0 + 18 * MS_PER_DAY), Some(T0), now);
        assert_eq!(caught_up.len(), 1, "the day that ended less than the lag ago waits");
        assert_eq!(caught_up[0].day_end, T0 + 19 * MS_PER_DAY);
        assert_eq!(plan(&utc, None, None, now), vec![]);
        // Across the fall-back day, in order, without gaps.
        let days = plan(&berlin, None, Some(T0 - 8 * MS_PER_DAY), T0);
        assert!(days.windows(2).all(|w| w[0].day_end == w[1].day_start));
        assert!(days.iter().any(|d| d.day_end - d.day_start == 25 * H));
    }
}
