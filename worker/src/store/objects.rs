//! R2 objects: a session's `meta.json` (once) and one object per event batch, whose custom
//! metadata carries its [`BatchSummary`]; and the listing that reads those summaries back.

#[cfg(feature = "bench-floor")]
use std::collections::HashMap;

use pulsegate_schema::{BatchId, EventBatch, SessionStart, UnixMillis};
use serde::Serialize;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;
#[cfg(feature = "bench-floor")]
use worker::HttpMetadata;
use worker::js_sys::Promise;
use worker::wasm_bindgen_futures::JsFuture;
use worker::{Bucket, Include};

use super::d1::js_cause;
use super::r2_keys;
use crate::edge::EdgeFacts;
use crate::error::ApiError;
use crate::track::summary::BatchSummary;

/// Custom-metadata key of the server time a batch was stored.
const RECEIVED_AT: &str = "received_at";
/// Custom-metadata key of the batch's summary (JSON), when it fits.
const SUMMARY: &str = "summary";

/// What `meta.json` holds: the session start (as the first start had it) plus what the server
/// saw. A storage format, not a wire type. No IP, not even hashed.
#[derive(Debug, Serialize)]
pub(crate) struct SessionMeta<'a> {
    #[serde(flatten)]
    pub(crate) start: &'a SessionStart,
    /// Server clock, ms.
    pub(crate) received_at: UnixMillis,
    pub(crate) user_agent: Option<&'a str>,
    pub(crate) country: Option<&'a str>,
    pub(crate) asn: Option<u32>,
    pub(crate) as_org: Option<&'a str>,
    pub(crate) edge_timezone: Option<&'a str>,
    pub(crate) is_eu: Option<bool>,
    /// `hosting`, `vpn`, `tor` or `relay`; absent for an ordinary network.
    pub(crate) network_kind: Option<&'a str>,
}

impl<'a> SessionMeta<'a> {
    /// The meta of `start` as received at `received_at` with the edge's `facts`.
    pub(crate) fn new(
        start: &'a SessionStart,
        received_at: UnixMillis,
        user_agent: Option<&'a str>,
        edge: &'a EdgeFacts,
        network_kind: Option<&'a str>,
    ) -> Self {
        Self {
            start,
            received_at,
            user_agent,
            country: edge.country.as_deref(),
            asn: edge.asn,
            as_org: edge.as_org.as_deref(),
            edge_timezone: edge.timezone.as_deref(),
            is_eu: edge.is_eu(),
            network_kind,
        }
    }
}

/// Writes `meta` to `key` (`…/{session_id}/meta.json`).
pub(crate) async fn put_meta(
    bucket: &Bucket,
    key: String,
    meta: &SessionMeta<'_>,
) -> Result<(), ApiError> {
    let body = serde_json::to_vec(meta).map_err(|e| ApiError::storage("encode meta.json", e))?;
    put_json(bucket, key, body, Custom::default()).await
}

/// Writes a lead's marker beside the session's recording
/// (`{session_prefix}events/{ts}-{submission_id}.lead.json`); the same submission always maps to
/// the same key.
pub(crate) async fn put_lead_marker(
    bucket: &Bucket,
    session_prefix: &str,
    marker: &pulsegate_schema::replay::LeadMarker,
) -> Result<(), ApiError> {
    let key = r2_keys::lead_marker_key(session_prefix, marker.ts, &marker.submission_id);
    let body =
        serde_json::to_vec(marker).map_err(|e| ApiError::storage("encode lead marker", e))?;
    put_json(bucket, key, body, Custom::default()).await
}

/// Whether `key` exists (checked only when a start is repeated).
pub(crate) async fn exists(bucket: &Bucket, key: &str) -> Result<bool, ApiError> {
    let head =
        bucket.head(key).await.map_err(|e| ApiError::storage(&format!("r2 head {key}"), e))?;
    Ok(head.is_some())
}

