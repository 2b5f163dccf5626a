//! The daily dimension rollups on SQLite with the real migrations (triggers included): built the
//! way the cron builds them, the overview and every breakdown through them are checked against
//! the raw answer on the same rows — sessions, pageviews, bounces and engaged time exactly,
//! visitors within the sketch's bound, the median within the histogram's — before and after late
//! changes, with and without bots.

use rusqlite::Connection;

use super::native_tests::{rows, scope, seeded};
use super::rollup_days::{self, Day};
use super::rollup_days_tests::{ZONE, build_all, cron, midnight};
use super::rollup_dims::{self, DURATION_BOUND_MS, DURATION_BOUND_PCT, Merged, RawRow, RollupRow};
use super::shape::{DimensionRow, MedianRow, TotalsRow};
use super::sketch::ERROR_BOUND;
use super::sql::{self, Dimension, Scope};
use crate::store::r2_keys::MS_PER_DAY;

/// A report's rows through the dimension rollups, as `reports` reads them; with how much of the
/// range came from rollups.
fn through_rollups(db: &Connection, s: &Scope, dim: Option<Dimension>) -> (Vec<Merged>, u64) {
    let days: Vec<Day> = rows(db, &rollup_dims::built_days(s, ZONE));
    let split = rollup_days::split(s, &days);
    let rollups: Vec<RollupRow> = if split.built.is_empty() {
        Vec::new()
    } else {
        rows(db, &rollup_dims::rollup_rows(s, ZONE, dim, &split))
    };
    let raw: Vec<RawRow> = if split.raw.is_empty() {
        Vec::new()
    } else {
        rows(db, &rollup_dims::raw_rows(s, dim, &split))
    };
    let built = split.built.iter().map(|(a, b)| b - a).sum();
    (rollup_dims::merge(&rollups, &raw, 1000).unwrap(), built)
}

fn visitors_within_bound(got: u64, want: u64, what: &str) {
    let err = got.abs_diff(want) as f64;
    assert!(err <= (want as f64 * ERROR_BOUND).ceil(), "{what}: {got} visitors, exactly {want}");
}

/// Every breakdown and the overview through the rollups against the raw SQL; returns how much of
/// the range was read from rollups.
fn same_as_raw(db: &Connection, s: &Scope) -> u64 {
    let mut built = 0;
    for dim in Dimension::ALL {
        let want: Vec<DimensionRow> = rows(db, &sql::breakdown(s, dim, 1000));
        assert!(!want.is_empty());
        let (got, b) = through_rollups(db, s, Some(dim));
        built = b;
        assert_eq!(got.len(), want.len(), "{dim:?} {s:?}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(
                (&g.value, g.sessions, g.pageviews, g.bounces),
                (&w.value, w.sessions, w.pageviews, w.bounces),
                "{dim:?} {s:?}"
            );
            visitors_within_bound(g.visitors, w.visitors, &format!("{dim:?} {:?}", w.value));
        }
    }
    let totals: Vec<TotalsRow> = rows(db, &sql::overview(s));
    let median: Vec<MedianRow> = rows(db, &sql::median_duration(s));
    let (got, _) = through_rollups(db, s, None);
    let (g, t) = (&got[0], &totals[0]);
    assert_eq!(
        (g.sessions, g.pageviews, g.bounces, g.engaged_ms),
        (t.sessions, t.pageviews, t.bounces, t.engaged_ms),
        "{s:?}"
    );
    visitors_within_bound(g.visitors, t.visitors, "totals");
    let (m, want) = (g.median_duration_ms, median[0].duration_ms);
    assert!(
        m.abs_diff(want) <= DURATION_BOUND_MS
            || m.abs_diff(want) * 100 <= want * DURATION_BOUND_PCT,
        "median {m}, exactly {want}"
    );
    built
}

