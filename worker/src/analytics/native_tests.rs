//! The analytics SQL run natively on SQLite with the real migrations: every report checked
//! against numbers computed here from the seeded rows, and every statement's query plan checked
//! for full scans.

use std::collections::{BTreeMap, BTreeSet};

use pulsegate_schema::{BotFilter, ReportRange, SessionId, SiteKey};
use rusqlite::Connection;
use rusqlite::types::Value as Sql;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::rollup;
use super::shape::{
    self, BucketRow, CampaignDbRow, DimensionRow, EventDbRow, MedianRow, PageDbRow, SummaryRow,
    TotalsRow,
};
use super::sql::{self, Dimension, Scope, SessionFilters};
use super::tz::{Fixed, Offsets};
use crate::sql::{Query, SqlValue};
use crate::store::r2_keys::MS_PER_DAY;

/// A fresh in-memory database with every migration applied, in order.
pub(crate) fn migrated() -> Connection {
    let db = Connection::open_in_memory().unwrap();
    db.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for f in files.iter().filter(|f| f.extension().is_some_and(|e| e == "sql")) {
        db.execute_batch(&std::fs::read_to_string(f).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
    }
    db
}

pub(crate) fn bind(q: &Query) -> Vec<Sql> {
    q.params
        .iter()
        .map(|p| match p {
            SqlValue::Null => Sql::Null,
            SqlValue::Int(i) => Sql::Integer(*i),
            SqlValue::Text(t) => Sql::Text(t.clone()),
        })
        .collect()
}

/// Runs `q` and returns its rows as JSON objects (as D1 returns them).
pub(crate) fn rows_json(db: &Connection, q: &Query) -> Vec<Value> {
    let mut stmt = db.prepare(&q.sql).unwrap_or_else(|e| panic!("{e}\n{}", q.sql));
    let names: Vec<String> = stmt.column_names().iter().map(|s| (*s).to_owned()).collect();
    let rows = stmt
        .query_map(rusqlite::params_from_iter(bind(q)), |row| {
            let mut obj = Map::new();
            for (i, name) in names.iter().enumerate() {
                let v = match row.get::<_, Sql>(i)? {
                    Sql::Null => Value::Null,
                    Sql::Integer(n) => Value::from(n),
                    Sql::Real(f) => Value::from(f),
                    Sql::Text(t) => Value::from(t),
                    Sql::Blob(_) => Value::Null,
                };
                obj.insert(name.clone(), v);
            }
            Ok(Value::Object(obj))
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

pub(crate) fn rows<T: DeserializeOwned>(db: &Connection, q: &Query) -> Vec<T> {
    rows_json(db, q).into_iter().map(|v| serde_json::from_value(v).unwrap()).collect()
}

pub(crate) fn run(db: &Connection, q: &Query) -> usize {
    db.execute(&q.sql, rusqlite::params_from_iter(bind(q))).unwrap()
}

/// Every step of `EXPLAIN QUERY PLAN`.
pub(crate) fn plan(db: &Connection, q: &Query) -> Vec<String> {
    let explain = Query::new(format!("EXPLAIN QUERY PLAN {}", q.sql), q.params.clone());
    rows_json(db, &explain).into_iter().map(|r| r["detail"].as_str().unwrap().to_owned()).collect()
}

/// A seeded session, as the test knows it.
#[derive(Clone, Debug)]
pub(crate) struct Seed {
    pub(crate) id: String,
    pub(crate) started_at: u64,
    visitor: Option<String>,
    page_views: u64,
    duration_ms: u64,
    engaged_ms: u64,
    landing: &'static str,
    exit: &'static str,
    referrer: Option<&'static str>,
    country: &'static str,
    device: &'static str,
    browser: &'static str,
    os: &'static str,
    utm: Option<(&'static str, &'static str, &'static str)>,
    engagement: u32,
    suspicion: u32,
    leads: u64,
    pages: Vec<(&'static str, u64)>,
    events: Vec<(&'static str, &'static str, &'static str, u64)>,
    timezone: &'static str,
}

pub(crate) const T0: u64 = 1_761_955_200_000; // 2025-11-01T00:00:00Z
pub(crate) const SITE: &str = "demo";

/// 400 sessions over ten days, from a fixed-seed generator, plus 30 of another site.
fn seeds() -> Vec<Seed> {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    };
    let paths = ["/", "/pricing", "/blog/solar", "/contact", "/about"];
    let referrers = [None, Some("search.example"), Some("news.example")];
    let countries = ["DE", "US", "FR"];
    let devices = [
        ("desktop", "Chrome", "Windows"),
        ("mobile", "Safari", "iOS"),
        ("tablet", "Firefox", "Android"),
    ];
    let utms = [None, Some(("newsletter", "email", "spring")), Some(("ads", "cpc", "brand"))];
    let zones = ["Europe/Berlin", "UTC", "America/New_York"];
    (0..430)
        .map(|i| {
            let pv = next(5);
            let mut pages: Vec<(&'static str, u64)> = Vec::new();
            for k in 0..pv {
                let p = paths[((i + k * 3) % 5) as usize];
                match pages.iter_mut().find(|(q, _)| *q == p) {
                    Some((_, v)) => *v += 1,
                    None => pages.push((p, 1)),
                }
            }
            let events = match next(4) {
                0 => vec![("signup", "", "", 1), ("signup", "plan", "\"pro\"", 1)],
                1 => vec![
                    ("signup", "", "", 2),
                    ("signup", "plan", "\"free\"", 2),
                    ("download", "", "", 1),
                ],
                _ => vec![],
            };
            let (device, browser, os) = devices[next(3) as usize];
            Seed {
                id: SessionId::from_random_bytes([
                    (i % 256) as u8,
                    (i / 256) as u8,
                    1,
                    2,
                    3,
                    4,
                    5,
                    6,
                    7,
                    8,
                    9,
                    10,
                    11,
                    12,
                    13,
                    14,
                ])
                .to_string(),
                started_at: T0 + next(10 * MS_PER_DAY),
                visitor: (next(5) != 0).then(|| format!("v{}", next(120))),
                page_views: pv,
                duration_ms: next(600) * 1000,
                engaged_ms: next(300) * 1000,
                landing: pages.first().map_or("/", |p| p.0),
                exit: pages.last().map_or("/", |p| p.0),
                referrer: referrers[next(3) as usize],
                country: countries[next(3) as usize],
                device,
                browser,
                os,
                utm: utms[next(3) as usize],
                engagement: next(101) as u32,
                suspicion: if next(10) == 0 { 90 } else { next(40) as u32 },
                leads: u64::from(next(15) == 0),
                pages,
                events,
                timezone: zones[next(3) as usize],
            }
        })
        .collect()
}

fn site_of(i: usize) -> &'static str {
    if i < 400 { SITE } else { "other" }
}

pub(crate) fn seeded() -> (Connection, Vec<Seed>) {
    let db = migrated();
    let all = seeds();
    for (i, s) in all.iter().enumerate() {
        let site = site_of(i);
        db.execute(
            "INSERT INTO sessions (id, site_key, started_at, received_at, last_seen_at, r2_prefix, landing_url,
               visitor_key, page_views, duration_ms, engaged_ms, landing_path, exit_path, referrer_host, country,
               device_class, browser, os, utm_source, utm_medium, utm_campaign, engagement_score, suspicion_score,
               lead_count, timezone, event_count)
             VALUES (?1, ?2, ?3, ?3, ?3, 'sessions/x/', 'https://shop.example/', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
               ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
            rusqlite::params![
                s.id, site, s.started_at, s.visitor, s.page_views, s.duration_ms, s.engaged_ms, s.landing, s.exit,
                s.referrer, s.country, s.device, s.browser, s.os, s.utm.map(|u| u.0), s.utm.map(|u| u.1),
                s.utm.map(|u| u.2), s.engagement, s.suspicion, s.leads, s.timezone, s.page_views * 3
            ],
        )
        .unwrap();
        for (path, views) in &s.pages {
            db.execute(
                "INSERT INTO session_pages (session_id, site_key, started_at, path, views) VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![s.id, site, s.started_at, path, views],
            )
            .unwrap();
        }
        for (name, key, value, count) in &s.events {
            db.execute(
                "INSERT INTO session_events (session_id, site_key, started_at, name, prop_key, prop_value, count)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                rusqlite::params![s.id, site, s.started_at, name, key, value, count],
            )
            .unwrap();
        }
    }
    (db, all.into_iter().take(400).collect())
}

pub(crate) fn scope(bots: bool) -> Scope {
    Scope {
        site: SITE.to_owned(),
        from: T0 + MS_PER_DAY,
        to: T0 + 8 * MS_PER_DAY,
        bot_threshold: (!bots).then_some(70),
    }
}

fn range(s: &Scope) -> ReportRange {
    ReportRange {
        site: SiteKey::parse(&s.site).unwrap(),
        from: s.from,
        to: s.to,
        timezone: "UTC".into(),
        bots: if s.bot_threshold.is_some() { BotFilter::Exclude } else { BotFilter::Include },
    }
}

fn in_scope<'a>(seeds: &'a [Seed], s: &Scope) -> Vec<&'a Seed> {
    seeds
        .iter()
        .filter(|x| {
            x.started_at >= s.from
                && x.started_at < s.to
                && s.bot_threshold.is_none_or(|t| x.suspicion < t)
        })
        .collect()
}

pub(crate) fn visitor(x: &Seed) -> String {
    x.visitor.clone().unwrap_or_else(|| x.id.clone())
}

#[test]
fn overview_matches_the_seeded_sessions() {
    let (db, seeds) = seeded();
    for bots in [false, true] {
        let s = scope(bots);
        let mine = in_scope(&seeds, &s);
        let totals: Vec<TotalsRow> = rows(&db, &sql::overview(&s));
        let median: Vec<MedianRow> = rows(&db, &sql::median_duration(&s));
        let (o, csv) = shape::overview(range(&s), &totals[0], median.first());
        assert_eq!(o.sessions, mine.len() as u64);
        assert_eq!(
            o.visitors,
            mine.iter().map(|x| visitor(x)).collect::<BTreeSet<_>>().len() as u64
        );
        assert_eq!(o.pageviews, mine.iter().map(|x| x.page_views).sum::<u64>());
        let bounces = mine.iter().filter(|x| x.page_views <= 1).count() as u64;
        assert_eq!(o.bounce_rate, shape::ratio(bounces, o.sessions));
        let mut durations: Vec<u64> = mine.iter().map(|x| x.duration_ms).collect();
        durations.sort_unstable();
        assert_eq!(o.median_duration_ms, durations[(durations.len() - 1) / 2]);
        let engaged: u64 = mine.iter().map(|x| x.engaged_ms).sum();
        assert_eq!((o.total_engaged_ms, o.avg_engaged_ms), (engaged, engaged / o.sessions));
        assert_eq!(csv.rows.len(), 1);
        assert!(o.sessions > 100, "the range holds enough data to mean something");
    }
}

#[test]
fn an_empty_range_is_all_zeros() {
    let (db, _) = seeded();
    let s = Scope { site: "nobody".into(), ..scope(true) };
    let totals: Vec<TotalsRow> = rows(&db, &sql::overview(&s));
    let median: Vec<MedianRow> = rows(&db, &sql::median_duration(&s));
    let (o, _) = shape::overview(range(&s), &totals[0], median.first());
    assert_eq!(
        (o.sessions, o.visitors, o.pageviews, o.median_duration_ms, o.bounce_rate),
        (0, 0, 0, 0, 0.0)
    );
}

#[test]
fn time_series_buckets_in_utc_and_in_a_shifted_zone() {
    let (db, seeds) = seeded();
    let s = scope(true);
    for offset in [0_i64, 3_600_000, -18_000_000] {
        let offsets = Offsets::over(&Fixed(offset), s.from, s.to);
        let got: Vec<BucketRow> =
            rows(&db, &sql::timeseries(&s, &offsets.sql("started_at"), MS_PER_DAY));
        let buckets = shape::zone_buckets(&offsets, s.from, s.to, MS_PER_DAY);
        let (series, _) = shape::timeseries(
            range(&s),
            pulsegate_schema::Interval::Day,
            MS_PER_DAY,
            &buckets,
            &got,
        );
        let mut want: BTreeMap<u64, (u64, BTreeSet<String>, u64)> = BTreeMap::new();
        for x in in_scope(&seeds, &s) {
            let b = x.started_at.saturating_add_signed(offset) / MS_PER_DAY;
            let e = want.entry(b).or_default();
            e.0 += 1;
            e.1.insert(visitor(x));
            e.2 += x.page_views;
        }
        // A shifted zone straddles one more local day than the seven UTC days.
        assert_eq!(series.points.len(), if offset == 0 { 7 } else { 8 }, "offset {offset}");
        for p in &series.points {
            let bucket = (p.start.saturating_add_signed(offset)) / MS_PER_DAY;
            let (n, v, pv) = want.get(&bucket).cloned().unwrap_or_default();
            assert_eq!(
                (p.sessions, p.visitors, p.pageviews),
                (n, v.len() as u64, pv),
                "{} at {offset}",
                p.label
            );
        }
        assert_eq!(
            series.points.iter().map(|p| p.sessions).sum::<u64>(),
            in_scope(&seeds, &s).len() as u64
        );
    }
}

#[test]
fn visitor_zones_shift_each_session_by_its_own_offset() {
    let (db, seeds) = seeded();
    let s = scope(true);
    let zones: Vec<Value> = rows_json(&db, &sql::visitor_zones(&s, 100));
    assert_eq!(zones.len(), 3);
    let offset_of = |tz: &str| match tz {
        "Europe/Berlin" => 3_600_000_i64,
        "America/New_York" => -18_000_000,
        _ => 0,
    };
    let per_zone: Vec<(String, String)> = ["Europe/Berlin", "America/New_York", "Bad'Zone"]
        .iter()
        .map(|z| ((*z).to_owned(), offset_of(z).to_string()))
        .collect();
    let offset_sql = sql::visitor_offset_sql(&per_zone, "0");
    assert!(!offset_sql.contains("Bad'Zone"), "names of another shape are never inlined");
    let got: Vec<BucketRow> = rows(&db, &sql::timeseries(&s, &offset_sql, MS_PER_DAY));
    let mut want: BTreeMap<u64, u64> = BTreeMap::new();
    for x in in_scope(&seeds, &s) {
        *want
            .entry(x.started_at.saturating_add_signed(offset_of(x.timezone)) / MS_PER_DAY)
            .or_default() += 1;
    }
    let have: BTreeMap<u64, u64> = got.iter().map(|r| (r.bucket, r.sessions)).collect();
    assert_eq!(have, want);
}

#[test]
fn every_breakdown_counts_its_column() {
    let (db, seeds) = seeded();
    let s = scope(false);
    let mine = in_scope(&seeds, &s);
    for dim in Dimension::ALL {
        let got: Vec<DimensionRow> = rows(&db, &sql::breakdown(&s, dim, 1000));
        let (b, csv) = shape::breakdown(range(&s), dim, got);
        let value = |x: &Seed| -> Option<String> {
            match dim {
                Dimension::EntryPage => Some(x.landing.to_owned()),
                Dimension::ExitPage => Some(x.exit.to_owned()),
                Dimension::Referrer => x.referrer.map(str::to_owned),
                Dimension::Country => Some(x.country.to_owned()),
                Dimension::Device => Some(x.device.to_owned()),
                Dimension::Browser => Some(x.browser.to_owned()),
                Dimension::Os => Some(x.os.to_owned()),
            }
        };
        let mut want: BTreeMap<Option<String>, (u64, BTreeSet<String>, u64, u64)> = BTreeMap::new();
        for x in &mine {
            let e = want.entry(value(x)).or_default();
            e.0 += 1;
            e.1.insert(visitor(x));
            e.2 += x.page_views;
            e.3 += u64::from(x.page_views <= 1);
        }
        assert_eq!(b.rows.len(), want.len(), "{dim:?}");
        for r in &b.rows {
            let (n, v, pv, bounces) = &want[&r.value];
            assert_eq!(
                (r.sessions, r.visitors, r.pageviews, r.bounce_rate),
                (*n, v.len() as u64, *pv, shape::ratio(*bounces, *n)),
                "{dim:?} {:?}",
                r.value
            );
        }
        assert!(b.rows.windows(2).all(|w| w[0].sessions >= w[1].sessions), "most sessions first");
        assert_eq!(csv.rows.len(), b.rows.len());
        let limited: Vec<DimensionRow> = rows(&db, &sql::breakdown(&s, dim, 1));
        assert_eq!(limited.len(), 1);
    }
}

#[test]
fn campaigns_group_the_three_utm_fields() {
    let (db, seeds) = seeded();
    let s = scope(true);
    let got: Vec<CampaignDbRow> = rows(&db, &sql::campaigns(&s, 100));
    let (c, _) = shape::campaigns(range(&s), got);
    let mut want: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    for x in in_scope(&seeds, &s) {
        if let Some((a, b, cc)) = x.utm {
            *want.entry((a.into(), b.into(), cc.into())).or_default() += 1;
        }
    }
    let have: BTreeMap<(String, String, String), u64> = c
        .rows
        .iter()
        .map(|r| {
            (
                (r.source.clone().unwrap(), r.medium.clone().unwrap(), r.campaign.clone().unwrap()),
                r.sessions,
            )
        })
        .collect();
    assert_eq!(have, want);
}

#[test]
fn top_pages_sum_the_rollup_and_leave_bots_out() {
    let (db, seeds) = seeded();
    for bots in [false, true] {
        let s = scope(bots);
        let got: Vec<PageDbRow> = rows(&db, &sql::top_pages(&s, 100));
        let (p, _) = shape::pages(range(&s), got);
        let mut want: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
        for x in in_scope(&seeds, &s) {
            for (path, views) in &x.pages {
                let e = want.entry(path).or_default();
                e.0 += views;
                e.1 += 1;
            }
        }
        let have: BTreeMap<&str, (u64, u64)> =
            p.rows.iter().map(|r| (r.path.as_str(), (r.pageviews, r.sessions))).collect();
        assert_eq!(have, want, "bots included: {bots}");
        assert!(p.rows.windows(2).all(|w| w[0].pageviews >= w[1].pageviews));
    }
}

#[test]
fn custom_events_with_their_properties() {
    let (db, seeds) = seeded();
    let s = scope(false);
    let got: Vec<EventDbRow> = rows(&db, &sql::custom_events(&s));
    let (e, csv) = shape::events(range(&s), got);
    let mine = in_scope(&seeds, &s);
    let count = |name: &str, key: &str, value: &str| -> (u64, u64) {
        let hits: Vec<u64> = mine
            .iter()
            .filter_map(|x| {
                x.events
                    .iter()
                    .find(|ev| ev.0 == name && ev.1 == key && ev.2 == value)
                    .map(|ev| ev.3)
            })
            .collect();
        (hits.iter().sum(), hits.len() as u64)
    };
    let signup = e.events.iter().find(|ev| ev.name == "signup").unwrap();
    assert_eq!((signup.count, signup.sessions), count("signup", "", ""));
    let pro = signup.properties.iter().find(|p| p.value == "\"pro\"").unwrap();
    assert_eq!(pro.count, count("signup", "plan", "\"pro\"").0);
    let download = e.events.iter().find(|ev| ev.name == "download").unwrap();
    assert_eq!((download.count, download.sessions), count("download", "", ""));
    assert!(download.properties.is_empty());
    assert_eq!(e.events[0].name, "signup", "most frequent first");
    assert!(csv.rows.len() >= 4);
}

#[test]
fn the_sessions_list_pages_through_every_match_once() {
    let (db, seeds) = seeded();
    let s = scope(true);
    let filters = SessionFilters {
        min_engagement: Some(20),
        country: Some("DE".into()),
        ..SessionFilters::default()
    };
    let mut want: Vec<&Seed> = in_scope(&seeds, &s)
        .into_iter()
        .filter(|x| x.engagement >= 20 && x.country == "DE")
        .collect();
    want.sort_by(|a, b| b.started_at.cmp(&a.started_at).then(b.id.cmp(&a.id)));
    let mut seen: Vec<String> = Vec::new();
    let mut cursor = None;
    loop {
        let got: Vec<SummaryRow> = rows(&db, &sql::sessions_list(&s, &filters, cursor, 7));
        let (page, _) = shape::sessions(range(&s), got, 7).unwrap();
        assert!(page.sessions.len() <= 7);
        seen.extend(page.sessions.iter().map(|x| x.id.to_string()));
        match page.next_cursor {
            Some(c) => {
                let (ts, id) = c.split_once('.').unwrap();
                cursor = Some((ts.parse().unwrap(), SessionId(id.parse().unwrap())));
            }
            None => break,
        }
    }
    assert_eq!(seen, want.iter().map(|x| x.id.clone()).collect::<Vec<_>>());
    assert!(want.len() > 7, "more than one page");

    for (f, keep) in [
        (
            SessionFilters { has_lead: Some(true), ..Default::default() },
            &(|x: &Seed| x.leads > 0) as &dyn Fn(&Seed) -> bool,
        ),
        (SessionFilters { has_lead: Some(false), ..Default::default() }, &|x: &Seed| x.leads == 0),
        (SessionFilters { page: Some("/contact".into()), ..Default::default() }, &|x: &Seed| {
            x.pages.iter().any(|p| p.0 == "/contact")
        }),
        (
            SessionFilters {
                min_suspicion: Some(10),
                max_suspicion: Some(20),
                ..Default::default()
            },
            &|x: &Seed| (10..=20).contains(&x.suspicion),
        ),
        (SessionFilters { max_engagement: Some(30), ..Default::default() }, &|x: &Seed| {
            x.engagement <= 30
        }),
    ] {
        let got: Vec<SummaryRow> = rows(&db, &sql::sessions_list(&s, &f, None, 1000));
        let want: BTreeSet<String> =
            in_scope(&seeds, &s).into_iter().filter(|x| keep(x)).map(|x| x.id.clone()).collect();
        let have: BTreeSet<String> = got.iter().map(|r| r.id.clone()).collect();
        assert_eq!(have, want, "{f:?}");
        assert!(!want.is_empty(), "{f:?} matches something");
    }
}

#[test]
fn session_detail_reads_the_row_and_its_rollups() {
    let (db, seeds) = seeded();
    let x = seeds.iter().find(|x| x.pages.len() >= 2 && !x.events.is_empty()).unwrap();
    let id = SessionId(x.id.parse().unwrap());
    let [row, pages, events] = sql::session_detail(&id);
    let records: Vec<shape::RecordRow> = rows(&db, &row);
    let (record, prefix) = shape::record(records.into_iter().next().unwrap()).unwrap();
    assert_eq!(
        (record.page_views, record.lead_count, prefix.as_str()),
        (x.page_views, x.leads, "sessions/x/")
    );
    let pages: Vec<shape::PageVisitRow> = rows(&db, &pages);
    assert_eq!(pages.iter().map(|p| p.views).sum::<u64>(), x.page_views);
    let events: Vec<shape::EventCountRow> = rows(&db, &events);
    assert_eq!(events.len(), x.events.iter().filter(|e| e.1.is_empty()).count());
}

/// Every report statement, for the plan check.
fn every_statement() -> Vec<(&'static str, Query)> {
    let s = scope(false);
    let offsets = Offsets(vec![(s.from, 3_600_000), (s.from + MS_PER_DAY, 7_200_000)]);
    let visitor =
        sql::visitor_offset_sql(&[("Europe/Berlin".into(), offsets.sql("started_at"))], "0");
    let all = SessionFilters {
        min_engagement: Some(1),
        max_engagement: Some(99),
        min_suspicion: Some(1),
        max_suspicion: Some(99),
        country: Some("DE".into()),
        page: Some("/".into()),
        has_lead: Some(true),
    };
    let cursor = Some((s.to, SessionId::from_random_bytes([1; 16])));
    let mut out = vec![
        ("overview", sql::overview(&s)),
        ("median", sql::median_duration(&s)),
        ("timeseries", sql::timeseries(&s, &offsets.sql("started_at"), MS_PER_DAY)),
        ("timeseries visitor", sql::timeseries(&s, &visitor, MS_PER_DAY)),
        ("visitor zones", sql::visitor_zones(&s, 100)),
        ("campaigns", sql::campaigns(&s, 100)),
        ("pages", sql::top_pages(&s, 100)),
        ("events", sql::custom_events(&s)),
        ("rollup hours", rollup::built_hours(&s)),
        ("rollup state", rollup::build_state(SITE)),
        ("rollup dirty hours", rollup::dirty_hours(SITE, 24)),
        ("sessions", sql::sessions_list(&s, &SessionFilters::default(), None, 50)),
        ("sessions filtered", sql::sessions_list(&s, &all, cursor, 50)),
    ];
    let h = super::tz::MS_PER_HOUR;
    let split = rollup::split(s.from, s.to, &[s.from + h, s.from + 2 * h, s.from + 9 * h]);
    for bots in [false, true] {
        let s = scope(bots);
        out.push(("rollup pages", rollup::top_pages(&s, &split, 100)));
        out.push(("rollup events", rollup::custom_events(&s, &split)));
    }
    out.extend(
        rollup::rebuild(SITE, (s.from, s.from + 24 * h), s.to)
            .into_iter()
            .map(|q| ("rollup build", q)),
    );
    let day = super::rollup_days::day_of(&|_| 3_600_000, s.from + MS_PER_DAY);
    let days = super::rollup_days::split(&s, &[day]);
    for bots in [false, true] {
        let s = scope(bots);
        out.push(("rollup days", super::rollup_days::built_days(&s, "Europe/Berlin")));
        out.push((
            "rollup day series",
            super::rollup_days::timeseries(&s, "Europe/Berlin", &days, &offsets.sql("started_at")),
        ));
    }
    for bots in [false, true] {
        let s = scope(bots);
        out.push(("rollup dim days", super::rollup_dims::built_days(&s, "Europe/Berlin")));
        for dim in std::iter::once(None).chain(Dimension::ALL.into_iter().map(Some)) {
            out.push((
                "rollup dim rows",
                super::rollup_dims::rollup_rows(&s, "Europe/Berlin", dim, &days),
            ));
            out.push(("rollup dim raw", super::rollup_dims::raw_rows(&s, dim, &days)));
        }
    }
    out.push(("rollup dim sessions", super::rollup_dims::day_sessions(SITE, day)));
    out.extend(
        super::rollup_dims::rebuild(SITE, "UTC", day, 70, &[], s.to)
            .into_iter()
            .map(|q| ("rollup dim build", q)),
    );
    out.push(("rollup day state", super::rollup_days::build_state(SITE, "Europe/Berlin")));
    out.push(("rollup stale days", super::rollup_days::stale_days(SITE, "UTC", 70, 7)));
    out.push(("rollup day build", super::rollup_days::rebuild(SITE, "UTC", day, 70, s.to)));
    {
        use super::rollup_visitor_days as vd;
        let b = (s.from / MS_PER_DAY) as i64;
        let dates = [vd::date(b + 1), vd::date(b + 2), vd::date(b + 4)];
        for bots in [false, true] {
            let s = scope(bots);
            let split = vd::split(&s, &dates);
            out.push(("rollup visitor days", vd::built_days(&s, "Europe/Berlin")));
            out.push(("rollup visitor zones", vd::raw_zones(&s, &split, 100)));
            out.push((
                "rollup visitor series",
                vd::timeseries(&s, "Europe/Berlin", &split, &visitor),
            ));
        }
        out.push(("rollup visitor state", vd::build_state(SITE, "Europe/Berlin")));
        out.push(("rollup visitor stale", vd::stale_days(SITE, "Europe/Berlin", 70, 7)));
        out.push((
            "rollup visitor build",
            vd::rebuild(SITE, "Europe/Berlin", dates[0], &visitor, 70, s.to),
        ));
    }
    out.extend(Dimension::ALL.iter().map(|d| (d.name(), sql::breakdown(&s, *d, 100))));
    out.extend(
        sql::session_detail(&SessionId::from_random_bytes([2; 16]))
            .into_iter()
            .map(|q| ("detail", q)),
    );
    out
}

/// Whether a plan step reads a whole table of the analytics data.
fn full_scan(step: &str) -> bool {
    let step = step.trim();
    [
        "sessions",
        "session_pages",
        "session_events",
        "rollup_hours",
        "rollup_pages",
        "rollup_events",
        "rollup_days",
        "rollup_dims",
        "rollup_visitor_days",
    ]
    .iter()
    .any(|t| {
        step == format!("SCAN {t}")
            || step.starts_with(&format!("SCAN {t} "))
            || step.starts_with(&format!("SCAN {t} USING"))
    })
}

#[test]
fn no_report_scans_a_whole_table() {
    let (db, _) = seeded();
    db.execute_batch("ANALYZE").unwrap();
    for (name, q) in every_statement() {
        let steps = plan(&db, &q);
        assert!(!steps.is_empty(), "{name}");
        for step in &steps {
            assert!(!full_scan(step), "{name} scans a whole table: {step}\n{}\n{steps:#?}", q.sql);
        }
    }
}

#[test]
fn campaigns_read_only_the_sessions_with_utm_parameters() {
    let (db, _) = seeded();
    db.execute_batch("ANALYZE").unwrap();
    for bots in [false, true] {
        let steps = plan(&db, &sql::campaigns(&scope(bots), 100));
        assert!(
            steps.iter().any(|s| s.contains("USING COVERING INDEX idx_sessions_campaigns")),
            "campaigns (bots included: {bots}) does not use the partial index: {steps:#?}"
        );
    }
}

#[test]
fn the_plan_check_catches_a_full_scan() {
    let (db, _) = seeded();
    let scan = Query::new("SELECT count(*) FROM sessions WHERE duration_ms > 5", vec![]);
    assert!(plan(&db, &scan).iter().any(|s| full_scan(s)), "{:?}", plan(&db, &scan));
}

#[test]
fn settings_writes_are_conditional_on_the_version() {
    let db = migrated();
    use crate::store::settings::write_query;
    assert_eq!(run(&db, &write_query(0, "{}".into(), None, 1)), 1);
    assert_eq!(run(&db, &write_query(0, "{}".into(), None, 2)), 0, "a second first save loses");
    assert_eq!(run(&db, &write_query(2, "{}".into(), None, 3)), 0, "a stale version loses");
    assert_eq!(run(&db, &write_query(1, "{\"a\":1}".into(), Some("s".into()), 4)), 1);
    let row = &rows_json(&db, &Query::new("SELECT * FROM AppSettings", vec![]))[0];
    assert_eq!((row["Version"].as_i64(), row["MakeSigningSecret"].as_str()), (Some(2), Some("s")));
}

#[test]
fn site_writes_replace_the_domains() {
    let db = migrated();
    use pulsegate_schema::DomainPattern;
    let d = |s: &str| DomainPattern::parse(s).unwrap();
    for q in crate::store::sites::upsert_queries(
        "demo",
        "Demo",
        "UTC",
        &[d("a.example"), d("*.b.example")],
        1,
    ) {
        run(&db, &q);
    }
    for q in crate::store::sites::upsert_queries(
        "demo",
        "Demo 2",
        "Europe/Berlin",
        &[d("c.example:8080")],
        2,
    ) {
        run(&db, &q);
    }
    let domains =
        rows_json(&db, &Query::new("SELECT Domain FROM SiteDomains ORDER BY Domain", vec![]));
    assert_eq!(domains, vec![serde_json::json!({ "Domain": "c.example:8080" })]);
    let site = &rows_json(&db, &Query::new("SELECT * FROM Sites", vec![]))[0];
    assert_eq!(
        (
            site["Name"].as_str(),
            site["TimeZone"].as_str(),
            site["CreatedAt"].as_i64(),
            site["UpdatedAt"].as_i64()
        ),
        (Some("Demo 2"), Some("Europe/Berlin"), Some(1), Some(2))
    );
}

#[test]
fn key_use_is_written_at_most_once_a_minute() {
    let db = migrated();
    let id = pulsegate_schema::KeyId::from_random_bytes([3; 16]);
    db.execute(
        "INSERT INTO MarketingApiKeys (Id, Name, KeyHash, KeyPrefix, CreatedAt) VALUES (?1, 'k', 'h', 'pgm_', 0)",
        [id.to_string()],
    )
    .unwrap();
    use crate::store::api_keys::touch_query;
    assert_eq!(run(&db, &touch_query("MarketingApiKeys", &id, 100_000)), 1);
    assert_eq!(run(&db, &touch_query("MarketingApiKeys", &id, 130_000)), 0);
    assert_eq!(run(&db, &touch_query("MarketingApiKeys", &id, 160_000)), 1);
}
