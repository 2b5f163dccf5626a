//! The CRM side's callbacks (spec `lead.ts`): `POST /lead.capture/crm-callback` stores the CRM's
//! id for a lead, `POST /lead.capture/make-callback` stores the Make execution on its delivery
//! (both with `CRM_CALLBACK_SECRET`), `POST /webhooks/crm/lead` appends a CRM event to the lead
//! (`CRM_WEBHOOK_SECRET`, else `CRM_CALLBACK_SECRET`). The secret comes as `Authorization:
//! Bearer …` or `X-API-Key`, compared in constant time; a bad one is `401`, an unknown lead `404`.
//! Without the secret configured the route answers `401` (and logs why once).

use pulsegate_schema::Accepted;
use pulsegate_schema::lead::{
    CrmActivityEvent, CrmCallback, MAX_CALLBACK_BODY_BYTES, MakeCallback,
};
use serde::Deserialize;
use worker::{Env, Request, Response};

use crate::auth;
use crate::clock;
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::http::{header, json};
use crate::sanitize;
use crate::secrets::secrets_equal;
use crate::sql::Query;
use crate::store::leads;
use crate::{bindings, body, log};

const NOT_SET: &str = "callbacks are off: the CRM_CALLBACK_SECRET secret is not set";
const WRONG: &str = "invalid callback secret";

/// Checks the request's secret against the first of `names` that is configured.
fn authenticate(req: &Request, env: &Env, names: &[&'static str]) -> Result<(), ApiError> {
    let expected = names
        .iter()
        .find_map(|n| env.secret(n).ok().map(|s| s.to_string()).filter(|s| !s.is_empty()));
    let Some(expected) = expected else {
        log::config_once(bindings::CRM_CALLBACK_SECRET, "is not set: CRM callbacks answer 401");
        return Err(ApiError::Unauthorized(NOT_SET));
    };
    let presented = auth::presented_key(
        header(req, "authorization").as_deref(),
        header(req, "x-api-key").as_deref(),
    )?
    .ok_or(ApiError::Unauthorized(auth::MISSING))?;
    if secrets_equal(&presented, &expected) { Ok(()) } else { Err(ApiError::Unauthorized(WRONG)) }
}

fn ok(accepted: u32) -> Result<Response, ApiError> {
    json(200, &Accepted { ok: true, accepted })
}

/// `POST /lead.capture/crm-callback`.
pub(crate) async fn crm(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    authenticate(&req, env, &[bindings::CRM_CALLBACK_SECRET])?;
    let mut cb: CrmCallback = body::read_json(&mut req, MAX_CALLBACK_BODY_BYTES).await?;
    sanitize::text(&mut cb.crm_lead_id);
    let db = Db::open(env)?;
    let now = clock::now(&req, env);
    if db.run("set CrmLeadId", &leads::set_crm_id(&cb.lead_id, &cb.crm_lead_id, now)).await? == 0 {
        return Err(ApiError::NoSuch { what: "lead" });
    }
    ok(1)
}

/// `POST /lead.capture/make-callback`.
pub(crate) async fn make(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    authenticate(&req, env, &[bindings::CRM_CALLBACK_SECRET])?;
    let mut cb: MakeCallback = body::read_json(&mut req, MAX_CALLBACK_BODY_BYTES).await?;
    sanitize::url(&mut cb.execution_url);
    let db = Db::open(env)?;
    let now = clock::now(&req, env);
    let set =
        leads::set_execution_url(&cb.lead_id, cb.webhook_id.as_deref(), &cb.execution_url, now);
    let exists = Query::new(
        "SELECT count(*) AS n FROM Leads WHERE PublicId = ?1",
        vec![cb.lead_id.as_str().into()],
    );
    let results = db.batch("set ExecutionUrl", &[set, exists]).await?;
    #[derive(Deserialize)]
    struct Count {
        n: u64,
    }
    let lead_exists = db::rows::<Count>("Leads", &results[1])?.first().is_some_and(|c| c.n > 0);
    if !lead_exists {
        return Err(ApiError::NoSuch { what: "lead" });
    }
    if db::changes(&results[0]) == 0 {
        return Err(ApiError::NoSuch { what: "webhook delivery of this lead" });
    }
    ok(1)
}

/// `POST /webhooks/crm/lead`.
pub(crate) async fn crm_event(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    authenticate(&req, env, &[bindings::CRM_WEBHOOK_SECRET, bindings::CRM_CALLBACK_SECRET])?;
    let mut event: CrmActivityEvent = body::read_json(&mut req, MAX_CALLBACK_BODY_BYTES).await?;
    sanitize_event(&mut event);
    let payload = serde_json::to_string(&event).map_err(|e| ApiError::Internal(e.to_string()))?;
    let db = Db::open(env)?;
    let now = clock::now(&req, env);
    let results =
        db.batch("add LeadCrmActivity", &leads::add_crm_activity(&event, &payload, now)).await?;
    #[derive(Deserialize)]
    struct Found {
        lead: Option<u64>,
    }
    let found = db::rows::<Found>("Leads", &results[1])?.into_iter().next().and_then(|f| f.lead);
    if found.is_none() {
        return Err(ApiError::NoSuch { what: "lead" });
    }
    let added = u32::try_from(db::changes(&results[0])).unwrap_or(0);
    json(if added > 0 { 201 } else { 200 }, &Accepted { ok: true, accepted: added })
}

fn sanitize_event(e: &mut CrmActivityEvent) {
    for text in [&mut e.crm_lead_id, &mut e.status, &mut e.event_id].into_iter().flatten() {
        sanitize::text(text);
    }
    sanitize::text(&mut e.event);
    if let Some(data) = &mut e.data {
        let taken = core::mem::take(data);
        for (mut key, mut value) in taken {
            sanitize::text(&mut key);
            if let pulsegate_schema::PropValue::String(s) = &mut value {
                sanitize::text(s);
            }
            data.insert(key, value);
        }
    }
}
