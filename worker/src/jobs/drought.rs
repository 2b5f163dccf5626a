//! The lead drought alert (spec `lib/leadDroughtAlert.ts`, cron `*/10`): when AppSettings turn it
//! on and the newest lead (test leads and set-aside submissions aside) is older than the
//! threshold, one signed `lead.drought` message is queued in the webhook outbox, and the outbox
//! run right after sends it. `LeadDroughtState` remembers which drought it was for, so the alert
//! fires once per drought and the next lead re-arms it.

use pulsegate_schema::UnixMillis;
use pulsegate_schema::lead::{DroughtAlert, WebhookMessage, WebhookType};
use serde::{Deserialize, Serialize};
use worker::Env;

use crate::db::Db;
use crate::error::ApiError;
use crate::lead::ids;
use crate::sql::Query;
use crate::store::settings;
use crate::webhook::payload::rfc3339;

/// What a run decided; logged as one JSON line.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub(crate) struct Summary {
    pub(crate) now: UnixMillis,
    /// `off`, `quiet` (leads are recent), `alerted` (already alerted for this drought) or `queued`.
    pub(crate) outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) last_lead_at: Option<UnixMillis>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) minutes_without_lead: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) message_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}

/// The facts a decision needs.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
pub(crate) struct Facts {
    /// The newest non-test submission's time.
    pub(crate) last_lead_at: Option<UnixMillis>,
    /// The drought the last alert was for (its `last_lead_at`, 0 for "no lead yet").
    pub(crate) alerted_for: Option<UnixMillis>,
}

/// What to do now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    Quiet,
    AlreadyAlerted,
    /// Alert for the drought that started at `since` (identified by `key`).
    Alert {
        key: UnixMillis,
        minutes: u64,
    },
}

/// The pure rule. Without any lead yet, the drought counts from `configured_at` (when the alert
/// settings were saved).
pub(crate) fn decide(
    facts: Facts,
    threshold_minutes: u32,
    configured_at: UnixMillis,
    now: UnixMillis,
) -> Decision {
    let key = facts.last_lead_at.unwrap_or(0);
    let since = facts.last_lead_at.unwrap_or(configured_at);
    let quiet_ms = now.saturating_sub(since);
    if quiet_ms < u64::from(threshold_minutes) * 60_000 {
        Decision::Quiet
    } else if facts.alerted_for == Some(key) {
        Decision::AlreadyAlerted
    } else {
        Decision::Alert { key, minutes: quiet_ms / 60_000 }
    }
}

const FACTS: &str = "SELECT (SELECT max(CreatedAt) FROM LeadSubmissions WHERE IsTest = 0) AS last_lead_at, \
    (SELECT AlertedForLeadAt FROM LeadDroughtState WHERE Id = 1) AS alerted_for";

/// Records the alert for drought `key` and queues its message, both only if no alert for that
/// drought exists yet (a second run racing this one queues nothing).
pub(crate) fn queue_alert(
    key: UnixMillis,
    message_id: &str,
    body: &str,
    now: UnixMillis,
) -> [Query; 2] {
    [
        Query::new(
            "INSERT INTO LeadDroughtState (Id, AlertedForLeadAt, AlertedAt, MessageId) VALUES (1, ?1, ?2, ?3) \
             ON CONFLICT (Id) DO UPDATE SET AlertedForLeadAt = excluded.AlertedForLeadAt, \
               AlertedAt = excluded.AlertedAt, MessageId = excluded.MessageId \
             WHERE AlertedForLeadAt <> excluded.AlertedForLeadAt",
            vec![key.into(), now.into(), message_id.into()],
        ),
        Query::new(
            "INSERT INTO WebhookOutbox (MessageId, Kind, PayloadJson, NextAttemptAt, CreatedAt) \
             SELECT ?1, 'lead.drought', ?2, ?3, ?3 WHERE EXISTS \
               (SELECT 1 FROM LeadDroughtState WHERE Id = 1 AND MessageId = ?1)",
            vec![message_id.into(), body.into(), now.into()],
        ),
    ]
}

/// Checks for a drought and queues the alert.
pub(crate) async fn run(env: &Env, now: UnixMillis) -> Summary {
    let mut summary = Summary { now, outcome: "off", ..Summary::default() };
    if let Err(e) = check(env, now, &mut summary).await {
        summary.error = Some(e.detail().unwrap_or("failed").to_owned());
    }
    summary
}

