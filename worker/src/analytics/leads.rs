//! The lead list and a lead's detail (spec `leadAnalyticsService`): parameters, SQL (pure, run
//! natively in the tests below) and the shaping of D1's rows into the schema's bodies.

use pulsegate_schema::lead::LeadSubmission;
use pulsegate_schema::{
    CrmActivity, LeadSubmissionRecord, LeadSummary, SessionId, SiteKey, UnixMillis,
};
use serde::Deserialize;

use super::params::{TimeArg, parse_time};
use super::shape;
use crate::error::ApiError;
use crate::http::unknown_param;
use crate::reply::Csv;
use crate::sql::Query;
use crate::store::r2_keys::MS_PER_DAY;

/// Most leads (or set-aside submissions) one page lists.
pub(crate) const MAX_LIMIT: u32 = 200;
/// Linked sessions a detail shows.
pub(crate) const MAX_SESSIONS: u32 = 10;

/// Which test leads a list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Tests {
    #[default]
    Exclude,
    Include,
    Only,
}

/// The list's filters, parsed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Filters {
    pub(crate) site: Option<String>,
    pub(crate) form: Option<String>,
    pub(crate) from: Option<UnixMillis>,
    pub(crate) to: Option<UnixMillis>,
    pub(crate) email: Option<String>,
    pub(crate) source: Option<&'static str>,
    pub(crate) crm: Option<bool>,
    pub(crate) tests: Tests,
    pub(crate) min_engagement: Option<u32>,
    pub(crate) max_engagement: Option<u32>,
    pub(crate) min_suspicion: Option<u32>,
    pub(crate) max_suspicion: Option<u32>,
    pub(crate) reason: Option<&'static str>,
    pub(crate) limit: u32,
    /// `(created_at, row id)` of the last row shown.
    pub(crate) cursor: Option<(UnixMillis, u64)>,
}

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::InvalidField { field: field.to_owned(), message: message.into() }
}

fn score(field: &str, v: &str) -> Result<u32, ApiError> {
    v.parse::<u32>()
        .ok()
        .filter(|n| *n <= 100)
        .ok_or_else(|| invalid(field, "must be a whole number from 0 to 100"))
}

/// A date's first ms (UTC) for `from`, the next day's for `to` (so `to` includes the day).
fn instant(field: &str, v: &str, end: bool) -> Result<UnixMillis, ApiError> {
    Ok(match parse_time(field, v)? {
        TimeArg::Instant(t) => t,
        TimeArg::Date(d) => {
            let days = u64::try_from(d.to_days()).map_err(|_| invalid(field, "is before 1970"))?;
            (days + u64::from(end)) * MS_PER_DAY
        }
    })
}

