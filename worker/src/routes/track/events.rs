//! `POST /track/events/batch` and `POST /track/event` (a batch of one).
//!
//! Acknowledged means durable: the batch's R2 write is awaited before the `202`, so a client
//! whose request failed (`503`) retries, and the retry (same `batch_id`) overwrites its own
//! object. The session aggregate update runs after the response, throttled.
//!
//! CPU per batch is what bounds this route (`cargo xtask bench ingest`): the body is read in one
//! piece when its length is declared, a batch that sanitizing leaves unchanged is stored as the
//! bytes received (no second encoding), and a batch this isolate's throttle skips schedules no
//! background task and writes one log line (its request's) instead of two. Of the edge's facts a
//! batch reads only the client's IP ([`TrackCtx::for_events`]).

use std::rc::Rc;

use futures_util::future::join;
use pulsegate_schema::{Accepted, EventBatch, SingleEvent, limits};
use serde::de::DeserializeOwned;
use worker::{Context, Env, Request, Response};

use super::{TrackCtx, limit};
use crate::config::{Family, Store};
use crate::error::ApiError;
use crate::http::json;
use crate::jobs::aggregate;
use crate::sanitize::Sanitize;
use crate::store::d1::{Db, Stats};
use crate::store::objects;
use crate::track::summary::BatchSummary;
use crate::{body, client_time};

/// `POST /track/events/batch`.
pub(crate) async fn batch(
    req: Request,
    env: &Env,
    wait: &Context,
    stats: Rc<Stats>,
) -> Result<Response, ApiError> {
    let (ctx, batch, received) = read::<EventBatch>(req, env, &stats).await?;
    store(ctx, batch, Some(received), env, wait, &stats).await
}

/// `POST /track/event`: one event, stored exactly as a batch of one.
pub(crate) async fn single(
    req: Request,
    env: &Env,
    wait: &Context,
    stats: Rc<Stats>,
) -> Result<Response, ApiError> {
    let (ctx, single, _) = read::<SingleEvent>(req, env, &stats).await?;
    store(ctx, single.into_batch(), None, env, wait, &stats).await
}

/// Rate limiter and body reader, together; the limiter's verdict comes first. Also answers the
/// body as received.
async fn read<T: DeserializeOwned + pulsegate_schema::Validate>(
    mut req: Request,
    env: &Env,
    stats: &Rc<Stats>,
) -> Result<(TrackCtx, T, Vec<u8>), ApiError> {
    let ctx = TrackCtx::for_events(&req, env);
    // Only the limiter uses D1 here: a missing binding lets the batch through to R2.
    let db = Db::open(env, stats.clone()).ok();
    let (limited, parsed) = join(
        limit::check(db.as_ref(), &ctx, Family::Events),
        body::read_json_bytes::<T>(&mut req, limits::MAX_BATCH_BODY_BYTES),
    )
    .await;
    limited?;
    let (value, received) = parsed?;
    Ok((ctx, value, received))
}

/// Checks, sanitizes and stores `batch`. `received` is the body it was parsed from (a batch
/// route's): when sanitizing changed nothing, those bytes are the object, not a second encoding.
async fn store(
    ctx: TrackCtx,
    mut batch: EventBatch,
    received: Option<Vec<u8>>,
    env: &Env,
    wait: &Context,
    stats: &Stats,
) -> Result<Response, ApiError> {
    let single = received.is_none();
    let events_days = ctx.config.retention.days(Store::Events);
    client_time::check_session_start(
        "session_started_at",
        batch.session_started_at,
        ctx.now,
        events_days,
    )?;
    client_time::check_events(&batch, ctx.now, single)?;
    let received = received.filter(|_| !batch.sanitize());
    let summary = BatchSummary::of(&batch, ctx.now);
    // Under the test harness, `x-pulsegate-test-fault: r2` makes the key longer than R2's
    // 1,024-byte limit, so R2 itself refuses the write.
    let suffix = if ctx.fault_r2 { "-".repeat(1100) } else { String::new() };
    objects::put_batch(&aggregate::bucket(env)?, &batch, received, &summary, &suffix).await?;

    let session_id = batch.session_id.to_string();
    // Throttled by this isolate's own memory: said in the request's line, no background task.
    if aggregate::claimed_here(&session_id, ctx.now) {
        stats.aggregate_throttled(session_id);
    } else {
        wait.wait_until(aggregate::after_batch(env.clone(), session_id, ctx.now));
    }
    let accepted = u32::try_from(batch.events.len()).unwrap_or(u32::MAX);
    json(202, &Accepted { ok: true, accepted })
}
