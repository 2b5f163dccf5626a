//! Names of the bindings, secrets and vars declared in wrangler.toml (and the architecture spec).

/// D1: sessions, leads, settings and every other table.
pub const DB: &str = "DB";
/// KV: rate counters, IP/ASN tracking, session throttle.
pub const TRACKING_KV: &str = "TRACKING_KV";
/// R2: raw session events and replay data (`sessions/YYYY/MM/DD/…`).
pub const TRACKING_R2: &str = "TRACKING_R2";
/// Analytics Engine: lead submissions (optional binding).
pub const LEAD_ANALYTICS: &str = "LEAD_ANALYTICS";

/// Secret: the admin API key.
pub const ANALYTICS_API_KEY: &str = "ANALYTICS_API_KEY";
/// Secret (optional): the legacy marketing API key.
pub const ANALYTICS_MARKETING_API_KEY: &str = "ANALYTICS_MARKETING_API_KEY";
/// Secret: authenticates Make.com's callback after a CRM create.
pub const CRM_CALLBACK_SECRET: &str = "CRM_CALLBACK_SECRET";
/// Secret (optional): authenticates incoming CRM webhooks; falls back to [`CRM_CALLBACK_SECRET`].
pub const CRM_WEBHOOK_SECRET: &str = "CRM_WEBHOOK_SECRET";
/// Secret: salt for visitor IP hashes.
pub const IP_HASH_SALT: &str = "IP_HASH_SALT";

/// Var: `development` or `production`.
pub const PULSEGATE_ENV: &str = "PULSEGATE_ENV";
