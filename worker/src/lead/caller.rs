//! Who submits a lead or reads a form: a server with an integration key (`X-API-Key: pgi_…` or
//! `Authorization: Bearer pgi_…`), or a browser on one of the site's domains (its `Origin`, else
//! the origin of its `Referer`: some browsers omit `Origin` on same-origin requests).

use pulsegate_schema::{DomainPattern, domain_allowed, origin_host};

/// How a request authenticates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Claim {
    /// An integration key (not checked yet).
    Key(String),
    /// A page's origin (`https://shop.example`), not checked yet.
    Page(String),
    /// Neither: `401`.
    Nothing,
}

/// What the request claims to be, from its headers.
pub(crate) fn claim(key: Option<String>, origin: Option<&str>, referer: Option<&str>) -> Claim {
    if let Some(key) = key {
        return Claim::Key(key);
    }
    let origin = origin.map(str::trim).filter(|o| !o.is_empty());
    match origin.map(str::to_owned).or_else(|| referer.and_then(origin_of_url)) {
        Some(origin) => Claim::Page(origin),
        None => Claim::Nothing,
    }
}

/// The origin of a URL: `https://shop.example:8443/quote?x#y` → `https://shop.example:8443`.
pub(crate) fn origin_of_url(url: &str) -> Option<String> {
    let url = url.trim();
    let scheme_end = url.find("://")?;
    let rest = &url[scheme_end + 3..];
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let origin = &url[..scheme_end + 3 + host_end];
    origin_host(origin).map(|_| origin.to_owned())
}

/// Whether a page at `origin` may use a form of a site with `domains` (none: anywhere). An origin
/// that is not `http(s)://host[:port]` (`null` from a sandboxed frame or a file) never may.
pub(crate) fn page_allowed(domains: &[DomainPattern], origin: &str) -> bool {
    origin_host(origin).is_some_and(|host| domain_allowed(domains, &host.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domains(list: &[&str]) -> Vec<DomainPattern> {
        list.iter().map(|d| DomainPattern::parse(d).unwrap()).collect()
    }

    #[test]
    fn a_key_wins_then_origin_then_referer() {
        assert_eq!(
            claim(Some("pgi_x".into()), Some("https://a.example"), None),
            Claim::Key("pgi_x".into())
        );
        assert_eq!(
            claim(None, Some("https://a.example"), Some("https://b.example/x")),
            Claim::Page("https://a.example".into())
        );
        assert_eq!(
            claim(None, None, Some("https://b.example/quote?x=1")),
            Claim::Page("https://b.example".into())
        );
        assert_eq!(claim(None, Some(" "), None), Claim::Nothing);
        assert_eq!(claim(None, None, Some("not a url")), Claim::Nothing);
        assert_eq!(claim(None, None, None), Claim::Nothing);
    }

    #[test]
    fn origins_of_urls() {
        assert_eq!(
            origin_of_url("https://Shop.example:8443/q?x#y").as_deref(),
            Some("https://Shop.example:8443")
        );
        assert_eq!(
            origin_of_url("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(origin_of_url("https://user@evil.example/"), None);
        assert_eq!(origin_of_url("file:///etc/passwd"), None);
        assert_eq!(origin_of_url("javascript:alert(1)"), None);
    }

    #[test]
    fn pages_on_listed_domains_only() {
        let d = domains(&["shop.example", "*.shop.example", "127.0.0.1:8080"]);
        assert!(page_allowed(&d, "https://shop.example"));
        assert!(page_allowed(&d, "https://WWW.Shop.Example"));
        assert!(page_allowed(&d, "http://127.0.0.1:8080"));
        assert!(!page_allowed(&d, "http://127.0.0.1:8081"));
        assert!(!page_allowed(&d, "https://evil.example"));
        assert!(!page_allowed(&d, "https://shop.example.evil.example"));
        assert!(!page_allowed(&d, "null"));
        assert!(page_allowed(&[], "https://anywhere.example"));
        assert!(!page_allowed(&[], "null"));
    }
}
