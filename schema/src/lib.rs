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
//! Every failure is answered with an [`ErrorBody`]:
//! `{"error":{"code":"invalid_field","message":"must be at most 2048 bytes","field":"events[0].url"}}`.

mod batch;
mod consent;
mod error;
mod event;
mod fingerprint;
mod ids;
pub mod limits;
pub mod replay;
mod response;
mod session;
mod validate;

pub use batch::EventBatch;
pub use consent::ConsentTier;
pub use error::{ErrorBody, ErrorCode, ErrorDetail};
pub use event::{
    Click, Custom, EngagementTime, ErrorEvent, Event, FormAction, FormInteraction, Identify,
    Pageview, PropValue, Props, RageClick, Scroll,
};
pub use fingerprint::{BotSignal, Fingerprint, FingerprintId, InvalidFingerprintId};
pub use ids::{BatchId, InvalidSiteKey, SessionId, SiteKey, VisitorId};
pub use replay::ReplayBatch;
pub use response::{Accepted, Health, HealthCheck};
pub use session::{Device, DeviceClass, PageContext, SessionEnd, SessionStart, Utm};
pub use validate::{Invalid, Validate, is_web_url};

/// Milliseconds since the Unix epoch (UTC), as `Date.now()` returns them.
pub type UnixMillis = u64;

/// Version of this wire format; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;
