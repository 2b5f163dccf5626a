//! The lead tables' writes (`Leads`, `LeadSubmissions`, `BlockedIPLeads`, `LeadCrmActivity`):
//! pure [`Query`] builders, run on D1 by the handlers and on SQLite by the unit tests below.
//!
//! A capture is one D1 batch (one transaction, one round trip): the lead is inserted or updated
//! (its email, else its phone, on the same site is the same lead), the submission is inserted
//! with its full body, the session's `lead_count` goes up, the webhook message is queued, and
//! the outcome is read back. Every statement is guarded by the idempotency key, so a repeated
//! submission changes nothing and reads back the first one's ids. Whether it matches a
//! `TestingLeads` rule is decided inside the same statements.

use pulsegate_schema::lead::{CrmActivityEvent, add_suspicion};
use pulsegate_schema::{ScoreReason, UnixMillis, Utm};
use serde::Deserialize;

use crate::lead::values::Contact;
use crate::sql::{Query, SqlValue};

/// A lead's or a submission's source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// A browser on one of the site's domains.
    Form,
    /// A server with an integration key.
    Api,
}

impl Source {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Form => "form",
            Self::Api => "api",
        }
    }
}

/// The linked session's scores when the lead is captured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Scores {
    pub(crate) engagement: u32,
    pub(crate) engagement_reasons: String,
    pub(crate) suspicion: u32,
    pub(crate) suspicion_reasons: String,
}

/// No session: zero scores with no reasons (`[]`, as the columns' defaults).
impl Default for Scores {
    fn default() -> Self {
        Self {
            engagement: 0,
            engagement_reasons: "[]".into(),
            suspicion: 0,
            suspicion_reasons: "[]".into(),
        }
    }
}

impl Scores {
    /// The scores with `extra` suspicion reasons (a fast fill) added to the session's.
    pub(crate) fn with_suspicion(mut self, extra: &[ScoreReason]) -> Self {
        if extra.is_empty() {
            return self;
        }
        let mut reasons: Vec<ScoreReason> =
            serde_json::from_str(&self.suspicion_reasons).unwrap_or_default();
        reasons.extend_from_slice(extra);
        self.suspicion = add_suspicion(self.suspicion, extra);
        self.suspicion_reasons = serde_json::to_string(&reasons).unwrap_or_else(|_| "[]".into());
        self
    }
}

/// Everything one capture writes.
#[derive(Clone, Debug)]
pub(crate) struct Capture<'a> {
    /// Fresh ids; a new lead keeps `lead_id`, a known one keeps its own.
    pub(crate) lead_id: &'a str,
    pub(crate) submission_id: &'a str,
    /// The webhook message to queue (`None`: webhooks are off).
    pub(crate) message_id: Option<&'a str>,
    /// The deployment's origin the lead came through: the message's links point there.
    pub(crate) base_url: &'a str,
    pub(crate) site_key: &'a str,
    pub(crate) form_id: &'a str,
    /// `email:…`, `phone:…`, or `submission:<submission_id>` when the form has neither.
    pub(crate) identity: String,
    pub(crate) idempotency_key: &'a str,
    pub(crate) payload_json: &'a str,
    pub(crate) source: Source,
    pub(crate) integration_id: Option<&'a str>,
    pub(crate) origin: Option<&'a str>,
    pub(crate) contact: &'a Contact,
    /// The linked session, only if it exists on the form's site.
    pub(crate) session_id: Option<&'a str>,
    /// The session the submission names when the worker has not seen it yet: its first start
    /// links the lead ([`link_claimed`]).
    pub(crate) claimed_session_id: Option<&'a str>,
    /// The linked session exists but its scores were never computed (no aggregate yet): the
    /// submission waits for them like a claimed one (migration 0026's trigger), holding only the
    /// form's own points meanwhile.
    pub(crate) session_unscored: bool,
    pub(crate) visitor_id: Option<&'a str>,
    pub(crate) fingerprint_id: Option<&'a str>,
    pub(crate) scores: &'a Scores,
    pub(crate) page_url: Option<&'a str>,
    pub(crate) referrer: Option<&'a str>,
    pub(crate) utm: &'a Utm,
    pub(crate) country: Option<&'a str>,
    pub(crate) ip_hash: Option<&'a str>,
    /// The client address as 32 hex digits, to match testing ranges (never stored).
    pub(crate) ip_hex: Option<&'a str>,
    pub(crate) user_agent: Option<&'a str>,
    pub(crate) fill_ms: Option<u64>,
    pub(crate) now: UnixMillis,
}

/// What a capture batch reads back (its last statement).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub(crate) struct Captured {
    /// The stored submission's id: ours if it is new, the first one's for a repeat.
    pub(crate) submission_id: String,
    pub(crate) lead_id: String,
    pub(crate) is_test: u8,
    pub(crate) submission_count: u64,
    /// The queued webhook message, if any.
    pub(crate) message_id: Option<String>,
}

/// The first `TestingLeads` rule the submission matches, as text (`NULL` when none). Binds the
/// email (lower-case), its domain, the IP hash and the IP as hex.
fn test_rule(q: &mut Query, c: &Capture<'_>) -> String {
    let email = q.bind(c.contact.email.as_deref().map(str::to_lowercase));
    let domain = q.bind(c.contact.email_domain());
    let hash = q.bind(c.ip_hash);
    let hex = q.bind(c.ip_hex);
    format!(
        "(SELECT COALESCE(Reason, 'testing rule ' || Id) FROM TestingLeads \
          WHERE Email = {email} OR EmailDomain = {domain} OR IpHash = {hash} \
             OR ({hex} IS NOT NULL AND RangeStart <= {hex} AND RangeEnd >= {hex}) ORDER BY Id LIMIT 1)"
    )
}

