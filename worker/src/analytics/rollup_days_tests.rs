//! The daily rollups on SQLite with the real migrations (triggers included): built the way the
//! cron builds them, the day series through them is checked against the raw series on the same
//! rows, before and after late changes, with and without bots, and under a changed threshold.

use rusqlite::Connection;
use serde::Deserialize;
use serde_json::Value;

use super::native_tests::{SITE, T0, rows, rows_json, run, scope, seeded};
use super::rollup_days::{self, Day};
use super::rollup_dims;
use super::sql::{self, Scope};
use super::tz::{Fixed, MS_PER_HOUR as H, Offsets, Zone as _};
use crate::store::r2_keys::MS_PER_DAY;

/// The site's zone in these tests: one hour ahead of UTC, all year.
pub(crate) const ZONE: &str = "Europe/Berlin";
const OFFSET: Fixed = Fixed(3_600_000);

#[derive(Deserialize)]
struct State {
    last_end: Option<u64>,
    first_session: Option<u64>,
}

/// One cron run's daily part for the test site at `now`, as `jobs::rollup` runs it (the days in
/// one transaction, then each day's dimension rows in one); returns the days it built.
pub(crate) fn cron(db: &Connection, threshold: u32, now: u64) -> usize {
    let state: Vec<State> = rows(db, &rollup_days::build_state(SITE, ZONE));
    let stale: Vec<Day> =
        rows(db, &rollup_days::stale_days(SITE, ZONE, threshold, rollup_days::DIRTY_DAYS_PER_RUN));
    let fresh =
        rollup_days::plan(&|t| OFFSET.offset_at(t), state[0].last_end, state[0].first_session, now);
    let tx = db.unchecked_transaction().unwrap();
    for day in stale.iter().chain(&fresh) {
        run(db, &rollup_days::rebuild(SITE, ZONE, *day, threshold, now));
    }
    tx.commit().unwrap();
    for day in stale.iter().chain(&fresh) {
        let sessions: Vec<rollup_dims::SessionRow> =
            rows(db, &rollup_dims::day_sessions(SITE, *day));
        let tx = db.unchecked_transaction().unwrap();
        for q in rollup_dims::rebuild(SITE, ZONE, *day, threshold, &sessions, now) {
            run(db, &q);
        }
        tx.commit().unwrap();
    }
    stale.len() + fresh.len()
}

pub(crate) fn build_all(db: &Connection, threshold: u32, now: u64) -> usize {
    let mut runs = 0;
    while cron(db, threshold, now) > 0 {
        runs += 1;
        assert!(runs < 100, "the build never ends");
    }
    runs
}

/// The day series through the daily rollups equals the raw series; returns how much of the range
/// was read from rollups.
fn same_as_raw(db: &Connection, s: &Scope) -> u64 {
    let offsets = Offsets::over(&OFFSET, s.from, s.to).sql("started_at");
    let days: Vec<Day> = rows(db, &rollup_days::built_days(s, ZONE));
    let split = rollup_days::split(s, &days);
    let raw = rows_json(db, &sql::timeseries(s, &offsets, MS_PER_DAY));
    assert!(!raw.is_empty());
    let got = rows_json(db, &rollup_days::timeseries(s, ZONE, &split, &offsets));
    assert_eq!(got, raw, "{s:?} {split:?}");
    split.built.iter().map(|(a, b)| b - a).sum()
}

