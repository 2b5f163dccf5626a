//! Small helpers over workers-rs requests and responses: header reads and JSON replies.

use serde::Serialize;
use worker::{Request, Response};

use crate::error::ApiError;

/// The value of header `name`, if present and readable.
pub(crate) fn header(req: &Request, name: &str) -> Option<String> {
    req.headers().get(name).ok().flatten()
}

/// A JSON response with `status`.
pub(crate) fn json<T: Serialize>(status: u16, body: &T) -> Result<Response, ApiError> {
    Ok(Response::from_json(body).map_err(internal)?.with_status(status))
}

/// Sets each `(name, value)` on `resp`.
pub(crate) fn with_headers<'a>(
    mut resp: Response,
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Response, ApiError> {
    for (name, value) in headers {
        resp.headers_mut().set(name, value).map_err(internal)?;
    }
    Ok(resp)
}

/// A failure building a response (an invalid header value): a bug, logged with its detail.
pub(crate) fn internal(err: impl core::fmt::Display) -> ApiError {
    ApiError::Internal(err.to_string())
}
