//! The exact JSON of lead capture's wire types (insta snapshots): the form config, the submission
//! and its answer, the callbacks, the signed webhook bodies and the dashboard's lead, outbox, IP
//! list and testing-rule bodies. Each documented example parses as its type.

use pulsegate_schema::lead::*;
use pulsegate_schema::*;
use serde_json::json;

const SESSION: &str = "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c";
const LEAD: &str = "ld_4f3a9c0d2b1e8f7a6c5d4e3f2a1b0c9d";

fn form() -> FormDefinition {
    serde_json::from_value(json!({
        "form_id": "quote", "site_key": "demo", "name": "Quote (internal)",
        "fields": [
            { "name": "email", "label": "Email", "type": "email", "required": true, "placeholder": "you@example.com" },
            { "name": "phone", "label": "Phone", "type": "tel", "pattern": "\\+?[0-9 ]{7,20}" },
            { "name": "roof", "label": "Roof", "type": "radio", "options": [ { "value": "flat", "label": "Flat" } ] },
            { "name": "consent", "label": "I agree", "type": "checkbox", "required": true }
        ],
        "submit_text": "Get my quote",
        "hidden_fields": [ { "name": "utm_source", "source": "utm_source" }, { "name": "campaign", "source": "constant", "value": "spring" } ]
    }))
    .unwrap()
}

fn submission() -> LeadSubmission {
    serde_json::from_value(json!({
        "form_id": "quote", "site_key": "demo", "submission_id": "2f4b6d8e-1a3c-4e5f-9a7b-0c1d2e3f4a5b",
        "fields": { "email": "jane@example.com", "roof": "flat", "consent": true, "utm_source": "newsletter" },
        "session_id": SESSION, "visitor_id": "5d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d",
        "fingerprint": "3f1c2d4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d",
        "utm": { "source": "newsletter", "campaign": "spring" },
        "page_url": "https://shop.example/quote", "referrer": "https://search.example/",
        "fill_ms": 14250, "honeypot": "", "lang": "de",
        "fill": { "typed": 3, "keyless": 0, "autofilled": 0, "active_ms": 11800, "trusted_submit": true }
    }))
    .unwrap()
}

#[test]
fn form_config_json() {
    insta::assert_json_snapshot!(FormConfig::of(&form(), &[]));
}

#[test]
fn form_config_json_in_the_visitors_language() {
    let mut form = form();
    form.fields[0].help = Some("Only for your quote.".into());
    form.translations.insert(
        "de".into(),
        serde_json::from_value(json!({
            "submit_text": "Angebot anfordern",
            "fields": { "email": { "label": "E-Mail", "placeholder": "sie@example.com", "help": "Nur für Ihr Angebot." },
                        "roof": { "label": "Dach", "options": { "flat": "Flachdach" } } }
        }))
        .unwrap(),
    );
    assert_eq!(form.validate(), Ok(()));
    insta::assert_json_snapshot!(FormConfig::of(&form, &["de-DE", "en"]));
}

#[test]
fn submission_json_round_trips_and_checks() {
    let s = submission();
    assert_eq!(s.validate(), Ok(()));
    assert_eq!(check_fields(&form(), &s.fields, &mut |_, v| v.starts_with('+')), Ok(()));
    let text = serde_json::to_string(&s).unwrap();
    assert_eq!(serde_json::from_str::<LeadSubmission>(&text).unwrap(), s);
    insta::assert_json_snapshot!(s);
}

#[test]
fn accepted_and_callbacks_json() {
    insta::assert_json_snapshot!(LeadAccepted { ok: true, lead_id: LEAD.into() });
    let crm: CrmCallback =
        serde_json::from_value(json!({ "lead_id": LEAD, "crm_lead_id": "00Q5e00000AbCdE" }))
            .unwrap();
    assert_eq!(crm.validate(), Ok(()));
    let make: MakeCallback = serde_json::from_value(json!({
        "lead_id": LEAD, "execution_url": "https://eu1.make.com/123/scenarios/456/logs/789",
        "webhook_id": "msg_9c0d2b1e8f7a6c5d4e3f2a1b0c9d4f3a"
    }))
    .unwrap();
    assert_eq!(make.validate(), Ok(()));
    let event: CrmActivityEvent = serde_json::from_value(json!({
        "crm_lead_id": "00Q5e00000AbCdE", "event": "status_changed", "status": "qualified",
        "event_id": "evt_81", "occurred_at": 1_764_097_500_000_u64, "data": { "owner": "sam" }
    }))
    .unwrap();
    assert_eq!(event.validate(), Ok(()));
    insta::assert_json_snapshot!("callbacks", json!({ "crm": crm, "make": make, "event": event }));
}

