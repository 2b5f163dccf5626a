//! D1 rows → report bodies and their CSV tables. Pure: the unit tests feed it rows that SQLite
//! produced from the real migrations.

use std::collections::BTreeMap;

use pulsegate_schema::{
    Breakdown, BreakdownRow, CampaignRow, CampaignsReport, ConsentTier, DeviceClass, EventCount,
    EventSummary, EventsReport, Interval, Overview, PageRow, PageVisit, PagesReport, PropertyCount,
    ReportRange, ScoreReason, SeriesPoint, SessionId, SessionRecord, SessionSummary, SessionsPage,
    SiteKey, TimeSeries, UnixMillis, Utm,
};
use serde::Deserialize;

use super::params::format_cursor;
use super::sql::{Dimension, TOP_EVENTS};
use super::tz::{Offsets, bucket_label};
use crate::error::ApiError;
use crate::reply::Csv;

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct TotalsRow {
    pub(crate) sessions: u64,
    pub(crate) visitors: u64,
    pub(crate) pageviews: u64,
    pub(crate) bounces: u64,
    pub(crate) engaged_ms: u64,
}

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct MedianRow {
    pub(crate) duration_ms: u64,
}

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct BucketRow {
    pub(crate) bucket: u64,
    pub(crate) sessions: u64,
    pub(crate) visitors: u64,
    pub(crate) pageviews: u64,
}

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct DimensionRow {
    pub(crate) value: Option<String>,
    pub(crate) visitors: u64,
    pub(crate) sessions: u64,
    pub(crate) pageviews: u64,
    pub(crate) bounces: u64,
}

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct CampaignDbRow {
    pub(crate) source: Option<String>,
    pub(crate) medium: Option<String>,
    pub(crate) campaign: Option<String>,
    pub(crate) visitors: u64,
    pub(crate) sessions: u64,
    pub(crate) pageviews: u64,
    pub(crate) bounces: u64,
}

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct PageDbRow {
    pub(crate) path: String,
    pub(crate) pageviews: u64,
    pub(crate) sessions: u64,
}

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct EventDbRow {
    pub(crate) name: String,
    pub(crate) prop_key: String,
    pub(crate) prop_value: String,
    pub(crate) count: u64,
    pub(crate) sessions: u64,
}

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct SummaryRow {
    pub(crate) id: String,
    pub(crate) started_at: UnixMillis,
    pub(crate) duration_ms: u64,
    pub(crate) page_views: u64,
    pub(crate) event_count: u64,
    pub(crate) landing_path: Option<String>,
    pub(crate) exit_path: Option<String>,
    pub(crate) referrer_host: Option<String>,
    pub(crate) utm_campaign: Option<String>,
    pub(crate) country: Option<String>,
    pub(crate) device_class: Option<String>,
    pub(crate) browser: Option<String>,
    pub(crate) os: Option<String>,
    pub(crate) engagement_score: u32,
    pub(crate) suspicion_score: u32,
    pub(crate) lead_count: u64,
}

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct RecordRow {
    pub(crate) id: String,
    pub(crate) site_key: String,
    pub(crate) started_at: UnixMillis,
    pub(crate) received_at: UnixMillis,
    pub(crate) last_seen_at: UnixMillis,
    pub(crate) ended_at: Option<UnixMillis>,
    pub(crate) duration_ms: u64,
    pub(crate) landing_url: String,
    pub(crate) landing_path: Option<String>,
    pub(crate) exit_path: Option<String>,
    pub(crate) referrer: Option<String>,
    pub(crate) referrer_host: Option<String>,
    pub(crate) title: Option<String>,
    pub(crate) utm_source: Option<String>,
    pub(crate) utm_medium: Option<String>,
    pub(crate) utm_campaign: Option<String>,
    pub(crate) utm_term: Option<String>,
    pub(crate) utm_content: Option<String>,
    pub(crate) consent: Option<String>,
    pub(crate) visitor_id: Option<String>,
    pub(crate) language: Option<String>,
    pub(crate) timezone: Option<String>,
    pub(crate) screen_width: Option<u32>,
    pub(crate) screen_height: Option<u32>,
    pub(crate) device_class: Option<String>,
    pub(crate) browser: Option<String>,
    pub(crate) os: Option<String>,
    pub(crate) user_agent: Option<String>,
    pub(crate) country: Option<String>,
    pub(crate) asn: Option<u32>,
    pub(crate) as_org: Option<String>,
    pub(crate) event_count: u64,
    pub(crate) page_views: u64,
    pub(crate) clicks: u64,
    pub(crate) max_scroll_percent: u64,
    pub(crate) engaged_ms: u64,
    pub(crate) rage_clicks: u64,
    pub(crate) form_starts: u64,
    pub(crate) form_submits: u64,
    pub(crate) errors: u64,
    pub(crate) custom_events: u64,
    pub(crate) engagement_score: u32,
    pub(crate) engagement_reasons: Option<String>,
    pub(crate) suspicion_score: u32,
    pub(crate) suspicion_reasons: Option<String>,
    pub(crate) lead_count: u64,
    pub(crate) r2_prefix: String,
}

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct PageVisitRow {
    pub(crate) path: String,
    pub(crate) views: u64,
}

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct EventCountRow {
    pub(crate) name: String,
    pub(crate) count: u64,
}

