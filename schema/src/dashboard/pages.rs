//! Dashboard pages and roles: what an API key may see.

use crate::prelude::*;

use core::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A page of the dashboard. Every protected endpoint belongs to exactly one page, and a marketing
/// key sees only the pages it is granted.
///
/// JSON: `"overview"`
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DashboardPage {
    /// Visitors, sessions, pageviews, bounce rate, durations, the time series, countries and
    /// devices.
    Overview,
    /// Top, entry and exit pages.
    Pages,
    /// Referrers and UTM campaigns.
    Sources,
    /// Custom events and their properties.
    Events,
    /// The sessions list and session detail.
    Sessions,
    /// Session replay.
    Replay,
    /// Captured leads.
    Leads,
    /// AppSettings (admin only).
    Settings,
    /// Marketing API keys and integration keys (admin only).
    Keys,
    /// Sites, their domains and forms (admin only).
    Sites,
}

impl DashboardPage {
    /// Every page, in dashboard order.
    pub const ALL: [Self; 10] = [
        Self::Overview,
        Self::Pages,
        Self::Sources,
        Self::Events,
        Self::Sessions,
        Self::Replay,
        Self::Leads,
        Self::Settings,
        Self::Keys,
        Self::Sites,
    ];

    /// The page as it appears on the wire, e.g. `"overview"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Overview => "overview",
            Self::Pages => "pages",
            Self::Sources => "sources",
            Self::Events => "events",
            Self::Sessions => "sessions",
            Self::Replay => "replay",
            Self::Leads => "leads",
            Self::Settings => "settings",
            Self::Keys => "keys",
            Self::Sites => "sites",
        }
    }

    /// Whether a marketing key may be granted this page. Settings, keys and sites administer the
    /// installation and stay with the admin key.
    pub fn grantable_to_marketing(self) -> bool {
        !matches!(self, Self::Settings | Self::Keys | Self::Sites)
    }
}

impl fmt::Display for DashboardPage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who an API key speaks for.
///
/// JSON: `"marketing"`
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The `ANALYTICS_API_KEY` secret: every page, every setting.
    Admin,
    /// A dashboard-generated key or the legacy `ANALYTICS_MARKETING_API_KEY`: only its visible
    /// pages, with emails and phone numbers masked when the setting says so.
    Marketing,
}

/// The pages a marketing key sees: the AppSettings default list, or its own.
///
/// JSON: `"default"` (follow `marketing_pages` in the settings) or `["overview", "sources"]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum PageAccess {
    /// Whatever AppSettings' `marketing_pages` says now.
    #[default]
    Default,
    /// Exactly these pages.
    Pages(Vec<DashboardPage>),
}

impl PageAccess {
    /// The pages this resolves to, given the settings' default list.
    pub fn resolve<'a>(&'a self, default: &'a [DashboardPage]) -> &'a [DashboardPage] {
        match self {
            Self::Default => default,
            Self::Pages(pages) => pages,
        }
    }
}

impl Serialize for PageAccess {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Default => s.serialize_str("default"),
            Self::Pages(pages) => pages.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for PageAccess {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Access;
        impl<'de> Visitor<'de> for Access {
            type Value = PageAccess;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"default\" or a list of dashboard pages")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PageAccess, E> {
                if v == "default" {
                    Ok(PageAccess::Default)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PageAccess, A::Error> {
                let mut pages = Vec::new();
                while let Some(page) = seq.next_element::<DashboardPage>()? {
                    pages.push(page);
                }
                Ok(PageAccess::Pages(pages))
            }
        }
        d.deserialize_any(Access)
    }
}

/// Checks a list of pages a marketing key is granted: no admin pages, no duplicates.
pub(crate) fn check_marketing_pages(pages: &[DashboardPage]) -> Result<(), String> {
    for (i, page) in pages.iter().enumerate() {
        if !page.grantable_to_marketing() {
            return Err(format!("\"{page}\" is an admin page and cannot be granted to marketing"));
        }
        if pages[..i].contains(page) {
            return Err(format!("\"{page}\" is listed twice"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_serialize_as_their_names() {
        for page in DashboardPage::ALL {
            assert_eq!(serde_json::to_value(page).unwrap(), page.as_str());
        }
    }

    #[test]
    fn page_access_reads_default_or_a_list() {
        assert_eq!(serde_json::from_str::<PageAccess>("\"default\"").unwrap(), PageAccess::Default);
        assert_eq!(
            serde_json::from_str::<PageAccess>("[\"overview\",\"events\"]").unwrap(),
            PageAccess::Pages(vec![DashboardPage::Overview, DashboardPage::Events])
        );
        assert!(serde_json::from_str::<PageAccess>("\"all\"").is_err());
        assert!(serde_json::from_str::<PageAccess>("[\"nope\"]").is_err());
        assert_eq!(serde_json::to_string(&PageAccess::Default).unwrap(), "\"default\"");
        assert_eq!(
            serde_json::to_string(&PageAccess::Pages(vec![DashboardPage::Sources])).unwrap(),
            "[\"sources\"]"
        );
    }

    #[test]
    fn admin_pages_cannot_be_granted() {
        assert!(check_marketing_pages(&[DashboardPage::Overview, DashboardPage::Leads]).is_ok());
        assert!(check_marketing_pages(&[DashboardPage::Settings]).is_err());
        assert!(check_marketing_pages(&[DashboardPage::Keys]).is_err());
        assert!(check_marketing_pages(&[DashboardPage::Sites]).is_err());
        assert!(check_marketing_pages(&[DashboardPage::Pages, DashboardPage::Pages]).is_err());
    }
}
