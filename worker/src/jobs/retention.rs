//! Retention of every store, in bounded slices (issue: "data lifecycle in every store").
//!
//! The daily cron (`0 3 * * *`) sweeps each store of [`Store::ALL`] on its own window from the
//! one `RETENTION` setting; the `*/10` cron continues any store whose backlog the daily run could
//! not finish. Each run does at most `RETENTION_R2_PAGES` R2 list+delete pages and
//! `RETENTION_D1_STATEMENTS` D1 deletes (a Worker invocation has ~1,000 binding calls), and the
//! table `retention_cursors` records, per store, whether it is done and (for R2) the last key
//! handled, so a backlog of millions of objects drains over successive runs and a failure resumes
//! where it stopped instead of from the oldest year.
//!
//! | store | what | window counts from |
//! |---|---|---|
//! | `events` | R2 `sessions/YYYY/MM/DD/…` | the UTC date in the key |
//! | `sessions` | D1 `rollup_days`, `rollup_dims`, `rollup_visitor_days` (by `day_start`), `rollup_hours`, `rollup_pages`, `rollup_events` (by `hour`), then `session_pages`, `session_events`, `sessions` | `started_at` |
//! | `fingerprints` | D1 `fingerprints` | `last_seen_at` |
//! | `identity_network` | D1 `identity_network` | `last_seen_at` |
//! | `rate_limits` | D1 `rate_limit_windows` | `window_start` |
//! | `leads` | D1 `LeadSubmissions`, `BlockedIPLeads`, `LeadCrmActivity`, `MakeWebhookSends`, `WebhookAttempts`, `WebhookDeadLetters`, then `Leads` | each row's own time; a lead by its latest submission |

use std::collections::HashMap;

use pulsegate_schema::UnixMillis;
use serde::{Deserialize, Serialize};
use worker::Env;

use crate::config::{Config, Store};
use crate::error::ApiError;
use crate::store::d1::{Db, Kind, Stats, num, opt_text, text};
use crate::store::retention::{self, Progress, Table};

/// Which runs sweep what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The daily run: every store.
    Daily,
    /// The `*/10` run: only stores whose last sweep left a backlog.
    Continue,
}

/// The D1 tables of a store, or `None` for the R2 store.
pub(crate) fn tables(store: Store) -> Option<&'static [Table]> {
    const fn t(name: &'static str, time_column: &'static str) -> Table {
        Table { name, time_column, key: "rowid" }
    }
    // The rollups go first: an hour or day whose row is gone is read raw, so the triggers that
    // mark built hours and days dirty find nothing to mark while the per-session rows are deleted.
    const SESSIONS: &[Table] = &[
        t("rollup_days", "day_start"),
        t("rollup_dims", "day_start"),
        t("rollup_visitor_days", "day_start"),
        t("rollup_hours", "hour"),
        t("rollup_pages", "hour"),
        t("rollup_events", "hour"),
        t("session_pages", "started_at"),
        t("session_events", "started_at"),
        t("sessions", "started_at"),
    ];
    const FINGERPRINTS: &[Table] = &[t("fingerprints", "last_seen_at")];
    const IDENTITY_NETWORK: &[Table] = &[t("identity_network", "last_seen_at")];
    const RATE_LIMITS: &[Table] = &[Table {
        name: "rate_limit_windows",
        time_column: "window_start",
        key: "key, window_start",
    }];
    // Each row by its own time; a lead goes once its latest submission is past the window, and
    // takes whatever still refers to it (ON DELETE CASCADE). The live outbox is never swept: its
    // messages leave it within a day.
    const LEADS: &[Table] = &[
        t("LeadSubmissions", "CreatedAt"),
        t("BlockedIPLeads", "CreatedAt"),
        t("LeadCrmActivity", "ReceivedAt"),
        t("MakeWebhookSends", "SentAt"),
        t("WebhookAttempts", "At"),
        t("WebhookDeadLetters", "DeadAt"),
        t("Leads", "UpdatedAt"),
    ];
    match store {
        Store::Events => None,
        Store::Sessions => Some(SESSIONS),
        Store::Fingerprints => Some(FINGERPRINTS),
        Store::IdentityNetwork => Some(IDENTITY_NETWORK),
        Store::RateLimits => Some(RATE_LIMITS),
        Store::Leads => Some(LEADS),
    }
}

