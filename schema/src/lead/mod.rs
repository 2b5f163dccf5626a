//! Lead capture's wire types: the form the builder renders (`GET /forms/config`), the submission
//! it sends (`POST /lead.capture`) with the one rule set both sides check it with, the callbacks
//! the CRM side posts back, and the signed webhooks PulseGate sends.

pub(crate) mod callbacks;
pub(crate) mod capture;
pub(crate) mod config;
pub(crate) mod fill;
pub mod locale;
pub mod rules;
pub(crate) mod webhook;

pub use callbacks::{
    CrmActivityEvent, CrmCallback, MAX_CALLBACK_BODY_BYTES, MAX_CRM_ID_LEN, MakeCallback,
    is_lead_id,
};
pub use capture::{
    FieldValue, LeadAccepted, LeadSubmission, MAX_IDEMPOTENCY_KEY_LEN, MAX_LEAD_BODY_BYTES,
    MAX_SUBMITTED_FIELDS, check_fields, check_fields_in, is_idempotency_key,
};
pub use config::{FormConfig, MIN_FILL_MS, locale_for};
pub use fill::{FillSignals, add_suspicion, fast_fill_reasons};
pub use locale::{FormMessages, is_language_tag};
pub use rules::{Problem, is_date, is_email, is_number, is_tel};
pub use webhook::{
    DroughtAlert, LeadEvent, LeadLinks, LeadScores, WebhookLead, WebhookMessage, WebhookSubmission,
    WebhookType,
};
