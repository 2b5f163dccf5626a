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
    /// The body stream broke while it was read (400). The runtime's error text is only logged.
    UnreadableBody { detail: String },
    /// No or wrong credentials (401, with `WWW-Authenticate: Bearer`). The message says which.
    Unauthorized(&'static str),
    /// Valid credentials that may not do this (403). The message says what is refused.
    Forbidden(String),
    /// No route for this path (404).
    NotFound,
    /// The resource named in the path does not exist (404). `what` names it, e.g. `"site"`.
    NoSuch { what: &'static str },
    /// The path exists, the method does not; `allow` becomes the `Allow` header (405).
    MethodNotAllowed { allow: String },
    /// The body exceeds the endpoint's limit of `limit` bytes (413).
    PayloadTooLarge { limit: usize },
    /// The `Content-Type` is neither JSON nor text (415).
    UnsupportedMediaType(String),
    /// The resource exists already or conflicts with the request (409).
    Conflict(String),
    /// `If-Match` named another version than the current one (412).
    PreconditionFailed(String),
    /// A write that must be conditional came without `If-Match` (428).
    PreconditionRequired(String),
    /// Too many requests from this client; retry after `retry_after_s` seconds (429, with
    /// `Retry-After`).
    RateLimited { retry_after_s: u32 },
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
            Self::BadRequest(_) | Self::UnreadableBody { .. } => ErrorCode::BadRequest,
            Self::Unauthorized(_) => ErrorCode::Unauthorized,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::NotFound | Self::NoSuch { .. } => ErrorCode::NotFound,
            Self::MethodNotAllowed { .. } => ErrorCode::MethodNotAllowed,
            Self::PayloadTooLarge { .. } => ErrorCode::PayloadTooLarge,
            Self::UnsupportedMediaType(_) => ErrorCode::UnsupportedMediaType,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::PreconditionFailed(_) => ErrorCode::PreconditionFailed,
            Self::PreconditionRequired(_) => ErrorCode::PreconditionRequired,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::Unavailable { .. } => ErrorCode::Unavailable,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The HTTP status for this error.
    pub(crate) fn status(&self) -> u16 {
        status_of(self.code())
    }

    /// The JSON body: `{"error":{"code":…,"message":…,"field":…}}`. Client input quoted in the
    /// message or field is capped (`crate::echo`), so neither the body nor the log line it feeds
    /// grows with a hostile request.
    pub(crate) fn body(&self) -> ErrorBody {
        let mut body = self.raw_body();
        body.error.message = crate::echo::cap_message(&body.error.message);
        body.error.field = body.error.field.as_deref().map(crate::echo::cap_path);
        body
    }

    fn raw_body(&self) -> ErrorBody {
        let (message, field) = match self {
            Self::MalformedJson(m)
            | Self::BadRequest(m)
            | Self::Forbidden(m)
            | Self::Conflict(m)
            | Self::PreconditionFailed(m)
            | Self::PreconditionRequired(m) => (m.clone(), None),
            Self::Unauthorized(m) => ((*m).to_owned(), None),
            Self::UnreadableBody { .. } => ("the request body could not be read".to_owned(), None),
            Self::InvalidField { field, message } => (message.clone(), Some(field.clone())),
            Self::NotFound => ("no such route".to_owned(), None),
            Self::NoSuch { what } => (format!("no such {what}"), None),
            Self::RateLimited { retry_after_s } => {
                (format!("too many requests; retry after {retry_after_s} s"), None)
            }
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

    /// Headers this error's response must carry: `Allow` (405), `WWW-Authenticate` (401),
    /// `Retry-After` (429).
    pub(crate) fn headers(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::MethodNotAllowed { allow } => vec![("Allow", allow.clone())],
            Self::Unauthorized(_) => vec![("WWW-Authenticate", "Bearer".to_owned())],
            Self::RateLimited { retry_after_s } => {
                vec![("Retry-After", retry_after_s.to_string())]
            }
            _ => Vec::new(),
        }
    }

    /// What the log should say beyond the public body (storage details), if anything.
    pub(crate) fn detail(&self) -> Option<&str> {
        match self {
            Self::Unavailable { detail, .. }
            | Self::Internal(detail)
            | Self::UnreadableBody { detail } => Some(detail),
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
        ErrorCode::Conflict => 409,
        ErrorCode::PreconditionFailed => 412,
        ErrorCode::PreconditionRequired => 428,
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
            (ErrorCode::Conflict, 409),
            (ErrorCode::PreconditionFailed, 412),
            (ErrorCode::PreconditionRequired, 428),
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
    fn auth_and_rate_limit_errors_carry_their_headers() {
        let unauthorized = ApiError::Unauthorized("missing API key");
        assert_eq!(unauthorized.status(), 401);
        assert_eq!(unauthorized.headers(), vec![("WWW-Authenticate", "Bearer".to_owned())]);
        let limited = ApiError::RateLimited { retry_after_s: 17 };
        assert_eq!(limited.status(), 429);
        assert_eq!(limited.headers(), vec![("Retry-After", "17".to_owned())]);
        assert_eq!(ApiError::Forbidden("x".to_owned()).status(), 403);
        assert_eq!(ApiError::PreconditionFailed("x".to_owned()).status(), 412);
        assert_eq!(ApiError::PreconditionRequired("x".to_owned()).status(), 428);
        assert_eq!(ApiError::Conflict("x".to_owned()).status(), 409);
        assert_eq!(ApiError::NoSuch { what: "site" }.body().error.message, "no such site");
    }

    #[test]
    fn echoed_input_is_capped_in_body_and_field() {
        let key = "k".repeat(5_000);
        let err = ApiError::InvalidField {
            field: format!("events[0].props.{key}"),
            message: format!("unknown field `{key}`, expected `ts`"),
        };
        let body = err.body().error;
        assert!(body.message.len() < 100, "{}", body.message);
        assert!(body.field.as_deref().is_some_and(|f| f.len() < 100));
        let media = ApiError::UnsupportedMediaType("x".repeat(5_000)).body().error.message;
        assert!(media.len() < 200, "{media}");
    }

    #[test]
    fn runtime_errors_reading_the_body_stay_in_the_log() {
        let err =
            ApiError::UnreadableBody { detail: "TypeError: stream errored: ECONNRESET".into() };
        assert_eq!(err.status(), 400);
        let body = serde_json::to_string(&err.body()).unwrap();
        assert!(!body.contains("ECONNRESET"), "{body}");
        assert_eq!(err.detail(), Some("TypeError: stream errored: ECONNRESET"));
    }

    #[test]
    fn method_not_allowed_lists_the_methods() {
        let err = ApiError::MethodNotAllowed { allow: "POST, OPTIONS".to_owned() };
        assert_eq!(err.status(), 405);
        assert_eq!(err.body().error.message, "method not allowed; use POST, OPTIONS");
    }
}
