//! The server clock, injectable in tests: every "now" on a request or cron path comes from here.
//!
//! In production it is `Date.now()`. When the var `PULSEGATE_TEST_CLOCK` is `"1"` (set only by the
//! end-to-end harness, never in `wrangler.toml`), a request may carry `x-pulsegate-now: <ms>` to
//! stand in for the clock, so that tests of 20-second throttles or 24-hour retry schedules take
//! seconds. Crons take their time from the scheduled event (in `wrangler dev`,
//! `/cdn-cgi/handler/scheduled?cron=…&time=<ms>` sets it; wrangler's `/__scheduled` ignores `time`).

use pulsegate_schema::UnixMillis;
use worker::{Env, Request};

use crate::http::header;

/// Var that enables the test clock header.
pub(crate) const TEST_CLOCK_VAR: &str = "PULSEGATE_TEST_CLOCK";
/// Header carrying the test clock, in ms since the epoch.
pub(crate) const TEST_CLOCK_HEADER: &str = "x-pulsegate-now";

/// The real clock, ms since the epoch.
pub(crate) fn system_now() -> UnixMillis {
    worker::Date::now().as_millis()
}

/// "Now" for this request: the test clock header when enabled and well-formed, else the real clock.
pub(crate) fn now(req: &Request, env: &Env) -> UnixMillis {
    let enabled = env.var(TEST_CLOCK_VAR).is_ok_and(|v| v.to_string() == "1");
    choose(enabled, header(req, TEST_CLOCK_HEADER).as_deref(), system_now())
}

/// The pure rule behind [`now`].
pub(crate) fn choose(enabled: bool, header: Option<&str>, system: UnixMillis) -> UnixMillis {
    if !enabled {
        return system;
    }
    header.and_then(|h| h.trim().parse::<UnixMillis>().ok()).unwrap_or(system)
}

#[cfg(test)]
mod tests {
    use super::choose;

    #[test]
    fn the_header_counts_only_when_enabled() {
        assert_eq!(choose(false, Some("5"), 100), 100);
        assert_eq!(choose(true, Some("5"), 100), 5);
        assert_eq!(choose(true, Some(" 7 "), 100), 7);
        assert_eq!(choose(true, Some("soon"), 100), 100);
        assert_eq!(choose(true, None, 100), 100);
    }
}