/// One store's part of a run.
#[derive(Debug, Serialize)]
pub(crate) struct StoreLine {
    pub(crate) store: &'static str,
    pub(crate) days: u32,
    pub(crate) deleted: u64,
    pub(crate) calls: u32,
    pub(crate) done: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}

/// What a run did; logged as one JSON line.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Summary {
    /// The run's "now" (the scheduled time), ms.
    pub(crate) now: UnixMillis,
    pub(crate) stores: Vec<StoreLine>,
    pub(crate) d1_writes: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct CursorRow {
    store: String,
    cursor: Option<String>,
    done: u8,
}

/// Runs the sweeps `mode` calls for.
pub(crate) async fn run(env: &Env, config: &Config, now: UnixMillis, mode: Mode) -> Summary {
    let stats = Stats::new();
    let mut summary = Summary { now, ..Summary::default() };
    if let Err(e) = sweep(env, config, now, mode, &stats, &mut summary).await {
        summary.error = Some(e.detail().unwrap_or("failed").to_owned());
    }
    summary.d1_writes = stats.d1_writes();
    summary
}

async fn sweep(
    env: &Env,
    config: &Config,
    now: UnixMillis,
    mode: Mode,
    stats: &std::rc::Rc<Stats>,
    summary: &mut Summary,
) -> Result<(), ApiError> {
    let db = Db::open(env, stats.clone())?;
    let read =
        db.statement(Kind::Read, "SELECT store, cursor, done FROM retention_cursors", &[])?;
    let cursors: HashMap<String, CursorRow> = db
        .all::<CursorRow>("d1 read retention cursors", read)
        .await?
        .into_iter()
        .map(|row| (row.store.clone(), row))
        .collect();
    let pending = |store: Store| cursors.get(store.as_str()).is_some_and(|c| c.done == 0);
    if mode == Mode::Continue && !Store::ALL.into_iter().any(pending) {
        return Ok(());
    }
    let bucket = super::aggregate::bucket(env)?;
    let mut r2_pages = config.retention_r2_pages;
    let mut d1_statements = config.retention_d1_statements;
    for store in Store::ALL {
        if mode == Mode::Continue && !pending(store) {
            continue;
        }
        let days = config.retention.days(store);
        let (progress, result) = match tables(store) {
            None => {
                let start_after = cursors.get(store.as_str()).and_then(|c| c.cursor.clone());
                let cut = retention::cutoff(now, days);
                let out = retention::sweep_r2(&bucket, cut, start_after, r2_pages).await;
                r2_pages = r2_pages.saturating_sub(out.0.calls);
                out
            }
            Some(tables) => {
                let before = retention::cutoff_ms(now, days);
                let mut total = Progress { done: true, ..Progress::default() };
                let mut result = Ok(());
                for table in tables {
                    let (p, r) = retention::sweep_d1(&db, *table, before, d1_statements).await;
                    d1_statements = d1_statements.saturating_sub(p.calls);
                    total.deleted += p.deleted;
                    total.calls += p.calls;
                    total.done &= p.done;
                    if r.is_err() {
                        result = r;
                        break;
                    }
                }
                (total, result)
            }
        };
        let error = result.err().map(|e| e.detail().unwrap_or("failed").to_owned());
        let done = progress.done && error.is_none();
        save_cursor(&db, store, progress.cursor.as_deref(), done, now).await?;
        summary.stores.push(StoreLine {
            store: store.as_str(),
            days,
            deleted: progress.deleted,
            calls: progress.calls,
            done,
            error,
        });
    }
    Ok(())
}