fn summary() -> SessionSummary {
    SessionSummary {
        id: SessionId(SESSION.parse().unwrap()),
        started_at: 1_764_097_100_000,
        duration_ms: 100_000,
        page_views: 3,
        event_count: 17,
        landing_path: Some("/".into()),
        exit_path: Some("/quote".into()),
        referrer_host: Some("search.example".into()),
        utm_campaign: Some("spring".into()),
        country: Some("DE".into()),
        device_class: Some("desktop".into()),
        browser: Some("Firefox".into()),
        os: Some("Linux".into()),
        engagement_score: 64,
        suspicion_score: 5,
        has_lead: true,
    }
}

#[test]
fn webhook_bodies_json() {
    let s = submission();
    let lead = WebhookMessage {
        kind: WebhookType::LeadCreated,
        timestamp: "2025-11-25T19:00:00.000Z".into(),
        data: LeadEvent {
            lead: WebhookLead {
                id: LEAD.into(),
                site_key: SiteKey::parse("demo").unwrap(),
                form_id: "quote".into(),
                email: Some("jane@example.com".into()),
                phone: None,
                name: Some("Jane Doe".into()),
                created_at: 1_764_097_200_000,
                updated_at: 1_764_097_200_000,
                submission_count: 1,
            },
            submission: WebhookSubmission {
                id: "sub_9c0d2b1e8f7a6c5d4e3f2a1b0c9d4f3a".into(),
                created_at: 1_764_097_200_000,
                source: "form".into(),
                page_url: s.page_url.clone(),
                referrer: s.referrer.clone(),
                utm: s.utm.clone().unwrap(),
                fields: s.fields,
            },
            scores: LeadScores {
                engagement_score: 64,
                engagement_reasons: vec![ScoreReason { reason: "scrolled".into(), points: 10 }],
                suspicion_score: 5,
                suspicion_reasons: vec![],
            },
            session: Some(summary()),
            links: LeadLinks {
                lead: format!("https://pulsegate.example/analytics/leads/{LEAD}"),
                replay: Some(format!("https://pulsegate.example/replay?session={SESSION}")),
                crm_callback: "https://pulsegate.example/lead.capture/crm-callback".into(),
                make_callback: "https://pulsegate.example/lead.capture/make-callback".into(),
            },
        },
    };
    let text = serde_json::to_string(&lead).unwrap();
    assert_eq!(serde_json::from_str::<WebhookMessage<LeadEvent>>(&text).unwrap(), lead);
    insta::assert_json_snapshot!("lead_webhook", lead);
    let drought = WebhookMessage {
        kind: WebhookType::LeadDrought,
        timestamp: "2025-11-25T23:00:00.000Z".into(),
        data: DroughtAlert {
            last_lead_at: Some(1_764_083_000_000),
            minutes_without_lead: 240,
            threshold_minutes: 240,
        },
    };
    insta::assert_json_snapshot!("drought_webhook", drought);
}

