//! Runs a report: its statements in one D1 round trip where it has several, then [`super::shape`].
//! With `explain=1` (admin only) it answers each statement's `EXPLAIN QUERY PLAN` instead.

use pulsegate_schema::{Role, UnixMillis};
use serde::Serialize;

use super::ReportContext;
use super::params::{self, Params};
use super::shape::{
    self, BucketRow, CampaignDbRow, DimensionRow, EventDbRow, MedianRow, PageDbRow, SummaryRow,
    TotalsRow,
};
use super::sql::{self, Dimension, SessionFilters};
use super::tz::{self, Offsets};
use super::{rollup, rollup_days, rollup_dims, rollup_visitor_days};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::reply::Reply;
use crate::routes::Call;
use crate::sql::{Query, SqlValue};
use crate::store::r2_keys::MS_PER_DAY;

/// Every report of `/analytics/*` except session detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Report {
    Overview,
    TimeSeries,
    Breakdown(Dimension),
    Campaigns,
    TopPages,
    CustomEvents,
    Sessions,
}

/// Most visitor zones a `tz=visitor` series resolves; sessions in rarer zones use the site's.
pub(crate) const MAX_VISITOR_ZONES: u32 = 100;

/// The parameters of a time series: [`params::COMMON`] and `interval`.
const SERIES_PARAMS: &[&str] =
    &["site", "from", "to", "tz", "bots", "format", "explain", "interval"];
/// The parameters of a ranked table: [`params::COMMON`] and `limit`.
const TABLE_PARAMS: &[&str] = &["site", "from", "to", "tz", "bots", "format", "explain", "limit"];
/// The parameters of the sessions list: [`params::COMMON`] and its filters and cursor.
const SESSIONS_PARAMS: &[&str] = &[
    "site",
    "from",
    "to",
    "tz",
    "bots",
    "format",
    "explain",
    "limit",
    "cursor",
    "min_engagement",
    "max_engagement",
    "min_suspicion",
    "max_suspicion",
    "country",
    "page",
    "has_lead",
];

impl Report {
    /// Every parameter this report reads (any other is a 400 naming it).
    pub(crate) fn params(self) -> &'static [&'static str] {
        match self {
            Self::Overview | Self::CustomEvents => params::COMMON,
            Self::TimeSeries => SERIES_PARAMS,
            Self::Breakdown(_) | Self::Campaigns | Self::TopPages => TABLE_PARAMS,
            Self::Sessions => SESSIONS_PARAMS,
        }
    }
}

