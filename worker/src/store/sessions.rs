//! The `sessions` table (migrations 0001–0003): the idempotent insert of a session start, the
//! first start's prefix for a retry, the session end, and the row an aggregate update reads.

use pulsegate_schema::{SessionStart, UnixMillis, Utm};
use serde::Deserialize;
use wasm_bindgen::JsValue;

use super::d1::{self, Db, Kind, num, opt_num, opt_text, text};
use crate::edge::EdgeFacts;
use crate::error::ApiError;
use crate::net::asn;
use crate::track::scoring::Score;

/// A session row: the client's [`SessionStart`] plus what only the server knows.
#[derive(Debug)]
pub(crate) struct NewSession<'a> {
    pub(crate) start: &'a SessionStart,
    /// Server clock, ms; also the first `last_seen_at`.
    pub(crate) received_at: UnixMillis,
    /// `sessions/YYYY/MM/DD/{id}/`.
    pub(crate) r2_prefix: &'a str,
    pub(crate) user_agent: Option<&'a str>,
    pub(crate) edge: &'a EdgeFacts,
    /// Salted SHA-256 of the client IP; never the IP itself.
    pub(crate) ip_hash: Option<&'a str>,
    pub(crate) visitor_key: Option<&'a str>,
    pub(crate) landing_path: &'a str,
    pub(crate) referrer_host: Option<&'a str>,
    pub(crate) utm: &'a Utm,
    pub(crate) device_class: &'a str,
    pub(crate) browser: &'a str,
    pub(crate) os: &'a str,
    pub(crate) network: Option<asn::Kind>,
    /// The suspicion score from what the start alone shows (bot signals, network, time zone).
    pub(crate) suspicion: &'a Score,
}

const INSERT: &str = "INSERT INTO sessions (
    id, site_key, started_at, received_at, last_seen_at, r2_prefix,
    landing_url, referrer, title,
    language, timezone, screen_width, screen_height, viewport_width, viewport_height, pixel_ratio,
    user_agent, country, ip_hash,
    visitor_id, visitor_key, consent, fingerprint_id, landing_path, referrer_host,
    utm_source, utm_medium, utm_campaign, utm_term, utm_content,
    device_class, browser, os, asn, as_org, edge_timezone,
    bot_signals, network_kind, is_eu, fingerprint_confidence, suspicion_score, suspicion_reasons
) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
    ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35,
    ?36, ?37, ?38, ?39, ?40, ?41)
ON CONFLICT (id) DO NOTHING";

/// Inserts the row unless the session already exists (a retried beacon, or a retry with another
/// `started_at`: the first start wins). Returns whether a row was inserted, so side effects that
/// must happen once (identity counts) run exactly once.
pub(crate) async fn insert(db: &Db, row: &NewSession<'_>) -> Result<bool, ApiError> {
    let s = row.start;
    let d = &s.device;
    let bot: Vec<&str> = s.bot.iter().map(|b| b.as_str()).collect();
    let values = [
        text(&s.session_id.to_string()),
        text(s.site_key.as_str()),
        num(s.started_at),
        num(row.received_at),
        text(row.r2_prefix),
        text(&s.page.url),
        opt_text(s.page.referrer.as_deref()),
        opt_text(s.page.title.as_deref()),
        opt_text(d.language.as_deref()),
        opt_text(d.timezone.as_deref()),
        opt_num(d.screen_width.map(u64::from)),
        opt_num(d.screen_height.map(u64::from)),
        opt_num(d.viewport_width.map(u64::from)),
        opt_num(d.viewport_height.map(u64::from)),
        d.pixel_ratio.map_or(JsValue::NULL, JsValue::from_f64),
        opt_text(row.user_agent),
        opt_text(row.edge.country.as_deref()),
        opt_text(row.ip_hash),
        opt_text(s.visitor_id.map(|v| v.to_string()).as_deref()),
        opt_text(row.visitor_key),
        text(s.consent.as_str()),
        opt_text(s.fingerprint.as_ref().map(|f| f.id.as_str())),
        text(row.landing_path),
        opt_text(row.referrer_host),
        opt_text(row.utm.source.as_deref()),
        opt_text(row.utm.medium.as_deref()),
        opt_text(row.utm.campaign.as_deref()),
        opt_text(row.utm.term.as_deref()),
        opt_text(row.utm.content.as_deref()),
        text(row.device_class),
        text(row.browser),
        text(row.os),
        opt_num(row.edge.asn.map(u64::from)),
        opt_text(row.edge.as_org.as_deref()),
        opt_text(row.edge.timezone.as_deref()),
        text(&serde_json::to_string(&bot).unwrap_or_else(|_| "[]".to_owned())),
        opt_text(row.network.map(asn::Kind::as_str)),
        opt_num(row.edge.is_eu().map(u64::from)),
        opt_num(s.fingerprint.as_ref().map(|f| u64::from(f.confidence))),
        num(u64::from(row.suspicion.score)),
        text(&row.suspicion.reasons_json()),
    ];
    let result = db.run("d1 insert sessions", db.statement(Kind::Write, INSERT, &values)?).await?;
    Ok(d1::changes(&result) == 1)
}

