//! `/analytics/*` report bodies. Every report echoes the [`ReportRange`] it covers.
//!
//! Query parameters shared by every report: `site` (a site key; defaults to the only registered
//! site), `from` and `to` (ms since the epoch, RFC 3339, or `YYYY-MM-DD` in the report's time
//! zone; `to` is exclusive, a date `to` includes that day; default: the 30 days up to now), `tz`
//! (`site` (default), `visitor`, or an IANA name) and `bots` (`exclude`, the default while bot
//! detection is on, or `include`). Tables also answer `text/csv` to `Accept: text/csv`.

use crate::prelude::*;

use serde::{Deserialize, Serialize};

use crate::{ConsentTier, DeviceClass, Event, SessionId, SiteKey, UnixMillis, Utm};

/// The slice of data a report covers.
///
/// ```json
/// { "site": "demo", "from": 1761609600000, "to": 1764201600000, "timezone": "Europe/Berlin", "bots": "exclude" }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportRange {
    /// Example: `"demo"`.
    pub site: SiteKey,
    /// First ms included (session `started_at`). Example: `1761609600000`.
    pub from: UnixMillis,
    /// First ms excluded. Example: `1764201600000`.
    pub to: UnixMillis,
    /// The zone buckets and dates are read in; `"visitor"` when each session uses its own.
    /// Example: `"Europe/Berlin"`.
    pub timezone: String,
    /// Whether sessions scored as bots are left out. Example: `"exclude"`.
    pub bots: BotFilter,
}

/// `bots=` on every report.
///
/// JSON: `"exclude"`
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BotFilter {
    /// Leave out sessions whose suspicion score reaches the bot-detection threshold.
    Exclude,
    /// Count every session.
    Include,
}

/// `GET /analytics/overview` (page `overview`).
///
/// ```json
/// { "range": { "site": "demo", "from": 1761609600000, "to": 1764201600000, "timezone": "UTC", "bots": "exclude" },
///   "visitors": 812, "sessions": 1034, "pageviews": 2871, "bounce_rate": 0.412, "pages_per_session": 2.78,
///   "median_duration_ms": 48000, "avg_engaged_ms": 31250, "total_engaged_ms": 32312500 }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overview {
    /// What the numbers cover.
    pub range: ReportRange,
    /// Distinct visitors (visitor id, else the daily visitor hash). Exact when no whole local day
    /// of the range has its daily rollup built yet; otherwise a HyperLogLog estimate over the
    /// built days merged with the raw rest, within 5 % of the exact count. Example: `812`.
    pub visitors: u64,
    /// Example: `1034`.
    pub sessions: u64,
    /// Example: `2871`.
    pub pageviews: u64,
    /// Share of sessions with at most one pageview, 0 to 1 (0 when there are none). Example: `0.412`.
    pub bounce_rate: f64,
    /// Pageviews per session. Example: `2.78`.
    pub pages_per_session: f64,
    /// Median session duration, ms (the lower median for an even count). Where daily rollups are
    /// built, the middle of the histogram bucket holding it: within 2 % (50 ms under a second).
    /// Example: `48000`.
    pub median_duration_ms: u64,
    /// Mean engaged (visible and focused) time per session, ms. Example: `31250`.
    pub avg_engaged_ms: u64,
    /// Total engaged time, ms. Example: `32312500`.
    pub total_engaged_ms: u64,
}

/// Bucket size of a time series.
///
/// JSON: `"day"`
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    /// Local hours (at most 31 days of them).
    Hour,
    /// Local calendar days.
    Day,
}

/// `GET /analytics/timeseries?interval=day` (page `overview`). Every bucket of the range is
/// present, empty ones with zeros.
///
/// ```json
/// { "range": { "site": "demo", "from": 1764025200000, "to": 1764111600000, "timezone": "Europe/Berlin", "bots": "exclude" },
///   "interval": "day",
///   "points": [ { "start": 1764025200000, "label": "2025-11-25", "visitors": 40, "sessions": 52, "pageviews": 130 } ] }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeSeries {
    /// What the series covers.
    pub range: ReportRange,
    /// Example: `"day"`.
    pub interval: Interval,
    /// Oldest first.
    pub points: Vec<SeriesPoint>,
}

/// One bucket of a [`TimeSeries`].
///
/// ```json
/// { "start": 1764025200000, "label": "2025-11-25", "visitors": 40, "sessions": 52, "pageviews": 130 }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesPoint {
    /// The bucket's first ms (UTC epoch); with `tz=visitor`, local wall time read as UTC.
    /// Example: `1764025200000`.
    pub start: UnixMillis,
    /// Local date (`2025-11-25`) or hour (`2025-11-25T14:00`). Example: `"2025-11-25"`.
    pub label: String,
    /// Distinct visitors in the bucket. Example: `40`.
    pub visitors: u64,
    /// Sessions that started in the bucket. Example: `52`.
    pub sessions: u64,
    /// Their pageviews. Example: `130`.
    pub pageviews: u64,
}