/// Runs `report` for the call.
pub(crate) async fn run(call: &Call<'_>, report: Report) -> Result<Reply, ApiError> {
    let pairs = crate::http::query_pairs(&call.req);
    let p = params::parse(&pairs, report.params())?;
    if p.explain && call.principal.role != Role::Admin {
        return Err(ApiError::Forbidden("explain=1 needs the admin key".to_owned()));
    }
    if report != Report::TimeSeries && p.tz == Some(params::TzChoice::Visitor) {
        return Err(ApiError::InvalidField {
            field: "tz".to_owned(),
            message: "visitor is only for /analytics/timeseries".to_owned(),
        });
    }
    let ctx = super::context(&call.db, &p, call.now).await?;
    let (queries, dims) = match report {
        Report::Overview => dims_statements(&call.db, &ctx, None).await?,
        Report::Breakdown(dim) => dims_statements(&call.db, &ctx, Some(dim)).await?,
        _ => (None, false),
    };
    let queries = match queries {
        Some(q) => q,
        None => statements(&call.db, report, &p, &ctx, call.now).await?,
    };
    if p.explain {
        return explain(&call.db, &queries).await;
    }
    let db = &call.db;
    let range = ctx.range.clone();
    match report {
        Report::Overview if dims => {
            let merged = read_dims(db, &queries, usize::MAX).await?;
            let m = merged.into_iter().next().unwrap_or_default();
            let totals = TotalsRow {
                sessions: m.sessions,
                visitors: m.visitors,
                pageviews: m.pageviews,
                bounces: m.bounces,
                engaged_ms: m.engaged_ms,
            };
            let median =
                (m.sessions > 0).then_some(MedianRow { duration_ms: m.median_duration_ms });
            let (body, csv) = shape::overview(range, &totals, median.as_ref());
            Reply::table(&body, csv)
        }
        Report::Overview => {
            let results = db.batch("overview", &queries).await?;
            let totals: Vec<TotalsRow> = db::rows("overview totals", &results[0])?;
            let median: Vec<MedianRow> = db::rows("overview median", &results[1])?;
            let totals =
                totals.first().ok_or_else(|| ApiError::storage("overview", "no totals row"))?;
            let (body, csv) = shape::overview(range, totals, median.first());
            Reply::table(&body, csv)
        }
        Report::TimeSeries => {
            let interval = params::interval(p.interval, ctx.scope.from, ctx.scope.to)?;
            let size = params::bucket_ms(interval);
            let rows: Vec<BucketRow> = db.all("timeseries", &queries[queries.len() - 1]).await?;
            let buckets = if ctx.per_visitor {
                let (min, max) = offset_bounds(&ctx);
                shape::wall_buckets(ctx.scope.from, ctx.scope.to, min, max, size)
            } else {
                shape::zone_buckets(&ctx.offsets, ctx.scope.from, ctx.scope.to, size)
            };
            let (body, csv) = shape::timeseries(range, interval, size, &buckets, &rows);
            Reply::table(&body, csv)
        }
        Report::Breakdown(dim) if dims => {
            let limit = params::limit(p.limit, 100, 1000)? as usize;
            let rows = read_dims(db, &queries, limit)
                .await?
                .into_iter()
                .map(|m| DimensionRow {
                    value: m.value,
                    visitors: m.visitors,
                    sessions: m.sessions,
                    pageviews: m.pageviews,
                    bounces: m.bounces,
                })
                .collect();
            let (body, csv) = shape::breakdown(range, dim, rows);
            Reply::table(&body, csv)
        }
        Report::Breakdown(dim) => {
            let rows: Vec<DimensionRow> = db.all(dim.name(), &queries[0]).await?;
            let (body, csv) = shape::breakdown(range, dim, rows);
            Reply::table(&body, csv)
        }
        Report::Campaigns => {
            let rows: Vec<CampaignDbRow> = db.all("campaigns", &queries[0]).await?;
            let (body, csv) = shape::campaigns(range, rows);
            Reply::table(&body, csv)
        }
        Report::TopPages => {
            let rows: Vec<PageDbRow> = db.all("pages", &queries[0]).await?;
            let (body, csv) = shape::pages(range, rows);
            Reply::table(&body, csv)
        }
        Report::CustomEvents => {
            let rows: Vec<EventDbRow> = db.all("events", &queries[0]).await?;
            let (body, csv) = shape::events(range, rows);
            Reply::table(&body, csv)
        }
        Report::Sessions => {
            let limit = params::limit(p.limit, 50, 200)?;
            let rows: Vec<SummaryRow> = db.all("sessions", &queries[0]).await?;
            let (body, csv) = shape::sessions(range, rows, limit)?;
            Reply::table(&body, csv)
        }
    }
}

/// The statements of a report (for `tz=visitor`, after looking up the visitors' zones).
async fn statements(
    db: &Db,
    report: Report,
    p: &Params,
    ctx: &ReportContext,
    now: UnixMillis,
) -> Result<Vec<Query>, ApiError> {
    let s = &ctx.scope;
    Ok(match report {
        Report::Overview => vec![sql::overview(s), sql::median_duration(s)],
        Report::TimeSeries => {
            let interval = params::interval(p.interval, s.from, s.to)?;
            let size = params::bucket_ms(interval);
            let site_offset = ctx.offsets.sql("started_at");
            if ctx.per_visitor && size == MS_PER_DAY {
                visitor_days(db, ctx, &site_offset, now).await?
            } else if ctx.per_visitor {
                let zones_q = sql::visitor_zones(s, MAX_VISITOR_ZONES);
                let offsets = visitor_offsets(db, &zones_q, s.from, s.to).await?;
                let offset_sql = sql::visitor_offset_sql(&offsets, &site_offset);
                vec![zones_q, sql::timeseries(s, &offset_sql, size)]
            } else if size == MS_PER_DAY {
                let zone = ctx.range.timezone.as_str();
                let days: Vec<rollup_days::Day> =
                    db.all("rollup days", &rollup_days::built_days(s, zone)).await?;
                if days.is_empty() {
                    vec![sql::timeseries(s, &site_offset, size)]
                } else {
                    let split = rollup_days::split(s, &days);
                    vec![rollup_days::timeseries(s, zone, &split, &site_offset)]
                }
            } else {
                vec![sql::timeseries(s, &site_offset, size)]
            }
        }
        Report::Breakdown(dim) => vec![sql::breakdown(s, dim, params::limit(p.limit, 100, 1000)?)],
        Report::Campaigns => vec![sql::campaigns(s, params::limit(p.limit, 100, 1000)?)],
        Report::TopPages => {
            let limit = params::limit(p.limit, 100, 1000)?;
            match split(db, s).await? {
                Some(split) => vec![rollup::top_pages(s, &split, limit)],
                None => vec![sql::top_pages(s, limit)],
            }
        }
        Report::CustomEvents => match split(db, s).await? {
            Some(split) => vec![rollup::custom_events(s, &split)],
            None => vec![sql::custom_events(s)],
        },
        Report::Sessions => {
            let filters = SessionFilters {
                min_engagement: p.min_engagement,
                max_engagement: p.max_engagement,
                min_suspicion: p.min_suspicion,
                max_suspicion: p.max_suspicion,
                country: p.country.clone(),
                page: p.page.clone(),
                has_lead: p.has_lead,
            };
            vec![sql::sessions_list(s, &filters, p.cursor, params::limit(p.limit, 50, 200)?)]
        }
    })
}

