//! `BlockedIPs`, `WhitelistedIPs` and `TestingLeads` rows for the admin API: pure [`Query`]
//! builders. A single address is stored as its salted hash only; a range as its first and last
//! address (32 hex digits), as `net::ip` computes them and the rate limiter matches them.

use pulsegate_schema::UnixMillis;
use serde::Deserialize;

use crate::sql::Query;

/// Which IP list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IpList {
    Blocked,
    Whitelisted,
}

impl IpList {
    pub(crate) fn table(self) -> &'static str {
        match self {
            Self::Blocked => "BlockedIPs",
            Self::Whitelisted => "WhitelistedIPs",
        }
    }
}

/// One address (its hash) or one range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Matcher {
    IpHash(String),
    Range { cidr: String, start: String, end: String },
}

/// A row of either list.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct IpRow {
    pub(crate) id: u64,
    pub(crate) ip_hash: Option<String>,
    pub(crate) cidr: Option<String>,
    pub(crate) reason: Option<String>,
    pub(crate) created_at: UnixMillis,
}

pub(crate) fn list_ips(list: IpList) -> Query {
    Query::new(
        format!("SELECT Id, IpHash, Cidr, Reason, CreatedAt FROM {} ORDER BY Id", list.table()),
        vec![],
    )
}

/// Adds an entry and reads it back.
pub(crate) fn add_ip(list: IpList, m: &Matcher, reason: Option<&str>, now: UnixMillis) -> Query {
    let (hash, cidr, start, end) = match m {
        Matcher::IpHash(h) => (Some(h.as_str()), None, None, None),
        Matcher::Range { cidr, start, end } => {
            (None, Some(cidr.as_str()), Some(start.as_str()), Some(end.as_str()))
        }
    };
    Query::new(
        format!(
            "INSERT INTO {} (IpHash, Cidr, RangeStart, RangeEnd, Reason, CreatedAt) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
             RETURNING Id, IpHash, Cidr, Reason, CreatedAt",
            list.table()
        ),
        vec![hash.into(), cidr.into(), start.into(), end.into(), reason.into(), now.into()],
    )
}

/// Removes an entry, returning it.
pub(crate) fn remove_ip(list: IpList, id: u64) -> Query {
    Query::new(
        format!(
            "DELETE FROM {} WHERE Id = ?1 RETURNING Id, IpHash, Cidr, Reason, CreatedAt",
            list.table()
        ),
        vec![id.into()],
    )
}

/// What a testing rule matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TestMatcher {
    Email(String),
    Domain(String),
    Ip(Matcher),
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RuleRow {
    pub(crate) id: u64,
    pub(crate) email: Option<String>,
    pub(crate) email_domain: Option<String>,
    pub(crate) ip_hash: Option<String>,
    pub(crate) cidr: Option<String>,
    pub(crate) reason: Option<String>,
    pub(crate) created_at: UnixMillis,
}

const RULE_COLUMNS: &str = "Id, Email, EmailDomain, IpHash, Cidr, Reason, CreatedAt";

pub(crate) fn list_rules() -> Query {
    Query::new(format!("SELECT {RULE_COLUMNS} FROM TestingLeads ORDER BY Id"), vec![])
}

/// Adds a rule (emails and domains lower-case) and reads it back.
pub(crate) fn add_rule(m: &TestMatcher, reason: Option<&str>, now: UnixMillis) -> Query {
    let (mut email, mut domain, mut hash, mut cidr, mut start, mut end) =
        (None, None, None, None, None, None);
    match m {
        TestMatcher::Email(e) => email = Some(e.trim().to_lowercase()),
        TestMatcher::Domain(d) => domain = Some(d.trim().to_lowercase()),
        TestMatcher::Ip(Matcher::IpHash(h)) => hash = Some(h.clone()),
        TestMatcher::Ip(Matcher::Range { cidr: c, start: s, end: e }) => {
            (cidr, start, end) = (Some(c.clone()), Some(s.clone()), Some(e.clone()));
        }
    }
    Query::new(
        format!(
            "INSERT INTO TestingLeads (Email, EmailDomain, IpHash, Cidr, RangeStart, RangeEnd, Reason, CreatedAt) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING {RULE_COLUMNS}"
        ),
        vec![
            email.into(),
            domain.into(),
            hash.into(),
            cidr.into(),
            start.into(),
            end.into(),
            reason.into(),
            now.into(),
        ],
    )
}

pub(crate) fn remove_rule(id: u64) -> Query {
    Query::new(
        format!("DELETE FROM TestingLeads WHERE Id = ?1 RETURNING {RULE_COLUMNS}"),
        vec![id.into()],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::native_tests::{migrated, rows_json};

    #[test]
    fn entries_round_trip_and_ranges_match_like_the_rate_limiter() {
        let db = migrated();
        let (start, end) = crate::net::ip::cidr_range("203.0.113.0/24").unwrap();
        let range = Matcher::Range { cidr: "203.0.113.0/24".into(), start, end };
        let added = rows_json(&db, &add_ip(IpList::Blocked, &range, Some("scraper"), 5));
        assert_eq!(added[0]["Cidr"], "203.0.113.0/24");
        rows_json(&db, &add_ip(IpList::Whitelisted, &Matcher::IpHash("h".into()), None, 6));
        let inside = crate::net::ip::to_hex("203.0.113.77").unwrap();
        let hit = rows_json(
            &db,
            &Query::new(
                "SELECT count(*) AS n FROM BlockedIPs WHERE RangeStart <= ?1 AND RangeEnd >= ?1",
                vec![inside.into()],
            ),
        );
        assert_eq!(hit[0]["n"], 1);
        assert_eq!(rows_json(&db, &list_ips(IpList::Whitelisted))[0]["IpHash"], "h");
        assert_eq!(rows_json(&db, &remove_ip(IpList::Blocked, 1)).len(), 1);
        assert!(rows_json(&db, &remove_ip(IpList::Blocked, 1)).is_empty());

        let rule =
            rows_json(&db, &add_rule(&TestMatcher::Domain(" Example.TEST ".into()), None, 7));
        assert_eq!(rule[0]["EmailDomain"], "example.test");
        let rules: Vec<RuleRow> = rows_json(&db, &list_rules())
            .into_iter()
            .map(|v| serde_json::from_value(v).unwrap())
            .collect();
        assert_eq!(rules.len(), 1);
        assert_eq!(rows_json(&db, &remove_rule(rules[0].id)).len(), 1);
    }
}
