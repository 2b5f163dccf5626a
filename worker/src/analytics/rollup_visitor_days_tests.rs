//! The visitor-date rollups on SQLite with the real migrations (triggers included): built the way
//! the cron builds them, the visitor day series through them is checked against the raw series on
//! the same rows and against dates computed here, for sessions in far-apart zones (+14:00,
//! -12:00, +5:45, zones changing their offset) near the range edges, before and after late
//! changes, with and without bots, and under a changed threshold.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::Deserialize;
use serde_json::Value;

use super::native_tests::{migrated, rows, rows_json, run};
use super::rollup::BUILD_LAG_MS;
use super::rollup_days::Day;
use super::rollup_visitor_days as vd;
use super::sql::{self, Scope};
use super::tz::{Fixed, MS_PER_HOUR as H, Offsets, Zone};
use crate::store::r2_keys::MS_PER_DAY;

const SITE: &str = "demo";
/// The site's zone (sessions without a known zone use it).
const ZONE: &str = "Europe/Berlin";
/// 2025-11-01T00:00:00Z.
const T0: u64 = 1_761_955_200_000;
/// Berlin fell back from +2 h to +1 h at 2025-10-26T01:00Z.
const BERLIN_FALL: u64 = T0 - 6 * MS_PER_DAY + H;
/// New York fell back from -4 h to -5 h at 2025-11-02T06:00Z.
const NEW_YORK_FALL: u64 = T0 + MS_PER_DAY + 6 * H;
/// The seeded sessions start within `[FIRST, LAST)`.
const FIRST: u64 = T0 - 10 * MS_PER_DAY;
const LAST: u64 = T0 + 10 * MS_PER_DAY;

/// A zone that falls back from `before` to `after` at `at`.
struct FallBack {
    at: u64,
    before: i64,
    after: i64,
}

impl Zone for FallBack {
    fn offset_at(&self, utc: u64) -> i64 {
        if utc < self.at { self.before } else { self.after }
    }
}

/// The zones these tests know, as the runtime would; others are unknown (the site's zone).
fn zone(name: &str) -> Option<Box<dyn Zone>> {
    let h = H as i64;
    Some(match name {
        "UTC" => Box::new(Fixed(0)),
        "Pacific/Kiritimati" => Box::new(Fixed(14 * h)),
        "Etc/GMT+12" => Box::new(Fixed(-12 * h)),
        "Asia/Kathmandu" => Box::new(Fixed(5 * h + 45 * 60_000)),
        "America/New_York" => {
            Box::new(FallBack { at: NEW_YORK_FALL, before: -4 * h, after: -5 * h })
        }
        "Europe/Berlin" => Box::new(FallBack { at: BERLIN_FALL, before: 2 * h, after: h }),
        _ => return None,
    })
}

const ZONES: [Option<&str>; 8] = [
    Some("Pacific/Kiritimati"),
    Some("Etc/GMT+12"),
    Some("Asia/Kathmandu"),
    Some("America/New_York"),
    Some("Europe/Berlin"),
    Some("UTC"),
    None,
    Some("Mars/Olympus"),
];

/// A seeded session.
#[derive(Clone, Debug)]
struct S {
    id: String,
    started_at: u64,
    visitor: Option<String>,
    page_views: u64,
    suspicion: u32,
    timezone: Option<&'static str>,
}

impl S {
    /// Its local date, computed here.
    fn bucket(&self) -> i64 {
        let z = self.timezone.and_then(zone).unwrap_or_else(|| zone(ZONE).unwrap());
        (self.started_at.saturating_add_signed(z.offset_at(self.started_at)) / MS_PER_DAY) as i64
    }
}

fn insert(db: &Connection, s: &S) {
    db.execute(
        "INSERT INTO sessions (id, site_key, started_at, received_at, last_seen_at, r2_prefix, landing_url,
           visitor_key, page_views, suspicion_score, timezone)
         VALUES (?1, ?2, ?3, ?3, ?3, 'x/', 'https://demo.example/', ?4, ?5, ?6, ?7)",
        rusqlite::params![s.id, SITE, s.started_at, s.visitor, s.page_views, s.suspicion, s.timezone],
    )
    .unwrap();
}

