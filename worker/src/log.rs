//! Structured JSON logs: one line per request or cron job, so `wrangler tail` output can be queried.

use pulsegate_schema::ErrorCode;
use serde::Serialize;

use crate::error::ApiError;

/// Severity, from the response status: 5xx is an error, 4xx a warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Level {
    Info,
    Warn,
    Error,
}

impl Level {
    pub(crate) fn for_status(status: u16) -> Self {
        match status {
            500.. => Self::Error,
            400..=499 => Self::Warn,
            _ => Self::Info,
        }
    }
}

/// `{"ts":…,"level":"info","request_id":"…","method":"POST","path":"/track/events/batch","status":202,"ms":4}`
#[derive(Debug, Serialize)]
pub(crate) struct RequestLine<'a> {
    pub(crate) ts: u64,
    pub(crate) level: Level,
    pub(crate) request_id: &'a str,
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) status: u16,
    pub(crate) ms: u64,
    /// The request body as declared: its `Content-Length`, or `chunked` (streamed, counted as it
    /// arrives); absent without a body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) body: Option<String>,
    /// D1 statements that write (INSERT, UPDATE, DELETE, UPSERT) made while answering.
    #[serde(skip_serializing_if = "is_zero")]
    pub(crate) d1_writes: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<ErrorLine>,
    /// A stored batch's session, when its aggregate update was skipped by this isolate's 20 s
    /// throttle (`aggregate` is then `throttled`): the next update counts the batch. A batch
    /// whose update runs logs an `aggregate` job line instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) session_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) aggregate: Option<&'static str>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The error part of a [`RequestLine`]: the public body plus the private detail.
#[derive(Debug, Serialize)]
pub(crate) struct ErrorLine {
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) detail: Option<String>,
}

impl From<&ApiError> for ErrorLine {
    fn from(err: &ApiError) -> Self {
        let body = err.body().error;
        Self {
            code: body.code,
            message: body.message,
            field: body.field,
            detail: err.detail().map(str::to_owned),
        }
    }
}

/// `{"ts":…,"level":"info","job":"retention",…fields}`
#[derive(Debug, Serialize)]
pub(crate) struct JobLine<'a, T: Serialize> {
    pub(crate) ts: u64,
    pub(crate) level: Level,
    pub(crate) job: &'a str,
    #[serde(flatten)]
    pub(crate) fields: T,
}

/// The request id: Cloudflare's `cf-ray` when it looks sane (≤ 64 of `[A-Za-z0-9-]`), else `None`
/// and the caller makes one up.
pub(crate) fn request_id_from_ray(cf_ray: Option<&str>) -> Option<String> {
    let ray = cf_ray?.trim();
    let sane = !ray.is_empty()
        && ray.len() <= 64
        && ray.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    sane.then(|| ray.to_owned())
}

/// A random 16-hex-digit request id (not security-relevant; `Math.random` is enough).
pub(crate) fn random_request_id() -> String {
    let hi = (worker::js_sys::Math::random() * f64::from(u32::MAX)) as u32;
    let lo = (worker::js_sys::Math::random() * f64::from(u32::MAX)) as u32;
    format!("{hi:08x}{lo:08x}")
}

/// Writes one JSON line to the console at `level`.
pub(crate) fn emit(level: Level, line: &impl Serialize) {
    let text = serde_json::to_string(line).unwrap_or_else(|e| {
        format!(r#"{{"level":"error","log_encode_error":{:?}}}"#, e.to_string())
    });
    #[cfg(target_arch = "wasm32")]
    match level {
        Level::Info => worker::console_log!("{text}"),
        Level::Warn => worker::console_warn!("{text}"),
        Level::Error => worker::console_error!("{text}"),
    }
    // Native unit tests have no console binding.
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = level;
        eprintln!("{text}");
    }
}

/// Logs a cron job's (or a background task's) outcome.
pub(crate) fn job(level: Level, job: &str, fields: impl Serialize) {
    emit(level, &JobLine { ts: now_ms(), level, job, fields });
}

