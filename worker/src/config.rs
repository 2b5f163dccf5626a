//! Settings from wrangler vars, each with a documented default; a malformed value is logged once
//! and replaced by its default, so a typo in `wrangler.toml` never takes ingest down.
//!
//! | var | default | meaning |
//! |---|---|---|
//! | `RATE_LIMIT_TRACK_SESSION` | `120/60` | session start + end: requests per IP per window (`limit/seconds`) |
//! | `RATE_LIMIT_TRACK_EVENTS` | `1200/60` | event batches + single events: requests per IP per window |
//! | `RATE_LIMIT_LEAD_CAPTURE` | `20/60` | lead submissions from browsers: requests per IP per window |
//! | `RATE_LIMIT_LEAD_API` | `600/60` | lead submissions with an integration key: requests per key per window |
//! | `RETENTION` | see [`Retention::DEFAULT`] | days each store keeps its data (`store=days,…`) |
//! | `RETENTION_R2_PAGES` | `200` | R2 pages (≤ 1,000 objects each) one cron run may delete |
//! | `RETENTION_D1_STATEMENTS` | `100` | D1 delete statements (≤ 1,000 rows each) one cron run may make |
//! | `FINALIZE_PER_RUN` | `200` | quiet sessions the `*/10` cron finalises per run |
//! | `OUTBOX_PER_RUN` | `50` | webhook messages the `*/10` cron sends per run |
//! | `NETWORK_ASNS` | empty | extra ASNs per network kind (`hosting=1,2;vpn=3;relay=4;tor=5;eyeball=6`) |
//! | `PULSEGATE_TEST_CLOCK` | unset | `1` only under the end-to-end harness: test headers are honoured |

use worker::Env;

use crate::log;

/// The routes a rate-limit window counts together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    /// `POST /track/session/start`, `POST /track/session/end`.
    Session,
    /// `POST /track/events/batch`, `POST /track/event`.
    Events,
    /// `POST /lead.capture` (and the deprecated routes) from a browser, per IP.
    LeadCapture,
    /// `POST /lead.capture` with an integration key, per key.
    LeadApi,
}

impl Family {
    /// The name used in rate-limit keys and logs.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Session => "session",
            Self::Events => "events",
            Self::LeadCapture => "lead",
            Self::LeadApi => "lead-api",
        }
    }

    fn var(self) -> &'static str {
        match self {
            Self::Session => "RATE_LIMIT_TRACK_SESSION",
            Self::Events => "RATE_LIMIT_TRACK_EVENTS",
            Self::LeadCapture => "RATE_LIMIT_LEAD_CAPTURE",
            Self::LeadApi => "RATE_LIMIT_LEAD_API",
        }
    }

    fn default_limit(self) -> RateLimit {
        match self {
            Self::Session => RateLimit { limit: 120, window_s: 60 },
            Self::Events => RateLimit { limit: 1200, window_s: 60 },
            Self::LeadCapture => RateLimit { limit: 20, window_s: 60 },
            Self::LeadApi => RateLimit { limit: 600, window_s: 60 },
        }
    }
}

/// At most `limit` requests per IP in each fixed window of `window_s` seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RateLimit {
    pub(crate) limit: u32,
    pub(crate) window_s: u32,
}

impl RateLimit {
    /// `"1200/60"` → 1,200 requests per 60 s. Both numbers must be positive.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let (limit, window) = text.trim().split_once('/')?;
        let limit: u32 = limit.trim().parse().ok()?;
        let window_s: u32 = window.trim().parse().ok()?;
        (limit > 0 && window_s > 0 && window_s <= 86_400).then_some(Self { limit, window_s })
    }

    /// The window length in ms.
    pub(crate) fn window_ms(self) -> u64 {
        u64::from(self.window_s) * 1000
    }
}

/// A store with a retention window. Leads are kept on their own window (the lead tables add
/// their sweep to `jobs/retention.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Store {
    /// Raw session data in R2 (`sessions/YYYY/MM/DD/…`): meta.json, event batches, replay.
    Events,
    /// D1 `sessions` rows and their rollups (`session_pages`, `session_events`).
    Sessions,
    /// D1 `fingerprints`, by last seen.
    Fingerprints,
    /// D1 `identity_network`, by last seen.
    IdentityNetwork,
    /// D1 `rate_limit_windows`, by window start.
    RateLimits,
    /// The lead tables (`Leads`, `LeadSubmissions`, `BlockedIPLeads`, `LeadCrmActivity`, the
    /// webhook deliveries and dead letters), by their own times.
    Leads,
}

impl Store {
    /// Every store, in the order the retention cron sweeps them.
    pub(crate) const ALL: [Self; 6] = [
        Self::Sessions,
        Self::Fingerprints,
        Self::IdentityNetwork,
        Self::RateLimits,
        Self::Leads,
        Self::Events,
    ];

