//! The D1 side of replay: marking recorded sessions, listing them with filters and cursor
//! pagination, and one session's facts (`migrations/0030_replay.sql`; the other columns are
//! 0001's and 0002's).

use pulsegate_schema::replay::{ReplaySessionDetail, ReplaySessionList, ReplaySessionSummary};
use pulsegate_schema::{SessionId, UnixMillis};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::Env;

use crate::bindings;
use crate::error::ApiError;

/// Sets `has_replay` on the session (one write per recorded page; none when already set).
///
/// A recording can reach the worker before its session start (a large first snapshot is sent at
/// once, the session start may be retried): then the session is not in D1 yet, and the batch,
/// already stored, is answered 503 so the client sends it again (it overwrites the same object).
pub(crate) async fn mark_recorded(env: &Env, session: &str) -> Result<(), ApiError> {
    let db = env.d1(bindings::DB).map_err(|e| ApiError::storage("d1 binding", e))?;
    let id = [JsValue::from_str(session)];
    let result = db
        .prepare("UPDATE sessions SET has_replay = 1 WHERE id = ?1 AND has_replay = 0")
        .bind(&id)
        .map_err(|e| ApiError::storage("d1 bind has_replay", e))?
        .run()
        .await
        .map_err(|e| ApiError::storage("d1 update has_replay", e))?;
    let changed = result.meta().ok().flatten().and_then(|m| m.changes).unwrap_or(0);
    if changed > 0 {
        return Ok(());
    }
    let known: Option<f64> = db
        .prepare("SELECT has_replay FROM sessions WHERE id = ?1")
        .bind(&id)
        .map_err(|e| ApiError::storage("d1 bind session lookup", e))?
        .first(Some("has_replay"))
        .await
        .map_err(|e| ApiError::storage("d1 session lookup", e))?;
    match known {
        Some(_) => Ok(()),
        None => Err(ApiError::Unavailable {
            message: "the session has not started yet; retry later",
            detail: format!("replay batch for unknown session {session}"),
        }),
    }
}

/// Filters of `GET /replay/sessions`, all optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Filters {
    pub(crate) from: Option<UnixMillis>,
    pub(crate) to: Option<UnixMillis>,
    pub(crate) site: Option<String>,
    /// A path the session viewed (landing, exit, or any page of `session_pages`).
    pub(crate) page: Option<String>,
    pub(crate) min_engagement: Option<u32>,
    pub(crate) min_suspicion: Option<u32>,
    pub(crate) max_suspicion: Option<u32>,
    /// Only sessions with (`true`) or without (`false`) a captured lead.
    pub(crate) has_lead: Option<bool>,
    pub(crate) limit: u32,
    /// `started_at.id` of the last session of the previous page.
    pub(crate) cursor: Option<(UnixMillis, String)>,
}

/// Most sessions per page.
pub(crate) const MAX_LIMIT: u32 = 200;
const DEFAULT_LIMIT: u32 = 50;

/// The parameters of the recorded sessions list.
const FILTERS: &[&str] = &[
    "from",
    "to",
    "site",
    "page",
    "min_engagement",
    "min_suspicion",
    "max_suspicion",
    "has_lead",
    "limit",
    "cursor",
];

