//! `/analytics/ip-lists/{blocked,whitelisted}` and `/analytics/testing-leads` (page `settings`,
//! admin): list, add and remove entries. A single address is hashed with `IP_HASH_SALT` before it
//! is stored (as `sessions.ip_hash` is), so it needs the salt; a range does not.

use pulsegate_schema::{
    IpEntry, IpEntryList, NewIpEntry, NewTestingRule, TestingRule, TestingRuleList,
};

use super::Call;
use crate::body;
use crate::error::ApiError;
use crate::ip_hash::ip_hash;
use crate::net::ip;
use crate::reply::Reply;
use crate::sanitize;
use crate::store::lists::{self, IpList, IpRow, Matcher, RuleRow, TestMatcher};
use crate::{bindings, http::capped};

const MAX_BODY: usize = 4 * 1024;

fn entry(r: IpRow) -> IpEntry {
    IpEntry {
        id: r.id,
        ip_hash: r.ip_hash,
        cidr: r.cidr,
        reason: r.reason,
        created_at: r.created_at,
    }
}

fn rule(r: RuleRow) -> TestingRule {
    TestingRule {
        id: r.id,
        email: r.email,
        email_domain: r.email_domain,
        ip_hash: r.ip_hash,
        cidr: r.cidr,
        reason: r.reason,
        created_at: r.created_at,
    }
}

/// An address (hashed with the salt) or a range, checked.
fn matcher(call: &Call<'_>, ip: Option<&str>, cidr: Option<&str>) -> Result<Matcher, ApiError> {
    if let Some(ip_text) = ip {
        if ip::to_hex(ip_text).is_none() {
            return Err(ApiError::InvalidField {
                field: "ip".to_owned(),
                message: format!("{} is not an IP address", capped(ip_text)),
            });
        }
        let salt = call.env.secret(bindings::IP_HASH_SALT).ok().map(|s| s.to_string());
        let hash = ip_hash(salt.as_deref(), Some(ip_text)).ok_or_else(|| ApiError::InvalidField {
            field: "ip".to_owned(),
            message: "needs the IP_HASH_SALT secret (addresses are stored only as salted hashes); give a cidr range instead".to_owned(),
        })?;
        return Ok(Matcher::IpHash(hash));
    }
    let cidr = cidr.unwrap_or_default().trim();
    let (start, end) = ip::cidr_range(cidr).ok_or_else(|| ApiError::InvalidField {
        field: "cidr".to_owned(),
        message: format!("{} is not a CIDR range such as 203.0.113.0/24", capped(cidr)),
    })?;
    Ok(Matcher::Range { cidr: cidr.to_owned(), start, end })
}

fn reason(r: Option<&String>) -> Option<String> {
    r.map(|r| {
        let mut r = r.trim().to_owned();
        sanitize::text(&mut r);
        r
    })
    .filter(|r| !r.is_empty())
}

fn id_param(call: &Call<'_>, what: &'static str) -> Result<u64, ApiError> {
    call.params
        .get(1)
        .or(call.params.first())
        .and_then(|p| p.parse().ok())
        .ok_or(ApiError::NoSuch { what })
}

pub(crate) async fn list_ips(call: &mut Call<'_>, list: IpList) -> Result<Reply, ApiError> {
    let rows: Vec<IpRow> = call.db.all("list IP list", &lists::list_ips(list)).await?;
    Reply::json(200, &IpEntryList { entries: rows.into_iter().map(entry).collect() })
}

pub(crate) async fn add_ip(call: &mut Call<'_>, list: IpList) -> Result<Reply, ApiError> {
    let new: NewIpEntry = body::read_json(&mut call.req, MAX_BODY).await?;
    let m = matcher(call, new.ip.as_deref(), new.cidr.as_deref())?;
    let reason = reason(new.reason.as_ref());
    let row: IpRow = call
        .db
        .first("add IP list entry", &lists::add_ip(list, &m, reason.as_deref(), call.now))
        .await?
        .ok_or_else(|| ApiError::storage("add IP list entry", "no row returned"))?;
    Reply::json(201, &entry(row))
}

pub(crate) async fn remove_ip(call: &mut Call<'_>, list: IpList) -> Result<Reply, ApiError> {
    let id = id_param(call, "IP list entry")?;
    let row: IpRow = call
        .db
        .first("remove IP list entry", &lists::remove_ip(list, id))
        .await?
        .ok_or(ApiError::NoSuch { what: "IP list entry" })?;
    Reply::json(200, &entry(row))
}

pub(crate) async fn list_rules(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let rows: Vec<RuleRow> = call.db.all("list TestingLeads", &lists::list_rules()).await?;
    Reply::json(200, &TestingRuleList { rules: rows.into_iter().map(rule).collect() })
}

pub(crate) async fn add_rule(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let new: NewTestingRule = body::read_json(&mut call.req, MAX_BODY).await?;
    let m = match (&new.email, &new.email_domain) {
        (Some(email), _) => TestMatcher::Email(email.clone()),
        (_, Some(domain)) => TestMatcher::Domain(domain.clone()),
        _ => TestMatcher::Ip(matcher(call, new.ip.as_deref(), new.cidr.as_deref())?),
    };
    let reason = reason(new.reason.as_ref());
    let row: RuleRow = call
        .db
        .first("add TestingLeads", &lists::add_rule(&m, reason.as_deref(), call.now))
        .await?
        .ok_or_else(|| ApiError::storage("add TestingLeads", "no row returned"))?;
    Reply::json(201, &rule(row))
}

pub(crate) async fn remove_rule(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let id = id_param(call, "testing rule")?;
    let row: RuleRow = call
        .db
        .first("remove TestingLeads", &lists::remove_rule(id))
        .await?
        .ok_or(ApiError::NoSuch { what: "testing rule" })?;
    Reply::json(200, &rule(row))
}
