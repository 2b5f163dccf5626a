//! `POST /track/replay`: one batch of recorded events from the replay chunk.
//!
//! The body is a [`ReplayBatch`], gzip-compressed by the browser (recognised by gzip's magic
//! bytes; `CompressionStream`) or plain JSON from browsers without it, which the worker then
//! compresses. It is parsed with the schema's rrweb types and validated before anything is
//! stored, and stored gzip-compressed as it came, under the session's `events/` prefix with its
//! time range in custom metadata (so a time window lists, not reads, to find its objects). The
//! first batch of a page's recording marks the session `has_replay` in D1 (once per page).

use std::collections::HashMap;
use std::rc::Rc;

use futures_util::future::join;
use pulsegate_schema::strict::{self, Strict};
use pulsegate_schema::{Accepted, ReplayBatch, Validate, limits};
use worker::{Context, Env, HttpMetadata, Request, Response};

use super::gzip;
use crate::config::{Family, Store};
use crate::error::ApiError;
use crate::http::{header, json};
use crate::routes::track::{TrackCtx, limit};
use crate::store::d1::{Db, Stats};
use crate::store::r2_keys;
use crate::{bindings, body, client_time};

/// JSON nesting a batch may have: a serialized DOM nests two levels per element, so this allows
/// pages about 250 elements deep while keeping the parser's recursion bounded.
const MAX_DEPTH: usize = 512;

/// Stores one replay batch: rate limiter (the events family: a recording is the session's event
/// data), validator, then R2, like every `/track/*` route.
pub(crate) async fn post(
    mut req: Request,
    env: &Env,
    _wait: &Context,
    stats: Rc<Stats>,
) -> Result<Response, ApiError> {
    let ctx = TrackCtx::of(&req, env);
    check_content_type(header(&req, "content-type").as_deref())?;
    body::check_declared_length(
        header(&req, "content-length").as_deref(),
        limits::MAX_REPLAY_BODY_BYTES,
    )?;
    // Only the limiter uses D1 before the body is read: a missing binding lets the batch through.
    let db = Db::open(env, stats).ok();
    let (limited, bytes) = join(
        limit::check(db.as_ref(), &ctx, Family::Events),
        body::read_limited(&mut req, limits::MAX_REPLAY_BODY_BYTES),
    )
    .await;
    limited?;
    let bytes = bytes?;
    let (text, stored) = if gzip::is_gzip(&bytes) {
        (gzip::decompress(&bytes, limits::MAX_REPLAY_JSON_BYTES)?, bytes)
    } else {
        let gz = gzip::compress(&bytes);
        (bytes, gz)
    };
    let batch = parse(&text)?;
    let now = ctx.now;
    client_time::check_session_start(
        "session_started_at",
        batch.session_started_at,
        now,
        ctx.config.retention.days(Store::Events),
    )?;
    let Some((first, last)) = batch.time_range() else {
        return Err(ApiError::InvalidField {
            field: "events".to_owned(),
            message: "must contain at least one event".to_owned(),
        });
    };
    let key = r2_keys::replay_batch_key(
        batch.session_started_at,
        batch.session_id,
        first,
        batch.batch_id,
    );
    let metadata = HashMap::from([
        ("received_at".to_owned(), now.to_string()),
        ("first_ts".to_owned(), first.to_string()),
        ("last_ts".to_owned(), last.to_string()),
        ("events".to_owned(), batch.events.len().to_string()),
        ("json_bytes".to_owned(), text.len().to_string()),
    ]);
    let http = HttpMetadata {
        content_type: Some("application/json".to_owned()),
        content_encoding: Some("gzip".to_owned()),
        ..HttpMetadata::default()
    };
    let bucket =
        env.bucket(bindings::TRACKING_R2).map_err(|e| ApiError::storage("r2 binding", e))?;
    bucket
        .put(&key, stored)
        .http_metadata(http)
        .custom_metadata(metadata)
        .execute()
        .await
        .map_err(|e| ApiError::storage(&format!("r2 put {key}"), e))?;
    if batch.starts_recording() {
        super::sessions::mark_recorded(env, &batch.session_id.to_string()).await?;
    }
    let accepted = u32::try_from(batch.events.len()).unwrap_or(u32::MAX);
    json(202, &Accepted { ok: true, accepted })
}

