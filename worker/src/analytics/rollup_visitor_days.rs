//! Daily rollups by the visitor's local date (migration 0017), for the day series of
//! `/analytics/timeseries?tz=visitor`. Pure: the dates a cron run builds, the SQL that builds
//! them and the series that reads them; run natively against SQLite in the unit tests.
//!
//! A session has one local date in its own zone, so a date's sessions, unique visitors and
//! pageviews are exact per date. The sessions of date D start within D's *window*, from D 00:00
//! at +14:00 to D+1 00:00 at -12:00 (50 hours). A series reads the rows of the built, clean dates
//! whose whole window lies in its range, and the sessions for every other date: the sessions of
//! the range outside the *core* of each run of built dates (the instants whose date, in any zone,
//! is in the run), less those whose date is built. No date is read from both, so each point is
//! the same as from the sessions alone, visitors included.

use pulsegate_schema::UnixMillis;

use super::rollup::{BUILD_LAG_MS, Span};
use super::rollup_days::{self, Day};
use super::sql::{Scope, VISITORS};
use crate::sql::Query;
use crate::store::r2_keys::MS_PER_DAY;

/// How far ahead of UTC a zone may be (Kiritimati, +14:00), ms.
pub(crate) const MAX_AHEAD: u64 = 14 * 3_600_000;
/// How far behind UTC a zone may be (-12:00), ms.
pub(crate) const MAX_BEHIND: u64 = 12 * 3_600_000;
/// New dates one site's build covers per run.
pub(crate) const DAYS_PER_RUN: usize = 7;
/// Dirty dates (or dates built under another bot threshold) one site rebuilds per run.
pub(crate) const DIRTY_DAYS_PER_RUN: u32 = 7;
/// Most runs of built dates a series reads; a range with more reads the shorter ones raw.
pub(crate) const MAX_RUNS: usize = 8;

/// Local date `bucket` (days since 1970-01-01) and its window.
pub(crate) fn date(bucket: i64) -> Day {
    let midnight = bucket.max(0) as u64 * MS_PER_DAY;
    Day {
        day_start: midnight.saturating_sub(MAX_AHEAD),
        day_end: midnight + MS_PER_DAY + MAX_BEHIND,
        bucket,
    }
}

/// The new dates a site's run builds: after the latest built date (or from the earliest date of
/// the first session), at most [`DAYS_PER_RUN`], each whose window ended at least
/// [`BUILD_LAG_MS`] before `now`.
pub(crate) fn plan(
    last_bucket: Option<i64>,
    first_session: Option<UnixMillis>,
    now: UnixMillis,
) -> Vec<Day> {
    let first = match (last_bucket, first_session) {
        (Some(b), _) => b + 1,
        (None, Some(t)) => (t.saturating_sub(MAX_BEHIND) / MS_PER_DAY) as i64,
        (None, None) => return Vec::new(),
    };
    let until = now.saturating_sub(BUILD_LAG_MS);
    (first..).map(date).take_while(|d| d.day_end <= until).take(DAYS_PER_RUN).collect()
}

/// Where a site's build stands for `zone`: its latest built date and its first session.
pub(crate) fn build_state(site: &str, zone: &str) -> Query {
    Query::new(
        "SELECT (SELECT max(bucket) FROM rollup_visitor_days WHERE site_key = ?1 AND zone = ?2) AS last_bucket,
                (SELECT min(started_at) FROM sessions WHERE site_key = ?1) AS first_session",
        vec![site.into(), zone.into()],
    )
}

/// A site's dates for `zone` to rebuild: dirty or built under another threshold; oldest first.
pub(crate) fn stale_days(site: &str, zone: &str, threshold: u32, limit: u32) -> Query {
    Query::new(
        "SELECT day_start, day_end, bucket FROM rollup_visitor_days
          WHERE site_key = ?1 AND zone = ?2 AND (dirty = 1 OR threshold <> ?3)
          ORDER BY day_start LIMIT ?4",
        vec![site.into(), zone.into(), threshold.into(), limit.into()],
    )
}

/// The span of UTC time whose sessions decide `days` (their windows' union).
pub(crate) fn windows(days: &[Day]) -> Option<Span> {
    let start = days.iter().map(|d| d.day_start).min()?;
    let end = days.iter().map(|d| d.day_end).max()?;
    Some((start, end))
}

/// (Re)builds one date of a site from the sessions of its window; idempotent. `offset_sql` is
/// each session's offset at `started_at` (as [`super::sql::visitor_offset_sql`] writes it, over
/// the window), `threshold` the bot-detection threshold of the `human_*` columns.
pub(crate) fn rebuild(
    site: &str,
    zone: &str,
    day: Day,
    offset_sql: &str,
    threshold: u32,
    now: UnixMillis,
) -> Query {
    let on_the_date = format!(" AND (started_at + ({offset_sql})) / {MS_PER_DAY} = ?5");
    rollup_days::rebuild_in("rollup_visitor_days", site, zone, day, &on_the_date, threshold, now)
}

