//! Signed webhooks (spec `lib/webhook.ts`): Standard Webhooks signatures ([`sign`]), the retry
//! schedule ([`backoff`]), the message bodies ([`payload`]) and one HTTP attempt ([`send`]). The
//! outbox that drives them lives in D1 (`store/outbox.rs`, `jobs/outbox.rs`).

pub(crate) mod backoff;
pub(crate) mod payload;
pub(crate) mod send;
pub(crate) mod sign;
