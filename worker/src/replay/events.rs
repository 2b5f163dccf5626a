//! A session's recording from R2: every object under its `events/` prefix listed (with their
//! time ranges from custom metadata), the ones a time window needs read one at a time as the
//! merge reaches them, and the merged events streamed out as JSON. D1 is not read here.

use futures_util::stream::{self, Stream};
use pulsegate_schema::UnixMillis;
use worker::{Bucket, Include};

use super::gzip;
use super::merge::{self, EventObject, Merge};
use crate::error::ApiError;
use crate::store::r2_keys::EventObjectKind;

/// Longest window one request returns, ms.
pub(crate) const MAX_WINDOW_MS: u64 = 30 * 60 * 1000;

/// Every event object under `prefix`, with custom metadata (one list call per 1,000 objects).
pub(crate) async fn list(bucket: &Bucket, prefix: &str) -> Result<Vec<EventObject>, ApiError> {
    let mut objects = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut request = bucket.list().prefix(prefix).include(vec![Include::CustomMetadata]);
        if let Some(c) = cursor.take() {
            request = request.cursor(c);
        }
        let page = request
            .execute()
            .await
            .map_err(|e| ApiError::storage(&format!("r2 list {prefix}"), e))?;
        for object in page.objects() {
            let last = object.custom_metadata().ok().and_then(|m| m.get("last_ts").cloned());
            objects.extend(EventObject::from_listing(object.key(), last.as_deref()));
        }
        match page.cursor() {
            Some(c) if page.truncated() => cursor = Some(c),
            _ => break,
        }
    }
    Ok(objects)
}

/// Reads one object's events in the window.
async fn read(
    bucket: &Bucket,
    object: &EventObject,
    from: UnixMillis,
    to: UnixMillis,
) -> Result<Vec<merge::Item>, String> {
    let got = bucket
        .get(&object.key)
        .execute()
        .await
        .map_err(|e| format!("r2 get {}: {e}", object.key))?;
    let Some(got) = got else { return Ok(Vec::new()) };
    let bytes = got.body().ok_or("no body")?.bytes().await.map_err(|e| e.to_string())?;
    let json = match object.kind {
        EventObjectKind::Replay => {
            gzip::decompress(&bytes, pulsegate_schema::limits::MAX_REPLAY_JSON_BYTES)
                .map_err(|e| format!("{}: {e:?}", object.key))?
        }
        EventObjectKind::Tracker | EventObjectKind::Lead => bytes,
    };
    merge::events_of(object.kind, &json, from, to).map_err(|e| format!("{}: {e}", object.key))
}

/// The state of a streamed window.
struct Streamer {
    bucket: Bucket,
    objects: Vec<EventObject>,
    loaded: usize,
    merge: Merge,
    from: UnixMillis,
    to: UnixMillis,
    next: Option<UnixMillis>,
    stage: Stage,
    first: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Head,
    Body,
    Done,
}

/// Flush the output at about this many bytes.
const CHUNK: usize = 64 * 1024;

/// `{"from":…,"to":…,"events":[…],"next":…}` for `[from, to)`, produced while reading: an object
/// is fetched only when the merge reaches its first event time.
pub(crate) fn stream(
    bucket: Bucket,
    all: &[EventObject],
    from: UnixMillis,
    to: UnixMillis,
) -> impl Stream<Item = Result<Vec<u8>, worker::Error>> + 'static {
    let state = Streamer {
        bucket,
        objects: merge::select(all, from, to),
        loaded: 0,
        merge: Merge::default(),
        from,
        to,
        next: merge::next_window(all, to),
        stage: Stage::Head,
        first: true,
    };
    stream::unfold(state, |mut s| async move {
        match s.stage {
            Stage::Done => None,
            Stage::Head => {
                s.stage = Stage::Body;
                let head = format!("{{\"from\":{},\"to\":{},\"events\":[", s.from, s.to);
                Some((Ok(head.into_bytes()), s))
            }
            Stage::Body => {
                // Load every object whose first event could come before the merge's next one.
                while s.loaded < s.objects.len()
                    && s.merge.peek().is_none_or(|t| s.objects[s.loaded].first_ts <= t)
                {
                    let object = s.objects[s.loaded].clone();
                    s.loaded += 1;
                    match read(&s.bucket, &object, s.from, s.to).await {
                        Ok(items) => s.merge.add(items),
                        Err(e) => {
                            s.stage = Stage::Done;
                            worker::console_error!("replay events: {e}");
                            return Some((Err(worker::Error::RustError(e)), s));
                        }
                    }
                }
                let limit = s.objects.get(s.loaded).map(|o| o.first_ts);
                let mut out = Vec::with_capacity(CHUNK);
                while out.len() < CHUNK {
                    match (s.merge.peek(), limit) {
                        (Some(t), Some(l)) if t > l => break,
                        (None, _) => break,
                        _ => {}
                    }
                    let Some((_, json)) = s.merge.pop() else { break };
                    if !s.first {
                        out.push(b',');
                    }
                    s.first = false;
                    out.extend_from_slice(json.as_bytes());
                }
                if s.merge.peek().is_none() && s.loaded == s.objects.len() {
                    s.stage = Stage::Done;
                    let next = s.next.map_or_else(|| "null".to_owned(), |n| n.to_string());
                    out.extend_from_slice(format!("],\"next\":{next}}}").as_bytes());
                }
                Some((Ok(out), s))
            }
        }
    })
}
