//! Bodies of the authenticated replay API (`GET /replay/sessions`, `/replay/sessions/{id}`,
//! `/replay/sessions/{id}/events`).

use crate::prelude::*;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{SessionId, UnixMillis};

/// One recorded session in a list.
///
/// JSON: `{"id":"0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c","site_key":"demo","started_at":1764097200000,"duration_ms":95000,"landing_path":"/pricing","exit_path":"/signup","country":"DE","device_class":"desktop","browser":"Chrome","page_views":3,"clicks":7,"rage_clicks":0,"errors":0,"form_submits":1,"engagement_score":72,"suspicion_score":5,"lead_count":1}`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplaySessionSummary {
    /// The session. Example: `"0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c"`.
    pub id: SessionId,
    /// Example: `"demo"`.
    pub site_key: String,
    /// Client clock, ms. Example: `1764097200000`.
    pub started_at: UnixMillis,
    /// Example: `95000`.
    pub duration_ms: u64,
    /// Example: `"/pricing"`.
    pub landing_path: Option<String>,
    /// Example: `"/signup"`.
    pub exit_path: Option<String>,
    /// Example: `"DE"`.
    pub country: Option<String>,
    /// `desktop`, `mobile` or `tablet`. Example: `"desktop"`.
    pub device_class: Option<String>,
    /// Example: `"Chrome"`.
    pub browser: Option<String>,
    /// Example: `3`.
    pub page_views: u32,
    /// Example: `7`.
    pub clicks: u32,
    /// Example: `0`.
    pub rage_clicks: u32,
    /// Example: `0`.
    pub errors: u32,
    /// Example: `1`.
    pub form_submits: u32,
    /// 0–100. Example: `72`.
    pub engagement_score: u32,
    /// 0–100. Example: `5`.
    pub suspicion_score: u32,
    /// Leads captured in this session (`/lead.capture` with its session id). Example: `1`.
    pub lead_count: u32,
}

/// A page of recorded sessions, newest first.
///
/// JSON: `{"sessions":[…],"next_cursor":"1764097200000.0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c"}`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplaySessionList {
    /// See [`ReplaySessionSummary`].
    pub sessions: Vec<ReplaySessionSummary>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// One session's facts and scores, beside its player.
///
/// JSON: `{"session":{…summary…},"landing_url":"https://shop.example/pricing","referrer":"https://search.example/","os":"macOS","utm":{"source":"newsletter"},"form_starts":1,"custom_events":0,"engagement_reasons":[{"reason":"form_submit","points":30}],"suspicion_reasons":[],"engaged_ms":42000,"lead_ids":["ld_4f3a9c0e1b2d4e6f8a0b1c2d3e4f5a6b"]}`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplaySessionDetail {
    /// The list fields.
    pub session: ReplaySessionSummary,
    /// Example: `"https://shop.example/pricing"`.
    pub landing_url: String,
    /// Example: `"https://search.example/"`.
    pub referrer: Option<String>,
    /// Example: `"macOS"`.
    pub os: Option<String>,
    /// UTM parameters of the landing page (absent ones left out). Example: `{"source":"newsletter"}`.
    pub utm: serde_json::Map<String, Value>,
    /// Example: `1`.
    pub form_starts: u32,
    /// Example: `0`.
    pub custom_events: u32,
    /// Example: `42000`.
    pub engaged_ms: u64,
    /// What raised the engagement score. Example: `[{"reason":"form_submit","points":30}]`.
    pub engagement_reasons: Value,
    /// What raised the suspicion score. Example: `[]`.
    pub suspicion_reasons: Value,
    /// The leads captured in this session, oldest first (`/analytics/leads/{id}`). Example:
    /// `["ld_4f3a9c0e1b2d4e6f8a0b1c2d3e4f5a6b"]`.
    pub lead_ids: Vec<String>,
}

/// One time window of a session's recording: rrweb events (the tracker's own events included as
/// rrweb Custom events, tag `pulsegate.<type>`) merged by timestamp.
///
/// JSON: `{"from":1764097200000,"to":1764099000000,"events":[…],"next":null}`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplayEventsPage {
    /// Window start, inclusive, ms. Example: `1764097200000`.
    pub from: UnixMillis,
    /// Window end, exclusive, ms. Example: `1764099000000`.
    pub to: UnixMillis,
    /// The events in the window, oldest first (see [`super::ReplayEvent`]).
    pub events: Vec<Value>,
    /// `from` of the next window when later events exist, else `null`. Example: `null`.
    pub next: Option<UnixMillis>,
}

/// A lead captured during a recorded session: stored beside the recording (R2,
/// `events/{ts:013}-{submission_id}.lead.json`) when `/lead.capture` links a session, and
/// returned in [`ReplayEventsPage::events`] as an rrweb Custom event tagged `pulsegate.lead`
/// with this as its payload, so the player's timeline marks the moment the visitor became a lead.
///
/// JSON: `{"lead_id":"ld_4f3a9c0e1b2d4e6f8a0b1c2d3e4f5a6b","submission_id":"sub_0a1b2c3d4e5f60718293a4b5c6d7e8f9","form_id":"quote","ts":1764097260000,"test":false}`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadMarker {
    /// The lead (`/analytics/leads/{id}`). Example: `"ld_4f3a9c0e1b2d4e6f8a0b1c2d3e4f5a6b"`.
    pub lead_id: String,
    /// This submission of it. Example: `"sub_0a1b2c3d4e5f60718293a4b5c6d7e8f9"`.
    pub submission_id: String,
    /// The form it came from. Example: `"quote"`.
    pub form_id: String,
    /// When the worker received it, ms. Example: `1764097260000`.
    pub ts: UnixMillis,
    /// A test lead (matched a `TestingLeads` rule; never sent to webhooks). Example: `false`.
    pub test: bool,
}
