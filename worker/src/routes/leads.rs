//! `/analytics/leads` (page `leads`, spec `leadAnalyticsService`): the lead list (filters,
//! cursor pages, CSV), set-aside submissions, and a lead's detail with its submissions, CRM
//! activity, webhook deliveries and linked sessions (pages, events, scores, replay link).
//! Marketing keys get emails and phone numbers masked by the router when AppSettings say so.

use std::collections::BTreeMap;

use pulsegate_schema::{
    BlockedLead, BlockedLeadsPage, DeliveryAttempt, DeliveryState, EventCount, LeadDetail,
    LeadsPage, LinkedSession, PageVisit, SiteKey, WebhookDelivery,
};
use serde::Deserialize;

use super::Call;
use crate::analytics::leads::{self, ActivityRow, BlockedRow, LeadRow, SubmissionRow};
use crate::analytics::shape::{self, RecordRow};
use crate::db;
use crate::error::ApiError;
use crate::reply::Reply;
use crate::store::outbox::{AttemptRow, MessageRow};
use crate::store::settings;
use crate::webhook::payload;

/// The query parameters `GET /analytics/leads` takes (any other is a 400 naming it).
pub(crate) const LIST_PARAMS: &[&str] = &[
    "site",
    "form",
    "from",
    "to",
    "email",
    "source",
    "crm",
    "test",
    "min_engagement",
    "max_engagement",
    "min_suspicion",
    "max_suspicion",
    "limit",
    "cursor",
];

pub(crate) async fn list(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let filters = leads::parse(&crate::http::query_pairs(&call.req), LIST_PARAMS)?;
    let template = settings::current(&call.db, call.now).await?.settings().crm_url_template.clone();
    let mut rows: Vec<LeadRow> = call.db.all("list Leads", &leads::list(&filters)).await?;
    let more = rows.len() > filters.limit as usize;
    rows.truncate(filters.limit as usize);
    let next_cursor =
        more.then(|| rows.last().map(|r| leads::format_cursor(r.created_at, r.row_id))).flatten();
    let leads_out = rows
        .into_iter()
        .map(|r| leads::summary(r, template.as_deref()))
        .collect::<Result<Vec<_>, _>>()?;
    let csv = leads::csv(&leads_out);
    Reply::table(&LeadsPage { leads: leads_out, next_cursor }, csv)
}

