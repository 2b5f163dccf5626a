//! The SQL of every report, built from a [`Scope`] (site, range, bot filter) and parameters only:
//! no user text is ever spliced into a statement except through `?N` bindings, and the few
//! literals (columns, offsets, time-zone names) come from this code or were checked first.
//!
//! Every statement starts from an index on `(site_key, started_at, …)`: a unit test runs
//! `EXPLAIN QUERY PLAN` on each against the real migrations and fails on any full scan.

use pulsegate_schema::{SessionId, UnixMillis};

use crate::sql::Query;

/// The slice of data a report reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Scope {
    pub(crate) site: String,
    pub(crate) from: UnixMillis,
    pub(crate) to: UnixMillis,
    /// Leave out sessions whose suspicion score reaches this (bot detection on, `bots=exclude`).
    pub(crate) bot_threshold: Option<u32>,
}

/// Distinct visitors: distinct visitor keys, plus one per session ingested without a key (each
/// its own visitor). Written this way rather than `count(DISTINCT coalesce(visitor_key, id))`,
/// which SQLite evaluates about 1.8 times slower on 100,000 sessions.
pub(crate) const VISITORS: &str =
    "count(DISTINCT visitor_key) + coalesce(sum(visitor_key IS NULL), 0)";

impl Scope {
    /// `site_key = ?1 AND started_at >= ?2 AND started_at < ?3 [AND suspicion_score < ?4]` on
    /// `sessions`.
    fn sessions(&self, q: &mut Query) -> String {
        let (site, from, to) = (q.bind(self.site.as_str()), q.bind(self.from), q.bind(self.to));
        let mut sql = format!("site_key = {site} AND started_at >= {from} AND started_at < {to}");
        if let Some(threshold) = self.bot_threshold {
            sql.push_str(&format!(" AND suspicion_score < {}", q.bind(threshold)));
        }
        sql
    }

    /// The same slice of a rollup table (`session_pages`, `session_events`), which carries the
    /// session's `site_key` and `started_at`; bots are left out by id (there are few of them).
    fn rollup(&self, q: &mut Query) -> String {
        let (site, from, to) = (q.bind(self.site.as_str()), q.bind(self.from), q.bind(self.to));
        let mut sql = format!("site_key = {site} AND started_at >= {from} AND started_at < {to}");
        if let Some(threshold) = self.bot_threshold {
            let t = q.bind(threshold);
            sql.push_str(&format!(
                " AND session_id NOT IN (SELECT id FROM sessions WHERE site_key = {site} \
                 AND started_at >= {from} AND started_at < {to} AND suspicion_score >= {t})"
            ));
        }
        sql
    }
}

/// Totals of the overview: `sessions, visitors, pageviews, bounces, engaged_ms`.
pub(crate) fn overview(s: &Scope) -> Query {
    let mut q = Query::new("", vec![]);
    let w = s.sessions(&mut q);
    q.sql = format!(
        "SELECT count(*) AS sessions, {VISITORS} AS visitors,
                coalesce(sum(page_views), 0) AS pageviews,
                coalesce(sum(page_views <= 1), 0) AS bounces,
                coalesce(sum(engaged_ms), 0) AS engaged_ms
           FROM sessions WHERE {w}"
    );
    q
}

/// The lower median session duration: the value at index `(n - 1) / 2` in duration order.
pub(crate) fn median_duration(s: &Scope) -> Query {
    let mut q = Query::new("", vec![]);
    let w = s.sessions(&mut q);
    q.sql = format!(
        "SELECT duration_ms FROM sessions WHERE {w} ORDER BY duration_ms
          LIMIT 1 OFFSET (SELECT (count(*) - 1) / 2 FROM sessions WHERE {w})"
    );
    q
}

/// Sessions, visitors and pageviews per local bucket: `bucket` is the local wall time divided by
/// `size_ms`; `offset_sql` is the zone's offset at `started_at` (from [`super::tz::Offsets::sql`]
/// or a per-visitor `CASE` from [`visitor_offset_sql`]).
pub(crate) fn timeseries(s: &Scope, offset_sql: &str, size_ms: u64) -> Query {
    let mut q = Query::new("", vec![]);
    let w = s.sessions(&mut q);
    q.sql = format!(
        "SELECT (started_at + ({offset_sql})) / {size_ms} AS bucket, count(*) AS sessions,
                {VISITORS} AS visitors, coalesce(sum(page_views), 0) AS pageviews
           FROM sessions WHERE {w} GROUP BY bucket ORDER BY bucket"
    );
    q
}

