//! How a form was filled (`LeadSubmission::fill`) and what the server makes of a fast fill:
//! suspicion points on the lead instead of setting it aside.
//!
//! A minimum fill time alone punishes people whose browser or password manager fills the form
//! for them: an autofilled form is sent a second after it appears. The form builder therefore
//! reports how each field got its value (keys, or a value that arrived without one, and whether
//! the browser still shows it as autofilled) and when the visitor first touched the form; the
//! worker scores a submit under the minimum fill time by that evidence ([`fast_fill_reasons`]).
//! The honeypot stays a hard trap.

use crate::prelude::*;

use serde::{Deserialize, Serialize};

use crate::dashboard::analytics::ScoreReason;

/// How the visitor filled the form, as the form builder saw it. Only events the browser marks
/// as trusted (`isTrusted`: the visitor's, or the browser's own autofill) count; values a page
/// script sets leave no trace here.
///
/// ```json
/// { "typed": 1, "keyless": 2, "autofilled": 2, "active_ms": 900, "trusted_submit": true }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FillSignals {
    /// Fields changed after a key press or a pointer press in them. Example: `1`.
    #[serde(default)]
    pub typed: u32,
    /// Fields whose value arrived with no key or pointer press in them: browser autofill, a
    /// password manager, a paste from the context menu. Example: `2`.
    #[serde(default)]
    pub keyless: u32,
    /// Fields the browser showed as autofilled (`:autofill` / `:-webkit-autofill`) at the submit.
    /// Example: `2`.
    #[serde(default)]
    pub autofilled: u32,
    /// ms from the visitor's first interaction with the form (a press, a focus, an input) to the
    /// submit; absent when nothing trusted happened in the form. Example: `900`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_ms: Option<u64>,
    /// Whether the submit followed the visitor's press (Enter, or a click or Space on the
    /// button) rather than a script's `requestSubmit()`. Example: `true`.
    #[serde(default)]
    pub trusted_submit: bool,
}

/// Points for a fast fill the browser showed as autofilled: a person with a helpful browser.
const POINTS_FAST_AUTOFILL: i64 = 5;
/// Points for a fast fill whose values arrived without keys (a password manager, a paste).
const POINTS_FAST_KEYLESS: i64 = 20;
/// Points for a form typed in faster than the minimum fill time.
const POINTS_FAST_TYPED: i64 = 40;
/// Points for a fast submit with no trusted interaction in the form at all.
const POINTS_FAST_UNTOUCHED: i64 = 60;
/// Points for a submit a page script made (`requestSubmit()`), not the visitor.
const POINTS_SCRIPTED_SUBMIT: i64 = 20;

/// The suspicion reasons of a browser submission filled in `fill_ms` (`None`: not reported)
/// with `signals`, under a minimum fill time of `min_fill_ms`. Empty for an unhurried fill by a
/// person. Reasons: `fast_autofill`, `fast_keyless`, `fast_typed`, `fast_untouched`,
/// `scripted_submit`.
pub fn fast_fill_reasons(
    fill_ms: Option<u64>,
    min_fill_ms: u32,
    signals: Option<&FillSignals>,
) -> Vec<ScoreReason> {
    let mut reasons = Vec::new();
    let mut add = |reason: &str, points: i64| {
        reasons.push(ScoreReason { reason: reason.to_owned(), points });
    };
    let fast = fill_ms.is_some_and(|ms| ms < u64::from(min_fill_ms));
    match signals {
        // An older form, or a client that says nothing about the fill: only the clock.
        None => {
            if fast {
                add("fast_typed", POINTS_FAST_TYPED);
            }
        }
        Some(s) => {
            if fast {
                let touched = s.active_ms.is_some() && s.typed + s.keyless > 0;
                if !touched {
                    add("fast_untouched", POINTS_FAST_UNTOUCHED);
                } else if s.autofilled > 0 {
                    add("fast_autofill", POINTS_FAST_AUTOFILL);
                } else if s.keyless > 0 {
                    add("fast_keyless", POINTS_FAST_KEYLESS);
                } else {
                    add("fast_typed", POINTS_FAST_TYPED);
                }
            }
            if !s.trusted_submit {
                add("scripted_submit", POINTS_SCRIPTED_SUBMIT);
            }
        }
    }
    reasons
}

