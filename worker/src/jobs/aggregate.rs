//! The session aggregate update: recompute a session's totals exactly from the batch summaries R2
//! holds and write them to D1 (`store/aggregates.rs`). It runs
//!
//! - after a stored batch, in `ctx.wait_until`, at most once per [`THROTTLE_MS`] per session
//!   (spec "session throttle (20s)"): the time of the last update is kept in KV (`agg:{id}`,
//!   60 s TTL, KV's minimum) and compared in code. KV is eventually consistent, so the throttle
//!   is best effort: at worst two updates run, and the D1 guard keeps the newer one;
//! - after `POST /track/session/end`, unthrottled;
//! - from the `*/10` cron for sessions quiet for [`QUIET_MS`] (`jobs/finalize.rs`), which marks
//!   them final.
//!
//! Counts are never lost to the throttle: a throttled batch is already in R2, and whichever
//! update runs next (the next unthrottled batch, the session end, or the cron) lists it.

use std::collections::BTreeMap;

use pulsegate_schema::{BatchId, UnixMillis};
use serde::Serialize;
use worker::{Bucket, Env};

use crate::bindings;
use crate::error::ApiError;
use crate::log::{self, Level, now_ms};
use crate::net::asn;
use crate::store::aggregates::{self, Commit};
use crate::store::d1::{Db, Stats};
use crate::store::objects::{self, Listed};
use crate::store::r2_keys;
use crate::store::sessions::{self, AggregateRow};
use crate::track::network::timezone_mismatch;
use crate::track::scoring::{self, Engagement, Suspicion};
use crate::track::summary::{BatchSummary, SessionTotals};

/// At most one aggregate update per session in this window.
pub(crate) const THROTTLE_MS: u64 = 20_000;
/// A session with no new batch for this long is quiet (the SDK starts a new session after 30
/// idle minutes); the `*/10` cron then writes its final aggregate.
pub(crate) const QUIET_MS: u64 = 30 * 60_000;
/// KV's minimum TTL; the 20 s throttle compares the stored time in code.
const THROTTLE_TTL_S: u64 = 60;

/// Why an aggregate update runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Trigger {
    /// A batch arrived (throttled).
    Batch,
    /// The client ended the session.
    End,
    /// The cron found the session quiet: this is its final aggregate.
    Final,
}

/// What an update did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Outcome {
    /// The totals were written.
    Written,
    /// An update computed from more batches was already stored; nothing written.
    Stale,
    /// No session row (yet): the batches wait in R2 until the start arrives.
    NoSession,
}

/// Counts of one update, for its log line.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub(crate) struct Counted {
    pub(crate) batches: u32,
    pub(crate) events: u64,
    /// Batches whose summary was not in their metadata and had to be read back.
    pub(crate) read_back: u32,
}

/// Sessions this isolate started an update for, and when (worker clock). Checked before KV, so
/// a session whose batches keep reaching the same isolate costs no KV read while throttled.
static CLAIMED: std::sync::Mutex<BTreeMap<String, UnixMillis>> =
    std::sync::Mutex::new(BTreeMap::new());
/// Most sessions remembered; beyond it, entries past the throttle window are dropped first.
const CLAIMED_CAP: usize = 4096;

fn claimed() -> std::sync::MutexGuard<'static, BTreeMap<String, UnixMillis>> {
    CLAIMED.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Whether this isolate claimed an update for `session_id` within the throttle window. The batch
/// route asks before it schedules [`after_batch`]: a batch throttled here needs no background
/// task, and its request line says `"aggregate":"throttled"` instead of a job line.
pub(crate) fn claimed_here(session_id: &str, now: UnixMillis) -> bool {
    is_throttled(claimed().get(session_id).copied(), now)
}

fn remember_claim(session_id: &str, now: UnixMillis) {
    let mut map = claimed();
    if map.len() >= CLAIMED_CAP {
        map.retain(|_, at| is_throttled(Some(*at), now));
        if map.len() >= CLAIMED_CAP {
            map.clear();
        }
    }
    map.insert(session_id.to_owned(), now);
}

/// KV key of a session's throttle.
fn throttle_key(session_id: &str) -> String {
    format!("agg:{session_id}")
}

/// Whether an update ran less than [`THROTTLE_MS`] before `now`, given the stored time.
pub(crate) fn is_throttled(last: Option<UnixMillis>, now: UnixMillis) -> bool {
    last.is_some_and(|last| now.saturating_sub(last) < THROTTLE_MS)
}