/// A breakdown by one dimension: `/analytics/pages/entry`, `/analytics/pages/exit` (page `pages`),
/// `/analytics/referrers` (page `sources`), `/analytics/countries`, `/analytics/devices`,
/// `/analytics/browsers`, `/analytics/os` (page `overview`). Most sessions first; `limit` rows
/// (default 100, at most 1000).
///
/// ```json
/// { "range": { "site": "demo", "from": 1761609600000, "to": 1764201600000, "timezone": "UTC", "bots": "exclude" },
///   "dimension": "referrer",
///   "rows": [ { "value": "search.example", "visitors": 120, "sessions": 140, "pageviews": 390, "bounce_rate": 0.35 },
///             { "value": null, "visitors": 80, "sessions": 95, "pageviews": 160, "bounce_rate": 0.6 } ] }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Breakdown {
    /// What the rows cover.
    pub range: ReportRange,
    /// `entry_page`, `exit_page`, `referrer`, `country`, `device`, `browser` or `os`.
    /// Example: `"referrer"`.
    pub dimension: String,
    /// One row per value.
    pub rows: Vec<BreakdownRow>,
}

/// One value of a [`Breakdown`].
///
/// ```json
/// { "value": "search.example", "visitors": 120, "sessions": 140, "pageviews": 390, "bounce_rate": 0.35 }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakdownRow {
    /// The value; `null` when unknown (for referrers: direct or same-site). Example: `"search.example"`.
    pub value: Option<String>,
    /// Distinct visitors with this value: exact, or (where daily rollups are built, as for
    /// [`Overview::visitors`]) an estimate within 5 %. Example: `120`.
    pub visitors: u64,
    /// Exact. Example: `140`.
    pub sessions: u64,
    /// Pageviews of those sessions. Example: `390`.
    pub pageviews: u64,
    /// Share of those sessions with at most one pageview. Example: `0.35`.
    pub bounce_rate: f64,
}

/// `GET /analytics/pages` (page `pages`): pages by views.
///
/// ```json
/// { "range": { "site": "demo", "from": 1761609600000, "to": 1764201600000, "timezone": "UTC", "bots": "exclude" },
///   "rows": [ { "path": "/pricing", "pageviews": 410, "sessions": 300 } ] }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PagesReport {
    /// What the rows cover.
    pub range: ReportRange,
    /// Most viewed first.
    pub rows: Vec<PageRow>,
}

/// One page of a [`PagesReport`].
///
/// ```json
/// { "path": "/pricing", "pageviews": 410, "sessions": 300 }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageRow {
    /// Path without query or fragment. Example: `"/pricing"`.
    pub path: String,
    /// Example: `410`.
    pub pageviews: u64,
    /// Sessions that viewed it. Example: `300`.
    pub sessions: u64,
}

/// `GET /analytics/campaigns` (page `sources`): sessions by UTM source, medium and campaign.
///
/// ```json
/// { "range": { "site": "demo", "from": 1761609600000, "to": 1764201600000, "timezone": "UTC", "bots": "exclude" },
///   "rows": [ { "source": "newsletter", "medium": "email", "campaign": "spring", "visitors": 60, "sessions": 64, "pageviews": 150, "bounce_rate": 0.25 } ] }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignsReport {
    /// What the rows cover.
    pub range: ReportRange,
    /// Most sessions first; sessions without any UTM parameter are left out.
    pub rows: Vec<CampaignRow>,
}

/// One combination of a [`CampaignsReport`].
///
/// ```json
/// { "source": "newsletter", "medium": "email", "campaign": "spring", "visitors": 60, "sessions": 64, "pageviews": 150, "bounce_rate": 0.25 }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignRow {
    /// `utm_source`. Example: `"newsletter"`.
    pub source: Option<String>,
    /// `utm_medium`. Example: `"email"`.
    pub medium: Option<String>,
    /// `utm_campaign`. Example: `"spring"`.
    pub campaign: Option<String>,
    /// Example: `60`.
    pub visitors: u64,
    /// Example: `64`.
    pub sessions: u64,
    /// Example: `150`.
    pub pageviews: u64,
    /// Example: `0.25`.
    pub bounce_rate: f64,
}