/// The statements of one capture, in order; the last one reads back a [`Captured`].
pub(crate) fn capture(c: &Capture<'_>) -> Vec<Query> {
    let mut queries = vec![upsert_lead(c), insert_submission(c)];
    queries.push(Query::new(
        "UPDATE sessions SET lead_count = lead_count + 1 WHERE id = ?1 \
         AND EXISTS (SELECT 1 FROM LeadSubmissions WHERE PublicId = ?2 AND IsTest = 0)",
        vec![c.session_id.into(), c.submission_id.into()],
    ));
    if let Some(message_id) = c.message_id {
        queries.push(Query::new(
            "INSERT INTO WebhookOutbox (MessageId, Kind, LeadId, SubmissionId, BaseUrl, NextAttemptAt, CreatedAt) \
             SELECT ?1, CASE WHEN l.SubmissionCount > 1 THEN 'lead.updated' ELSE 'lead.created' END, \
                    s.LeadId, s.Id, ?4, ?3, ?3 \
             FROM LeadSubmissions s JOIN Leads l ON l.Id = s.LeadId \
             WHERE s.PublicId = ?2 AND s.IsTest = 0",
            vec![message_id.into(), c.submission_id.into(), c.now.into(), c.base_url.into()],
        ));
    }
    queries.push(Query::new(
        "SELECT s.PublicId AS submission_id, l.PublicId AS lead_id, s.IsTest AS is_test, \
                l.SubmissionCount AS submission_count, \
                (SELECT MessageId FROM WebhookOutbox o WHERE o.SubmissionId = s.Id) AS message_id \
         FROM LeadSubmissions s JOIN Leads l ON l.Id = s.LeadId \
         WHERE s.SiteKey = ?1 AND s.IdempotencyKey = ?2",
        vec![c.site_key.into(), c.idempotency_key.into()],
    ));
    queries
}

fn upsert_lead(c: &Capture<'_>) -> Query {
    let mut q = Query::new("", vec![]);
    let p: Vec<String> = [
        SqlValue::from(c.lead_id),
        c.site_key.into(),
        c.identity.as_str().into(),
        c.form_id.into(),
        c.contact.email.as_deref().into(),
        c.contact.phone.as_deref().into(),
        c.contact.name.as_deref().into(),
        c.source.as_str().into(),
        c.session_id.into(),
        c.visitor_id.into(),
        c.scores.engagement.into(),
        c.scores.suspicion.into(),
        c.country.into(),
        c.now.into(),
        c.idempotency_key.into(),
    ]
    .into_iter()
    .map(|v| q.bind(v))
    .collect();
    let test = test_rule(&mut q, c);
    q.sql = format!(
        "INSERT INTO Leads (PublicId, SiteKey, IdentityKey, FormId, Email, Phone, Name, Source, SessionId, \
           VisitorId, EngagementScore, SuspicionScore, Country, IsTest, SubmissionCount, CreatedAt, UpdatedAt) \
         SELECT {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {test} IS NOT NULL, 1, {now}, {now} \
         WHERE NOT EXISTS (SELECT 1 FROM LeadSubmissions WHERE SiteKey = {site} AND IdempotencyKey = {idem}) \
         ON CONFLICT (SiteKey, IdentityKey) DO UPDATE SET FormId = excluded.FormId, \
           Email = COALESCE(excluded.Email, Email), Phone = COALESCE(excluded.Phone, Phone), \
           Name = COALESCE(excluded.Name, Name), Source = excluded.Source, \
           SessionId = COALESCE(excluded.SessionId, SessionId), VisitorId = COALESCE(excluded.VisitorId, VisitorId), \
           EngagementScore = excluded.EngagementScore, SuspicionScore = excluded.SuspicionScore, \
           Country = COALESCE(excluded.Country, Country), IsTest = excluded.IsTest, \
           SubmissionCount = SubmissionCount + 1, UpdatedAt = excluded.UpdatedAt",
        p[0],
        p[1],
        p[2],
        p[3],
        p[4],
        p[5],
        p[6],
        p[7],
        p[8],
        p[9],
        p[10],
        p[11],
        p[12],
        now = p[13],
        site = p[1],
        idem = p[14],
    );
    q
}

fn insert_submission(c: &Capture<'_>) -> Query {
    let mut q = Query::new("", vec![]);
    let values: Vec<SqlValue> = vec![
        c.submission_id.into(),
        c.site_key.into(),
        c.form_id.into(),
        c.idempotency_key.into(),
        c.payload_json.into(),
        c.source.as_str().into(),
        c.integration_id.into(),
        c.origin.into(),
        c.session_id.into(),
        c.visitor_id.into(),
        c.fingerprint_id.into(),
        c.scores.engagement.into(),
        c.scores.engagement_reasons.as_str().into(),
        c.scores.suspicion.into(),
        c.scores.suspicion_reasons.as_str().into(),
        c.page_url.into(),
        c.referrer.into(),
        c.utm.source.as_deref().into(),
        c.utm.medium.as_deref().into(),
        c.utm.campaign.as_deref().into(),
        c.utm.term.as_deref().into(),
        c.utm.content.as_deref().into(),
        c.country.into(),
        c.ip_hash.into(),
        c.user_agent.into(),
        c.fill_ms.into(),
        c.now.into(),
        c.claimed_session_id.into(),
        i64::from(c.session_unscored).into(),
    ];
    let p: Vec<String> = values.into_iter().map(|v| q.bind(v)).collect();
    let identity = q.bind(c.identity.as_str());
    let test = test_rule(&mut q, c);
    q.sql = format!(
        "INSERT INTO LeadSubmissions (PublicId, LeadId, SiteKey, FormId, IdempotencyKey, PayloadJson, Source, \
           IntegrationId, Origin, SessionId, VisitorId, FingerprintId, EngagementScore, EngagementReasons, \
           SuspicionScore, SuspicionReasons, PageUrl, Referrer, UtmSource, UtmMedium, UtmCampaign, UtmTerm, \
           UtmContent, Country, IpHash, UserAgent, FillMs, IsTest, TestReason, CreatedAt, ClaimedSessionId, \
           ScoresPending) \
         SELECT {}, (SELECT Id FROM Leads WHERE SiteKey = {site} AND IdentityKey = {identity}), {site}, {}, {idem}, \
           {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, \
           {test} IS NOT NULL, {test}, {now}, {claimed}, {claimed} IS NOT NULL OR {unscored} \
         WHERE NOT EXISTS (SELECT 1 FROM LeadSubmissions WHERE SiteKey = {site} AND IdempotencyKey = {idem})",
        p[0],
        p[2],
        p[4],
        p[5],
        p[6],
        p[7],
        p[8],
        p[9],
        p[10],
        p[11],
        p[12],
        p[13],
        p[14],
        p[15],
        p[16],
        p[17],
        p[18],
        p[19],
        p[20],
        p[21],
        p[22],
        p[23],
        p[24],
        p[25],
        site = p[1],
        idem = p[3],
        now = p[26],
        claimed = p[27],
        unscored = p[28],
    );
    q
}

