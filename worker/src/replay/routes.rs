//! `GET /replay/sessions`, `/replay/sessions/{id}` and `/replay/sessions/{id}/events`: the
//! authenticated replay API (page `replay`).

use futures_util::StreamExt;
use pulsegate_schema::UnixMillis;
use worker::Response;

use super::events::{self, MAX_WINDOW_MS};
use super::merge;
use super::sessions::{self, Filters};
use crate::bindings;
use crate::error::ApiError;
use crate::http::{check_params, query_pairs};
use crate::reply::Reply;
use crate::routes::Call;

/// The `{id}` of `/replay/sessions/{id}[/events]`, which must be a hyphenated UUID (lower case).
pub(crate) fn session_id(id: &str) -> Result<String, ApiError> {
    let shape = id.len() == 36
        && id.bytes().enumerate().all(|(i, b)| {
            if matches!(i, 8 | 13 | 18 | 23) { b == b'-' } else { b.is_ascii_hexdigit() }
        });
    if shape { Ok(id.to_ascii_lowercase()) } else { Err(ApiError::NoSuch { what: "session" }) }
}

/// A page of recorded sessions.
pub(crate) async fn list(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let filters = Filters::parse(&query_pairs(&call.req))?;
    Reply::json(200, &sessions::list(call.env, &filters).await?)
}

/// One session's facts, scores and linked leads.
pub(crate) async fn detail(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let id = session_id(call.param())?;
    let (detail, _) =
        sessions::detail(call.env, &id).await?.ok_or(ApiError::NoSuch { what: "session" })?;
    Reply::json(200, &detail)
}

/// A time window of the session's events: `?from=<ms>&to=<ms>` (defaults: from the first event,
/// 30 minutes), at most 30 minutes per request; `next` says where to continue. Streamed as it is
/// read from R2; for a key that sees PII masked, read whole and masked like every other answer
/// (what the recorder masked never left the browser; this masks the tracker's own events merged
/// in, such as identify traits).
pub(crate) async fn events(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let id = session_id(call.param())?;
    let mut from: Option<UnixMillis> = None;
    let mut to: Option<UnixMillis> = None;
    let pairs = query_pairs(&call.req);
    check_params(&pairs, &["from", "to"])?;
    for (name, value) in pairs {
        let n = value.parse::<UnixMillis>().map_err(|_| ApiError::InvalidField {
            field: name.clone(),
            message: "must be a time in ms".to_owned(),
        })?;
        if name == "from" {
            from = Some(n);
        } else {
            to = Some(n);
        }
    }
    // Where the objects are comes from the session's id alone once its start is known; the
    // start (and so the date prefix) is the one D1 read, then R2 only.
    let prefix =
        sessions::detail(call.env, &id).await?.ok_or(ApiError::NoSuch { what: "session" })?.1;
    let bucket =
        call.env.bucket(bindings::TRACKING_R2).map_err(|e| ApiError::storage("r2 binding", e))?;
    let objects = events::list(&bucket, &crate::store::r2_keys::events_prefix(&prefix)).await?;
    let from = from.or_else(|| merge::earliest(&objects)).unwrap_or(0);
    let to = to.unwrap_or(from.saturating_add(MAX_WINDOW_MS));
    if to <= from || to - from > MAX_WINDOW_MS {
        return Err(ApiError::InvalidField {
            field: "to".to_owned(),
            message: format!("must be after from, and at most {MAX_WINDOW_MS} ms after it"),
        });
    }
    let body = events::stream(bucket, &objects, from, to);
    if call.principal.mask_pii {
        let mut bytes = Vec::new();
        let mut body = Box::pin(body);
        while let Some(chunk) = body.next().await {
            bytes.extend(chunk.map_err(|e| ApiError::storage("r2 replay events", e))?);
        }
        let page: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| ApiError::Internal(e.to_string()))?;
        // The router masks it.
        return Reply::json(200, &page);
    }
    let resp = Response::from_stream(body).map_err(crate::http::internal)?;
    Ok(Reply::response(200, resp).with_header("Content-Type", "application/json".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::session_id;

    #[test]
    fn session_ids_in_paths() {
        let id = "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c";
        assert_eq!(session_id(id).unwrap(), id);
        assert_eq!(session_id(&id.to_uppercase()).unwrap(), id);
        for bad in
            ["x", "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1", "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1z"]
        {
            assert_eq!(session_id(bad).unwrap_err().status(), 404, "{bad}");
        }
    }
}
