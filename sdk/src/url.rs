//! URLs as they leave the browser: `http(s)` only, no fragment (OAuth puts tokens there), no
//! credential-like query parameters, cut to the schema's length limit. Also the few URL facts the
//! tracker needs (host, path globs); UTM parameters are read in JS (`URLSearchParams`).
//!
//! Plain string work on purpose: the browser's `URL` object would mean one more import and a JS
//! round trip per part, and these rules are easier to test natively.

use alloc::string::String;

use pulsegate_schema::is_web_url;
use pulsegate_schema::limits::{self, truncate};

use crate::text::{any_entry, cut, cut_last, fields, until};

/// Query parameters removed from every URL the tracker sends (names compared case-insensitively),
/// one word each (a text, not a table of slices: smaller in the wasm). `data-strip-params` adds
/// more.
pub(crate) const SENSITIVE_PARAMS: &str = "access_token api_key apikey auth authorization code \
     email id_token jwt key otp pass password passwd phone pwd refresh_token secret session \
     sessionid sid signature ssn token";

/// `url` fit to send: `None` unless it is an `http(s)` URL; the fragment dropped (kept only for
/// `#/route` fragments when `hash_routing` is on, and then without its own parameters' secrets);
/// sensitive query parameters removed; at most [`limits::MAX_URL_LEN`] bytes.
///
/// ```text
/// https://shop.example/cb?code=x&plan=pro#access_token=y  →  https://shop.example/cb?plan=pro
/// ```
pub(crate) fn clean(url: &str, extra: &str, hash_routing: bool) -> Option<String> {
    if !is_web_url(url) {
        return None;
    }
    let (main, fragment) = cut(url, b'#');
    let mut out = String::with_capacity(url.len());
    push_without_secrets(&mut out, main, extra);
    if hash_routing && (fragment.starts_with('/') || fragment.starts_with("!/")) {
        out.push('#');
        push_without_secrets(&mut out, fragment, extra);
    }
    truncate(&mut out, limits::MAX_URL_LEN);
    Some(out)
}

/// Appends `part` (a path with an optional `?query`) minus the sensitive parameters.
fn push_without_secrets(out: &mut String, part: &str, extra: &str) {
    let (path, query) = cut(part, b'?');
    out.push_str(path);
    let mut first = true;
    for pair in fields(query, b'&').filter(|p| !p.is_empty()) {
        let name = cut(pair, b'=').0;
        if is_sensitive(name, extra) {
            continue;
        }
        out.push(if first { '?' } else { '&' });
        out.push_str(pair);
        first = false;
    }
}

fn is_sensitive(name: &str, extra: &str) -> bool {
    let name = name.to_ascii_lowercase();
    fields(SENSITIVE_PARAMS, b' ').any(|word| word == name) || any_entry(extra, &mut |e| e == name)
}

/// The host (with port) of an `http(s)` URL: `https://a.example:8443/x` → `a.example:8443`,
/// lower-cased, without user info.
pub(crate) fn host(url: &str) -> Option<String> {
    let rest = crate::text::after(url, "://")?;
    let authority = until(rest, |b| matches!(b, b'/' | b'?' | b'#'));
    let host = cut_last(authority, b'@').1;
    Some(host.to_ascii_lowercase())
}