/// Parses the list's query; `allowed` names the parameters of this list (a typo is an error).
pub(crate) fn parse(pairs: &[(String, String)], allowed: &[&str]) -> Result<Filters, ApiError> {
    let mut f = Filters { limit: 50, ..Filters::default() };
    for (i, (name, v)) in pairs.iter().enumerate() {
        if !allowed.contains(&name.as_str()) && name != "format" {
            let takes: Vec<&str> = allowed.iter().copied().chain(["format"]).collect();
            return Err(unknown_param(name, &takes));
        }
        if pairs[..i].iter().any(|(n, _)| n == name) {
            return Err(invalid(name, "is given twice"));
        }
        match name.as_str() {
            "site" => {
                SiteKey::parse(v).map_err(|e| invalid("site", e.to_string()))?;
                f.site = Some(v.clone());
            }
            "form" => {
                if !pulsegate_schema::is_form_id(v) {
                    return Err(invalid("form", "must be a form id"));
                }
                f.form = Some(v.clone());
            }
            "from" => f.from = Some(instant("from", v, false)?),
            "to" => f.to = Some(instant("to", v, true)?),
            "email" => {
                if v.is_empty() || v.len() > 254 {
                    return Err(invalid("email", "must be an email address"));
                }
                f.email = Some(v.trim().to_lowercase());
            }
            "source" => {
                f.source = Some(match v.as_str() {
                    "form" => "form",
                    "api" => "api",
                    _ => return Err(invalid("source", "must be form or api")),
                });
            }
            "crm" => {
                f.crm = Some(match v.as_str() {
                    "linked" => true,
                    "unlinked" => false,
                    _ => return Err(invalid("crm", "must be linked or unlinked")),
                });
            }
            "test" => {
                f.tests = match v.as_str() {
                    "exclude" => Tests::Exclude,
                    "include" => Tests::Include,
                    "only" => Tests::Only,
                    _ => return Err(invalid("test", "must be exclude, include or only")),
                };
            }
            "reason" => {
                f.reason = Some(match v.as_str() {
                    "blocked_ip" => "blocked_ip",
                    "honeypot" => "honeypot",
                    "too_fast" => "too_fast",
                    _ => return Err(invalid("reason", "must be blocked_ip, honeypot or too_fast")),
                });
            }
            "min_engagement" => f.min_engagement = Some(score(name, v)?),
            "max_engagement" => f.max_engagement = Some(score(name, v)?),
            "min_suspicion" => f.min_suspicion = Some(score(name, v)?),
            "max_suspicion" => f.max_suspicion = Some(score(name, v)?),
            "limit" => {
                f.limit = v
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| invalid("limit", format!("must be 1 to {MAX_LIMIT}")))?;
            }
            "cursor" => f.cursor = Some(parse_cursor(v)?),
            _ => {}
        }
    }
    if let (Some(from), Some(to)) = (f.from, f.to)
        && from >= to
    {
        return Err(invalid("from", "must be before to"));
    }
    Ok(f)
}

/// `{created_at}.{row id}` of the last row shown.
pub(crate) fn format_cursor(created_at: UnixMillis, id: u64) -> String {
    format!("{created_at}.{id}")
}

fn parse_cursor(v: &str) -> Result<(UnixMillis, u64), ApiError> {
    let bad = || invalid("cursor", "must be a next_cursor from an earlier answer");
    let (t, id) = v.split_once('.').ok_or_else(bad)?;
    Ok((t.parse().map_err(|_| bad())?, id.parse().map_err(|_| bad())?))
}

const LEAD_COLUMNS: &str = "l.Id AS row_id, l.PublicId AS id, l.SiteKey AS site_key, l.FormId AS form_id, \
    l.Email AS email, l.Phone AS phone, l.Name AS name, l.CreatedAt AS created_at, l.UpdatedAt AS updated_at, \
    l.SubmissionCount AS submission_count, l.Source AS source, l.SessionId AS session_id, \
    l.EngagementScore AS engagement_score, l.SuspicionScore AS suspicion_score, l.CrmLeadId AS crm_lead_id, \
    l.Country AS country, l.IsTest AS is_test";

/// A page of leads, newest first; one row more than `limit` tells whether another page follows.
pub(crate) fn list(f: &Filters) -> Query {
    let mut q = Query::new("", vec![]);
    let mut w = vec!["1 = 1".to_owned()];
    if let Some(site) = &f.site {
        w.push(format!("l.SiteKey = {}", q.bind(site.as_str())));
    }
    if let Some(form) = &f.form {
        w.push(format!("l.FormId = {}", q.bind(form.as_str())));
    }
    if let Some(from) = f.from {
        w.push(format!("l.CreatedAt >= {}", q.bind(from)));
    }
    if let Some(to) = f.to {
        w.push(format!("l.CreatedAt < {}", q.bind(to)));
    }
    if let Some(email) = &f.email {
        w.push(format!("l.IdentityKey = {}", q.bind(format!("email:{email}"))));
    }
    if let Some(source) = f.source {
        w.push(format!("l.Source = {}", q.bind(source)));
    }
    match f.crm {
        Some(true) => w.push("l.CrmLeadId IS NOT NULL".to_owned()),
        Some(false) => w.push("l.CrmLeadId IS NULL".to_owned()),
        None => {}
    }
    match f.tests {
        Tests::Exclude => w.push("l.IsTest = 0".to_owned()),
        Tests::Only => w.push("l.IsTest = 1".to_owned()),
        Tests::Include => {}
    }
    for (value, clause) in [
        (f.min_engagement, "l.EngagementScore >="),
        (f.max_engagement, "l.EngagementScore <="),
        (f.min_suspicion, "l.SuspicionScore >="),
        (f.max_suspicion, "l.SuspicionScore <="),
    ] {
        if let Some(v) = value {
            w.push(format!("{clause} {}", q.bind(v)));
        }
    }
    if let Some((t, id)) = f.cursor {
        let (t, id) = (q.bind(t), q.bind(id));
        w.push(format!("(l.CreatedAt < {t} OR (l.CreatedAt = {t} AND l.Id < {id}))"));
    }
    let limit = q.bind(f.limit + 1);
    q.sql = format!(
        "SELECT {LEAD_COLUMNS} FROM Leads l WHERE {} ORDER BY l.CreatedAt DESC, l.Id DESC LIMIT {limit}",
        w.join(" AND ")
    );
    q
}