/// The clean dates built for `zone` whose whole window lies in `s`'s range (under `s`'s bot
/// threshold when bots are left out), oldest first.
pub(crate) fn built_days(s: &Scope, zone: &str) -> Query {
    rollup_days::built_days_in("rollup_visitor_days", s, zone)
}

/// How a visitor series reads its range.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Split {
    /// Runs of consecutive built dates, `(first, last)` buckets, read from the rollup.
    pub(crate) built: Vec<(i64, i64)>,
    /// The spans of the range read from the sessions (all but the runs' cores).
    pub(crate) raw: Vec<Span>,
}

/// The instants whose local date is in `first..=last` in every zone: `[first 00:00 at -12:00,
/// last+1 00:00 at +14:00)`; empty for a single date.
fn core(first: i64, last: i64) -> Span {
    (date(first).day_start + MAX_AHEAD + MAX_BEHIND, date(last).day_end - MAX_AHEAD - MAX_BEHIND)
}

/// Splits `s`'s range given its built dates (from [`built_days`]): the longest [`MAX_RUNS`] runs
/// of consecutive dates, and the spans outside their cores.
pub(crate) fn split(s: &Scope, days: &[Day]) -> Split {
    let mut runs: Vec<(i64, i64)> = Vec::new();
    for d in days.iter().filter(|d| d.day_start >= s.from && d.day_end <= s.to) {
        match runs.last_mut() {
            Some(run) if run.1 + 1 == d.bucket => run.1 = d.bucket,
            Some(run) if run.1 >= d.bucket => {}
            _ => runs.push((d.bucket, d.bucket)),
        }
    }
    if runs.len() > MAX_RUNS {
        runs.sort_by_key(|(a, b)| std::cmp::Reverse(b - a));
        runs.truncate(MAX_RUNS);
        runs.sort_unstable();
    }
    let mut raw = Vec::new();
    let mut at = s.from;
    for &(a, b) in &runs {
        let (start, end) = core(a, b);
        if start >= end {
            continue;
        }
        if start > at {
            raw.push((at, start));
        }
        at = at.max(end);
    }
    if at < s.to {
        raw.push((at, s.to));
    }
    Split { built: runs, raw }
}

/// The spans of `s`'s range a series most likely reads raw at `now`, while the cron keeps up:
/// the first 50 hours (the dates whose window starts before `from`, up to the first core) and
/// the last 53 hours before `now` on (the dates not built yet, a run's ten minutes included).
pub(crate) fn likely_raw(s: &Scope, now: UnixMillis) -> Vec<Span> {
    let window = MS_PER_DAY + MAX_AHEAD + MAX_BEHIND;
    let head = (s.from, s.to.min(s.from.saturating_add(window)));
    let tail_start = now.saturating_sub(window + BUILD_LAG_MS + MS_PER_DAY / 24);
    let spans = if tail_start <= head.1 {
        vec![(s.from, s.to)]
    } else if tail_start < s.to {
        vec![head, (tail_start, s.to)]
    } else {
        vec![head]
    };
    spans.into_iter().filter(|(a, b)| a < b).collect()
}

/// Whether every span of `raw` lies within one of `spans`.
pub(crate) fn covers(spans: &[Span], raw: &[Span]) -> bool {
    raw.iter().all(|&(a, b)| spans.iter().any(|&(c, d)| c <= a && b <= d))
}

/// The visitors' time zones in `split`'s raw spans, most sessions first (at most `limit`): the
/// zones the raw part of the series must resolve.
pub(crate) fn raw_zones(s: &Scope, split: &Split, limit: u32) -> Query {
    let mut q = Query::new("", vec![]);
    let site = q.bind(s.site.as_str());
    let bots =
        s.bot_threshold.map_or(String::new(), |t| format!(" AND suspicion_score < {}", q.bind(t)));
    let arms: Vec<String> = split
        .raw
        .iter()
        .map(|&(a, b)| {
            format!(
                "SELECT timezone FROM sessions WHERE site_key = {site} AND started_at >= {a} \
                 AND started_at < {b}{bots} AND timezone IS NOT NULL"
            )
        })
        .collect();
    let l = q.bind(limit);
    q.sql = format!(
        "SELECT timezone, count(*) AS sessions FROM ({}) GROUP BY timezone ORDER BY sessions DESC, timezone LIMIT {l}",
        arms.join(" UNION ALL ")
    );
    q
}

