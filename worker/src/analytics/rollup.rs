//! Hourly rollups (migration 0013): the SQL that builds them from the per-session rows and the
//! SQL of the reports that read them. Pure; run natively against SQLite in the unit tests.
//!
//! A report's range splits into the *built* spans (whole UTC hours whose rollup is current) and
//! the *raw* rest (the recent edge, partial hours at the ends, hours never built or dirty). The
//! built spans are summed from `rollup_pages` / `rollup_events`, the rest from `session_pages` /
//! `session_events`; where bots are left out, the bot sessions' raw rows of the built spans are
//! subtracted (rollups count every session, and bots are few). So the answer equals the raw
//! answer wherever the rollup is current, whatever the report's zone or range bounds.
//!
//! Integer bounds are inlined as literals (they come from this code, never from the request), so
//! a range of many spans stays within D1's 100 bound parameters.

use pulsegate_schema::UnixMillis;

use super::sql::{Scope, TOP_VALUES};
use super::tz::MS_PER_HOUR;
use crate::sql::Query;

/// An hour is built once it ended this long ago: its sessions rarely change after that, and a
/// change marks it dirty (the migration's triggers) until the next run rebuilds it.
pub(crate) const BUILD_LAG_MS: u64 = 2 * MS_PER_HOUR;
/// New hours one site's build covers per run (a backlog catches up 144 hours an hour).
pub(crate) const HOURS_PER_RUN: u64 = 24;
/// Dirty hours one site rebuilds per run.
pub(crate) const DIRTY_PER_RUN: u32 = 24;
/// Most built spans a report reads; a range with more reads the shorter ones raw.
pub(crate) const MAX_SPANS: usize = 8;

/// A half-open span of UTC time, `[start, end)`, ms.
pub(crate) type Span = (UnixMillis, UnixMillis);

/// How a report's range is read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Split {
    /// Whole hours summed from the rollups.
    pub(crate) built: Vec<Span>,
    /// The rest of the range, read from the per-session rows.
    pub(crate) raw: Vec<Span>,
}

/// The start of the UTC hour holding `t`.
pub(crate) fn hour_of(t: UnixMillis) -> UnixMillis {
    t - t % MS_PER_HOUR
}

/// The current, built hours inside `s`'s range (every hour wholly within it), oldest first.
pub(crate) fn built_hours(s: &Scope) -> Query {
    let mut q = Query::new("", vec![]);
    let site = q.bind(s.site.as_str());
    let first = s.from.div_ceil(MS_PER_HOUR) * MS_PER_HOUR;
    let last = s.to.saturating_sub(MS_PER_HOUR);
    q.sql = format!(
        "SELECT hour FROM rollup_hours WHERE site_key = {site} AND hour >= {first} AND hour <= {last} \
         AND dirty = 0 ORDER BY hour"
    );
    q
}

/// Splits `[from, to)` given its built hours (from [`built_hours`], sorted): contiguous hours
/// merge into spans, at most [`MAX_SPANS`] of them (the longest), and the gaps are raw.
pub(crate) fn split(from: UnixMillis, to: UnixMillis, hours: &[UnixMillis]) -> Split {
    let spans: Vec<Span> = hours.iter().map(|&h| (h, h.saturating_add(MS_PER_HOUR))).collect();
    split_spans(from, to, &spans, MAX_SPANS)
}

/// Splits `[from, to)` given built spans sorted by start (hours or days): those wholly inside
/// merge where contiguous, at most `max` of them (the longest) are kept, and the gaps are raw.
pub(crate) fn split_spans(from: UnixMillis, to: UnixMillis, spans: &[Span], max: usize) -> Split {
    let mut built: Vec<Span> = Vec::new();
    for &(a, b) in spans.iter().filter(|(a, b)| *a >= from && *b <= to && a < b) {
        match built.last_mut() {
            Some(last) if last.1 == a => last.1 = b,
            Some(last) if last.1 > a => {} // a repeated or overlapping span
            _ => built.push((a, b)),
        }
    }
    if built.len() > max {
        built.sort_by_key(|(a, b)| std::cmp::Reverse(b - a));
        built.truncate(max);
        built.sort_unstable();
    }
    let mut raw = Vec::new();
    let mut at = from;
    for &(a, b) in &built {
        if a > at {
            raw.push((at, a));
        }
        at = b;
    }
    if at < to {
        raw.push((at, to));
    }
    Split { built, raw }
}

/// `AND started_at >= a AND started_at < b` for a span.
fn within(column: &str, (a, b): Span) -> String {
    format!("{column} >= {a} AND {column} < {b}")
}

/// The bot sessions of a span: `SELECT id FROM sessions WHERE …`.
fn bots(site: &str, span: Span, threshold: &str) -> String {
    format!(
        "SELECT id FROM sessions WHERE site_key = {site} AND {} AND suspicion_score >= {threshold}",
        within("started_at", span)
    )
}

