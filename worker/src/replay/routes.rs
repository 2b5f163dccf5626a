//! `GET /replay/sessions`, `/replay/sessions/{id}` and `/replay/sessions/{id}/events`: the
//! authenticated replay API (page `replay`).

use pulsegate_schema::UnixMillis;
use worker::{Env, Request, Response};

use super::events::{self, MAX_WINDOW_MS};
use super::sessions::{self, Filters};
use super::{access, merge};
use crate::bindings;
use crate::error::ApiError;
use crate::http::json;

fn query(req: &Request) -> Result<Vec<(String, String)>, ApiError> {
    let url = req.url().map_err(|e| ApiError::BadRequest(format!("unreadable URL: {e}")))?;
    Ok(url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
}

/// The `{id}` of `/replay/sessions/{id}[/events]`, which must be a hyphenated UUID (lower case).
pub(crate) fn session_id(path: &str) -> Result<String, ApiError> {
    let id = path.trim_start_matches("/replay/sessions/").split('/').next().unwrap_or_default();
    let shape = id.len() == 36
        && id.bytes().enumerate().all(|(i, b)| {
            if matches!(i, 8 | 13 | 18 | 23) { b == b'-' } else { b.is_ascii_hexdigit() }
        });
    if shape { Ok(id.to_ascii_lowercase()) } else { Err(ApiError::NoSuch { what: "session" }) }
}

/// A page of recorded sessions.
pub(crate) async fn list(req: &Request, env: &Env) -> Result<Response, ApiError> {
    access::require(req, env)?;
    let filters = Filters::parse(&query(req)?)?;
    json(200, &sessions::list(env, &filters).await?)
}

/// One session's facts and scores.
pub(crate) async fn detail(req: &Request, env: &Env, path: &str) -> Result<Response, ApiError> {
    access::require(req, env)?;
    let id = session_id(path)?;
    let (detail, _) =
        sessions::detail(env, &id).await?.ok_or(ApiError::NoSuch { what: "session" })?;
    json(200, &detail)
}

/// A time window of the session's events, streamed: `?from=<ms>&to=<ms>` (defaults: from the
/// first event, 30 minutes), at most 30 minutes per request; `next` says where to continue.
pub(crate) async fn events(req: &Request, env: &Env, path: &str) -> Result<Response, ApiError> {
    access::require(req, env)?;
    let id = session_id(path)?;
    let mut from: Option<UnixMillis> = None;
    let mut to: Option<UnixMillis> = None;
    for (name, value) in query(req)? {
        let n = value.parse::<UnixMillis>().map_err(|_| ApiError::InvalidField {
            field: name.clone(),
            message: "must be a time in ms".to_owned(),
        })?;
        match name.as_str() {
            "from" => from = Some(n),
            "to" => to = Some(n),
            _ => {
                return Err(ApiError::InvalidField {
                    field: name,
                    message: "is not a parameter of this endpoint".to_owned(),
                });
            }
        }
    }
    // Where the objects are comes from the session's id alone once its start is known; the
    // start (and so the date prefix) is the one D1 read, then R2 only.
    let prefix = sessions::detail(env, &id).await?.ok_or(ApiError::NoSuch { what: "session" })?.1;
    let bucket =
        env.bucket(bindings::TRACKING_R2).map_err(|e| ApiError::storage("r2 binding", e))?;
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
    let resp = Response::from_stream(body).map_err(crate::http::internal)?;
    crate::http::with_headers(
        resp,
        [("content-type", "application/json"), ("cache-control", "private, no-store")],
    )
}

#[cfg(test)]
mod tests {
    use super::session_id;

    #[test]
    fn session_ids_in_paths() {
        let id = "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c";
        assert_eq!(session_id(&format!("/replay/sessions/{id}")).unwrap(), id);
        assert_eq!(
            session_id(&format!("/replay/sessions/{}/events", id.to_uppercase())).unwrap(),
            id
        );
        for bad in [
            "/replay/sessions/x",
            "/replay/sessions/0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1",
            "/replay/sessions/0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1z",
        ] {
            assert_eq!(session_id(bad).unwrap_err().status(), 404, "{bad}");
        }
    }
}
