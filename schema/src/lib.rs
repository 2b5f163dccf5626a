//! The PulseGate wire format: every JSON body the SDK sends and the worker answers with.
//!
//! This crate is pure serde (no I/O, no wasm-bindgen), compiled into both the browser SDK and the
//! worker, so the two cannot disagree about a field name. The [`limits`] module holds the sizes the
//! SDK truncates to and the worker enforces.
//!
//! # Protocol
//!
//! A page load opens a session once, then sends batches of events:
//!
//! `POST /track/session/start` with a [`SessionStart`]:
//!
//! ```json
//! {
//!   "session_id": "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c",
//!   "site_key": "demo",
//!   "started_at": 1764097200000,
//!   "page": { "url": "https://shop.example/pricing", "referrer": "https://search.example/", "title": "Pricing" },
//!   "device": { "language": "en-US", "timezone": "Europe/Berlin", "screen_width": 1920, "screen_height": 1080,
//!               "viewport_width": 1280, "viewport_height": 720, "pixel_ratio": 2.0 }
//! }
//! ```
//!
//! `POST /track/events/batch` with an [`EventBatch`]:
//!
//! ```json
//! {
//!   "batch_id": "7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
//!   "session_id": "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c",
//!   "session_started_at": 1764097200000,
//!   "sent_at": 1764097205000,
//!   "events": [ { "type": "pageview", "ts": 1764097200012, "url": "https://shop.example/pricing", "title": "Pricing" } ]
//! }
//! ```
//!
//! `POST /track/event` takes one event in the same envelope ([`SingleEvent`], `"event"` instead
//! of `"events"`), and `POST /track/session/end` closes the session ([`SessionEnd`]). Every
//! accepted request is answered `202` with an [`Accepted`] body.
//!
//! Every failure is answered with an [`ErrorBody`]:
//! `{"error":{"code":"invalid_field","message":"must be at most 2048 bytes","field":"events[0].url"}}`.

#![no_std]

extern crate alloc;
// The unit tests use serde_json and proptest, which need std.
#[cfg(test)]
extern crate std;

/// `alloc` items every module uses; the crate is `no_std` so that the browser SDK, which links it,
/// carries no std runtime (panic machinery, thread locals): `use crate::prelude::*;` in each module.
mod prelude {
    pub(crate) use alloc::borrow::ToOwned;
    pub(crate) use alloc::format;
    pub(crate) use alloc::string::{String, ToString};
    pub(crate) use alloc::vec;
    pub(crate) use alloc::vec::Vec;
}

mod batch;
mod consent;
mod dashboard;
mod error;
mod event;
mod fingerprint;
mod ids;
mod json_text;
pub mod lead;
pub mod limits;
#[cfg(feature = "replay")]
pub mod replay;
mod response;
mod session;
pub mod strict;
mod validate;

pub use batch::{EventBatch, SingleEvent};
pub use consent::ConsentTier;
pub use dashboard::analytics::{
    BotFilter, Breakdown, BreakdownRow, CampaignRow, CampaignsReport, EventCount, EventSummary,
    EventsReport, Interval, Overview, PageRow, PageVisit, PagesReport, PropertyCount, ReportRange,
    ScoreReason, SeriesPoint, SessionDetail, SessionRecord, SessionSummary, SessionsPage,
    StorageReads, TimeSeries,
};
pub use dashboard::forms::{
    FieldOption, FieldTexts, FieldType, Form, FormDefinition, FormField, FormList, FormTexts,
    HiddenField, HiddenSource, is_form_id,
};
pub use dashboard::ip_lists::{
    IpEntry, IpEntryList, NewIpEntry, NewTestingRule, TestingRule, TestingRuleList,
};
pub use dashboard::keys::{
    CreatedIntegration, CreatedMarketingKey, Integration, IntegrationList, MarketingKey,
    MarketingKeyList, MarketingKeyUpdate, NewIntegration, NewMarketingKey,
};
pub use dashboard::leads::{
    BlockedLead, BlockedLeadsPage, CrmActivity, LeadDetail, LeadSubmissionRecord, LeadSummary,
    LeadsPage, LinkedSession,
};
pub use dashboard::me::{KeyRef, Me, SiteSummary};
pub use dashboard::pages::{DashboardPage, PageAccess, Role};
pub use dashboard::settings::{
    AppSettings, BotDetection, LeadDroughtAlert, MakeSettings, SettingsDocument,
    WEBHOOK_SECRET_PREFIX, is_secure_url, is_webhook_secret,
};
pub use dashboard::sites::{
    DomainPattern, NewSite, Site, SiteList, SiteUpdate, domain_allowed, is_timezone_name,
    origin_host,
};
pub use dashboard::webhooks::{DeliveryAttempt, DeliveryState, WebhookDelivery, WebhookList};
pub use error::{ErrorBody, ErrorCode, ErrorDetail};
pub use event::{
    Click, Custom, EngagementTime, ErrorEvent, Event, FormAction, FormInteraction, Identify,
    Pageview, PropValue, Props, RageClick, Scroll,
};
pub use fingerprint::{BotSignal, Fingerprint, FingerprintId, InvalidFingerprintId};
pub use ids::{BatchId, InvalidSiteKey, KeyId, SessionId, SiteKey, VisitorId};
pub use json_text::push_json_string;
#[cfg(feature = "replay")]
pub use replay::ReplayBatch;
pub use response::{Accepted, Health, HealthCheck, SessionAccepted};
pub use session::{Device, DeviceClass, PageContext, SessionEnd, SessionStart, Utm};
pub use validate::{Invalid, Validate, is_web_url};

/// Milliseconds since the Unix epoch (UTC), as `Date.now()` returns them.
pub type UnixMillis = u64;

/// Version of this wire format; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;