/// `GET /analytics/events` (page `events`): custom events, with their most frequent property
/// values (at most 20 per property).
///
/// ```json
/// { "range": { "site": "demo", "from": 1761609600000, "to": 1764201600000, "timezone": "UTC", "bots": "exclude" },
///   "events": [ { "name": "signup", "count": 42, "sessions": 40,
///                 "properties": [ { "key": "plan", "value": "\"pro\"", "count": 30 } ] } ] }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsReport {
    /// What the numbers cover.
    pub range: ReportRange,
    /// Most frequent first.
    pub events: Vec<EventSummary>,
}

/// One custom event of an [`EventsReport`].
///
/// ```json
/// { "name": "signup", "count": 42, "sessions": 40, "properties": [ { "key": "plan", "value": "\"pro\"", "count": 30 } ] }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSummary {
    /// Example: `"signup"`.
    pub name: String,
    /// Times it was sent. Example: `42`.
    pub count: u64,
    /// Sessions that sent it. Example: `40`.
    pub sessions: u64,
    /// Most frequent first.
    pub properties: Vec<PropertyCount>,
}

/// How often a property had a value.
///
/// ```json
/// { "key": "plan", "value": "\"pro\"", "count": 30 }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PropertyCount {
    /// Example: `"plan"`.
    pub key: String,
    /// The value as JSON text (`"\"pro\""`, `"3"`, `"true"`). Example: `"\"pro\""`.
    pub value: String,
    /// Example: `30`.
    pub count: u64,
}

/// `GET /analytics/sessions` (page `sessions`): newest first, `limit` per page (default 50, at
/// most 200), filtered by `min_engagement`, `max_engagement`, `min_suspicion`, `max_suspicion`,
/// `country` (ISO code), `page` (a path the session viewed) and `has_lead` (`true`/`false`).
/// Pass `next_cursor` back as `cursor` for the next page.
///
/// ```json
/// { "range": { "site": "demo", "from": 1761609600000, "to": 1764201600000, "timezone": "UTC", "bots": "exclude" },
///   "sessions": [ { "id": "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c", "started_at": 1764097200000, "duration_ms": 48000,
///                   "page_views": 3, "event_count": 17, "landing_path": "/", "exit_path": "/pricing",
///                   "referrer_host": "search.example", "country": "DE", "device_class": "desktop",
///                   "browser": "Firefox", "os": "Linux", "engagement_score": 64, "suspicion_score": 5, "has_lead": false } ],
///   "next_cursor": "1764097200000.0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c" }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionsPage {
    /// What the list covers.
    pub range: ReportRange,
    /// Newest first.
    pub sessions: Vec<SessionSummary>,
    /// Opaque; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// One row of a [`SessionsPage`].
///
/// ```json
/// { "id": "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c", "started_at": 1764097200000, "duration_ms": 48000, "page_views": 3,
///   "event_count": 17, "landing_path": "/", "engagement_score": 64, "suspicion_score": 5, "has_lead": false }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionSummary {
    /// Example: `"0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c"`.
    pub id: SessionId,
    /// Example: `1764097200000`.
    pub started_at: UnixMillis,
    /// Example: `48000`.
    pub duration_ms: u64,
    /// Example: `3`.
    pub page_views: u64,
    /// Example: `17`.
    pub event_count: u64,
    /// Example: `"/"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub landing_path: Option<String>,
    /// Example: `"/pricing"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_path: Option<String>,
    /// Example: `"search.example"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer_host: Option<String>,
    /// Example: `"spring"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utm_campaign: Option<String>,
    /// Example: `"DE"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Example: `"desktop"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_class: Option<String>,
    /// Example: `"Firefox"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
    /// Example: `"Linux"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    /// 0 to 100. Example: `64`.
    pub engagement_score: u32,
    /// 0 to 100. Example: `5`.
    pub suspicion_score: u32,
    /// Whether a lead was captured in the session. Example: `false`.
    pub has_lead: bool,
}

/// A score's reason and its points.
///
/// ```json
/// { "reason": "webdriver", "points": 40 }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreReason {
    /// Example: `"webdriver"`.
    pub reason: String,
    /// Example: `40`.
    pub points: i64,
}

/// `GET /analytics/sessions/{id}` (page `sessions`): the D1 row, its page and event rollups, and
/// its events merged from R2 (`sessions/YYYY/MM/DD/{id}/events/*.json`, in key order, at most
/// `limit` objects (default 100, at most 500) per answer; pass `next_events_cursor` back as
/// `events_cursor` for the rest).
///
/// ```json
/// { "session": { "id": "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c", "site_key": "demo", "started_at": 1764097200000, "…": "…" },
///   "pages": [ { "path": "/", "views": 2 } ],
///   "custom_events": [ { "name": "signup", "count": 1 } ],
///   "events": [ { "type": "pageview", "ts": 1764097200012, "url": "https://shop.example/" } ],
///   "storage": { "list_calls": 1, "objects_listed": 3, "objects_read": 3 } }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionDetail {
    /// The session's row.
    pub session: SessionRecord,
    /// Pages it viewed, with views.
    pub pages: Vec<PageVisit>,
    /// Custom events it sent, with counts.
    pub custom_events: Vec<EventCount>,
    /// Its events from R2, oldest first (by `ts`, ties in batch order).
    pub events: Vec<Event>,
    /// Absent when every batch was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_events_cursor: Option<String>,
    /// What reading R2 cost.
    pub storage: StorageReads,
}

