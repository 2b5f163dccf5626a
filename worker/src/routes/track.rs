//! `POST /track/session/start` and `POST /track/events/batch`: the SDK's ingest endpoints.
//!
//! Session start writes the D1 row (idempotently) and, once, the session's `meta.json` in R2.
//! Event batches touch R2 only: the client repeats `session_started_at`, so no D1 read is needed.

use pulsegate_schema::{Accepted, EventBatch, SessionStart, limits};
use worker::{Env, Request, Response};

use crate::error::ApiError;
use crate::http::{header, json};
use crate::ip_hash::ip_hash;
use crate::store::objects::{self, SessionMeta};
use crate::store::sessions::{self, NewSession};
use crate::store::{r2_keys, site_registry};
use crate::{bindings, body, client_time, clock};

/// Longest `User-Agent` stored, in bytes.
const MAX_USER_AGENT_LEN: usize = 512;

/// Opens a session: validates the [`SessionStart`], inserts the `sessions` row unless it exists
/// and writes `meta.json` unless it exists. A retried beacon gets the same 202.
pub(crate) async fn session_start(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let start: SessionStart = body::read_json(&mut req, limits::MAX_SMALL_BODY_BYTES).await?;
    let now = clock::now(&req, env);
    client_time::check_session_start("started_at", start.started_at, now)?;
    // Unregistered site keys (and pages on domains the site does not list) get 403; no D1 read.
    site_registry::check_session_start(
        env,
        &start.site_key,
        header(&req, "origin").as_deref(),
        now,
    )
    .await?;

    let user_agent = header(&req, "user-agent").map(|mut ua| {
        limits::truncate(&mut ua, MAX_USER_AGENT_LEN);
        ua
    });
    let country = req.cf().and_then(worker::Cf::country);
    let salt = env.secret(bindings::IP_HASH_SALT).ok().map(|s| s.to_string());
    let ip_hash = ip_hash(salt.as_deref(), header(&req, "cf-connecting-ip").as_deref());
    let r2_prefix = r2_keys::session_prefix(start.started_at, start.session_id);

    let db = env.d1(bindings::DB).map_err(|e| ApiError::storage("d1 binding", e))?;
    let row = NewSession {
        start: &start,
        received_at: now,
        r2_prefix: &r2_prefix,
        user_agent: user_agent.as_deref(),
        country: country.as_deref(),
        ip_hash: ip_hash.as_deref(),
    };
    let inserted = sessions::insert(&db, &row).await?;
    let bucket = r2(env)?;
    // A retry after a failed R2 write finds the row but no meta.json: write it then too.
    if inserted || !objects::meta_exists(&bucket, &start).await? {
        let meta = SessionMeta {
            start: &start,
            received_at: now,
            user_agent: user_agent.as_deref(),
            country: country.as_deref(),
        };
        objects::put_meta(&bucket, &meta).await?;
    }
    json(202, &Accepted { ok: true, accepted: 1 })
}

/// Stores a batch of events as one R2 object. No D1 read or write happens on this path.
pub(crate) async fn events_batch(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let batch: EventBatch = body::read_json(&mut req, limits::MAX_BATCH_BODY_BYTES).await?;
    let now = clock::now(&req, env);
    client_time::check_session_start("session_started_at", batch.session_started_at, now)?;

    objects::put_batch(&r2(env)?, &batch, now).await?;
    // The throttled session aggregate update (event_count, page_views, clicks, max scroll; at most
    // once per 20 s per session, guarded in KV) plugs in here, after the events are safely stored.

    let accepted = u32::try_from(batch.events.len()).unwrap_or(u32::MAX);
    json(202, &Accepted { ok: true, accepted })
}

fn r2(env: &Env) -> Result<worker::Bucket, ApiError> {
    env.bucket(bindings::TRACKING_R2).map_err(|e| ApiError::storage("r2 binding", e))
}
