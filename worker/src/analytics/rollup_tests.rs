//! The hourly rollups on SQLite with the real migrations (triggers included): built the way the
//! cron builds them, every rollup-backed answer is checked against the raw answer on the same
//! rows, before and after late changes, with and without bots.

use rusqlite::Connection;
use serde::Deserialize;
use serde_json::Value;

use super::native_tests::{SITE, T0, rows, rows_json, run, scope, seeded};
use super::rollup::{self, Split};
use super::sql::{self, Scope};
use super::tz::MS_PER_HOUR as H;
use crate::store::r2_keys::MS_PER_DAY;

#[derive(Deserialize)]
struct State {
    last_hour: Option<u64>,
    first_session: Option<u64>,
}

#[derive(Deserialize)]
struct Hour {
    hour: u64,
}

/// One cron run for `site` at `now`, as `jobs::rollup` runs it; returns the hours it built.
fn cron(db: &Connection, site: &str, now: u64) -> u64 {
    let state: Vec<State> = rows(db, &rollup::build_state(site));
    let dirty: Vec<Hour> = rows(db, &rollup::dirty_hours(site, rollup::DIRTY_PER_RUN));
    let dirty: Vec<u64> = dirty.into_iter().map(|h| h.hour).collect();
    let mut built = 0;
    for span in rollup::plan(state[0].last_hour, state[0].first_session, &dirty, now) {
        let tx = db.unchecked_transaction().unwrap();
        for q in rollup::rebuild(site, span, now) {
            run(db, &q);
        }
        tx.commit().unwrap();
        built += (span.1 - span.0) / H;
    }
    built
}

/// Runs the cron until it has nothing left to build.
fn build_all(db: &Connection, now: u64) -> u64 {
    let mut runs = 0;
    while cron(db, SITE, now) > 0 {
        runs += 1;
        assert!(runs < 1000, "the build never ends");
    }
    runs
}

fn split_of(db: &Connection, s: &Scope) -> Split {
    let hours: Vec<Hour> = rows(db, &rollup::built_hours(s));
    rollup::split(s.from, s.to, &hours.into_iter().map(|h| h.hour).collect::<Vec<_>>())
}

/// Both reports through the rollups equal the raw statements' rows, in order; returns how much of
/// the range was read from rollups.
fn same_as_raw(db: &Connection, s: &Scope) -> u64 {
    let split = split_of(db, s);
    for limit in [100, 3] {
        let raw = rows_json(db, &sql::top_pages(s, limit));
        assert!(!raw.is_empty());
        assert_eq!(rows_json(db, &rollup::top_pages(s, &split, limit)), raw, "{s:?} {split:?}");
    }
    let raw = rows_json(db, &sql::custom_events(s));
    assert!(!raw.is_empty());
    assert_eq!(rows_json(db, &rollup::custom_events(s, &split)), raw, "{s:?} {split:?}");
    split.built.iter().map(|(a, b)| b - a).sum()
}

