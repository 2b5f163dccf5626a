//! Writes a session's aggregates and rollups in one D1 transaction.
//!
//! The update is guarded by the number of distinct batches it was computed from
//! (`agg_batches`): batches are only ever added, so a listing with more batches holds everything
//! a listing with fewer held, and an update computed from fewer never overwrites one computed
//! from more (two updates racing each other leave the newer totals). The rollups
//! (`session_pages`, `session_events`) are rewritten whole, each as one statement that expands a
//! JSON parameter with `json_each`, and only when the update applied and their counts changed.

use pulsegate_schema::UnixMillis;

use super::d1::{self, Db, Kind, Statement, num, opt_text, text};
use crate::error::ApiError;
use crate::track::scoring::Score;
use crate::track::summary::SessionTotals;

/// Everything one aggregate write sets.
#[derive(Debug)]
pub(crate) struct Commit<'a> {
    pub(crate) id: &'a str,
    pub(crate) totals: &'a SessionTotals,
    pub(crate) engaged_ms: u64,
    pub(crate) duration_ms: u64,
    pub(crate) engagement: &'a Score,
    pub(crate) suspicion: &'a Score,
    pub(crate) now: UnixMillis,
    /// The final aggregate of a quiet session (`finalized_at = now`); a later batch clears it.
    pub(crate) finalized: bool,
    /// The pageview count changed since the stored aggregate: rewrite `session_pages`.
    pub(crate) rewrite_pages: bool,
    /// The custom-event count changed: rewrite `session_events`.
    pub(crate) rewrite_events: bool,
}

const UPDATE: &str = "UPDATE sessions SET
    event_count = ?3, page_views = ?4, clicks = ?5, max_scroll_percent = ?6, engaged_ms = ?7,
    last_seen_at = max(last_seen_at, coalesce(?8, 0)), exit_path = ?9, duration_ms = ?10, rage_clicks = ?11,
    form_starts = ?12, form_submits = ?13, errors = ?14, custom_events = ?15, aggregated_at = ?16,
    engagement_score = ?17, engagement_reasons = ?18, suspicion_score = ?19,
    suspicion_reasons = ?20, peak_events_per_s = ?21, agg_batches = ?2,
    aggregate_updates = aggregate_updates + 1, finalized_at = ?22
  WHERE id = ?1 AND agg_batches <= ?2";

/// The rollups are written only when the update above applied (the row now holds `?2` batches).
const APPLIED: &str = "(SELECT agg_batches FROM sessions WHERE id = ?1) = ?2";

const DELETE_PAGES: &str = "DELETE FROM session_pages WHERE session_id = ?1 AND ";
const INSERT_PAGES: &str =
    "INSERT INTO session_pages (session_id, site_key, started_at, path, views)
    SELECT s.id, s.site_key, s.started_at, j.key, j.value
    FROM sessions s, json_each(?3) j WHERE s.id = ?1 AND s.agg_batches = ?2";

const DELETE_EVENTS: &str = "DELETE FROM session_events WHERE session_id = ?1 AND ";
const INSERT_EVENTS: &str = "INSERT INTO session_events
      (session_id, site_key, started_at, name, prop_key, prop_value, count)
    SELECT s.id, s.site_key, s.started_at, json_extract(j.value, '$[0]'),
      json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'), json_extract(j.value, '$[3]')
    FROM sessions s, json_each(?3) j WHERE s.id = ?1 AND s.agg_batches = ?2";

/// Writes `c`; returns whether it applied (false: a newer aggregate was already stored).
pub(crate) async fn commit(db: &Db, c: &Commit<'_>) -> Result<bool, ApiError> {
    let t = c.totals;
    let batches = num(u64::from(t.batches));
    let update = [
        text(c.id),
        batches.clone(),
        num(t.events),
        num(t.page_views),
        num(t.clicks),
        num(u64::from(t.max_scroll)),
        num(c.engaged_ms),
        d1::opt_num(t.last_received_at),
        opt_text(t.exit_path.as_deref()),
        num(c.duration_ms),
        num(t.rage_clicks),
        num(t.form_starts),
        num(t.form_submits),
        num(t.errors),
        num(t.custom_events),
        num(c.now),
        num(u64::from(c.engagement.score)),
        text(&c.engagement.reasons_json()),
        num(u64::from(c.suspicion.score)),
        text(&c.suspicion.reasons_json()),
        num(u64::from(t.peak_per_s)),
        d1::opt_num(c.finalized.then_some(c.now)),
    ];
    let mut statements: Vec<Statement> = vec![db.statement(Kind::Write, UPDATE, &update)?];
    let guard = [text(c.id), batches.clone()];
    if c.rewrite_pages {
        statements.push(db.statement(Kind::Write, &format!("{DELETE_PAGES}{APPLIED}"), &guard)?);
        if !t.pages.is_empty() {
            let values = [text(c.id), batches.clone(), text(&t.pages_json())];
            statements.push(db.statement(Kind::Write, INSERT_PAGES, &values)?);
        }
    }
    if c.rewrite_events {
        statements.push(db.statement(Kind::Write, &format!("{DELETE_EVENTS}{APPLIED}"), &guard)?);
        if !t.custom.is_empty() {
            let values = [text(c.id), batches, text(&t.custom_json())];
            statements.push(db.statement(Kind::Write, INSERT_EVENTS, &values)?);
        }
    }
    let results = db.batch("d1 write aggregates", statements).await?;
    Ok(results.first().is_some_and(|r| d1::changes(r) == 1))
}
