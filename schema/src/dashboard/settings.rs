//! AppSettings: the dashboard's Settings page, one typed document with defaults.

use crate::prelude::*;

use serde::{Deserialize, Serialize};

use super::pages::{DashboardPage, check_marketing_pages};
use crate::UnixMillis;
use crate::validate::{Invalid, Validate, invalid, is_web_url, max_len, path};

/// `GET`/`PUT /analytics/settings` (admin). A `PUT` replaces the whole document: a field left
/// out takes its default. Secrets are write-only (see [`MakeSettings::signing_secret`]).
///
/// ```json
/// {
///   "make": { "enabled": true, "webhook_url": "https://hook.eu1.make.com/abc123", "signing_secret_set": true },
///   "bot_detection": { "enabled": true, "threshold": 70 },
///   "crm_url_template": "https://crm.example/leads/{CrmLeadId}",
///   "marketing_pages": ["overview", "pages", "sources", "events"],
///   "mask_pii_for_marketing": true,
///   "lead_drought_alert": { "enabled": true, "threshold_minutes": 240, "webhook_url": "https://hooks.example/drought" },
///   "replay_sampling_rate": 0.25,
///   "accept_unregistered_sites": false
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AppSettings {
    /// Send each new lead to a Make.com scenario.
    pub make: MakeSettings,
    /// Treat sessions with a high suspicion score as bots.
    pub bot_detection: BotDetection,
    /// Link from a lead to its CRM record; `{CrmLeadId}` is replaced by the id the CRM returned.
    /// `https` (or `http://localhost`). Example: `"https://crm.example/leads/{CrmLeadId}"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crm_url_template: Option<String>,
    /// The pages a marketing key sees unless it has its own list. Example: `["overview", "sources"]`.
    pub marketing_pages: Vec<DashboardPage>,
    /// Mask emails and phone numbers (`j***@example.com`, `+1 *** *** 12`) in every response a
    /// marketing key receives. Example: `true`.
    pub mask_pii_for_marketing: bool,
    /// Alert when no lead arrived for a while (cron `*/10 * * * *`).
    pub lead_drought_alert: LeadDroughtAlert,
    /// Share of sessions (with consent `analytics` or above) that record a replay, 0 to 1.
    /// Example: `0.25`.
    pub replay_sampling_rate: f64,
    /// Accept session starts for site keys not registered under `/analytics/sites`. Off by
    /// default: an unregistered key gets `403`. Example: `false`.
    pub accept_unregistered_sites: bool,
}

impl Default for AppSettings {
    fn default() -> Self {
        Self {
            make: MakeSettings::default(),
            bot_detection: BotDetection::default(),
            crm_url_template: None,
            marketing_pages: vec![
                DashboardPage::Overview,
                DashboardPage::Pages,
                DashboardPage::Sources,
                DashboardPage::Events,
            ],
            mask_pii_for_marketing: true,
            lead_drought_alert: LeadDroughtAlert::default(),
            replay_sampling_rate: 1.0,
            accept_unregistered_sites: false,
        }
    }
}

/// "Send leads to Make.com".
///
/// ```json
/// { "enabled": true, "webhook_url": "https://hook.eu1.make.com/abc123", "signing_secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "signing_secret_set": true }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MakeSettings {
    /// Whether new leads are sent. Example: `true`.
    pub enabled: bool,
    /// The scenario's custom webhook; required when enabled. Example:
    /// `"https://hook.eu1.make.com/abc123"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<String>,
    /// Write-only: the Standard Webhooks secret the webhooks are signed with: `whsec_` and the
    /// base64 of 24 to 64 random bytes (the form every Standard Webhooks library takes; `openssl
    /// rand -base64 32` makes the second part). Required while `enabled`. Absent (or `null`)
    /// keeps the stored secret, `""` removes it. Never returned. Example:
    /// `"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"`.
    #[serde(skip_serializing)]
    pub signing_secret: Option<String>,
    /// Read-only: whether a signing secret is stored. Ignored on `PUT`. Example: `true`.
    pub signing_secret_set: bool,
}

