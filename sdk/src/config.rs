//! Reads the loader's `{ siteKey, endpoint }` object into a validated [`Config`].
//!
//! The properties are read with `Reflect` rather than serde-wasm-bindgen's deserializer, which
//! links serde's error messages and with them float formatting: dropping it (here and for the
//! stored session) took 19 KB gzip off an early build of this crate.

use pulsegate_schema::SiteKey;
use wasm_bindgen::JsValue;

use crate::js::property;

/// A config the tracker can run with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Config {
    /// `data-site-key`, checked with [`SiteKey::parse`].
    pub(crate) site_key: SiteKey,
    /// Ingest origin (or origin and path prefix) without a trailing slash, e.g.
    /// `https://pulsegate.example`.
    pub(crate) endpoint: String,
}

impl Config {
    /// Reads the loader's object; `None` when it is not an object or a field is unusable (the
    /// loader logs why under `data-debug`).
    pub(crate) fn from_js(value: &JsValue) -> Option<Self> {
        let site_key = property(value, "siteKey").as_string()?;
        let endpoint = property(value, "endpoint").as_string()?;
        Self::new(&site_key, &endpoint)
    }

    /// Validates a site key and an endpoint.
    pub(crate) fn new(site_key: &str, endpoint: &str) -> Option<Self> {
        let site_key = SiteKey::parse(site_key.trim_ascii()).ok()?;
        let endpoint = normalize_endpoint(endpoint)?;
        Some(Self { site_key, endpoint })
    }

    /// `{endpoint}{path}`, e.g. `https://pulsegate.example/track/events/batch`.
    pub(crate) fn url(&self, path: &str) -> String {
        let mut url = String::with_capacity(self.endpoint.len() + path.len());
        url.push_str(&self.endpoint);
        url.push_str(path);
        url
    }
}

/// Accepts an absolute `http(s)://` URL without query, fragment, backslash or whitespace and drops
/// trailing slashes: `"https://a.example/"` → `"https://a.example"`.
///
/// ASCII-only trimming on purpose: Unicode-aware `trim` links Unicode tables into the wasm.
pub(crate) fn normalize_endpoint(endpoint: &str) -> Option<String> {
    let mut endpoint = endpoint.trim_ascii();
    while let Some(shorter) = endpoint.strip_suffix('/') {
        endpoint = shorter;
    }
    let rest = endpoint.strip_prefix("https://").or_else(|| endpoint.strip_prefix("http://"))?;
    let ok = !rest.is_empty()
        && !rest.starts_with('/')
        && !rest.bytes().any(|b| b <= b' ' || b == b'?' || b == b'#' || b == b'\\');
    ok.then(|| endpoint.to_owned())
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;

    #[test]
    fn endpoint_is_normalized() {
        assert_eq!(normalize_endpoint("https://a.example/").as_deref(), Some("https://a.example"));
        assert_eq!(
            normalize_endpoint(" http://127.0.0.1:8787 ").as_deref(),
            Some("http://127.0.0.1:8787")
        );
        assert_eq!(
            normalize_endpoint("https://a.example/pg//").as_deref(),
            Some("https://a.example/pg")
        );
        assert_eq!(normalize_endpoint("https://"), None);
        assert_eq!(normalize_endpoint("https:///x"), None);
        assert_eq!(normalize_endpoint("//a.example"), None);
        assert_eq!(normalize_endpoint("javascript:alert(1)"), None);
        assert_eq!(normalize_endpoint("https://a.example/?x"), None);
        assert_eq!(normalize_endpoint("https://a.example/#x"), None);
        assert_eq!(normalize_endpoint("https://a b.example"), None);
        assert_eq!(normalize_endpoint(""), None);
    }

    #[test]
    fn config_validates_site_key_and_builds_urls() {
        let c = Config::new(" demo ", "https://a.example/").unwrap();
        assert_eq!(c.site_key.as_str(), "demo");
        assert_eq!(c.url("/track/events/batch"), "https://a.example/track/events/batch");
        assert!(Config::new("bad key", "https://a.example").is_none());
        assert!(Config::new("", "https://a.example").is_none());
        assert!(Config::new("demo", "ftp://a.example").is_none());
    }
}
