//! Success bodies the worker answers with.

use crate::prelude::*;
use serde::{Deserialize, Serialize};

/// Ingest accepted the request. `{"ok":true,"accepted":12}`
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    /// Always `true`; lets a client check one field.
    pub ok: bool,
    /// Number of events (or sessions) stored.
    pub accepted: u32,
}

/// `POST /track/session/start` accepted: [`Accepted`] plus what the tracker must know about the
/// installation for this session.
///
/// ```json
/// { "ok": true, "accepted": 1, "replay_sample_rate": 0.25 }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionAccepted {
    /// Always `true`.
    pub ok: bool,
    /// Always `1`.
    pub accepted: u32,
    /// Share of sessions, 0 to 1, that record a replay where the site's tag turns replay on and
    /// the consent tier allows it (AppSettings' `replay_sampling_rate`); a session is sampled in
    /// by its random id, so every page of it agrees. Example: `0.25`.
    pub replay_sample_rate: f64,
}

/// `GET /health`.
///
/// ```json
/// { "status": "ok", "version": "0.1.0", "schema_version": 1,
///   "checks": [ { "name": "d1", "ok": true, "ms": 3 }, { "name": "kv", "ok": true, "ms": 1 } ] }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// `"ok"` when every check passed, else `"degraded"`.
    pub status: String,
    /// The worker's crate version. Example: `"0.1.0"`.
    pub version: String,
    /// [`crate::SCHEMA_VERSION`] the worker speaks.
    pub schema_version: u32,
    /// One entry per storage binding, present with `?deep=1`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<HealthCheck>,
}

/// One binding's answer to the deep health check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthCheck {
    /// `"d1"`, `"kv"` or `"r2"`.
    pub name: String,
    /// Whether the binding answered.
    pub ok: bool,
    /// Round-trip time in ms.
    pub ms: u64,
    /// The failure, when `ok` is false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}
