//! `/analytics/leads` (page `leads`, spec `leadAnalyticsService`): the lead list and a lead's
//! detail with its submissions, CRM activity, webhook deliveries and linked sessions.

use crate::prelude::*;

use serde::{Deserialize, Serialize};

use super::analytics::{EventCount, PageVisit, ScoreReason, SessionRecord};
use super::webhooks::WebhookDelivery;
use crate::lead::LeadSubmission;
use crate::{Props, SessionId, SiteKey, UnixMillis};

/// `GET /analytics/leads`: newest first, `limit` per page (default 50, at most 200), filtered by
/// `site`, `form`, `from`/`to` (capture time), `email`, `source` (`form`/`api`), `crm`
/// (`linked`/`unlinked`), `test` (`exclude` by default, `include`, `only`) and score ranges;
/// CSV with `Accept: text/csv` or `format=csv`.
///
/// ```json
/// { "leads": [ { "id": "ld_4f3a9c0d2b1e8f7a6c5d4e3f2a1b0c9d", "site_key": "demo", "form_id": "contact", "email": "jane@example.com",
///                "created_at": 1764097200000, "updated_at": 1764097200000, "submission_count": 1, "source": "form",
///                "engagement_score": 64, "suspicion_score": 5, "is_test": false } ],
///   "next_cursor": "1764097200000.42" }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadsPage {
    /// Newest first.
    pub leads: Vec<LeadSummary>,
    /// Opaque; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// One lead: contact fields, scores of its latest submission, CRM link.
///
/// ```json
/// { "id": "ld_4f3a9c0d2b1e8f7a6c5d4e3f2a1b0c9d", "site_key": "demo", "form_id": "contact", "email": "jane@example.com",
///   "phone": "+49 30 1234567", "name": "Jane Doe", "created_at": 1764097200000, "updated_at": 1764097200000,
///   "submission_count": 1, "source": "form", "session_id": "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c",
///   "engagement_score": 64, "suspicion_score": 5, "crm_lead_id": "00Q5e00000AbCdE",
///   "crm_url": "https://crm.example/leads/00Q5e00000AbCdE", "country": "DE", "is_test": false }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadSummary {
    /// Example: `"ld_4f3a9c0d2b1e8f7a6c5d4e3f2a1b0c9d"`.
    pub id: String,
    /// Example: `"demo"`.
    pub site_key: SiteKey,
    /// The form of the latest submission. Example: `"contact"`.
    pub form_id: String,
    /// Example: `"jane@example.com"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Example: `"+49 30 1234567"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Example: `"Jane Doe"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// First submission (ms). Example: `1764097200000`.
    pub created_at: UnixMillis,
    /// Latest submission (ms). Example: `1764097200000`.
    pub updated_at: UnixMillis,
    /// Example: `1`.
    pub submission_count: u64,
    /// How the latest submission came: `form` or `api`. Example: `"form"`.
    pub source: String,
    /// The latest submission's session. Example: `"0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<SessionId>,
    /// Copied from the session at capture (latest submission). Example: `64`.
    pub engagement_score: u32,
    /// Copied from the session at capture (latest submission). Example: `5`.
    pub suspicion_score: u32,
    /// Set by the CRM callback. Example: `"00Q5e00000AbCdE"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crm_lead_id: Option<String>,
    /// AppSettings' `crm_url_template` with the CRM id. Example: `"https://crm.example/leads/00Q5e00000AbCdE"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crm_url: Option<String>,
    /// Example: `"DE"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Matched a testing rule: never sent to the CRM. Example: `false`.
    pub is_test: bool,
}

/// `GET /analytics/leads/{id}`.
///
/// ```json
/// { "lead": { "id": "ld_4f3a9c0d2b1e8f7a6c5d4e3f2a1b0c9d", "…": "…" },
///   "submissions": [ { "id": "sub_9c0d2b1e8f7a6c5d4e3f2a1b0c9d4f3a", "…": "…" } ],
///   "crm_activity": [], "webhooks": [], "sessions": [] }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadDetail {
    /// The lead.
    pub lead: LeadSummary,
    /// Every submission, newest first.
    pub submissions: Vec<LeadSubmissionRecord>,
    /// What the CRM reported about the lead, newest first.
    pub crm_activity: Vec<CrmActivity>,
    /// Its webhook messages: delivered, pending and dead-lettered.
    pub webhooks: Vec<WebhookDelivery>,
    /// The sessions linked to it (its submissions' sessions, then its visitor's other sessions),
    /// newest first, at most 10.
    pub sessions: Vec<LinkedSession>,
}