/// The `UNION ALL` arms over a split: the rollup's rows of the built spans, the raw rows of the
/// rest (bots left out), and the bots' raw rows of the built spans negated. `rollup_cols` and
/// `raw_cols` / `negated_cols` list the same columns of the rollup and the raw table (`r.` in
/// the negated arm).
fn arms(
    q: &mut Query,
    s: &Scope,
    split: &Split,
    (rollup, rollup_cols): (&str, &str),
    (raw, raw_cols, negated_cols): (&str, &str, &str),
) -> String {
    let site = q.bind(s.site.as_str());
    let threshold = s.bot_threshold.map(|t| q.bind(t));
    let mut arms = Vec::new();
    for &span in &split.built {
        arms.push(format!(
            "SELECT {rollup_cols} FROM {rollup} WHERE site_key = {site} AND {}",
            within("hour", span)
        ));
    }
    for &span in &split.raw {
        let mut arm = format!(
            "SELECT {raw_cols} FROM {raw} WHERE site_key = {site} AND {}",
            within("started_at", span)
        );
        if let Some(t) = &threshold {
            arm.push_str(&format!(" AND session_id NOT IN ({})", bots(&site, span, t)));
        }
        arms.push(arm);
    }
    if let Some(t) = &threshold {
        // Driven from the few bot sessions (their own index), each joined to its rows by key;
        // the other way round would read every row of the span. The unary `+` keeps the row
        // table's own (site, time) index out of the join: without statistics (D1 keeps none)
        // SQLite would otherwise read the whole span once per bot.
        for &span in &split.built {
            arms.push(format!(
                "SELECT {negated_cols} FROM sessions s INDEXED BY idx_sessions_bots CROSS JOIN {raw} r \
                 ON r.session_id = s.id WHERE s.site_key = {site} AND s.suspicion_score >= {t} AND {} \
                 AND +r.site_key = {site} AND {}",
                within("s.started_at", span),
                within("+r.started_at", span)
            ));
        }
    }
    arms.join("\n UNION ALL ")
}

/// Top pages over a split: the same rows as [`super::sql::top_pages`].
pub(crate) fn top_pages(s: &Scope, split: &Split, limit: u32) -> Query {
    let mut q = Query::new("", vec![]);
    let arms = arms(
        &mut q,
        s,
        split,
        ("rollup_pages", "path, views, sessions"),
        ("session_pages", "path, views, 1", "r.path, -r.views, -1"),
    );
    let l = q.bind(limit);
    q.sql = format!(
        "SELECT path, sum(views) AS pageviews, sum(sessions) AS sessions FROM (\n {arms})
          GROUP BY path HAVING sum(sessions) > 0 ORDER BY pageviews DESC, path LIMIT {l}"
    );
    q
}

/// Custom events over a split: the same rows as [`super::sql::custom_events`].
pub(crate) fn custom_events(s: &Scope, split: &Split) -> Query {
    let mut q = Query::new("", vec![]);
    let arms = arms(
        &mut q,
        s,
        split,
        ("rollup_events", "name, prop_key, prop_value, count, sessions"),
        (
            "session_events",
            "name, prop_key, prop_value, count, 1",
            "r.name, r.prop_key, r.prop_value, -r.count, -1",
        ),
    );
    let top = q.bind(TOP_VALUES);
    q.sql = format!(
        "SELECT name, prop_key, prop_value, count, sessions FROM (
           SELECT name, prop_key, prop_value, sum(count) AS count, sum(sessions) AS sessions,
                  row_number() OVER (PARTITION BY name, prop_key ORDER BY sum(count) DESC, prop_value) AS rank
             FROM (\n {arms}) GROUP BY name, prop_key, prop_value HAVING sum(sessions) > 0)
          WHERE rank <= {top} ORDER BY name, prop_key, count DESC, prop_value"
    );
    q
}

/// Where a site's build stands: the latest built hour and its first session.
pub(crate) fn build_state(site: &str) -> Query {
    Query::new(
        "SELECT (SELECT max(hour) FROM rollup_hours WHERE site_key = ?1) AS last_hour,
                (SELECT min(started_at) FROM sessions WHERE site_key = ?1) AS first_session",
        vec![site.into()],
    )
}

/// A site's dirty hours, oldest first.
pub(crate) fn dirty_hours(site: &str, limit: u32) -> Query {
    Query::new(
        "SELECT hour FROM rollup_hours WHERE site_key = ?1 AND dirty = 1 ORDER BY hour LIMIT ?2",
        vec![site.into(), limit.into()],
    )
}

/// The hours a site's run builds: its dirty hours (as spans) and the next new hours after
/// `last_hour` (or from its first session), up to [`HOURS_PER_RUN`] and ending at least
/// [`BUILD_LAG_MS`] before `now`.
pub(crate) fn plan(
    last_hour: Option<UnixMillis>,
    first_session: Option<UnixMillis>,
    dirty: &[UnixMillis],
    now: UnixMillis,
) -> Vec<Span> {
    let mut spans = split(0, UnixMillis::MAX, dirty).built;
    let next = match (last_hour, first_session) {
        (Some(h), _) => Some(h + MS_PER_HOUR),
        (None, Some(t)) => Some(hour_of(t)),
        (None, None) => None,
    };
    let end = hour_of(now.saturating_sub(BUILD_LAG_MS));
    if let Some(next) = next
        && next < end
    {
        spans.push((next, end.min(next + HOURS_PER_RUN * MS_PER_HOUR)));
    }
    spans
}

