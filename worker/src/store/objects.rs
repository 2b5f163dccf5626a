//! R2 writes: a session's `meta.json` (once) and one object per event batch.

use std::collections::HashMap;

use pulsegate_schema::{EventBatch, SessionStart, UnixMillis};
use serde::Serialize;
use worker::{Bucket, HttpMetadata};

use super::r2_keys;
use crate::error::ApiError;

/// What `meta.json` holds: the session start as the SDK sent it plus what the server saw.
/// A storage format, not a wire type: nothing reads it back over HTTP as-is.
#[derive(Debug, Serialize)]
pub(crate) struct SessionMeta<'a> {
    #[serde(flatten)]
    pub(crate) start: &'a SessionStart,
    /// Server clock, ms.
    pub(crate) received_at: UnixMillis,
    pub(crate) user_agent: Option<&'a str>,
    pub(crate) country: Option<&'a str>,
}

/// Writes `sessions/YYYY/MM/DD/{id}/meta.json`.
pub(crate) async fn put_meta(bucket: &Bucket, meta: &SessionMeta<'_>) -> Result<(), ApiError> {
    let key = r2_keys::meta_key(meta.start.started_at, meta.start.session_id);
    let body = serde_json::to_vec(meta).map_err(|e| ApiError::storage("encode meta.json", e))?;
    put_json(bucket, key, body, HashMap::new()).await
}

/// Whether the session's `meta.json` is already stored (checked only when a start is repeated).
pub(crate) async fn meta_exists(bucket: &Bucket, start: &SessionStart) -> Result<bool, ApiError> {
    let key = r2_keys::meta_key(start.started_at, start.session_id);
    let head =
        bucket.head(&key).await.map_err(|e| ApiError::storage(&format!("r2 head {key}"), e))?;
    Ok(head.is_some())
}

/// Writes the batch to `sessions/YYYY/MM/DD/{id}/events/{first_ts}-{batch_id}.json` with custom
/// metadata `received_at`. The same batch id always maps to the same key, so retries overwrite.
pub(crate) async fn put_batch(
    bucket: &Bucket,
    batch: &EventBatch,
    received_at: UnixMillis,
) -> Result<(), ApiError> {
    let first_ts =
        batch.events.iter().map(pulsegate_schema::Event::ts).min().unwrap_or(batch.sent_at);
    let key =
        r2_keys::batch_key(batch.session_started_at, batch.session_id, first_ts, batch.batch_id);
    let body = serde_json::to_vec(batch).map_err(|e| ApiError::storage("encode batch", e))?;
    let metadata = HashMap::from([("received_at".to_owned(), received_at.to_string())]);
    put_json(bucket, key, body, metadata).await
}

async fn put_json(
    bucket: &Bucket,
    key: String,
    body: Vec<u8>,
    custom: HashMap<String, String>,
) -> Result<(), ApiError> {
    let http = HttpMetadata {
        content_type: Some("application/json".to_owned()),
        ..HttpMetadata::default()
    };
    bucket
        .put(&key, body)
        .http_metadata(http)
        .custom_metadata(custom)
        .execute()
        .await
        .map_err(|e| ApiError::storage(&format!("r2 put {key}"), e))?;
    Ok(())
}
