//! `POST /lead.capture` (spec "lead flow"), and the deprecated `POST /lead` and `POST /`.
//!
//! caller (integration key, or page origin on the site's domains) → rate limit (per IP for
//! pages, per key for servers; whitelisted addresses skip it) → body (64 KiB) → the form, its
//! domains and the linked session (one D1 batch) → the form's rules (`pulsegate_schema::lead`,
//! the same the form builder applies; a refused field told in the form's language,
//! `lead/messages.rs`) → the honeypot and `BlockedIPs`: set aside with the usual
//! answer → hidden values, sanitizing → a fill faster than the minimum fill time adds suspicion
//! by how the form was filled (`pulsegate_schema::lead::fill`) → one D1 batch that stores the
//! lead, its submission and its webhook message (`store/leads.rs`) → `201`; the first webhook
//! attempt and the `LEAD_ANALYTICS` data point run after the response.

use std::rc::Rc;

use futures_util::future::join;
use pulsegate_schema::lead::{
    LeadAccepted, LeadSubmission, MAX_LEAD_BODY_BYTES, MIN_FILL_MS, check_fields_in,
    fast_fill_reasons, is_idempotency_key,
};
use pulsegate_schema::replay::LeadMarker;
use sha2::{Digest, Sha256};
use worker::{Context, Env, Request, Response};

use super::Answer;
use super::caller::{self, Who};
use super::form;
use crate::config::Family;
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::http::{header, json, with_headers};
use crate::ip_hash::hex;
use crate::lead::{ids, messages, values};
use crate::log::{self, Level};
use crate::net::ip;
use crate::routes::track::TrackCtx;
use crate::store::d1::{self, Stats};
use crate::store::leads::{self, AnsweredId, Blocked, Capture, Captured, SetAside, Source};
use crate::store::rate_limit::{self, Verdict};
use crate::store::{api_keys, objects, settings};
use crate::{bindings, body, js};

/// `Deprecation` of `POST /lead` and `POST /` (RFC 9745: `@` + unix seconds): 2026-01-01.
pub(crate) const DEPRECATED_SINCE: &str = "@1767225600";
/// `Sunset` of the deprecated routes (RFC 8594, an HTTP date).
pub(crate) const SUNSET: &str = "Wed, 30 Jun 2027 23:59:59 GMT";
/// `Link` to the successor.
pub(crate) const SUCCESSOR: &str = "</lead.capture>; rel=\"successor-version\"";

/// Which route the submission came through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    Current,
    /// `POST /lead` or `POST /`: the same flow, answered with deprecation headers.
    Deprecated,
}

/// Runs the flow; page callers get CORS for their origin once it is checked.
pub(crate) async fn post(
    req: Request,
    env: &Env,
    wait: &Context,
    stats: Rc<Stats>,
    route: Route,
) -> Answer {
    let path = req.path();
    let mut allow_origin = None;
    let mut headers = Vec::new();
    let result = capture(req, env, wait, stats, &mut allow_origin, &mut headers).await;
    let result = match route {
        Route::Current => result,
        Route::Deprecated => {
            log_deprecated(&path, result.as_ref().map(Response::status_code).ok());
            result.and_then(|resp| {
                with_headers(
                    resp,
                    [
                        ("X-Deprecated", "true"),
                        ("Deprecation", DEPRECATED_SINCE),
                        ("Sunset", SUNSET),
                        ("Link", SUCCESSOR),
                    ],
                )
            })
        }
    };
    Answer { result, allow_origin, headers }
}

fn log_deprecated(path: &str, status: Option<u16>) {
    log::job(
        Level::Warn,
        "deprecated_route",
        serde_json::json!({ "path": path, "successor": "/lead.capture", "status": status, "sunset": SUNSET }),
    );
}

