//! `POST /bench/floor/{kind}`: routes that do ONLY the storage work the ingest design mandates
//! for an event batch, so `cargo xtask bench ingest --floor` can tell how much of a batch's cost
//! is that work and how much is ours. Built only with the cargo feature `bench-floor` (never in
//! the default or production build; a unit test in `router.rs` checks the default table).
//!
//! Every kind reads the body (a 50-event batch) and answers a small `202`. On top of that:
//! - `body`, `body-text`: nothing else (the body read as bytes, or as text);
//! - `limit`: the rate limiter exactly as the batch route calls it ([`limit::check`], the same
//!   key shape, binding and statement, concurrently with the body read);
//! - `r2`: the batch's R2 put exactly as the batch route makes it (key shape, JSON content type,
//!   `received_at` and a batch summary as custom metadata);
//! - `both`: the limiter then the put, in the batch route's order;
//! - `limit-first`, `limit-raw`, `limit-run`, `limit-js`: the limiter's statement made through
//!   workers-rs' `first(column)`, `raw()`, `run()`, or one direct JavaScript call;
//! - `r2-rs`, `r2-js`: the put through workers-rs' builder or one direct JavaScript call.

use std::cell::Cell;
use std::rc::Rc;

use futures_util::future::join;
use pulsegate_schema::{Accepted, BatchId, SessionId, limits};
use worker::{Env, Request, Response};

use super::{TrackCtx, limit};
use crate::config::Family;
use crate::error::ApiError;
use crate::http::json;
use crate::jobs::aggregate;
use crate::store::d1::{Db, Stats};
use crate::store::objects::{self, Custom, PutShape};
use crate::store::r2_keys;
use crate::store::rate_limit::Shape;
use crate::track::summary::BatchSummary;

/// What a floor route does besides reading the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Work {
    text_body: bool,
    /// `None`: as the batch route does it.
    limiter: Option<Option<Shape>>,
    put: Option<Option<PutShape>>,
}

impl Work {
    fn of(kind: &str) -> Option<Self> {
        let w = |text_body, limiter, put| Self { text_body, limiter, put };
        Some(match kind {
            "body" => w(false, None, None),
            "body-text" => w(true, None, None),
            "limit" => w(false, Some(None), None),
            "r2" => w(false, None, Some(None)),
            "both" => w(false, Some(None), Some(None)),
            "limit-first" => w(false, Some(Some(Shape::First)), None),
            "limit-raw" => w(false, Some(Some(Shape::Raw)), None),
            "limit-run" => w(false, Some(Some(Shape::Run)), None),
            "limit-js" => w(false, Some(Some(Shape::Js)), None),
            "r2-rs" => w(false, None, Some(Some(PutShape::WorkersRs))),
            "r2-js" => w(false, None, Some(Some(PutShape::Js))),
            _ => return None,
        })
    }
}

/// `POST /bench/floor/{kind}`.
pub(crate) async fn post(
    mut req: Request,
    env: &Env,
    stats: Rc<Stats>,
    kind: &str,
) -> Result<Response, ApiError> {
    let work = Work::of(kind).ok_or(ApiError::NotFound)?;
    let ctx = TrackCtx::for_events(&req, env);
    let db = work.limiter.and_then(|_| Db::open(env, stats.clone()).ok());
    let limiter = async {
        match work.limiter {
            None => Ok(()),
            Some(None) => limit::check(db.as_ref(), &ctx, Family::Events).await,
            Some(Some(shape)) => limit::check_as(shape, db.as_ref(), &ctx, Family::Events).await,
        }
    };
    let body = async {
        if work.text_body { req.text().await.map(String::into_bytes) } else { req.bytes().await }
            .map_err(|e| ApiError::UnreadableBody { detail: e.to_string() })
    };
    let (limited, body) = join(limiter, body).await;
    limited?;
    let body = body?;
    if body.len() > limits::MAX_BATCH_BODY_BYTES {
        return Err(ApiError::PayloadTooLarge { limit: limits::MAX_BATCH_BODY_BYTES });
    }
    if let Some(shape) = work.put {
        let summary = representative_summary(ctx.now);
        let key = r2_keys::batch_key(ctx.now, floor_session(), summary.first_ts, next_batch_id());
        let bucket = aggregate::bucket(env)?;
        let custom = Custom::of_batch(&summary);
        match shape {
            None => objects::put_json(&bucket, key, body, custom).await?,
            Some(shape) => objects::put_once_as(shape, &bucket, &key, &body, &custom)
                .await
                .map_err(|e| ApiError::storage("r2 put (floor)", e))?,
        }
    }
    json(202, &Accepted { ok: true, accepted: 0 })
}

/// A summary the size of a 50-event batch's (five pages, a form, a custom event): the put carries
/// the same metadata as a real batch's. Built here rather than from the body, which the floor
/// does not parse.
fn representative_summary(now: u64) -> BatchSummary {
    BatchSummary {
        version: crate::track::summary::SUMMARY_VERSION,
        events: 50,
        page_views: 9,
        clicks: 8,
        custom_events: 8,
        max_scroll: 98,
        engaged_ms: 12_000,
        first_ts: now,
        last_ts: now + 490,
        received_at: now,
        peak_per_s: 50,
        exit: Some((now + 480, "/p4".to_owned())),
        pages: (0..5).map(|i| (format!("/p{i}"), 2)).collect(),
        forms_started: ["contact".to_owned()].into(),
        custom: vec![("cta".to_owned(), "plan".to_owned(), "pro".to_owned(), 8)],
        ..BatchSummary::default()
    }
}

/// The floor's batches all belong to one session per isolate (the key's shape is what matters).
fn floor_session() -> SessionId {
    SessionId::from_bytes(*b"pulsegate-floor!")
}

/// A new batch id per request (unique per isolate and millisecond), so each put is a new object.
fn next_batch_id() -> BatchId {
    thread_local! {
        static N: Cell<u64> = const { Cell::new(0) };
    }
    let n = N.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    let now = crate::clock::system_now();
    BatchId::from_bytes(((u128::from(now) << 64) | u128::from(n)).to_be_bytes())
}