/// After a stored batch (in `wait_until`): update the session's aggregates unless an update ran
/// in the last 20 s. Failures are logged, never surfaced.
pub(crate) async fn after_batch(env: Env, session_id: String, now: UnixMillis) {
    if claimed_here(&session_id, now) {
        log_throttled(&session_id);
        return;
    }
    // Claimed here before the first await: the session's other batches, arriving at this isolate
    // at the same moment, see it at once.
    remember_claim(&session_id, now);
    match env.kv(bindings::TRACKING_KV) {
        Ok(kv) => {
            let key = throttle_key(&session_id);
            match kv.get(&key).text().await.map(|v| v.and_then(|v| v.parse().ok())) {
                Ok(Some(last)) if is_throttled(Some(last), now) => {
                    // Another isolate updated it: remember its time instead of ours.
                    remember_claim(&session_id, last);
                    log_throttled(&session_id);
                    return;
                }
                Ok(_) => {}
                // KV down: update anyway (more D1 writes, never fewer counts).
                Err(e) => warn(&session_id, &format!("kv read {key}: {e}")),
            }
            let put = kv.put(&key, now.to_string()).map(|p| p.expiration_ttl(THROTTLE_TTL_S));
            match put {
                Ok(put) => {
                    if let Err(e) = put.execute().await {
                        warn(&session_id, &format!("kv put {key}: {e}"));
                    }
                }
                Err(e) => warn(&session_id, &format!("kv put {key}: {e}")),
            }
        }
        Err(e) => warn(&session_id, &format!("kv binding: {e}")),
    }
    run_logged(&env, &session_id, Trigger::Batch, now).await;
}

/// Runs one update of session `id` and logs a line about it.
pub(crate) async fn run_logged(env: &Env, id: &str, trigger: Trigger, now: UnixMillis) {
    let stats = Stats::new();
    let started = now_ms();
    let result = async {
        let db = Db::open(env, stats.clone())?;
        let bucket = bucket(env)?;
        match sessions::aggregate_row(&db, id).await? {
            Some(row) => update(&db, &bucket, &row, trigger, now).await,
            None => Ok((Outcome::NoSession, Counted::default())),
        }
    }
    .await;
    log_update(id, trigger, &stats, started, &result);
}

/// The job line of one update.
pub(crate) fn log_update(
    id: &str,
    trigger: Trigger,
    stats: &Stats,
    started: u64,
    result: &Result<(Outcome, Counted), ApiError>,
) {
    #[derive(Serialize)]
    struct Line<'a> {
        session_id: &'a str,
        trigger: Trigger,
        #[serde(skip_serializing_if = "Option::is_none")]
        outcome: Option<Outcome>,
        #[serde(flatten)]
        counted: Counted,
        d1_writes: u32,
        d1_reads: u32,
        ms: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    }
    let (outcome, counted, error) = match result {
        Ok((outcome, counted)) => (Some(*outcome), *counted, None),
        Err(e) => (None, Counted::default(), Some(e.detail().unwrap_or("failed").to_owned())),
    };
    let level = if error.is_some() { Level::Error } else { Level::Info };
    log::job(
        level,
        "aggregate",
        Line {
            session_id: id,
            trigger,
            outcome,
            counted,
            d1_writes: stats.d1_writes(),
            d1_reads: stats.d1_reads(),
            ms: now_ms().saturating_sub(started),
            error,
        },
    );
}

/// `{"job":"aggregate","session_id":…,"trigger":"batch","outcome":"throttled"}`: the batch is in
/// R2 and the next update will count it.
fn log_throttled(session_id: &str) {
    #[derive(Serialize)]
    struct Line<'a> {
        session_id: &'a str,
        trigger: Trigger,
        outcome: &'static str,
    }
    log::job(
        Level::Info,
        "aggregate",
        Line { session_id, trigger: Trigger::Batch, outcome: "throttled" },
    );
}

fn warn(session_id: &str, detail: &str) {
    #[derive(Serialize)]
    struct Line<'a> {
        session_id: &'a str,
        warning: &'a str,
    }
    log::job(Level::Warn, "aggregate", Line { session_id, warning: detail });
}

pub(crate) fn bucket(env: &Env) -> Result<Bucket, ApiError> {
    env.bucket(bindings::TRACKING_R2).map_err(|e| ApiError::storage("r2 binding", e))
}