async fn capture(
    mut req: Request,
    env: &Env,
    wait: &Context,
    stats: Rc<Stats>,
    allow_origin: &mut Option<String>,
    headers: &mut Vec<(&'static str, String)>,
) -> Result<Response, ApiError> {
    let ctx = TrackCtx::of(&req, env);
    let db = Db::counted(env, Rc::clone(&stats))?;
    let who = caller::identify(&req, &db).await?;
    let idempotency = header(&req, "idempotency-key").map(|k| k.trim().to_owned());
    if let Some(key) = &idempotency
        && !is_idempotency_key(key)
    {
        return Err(ApiError::BadRequest(
            "Idempotency-Key must be 1 to 255 visible ASCII characters".to_owned(),
        ));
    }
    let limiter = d1::Db::open(env, stats).ok();
    let (verdict, parsed) = join(
        count(limiter.as_ref(), &ctx, &who),
        body::read_json::<LeadSubmission>(&mut req, MAX_LEAD_BODY_BYTES),
    )
    .await;
    let submission = parsed?;
    let session_id = submission.session_id.map(|s| s.to_string());
    let loaded = form::load(&db, &submission.form_id, session_id.as_deref()).await?;
    let site = loaded.form.site_key.as_str().to_owned();
    caller::admit(&who, &site, &loaded.domains)?;
    *allow_origin = who.origin().map(str::to_owned);
    if let Some(sent) = &submission.site_key
        && sent.as_str() != site
    {
        return Err(ApiError::InvalidField {
            field: "site_key".to_owned(),
            message: format!("does not match the form's site ({site})"),
        });
    }
    let (_, limit) = family(&ctx, &who);
    if verdict.allowed == 0 && verdict.count > limit.limit {
        return Err(ApiError::RateLimited {
            retry_after_s: rate_limit::retry_after_s(ctx.now, limit.window_ms()),
        });
    }
    let from_page = matches!(who, Who::Page(_));
    let field_messages = messages::for_submission(
        &loaded.form,
        from_page,
        submission.lang.as_deref(),
        header(&req, "accept-language").as_deref(),
    );
    let checked =
        check_fields_in(&loaded.form, &submission.fields, &field_messages.messages, &mut |p, v| {
            js::pattern_matches(p, v)
        });
    if let Err(refused) = checked {
        // The field's message is in the form's language: the answer says which.
        *headers = field_messages.headers();
        return Err(refused.into());
    }

    let key = values::idempotency_key(idempotency.as_deref(), &submission);
    let set_aside = if verdict.blocked != 0 {
        Some(SetAside::BlockedIp)
    } else if from_page && submission.honeypot.as_deref().is_some_and(|h| !h.trim().is_empty()) {
        Some(SetAside::Honeypot)
    } else {
        None
    };
    let mut prepared = submission;
    let facts = loaded.session.as_ref().map(leads::SessionRow::facts).unwrap_or_default();
    values::prepare(&loaded.form, &mut prepared, &facts);
    let payload =
        serde_json::to_string(&prepared).map_err(|e| ApiError::Internal(e.to_string()))?;
    let source = if from_page { Source::Form } else { Source::Api };
    let origin = who.origin();
    let point = Point {
        site: site.clone(),
        form: prepared.form_id.clone(),
        source,
        country: ctx.edge.country.clone(),
        fill_ms: prepared.fill_ms,
    };

    if let Some(reason) = set_aside {
        let public_id = ids::new(ids::LEAD)?;
        let blocked = Blocked {
            public_id: &public_id,
            site_key: &site,
            form_id: &prepared.form_id,
            idempotency_key: &key,
            reason,
            payload_json: &payload,
            source,
            origin,
            ip_hash: ctx.ip_hash.as_deref(),
            country: ctx.edge.country.as_deref(),
            user_agent: ctx.user_agent.as_deref(),
            now: ctx.now,
        };
        let results = db.batch("set aside lead", &leads::set_aside(&blocked)).await?;
        let answered: Option<AnsweredId> =
            db::rows("BlockedIPLeads", &results[1])?.into_iter().next();
        let lead_id = answered.and_then(|a| a.lead_id).unwrap_or(public_id.clone());
        let repeat = lead_id != public_id;
        log::job(
            Level::Warn,
            "lead_set_aside",
            serde_json::json!({ "reason": reason.as_str(), "site": site, "form": prepared.form_id, "repeat": repeat }),
        );
        if !repeat {
            write_point(env, &point, reason.as_str(), 0, 0);
        }
        return accepted(lead_id, repeat);
    }

    let stored = settings::current(&db, ctx.now).await?;
    let webhooks_on = crate::jobs::outbox::Targets::of(&stored).leads.is_some();
    let contact = values::contact(&loaded.form, &prepared);
    let lead_id = ids::new(ids::LEAD)?;
    let submission_id = ids::new(ids::SUBMISSION)?;
    let message_id = webhooks_on.then(|| ids::new(ids::MESSAGE)).transpose()?;
    // A fast fill is scored, not set aside: autofill and password managers are people.
    let fast_fill = if from_page {
        fast_fill_reasons(prepared.fill_ms, MIN_FILL_MS, prepared.fill.as_ref())
    } else {
        Vec::new()
    };
    // A session whose scores were never computed gives them to the lead when they are (the
    // submission waits like a late-linked one); meanwhile it holds the form's own points only.
    let scored = loaded.session.as_ref().filter(|s| s.aggregated_at.is_some());
    let session_unscored = loaded.session.is_some() && scored.is_none();
    let scores =
        scored.map(leads::SessionRow::scores).unwrap_or_default().with_suspicion(&fast_fill);
    let linked_session = loaded.session.as_ref().and(session_id.as_deref());
    let base_url = base_url(&req);
    let ip_hex = ctx.edge.ip.as_deref().and_then(ip::to_hex);
    let integration_id = match &who {
        Who::Integration(i) => Some(i.id.to_string()),
        Who::Page(_) => None,
    };
    let utm = prepared.utm.clone().unwrap_or_default();
    let visitor = prepared.visitor_id.map(|v| v.to_string());
    let capture = Capture {
        lead_id: &lead_id,
        submission_id: &submission_id,
        message_id: message_id.as_deref(),
        base_url: &base_url,
        site_key: &site,
        form_id: &prepared.form_id,
        identity: contact.identity().unwrap_or_else(|| format!("submission:{submission_id}")),
        idempotency_key: &key,
        payload_json: &payload,
        source,
        integration_id: integration_id.as_deref(),
        origin,
        contact: &contact,
        session_id: linked_session,
        claimed_session_id: if linked_session.is_none() { session_id.as_deref() } else { None },
        session_unscored,
        visitor_id: visitor.as_deref(),
        fingerprint_id: prepared.fingerprint.as_ref().map(|f| f.as_str()),
        scores: &scores,
        page_url: prepared.page_url.as_deref(),
        referrer: prepared.referrer.as_deref(),
        utm: &utm,
        country: ctx.edge.country.as_deref(),
        ip_hash: ctx.ip_hash.as_deref(),
        ip_hex: ip_hex.as_deref(),
        user_agent: ctx.user_agent.as_deref(),
        fill_ms: prepared.fill_ms,
        now: ctx.now,
    };
    let queries = leads::capture(&capture);
    let results = db.batch("capture lead", &queries).await?;
    let last = results.last().ok_or_else(|| ApiError::storage("capture lead", "no results"))?;
    let captured: Captured =
        db::rows::<Captured>("LeadSubmissions", last)?.into_iter().next().ok_or_else(|| {
            ApiError::storage("capture lead", "the submission is missing after the write")
        })?;
    let new = captured.submission_id == submission_id;
    if new {
        if let (Some(message), true) = (&captured.message_id, message_id.is_some()) {
            wait.wait_until(crate::jobs::outbox::deliver_now(
                env.clone(),
                message.clone(),
                ctx.now,
            ));
        }
        let outcome = if captured.is_test != 0 { "test" } else { "lead" };
        write_point(env, &point, outcome, scores.engagement, scores.suspicion);
        if let Some(prefix) = loaded.session.as_ref().and_then(|s| s.r2_prefix.clone()) {
            let marker = LeadMarker {
                lead_id: captured.lead_id.clone(),
                submission_id: captured.submission_id.clone(),
                form_id: prepared.form_id.clone(),
                ts: ctx.now,
                test: captured.is_test != 0,
            };
            wait.wait_until(mark_recording(env.clone(), prefix, marker));
        }
    }
    if let Who::Integration(i) = &who
        && api_keys::needs_touch(i.last_used_at, ctx.now)
    {
        let env = env.clone();
        let touch = api_keys::touch_query("Integrations", &i.id, ctx.now);
        wait.wait_until(async move {
            if let Ok(db) = Db::open(&env) {
                let _ = db.run("touch Integrations", &touch).await;
            }
        });
    }
    log::job(
        Level::Info,
        "lead_captured",
        serde_json::json!({
            "lead_id": captured.lead_id, "submission_id": captured.submission_id, "site": site,
            "form": prepared.form_id, "source": source.as_str(), "new": new, "test": captured.is_test != 0,
            "submissions": captured.submission_count, "message_id": captured.message_id,
            "session_linked": linked_session.is_some(),
        }),
    );
    accepted(captured.lead_id, !new)
}

/// Puts the lead's marker beside its session's recording, after the answer: the lead itself is
/// already stored, so a failure here is only logged (the replay's facts still list the lead).
async fn mark_recording(env: Env, session_prefix: String, marker: LeadMarker) {
    let put = match crate::jobs::aggregate::bucket(&env) {
        Ok(bucket) => objects::put_lead_marker(&bucket, &session_prefix, &marker).await,
        Err(e) => Err(e),
    };
    if let Err(e) = put {
        log::job(
            Level::Error,
            "lead_marker",
            serde_json::json!({ "lead_id": marker.lead_id, "error": e.detail().unwrap_or("failed") }),
        );
    }
}

/// Counts the request in its rate-limit window (and reads the IP lists). Fails open, like the
/// ingest limiter: a D1 failure must not lose a lead.
async fn count(db: Option<&d1::Db>, ctx: &TrackCtx, who: &Who) -> Verdict {
    let Some(db) = db else { return Verdict::default() };
    let (family, limit) = family(ctx, who);
    let ip_hash = ctx.ip_hash.clone().unwrap_or_default();
    let ip_hex = ctx.edge.ip.as_deref().and_then(ip::to_hex);
    let subject = match (who, ctx.edge.ip.as_deref()) {
        (Who::Integration(i), _) => i.id.to_string(),
        (Who::Page(_), None) => return Verdict::default(),
        (Who::Page(_), Some(_)) if !ip_hash.is_empty() => ip_hash.clone(),
        // Without IP_HASH_SALT the window is still keyed by a hash, never by the raw IP.
        (Who::Page(_), Some(ip)) => hex(&Sha256::digest(format!("rate-limit:{ip}").as_bytes())),
    };
    let key = format!("{}:{subject}", family.as_str());
    let window = rate_limit::window_start(ctx.now, limit.window_ms());
    match rate_limit::hit(db, &key, window, &ip_hash, ip_hex.as_deref()).await {
        Ok(verdict) => verdict,
        Err(e) => {
            log::job(
                Level::Error,
                "rate_limit",
                serde_json::json!({ "family": family.as_str(), "fail_open": true, "error": e.detail() }),
            );
            Verdict::default()
        }
    }
}

fn family(ctx: &TrackCtx, who: &Who) -> (Family, crate::config::RateLimit) {
    let family = match who {
        Who::Integration(_) => Family::LeadApi,
        Who::Page(_) => Family::LeadCapture,
    };
    (family, ctx.config.limit(family))
}

/// `201` with the lead id, marked as a replay when it repeats an earlier answer.
fn accepted(lead_id: String, repeat: bool) -> Result<Response, ApiError> {
    let resp = json(201, &LeadAccepted { ok: true, lead_id })?;
    let mut headers = vec![("Cache-Control", "no-store")];
    if repeat {
        headers.push(("Idempotent-Replayed", "true"));
    }
    with_headers(resp, headers)
}

/// The deployment's origin, as the client reached it: the links in webhooks point there.
fn base_url(req: &Request) -> String {
    let url = req.inner().url();
    crate::lead::caller::origin_of_url(&url).unwrap_or(url)
}

/// One `LEAD_ANALYTICS` data point.
struct Point {
    site: String,
    form: String,
    source: Source,
    country: Option<String>,
    fill_ms: Option<u64>,
}

/// Writes the optional Analytics Engine data point (a no-op in `wrangler dev`, skipped without
/// the binding): index = site; blobs = site, form, source, outcome, country; doubles =
/// engagement, suspicion, fill ms.
fn write_point(env: &Env, p: &Point, outcome: &str, engagement: u32, suspicion: u32) {
    let Ok(dataset) = env.analytics_engine(bindings::LEAD_ANALYTICS) else { return };
    let point = worker::AnalyticsEngineDataPointBuilder::new()
        .indexes([p.site.as_str()])
        .blobs([
            p.site.as_str(),
            p.form.as_str(),
            p.source.as_str(),
            outcome,
            p.country.as_deref().unwrap_or(""),
        ])
        .doubles([f64::from(engagement), f64::from(suspicion), p.fill_ms.unwrap_or(0) as f64])
        .build();
    if let Err(e) = dataset.write_data_point(&point) {
        log::job(Level::Warn, "lead_analytics", serde_json::json!({ "error": e.to_string() }));
    }
}