/// The visitors' time zones in the scope, most sessions first (at most `limit`).
pub(crate) fn visitor_zones(s: &Scope, limit: u32) -> Query {
    let mut q = Query::new("", vec![]);
    let w = s.sessions(&mut q);
    let l = q.bind(limit);
    q.sql = format!(
        "SELECT timezone, count(*) AS sessions FROM sessions WHERE {w} AND timezone IS NOT NULL
          GROUP BY timezone ORDER BY sessions DESC, timezone LIMIT {l}"
    );
    q
}

/// `CASE timezone WHEN 'Europe/Berlin' THEN <offsets> … ELSE <fallback> END`. Zone names are
/// inlined, so only names of the checked shape (`[A-Za-z0-9/_+-]`) are accepted; others are left
/// to the fallback.
pub(crate) fn visitor_offset_sql(zones: &[(String, String)], fallback: &str) -> String {
    let mut sql = "CASE timezone".to_owned();
    let mut any = false;
    for (name, offsets) in zones {
        if pulsegate_schema::is_timezone_name(name) {
            sql.push_str(&format!(" WHEN '{name}' THEN {offsets}"));
            any = true;
        }
    }
    if !any {
        return fallback.to_owned();
    }
    sql.push_str(&format!(" ELSE {fallback} END"));
    sql
}

/// A session column a breakdown groups by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dimension {
    EntryPage,
    ExitPage,
    Referrer,
    Country,
    Device,
    Browser,
    Os,
}

impl Dimension {
    pub(crate) const ALL: [Self; 7] = [
        Self::EntryPage,
        Self::ExitPage,
        Self::Referrer,
        Self::Country,
        Self::Device,
        Self::Browser,
        Self::Os,
    ];

    pub(crate) fn column(self) -> &'static str {
        match self {
            Self::EntryPage => "landing_path",
            Self::ExitPage => "exit_path",
            Self::Referrer => "referrer_host",
            Self::Country => "country",
            Self::Device => "device_class",
            Self::Browser => "browser",
            Self::Os => "os",
        }
    }

    /// The name in the answer's `dimension` field and the CSV file name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::EntryPage => "entry_page",
            Self::ExitPage => "exit_page",
            Self::Referrer => "referrer",
            Self::Country => "country",
            Self::Device => "device",
            Self::Browser => "browser",
            Self::Os => "os",
        }
    }
}

/// Sessions by one column: `value, visitors, sessions, pageviews, bounces`.
pub(crate) fn breakdown(s: &Scope, dim: Dimension, limit: u32) -> Query {
    let mut q = Query::new("", vec![]);
    let w = s.sessions(&mut q);
    let l = q.bind(limit);
    let col = dim.column();
    q.sql = format!(
        "SELECT {col} AS value, {VISITORS} AS visitors, count(*) AS sessions,
                coalesce(sum(page_views), 0) AS pageviews, coalesce(sum(page_views <= 1), 0) AS bounces
           FROM sessions WHERE {w} GROUP BY {col} ORDER BY sessions DESC, value LIMIT {l}"
    );
    q
}

/// Sessions with any UTM parameter, by source, medium and campaign. The UTM term repeats the
/// `WHERE` of the partial index `idx_sessions_campaigns` (migration 0014) word for word: SQLite
/// uses a partial index only then, and reads just these sessions.
pub(crate) fn campaigns(s: &Scope, limit: u32) -> Query {
    let mut q = Query::new("", vec![]);
    let w = s.sessions(&mut q);
    let l = q.bind(limit);
    q.sql = format!(
        "SELECT utm_source AS source, utm_medium AS medium, utm_campaign AS campaign,
                {VISITORS} AS visitors, count(*) AS sessions,
                coalesce(sum(page_views), 0) AS pageviews, coalesce(sum(page_views <= 1), 0) AS bounces
           FROM sessions
          WHERE {w} AND (utm_source IS NOT NULL OR utm_medium IS NOT NULL OR utm_campaign IS NOT NULL)
          GROUP BY utm_source, utm_medium, utm_campaign
          ORDER BY sessions DESC, source, medium, campaign LIMIT {l}"
    );
    q
}

/// Pages by views, from the `session_pages` rollup.
pub(crate) fn top_pages(s: &Scope, limit: u32) -> Query {
    let mut q = Query::new("", vec![]);
    let w = s.rollup(&mut q);
    let l = q.bind(limit);
    q.sql = format!(
        "SELECT path, sum(views) AS pageviews, count(*) AS sessions FROM session_pages WHERE {w}
          GROUP BY path ORDER BY pageviews DESC, path LIMIT {l}"
    );
    q
}

/// Most values kept per event property.
pub(crate) const TOP_VALUES: u32 = 20;
/// Most custom event names reported.
pub(crate) const TOP_EVENTS: u32 = 100;

