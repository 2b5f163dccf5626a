//! Delivers the webhook outbox (spec `lib/webhook.ts`): the `*/10` cron sends every due message
//! (up to `OUTBOX_PER_RUN`, six at a time), and a new lead's message is tried at once after the
//! response. Each attempt freezes the body on first use, signs it for the receiver's clock, and
//! then delivers, reschedules (`webhook/backoff.rs`) or dead-letters the message.

use futures_util::StreamExt as _;
use pulsegate_schema::UnixMillis;
use pulsegate_schema::lead::WebhookType;
use serde::Serialize;
use worker::Env;

use crate::analytics::shape::SummaryRow;
use crate::clock;
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::log::{self, Level};
use crate::store::outbox::{self, Attempt, Claimed, Enabled};
use crate::store::settings::{self, Stored};
use crate::webhook::backoff::{self, Verdict};
use crate::webhook::payload::{self, LeadRow, SubmissionRow};
use crate::webhook::{send, sign};

/// Messages one attempt batch may send at once (the platform's open-connection limit).
const PARALLEL: usize = 6;
/// How long a message whose body cannot be built waits before it is tried again.
const REBUILD_AFTER_MS: u64 = 3_600_000;

/// Where each kind of message goes, from AppSettings.
#[derive(Clone, Debug, Default)]
pub(crate) struct Targets {
    /// Make.com: URL and signing key (both required while it is on).
    pub(crate) leads: Option<(String, Vec<u8>)>,
    /// The drought alert: URL, signed with the Make key when one is set.
    pub(crate) drought: Option<(String, Option<Vec<u8>>)>,
}

impl Targets {
    pub(crate) fn of(stored: &Stored) -> Self {
        let s = stored.settings();
        let key = stored.make_signing_secret.as_deref().and_then(sign::key_of);
        let leads = match (&s.make.webhook_url, &key) {
            (Some(url), Some(key)) if s.make.enabled => Some((url.clone(), key.clone())),
            _ => None,
        };
        let drought = match &s.lead_drought_alert.webhook_url {
            Some(url) if s.lead_drought_alert.enabled => Some((url.clone(), key)),
            _ => None,
        };
        Self { leads, drought }
    }

    pub(crate) fn enabled(&self) -> Enabled {
        Enabled { leads: self.leads.is_some(), drought: self.drought.is_some() }
    }
}

/// What a run did; logged as one JSON line.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Summary {
    pub(crate) now: UnixMillis,
    pub(crate) claimed: u32,
    pub(crate) delivered: u32,
    pub(crate) retried: u32,
    pub(crate) dead: u32,
    /// Messages whose body could not be built (tried again later).
    pub(crate) unbuilt: u32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) messages: Vec<Line>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}

/// One attempt in the log line.
#[derive(Debug, Serialize)]
pub(crate) struct Line {
    pub(crate) message_id: String,
    pub(crate) attempt: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) status: Option<u16>,
    pub(crate) outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) next_attempt_at: Option<UnixMillis>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
    pub(crate) ms: u64,
}

/// The cron's part: every due message, up to `limit`.
pub(crate) async fn run(env: &Env, now: UnixMillis, limit: u32) -> Summary {
    let mut summary = Summary { now, ..Summary::default() };
    if let Err(e) = drain(env, now, limit, None, &mut summary).await {
        summary.error = Some(e.detail().unwrap_or("failed").to_owned());
    }
    summary
}

/// Tries one message now (after its lead was stored, or after a re-send), and logs the attempt.
pub(crate) async fn deliver_now(env: Env, message_id: String, now: UnixMillis) {
    let mut summary = Summary { now, ..Summary::default() };
    if let Err(e) = drain(&env, now, 1, Some(&message_id), &mut summary).await {
        summary.error = Some(e.detail().unwrap_or("failed").to_owned());
    }
    emit("webhook_delivery", &summary);
}

/// Logs a summary at the level its outcome deserves.
pub(crate) fn emit(job: &str, summary: &Summary) {
    let level = if summary.error.is_some() {
        Level::Error
    } else if summary.dead > 0 || summary.retried > 0 || summary.unbuilt > 0 {
        Level::Warn
    } else {
        Level::Info
    };
    log::job(level, job, summary);
}

async fn drain(
    env: &Env,
    now: UnixMillis,
    limit: u32,
    only: Option<&str>,
    summary: &mut Summary,
) -> Result<(), ApiError> {
    let db = Db::open(env)?;
    let targets = Targets::of(&settings::load(&db).await?);
    let enabled = targets.enabled();
    if !enabled.leads && !enabled.drought {
        return Ok(());
    }
    let claim = match only {
        Some(id) => outbox::claim_one(id, now, enabled),
        None => outbox::claim_due(now, enabled, limit),
    };
    let claimed: Vec<Claimed> = db.all("claim WebhookOutbox", &claim).await?;
    summary.claimed = u32::try_from(claimed.len()).unwrap_or(u32::MAX);
    let lines: Vec<Line> = futures_util::stream::iter(claimed)
        .map(|message| attempt(&db, &targets, message, now))
        .buffer_unordered(PARALLEL)
        .collect()
        .await;
    for line in lines {
        match line.outcome {
            "delivered" => summary.delivered += 1,
            "retry" => summary.retried += 1,
            "dead" => summary.dead += 1,
            _ => summary.unbuilt += 1,
        }
        summary.messages.push(line);
    }
    Ok(())
}