/// The statements of the overview (`dim` `None`) or a breakdown through the daily dimension
/// rollups: the rollup rows of the range's built days, then the raw sessions of the rest (if
/// any); `(None, false)` when no day of the range is built.
async fn dims_statements(
    db: &Db,
    ctx: &ReportContext,
    dim: Option<Dimension>,
) -> Result<(Option<Vec<Query>>, bool), ApiError> {
    let s = &ctx.scope;
    let zone = ctx.range.timezone.as_str();
    let days: Vec<rollup_days::Day> =
        db.all("rollup dim days", &rollup_dims::built_days(s, zone)).await?;
    if days.is_empty() {
        return Ok((None, false));
    }
    let split = rollup_days::split(s, &days);
    if split.built.is_empty() {
        return Ok((None, false));
    }
    let mut queries = vec![rollup_dims::rollup_rows(s, zone, dim, &split)];
    if !split.raw.is_empty() {
        queries.push(rollup_dims::raw_rows(s, dim, &split));
    }
    Ok((Some(queries), true))
}

/// Runs [`dims_statements`]' queries and merges their rows (at most `limit` values).
async fn read_dims(
    db: &Db,
    queries: &[Query],
    limit: usize,
) -> Result<Vec<rollup_dims::Merged>, ApiError> {
    let results = db.batch("dimension rollups", queries).await?;
    let rollups: Vec<rollup_dims::RollupRow> = db::rows("dimension rollup rows", &results[0])?;
    let raw: Vec<rollup_dims::RawRow> = match results.get(1) {
        Some(r) => db::rows("dimension raw rows", r)?,
        None => Vec::new(),
    };
    rollup_dims::merge(&rollups, &raw, limit).map_err(|e| ApiError::storage("dimension rollups", e))
}

/// How the range splits into built rollup hours and raw rows; `None` when no hour is built.
async fn split(db: &Db, s: &sql::Scope) -> Result<Option<rollup::Split>, ApiError> {
    #[derive(serde::Deserialize)]
    struct HourRow {
        hour: UnixMillis,
    }
    let rows: Vec<HourRow> = db.all("rollup hours", &rollup::built_hours(s)).await?;
    let hours: Vec<UnixMillis> = rows.into_iter().map(|r| r.hour).collect();
    let split = rollup::split(s.from, s.to, &hours);
    Ok((!split.built.is_empty()).then_some(split))
}

/// The statements of a day series in the visitors' zones: the built dates of
/// [`rollup_visitor_days`] where the range holds their whole window, the sessions for the rest
/// (the zones of the raw part, then the series). The built dates and the zones of the spans
/// likely read raw go in one round trip; the zones are looked up again only when the raw part
/// turns out to lie elsewhere (dirty dates, a build behind).
async fn visitor_days(
    db: &Db,
    ctx: &ReportContext,
    site_offset: &str,
    now: UnixMillis,
) -> Result<Vec<Query>, ApiError> {
    let s = &ctx.scope;
    let zone = ctx.site_zone.as_str();
    let likely = rollup_visitor_days::Split {
        built: Vec::new(),
        raw: rollup_visitor_days::likely_raw(s, now),
    };
    let likely_zones = rollup_visitor_days::raw_zones(s, &likely, MAX_VISITOR_ZONES);
    let first = [rollup_visitor_days::built_days(s, zone), likely_zones.clone()];
    let results = db.batch("rollup visitor days", &first).await?;
    let days: Vec<rollup_days::Day> = db::rows("rollup visitor days", &results[0])?;
    let found: Vec<ZoneRow> = db::rows("visitor zones", &results[1])?;
    let mut split = rollup_visitor_days::split(s, &days);
    if split.built.is_empty() {
        // All raw, as the series was before any date was built.
        split.raw = vec![(s.from, s.to)];
    }
    let (zones_q, offsets) = if rollup_visitor_days::covers(&likely.raw, &split.raw) {
        (likely_zones, zone_offsets(found, s.from, s.to))
    } else {
        let zones_q = rollup_visitor_days::raw_zones(s, &split, MAX_VISITOR_ZONES);
        let offsets = visitor_offsets(db, &zones_q, s.from, s.to).await?;
        (zones_q, offsets)
    };
    let offset_sql = sql::visitor_offset_sql(&offsets, site_offset);
    let series = if split.built.is_empty() {
        sql::timeseries(s, &offset_sql, MS_PER_DAY)
    } else {
        rollup_visitor_days::timeseries(s, zone, &split, &offset_sql)
    };
    Ok(vec![zones_q, series])
}