    /// The name in the `RETENTION` var and in `retention_cursors.store`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Events => "events",
            Self::Sessions => "sessions",
            Self::Fingerprints => "fingerprints",
            Self::IdentityNetwork => "identity_network",
            Self::RateLimits => "rate_limits",
            Self::Leads => "leads",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// Days each store keeps its data: one setting, `RETENTION`, with a default per store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Retention {
    days: [(Store, u32); 6],
}

impl Retention {
    /// The defaults: raw events and session rows 90 days (so `sessions.r2_prefix` never points at
    /// deleted data), fingerprints 180 days since last seen, the identity network 90, rate-limit
    /// windows 1, leads 365.
    pub(crate) const DEFAULT: &'static str =
        "events=90,sessions=90,fingerprints=180,identity_network=90,rate_limits=1,leads=365";

    /// Parses `store=days` pairs separated by commas; stores not named keep their default.
    /// `None` when a pair is malformed or names an unknown store.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let mut retention = Self::defaults();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, days) = pair.split_once('=')?;
            let store = Store::from_name(name.trim())?;
            let days: u32 = days.trim().parse().ok().filter(|d| (1..=36_500).contains(d))?;
            retention.set(store, days);
        }
        Some(retention)
    }

    fn defaults() -> Self {
        let mut retention = Self { days: Store::ALL.map(|s| (s, 0)) };
        for pair in Self::DEFAULT.split(',') {
            let (name, days) = pair.split_once('=').expect("DEFAULT is well-formed");
            let store = Store::from_name(name).expect("DEFAULT names known stores");
            retention.set(store, days.parse().expect("DEFAULT has numbers"));
        }
        retention
    }

    fn set(&mut self, store: Store, days: u32) {
        for entry in &mut self.days {
            if entry.0 == store {
                entry.1 = days;
            }
        }
    }

    /// How many days `store` keeps its data.
    pub(crate) fn days(&self, store: Store) -> u32 {
        self.days.iter().find(|(s, _)| *s == store).map_or(0, |(_, d)| *d)
    }
}

/// Extra ASNs per network kind, from `NETWORK_ASNS`: `hosting=64500,64501;vpn=64502;eyeball=3209`
/// (`eyeball` takes an ASN off the lists: an ordinary ISP wrongly listed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ExtraAsns {
    pub(crate) entries: Vec<(crate::net::asn::Kind, u32)>,
}

impl ExtraAsns {
    /// Parses the var; `None` when a group or number is malformed.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let mut entries = Vec::new();
        for group in text.split(';').map(str::trim).filter(|g| !g.is_empty()) {
            let (kind, asns) = group.split_once('=')?;
            let kind = crate::net::asn::Kind::from_name(kind.trim())?;
            for asn in asns.split(',').map(str::trim).filter(|a| !a.is_empty()) {
                let asn = asn.strip_prefix("AS").unwrap_or(asn);
                entries.push((kind, asn.parse().ok()?));
            }
        }
        Some(Self { entries })
    }
}

/// Every setting the worker reads, resolved once per request or job.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub(crate) session_limit: RateLimit,
    pub(crate) events_limit: RateLimit,
    pub(crate) lead_limit: RateLimit,
    pub(crate) lead_api_limit: RateLimit,
    pub(crate) retention: Retention,
    pub(crate) retention_r2_pages: u32,
    pub(crate) retention_d1_statements: u32,
    pub(crate) finalize_per_run: u32,
    pub(crate) outbox_per_run: u32,
    pub(crate) extra_asns: ExtraAsns,
    /// The end-to-end harness is driving this worker: test-only headers are honoured.
    pub(crate) test_mode: bool,
}

impl Config {
    /// Reads the vars of `env`.
    pub(crate) fn from_env(env: &Env) -> Self {
        Self::from_lookup(|name| env.var(name).ok().map(|v| v.to_string()))
    }

    /// Reads each setting through `get` (a var lookup), falling back to defaults.
    pub(crate) fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let limit = |family: Family| {
            parsed(&get, family.var(), RateLimit::parse).unwrap_or_else(|| family.default_limit())
        };
        Self {
            session_limit: limit(Family::Session),
            events_limit: limit(Family::Events),
            lead_limit: limit(Family::LeadCapture),
            lead_api_limit: limit(Family::LeadApi),
            retention: parsed(&get, "RETENTION", Retention::parse)
                .unwrap_or_else(Retention::defaults),
            retention_r2_pages: count(&get, "RETENTION_R2_PAGES", 200),
            retention_d1_statements: count(&get, "RETENTION_D1_STATEMENTS", 100),
            finalize_per_run: count(&get, "FINALIZE_PER_RUN", 200),
            outbox_per_run: count(&get, "OUTBOX_PER_RUN", 50),
            extra_asns: parsed(&get, "NETWORK_ASNS", ExtraAsns::parse).unwrap_or_default(),
            test_mode: get(crate::clock::TEST_CLOCK_VAR).is_some_and(|v| v == "1"),
        }
    }

    /// The rate limit of `family`.
    pub(crate) fn limit(&self, family: Family) -> RateLimit {
        match family {
            Family::Session => self.session_limit,
            Family::Events => self.events_limit,
            Family::LeadCapture => self.lead_limit,
            Family::LeadApi => self.lead_api_limit,
        }
    }
}