/// Whether `path` (`location.pathname`) matches the glob `pattern`: `*` stands for any run of
/// characters within one path segment, `**` for any run across segments; everything else is
/// literal. `/blog/*` matches `/blog/a` but not `/blog/a/b`; `/docs/**` matches both.
///
/// Dynamic programming over (pattern token, path prefix), so a hostile path costs
/// `O(pattern × path)` time, never exponential backtracking.
pub(crate) fn glob_matches(pattern: &str, path: &str) -> bool {
    let path = path.as_bytes();
    // matched[j]: the pattern so far matches `path[..j]`.
    let mut matched = alloc::vec![false; path.len() + 1];
    matched[0] = true;
    let mut rest = pattern.as_bytes();
    while let Some((&token, after)) = rest.split_first() {
        let double = token == b'*' && after.first() == Some(&b'*');
        rest = if double { after.get(1..).unwrap_or_default() } else { after };
        // `before`: the old matched[j - 1]; `now`: the new matched[j - 1].
        let (mut before, mut now) = (false, false);
        for (j, slot) in matched.iter_mut().enumerate() {
            let byte = j.checked_sub(1).and_then(|k| path.get(k));
            let old = *slot;
            now = match token {
                b'*' if double => old || now,
                b'*' => old || (now && byte != Some(&b'/')),
                _ => before && byte == Some(&token),
            };
            before = old;
            *slot = now;
        }
    }
    matched.last() == Some(&true)
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {

    use super::*;

    fn clean_default(url: &str) -> Option<String> {
        clean(url, "", false)
    }

    #[test]
    fn fragments_and_secrets_are_removed() {
        assert_eq!(
            clean_default("https://shop.example/cb?code=x&plan=pro#access_token=y").as_deref(),
            Some("https://shop.example/cb?plan=pro")
        );
        assert_eq!(
            clean_default("https://a.example/?EMAIL=a%40b.c&Token=1&q=2").as_deref(),
            Some("https://a.example/?q=2")
        );
        assert_eq!(
            clean_default("https://a.example/p?token").as_deref(),
            Some("https://a.example/p")
        );
        assert_eq!(clean_default("https://a.example/p?").as_deref(), Some("https://a.example/p"));
        assert_eq!(
            clean_default("http://a.example/p?a=1&&b=2").as_deref(),
            Some("http://a.example/p?a=1&b=2")
        );
        assert_eq!(
            clean("https://a.example/?ref=x&q=1", "ref", false).as_deref(),
            Some("https://a.example/?q=1")
        );
    }

    #[test]
    fn every_listed_parameter_is_removed_and_only_whole_names() {
        let listed = [
            "access_token",
            "api_key",
            "apikey",
            "auth",
            "authorization",
            "code",
            "email",
            "id_token",
            "jwt",
            "key",
            "otp",
            "pass",
            "password",
            "passwd",
            "phone",
            "pwd",
            "refresh_token",
            "secret",
            "session",
            "sessionid",
            "sid",
            "signature",
            "ssn",
            "token",
        ];
        for name in listed {
            let url = alloc::format!("https://a.example/?{name}=1&q=2");
            assert_eq!(clean_default(&url).as_deref(), Some("https://a.example/?q=2"), "{name}");
        }
        for kept in ["tokens", "acc", "access", "_token", "code_", "key%20key"] {
            let url = alloc::format!("https://a.example/?{kept}=1");
            assert_eq!(clean_default(&url).as_deref(), Some(url.as_str()), "{kept}");
        }
    }

    #[test]
    fn only_web_urls_pass() {
        for bad in ["mailto:a@b.c", "tel:+1", "javascript:alert(1)", "data:text/html,x", "", "/x"] {
            assert_eq!(clean_default(bad), None, "{bad}");
        }
    }

    #[test]
    fn hash_routes_survive_when_asked() {
        let url = "https://app.example/#/orders/7?token=t&tab=2";
        assert_eq!(clean_default(url).as_deref(), Some("https://app.example/"));
        assert_eq!(clean(url, "", true).as_deref(), Some("https://app.example/#/orders/7?tab=2"));
        // A fragment that is not a route is still dropped.
        assert_eq!(
            clean("https://a.example/#access_token=x", "", true).as_deref(),
            Some("https://a.example/")
        );
    }

    #[test]
    fn long_urls_are_cut() {
        let url = format!("https://a.example/{}", "é".repeat(3000));
        let out = clean_default(&url).unwrap();
        assert!(out.len() <= limits::MAX_URL_LEN);
        assert!(url.starts_with(&out));
    }

    #[test]
    fn hosts() {
        assert_eq!(host("https://A.example:8443/x?y#z").as_deref(), Some("a.example:8443"));
        assert_eq!(host("http://u:p@b.example").as_deref(), Some("b.example"));
        assert_eq!(host("https://c.example?x").as_deref(), Some("c.example"));
        assert_eq!(host("mailto:x"), None);
    }

    #[test]
    fn globs() {
        assert!(glob_matches("/admin", "/admin"));
        assert!(!glob_matches("/admin", "/admin/x"));
        assert!(glob_matches("/blog/*", "/blog/post"));
        assert!(!glob_matches("/blog/*", "/blog/a/b"));
        assert!(glob_matches("/docs/**", "/docs/a/b/c"));
        assert!(glob_matches("/docs/**", "/docs/"));
        assert!(glob_matches("/*/settings", "/team/settings"));
        assert!(!glob_matches("/*/settings", "/a/b/settings"));
        assert!(glob_matches("/**/settings", "/a/b/settings"));
        assert!(glob_matches("/how-to-*", "/how-to-install"));
        assert!(glob_matches("/*", "/"));
        assert!(!glob_matches("*", "/"));
        assert!(!glob_matches("/*", "/a/b"));
        assert!(glob_matches("**", "/a/b"));
        assert!(!glob_matches("/a", "/b"));
        assert!(glob_matches("/a*b*c", "/axxbyyc"));
        assert!(!glob_matches("/a*b*c", "/axxbyy"));
    }
}