/// A lead as listed.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct LeadRow {
    pub(crate) row_id: u64,
    pub(crate) id: String,
    pub(crate) site_key: String,
    pub(crate) form_id: String,
    pub(crate) email: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) created_at: UnixMillis,
    pub(crate) updated_at: UnixMillis,
    pub(crate) submission_count: u64,
    pub(crate) source: String,
    pub(crate) session_id: Option<String>,
    pub(crate) engagement_score: u32,
    pub(crate) suspicion_score: u32,
    pub(crate) crm_lead_id: Option<String>,
    pub(crate) country: Option<String>,
    pub(crate) is_test: u8,
}

/// The CRM link from AppSettings' template (`{CrmLeadId}` replaced, percent-encoded).
pub(crate) fn crm_url(template: Option<&str>, crm_lead_id: Option<&str>) -> Option<String> {
    let (template, id) = (template?, crm_lead_id?);
    let encoded: String = form_urlencoded::byte_serialize(id.as_bytes()).collect();
    Some(template.replace("{CrmLeadId}", &encoded))
}

pub(crate) fn summary(r: LeadRow, crm_template: Option<&str>) -> Result<LeadSummary, ApiError> {
    Ok(LeadSummary {
        crm_url: crm_url(crm_template, r.crm_lead_id.as_deref()),
        id: r.id,
        site_key: SiteKey::parse(&r.site_key)
            .map_err(|_| ApiError::storage("decode Leads.SiteKey", &r.site_key))?,
        form_id: r.form_id,
        email: r.email,
        phone: r.phone,
        name: r.name,
        created_at: r.created_at,
        updated_at: r.updated_at,
        submission_count: r.submission_count,
        source: r.source,
        session_id: r.session_id.as_deref().and_then(|s| s.parse().ok()).map(SessionId),
        engagement_score: r.engagement_score,
        suspicion_score: r.suspicion_score,
        crm_lead_id: r.crm_lead_id,
        country: r.country,
        is_test: r.is_test != 0,
    })
}

/// The CSV of a lead list (the same rows as the JSON).
pub(crate) fn csv(leads: &[LeadSummary]) -> Csv {
    let mut csv = Csv::new(
        "leads",
        &[
            "id",
            "site_key",
            "form_id",
            "email",
            "phone",
            "name",
            "created_at",
            "updated_at",
            "submission_count",
            "source",
            "session_id",
            "engagement_score",
            "suspicion_score",
            "crm_lead_id",
            "crm_url",
            "country",
            "is_test",
        ],
    );
    let text = |v: Option<&str>| v.unwrap_or_default().to_owned();
    for l in leads {
        csv.row(vec![
            l.id.clone(),
            l.site_key.as_str().to_owned(),
            l.form_id.clone(),
            text(l.email.as_deref()),
            text(l.phone.as_deref()),
            text(l.name.as_deref()),
            l.created_at.to_string(),
            l.updated_at.to_string(),
            l.submission_count.to_string(),
            l.source.clone(),
            l.session_id.map(|s| s.to_string()).unwrap_or_default(),
            l.engagement_score.to_string(),
            l.suspicion_score.to_string(),
            text(l.crm_lead_id.as_deref()),
            text(l.crm_url.as_deref()),
            text(l.country.as_deref()),
            l.is_test.to_string(),
        ]);
    }
    csv
}

