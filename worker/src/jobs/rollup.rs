//! Cron `*/10`: builds the hourly analytics rollups ([`crate::analytics::rollup`]) of every
//! registered site: first the hours marked dirty since their build, then the next new hours that
//! ended at least `BUILD_LAG_MS` ago; then the daily rollups
//! ([`crate::analytics::rollup_days`]) in the site's zone the same way (stale days first, under
//! the current bot-detection threshold), each followed by its dimension rows
//! ([`crate::analytics::rollup_dims`]: one read of the day's sessions, one transaction of writes;
//! until that lands the day's dimension rows are not current and reports read it raw). Before the
//! daily rollups, the dates by the visitors' zones ([`crate::analytics::rollup_visitor_days`]):
//! stale dates first, then new ones, one transaction per site. Bounded per site (`DIRTY_PER_RUN`, `HOURS_PER_RUN`,
//! `DIRTY_DAYS_PER_RUN`, `DAYS_PER_RUN`) and per run ([`MAX_STATEMENTS`]); each span of hours and
//! each site's days are one D1 transaction, so a failed or cut-short run leaves every hour and day
//! either built and current or still read raw, and the next run goes on.

use std::rc::Rc;

use pulsegate_schema::UnixMillis;
use serde::{Deserialize, Serialize};
use worker::Env;

use crate::analytics::reports::{self, MAX_VISITOR_ZONES};
use crate::analytics::rollup::{self, DIRTY_PER_RUN};
use crate::analytics::rollup_days::{self, DIRTY_DAYS_PER_RUN, Day};
use crate::analytics::rollup_dims;
use crate::analytics::rollup_visitor_days::{
    self, DIRTY_DAYS_PER_RUN as VISITOR_DIRTY_DAYS_PER_RUN,
};
use crate::analytics::sql::{self, Scope};
use crate::analytics::tz;
use crate::db::Db;
use crate::error::ApiError;
use crate::sql::Query;
use crate::store::d1::Stats;

/// D1 statements one run makes at most (a Worker invocation has ~1,000 binding calls).
pub(crate) const MAX_STATEMENTS: u32 = 300;

/// Statements of one day's dimension build: a delete, the totals and seven dimensions, the mark.
const DIM_STATEMENTS: u32 = 10;

/// What one run did; logged as one JSON line.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Summary {
    pub(crate) now: UnixMillis,
    pub(crate) sites: u32,
    /// Hours (re)built, dirty ones included.
    pub(crate) hours: u32,
    pub(crate) dirty_hours: u32,
    /// Days (re)built, stale ones included.
    pub(crate) days: u32,
    pub(crate) stale_days: u32,
    /// Days whose dimension rows were (re)built.
    pub(crate) dim_days: u32,
    /// Visitor-local dates (re)built, stale ones included.
    pub(crate) visitor_days: u32,
    pub(crate) stale_visitor_days: u32,
    pub(crate) d1_reads: u32,
    pub(crate) d1_writes: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SiteRow {
    site_key: String,
    time_zone: String,
}

#[derive(Deserialize)]
struct StateRow {
    last_hour: Option<UnixMillis>,
    first_session: Option<UnixMillis>,
}

#[derive(Deserialize)]
struct DayStateRow {
    last_end: Option<UnixMillis>,
    first_session: Option<UnixMillis>,
}

#[derive(Deserialize)]
struct HourRow {
    hour: UnixMillis,
}

/// Builds what is due at `now`.
pub(crate) async fn run(env: &Env, now: UnixMillis) -> Summary {
    let stats = Stats::new();
    let mut summary = Summary { now, ..Summary::default() };
    if let Err(e) = build(env, now, &stats, &mut summary).await {
        summary.error = Some(e.detail().unwrap_or("failed").to_owned());
    }
    summary.d1_reads = stats.d1_reads();
    summary.d1_writes = stats.d1_writes();
    summary
}