/// A session's suspicion score (0 to 100) with `extra` reasons added, capped at 100.
pub fn add_suspicion(score: u32, extra: &[ScoreReason]) -> u32 {
    let added: i64 = extra.iter().map(|r| r.points).sum();
    u32::try_from((i64::from(score) + added).clamp(0, 100)).unwrap_or(100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(r: &[ScoreReason]) -> Vec<&str> {
        r.iter().map(|r| r.reason.as_str()).collect()
    }

    fn signals(typed: u32, keyless: u32, autofilled: u32, active: Option<u64>) -> FillSignals {
        FillSignals { typed, keyless, autofilled, active_ms: active, trusted_submit: true }
    }

    #[test]
    fn an_unhurried_person_raises_nothing() {
        let s = signals(3, 0, 0, Some(9_000));
        assert!(fast_fill_reasons(Some(12_000), 2_000, Some(&s)).is_empty());
        // Autofilled slowly is just as fine; so is a client that reports nothing.
        assert!(
            fast_fill_reasons(Some(5_000), 2_000, Some(&signals(0, 3, 3, Some(4_000)))).is_empty()
        );
        assert!(fast_fill_reasons(Some(5_000), 2_000, None).is_empty());
        assert!(fast_fill_reasons(None, 2_000, None).is_empty());
    }

    #[test]
    fn fast_fills_score_by_their_evidence() {
        let fast = Some(900);
        let autofill = fast_fill_reasons(fast, 2_000, Some(&signals(1, 2, 2, Some(700))));
        assert_eq!(names(&autofill), ["fast_autofill"]);
        let manager = fast_fill_reasons(fast, 2_000, Some(&signals(0, 3, 0, Some(600))));
        assert_eq!(names(&manager), ["fast_keyless"]);
        let typed = fast_fill_reasons(fast, 2_000, Some(&signals(3, 0, 0, Some(800))));
        assert_eq!(names(&typed), ["fast_typed"]);
        // Values set by a script: no trusted input, no interaction.
        let scripted = FillSignals { trusted_submit: false, ..FillSignals::default() };
        let bot = fast_fill_reasons(fast, 2_000, Some(&scripted));
        assert_eq!(names(&bot), ["fast_untouched", "scripted_submit"]);
        assert_eq!(add_suspicion(10, &bot), 90);
        assert_eq!(names(&fast_fill_reasons(fast, 2_000, None)), ["fast_typed"]);
        // The order of the evidence: a person's autofill weighs least.
        assert!(autofill[0].points < manager[0].points && manager[0].points < typed[0].points);
        assert!(typed[0].points < bot[0].points);
    }

    #[test]
    fn scores_stay_within_0_to_100() {
        let many = vec![ScoreReason { reason: "x".into(), points: 70 }; 2];
        assert_eq!(add_suspicion(50, &many), 100);
        assert_eq!(add_suspicion(7, &[]), 7);
        let minus = [ScoreReason { reason: "y".into(), points: -20 }];
        assert_eq!(add_suspicion(5, &minus), 0);
    }

    #[test]
    fn the_wire_form() {
        let s: FillSignals = serde_json::from_str(
            r#"{"typed":1,"keyless":2,"autofilled":2,"active_ms":900,"trusted_submit":true}"#,
        )
        .unwrap();
        assert_eq!(s, signals(1, 2, 2, Some(900)));
        assert_eq!(
            serde_json::to_string(&FillSignals::default()).unwrap(),
            r#"{"typed":0,"keyless":0,"autofilled":0,"trusted_submit":false}"#
        );
        assert!(serde_json::from_str::<FillSignals>(r#"{"typed":-1}"#).is_err());
        assert!(serde_json::from_str::<FillSignals>(r#"{"robot":true}"#).is_err());
    }
}
