//! The one JSON error body every PulseGate endpoint answers failures with.

use crate::prelude::*;
use serde::{Deserialize, Serialize};

/// `{"error":{"code":"invalid_field","message":"must be at most 2048 bytes","field":"events[0].url"}}`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// The inside of an [`ErrorBody`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorDetail {
    /// Stable, machine-readable class of the error. Example: `"invalid_field"`.
    pub code: ErrorCode,
    /// Human-readable explanation. Example: `"must be at most 2048 bytes"`.
    pub message: String,
    /// The offending field's path, when one field is to blame. Example: `"events[0].url"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// Stable error codes. The worker maps each to one HTTP status in one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not valid JSON (400).
    MalformedJson,
    /// The JSON is valid but a field has the wrong type, is missing or unknown (400).
    InvalidField,
    /// The request is wrong in a way no single field explains (400).
    BadRequest,
    /// No or wrong credentials (401).
    Unauthorized,
    /// Credentials are valid but not for this (403).
    Forbidden,
    /// No such route (404).
    NotFound,
    /// The route exists but not for this method (405).
    MethodNotAllowed,
    /// The body is larger than the endpoint accepts (413).
    PayloadTooLarge,
    /// The body's content type cannot be read (415).
    UnsupportedMediaType,
    /// The resource exists already, or the request conflicts with its state (409).
    Conflict,
    /// An `If-Match` precondition failed: the resource changed since it was read (412).
    PreconditionFailed,
    /// The request must be conditional: send `If-Match` with the `ETag` you read (428).
    PreconditionRequired,
    /// Too many requests; retry later (429).
    RateLimited,
    /// A storage backend failed; retry later (503).
    Unavailable,
    /// A bug on our side (500).
    Internal,
}

impl ErrorCode {
    /// The code as it appears on the wire, e.g. `"invalid_field"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MalformedJson => "malformed_json",
            Self::InvalidField => "invalid_field",
            Self::BadRequest => "bad_request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::Conflict => "conflict",
            Self::PreconditionFailed => "precondition_failed",
            Self::PreconditionRequired => "precondition_required",
            Self::RateLimited => "rate_limited",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
        }
    }
}

impl ErrorBody {
    /// Builds `{"error":{"code":…,"message":…}}`.
    pub fn new(code: ErrorCode, message: impl Into<String>, field: Option<String>) -> Self {
        Self { error: ErrorDetail { code, message: message.into(), field } }
    }
}
