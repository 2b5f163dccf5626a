//! `fingerprints` and `identity_network` (migration 0004, spec `fingerprintService` and
//! `identityService`): one upsert each per new session that carries a fingerprint, then the
//! counts the suspicion score reads (one fingerprint across many IPs or countries, many
//! fingerprints behind one IP). Only salted IP hashes are stored.

use pulsegate_schema::{BotSignal, UnixMillis};
use serde::Deserialize;

use super::d1::{Db, Kind, num, opt_num, opt_text, text};
use crate::error::ApiError;
use crate::net::asn;

/// The window of the "many IPs / countries / fingerprints" counts.
pub(crate) const COUNT_WINDOW_MS: u64 = 24 * 3_600_000;
/// "Another country within the hour": faster than anyone travels between countries that far.
pub(crate) const HOP_WINDOW_MS: u64 = 3_600_000;

/// One session's sighting of a fingerprint.
#[derive(Debug)]
pub(crate) struct Sighting<'a> {
    pub(crate) session_id: &'a str,
    pub(crate) fingerprint: &'a str,
    pub(crate) confidence: u8,
    pub(crate) signals: &'a [BotSignal],
    pub(crate) ip_hash: &'a str,
    pub(crate) asn: Option<u32>,
    pub(crate) country: Option<&'a str>,
    pub(crate) network: Option<asn::Kind>,
    pub(crate) now: UnixMillis,
}

/// What the identity network says about the sighting's fingerprint and IP, after recording it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub(crate) struct Counts {
    pub(crate) fp_ips_24h: u32,
    pub(crate) fp_countries_24h: u32,
    pub(crate) fp_country_hop: u8,
    pub(crate) ip_fingerprints_24h: u32,
    /// The session's densest second so far (an aggregate update may have run already).
    pub(crate) peak: Option<u32>,
}

const UPSERT_FINGERPRINT: &str = "INSERT INTO fingerprints
    (id, first_seen_at, last_seen_at, sessions, last_confidence, signals,
     bot_sessions, hosting_sessions, vpn_sessions, relay_sessions, is_vpn)
  VALUES (?1, ?2, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
  ON CONFLICT (id) DO UPDATE SET
    last_seen_at = max(last_seen_at, excluded.last_seen_at),
    sessions = sessions + 1,
    last_confidence = excluded.last_confidence,
    signals = (SELECT json_group_array(value) FROM (
      SELECT value FROM json_each(fingerprints.signals)
      UNION SELECT value FROM json_each(excluded.signals) ORDER BY value)),
    bot_sessions = bot_sessions + excluded.bot_sessions,
    hosting_sessions = hosting_sessions + excluded.hosting_sessions,
    vpn_sessions = vpn_sessions + excluded.vpn_sessions,
    relay_sessions = relay_sessions + excluded.relay_sessions,
    is_vpn = max(is_vpn, excluded.is_vpn)";

const UPSERT_IDENTITY: &str = "INSERT INTO identity_network
    (fingerprint_id, ip_hash, asn, country, sessions, first_seen_at, last_seen_at)
  VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5)
  ON CONFLICT (fingerprint_id, ip_hash) DO UPDATE SET
    asn = excluded.asn, country = excluded.country, sessions = sessions + 1,
    last_seen_at = max(last_seen_at, excluded.last_seen_at)";

const COUNTS: &str = "SELECT
    (SELECT count(*) FROM identity_network
      WHERE fingerprint_id = ?1 AND last_seen_at >= ?3) AS fp_ips_24h,
    (SELECT count(DISTINCT country) FROM identity_network
      WHERE fingerprint_id = ?1 AND last_seen_at >= ?3) AS fp_countries_24h,
    (?5 IS NOT NULL AND EXISTS (SELECT 1 FROM identity_network
      WHERE fingerprint_id = ?1 AND country IS NOT NULL AND country <> ?5
        AND last_seen_at >= ?4)) AS fp_country_hop,
    (SELECT count(DISTINCT fingerprint_id) FROM identity_network
      WHERE ip_hash = ?2 AND last_seen_at >= ?3) AS ip_fingerprints_24h,
    (SELECT peak_events_per_s FROM sessions WHERE id = ?6) AS peak";