/// `part / whole` to four decimals; 0 when `whole` is 0.
pub(crate) fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0 }
}

fn text(v: Option<&str>) -> String {
    v.unwrap_or_default().to_owned()
}

pub(crate) fn overview(
    range: ReportRange,
    t: &TotalsRow,
    median: Option<&MedianRow>,
) -> (Overview, Csv) {
    let o = Overview {
        range,
        visitors: t.visitors,
        sessions: t.sessions,
        pageviews: t.pageviews,
        bounce_rate: ratio(t.bounces, t.sessions),
        pages_per_session: ratio(t.pageviews, t.sessions),
        median_duration_ms: median.map_or(0, |m| m.duration_ms),
        avg_engaged_ms: t.engaged_ms.checked_div(t.sessions).unwrap_or(0),
        total_engaged_ms: t.engaged_ms,
    };
    let mut csv = Csv::new(
        "overview",
        &[
            "visitors",
            "sessions",
            "pageviews",
            "bounce_rate",
            "pages_per_session",
            "median_duration_ms",
            "avg_engaged_ms",
            "total_engaged_ms",
        ],
    );
    csv.row(vec![
        o.visitors.to_string(),
        o.sessions.to_string(),
        o.pageviews.to_string(),
        o.bounce_rate.to_string(),
        o.pages_per_session.to_string(),
        o.median_duration_ms.to_string(),
        o.avg_engaged_ms.to_string(),
        o.total_engaged_ms.to_string(),
    ]);
    (o, csv)
}

/// Every bucket of `[from, to)` in the report zone, with the instant it starts.
pub(crate) fn zone_buckets(
    offsets: &Offsets,
    from: UnixMillis,
    to: UnixMillis,
    size: u64,
) -> Vec<(u64, UnixMillis)> {
    const STEP: u64 = 900_000;
    let mut out: Vec<(u64, UnixMillis)> = Vec::new();
    let mut t = from;
    while t < to {
        let bucket = t.saturating_add_signed(offsets.at(t)) / size;
        if out.last().is_none_or(|(b, _)| *b != bucket) {
            let wall_start = bucket * size;
            let start = wall_start.saturating_add_signed(-offsets.at(t));
            out.push((bucket, start));
        }
        t = (t / STEP + 1) * STEP;
    }
    out
}

