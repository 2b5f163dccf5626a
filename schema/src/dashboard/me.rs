//! `GET /analytics/me`: what the presented key may do, so a dashboard can draw its navigation.

use crate::prelude::*;

use serde::{Deserialize, Serialize};

use super::pages::{DashboardPage, Role};
use crate::{KeyId, SiteKey};

/// Any valid key may ask.
///
/// ```json
/// { "role": "marketing", "key": { "id": "9f0e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f", "name": "Agency dashboard" },
///   "pages": ["overview", "sources"], "pii_masked": true,
///   "sites": [ { "site_key": "demo", "name": "Brightside Solar", "timezone": "Europe/Berlin" } ] }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Me {
    /// Example: `"marketing"`.
    pub role: Role,
    /// The generated key used, if it is one (absent for the admin and legacy keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<KeyRef>,
    /// The pages this key may open. Example: `["overview", "sources"]`.
    pub pages: Vec<DashboardPage>,
    /// Whether emails and phone numbers are masked in what this key receives. Example: `true`.
    pub pii_masked: bool,
    /// The registered sites, for a site picker.
    pub sites: Vec<SiteSummary>,
}

/// A generated key's public handle.
///
/// ```json
/// { "id": "9f0e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f", "name": "Agency dashboard" }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyRef {
    /// Example: `"9f0e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f"`.
    pub id: KeyId,
    /// Example: `"Agency dashboard"`.
    pub name: String,
}

/// A site as a report picker needs it.
///
/// ```json
/// { "site_key": "demo", "name": "Brightside Solar", "timezone": "Europe/Berlin" }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSummary {
    /// Example: `"demo"`.
    pub site_key: SiteKey,
    /// Example: `"Brightside Solar"`.
    pub name: String,
    /// Example: `"Europe/Berlin"`.
    pub timezone: String,
}
