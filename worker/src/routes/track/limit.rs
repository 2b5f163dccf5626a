//! Applies the rate limiter's verdict: `403` for `BlockedIPs`, no limit for `WhitelistedIPs`,
//! `429` with `Retry-After` past the family's limit. The limiter fails open: if D1 cannot count,
//! the request goes through (and the failure is logged), because losing a visitor's events is
//! worse than a flood the next window stops.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::TrackCtx;
use crate::config::Family;
use crate::error::ApiError;
use crate::ip_hash::hex;
use crate::log::{self, Level};
use crate::net::ip;
use crate::store::d1::Db;
use crate::store::rate_limit::{self, Verdict};

/// Counts the request and decides. `db` is `None` when the D1 binding is missing (fail open).
pub(crate) async fn check(db: Option<&Db>, ctx: &TrackCtx, family: Family) -> Result<(), ApiError> {
    let Some((db, hit)) = Hit::of(db, ctx, family) else { return Ok(()) };
    let verdict = rate_limit::hit(db, &hit.key, hit.window, &hit.hash, hit.ip_hex.as_deref()).await;
    hit.conclude(verdict, ctx, family)
}

/// [`check`] with the statement made in `shape` (`cargo xtask bench ingest --floor`).
#[cfg(feature = "bench-floor")]
pub(crate) async fn check_as(
    shape: rate_limit::Shape,
    db: Option<&Db>,
    ctx: &TrackCtx,
    family: Family,
) -> Result<(), ApiError> {
    let Some((db, hit)) = Hit::of(db, ctx, family) else { return Ok(()) };
    let verdict =
        rate_limit::hit_as(shape, db, &hit.key, hit.window, &hit.hash, hit.ip_hex.as_deref()).await;
    hit.conclude(verdict, ctx, family)
}

/// What the limiter's statement counts: the window of `{family}:{ip_hash}`.
struct Hit {
    key: String,
    window: u64,
    hash: String,
    ip_hex: Option<String>,
    limit: u32,
    window_ms: u64,
}

impl Hit {
    /// `None` without a D1 binding or a client IP: nothing to count, the request goes through.
    fn of<'a>(db: Option<&'a Db>, ctx: &TrackCtx, family: Family) -> Option<(&'a Db, Self)> {
        let (db, ip) = (db?, ctx.edge.ip.as_deref()?);
        let limit = ctx.config.limit(family);
        // Without IP_HASH_SALT the window is still keyed by a hash, never by the raw IP.
        let hash = ctx.ip_hash.clone().unwrap_or_else(|| unsalted(ip));
        let key = format!("{}:{hash}", family.as_str());
        let window_ms = limit.window_ms();
        let hit = Self {
            key,
            window: rate_limit::window_start(ctx.now, window_ms),
            hash,
            ip_hex: ip::to_hex(ip),
            limit: limit.limit,
            window_ms,
        };
        Some((db, hit))
    }

    /// The verdict applied; a failed statement fails open (and is logged).
    fn conclude(
        self,
        verdict: Result<Verdict, ApiError>,
        ctx: &TrackCtx,
        family: Family,
    ) -> Result<(), ApiError> {
        match verdict {
            Ok(verdict) => decide(verdict, self.limit, ctx.now, self.window_ms),
            Err(e) => {
                #[derive(Serialize)]
                struct Line<'a> {
                    family: &'a str,
                    fail_open: bool,
                    error: &'a str,
                }
                let error = e.detail().unwrap_or("failed");
                log::job(
                    Level::Error,
                    "rate_limit",
                    Line { family: family.as_str(), fail_open: true, error },
                );
                Ok(())
            }
        }
    }
}

/// The pure decision.
pub(crate) fn decide(
    verdict: Verdict,
    limit: u32,
    now: u64,
    window_ms: u64,
) -> Result<(), ApiError> {
    if verdict.blocked != 0 {
        Err(ApiError::Forbidden("requests from this address are blocked".to_owned()))
    } else if verdict.allowed != 0 || verdict.count <= limit {
        Ok(())
    } else {
        Err(ApiError::RateLimited { retry_after_s: rate_limit::retry_after_s(now, window_ms) })
    }
}

fn unsalted(ip: &str) -> String {
    hex(&Sha256::digest(format!("rate-limit:{ip}").as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(count: u32, allowed: u8, blocked: u8) -> Verdict {
        Verdict { count, allowed, blocked }
    }

    #[test]
    fn the_limit_is_inclusive() {
        assert_eq!(decide(v(50, 0, 0), 50, 0, 60_000), Ok(()));
        assert_eq!(
            decide(v(51, 0, 0), 50, 0, 60_000),
            Err(ApiError::RateLimited { retry_after_s: 60 })
        );
    }

    #[test]
    fn lists_override_the_count() {
        assert_eq!(decide(v(9_999, 1, 0), 50, 0, 60_000), Ok(()));
        assert_eq!(decide(v(1, 0, 1), 50, 0, 60_000).unwrap_err().status(), 403);
        // Blocked wins over whitelisted.
        assert_eq!(decide(v(1, 1, 1), 50, 0, 60_000).unwrap_err().status(), 403);
    }

    #[test]
    fn unsalted_keys_hide_the_ip() {
        let h = unsalted("203.0.113.7");
        assert_eq!(h.len(), 64);
        assert!(!h.contains("203"));
    }
}
