//! What PulseGate posts to the Make.com scenario (and to the lead drought webhook), signed with
//! the Standard Webhooks scheme: headers `webhook-id` (the message id, the same on every retry:
//! deduplicate on it), `webhook-timestamp` (unix seconds of the attempt) and `webhook-signature`
//! (`v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` under the `whsec_` secret). Any
//! Standard Webhooks library verifies it (`new Webhook(secret).verify(body, headers)`).

use crate::prelude::*;

use alloc::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::capture::FieldValue;
use crate::dashboard::analytics::{ScoreReason, SessionSummary};
use crate::{SiteKey, UnixMillis, Utm};

/// The kind of a webhook message (`type`).
///
/// JSON: `"lead.created"`
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WebhookType {
    /// A new lead: its first submission.
    #[serde(rename = "lead.created")]
    LeadCreated,
    /// A known lead (same email or phone on the same site) submitted again.
    #[serde(rename = "lead.updated")]
    LeadUpdated,
    /// No lead arrived for the configured time (lead drought alert).
    #[serde(rename = "lead.drought")]
    LeadDrought,
}

/// The body of every webhook: `{type, timestamp, data}` as Standard Webhooks suggests.
///
/// ```json
/// { "type": "lead.created", "timestamp": "2025-11-25T19:00:00.000Z", "data": { "lead": { "…": "…" } } }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookMessage<T> {
    /// Example: `"lead.created"`.
    #[serde(rename = "type")]
    pub kind: WebhookType,
    /// When the event happened, RFC 3339 in UTC. Example: `"2025-11-25T19:00:00.000Z"`.
    pub timestamp: String,
    /// The event.
    pub data: T,
}

/// `data` of `lead.created` / `lead.updated`: the lead, this submission, the scores copied at
/// capture, the linked session's summary and links back to PulseGate.
///
/// ```json
/// {
///   "lead": { "id": "ld_4f3a9c0d2b1e8f7a6c5d4e3f2a1b0c9d", "site_key": "demo", "form_id": "contact", "email": "jane@example.com",
///             "created_at": 1764097200000, "updated_at": 1764097200000, "submission_count": 1 },
///   "submission": { "id": "sub_9c0d2b1e8f7a6c5d4e3f2a1b0c9d4f3a", "created_at": 1764097200000, "source": "form",
///                   "page_url": "https://shop.example/quote", "fields": { "email": "jane@example.com", "consent": true } },
///   "scores": { "engagement_score": 64, "engagement_reasons": [ { "reason": "scrolled", "points": 10 } ], "suspicion_score": 5, "suspicion_reasons": [] },
///   "session": { "id": "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c", "started_at": 1764097100000, "…": "…" },
///   "links": { "lead": "https://pulsegate.example/analytics/leads/ld_4f3a9c0d2b1e8f7a6c5d4e3f2a1b0c9d",
///              "replay": "https://pulsegate.example/replay?session=0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c",
///              "crm_callback": "https://pulsegate.example/lead.capture/crm-callback",
///              "make_callback": "https://pulsegate.example/lead.capture/make-callback" }
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadEvent {
    /// The lead as it stands after this submission.
    pub lead: WebhookLead,
    /// The submission that triggered the message.
    pub submission: WebhookSubmission,
    /// The session's scores when the lead was captured.
    pub scores: LeadScores,
    /// The linked session, when the form ran with the tracker and the session is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionSummary>,
    /// Where to look the lead up and where to call back.
    pub links: LeadLinks,
}

