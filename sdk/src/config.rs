//! The tracker's settings: read from the object the loader builds out of the script tag's
//! `data-*` attributes (or `PulseGate.init(options)`), validated, with documented defaults.
//!
//! The loader hands over plain values (strings, booleans, numbers: see `sdk/js/loader.js`), so no
//! number is ever parsed from text here (float parsing alone would add kilobytes of wasm).

use alloc::borrow::ToOwned;
use alloc::string::String;
use core::mem::ManuallyDrop;

use pulsegate_schema::{ConsentTier, SiteKey};
use wasm_bindgen::JsValue;

pub(crate) use crate::text::any_entry;

use crate::js::{flag, host_num, is_false, text_or_empty};

/// Events queued before a flush is forced (`data-flush-at`, `flushAt`).
pub(crate) const DEFAULT_FLUSH_AT: usize = 50;
/// The longest an event waits before it is sent, in ms (`data-flush-interval`, `flushInterval`).
pub(crate) const DEFAULT_FLUSH_INTERVAL_MS: u32 = 5_000;

/// A config the tracker can run with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Config {
    /// `data-site-key`, checked with [`SiteKey::parse`].
    pub(crate) site_key: SiteKey,
    /// Ingest origin (or origin and path prefix, for a proxy) without a trailing slash.
    pub(crate) endpoint: String,
    /// Pageviews, clicks, scroll, engagement, forms and errors are captured automatically
    /// (`data-auto-track="false"` leaves only the API calls).
    pub(crate) auto_track: bool,
    /// Honour Do Not Track (`data-respect-dnt="false"` ignores it; Global Privacy Control is
    /// always honoured).
    pub(crate) respect_dnt: bool,
    /// Hostnames the tracker may run on (`data-domains`); none means any. `*.example.com`
    /// allows every subdomain of `example.com`. Like the other lists, kept as the text it came
    /// in, lower-cased, and read by [`entries`].
    pub(crate) domains: String,
    /// Path globs whose pages are not tracked automatically (`data-exclude-paths`).
    pub(crate) exclude_paths: String,
    /// The tier to start with when the visitor has not chosen one (`data-consent`).
    pub(crate) consent: StartTier,
    /// Query parameters removed from every URL besides the built-in list (`data-strip-params`).
    pub(crate) strip_params: String,
    /// Keep `#/route`-style fragments, for hash-routed single-page apps (`data-hash-routing`).
    pub(crate) hash_routing: bool,
    /// Flush when this many events wait (1 to 200).
    pub(crate) flush_at: usize,
    /// Flush at the latest this long after an event was queued, in ms (250 to 60,000).
    pub(crate) flush_interval_ms: u32,
    /// Log to the console why a call was ignored (`data-debug`).
    pub(crate) debug: bool,
}

/// How a page starts before any `PulseGate.consent(...)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StartTier {
    /// A tier granted up front: `data-consent="analytics"` (the default), `"marketing"` or
    /// `"count"`.
    Granted(ConsentTier),
    /// `data-consent="pending"`: count without storing anything until the visitor chooses.
    Pending,
}

impl Config {
    /// Reads the loader's object; `None` when the site key or endpoint is unusable.
    pub(crate) fn from_js(value: &JsValue) -> Option<Self> {
        // The texts read only to be parsed are not dropped (once per page; no drop on each way
        // out).
        let text = |key| ManuallyDrop::new(text_or_empty(value, key));
        let site_key = ManuallyDrop::new(SiteKey::parse(text("siteKey").trim_ascii()).ok()?);
        let endpoint = normalize_endpoint(&text("endpoint"))?;
        let list = |key| {
            let mut list = text_or_empty(value, key);
            list.make_ascii_lowercase();
            list
        };
        Some(Self {
            site_key: ManuallyDrop::into_inner(site_key),
            endpoint,
            auto_track: !is_false(value, "autoTrack"),
            respect_dnt: !is_false(value, "respectDnt"),
            domains: list("domains"),
            exclude_paths: list("excludePaths"),
            consent: start_tier(&text("consent")),
            strip_params: list("stripParams"),
            hash_routing: flag(value, "hashRouting"),
            flush_at: clamp(host_num(value, "flushAt"), 1, 200, DEFAULT_FLUSH_AT as u32) as usize,
            flush_interval_ms: clamp(
                host_num(value, "flushInterval"),
                250,
                60_000,
                DEFAULT_FLUSH_INTERVAL_MS,
            ),
            debug: flag(value, "debug"),
        })
    }

