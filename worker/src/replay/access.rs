//! Who may use `/replay/*`: the admin key (`ANALYTICS_API_KEY`) as `Authorization: Bearer <key>`
//! or `X-API-Key: <key>`, compared in constant time. The page these routes belong to is `replay`;
//! marketing keys see it only where the dashboard's endpoint → page → roles table allows it, so
//! until that table is wired here a marketing key is refused with 403, never let through. With no
//! admin key configured, admin access is off (401), never open.

use sha2::{Digest, Sha256};
use worker::{Env, Request};

use crate::bindings;
use crate::error::ApiError;
use crate::http::header;

/// The dashboard page the replay routes belong to.
pub(crate) const PAGE: &str = "replay";

/// The key a request presents: `Authorization: Bearer <key>` or `X-API-Key: <key>`.
pub(crate) fn presented_key(
    authorization: Option<&str>,
    x_api_key: Option<&str>,
) -> Option<String> {
    let bearer = authorization.and_then(|v| {
        let (scheme, key) = v.trim().split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| key.trim().to_owned())
    });
    bearer.or_else(|| x_api_key.map(|k| k.trim().to_owned())).filter(|k| !k.is_empty())
}

/// Equal in time independent of where the inputs differ: SHA-256 both, compare every byte.
pub(crate) fn same_key(a: &str, b: &str) -> bool {
    let (x, y) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    x.iter().zip(y.iter()).fold(0u8, |acc, (p, q)| acc | (p ^ q)) == 0
}

/// What a presented key is, given the configured secrets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Admin,
    Marketing,
}

/// The pure decision: `Ok(role)` or the error to answer.
pub(crate) fn decide(
    presented: Option<&str>,
    admin: Option<&str>,
    marketing: Option<&str>,
) -> Result<Role, ApiError> {
    let Some(key) = presented else {
        return Err(ApiError::Unauthorized("missing API key: send Authorization: Bearer <key>"));
    };
    if admin.is_some_and(|a| !a.is_empty() && same_key(key, a)) {
        return Ok(Role::Admin);
    }
    if marketing.is_some_and(|m| !m.is_empty() && same_key(key, m)) {
        return Ok(Role::Marketing);
    }
    Err(ApiError::Unauthorized("invalid API key"))
}

/// Lets admin requests through; refuses everything else.
pub(crate) fn require(req: &Request, env: &Env) -> Result<Role, ApiError> {
    let secret = |name: &str| env.secret(name).ok().map(|s| s.to_string());
    let presented =
        presented_key(header(req, "authorization").as_deref(), header(req, "x-api-key").as_deref());
    let role = decide(
        presented.as_deref(),
        secret(bindings::ANALYTICS_API_KEY).as_deref(),
        secret(bindings::ANALYTICS_MARKETING_API_KEY).as_deref(),
    )?;
    match role {
        Role::Admin => Ok(role),
        Role::Marketing => {
            Err(ApiError::Forbidden(format!("marketing keys may not see the {PAGE} page")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_from_either_header() {
        assert_eq!(presented_key(Some("Bearer abc"), None).as_deref(), Some("abc"));
        assert_eq!(presented_key(Some("bearer  abc "), None).as_deref(), Some("abc"));
        assert_eq!(presented_key(None, Some("xyz")).as_deref(), Some("xyz"));
        assert_eq!(presented_key(Some("Basic abc"), Some("xyz")).as_deref(), Some("xyz"));
        assert_eq!(presented_key(Some("Bearer"), None), None);
        assert_eq!(presented_key(None, Some("  ")), None);
    }

    #[test]
    fn the_role_matrix() {
        let admin = Some("admin-key");
        let mkt = Some("mkt-key");
        assert_eq!(decide(Some("admin-key"), admin, mkt), Ok(Role::Admin));
        assert_eq!(decide(Some("mkt-key"), admin, mkt), Ok(Role::Marketing));
        assert_eq!(decide(Some("admin-ke"), admin, mkt).unwrap_err().status(), 401);
        assert_eq!(decide(None, admin, mkt).unwrap_err().status(), 401);
        // No admin key configured: nothing is open.
        assert_eq!(decide(Some(""), None, None).unwrap_err().status(), 401);
        assert_eq!(decide(Some("anything"), None, None).unwrap_err().status(), 401);
        assert_eq!(decide(Some("anything"), Some(""), None).unwrap_err().status(), 401);
        let err = decide(None, admin, None).unwrap_err();
        assert_eq!(err.headers(), vec![("WWW-Authenticate", "Bearer".to_owned())]);
    }

    #[test]
    fn comparison_is_exact() {
        assert!(same_key("k", "k"));
        assert!(!same_key("k", "K"));
        assert!(!same_key("k", "k "));
    }
}
