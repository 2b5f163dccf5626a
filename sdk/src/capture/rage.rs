//! Rage clicks: three or more clicks within one second, each within 30 CSS pixels of the first
//! (PostHog's rule). Reported once the burst is over, in addition to the plain clicks.

use alloc::string::String;

use pulsegate_schema::{RageClick, UnixMillis};

/// A burst lasts at most this long from its first click.
pub(crate) const WINDOW_MS: UnixMillis = 1_000;
/// Every click of a burst lands within this distance of its first click.
pub(crate) const RADIUS_PX: i64 = 30;
/// A burst of at least this many clicks is a rage click.
pub(crate) const MIN_CLICKS: u16 = 3;

/// The burst in progress.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Rage {
    burst: Option<RageClick>,
}

impl Rage {
    /// Counts a click; returns the previous burst when this click ends it and it was a rage click.
    pub(crate) fn click(
        &mut self,
        ts: UnixMillis,
        x: i32,
        y: i32,
        selector: &str,
    ) -> Option<RageClick> {
        if let Some(burst) = &mut self.burst {
            let (dx, dy) = (i64::from(x) - i64::from(burst.x), i64::from(y) - i64::from(burst.y));
            if ts.saturating_sub(burst.ts) <= WINDOW_MS
                && dx * dx + dy * dy <= RADIUS_PX * RADIUS_PX
            {
                burst.clicks = burst.clicks.saturating_add(1);
                return None;
            }
        }
        let next = RageClick { ts, selector: String::from(selector), x, y, clicks: 1 };
        self.burst.replace(next).filter(|b| b.clicks >= MIN_CLICKS)
    }

    /// Ends the burst if it is over at `now` (or whatever its age when `now` is `None`: the page
    /// is leaving); returns it when it was a rage click.
    pub(crate) fn finish(&mut self, now: Option<UnixMillis>) -> Option<RageClick> {
        let over = match (&self.burst, now) {
            (Some(burst), Some(now)) => now.saturating_sub(burst.ts) > WINDOW_MS,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if over { self.burst.take().filter(|b| b.clicks >= MIN_CLICKS) } else { None }
    }

    /// Whether a burst is in progress (so a timer should end it).
    pub(crate) fn pending(&self) -> bool {
        self.burst.is_some()
    }
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;

    #[test]
    fn three_quick_close_clicks_are_a_rage_click() {
        let mut rage = Rage::default();
        assert_eq!(rage.click(1_000, 100, 100, "button.buy"), None);
        assert_eq!(rage.click(1_300, 110, 95, "button.buy"), None);
        assert_eq!(rage.click(1_900, 121, 121, "button.buy"), None);
        assert_eq!(rage.click(2_000, 100, 130, "button.buy"), None, "still within 1 s and 30 px");
        // Not over yet at 2 s; over after.
        assert_eq!(rage.finish(Some(2_000)), None);
        let burst = rage.finish(Some(2_001)).unwrap();
        assert_eq!(
            burst,
            RageClick { ts: 1_000, selector: "button.buy".into(), x: 100, y: 100, clicks: 4 }
        );
        assert_eq!(rage.finish(None), None, "reported once");
    }

    #[test]
    fn slow_far_or_few_clicks_are_not() {
        let mut rage = Rage::default();
        rage.click(0, 0, 0, "a");
        rage.click(500, 0, 0, "a");
        // The third comes too late: the burst had two clicks, a new one begins.
        assert_eq!(rage.click(1_001, 0, 0, "a"), None);
        rage.click(1_100, 0, 0, "a");
        // Too far: 31 px away ends the burst of two.
        assert_eq!(rage.click(1_200, 31, 0, "a"), None);
        assert_eq!(rage.finish(None), None);
    }

    #[test]
    fn a_new_burst_reports_the_previous_rage_click() {
        let mut rage = Rage::default();
        for ts in [0, 100, 200] {
            rage.click(ts, 5, 5, "div.card");
        }
        assert!(rage.pending());
        let previous = rage.click(300, 500, 500, "a.other").unwrap();
        assert_eq!((previous.clicks, previous.selector.as_str()), (3, "div.card"));
        assert!(rage.pending());
        assert_eq!(rage.finish(None), None, "the new burst has one click");
        assert!(!rage.pending());
    }
}