/// Bot detection: sessions whose suspicion score reaches `threshold` are left out of analytics
/// (unless a query asks for `bots=include`).
///
/// ```json
/// { "enabled": true, "threshold": 70 }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BotDetection {
    /// Example: `true`.
    pub enabled: bool,
    /// Suspicion score (1 to 100) from which a session counts as a bot. Example: `70`.
    pub threshold: u8,
}

impl Default for BotDetection {
    fn default() -> Self {
        Self { enabled: true, threshold: 70 }
    }
}

/// Lead drought alert: POST to a webhook when no lead arrived for `threshold_minutes`.
///
/// ```json
/// { "enabled": true, "threshold_minutes": 240, "webhook_url": "https://hooks.example/drought" }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LeadDroughtAlert {
    /// Example: `true`.
    pub enabled: bool,
    /// Minutes without a lead before alerting, 10 to 10080 (a week). Example: `240`.
    pub threshold_minutes: u32,
    /// Where the alert is posted; required when enabled. Example: `"https://hooks.example/drought"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<String>,
}

impl Default for LeadDroughtAlert {
    fn default() -> Self {
        Self { enabled: false, threshold_minutes: 240, webhook_url: None }
    }
}

/// What `GET /analytics/settings` answers (and `PUT` answers after saving). The `ETag` header
/// carries the version: send it back as `If-Match`.
///
/// ```json
/// { "settings": { "mask_pii_for_marketing": true, "…": "…" }, "version": 3, "updated_at": 1764097200000 }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsDocument {
    /// The settings in force.
    pub settings: AppSettings,
    /// Increases by one with every saved change; `0` means never saved (all defaults).
    /// Example: `3`.
    pub version: u64,
    /// When the settings were last saved (server ms); absent when never saved.
    /// Example: `1764097200000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<UnixMillis>,
}

/// Fewest random bytes in a webhook secret (Standard Webhooks: 24 to 64).
pub(crate) const MIN_SECRET_BYTES: usize = 24;
/// Most random bytes in a webhook secret.
pub(crate) const MAX_SECRET_BYTES: usize = 64;
/// The prefix of a Standard Webhooks secret.
pub const WEBHOOK_SECRET_PREFIX: &str = "whsec_";

/// Whether `secret` is a Standard Webhooks secret: `whsec_` and standard base64 (with padding)
/// of 24 to 64 bytes.
///
/// ```
/// use pulsegate_schema::is_webhook_secret;
/// assert!(is_webhook_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
/// assert!(!is_webhook_secret("a-long-random-secret"));
/// ```
pub fn is_webhook_secret(secret: &str) -> bool {
    let Some(b64) = secret.strip_prefix(WEBHOOK_SECRET_PREFIX) else { return false };
    let body = b64.trim_end_matches('=');
    let padding = b64.len() - body.len();
    let alphabet = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
    let bytes = b64.len() / 4 * 3 - padding;
    b64.len() % 4 == 0
        && padding <= 2
        && body.bytes().all(alphabet)
        && (MIN_SECRET_BYTES..=MAX_SECRET_BYTES).contains(&bytes)
}
/// The placeholder a CRM URL template must contain.
pub(crate) const CRM_LEAD_ID_PLACEHOLDER: &str = "{CrmLeadId}";

