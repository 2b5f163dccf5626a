//! Cron `*/10`: the final aggregate of every session that went quiet (no batch for
//! [`QUIET_MS`](super::aggregate::QUIET_MS)) without one, so batches the 20 s throttle skipped at
//! the end of a session reach D1 even when the client never sent `/track/session/end`. Bounded
//! by `FINALIZE_PER_RUN`; the oldest quiet sessions go first and the rest wait for the next run.

use pulsegate_schema::UnixMillis;
use serde::Serialize;
use worker::Env;

use super::aggregate::{self, Outcome, QUIET_MS, Trigger};
use crate::config::Config;
use crate::error::ApiError;
use crate::store::d1::{Db, Stats};
use crate::store::sessions;

/// What one run did; logged as one JSON line.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Summary {
    /// The run's "now" (the scheduled time), ms.
    pub(crate) now: UnixMillis,
    pub(crate) quiet: u32,
    pub(crate) finalized: u32,
    pub(crate) stale: u32,
    /// Sessions whose update failed; they stay unfinalised and come back next run.
    pub(crate) failed: u32,
    pub(crate) d1_writes: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}

/// Finalises up to `config.finalize_per_run` quiet sessions.
pub(crate) async fn run(env: &Env, config: &Config, now: UnixMillis) -> Summary {
    let stats = Stats::new();
    let mut summary = Summary { now, ..Summary::default() };
    if let Err(e) = finalize(env, config, now, &stats, &mut summary).await {
        summary.error = Some(e.detail().unwrap_or("failed").to_owned());
    }
    summary.d1_writes = stats.d1_writes();
    summary
}

async fn finalize(
    env: &Env,
    config: &Config,
    now: UnixMillis,
    stats: &std::rc::Rc<Stats>,
    summary: &mut Summary,
) -> Result<(), ApiError> {
    let db = Db::open(env, stats.clone())?;
    let bucket = aggregate::bucket(env)?;
    let rows =
        sessions::quiet_unfinalized(&db, now.saturating_sub(QUIET_MS), config.finalize_per_run)
            .await?;
    summary.quiet = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    for row in &rows {
        match aggregate::update(&db, &bucket, row, Trigger::Final, now).await {
            Ok((Outcome::Written, _)) => summary.finalized += 1,
            Ok((Outcome::Stale | Outcome::NoSession, _)) => summary.stale += 1,
            // One session's failure does not hold up the others; the first is reported.
            Err(e) => {
                summary.failed += 1;
                if summary.error.is_none() {
                    summary.error = Some(format!("{}: {}", row.id, e.detail().unwrap_or("failed")));
                }
            }
        }
    }
    Ok(())
}