fn count(db: &Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn rollup_backed_answers_equal_the_raw_answers() {
    let (db, _) = seeded();
    let now = T0 + 9 * MS_PER_DAY;
    let runs = build_all(&db, now);
    assert!(runs >= 9 * 24 / rollup::HOURS_PER_RUN, "bounded per run: {runs}");
    assert_eq!(count(&db, "SELECT count(*) FROM rollup_hours WHERE dirty = 1"), 0);
    // Only the hours that ended BUILD_LAG_MS before now.
    let last: i64 = count(&db, "SELECT max(hour) FROM rollup_hours");
    assert_eq!(last as u64, rollup::hour_of(now - rollup::BUILD_LAG_MS) - H);
    // The rollups hold every view of the site, once.
    assert_eq!(
        count(&db, "SELECT sum(views) FROM rollup_pages WHERE site_key = 'demo'"),
        count(
            &db,
            &format!(
                "SELECT sum(views) FROM session_pages WHERE site_key = 'demo' AND started_at < {last} + 3600000"
            )
        )
    );
    assert_eq!(count(&db, "SELECT count(*) FROM rollup_pages WHERE site_key <> 'demo'"), 0);
    for bots in [false, true] {
        let s = scope(bots);
        assert_eq!(same_as_raw(&db, &s), s.to - s.from, "wholly built");
        // Bounds inside hours, and a range reaching past the built hours.
        let odd = Scope { from: s.from + 17 * 60_000, to: s.to - 5 * 60_000, ..s.clone() };
        let read = same_as_raw(&db, &odd);
        assert!(read > 0 && read < odd.to - odd.from);
        let edge = Scope { from: T0 + 6 * MS_PER_DAY + 1, to: T0 + 10 * MS_PER_DAY, ..s.clone() };
        let read = same_as_raw(&db, &edge);
        assert!(read > 0 && read < edge.to - edge.from);
    }
}

#[test]
fn a_late_change_is_read_raw_until_the_next_build() {
    let (db, _) = seeded();
    let now = T0 + 9 * MS_PER_DAY;
    build_all(&db, now);
    let s = scope(true);
    let full = s.to - s.from;
    // A late session in a built hour, and an existing session's pages rewritten (as the aggregate
    // update does), and a session turned into a bot after the build.
    let late_at = s.from + 30 * H + 12;
    db.execute_batch(&format!(
        "INSERT INTO sessions (id, site_key, started_at, received_at, last_seen_at, r2_prefix, landing_url)
           VALUES ('late', 'demo', {late_at}, 0, 0, 'x/', 'https://shop.example/');
         INSERT INTO session_pages (session_id, site_key, started_at, path, views)
           VALUES ('late', 'demo', {late_at}, '/late', 7), ('late', 'demo', {late_at}, '/pricing', 2);
         INSERT INTO session_events (session_id, site_key, started_at, name, prop_key, prop_value, count)
           VALUES ('late', 'demo', {late_at}, 'late_signup', '', '', 3);"
    ))
    .unwrap();
    let rewritten: (String, u64) = db
        .query_row(
            &format!("SELECT session_id, started_at FROM session_pages WHERE site_key = 'demo' AND started_at >= {} ORDER BY started_at LIMIT 1", s.from + 50 * H),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    db.execute("DELETE FROM session_pages WHERE session_id = ?1", rusqlite::params![rewritten.0])
        .unwrap();
    db.execute(
        "INSERT INTO session_pages (session_id, site_key, started_at, path, views) VALUES (?1, 'demo', ?2, '/contact', 9)",
        rusqlite::params![rewritten.0, rewritten.1],
    )
    .unwrap();
    db.execute_batch(&format!(
        "UPDATE sessions SET suspicion_score = 95 WHERE id IN (SELECT session_id FROM session_pages
           WHERE site_key = 'demo' AND started_at >= {} ORDER BY started_at LIMIT 3)",
        s.from + 80 * H
    ))
    .unwrap();
    let dirty: Vec<Value> = rows_json(
        &db,
        &crate::sql::Query::new(
            "SELECT hour FROM rollup_hours WHERE dirty = 1 ORDER BY hour",
            vec![],
        ),
    );
    let want: Vec<Value> = {
        let mut h = vec![rollup::hour_of(late_at), rollup::hour_of(rewritten.1)];
        h.sort_unstable();
        h.dedup();
        h.into_iter().map(|h| serde_json::json!({ "hour": h })).collect()
    };
    assert_eq!(dirty, want, "the changed hours are dirty");
    for bots in [false, true] {
        let s = scope(bots);
        let read = same_as_raw(&db, &s);
        assert_eq!(read, full - want.len() as u64 * H, "dirty hours are read raw");
    }
    // The next run rebuilds exactly the dirty hours, and the rollups cover the range again.
    assert_eq!(cron(&db, SITE, now), want.len() as u64);
    assert_eq!(count(&db, "SELECT count(*) FROM rollup_hours WHERE dirty = 1"), 0);
    for bots in [false, true] {
        assert_eq!(same_as_raw(&db, &scope(bots)), full);
    }
    assert_eq!(cron(&db, SITE, now), 0, "nothing left to do");
}

#[test]
fn a_site_without_sessions_builds_nothing_and_reads_raw() {
    let (db, _) = seeded();
    assert_eq!(cron(&db, "nobody", T0 + 9 * MS_PER_DAY), 0);
    let s = Scope { site: "nobody".into(), ..scope(false) };
    assert_eq!(split_of(&db, &s), Split { built: vec![], raw: vec![(s.from, s.to)] });
}

#[test]
fn the_bots_of_a_built_span_are_read_from_their_own_index_then_by_key() {
    let (db, _) = seeded();
    build_all(&db, T0 + 9 * MS_PER_DAY);
    let s = scope(false);
    let split = split_of(&db, &s);
    // Without statistics, as on D1, and with them.
    let queries = [rollup::top_pages(&s, &split, 100), rollup::custom_events(&s, &split)];
    let mut plans: Vec<Vec<String>> =
        queries.iter().map(|q| super::native_tests::plan(&db, q)).collect();
    db.execute_batch("ANALYZE").unwrap();
    plans.extend(queries.iter().map(|q| super::native_tests::plan(&db, q)));
    for steps in plans {
        let text = steps.join("\n");
        assert!(text.contains("USING COVERING INDEX idx_sessions_bots"), "{text}");
        assert!(
            steps.iter().any(|st| st.contains("SEARCH r USING") && st.contains("(session_id=?)")),
            "{text}"
        );
    }
}