/// Rebuilds a site's rollups of `span` (whole hours) as one transaction: each table's rows of
/// the span deleted and summed again from the per-session rows, then every hour of the span
/// recorded as built and clean. Idempotent.
pub(crate) fn rebuild(site: &str, (a, b): Span, now: UnixMillis) -> Vec<Query> {
    let p = || vec![site.into(), a.into(), b.into()];
    let hours: Vec<String> = (a..b).step_by(MS_PER_HOUR as usize).map(|h| h.to_string()).collect();
    vec![
        Query::new(
            "DELETE FROM rollup_pages WHERE site_key = ?1 AND hour >= ?2 AND hour < ?3",
            p(),
        ),
        Query::new(
            "INSERT INTO rollup_pages (site_key, hour, path, views, sessions)
             SELECT site_key, started_at - started_at % 3600000 AS h, path, sum(views), count(*)
               FROM session_pages WHERE site_key = ?1 AND started_at >= ?2 AND started_at < ?3
              GROUP BY h, path",
            p(),
        ),
        Query::new(
            "DELETE FROM rollup_events WHERE site_key = ?1 AND hour >= ?2 AND hour < ?3",
            p(),
        ),
        Query::new(
            "INSERT INTO rollup_events (site_key, hour, name, prop_key, prop_value, count, sessions)
             SELECT site_key, started_at - started_at % 3600000 AS h, name, prop_key, prop_value,
                    sum(count), count(*)
               FROM session_events WHERE site_key = ?1 AND started_at >= ?2 AND started_at < ?3
              GROUP BY h, name, prop_key, prop_value",
            p(),
        ),
        Query::new(
            "INSERT INTO rollup_hours (site_key, hour, built_at, dirty)
             SELECT ?1, value, ?2, 0 FROM json_each(?3) WHERE true
             ON CONFLICT (site_key, hour) DO UPDATE SET built_at = excluded.built_at, dirty = 0",
            vec![site.into(), now.into(), format!("[{}]", hours.join(",")).into()],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: u64 = MS_PER_HOUR;

    #[test]
    fn contiguous_hours_merge_and_the_gaps_are_raw() {
        let from = 10 * H + 5;
        let to = 20 * H + 7;
        let s = split(from, to, &[11 * H, 12 * H, 13 * H, 15 * H, 16 * H]);
        assert_eq!(s.built, vec![(11 * H, 14 * H), (15 * H, 17 * H)]);
        assert_eq!(s.raw, vec![(from, 11 * H), (14 * H, 15 * H), (17 * H, to)]);
    }

    #[test]
    fn hours_outside_the_range_or_partly_outside_are_raw() {
        let s = split(10 * H + 1, 12 * H + 1, &[10 * H, 11 * H, 12 * H]);
        assert_eq!(s.built, vec![(11 * H, 12 * H)]);
        assert_eq!(s.raw, vec![(10 * H + 1, 11 * H), (12 * H, 12 * H + 1)]);
        assert_eq!(split(0, 5 * H, &[]), Split { built: vec![], raw: vec![(0, 5 * H)] });
    }

    #[test]
    fn at_most_max_spans_are_read_the_longest_ones() {
        // Twenty spans of one hour and one of five: the five-hour span is kept.
        let mut hours: Vec<u64> = (0..20).map(|i| 2 * i * H).collect();
        hours.extend((50..55).map(|i| i * H));
        let s = split(0, 60 * H, &hours);
        assert_eq!(s.built.len(), MAX_SPANS);
        assert!(s.built.contains(&(50 * H, 55 * H)));
        assert!(s.built.windows(2).all(|w| w[0].1 <= w[1].0));
        let covered: u64 = s.built.iter().chain(&s.raw).map(|(a, b)| b - a).sum();
        assert_eq!(covered, 60 * H, "built and raw cover the range once");
    }

    #[test]
    fn a_run_builds_dirty_hours_then_the_next_new_ones_behind_the_lag() {
        let now = 100 * H + 30 * 60_000;
        // First run: from the first session's hour, at most HOURS_PER_RUN hours.
        assert_eq!(plan(None, Some(3 * H + 5), &[], now), vec![(3 * H, (3 + HOURS_PER_RUN) * H)]);
        // Caught up to the lag: only the hour that ended BUILD_LAG_MS ago.
        assert_eq!(plan(Some(96 * H), Some(0), &[], now), vec![(97 * H, 98 * H)]);
        assert_eq!(plan(Some(97 * H), Some(0), &[], now), vec![]);
        // Dirty hours first, merged.
        assert_eq!(
            plan(Some(97 * H), Some(0), &[4 * H, 5 * H, 9 * H], now),
            vec![(4 * H, 6 * H), (9 * H, 10 * H)]
        );
        assert_eq!(plan(None, None, &[], now), vec![]);
    }
}