// ---- detail ---------------------------------------------------------------------------------

const LEAD_OF: &str = "(SELECT Id FROM Leads WHERE PublicId = ?1)";

/// A lead's row, submissions, CRM activity, webhook messages and their attempts, and linked
/// sessions (one batch).
pub(crate) fn detail(public_id: &str) -> Vec<Query> {
    let id = || vec![public_id.into()];
    vec![
        Query::new(format!("SELECT {LEAD_COLUMNS} FROM Leads l WHERE l.PublicId = ?1"), id()),
        Query::new(
            format!(
                "SELECT PublicId AS id, FormId AS form_id, CreatedAt AS created_at, Source AS source, \
                   SessionId AS session_id, EngagementScore AS engagement_score, EngagementReasons AS engagement_reasons, \
                   SuspicionScore AS suspicion_score, SuspicionReasons AS suspicion_reasons, FillMs AS fill_ms, \
                   IsTest AS is_test, TestReason AS test_reason, PayloadJson AS payload_json \
                 FROM LeadSubmissions WHERE LeadId = {LEAD_OF} ORDER BY CreatedAt DESC, Id DESC"
            ),
            id(),
        ),
        Query::new(
            format!(
                "SELECT Id AS id, ReceivedAt AS received_at, Event AS event, Status AS status, CrmLeadId AS crm_lead_id, \
                   EventId AS event_id, OccurredAt AS occurred_at, PayloadJson AS payload_json \
                 FROM LeadCrmActivity WHERE LeadId = {LEAD_OF} ORDER BY ReceivedAt DESC, Id DESC"
            ),
            id(),
        ),
        crate::store::outbox::of_lead(LEAD_OF, public_id),
        Query::new(
            format!(
                "SELECT MessageId AS message_id, At AS at, Status AS status, Ms AS ms, Error AS error \
                 FROM WebhookAttempts WHERE MessageId IN ( \
                   SELECT MessageId FROM MakeWebhookSends WHERE LeadId = {LEAD_OF} \
                   UNION SELECT MessageId FROM WebhookOutbox WHERE LeadId = {LEAD_OF} \
                   UNION SELECT MessageId FROM WebhookDeadLetters WHERE LeadId = {LEAD_OF}) ORDER BY At, Id"
            ),
            id(),
        ),
        Query::new(
            format!(
                "SELECT {} FROM sessions WHERE id IN (SELECT SessionId FROM LeadSubmissions WHERE LeadId = {LEAD_OF} AND SessionId IS NOT NULL) \
                   OR (visitor_id IS NOT NULL AND visitor_id IN \
                       (SELECT VisitorId FROM LeadSubmissions WHERE LeadId = {LEAD_OF} AND VisitorId IS NOT NULL)) \
                 ORDER BY started_at DESC LIMIT {MAX_SESSIONS}",
                super::sql::RECORD_COLUMNS
            ),
            id(),
        ),
        Query::new(
            format!(
                "SELECT DISTINCT SessionId AS id FROM LeadSubmissions WHERE LeadId = {LEAD_OF} AND SessionId IS NOT NULL"
            ),
            id(),
        ),
    ]
}

/// The pages and custom-event totals of the sessions named in a JSON array (second batch).
pub(crate) fn session_rollups(ids_json: &str) -> [Query; 2] {
    [
        Query::new(
            "SELECT session_id, path, views FROM session_pages WHERE session_id IN (SELECT value FROM json_each(?1)) \
             ORDER BY views DESC, path",
            vec![ids_json.into()],
        ),
        Query::new(
            "SELECT session_id, name, count FROM session_events WHERE prop_key = '' \
             AND session_id IN (SELECT value FROM json_each(?1)) ORDER BY count DESC, name",
            vec![ids_json.into()],
        ),
    ]
}

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct SubmissionRow {
    pub(crate) id: String,
    pub(crate) form_id: String,
    pub(crate) created_at: UnixMillis,
    pub(crate) source: String,
    pub(crate) session_id: Option<String>,
    pub(crate) engagement_score: u32,
    pub(crate) engagement_reasons: Option<String>,
    pub(crate) suspicion_score: u32,
    pub(crate) suspicion_reasons: Option<String>,
    pub(crate) fill_ms: Option<u64>,
    pub(crate) is_test: u8,
    pub(crate) test_reason: Option<String>,
    pub(crate) payload_json: String,
}