/// Every wall-clock bucket a visitor-zone series can have: from the earliest local time of `from`
/// to the latest of `to` over the offsets in use; `start` is the wall time read as UTC.
pub(crate) fn wall_buckets(
    from: UnixMillis,
    to: UnixMillis,
    min_offset: i64,
    max_offset: i64,
    size: u64,
) -> Vec<(u64, UnixMillis)> {
    let first = from.saturating_add_signed(min_offset) / size;
    let last = to.saturating_sub(1).saturating_add_signed(max_offset) / size;
    (first..=last).map(|b| (b, b * size)).collect()
}

pub(crate) fn timeseries(
    range: ReportRange,
    interval: Interval,
    size: u64,
    all: &[(u64, UnixMillis)],
    rows: &[BucketRow],
) -> (TimeSeries, Csv) {
    let mut by_bucket: BTreeMap<u64, (UnixMillis, Option<&BucketRow>)> =
        all.iter().map(|(b, start)| (*b, (*start, None))).collect();
    for row in rows {
        by_bucket.entry(row.bucket).or_insert((row.bucket * size, None)).1 = Some(row);
    }
    let points: Vec<SeriesPoint> = by_bucket
        .into_iter()
        .map(|(bucket, (start, row))| SeriesPoint {
            start,
            label: bucket_label(bucket, size),
            visitors: row.map_or(0, |r| r.visitors),
            sessions: row.map_or(0, |r| r.sessions),
            pageviews: row.map_or(0, |r| r.pageviews),
        })
        .collect();
    let mut csv = Csv::new("timeseries", &["start", "label", "visitors", "sessions", "pageviews"]);
    for p in &points {
        csv.row(vec![
            p.start.to_string(),
            p.label.clone(),
            p.visitors.to_string(),
            p.sessions.to_string(),
            p.pageviews.to_string(),
        ]);
    }
    (TimeSeries { range, interval, points }, csv)
}

pub(crate) fn breakdown(
    range: ReportRange,
    dim: Dimension,
    rows: Vec<DimensionRow>,
) -> (Breakdown, Csv) {
    let rows: Vec<BreakdownRow> = rows
        .into_iter()
        .map(|r| BreakdownRow {
            bounce_rate: ratio(r.bounces, r.sessions),
            value: r.value,
            visitors: r.visitors,
            sessions: r.sessions,
            pageviews: r.pageviews,
        })
        .collect();
    let mut csv =
        Csv::new(dim.name(), &[dim.name(), "visitors", "sessions", "pageviews", "bounce_rate"]);
    for r in &rows {
        csv.row(vec![
            text(r.value.as_deref()),
            r.visitors.to_string(),
            r.sessions.to_string(),
            r.pageviews.to_string(),
            r.bounce_rate.to_string(),
        ]);
    }
    (Breakdown { range, dimension: dim.name().to_owned(), rows }, csv)
}

pub(crate) fn campaigns(range: ReportRange, rows: Vec<CampaignDbRow>) -> (CampaignsReport, Csv) {
    let rows: Vec<CampaignRow> = rows
        .into_iter()
        .map(|r| CampaignRow {
            bounce_rate: ratio(r.bounces, r.sessions),
            source: r.source,
            medium: r.medium,
            campaign: r.campaign,
            visitors: r.visitors,
            sessions: r.sessions,
            pageviews: r.pageviews,
        })
        .collect();
    let mut csv = Csv::new(
        "campaigns",
        &["source", "medium", "campaign", "visitors", "sessions", "pageviews", "bounce_rate"],
    );
    for r in &rows {
        csv.row(vec![
            text(r.source.as_deref()),
            text(r.medium.as_deref()),
            text(r.campaign.as_deref()),
            r.visitors.to_string(),
            r.sessions.to_string(),
            r.pageviews.to_string(),
            r.bounce_rate.to_string(),
        ]);
    }
    (CampaignsReport { range, rows }, csv)
}

