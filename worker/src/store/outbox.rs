//! The webhook outbox in D1 (`WebhookOutbox`, `WebhookDeadLetters`, `MakeWebhookSends`,
//! `WebhookAttempts`): pure [`Query`] builders for each move a message makes, run on D1 by
//! `jobs/outbox.rs` and on SQLite by the unit tests below.
//!
//! A message is claimed with a lease before an attempt (so the cron and an immediate attempt
//! never send it at the same time), then either delivered (moved to `MakeWebhookSends`), given a
//! later `NextAttemptAt`, or moved to the dead letters; every attempt is logged.

use pulsegate_schema::UnixMillis;
use serde::Deserialize;

use crate::sql::Query;

/// How long a claimed message is left alone: longer than an attempt can take.
pub(crate) const LEASE_MS: u64 = 60_000;

/// Which kinds of message may be sent now (a kind whose webhook is switched off waits, without
/// using up its attempts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Enabled {
    /// `lead.created` / `lead.updated` (Make.com on, with a URL and a secret).
    pub(crate) leads: bool,
    /// `lead.drought` (the drought alert on, with a URL).
    pub(crate) drought: bool,
}

/// A claimed message.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Claimed {
    pub(crate) id: u64,
    pub(crate) message_id: String,
    pub(crate) kind: String,
    pub(crate) lead_id: Option<u64>,
    pub(crate) submission_id: Option<u64>,
    pub(crate) payload_json: Option<String>,
    pub(crate) base_url: Option<String>,
    /// This attempt's number (1 for the first).
    pub(crate) attempts: u32,
    pub(crate) created_at: UnixMillis,
}

const CLAIMED: &str =
    "Id, MessageId, Kind, LeadId, SubmissionId, PayloadJson, BaseUrl, Attempts, CreatedAt";

fn due(q: &mut Query, now: UnixMillis, enabled: Enabled) -> String {
    let now = q.bind(now);
    let leads = q.bind(u64::from(enabled.leads));
    let drought = q.bind(u64::from(enabled.drought));
    format!(
        "NextAttemptAt <= {now} AND (LeaseUntil IS NULL OR LeaseUntil <= {now}) \
         AND ((Kind = 'lead.drought' AND {drought} = 1) OR (Kind <> 'lead.drought' AND {leads} = 1))"
    )
}

/// Claims up to `limit` due messages, oldest due first; each attempt counts from here.
pub(crate) fn claim_due(now: UnixMillis, enabled: Enabled, limit: u32) -> Query {
    let mut q = Query::new("", vec![]);
    let lease = q.bind(now + LEASE_MS);
    let due = due(&mut q, now, enabled);
    let limit = q.bind(limit);
    q.sql = format!(
        "UPDATE WebhookOutbox SET LeaseUntil = {lease}, Attempts = Attempts + 1 WHERE Id IN \
         (SELECT Id FROM WebhookOutbox WHERE {due} ORDER BY NextAttemptAt, Id LIMIT {limit}) \
         RETURNING {CLAIMED}"
    );
    q
}

/// Claims one message if it is due (the attempt right after capture, or after a re-send).
pub(crate) fn claim_one(message_id: &str, now: UnixMillis, enabled: Enabled) -> Query {
    let mut q = Query::new("", vec![]);
    let lease = q.bind(now + LEASE_MS);
    let due = due(&mut q, now, enabled);
    let id = q.bind(message_id);
    q.sql = format!(
        "UPDATE WebhookOutbox SET LeaseUntil = {lease}, Attempts = Attempts + 1 \
         WHERE MessageId = {id} AND {due} RETURNING {CLAIMED}"
    );
    q
}

/// Freezes a message's body (built at its first attempt): retries send the same bytes.
pub(crate) fn freeze(id: u64, payload_json: &str) -> Query {
    Query::new(
        "UPDATE WebhookOutbox SET PayloadJson = ?2 WHERE Id = ?1 AND PayloadJson IS NULL",
        vec![id.into(), payload_json.into()],
    )
}