/// A URL PulseGate may call or link to with data: `https://…`, or `http://` to `localhost`,
/// `127.0.0.1` or `[::1]` (for local development).
///
/// ```
/// use pulsegate_schema::is_secure_url;
/// assert!(is_secure_url("https://hook.eu1.make.com/abc"));
/// assert!(is_secure_url("http://localhost:8080/hook"));
/// assert!(!is_secure_url("http://hooks.example/x"));
/// ```
pub fn is_secure_url(value: &str) -> bool {
    if !is_web_url(value) {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    if lower.starts_with("https://") {
        return true;
    }
    let rest = &lower["http://".len()..];
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return false;
    }
    let host = if authority.starts_with("[::1]") {
        "[::1]"
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

fn secure_url(prefix: &str, field: &str, value: &str) -> Result<(), Invalid> {
    max_len(prefix, field, value, crate::limits::MAX_URL_LEN)?;
    if !is_secure_url(value) {
        return Err(invalid(prefix, field, "must be an https URL (http only for localhost)"));
    }
    Ok(())
}

impl Validate for MakeSettings {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        match &self.webhook_url {
            Some(url) => secure_url(prefix, "webhook_url", url)?,
            None if self.enabled => {
                return Err(invalid(prefix, "webhook_url", "is required when enabled"));
            }
            None => {}
        }
        if let Some(secret) = self.signing_secret.as_deref().filter(|s| !s.is_empty())
            && !is_webhook_secret(secret)
        {
            return Err(invalid(
                prefix,
                "signing_secret",
                format!(
                    "must be {WEBHOOK_SECRET_PREFIX} and the base64 of {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} random bytes"
                ),
            ));
        }
        Ok(())
    }
}

impl Validate for LeadDroughtAlert {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        if !(10..=10_080).contains(&self.threshold_minutes) {
            return Err(invalid(prefix, "threshold_minutes", "must be between 10 and 10080"));
        }
        match &self.webhook_url {
            Some(url) => secure_url(prefix, "webhook_url", url),
            None if self.enabled => Err(invalid(prefix, "webhook_url", "is required when enabled")),
            None => Ok(()),
        }
    }
}

