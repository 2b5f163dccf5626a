//! The body of a lead's webhook, built from D1 at the message's first attempt (then frozen in the
//! outbox): the lead as it stands, the submission that triggered it, the scores copied at
//! capture, the linked session's summary and links back to this deployment.

use pulsegate_schema::lead::{
    LeadEvent, LeadLinks, LeadScores, LeadSubmission, WebhookLead, WebhookMessage,
    WebhookSubmission, WebhookType,
};
use pulsegate_schema::{SiteKey, UnixMillis};
use serde::Deserialize;

use crate::analytics::shape::{self, SummaryRow};
use crate::analytics::sql::SUMMARY_COLUMNS;
use crate::error::ApiError;
use crate::sql::Query;
use crate::store::r2_keys::{MS_PER_DAY, UtcDate};

/// `2025-11-25T19:00:00.123Z`.
pub(crate) fn rfc3339(ms: UnixMillis) -> String {
    let date = UtcDate::from_unix_ms(ms);
    let in_day = ms % MS_PER_DAY;
    let (h, m, s, milli) =
        (in_day / 3_600_000, in_day / 60_000 % 60, in_day / 1000 % 60, in_day % 1000);
    format!("{:04}-{:02}-{:02}T{h:02}:{m:02}:{s:02}.{milli:03}Z", date.year, date.month, date.day)
}

/// The message's kind from its `Kind` column.
pub(crate) fn kind(text: &str) -> Option<WebhookType> {
    match text {
        "lead.created" => Some(WebhookType::LeadCreated),
        "lead.updated" => Some(WebhookType::LeadUpdated),
        "lead.drought" => Some(WebhookType::LeadDrought),
        _ => None,
    }
}

/// The lead, the submission and the session a message is about (one D1 batch).
pub(crate) fn queries(lead_row_id: u64, submission_row_id: u64) -> [Query; 3] {
    [
        Query::new(
            "SELECT PublicId, SiteKey, FormId, Email, Phone, Name, CreatedAt, UpdatedAt, SubmissionCount \
             FROM Leads WHERE Id = ?1",
            vec![lead_row_id.into()],
        ),
        Query::new(
            "SELECT PublicId, CreatedAt, Source, PayloadJson, SessionId, EngagementScore, EngagementReasons, \
               SuspicionScore, SuspicionReasons FROM LeadSubmissions WHERE Id = ?1",
            vec![submission_row_id.into()],
        ),
        Query::new(
            format!(
                "SELECT {SUMMARY_COLUMNS} FROM sessions WHERE id = \
                 (SELECT SessionId FROM LeadSubmissions WHERE Id = ?1)"
            ),
            vec![submission_row_id.into()],
        ),
    ]
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct LeadRow {
    pub(crate) public_id: String,
    pub(crate) site_key: String,
    pub(crate) form_id: String,
    pub(crate) email: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) created_at: UnixMillis,
    pub(crate) updated_at: UnixMillis,
    pub(crate) submission_count: u64,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SubmissionRow {
    pub(crate) public_id: String,
    pub(crate) created_at: UnixMillis,
    pub(crate) source: String,
    pub(crate) payload_json: String,
    pub(crate) session_id: Option<String>,
    pub(crate) engagement_score: u32,
    pub(crate) engagement_reasons: Option<String>,
    pub(crate) suspicion_score: u32,
    pub(crate) suspicion_reasons: Option<String>,
}

/// The message's body.
pub(crate) fn lead_message(
    kind: WebhookType,
    lead: LeadRow,
    submission: SubmissionRow,
    session: Option<SummaryRow>,
    base_url: &str,
) -> Result<WebhookMessage<LeadEvent>, ApiError> {
    let payload: LeadSubmission = serde_json::from_str(&submission.payload_json)
        .map_err(|e| ApiError::storage("decode LeadSubmissions.PayloadJson", e))?;
    let session_id = submission.session_id.clone();
    let base = base_url.trim_end_matches('/');
    let links = LeadLinks {
        lead: format!("{base}/analytics/leads/{}", lead.public_id),
        replay: session_id.map(|id| format!("{base}/replay?session={id}")),
        crm_callback: format!("{base}/lead.capture/crm-callback"),
        make_callback: format!("{base}/lead.capture/make-callback"),
    };
    let event = LeadEvent {
        lead: WebhookLead {
            id: lead.public_id,
            site_key: SiteKey::parse(&lead.site_key)
                .map_err(|_| ApiError::storage("decode Leads.SiteKey", &lead.site_key))?,
            form_id: lead.form_id,
            email: lead.email,
            phone: lead.phone,
            name: lead.name,
            created_at: lead.created_at,
            updated_at: lead.updated_at,
            submission_count: lead.submission_count,
        },
        submission: WebhookSubmission {
            id: submission.public_id,
            created_at: submission.created_at,
            source: submission.source,
            page_url: payload.page_url,
            referrer: payload.referrer,
            utm: payload.utm.unwrap_or_default(),
            fields: payload.fields,
        },
        scores: LeadScores {
            engagement_score: submission.engagement_score,
            engagement_reasons: shape::reasons(submission.engagement_reasons.as_deref()),
            suspicion_score: submission.suspicion_score,
            suspicion_reasons: shape::reasons(submission.suspicion_reasons.as_deref()),
        },
        session: session.map(shape::summary).transpose()?,
        links,
    };
    Ok(WebhookMessage { kind, timestamp: rfc3339(submission.created_at), data: event })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(rfc3339(1_764_097_200_123), "2025-11-25T19:00:00.123Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_399_999), "2000-02-28T23:59:59.999Z");
    }

    #[test]
    fn kinds_round_trip() {
        for k in [WebhookType::LeadCreated, WebhookType::LeadUpdated, WebhookType::LeadDrought] {
            let text = serde_json::to_value(k).unwrap();
            assert_eq!(kind(text.as_str().unwrap()), Some(k));
        }
        assert_eq!(kind("lead.deleted"), None);
    }

    #[test]
    fn a_lead_message_links_back_and_carries_the_scores() {
        let lead = LeadRow {
            public_id: "ld_1".into(),
            site_key: "demo".into(),
            form_id: "contact".into(),
            email: Some("jane@example.com".into()),
            phone: None,
            name: None,
            created_at: 1,
            updated_at: 2,
            submission_count: 2,
        };
        let submission = SubmissionRow {
            public_id: "sub_1".into(),
            created_at: 1_764_097_200_000,
            source: "form".into(),
            payload_json: r#"{"form_id":"contact","fields":{"email":"jane@example.com"},"utm":{"source":"x"}}"#.into(),
            session_id: Some("0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c".into()),
            engagement_score: 64,
            engagement_reasons: Some(r#"[{"reason":"scrolled","points":10}]"#.into()),
            suspicion_score: 5,
            suspicion_reasons: None,
        };
        let m =
            lead_message(WebhookType::LeadUpdated, lead, submission, None, "https://pg.example/")
                .unwrap();
        assert_eq!(m.timestamp, "2025-11-25T19:00:00.000Z");
        assert_eq!(m.data.links.lead, "https://pg.example/analytics/leads/ld_1");
        assert_eq!(
            m.data.links.replay.as_deref(),
            Some("https://pg.example/replay?session=0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c")
        );
        assert_eq!(m.data.scores.engagement_reasons[0].points, 10);
        assert_eq!(m.data.submission.utm.source.as_deref(), Some("x"));
        assert!(m.data.session.is_none());
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["type"], "lead.updated");
    }
}