/// Writes the batch to `sessions/YYYY/MM/DD/{id}/events/{first_ts}-{batch_id}.json` with its
/// summary and `received_at` as custom metadata. The same batch always maps to the same key, so
/// a retry overwrites. `received` is the batch's JSON as the client sent it, when that is exactly
/// `batch` (parsed, validated, unchanged by sanitizing): it is stored as it is instead of being
/// encoded again. `key_suffix` is only ever non-empty under the test harness's fault injection
/// (it makes the key longer than R2 allows, so R2 itself refuses the write).
pub(crate) async fn put_batch(
    bucket: &Bucket,
    batch: &EventBatch,
    received: Option<Vec<u8>>,
    summary: &BatchSummary,
    key_suffix: &str,
) -> Result<(), ApiError> {
    let key = format!(
        "{}{key_suffix}",
        r2_keys::batch_key(
            batch.session_started_at,
            batch.session_id,
            summary.first_ts,
            batch.batch_id
        )
    );
    let body = match received {
        Some(body) => body,
        None => serde_json::to_vec(batch).map_err(|e| ApiError::storage("encode batch", e))?,
    };
    put_json(bucket, key, body, Custom::of_batch(summary)).await
}

/// An object's custom metadata: a batch's `received_at` and `summary` (the summary only when it
/// fits); nothing for other objects.
#[derive(Clone, Debug, Default)]
pub(crate) struct Custom {
    received_at: Option<String>,
    summary: Option<String>,
}

impl Custom {
    pub(crate) fn of_batch(summary: &BatchSummary) -> Self {
        Self { received_at: Some(summary.received_at.to_string()), summary: summary.to_metadata() }
    }
}

#[wasm_bindgen(
    inline_js = "export function pgR2PutJson(bucket, key, body, receivedAt, summary) { const customMetadata = {}; if (receivedAt !== '') customMetadata.received_at = receivedAt; if (summary !== '') customMetadata.summary = summary; return bucket.put(key, body.slice(), { httpMetadata: { contentType: 'application/json' }, customMetadata }); }"
)]
extern "C" {
    /// `bucket.put(key, body, {httpMetadata, customMetadata})` in one call, the body copied in
    /// JavaScript: workers-rs builds the options object property by property (about 25
    /// JavaScript↔wasm crossings) and copies the body twice. The metadata keys are
    /// [`RECEIVED_AT`] and [`SUMMARY`]; `""` leaves one out.
    #[wasm_bindgen(js_name = pgR2PutJson, catch)]
    fn js_put_json(
        bucket: &JsValue,
        key: &str,
        body: &[u8],
        received_at: &str,
        summary: &str,
    ) -> Result<Promise, JsValue>;
}

/// Ways to make an R2 put, compared by `cargo xtask bench ingest --floor` (cargo feature
/// `bench-floor` only): workers-rs' builder, or one direct JavaScript call.
#[cfg(feature = "bench-floor")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PutShape {
    WorkersRs,
    Js,
}

/// One put of `body` at `key` with `custom` in `shape` (no retry).
#[cfg(feature = "bench-floor")]
pub(crate) async fn put_once_as(
    shape: PutShape,
    bucket: &Bucket,
    key: &str,
    body: &[u8],
    custom: &Custom,
) -> Result<(), String> {
    match shape {
        PutShape::Js => put_once(bucket, key, body, custom).await,
        PutShape::WorkersRs => {
            let http = HttpMetadata {
                content_type: Some("application/json".to_owned()),
                ..HttpMetadata::default()
            };
            let mut map = HashMap::new();
            if let Some(at) = &custom.received_at {
                map.insert(RECEIVED_AT.to_owned(), at.clone());
            }
            if let Some(summary) = &custom.summary {
                map.insert(SUMMARY.to_owned(), summary.clone());
            }
            bucket
                .put(key, body.to_vec())
                .http_metadata(http)
                .custom_metadata(map)
                .execute()
                .await
                .map(drop)
                .map_err(|e| e.to_string())
        }
    }
}

/// One put through [`js_put_json`].
async fn put_once(bucket: &Bucket, key: &str, body: &[u8], custom: &Custom) -> Result<(), String> {
    let promise = js_put_json(
        bucket.as_ref(),
        key,
        body,
        custom.received_at.as_deref().unwrap_or(""),
        custom.summary.as_deref().unwrap_or(""),
    )
    .map_err(|e| js_cause(&e))?;
    JsFuture::from(promise).await.map(drop).map_err(|e| js_cause(&e))
}

