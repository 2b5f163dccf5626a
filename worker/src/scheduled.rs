//! Cron dispatch: each schedule in wrangler.toml's `[triggers] crons` runs its jobs, with "now"
//! taken from the scheduled event (so `wrangler dev`'s `/__scheduled?cron=…&time=<ms>` can set it).

use pulsegate_schema::UnixMillis;
use serde::Serialize;
use worker::Env;

use crate::config::Config;
use crate::jobs::{drought, finalize, outbox, retention};
use crate::log::{self, Level, now_ms};

/// `0 3 * * *`: retention of every store.
pub(crate) const RETENTION_CRON: &str = "0 3 * * *";
/// `*/10 * * * *`: finalise quiet sessions, continue a retention backlog, the lead drought alert,
/// then the webhook outbox (which sends a fresh drought alert in the same run).
pub(crate) const TEN_MINUTES_CRON: &str = "*/10 * * * *";

/// A scheduled job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Job {
    Retention,
    TenMinutes,
}

impl Job {
    /// The job a cron string triggers, exactly as written in wrangler.toml.
    pub(crate) fn for_cron(cron: &str) -> Option<Self> {
        match cron {
            RETENTION_CRON => Some(Self::Retention),
            TEN_MINUTES_CRON => Some(Self::TenMinutes),
            _ => None,
        }
    }
}

/// Runs the jobs for `cron` at `now` (ms) and logs one JSON line per job.
pub(crate) async fn run(cron: &str, env: &Env, now: UnixMillis) {
    let config = Config::from_env(env);
    match Job::for_cron(cron) {
        Some(Job::Retention) => retention_job(env, &config, now, retention::Mode::Daily).await,
        Some(Job::TenMinutes) => {
            let started = now_ms();
            let summary = finalize::run(env, &config, now).await;
            let level = if summary.error.is_some() { Level::Error } else { Level::Info };
            log::job(
                level,
                "finalize_sessions",
                Timed { ms: now_ms().saturating_sub(started), summary },
            );
            retention_job(env, &config, now, retention::Mode::Continue).await;
            let started = now_ms();
            let summary = drought::run(env, now).await;
            let level = if summary.error.is_some() { Level::Error } else { Level::Info };
            log::job(
                level,
                "lead_drought_alert",
                Timed { ms: now_ms().saturating_sub(started), summary },
            );
            let summary = outbox::run(env, now, config.outbox_per_run).await;
            outbox::emit("webhook_outbox", &summary);
        }
        None => {
            log::job(Level::Warn, "unknown", UnknownCron { cron, error: "no job for this cron" });
        }
    }
}

async fn retention_job(env: &Env, config: &Config, now: UnixMillis, mode: retention::Mode) {
    let started = now_ms();
    let summary = retention::run(env, config, now, mode).await;
    if mode == retention::Mode::Continue && summary.stores.is_empty() && summary.error.is_none() {
        return; // No backlog: nothing to say every ten minutes.
    }
    let level = if summary.error.is_some() || summary.stores.iter().any(|s| s.error.is_some()) {
        Level::Error
    } else {
        Level::Info
    };
    log::job(level, "retention", Timed { ms: now_ms().saturating_sub(started), summary });
}

#[derive(Serialize)]
struct UnknownCron<'a> {
    cron: &'a str,
    error: &'static str,
}

#[derive(Serialize)]
struct Timed<T: Serialize> {
    ms: u64,
    #[serde(flatten)]
    summary: T,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crons_map_to_jobs() {
        assert_eq!(Job::for_cron("0 3 * * *"), Some(Job::Retention));
        assert_eq!(Job::for_cron("*/10 * * * *"), Some(Job::TenMinutes));
        assert_eq!(Job::for_cron("* * * * *"), None);
    }

    #[test]
    fn every_cron_in_wrangler_toml_has_a_job() {
        let toml = include_str!("../wrangler.toml");
        let line = toml.lines().find(|l| l.trim_start().starts_with("crons")).expect("crons line");
        let crons: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
        assert_eq!(crons.len(), 2, "{line}");
        for cron in crons {
            assert!(Job::for_cron(cron).is_some(), "no job for {cron:?}");
        }
    }
}