#[test]
fn dashboard_lead_bodies_json() {
    let lead = LeadSummary {
        id: LEAD.into(),
        site_key: SiteKey::parse("demo").unwrap(),
        form_id: "quote".into(),
        email: Some("jane@example.com".into()),
        phone: Some("+49 30 1234567".into()),
        name: Some("Jane Doe".into()),
        created_at: 1_764_097_200_000,
        updated_at: 1_764_097_200_000,
        submission_count: 1,
        source: "form".into(),
        session_id: Some(SessionId(SESSION.parse().unwrap())),
        engagement_score: 64,
        suspicion_score: 5,
        crm_lead_id: Some("00Q5e00000AbCdE".into()),
        crm_url: Some("https://crm.example/leads/00Q5e00000AbCdE".into()),
        country: Some("DE".into()),
        is_test: false,
    };
    insta::assert_json_snapshot!(
        "leads_page",
        LeadsPage { leads: vec![lead.clone()], next_cursor: Some("1764097200000.42".into()) }
    );
    let delivery = WebhookDelivery {
        id: "msg_9c0d2b1e8f7a6c5d4e3f2a1b0c9d4f3a".into(),
        kind: WebhookType::LeadCreated,
        state: DeliveryState::Delivered,
        lead_id: Some(LEAD.into()),
        created_at: 1_764_097_200_000,
        attempts: 2,
        next_attempt_at: None,
        last_attempt_at: Some(1_764_097_260_000),
        last_status: Some(200),
        last_error: None,
        delivered_at: Some(1_764_097_260_000),
        execution_url: Some("https://eu1.make.com/123/scenarios/456/logs/789".into()),
        dead_at: None,
        log: vec![
            DeliveryAttempt {
                at: 1_764_097_200_100,
                status: Some(503),
                ms: 41,
                error: Some("HTTP 503".into()),
            },
            DeliveryAttempt { at: 1_764_097_260_000, status: Some(200), ms: 38, error: None },
        ],
    };
    let detail = LeadDetail {
        lead,
        submissions: vec![LeadSubmissionRecord {
            id: "sub_9c0d2b1e8f7a6c5d4e3f2a1b0c9d4f3a".into(),
            form_id: "quote".into(),
            created_at: 1_764_097_200_000,
            source: "form".into(),
            session_id: Some(SessionId(SESSION.parse().unwrap())),
            engagement_score: 64,
            engagement_reasons: vec![],
            suspicion_score: 5,
            suspicion_reasons: vec![],
            fill_ms: Some(14_250),
            is_test: false,
            test_reason: None,
            payload: submission(),
        }],
        crm_activity: vec![CrmActivity {
            id: 7,
            received_at: 1_764_097_500_000,
            event: "status_changed".into(),
            status: Some("qualified".into()),
            crm_lead_id: Some("00Q5e00000AbCdE".into()),
            event_id: Some("evt_81".into()),
            occurred_at: Some(1_764_097_499_000),
            data: None,
        }],
        webhooks: vec![delivery.clone()],
        sessions: vec![],
    };
    insta::assert_json_snapshot!("lead_detail", detail);
    insta::assert_json_snapshot!("webhook_list", WebhookList { messages: vec![delivery] });
    insta::assert_json_snapshot!(
        "blocked_leads",
        BlockedLeadsPage {
            blocked: vec![BlockedLead {
                id: "ld_0c9d4f3a9c0d2b1e8f7a6c5d4e3f2a1b".into(),
                site_key: SiteKey::parse("demo").unwrap(),
                form_id: "quote".into(),
                reason: "honeypot".into(),
                created_at: 1_764_097_200_000,
                country: None,
                payload: submission(),
            }],
            next_cursor: None,
        }
    );
}

#[test]
fn ip_lists_and_testing_rules_json() {
    let entry: NewIpEntry =
        serde_json::from_value(json!({ "cidr": "203.0.113.0/24", "reason": "scraper" })).unwrap();
    assert_eq!(entry.validate(), Ok(()));
    let rule: NewTestingRule =
        serde_json::from_value(json!({ "email_domain": "example.test", "reason": "QA mailboxes" }))
            .unwrap();
    assert_eq!(rule.validate(), Ok(()));
    insta::assert_json_snapshot!(
        "ip_lists",
        json!({
            "entries": IpEntryList { entries: vec![IpEntry { id: 3, ip_hash: None, cidr: Some("203.0.113.0/24".into()), reason: Some("scraper".into()), created_at: 1_764_097_200_000 }] },
            "rules": TestingRuleList { rules: vec![TestingRule { id: 2, email: None, email_domain: Some("example.test".into()), ip_hash: None, cidr: None, reason: Some("QA mailboxes".into()), created_at: 1_764_097_200_000 }] },
        })
    );
}
