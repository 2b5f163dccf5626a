//! `GET /health`: version and schema version; with `?deep=1` also a round trip to D1, KV and R2.

use core::future::Future;

use pulsegate_schema::{Health, HealthCheck, SCHEMA_VERSION};
use worker::{Env, Request, Response};

use crate::bindings;
use crate::error::ApiError;
use crate::http::json;
use crate::log::now_ms;

/// Keys the deep check reads; they need not exist, the read itself is the check.
const KV_PROBE_KEY: &str = "health:probe";
const R2_PROBE_KEY: &str = "health/probe";

pub(crate) async fn get(req: &Request, env: &Env) -> Result<Response, ApiError> {
    // The raw URL string: `Request::url()` would parse it with the `url` crate, whose IDNA
    // tables add ~150 KB to the wasm.
    let url = req.inner().url();
    let checks = if wants_deep(query_of(&url)) {
        vec![
            check("d1", async {
                let db = env.d1(bindings::DB).map_err(|e| e.to_string())?;
                db.prepare("SELECT 1").run().await.map(drop).map_err(|e| e.to_string())
            })
            .await,
            check("kv", async {
                let kv = env.kv(bindings::TRACKING_KV).map_err(|e| e.to_string())?;
                kv.get(KV_PROBE_KEY).text().await.map(drop).map_err(|e| e.to_string())
            })
            .await,
            check("r2", async {
                let r2 = env.bucket(bindings::TRACKING_R2).map_err(|e| e.to_string())?;
                r2.head(R2_PROBE_KEY).await.map(drop).map_err(|e| e.to_string())
            })
            .await,
        ]
    } else {
        Vec::new()
    };
    let health = report(checks);
    json(if health.status == "ok" { 200 } else { 503 }, &health)
}

/// The query string of a serialized URL: `https://x/health?deep=1#f` → `deep=1`.
pub(crate) fn query_of(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once('?')?;
    Some(rest.split_once('#').map_or(rest, |(query, _)| query))
}

/// `deep=1` (or `deep=true`) anywhere in the query string.
pub(crate) fn wants_deep(query: Option<&str>) -> bool {
    query.unwrap_or_default().split('&').any(|pair| matches!(pair, "deep=1" | "deep=true"))
}

/// The body: `ok` when every check passed (or none ran), else `degraded`.
pub(crate) fn report(checks: Vec<HealthCheck>) -> Health {
    let status = if checks.iter().all(|c| c.ok) { "ok" } else { "degraded" };
    Health {
        status: status.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        schema_version: SCHEMA_VERSION,
        checks,
    }
}

async fn check(name: &str, probe: impl Future<Output = Result<(), String>>) -> HealthCheck {
    let started = now_ms();
    let result = probe.await;
    HealthCheck {
        name: name.to_owned(),
        ok: result.is_ok(),
        ms: now_ms().saturating_sub(started),
        error: result.err(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, ok: bool) -> HealthCheck {
        HealthCheck { name: name.to_owned(), ok, ms: 1, error: (!ok).then(|| "down".to_owned()) }
    }

    #[test]
    fn query_strings() {
        assert_eq!(query_of("https://w.example/health?deep=1"), Some("deep=1"));
        assert_eq!(query_of("https://w.example/health?deep=1#top"), Some("deep=1"));
        assert_eq!(query_of("https://w.example/health"), None);
        assert_eq!(query_of("https://w.example/health?"), Some(""));
    }

    #[test]
    fn deep_is_opt_in() {
        assert!(wants_deep(Some("deep=1")));
        assert!(wants_deep(Some("x=2&deep=true")));
        assert!(!wants_deep(Some("deep=0")));
        assert!(!wants_deep(Some("deeper=1")));
        assert!(!wants_deep(None));
    }

    #[test]
    fn one_failed_check_degrades() {
        let shallow = report(Vec::new());
        assert_eq!(shallow.status, "ok");
        assert_eq!(shallow.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(shallow.schema_version, SCHEMA_VERSION);
        assert_eq!(report(vec![check("d1", true), check("kv", true)]).status, "ok");
        assert_eq!(report(vec![check("d1", true), check("r2", false)]).status, "degraded");
    }
}
