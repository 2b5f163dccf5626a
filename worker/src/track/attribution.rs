//! Where a session came from: the landing path, the referring host (unless it is the same
//! site), the UTM parameters, and the key that counts unique visitors.

use pulsegate_schema::{Utm, limits};
use sha2::{Digest, Sha256};

use crate::ip_hash::hex;

/// The authority of an `http(s)` URL: `https://user@Shop.Example:8443/x` → `shop.example`.
pub(crate) fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split_once(']').map(|(h, _)| h)?
    } else {
        host_port.split(':').next()?
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

/// The path of an `http(s)` URL, without query or fragment: `https://a.example/p/q?x#y` → `/p/q`.
pub(crate) fn path_of(url: &str) -> String {
    let Some((_, rest)) = url.split_once("://") else { return "/".to_owned() };
    let after_host = rest.find(['/', '?', '#']).map_or("", |i| &rest[i..]);
    let path = after_host.split(['?', '#']).next().unwrap_or_default();
    if path.is_empty() { "/".to_owned() } else { path.to_owned() }
}

/// `shop.example` and `www.shop.example` (or `blog.shop.example`) are one site: one host is the
/// other, or ends with `.` + the other, after dropping a leading `www.`.
pub(crate) fn same_site(a: &str, b: &str) -> bool {
    let a = a.strip_prefix("www.").unwrap_or(a);
    let b = b.strip_prefix("www.").unwrap_or(b);
    a == b || a.ends_with(&format!(".{b}")) || b.ends_with(&format!(".{a}"))
}

/// The referrer's host, or `None` when there is no referrer or it is the landing page's own site
/// (an internal navigation is not a source).
pub(crate) fn referrer_host(referrer: Option<&str>, landing_url: &str) -> Option<String> {
    let host = host_of(referrer?)?;
    match host_of(landing_url) {
        Some(landing) if same_site(&host, &landing) => None,
        _ => Some(host),
    }
}

/// The `utm_*` parameters of `url`'s query, percent-decoded and cut to the schema's limit. Used
/// when a client sent no `utm` object of its own.
pub(crate) fn utm_from_url(url: &str) -> Utm {
    let mut utm = Utm::default();
    let Some(query) = url.split_once('?').map(|(_, q)| q.split('#').next().unwrap_or_default())
    else {
        return utm;
    };
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let slot = match name {
            "utm_source" => &mut utm.source,
            "utm_medium" => &mut utm.medium,
            "utm_campaign" => &mut utm.campaign,
            "utm_term" => &mut utm.term,
            "utm_content" => &mut utm.content,
            _ => continue,
        };
        let mut value = percent_decode(value);
        limits::truncate(&mut value, limits::MAX_TEXT_LEN);
        if slot.is_none() && !value.is_empty() {
            *slot = Some(value);
        }
    }
    utm
}

