//! `GET /health`: public and cheap (version and schema version, no binding touched). With
//! `?deep=1`, and only with the admin key: a round trip to D1, KV and R2, the tables the
//! migrations create, and the configuration (`IP_HASH_SALT`). Failures say what is wrong, never
//! the runtime's error text; that goes to the log.

use core::future::Future;

use pulsegate_schema::{Health, HealthCheck, Role, SCHEMA_VERSION};
use serde::Deserialize;
use worker::{Context, Env, Request, Response};

use crate::auth;
use crate::bindings;
use crate::clock;
use crate::db::Db;
use crate::error::ApiError;
use crate::http::json;
use crate::log::{self, Level, now_ms};
use crate::sql::Query;

/// Keys the deep check reads; they need not exist, the read itself is the check.
const KV_PROBE_KEY: &str = "health:probe";
const R2_PROBE_KEY: &str = "health/probe";

/// Tables the migrations create that the worker cannot run without.
pub(crate) const REQUIRED_TABLES: &[&str] = &[
    "sessions",
    "session_pages",
    "session_events",
    "AppSettings",
    "MarketingApiKeys",
    "Integrations",
    "Sites",
    "SiteDomains",
    "Forms",
    "Leads",
    "LeadSubmissions",
    "BlockedIPLeads",
    "TestingLeads",
    "LeadCrmActivity",
    "WebhookOutbox",
    "WebhookDeadLetters",
    "MakeWebhookSends",
    "WebhookAttempts",
    "LeadDroughtState",
];

/// What a failed binding check shows; the detail is logged.
const UNAVAILABLE: &str = "unavailable (details in the worker log)";
const ADMIN_OFF: &str = "admin access is off: the ANALYTICS_API_KEY secret is not set, and the deep health check needs it";
const SALT_MISSING: &str = "IP_HASH_SALT is not set: sessions are stored without an IP hash";

pub(crate) async fn get(req: Request, env: &Env, ctx: &Context) -> Result<Response, ApiError> {
    let deep = wants_deep(crate::http::query_of(&req.inner().url()));
    if !deep {
        return json(200, &report(Vec::new()));
    }
    if !auth::admin_configured(env) {
        return Err(ApiError::Unauthorized(ADMIN_OFF));
    }
    let db = Db::open(env)?;
    let principal = auth::authenticate(&req, env, ctx, &db, clock::now(&req, env)).await?;
    if principal.role != Role::Admin {
        return Err(ApiError::Forbidden("the deep health check needs the admin key".to_owned()));
    }
    let checks = vec![
        check("d1", async {
            Db::open(env)?.run("health probe", &Query::new("SELECT 1", vec![])).await.map(drop)
        })
        .await,
        check("kv", async {
            let kv =
                env.kv(bindings::TRACKING_KV).map_err(|e| ApiError::storage("kv binding", e))?;
            kv.get(KV_PROBE_KEY).text().await.map(drop).map_err(|e| ApiError::storage("kv get", e))
        })
        .await,
        check("r2", async {
            let r2 = env
                .bucket(bindings::TRACKING_R2)
                .map_err(|e| ApiError::storage("r2 binding", e))?;
            r2.head(R2_PROBE_KEY).await.map(drop).map_err(|e| ApiError::storage("r2 head", e))
        })
        .await,
        tables(&db).await,
        config("ip_hash_salt", salt_configured(env), SALT_MISSING),
        config("admin_key", true, ADMIN_OFF),
    ];
    let health = report(checks);
    json(if health.status == "ok" { 200 } else { 503 }, &health)
}

fn salt_configured(env: &Env) -> bool {
    env.secret(bindings::IP_HASH_SALT).is_ok_and(|s| !s.to_string().is_empty())
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

/// A configuration check: no round trip, `message` when it fails.
pub(crate) fn config(name: &str, ok: bool, message: &str) -> HealthCheck {
    HealthCheck { name: name.to_owned(), ok, ms: 0, error: (!ok).then(|| message.to_owned()) }
}

/// Whether the migrations' tables exist.
async fn tables(db: &Db) -> HealthCheck {
    #[derive(Deserialize)]
    struct Name {
        name: String,
    }
    let started = now_ms();
    let q = Query::new("SELECT name FROM sqlite_master WHERE type = 'table'", vec![]);
    let result = db.all::<Name>("health tables", &q).await;
    let ms = now_ms().saturating_sub(started);
    match result {
        Ok(names) => {
            let names: Vec<String> = names.into_iter().map(|n| n.name).collect();
            let missing = missing_tables(&names);
            let error = (!missing.is_empty()).then(|| {
                format!("missing tables: {}; apply the D1 migrations", missing.join(", "))
            });
            HealthCheck { name: "migrations".to_owned(), ok: error.is_none(), ms, error }
        }
        Err(e) => failed("migrations", ms, &e),
    }
}

/// Which of [`REQUIRED_TABLES`] are not in `present`.
pub(crate) fn missing_tables(present: &[String]) -> Vec<&'static str> {
    REQUIRED_TABLES.iter().copied().filter(|t| !present.iter().any(|p| p == t)).collect()
}

async fn check(name: &str, probe: impl Future<Output = Result<(), ApiError>>) -> HealthCheck {
    let started = now_ms();
    let result = probe.await;
    let ms = now_ms().saturating_sub(started);
    match result {
        Ok(()) => HealthCheck { name: name.to_owned(), ok: true, ms, error: None },
        Err(e) => failed(name, ms, &e),
    }
}

/// A failed probe: the generic text for the client, the detail in the log.
fn failed(name: &str, ms: u64, err: &ApiError) -> HealthCheck {
    log::job(
        Level::Error,
        "health",
        serde_json::json!({ "check": name, "detail": err.detail().unwrap_or_default() }),
    );
    failed_check(name, ms)
}

/// What the client sees of a failed probe: its name and a fixed text, nothing of the error.
pub(crate) fn failed_check(name: &str, ms: u64) -> HealthCheck {
    HealthCheck { name: name.to_owned(), ok: false, ms, error: Some(UNAVAILABLE.to_owned()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, ok: bool) -> HealthCheck {
        HealthCheck { name: name.to_owned(), ok, ms: 1, error: (!ok).then(|| "down".to_owned()) }
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

    #[test]
    fn configuration_checks_name_the_missing_secret() {
        let salt = config("ip_hash_salt", false, SALT_MISSING);
        assert!(!salt.ok);
        assert!(salt.error.unwrap().contains("IP_HASH_SALT"));
        assert_eq!(config("ip_hash_salt", true, SALT_MISSING).error, None);
        assert!(ADMIN_OFF.contains("ANALYTICS_API_KEY"));
    }

    #[test]
    fn missing_tables_are_listed() {
        let present: Vec<String> = REQUIRED_TABLES.iter().map(|t| (*t).to_owned()).collect();
        assert!(missing_tables(&present).is_empty());
        assert_eq!(missing_tables(&present[1..]), vec!["sessions"]);
    }

    #[test]
    fn a_failed_probe_shows_a_fixed_text() {
        let shown = failed_check("d1", 3);
        assert_eq!((shown.ok, shown.error.as_deref()), (false, Some(UNAVAILABLE)));
        assert!(!UNAVAILABLE.contains("D1_ERROR"));
    }
}
