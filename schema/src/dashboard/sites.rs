//! Sites and their allowed domains: which site keys exist and which pages may use them.

use crate::prelude::*;

use core::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::validate::{Invalid, Validate, invalid, name};
use crate::{SiteKey, UnixMillis};

/// Longest site name, in bytes.
pub(crate) const MAX_SITE_NAME_LEN: usize = 128;
/// Most domains one site may list.
pub(crate) const MAX_SITE_DOMAINS: usize = 50;
/// Longest IANA time-zone name, in bytes.
pub(crate) const MAX_TIMEZONE_LEN: usize = 64;

/// A site as the admin API shows it.
///
/// ```json
/// { "site_key": "demo", "name": "Brightside Solar", "timezone": "Europe/Berlin",
///   "domains": ["brightside.example", "*.brightside.example"],
///   "created_at": 1764097200000, "updated_at": 1764097200000 }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// The public key in the script tag (`data-site-key`). Example: `"demo"`.
    pub site_key: SiteKey,
    /// Example: `"Brightside Solar"`.
    pub name: String,
    /// IANA time zone the site reports in (day and hour buckets). Example: `"Europe/Berlin"`.
    pub timezone: String,
    /// Where the tag and forms may run: exact hosts (with an optional port) or `*.` wildcards.
    /// Empty means anywhere. Example: `["brightside.example", "*.brightside.example"]`.
    pub domains: Vec<DomainPattern>,
    /// Server ms. Example: `1764097200000`.
    pub created_at: UnixMillis,
    /// Server ms. Example: `1764097200000`.
    pub updated_at: UnixMillis,
}

/// `POST /analytics/sites` (admin): register a site.
///
/// ```json
/// { "site_key": "demo", "name": "Brightside Solar", "timezone": "Europe/Berlin", "domains": ["brightside.example"] }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSite {
    /// Example: `"demo"`.
    pub site_key: SiteKey,
    /// Example: `"Brightside Solar"`.
    pub name: String,
    /// Absent means `"UTC"`. Example: `"Europe/Berlin"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Example: `["brightside.example"]`.
    #[serde(default)]
    pub domains: Vec<DomainPattern>,
}

/// `PUT /analytics/sites/{site_key}` (admin): replace a site's name, time zone and domains.
///
/// ```json
/// { "name": "Brightside Solar", "timezone": "UTC", "domains": ["brightside.example", "127.0.0.1:8080"] }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteUpdate {
    /// Example: `"Brightside Solar"`.
    pub name: String,
    /// Absent means `"UTC"`. Example: `"UTC"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Example: `["brightside.example"]`.
    #[serde(default)]
    pub domains: Vec<DomainPattern>,
}

/// `GET /analytics/sites`.
///
/// ```json
/// { "sites": [ { "site_key": "demo", "name": "Brightside Solar", "timezone": "UTC", "domains": [], "created_at": 1, "updated_at": 1 } ] }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteList {
    /// By site key.
    pub sites: Vec<Site>,
}

/// An allowed domain: an exact host (`shop.example`, `127.0.0.1:8080`) or every subdomain of one
/// (`*.shop.example`, which does not match `shop.example` itself). Lower case, no scheme or path;
/// without a port it matches any port. Internationalised names go in their `xn--` form.
///
/// JSON: `"*.brightside.example"`
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct DomainPattern(String);

