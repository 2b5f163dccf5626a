//! The fixed-window rate limiter's one statement (spec `rateLimiter.ts`): an UPSERT that counts
//! this request in its window and returns the new count, together with whether the address is
//! on `WhitelistedIPs` or `BlockedIPs`, by salted hash or by CIDR range. One atomic statement, no
//! read-then-write: 200 concurrent requests against a limit of 50 let exactly 50 through. The
//! three answers come back packed in one number (one value crosses into wasm, not a row object).

use pulsegate_schema::UnixMillis;

use super::d1::{Db, Kind, num, opt_text, text};
use crate::error::ApiError;

/// What the statement returns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Verdict {
    /// Requests counted in this window, this one included.
    pub(crate) count: u32,
    /// On `WhitelistedIPs`: no limit applies.
    pub(crate) allowed: u8,
    /// On `BlockedIPs`: refused with 403.
    pub(crate) blocked: u8,
}

impl Verdict {
    /// The statement's one column, `count * 4 + allowed * 2 + blocked`: one number crosses from
    /// JavaScript instead of a row object read field by field.
    pub(crate) fn unpack(v: f64) -> Self {
        // D1 numbers are doubles; a window's count stays far below 2^50.
        let v = if v.is_finite() && v >= 0.0 { v as u64 } else { 0 };
        Self {
            count: u32::try_from(v >> 2).unwrap_or(u32::MAX),
            allowed: u8::from(v & 2 != 0),
            blocked: u8::from(v & 1 != 0),
        }
    }
}

/// Whether the address is on a list, by hash (`?3`) or by range (`?4`).
macro_rules! listed {
    ($table:literal) => {
        concat!(
            "EXISTS (SELECT 1 FROM ",
            $table,
            " WHERE IpHash = ?3 OR (?4 IS NOT NULL AND RangeStart <= ?4 AND RangeEnd >= ?4))"
        )
    };
}

/// The limiter's statement, one constant (nothing formatted per request).
const HIT: &str = concat!(
    "INSERT INTO rate_limit_windows (key, window_start, count) VALUES (?1, ?2, 1) \
     ON CONFLICT (key, window_start) DO UPDATE SET count = count + 1 \
     RETURNING count * 4 + 2 * ",
    listed!("WhitelistedIPs"),
    " + ",
    listed!("BlockedIPs"),
    " AS v"
);

/// Counts one request of `key` (`{family}:{ip_hash}`) in the window starting at `window_start`.
/// `ip_hash` matches list entries by hash, `ip_hex` (32 hex digits, `net::ip::to_hex`) by range.
/// Made through workers-rs' `first("v")`: one direct JavaScript call (`Shape::Js`, bench builds
/// only) is 11 JavaScript↔wasm crossings fewer per request but measured no less CPU
/// (`cargo xtask bench ingest --floor`), so it is not used here.
pub(crate) async fn hit(
    db: &Db,
    key: &str,
    window_start: UnixMillis,
    ip_hash: &str,
    ip_hex: Option<&str>,
) -> Result<Verdict, ApiError> {
    let values = [text(key), num(window_start), text(ip_hash), opt_text(ip_hex)];
    let packed = db
        .first_column::<f64>("d1 rate limit", db.statement(Kind::Write, HIT, &values)?, "v")
        .await?;
    Ok(packed.map(Verdict::unpack).unwrap_or_default())
}

/// Ways to make the limiter's statement, compared by `cargo xtask bench ingest --floor` (cargo
/// feature `bench-floor` only): the same SQL and values, through workers-rs' `first(column)`,
/// `raw()` or `run()`, or through one direct JavaScript call.
#[cfg(feature = "bench-floor")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    First,
    Raw,
    Run,
    Js,
}