pub(crate) async fn blocked(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let filters =
        leads::parse(&crate::http::query_pairs(&call.req), &["site", "reason", "limit", "cursor"])?;
    let mut rows: Vec<BlockedRow> =
        call.db.all("list BlockedIPLeads", &leads::blocked_list(&filters)).await?;
    let more = rows.len() > filters.limit as usize;
    rows.truncate(filters.limit as usize);
    let next_cursor =
        more.then(|| rows.last().map(|r| leads::format_cursor(r.created_at, r.row_id))).flatten();
    let blocked = rows
        .into_iter()
        .map(|r| {
            Ok(BlockedLead {
                payload: serde_json::from_str(&r.payload_json)
                    .map_err(|e| ApiError::storage("decode BlockedIPLeads.PayloadJson", e))?,
                id: r.id,
                site_key: SiteKey::parse(&r.site_key)
                    .map_err(|_| ApiError::storage("decode BlockedIPLeads.SiteKey", &r.site_key))?,
                form_id: r.form_id,
                reason: r.reason,
                created_at: r.created_at,
                country: r.country,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Reply::json(200, &BlockedLeadsPage { blocked, next_cursor })
}

/// Which linked sessions a submission was sent from (the rest are the visitor's others).
#[derive(Deserialize)]
struct ViaRow {
    id: String,
}

#[derive(Deserialize)]
struct PageRow {
    session_id: String,
    path: String,
    views: u64,
}

#[derive(Deserialize)]
struct EventRow {
    session_id: String,
    name: String,
    count: u64,
}

pub(crate) async fn detail(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let id = call.param().to_owned();
    if !pulsegate_schema::lead::is_lead_id(&id) {
        return Err(ApiError::NoSuch { what: "lead" });
    }
    let template = settings::current(&call.db, call.now).await?.settings().crm_url_template.clone();
    let results = call.db.batch("lead detail", &leads::detail(&id)).await?;
    let lead: LeadRow = db::rows::<LeadRow>("Leads", &results[0])?
        .into_iter()
        .next()
        .ok_or(ApiError::NoSuch { what: "lead" })?;
    let submissions = db::rows::<SubmissionRow>("LeadSubmissions", &results[1])?
        .into_iter()
        .map(leads::submission)
        .collect::<Result<Vec<_>, _>>()?;
    let crm_activity = db::rows::<ActivityRow>("LeadCrmActivity", &results[2])?
        .into_iter()
        .map(leads::activity)
        .collect();
    let messages: Vec<MessageRow> = db::rows("webhooks", &results[3])?;
    let attempts: Vec<AttemptRow> = db::rows("WebhookAttempts", &results[4])?;
    let linked: Vec<RecordRow> = db::rows("sessions", &results[5])?;
    let from_submissions: Vec<String> =
        db::rows::<ViaRow>("LeadSubmissions", &results[6])?.into_iter().map(|v| v.id).collect();

    let ids: Vec<&str> = linked.iter().map(|l| l.id.as_str()).collect();
    let ids_json = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".to_owned());
    let rollups = call.db.batch("lead sessions", &leads::session_rollups(&ids_json)).await?;
    let mut pages: BTreeMap<String, Vec<PageVisit>> = BTreeMap::new();
    for p in db::rows::<PageRow>("session_pages", &rollups[0])? {
        pages.entry(p.session_id).or_default().push(PageVisit { path: p.path, views: p.views });
    }
    let mut events: BTreeMap<String, Vec<EventCount>> = BTreeMap::new();
    for e in db::rows::<EventRow>("session_events", &rollups[1])? {
        events.entry(e.session_id).or_default().push(EventCount { name: e.name, count: e.count });
    }
    let sessions = linked
        .into_iter()
        .map(|record| {
            let session_key = record.id.clone();
            let via =
                if from_submissions.contains(&session_key) { "submission" } else { "visitor" };
            let (session, _) = shape::record(record)?;
            Ok(LinkedSession {
                via: via.to_owned(),
                replay_url: format!("/replay?session={}", session.id),
                pages: pages.remove(&session_key).unwrap_or_default(),
                custom_events: events.remove(&session_key).unwrap_or_default(),
                session,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let detail = LeadDetail {
        lead: leads::summary(lead, template.as_deref())?,
        submissions,
        crm_activity,
        webhooks: deliveries(messages, attempts),
        sessions,
    };
    Reply::json(200, &detail)
}

/// Listed messages with their attempt logs.
pub(crate) fn deliveries(
    messages: Vec<MessageRow>,
    attempts: Vec<AttemptRow>,
) -> Vec<WebhookDelivery> {
    let mut logs: BTreeMap<String, Vec<DeliveryAttempt>> = BTreeMap::new();
    for a in attempts {
        logs.entry(a.message_id).or_default().push(DeliveryAttempt {
            at: a.at,
            status: a.status,
            ms: a.ms,
            error: a.error,
        });
    }
    messages
        .into_iter()
        .filter_map(|m| {
            let state = match m.state.as_str() {
                "pending" => DeliveryState::Pending,
                "delivered" => DeliveryState::Delivered,
                "dead" => DeliveryState::Dead,
                _ => return None,
            };
            Some(WebhookDelivery {
                log: logs.remove(&m.message_id).unwrap_or_default(),
                kind: payload::kind(&m.kind)?,
                id: m.message_id,
                state,
                lead_id: m.lead_id,
                created_at: m.created_at,
                attempts: m.attempts,
                next_attempt_at: m.next_attempt_at,
                last_attempt_at: m.last_attempt_at,
                last_status: m.last_status,
                last_error: m.last_error,
                delivered_at: m.delivered_at,
                execution_url: m.execution_url,
                dead_at: m.dead_at,
            })
        })
        .collect()
}
