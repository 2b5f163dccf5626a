//! The exact JSON of the dashboard API's wire types (insta snapshots) and what their parsers take.

use pulsegate_schema::*;
use serde_json::json;

const SESSION: &str = "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c";

fn key_id() -> KeyId {
    KeyId::from_random_bytes([0x9f; 16])
}

fn range() -> ReportRange {
    ReportRange {
        site: SiteKey::parse("demo").unwrap(),
        from: 1_761_609_600_000,
        to: 1_764_201_600_000,
        timezone: "Europe/Berlin".into(),
        bots: BotFilter::Exclude,
    }
}

#[test]
fn settings_document_json() {
    let mut settings = AppSettings {
        crm_url_template: Some("https://crm.example/leads/{CrmLeadId}".into()),
        replay_sampling_rate: 0.25,
        ..AppSettings::default()
    };
    settings.make = MakeSettings {
        enabled: true,
        webhook_url: Some("https://hook.eu1.make.com/abc123".into()),
        signing_secret: Some("never-serialized-secret".into()),
        signing_secret_set: true,
    };
    settings.lead_drought_alert = LeadDroughtAlert {
        enabled: true,
        threshold_minutes: 240,
        webhook_url: Some("https://hooks.example/drought".into()),
    };
    insta::assert_json_snapshot!(SettingsDocument {
        settings,
        version: 3,
        updated_at: Some(1_764_097_200_000)
    });
}

#[test]
fn default_settings_json() {
    insta::assert_json_snapshot!(SettingsDocument {
        settings: AppSettings::default(),
        version: 0,
        updated_at: None
    });
}

#[test]
fn keys_json() {
    let info = MarketingKey {
        id: key_id(),
        name: "Agency dashboard".into(),
        key_prefix: "pgm_3f9a1c2b".into(),
        pages: PageAccess::Pages(vec![DashboardPage::Overview, DashboardPage::Sources]),
        created_at: 1_764_097_200_000,
        last_used_at: Some(1_764_100_800_000),
        revoked_at: None,
    };
    insta::assert_json_snapshot!(
        "marketing_key_created",
        CreatedMarketingKey { key: format!("pgm_{}", "3f".repeat(20)), info: info.clone() }
    );
    insta::assert_json_snapshot!(
        "marketing_key_list",
        MarketingKeyList { keys: vec![MarketingKey { pages: PageAccess::Default, ..info }] }
    );
    insta::assert_json_snapshot!(
        "integration_created",
        CreatedIntegration {
            key: format!("pgi_{}", "7d".repeat(20)),
            info: Integration {
                id: KeyId::from_random_bytes([0x1b; 16]),
                name: "CRM sync".into(),
                site_key: Some(SiteKey::parse("demo").unwrap()),
                key_prefix: "pgi_7d7d7d7d".into(),
                created_at: 1_764_097_200_000,
                last_used_at: None,
                revoked_at: Some(1_764_187_200_000),
            },
        }
    );
}

#[test]
fn site_and_me_json() {
    let site = Site {
        site_key: SiteKey::parse("demo").unwrap(),
        name: "Brightside Solar".into(),
        timezone: "Europe/Berlin".into(),
        domains: vec![
            DomainPattern::parse("brightside.example").unwrap(),
            DomainPattern::parse("*.brightside.example").unwrap(),
        ],
        created_at: 1_764_097_200_000,
        updated_at: 1_764_097_200_000,
    };
    insta::assert_json_snapshot!("site", site);
    insta::assert_json_snapshot!(
        "me",
        Me {
            role: Role::Marketing,
            key: Some(KeyRef { id: key_id(), name: "Agency dashboard".into() }),
            pages: vec![DashboardPage::Overview, DashboardPage::Sources],
            pii_masked: true,
            sites: vec![SiteSummary {
                site_key: SiteKey::parse("demo").unwrap(),
                name: "Brightside Solar".into(),
                timezone: "Europe/Berlin".into()
            }],
        }
    );
}

#[test]
fn form_json() {
    let form: FormDefinition = serde_json::from_value(json!({
        "form_id": "contact", "site_key": "demo", "name": "Contact us",
        "fields": [
            { "name": "email", "label": "Email", "type": "email", "required": true, "placeholder": "you@example.com", "max_length": 254 },
            { "name": "phone", "label": "Phone", "type": "tel", "pattern": "^\\+?[0-9 \\-]{7,20}$" },
            { "name": "roof", "label": "Roof type", "type": "select", "options": [ { "value": "flat", "label": "Flat" }, { "value": "pitched", "label": "Pitched" } ] }
        ],
        "submit_text": "Get my quote",
        "hidden_fields": [ { "name": "utm_source", "source": "utm_source" }, { "name": "campaign", "source": "constant", "value": "spring" } ]
    }))
    .unwrap();
    assert_eq!(form.validate(), Ok(()));
    insta::assert_json_snapshot!(Form {
        definition: form,
        created_at: 1_764_097_200_000,
        updated_at: 1_764_097_200_000
    });
}