/// `a%20b+c` → `a b c`; invalid escapes stay as they are, invalid UTF-8 becomes U+FFFD.
fn percent_decode(s: &str) -> String {
    let hex = |b: u8| char::from(b).to_digit(16).map(|d| d as u8);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Counts unique visitors: the persistent `visitor_id` when consent allows one, else a hash that
/// changes every UTC day (`sha256(salt:day:site:ip:user-agent)`, as cookieless analytics do), so
/// a visitor without consent is counted once a day and cannot be followed across days.
pub(crate) fn visitor_key(
    visitor_id: Option<&str>,
    salt: Option<&str>,
    day: &str,
    site_key: &str,
    ip: Option<&str>,
    user_agent: Option<&str>,
) -> Option<String> {
    if let Some(id) = visitor_id {
        return Some(id.to_owned());
    }
    let salt = salt.filter(|s| !s.is_empty())?;
    let ip = ip.filter(|s| !s.is_empty())?;
    let mut h = Sha256::new();
    for part in [salt, day, site_key, ip, user_agent.unwrap_or_default()] {
        h.update(part.as_bytes());
        h.update(b":");
    }
    Some(format!("d:{}", &hex(&h.finalize())[..32]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(host_of("https://Shop.Example/pricing").as_deref(), Some("shop.example"));
        assert_eq!(host_of("https://u:p@shop.example:8443?x").as_deref(), Some("shop.example"));
        assert_eq!(host_of("http://[2001:db8::1]:8080/").as_deref(), Some("2001:db8::1"));
        assert_eq!(host_of("https://shop.example./").as_deref(), Some("shop.example"));
        assert_eq!(host_of("https://#x"), None);
        assert_eq!(host_of("not a url"), None);
    }

    #[test]
    fn paths_drop_query_and_fragment() {
        assert_eq!(path_of("https://a.example"), "/");
        assert_eq!(path_of("https://a.example?x=1"), "/");
        assert_eq!(path_of("https://a.example/#top"), "/");
        assert_eq!(path_of("https://a.example/p/q?x=1#y"), "/p/q");
        assert_eq!(path_of("https://a.example/%3Cx%3E"), "/%3Cx%3E");
    }

    #[test]
    fn internal_referrers_are_not_sources() {
        let landing = "https://www.shop.example/pricing";
        assert_eq!(referrer_host(Some("https://shop.example/"), landing), None);
        assert_eq!(referrer_host(Some("https://blog.shop.example/post"), landing), None);
        assert_eq!(
            referrer_host(Some("https://www.Search.example/?q=x"), landing).as_deref(),
            Some("www.search.example")
        );
        assert_eq!(referrer_host(None, landing), None);
        // A suffix is not a subdomain.
        assert_eq!(
            referrer_host(Some("https://notshop.example/"), "https://shop.example/").as_deref(),
            Some("notshop.example")
        );
    }

    #[test]
    fn utm_parameters_are_decoded() {
        let utm = utm_from_url(
            "https://a.example/?utm_source=news%20letter&utm_medium=e+mail&utm_campaign=%E2%82%AC&x=1&utm_term=&utm_content=a%zz#utm_source=no",
        );
        assert_eq!(utm.source.as_deref(), Some("news letter"));
        assert_eq!(utm.medium.as_deref(), Some("e mail"));
        assert_eq!(utm.campaign.as_deref(), Some("€"));
        assert_eq!(utm.term, None);
        assert_eq!(utm.content.as_deref(), Some("a%zz"));
        assert!(utm_from_url("https://a.example/").is_empty());
        assert_eq!(utm_from_url("https://a.example/?utm_source=%").source.as_deref(), Some("%"));
        assert_eq!(
            utm_from_url("https://a.example/?utm_source=%é%e2%82").source.as_deref(),
            Some("%é\u{FFFD}")
        );
        let long = utm_from_url(&format!("https://a.example/?utm_term={}", "x".repeat(999)));
        assert_eq!(long.term.map(|t| t.len()), Some(limits::MAX_TEXT_LEN));
    }

    #[test]
    fn visitor_keys() {
        assert_eq!(
            visitor_key(
                Some("5d5d5d5d-5d5d-45d5-9d5d-5d5d5d5d5d5d"),
                None,
                "2025-11-25",
                "s",
                None,
                None
            )
            .as_deref(),
            Some("5d5d5d5d-5d5d-45d5-9d5d-5d5d5d5d5d5d")
        );
        let day1 =
            visitor_key(None, Some("salt"), "2025-11-25", "s", Some("203.0.113.7"), Some("UA"));
        let day2 =
            visitor_key(None, Some("salt"), "2025-11-26", "s", Some("203.0.113.7"), Some("UA"));
        assert!(day1.as_deref().is_some_and(|k| k.starts_with("d:") && k.len() == 34));
        assert_ne!(day1, day2, "the key changes every day");
        assert_eq!(
            day1,
            visitor_key(None, Some("salt"), "2025-11-25", "s", Some("203.0.113.7"), Some("UA"))
        );
        assert_eq!(visitor_key(None, None, "2025-11-25", "s", Some("203.0.113.7"), None), None);
        assert!(!day1.unwrap().contains("203.0"));
    }
}