/// What one attempt did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Attempt<'a> {
    pub(crate) message_id: &'a str,
    pub(crate) at: UnixMillis,
    pub(crate) status: Option<u16>,
    pub(crate) ms: u64,
    pub(crate) error: Option<&'a str>,
}

fn log(a: &Attempt<'_>) -> Query {
    Query::new(
        "INSERT INTO WebhookAttempts (MessageId, At, Status, Ms, Error) VALUES (?1, ?2, ?3, ?4, ?5)",
        vec![
            a.message_id.into(),
            a.at.into(),
            a.status.map(u32::from).into(),
            a.ms.into(),
            a.error.into(),
        ],
    )
}

/// The receiver accepted it: recorded in `MakeWebhookSends`, out of the outbox.
pub(crate) fn delivered(id: u64, url: &str, a: &Attempt<'_>) -> Vec<Query> {
    vec![
        Query::new(
            "INSERT INTO MakeWebhookSends (MessageId, Kind, LeadId, SubmissionId, Url, PayloadJson, Attempts, \
               StatusCode, CreatedAt, SentAt) \
             SELECT MessageId, Kind, LeadId, SubmissionId, ?2, PayloadJson, Attempts, ?3, CreatedAt, ?4 \
             FROM WebhookOutbox WHERE Id = ?1 AND PayloadJson IS NOT NULL \
             ON CONFLICT (MessageId) DO NOTHING",
            vec![id.into(), url.into(), a.status.map(u32::from).into(), a.at.into()],
        ),
        log(a),
        Query::new("DELETE FROM WebhookOutbox WHERE Id = ?1", vec![id.into()]),
    ]
}

/// Try again at `next_at`.
pub(crate) fn retry(id: u64, next_at: UnixMillis, a: &Attempt<'_>) -> Vec<Query> {
    vec![
        Query::new(
            "UPDATE WebhookOutbox SET NextAttemptAt = ?2, LeaseUntil = NULL, LastAttemptAt = ?3, \
               LastStatus = ?4, LastError = ?5 WHERE Id = ?1",
            vec![
                id.into(),
                next_at.into(),
                a.at.into(),
                a.status.map(u32::from).into(),
                a.error.into(),
            ],
        ),
        log(a),
    ]
}

/// Given up: moved to the dead letters with its payload.
pub(crate) fn dead(id: u64, a: &Attempt<'_>) -> Vec<Query> {
    vec![
        Query::new(
            "INSERT INTO WebhookDeadLetters (MessageId, Kind, LeadId, SubmissionId, PayloadJson, BaseUrl, Attempts, \
               LastAttemptAt, LastStatus, LastError, CreatedAt, DeadAt) \
             SELECT MessageId, Kind, LeadId, SubmissionId, PayloadJson, BaseUrl, Attempts, ?2, ?3, ?4, CreatedAt, ?2 \
             FROM WebhookOutbox WHERE Id = ?1 ON CONFLICT (MessageId) DO NOTHING",
            vec![id.into(), a.at.into(), a.status.map(u32::from).into(), a.error.into()],
        ),
        log(a),
        Query::new("DELETE FROM WebhookOutbox WHERE Id = ?1", vec![id.into()]),
    ]
}

/// An attempt that could not even be made (no payload could be built): back after `next_at`
/// without touching its history.
pub(crate) fn release(id: u64, next_at: UnixMillis, error: &str) -> Query {
    Query::new(
        "UPDATE WebhookOutbox SET NextAttemptAt = ?2, LeaseUntil = NULL, Attempts = max(Attempts - 1, 0), \
           LastError = ?3 WHERE Id = ?1",
        vec![id.into(), next_at.into(), error.into()],
    )
}

