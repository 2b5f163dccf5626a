//! After a new session start with a fingerprint (in `ctx.wait_until`, spec order: identity
//! network first): record the fingerprint and its link to the salted IP hash, ASN and country,
//! then re-score the session's suspicion with what the identity network now says.

use pulsegate_schema::{BotSignal, UnixMillis};
use serde::Serialize;
use worker::Env;

use crate::error::ApiError;
use crate::log::{self, Level, now_ms};
use crate::net::asn;
use crate::store::d1::{Db, Stats};
use crate::store::identity::{self, Sighting};
use crate::track::scoring::{self, Suspicion};

/// What the job needs, owned (it outlives the request).
#[derive(Clone, Debug)]
pub(crate) struct NewSighting {
    pub(crate) session_id: String,
    pub(crate) fingerprint: String,
    pub(crate) confidence: u8,
    pub(crate) bot: Vec<BotSignal>,
    pub(crate) ip_hash: String,
    pub(crate) asn: Option<u32>,
    pub(crate) country: Option<String>,
    pub(crate) network: Option<asn::Kind>,
    pub(crate) timezone_mismatch: bool,
    pub(crate) now: UnixMillis,
}

/// Runs the job and logs its outcome; failures never reach the client.
pub(crate) async fn after_start(env: Env, s: NewSighting) {
    let stats = Stats::new();
    let started = now_ms();
    let result = run(&env, &s, &stats).await;
    #[derive(Serialize)]
    struct Line<'a> {
        session_id: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        suspicion: Option<u8>,
        d1_writes: u32,
        ms: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<&'a str>,
    }
    let (level, suspicion, error) = match &result {
        Ok(score) => (Level::Info, Some(*score), None),
        Err(e) => (Level::Error, None, Some(e.detail().unwrap_or("failed"))),
    };
    log::job(
        level,
        "identity",
        Line {
            session_id: &s.session_id,
            suspicion,
            d1_writes: stats.d1_writes(),
            ms: now_ms().saturating_sub(started),
            error,
        },
    );
}

async fn run(env: &Env, s: &NewSighting, stats: &std::rc::Rc<Stats>) -> Result<u8, ApiError> {
    let db = Db::open(env, stats.clone())?;
    let sighting = Sighting {
        session_id: &s.session_id,
        fingerprint: &s.fingerprint,
        confidence: s.confidence,
        signals: &s.bot,
        ip_hash: &s.ip_hash,
        asn: s.asn,
        country: s.country.as_deref(),
        network: s.network,
        now: s.now,
    };
    let counts = identity::record(&db, &sighting).await?;
    let score = scoring::suspicion(&Suspicion {
        bot: &s.bot,
        network: s.network,
        timezone_mismatch: s.timezone_mismatch,
        peak_per_s: counts.peak.unwrap_or(0),
        fp_ips_24h: Some(counts.fp_ips_24h),
        fp_countries_24h: Some(counts.fp_countries_24h),
        fp_country_hop: counts.fp_country_hop == 1,
        ip_fingerprints_24h: Some(counts.ip_fingerprints_24h),
    });
    identity::store_scores(&db, &sighting, &counts, score.score, &score.reasons_json()).await?;
    Ok(score.score)
}