impl Validate for AppSettings {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        self.make.validate_at(&path(prefix, "make"))?;
        if !(1..=100).contains(&self.bot_detection.threshold) {
            return Err(invalid(
                &path(prefix, "bot_detection"),
                "threshold",
                "must be between 1 and 100",
            ));
        }
        if let Some(template) = &self.crm_url_template {
            if !template.contains(CRM_LEAD_ID_PLACEHOLDER) {
                return Err(invalid(
                    prefix,
                    "crm_url_template",
                    format!("must contain {CRM_LEAD_ID_PLACEHOLDER}"),
                ));
            }
            secure_url(
                prefix,
                "crm_url_template",
                &template.replace(CRM_LEAD_ID_PLACEHOLDER, "1"),
            )?;
        }
        check_marketing_pages(&self.marketing_pages)
            .map_err(|reason| invalid(prefix, "marketing_pages", reason))?;
        self.lead_drought_alert.validate_at(&path(prefix, "lead_drought_alert"))?;
        let rate = self.replay_sampling_rate;
        if !(rate.is_finite() && (0.0..=1.0).contains(&rate)) {
            return Err(invalid(prefix, "replay_sampling_rate", "must be between 0 and 1"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(settings: &AppSettings) -> String {
        settings.validate().unwrap_err().field
    }

    #[test]
    fn defaults_are_valid_and_private() {
        let d = AppSettings::default();
        assert_eq!(d.validate(), Ok(()));
        assert!(d.mask_pii_for_marketing);
        assert!(!d.accept_unregistered_sites);
        assert!(d.marketing_pages.iter().all(|p| p.grantable_to_marketing()));
        // An empty document is the defaults.
        assert_eq!(serde_json::from_str::<AppSettings>("{}").unwrap(), d);
    }

    #[test]
    fn secure_urls() {
        for ok in [
            "https://hook.eu1.make.com/abc",
            "HTTPS://hooks.example/x?y=1",
            "http://localhost/hook",
            "http://localhost:8080/hook",
            "http://127.0.0.1:9/x",
            "http://[::1]:8080/x",
        ] {
            assert!(is_secure_url(ok), "{ok}");
        }
        for bad in [
            "http://hooks.example/x",
            "http://localhost.evil.example/x",
            "http://localhost@evil.example/x",
            "http://127.0.0.1.evil.example/",
            "ftp://localhost/x",
            "javascript:alert(1)",
            "https://",
        ] {
            assert!(!is_secure_url(bad), "{bad}");
        }
    }

    #[test]
    fn every_rule_names_its_field() {
        let mut s = AppSettings::default();
        s.make.enabled = true;
        assert_eq!(field_of(&s), "make.webhook_url");
        s.make.webhook_url = Some("http://hook.example/x".into());
        assert_eq!(field_of(&s), "make.webhook_url");
        s.make.webhook_url = Some("https://hook.example/x".into());
        s.make.signing_secret = Some("short".into());
        assert_eq!(field_of(&s), "make.signing_secret");
        s.make.signing_secret = Some("a-long-random-secret-without-prefix".into());
        assert_eq!(field_of(&s), "make.signing_secret");
        s.make.signing_secret = Some("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into());
        assert_eq!(s.validate(), Ok(()));
        s.make.signing_secret = Some(String::new());
        assert_eq!(s.validate(), Ok(()));

        let mut s = AppSettings::default();
        s.bot_detection.threshold = 0;
        assert_eq!(field_of(&s), "bot_detection.threshold");

        let mut s = AppSettings {
            crm_url_template: Some("https://crm.example/leads/".into()),
            ..AppSettings::default()
        };
        assert_eq!(field_of(&s), "crm_url_template");
        s.crm_url_template = Some("http://crm.example/leads/{CrmLeadId}".into());
        assert_eq!(field_of(&s), "crm_url_template");
        s.crm_url_template = Some("https://crm.example/leads/{CrmLeadId}".into());
        assert_eq!(s.validate(), Ok(()));

        let s =
            AppSettings { marketing_pages: vec![DashboardPage::Keys], ..AppSettings::default() };
        assert_eq!(field_of(&s), "marketing_pages");

        let mut s = AppSettings::default();
        s.lead_drought_alert.enabled = true;
        assert_eq!(field_of(&s), "lead_drought_alert.webhook_url");
        s.lead_drought_alert.threshold_minutes = 5;
        assert_eq!(field_of(&s), "lead_drought_alert.threshold_minutes");

        let mut s = AppSettings { replay_sampling_rate: 1.5, ..AppSettings::default() };
        assert_eq!(field_of(&s), "replay_sampling_rate");
        s.replay_sampling_rate = f64::NAN;
        assert_eq!(field_of(&s), "replay_sampling_rate");
    }

    #[test]
    fn the_signing_secret_is_write_only() {
        let mut s = AppSettings::default();
        s.make.signing_secret = Some("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into());
        s.make.signing_secret_set = true;
        let json = serde_json::to_string(&s).unwrap();
        assert!(!json.contains("MfKQ9r8GKYqr"), "{json}");
        assert!(json.contains("\"signing_secret_set\":true"), "{json}");
        let back: AppSettings = serde_json::from_str(
            r#"{"make":{"enabled":false,"signing_secret":"a-long-random-secret","signing_secret_set":false}}"#,
        )
        .unwrap();
        assert_eq!(back.make.signing_secret.as_deref(), Some("a-long-random-secret"));
    }

    #[test]
    fn webhook_secrets_are_standard_webhooks_secrets() {
        // 24 bytes, 32 bytes (with one '='), 64 bytes (with '==').
        for ok in [
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD5sbqeNbzWe0=",
            "whsec_QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQQ==",
        ] {
            assert!(is_webhook_secret(ok), "{ok}");
        }
        for bad in [
            "",
            "whsec_",
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa-w",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa==",
            "whsec_QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB",
        ] {
            assert!(!is_webhook_secret(bad), "{bad}");
        }
    }

    #[test]
    fn unknown_fields_are_refused() {
        assert!(serde_json::from_str::<AppSettings>(r#"{"mask_pii":true}"#).is_err());
        assert!(serde_json::from_str::<AppSettings>(r#"{"make":{"url":"x"}}"#).is_err());
    }
}
