//! The `sessions` table in D1 (migrations/0001_sessions.sql): one idempotent insert per session start.

use pulsegate_schema::{SessionStart, UnixMillis};
use wasm_bindgen::JsValue;
use worker::D1Database;

use crate::error::ApiError;

/// A session row: the client's [`SessionStart`] plus what only the server knows.
#[derive(Debug)]
pub(crate) struct NewSession<'a> {
    pub(crate) start: &'a SessionStart,
    /// Server clock, ms; also the first `last_seen_at`.
    pub(crate) received_at: UnixMillis,
    /// `sessions/YYYY/MM/DD/{id}/`.
    pub(crate) r2_prefix: &'a str,
    pub(crate) user_agent: Option<&'a str>,
    pub(crate) country: Option<&'a str>,
    /// Salted SHA-256 of the client IP; never the IP itself.
    pub(crate) ip_hash: Option<&'a str>,
}

const INSERT: &str = "INSERT OR IGNORE INTO sessions (
    id, site_key, started_at, received_at, last_seen_at, r2_prefix,
    landing_url, referrer, title,
    language, timezone, screen_width, screen_height, viewport_width, viewport_height, pixel_ratio,
    user_agent, country, ip_hash
) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";

/// Inserts the row unless the session already exists (a retried beacon). Returns whether a row
/// was inserted, so side effects that must happen once (meta.json) run exactly once.
pub(crate) async fn insert(db: &D1Database, row: &NewSession<'_>) -> Result<bool, ApiError> {
    let s = row.start;
    let d = &s.device;
    let values = [
        JsValue::from_str(&s.session_id.to_string()),
        JsValue::from_str(s.site_key.as_str()),
        millis(s.started_at),
        millis(row.received_at),
        JsValue::from_str(row.r2_prefix),
        JsValue::from_str(&s.page.url),
        text(s.page.referrer.as_deref()),
        text(s.page.title.as_deref()),
        text(d.language.as_deref()),
        text(d.timezone.as_deref()),
        int(d.screen_width),
        int(d.screen_height),
        int(d.viewport_width),
        int(d.viewport_height),
        d.pixel_ratio.map_or(JsValue::NULL, JsValue::from_f64),
        text(row.user_agent),
        text(row.country),
        text(row.ip_hash),
    ];
    let result = db
        .prepare(INSERT)
        .bind(&values)
        .map_err(|e| ApiError::storage("d1 bind sessions insert", d1_cause(&e)))?
        .run()
        .await
        .map_err(|e| ApiError::storage("d1 insert sessions", d1_cause(&e)))?;
    let meta = result.meta().map_err(|e| ApiError::storage("d1 insert sessions meta", e))?;
    Ok(meta.and_then(|m| m.changes) == Some(1))
}

/// workers-rs prints D1 errors with `{:#?}` (a multi-line JS stack); the cause alone reads better.
fn d1_cause(err: &worker::Error) -> String {
    match err {
        worker::Error::D1(d1) => d1.cause(),
        other => other.to_string(),
    }
}

/// D1 numbers are JS doubles; ms timestamps (< 2^53) fit exactly. (`D1Type::Integer` is only i32.)
fn millis(ms: UnixMillis) -> JsValue {
    JsValue::from_f64(ms as f64)
}

fn int(value: Option<u32>) -> JsValue {
    value.map_or(JsValue::NULL, |v| JsValue::from_f64(f64::from(v)))
}

fn text(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from_str)
}