/// Where the first start of a session put it, for a repeated start.
#[derive(Debug, Deserialize)]
pub(crate) struct FirstStart {
    pub(crate) started_at: UnixMillis,
    pub(crate) r2_prefix: String,
}

/// The stored start of session `id`, if any.
pub(crate) async fn first_start(db: &Db, id: &str) -> Result<Option<FirstStart>, ApiError> {
    let stmt = db.statement(
        Kind::Read,
        "SELECT started_at, r2_prefix FROM sessions WHERE id = ?1",
        &[text(id)],
    )?;
    db.first("d1 read session start", stmt).await
}

/// Records a session end: the latest `ended_at` and the largest engaged time reported. Returns
/// whether the session exists.
pub(crate) async fn end(
    db: &Db,
    id: &str,
    ended_at: UnixMillis,
    engaged_ms: Option<u64>,
) -> Result<bool, ApiError> {
    const END: &str = "UPDATE sessions SET
        ended_at = max(coalesce(ended_at, 0), ?2),
        end_engaged_ms = CASE WHEN ?3 IS NULL THEN end_engaged_ms
                              ELSE max(coalesce(end_engaged_ms, 0), ?3) END
      WHERE id = ?1";
    let stmt = db.statement(Kind::Write, END, &[text(id), num(ended_at), opt_num(engaged_ms)])?;
    let result = db.run("d1 end session", stmt).await?;
    Ok(d1::changes(&result) == 1)
}

/// What an aggregate update needs of a session row.
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct AggregateRow {
    pub(crate) id: String,
    pub(crate) started_at: UnixMillis,
    pub(crate) r2_prefix: String,
    pub(crate) ended_at: Option<UnixMillis>,
    pub(crate) end_engaged_ms: Option<u64>,
    pub(crate) timezone: Option<String>,
    pub(crate) edge_timezone: Option<String>,
    pub(crate) bot_signals: String,
    pub(crate) network_kind: Option<String>,
    pub(crate) fp_ips_24h: Option<u32>,
    pub(crate) fp_countries_24h: Option<u32>,
    pub(crate) fp_country_hop: Option<u8>,
    pub(crate) ip_fingerprints_24h: Option<u32>,
    pub(crate) page_views: u64,
    pub(crate) custom_events: u64,
}

/// The columns of [`AggregateRow`].
pub(crate) const AGGREGATE_COLUMNS: &str = "id, started_at, r2_prefix, ended_at, end_engaged_ms,
    timezone, edge_timezone, bot_signals, network_kind, fp_ips_24h, fp_countries_24h,
    fp_country_hop, ip_fingerprints_24h, page_views, custom_events";

/// The aggregate row of session `id`, if it exists.
pub(crate) async fn aggregate_row(db: &Db, id: &str) -> Result<Option<AggregateRow>, ApiError> {
    let sql = format!("SELECT {AGGREGATE_COLUMNS} FROM sessions WHERE id = ?1");
    db.first("d1 read session", db.statement(Kind::Read, &sql, &[text(id)])?).await
}

/// Sessions quiet since before `quiet_before` that no final aggregate has covered, oldest first.
pub(crate) async fn quiet_unfinalized(
    db: &Db,
    quiet_before: UnixMillis,
    limit: u32,
) -> Result<Vec<AggregateRow>, ApiError> {
    let sql = format!(
        "SELECT {AGGREGATE_COLUMNS} FROM sessions
         WHERE finalized_at IS NULL AND last_seen_at < ?1 ORDER BY last_seen_at LIMIT ?2"
    );
    let stmt = db.statement(Kind::Read, &sql, &[num(quiet_before), num(u64::from(limit))])?;
    db.all("d1 read quiet sessions", stmt).await
}
