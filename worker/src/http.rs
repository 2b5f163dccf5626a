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

/// Longest piece of client input echoed back in a message or a log line, in bytes.
pub(crate) const MAX_ECHO_LEN: usize = 64;

/// `input` as it may be echoed: at most [`MAX_ECHO_LEN`] bytes, with `…` when cut.
pub(crate) fn capped(input: &str) -> String {
    let mut s = input.to_owned();
    if s.len() > MAX_ECHO_LEN {
        pulsegate_schema::limits::truncate(&mut s, MAX_ECHO_LEN);
        s.push('…');
    }
    s
}

/// The answer to a query parameter a route does not read (a typo is an error, never a silently
/// ignored filter): `400 invalid_field` naming it and listing the ones the route takes.
pub(crate) fn unknown_param(name: &str, takes: &[&str]) -> ApiError {
    ApiError::InvalidField {
        field: capped(name),
        message: format!("is not a parameter here (use {})", takes.join(", ")),
    }
}

/// Refuses a parameter outside `takes` (a route's whole list, `format` included where the
/// router reads it).
pub(crate) fn check_params(pairs: &[(String, String)], takes: &[&str]) -> Result<(), ApiError> {
    match pairs.iter().find(|(name, _)| !takes.contains(&name.as_str())) {
        Some((name, _)) => Err(unknown_param(name, takes)),
        None => Ok(()),
    }
}

/// The query string of a serialized URL: `https://x/health?deep=1#f` → `deep=1`.
pub(crate) fn query_of(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once('?')?;
    Some(rest.split_once('#').map_or(rest, |(query, _)| query))
}

/// The decoded `name=value` pairs of the request's query string (read from the raw URL: parsing
/// it with the `url` crate would add its IDNA tables to the wasm).
pub(crate) fn query_pairs(req: &Request) -> Vec<(String, String)> {
    let url = req.inner().url();
    query_of(&url)
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoed_input_is_capped() {
        assert_eq!(capped("short"), "short");
        let long = "é".repeat(40);
        let cut = capped(&long);
        assert!(cut.ends_with('…'));
        assert!(cut.len() <= MAX_ECHO_LEN + '…'.len_utf8());
    }

    #[test]
    fn query_strings() {
        assert_eq!(query_of("https://w.example/health?deep=1"), Some("deep=1"));
        assert_eq!(query_of("https://w.example/health?deep=1#top"), Some("deep=1"));
        assert_eq!(query_of("https://w.example/health"), None);
        assert_eq!(query_of("https://w.example/health?"), Some(""));
    }
}
