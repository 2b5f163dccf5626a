//! The two session scores (spec `scoringService`), each 0–100 with the reasons that produced it,
//! stored beside it as `[{"reason":"pages_viewed","points":12}, …]`. Leads copy them.
//!
//! **Engagement** (how much the visitor did), capped at 100:
//!
//! | reason | points |
//! |---|---|
//! | `pages_viewed` | 6 per page after the first, at most 24 |
//! | `engaged_time` | 8 from 10 s, 16 from 30 s, 22 from 60 s, 28 from 180 s |
//! | `scroll_depth` | 8 from 50 %, 14 from 90 % |
//! | `clicks` | 2 per click, at most 10 |
//! | `form_started` | 8 |
//! | `form_submitted` | 16 |
//!
//! **Suspicion** (how likely the session is automated or fraudulent), capped at 100. Signals are
//! only ever scored; nothing is blocked on them.
//!
//! | reason | points |
//! |---|---|
//! | SDK bot signals (`webdriver`, `headless_user_agent` 40; `automation_globals` 35; `no_languages`, `zero_outer_size`, `product_sub_mismatch`, `eval_length_mismatch` 15; `no_plugins` 10) | together at most 60 |
//! | `datacenter_network` (hosting ASN) | 25 |
//! | `tor_exit` | 30 |
//! | `vpn_network` | 20 |
//! | `privacy_relay` (iCloud Private Relay, WARP) | 0: recorded, not held against the visitor |
//! | `timezone_mismatch` (browser vs edge region) | 15 |
//! | `inhuman_event_rate` (≥ 15 interactions within one second) | 20 |
//! | `fingerprint_many_ips` (one fingerprint, ≥ 5 / ≥ 10 IPs in 24 h) | 15 / 25 |
//! | `fingerprint_many_countries` (≥ 3 countries in 24 h) | 20 |
//! | `impossible_travel` (another country within the hour before) | 20 |
//! | `ip_many_fingerprints` (one IP, ≥ 10 / ≥ 25 fingerprints in 24 h) | 15 / 25 |

use pulsegate_schema::BotSignal;
use serde::{Deserialize, Serialize};

use crate::net::asn::Kind;

/// One reason and the points it added.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Reason {
    pub(crate) reason: String,
    pub(crate) points: u8,
}

/// A score with its reasons, in the order they were added.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Score {
    pub(crate) score: u8,
    pub(crate) reasons: Vec<Reason>,
}

impl Score {
    fn add(&mut self, reason: &str, points: u8) {
        self.reasons.push(Reason { reason: reason.to_owned(), points });
    }

    fn finish(mut self) -> Self {
        let total: u32 = self.reasons.iter().map(|r| u32::from(r.points)).sum();
        self.score = u8::try_from(total.min(100)).unwrap_or(100);
        self
    }

    /// The reasons as stored: a JSON array.
    pub(crate) fn reasons_json(&self) -> String {
        serde_json::to_string(&self.reasons).unwrap_or_else(|_| "[]".to_owned())
    }
}

/// What the engagement score looks at.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Engagement {
    pub(crate) page_views: u64,
    pub(crate) engaged_ms: u64,
    pub(crate) max_scroll: u8,
    pub(crate) clicks: u64,
    pub(crate) form_starts: u64,
    pub(crate) form_submits: u64,
}

/// The engagement score.
pub(crate) fn engagement(e: &Engagement) -> Score {
    let mut s = Score::default();
    if e.page_views > 1 {
        s.add("pages_viewed", u8::try_from(((e.page_views - 1) * 6).min(24)).unwrap_or(24));
    }
    let time = match e.engaged_ms {
        180_000.. => 28,
        60_000.. => 22,
        30_000.. => 16,
        10_000.. => 8,
        _ => 0,
    };
    if time > 0 {
        s.add("engaged_time", time);
    }
    let scroll = match e.max_scroll {
        90.. => 14,
        50.. => 8,
        _ => 0,
    };
    if scroll > 0 {
        s.add("scroll_depth", scroll);
    }
    if e.clicks > 0 {
        s.add("clicks", u8::try_from((e.clicks * 2).min(10)).unwrap_or(10));
    }
    if e.form_starts > 0 {
        s.add("form_started", 8);
    }
    if e.form_submits > 0 {
        s.add("form_submitted", 16);
    }
    s.finish()
}

