//! The webhook outbox as the admin sees it (page `settings`): `GET /analytics/webhooks/outbox`,
//! `GET /analytics/webhooks/dead-letters`, `POST /analytics/webhooks/dead-letters/{id}/resend`.
//! A lead's detail lists its own messages the same way.

use crate::prelude::*;

use serde::{Deserialize, Serialize};

use crate::UnixMillis;
use crate::lead::WebhookType;

/// Where a webhook message is.
///
/// JSON: `"pending"`
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// In the outbox: the next attempt is due at `next_attempt_at`.
    Pending,
    /// Accepted by the receiver (`MakeWebhookSends`).
    Delivered,
    /// Every attempt failed, or the receiver refused it for good (a 4xx): kept for a re-send.
    Dead,
}

/// One webhook message and its delivery.
///
/// ```json
/// { "id": "msg_9c0d2b1e8f7a6c5d4e3f2a1b0c9d4f3a", "type": "lead.created", "state": "pending",
///   "lead_id": "ld_4f3a9c0d2b1e8f7a6c5d4e3f2a1b0c9d", "created_at": 1764097200000, "attempts": 2,
///   "next_attempt_at": 1764097560000, "last_attempt_at": 1764097260000, "last_status": 503,
///   "last_error": "HTTP 503", "log": [ { "at": 1764097200100, "status": 500, "ms": 41 },
///   { "at": 1764097260000, "status": 503, "ms": 38, "error": "HTTP 503" } ] }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookDelivery {
    /// The `webhook-id` header, the same on every attempt. Example: `"msg_9c0d2b1e8f7a6c5d4e3f2a1b0c9d4f3a"`.
    pub id: String,
    /// Example: `"lead.created"`.
    #[serde(rename = "type")]
    pub kind: WebhookType,
    /// Example: `"pending"`.
    pub state: DeliveryState,
    /// The lead it is about (none for a drought alert).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_id: Option<String>,
    /// Example: `1764097200000`.
    pub created_at: UnixMillis,
    /// Attempts made. Example: `2`.
    pub attempts: u32,
    /// Pending only. Example: `1764097560000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<UnixMillis>,
    /// Example: `1764097260000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempt_at: Option<UnixMillis>,
    /// The last attempt's HTTP status (absent after a network error or timeout). Example: `503`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status: Option<u16>,
    /// Why the last attempt failed. Example: `"HTTP 503"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// Delivered only: when. Example: `1764097800000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<UnixMillis>,
    /// Delivered only: the Make execution that handled it (from the make callback).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_url: Option<String>,
    /// Dead only: when it was given up. Example: `1764180000000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead_at: Option<UnixMillis>,
    /// Every attempt, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub log: Vec<DeliveryAttempt>,
}

/// One attempt at delivering a message (`WebhookAttempts`).
///
/// ```json
/// { "at": 1764097260000, "status": 503, "ms": 38, "error": "HTTP 503" }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryAttempt {
    /// Example: `1764097260000`.
    pub at: UnixMillis,
    /// The receiver's HTTP status; absent after a network error or timeout. Example: `503`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// How long the attempt took. Example: `38`.
    pub ms: u64,
    /// Why it failed. Example: `"HTTP 503"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `GET /analytics/webhooks/outbox` and `GET /analytics/webhooks/dead-letters`: oldest first, at
/// most `limit` (default 100, at most 500).
///
/// ```json
/// { "messages": [ { "id": "msg_9c0d2b1e8f7a6c5d4e3f2a1b0c9d4f3a", "type": "lead.created", "state": "dead", "…": "…" } ] }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookList {
    /// Oldest first.
    pub messages: Vec<WebhookDelivery>,
}
