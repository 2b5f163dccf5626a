//! IP lists and testing rules (page `settings`, admin): `/analytics/ip-lists/blocked`,
//! `/analytics/ip-lists/whitelisted` and `/analytics/testing-leads`. A single address is stored
//! only as its salted hash (as `sessions.ip_hash`), a range as its first and last address.

use crate::prelude::*;

use serde::{Deserialize, Serialize};

use crate::UnixMillis;
use crate::validate::{Invalid, Validate, invalid, max_len};

/// Longest reason, in bytes.
pub(crate) const MAX_REASON_LEN: usize = 256;

/// `POST /analytics/ip-lists/{blocked|whitelisted}`: one address or one CIDR range. Blocked
/// addresses get `403` on `/track/*` and have their lead submissions set aside (with the usual
/// answer); whitelisted ones skip the rate limits.
///
/// ```json
/// { "cidr": "203.0.113.0/24", "reason": "scraper" }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewIpEntry {
    /// One address; only its salted hash is stored. Example: `"203.0.113.7"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// A range. Example: `"203.0.113.0/24"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    /// Example: `"scraper"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Validate for NewIpEntry {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        if self.ip.is_some() == self.cidr.is_some() {
            return Err(invalid(prefix, "ip", "give exactly one of ip and cidr"));
        }
        if let Some(reason) = &self.reason {
            max_len(prefix, "reason", reason, MAX_REASON_LEN)?;
        }
        Ok(())
    }
}

/// A stored list entry.
///
/// ```json
/// { "id": 3, "cidr": "203.0.113.0/24", "reason": "scraper", "created_at": 1764097200000 }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IpEntry {
    /// Example: `3`.
    pub id: u64,
    /// The salted hash of a single address. Example: `"7808d0823604dd7ab5a86eea64fd291071e734891f5fc6c474ece5098e049776"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_hash: Option<String>,
    /// Example: `"203.0.113.0/24"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    /// Example: `"scraper"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Example: `1764097200000`.
    pub created_at: UnixMillis,
}

/// `GET /analytics/ip-lists/{blocked|whitelisted}`.
///
/// ```json
/// { "entries": [ { "id": 3, "cidr": "203.0.113.0/24", "created_at": 1764097200000 } ] }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IpEntryList {
    /// Oldest first.
    pub entries: Vec<IpEntry>,
}

/// `POST /analytics/testing-leads`: a rule that marks matching leads as tests (stored, shown,
/// never sent to the CRM): an exact email, every email of a domain, one address or a range.
///
/// ```json
/// { "email_domain": "example.test", "reason": "QA mailboxes" }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTestingRule {
    /// Matched case-insensitively. Example: `"qa@example.com"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Matches every address `@` this domain. Example: `"example.test"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_domain: Option<String>,
    /// One address (only its salted hash is stored). Example: `"198.51.100.7"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// A range. Example: `"198.51.100.0/24"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    /// Example: `"QA mailboxes"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Validate for NewTestingRule {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        let given = [&self.email, &self.email_domain, &self.ip, &self.cidr]
            .iter()
            .filter(|v| v.is_some())
            .count();
        if given != 1 {
            return Err(invalid(
                prefix,
                "email",
                "give exactly one of email, email_domain, ip and cidr",
            ));
        }
        if let Some(email) = &self.email
            && !crate::lead::is_email(email.trim())
        {
            return Err(invalid(prefix, "email", "must be an email address"));
        }
        if let Some(domain) = &self.email_domain
            && !crate::lead::is_email(&format!("x@{}", domain.trim()))
        {
            return Err(invalid(prefix, "email_domain", "must be a domain such as example.test"));
        }
        if let Some(reason) = &self.reason {
            max_len(prefix, "reason", reason, MAX_REASON_LEN)?;
        }
        Ok(())
    }
}

/// A stored testing rule (`TestingLeads`).
///
/// ```json
/// { "id": 2, "email_domain": "example.test", "reason": "QA mailboxes", "created_at": 1764097200000 }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestingRule {
    /// Example: `2`.
    pub id: u64,
    /// Example: `"qa@example.com"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Example: `"example.test"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_domain: Option<String>,
    /// Example: `"5d41402abc4b2a76b9719d911017c592…"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_hash: Option<String>,
    /// Example: `"198.51.100.0/24"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    /// Example: `"QA mailboxes"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Example: `1764097200000`.
    pub created_at: UnixMillis,
}

/// `GET /analytics/testing-leads`.
///
/// ```json
/// { "rules": [ { "id": 2, "email_domain": "example.test", "created_at": 1764097200000 } ] }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestingRuleList {
    /// Oldest first.
    pub rules: Vec<TestingRule>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_one_matcher() {
        assert_eq!(NewIpEntry::default().validate().unwrap_err().field, "ip");
        let both = NewIpEntry {
            ip: Some("1.2.3.4".into()),
            cidr: Some("1.2.3.0/24".into()),
            reason: None,
        };
        assert_eq!(both.validate().unwrap_err().field, "ip");
        assert_eq!(NewTestingRule::default().validate().unwrap_err().field, "email");
        let rule = NewTestingRule { email: Some("qa".into()), ..NewTestingRule::default() };
        assert_eq!(rule.validate().unwrap_err().field, "email");
        let rule = NewTestingRule { email_domain: Some("@x".into()), ..NewTestingRule::default() };
        assert_eq!(rule.validate().unwrap_err().field, "email_domain");
        let rule = NewTestingRule {
            email_domain: Some("example.test".into()),
            ..NewTestingRule::default()
        };
        assert_eq!(rule.validate(), Ok(()));
    }
}