pub(crate) fn pages(range: ReportRange, rows: Vec<PageDbRow>) -> (PagesReport, Csv) {
    let rows: Vec<PageRow> = rows
        .into_iter()
        .map(|r| PageRow { path: r.path, pageviews: r.pageviews, sessions: r.sessions })
        .collect();
    let mut csv = Csv::new("pages", &["path", "pageviews", "sessions"]);
    for r in &rows {
        csv.row(vec![r.path.clone(), r.pageviews.to_string(), r.sessions.to_string()]);
    }
    (PagesReport { range, rows }, csv)
}

pub(crate) fn events(range: ReportRange, rows: Vec<EventDbRow>) -> (EventsReport, Csv) {
    let mut by_name: BTreeMap<String, EventSummary> = BTreeMap::new();
    for r in rows {
        let e = by_name.entry(r.name.clone()).or_insert_with(|| EventSummary {
            name: r.name.clone(),
            count: 0,
            sessions: 0,
            properties: Vec::new(),
        });
        if r.prop_key.is_empty() {
            e.count = r.count;
            e.sessions = r.sessions;
        } else {
            e.properties.push(PropertyCount {
                key: r.prop_key,
                value: r.prop_value,
                count: r.count,
            });
        }
    }
    let mut events: Vec<EventSummary> = by_name.into_values().collect();
    events.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    events.truncate(TOP_EVENTS as usize);
    for e in &mut events {
        e.properties.sort_by(|a, b| {
            a.key.cmp(&b.key).then(b.count.cmp(&a.count)).then_with(|| a.value.cmp(&b.value))
        });
    }
    let mut csv = Csv::new("events", &["name", "property", "value", "count", "sessions"]);
    for e in &events {
        csv.row(vec![
            e.name.clone(),
            String::new(),
            String::new(),
            e.count.to_string(),
            e.sessions.to_string(),
        ]);
        for p in &e.properties {
            csv.row(vec![
                e.name.clone(),
                p.key.clone(),
                p.value.clone(),
                p.count.to_string(),
                String::new(),
            ]);
        }
    }
    (EventsReport { range, events }, csv)
}

fn session_id(text: &str) -> Result<SessionId, ApiError> {
    text.parse::<uuid::Uuid>()
        .map(SessionId)
        .map_err(|_| ApiError::storage("decode sessions.id", text))
}

/// One sessions-list row (also the session summary in a lead's webhook).
pub(crate) fn summary(r: SummaryRow) -> Result<SessionSummary, ApiError> {
    Ok(SessionSummary {
        id: session_id(&r.id)?,
        started_at: r.started_at,
        duration_ms: r.duration_ms,
        page_views: r.page_views,
        event_count: r.event_count,
        landing_path: r.landing_path,
        exit_path: r.exit_path,
        referrer_host: r.referrer_host,
        utm_campaign: r.utm_campaign,
        country: r.country,
        device_class: r.device_class,
        browser: r.browser,
        os: r.os,
        engagement_score: r.engagement_score,
        suspicion_score: r.suspicion_score,
        has_lead: r.lead_count > 0,
    })
}

pub(crate) fn sessions(
    range: ReportRange,
    mut rows: Vec<SummaryRow>,
    limit: u32,
) -> Result<(SessionsPage, Csv), ApiError> {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let sessions = rows.into_iter().map(summary).collect::<Result<Vec<_>, ApiError>>()?;
    let next_cursor =
        if more { sessions.last().map(|s| format_cursor(s.started_at, &s.id)) } else { None };
    let mut csv = Csv::new(
        "sessions",
        &[
            "id",
            "started_at",
            "duration_ms",
            "page_views",
            "event_count",
            "landing_path",
            "exit_path",
            "referrer_host",
            "utm_campaign",
            "country",
            "device_class",
            "browser",
            "os",
            "engagement_score",
            "suspicion_score",
            "has_lead",
        ],
    );
    for s in &sessions {
        csv.row(vec![
            s.id.to_string(),
            s.started_at.to_string(),
            s.duration_ms.to_string(),
            s.page_views.to_string(),
            s.event_count.to_string(),
            text(s.landing_path.as_deref()),
            text(s.exit_path.as_deref()),
            text(s.referrer_host.as_deref()),
            text(s.utm_campaign.as_deref()),
            text(s.country.as_deref()),
            text(s.device_class.as_deref()),
            text(s.browser.as_deref()),
            text(s.os.as_deref()),
            s.engagement_score.to_string(),
            s.suspicion_score.to_string(),
            s.has_lead.to_string(),
        ]);
    }
    Ok((SessionsPage { range, sessions, next_cursor }, csv))
}