async fn build(
    env: &Env,
    now: UnixMillis,
    stats: &Rc<Stats>,
    summary: &mut Summary,
) -> Result<(), ApiError> {
    let db = Db::counted(env, stats.clone())?;
    let spent = || stats.d1_reads() + stats.d1_writes();
    let sites: Vec<SiteRow> = db
        .all(
            "rollup sites",
            &Query::new("SELECT SiteKey, TimeZone FROM Sites ORDER BY SiteKey", vec![]),
        )
        .await?;
    let threshold = u32::from(
        crate::store::settings::current(&db, now).await?.settings().bot_detection.threshold,
    );
    for site in &sites {
        if spent() + 2 + 5 > MAX_STATEMENTS {
            break;
        }
        summary.sites += 1;
        let key = site.site_key.as_str();
        let state: Option<StateRow> = db.first("rollup state", &rollup::build_state(key)).await?;
        let dirty: Vec<HourRow> =
            db.all("rollup dirty hours", &rollup::dirty_hours(key, DIRTY_PER_RUN)).await?;
        let dirty: Vec<UnixMillis> = dirty.into_iter().map(|r| r.hour).collect();
        let (last, first) = state.map_or((None, None), |s| (s.last_hour, s.first_session));
        for span in rollup::plan(last, first, &dirty, now) {
            let statements = rollup::rebuild(key, span, now);
            if spent() + statements.len() as u32 > MAX_STATEMENTS {
                return Ok(());
            }
            db.batch("rollup build", &statements).await?;
            let hours = u32::try_from((span.1 - span.0) / tz::MS_PER_HOUR).unwrap_or(u32::MAX);
            summary.hours += hours;
            if dirty.contains(&span.0) {
                summary.dirty_hours += hours;
            }
        }
        if !visitor_days(&db, key, &site.time_zone, threshold, now, &spent, summary).await? {
            return Ok(());
        }
        if spent() + 2 + 1 > MAX_STATEMENTS {
            return Ok(());
        }
        let zone = site.time_zone.as_str();
        let state: Option<DayStateRow> =
            db.first("rollup day state", &rollup_days::build_state(key, zone)).await?;
        let stale: Vec<Day> = db
            .all(
                "rollup stale days",
                &rollup_days::stale_days(key, zone, threshold, DIRTY_DAYS_PER_RUN),
            )
            .await?;
        let offsets = tz::zone(zone);
        let (last, first) = state.map_or((None, None), |s| (s.last_end, s.first_session));
        let fresh = rollup_days::plan(&|t| offsets.offset_at(t), last, first, now);
        let days: Vec<Day> = stale.iter().chain(&fresh).copied().collect();
        if days.is_empty() {
            continue;
        }
        let statements: Vec<Query> =
            days.iter().map(|d| rollup_days::rebuild(key, zone, *d, threshold, now)).collect();
        if spent() + statements.len() as u32 > MAX_STATEMENTS {
            return Ok(());
        }
        db.batch("rollup days build", &statements).await?;
        summary.days += days.len() as u32;
        summary.stale_days += stale.len() as u32;
        // The dimension rows of each day just built: read its sessions, write its rows.
        for day in &days {
            if spent() + 1 + DIM_STATEMENTS > MAX_STATEMENTS {
                return Ok(());
            }
            let sessions: Vec<rollup_dims::SessionRow> =
                db.all("rollup dim sessions", &rollup_dims::day_sessions(key, *day)).await?;
            let statements = rollup_dims::rebuild(key, zone, *day, threshold, &sessions, now);
            db.batch("rollup dims build", &statements).await?;
            summary.dim_days += 1;
        }
    }
    Ok(())
}

#[derive(Deserialize)]
struct VisitorStateRow {
    last_bucket: Option<i64>,
    first_session: Option<UnixMillis>,
}

/// A site's dates by the visitors' zones ([`rollup_visitor_days`]): the stale ones, then the next
/// new ones, as one transaction. `false` when the run's statement budget is spent.
async fn visitor_days(
    db: &Db,
    key: &str,
    zone: &str,
    threshold: u32,
    now: UnixMillis,
    spent: &dyn Fn() -> u32,
    summary: &mut Summary,
) -> Result<bool, ApiError> {
    if spent() + 3 + 1 > MAX_STATEMENTS {
        return Ok(false);
    }
    let state: Option<VisitorStateRow> =
        db.first("rollup visitor state", &rollup_visitor_days::build_state(key, zone)).await?;
    let stale: Vec<Day> = db
        .all(
            "rollup stale visitor days",
            &rollup_visitor_days::stale_days(key, zone, threshold, VISITOR_DIRTY_DAYS_PER_RUN),
        )
        .await?;
    let (last, first) = state.map_or((None, None), |s| (s.last_bucket, s.first_session));
    let fresh = rollup_visitor_days::plan(last, first, now);
    let days: Vec<Day> = stale.iter().chain(&fresh).copied().collect();
    let Some((start, end)) = rollup_visitor_days::windows(&days) else { return Ok(true) };
    // Each session's offset over the dates' windows: its own zone's, else the site's.
    let site_zone = tz::zone(zone);
    let site_offset = tz::Offsets::over(site_zone.as_ref(), start, end).sql("started_at");
    let all = Scope { site: key.to_owned(), from: start, to: end, bot_threshold: None };
    let zones_q = sql::visitor_zones(&all, MAX_VISITOR_ZONES);
    let offsets = reports::visitor_offsets(db, &zones_q, start, end).await?;
    let offset_sql = sql::visitor_offset_sql(&offsets, &site_offset);
    let statements: Vec<Query> = days
        .iter()
        .map(|d| rollup_visitor_days::rebuild(key, zone, *d, &offset_sql, threshold, now))
        .collect();
    if spent() + statements.len() as u32 > MAX_STATEMENTS {
        return Ok(false);
    }
    db.batch("rollup visitor days build", &statements).await?;
    summary.visitor_days += days.len() as u32;
    summary.stale_visitor_days += stale.len() as u32;
    Ok(true)
}