/// Random sessions over `[FIRST, LAST)` in every zone, and sessions on the instants where a date
/// begins in the far zones (and one millisecond before), near every midnight.
fn seeded() -> (Connection, Vec<S>) {
    let db = migrated();
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut out = Vec::new();
    for i in 0..2_000 {
        out.push(S {
            id: format!("r{i}"),
            started_at: FIRST + next(LAST - FIRST),
            visitor: (next(6) != 0).then(|| format!("v{}", next(150))),
            page_views: 1 + next(6),
            suspicion: next(100) as u32,
            timezone: ZONES[next(ZONES.len() as u64) as usize],
        });
    }
    let mut i = 0;
    for day in 0..20 {
        let midnight = FIRST + day * MS_PER_DAY;
        for (name, offset) in
            [("Pacific/Kiritimati", 14 * H as i64), ("Etc/GMT+12", -12 * H as i64)]
        {
            let start = midnight.saturating_add_signed(-offset);
            for t in [start - 1, start, start + 1] {
                i += 1;
                out.push(S {
                    id: format!("e{i}"),
                    started_at: t,
                    visitor: Some(format!("e{}", i % 7)),
                    page_views: 1 + i % 3,
                    suspicion: (i * 37 % 100) as u32,
                    timezone: Some(name),
                });
            }
        }
    }
    for s in &out {
        insert(&db, s);
    }
    (db, out)
}

#[derive(Deserialize)]
struct ZoneRow {
    timezone: String,
}

/// The offsets SQL of the zones `zones_q` finds, as `reports::visitor_offsets` writes it.
fn offset_sql(db: &Connection, zones_q: &crate::sql::Query, from: u64, to: u64) -> String {
    let found: Vec<ZoneRow> = rows(db, zones_q);
    let zones: Vec<(String, String)> = found
        .into_iter()
        .filter_map(|r| {
            let z = zone(&r.timezone)?;
            Some((r.timezone, Offsets::over(z.as_ref(), from, to).sql("started_at")))
        })
        .collect();
    let site = Offsets::over(zone(ZONE).unwrap().as_ref(), from, to).sql("started_at");
    sql::visitor_offset_sql(&zones, &site)
}

#[derive(Deserialize)]
struct State {
    last_bucket: Option<i64>,
    first_session: Option<u64>,
}

/// One cron run's visitor-date part at `now`, as `jobs::rollup` runs it; the dates it built.
fn cron(db: &Connection, threshold: u32, now: u64) -> usize {
    let state: Vec<State> = rows(db, &vd::build_state(SITE, ZONE));
    let stale: Vec<Day> = rows(db, &vd::stale_days(SITE, ZONE, threshold, vd::DIRTY_DAYS_PER_RUN));
    let fresh = vd::plan(state[0].last_bucket, state[0].first_session, now);
    let days: Vec<Day> = stale.iter().chain(&fresh).copied().collect();
    let Some((start, end)) = vd::windows(&days) else { return 0 };
    let all = Scope { site: SITE.to_owned(), from: start, to: end, bot_threshold: None };
    let offsets = offset_sql(db, &sql::visitor_zones(&all, 100), start, end);
    let tx = db.unchecked_transaction().unwrap();
    for d in &days {
        run(db, &vd::rebuild(SITE, ZONE, *d, &offsets, threshold, now));
    }
    tx.commit().unwrap();
    days.len()
}

fn build_all(db: &Connection, threshold: u32, now: u64) -> usize {
    let mut runs = 0;
    while cron(db, threshold, now) > 0 {
        runs += 1;
        assert!(runs < 100, "the build never ends");
    }
    runs
}

fn scope(from: u64, to: u64, bots: Option<u32>) -> Scope {
    Scope { site: SITE.to_owned(), from, to, bot_threshold: bots }
}