/// The var `name` parsed by `parse`; `None` when unset or empty, and when malformed (logged once).
fn parsed<T>(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let text = get(name).filter(|t| !t.trim().is_empty())?;
    let value = parse(&text);
    if value.is_none() {
        log::config_once(name, "is malformed; using its default (see worker/src/config.rs)");
    }
    value
}

/// A positive count from var `name`, else `default`.
fn count(get: &impl Fn(&str) -> Option<String>, name: &'static str, default: u32) -> u32 {
    parsed(get, name, |t| t.trim().parse::<u32>().ok().filter(|n| *n > 0)).unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::asn::Kind;

    fn config(vars: &[(&str, &str)]) -> Config {
        Config::from_lookup(|name| {
            vars.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn defaults_hold_without_vars() {
        let c = config(&[]);
        assert_eq!(c.session_limit, RateLimit { limit: 120, window_s: 60 });
        assert_eq!(c.events_limit, RateLimit { limit: 1200, window_s: 60 });
        assert_eq!(c.retention.days(Store::Events), 90);
        assert_eq!(c.retention.days(Store::Sessions), 90);
        assert_eq!(c.retention.days(Store::Fingerprints), 180);
        assert_eq!(c.retention.days(Store::IdentityNetwork), 90);
        assert_eq!(c.retention.days(Store::RateLimits), 1);
        assert_eq!(c.retention.days(Store::Leads), 365);
        assert_eq!(
            (c.retention_r2_pages, c.retention_d1_statements, c.finalize_per_run, c.outbox_per_run),
            (200, 100, 200, 50)
        );
        assert_eq!(c.limit(Family::LeadCapture), RateLimit { limit: 20, window_s: 60 });
        assert_eq!(c.limit(Family::LeadApi), RateLimit { limit: 600, window_s: 60 });
        assert!(!c.test_mode);
    }

    #[test]
    fn vars_override_and_typos_fall_back() {
        let c = config(&[
            ("RATE_LIMIT_TRACK_EVENTS", "50/60"),
            ("RATE_LIMIT_TRACK_SESSION", "fifty"),
            ("RETENTION", "leads=730, events=30"),
            ("RETENTION_R2_PAGES", "1"),
            ("FINALIZE_PER_RUN", "0"),
            ("PULSEGATE_TEST_CLOCK", "1"),
        ]);
        assert_eq!(c.limit(Family::Events), RateLimit { limit: 50, window_s: 60 });
        assert_eq!(c.limit(Family::Session), RateLimit { limit: 120, window_s: 60 });
        assert_eq!(c.retention.days(Store::Leads), 730);
        assert_eq!(c.retention.days(Store::Events), 30);
        assert_eq!(c.retention.days(Store::Sessions), 90);
        assert_eq!(c.retention_r2_pages, 1);
        assert_eq!(c.finalize_per_run, 200);
        assert!(c.test_mode);
    }

    #[test]
    fn rate_limits_parse_strictly() {
        assert_eq!(RateLimit::parse(" 50 / 10 "), Some(RateLimit { limit: 50, window_s: 10 }));
        for bad in ["", "50", "0/60", "50/0", "-1/60", "50/60/1", "50/100000"] {
            assert_eq!(RateLimit::parse(bad), None, "{bad}");
        }
        assert_eq!(RateLimit { limit: 1, window_s: 60 }.window_ms(), 60_000);
    }

    #[test]
    fn retention_rejects_unknown_stores_and_bad_days() {
        assert!(Retention::parse("events=0").is_none());
        assert!(Retention::parse("replays=10").is_none());
        assert!(Retention::parse("events").is_none());
        assert_eq!(Retention::parse("").unwrap(), Retention::defaults());
        for store in Store::ALL {
            assert_eq!(Store::from_name(store.as_str()), Some(store));
        }
    }

    #[test]
    fn extra_asns_name_their_kind() {
        let extra = ExtraAsns::parse("hosting=64500, AS64501; eyeball=3209").unwrap();
        assert_eq!(
            extra.entries,
            vec![(Kind::Hosting, 64500), (Kind::Hosting, 64501), (Kind::Eyeball, 3209)]
        );
        assert!(ExtraAsns::parse("cloud=1").is_none());
        assert!(ExtraAsns::parse("vpn=x").is_none());
        assert_eq!(ExtraAsns::parse("").unwrap(), ExtraAsns::default());
    }
}
