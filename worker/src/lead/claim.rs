//! A lead captured before its session's start reached the worker, linked once the start arrives:
//! the submission and lead get the session, the session counts the lead, and the lead gets the
//! replay marker a lead captured during the session gets. Its scores follow the session's next
//! computed scores (migration 0026's trigger; see `store::leads::link_claimed`).

use pulsegate_schema::replay::LeadMarker;
use worker::Env;

use crate::db::{self, Db};
use crate::error::ApiError;
use crate::log::{self, Level};
use crate::store::leads::{self, Claimed};
use crate::store::objects;

/// Links the leads whose submissions named this session before its start arrived (the form sent
/// while the tracker's start was still on the way): one indexed read, and the link only when one
/// exists; then one marker per linked submission beside the session's recording. A failure is
/// logged (`lead_linked`, level error); a failed link leaves the submission its
/// `ClaimedSessionId`, so the lead can still be linked by hand.
pub(crate) async fn link_after_start(env: Env, session_id: String, site_key: String) {
    match link(&env, &session_id, &site_key).await {
        Ok(linked) if linked.is_empty() => {}
        Ok(linked) => {
            let markers = mark(&env, &linked).await;
            log::job(
                Level::Info,
                "lead_linked",
                serde_json::json!({
                    "session_id": session_id, "site": site_key,
                    "submissions": linked.len(), "markers": markers,
                }),
            );
        }
        Err(e) => log::job(
            Level::Error,
            "lead_linked",
            serde_json::json!({ "session_id": session_id, "error": e.detail().unwrap_or("failed") }),
        ),
    }
}

async fn link(env: &Env, session_id: &str, site_key: &str) -> Result<Vec<Claimed>, ApiError> {
    #[derive(serde::Deserialize)]
    struct Exists {
        claimed: u8,
    }
    let db = Db::open(env)?;
    let exists: Option<Exists> =
        db.first("claimed leads", &leads::claimed_exists(session_id, site_key)).await?;
    if exists.is_none_or(|c| c.claimed == 0) {
        return Ok(Vec::new());
    }
    let results =
        db.batch("link claimed leads", &leads::link_claimed(session_id, site_key)).await?;
    let first =
        results.first().ok_or_else(|| ApiError::storage("link claimed leads", "no results"))?;
    db::rows::<Claimed>("LeadSubmissions", first)
}

/// Writes each linked submission's marker (the key is the submission's, so a retry overwrites);
/// returns how many were written. A failed write is logged and the rest still go.
async fn mark(env: &Env, linked: &[Claimed]) -> usize {
    let bucket = match crate::jobs::aggregate::bucket(env) {
        Ok(b) => b,
        Err(e) => {
            log::job(
                Level::Error,
                "lead_marker",
                serde_json::json!({ "error": e.detail().unwrap_or("no bucket") }),
            );
            return 0;
        }
    };
    let mut written = 0;
    for c in linked {
        let Some(prefix) = c.r2_prefix.as_deref() else { continue };
        let marker = marker(c);
        match objects::put_lead_marker(&bucket, prefix, &marker).await {
            Ok(()) => written += 1,
            Err(e) => log::job(
                Level::Error,
                "lead_marker",
                serde_json::json!({ "lead_id": marker.lead_id, "error": e.detail().unwrap_or("failed") }),
            ),
        }
    }
    written
}

/// The marker of a late-linked submission: the same as one captured during the session, at the
/// time the worker received it.
pub(crate) fn marker(c: &Claimed) -> LeadMarker {
    LeadMarker {
        lead_id: c.lead_id.clone(),
        submission_id: c.submission_id.clone(),
        form_id: c.form_id.clone(),
        ts: c.ts,
        test: c.is_test != 0,
    }
}