/// How many R2 operations a session detail needed.
///
/// ```json
/// { "list_calls": 1, "objects_listed": 3, "objects_read": 3 }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageReads {
    /// `list` calls (1,000 keys each at most). Example: `1`.
    pub list_calls: u32,
    /// Keys they returned. Example: `3`.
    pub objects_listed: u32,
    /// Objects read. Example: `3`.
    pub objects_read: u32,
}

/// A page of a session and how often it was viewed.
///
/// ```json
/// { "path": "/pricing", "views": 2 }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageVisit {
    /// Example: `"/pricing"`.
    pub path: String,
    /// Example: `2`.
    pub views: u64,
}

/// A custom event of a session and how often it was sent.
///
/// ```json
/// { "name": "signup", "count": 1 }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventCount {
    /// Example: `"signup"`.
    pub name: String,
    /// Example: `1`.
    pub count: u64,
}

/// Everything D1 knows about one session.
///
/// ```json
/// { "id": "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c", "site_key": "demo", "started_at": 1764097200000, "received_at": 1764097200150,
///   "last_seen_at": 1764097248000, "duration_ms": 48000, "landing_url": "https://shop.example/?utm_source=newsletter",
///   "landing_path": "/", "exit_path": "/pricing", "consent": "analytics", "page_views": 3, "event_count": 17,
///   "engagement_score": 64, "engagement_reasons": [ { "reason": "scrolled", "points": 10 } ], "suspicion_score": 5,
///   "suspicion_reasons": [], "lead_count": 0 }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionRecord {
    /// Example: `"0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c"`.
    pub id: SessionId,
    /// Example: `"demo"`.
    pub site_key: SiteKey,
    /// Client ms. Example: `1764097200000`.
    pub started_at: UnixMillis,
    /// Server ms. Example: `1764097200150`.
    pub received_at: UnixMillis,
    /// Server ms of the latest aggregate update. Example: `1764097248000`.
    pub last_seen_at: UnixMillis,
    /// Example: `1764097500000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<UnixMillis>,
    /// Example: `48000`.
    pub duration_ms: u64,
    /// Example: `"https://shop.example/?utm_source=newsletter"`.
    pub landing_url: String,
    /// Example: `"/"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub landing_path: Option<String>,
    /// Example: `"/pricing"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_path: Option<String>,
    /// Example: `"https://search.example/"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
    /// Example: `"search.example"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer_host: Option<String>,
    /// Example: `"Pricing"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// UTM parameters of the landing URL.
    #[serde(default, skip_serializing_if = "Utm::is_empty")]
    pub utm: Utm,
    /// Example: `"analytics"`.
    pub consent: ConsentTier,
    /// Example: `"5d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_id: Option<String>,
    /// Example: `"en-US"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Example: `"Europe/Berlin"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Example: `1920`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen_width: Option<u32>,
    /// Example: `1080`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen_height: Option<u32>,
    /// Example: `"desktop"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_class: Option<DeviceClass>,
    /// Example: `"Firefox"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
    /// Example: `"Linux"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    /// Example: `"Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// Example: `"DE"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Example: `3320`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asn: Option<u32>,
    /// Example: `"Deutsche Telekom AG"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_org: Option<String>,
    /// Example: `17`.
    pub event_count: u64,
    /// Example: `3`.
    pub page_views: u64,
    /// Example: `5`.
    pub clicks: u64,
    /// Example: `80`.
    pub max_scroll_percent: u64,
    /// Example: `31000`.
    pub engaged_ms: u64,
    /// Example: `0`.
    pub rage_clicks: u64,
    /// Example: `1`.
    pub form_starts: u64,
    /// Example: `1`.
    pub form_submits: u64,
    /// Example: `0`.
    pub errors: u64,
    /// Example: `2`.
    pub custom_events: u64,
    /// 0 to 100. Example: `64`.
    pub engagement_score: u32,
    /// Why.
    pub engagement_reasons: Vec<ScoreReason>,
    /// 0 to 100. Example: `5`.
    pub suspicion_score: u32,
    /// Why.
    pub suspicion_reasons: Vec<ScoreReason>,
    /// Leads captured in this session. Example: `0`.
    pub lead_count: u64,
}