/// What the suspicion score looks at.
#[derive(Clone, Debug, Default)]
pub(crate) struct Suspicion<'a> {
    pub(crate) bot: &'a [BotSignal],
    pub(crate) network: Option<Kind>,
    pub(crate) timezone_mismatch: bool,
    pub(crate) peak_per_s: u32,
    pub(crate) fp_ips_24h: Option<u32>,
    pub(crate) fp_countries_24h: Option<u32>,
    pub(crate) fp_country_hop: bool,
    pub(crate) ip_fingerprints_24h: Option<u32>,
}

/// Points of one SDK bot signal.
fn bot_points(signal: BotSignal) -> u8 {
    match signal {
        BotSignal::Webdriver | BotSignal::HeadlessUserAgent => 40,
        BotSignal::AutomationGlobals => 35,
        BotSignal::NoLanguages
        | BotSignal::ZeroOuterSize
        | BotSignal::ProductSubMismatch
        | BotSignal::EvalLengthMismatch => 15,
        BotSignal::NoPlugins => 10,
    }
}

/// The suspicion score.
pub(crate) fn suspicion(input: &Suspicion<'_>) -> Score {
    let mut s = Score::default();
    let mut bot_budget: u8 = 60;
    let mut seen: Vec<BotSignal> = Vec::new();
    for &signal in input.bot {
        if seen.contains(&signal) {
            continue;
        }
        seen.push(signal);
        let points = bot_points(signal).min(bot_budget);
        bot_budget -= points;
        s.add(signal.as_str(), points);
    }
    match input.network {
        Some(Kind::Hosting) => s.add("datacenter_network", 25),
        Some(Kind::Tor) => s.add("tor_exit", 30),
        Some(Kind::Vpn) => s.add("vpn_network", 20),
        Some(Kind::Relay) => s.add("privacy_relay", 0),
        Some(Kind::Eyeball) | None => {}
    }
    if input.timezone_mismatch {
        s.add("timezone_mismatch", 15);
    }
    if input.peak_per_s >= 15 {
        s.add("inhuman_event_rate", 20);
    }
    match input.fp_ips_24h {
        Some(10..) => s.add("fingerprint_many_ips", 25),
        Some(5..) => s.add("fingerprint_many_ips", 15),
        _ => {}
    }
    if input.fp_countries_24h.is_some_and(|n| n >= 3) {
        s.add("fingerprint_many_countries", 20);
    }
    if input.fp_country_hop {
        s.add("impossible_travel", 20);
    }
    match input.ip_fingerprints_24h {
        Some(25..) => s.add("ip_many_fingerprints", 25),
        Some(10..) => s.add("ip_many_fingerprints", 15),
        _ => {}
    }
    s.finish()
}

