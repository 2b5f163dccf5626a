//! CORS for the public ingest and SDK endpoints: any site may call them and no preflight needs auth.

/// Paths answered with `Access-Control-Allow-Origin: *` on every response, errors included.
pub(crate) fn is_public(path: &str) -> bool {
    path.starts_with("/track/")
}

pub(crate) const ALLOW_ORIGIN: &str = "Access-Control-Allow-Origin";
/// Response headers a page's script may read on `/track/*` answers: the SDK honours `Retry-After`
/// on 429 and 503, which a cross-origin `fetch` only sees when it is exposed.
pub(crate) const EXPOSE_HEADERS: &str = "x-request-id, Retry-After";
pub(crate) const ANY_ORIGIN: &str = "*";

/// Headers of a `204` preflight answer for a path that allows `allow_methods`.
pub(crate) fn preflight_headers(allow_methods: &str) -> [(&'static str, String); 4] {
    [
        (ALLOW_ORIGIN, ANY_ORIGIN.to_owned()),
        ("Access-Control-Allow-Methods", allow_methods.to_owned()),
        ("Access-Control-Allow-Headers", "Content-Type, Authorization, X-API-Key".to_owned()),
        ("Access-Control-Max-Age", "86400".to_owned()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn track_paths_are_public() {
        assert!(is_public("/track/session/start"));
        assert!(is_public("/track/nope"));
        assert!(!is_public("/tracker.js"));
        assert!(!is_public("/health"));
    }

    #[test]
    fn retry_after_is_readable_across_origins() {
        assert!(EXPOSE_HEADERS.split(", ").any(|h| h.eq_ignore_ascii_case("retry-after")));
    }

    #[test]
    fn preflight_allows_the_sdk_headers_for_a_day() {
        let headers = preflight_headers("POST, OPTIONS");
        assert!(headers.contains(&("Access-Control-Allow-Methods", "POST, OPTIONS".to_owned())));
        assert!(headers.contains(&("Access-Control-Max-Age", "86400".to_owned())));
        assert!(headers.contains(&(ALLOW_ORIGIN, "*".to_owned())));
    }
}