#[test]
fn reports_json() {
    insta::assert_json_snapshot!(
        "overview",
        Overview {
            range: range(),
            visitors: 812,
            sessions: 1034,
            pageviews: 2871,
            bounce_rate: 0.412,
            pages_per_session: 2.7766,
            median_duration_ms: 48_000,
            avg_engaged_ms: 31_250,
            total_engaged_ms: 32_312_500,
        }
    );
    insta::assert_json_snapshot!(
        "timeseries",
        TimeSeries {
            range: range(),
            interval: Interval::Day,
            points: vec![SeriesPoint {
                start: 1_764_025_200_000,
                label: "2025-11-25".into(),
                visitors: 40,
                sessions: 52,
                pageviews: 130
            }],
        }
    );
    insta::assert_json_snapshot!(
        "breakdown",
        Breakdown {
            range: range(),
            dimension: "referrer".into(),
            rows: vec![
                BreakdownRow {
                    value: Some("search.example".into()),
                    visitors: 120,
                    sessions: 140,
                    pageviews: 390,
                    bounce_rate: 0.35
                },
                BreakdownRow {
                    value: None,
                    visitors: 80,
                    sessions: 95,
                    pageviews: 160,
                    bounce_rate: 0.6
                },
            ],
        }
    );
    insta::assert_json_snapshot!(
        "pages",
        PagesReport {
            range: range(),
            rows: vec![PageRow { path: "/pricing".into(), pageviews: 410, sessions: 300 }]
        }
    );
    insta::assert_json_snapshot!(
        "campaigns",
        CampaignsReport {
            range: range(),
            rows: vec![CampaignRow {
                source: Some("newsletter".into()),
                medium: Some("email".into()),
                campaign: Some("spring".into()),
                visitors: 60,
                sessions: 64,
                pageviews: 150,
                bounce_rate: 0.25
            }],
        }
    );
    insta::assert_json_snapshot!(
        "events",
        EventsReport {
            range: range(),
            events: vec![EventSummary {
                name: "signup".into(),
                count: 42,
                sessions: 40,
                properties: vec![PropertyCount {
                    key: "plan".into(),
                    value: "\"pro\"".into(),
                    count: 30
                }]
            }],
        }
    );
}

#[test]
fn sessions_json() {
    let id = SESSION.parse().map(SessionId).unwrap();
    insta::assert_json_snapshot!(
        "sessions_page",
        SessionsPage {
            range: range(),
            sessions: vec![SessionSummary {
                id,
                started_at: 1_764_097_200_000,
                duration_ms: 48_000,
                page_views: 3,
                event_count: 17,
                landing_path: Some("/".into()),
                exit_path: Some("/pricing".into()),
                referrer_host: Some("search.example".into()),
                utm_campaign: None,
                country: Some("DE".into()),
                device_class: Some("desktop".into()),
                browser: Some("Firefox".into()),
                os: Some("Linux".into()),
                engagement_score: 64,
                suspicion_score: 5,
                has_lead: false,
            }],
            next_cursor: Some(format!("1764097200000.{SESSION}")),
        }
    );
    let record: SessionRecord = serde_json::from_value(json!({
        "id": SESSION, "site_key": "demo", "started_at": 1_764_097_200_000_u64, "received_at": 1_764_097_200_150_u64,
        "last_seen_at": 1_764_097_248_000_u64, "duration_ms": 48000, "landing_url": "https://shop.example/?utm_source=newsletter",
        "landing_path": "/", "exit_path": "/pricing", "utm": { "source": "newsletter" }, "consent": "analytics",
        "device_class": "desktop", "event_count": 17, "page_views": 3, "clicks": 5, "max_scroll_percent": 80, "engaged_ms": 31000,
        "rage_clicks": 0, "form_starts": 1, "form_submits": 1, "errors": 0, "custom_events": 2, "engagement_score": 64,
        "engagement_reasons": [ { "reason": "scrolled", "points": 10 } ], "suspicion_score": 5, "suspicion_reasons": [], "lead_count": 0
    }))
    .unwrap();
    insta::assert_json_snapshot!(
        "session_detail",
        SessionDetail {
            session: record,
            pages: vec![PageVisit { path: "/".into(), views: 2 }],
            custom_events: vec![EventCount { name: "signup".into(), count: 1 }],
            events: vec![Event::Pageview(Pageview {
                ts: 1_764_097_200_012,
                url: "https://shop.example/".into(),
                referrer: None,
                title: None
            })],
            next_events_cursor: None,
            storage: StorageReads { list_calls: 1, objects_listed: 3, objects_read: 3 },
        }
    );
}

#[test]
fn requests_reject_what_they_must() {
    assert!(
        serde_json::from_value::<NewMarketingKey>(json!({ "name": "x", "pages": ["settings"] }))
            .unwrap()
            .validate()
            .is_err()
    );
    assert!(
        serde_json::from_value::<NewMarketingKey>(json!({ "name": "x", "pages": "all" })).is_err()
    );
    assert!(
        serde_json::from_value::<NewSite>(
            json!({ "site_key": "demo", "name": "x", "domains": ["*.com"] })
        )
        .is_err()
    );
    assert!(
        serde_json::from_value::<NewSite>(json!({ "site_key": "demo", "name": "x", "owner": "y" }))
            .is_err()
    );
    assert!(
        serde_json::from_value::<AppSettings>(json!({ "make": { "enabled": "yes" } })).is_err()
    );
    assert!(
        serde_json::from_value::<NewIntegration>(json!({ "name": "" }))
            .unwrap()
            .validate()
            .is_err()
    );
}
