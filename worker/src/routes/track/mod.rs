//! `POST /track/*`: the SDK's ingest endpoints. Each goes rate limiter → validator → handler →
//! services, as the spec draws it: the limiter's one D1 statement runs while the body is read,
//! and its verdict is applied first.

pub(crate) mod events;
pub(crate) mod limit;
pub(crate) mod session;

use pulsegate_schema::UnixMillis;
use worker::{Env, Request};

use crate::config::Config;
use crate::edge::EdgeFacts;
use crate::http::header;
use crate::ip_hash::ip_hash;
use crate::{bindings, clock, log};

/// Longest `User-Agent` stored, in bytes.
const MAX_USER_AGENT_LEN: usize = 512;

/// Header that makes the next R2 write fail for real (under the test harness only).
pub(crate) const TEST_FAULT_HEADER: &str = "x-pulsegate-test-fault";

/// What every ingest handler knows about its request before reading the body.
#[derive(Clone, Debug)]
pub(crate) struct TrackCtx {
    pub(crate) config: Config,
    pub(crate) now: UnixMillis,
    pub(crate) edge: EdgeFacts,
    pub(crate) salt: Option<String>,
    /// `sha256(salt:ip)`; `None` without a salt or an IP.
    pub(crate) ip_hash: Option<String>,
    pub(crate) user_agent: Option<String>,
    /// Test harness only: make the R2 write of this request fail (`r2`).
    pub(crate) fault_r2: bool,
}

impl TrackCtx {
    pub(crate) fn of(req: &Request, env: &Env) -> Self {
        let config = Config::from_env(env);
        let salt = env
            .secret(bindings::IP_HASH_SALT)
            .ok()
            .map(|s| s.to_string())
            .filter(|s| !s.is_empty());
        if salt.is_none() {
            log::config_once(
                bindings::IP_HASH_SALT,
                "is not set: ip_hash and cookieless visitor keys are stored as NULL and IP lists match by CIDR only",
            );
        }
        let edge = EdgeFacts::of(req, config.test_mode);
        let user_agent = header(req, "user-agent").map(|mut ua| {
            pulsegate_schema::limits::truncate(&mut ua, MAX_USER_AGENT_LEN);
            ua
        });
        Self {
            now: clock::now(req, env),
            ip_hash: ip_hash(salt.as_deref(), edge.ip.as_deref()),
            fault_r2: config.test_mode
                && header(req, TEST_FAULT_HEADER).is_some_and(|f| f.trim() == "r2"),
            config,
            edge,
            salt,
            user_agent,
        }
    }
}