/// Whether a submission on `site_key` named `session_id` before the worker had seen it: one
/// read through a partial index, so a new session nobody claimed costs only this.
pub(crate) fn claimed_exists(session_id: &str, site_key: &str) -> Query {
    Query::new(
        "SELECT EXISTS (SELECT 1 FROM LeadSubmissions WHERE ClaimedSessionId = ?1 AND SiteKey = ?2) AS claimed",
        vec![session_id.into(), site_key.into()],
    )
}

/// Links the submissions [`claimed_exists`] found, once the session's first start arrives (one D1
/// batch; running it again changes nothing). In order: the claimed submissions' marker facts
/// ([`Claimed`], read before they are linked), the submissions and their leads get the session,
/// and the session counts its leads. That last statement also names `aggregated_at`, so if the
/// session's scores were already computed, migration 0026's trigger copies them into the
/// submissions still waiting for them (`ScoresPending`) now; otherwise the session's next
/// aggregate does.
pub(crate) fn link_claimed(session_id: &str, site_key: &str) -> Vec<Query> {
    let args = || vec![session_id.into(), site_key.into()];
    vec![
        Query::new(
            "SELECT l.PublicId AS lead_id, s.PublicId AS submission_id, s.FormId AS form_id, \
               s.CreatedAt AS ts, s.IsTest AS is_test, \
               (SELECT r2_prefix FROM sessions WHERE id = ?1 AND site_key = ?2) AS r2_prefix \
             FROM LeadSubmissions s JOIN Leads l ON l.Id = s.LeadId \
             WHERE s.ClaimedSessionId = ?1 AND s.SiteKey = ?2 ORDER BY s.Id",
            args(),
        ),
        Query::new(
            "UPDATE LeadSubmissions SET SessionId = ?1, ClaimedSessionId = NULL \
             WHERE ClaimedSessionId = ?1 AND SiteKey = ?2",
            args(),
        ),
        Query::new(
            "UPDATE Leads SET SessionId = ?1 WHERE SiteKey = ?2 AND SessionId IS NULL \
             AND Id IN (SELECT LeadId FROM LeadSubmissions WHERE SessionId = ?1)",
            args(),
        ),
        Query::new(
            "UPDATE sessions SET lead_count = \
               (SELECT count(*) FROM LeadSubmissions WHERE SessionId = ?1 AND SiteKey = ?2 AND IsTest = 0), \
               aggregated_at = aggregated_at \
             WHERE id = ?1 AND site_key = ?2",
            args(),
        ),
    ]
}

/// A submission [`link_claimed`] links, as its first statement reads it: what its replay marker
/// ([`pulsegate_schema::replay::LeadMarker`]) needs, and where the session's objects live.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub(crate) struct Claimed {
    pub(crate) lead_id: String,
    pub(crate) submission_id: String,
    pub(crate) form_id: String,
    pub(crate) ts: UnixMillis,
    pub(crate) is_test: u8,
    pub(crate) r2_prefix: Option<String>,
}

/// Why a submission was set aside instead of becoming a lead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SetAside {
    /// The client's address is on `BlockedIPs`.
    BlockedIp,
    /// The trap field was filled.
    Honeypot,
}

impl SetAside {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::BlockedIp => "blocked_ip",
            Self::Honeypot => "honeypot",
        }
    }
}

/// A set-aside submission.
#[derive(Clone, Debug)]
pub(crate) struct Blocked<'a> {
    pub(crate) public_id: &'a str,
    pub(crate) site_key: &'a str,
    pub(crate) form_id: &'a str,
    pub(crate) idempotency_key: &'a str,
    pub(crate) reason: SetAside,
    pub(crate) payload_json: &'a str,
    pub(crate) source: Source,
    pub(crate) origin: Option<&'a str>,
    pub(crate) ip_hash: Option<&'a str>,
    pub(crate) country: Option<&'a str>,
    pub(crate) user_agent: Option<&'a str>,
    pub(crate) now: UnixMillis,
}

/// Stores a set-aside submission (once per idempotency key) and reads back the id its sender is
/// told: a repeat gets the first answer, even if that was a lead.
pub(crate) fn set_aside(b: &Blocked<'_>) -> [Query; 2] {
    [
        Query::new(
            "INSERT INTO BlockedIPLeads (PublicId, SiteKey, FormId, IdempotencyKey, Reason, PayloadJson, Source, \
               Origin, IpHash, Country, UserAgent, CreatedAt) \
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12 \
             WHERE NOT EXISTS (SELECT 1 FROM LeadSubmissions WHERE SiteKey = ?2 AND IdempotencyKey = ?4) \
             ON CONFLICT (SiteKey, IdempotencyKey) DO NOTHING",
            vec![
                b.public_id.into(),
                b.site_key.into(),
                b.form_id.into(),
                b.idempotency_key.into(),
                b.reason.as_str().into(),
                b.payload_json.into(),
                b.source.as_str().into(),
                b.origin.into(),
                b.ip_hash.into(),
                b.country.into(),
                b.user_agent.into(),
                b.now.into(),
            ],
        ),
        Query::new(
            "SELECT COALESCE((SELECT l.PublicId FROM LeadSubmissions s JOIN Leads l ON l.Id = s.LeadId \
                              WHERE s.SiteKey = ?1 AND s.IdempotencyKey = ?2), \
                             (SELECT PublicId FROM BlockedIPLeads WHERE SiteKey = ?1 AND IdempotencyKey = ?2)) AS lead_id",
            vec![b.site_key.into(), b.idempotency_key.into()],
        ),
    ]
}