/// One stored submission (`LeadSubmissions`).
///
/// ```json
/// { "id": "sub_9c0d2b1e8f7a6c5d4e3f2a1b0c9d4f3a", "form_id": "contact", "created_at": 1764097200000, "source": "form",
///   "session_id": "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c", "engagement_score": 64, "engagement_reasons": [],
///   "suspicion_score": 5, "suspicion_reasons": [], "fill_ms": 14250, "is_test": false,
///   "payload": { "form_id": "contact", "fields": { "email": "jane@example.com" } } }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadSubmissionRecord {
    /// Example: `"sub_9c0d2b1e8f7a6c5d4e3f2a1b0c9d4f3a"`.
    pub id: String,
    /// Example: `"contact"`.
    pub form_id: String,
    /// Example: `1764097200000`.
    pub created_at: UnixMillis,
    /// `form` or `api`. Example: `"form"`.
    pub source: String,
    /// The linked session (only if it exists on the same site). Example: `"0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<SessionId>,
    /// Example: `64`.
    pub engagement_score: u32,
    /// Example: `[]`.
    pub engagement_reasons: Vec<ScoreReason>,
    /// Example: `5`.
    pub suspicion_score: u32,
    /// Example: `[]`.
    pub suspicion_reasons: Vec<ScoreReason>,
    /// Example: `14250`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill_ms: Option<u64>,
    /// Example: `false`.
    pub is_test: bool,
    /// Which testing rule matched. Example: `"email qa@example.com"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_reason: Option<String>,
    /// The full body as received (after sanitizing), with hidden values the server filled in.
    pub payload: LeadSubmission,
}

/// One CRM event about a lead (`LeadCrmActivity`).
///
/// ```json
/// { "id": 7, "received_at": 1764097500000, "event": "status_changed", "status": "qualified", "crm_lead_id": "00Q5e00000AbCdE",
///   "event_id": "evt_81", "occurred_at": 1764097499000, "data": { "owner": "sam" } }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrmActivity {
    /// Example: `7`.
    pub id: u64,
    /// Example: `1764097500000`.
    pub received_at: UnixMillis,
    /// Example: `"status_changed"`.
    pub event: String,
    /// Example: `"qualified"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Example: `"00Q5e00000AbCdE"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crm_lead_id: Option<String>,
    /// Example: `"evt_81"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// Example: `1764097499000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<UnixMillis>,
    /// Example: `{ "owner": "sam" }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Props>,
}

/// A session linked to a lead, with what it did and where to replay it.
///
/// ```json
/// { "via": "submission", "session": { "id": "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c", "…": "…" },
///   "pages": [ { "path": "/quote", "views": 1 } ], "custom_events": [],
///   "replay_url": "/replay?session=0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c" }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkedSession {
    /// `submission` (a submission was sent from it) or `visitor` (the same visitor's other
    /// session). Example: `"submission"`.
    pub via: String,
    /// The session's row, with its scores.
    pub session: SessionRecord,
    /// Pages it viewed.
    pub pages: Vec<PageVisit>,
    /// Custom events it sent.
    pub custom_events: Vec<EventCount>,
    /// The replay viewer for this session. Example: `"/replay?session=0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c"`.
    pub replay_url: String,
}

/// `GET /analytics/leads/blocked` (admin): submissions set aside instead of becoming leads (from
/// a `BlockedIPs` address, a filled honeypot, a too-fast fill), newest first; the sender got the
/// usual answer.
///
/// ```json
/// { "blocked": [ { "id": "ld_0c9d4f3a9c0d2b1e8f7a6c5d4e3f2a1b", "site_key": "demo", "form_id": "contact", "reason": "honeypot",
///                  "created_at": 1764097200000, "payload": { "form_id": "contact", "fields": {} } } ] }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockedLeadsPage {
    /// Newest first.
    pub blocked: Vec<BlockedLead>,
    /// Opaque; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// One set-aside submission (`BlockedIPLeads`).
///
/// ```json
/// { "id": "ld_0c9d4f3a9c0d2b1e8f7a6c5d4e3f2a1b", "site_key": "demo", "form_id": "contact", "reason": "blocked_ip",
///   "created_at": 1764097200000, "country": "DE", "payload": { "form_id": "contact", "fields": {} } }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockedLead {
    /// The id its sender was told. Example: `"ld_0c9d4f3a9c0d2b1e8f7a6c5d4e3f2a1b"`.
    pub id: String,
    /// Example: `"demo"`.
    pub site_key: SiteKey,
    /// Example: `"contact"`.
    pub form_id: String,
    /// `blocked_ip` or `honeypot` (`too_fast` on submissions stored before fast fills were scored
    /// instead). Example: `"blocked_ip"`.
    pub reason: String,
    /// Example: `1764097200000`.
    pub created_at: UnixMillis,
    /// Example: `"DE"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The body as received (after sanitizing).
    pub payload: LeadSubmission,
}
