//! API-key authentication and page-based authorization for every protected route.
//!
//! A key arrives as `Authorization: Bearer <key>` or `X-API-Key: <key>`. It is, in this order:
//! the admin key (the `ANALYTICS_API_KEY` secret), the legacy marketing key (the optional
//! `ANALYTICS_MARKETING_API_KEY` secret) or a dashboard-generated marketing key (`pgm_…`, looked
//! up by its SHA-256 in `MarketingApiKeys`). Secrets are compared in constant time. Without an
//! `ANALYTICS_API_KEY` admin access is off, never open. `OPTIONS` never reaches this module.

use pulsegate_schema::{DashboardPage, KeyRef, MarketingKey, Role, UnixMillis};
use worker::{Context, Env, Request};

use crate::bindings;
use crate::cache;
use crate::db::Db;
use crate::error::ApiError;
use crate::http::header;
use crate::secrets::{self, MARKETING_PREFIX};
use crate::store::{api_keys, settings};

/// What a route requires, from the route table in [`crate::router`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// Anyone; no key is read.
    Public,
    /// Any valid key, whatever its pages.
    AnyKey,
    /// The admin key, or a marketing key granted this page (never one of the admin pages).
    Page(DashboardPage),
}

/// Who is calling, once authenticated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Principal {
    pub(crate) role: Role,
    /// The generated key used, if it is one.
    pub(crate) key: Option<KeyRef>,
    /// The pages this key may open.
    pub(crate) pages: Vec<DashboardPage>,
    /// Whether everything it receives has its emails and phone numbers masked.
    pub(crate) mask_pii: bool,
}

impl Principal {
    fn admin() -> Self {
        Self { role: Role::Admin, key: None, pages: DashboardPage::ALL.to_vec(), mask_pii: false }
    }

    /// Whether this principal may use a route with `access`.
    pub(crate) fn may(&self, access: Access) -> bool {
        match access {
            Access::Public | Access::AnyKey => true,
            Access::Page(page) => {
                self.role == Role::Admin
                    || (page.grantable_to_marketing() && self.pages.contains(&page))
            }
        }
    }
}

pub(crate) const MISSING: &str =
    "missing API key: send Authorization: Bearer <key> or X-API-Key: <key>";
pub(crate) const INVALID: &str = "invalid API key";
pub(crate) const REVOKED: &str = "this API key has been revoked";
pub(crate) const ADMIN_OFF: &str =
    "invalid API key; admin access is off because the ANALYTICS_API_KEY secret is not set";
pub(crate) const SCHEME: &str = "unsupported Authorization scheme: use Bearer";
pub(crate) const TWO_KEYS: &str = "Authorization and X-API-Key carry different keys: send one";

/// The key the request presents, if any.
pub(crate) fn presented_key(
    authorization: Option<&str>,
    x_api_key: Option<&str>,
) -> Result<Option<String>, ApiError> {
    let bearer = match authorization.map(str::trim).filter(|a| !a.is_empty()) {
        None => None,
        Some(value) => {
            let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
            if !scheme.eq_ignore_ascii_case("bearer") {
                return Err(ApiError::Unauthorized(SCHEME));
            }
            Some(token.trim().to_owned()).filter(|t| !t.is_empty())
        }
    };
    let api_key = x_api_key.map(str::trim).filter(|k| !k.is_empty()).map(str::to_owned);
    match (bearer, api_key) {
        (Some(a), Some(b)) if !secrets::secrets_equal(&a, &b) => {
            Err(ApiError::Unauthorized(TWO_KEYS))
        }
        (Some(a), _) => Ok(Some(a)),
        (None, b) => Ok(b),
    }
}

/// A configured secret: present and not empty.
fn configured(env: &Env, name: &str) -> Option<String> {
    env.secret(name).ok().map(|s| s.to_string()).filter(|s| !s.is_empty())
}

/// Whether `ANALYTICS_API_KEY` is set (for the health report).
pub(crate) fn admin_configured(env: &Env) -> bool {
    configured(env, bindings::ANALYTICS_API_KEY).is_some()
}