#[derive(serde::Deserialize)]
struct ZoneRow {
    timezone: String,
}

/// The offsets SQL of each zone in `rows` that the runtime knows, over `[from, to)`, keyed by the
/// name as the browser reported it. The runtime may spell a zone otherwise: V8's ICU answers
/// `Asia/Calcutta` for Firefox's and Safari's `Asia/Kolkata`, `Europe/Kiev` for `Europe/Kyiv`,
/// `America/Buenos_Aires` for `America/Argentina/Buenos_Aires`; the alias is the same zone.
fn zone_offsets(rows: Vec<ZoneRow>, from: UnixMillis, to: UnixMillis) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for row in rows {
        if row.timezone == "UTC" {
            out.push((row.timezone, "0".to_owned()));
        } else if let Some(name) = tz::canonical(&row.timezone) {
            let offsets = Offsets::over(tz::zone(&name).as_ref(), from, to);
            out.push((row.timezone, offsets.sql("started_at")));
        }
    }
    out
}

/// The offsets SQL of each visitor zone `zones_q` finds that the runtime knows.
pub(crate) async fn visitor_offsets(
    db: &Db,
    zones_q: &Query,
    from: UnixMillis,
    to: UnixMillis,
) -> Result<Vec<(String, String)>, ApiError> {
    let rows: Vec<ZoneRow> = db.all("visitor zones", zones_q).await?;
    Ok(zone_offsets(rows, from, to))
}

/// The widest offsets a visitor series may see: the site zone's and every real zone's (−12 h to
/// +14 h).
fn offset_bounds(ctx: &ReportContext) -> (i64, i64) {
    let site = ctx.offsets.0.iter().map(|(_, o)| *o);
    let min = site.clone().min().unwrap_or(0).min(-12 * 3_600_000);
    let max = site.max().unwrap_or(0).max(14 * 3_600_000);
    (min, max)
}

#[derive(Serialize)]
struct Plan {
    sql: String,
    /// The bound values, in `?N` order (for replaying the statement).
    params: Vec<serde_json::Value>,
    plan: Vec<String>,
}

#[derive(Serialize)]
struct Explained {
    queries: Vec<Plan>,
}

async fn explain(db: &Db, queries: &[Query]) -> Result<Reply, ApiError> {
    let mut plans = Vec::new();
    for q in queries {
        let params = q
            .params
            .iter()
            .map(|p| match p {
                SqlValue::Null => serde_json::Value::Null,
                SqlValue::Int(i) => serde_json::Value::from(*i),
                SqlValue::Text(t) => serde_json::Value::from(t.as_str()),
            })
            .collect();
        plans.push(Plan { sql: q.sql.clone(), params, plan: db.explain(q).await? });
    }
    Reply::json(200, &Explained { queries: plans })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_report_takes_the_common_parameters_and_only_its_own() {
        let all = [
            Report::Overview,
            Report::TimeSeries,
            Report::Breakdown(Dimension::Country),
            Report::Campaigns,
            Report::TopPages,
            Report::CustomEvents,
            Report::Sessions,
        ];
        for report in all {
            assert!(report.params().starts_with(params::COMMON), "{report:?}");
        }
        assert!(!Report::Overview.params().contains(&"limit"));
        assert!(!Report::TopPages.params().contains(&"interval"));
        assert!(!Report::TimeSeries.params().contains(&"cursor"));
        assert!(Report::Sessions.params().contains(&"has_lead"));
    }
}