/// Re-sends a dead letter: back in the outbox under the same id and body, due now, with a fresh
/// set of attempts. The first statement changes one row when the dead letter exists.
pub(crate) fn resend(message_id: &str, now: UnixMillis) -> Vec<Query> {
    vec![
        Query::new(
            "INSERT INTO WebhookOutbox (MessageId, Kind, LeadId, SubmissionId, PayloadJson, BaseUrl, Attempts, \
               NextAttemptAt, LastAttemptAt, LastStatus, LastError, CreatedAt) \
             SELECT MessageId, Kind, LeadId, SubmissionId, PayloadJson, BaseUrl, 0, ?2, LastAttemptAt, LastStatus, \
               LastError, CreatedAt FROM WebhookDeadLetters WHERE MessageId = ?1 \
             ON CONFLICT (MessageId) DO NOTHING",
            vec![message_id.into(), now.into()],
        ),
        Query::new("DELETE FROM WebhookDeadLetters WHERE MessageId = ?1", vec![message_id.into()]),
    ]
}

// ---- reading -------------------------------------------------------------------------------

/// Where a listed message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Listing {
    Outbox,
    DeadLetters,
}

/// One message as listed (outbox, dead letters, or a lead's deliveries).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub(crate) struct MessageRow {
    pub(crate) state: String,
    pub(crate) message_id: String,
    pub(crate) kind: String,
    pub(crate) lead_id: Option<String>,
    pub(crate) created_at: UnixMillis,
    pub(crate) attempts: u32,
    pub(crate) next_attempt_at: Option<UnixMillis>,
    pub(crate) last_attempt_at: Option<UnixMillis>,
    pub(crate) last_status: Option<u16>,
    pub(crate) last_error: Option<String>,
    pub(crate) delivered_at: Option<UnixMillis>,
    pub(crate) execution_url: Option<String>,
    pub(crate) dead_at: Option<UnixMillis>,
}

const OUTBOX_ROW: &str = "'pending' AS state, o.MessageId AS message_id, o.Kind AS kind, l.PublicId AS lead_id, \
    o.CreatedAt AS created_at, o.Attempts AS attempts, o.NextAttemptAt AS next_attempt_at, \
    o.LastAttemptAt AS last_attempt_at, o.LastStatus AS last_status, o.LastError AS last_error, \
    NULL AS delivered_at, NULL AS execution_url, NULL AS dead_at \
    FROM WebhookOutbox o LEFT JOIN Leads l ON l.Id = o.LeadId";
const DEAD_ROW: &str = "'dead' AS state, o.MessageId AS message_id, o.Kind AS kind, l.PublicId AS lead_id, \
    o.CreatedAt AS created_at, o.Attempts AS attempts, NULL AS next_attempt_at, \
    o.LastAttemptAt AS last_attempt_at, o.LastStatus AS last_status, o.LastError AS last_error, \
    NULL AS delivered_at, NULL AS execution_url, o.DeadAt AS dead_at \
    FROM WebhookDeadLetters o LEFT JOIN Leads l ON l.Id = o.LeadId";
const SENT_ROW: &str = "'delivered' AS state, o.MessageId AS message_id, o.Kind AS kind, l.PublicId AS lead_id, \
    o.CreatedAt AS created_at, o.Attempts AS attempts, NULL AS next_attempt_at, \
    o.SentAt AS last_attempt_at, o.StatusCode AS last_status, NULL AS last_error, \
    o.SentAt AS delivered_at, o.ExecutionUrl AS execution_url, NULL AS dead_at \
    FROM MakeWebhookSends o LEFT JOIN Leads l ON l.Id = o.LeadId";

/// The outbox or the dead letters, oldest first.
pub(crate) fn list(which: Listing, limit: u32) -> Query {
    let (row, order) = match which {
        Listing::Outbox => (OUTBOX_ROW, "o.NextAttemptAt, o.Id"),
        Listing::DeadLetters => (DEAD_ROW, "o.DeadAt, o.Id"),
    };
    Query::new(format!("SELECT {row} ORDER BY {order} LIMIT ?1"), vec![limit.into()])
}

/// One message in the outbox.
pub(crate) fn pending(message_id: &str) -> Query {
    Query::new(format!("SELECT {OUTBOX_ROW} WHERE o.MessageId = ?1"), vec![message_id.into()])
}