thread_local! {
    /// Generated keys by hash, trusted for 10 s (a revocation made in another isolate takes
    /// effect within that time; in the same isolate at once).
    static KEYS: cache::Map<MarketingKey> = const { cache::Map::new(512) };
    static ADMIN_OFF_LOGGED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

const KEY_CACHE_TTL_MS: u64 = 10_000;

/// Forgets cached generated keys (after a revocation or a change of pages).
pub(crate) fn forget_keys() {
    KEYS.with(cache::Map::clear);
}

/// Authenticates the request: `401` without a valid key.
pub(crate) async fn authenticate(
    req: &Request,
    env: &Env,
    ctx: &Context,
    db: &Db,
    now: UnixMillis,
) -> Result<Principal, ApiError> {
    let presented = presented_key(
        header(req, "authorization").as_deref(),
        header(req, "x-api-key").as_deref(),
    )?
    .ok_or(ApiError::Unauthorized(MISSING))?;

    let admin = configured(env, bindings::ANALYTICS_API_KEY);
    match &admin {
        Some(admin) if secrets::secrets_equal(&presented, admin) => return Ok(Principal::admin()),
        Some(_) => {}
        None => log_admin_off_once(),
    }
    let invalid = if admin.is_some() { INVALID } else { ADMIN_OFF };

    if let Some(legacy) = configured(env, bindings::ANALYTICS_MARKETING_API_KEY)
        && secrets::secrets_equal(&presented, &legacy)
    {
        let stored = settings::current(db, now).await?;
        let s = stored.settings();
        return Ok(Principal {
            role: Role::Marketing,
            key: None,
            pages: s.marketing_pages.clone(),
            mask_pii: s.mask_pii_for_marketing,
        });
    }

    if !secrets::is_well_formed(MARKETING_PREFIX, &presented) {
        return Err(ApiError::Unauthorized(invalid));
    }
    let hash = secrets::hash_key(&presented);
    let key = match KEYS.with(|k| k.get(&hash, now)) {
        Some(key) => key,
        None => {
            let Some(key) = api_keys::find_marketing_by_hash(db, &hash).await? else {
                return Err(ApiError::Unauthorized(invalid));
            };
            KEYS.with(|k| k.put(hash.clone(), key.clone(), now, KEY_CACHE_TTL_MS));
            key
        }
    };
    if key.revoked_at.is_some() {
        return Err(ApiError::Unauthorized(REVOKED));
    }
    if api_keys::needs_touch(key.last_used_at, now) {
        record_use(env, ctx, hash, &key, now);
    }
    let stored = settings::current(db, now).await?;
    let s = stored.settings();
    Ok(Principal {
        role: Role::Marketing,
        key: Some(KeyRef { id: key.id, name: key.name.clone() }),
        pages: key.pages.resolve(&s.marketing_pages).to_vec(),
        mask_pii: s.mask_pii_for_marketing,
    })
}

/// Writes `LastUsedAt` after the response (at most once a minute per key).
fn record_use(env: &Env, ctx: &Context, hash: String, key: &MarketingKey, now: UnixMillis) {
    let mut touched = key.clone();
    touched.last_used_at = Some(now);
    KEYS.with(|k| k.put(hash, touched, now, KEY_CACHE_TTL_MS));
    let env = env.clone();
    let query = api_keys::touch_query("MarketingApiKeys", &key.id, now);
    ctx.wait_until(async move {
        let result = match Db::open(&env) {
            Ok(db) => db.run("touch MarketingApiKeys", &query).await.map(drop),
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            crate::log::emit(
                crate::log::Level::Warn,
                &serde_json::json!({ "level": "warn", "auth": "could not record key use", "detail": e.detail() }),
            );
        }
    });
}

fn log_admin_off_once() {
    if !ADMIN_OFF_LOGGED.with(|l| l.replace(true)) {
        crate::log::emit(
            crate::log::Level::Error,
            &serde_json::json!({ "level": "error", "auth": "ANALYTICS_API_KEY is not set: admin access is off" }),
        );
    }
}

/// `403` unless the principal may use a route with `access`.
pub(crate) fn authorize(principal: &Principal, access: Access) -> Result<(), ApiError> {
    if principal.may(access) {
        return Ok(());
    }
    let page = match access {
        Access::Page(page) => page,
        Access::Public | Access::AnyKey => return Ok(()),
    };
    Err(ApiError::Forbidden(if page.grantable_to_marketing() {
        format!("this key may not open the {page} page")
    } else {
        format!("the {page} page needs the admin key")
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_from_either_header() {
        assert_eq!(presented_key(Some("Bearer abc"), None), Ok(Some("abc".to_owned())));
        assert_eq!(presented_key(Some("bearer   abc  "), None), Ok(Some("abc".to_owned())));
        assert_eq!(presented_key(None, Some(" abc ")), Ok(Some("abc".to_owned())));
        assert_eq!(presented_key(Some("Bearer abc"), Some("abc")), Ok(Some("abc".to_owned())));
        assert_eq!(presented_key(None, None), Ok(None));
        assert_eq!(presented_key(Some(""), Some("")), Ok(None));
        assert_eq!(presented_key(Some("Bearer"), None), Ok(None));
        assert_eq!(presented_key(Some("Basic YWJj"), None), Err(ApiError::Unauthorized(SCHEME)));
        assert_eq!(
            presented_key(Some("Bearer a"), Some("b")),
            Err(ApiError::Unauthorized(TWO_KEYS))
        );
    }

    #[test]
    fn pages_decide_for_marketing_and_never_for_admin() {
        let admin = Principal::admin();
        let marketing = Principal {
            role: Role::Marketing,
            key: None,
            pages: vec![DashboardPage::Overview],
            mask_pii: true,
        };
        for page in DashboardPage::ALL {
            assert!(admin.may(Access::Page(page)));
            assert_eq!(
                marketing.may(Access::Page(page)),
                page == DashboardPage::Overview,
                "{page}"
            );
        }
        assert!(marketing.may(Access::AnyKey));
        assert_eq!(
            authorize(&marketing, Access::Page(DashboardPage::Sessions)).unwrap_err().status(),
            403
        );
        let err = authorize(&marketing, Access::Page(DashboardPage::Keys)).unwrap_err();
        assert_eq!(err.body().error.message, "the keys page needs the admin key");
    }

    #[test]
    fn a_marketing_key_listing_an_admin_page_still_cannot_open_it() {
        // Validation keeps admin pages out of marketing lists; the check does not rely on it.
        let odd = Principal {
            role: Role::Marketing,
            key: None,
            pages: vec![DashboardPage::Settings, DashboardPage::Keys, DashboardPage::Sites],
            mask_pii: true,
        };
        for page in [DashboardPage::Settings, DashboardPage::Keys, DashboardPage::Sites] {
            assert!(!odd.may(Access::Page(page)), "{page}");
        }
    }
}
