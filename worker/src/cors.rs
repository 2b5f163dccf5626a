//! CORS: the ingest endpoints are called from any site, the dashboard API (`/analytics/*`,
//! `/replay/*`) from any dashboard origin. Both use no cookies (the API authenticates with a
//! header), so `*` is safe, and no preflight needs auth.

/// Paths answered with `Access-Control-Allow-Origin: *` on every response, errors included.
pub(crate) fn is_public(path: &str) -> bool {
    path.starts_with("/track/") || path.starts_with("/analytics/") || path.starts_with("/replay/")
}

pub(crate) const ALLOW_ORIGIN: &str = "Access-Control-Allow-Origin";
pub(crate) const ANY_ORIGIN: &str = "*";
/// Response headers a page's, a lead form's or a dashboard's script on another origin may read:
/// the SDK honours `Retry-After` on 429 and 503 (a cross-origin `fetch` sees it only when it is
/// exposed); forms read `Idempotent-Replayed`; the dashboard reads the rest.
pub(crate) const EXPOSE_HEADERS: &str =
    "x-request-id, Retry-After, ETag, Server-Timing, Content-Disposition, Idempotent-Replayed";

/// Paths answered with CORS for the checked page's origin only (lead forms): their answers and
/// caches vary by `Origin`.
pub(crate) fn varies_by_origin(path: &str) -> bool {
    matches!(path, "/forms/config" | "/lead.capture" | "/lead" | "/")
}

/// Headers of a `204` preflight answer for a path that allows `allow_methods`.
pub(crate) fn preflight_headers(allow_methods: &str) -> [(&'static str, String); 4] {
    [
        (ALLOW_ORIGIN, ANY_ORIGIN.to_owned()),
        ("Access-Control-Allow-Methods", allow_methods.to_owned()),
        (
            "Access-Control-Allow-Headers",
            "Content-Type, Authorization, X-API-Key, If-Match, Accept, Idempotency-Key".to_owned(),
        ),
        ("Access-Control-Max-Age", "86400".to_owned()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn track_and_analytics_paths_are_public() {
        assert!(is_public("/track/session/start"));
        assert!(is_public("/track/nope"));
        assert!(is_public("/analytics/overview"));
        assert!(is_public("/replay/sessions"));
        assert!(!is_public("/replay"));
        assert!(!is_public("/tracker.js"));
        assert!(!is_public("/health"));
    }

    #[test]
    fn retry_after_is_readable_across_origins() {
        assert!(EXPOSE_HEADERS.split(", ").any(|h| h.eq_ignore_ascii_case("retry-after")));
    }

    #[test]
    fn preflight_allows_the_sdk_and_dashboard_headers_for_a_day() {
        let headers = preflight_headers("POST, OPTIONS");
        assert!(headers.contains(&("Access-Control-Allow-Methods", "POST, OPTIONS".to_owned())));
        assert!(headers.contains(&("Access-Control-Max-Age", "86400".to_owned())));
        assert!(headers.contains(&(ALLOW_ORIGIN, "*".to_owned())));
        let allowed =
            &headers.iter().find(|(n, _)| *n == "Access-Control-Allow-Headers").unwrap().1;
        for h in ["Authorization", "X-API-Key", "If-Match", "Content-Type", "Idempotency-Key"] {
            assert!(allowed.contains(h), "{h}");
        }
    }
}