impl Filters {
    /// Reads the query string; a malformed value or another parameter is a 400 naming it.
    pub(crate) fn parse(query: &[(String, String)]) -> Result<Self, ApiError> {
        let mut f = Self { limit: DEFAULT_LIMIT, ..Self::default() };
        let bad = |name: &str, why: &str| ApiError::InvalidField {
            field: name.to_owned(),
            message: why.to_owned(),
        };
        for (name, value) in query {
            let number = || value.parse::<u64>().map_err(|_| bad(name, "must be a whole number"));
            let score = || {
                value
                    .parse::<u32>()
                    .ok()
                    .filter(|v| *v <= 100)
                    .ok_or_else(|| bad(name, "must be 0 to 100"))
            };
            match name.as_str() {
                "from" => f.from = Some(number()?),
                "to" => f.to = Some(number()?),
                "site" => f.site = Some(value.clone()),
                "page" => f.page = Some(value.clone()),
                "min_engagement" => f.min_engagement = Some(score()?),
                "min_suspicion" => f.min_suspicion = Some(score()?),
                "max_suspicion" => f.max_suspicion = Some(score()?),
                "has_lead" => {
                    f.has_lead = Some(match value.as_str() {
                        "true" | "1" => true,
                        "false" | "0" => false,
                        _ => return Err(bad(name, "must be true or false")),
                    });
                }
                "limit" => {
                    f.limit = value
                        .parse::<u32>()
                        .ok()
                        .filter(|v| (1..=MAX_LIMIT).contains(v))
                        .ok_or_else(|| bad(name, "must be 1 to 200"))?;
                }
                "cursor" => {
                    let (ts, id) = value
                        .split_once('.')
                        .ok_or_else(|| bad(name, "is not a cursor from this API"))?;
                    let ts = ts.parse().map_err(|_| bad(name, "is not a cursor from this API"))?;
                    f.cursor = Some((ts, id.to_owned()));
                }
                other => return Err(crate::http::unknown_param(other, FILTERS)),
            }
        }
        Ok(f)
    }

    /// The SQL and its bound values.
    pub(crate) fn sql(&self) -> (String, Vec<Bind>) {
        let mut sql = format!("SELECT {SUMMARY_COLUMNS} FROM sessions WHERE has_replay = 1");
        let mut values: Vec<Bind> = Vec::new();
        // Binds `value` and returns its placeholder, `?N`.
        let mut bind = |value: Bind| {
            values.push(value);
            format!("?{}", values.len())
        };
        if let Some(from) = self.from {
            sql.push_str(&format!(" AND started_at >= {}", bind(Bind::Num(from as f64))));
        }
        if let Some(to) = self.to {
            sql.push_str(&format!(" AND started_at < {}", bind(Bind::Num(to as f64))));
        }
        if let Some(site) = &self.site {
            sql.push_str(&format!(" AND site_key = {}", bind(Bind::Text(site.clone()))));
        }
        if let Some(page) = &self.page {
            let p = bind(Bind::Text(page.clone()));
            sql.push_str(&format!(
                " AND (landing_path = {p} OR exit_path = {p} OR id IN (SELECT session_id FROM session_pages WHERE path = {p}))"
            ));
        }
        if let Some(v) = self.min_engagement {
            sql.push_str(&format!(" AND engagement_score >= {}", bind(Bind::Num(f64::from(v)))));
        }
        if let Some(v) = self.min_suspicion {
            sql.push_str(&format!(" AND suspicion_score >= {}", bind(Bind::Num(f64::from(v)))));
        }
        if let Some(v) = self.max_suspicion {
            sql.push_str(&format!(" AND suspicion_score <= {}", bind(Bind::Num(f64::from(v)))));
        }
        if let Some(has) = self.has_lead {
            sql.push_str(if has { " AND lead_count > 0" } else { " AND lead_count = 0" });
        }
        if let Some((ts, id)) = &self.cursor {
            let t = bind(Bind::Num(*ts as f64));
            let i = bind(Bind::Text(id.clone()));
            sql.push_str(&format!(" AND (started_at < {t} OR (started_at = {t} AND id < {i}))"));
        }
        sql.push_str(&format!(" ORDER BY started_at DESC, id DESC LIMIT {}", self.limit + 1));
        (sql, values)
    }
}

/// A value bound to a `?N` placeholder.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Bind {
    Num(f64),
    Text(String),
}

impl Bind {
    fn js(&self) -> JsValue {
        match self {
            Self::Num(n) => JsValue::from_f64(*n),
            Self::Text(t) => JsValue::from_str(t),
        }
    }
}

const SUMMARY_COLUMNS: &str = "id, site_key, started_at, duration_ms, landing_path, exit_path, country, device_class, browser, page_views, clicks, rage_clicks, errors, form_submits, engagement_score, suspicion_score, lead_count";