/// Parses and validates a batch; every way it can be wrong is a 400 naming what.
pub(crate) fn parse(text: &[u8]) -> Result<ReplayBatch, ApiError> {
    let text = body::strip_bom(text);
    body::expect_object(text)?;
    if nesting(text) > MAX_DEPTH {
        return Err(ApiError::InvalidField {
            field: "events".to_owned(),
            message: format!("must nest at most {MAX_DEPTH} levels deep"),
        });
    }
    let mut de = serde_json::Deserializer::from_slice(text);
    de.disable_recursion_limit();
    let batch: ReplayBatch = strict::deserialize(&mut de).map_err(|e| {
        let message = body::strip_position(&e.to_string());
        if e.is_syntax() || e.is_eof() {
            ApiError::MalformedJson(message)
        } else {
            located(text).unwrap_or(ApiError::InvalidField { field: "events".to_owned(), message })
        }
    })?;
    de.end().map_err(|e| ApiError::MalformedJson(body::strip_position(&e.to_string())))?;
    batch.validate()?;
    Ok(batch)
}

/// The recorder sends a typeless `Blob` (gzip or JSON); JSON, text (`sendBeacon`) and a binary
/// type are accepted too, anything else (a form post, HTML, an image) is a 415 like every
/// `/track/*` route.
fn check_content_type(content_type: Option<&str>) -> Result<(), ApiError> {
    let binary = content_type.is_some_and(|value| {
        let essence = value.split(';').next().unwrap_or_default().trim();
        essence.eq_ignore_ascii_case("application/octet-stream")
            || essence.eq_ignore_ascii_case("application/gzip")
    });
    if binary { Ok(()) } else { body::check_content_type(content_type) }
}

/// A refused batch read again with path tracking (only on this error path: the fast parse above
/// tracks nothing), so the error names the field (`batch_id`, `events[3].timestamp`). Within
/// serde_json's usual recursion limit only; a deeper batch keeps the `events` it had.
fn located(text: &[u8]) -> Option<ApiError> {
    let mut de = serde_json::Deserializer::from_slice(text);
    let err = serde_path_to_error::deserialize::<_, ReplayBatch>(Strict(&mut de)).err()?;
    if err.inner().is_syntax() || err.inner().is_eof() {
        return None;
    }
    let message = body::strip_position(&err.inner().to_string());
    let at = body::field_path(err.path());
    // An event's `data` is read by type after the event (schema `replay::event`), so the path
    // stops at the event and the message names the part: "data: invalid type: …".
    let field = match message.split_once(": ") {
        Some(("data", _)) => body::join(&at, "data"),
        _ => at,
    };
    Some(ApiError::InvalidField {
        field: if field.is_empty() { "events".to_owned() } else { field },
        message,
    })
}