/// Custom events and their property values, from the `session_events` rollup: one row per
/// `(name, prop_key, prop_value)`, the event's own total under `prop_key = ''`; at most
/// [`TOP_VALUES`] values per property.
pub(crate) fn custom_events(s: &Scope) -> Query {
    let mut q = Query::new("", vec![]);
    let w = s.rollup(&mut q);
    let top = q.bind(TOP_VALUES);
    q.sql = format!(
        "SELECT name, prop_key, prop_value, count, sessions FROM (
           SELECT name, prop_key, prop_value, sum(count) AS count, count(*) AS sessions,
                  row_number() OVER (PARTITION BY name, prop_key ORDER BY sum(count) DESC, prop_value) AS rank
             FROM session_events WHERE {w} GROUP BY name, prop_key, prop_value)
          WHERE rank <= {top} ORDER BY name, prop_key, count DESC, prop_value"
    );
    q
}

/// Filters of the sessions list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SessionFilters {
    pub(crate) min_engagement: Option<u32>,
    pub(crate) max_engagement: Option<u32>,
    pub(crate) min_suspicion: Option<u32>,
    pub(crate) max_suspicion: Option<u32>,
    pub(crate) country: Option<String>,
    pub(crate) page: Option<String>,
    pub(crate) has_lead: Option<bool>,
}

/// The columns of a sessions-list row.
pub(crate) const SUMMARY_COLUMNS: &str = "id, started_at, duration_ms, page_views, event_count, landing_path, \
     exit_path, referrer_host, utm_campaign, country, device_class, browser, os, engagement_score, \
     suspicion_score, lead_count";

/// A page of the sessions list, newest first, after `cursor`; one row more than `limit` is read
/// to know whether another page follows.
pub(crate) fn sessions_list(
    s: &Scope,
    f: &SessionFilters,
    cursor: Option<(UnixMillis, SessionId)>,
    limit: u32,
) -> Query {
    let mut q = Query::new("", vec![]);
    let mut w = s.sessions(&mut q);
    let mut and = |clause: String| {
        w.push_str(" AND ");
        w.push_str(&clause);
    };
    if let Some(v) = f.min_engagement {
        and(format!("engagement_score >= {}", q.bind(v)));
    }
    if let Some(v) = f.max_engagement {
        and(format!("engagement_score <= {}", q.bind(v)));
    }
    if let Some(v) = f.min_suspicion {
        and(format!("suspicion_score >= {}", q.bind(v)));
    }
    if let Some(v) = f.max_suspicion {
        and(format!("suspicion_score <= {}", q.bind(v)));
    }
    if let Some(c) = &f.country {
        and(format!("country = {}", q.bind(c.as_str())));
    }
    if let Some(lead) = f.has_lead {
        and(if lead { "lead_count > 0".to_owned() } else { "lead_count = 0".to_owned() });
    }
    if let Some(page) = &f.page {
        let (site, from, to, path) =
            (q.bind(s.site.as_str()), q.bind(s.from), q.bind(s.to), q.bind(page.as_str()));
        and(format!(
            "id IN (SELECT session_id FROM session_pages WHERE site_key = {site} AND path = {path} \
             AND started_at >= {from} AND started_at < {to})"
        ));
    }
    if let Some((ts, id)) = cursor {
        let (t, i) = (q.bind(ts), q.bind(id.to_string()));
        and(format!("(started_at < {t} OR (started_at = {t} AND id < {i}))"));
    }
    let l = q.bind(limit + 1);
    q.sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM sessions WHERE {w} ORDER BY started_at DESC, id DESC LIMIT {l}"
    );
    q
}

/// The columns of a session's full record.
pub(crate) const RECORD_COLUMNS: &str = "id, site_key, started_at, received_at, last_seen_at, ended_at, \
     duration_ms, landing_url, landing_path, exit_path, referrer, referrer_host, title, utm_source, \
     utm_medium, utm_campaign, utm_term, utm_content, consent, visitor_id, language, timezone, \
     screen_width, screen_height, device_class, browser, os, user_agent, country, asn, as_org, \
     event_count, page_views, clicks, max_scroll_percent, engaged_ms, rage_clicks, form_starts, \
     form_submits, errors, custom_events, engagement_score, engagement_reasons, suspicion_score, \
     suspicion_reasons, lead_count, r2_prefix";

/// A session's row, its pages and its custom-event totals (one batch).
pub(crate) fn session_detail(id: &SessionId) -> [Query; 3] {
    let id = id.to_string();
    [
        Query::new(
            format!("SELECT {RECORD_COLUMNS} FROM sessions WHERE id = ?1"),
            vec![id.as_str().into()],
        ),
        Query::new(
            "SELECT path, views FROM session_pages WHERE session_id = ?1 ORDER BY views DESC, path",
            vec![id.as_str().into()],
        ),
        Query::new(
            "SELECT name, count FROM session_events WHERE session_id = ?1 AND prop_key = '' ORDER BY count DESC, name",
            vec![id.into()],
        ),
    ]
}