/// The raw visitor series (the report without rollups).
fn raw_series(db: &Connection, s: &Scope) -> Vec<Value> {
    let offsets = offset_sql(db, &sql::visitor_zones(s, 100), s.from, s.to);
    rows_json(db, &sql::timeseries(s, &offsets, MS_PER_DAY))
}

/// The series as the report reads it (`reports::visitor_days`); how many dates came from rollups.
fn series(db: &Connection, s: &Scope) -> (Vec<Value>, i64) {
    let days: Vec<Day> = rows(db, &vd::built_days(s, ZONE));
    let split = vd::split(s, &days);
    if split.built.is_empty() {
        return (raw_series(db, s), 0);
    }
    let site = Offsets::over(zone(ZONE).unwrap().as_ref(), s.from, s.to).sql("started_at");
    let offsets = if split.raw.is_empty() {
        site
    } else {
        offset_sql(db, &vd::raw_zones(s, &split, 100), s.from, s.to)
    };
    let got = rows_json(db, &vd::timeseries(s, ZONE, &split, &offsets));
    (got, split.built.iter().map(|(a, b)| b - a + 1).sum())
}

/// The series through the rollups equals the raw one; returns the dates read from rollups.
fn same_as_raw(db: &Connection, s: &Scope) -> i64 {
    let raw = raw_series(db, s);
    assert!(!raw.is_empty());
    let (got, built) = series(db, s);
    assert_eq!(got, raw, "{s:?}");
    built
}

/// Sessions and pageviews per date, computed here from the seeds.
fn expected(seeds: &[S], s: &Scope) -> BTreeMap<i64, (u64, u64)> {
    let mut out = BTreeMap::new();
    for x in seeds.iter().filter(|x| x.started_at >= s.from && x.started_at < s.to) {
        if s.bot_threshold.is_some_and(|t| x.suspicion >= t) {
            continue;
        }
        let e = out.entry(x.bucket()).or_insert((0, 0));
        e.0 += 1;
        e.1 += x.page_views;
    }
    out
}

fn counted(rows: &[Value]) -> BTreeMap<i64, (u64, u64)> {
    rows.iter()
        .map(|r| {
            let n = |k: &str| r[k].as_u64().unwrap();
            (r["bucket"].as_i64().unwrap(), (n("sessions"), n("pageviews")))
        })
        .collect()
}

/// Ranges over the seeded span: aligned to UTC and to Berlin midnights, and cut anywhere.
fn ranges() -> Vec<(u64, u64)> {
    vec![
        (FIRST, LAST),
        (T0 - 7 * MS_PER_DAY - H, T0 + 5 * MS_PER_DAY - H),
        (T0 - 3 * MS_PER_DAY + 1_234_567, T0 + 4 * MS_PER_DAY + 7 * H + 1),
        (T0 - 9 * MS_PER_DAY + 14 * H, T0 + 8 * MS_PER_DAY + 12 * H),
        (T0 - 9 * MS_PER_DAY + 14 * H - 1, T0 + 8 * MS_PER_DAY + 12 * H + 1),
        (T0, T0 + 3 * MS_PER_DAY),
    ]
}