/// Puts `body` at `key` as JSON with `custom` metadata, retried as below.
pub(crate) async fn put_json(
    bucket: &Bucket,
    key: String,
    body: Vec<u8>,
    custom: Custom,
) -> Result<(), ApiError> {
    // Retried after a short pause: R2 answers a rare transient internal error (and local R2
    // under load a busy database); a key R2 can never take is not retried.
    let pauses: &[u64] = if key.len() > MAX_KEY_BYTES { &[] } else { &PUT_RETRY_PAUSES_MS };
    let mut last = None;
    for attempt in 0..=pauses.len() {
        if let Some(ms) = attempt.checked_sub(1).and_then(|i| pauses.get(i)) {
            worker::Delay::from(std::time::Duration::from_millis(*ms)).await;
        }
        match put_once(bucket, &key, &body, &custom).await {
            Ok(()) => return Ok(()),
            Err(e) => last = Some(e),
        }
    }
    let err = last.unwrap_or_else(|| "no attempt".to_owned());
    Err(ApiError::storage(&format!("r2 put {}", crate::echo::cap(&key)), err))
}

/// R2's limit on a key's length.
const MAX_KEY_BYTES: usize = 1024;

/// Pauses before each retry of a failed put: three attempts within about half a second, well
/// inside the client's patience, before the request is answered `503` (and the client retries).
const PUT_RETRY_PAUSES_MS: [u64; 2] = [100, 400];

/// One tracker batch object found under a session's `events/`.
#[derive(Clone, Debug)]
pub(crate) struct Listed {
    pub(crate) key: String,
    pub(crate) batch_id: BatchId,
    pub(crate) uploaded: UnixMillis,
    pub(crate) received_at: Option<UnixMillis>,
    pub(crate) summary: Option<BatchSummary>,
}

/// Every tracker batch under `events_prefix`, with the summary from its metadata when present:
/// one list call per 1,000 objects, no GETs. Other objects (replay chunks) are skipped.
pub(crate) async fn list_batches(
    bucket: &Bucket,
    events_prefix: &str,
) -> Result<Vec<Listed>, ApiError> {
    let mut found = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut list =
            bucket.list().prefix(events_prefix).include(vec![Include::CustomMetadata]).limit(1000);
        if let Some(c) = cursor.take() {
            list = list.cursor(c);
        }
        let page =
            list.execute().await.map_err(|e| ApiError::storage("r2 list session batches", e))?;
        for object in page.objects() {
            let key = object.key();
            let Some((_, batch_id)) = r2_keys::parse_batch_key(&key) else { continue };
            let metadata = object.custom_metadata().unwrap_or_default();
            found.push(Listed {
                batch_id,
                uploaded: object.uploaded().as_millis(),
                received_at: metadata.get(RECEIVED_AT).and_then(|v| v.parse().ok()),
                summary: metadata.get(SUMMARY).and_then(|json| BatchSummary::from_metadata(json)),
                key,
            });
        }
        match page.cursor().filter(|_| page.truncated()) {
            Some(next) => cursor = Some(next),
            None => return Ok(found),
        }
    }
}

/// Reads a batch object back (for one stored without a summary in its metadata).
pub(crate) async fn get_batch(bucket: &Bucket, key: &str) -> Result<Option<EventBatch>, ApiError> {
    let Some(object) =
        bucket.get(key).execute().await.map_err(|e| ApiError::storage("r2 get batch", e))?
    else {
        return Ok(None);
    };
    let Some(body) = object.body() else { return Ok(None) };
    let bytes = body.bytes().await.map_err(|e| ApiError::storage("r2 read batch", e))?;
    Ok(serde_json::from_slice(&bytes).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `pgR2PutJson` (JavaScript, above) names the metadata keys literally; a batch's summary is
    /// read back by these constants.
    #[test]
    fn the_put_glue_writes_the_keys_the_listing_reads() {
        let glue = include_str!("objects.rs");
        assert_eq!(RECEIVED_AT, "received_at");
        assert_eq!(SUMMARY, "summary");
        assert!(glue.contains("customMetadata.received_at = receivedAt"));
        assert!(glue.contains("customMetadata.summary = summary"));
    }

    #[test]
    fn only_batches_carry_custom_metadata() {
        let summary = BatchSummary { received_at: 1_764_000_000_000, ..BatchSummary::default() };
        let custom = Custom::of_batch(&summary);
        assert_eq!(custom.received_at.as_deref(), Some("1764000000000"));
        assert!(custom.summary.as_deref().is_some_and(|s| s.starts_with('{')));
        let none = Custom::default();
        assert_eq!((none.received_at, none.summary), (None, None));
    }
}
