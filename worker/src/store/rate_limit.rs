//! The fixed-window rate limiter's one statement (spec `rateLimiter.ts`): an UPSERT that counts
//! this request in its window and returns the new count, together with whether the address is
//! on `WhitelistedIPs` or `BlockedIPs`, by salted hash or by CIDR range. One atomic statement, no
//! read-then-write: 200 concurrent requests against a limit of 50 let exactly 50 through.

use pulsegate_schema::UnixMillis;
use serde::Deserialize;

use super::d1::{Db, Kind, num, opt_text, text};
use crate::error::ApiError;

/// What the statement returns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub(crate) struct Verdict {
    /// Requests counted in this window, this one included.
    pub(crate) count: u32,
    /// On `WhitelistedIPs`: no limit applies.
    pub(crate) allowed: u8,
    /// On `BlockedIPs`: refused with 403.
    pub(crate) blocked: u8,
}

const LISTED: &str = "(IpHash = ?3 OR (?4 IS NOT NULL AND RangeStart <= ?4 AND RangeEnd >= ?4))";

/// Counts one request of `key` (`{family}:{ip_hash}`) in the window starting at `window_start`.
/// `ip_hash` matches list entries by hash, `ip_hex` (32 hex digits, `net::ip::to_hex`) by range.
pub(crate) async fn hit(
    db: &Db,
    key: &str,
    window_start: UnixMillis,
    ip_hash: &str,
    ip_hex: Option<&str>,
) -> Result<Verdict, ApiError> {
    let sql = format!(
        "INSERT INTO rate_limit_windows (key, window_start, count) VALUES (?1, ?2, 1)
         ON CONFLICT (key, window_start) DO UPDATE SET count = count + 1
         RETURNING count,
           EXISTS (SELECT 1 FROM WhitelistedIPs WHERE {LISTED}) AS allowed,
           EXISTS (SELECT 1 FROM BlockedIPs WHERE {LISTED}) AS blocked"
    );
    let values = [text(key), num(window_start), text(ip_hash), opt_text(ip_hex)];
    let verdict =
        db.first::<Verdict>("d1 rate limit", db.statement(Kind::Write, &sql, &values)?).await?;
    Ok(verdict.unwrap_or_default())
}

/// The start of the fixed window holding `now`.
pub(crate) fn window_start(now: UnixMillis, window_ms: u64) -> UnixMillis {
    now - now % window_ms.max(1)
}

/// Whole seconds until the window ends (at least 1): the `Retry-After` of a 429.
pub(crate) fn retry_after_s(now: UnixMillis, window_ms: u64) -> u32 {
    let end = window_start(now, window_ms) + window_ms.max(1);
    u32::try_from((end - now).div_ceil(1000).max(1)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_fixed_and_aligned() {
        assert_eq!(window_start(1_764_097_212_345, 60_000), 1_764_097_200_000);
        assert_eq!(window_start(1_764_097_200_000, 60_000), 1_764_097_200_000);
        assert_eq!(window_start(59_999, 60_000), 0);
        assert_eq!(window_start(5, 0), 5);
    }

    #[test]
    fn retry_after_counts_to_the_window_end() {
        assert_eq!(retry_after_s(1_764_097_212_345, 60_000), 48);
        assert_eq!(retry_after_s(1_764_097_200_000, 60_000), 60);
        assert_eq!(retry_after_s(1_764_097_259_999, 60_000), 1);
    }
}