/// Lists the session's batches, adds up their summaries and writes the totals and scores.
pub(crate) async fn update(
    db: &Db,
    bucket: &Bucket,
    row: &AggregateRow,
    trigger: Trigger,
    now: UnixMillis,
) -> Result<(Outcome, Counted), ApiError> {
    let listed = objects::list_batches(bucket, &r2_keys::events_prefix(&row.r2_prefix)).await?;
    let mut summaries = Vec::new();
    let mut counted = Counted::default();
    for batch in one_per_batch(listed) {
        match batch.summary {
            Some(summary) => summaries.push(summary),
            None => {
                // Stored without a summary (too large for metadata): read it back.
                counted.read_back += 1;
                if let Some(body) = objects::get_batch(bucket, &batch.key).await? {
                    summaries
                        .push(BatchSummary::of(&body, batch.received_at.unwrap_or(batch.uploaded)));
                }
            }
        }
    }
    let totals = SessionTotals::of(&summaries);
    counted.batches = totals.batches;
    counted.events = totals.events;

    let engaged_ms = totals.engaged_ms.max(row.end_engaged_ms.unwrap_or(0));
    let last = totals.last_ts.max(row.ended_at).unwrap_or(row.started_at);
    let engagement = scoring::engagement(&Engagement {
        page_views: totals.page_views,
        engaged_ms,
        max_scroll: totals.max_scroll,
        clicks: totals.clicks,
        form_starts: totals.form_starts,
        form_submits: totals.form_submits,
    });
    let bot = scoring::parse_bot_signals(&row.bot_signals);
    let suspicion = scoring::suspicion(&Suspicion {
        bot: &bot,
        network: row.network_kind.as_deref().and_then(asn::Kind::from_name),
        timezone_mismatch: timezone_mismatch(row.timezone.as_deref(), row.edge_timezone.as_deref()),
        peak_per_s: totals.peak_per_s,
        fp_ips_24h: row.fp_ips_24h,
        fp_countries_24h: row.fp_countries_24h,
        fp_country_hop: row.fp_country_hop == Some(1),
        ip_fingerprints_24h: row.ip_fingerprints_24h,
    });
    let applied = aggregates::commit(
        db,
        &Commit {
            id: &row.id,
            totals: &totals,
            engaged_ms,
            duration_ms: last.saturating_sub(row.started_at),
            engagement: &engagement,
            suspicion: &suspicion,
            now,
            finalized: trigger == Trigger::Final,
            rewrite_pages: totals.page_views != row.page_views,
            rewrite_events: totals.custom_events != row.custom_events,
        },
    )
    .await?;
    Ok((if applied { Outcome::Written } else { Outcome::Stale }, counted))
}

/// One object per `batch_id`: a retry stored under another key (its first event time changed)
/// is still one batch. The most recently uploaded wins; equal times fall to the larger key.
pub(crate) fn one_per_batch(listed: Vec<Listed>) -> Vec<Listed> {
    let mut by_id: BTreeMap<BatchId, Listed> = BTreeMap::new();
    for l in listed {
        match by_id.get(&l.batch_id) {
            Some(kept) if (kept.uploaded, &kept.key) >= (l.uploaded, &l.key) => {}
            _ => {
                by_id.insert(l.batch_id, l);
            }
        }
    }
    by_id.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(id: u8, key: &str, uploaded: u64) -> Listed {
        Listed {
            key: key.to_owned(),
            batch_id: BatchId::from_random_bytes([id; 16]),
            uploaded,
            received_at: None,
            summary: None,
        }
    }

    #[test]
    fn the_throttle_window_is_twenty_seconds() {
        assert!(!is_throttled(None, 100_000));
        assert!(is_throttled(Some(100_000), 100_000));
        assert!(is_throttled(Some(100_000), 119_999));
        assert!(!is_throttled(Some(100_000), 120_000));
        // A stored time ahead of this clock (skew) throttles rather than stampedes.
        assert!(is_throttled(Some(100_000), 90_000));
    }

    #[test]
    fn this_isolate_remembers_its_claims() {
        assert!(!claimed_here("s-remember", 1_000_000));
        remember_claim("s-remember", 1_000_000);
        assert!(claimed_here("s-remember", 1_019_999));
        assert!(!claimed_here("s-remember", 1_020_000));
        for i in 0..CLAIMED_CAP + 10 {
            remember_claim(&format!("s-{i}"), 5_000_000);
        }
        assert!(claimed().len() <= CLAIMED_CAP);
    }

    #[test]
    fn retried_batches_count_once() {
        let kept = one_per_batch(vec![
            listed(1, "a/events/0000000000005-x.json", 10),
            listed(2, "a/events/0000000000006-y.json", 10),
            listed(1, "a/events/0000000000004-x.json", 20),
            listed(1, "a/events/0000000000003-x.json", 20),
        ]);
        assert_eq!(kept.len(), 2);
        let first =
            kept.iter().find(|l| l.batch_id == BatchId::from_random_bytes([1; 16])).unwrap();
        assert_eq!(first.key, "a/events/0000000000004-x.json");
    }
}
