//! Cron dispatch: each schedule in wrangler.toml's `[triggers] crons` runs one job.

use serde::Serialize;
use worker::Env;

use crate::bindings;
use crate::log::{self, Level, now_ms};
use crate::store::retention;

/// `0 3 * * *`: delete R2 session data older than 90 days.
pub(crate) const RETENTION_CRON: &str = "0 3 * * *";
/// `*/10 * * * *`: alert when no lead arrived for too long.
pub(crate) const LEAD_DROUGHT_ALERT_CRON: &str = "*/10 * * * *";

/// A scheduled job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Job {
    Retention,
    LeadDroughtAlert,
}

impl Job {
    /// The job a cron string triggers, exactly as written in wrangler.toml.
    pub(crate) fn for_cron(cron: &str) -> Option<Self> {
        match cron {
            RETENTION_CRON => Some(Self::Retention),
            LEAD_DROUGHT_ALERT_CRON => Some(Self::LeadDroughtAlert),
            _ => None,
        }
    }
}

/// Runs the job for `cron` and logs one JSON line about it.
pub(crate) async fn run(cron: &str, env: &Env) {
    match Job::for_cron(cron) {
        Some(Job::Retention) => retention(env).await,
        Some(Job::LeadDroughtAlert) => {
            // The alert needs AppSettings (enabled flag, threshold, webhook), added by a later migration.
            log::job(
                Level::Info,
                "lead_drought_alert",
                Skipped { skipped: "AppSettings not configured" },
            );
        }
        None => {
            log::job(Level::Warn, "unknown", UnknownCron { cron, error: "no job for this cron" });
        }
    }
}

async fn retention(env: &Env) {
    let started = now_ms();
    match env.bucket(bindings::TRACKING_R2) {
        Ok(bucket) => {
            let summary = retention::run(&bucket, started).await;
            let level = if summary.error.is_some() { Level::Error } else { Level::Info };
            log::job(level, "retention", Timed { ms: now_ms().saturating_sub(started), summary });
        }
        Err(e) => log::job(Level::Error, "retention", Failed { error: format!("r2 binding: {e}") }),
    }
}

#[derive(Serialize)]
struct Skipped {
    skipped: &'static str,
}

#[derive(Serialize)]
struct UnknownCron<'a> {
    cron: &'a str,
    error: &'static str,
}

#[derive(Serialize)]
struct Failed {
    error: String,
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
        assert_eq!(Job::for_cron("*/10 * * * *"), Some(Job::LeadDroughtAlert));
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