async fn check(env: &Env, now: UnixMillis, summary: &mut Summary) -> Result<(), ApiError> {
    let db = Db::open(env)?;
    let stored = settings::load(&db).await?;
    let alert = &stored.settings().lead_drought_alert;
    if !alert.enabled || alert.webhook_url.is_none() {
        return Ok(());
    }
    let facts: Facts =
        db.first("drought facts", &Query::new(FACTS, vec![])).await?.unwrap_or_default();
    summary.last_lead_at = facts.last_lead_at;
    let configured_at = stored.document.updated_at.unwrap_or(0);
    match decide(facts, alert.threshold_minutes, configured_at, now) {
        Decision::Quiet => summary.outcome = "quiet",
        Decision::AlreadyAlerted => summary.outcome = "alerted",
        Decision::Alert { key, minutes } => {
            let message_id = ids::new(ids::MESSAGE)?;
            let body = WebhookMessage {
                kind: WebhookType::LeadDrought,
                timestamp: rfc3339(now),
                data: DroughtAlert {
                    last_lead_at: facts.last_lead_at,
                    minutes_without_lead: minutes,
                    threshold_minutes: alert.threshold_minutes,
                },
            };
            let json =
                serde_json::to_string(&body).map_err(|e| ApiError::Internal(e.to_string()))?;
            db.batch("queue drought alert", &queue_alert(key, &message_id, &json, now)).await?;
            summary.outcome = "queued";
            summary.minutes_without_lead = Some(minutes);
            summary.message_id = Some(message_id);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::native_tests::{migrated, rows_json};

    const H: u64 = 3_600_000;

    #[test]
    fn once_per_drought_and_the_next_lead_re_arms() {
        let facts = |last, alerted| Facts { last_lead_at: last, alerted_for: alerted };
        // Threshold four hours; the last lead at 10 h.
        assert_eq!(decide(facts(Some(10 * H), None), 240, 0, 13 * H), Decision::Quiet);
        assert_eq!(
            decide(facts(Some(10 * H), None), 240, 0, 14 * H),
            Decision::Alert { key: 10 * H, minutes: 240 }
        );
        assert_eq!(
            decide(facts(Some(10 * H), Some(10 * H)), 240, 0, 20 * H),
            Decision::AlreadyAlerted
        );
        // A lead at 15 h: quiet again, then a new drought and a new alert.
        assert_eq!(decide(facts(Some(15 * H), Some(10 * H)), 240, 0, 16 * H), Decision::Quiet);
        assert_eq!(
            decide(facts(Some(15 * H), Some(10 * H)), 240, 0, 19 * H),
            Decision::Alert { key: 15 * H, minutes: 240 }
        );
        // No lead yet: counted from when the alert was configured, alerted once.
        assert_eq!(decide(facts(None, None), 60, 5 * H, 5 * H + 59 * 60_000), Decision::Quiet);
        assert_eq!(
            decide(facts(None, None), 60, 5 * H, 6 * H),
            Decision::Alert { key: 0, minutes: 60 }
        );
        assert_eq!(decide(facts(None, Some(0)), 60, 5 * H, 9 * H), Decision::AlreadyAlerted);
    }

    #[test]
    fn the_alert_is_queued_once_per_drought_even_when_two_runs_race() {
        let db = migrated();
        let run = |q: &[Query]| q.iter().for_each(|q| drop(rows_json(&db, q)));
        run(&queue_alert(7, "msg_a", "{}", 100));
        run(&queue_alert(7, "msg_b", "{}", 101));
        let count = |sql: &str| rows_json(&db, &Query::new(sql, vec![]))[0]["n"].clone();
        assert_eq!(count("SELECT count(*) AS n FROM WebhookOutbox"), 1);
        assert_eq!(count("SELECT count(*) AS n FROM WebhookOutbox WHERE MessageId = 'msg_a'"), 1);
        run(&queue_alert(9, "msg_c", "{}", 102));
        assert_eq!(count("SELECT count(*) AS n FROM WebhookOutbox"), 2);
        let facts: Facts =
            serde_json::from_value(rows_json(&db, &Query::new(FACTS, vec![])).remove(0)).unwrap();
        assert_eq!(facts, Facts { last_lead_at: None, alerted_for: Some(9) });
    }
}