pub(crate) fn submission(r: SubmissionRow) -> Result<LeadSubmissionRecord, ApiError> {
    let payload: LeadSubmission = serde_json::from_str(&r.payload_json)
        .map_err(|e| ApiError::storage("decode LeadSubmissions.PayloadJson", e))?;
    Ok(LeadSubmissionRecord {
        id: r.id,
        form_id: r.form_id,
        created_at: r.created_at,
        source: r.source,
        session_id: r.session_id.as_deref().and_then(|s| s.parse().ok()).map(SessionId),
        engagement_score: r.engagement_score,
        engagement_reasons: shape::reasons(r.engagement_reasons.as_deref()),
        suspicion_score: r.suspicion_score,
        suspicion_reasons: shape::reasons(r.suspicion_reasons.as_deref()),
        fill_ms: r.fill_ms,
        is_test: r.is_test != 0,
        test_reason: r.test_reason,
        payload,
    })
}

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct ActivityRow {
    pub(crate) id: u64,
    pub(crate) received_at: UnixMillis,
    pub(crate) event: String,
    pub(crate) status: Option<String>,
    pub(crate) crm_lead_id: Option<String>,
    pub(crate) event_id: Option<String>,
    pub(crate) occurred_at: Option<UnixMillis>,
    pub(crate) payload_json: String,
}

pub(crate) fn activity(r: ActivityRow) -> CrmActivity {
    let data = serde_json::from_str::<pulsegate_schema::lead::CrmActivityEvent>(&r.payload_json)
        .ok()
        .and_then(|e| e.data);
    CrmActivity {
        id: r.id,
        received_at: r.received_at,
        event: r.event,
        status: r.status,
        crm_lead_id: r.crm_lead_id,
        event_id: r.event_id,
        occurred_at: r.occurred_at,
        data,
    }
}