impl DomainPattern {
    /// Checks and normalises (lower case, trimmed) a pattern.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim().to_ascii_lowercase();
        if s.contains("://") || s.contains('/') {
            return Err(format!(
                "{raw:?} must be a host such as shop.example, without scheme or path"
            ));
        }
        let (wildcard, rest) = match s.strip_prefix("*.") {
            Some(rest) => (true, rest),
            None => (false, s.as_str()),
        };
        let (host, port) = split_port(rest);
        if let Some(port) = port
            && !port.parse::<u16>().is_ok_and(|p| p > 0)
        {
            return Err(format!("{raw:?} has an invalid port"));
        }
        if !is_host(host) {
            return Err(format!(
                "{raw:?} is not a host name (letters, digits, '-' and '.'; use the xn-- form for non-ASCII)"
            ));
        }
        if wildcard && (host.split('.').count() < 2 || is_ipv4(host)) {
            return Err(format!("{raw:?}: a wildcard needs a domain of two labels or more"));
        }
        Ok(Self(s))
    }

    /// The pattern as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `host` (`shop.example` or `shop.example:8443`, as in an `Origin`) is allowed.
    pub fn matches(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        let (have_host, have_port) = split_port(&host);
        let (wildcard, rest) = match self.0.strip_prefix("*.") {
            Some(rest) => (true, rest),
            None => (false, self.0.as_str()),
        };
        let (want_host, want_port) = split_port(rest);
        if want_port.is_some() && want_port != have_port {
            return false;
        }
        if wildcard {
            have_host.len() > want_host.len() + 1
                && have_host.ends_with(want_host)
                && have_host.as_bytes()[have_host.len() - want_host.len() - 1] == b'.'
        } else {
            have_host == want_host
        }
    }
}

impl fmt::Display for DomainPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DomainPattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The host and port of an `Origin` header (`https://shop.example:8443` → `shop.example:8443`);
/// `None` for `null`, other schemes or anything with a path.
///
/// ```
/// use pulsegate_schema::origin_host;
/// assert_eq!(origin_host("https://Shop.Example:8443"), Some("Shop.Example:8443"));
/// assert_eq!(origin_host("null"), None);
/// ```
pub fn origin_host(origin: &str) -> Option<&str> {
    let origin = origin.trim();
    let rest = ["https://", "http://"].iter().find_map(|scheme| {
        origin.get(..scheme.len()).filter(|s| s.eq_ignore_ascii_case(scheme))?;
        Some(&origin[scheme.len()..])
    })?;
    (!rest.is_empty() && !rest.contains(['/', '?', '#', '@'])).then_some(rest)
}

/// Whether `host` (as from [`origin_host`]) is allowed by `domains`; an empty list allows all.
pub fn domain_allowed(domains: &[DomainPattern], host: &str) -> bool {
    domains.is_empty() || domains.iter().any(|d| d.matches(host))
}

fn split_port(s: &str) -> (&str, Option<&str>) {
    match s.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (s, None),
    }
}

fn is_ipv4(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
}

fn is_host(host: &str) -> bool {
    if host.is_empty() || host.len() > 253 {
        return false;
    }
    is_ipv4(host)
        || host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// An IANA time-zone name's shape (`Europe/Berlin`, `UTC`, `Etc/GMT+5`); whether the zone exists
/// is checked by the worker against the runtime's time-zone data.
pub fn is_timezone_name(tz: &str) -> bool {
    !tz.is_empty()
        && tz.len() <= MAX_TIMEZONE_LEN
        && !tz.starts_with('/')
        && !tz.ends_with('/')
        && !tz.contains("..")
        && tz.bytes().all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b))
}

fn check_site(
    prefix: &str,
    site_name: &str,
    timezone: Option<&String>,
    domains: &[DomainPattern],
) -> Result<(), Invalid> {
    name(prefix, "name", site_name.trim(), MAX_SITE_NAME_LEN)?;
    if let Some(tz) = timezone
        && !is_timezone_name(tz)
    {
        return Err(invalid(prefix, "timezone", "must be an IANA time zone such as Europe/Berlin"));
    }
    if domains.len() > MAX_SITE_DOMAINS {
        return Err(invalid(
            prefix,
            "domains",
            format!("must have at most {MAX_SITE_DOMAINS} entries"),
        ));
    }
    for (i, domain) in domains.iter().enumerate() {
        if domains[..i].contains(domain) {
            return Err(invalid(
                prefix,
                &format!("domains[{i}]"),
                format!("{domain} is listed twice"),
            ));
        }
    }
    Ok(())
}