/// The day series over a split: the same rows as [`super::sql::timeseries`] with day buckets in
/// each visitor's zone, whose offsets at `started_at` are `offset_sql`.
pub(crate) fn timeseries(s: &Scope, zone: &str, split: &Split, offset_sql: &str) -> Query {
    let mut q = Query::new("", vec![]);
    let site = q.bind(s.site.as_str());
    let columns = rollup_days::series_columns("rollup_visitor_days", s);
    // Only what an arm uses is bound (an unused binding is an error).
    let mut arms = Vec::new();
    if !split.built.is_empty() {
        let zone = q.bind(zone);
        for &(a, b) in &split.built {
            let (first, last) = (date(a).day_start, date(b).day_start);
            arms.push(format!(
                "SELECT {columns} site_key = {site} AND day_start >= {first} AND day_start <= {last} AND zone = {zone}"
            ));
        }
    }
    if !split.raw.is_empty() {
        let bots = s
            .bot_threshold
            .map_or(String::new(), |t| format!(" AND suspicion_score < {}", q.bind(t)));
        let not_built: String = split
            .built
            .iter()
            .map(|(a, b)| format!(" AND bucket NOT BETWEEN {a} AND {b}"))
            .collect();
        let having = if not_built.is_empty() {
            String::new()
        } else {
            format!(" HAVING {}", not_built.trim_start_matches(" AND "))
        };
        for &(a, b) in &split.raw {
            arms.push(format!(
                "SELECT (started_at + ({offset_sql})) / {MS_PER_DAY} AS bucket, count(*) AS sessions,
                        {VISITORS} AS visitors, coalesce(sum(page_views), 0) AS pageviews
                   FROM sessions WHERE site_key = {site} AND started_at >= {a} AND started_at < {b}{bots}
                  GROUP BY bucket{having}"
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

    const H: u64 = 3_600_000;
    /// 2025-11-01T00:00:00Z.
    const T0: u64 = 1_761_955_200_000;
    const B0: i64 = (T0 / MS_PER_DAY) as i64;

    fn scope(from: u64, to: u64) -> Scope {
        Scope { site: "s".to_owned(), from, to, bot_threshold: None }
    }

    #[test]
    fn a_dates_window_spans_fifty_hours_around_it() {
        let d = date(B0);
        assert_eq!(d, Day { day_start: T0 - 14 * H, day_end: T0 + 36 * H, bucket: B0 });
        assert_eq!(core(B0, B0 + 1), (T0 + 12 * H, T0 + 34 * H));
        let (a, b) = core(B0, B0);
        assert!(a >= b, "one date has no core");
    }

    #[test]
    fn a_run_builds_the_dates_whose_window_ended_behind_the_lag() {
        let now = T0 + 10 * MS_PER_DAY;
        let first = plan(None, Some(T0 + 5 * H), now);
        assert_eq!(
            first[0].bucket,
            B0 - 1,
            "a session at 05:00Z may be on the day before at -12:00"
        );
        assert_eq!(first.len(), DAYS_PER_RUN);
        let caught_up = plan(Some(B0 + 7), Some(T0), now);
        assert!(caught_up.iter().all(|d| d.day_end + BUILD_LAG_MS <= now));
        assert_eq!(caught_up.last().map(|d| d.bucket), Some(B0 + 8), "B0+9 ends at +10 d 12:00");
        assert_eq!(plan(None, None, now), vec![]);
    }

    #[test]
    fn the_raw_spans_leave_out_the_cores_of_the_runs() {
        let s = scope(T0, T0 + 10 * MS_PER_DAY);
        let days: Vec<Day> = [1, 2, 3, 5, 6, 8].iter().map(|i| date(B0 + i)).collect();
        let got = split(&s, &days);
        assert_eq!(got.built, vec![(B0 + 1, B0 + 3), (B0 + 5, B0 + 6), (B0 + 8, B0 + 8)]);
        let c1 = core(B0 + 1, B0 + 3);
        let c2 = core(B0 + 5, B0 + 6);
        assert_eq!(got.raw, vec![(T0, c1.0), (c1.1, c2.0), (c2.1, T0 + 10 * MS_PER_DAY)]);
        // A date outside the range is ignored; nothing built reads everything raw.
        assert_eq!(split(&s, &[date(B0 + 9)]).built, vec![]);
        assert_eq!(split(&s, &[]).raw, vec![(T0, T0 + 10 * MS_PER_DAY)]);
    }

    #[test]
    fn the_likely_raw_spans_cover_the_ends_of_a_range_the_cron_keeps_up_with() {
        let to = T0 + 30 * MS_PER_DAY;
        let s = scope(T0 + 5 * H, to);
        // The cron ran ten minutes ago and built every date whose window ended by then.
        let now = to - 7 * H;
        let built = plan(None, Some(T0), now - 600_000);
        let days: Vec<Day> = (built[0].bucket..)
            .map(date)
            .take_while(|d| d.day_end + BUILD_LAG_MS <= now - 600_000)
            .collect();
        let got = split(&s, &days);
        let likely = likely_raw(&s, now);
        assert_eq!(likely.len(), 2);
        assert!(covers(&likely, &got.raw), "{likely:?} {got:?}");
        // A short range is one span; a dirty date in the middle is not covered.
        assert_eq!(
            likely_raw(&scope(to - 3 * MS_PER_DAY, to), now),
            vec![(to - 3 * MS_PER_DAY, to)]
        );
        let mut holes = days;
        holes.remove(10);
        assert!(!covers(&likely, &split(&s, &holes).raw));
    }
}
