//! `GET /analytics/sessions/{id}`: the session's D1 row, page and event rollups (one D1 batch),
//! and its events merged from R2.
//!
//! R2 cost per answer: one `list` of `sessions/YYYY/MM/DD/{id}/events/` (a page of at most
//! `limit` + 1 keys, in key order, which is time order) and one `get` per batch object read (at
//! most `limit`, default 100, six at a time). `meta.json` is not read: the D1 row holds its facts.
//! A longer session continues with `events_cursor` (the last key listed). Replay batches and
//! lead markers share the `events/` prefix; they are listed and skipped, never decoded here.

use futures_util::StreamExt as _;
use pulsegate_schema::{Event, EventBatch, SessionDetail, SessionId, StorageReads};

use super::params;
use super::shape::{self, EventCountRow, PageVisitRow, RecordRow};
use super::sql;
use crate::bindings;
use crate::db;
use crate::error::ApiError;
use crate::reply::Reply;
use crate::routes::Call;
use crate::store::r2_keys;

/// Objects read at once (the platform allows six open connections per invocation).
const PARALLEL_READS: usize = 6;

/// The parameters session detail reads: none of a report's range, zone or bot filter.
pub(crate) const PARAMS: &[&str] = &["limit", "events_cursor", "format"];

pub(crate) async fn get(call: &Call<'_>) -> Result<Reply, ApiError> {
    let pairs = crate::http::query_pairs(&call.req);
    let p = params::parse(&pairs, PARAMS)?;
    let limit = params::limit(p.limit, 100, 500)?;
    let id = call
        .params
        .first()
        .and_then(|s| s.parse::<uuid::Uuid>().ok())
        .map(SessionId)
        .ok_or(ApiError::NoSuch { what: "session" })?;

    let results = call.db.batch("session detail", &sql::session_detail(&id)).await?;
    let rows: Vec<RecordRow> = db::rows("session", &results[0])?;
    let row = rows.into_iter().next().ok_or(ApiError::NoSuch { what: "session" })?;
    let pages: Vec<PageVisitRow> = db::rows("session pages", &results[1])?;
    let events: Vec<EventCountRow> = db::rows("session events", &results[2])?;
    let (session, prefix) = shape::record(row)?;

    let events_prefix = format!("{prefix}events/");
    if let Some(cursor) = &p.events_cursor
        && !cursor.starts_with(&events_prefix)
    {
        return Err(ApiError::InvalidField {
            field: "events_cursor".to_owned(),
            message: "belongs to another session".to_owned(),
        });
    }
    let (events_read, next_events_cursor, storage) =
        read_events(call, &events_prefix, p.events_cursor.as_deref(), limit).await?;

    let detail = SessionDetail {
        session,
        pages: shape::page_visits(pages),
        custom_events: shape::event_counts(events),
        events: events_read,
        next_events_cursor,
        storage,
    };
    Reply::json(200, &detail)
}