/// One lead's messages wherever they are, newest first; `lead` is SQL naming the lead's row id
/// with `?1` bound to `param`.
pub(crate) fn of_lead(lead: &str, param: &str) -> Query {
    Query::new(
        format!(
            "SELECT * FROM (SELECT {SENT_ROW} WHERE o.LeadId = {lead} UNION ALL SELECT {OUTBOX_ROW} \
             WHERE o.LeadId = {lead} UNION ALL SELECT {DEAD_ROW} WHERE o.LeadId = {lead}) \
             ORDER BY created_at DESC, message_id"
        ),
        vec![param.into()],
    )
}

/// The attempts of the messages named in `message_ids_json` (a JSON array), oldest first.
pub(crate) fn attempts_of(message_ids_json: &str) -> Query {
    Query::new(
        "SELECT MessageId AS message_id, At AS at, Status AS status, Ms AS ms, Error AS error \
         FROM WebhookAttempts WHERE MessageId IN (SELECT value FROM json_each(?1)) ORDER BY At, Id",
        vec![message_ids_json.into()],
    )
}

/// One logged attempt, as [`attempts_of`] reads it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub(crate) struct AttemptRow {
    pub(crate) message_id: String,
    pub(crate) at: UnixMillis,
    pub(crate) status: Option<u16>,
    pub(crate) ms: u64,
    pub(crate) error: Option<String>,
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;
    use serde_json::{Value, json};

    use super::*;
    use crate::analytics::native_tests::{migrated, rows_json};

    const ON: Enabled = Enabled { leads: true, drought: true };

    fn run(db: &Connection, queries: &[Query]) {
        db.execute_batch("BEGIN").unwrap();
        for q in queries {
            rows_json(db, q);
        }
        db.execute_batch("COMMIT").unwrap();
    }

    fn claimed(db: &Connection, q: &Query) -> Vec<Claimed> {
        rows_json(db, q).into_iter().map(|v| serde_json::from_value(v).unwrap()).collect()
    }

    fn one(db: &Connection, sql: &str) -> Value {
        rows_json(db, &Query::new(sql, vec![])).into_iter().next().unwrap_or(Value::Null)
    }

    fn queued(db: &Connection, n: u32, kind: &str, due: u64) {
        db.execute(
            "INSERT INTO WebhookOutbox (MessageId, Kind, PayloadJson, NextAttemptAt, CreatedAt) VALUES (?1, ?2, '{}', ?3, 1)",
            rusqlite::params![format!("msg_{n}"), kind, due],
        )
        .unwrap();
    }

    fn attempt(id: &str, at: u64, status: Option<u16>) -> Attempt<'_> {
        Attempt {
            message_id: id,
            at,
            status,
            ms: 12,
            error: status.is_none().then_some("timed out"),
        }
    }

    #[test]
    fn claims_take_due_messages_once_until_the_lease_ends() {
        let db = migrated();
        queued(&db, 1, "lead.created", 100);
        queued(&db, 2, "lead.drought", 100);
        queued(&db, 3, "lead.created", 500);
        let first = claimed(&db, &claim_due(200, ON, 10));
        assert_eq!(
            first.iter().map(|c| c.message_id.as_str()).collect::<Vec<_>>(),
            ["msg_1", "msg_2"]
        );
        assert!(first.iter().all(|c| c.attempts == 1));
        assert!(claimed(&db, &claim_due(200, ON, 10)).is_empty(), "leased");
        assert!(claimed(&db, &claim_one("msg_1", 200 + LEASE_MS - 1, ON)).is_empty());
        let again = claimed(&db, &claim_due(200 + LEASE_MS, ON, 1));
        assert_eq!(
            (again[0].message_id.as_str(), again[0].attempts),
            ("msg_1", 2),
            "a lost attempt comes back"
        );
        // A switched-off kind waits without using attempts.
        let off = Enabled { leads: false, drought: true };
        assert!(
            claimed(&db, &claim_due(10_000_000, off, 10)).iter().all(|c| c.kind == "lead.drought")
        );
        assert_eq!(
            one(&db, "SELECT Attempts FROM WebhookOutbox WHERE MessageId = 'msg_3'")["Attempts"],
            0
        );
    }

    #[test]
    fn a_message_is_retried_then_delivered_once_with_its_log() {
        let db = migrated();
        queued(&db, 1, "lead.created", 0);
        let c = claimed(&db, &claim_due(10, ON, 10)).remove(0);
        run(&db, &retry(c.id, 70_000, &attempt("msg_1", 10, Some(503))));
        assert!(claimed(&db, &claim_due(69_999, ON, 10)).is_empty(), "not due yet");
        let c = claimed(&db, &claim_due(70_000, ON, 10)).remove(0);
        assert_eq!(c.attempts, 2);
        run(&db, &delivered(c.id, "https://hook", &attempt("msg_1", 70_000, Some(200))));
        assert_eq!(one(&db, "SELECT count(*) AS n FROM WebhookOutbox")["n"], 0);
        assert_eq!(
            one(&db, "SELECT MessageId, Attempts, StatusCode, SentAt, Url FROM MakeWebhookSends"),
            json!({"MessageId":"msg_1","Attempts":2,"StatusCode":200,"SentAt":70000,"Url":"https://hook"})
        );
        let log: Vec<AttemptRow> = rows_json(&db, &attempts_of("[\"msg_1\"]"))
            .into_iter()
            .map(|v| serde_json::from_value(v).unwrap())
            .collect();
        assert_eq!(log.iter().map(|a| a.status).collect::<Vec<_>>(), [Some(503), Some(200)]);
        let rows = rows_json(&db, &Query::new(format!("SELECT {SENT_ROW}"), vec![]));
        assert_eq!(rows[0]["state"], "delivered");
    }

    #[test]
    fn dead_letters_keep_the_message_and_a_resend_brings_it_back_under_the_same_id() {
        let db = migrated();
        queued(&db, 1, "lead.created", 0);
        let c = claimed(&db, &claim_due(10, ON, 10)).remove(0);
        run(&db, &dead(c.id, &attempt("msg_1", 10, None)));
        let dead_rows: Vec<MessageRow> = rows_json(&db, &list(Listing::DeadLetters, 10))
            .into_iter()
            .map(|v| serde_json::from_value(v).unwrap())
            .collect();
        assert_eq!(
            (dead_rows[0].state.as_str(), dead_rows[0].attempts, dead_rows[0].dead_at),
            ("dead", 1, Some(10))
        );
        assert_eq!(dead_rows[0].last_error.as_deref(), Some("timed out"));
        assert!(rows_json(&db, &list(Listing::Outbox, 10)).is_empty());

        run(&db, &resend("msg_1", 1_000));
        assert_eq!(one(&db, "SELECT count(*) AS n FROM WebhookDeadLetters")["n"], 0);
        let back = claimed(&db, &claim_one("msg_1", 1_000, ON));
        assert_eq!((back[0].attempts, back[0].payload_json.as_deref()), (1, Some("{}")));
        // Re-sending what is not a dead letter changes nothing.
        let changed =
            db.execute(&resend("msg_9", 1)[0].sql, rusqlite::params!["msg_9", 1]).unwrap();
        assert_eq!(changed, 0);
    }

    #[test]
    fn payloads_freeze_once_and_failed_builds_give_the_attempt_back() {
        let db = migrated();
        db.execute("INSERT INTO WebhookOutbox (MessageId, Kind, NextAttemptAt, CreatedAt) VALUES ('msg_1', 'lead.created', 0, 1)", []).unwrap();
        let c = claimed(&db, &claim_due(10, ON, 1)).remove(0);
        assert_eq!(c.payload_json, None);
        rows_json(&db, &freeze(c.id, "{\"a\":1}"));
        rows_json(&db, &freeze(c.id, "{\"a\":2}"));
        assert_eq!(one(&db, "SELECT PayloadJson FROM WebhookOutbox")["PayloadJson"], "{\"a\":1}");
        rows_json(&db, &release(c.id, 500, "lead gone"));
        assert_eq!(
            one(&db, "SELECT Attempts, NextAttemptAt, LeaseUntil FROM WebhookOutbox"),
            json!({"Attempts":0,"NextAttemptAt":500,"LeaseUntil":null})
        );
    }
}