/// The deepest nesting of arrays and objects in JSON text (strings skipped).
fn nesting(text: &[u8]) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in text {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    const BATCH: &str = r#"{"batch_id":"7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f","session_id":"0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c","session_started_at":1764097200000,"events":[{"type":4,"timestamp":1764097200001,"data":{"href":"https://a.example/","width":800,"height":600}}]}"#;

    #[test]
    fn a_valid_batch_parses() {
        let batch = parse(BATCH.as_bytes()).unwrap();
        assert!(batch.starts_recording());
        assert_eq!(batch.time_range(), Some((1_764_097_200_001, 1_764_097_200_001)));
    }

    #[test]
    fn bad_batches_are_400s_that_say_why() {
        assert!(matches!(parse(b"{").unwrap_err(), ApiError::MalformedJson(_)));
        assert!(matches!(
            parse(format!("{BATCH} x").as_bytes()).unwrap_err(),
            ApiError::MalformedJson(_)
        ));
        let wrong_type = BATCH.replace("\"type\":4", "\"type\":42");
        assert_eq!(parse(wrong_type.as_bytes()).unwrap_err().status(), 400);
        let empty = BATCH.replace(r#"[{"type":4,"timestamp":1764097200001,"data":{"href":"https://a.example/","width":800,"height":600}}]"#, "[]");
        let err = parse(empty.as_bytes()).unwrap_err();
        assert_eq!(err.body().error.field.as_deref(), Some("events"));
        let extra = BATCH.replacen('{', r#"{"extra":1,"#, 1);
        assert_eq!(parse(extra.as_bytes()).unwrap_err().status(), 400);
        assert!(matches!(parse(b"[]").unwrap_err(), ApiError::InvalidField { .. }));
    }

    #[test]
    fn an_array_for_an_object_is_refused_and_a_byte_order_mark_skipped() {
        let data = r#"{"href":"https://a.example/","width":800,"height":600}"#;
        let positional = BATCH.replace(data, r#"["https://a.example/",800,600]"#);
        let err = parse(positional.as_bytes()).unwrap_err();
        assert_eq!(err.body().error.field.as_deref(), Some("events[0].data"), "{err:?}");
        assert!(err.body().error.message.contains("invalid type: sequence"), "{err:?}");
        let event = BATCH.replace(
            &format!(r#"{{"type":4,"timestamp":1764097200001,"data":{data}}}"#),
            &format!(r#"[4,1764097200001,{data}]"#),
        );
        let err = parse(event.as_bytes()).unwrap_err();
        assert_eq!(err.body().error.field.as_deref(), Some("events[0]"), "{err:?}");
        let bom = format!("\u{FEFF}{BATCH}");
        assert!(parse(bom.as_bytes()).unwrap().starts_recording());
    }

    #[test]
    fn content_types_the_recorder_and_beacons_send_are_accepted() {
        for ok in [
            None,
            Some(""),
            Some("application/json"),
            Some("text/plain;charset=UTF-8"),
            Some("application/octet-stream"),
            Some("Application/Gzip"),
        ] {
            assert_eq!(check_content_type(ok), Ok(()), "{ok:?}");
        }
        for refused in [
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "text/html",
            "image/png",
        ] {
            assert_eq!(check_content_type(Some(refused)).unwrap_err().status(), 415, "{refused}");
        }
    }

    #[test]
    fn data_errors_name_their_field() {
        let field = |body: String| match parse(body.as_bytes()).unwrap_err() {
            ApiError::InvalidField { field, message } => {
                assert!(!message.contains(" at line "), "{message}");
                field
            }
            other => panic!("expected invalid_field, got {other:?}"),
        };
        assert_eq!(
            field(BATCH.replace("\"7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f\"", "5")),
            "batch_id"
        );
        assert_eq!(field(BATCH.replace("1764097200000", "\"soon\"")), "session_started_at");
        assert_eq!(field(BATCH.replace("1764097200001", "\"soon\"")), "events[0].timestamp");
        assert_eq!(field(BATCH.replace("\"width\":800", "\"width\":\"wide\"")), "events[0].data");
        assert_eq!(field(BATCH.replace("\"type\":4", "\"type\":\"meta\"")), "events[0].type");
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(nesting(deep.as_bytes()), MAX_DEPTH + 1);
        assert_eq!(nesting(br#"{"a":"[[[[","b":[1]}"#), 2, "brackets in strings do not count");
        assert_eq!(nesting(br#"{"a":"\"[[","b":[1]}"#), 2);
        assert_eq!(parse(deep.as_bytes()).unwrap_err().status(), 400);
    }
}