async fn save_cursor(
    db: &Db,
    store: Store,
    cursor: Option<&str>,
    done: bool,
    now: UnixMillis,
) -> Result<(), ApiError> {
    const SAVE: &str = "INSERT INTO retention_cursors (store, cursor, done, updated_at)
        VALUES (?1, ?2, ?3, ?4)
        ON CONFLICT (store) DO UPDATE SET cursor = excluded.cursor, done = excluded.done,
          updated_at = excluded.updated_at";
    let values = [text(store.as_str()), opt_text(cursor), num(u64::from(done)), num(now)];
    db.run("d1 save retention cursor", db.statement(Kind::Write, SAVE, &values)?).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_store_has_a_sweep_and_only_events_lives_in_r2() {
        for store in Store::ALL {
            assert_eq!(tables(store).is_none(), store == Store::Events, "{store:?}");
        }
        let sessions: Vec<&str> = tables(Store::Sessions).unwrap().iter().map(|t| t.name).collect();
        assert_eq!(
            sessions,
            [
                "rollup_days",
                "rollup_dims",
                "rollup_visitor_days",
                "rollup_hours",
                "rollup_pages",
                "rollup_events",
                "session_pages",
                "session_events",
                "sessions"
            ]
        );
        let leads: Vec<&str> = tables(Store::Leads).unwrap().iter().map(|t| t.name).collect();
        assert_eq!(leads.last(), Some(&"Leads"));
        assert!(leads.contains(&"LeadSubmissions") && leads.contains(&"BlockedIPLeads"));
    }

    /// Every lead table is swept, each by a column it has, with the SQL the sweep runs; a lead
    /// whose latest submission is past the window goes with everything that refers to it.
    #[test]
    fn the_lead_sweep_runs_on_the_real_tables() {
        use crate::analytics::native_tests::migrated;
        let db = migrated();
        db.execute_batch(
            "INSERT INTO Leads (PublicId, SiteKey, IdentityKey, FormId, Source, CreatedAt, UpdatedAt) VALUES
               ('ld_old', 'demo', 'email:old@x.co', 'f', 'form', 10, 20),
               ('ld_new', 'demo', 'email:new@x.co', 'f', 'form', 10, 5000);
             INSERT INTO LeadSubmissions (PublicId, LeadId, SiteKey, FormId, IdempotencyKey, PayloadJson, Source, CreatedAt)
               VALUES ('sub_1', 1, 'demo', 'f', 'k1', '{}', 'form', 20), ('sub_2', 2, 'demo', 'f', 'k2', '{}', 'form', 10),
                      ('sub_3', 2, 'demo', 'f', 'k3', '{}', 'form', 5000);
             INSERT INTO LeadCrmActivity (LeadId, Event, PayloadJson, ReceivedAt) VALUES (1, 'x', '{}', 4000);
             INSERT INTO MakeWebhookSends (MessageId, Kind, LeadId, SubmissionId, Url, PayloadJson, Attempts, StatusCode, CreatedAt, SentAt)
               VALUES ('msg_1', 'lead.created', 2, 2, 'u', '{}', 1, 200, 10, 11);
             INSERT INTO WebhookAttempts (MessageId, At, Ms) VALUES ('msg_1', 11, 1);
             INSERT INTO BlockedIPLeads (PublicId, SiteKey, FormId, IdempotencyKey, Reason, PayloadJson, Source, CreatedAt)
               VALUES ('ld_b', 'demo', 'f', 'k9', 'honeypot', '{}', 'form', 30);",
        )
        .unwrap();
        for table in tables(Store::Leads).unwrap() {
            let Table { name, time_column, key } = *table;
            let sql = format!(
                "DELETE FROM {name} WHERE ({key}) IN (SELECT {key} FROM {name} WHERE {time_column} < ?1 LIMIT ?2)"
            );
            db.execute(&sql, rusqlite::params![1000, 1000]).unwrap();
        }
        let ids = |sql: &str| -> Vec<String> {
            let mut stmt = db.prepare(sql).unwrap();
            stmt.query_map([], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap).collect()
        };
        assert_eq!(ids("SELECT PublicId FROM Leads"), ["ld_new"]);
        assert_eq!(ids("SELECT PublicId FROM LeadSubmissions"), ["sub_3"]);
        assert!(ids("SELECT Event FROM LeadCrmActivity").is_empty(), "went with its lead");
        assert!(ids("SELECT MessageId FROM MakeWebhookSends").is_empty());
        assert!(ids("SELECT MessageId FROM WebhookAttempts").is_empty());
        assert!(ids("SELECT PublicId FROM BlockedIPLeads").is_empty());
    }
}