/// Records the sighting (fingerprint upsert, identity-network upsert) and reads the counts, in
/// one transaction.
pub(crate) async fn record(db: &Db, s: &Sighting<'_>) -> Result<Counts, ApiError> {
    let mut signals: Vec<&str> = s.signals.iter().map(|b| b.as_str()).collect();
    signals.sort_unstable();
    signals.dedup();
    let flag = |kinds: &[asn::Kind]| num(u64::from(s.network.is_some_and(|k| kinds.contains(&k))));
    let fingerprint = [
        text(s.fingerprint),
        num(s.now),
        num(u64::from(s.confidence)),
        text(&serde_json::to_string(&signals).unwrap_or_else(|_| "[]".to_owned())),
        num(u64::from(!s.signals.is_empty())),
        flag(&[asn::Kind::Hosting]),
        flag(&[asn::Kind::Vpn, asn::Kind::Tor]),
        flag(&[asn::Kind::Relay]),
        flag(&[asn::Kind::Vpn, asn::Kind::Tor, asn::Kind::Hosting]),
    ];
    let identity = [
        text(s.fingerprint),
        text(s.ip_hash),
        opt_num(s.asn.map(u64::from)),
        opt_text(s.country),
        num(s.now),
    ];
    let counts = [
        text(s.fingerprint),
        text(s.ip_hash),
        num(s.now.saturating_sub(COUNT_WINDOW_MS)),
        num(s.now.saturating_sub(HOP_WINDOW_MS)),
        opt_text(s.country),
        text(s.session_id),
    ];
    let results = db
        .batch(
            "d1 record identity",
            vec![
                db.statement(Kind::Write, UPSERT_FINGERPRINT, &fingerprint)?,
                db.statement(Kind::Write, UPSERT_IDENTITY, &identity)?,
                db.statement(Kind::Read, COUNTS, &counts)?,
            ],
        )
        .await?;
    let rows = results
        .get(2)
        .map(|r| r.results::<Counts>())
        .transpose()
        .map_err(|e| ApiError::storage("d1 read identity counts", e))?;
    Ok(rows.and_then(|r| r.into_iter().next()).unwrap_or_default())
}

/// Stores the identity counts and the suspicion score they led to on the session, and the
/// fingerprint's worst score and fraud flag (a session at 70 or more).
pub(crate) async fn store_scores(
    db: &Db,
    s: &Sighting<'_>,
    counts: &Counts,
    suspicion_score: u8,
    suspicion_reasons: &str,
) -> Result<(), ApiError> {
    const SESSION: &str = "UPDATE sessions SET fp_ips_24h = ?2, fp_countries_24h = ?3,
        fp_country_hop = ?4, ip_fingerprints_24h = ?5, suspicion_score = ?6,
        suspicion_reasons = ?7 WHERE id = ?1";
    const FINGERPRINT: &str = "UPDATE fingerprints SET max_suspicion = max(max_suspicion, ?2),
        is_fraud = max(is_fraud, ?3) WHERE id = ?1";
    let session = [
        text(s.session_id),
        num(u64::from(counts.fp_ips_24h)),
        num(u64::from(counts.fp_countries_24h)),
        num(u64::from(counts.fp_country_hop)),
        num(u64::from(counts.ip_fingerprints_24h)),
        num(u64::from(suspicion_score)),
        text(suspicion_reasons),
    ];
    let fingerprint = [
        text(s.fingerprint),
        num(u64::from(suspicion_score)),
        num(u64::from(suspicion_score >= 70)),
    ];
    db.batch(
        "d1 store identity scores",
        vec![
            db.statement(Kind::Write, SESSION, &session)?,
            db.statement(Kind::Write, FINGERPRINT, &fingerprint)?,
        ],
    )
    .await?;
    Ok(())
}
