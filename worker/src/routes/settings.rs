//! `GET`/`PUT /analytics/settings` (admin): AppSettings with an `ETag` per version; a `PUT` must
//! carry `If-Match` with the version it read (`*` accepts any), else `428`; a stale one gets `412`.
//! A `*` write that loses a race with another write is applied again on the newer version.

use pulsegate_schema::AppSettings;

use super::Call;
use crate::body;
use crate::error::ApiError;
use crate::http::header;
use crate::reply::Reply;
use crate::store::{settings, site_registry};

/// Largest settings document accepted, in bytes.
const MAX_BODY: usize = 16 * 1024;

/// `"7"`: the strong ETag of version 7.
pub(crate) fn etag(version: u64) -> String {
    format!("\"{version}\"")
}

/// What `If-Match` asks for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum IfMatch {
    Any,
    Versions(Vec<u64>),
}

/// Parses `If-Match: "7"`, `W/"7", "8"` or `*`; `None` when absent, `400` when unreadable.
pub(crate) fn parse_if_match(value: Option<&str>) -> Result<Option<IfMatch>, ApiError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    if value == "*" {
        return Ok(Some(IfMatch::Any));
    }
    let versions = value
        .split(',')
        .map(|tag| {
            let tag = tag.trim();
            let tag = tag.strip_prefix("W/").unwrap_or(tag);
            tag.strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
                .and_then(|t| t.parse::<u64>().ok())
        })
        .collect::<Option<Vec<u64>>>()
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "If-Match {} is not an ETag from GET /analytics/settings",
                crate::http::capped(value)
            ))
        })?;
    Ok(Some(IfMatch::Versions(versions)))
}

pub(crate) async fn get(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let stored = settings::load(&call.db).await?;
    Reply::json(200, &stored.document).map(|r| r.with_header("ETag", etag(stored.document.version)))
}

pub(crate) async fn put(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let condition = parse_if_match(header(&call.req, "if-match").as_deref())?.ok_or_else(|| {
        ApiError::PreconditionRequired(
            "send If-Match with the ETag of GET /analytics/settings (or * to overwrite)".to_owned(),
        )
    })?;
    let new: AppSettings = body::read_json(&mut call.req, MAX_BODY).await?;
    let mut conflicts = 0;
    let (current, saved) = loop {
        let current = settings::load(&call.db).await?;
        let version = current.document.version;
        let expected = match &condition {
            IfMatch::Any => version,
            IfMatch::Versions(v) if v.contains(&version) => version,
            IfMatch::Versions(_) => return Err(stale(version)),
        };
        // Webhooks are signed (Standard Webhooks): sending leads needs a secret, sent now or kept.
        if new.make.enabled
            && settings::next_secret(
                current.make_signing_secret.as_deref(),
                new.make.signing_secret.as_deref(),
            )
            .is_none()
        {
            return Err(ApiError::InvalidField {
                field: "make.signing_secret".to_owned(),
                message: "is required when enabled: webhooks are signed (whsec_ and base64 of 24 to 64 random bytes)".to_owned(),
            });
        }
        match settings::save(&call.db, expected, new.clone(), call.now).await? {
            Some(saved) => break (current, saved),
            None if retries_on_conflict(&condition, conflicts) => conflicts += 1,
            None => return Err(stale(version + 1)),
        }
    };
    if saved.settings().accept_unregistered_sites != current.settings().accept_unregistered_sites {
        site_registry::publish(call.env, &call.db, call.now).await.map_err(|e| ApiError::Unavailable {
            message: "settings saved, but the site registry used by ingest could not be updated; save again",
            detail: e.detail().unwrap_or_default().to_owned(),
        })?;
    }
    Reply::json(200, &saved.document).map(|r| r.with_header("ETag", etag(saved.document.version)))
}

/// Writes that may land between this one's read and its write before it gives up.
const MAX_CONFLICTS: u32 = 5;

/// Whether a write that lost a race is tried again on the newer version: only for `If-Match: *`
/// (overwrite whatever is there), which no other write can make stale; never for a version.
fn retries_on_conflict(condition: &IfMatch, conflicts: u32) -> bool {
    *condition == IfMatch::Any && conflicts < MAX_CONFLICTS
}

fn stale(now_at: u64) -> ApiError {
    ApiError::PreconditionFailed(format!(
        "the settings changed since you read them (now at version {now_at}); GET them again and reapply your change"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_forms() {
        assert_eq!(parse_if_match(None), Ok(None));
        assert_eq!(parse_if_match(Some("  ")), Ok(None));
        assert_eq!(parse_if_match(Some("*")), Ok(Some(IfMatch::Any)));
        assert_eq!(parse_if_match(Some("\"7\"")), Ok(Some(IfMatch::Versions(vec![7]))));
        assert_eq!(parse_if_match(Some("W/\"7\", \"8\"")), Ok(Some(IfMatch::Versions(vec![7, 8]))));
        assert_eq!(parse_if_match(Some("7")).unwrap_err().status(), 400);
        assert_eq!(parse_if_match(Some("\"seven\"")).unwrap_err().status(), 400);
        assert_eq!(etag(3), "\"3\"");
    }

    #[test]
    fn only_a_star_write_is_retried_after_losing_a_race() {
        assert!(retries_on_conflict(&IfMatch::Any, 0));
        assert!(retries_on_conflict(&IfMatch::Any, MAX_CONFLICTS - 1));
        assert!(!retries_on_conflict(&IfMatch::Any, MAX_CONFLICTS), "not forever");
        assert!(!retries_on_conflict(&IfMatch::Versions(vec![7]), 0), "a version goes stale: 412");
    }
}