/// A summary row as D1 returns it.
#[derive(Debug, Deserialize)]
struct SummaryRow {
    id: String,
    site_key: String,
    started_at: f64,
    duration_ms: Option<f64>,
    landing_path: Option<String>,
    exit_path: Option<String>,
    country: Option<String>,
    device_class: Option<String>,
    browser: Option<String>,
    page_views: Option<f64>,
    clicks: Option<f64>,
    rage_clicks: Option<f64>,
    errors: Option<f64>,
    form_submits: Option<f64>,
    engagement_score: Option<f64>,
    suspicion_score: Option<f64>,
    lead_count: Option<f64>,
}

fn count(v: Option<f64>) -> u32 {
    v.map_or(0, |n| n.max(0.0) as u32)
}

impl SummaryRow {
    fn into_summary(self) -> Option<ReplaySessionSummary> {
        Some(ReplaySessionSummary {
            id: self.id.parse().ok().map(SessionId)?,
            site_key: self.site_key,
            started_at: self.started_at as UnixMillis,
            duration_ms: self.duration_ms.map_or(0, |d| d.max(0.0) as u64),
            landing_path: self.landing_path,
            exit_path: self.exit_path,
            country: self.country,
            device_class: self.device_class,
            browser: self.browser,
            page_views: count(self.page_views),
            clicks: count(self.clicks),
            rage_clicks: count(self.rage_clicks),
            errors: count(self.errors),
            form_submits: count(self.form_submits),
            engagement_score: count(self.engagement_score),
            suspicion_score: count(self.suspicion_score),
            lead_count: count(self.lead_count),
        })
    }
}

/// One page of recorded sessions.
pub(crate) async fn list(env: &Env, filters: &Filters) -> Result<ReplaySessionList, ApiError> {
    let db = env.d1(bindings::DB).map_err(|e| ApiError::storage("d1 binding", e))?;
    let (sql, values) = filters.sql();
    let values: Vec<JsValue> = values.iter().map(Bind::js).collect();
    let rows: Vec<SummaryRow> = db
        .prepare(sql)
        .bind(&values)
        .map_err(|e| ApiError::storage("d1 bind replay list", e))?
        .all()
        .await
        .map_err(|e| ApiError::storage("d1 replay list", e))?
        .results()
        .map_err(|e| ApiError::storage("d1 replay list rows", e))?;
    let mut sessions: Vec<ReplaySessionSummary> =
        rows.into_iter().filter_map(SummaryRow::into_summary).collect();
    let next_cursor = if sessions.len() > filters.limit as usize {
        sessions.truncate(filters.limit as usize);
        sessions.last().map(|s| format!("{}.{}", s.started_at, s.id))
    } else {
        None
    };
    Ok(ReplaySessionList { sessions, next_cursor })
}

/// A detail row: the summary plus the rest.
#[derive(Debug, Deserialize)]
struct DetailRow {
    #[serde(flatten)]
    summary: SummaryRow,
    landing_url: String,
    referrer: Option<String>,
    os: Option<String>,
    utm_source: Option<String>,
    utm_medium: Option<String>,
    utm_campaign: Option<String>,
    utm_term: Option<String>,
    utm_content: Option<String>,
    form_starts: Option<f64>,
    custom_events: Option<f64>,
    engaged_ms: Option<f64>,
    engagement_reasons: Option<String>,
    suspicion_reasons: Option<String>,
    r2_prefix: String,
}

