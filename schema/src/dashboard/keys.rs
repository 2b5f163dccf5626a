//! Generated API keys: marketing keys (`pgm_…`, dashboard access) and integration keys
//! (`pgi_…`, server-to-server `X-API-Key` for `/lead.capture`). Both are shown once, at creation.

use crate::prelude::*;

use serde::{Deserialize, Serialize};

use super::pages::{PageAccess, check_marketing_pages};
use crate::validate::{Invalid, Validate, invalid, name};
use crate::{KeyId, SiteKey, UnixMillis};

/// Longest key name, in bytes.
pub(crate) const MAX_KEY_NAME_LEN: usize = 128;

/// `POST /analytics/keys` (admin): create a marketing key.
///
/// ```json
/// { "name": "Agency dashboard", "pages": ["overview", "sources"] }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewMarketingKey {
    /// Who or what uses the key, 1 to 128 bytes. Example: `"Agency dashboard"`.
    pub name: String,
    /// The pages it sees; absent means `"default"` (AppSettings' `marketing_pages`, as they
    /// change). Example: `["overview", "sources"]`.
    #[serde(default)]
    pub pages: PageAccess,
}

/// `PATCH /analytics/keys/{id}` (admin): rename a key or change its pages; absent fields stay.
///
/// ```json
/// { "pages": "default" }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketingKeyUpdate {
    /// New name. Example: `"Agency dashboard (EU)"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New pages. Example: `["overview"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<PageAccess>,
}

/// A marketing key as listed (no secret).
///
/// ```json
/// { "id": "9f0e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f", "name": "Agency dashboard", "key_prefix": "pgm_3f9a1c2b",
///   "pages": ["overview", "sources"], "created_at": 1764097200000, "last_used_at": 1764100800000 }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketingKey {
    /// The key's handle in URLs. Example: `"9f0e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f"`.
    pub id: KeyId,
    /// Example: `"Agency dashboard"`.
    pub name: String,
    /// The first 12 characters of the key, to recognise it. Example: `"pgm_3f9a1c2b"`.
    pub key_prefix: String,
    /// `"default"` or its own list. Example: `["overview", "sources"]`.
    pub pages: PageAccess,
    /// Server ms. Example: `1764097200000`.
    pub created_at: UnixMillis,
    /// Last successful use (updated at most once a minute). Example: `1764100800000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<UnixMillis>,
    /// When it was revoked; a revoked key gets `401`. Example: `1764187200000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<UnixMillis>,
}

/// `POST /analytics/keys` answers the key once; only its SHA-256 is stored.
///
/// ```json
/// { "key": "pgm_3f9a1c2b…(40 hex)", "id": "9f0e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f", "name": "Agency dashboard",
///   "key_prefix": "pgm_3f9a1c2b", "pages": "default", "created_at": 1764097200000 }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedMarketingKey {
    /// The secret: `pgm_` and 40 hex digits (160 random bits). Shown only in this answer.
    pub key: String,
    /// Everything else about the key.
    #[serde(flatten)]
    pub info: MarketingKey,
}

/// `GET /analytics/keys`.
///
/// ```json
/// { "keys": [ { "id": "9f0e8d7c-…", "name": "Agency dashboard", "key_prefix": "pgm_3f9a1c2b", "pages": "default", "created_at": 1764097200000 } ] }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketingKeyList {
    /// Newest first, revoked keys included.
    pub keys: Vec<MarketingKey>,
}

/// `POST /analytics/integrations` (admin): a server-to-server key for `/lead.capture`.
///
/// ```json
/// { "name": "CRM sync", "site_key": "demo" }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewIntegration {
    /// Example: `"CRM sync"`.
    pub name: String,
    /// The only site it may submit leads for; absent means any registered site. Example: `"demo"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_key: Option<SiteKey>,
}

/// An integration as listed (no secret).
///
/// ```json
/// { "id": "1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b", "name": "CRM sync", "site_key": "demo",
///   "key_prefix": "pgi_7d41e09a", "created_at": 1764097200000 }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Integration {
    /// Example: `"1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b"`.
    pub id: KeyId,
    /// Example: `"CRM sync"`.
    pub name: String,
    /// Example: `"demo"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_key: Option<SiteKey>,
    /// Example: `"pgi_7d41e09a"`.
    pub key_prefix: String,
    /// Example: `1764097200000`.
    pub created_at: UnixMillis,
    /// Example: `1764100800000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<UnixMillis>,
    /// Example: `1764187200000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<UnixMillis>,
}

/// `POST /analytics/integrations` answers the key once.
///
/// ```json
/// { "key": "pgi_7d41e09a…(40 hex)", "id": "1b2c3d4e-…", "name": "CRM sync", "site_key": "demo", "key_prefix": "pgi_7d41e09a", "created_at": 1764097200000 }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedIntegration {
    /// The secret: `pgi_` and 40 hex digits. Shown only in this answer.
    pub key: String,
    /// Everything else about the integration.
    #[serde(flatten)]
    pub info: Integration,
}

/// `GET /analytics/integrations`.
///
/// ```json
/// { "integrations": [] }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntegrationList {
    /// Newest first, revoked ones included.
    pub integrations: Vec<Integration>,
}

fn check_pages(pages: &PageAccess, prefix: &str) -> Result<(), Invalid> {
    match pages {
        PageAccess::Default => Ok(()),
        PageAccess::Pages(list) => {
            check_marketing_pages(list).map_err(|reason| invalid(prefix, "pages", reason))
        }
    }
}

impl Validate for NewMarketingKey {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        name(prefix, "name", self.name.trim(), MAX_KEY_NAME_LEN)?;
        check_pages(&self.pages, prefix)
    }
}

impl Validate for MarketingKeyUpdate {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        if let Some(n) = &self.name {
            name(prefix, "name", n.trim(), MAX_KEY_NAME_LEN)?;
        }
        if let Some(pages) = &self.pages {
            check_pages(pages, prefix)?;
        }
        Ok(())
    }
}

impl Validate for NewIntegration {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        name(prefix, "name", self.name.trim(), MAX_KEY_NAME_LEN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DashboardPage;

    #[test]
    fn new_keys_are_checked() {
        let ok: NewMarketingKey = serde_json::from_str(r#"{"name":"Agency"}"#).unwrap();
        assert_eq!(ok.pages, PageAccess::Default);
        assert_eq!(ok.validate(), Ok(()));
        let blank = NewMarketingKey { name: "  ".into(), pages: PageAccess::Default };
        assert_eq!(blank.validate().unwrap_err().field, "name");
        let admin = NewMarketingKey {
            name: "x".into(),
            pages: PageAccess::Pages(vec![DashboardPage::Sites]),
        };
        assert_eq!(admin.validate().unwrap_err().field, "pages");
        assert!(serde_json::from_str::<NewMarketingKey>(r#"{"name":"x","role":"admin"}"#).is_err());
    }

    #[test]
    fn updates_check_what_they_change() {
        assert_eq!(MarketingKeyUpdate::default().validate(), Ok(()));
        let update: MarketingKeyUpdate = serde_json::from_str(r#"{"pages":["keys"]}"#).unwrap();
        assert_eq!(update.validate().unwrap_err().field, "pages");
    }
}