fn count(db: &Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn the_overview_and_breakdowns_through_the_dimension_rollups_match_the_raw_answers() {
    let (db, _) = seeded();
    let now = T9;
    build_all(&db, 70, now);
    assert_eq!(
        count(&db, "SELECT count(*) FROM rollup_dims WHERE dim = ''"),
        8,
        "a totals row a day"
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM rollup_days WHERE dims_at IS NOT built_at"),
        0,
        "every day's dimension rows are current"
    );
    assert_eq!(
        count(&db, "SELECT sum(sessions) FROM rollup_dims WHERE dim = 'country'"),
        count(&db, "SELECT sum(sessions) FROM rollup_days")
    );
    for bots in [false, true] {
        let whole = Scope { from: midnight(1), to: midnight(8), ..scope(bots) };
        assert_eq!(same_as_raw(&db, &whole), whole.to - whole.from, "wholly built");
        assert_eq!(same_as_raw(&db, &scope(bots)), 6 * MS_PER_DAY, "partial days read raw");
        let edge = Scope {
            from: midnight(6),
            to: super::native_tests::T0 + 10 * MS_PER_DAY,
            ..scope(bots)
        };
        assert_eq!(same_as_raw(&db, &edge), 2 * MS_PER_DAY);
    }
}

const T9: u64 = super::native_tests::T0 + 9 * MS_PER_DAY;

#[test]
fn a_changed_dimension_makes_its_day_read_raw_until_the_next_build() {
    let (db, _) = seeded();
    build_all(&db, 70, T9);
    let whole = Scope { from: midnight(1), to: midnight(8), ..scope(false) };
    // A country changed on day 3 and an exit page and duration on day 5: columns only the
    // dimension rows count.
    db.execute_batch(&format!(
        "UPDATE sessions SET country = 'NL' WHERE id = (SELECT id FROM sessions WHERE site_key = 'demo'
           AND started_at >= {} AND started_at < {} ORDER BY started_at LIMIT 1);
         UPDATE sessions SET exit_path = '/late', duration_ms = duration_ms + 7 WHERE id = (SELECT id FROM sessions
           WHERE site_key = 'demo' AND started_at >= {} AND started_at < {} ORDER BY started_at LIMIT 1);",
        midnight(3),
        midnight(4),
        midnight(5),
        midnight(6),
    ))
    .unwrap();
    assert_eq!(count(&db, "SELECT count(*) FROM rollup_days WHERE dirty = 1"), 2);
    for bots in [false, true] {
        let s = Scope { bot_threshold: (!bots).then_some(70), ..whole.clone() };
        assert_eq!(same_as_raw(&db, &s), 5 * MS_PER_DAY, "the two changed days are read raw");
    }
    assert_eq!(cron(&db, 70, T9), 2);
    assert_eq!(same_as_raw(&db, &whole), whole.to - whole.from);
    // Dimension rows of an older build (a cut-short run) are not read, and the next run redoes them.
    db.execute_batch(&format!(
        "UPDATE rollup_days SET dims_at = NULL WHERE day_start = {}",
        midnight(4)
    ))
    .unwrap();
    assert_eq!(same_as_raw(&db, &whole), 6 * MS_PER_DAY);
    assert_eq!(cron(&db, 70, T9), 1);
    assert_eq!(same_as_raw(&db, &whole), whole.to - whole.from);
    assert_eq!(cron(&db, 70, T9), 0, "nothing left to do");
}

#[test]
fn a_day_without_sessions_has_an_empty_totals_row() {
    let (db, _) = seeded();
    db.execute_batch(&format!(
        "DELETE FROM sessions WHERE site_key = 'demo' AND started_at >= {} AND started_at < {}",
        midnight(3),
        midnight(4)
    ))
    .unwrap();
    build_all(&db, 70, T9);
    assert_eq!(
        count(
            &db,
            &format!(
                "SELECT sessions FROM rollup_dims WHERE dim = '' AND day_start = {}",
                midnight(3)
            )
        ),
        0
    );
    let whole = Scope { from: midnight(1), to: midnight(8), ..scope(false) };
    assert_eq!(same_as_raw(&db, &whole), whole.to - whole.from);
}