/// Bot signals stored as a JSON array of their wire names read back; unknown names are skipped.
pub(crate) fn parse_bot_signals(json: &str) -> Vec<BotSignal> {
    let names: Vec<String> = serde_json::from_str(json).unwrap_or_default();
    names.iter().filter_map(|n| BotSignal::ALL.into_iter().find(|s| s.as_str() == n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons(s: &Score) -> Vec<(&str, u8)> {
        s.reasons.iter().map(|r| (r.reason.as_str(), r.points)).collect()
    }

    #[test]
    fn a_bounce_scores_nothing() {
        let s = engagement(&Engagement { page_views: 1, ..Engagement::default() });
        assert_eq!((s.score, s.reasons_json().as_str()), (0, "[]"));
    }

    #[test]
    fn engagement_adds_its_parts() {
        let s = engagement(&Engagement {
            page_views: 3,
            engaged_ms: 45_000,
            max_scroll: 92,
            clicks: 2,
            form_starts: 1,
            form_submits: 0,
        });
        assert_eq!(
            reasons(&s),
            [
                ("pages_viewed", 12),
                ("engaged_time", 16),
                ("scroll_depth", 14),
                ("clicks", 4),
                ("form_started", 8)
            ]
        );
        assert_eq!(s.score, 54);
        assert_eq!(
            s.reasons_json(),
            r#"[{"reason":"pages_viewed","points":12},{"reason":"engaged_time","points":16},{"reason":"scroll_depth","points":14},{"reason":"clicks","points":4},{"reason":"form_started","points":8}]"#
        );
    }

    #[test]
    fn engagement_tops_out_at_100() {
        let s = engagement(&Engagement {
            page_views: 50,
            engaged_ms: 3_600_000,
            max_scroll: 100,
            clicks: 99,
            form_starts: 2,
            form_submits: 2,
        });
        assert_eq!(s.score, 100);
        assert_eq!(s.reasons.iter().map(|r| u32::from(r.points)).sum::<u32>(), 100);
        for (ms, points) in [(9_999, 0), (10_000, 8), (59_999, 16), (60_000, 22), (180_000, 28)] {
            let s = engagement(&Engagement { engaged_ms: ms, ..Engagement::default() });
            assert_eq!(s.score, points, "{ms}");
        }
    }

    #[test]
    fn a_clean_visit_is_not_suspicious() {
        assert_eq!(suspicion(&Suspicion::default()).score, 0);
        let relay = suspicion(&Suspicion { network: Some(Kind::Relay), ..Suspicion::default() });
        assert_eq!((relay.score, reasons(&relay)), (0, vec![("privacy_relay", 0)]));
    }

    #[test]
    fn bot_signals_are_capped_and_counted_once() {
        let bot = [
            BotSignal::Webdriver,
            BotSignal::HeadlessUserAgent,
            BotSignal::Webdriver,
            BotSignal::NoPlugins,
        ];
        let s = suspicion(&Suspicion { bot: &bot, ..Suspicion::default() });
        assert_eq!(
            reasons(&s),
            [("webdriver", 40), ("headless_user_agent", 20), ("no_plugins", 0)]
        );
        assert_eq!(s.score, 60);
    }

    #[test]
    fn every_suspicion_branch() {
        let cases: [(Suspicion<'_>, &str, u8); 12] = [
            (
                Suspicion { network: Some(Kind::Hosting), ..Suspicion::default() },
                "datacenter_network",
                25,
            ),
            (Suspicion { network: Some(Kind::Vpn), ..Suspicion::default() }, "vpn_network", 20),
            (Suspicion { network: Some(Kind::Tor), ..Suspicion::default() }, "tor_exit", 30),
            (
                Suspicion { timezone_mismatch: true, ..Suspicion::default() },
                "timezone_mismatch",
                15,
            ),
            (Suspicion { peak_per_s: 15, ..Suspicion::default() }, "inhuman_event_rate", 20),
            (Suspicion { fp_ips_24h: Some(5), ..Suspicion::default() }, "fingerprint_many_ips", 15),
            (
                Suspicion { fp_ips_24h: Some(10), ..Suspicion::default() },
                "fingerprint_many_ips",
                25,
            ),
            (
                Suspicion { fp_countries_24h: Some(3), ..Suspicion::default() },
                "fingerprint_many_countries",
                20,
            ),
            (Suspicion { fp_country_hop: true, ..Suspicion::default() }, "impossible_travel", 20),
            (
                Suspicion { ip_fingerprints_24h: Some(10), ..Suspicion::default() },
                "ip_many_fingerprints",
                15,
            ),
            (
                Suspicion { ip_fingerprints_24h: Some(25), ..Suspicion::default() },
                "ip_many_fingerprints",
                25,
            ),
            (
                Suspicion { bot: &[BotSignal::AutomationGlobals], ..Suspicion::default() },
                "automation_globals",
                35,
            ),
        ];
        for (input, reason, points) in cases {
            let s = suspicion(&input);
            assert_eq!((reasons(&s), s.score), (vec![(reason, points)], points), "{reason}");
        }
        for below in [
            Suspicion { peak_per_s: 14, ..Suspicion::default() },
            Suspicion {
                fp_ips_24h: Some(4),
                fp_countries_24h: Some(2),
                ip_fingerprints_24h: Some(9),
                ..Suspicion::default()
            },
        ] {
            assert_eq!(suspicion(&below).score, 0);
        }
        let all = suspicion(&Suspicion {
            bot: &BotSignal::ALL,
            network: Some(Kind::Tor),
            timezone_mismatch: true,
            peak_per_s: 99,
            fp_ips_24h: Some(99),
            fp_countries_24h: Some(9),
            fp_country_hop: true,
            ip_fingerprints_24h: Some(99),
        });
        assert_eq!(all.score, 100);
    }

    #[test]
    fn stored_bot_signals_read_back() {
        assert_eq!(
            parse_bot_signals(r#"["webdriver","nope","no_plugins"]"#),
            [BotSignal::Webdriver, BotSignal::NoPlugins]
        );
        assert!(parse_bot_signals("garbage").is_empty());
    }
}