/// Score reasons as stored (`[{"reason":…,"points":…}]`); unreadable text reads as none.
pub(crate) fn reasons(json: Option<&str>) -> Vec<ScoreReason> {
    json.and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default()
}

fn device_class(v: Option<&str>) -> Option<DeviceClass> {
    match v? {
        "desktop" => Some(DeviceClass::Desktop),
        "mobile" => Some(DeviceClass::Mobile),
        "tablet" => Some(DeviceClass::Tablet),
        _ => None,
    }
}

fn consent(v: Option<&str>) -> ConsentTier {
    match v {
        Some("analytics") => ConsentTier::Analytics,
        Some("marketing") => ConsentTier::Marketing,
        _ => ConsentTier::Count,
    }
}

/// The session's record; also returns its R2 prefix.
pub(crate) fn record(r: RecordRow) -> Result<(SessionRecord, String), ApiError> {
    let record = SessionRecord {
        id: session_id(&r.id)?,
        site_key: SiteKey::parse(&r.site_key)
            .map_err(|_| ApiError::storage("decode sessions.site_key", &r.site_key))?,
        started_at: r.started_at,
        received_at: r.received_at,
        last_seen_at: r.last_seen_at,
        ended_at: r.ended_at,
        duration_ms: r.duration_ms,
        landing_url: r.landing_url,
        landing_path: r.landing_path,
        exit_path: r.exit_path,
        referrer: r.referrer,
        referrer_host: r.referrer_host,
        title: r.title,
        utm: Utm {
            source: r.utm_source,
            medium: r.utm_medium,
            campaign: r.utm_campaign,
            term: r.utm_term,
            content: r.utm_content,
        },
        consent: consent(r.consent.as_deref()),
        visitor_id: r.visitor_id,
        language: r.language,
        timezone: r.timezone,
        screen_width: r.screen_width,
        screen_height: r.screen_height,
        device_class: device_class(r.device_class.as_deref()),
        browser: r.browser,
        os: r.os,
        user_agent: r.user_agent,
        country: r.country,
        asn: r.asn,
        as_org: r.as_org,
        event_count: r.event_count,
        page_views: r.page_views,
        clicks: r.clicks,
        max_scroll_percent: r.max_scroll_percent,
        engaged_ms: r.engaged_ms,
        rage_clicks: r.rage_clicks,
        form_starts: r.form_starts,
        form_submits: r.form_submits,
        errors: r.errors,
        custom_events: r.custom_events,
        engagement_score: r.engagement_score,
        engagement_reasons: reasons(r.engagement_reasons.as_deref()),
        suspicion_score: r.suspicion_score,
        suspicion_reasons: reasons(r.suspicion_reasons.as_deref()),
        lead_count: r.lead_count,
    };
    Ok((record, r.r2_prefix))
}

pub(crate) fn page_visits(rows: Vec<PageVisitRow>) -> Vec<PageVisit> {
    rows.into_iter().map(|r| PageVisit { path: r.path, views: r.views }).collect()
}

pub(crate) fn event_counts(rows: Vec<EventCountRow>) -> Vec<EventCount> {
    rows.into_iter().map(|r| EventCount { name: r.name, count: r.count }).collect()
}
