//! `Sites` and `SiteDomains` in D1: registered site keys, their report time zone and allowed
//! domains.

use std::collections::BTreeMap;

use pulsegate_schema::{DomainPattern, NewSite, Site, SiteKey, SiteUpdate, UnixMillis};
use serde::Deserialize;

use crate::db::Db;
use crate::error::ApiError;
use crate::sql::Query;

/// The zone a site reports in unless told otherwise.
pub(crate) const DEFAULT_TIMEZONE: &str = "UTC";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SiteRow {
    site_key: String,
    name: String,
    time_zone: String,
    created_at: UnixMillis,
    updated_at: UnixMillis,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DomainRow {
    site_key: String,
    domain: String,
}

fn bad(what: &str) -> ApiError {
    ApiError::storage("decode Sites", what)
}

/// Joins site rows with their domain rows.
fn assemble(sites: Vec<SiteRow>, domains: Vec<DomainRow>) -> Result<Vec<Site>, ApiError> {
    let mut by_site: BTreeMap<String, Vec<DomainPattern>> = BTreeMap::new();
    for d in domains {
        let pattern = DomainPattern::parse(&d.domain).map_err(|_| bad("SiteDomains.Domain"))?;
        by_site.entry(d.site_key).or_default().push(pattern);
    }
    sites
        .into_iter()
        .map(|s| {
            Ok(Site {
                site_key: SiteKey::parse(&s.site_key).map_err(|_| bad("SiteKey"))?,
                domains: by_site.remove(&s.site_key).unwrap_or_default(),
                name: s.name,
                timezone: s.time_zone,
                created_at: s.created_at,
                updated_at: s.updated_at,
            })
        })
        .collect()
}

const SITE_COLUMNS: &str = "SiteKey, Name, TimeZone, CreatedAt, UpdatedAt";

/// Every site with its domains, by key.
pub(crate) async fn list(db: &Db) -> Result<Vec<Site>, ApiError> {
    let results = db
        .batch(
            "list Sites",
            &[
                Query::new(format!("SELECT {SITE_COLUMNS} FROM Sites ORDER BY SiteKey"), vec![]),
                Query::new(
                    "SELECT SiteKey, Domain FROM SiteDomains ORDER BY SiteKey, Domain",
                    vec![],
                ),
            ],
        )
        .await?;
    let (sites, domains) = match results.as_slice() {
        [s, d] => (
            crate::db::rows::<SiteRow>("Sites", s)?,
            crate::db::rows::<DomainRow>("SiteDomains", d)?,
        ),
        _ => {
            return Err(ApiError::storage(
                "list Sites",
                "batch returned the wrong number of results",
            ));
        }
    };
    assemble(sites, domains)
}

/// One site by key.
pub(crate) async fn get(db: &Db, site_key: &str) -> Result<Option<Site>, ApiError> {
    let results = db
        .batch(
            "get Sites",
            &[
                Query::new(
                    format!("SELECT {SITE_COLUMNS} FROM Sites WHERE SiteKey = ?1"),
                    vec![site_key.into()],
                ),
                Query::new(
                    "SELECT SiteKey, Domain FROM SiteDomains WHERE SiteKey = ?1 ORDER BY Domain",
                    vec![site_key.into()],
                ),
            ],
        )
        .await?;
    let (sites, domains) = match results.as_slice() {
        [s, d] => (
            crate::db::rows::<SiteRow>("Sites", s)?,
            crate::db::rows::<DomainRow>("SiteDomains", d)?,
        ),
        _ => {
            return Err(ApiError::storage(
                "get Sites",
                "batch returned the wrong number of results",
            ));
        }
    };
    Ok(assemble(sites, domains)?.into_iter().next())
}

/// The statements that write a site and replace its domains, in one transaction.
pub(crate) fn upsert_queries(
    site_key: &str,
    name: &str,
    timezone: &str,
    domains: &[DomainPattern],
    now: UnixMillis,
) -> Vec<Query> {
    let domains: Vec<&str> = domains.iter().map(DomainPattern::as_str).collect();
    let domains_json = serde_json::to_string(&domains).unwrap_or_else(|_| "[]".to_owned());
    vec![
        Query::new(
            "INSERT INTO Sites (SiteKey, Name, TimeZone, CreatedAt, UpdatedAt) VALUES (?1, ?2, ?3, ?4, ?4)
             ON CONFLICT (SiteKey) DO UPDATE SET Name = excluded.Name, TimeZone = excluded.TimeZone,
             UpdatedAt = excluded.UpdatedAt",
            vec![site_key.into(), name.into(), timezone.into(), now.into()],
        ),
        Query::new("DELETE FROM SiteDomains WHERE SiteKey = ?1", vec![site_key.into()]),
        // One statement for any number of domains (D1 allows 100 bound parameters per statement).
        Query::new(
            "INSERT INTO SiteDomains (SiteKey, Domain, CreatedAt) SELECT ?1, value, ?2 FROM json_each(?3)",
            vec![site_key.into(), now.into(), domains_json.into()],
        ),
    ]
}

/// Registers a new site; `409` when the key is taken.
pub(crate) async fn create(
    db: &Db,
    new: &NewSite,
    timezone: &str,
    now: UnixMillis,
) -> Result<Site, ApiError> {
    if get(db, new.site_key.as_str()).await?.is_some() {
        return Err(ApiError::Conflict(format!(
            "site {} exists already; PUT /analytics/sites/{} changes it",
            new.site_key.as_str(),
            new.site_key.as_str()
        )));
    }
    let queries =
        upsert_queries(new.site_key.as_str(), new.name.trim(), timezone, &new.domains, now);
    db.batch("insert Sites", &queries).await?;
    get(db, new.site_key.as_str())
        .await?
        .ok_or_else(|| ApiError::storage("insert Sites", "row missing after insert"))
}

/// Creates or replaces a site; the flag says whether it was created.
pub(crate) async fn put(
    db: &Db,
    site_key: &SiteKey,
    update: &SiteUpdate,
    timezone: &str,
    now: UnixMillis,
) -> Result<(Site, bool), ApiError> {
    let existed = get(db, site_key.as_str()).await?.is_some();
    let queries =
        upsert_queries(site_key.as_str(), update.name.trim(), timezone, &update.domains, now);
    db.batch("upsert Sites", &queries).await?;
    let site = get(db, site_key.as_str())
        .await?
        .ok_or_else(|| ApiError::storage("upsert Sites", "row missing after write"))?;
    Ok((site, !existed))
}

/// Deletes a site and its domains; `409` while forms or active integrations still name it.
pub(crate) async fn delete(db: &Db, site_key: &str) -> Result<Site, ApiError> {
    let site = get(db, site_key).await?.ok_or(ApiError::NoSuch { what: "site" })?;
    #[derive(Deserialize)]
    struct Uses {
        forms: u64,
        integrations: u64,
    }
    let uses: Option<Uses> = db
        .first(
            "count site uses",
            &Query::new(
                "SELECT (SELECT count(*) FROM Forms WHERE SiteKey = ?1) AS forms,
                        (SELECT count(*) FROM Integrations WHERE SiteKey = ?1 AND RevokedAt IS NULL) AS integrations",
                vec![site_key.into()],
            ),
        )
        .await?;
    if let Some(u) = uses.filter(|u| u.forms + u.integrations > 0) {
        return Err(ApiError::Conflict(format!(
            "site {site_key} still has {} form(s) and {} active integration(s); delete or revoke them first",
            u.forms, u.integrations
        )));
    }
    db.batch(
        "delete Sites",
        &[
            Query::new("DELETE FROM SiteDomains WHERE SiteKey = ?1", vec![site_key.into()]),
            Query::new(
                "UPDATE Integrations SET SiteKey = NULL WHERE SiteKey = ?1",
                vec![site_key.into()],
            ),
            Query::new("DELETE FROM Sites WHERE SiteKey = ?1", vec![site_key.into()]),
        ],
    )
    .await?;
    Ok(site)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_join_with_their_domains() {
        let sites = vec![
            SiteRow {
                site_key: "a".into(),
                name: "A".into(),
                time_zone: "UTC".into(),
                created_at: 1,
                updated_at: 2,
            },
            SiteRow {
                site_key: "b".into(),
                name: "B".into(),
                time_zone: "Europe/Berlin".into(),
                created_at: 3,
                updated_at: 3,
            },
        ];
        let domains = vec![
            DomainRow { site_key: "a".into(), domain: "a.example".into() },
            DomainRow { site_key: "a".into(), domain: "*.a.example".into() },
        ];
        let all = assemble(sites, domains).unwrap();
        assert_eq!(all[0].domains.len(), 2);
        assert!(all[1].domains.is_empty());
        assert_eq!(all[1].timezone, "Europe/Berlin");
    }

    #[test]
    fn domains_are_written_in_one_statement() {
        let many: Vec<DomainPattern> =
            (0..50).map(|i| DomainPattern::parse(&format!("d{i}.example")).unwrap()).collect();
        let queries = upsert_queries("demo", "Demo", "UTC", &many, 9);
        assert_eq!(queries.len(), 3);
        assert!(queries.iter().all(|q| q.params.len() <= 4));
    }
}
