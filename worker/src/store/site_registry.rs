//! Which site keys may open sessions, checked at `/track/session/start` without a D1 read.
//!
//! The admin API publishes a snapshot (every site key with its allowed domains, plus AppSettings'
//! `accept_unregistered_sites`) to KV after each change; session starts read it through a
//! 30-second per-isolate cache (KV itself is read with a 60-second edge cache). The isolate that
//! made a change sees it at once, others within about 90 seconds. Only when KV holds no snapshot
//! at all (a fresh install) is it rebuilt from D1, once. Event batches are not checked: they
//! carry no site key, and their session was checked when it started.

use std::collections::BTreeMap;

use pulsegate_schema::{DomainPattern, SiteKey, UnixMillis, domain_allowed, origin_host};
use serde::{Deserialize, Serialize};
use worker::Env;

use crate::bindings;
use crate::cache::Slot;
use crate::db::Db;
use crate::error::ApiError;
use crate::store::{settings, sites};

/// The KV key of the snapshot.
pub(crate) const KV_KEY: &str = "registry:sites:v1";
/// How long an isolate trusts its copy.
const ISOLATE_TTL_MS: u64 = 30_000;
/// KV's edge cache for the snapshot (its minimum is 30 s).
const KV_CACHE_TTL_S: u64 = 60;

thread_local! {
    static SNAPSHOT: Slot<Registry> = const { Slot::new() };
}

/// What ingest needs to know about sites.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Registry {
    /// AppSettings' `accept_unregistered_sites`.
    pub(crate) accept_unregistered: bool,
    /// Site key → allowed domains (empty: any).
    pub(crate) sites: BTreeMap<String, Vec<DomainPattern>>,
}

/// Why a session start is refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    Unregistered,
    Origin(String),
}

impl Registry {
    /// Whether `site` may open a session from a page whose `Origin` header is `origin`. A request
    /// without an `Origin` (a server, a test client) is not checked against the domains: the
    /// domain list stops other sites' pages from using the key, which always send one.
    pub(crate) fn admit(&self, site: &str, origin: Option<&str>) -> Result<(), Refusal> {
        let Some(domains) = self.sites.get(site) else {
            return if self.accept_unregistered { Ok(()) } else { Err(Refusal::Unregistered) };
        };
        let Some(origin) = origin else { return Ok(()) };
        match origin_host(origin) {
            Some(host) if domain_allowed(domains, host) => Ok(()),
            _ if domains.is_empty() => Ok(()),
            _ => Err(Refusal::Origin(crate::http::capped(origin))),
        }
    }
}

/// Refuses (`403`) a session start for an unregistered site key or a page on a domain the site
/// does not list.
pub(crate) async fn check_session_start(
    env: &Env,
    site: &SiteKey,
    origin: Option<&str>,
    now: UnixMillis,
) -> Result<(), ApiError> {
    let registry = current(env, now).await?;
    registry.admit(site.as_str(), origin).map_err(|refusal| match refusal {
        Refusal::Unregistered => ApiError::Forbidden(format!(
            "site key {:?} is not registered; an admin adds it under /analytics/sites",
            site.as_str()
        )),
        Refusal::Origin(origin) => ApiError::Forbidden(format!(
            "site key {:?} may not be used on {origin}; an admin adds the domain to the site",
            site.as_str()
        )),
    })
}

async fn current(env: &Env, now: UnixMillis) -> Result<Registry, ApiError> {
    if let Some(hit) = SNAPSHOT.with(|s| s.get(now)) {
        return Ok(hit);
    }
    let kv = env.kv(bindings::TRACKING_KV).map_err(|e| ApiError::storage("kv binding", e))?;
    let stored = kv
        .get(KV_KEY)
        .cache_ttl(KV_CACHE_TTL_S)
        .text()
        .await
        .map_err(|e| ApiError::storage("kv get site registry", e))?;
    let registry = match stored {
        Some(text) => serde_json::from_str::<Registry>(&text)
            .map_err(|e| ApiError::storage("decode site registry", e))?,
        None => publish(env, &Db::open(env)?, now).await?,
    };
    SNAPSHOT.with(|s| s.put(registry.clone(), now, ISOLATE_TTL_MS));
    Ok(registry)
}

/// Rebuilds the snapshot from D1 and AppSettings, writes it to KV and to this isolate's cache.
/// Called after every change to sites, domains or AppSettings.
pub(crate) async fn publish(env: &Env, db: &Db, now: UnixMillis) -> Result<Registry, ApiError> {
    let all = sites::list(db).await?;
    let accept = settings::load(db).await?.settings().accept_unregistered_sites;
    let registry = Registry {
        accept_unregistered: accept,
        sites: all.into_iter().map(|s| (s.site_key.as_str().to_owned(), s.domains)).collect(),
    };
    // Written as JSON text: workers-rs would turn the map into a JS `Map`, which stringifies as `{}`.
    let text = serde_json::to_string(&registry).map_err(|e| ApiError::Internal(e.to_string()))?;
    let kv = env.kv(bindings::TRACKING_KV).map_err(|e| ApiError::storage("kv binding", e))?;
    kv.put(KV_KEY, text.as_str())
        .map_err(|e| ApiError::storage("kv put site registry", e))?
        .execute()
        .await
        .map_err(|e| ApiError::storage("kv put site registry", e))?;
    SNAPSHOT.with(|s| s.put(registry.clone(), now, ISOLATE_TTL_MS));
    Ok(registry)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry(accept: bool) -> Registry {
        let mut sites = BTreeMap::new();
        sites.insert("demo".to_owned(), vec![DomainPattern::parse("127.0.0.1:8080").unwrap()]);
        sites.insert("open".to_owned(), vec![]);
        Registry { accept_unregistered: accept, sites }
    }

    #[test]
    fn registered_keys_from_their_domains() {
        let r = registry(false);
        assert_eq!(r.admit("demo", Some("http://127.0.0.1:8080")), Ok(()));
        assert_eq!(r.admit("demo", None), Ok(()));
        assert_eq!(
            r.admit("demo", Some("https://evil.example")),
            Err(Refusal::Origin("https://evil.example".to_owned()))
        );
        assert!(r.admit("demo", Some("null")).is_err());
        assert_eq!(r.admit("open", Some("https://anywhere.example")), Ok(()));
    }

    #[test]
    fn unregistered_keys_only_when_accepted() {
        assert_eq!(registry(false).admit("other", None), Err(Refusal::Unregistered));
        assert_eq!(registry(true).admit("other", Some("https://x.example")), Ok(()));
    }

    #[test]
    fn the_snapshot_round_trips_through_json() {
        let r = registry(true);
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<Registry>(&json).unwrap(), r);
    }
}