/// A set-aside submission as listed.
pub(crate) fn blocked_list(f: &Filters) -> Query {
    let mut q = Query::new("", vec![]);
    let mut w = vec!["1 = 1".to_owned()];
    if let Some(site) = &f.site {
        w.push(format!("SiteKey = {}", q.bind(site.as_str())));
    }
    if let Some(reason) = f.reason {
        w.push(format!("Reason = {}", q.bind(reason)));
    }
    if let Some((t, id)) = f.cursor {
        let (t, id) = (q.bind(t), q.bind(id));
        w.push(format!("(CreatedAt < {t} OR (CreatedAt = {t} AND Id < {id}))"));
    }
    let limit = q.bind(f.limit + 1);
    q.sql = format!(
        "SELECT Id AS row_id, PublicId AS id, SiteKey AS site_key, FormId AS form_id, Reason AS reason, \
           CreatedAt AS created_at, Country AS country, PayloadJson AS payload_json \
         FROM BlockedIPLeads WHERE {} ORDER BY CreatedAt DESC, Id DESC LIMIT {limit}",
        w.join(" AND ")
    );
    q
}

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct BlockedRow {
    pub(crate) row_id: u64,
    pub(crate) id: String,
    pub(crate) site_key: String,
    pub(crate) form_id: String,
    pub(crate) reason: String,
    pub(crate) created_at: UnixMillis,
    pub(crate) country: Option<String>,
    pub(crate) payload_json: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::native_tests::{migrated, plan, rows_json};

    fn pairs(q: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(q.as_bytes()).into_owned().collect()
    }

    // The parameters the route accepts, so the tests parse what ships.
    use crate::routes::leads::LIST_PARAMS as ALL;

    #[test]
    fn parameters_are_checked_and_named() {
        let f = parse(
            &pairs("site=demo&from=2025-11-01&to=2025-11-30&test=only&crm=linked&limit=5"),
            ALL,
        )
        .unwrap();
        assert_eq!(f.from, Some(1_761_955_200_000));
        assert_eq!(f.to, Some(1_764_547_200_000), "the to date is included");
        assert_eq!((f.tests, f.crm, f.limit), (Tests::Only, Some(true), 5));
        for (q, field) in [
            ("limit=0", "limit"),
            ("limit=201", "limit"),
            ("test=maybe", "test"),
            ("crm=yes", "crm"),
            ("min_engagement=101", "min_engagement"),
            ("cursor=x", "cursor"),
            ("from=2025-11-02&to=2025-11-01", "from"),
            ("site=a%20b", "site"),
            ("sort=asc", "sort"),
            ("site=a&site=b", "site"),
        ] {
            match parse(&pairs(q), ALL) {
                Err(ApiError::InvalidField { field: f, .. }) => assert_eq!(f, field, "{q}"),
                other => panic!("{q}: {other:?}"),
            }
        }
        assert_eq!(
            parse(&pairs("email=Jane@Example.com"), ALL).unwrap().email.as_deref(),
            Some("jane@example.com")
        );
    }

    #[test]
    fn crm_links_are_encoded() {
        assert_eq!(
            crm_url(Some("https://crm.example/l/{CrmLeadId}"), Some("a b/c")).as_deref(),
            Some("https://crm.example/l/a+b%2Fc")
        );
        assert_eq!(crm_url(None, Some("1")), None);
        assert_eq!(crm_url(Some("https://x/{CrmLeadId}"), None), None);
    }

    fn seed(db: &rusqlite::Connection) {
        db.execute_batch(
            "INSERT INTO Leads (PublicId, SiteKey, IdentityKey, FormId, Email, Source, IsTest, EngagementScore, CrmLeadId, CreatedAt, UpdatedAt) VALUES
               ('ld_a', 'demo', 'email:a@x.co', 'f', 'a@x.co', 'form', 0, 10, NULL, 100, 100),
               ('ld_b', 'demo', 'email:b@x.co', 'f', 'b@x.co', 'api', 0, 90, 'crm-1', 200, 200),
               ('ld_c', 'demo', 'email:c@x.co', 'g', 'c@x.co', 'form', 1, 50, NULL, 200, 300),
               ('ld_d', 'other', 'email:d@x.co', 'f', 'd@x.co', 'form', 0, 70, NULL, 400, 400);",
        )
        .unwrap();
    }

    fn ids(db: &rusqlite::Connection, f: &Filters) -> Vec<String> {
        rows_json(db, &list(f)).into_iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect()
    }

    #[test]
    fn filters_and_pages_cover_every_match_once() {
        let db = migrated();
        seed(&db);
        let all = Filters { limit: 50, tests: Tests::Include, ..Filters::default() };
        assert_eq!(ids(&db, &all), ["ld_d", "ld_c", "ld_b", "ld_a"]);
        let base = Filters { limit: 50, ..Filters::default() };
        assert_eq!(ids(&db, &base), ["ld_d", "ld_b", "ld_a"], "tests are left out by default");
        assert_eq!(ids(&db, &Filters { tests: Tests::Only, ..base.clone() }), ["ld_c"]);
        assert_eq!(
            ids(&db, &Filters { site: Some("demo".into()), ..base.clone() }),
            ["ld_b", "ld_a"]
        );
        assert_eq!(ids(&db, &Filters { crm: Some(true), ..base.clone() }), ["ld_b"]);
        assert_eq!(ids(&db, &Filters { source: Some("api"), ..base.clone() }), ["ld_b"]);
        assert_eq!(ids(&db, &Filters { email: Some("a@x.co".into()), ..base.clone() }), ["ld_a"]);
        assert_eq!(
            ids(&db, &Filters { min_engagement: Some(60), ..base.clone() }),
            ["ld_d", "ld_b"]
        );
        assert_eq!(ids(&db, &Filters { from: Some(150), to: Some(400), ..base.clone() }), ["ld_b"]);
        // Pages of one: a tie on created_at is broken by the row id.
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let rows = rows_json(
                &db,
                &list(&Filters { limit: 1, cursor, tests: Tests::Include, ..base.clone() }),
            );
            seen.push(rows[0]["id"].as_str().unwrap().to_owned());
            if rows.len() < 2 {
                break;
            }
            cursor = Some((
                rows[0]["created_at"].as_u64().unwrap(),
                rows[0]["row_id"].as_u64().unwrap(),
            ));
        }
        assert_eq!(seen, ["ld_d", "ld_c", "ld_b", "ld_a"]);
    }

    #[test]
    fn the_list_and_the_detail_use_indexes() {
        let db = migrated();
        for q in [
            list(&Filters { limit: 50, ..Filters::default() }),
            list(&Filters {
                limit: 50,
                site: Some("demo".into()),
                cursor: Some((5, 5)),
                ..Filters::default()
            }),
            list(&Filters { limit: 50, email: Some("a@x.co".into()), ..Filters::default() }),
            blocked_list(&Filters { limit: 50, ..Filters::default() }),
        ]
        .iter()
        .chain(detail("ld_a").iter())
        {
            // An index walk in order (`SCAN l USING INDEX …` under a LIMIT) is fine; reading a
            // whole table is not.
            let steps = plan(&db, q);
            let full = |s: &String| {
                s.starts_with("SCAN ") && !s.contains(" USING ") && !s.contains("(subquery")
            };
            assert!(!steps.iter().any(full), "{}\n{steps:#?}", q.sql);
        }
    }

    #[test]
    fn the_detail_reads_every_part() {
        let db = migrated();
        seed(&db);
        db.execute_batch(
            "INSERT INTO LeadSubmissions (PublicId, LeadId, SiteKey, FormId, IdempotencyKey, PayloadJson, Source, SessionId, VisitorId, CreatedAt)
               VALUES ('sub_1', 1, 'demo', 'f', 'k1', '{\"form_id\":\"f\",\"fields\":{}}', 'form', 's1', 'v1', 100);
             INSERT INTO sessions (id, site_key, started_at, received_at, last_seen_at, r2_prefix, landing_url, visitor_id) VALUES
               ('s1', 'demo', 90, 90, 90, 'p/', 'https://x/', 'v1'), ('s0', 'demo', 10, 10, 10, 'p/', 'https://x/', 'v1'),
               ('s9', 'demo', 10, 10, 10, 'p/', 'https://x/', 'v9');
             INSERT INTO LeadCrmActivity (LeadId, Event, PayloadJson, ReceivedAt) VALUES (1, 'won', '{\"event\":\"won\",\"data\":{\"amount\":5}}', 5);
             INSERT INTO MakeWebhookSends (MessageId, Kind, LeadId, Url, PayloadJson, Attempts, StatusCode, CreatedAt, SentAt)
               VALUES ('msg_1', 'lead.created', 1, 'u', '{}', 2, 200, 100, 160);
             INSERT INTO WebhookAttempts (MessageId, At, Status, Ms) VALUES ('msg_1', 100, 503, 3), ('msg_1', 160, 200, 4);",
        )
        .unwrap();
        let parts: Vec<Vec<serde_json::Value>> =
            detail("ld_a").iter().map(|q| rows_json(&db, q)).collect();
        assert_eq!(parts[0][0]["id"], "ld_a");
        let sub: SubmissionRow = serde_json::from_value(parts[1][0].clone()).unwrap();
        assert_eq!(
            submission(sub).unwrap().session_id.map(|s| s.to_string()),
            None,
            "s1 is not a UUID"
        );
        let act: ActivityRow = serde_json::from_value(parts[2][0].clone()).unwrap();
        assert_eq!(activity(act).data.unwrap().len(), 1);
        assert_eq!(parts[3].len(), 1);
        assert_eq!(parts[3][0]["state"], "delivered");
        assert_eq!(parts[4].len(), 2);
        let sessions: Vec<&str> = parts[5].iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(sessions, ["s1", "s0"], "its session, then its visitor's earlier one");
        assert_eq!(
            parts[6],
            vec![serde_json::json!({"id": "s1"})],
            "the one a submission came from"
        );
    }
}