fn count(db: &Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Local midnights in the test zone.
pub(crate) fn midnight(day: u64) -> u64 {
    T0 + day * MS_PER_DAY - H
}

#[test]
fn the_day_series_from_the_daily_rollups_equals_the_raw_series() {
    let (db, _) = seeded();
    let now = T0 + 9 * MS_PER_DAY;
    let runs = build_all(&db, 70, now);
    assert!(runs >= 2, "bounded per run: {runs}");
    // Every whole local day from the first session's day that ended BUILD_LAG_MS before now.
    let days = count(&db, "SELECT count(*) FROM rollup_days WHERE site_key = 'demo'");
    assert_eq!(days, 8, "11-01 (the first session's local day) to 11-08");
    assert_eq!(count(&db, "SELECT count(*) FROM rollup_days WHERE site_key <> 'demo'"), 0);
    assert_eq!(
        count(&db, "SELECT sum(sessions) FROM rollup_days"),
        count(
            &db,
            &format!(
                "SELECT count(*) FROM sessions WHERE site_key = 'demo' AND started_at < {}",
                midnight(8)
            )
        )
    );
    for bots in [false, true] {
        let s = Scope { from: midnight(1), to: midnight(8), ..scope(bots) };
        assert_eq!(same_as_raw(&db, &s), s.to - s.from, "wholly built");
        // Bounds inside days (UTC midnights), and a range reaching past the built days.
        let odd = scope(bots);
        let read = same_as_raw(&db, &odd);
        assert_eq!(read, 6 * MS_PER_DAY, "the partial days at both ends are read raw");
        let edge = Scope { from: midnight(6), to: T0 + 10 * MS_PER_DAY, ..scope(bots) };
        assert_eq!(same_as_raw(&db, &edge), 2 * MS_PER_DAY);
    }
}

#[test]
fn a_changed_session_makes_its_day_read_raw_until_the_next_build() {
    let (db, _) = seeded();
    let now = T0 + 9 * MS_PER_DAY;
    build_all(&db, 70, now);
    let s = Scope { from: midnight(1), to: midnight(8), ..scope(false) };
    let full = s.to - s.from;
    // A late session on day 2, a visitor key changed on day 4, a session turned bot on day 6,
    // and a pageview count changed on day 7.
    db.execute_batch(&format!(
        "INSERT INTO sessions (id, site_key, started_at, received_at, last_seen_at, r2_prefix, landing_url, visitor_key, page_views)
           VALUES ('late', 'demo', {}, 0, 0, 'x/', 'https://shop.example/', 'v-new', 4);
         UPDATE sessions SET visitor_key = 'v-other' WHERE id = (SELECT id FROM sessions WHERE site_key = 'demo'
           AND started_at >= {} AND started_at < {} ORDER BY started_at LIMIT 1);
         UPDATE sessions SET suspicion_score = 95 WHERE id = (SELECT id FROM sessions WHERE site_key = 'demo'
           AND started_at >= {} AND started_at < {} AND suspicion_score < 70 ORDER BY started_at LIMIT 1);
         UPDATE sessions SET page_views = page_views + 3 WHERE id = (SELECT id FROM sessions WHERE site_key = 'demo'
           AND started_at >= {} AND started_at < {} ORDER BY started_at LIMIT 1);",
        midnight(2) + 5 * H,
        midnight(4),
        midnight(5),
        midnight(6),
        midnight(7),
        midnight(7),
        midnight(8),
    ))
    .unwrap();
    // A write that changes no counted column marks nothing.
    db.execute_batch("UPDATE sessions SET lead_count = lead_count + 1, page_views = page_views WHERE site_key = 'demo'")
        .unwrap();
    let dirty: Vec<Value> = rows_json(
        &db,
        &crate::sql::Query::new(
            "SELECT day_start FROM rollup_days WHERE dirty = 1 ORDER BY day_start",
            vec![],
        ),
    );
    let want: Vec<Value> =
        [2, 4, 6, 7].iter().map(|d| serde_json::json!({ "day_start": midnight(*d) })).collect();
    assert_eq!(dirty, want, "the changed days are dirty");
    for bots in [false, true] {
        let s = Scope { from: midnight(1), to: midnight(8), ..scope(bots) };
        assert_eq!(same_as_raw(&db, &s), full - 4 * MS_PER_DAY, "dirty days are read raw");
    }
    // The next run rebuilds exactly the dirty days.
    assert_eq!(cron(&db, 70, now), 4);
    assert_eq!(count(&db, "SELECT count(*) FROM rollup_days WHERE dirty = 1"), 0);
    for bots in [false, true] {
        let s = Scope { from: midnight(1), to: midnight(8), ..scope(bots) };
        assert_eq!(same_as_raw(&db, &s), full);
    }
    assert_eq!(cron(&db, 70, now), 0, "nothing left to do");
}

#[test]
fn days_built_under_another_threshold_are_read_raw_then_rebuilt() {
    let (db, _) = seeded();
    let now = T0 + 9 * MS_PER_DAY;
    build_all(&db, 70, now);
    let s = Scope { from: midnight(1), to: midnight(8), bot_threshold: Some(30), ..scope(false) };
    assert_eq!(same_as_raw(&db, &s), 0, "built for 70, asked for 30");
    let bots_in = Scope { bot_threshold: None, ..s.clone() };
    assert_eq!(same_as_raw(&db, &bots_in), s.to - s.from, "bots included: any threshold");
    assert_eq!(cron(&db, 30, now), rollup_days::DIRTY_DAYS_PER_RUN as usize);
    build_all(&db, 30, now);
    assert_eq!(same_as_raw(&db, &s), s.to - s.from);
}

#[test]
fn a_site_without_sessions_builds_no_days() {
    let (db, _) = seeded();
    let state: Vec<State> = rows(&db, &rollup_days::build_state("nobody", ZONE));
    assert_eq!((state[0].last_end, state[0].first_session), (None, None));
    let s = Scope { site: "nobody".into(), ..scope(false) };
    assert!(rows::<Day>(&db, &rollup_days::built_days(&s, ZONE)).is_empty());
}