/// One attempt at one claimed message; whatever happens is written back before it returns.
async fn attempt(db: &Db, targets: &Targets, message: Claimed, now: UnixMillis) -> Line {
    let mut line = Line {
        message_id: message.message_id.clone(),
        attempt: message.attempts,
        status: None,
        outcome: "unbuilt",
        next_attempt_at: None,
        error: None,
        ms: 0,
    };
    let kind = payload::kind(&message.kind);
    let body = match body_of(db, &message, kind).await {
        Ok(body) => body,
        Err(e) => {
            let detail = e.detail().unwrap_or("failed").to_owned();
            let retry = outbox::release(message.id, now + REBUILD_AFTER_MS, &detail);
            if let Err(e) = db.run("release WebhookOutbox", &retry).await {
                line.error = Some(format!("{detail}; {}", e.detail().unwrap_or("failed")));
            } else {
                line.error = Some(detail);
            }
            return line;
        }
    };
    let (url, key) = match kind {
        Some(WebhookType::LeadDrought) => match &targets.drought {
            Some((url, key)) => (url.as_str(), key.as_deref()),
            None => return line,
        },
        _ => match &targets.leads {
            Some((url, key)) => (url.as_str(), Some(key.as_slice())),
            None => return line,
        },
    };
    // Signed for the receiver's clock (it rejects timestamps five minutes off), even when the
    // cron's "now" is a scheduled time.
    let signed_at = clock::system_now() / 1000;
    let signed = match key {
        Some(key) => sign::sign(key, &message.message_id, signed_at, body.as_bytes()),
        None => sign::Signed {
            id: message.message_id.clone(),
            timestamp: signed_at.to_string(),
            signature: String::new(),
        },
    };
    let sent = send::post(url, &body, &signed).await;
    let random = crate::secrets::random_bytes::<8>()
        .map(|b| (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64)
        .unwrap_or(0.5);
    let verdict = backoff::verdict(message.attempts, sent.status, now, random);
    let record = Attempt {
        message_id: &message.message_id,
        at: now,
        status: sent.status,
        ms: sent.ms,
        error: sent.error.as_deref(),
    };
    let (queries, outcome, next) = match verdict {
        Verdict::Delivered => (outbox::delivered(message.id, url, &record), "delivered", None),
        Verdict::RetryAt(at) => (outbox::retry(message.id, at, &record), "retry", Some(at)),
        Verdict::Dead => (outbox::dead(message.id, &record), "dead", None),
    };
    line.status = sent.status;
    line.ms = sent.ms;
    line.next_attempt_at = next;
    line.error = sent.error.clone();
    line.outcome = outcome;
    if let Err(e) = db.batch("record webhook attempt", &queries).await {
        // The lease ends and the message is tried again: at-least-once, deduplicated on its id.
        line.error = Some(format!("attempt not recorded: {}", e.detail().unwrap_or("failed")));
    }
    line
}

/// The message's frozen body, building and freezing it at the first attempt.
async fn body_of(
    db: &Db,
    message: &Claimed,
    kind: Option<WebhookType>,
) -> Result<String, ApiError> {
    if let Some(body) = &message.payload_json {
        return Ok(body.clone());
    }
    let (Some(kind), Some(lead), Some(submission)) = (kind, message.lead_id, message.submission_id)
    else {
        return Err(ApiError::storage("webhook body", "a message without a body or a lead"));
    };
    let results = db.batch("webhook lead", &payload::queries(lead, submission)).await?;
    let lead: Option<LeadRow> = db::rows("Leads", &results[0])?.into_iter().next();
    let submission: Option<SubmissionRow> =
        db::rows("LeadSubmissions", &results[1])?.into_iter().next();
    let session: Option<SummaryRow> = db::rows("sessions", &results[2])?.into_iter().next();
    let (Some(lead), Some(submission)) = (lead, submission) else {
        return Err(ApiError::storage("webhook body", "its lead or submission is gone"));
    };
    let base_url = message.base_url.as_deref().unwrap_or_default();
    let body = payload::lead_message(kind, lead, submission, session, base_url)?;
    let json = serde_json::to_string(&body).map_err(|e| ApiError::Internal(e.to_string()))?;
    db.run("freeze WebhookOutbox", &outbox::freeze(message.id, &json)).await?;
    Ok(json)
}
