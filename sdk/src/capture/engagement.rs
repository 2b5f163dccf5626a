//! Engaged time: how long the page was visible and focused. Accumulated per page and reported as
//! `engagement` events when the page is left or hidden.

use pulsegate_schema::UnixMillis;

/// Engaged time of the current page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Engagement {
    /// Since when the page is engaged, while it is.
    since: Option<UnixMillis>,
    /// Engaged time not reported yet, excluding the running stretch.
    pending: u64,
}

impl Engagement {
    /// The page became engaged (visible and focused) or stopped being so at `now`.
    pub(crate) fn set(&mut self, engaged: bool, now: UnixMillis) {
        match (self.since, engaged) {
            (None, true) => self.since = Some(now),
            (Some(since), false) => {
                self.pending += now.saturating_sub(since);
                self.since = None;
            }
            _ => {}
        }
    }

    /// Engaged ms not reported yet (the running stretch counted up to `now`); resets the count,
    /// keeping the page engaged if it is.
    pub(crate) fn take(&mut self, now: UnixMillis) -> u64 {
        let running = self.since.map_or(0, |since| now.saturating_sub(since));
        if self.since.is_some() {
            self.since = Some(now);
        }
        core::mem::take(&mut self.pending) + running
    }
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;

    #[test]
    fn counts_only_engaged_stretches() {
        let mut e = Engagement::default();
        e.set(true, 1_000);
        e.set(true, 1_500); // no change
        e.set(false, 4_000); // 3 s engaged
        e.set(false, 9_000);
        e.set(true, 10_000);
        assert_eq!(e.take(12_000), 5_000);
        // Still engaged: the next report starts where this one ended.
        assert_eq!(e.take(13_000), 1_000);
        e.set(false, 13_500);
        assert_eq!(e.take(20_000), 500);
        assert_eq!(e.take(30_000), 0);
    }

    #[test]
    fn a_clock_going_backwards_adds_nothing() {
        let mut e = Engagement::default();
        e.set(true, 5_000);
        e.set(false, 4_000);
        assert_eq!(e.take(6_000), 0);
    }
}
