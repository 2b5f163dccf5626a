//! The one error type every handler returns, mapped to a code, an HTTP status and a JSON body here.

use pulsegate_schema::{ErrorBody, ErrorCode, Invalid};

/// Shown to clients when a storage binding fails; the detail goes to the log only.
pub(crate) const STORAGE_UNAVAILABLE: &str = "storage is temporarily unavailable; retry later";

/// Everything that can make a request fail. Each variant has exactly one [`ErrorCode`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ApiError {
    /// The body is not JSON: `{"events": [` (400 `malformed_json`).
    MalformedJson(String),
    /// A field is missing, unknown, of the wrong type or out of range (400 `invalid_field`).
    InvalidField { field: String, message: String },
    /// Wrong in a way no single field explains, e.g. an unreadable `Content-Length` (400).
    BadRequest(String),
    /// No route for this path (404).
    NotFound,
    /// The path exists, the method does not; `allow` becomes the `Allow` header (405).
    MethodNotAllowed { allow: String },
    /// The body exceeds the endpoint's limit of `limit` bytes (413).
    PayloadTooLarge { limit: usize },
    /// The `Content-Type` is neither JSON nor text (415).
    UnsupportedMediaType(String),
    /// A binding failed or a resource is missing. `message` is public, `detail` is only logged (503).
    Unavailable { message: &'static str, detail: String },
    /// A bug on our side, such as a response that could not be built; the detail is only logged (500).
    Internal(String),
}

impl ApiError {
    /// A storage failure: a generic message for the client, `what` and `err` for the log.
    pub(crate) fn storage(what: &str, err: impl core::fmt::Display) -> Self {
        Self::Unavailable { message: STORAGE_UNAVAILABLE, detail: format!("{what}: {err}") }
    }

    /// The stable code clients switch on.
    pub(crate) fn code(&self) -> ErrorCode {
        match self {
            Self::MalformedJson(_) => ErrorCode::MalformedJson,
            Self::InvalidField { .. } => ErrorCode::InvalidField,
            Self::BadRequest(_) => ErrorCode::BadRequest,
            Self::NotFound => ErrorCode::NotFound,
            Self::MethodNotAllowed { .. } => ErrorCode::MethodNotAllowed,
            Self::PayloadTooLarge { .. } => ErrorCode::PayloadTooLarge,
            Self::UnsupportedMediaType(_) => ErrorCode::UnsupportedMediaType,
            Self::Unavailable { .. } => ErrorCode::Unavailable,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The HTTP status for this error.
    pub(crate) fn status(&self) -> u16 {
        status_of(self.code())
    }

    /// The JSON body: `{"error":{"code":…,"message":…,"field":…}}`.
    pub(crate) fn body(&self) -> ErrorBody {
        let (message, field) = match self {
            Self::MalformedJson(m) | Self::BadRequest(m) => (m.clone(), None),
            Self::InvalidField { field, message } => (message.clone(), Some(field.clone())),
            Self::NotFound => ("no such route".to_owned(), None),
            Self::MethodNotAllowed { allow } => (format!("method not allowed; use {allow}"), None),
            Self::PayloadTooLarge { limit } => {
                (format!("body must be at most {limit} bytes"), None)
            }
            Self::UnsupportedMediaType(got) => (
                format!(
                    "content type {got:?} is not supported; send application/json or text/plain"
                ),
                None,
            ),
            Self::Unavailable { message, .. } => ((*message).to_owned(), None),
            Self::Internal(_) => ("internal error".to_owned(), None),
        };
        ErrorBody::new(self.code(), message, field)
    }

    /// What the log should say beyond the public body (storage details), if anything.
    pub(crate) fn detail(&self) -> Option<&str> {
        match self {
            Self::Unavailable { detail, .. } | Self::Internal(detail) => Some(detail),
            _ => None,
        }
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        Self::InvalidField { field: invalid.field, message: invalid.reason }
    }
}

/// The single mapping from error code to HTTP status.
pub(crate) fn status_of(code: ErrorCode) -> u16 {
    match code {
        ErrorCode::MalformedJson | ErrorCode::InvalidField | ErrorCode::BadRequest => 400,
        ErrorCode::Unauthorized => 401,
        ErrorCode::Forbidden => 403,
        ErrorCode::NotFound => 404,
        ErrorCode::MethodNotAllowed => 405,
        ErrorCode::PayloadTooLarge => 413,
        ErrorCode::UnsupportedMediaType => 415,
        ErrorCode::RateLimited => 429,
        ErrorCode::Internal => 500,
        ErrorCode::Unavailable => 503,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_the_status_the_protocol_promises() {
        let expected = [
            (ErrorCode::MalformedJson, 400),
            (ErrorCode::InvalidField, 400),
            (ErrorCode::BadRequest, 400),
            (ErrorCode::Unauthorized, 401),
            (ErrorCode::Forbidden, 403),
            (ErrorCode::NotFound, 404),
            (ErrorCode::MethodNotAllowed, 405),
            (ErrorCode::PayloadTooLarge, 413),
            (ErrorCode::UnsupportedMediaType, 415),
            (ErrorCode::RateLimited, 429),
            (ErrorCode::Internal, 500),
            (ErrorCode::Unavailable, 503),
        ];
        for (code, status) in expected {
            assert_eq!(status_of(code), status, "{code:?}");
        }
    }

    #[test]
    fn invalid_field_body_names_the_field() {
        let err = ApiError::from(Invalid {
            field: "events[0].url".to_owned(),
            reason: "must be at most 2048 bytes".to_owned(),
        });
        assert_eq!(err.status(), 400);
        assert_eq!(
            serde_json::to_string(&err.body()).unwrap(),
            r#"{"error":{"code":"invalid_field","message":"must be at most 2048 bytes","field":"events[0].url"}}"#
        );
    }

    #[test]
    fn storage_errors_hide_their_detail() {
        let err = ApiError::storage("d1 insert sessions", "D1_ERROR: no such table: sessions");
        assert_eq!(err.status(), 503);
        let body = serde_json::to_string(&err.body()).unwrap();
        assert!(!body.contains("no such table"), "{body}");
        assert_eq!(err.detail(), Some("d1 insert sessions: D1_ERROR: no such table: sessions"));
    }

    #[test]
    fn method_not_allowed_lists_the_methods() {
        let err = ApiError::MethodNotAllowed { allow: "POST, OPTIONS".to_owned() };
        assert_eq!(err.status(), 405);
        assert_eq!(err.body().error.message, "method not allowed; use POST, OPTIONS");
    }
}