/// A lead in a webhook.
///
/// ```json
/// { "id": "ld_4f3a9c0d2b1e8f7a6c5d4e3f2a1b0c9d", "site_key": "demo", "form_id": "contact", "email": "jane@example.com",
///   "phone": "+49 30 1234567", "name": "Jane Doe", "created_at": 1764097200000, "updated_at": 1764097200000, "submission_count": 1 }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookLead {
    /// Example: `"ld_4f3a9c0d2b1e8f7a6c5d4e3f2a1b0c9d"`.
    pub id: String,
    /// Example: `"demo"`.
    pub site_key: SiteKey,
    /// The form of its latest submission. Example: `"contact"`.
    pub form_id: String,
    /// The value of the form's first email field. Example: `"jane@example.com"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The value of the form's first phone field. Example: `"+49 30 1234567"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The value of a field named `name` or `full_name` (or first + last name). Example: `"Jane Doe"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Example: `1764097200000`.
    pub created_at: UnixMillis,
    /// Example: `1764097200000`.
    pub updated_at: UnixMillis,
    /// Submissions so far. Example: `1`.
    pub submission_count: u64,
}

/// A submission in a webhook.
///
/// ```json
/// { "id": "sub_9c0d2b1e8f7a6c5d4e3f2a1b0c9d4f3a", "created_at": 1764097200000, "source": "form", "page_url": "https://shop.example/quote",
///   "utm": { "source": "newsletter" }, "fields": { "email": "jane@example.com", "consent": true } }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSubmission {
    /// Example: `"sub_9c0d2b1e8f7a6c5d4e3f2a1b0c9d4f3a"`.
    pub id: String,
    /// Example: `1764097200000`.
    pub created_at: UnixMillis,
    /// `form` (a browser on the site) or `api` (an integration key). Example: `"form"`.
    pub source: String,
    /// Example: `"https://shop.example/quote"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
    /// Example: `"https://search.example/"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
    /// Example: `{ "source": "newsletter" }`.
    #[serde(default, skip_serializing_if = "Utm::is_empty")]
    pub utm: Utm,
    /// Every value as stored (visible and hidden fields).
    pub fields: BTreeMap<String, FieldValue>,
}

/// Scores of the linked session when the lead was captured (0 without a session).
///
/// ```json
/// { "engagement_score": 64, "engagement_reasons": [ { "reason": "scrolled", "points": 10 } ], "suspicion_score": 5, "suspicion_reasons": [] }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadScores {
    /// 0 to 100. Example: `64`.
    pub engagement_score: u32,
    /// Example: `[ { "reason": "scrolled", "points": 10 } ]`.
    pub engagement_reasons: Vec<ScoreReason>,
    /// 0 to 100. Example: `5`.
    pub suspicion_score: u32,
    /// Example: `[]`.
    pub suspicion_reasons: Vec<ScoreReason>,
}

/// Absolute links on the PulseGate deployment.
///
/// ```json
/// { "lead": "https://pulsegate.example/analytics/leads/ld_4f3a9c0d2b1e8f7a6c5d4e3f2a1b0c9d",
///   "replay": "https://pulsegate.example/replay?session=0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c",
///   "crm_callback": "https://pulsegate.example/lead.capture/crm-callback", "make_callback": "https://pulsegate.example/lead.capture/make-callback" }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadLinks {
    /// The lead in the dashboard API (`GET`, with a key).
    pub lead: String,
    /// The session's replay in the viewer, when the lead has a session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replay: Option<String>,
    /// Where the CRM posts its id for the lead (`CrmCallback`).
    pub crm_callback: String,
    /// Where the scenario posts its execution URL (`MakeCallback`).
    pub make_callback: String,
}

/// `data` of `lead.drought`: no lead (test leads and spam aside) arrived for `threshold_minutes`.
/// Sent once per drought; the next lead re-arms it.
///
/// ```json
/// { "last_lead_at": 1764083000000, "minutes_without_lead": 240, "threshold_minutes": 240 }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DroughtAlert {
    /// The newest lead's time (ms); absent when there was never one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_lead_at: Option<UnixMillis>,
    /// Minutes since then (or since the alert was configured). Example: `240`.
    pub minutes_without_lead: u64,
    /// The setting that was crossed. Example: `240`.
    pub threshold_minutes: u32,
}