/// Lists up to `limit` batch keys after `after` and merges their events by `ts` (stable, so ties
/// keep batch order).
async fn read_events(
    call: &Call<'_>,
    prefix: &str,
    after: Option<&str>,
    limit: u32,
) -> Result<(Vec<Event>, Option<String>, StorageReads), ApiError> {
    let bucket =
        call.env.bucket(bindings::TRACKING_R2).map_err(|e| ApiError::storage("r2 binding", e))?;
    let mut list = bucket.list().prefix(prefix).limit(limit + 1);
    if let Some(after) = after {
        list = list.start_after(after);
    }
    let listed =
        list.execute().await.map_err(|e| ApiError::storage(&format!("r2 list {prefix}"), e))?;
    let listed_keys: Vec<String> = listed.objects().iter().map(worker::Object::key).collect();
    let objects_listed = u32::try_from(listed_keys.len()).unwrap_or(u32::MAX);
    let Page { keys, next } = page_of(listed_keys, limit, listed.truncated());

    let batches: Vec<Result<Option<EventBatch>, ApiError>> =
        futures_util::stream::iter(keys.iter().cloned())
            .map(|key| {
                let bucket = &bucket;
                async move {
                    let Some(object) = bucket
                        .get(&key)
                        .execute()
                        .await
                        .map_err(|e| ApiError::storage(&format!("r2 get {key}"), e))?
                    else {
                        return Ok(None); // deleted by retention since the list
                    };
                    let Some(body) = object.body() else { return Ok(None) };
                    let text = body
                        .text()
                        .await
                        .map_err(|e| ApiError::storage(&format!("r2 read {key}"), e))?;
                    serde_json::from_str::<EventBatch>(&text)
                        .map(Some)
                        .map_err(|e| ApiError::storage(&format!("decode {key}"), e))
                }
            })
            .buffered(PARALLEL_READS)
            .collect()
            .await;
    let mut events = Vec::new();
    for batch in batches {
        if let Some(batch) = batch? {
            events.extend(batch.events);
        }
    }
    events.sort_by_key(Event::ts);
    let storage = StorageReads {
        list_calls: 1,
        objects_listed,
        objects_read: u32::try_from(keys.len()).unwrap_or(u32::MAX),
    };
    Ok((events, next, storage))
}

/// One page of a session's `events/` listing.
#[derive(Debug, PartialEq, Eq)]
struct Page {
    /// The tracker batches to read, in key (time) order.
    keys: Vec<String>,
    /// The last key this page covers, when more follow: the next page's `events_cursor`.
    next: Option<String>,
}

/// The first `limit` of `listed` (asked for `limit` + 1, so one more means more follow). Replay
/// batches (gzip) and lead markers share the prefix but are not tracker batches: they count
/// toward the page and its cursor, and are not read here (the replay API serves them).
fn page_of(mut listed: Vec<String>, limit: u32, truncated: bool) -> Page {
    listed.sort();
    let more = listed.len() > limit as usize || truncated;
    listed.truncate(limit as usize);
    let next = if more { listed.last().cloned() } else { None };
    listed.retain(|key| r2_keys::parse_batch_key(key).is_some());
    Page { keys: listed, next }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "sessions/2026/11/26/f4e5cdc0-5e51-4e25-b77c-dbcd39428918/events/";

    fn key(ts: u64, id: char, suffix: &str) -> String {
        let c = |n: usize| id.to_string().repeat(n);
        let id = format!("{}-{}-4{}-8{}-{}", c(8), c(4), c(3), c(3), c(12));
        format!("{P}{ts:013}-{id}{suffix}")
    }

    #[test]
    fn replay_batches_and_lead_markers_are_not_read_as_tracker_batches() {
        let tracker = key(1_764_097_200_000, 'a', ".json");
        let replay = key(1_764_097_200_001, 'b', ".replay.json.gz");
        let lead = key(1_764_097_200_002, 'c', ".lead.json");
        let later = key(1_764_097_200_003, 'd', ".json");
        let listed = vec![later.clone(), lead, replay, tracker.clone()];
        assert_eq!(page_of(listed, 10, false), Page { keys: vec![tracker, later], next: None });
    }

    #[test]
    fn the_cursor_is_the_last_key_covered_whatever_its_kind() {
        let tracker = key(1_764_097_200_000, 'a', ".json");
        let replay = key(1_764_097_200_001, 'b', ".replay.json.gz");
        let beyond = key(1_764_097_200_002, 'c', ".json");
        let page = page_of(vec![beyond.clone(), replay.clone(), tracker.clone()], 2, false);
        assert_eq!(page, Page { keys: vec![tracker.clone()], next: Some(replay) });
        // A listing R2 cut short has more even when it holds no more than the limit.
        assert_eq!(page_of(vec![tracker.clone()], 2, true).next, Some(tracker));
        assert_eq!(
            page_of(vec![beyond.clone()], 2, false),
            Page { keys: vec![beyond], next: None }
        );
    }
}