/// Keys already logged by [`once`] in this isolate.
static LOGGED_ONCE: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());

/// Whether `key` is logged for the first time in this isolate (and remembers that it is).
pub(crate) fn first_time(key: &'static str) -> bool {
    let mut seen = LOGGED_ONCE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if seen.contains(&key) {
        return false;
    }
    seen.push(key);
    true
}

/// `{"ts":…,"level":"warn","config":"IP_HASH_SALT","problem":"…"}`, at most once per isolate per
/// setting: a misconfiguration is loud once, not on every request.
pub(crate) fn config_once(setting: &'static str, problem: &'static str) {
    #[derive(Serialize)]
    struct ConfigLine {
        ts: u64,
        level: Level,
        config: &'static str,
        problem: &'static str,
    }
    if first_time(setting) {
        emit(
            Level::Warn,
            &ConfigLine { ts: now_ms(), level: Level::Warn, config: setting, problem },
        );
    }
}

/// Server clock, ms since the epoch.
#[cfg(target_arch = "wasm32")]
pub(crate) fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

/// Server clock, ms since the epoch (native unit tests).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_the_status() {
        assert_eq!(Level::for_status(202), Level::Info);
        assert_eq!(Level::for_status(304), Level::Info);
        assert_eq!(Level::for_status(404), Level::Warn);
        assert_eq!(Level::for_status(503), Level::Error);
    }

    #[test]
    fn cf_ray_is_used_when_sane() {
        assert_eq!(
            request_id_from_ray(Some("8f1c2a3b4c5d6e7f-FRA")).as_deref(),
            Some("8f1c2a3b4c5d6e7f-FRA")
        );
        assert_eq!(request_id_from_ray(None), None);
        assert_eq!(request_id_from_ray(Some("")), None);
        assert_eq!(request_id_from_ray(Some("a\"b")), None);
        assert_eq!(request_id_from_ray(Some(&"a".repeat(65))), None);
    }

    #[test]
    fn a_request_line_is_one_json_object() {
        let err = ApiError::storage("r2 put", "boom");
        let line = RequestLine {
            ts: 1,
            level: Level::Error,
            request_id: "abc",
            method: "POST",
            path: "/track/events/batch",
            status: 503,
            ms: 7,
            body: None,
            d1_writes: 0,
            error: Some(ErrorLine::from(&err)),
            session_id: None,
            aggregate: None,
        };
        assert_eq!(
            serde_json::to_string(&line).unwrap(),
            r#"{"ts":1,"level":"error","request_id":"abc","method":"POST","path":"/track/events/batch","status":503,"ms":7,"error":{"code":"unavailable","message":"storage is temporarily unavailable; retry later","detail":"r2 put: boom"}}"#
        );
        let throttled = RequestLine {
            level: Level::Info,
            status: 202,
            error: None,
            d1_writes: 1,
            session_id: Some("s1".to_owned()),
            aggregate: Some("throttled"),
            ..line
        };
        assert_eq!(
            serde_json::to_string(&throttled).unwrap(),
            r#"{"ts":1,"level":"info","request_id":"abc","method":"POST","path":"/track/events/batch","status":202,"ms":7,"d1_writes":1,"session_id":"s1","aggregate":"throttled"}"#
        );
    }

    #[test]
    fn once_means_once_per_key() {
        assert!(first_time("test-key-a"));
        assert!(!first_time("test-key-a"));
        assert!(first_time("test-key-b"));
    }

    #[test]
    fn a_job_line_flattens_its_fields() {
        #[derive(Serialize)]
        struct Skip {
            skipped: &'static str,
        }
        let line = JobLine {
            ts: 1,
            level: Level::Info,
            job: "lead_drought_alert",
            fields: Skip { skipped: "x" },
        };
        assert_eq!(
            serde_json::to_string(&line).unwrap(),
            r#"{"ts":1,"level":"info","job":"lead_drought_alert","skipped":"x"}"#
        );
    }
}