/// [`hit`], its statement made in `shape`.
#[cfg(feature = "bench-floor")]
pub(crate) async fn hit_as(
    shape: Shape,
    db: &Db,
    key: &str,
    window_start: UnixMillis,
    ip_hash: &str,
    ip_hex: Option<&str>,
) -> Result<Verdict, ApiError> {
    let values = || [text(key), num(window_start), text(ip_hash), opt_text(ip_hex)];
    let what = "d1 rate limit";
    let packed: Option<f64> = match shape {
        Shape::First => return hit(db, key, window_start, ip_hash, ip_hex).await,
        Shape::Raw => db
            .raw::<f64>(what, db.statement(Kind::Write, HIT, &values())?)
            .await?
            .first()
            .and_then(|row| row.first().copied()),
        Shape::Run => {
            #[derive(serde::Deserialize)]
            struct Row {
                v: f64,
            }
            let result = db.run(what, db.statement(Kind::Write, HIT, &values())?).await?;
            result.results::<Row>().map_err(|e| ApiError::storage(what, e))?.first().map(|r| r.v)
        }
        Shape::Js => direct::js_first_v(db, key, window_start, ip_hash, ip_hex).await?,
    };
    Ok(packed.map(Verdict::unpack).unwrap_or_default())
}

/// The limiter's statement in one direct JavaScript call (a bench shape).
#[cfg(feature = "bench-floor")]
mod direct {
    use pulsegate_schema::UnixMillis;
    use wasm_bindgen::JsValue;
    use wasm_bindgen::prelude::wasm_bindgen;
    use worker::js_sys::Promise;
    use worker::wasm_bindgen_futures::JsFuture;

    use super::HIT;
    use crate::error::ApiError;
    use crate::store::d1::{Db, Kind, js_cause};

    #[wasm_bindgen(
        inline_js = "export function pgRateLimitHit(db, sql, key, windowStart, ipHash, ipHex) { return db.prepare(sql).bind(key, windowStart, ipHash, ipHex === '' ? null : ipHex).first('v'); }"
    )]
    extern "C" {
        /// `db.prepare(sql).bind(…).first("v")` in one call: workers-rs makes the same statement
        /// with a dozen JavaScript↔wasm crossings (the statement object, the bound values array, the
        /// promise, the result's conversion). An `ipHex` of `""` binds NULL.
        #[wasm_bindgen(js_name = pgRateLimitHit, catch)]
        fn js_hit(
            db: &JsValue,
            sql: &str,
            key: &str,
            window_start: f64,
            ip_hash: &str,
            ip_hex: &str,
        ) -> Result<Promise, JsValue>;
    }

    /// The limiter's statement through [`js_hit`]; its one column as a number (`None` without a row).
    pub(super) async fn js_first_v(
        db: &Db,
        key: &str,
        window_start: UnixMillis,
        ip_hash: &str,
        ip_hex: Option<&str>,
    ) -> Result<Option<f64>, ApiError> {
        let what = "d1 rate limit";
        let binding = db.counted_binding(Kind::Write);
        let promise = js_hit(binding, HIT, key, window_start as f64, ip_hash, ip_hex.unwrap_or(""))
            .map_err(|e| ApiError::storage(what, js_cause(&e)))?;
        let value =
            JsFuture::from(promise).await.map_err(|e| ApiError::storage(what, js_cause(&e)))?;
        Ok(value.as_f64())
    }
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
    fn the_verdict_is_unpacked_from_one_number() {
        let v = |count, allowed, blocked| Verdict { count, allowed, blocked };
        assert_eq!(Verdict::unpack(4.0), v(1, 0, 0));
        assert_eq!(Verdict::unpack(51.0 * 4.0 + 2.0), v(51, 1, 0));
        assert_eq!(Verdict::unpack(7.0 * 4.0 + 1.0), v(7, 0, 1));
        assert_eq!(Verdict::unpack(3.0 * 4.0 + 3.0), v(3, 1, 1));
        assert_eq!(Verdict::unpack(f64::NAN), Verdict::default());
    }

    #[test]
    fn the_statement_is_the_spec_s_upsert() {
        assert!(HIT.starts_with("INSERT INTO rate_limit_windows"), "{HIT}");
        assert!(HIT.contains("ON CONFLICT (key, window_start) DO UPDATE SET count = count + 1"));
        assert!(HIT.contains("EXISTS (SELECT 1 FROM WhitelistedIPs WHERE IpHash = ?3 OR"));
        assert!(HIT.contains("EXISTS (SELECT 1 FROM BlockedIPs WHERE IpHash = ?3 OR"));
        assert!(HIT.ends_with(" AS v"));
    }

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
