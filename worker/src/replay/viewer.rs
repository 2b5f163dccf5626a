//! `GET /replay`: the replay viewer, one self-contained HTML page (`viewer.html` with
//! rrweb-player's script and stylesheet from npm inlined by `build.rs`; no CDN). It asks for the
//! API key (kept in `sessionStorage`), lists recorded sessions with filters, and plays one with
//! its facts, scores and timeline markers beside it.

use worker::Response;

use crate::error::ApiError;

/// The page, built by `build.rs` (a notice page when rrweb-player was not installed).
const PAGE: &str = include_str!(concat!(env!("OUT_DIR"), "/replay_viewer.html"));

/// Whether the build found rrweb-player.
pub(crate) const HAS_PLAYER: bool = include!(concat!(env!("OUT_DIR"), "/replay_viewer_ok.rs"));

/// Only this page's own inline code runs; recorded pages' images and fonts load from anywhere.
const CSP: &str = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline' *; img-src * data: blob:; font-src * data:; media-src * blob:; connect-src 'self'; frame-src 'self' about: blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub(crate) fn get() -> Result<Response, ApiError> {
    let resp = Response::from_html(PAGE)
        .map_err(crate::http::internal)?
        .with_status(if HAS_PLAYER { 200 } else { 503 });
    crate::http::with_headers(
        resp,
        [
            ("content-security-policy", CSP),
            ("cache-control", "no-cache"),
            ("x-content-type-options", "nosniff"),
            ("referrer-policy", "no-referrer"),
        ],
    )
}