#[test]
fn the_visitor_series_through_the_rollups_is_the_raw_series() {
    let (db, seeds) = seeded();
    let now = LAST + 3 * MS_PER_DAY;
    let runs = build_all(&db, 70, now);
    assert!(runs >= 3, "a bounded number of dates per run: {runs}");
    let (built, dirty): (i64, i64) = db
        .query_row("SELECT count(*), coalesce(sum(dirty), 0) FROM rollup_visitor_days", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    // From the date of the first session (FIRST - 14 h - 1 ms) at -12:00, two days before FIRST's,
    // to the last date whose window ended by `now`: the 20 days of the sessions and four more.
    assert_eq!((built, dirty), (24, 0));
    let total: i64 =
        db.query_row("SELECT sum(sessions) FROM rollup_visitor_days", [], |r| r.get(0)).unwrap();
    assert_eq!(total as usize, seeds.len(), "each session on exactly one date");
    for (from, to) in ranges() {
        for bots in [None, Some(70)] {
            let s = scope(from, to, bots);
            let read = same_as_raw(&db, &s);
            if to - from > 4 * MS_PER_DAY {
                assert!(read > 0, "{s:?} reads rollups");
            }
            assert_eq!(counted(&series(&db, &s).0), expected(&seeds, &s), "{s:?}");
        }
    }
    // Another bot threshold than the build's: read raw, then rebuilt under it.
    let s = scope(FIRST, LAST, Some(50));
    assert_eq!(series(&db, &s).1, 0);
    assert_eq!(same_as_raw(&db, &s), 0);
    build_all(&db, 50, now);
    assert!(same_as_raw(&db, &s) > 10);
    assert_eq!(counted(&series(&db, &s).0), expected(&seeds, &s));
}

#[test]
fn late_changes_are_read_raw_until_rebuilt() {
    let (db, mut seeds) = seeded();
    let now = LAST + 3 * MS_PER_DAY;
    build_all(&db, 70, now);
    let s = scope(FIRST, LAST, None);
    let full = same_as_raw(&db, &s);
    // A session moves from +14:00 to -12:00 (its date moves back by a day or two), another gains
    // pageviews, a third is deleted, a late one arrives, a fifth turns out to be a bot.
    let moved = seeds.iter().position(|x| x.timezone == Some("Pacific/Kiritimati")).unwrap();
    db.execute("UPDATE sessions SET timezone = 'Etc/GMT+12' WHERE id = ?1", [&seeds[moved].id])
        .unwrap();
    seeds[moved].timezone = Some("Etc/GMT+12");
    db.execute("UPDATE sessions SET page_views = page_views + 5 WHERE id = ?1", [&seeds[10].id])
        .unwrap();
    seeds[10].page_views += 5;
    db.execute("DELETE FROM sessions WHERE id = ?1", [&seeds[20].id]).unwrap();
    seeds.remove(20);
    let late = S {
        id: "late".into(),
        started_at: T0 + 2 * H,
        visitor: Some("new".into()),
        page_views: 3,
        suspicion: 1,
        timezone: Some("Asia/Kathmandu"),
    };
    insert(&db, &late);
    seeds.push(late);
    db.execute("UPDATE sessions SET suspicion_score = 99 WHERE id = ?1", [&seeds[30].id]).unwrap();
    seeds[30].suspicion = 99;

    let dirty: i64 = db
        .query_row("SELECT count(*) FROM rollup_visitor_days WHERE dirty = 1", [], |r| r.get(0))
        .unwrap();
    assert!(dirty >= 5, "every date whose window holds a changed session: {dirty}");
    for bots in [None, Some(70)] {
        let s = scope(FIRST, LAST, bots);
        assert!(same_as_raw(&db, &s) < full, "the dirty dates read raw");
        assert_eq!(counted(&series(&db, &s).0), expected(&seeds, &s));
    }
    let rebuilt = cron(&db, 70, now);
    assert_eq!(rebuilt as i64, dirty.min(i64::from(vd::DIRTY_DAYS_PER_RUN)));
    build_all(&db, 70, now);
    for bots in [None, Some(70)] {
        let s = scope(FIRST, LAST, bots);
        assert_eq!(same_as_raw(&db, &s), full, "rebuilt");
        assert_eq!(counted(&series(&db, &s).0), expected(&seeds, &s));
    }
}

#[test]
fn recent_dates_wait_for_their_window_to_end() {
    let (db, _) = seeded();
    // Two days after the last session's UTC day: the last dates' windows have not ended yet.
    let now = LAST + 12 * H + BUILD_LAG_MS;
    build_all(&db, 70, now);
    let last: i64 =
        db.query_row("SELECT max(day_end) FROM rollup_visitor_days", [], |r| r.get(0)).unwrap();
    assert!(last as u64 + BUILD_LAG_MS <= now);
    let s = scope(FIRST, LAST + MS_PER_DAY, None);
    assert!(same_as_raw(&db, &s) > 0);
}