    /// `{endpoint}{path}`, e.g. `https://pulsegate.example/track/events/batch`.
    pub(crate) fn url(&self, path: &str) -> String {
        let mut url = String::with_capacity(self.endpoint.len() + path.len());
        url.push_str(&self.endpoint);
        url.push_str(path);
        url
    }

    /// Whether the page's `hostname` is allowed by `data-domains`.
    pub(crate) fn allows_host(&self, hostname: &str) -> bool {
        !any_entry(&self.domains, &mut |_| true)
            || any_entry(&self.domains, &mut |d| host_matches(d, hostname))
    }
}

/// `pending` → [`StartTier::Pending`]; a tier name → that tier; anything else (or nothing: `""`)
/// → `analytics`, the default for a site that installed the tag.
pub(crate) fn start_tier(value: &str) -> StartTier {
    match value.trim_ascii() {
        "pending" => StartTier::Pending,
        "count" => StartTier::Granted(ConsentTier::Count),
        "marketing" => StartTier::Granted(ConsentTier::Marketing),
        _ => StartTier::Granted(ConsentTier::Analytics),
    }
}

/// A whole number within `[min, max]`, or `default` when absent or not a number (`NaN`, as
/// `js::host_num` reads it) or not finite.
fn clamp(value: f64, min: u32, max: u32, default: u32) -> u32 {
    if value.is_finite() {
        // `as` saturates below 0 and above `u32::MAX`.
        (value as u32).clamp(min, max)
    } else {
        default
    }
}

/// `example.com` matches only `example.com`; `*.example.com` matches `example.com` and any
/// subdomain of it. Case-insensitive (`pattern` is lower-cased already).
pub(crate) fn host_matches(pattern: &str, hostname: &str) -> bool {
    let hostname = hostname.to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        Some(base) => {
            hostname == base
                || hostname
                    .strip_suffix(base)
                    .is_some_and(|sub| sub.as_bytes().last() == Some(&b'.'))
        }
        None => hostname == pattern,
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
    fn lists_split_on_commas_and_spaces() {
        let entries = crate::text::entries;
        assert_eq!(entries(" a.example, b.example\tc "), ["a.example", "b.example", "c"]);
        assert_eq!(entries("é,ß\n,\r\x0c日本"), ["é", "ß", "日本"]);
        assert!(entries(" , ").is_empty() && entries("").is_empty());
    }

    #[test]
    fn hosts_match_exactly_or_by_wildcard() {
        assert!(host_matches("shop.example", "shop.example"));
        assert!(host_matches("shop.example", "SHOP.example"));
        assert!(!host_matches("shop.example", "www.shop.example"));
        assert!(host_matches("*.shop.example", "shop.example"));
        assert!(host_matches("*.shop.example", "www.shop.example"));
        assert!(host_matches("*.shop.example", "a.b.shop.example"));
        assert!(!host_matches("*.shop.example", "evilshop.example"));
        assert!(!host_matches("*.shop.example", "shop.example.evil"));
    }

    #[test]
    fn numbers_are_clamped() {
        assert_eq!(clamp(f64::NAN, 1, 200, 50), 50, "absent or not a number");
        assert_eq!(clamp(f64::INFINITY, 1, 200, 50), 50);
        assert_eq!(clamp(0.0, 1, 200, 50), 1);
        assert_eq!(clamp(1e9, 1, 200, 50), 200);
        assert_eq!(clamp(-5.0, 250, 60_000, 5_000), 250);
        assert_eq!(clamp(1500.7, 250, 60_000, 5_000), 1500);
    }

    #[test]
    fn consent_attribute() {
        assert_eq!(start_tier(""), StartTier::Granted(ConsentTier::Analytics));
        assert_eq!(start_tier(" pending "), StartTier::Pending);
        assert_eq!(start_tier("count"), StartTier::Granted(ConsentTier::Count));
        assert_eq!(start_tier("marketing"), StartTier::Granted(ConsentTier::Marketing));
        assert_eq!(start_tier("bogus"), StartTier::Granted(ConsentTier::Analytics));
    }
}