/// The row [`set_aside`] reads back.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub(crate) struct AnsweredId {
    pub(crate) lead_id: Option<String>,
}

/// A form with its site's allowed domains (JSON array), and the linked session's facts.
pub(crate) fn form_and_session(form_id: &str, session_id: Option<&str>) -> Vec<Query> {
    let mut queries = vec![Query::new(
        "SELECT f.SchemaJson AS schema_json, \
           (SELECT json_group_array(Domain) FROM SiteDomains d WHERE d.SiteKey = f.SiteKey) AS domains \
         FROM Forms f WHERE f.FormId = ?1",
        vec![form_id.into()],
    )];
    if let Some(session_id) = session_id {
        queries.push(Query::new(
            "SELECT utm_source, utm_medium, utm_campaign, utm_term, utm_content, landing_url, referrer, \
               visitor_id, engagement_score, engagement_reasons, suspicion_score, suspicion_reasons, r2_prefix, \
               aggregated_at \
             FROM sessions WHERE id = ?1 AND site_key = (SELECT SiteKey FROM Forms WHERE FormId = ?2)",
            vec![session_id.into(), form_id.into()],
        ));
    }
    queries
}

/// A stored form with its domains.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct FormRow {
    pub(crate) schema_json: String,
    pub(crate) domains: String,
}

/// The linked session's row, as [`form_and_session`] reads it.
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct SessionRow {
    pub(crate) utm_source: Option<String>,
    pub(crate) utm_medium: Option<String>,
    pub(crate) utm_campaign: Option<String>,
    pub(crate) utm_term: Option<String>,
    pub(crate) utm_content: Option<String>,
    pub(crate) landing_url: Option<String>,
    pub(crate) referrer: Option<String>,
    pub(crate) visitor_id: Option<String>,
    pub(crate) engagement_score: u32,
    pub(crate) engagement_reasons: Option<String>,
    pub(crate) suspicion_score: u32,
    pub(crate) suspicion_reasons: Option<String>,
    /// Where the session's objects live in R2 (the lead's marker goes under its `events/`).
    pub(crate) r2_prefix: Option<String>,
    /// When its scores were last computed (`None`: never yet).
    #[serde(default)]
    pub(crate) aggregated_at: Option<u64>,
}

/// Sets a lead's CRM id (`changes` tells whether the lead exists).
pub(crate) fn set_crm_id(lead_id: &str, crm_lead_id: &str, now: UnixMillis) -> Query {
    Query::new(
        "UPDATE Leads SET CrmLeadId = ?2, CrmLeadIdAt = CASE WHEN CrmLeadId IS ?2 THEN CrmLeadIdAt ELSE ?3 END \
         WHERE PublicId = ?1",
        vec![lead_id.into(), crm_lead_id.trim().into(), now.into()],
    )
}

/// Stores a Make execution URL on a lead's delivery (the one with `message_id`, else its latest).
pub(crate) fn set_execution_url(
    lead_id: &str,
    message_id: Option<&str>,
    url: &str,
    now: UnixMillis,
) -> Query {
    Query::new(
        "UPDATE MakeWebhookSends SET ExecutionUrl = ?3, ExecutionUrlAt = ?4 WHERE Id = ( \
           SELECT w.Id FROM MakeWebhookSends w JOIN Leads l ON l.Id = w.LeadId \
           WHERE l.PublicId = ?1 AND (?2 IS NULL OR w.MessageId = ?2) ORDER BY w.SentAt DESC, w.Id DESC LIMIT 1)",
        vec![lead_id.into(), message_id.into(), url.into(), now.into()],
    )
}

