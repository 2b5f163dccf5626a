//! When a failed webhook is tried again: a published, exponential schedule with jitter, about a
//! day in total (Svix retries for ~28 h, Basin for 24–28 h, Tally for ~31 h), then a dead letter.
//!
//! | after attempt | wait (± 20 % jitter) | total so far |
//! |---|---|---|
//! | 1 (right after capture) | 1 min | 1 min |
//! | 2 | 5 min | 6 min |
//! | 3 | 15 min | 21 min |
//! | 4 | 30 min | 51 min |
//! | 5 | 1 h | 1 h 51 min |
//! | 6 | 2 h | 3 h 51 min |
//! | 7 | 4 h | 7 h 51 min |
//! | 8 | 8 h | 15 h 51 min |
//! | 9 | 8 h | 23 h 51 min |
//! | 10 | dead letter | |
//!
//! The `*/10` cron drives retries, so a wait ends at the first cron run after it (up to ten
//! minutes later). Network errors, timeouts ([`TIMEOUT_MS`]), `408`, `429` and `5xx` are retried;
//! any other answer that is not `2xx` (a `3xx`, a `4xx`: the receiver refuses the message, or the
//! scenario is gone) is final and goes straight to the dead letters.

/// How long one attempt may take before it counts as a timeout.
pub(crate) const TIMEOUT_MS: u64 = 10_000;

/// Waits after each failed attempt, in ms; the attempt after the last one is not made.
pub(crate) const RETRY_DELAYS_MS: [u64; 9] = [
    60_000,
    5 * 60_000,
    15 * 60_000,
    30 * 60_000,
    3_600_000,
    2 * 3_600_000,
    4 * 3_600_000,
    8 * 3_600_000,
    8 * 3_600_000,
];

/// Attempts a message gets before it is dead-lettered.
pub(crate) const MAX_ATTEMPTS: u32 = RETRY_DELAYS_MS.len() as u32 + 1;

/// Share of a wait that jitter may add or take away.
const JITTER: f64 = 0.2;

/// What one attempt's outcome means for the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// `2xx`: delivered.
    Delivered,
    /// Try again at this time (ms).
    RetryAt(u64),
    /// Give up: retries exhausted, or the receiver refused it for good.
    Dead,
}

/// Whether an HTTP status is worth another attempt (`None`: no answer at all).
pub(crate) fn retryable(status: Option<u16>) -> bool {
    match status {
        None => true,
        Some(s) => s == 408 || s == 429 || (500..=599).contains(&s),
    }
}

/// The verdict after attempt number `attempt` (1-based) ended at `now` with `status`.
/// `random` is uniform in `[0, 1)` and only spreads the wait.
pub(crate) fn verdict(attempt: u32, status: Option<u16>, now: u64, random: f64) -> Verdict {
    if status.is_some_and(|s| (200..=299).contains(&s)) {
        return Verdict::Delivered;
    }
    if !retryable(status) {
        return Verdict::Dead;
    }
    if attempt >= MAX_ATTEMPTS {
        return Verdict::Dead;
    }
    let delay = RETRY_DELAYS_MS[attempt.clamp(1, MAX_ATTEMPTS - 1) as usize - 1];
    Verdict::RetryAt(now + jittered(delay, random))
}

/// `delay` scaled by a factor in `[1 - JITTER, 1 + JITTER)`.
pub(crate) fn jittered(delay: u64, random: f64) -> u64 {
    let factor = 1.0 - JITTER + 2.0 * JITTER * random.clamp(0.0, 1.0);
    (delay as f64 * factor).round() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_spans_about_a_day_and_grows() {
        let total: u64 = RETRY_DELAYS_MS.iter().sum();
        assert_eq!(total, (23 * 60 + 51) * 60_000);
        assert!(RETRY_DELAYS_MS.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(MAX_ATTEMPTS, 10);
        // With jitter the whole schedule stays between ~19 h and ~29 h.
        let low: u64 = RETRY_DELAYS_MS.iter().map(|d| jittered(*d, 0.0)).sum();
        let high: u64 = RETRY_DELAYS_MS.iter().map(|d| jittered(*d, 0.999_999)).sum();
        assert!(low >= 19 * 3_600_000 && high <= 29 * 3_600_000, "{low} {high}");
    }

    #[test]
    fn jitter_stays_within_twenty_percent() {
        for r in [0.0, 0.25, 0.5, 0.75, 0.999] {
            let j = jittered(60_000, r);
            assert!((48_000..=72_000).contains(&j), "{r}: {j}");
        }
        assert_eq!(jittered(60_000, 0.5), 60_000);
        assert_eq!(jittered(60_000, 7.0), 72_000, "clamped");
    }

    #[test]
    fn outcomes() {
        assert_eq!(verdict(1, Some(200), 0, 0.5), Verdict::Delivered);
        assert_eq!(verdict(9, Some(204), 0, 0.5), Verdict::Delivered);
        assert_eq!(verdict(1, Some(500), 1_000, 0.5), Verdict::RetryAt(61_000));
        assert_eq!(verdict(1, None, 1_000, 0.5), Verdict::RetryAt(61_000));
        assert_eq!(verdict(2, Some(429), 0, 0.5), Verdict::RetryAt(300_000));
        assert_eq!(verdict(3, Some(408), 0, 0.5), Verdict::RetryAt(900_000));
        assert_eq!(verdict(9, Some(503), 0, 0.5), Verdict::RetryAt(8 * 3_600_000));
        assert_eq!(verdict(10, Some(503), 0, 0.5), Verdict::Dead);
        assert_eq!(verdict(1, Some(404), 0, 0.5), Verdict::Dead);
        assert_eq!(verdict(1, Some(410), 0, 0.5), Verdict::Dead);
        assert_eq!(verdict(1, Some(301), 0, 0.5), Verdict::Dead);
        assert!(retryable(Some(599)) && !retryable(Some(400)) && !retryable(Some(200)));
    }
}