impl Validate for NewSite {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        check_site(prefix, &self.name, self.timezone.as_ref(), &self.domains)
    }
}

impl Validate for SiteUpdate {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        check_site(prefix, &self.name, self.timezone.as_ref(), &self.domains)
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;

    use super::*;

    fn p(s: &str) -> DomainPattern {
        DomainPattern::parse(s).unwrap()
    }

    #[test]
    fn patterns_parse_and_normalise() {
        assert_eq!(p(" Shop.Example ").as_str(), "shop.example");
        assert_eq!(p("127.0.0.1:8080").as_str(), "127.0.0.1:8080");
        assert_eq!(p("*.shop.example").as_str(), "*.shop.example");
        assert_eq!(p("localhost").as_str(), "localhost");
        assert_eq!(p("xn--bcher-kva.example").as_str(), "xn--bcher-kva.example");
        for bad in [
            "",
            "https://shop.example",
            "shop.example/path",
            "*.com",
            "*.*.shop.example",
            "shop.*.example",
            "shop..example",
            "-shop.example",
            "shop.example:0",
            "shop.example:99999",
            "bücher.example",
            "shop example",
            "*.10.0.0.1",
        ] {
            assert!(DomainPattern::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn exact_hosts_and_ports() {
        assert!(p("shop.example").matches("shop.example"));
        assert!(p("shop.example").matches("SHOP.example:8443"));
        assert!(!p("shop.example").matches("www.shop.example"));
        assert!(!p("shop.example").matches("shop.example.evil"));
        assert!(p("127.0.0.1:8080").matches("127.0.0.1:8080"));
        assert!(!p("127.0.0.1:8080").matches("127.0.0.1:8081"));
        assert!(!p("127.0.0.1:8080").matches("127.0.0.1"));
    }

    #[test]
    fn wildcards_match_subdomains_only() {
        let w = p("*.shop.example");
        assert!(w.matches("www.shop.example"));
        assert!(w.matches("a.b.shop.example:443"));
        assert!(!w.matches("shop.example"));
        assert!(!w.matches("evilshop.example"));
        assert!(!w.matches("shop.example.evil"));
    }

    #[test]
    fn origins() {
        assert_eq!(origin_host("https://shop.example"), Some("shop.example"));
        assert_eq!(origin_host("http://127.0.0.1:8080"), Some("127.0.0.1:8080"));
        assert_eq!(origin_host("null"), None);
        assert_eq!(origin_host("file://"), None);
        assert_eq!(origin_host("https://shop.example/x"), None);
        assert_eq!(origin_host("https://user@shop.example"), None);
        assert!(domain_allowed(&[], "anything.example"));
        assert!(domain_allowed(&[p("a.example"), p("*.b.example")], "x.b.example"));
        assert!(!domain_allowed(&[p("a.example")], "b.example"));
    }

    #[test]
    fn sites_are_checked() {
        let site: NewSite = serde_json::from_str(
            r#"{"site_key":"demo","name":"Demo","timezone":"Europe/Berlin","domains":["a.example"]}"#,
        )
        .unwrap();
        assert_eq!(site.validate(), Ok(()));
        let err = serde_json::from_str::<NewSite>(
            r#"{"site_key":"demo","name":"D","domains":["https://a.example"]}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("without scheme"), "{err}");
        let dup = SiteUpdate {
            name: "D".into(),
            timezone: None,
            domains: vec![p("a.example"), p("A.example")],
        };
        assert_eq!(dup.validate().unwrap_err().field, "domains[1]");
        let tz = SiteUpdate { name: "D".into(), timezone: Some("../etc".into()), domains: vec![] };
        assert_eq!(tz.validate().unwrap_err().field, "timezone");
        assert!(is_timezone_name("America/Argentina/Buenos_Aires"));
        assert!(is_timezone_name("Etc/GMT+5"));
        assert!(!is_timezone_name("Europe/Berlin; DROP"));
    }
}
