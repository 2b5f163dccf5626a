//! `POST /track/*`: the SDK's ingest endpoints. Each goes rate limiter → validator → handler →
//! services, as the spec draws it: the limiter's one D1 statement runs while the body is read,
//! and its verdict is applied first.

pub(crate) mod events;
#[cfg(feature = "bench-floor")]
pub(crate) mod floor;
pub(crate) mod limit;
pub(crate) mod session;

use std::rc::Rc;

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
    /// The vars, parsed once per isolate ([`Settings`]).
    pub(crate) config: Rc<Config>,
    pub(crate) now: UnixMillis,
    /// Only `ip` for an event batch ([`TrackCtx::for_events`]).
    pub(crate) edge: EdgeFacts,
    pub(crate) salt: Option<Rc<str>>,
    /// `sha256(salt:ip)`; `None` without a salt or an IP.
    pub(crate) ip_hash: Option<String>,
    /// `None` for an event batch ([`TrackCtx::for_events`]).
    pub(crate) user_agent: Option<String>,
    /// Test harness only: make the R2 write of this request fail (`r2`).
    pub(crate) fault_r2: bool,
}

impl TrackCtx {
    /// Everything: the edge's facts and the `User-Agent` included.
    pub(crate) fn of(req: &Request, env: &Env) -> Self {
        Self::read(req, env, true)
    }

    /// What an event batch needs: the client's IP (for the limiter) but not the rest of the
    /// edge's facts nor the `User-Agent`, which only a session start stores. Reading
    /// `request.cf` field by field is a dozen JavaScript↔wasm crossings per request.
    pub(crate) fn for_events(req: &Request, env: &Env) -> Self {
        Self::read(req, env, false)
    }

    fn read(req: &Request, env: &Env, everything: bool) -> Self {
        let Settings { config, salt } = Settings::of(env);
        let edge = if everything {
            EdgeFacts::of(req, config.test_mode)
        } else {
            EdgeFacts { ip: EdgeFacts::ip_of(req), ..EdgeFacts::default() }
        };
        let user_agent = everything.then(|| header(req, "user-agent")).flatten().map(|mut ua| {
            pulsegate_schema::limits::truncate(&mut ua, MAX_USER_AGENT_LEN);
            ua
        });
        // The test clock's var is part of the parsed config: only its header is read here.
        let test_now = config.test_mode.then(|| header(req, clock::TEST_CLOCK_HEADER)).flatten();
        Self {
            now: clock::choose(config.test_mode, test_now.as_deref(), clock::system_now()),
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

/// What ingest reads from `env` that cannot change while an isolate lives (vars and secrets are
/// fixed per deployed version, and a new version starts new isolates): the parsed vars and the
/// IP-hash salt. Read and parsed on the isolate's first ingest request instead of on every one
/// (about a dozen `env` lookups, each a few JavaScript↔wasm crossings, per request before).
#[derive(Clone)]
struct Settings {
    config: Rc<Config>,
    salt: Option<Rc<str>>,
}

thread_local! {
    static SETTINGS: std::cell::OnceCell<Settings> = const { std::cell::OnceCell::new() };
}

impl Settings {
    fn of(env: &Env) -> Self {
        SETTINGS.with(|cell| cell.get_or_init(|| Self::read(env)).clone())
    }

    fn read(env: &Env) -> Self {
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
        Self { config: Rc::new(Config::from_env(env)), salt: salt.map(Rc::from) }
    }
}