/// A session's facts and where its objects are; `None` when there is no such session.
pub(crate) async fn detail(
    env: &Env,
    id: &str,
) -> Result<Option<(ReplaySessionDetail, String)>, ApiError> {
    let db = env.d1(bindings::DB).map_err(|e| ApiError::storage("d1 binding", e))?;
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, landing_url, referrer, os, utm_source, utm_medium, utm_campaign, utm_term, utm_content, form_starts, custom_events, engaged_ms, engagement_reasons, suspicion_reasons, r2_prefix FROM sessions WHERE id = ?1"
    );
    let row: Option<DetailRow> = db
        .prepare(sql)
        .bind(&[JsValue::from_str(id)])
        .map_err(|e| ApiError::storage("d1 bind replay detail", e))?
        .first(None)
        .await
        .map_err(|e| ApiError::storage("d1 replay detail", e))?;
    let Some(row) = row else { return Ok(None) };
    let mut utm = serde_json::Map::new();
    for (k, v) in [
        ("source", row.utm_source),
        ("medium", row.utm_medium),
        ("campaign", row.utm_campaign),
        ("term", row.utm_term),
        ("content", row.utm_content),
    ] {
        if let Some(v) = v {
            utm.insert(k.to_owned(), serde_json::Value::String(v));
        }
    }
    let reasons = |text: Option<String>| {
        text.and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(serde_json::Value::Array(Vec::new()))
    };
    let Some(session) = row.summary.into_summary() else { return Ok(None) };
    // The leads captured in this session (main's lead tables; every submission links its session).
    #[derive(Deserialize)]
    struct LeadRow {
        id: String,
    }
    let leads: Vec<LeadRow> = db
        .prepare(
            "SELECT l.PublicId AS id FROM Leads l WHERE l.Id IN (SELECT LeadId FROM LeadSubmissions WHERE SessionId = ?1) ORDER BY l.Id",
        )
        .bind(&[JsValue::from_str(id)])
        .map_err(|e| ApiError::storage("d1 bind replay leads", e))?
        .all()
        .await
        .map_err(|e| ApiError::storage("d1 replay leads", e))?
        .results()
        .map_err(|e| ApiError::storage("d1 replay lead rows", e))?;
    let detail = ReplaySessionDetail {
        session,
        landing_url: row.landing_url,
        referrer: row.referrer,
        os: row.os,
        utm,
        form_starts: count(row.form_starts),
        custom_events: count(row.custom_events),
        engaged_ms: row.engaged_ms.map_or(0, |d| d.max(0.0) as u64),
        engagement_reasons: reasons(row.engagement_reasons),
        suspicion_reasons: reasons(row.suspicion_reasons),
        lead_ids: leads.into_iter().map(|l| l.id).collect(),
    };
    Ok(Some((detail, row.r2_prefix)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn filters_parse_and_refuse() {
        let f = Filters::parse(&q(&[("site", "demo"), ("min_engagement", "40"), ("limit", "10")]))
            .unwrap();
        assert_eq!(f.site.as_deref(), Some("demo"));
        assert_eq!(f.min_engagement, Some(40));
        assert_eq!(f.limit, 10);
        assert_eq!(Filters::parse(&[]).unwrap().limit, DEFAULT_LIMIT);
        for bad in [
            ("limit", "0"),
            ("limit", "201"),
            ("min_engagement", "101"),
            ("from", "soon"),
            ("cursor", "x"),
            ("nope", "1"),
            ("has_lead", "maybe"),
        ] {
            let err = Filters::parse(&q(&[bad])).unwrap_err();
            assert_eq!(err.status(), 400, "{bad:?}");
            assert_eq!(err.body().error.field.as_deref(), Some(bad.0));
        }
    }

    #[test]
    fn sql_binds_every_filter_in_order() {
        let f = Filters::parse(&q(&[
            ("from", "10"),
            ("page", "/pricing"),
            ("max_suspicion", "20"),
            ("cursor", "500.abc"),
            ("limit", "5"),
        ]))
        .unwrap();
        let (sql, values) = f.sql();
        assert_eq!(values.len(), 5);
        assert!(sql.contains("started_at >= ?1"), "{sql}");
        assert!(sql.contains("landing_path = ?2 OR exit_path = ?2 OR id IN (SELECT session_id FROM session_pages WHERE path = ?2)"), "{sql}");
        assert!(sql.contains("suspicion_score <= ?3"), "{sql}");
        assert!(sql.contains("(started_at < ?4 OR (started_at = ?4 AND id < ?5))"), "{sql}");
        assert!(sql.ends_with("ORDER BY started_at DESC, id DESC LIMIT 6"), "{sql}");
        assert!(sql.contains("has_replay = 1"));
        let with = Filters::parse(&q(&[("has_lead", "true")])).unwrap().sql().0;
        assert!(with.contains(" AND lead_count > 0 "), "{with}");
        let without = Filters::parse(&q(&[("has_lead", "0")])).unwrap().sql().0;
        assert!(without.contains(" AND lead_count = 0 "), "{without}");
    }
}