/// Appends a CRM event to the lead named by its id (else by its CRM id), once per `event_id`.
/// The second statement reads back the lead's row id (`NULL`: no such lead); the first one's
/// change count says whether the event was new.
pub(crate) fn add_crm_activity(
    event: &CrmActivityEvent,
    payload_json: &str,
    now: UnixMillis,
) -> [Query; 2] {
    const LEAD: &str = "(SELECT Id FROM Leads WHERE (?1 IS NOT NULL AND PublicId = ?1) \
                          OR (?1 IS NULL AND CrmLeadId = ?2) ORDER BY Id DESC LIMIT 1)";
    let lead_id = event.lead_id.as_deref();
    let crm_lead_id = event.crm_lead_id.as_deref().map(str::trim);
    [
        Query::new(
            format!(
                "INSERT INTO LeadCrmActivity (LeadId, Event, Status, CrmLeadId, EventId, OccurredAt, PayloadJson, ReceivedAt) \
                 SELECT {LEAD}, ?3, ?4, COALESCE(?2, (SELECT CrmLeadId FROM Leads WHERE Id = {LEAD})), ?5, ?6, ?7, ?8 \
                 WHERE {LEAD} IS NOT NULL ON CONFLICT (LeadId, EventId) DO NOTHING"
            ),
            vec![
                lead_id.into(),
                crm_lead_id.into(),
                event.event.trim().into(),
                event.status.as_deref().into(),
                event.event_id.as_deref().into(),
                event.occurred_at.into(),
                payload_json.into(),
                now.into(),
            ],
        ),
        Query::new(format!("SELECT {LEAD} AS lead"), vec![lead_id.into(), crm_lead_id.into()]),
    ]
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;
    use serde::de::DeserializeOwned;
    use serde_json::Value;

    use super::*;
    use crate::analytics::native_tests::{migrated, rows_json};

    /// Runs `queries` in one transaction, as D1 runs a batch; returns the last one's rows.
    fn batch<T: DeserializeOwned>(db: &Connection, queries: &[Query]) -> Vec<T> {
        db.execute_batch("BEGIN").unwrap();
        let mut last = Vec::new();
        for q in queries {
            last = rows_json(db, q);
        }
        db.execute_batch("COMMIT").unwrap();
        last.into_iter().map(|v| serde_json::from_value(v).unwrap()).collect()
    }

    fn one(db: &Connection, sql: &str) -> Value {
        rows_json(db, &Query::new(sql, vec![])).into_iter().next().unwrap_or(Value::Null)
    }

    fn contact(email: Option<&str>) -> Contact {
        Contact { email: email.map(str::to_owned), phone: None, name: Some("Jane".into()) }
    }

    struct Ids {
        lead: String,
        sub: String,
        msg: String,
    }

    fn ids(n: u8) -> Ids {
        Ids {
            lead: crate::lead::ids::format("ld_", &[n; 16]),
            sub: crate::lead::ids::format("sub_", &[n; 16]),
            msg: crate::lead::ids::format("msg_", &[n; 16]),
        }
    }

    fn input<'a>(
        ids: &'a Ids,
        contact: &'a Contact,
        idem: &'a str,
        scores: &'a Scores,
        utm: &'a Utm,
        session: Option<&'a str>,
        now: UnixMillis,
    ) -> Capture<'a> {
        Capture {
            lead_id: &ids.lead,
            submission_id: &ids.sub,
            message_id: Some(&ids.msg),
            base_url: "https://pulsegate.example",
            site_key: "demo",
            form_id: "contact",
            identity: contact.identity().unwrap_or_else(|| format!("submission:{}", ids.sub)),
            idempotency_key: idem,
            payload_json: "{}",
            source: Source::Form,
            integration_id: None,
            origin: Some("https://shop.example"),
            contact,
            session_id: session,
            claimed_session_id: None,
            session_unscored: false,
            visitor_id: None,
            fingerprint_id: None,
            scores,
            page_url: Some("https://shop.example/quote"),
            referrer: None,
            utm,
            country: Some("DE"),
            ip_hash: Some("hash-1"),
            ip_hex: Some("00000000000000000000ffffcb007107"),
            user_agent: None,
            fill_ms: Some(5000),
            now,
        }
    }

    fn session(db: &Connection, id: &str) {
        db.execute(
            "INSERT INTO sessions (id, site_key, started_at, received_at, last_seen_at, r2_prefix, landing_url) \
             VALUES (?1, 'demo', 1, 1, 1, 'sessions/x/', 'https://shop.example/')",
            [id],
        )
        .unwrap();
    }

    #[test]
    fn a_lead_that_names_a_session_before_it_starts_is_linked_by_its_start() {
        let db = migrated();
        let c = contact(Some("early@example.com"));
        let (scores, utm) = (Scores::default(), Utm::default());
        let first = ids(7);
        let mut early = input(&first, &c, "submission:early", &scores, &utm, None, 1_000);
        early.claimed_session_id = Some("s9");
        let _: Vec<Captured> = batch(&db, &capture(&early));
        let claimed =
            |site: &str| rows_json(&db, &claimed_exists("s9", site)).remove(0)["claimed"].clone();
        assert_eq!(claimed("demo"), 1);
        assert_eq!(claimed("other"), 0, "only the form's own site");
        assert_eq!(one(&db, "SELECT SessionId FROM Leads")["SessionId"], Value::Null);

        session(&db, "s9");
        let _: Vec<Value> = batch(&db, &link_claimed("s9", "demo"));
        assert_eq!(
            one(&db, "SELECT SessionId, ClaimedSessionId FROM LeadSubmissions"),
            serde_json::json!({"SessionId":"s9","ClaimedSessionId":null})
        );
        assert_eq!(one(&db, "SELECT SessionId FROM Leads")["SessionId"], "s9");
        assert_eq!(one(&db, "SELECT lead_count FROM sessions")["lead_count"], 1);
        assert_eq!(claimed("demo"), 0, "linked once");
        // Linking again (a repeated start) changes nothing.
        let _: Vec<Value> = batch(&db, &link_claimed("s9", "demo"));
        assert_eq!(one(&db, "SELECT lead_count FROM sessions")["lead_count"], 1);
    }

    /// Migration 0026's trigger, as the aggregate's UPDATE fires it.
    fn aggregate(db: &Connection, id: &str, engagement: u32, suspicion: u32, reasons: &str) {
        db.execute(
            "UPDATE sessions SET aggregated_at = 5000, engagement_score = ?2, \
               engagement_reasons = '[{\"reason\":\"read\",\"points\":10}]', suspicion_score = ?3, \
               suspicion_reasons = ?4 WHERE id = ?1",
            rusqlite::params![id, engagement, suspicion, reasons],
        )
        .unwrap();
    }

    #[test]
    fn a_late_linked_lead_gets_its_marker_facts_and_the_sessions_next_scores() {
        let db = migrated();
        let c = contact(Some("late@example.com"));
        let utm = Utm::default();
        // Captured before the session was known: only the form's own (fast fill) suspicion.
        let fast = Scores::default()
            .with_suspicion(&[ScoreReason { reason: "fast_keyless".into(), points: 20 }]);
        let first = ids(3);
        let mut early = input(&first, &c, "submission:late", &fast, &utm, None, 1_000);
        early.claimed_session_id = Some("s5");
        let _: Vec<Captured> = batch(&db, &capture(&early));
        assert_eq!(one(&db, "SELECT ScoresPending FROM LeadSubmissions")["ScoresPending"], 1);

        session(&db, "s5");
        // The link reads the marker facts before it links.
        let linked = link_claimed("s5", "demo");
        let claimed: Vec<Claimed> = rows_json(&db, &linked[0])
            .into_iter()
            .map(|v| serde_json::from_value(v).unwrap())
            .collect();
        assert_eq!(
            claimed,
            vec![Claimed {
                lead_id: first.lead.clone(),
                submission_id: first.sub.clone(),
                form_id: "contact".into(),
                ts: 1_000,
                is_test: 0,
                r2_prefix: Some("sessions/x/".into()),
            }]
        );
        let _: Vec<Value> = batch(&db, &linked);
        assert_eq!(
            one(&db, "SELECT EngagementScore, SuspicionScore, ScoresPending FROM LeadSubmissions"),
            serde_json::json!({"EngagementScore":0,"SuspicionScore":20,"ScoresPending":1}),
            "the new session has no scores yet"
        );
        assert!(rows_json(&db, &linked[0]).is_empty(), "linked once: no second marker");

        // The session's first computed scores: the submission and its lead take them (the
        // session's suspicion plus the form's own).
        aggregate(&db, "s5", 40, 15, r#"[{"reason":"datacenter","points":15}]"#);
        assert_eq!(
            one(
                &db,
                "SELECT EngagementScore, EngagementReasons, SuspicionScore, SuspicionReasons, ScoresPending \
                 FROM LeadSubmissions"
            ),
            serde_json::json!({
                "EngagementScore": 40,
                "EngagementReasons": r#"[{"reason":"read","points":10}]"#,
                "SuspicionScore": 35,
                "SuspicionReasons": r#"[{"reason":"datacenter","points":15},{"reason":"fast_keyless","points":20}]"#,
                "ScoresPending": 0,
            })
        );
        assert_eq!(
            one(&db, "SELECT EngagementScore, SuspicionScore FROM Leads"),
            serde_json::json!({"EngagementScore":40,"SuspicionScore":35})
        );
        // Later aggregates leave them as captured, like any lead's.
        aggregate(&db, "s5", 90, 95, r#"[{"reason":"webdriver","points":95}]"#);
        assert_eq!(
            one(&db, "SELECT EngagementScore, SuspicionScore FROM Leads"),
            serde_json::json!({"EngagementScore":40,"SuspicionScore":35})
        );
    }

    #[test]
    fn a_lead_linked_to_an_already_scored_session_takes_its_scores_at_the_link() {
        let db = migrated();
        let c = contact(Some("later@example.com"));
        let (scores, utm) = (Scores::default(), Utm::default());
        let first = ids(4);
        let mut early = input(&first, &c, "submission:later", &scores, &utm, None, 1_000);
        early.claimed_session_id = Some("s6");
        let _: Vec<Captured> = batch(&db, &capture(&early));
        session(&db, "s6");
        aggregate(&db, "s6", 70, 90, r#"[{"reason":"webdriver","points":90}]"#);
        assert_eq!(one(&db, "SELECT EngagementScore FROM Leads")["EngagementScore"], 0);
        let _: Vec<Value> = batch(&db, &link_claimed("s6", "demo"));
        assert_eq!(
            one(&db, "SELECT EngagementScore, SuspicionScore, ScoresPending FROM LeadSubmissions"),
            serde_json::json!({"EngagementScore":70,"SuspicionScore":90,"ScoresPending":0})
        );
        assert_eq!(
            one(&db, "SELECT EngagementScore, SuspicionScore FROM Leads"),
            serde_json::json!({"EngagementScore":70,"SuspicionScore":90})
        );
        // A lead captured with its session known is never pending.
        let second = ids(5);
        let known = input(&second, &c, "submission:known", &scores, &utm, Some("s6"), 2_000);
        let _: Vec<Captured> = batch(&db, &capture(&known));
        assert_eq!(one(&db, "SELECT sum(ScoresPending) AS p FROM LeadSubmissions")["p"], 0);
    }

    #[test]
    fn a_lead_on_a_session_not_yet_scored_takes_its_scores_from_the_first_aggregate() {
        let db = migrated();
        let c = contact(Some("soon@example.com"));
        let utm = Utm::default();
        session(&db, "s7");
        // Captured while the session exists but was never aggregated: the form's points only.
        let own = Scores::default()
            .with_suspicion(&[ScoreReason { reason: "fast_keyless".into(), points: 20 }]);
        let first = ids(7);
        let mut on_new = input(&first, &c, "submission:soon", &own, &utm, Some("s7"), 1_000);
        on_new.session_unscored = true;
        let _: Vec<Captured> = batch(&db, &capture(&on_new));
        assert_eq!(
            one(&db, "SELECT EngagementScore, SuspicionScore, ScoresPending FROM LeadSubmissions"),
            serde_json::json!({"EngagementScore":0,"SuspicionScore":20,"ScoresPending":1})
        );
        aggregate(&db, "s7", 40, 15, r#"[{"reason":"datacenter","points":15}]"#);
        assert_eq!(
            one(&db, "SELECT EngagementScore, SuspicionScore, ScoresPending FROM LeadSubmissions"),
            serde_json::json!({"EngagementScore":40,"SuspicionScore":35,"ScoresPending":0})
        );
        assert_eq!(
            one(&db, "SELECT EngagementScore, SuspicionScore FROM Leads"),
            serde_json::json!({"EngagementScore":40,"SuspicionScore":35})
        );
    }

    #[test]
    fn a_fast_fill_adds_its_reasons_to_the_sessions() {
        let session = Scores {
            engagement: 40,
            engagement_reasons: "[]".into(),
            suspicion: 15,
            suspicion_reasons: r#"[{"reason":"headless","points":15}]"#.into(),
        };
        let fast = [ScoreReason { reason: "fast_keyless".into(), points: 20 }];
        let scored = session.clone().with_suspicion(&fast);
        assert_eq!(scored.suspicion, 35);
        assert_eq!(
            scored.suspicion_reasons,
            r#"[{"reason":"headless","points":15},{"reason":"fast_keyless","points":20}]"#
        );
        assert_eq!(scored.engagement, 40);
        assert_eq!(session.clone().with_suspicion(&[]), session);
        let none = Scores::default().with_suspicion(&fast);
        assert_eq!(none.suspicion_reasons, r#"[{"reason":"fast_keyless","points":20}]"#);
    }

    #[test]
    fn a_capture_stores_one_lead_one_submission_and_one_message_and_repeats_change_nothing() {
        let db = migrated();
        session(&db, "s1");
        let c = contact(Some("Jane@Example.com"));
        let scores = Scores {
            engagement: 64,
            engagement_reasons: "[]".into(),
            suspicion: 5,
            suspicion_reasons: "[]".into(),
        };
        let utm = Utm { source: Some("newsletter".into()), ..Utm::default() };
        let first = ids(1);
        let got: Vec<Captured> = batch(
            &db,
            &capture(&input(&first, &c, "submission:a", &scores, &utm, Some("s1"), 1_000)),
        );
        assert_eq!(
            got,
            vec![Captured {
                submission_id: first.sub.clone(),
                lead_id: first.lead.clone(),
                is_test: 0,
                submission_count: 1,
                message_id: Some(first.msg.clone()),
            }]
        );
        // A double submit: fresh ids, the same key → the first answer, nothing written.
        let again = ids(2);
        let got: Vec<Captured> = batch(
            &db,
            &capture(&input(&again, &c, "submission:a", &scores, &utm, Some("s1"), 2_000)),
        );
        assert_eq!(got[0].submission_id, first.sub);
        assert_eq!(got[0].lead_id, first.lead);
        assert_eq!(one(&db, "SELECT count(*) AS n FROM LeadSubmissions")["n"], 1);
        assert_eq!(one(&db, "SELECT count(*) AS n FROM WebhookOutbox")["n"], 1);
        assert_eq!(
            one(&db, "SELECT SubmissionCount, UpdatedAt, EngagementScore FROM Leads"),
            serde_json::json!({"SubmissionCount":1,"UpdatedAt":1000,"EngagementScore":64})
        );
        assert_eq!(one(&db, "SELECT lead_count FROM sessions")["lead_count"], 1);
        let row = one(
            &db,
            "SELECT SessionId, UtmSource, Country, IpHash, Source, FillMs FROM LeadSubmissions",
        );
        assert_eq!(
            row,
            serde_json::json!({"SessionId":"s1","UtmSource":"newsletter","Country":"DE","IpHash":"hash-1","Source":"form","FillMs":5000})
        );
        assert_eq!(one(&db, "SELECT Kind FROM WebhookOutbox")["Kind"], "lead.created");
    }

    #[test]
    fn the_same_email_on_the_same_site_is_the_same_lead() {
        let db = migrated();
        let scores = Scores {
            engagement: 10,
            engagement_reasons: "[]".into(),
            suspicion: 0,
            suspicion_reasons: "[]".into(),
        };
        let utm = Utm::default();
        let (a, b, c) = (ids(1), ids(2), ids(3));
        let jane = contact(Some("jane@example.com"));
        batch::<Captured>(&db, &capture(&input(&a, &jane, "k1", &scores, &utm, None, 1_000)));
        let upper = contact(Some("JANE@example.com"));
        let scores2 = Scores { engagement: 80, ..scores.clone() };
        let got: Vec<Captured> =
            batch(&db, &capture(&input(&b, &upper, "k2", &scores2, &utm, None, 2_000)));
        assert_eq!(got[0].lead_id, a.lead, "the known lead keeps its id");
        assert_eq!(got[0].submission_id, b.sub);
        assert_eq!(got[0].submission_count, 2);
        assert_eq!(
            one(
                &db,
                "SELECT Kind FROM WebhookOutbox WHERE MessageId = (SELECT max(MessageId) FROM WebhookOutbox)"
            )["Kind"],
            "lead.updated"
        );
        assert_eq!(
            one(&db, "SELECT UpdatedAt, CreatedAt, EngagementScore FROM Leads"),
            serde_json::json!({"UpdatedAt":2000,"CreatedAt":1000,"EngagementScore":80})
        );
        // Without an email or phone, every submission is its own lead.
        let anonymous = contact(None);
        let got: Vec<Captured> =
            batch(&db, &capture(&input(&c, &anonymous, "k3", &scores, &utm, None, 3_000)));
        assert_eq!(got[0].lead_id, c.lead);
        assert_eq!(one(&db, "SELECT count(*) AS n FROM Leads")["n"], 2);
    }

    #[test]
    fn testing_rules_mark_the_lead_and_keep_it_out_of_the_outbox_and_the_session_count() {
        let db = migrated();
        session(&db, "s1");
        db.execute_batch(
            "INSERT INTO TestingLeads (EmailDomain, Reason, CreatedAt) VALUES ('example.test', 'QA', 1);
             INSERT INTO TestingLeads (Cidr, RangeStart, RangeEnd, CreatedAt) VALUES ('203.0.113.0/24',
               '00000000000000000000ffffcb007100', '00000000000000000000ffffcb0071ff', 1);",
        )
        .unwrap();
        let scores = Scores::default();
        let utm = Utm::default();
        let qa = contact(Some("qa@Example.TEST"));
        let got: Vec<Captured> =
            batch(&db, &capture(&input(&ids(1), &qa, "k1", &scores, &utm, Some("s1"), 1)));
        assert_eq!((got[0].is_test, got[0].message_id.as_deref()), (1, None));
        assert_eq!(one(&db, "SELECT TestReason FROM LeadSubmissions")["TestReason"], "QA");
        // By address range (the capture's IP is 203.0.113.7).
        let jane = contact(Some("jane@example.com"));
        let got: Vec<Captured> =
            batch(&db, &capture(&input(&ids(2), &jane, "k2", &scores, &utm, Some("s1"), 2)));
        assert_eq!(got[0].is_test, 1);
        assert_eq!(
            one(
                &db,
                "SELECT TestReason FROM LeadSubmissions WHERE PublicId = (SELECT max(PublicId) FROM LeadSubmissions)"
            )["TestReason"],
            "testing rule 2"
        );
        assert_eq!(one(&db, "SELECT count(*) AS n FROM WebhookOutbox")["n"], 0);
        assert_eq!(one(&db, "SELECT lead_count FROM sessions")["lead_count"], 0);
        assert_eq!(one(&db, "SELECT sum(IsTest) AS n FROM Leads")["n"], 2);
    }

    #[test]
    fn set_aside_submissions_answer_like_leads_and_repeat_their_first_answer() {
        let db = migrated();
        let b = Blocked {
            public_id: "ld_0000000000000000000000000000000a",
            site_key: "demo",
            form_id: "contact",
            idempotency_key: "k1",
            reason: SetAside::Honeypot,
            payload_json: "{}",
            source: Source::Form,
            origin: None,
            ip_hash: None,
            country: None,
            user_agent: None,
            now: 1,
        };
        let got: Vec<AnsweredId> = batch(&db, &set_aside(&b));
        assert_eq!(got[0].lead_id.as_deref(), Some(b.public_id));
        let again = Blocked { public_id: "ld_0000000000000000000000000000000b", ..b.clone() };
        let got: Vec<AnsweredId> = batch(&db, &set_aside(&again));
        assert_eq!(got[0].lead_id.as_deref(), Some(b.public_id));
        assert_eq!(
            one(&db, "SELECT count(*) AS n, Reason FROM BlockedIPLeads"),
            serde_json::json!({"n":1,"Reason":"honeypot"})
        );
        // A key that already made a lead answers with that lead and stores nothing.
        let scores = Scores::default();
        let utm = Utm::default();
        let jane = contact(Some("jane@example.com"));
        let lead = ids(3);
        batch::<Captured>(&db, &capture(&input(&lead, &jane, "k2", &scores, &utm, None, 1)));
        let blocked_later = Blocked {
            idempotency_key: "k2",
            public_id: "ld_0000000000000000000000000000000c",
            ..b
        };
        let got: Vec<AnsweredId> = batch(&db, &set_aside(&blocked_later));
        assert_eq!(got[0].lead_id.as_deref(), Some(lead.lead.as_str()));
        assert_eq!(one(&db, "SELECT count(*) AS n FROM BlockedIPLeads")["n"], 1);
    }

    #[test]
    fn crm_ids_execution_urls_and_activity() {
        let db = migrated();
        let scores = Scores::default();
        let utm = Utm::default();
        let jane = contact(Some("jane@example.com"));
        let lead = ids(1);
        batch::<Captured>(&db, &capture(&input(&lead, &jane, "k1", &scores, &utm, None, 1)));
        assert_eq!(rows_json(&db, &set_crm_id(&lead.lead, " 00Q5 ", 10)).len(), 0);
        assert_eq!(
            one(&db, "SELECT CrmLeadId, CrmLeadIdAt FROM Leads"),
            serde_json::json!({"CrmLeadId":"00Q5","CrmLeadIdAt":10})
        );
        rows_json(&db, &set_crm_id(&lead.lead, "00Q5", 20));
        assert_eq!(
            one(&db, "SELECT CrmLeadIdAt FROM Leads")["CrmLeadIdAt"],
            10,
            "the same id again keeps its time"
        );

        db.execute(
            "INSERT INTO MakeWebhookSends (MessageId, Kind, LeadId, Url, PayloadJson, Attempts, StatusCode, CreatedAt, SentAt) \
             VALUES ('msg_a', 'lead.created', 1, 'https://hook', '{}', 1, 200, 1, 5)",
            [],
        )
        .unwrap();
        rows_json(&db, &set_execution_url(&lead.lead, None, "https://eu1.make.com/x", 30));
        assert_eq!(
            one(&db, "SELECT ExecutionUrl FROM MakeWebhookSends")["ExecutionUrl"],
            "https://eu1.make.com/x"
        );

        let add = |event_id: Option<&str>, by_crm: bool| -> (usize, Value) {
            let event = CrmActivityEvent {
                lead_id: (!by_crm).then(|| lead.lead.clone()),
                crm_lead_id: by_crm.then(|| "00Q5".to_owned()),
                event: "status_changed".into(),
                status: Some("qualified".into()),
                event_id: event_id.map(str::to_owned),
                occurred_at: Some(3),
                data: None,
            };
            let [insert, read] = add_crm_activity(&event, "{}", 40);
            let added = db
                .execute(
                    &insert.sql,
                    rusqlite::params_from_iter(crate::analytics::native_tests::bind(&insert)),
                )
                .unwrap();
            (added, rows_json(&db, &read).remove(0))
        };
        assert_eq!(add(Some("evt_1"), true), (1, serde_json::json!({"lead":1})));
        assert_eq!(add(Some("evt_1"), false).0, 0, "a retried event is stored once");
        assert_eq!(add(None, false).0, 1);
        assert_eq!(
            one(&db, "SELECT count(*) AS n FROM LeadCrmActivity WHERE CrmLeadId = '00Q5'")["n"],
            2
        );
        let unknown = CrmActivityEvent {
            lead_id: None,
            crm_lead_id: Some("nope".into()),
            event: "x".into(),
            status: None,
            event_id: None,
            occurred_at: None,
            data: None,
        };
        let [insert, read] = add_crm_activity(&unknown, "{}", 1);
        assert_eq!(
            db.execute(
                &insert.sql,
                rusqlite::params_from_iter(crate::analytics::native_tests::bind(&insert))
            )
            .unwrap(),
            0
        );
        assert_eq!(rows_json(&db, &read).remove(0), serde_json::json!({"lead":null}));
    }
}
