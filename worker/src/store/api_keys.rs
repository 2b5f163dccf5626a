//! `MarketingApiKeys` and `Integrations` in D1: generated keys, stored as SHA-256 hashes with
//! created / last-used / revoked timestamps. The key itself exists only in the create answer.

use pulsegate_schema::{
    Integration, KeyId, MarketingKey, MarketingKeyUpdate, PageAccess, SiteKey, UnixMillis,
};
use serde::Deserialize;

use crate::db::Db;
use crate::error::ApiError;
use crate::sql::Query;

/// How stale `LastUsedAt` may get: a key used every second is written at most once a minute.
pub(crate) const LAST_USED_RESOLUTION_MS: u64 = 60_000;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct MarketingRow {
    id: String,
    name: String,
    key_prefix: String,
    visible_pages: Option<String>,
    created_at: UnixMillis,
    last_used_at: Option<UnixMillis>,
    revoked_at: Option<UnixMillis>,
}

const MARKETING_COLUMNS: &str =
    "Id, Name, KeyPrefix, VisiblePages, CreatedAt, LastUsedAt, RevokedAt";

fn parse_id(what: &'static str, id: &str) -> Result<KeyId, ApiError> {
    id.parse::<uuid::Uuid>().map(KeyId).map_err(|_| ApiError::NoSuch { what })
}

fn marketing(row: MarketingRow) -> Result<MarketingKey, ApiError> {
    let pages = match row.visible_pages.as_deref() {
        None => PageAccess::Default,
        Some(json) => serde_json::from_str(json)
            .map_err(|e| ApiError::storage("decode MarketingApiKeys.VisiblePages", e))?,
    };
    Ok(MarketingKey {
        id: parse_id("key", &row.id)
            .map_err(|_| ApiError::storage("decode MarketingApiKeys.Id", &row.id))?,
        name: row.name,
        key_prefix: row.key_prefix,
        pages,
        created_at: row.created_at,
        last_used_at: row.last_used_at,
        revoked_at: row.revoked_at,
    })
}

fn pages_json(pages: &PageAccess) -> Option<String> {
    match pages {
        PageAccess::Default => None,
        PageAccess::Pages(_) => serde_json::to_string(pages).ok(),
    }
}

/// Stores a new marketing key (its hash only).
pub(crate) async fn create_marketing(
    db: &Db,
    info: &MarketingKey,
    key_hash: &str,
) -> Result<(), ApiError> {
    let q = Query::new(
        format!(
            "INSERT INTO MarketingApiKeys ({MARKETING_COLUMNS}, KeyHash) VALUES (?1, ?2, ?3, ?4, ?5, NULL, NULL, ?6)"
        ),
        vec![
            info.id.to_string().into(),
            info.name.as_str().into(),
            info.key_prefix.as_str().into(),
            pages_json(&info.pages).into(),
            info.created_at.into(),
            key_hash.into(),
        ],
    );
    db.run("insert MarketingApiKeys", &q).await.map(drop)
}

/// Every marketing key, newest first.
pub(crate) async fn list_marketing(db: &Db) -> Result<Vec<MarketingKey>, ApiError> {
    let q = Query::new(
        format!("SELECT {MARKETING_COLUMNS} FROM MarketingApiKeys ORDER BY CreatedAt DESC, Id"),
        vec![],
    );
    db.all::<MarketingRow>("list MarketingApiKeys", &q).await?.into_iter().map(marketing).collect()
}

/// One marketing key by id (`404` for an id that is not a UUID).
pub(crate) async fn get_marketing(db: &Db, id: &str) -> Result<Option<MarketingKey>, ApiError> {
    let id = parse_id("key", id)?;
    let q = Query::new(
        format!("SELECT {MARKETING_COLUMNS} FROM MarketingApiKeys WHERE Id = ?1"),
        vec![id.to_string().into()],
    );
    db.first::<MarketingRow>("get MarketingApiKeys", &q).await?.map(marketing).transpose()
}

/// The key whose hash is `key_hash`, revoked or not.
pub(crate) async fn find_marketing_by_hash(
    db: &Db,
    key_hash: &str,
) -> Result<Option<MarketingKey>, ApiError> {
    let q = Query::new(
        format!("SELECT {MARKETING_COLUMNS} FROM MarketingApiKeys WHERE KeyHash = ?1"),
        vec![key_hash.into()],
    );
    db.first::<MarketingRow>("auth MarketingApiKeys", &q).await?.map(marketing).transpose()
}

/// Applies a rename and/or a new page list; `409` for a revoked key.
pub(crate) async fn update_marketing(
    db: &Db,
    id: &str,
    update: &MarketingKeyUpdate,
) -> Result<MarketingKey, ApiError> {
    let mut key = get_marketing(db, id).await?.ok_or(ApiError::NoSuch { what: "key" })?;
    if key.revoked_at.is_some() {
        return Err(ApiError::Conflict("this key is revoked; create a new one".to_owned()));
    }
    if let Some(name) = &update.name {
        name.trim().clone_into(&mut key.name);
    }
    if let Some(pages) = &update.pages {
        key.pages = pages.clone();
    }
    let q = Query::new(
        "UPDATE MarketingApiKeys SET Name = ?1, VisiblePages = ?2 WHERE Id = ?3",
        vec![key.name.as_str().into(), pages_json(&key.pages).into(), key.id.to_string().into()],
    );
    db.run("update MarketingApiKeys", &q).await?;
    Ok(key)
}

/// Marks a key revoked (once; revoking again changes nothing).
pub(crate) async fn revoke_marketing(
    db: &Db,
    id: &str,
    now: UnixMillis,
) -> Result<MarketingKey, ApiError> {
    let id_text = parse_id("key", id)?.to_string();
    let q = Query::new(
        "UPDATE MarketingApiKeys SET RevokedAt = ?1 WHERE Id = ?2 AND RevokedAt IS NULL",
        vec![now.into(), id_text.as_str().into()],
    );
    db.run("revoke MarketingApiKeys", &q).await?;
    get_marketing(db, &id_text).await?.ok_or(ApiError::NoSuch { what: "key" })
}

/// Records a use, at most once per [`LAST_USED_RESOLUTION_MS`].
pub(crate) fn touch_query(table: &str, id: &KeyId, now: UnixMillis) -> Query {
    Query::new(
        format!(
            "UPDATE {table} SET LastUsedAt = ?1 WHERE Id = ?2 AND (LastUsedAt IS NULL OR LastUsedAt <= ?3)"
        ),
        vec![now.into(), id.to_string().into(), now.saturating_sub(LAST_USED_RESOLUTION_MS).into()],
    )
}

/// Whether a use at `now` should be written, given the last one recorded.
pub(crate) fn needs_touch(last_used_at: Option<UnixMillis>, now: UnixMillis) -> bool {
    last_used_at.is_none_or(|last| now.saturating_sub(last) >= LAST_USED_RESOLUTION_MS)
}

// ---- integrations -------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct IntegrationRow {
    id: String,
    name: String,
    site_key: Option<String>,
    key_prefix: String,
    created_at: UnixMillis,
    last_used_at: Option<UnixMillis>,
    revoked_at: Option<UnixMillis>,
}

const INTEGRATION_COLUMNS: &str = "Id, Name, SiteKey, KeyPrefix, CreatedAt, LastUsedAt, RevokedAt";

fn integration(row: IntegrationRow) -> Result<Integration, ApiError> {
    let bad = |what: &str| ApiError::storage("decode Integrations", what);
    Ok(Integration {
        id: parse_id("integration", &row.id).map_err(|_| bad("Id"))?,
        name: row.name,
        site_key: row
            .site_key
            .map(|k| SiteKey::parse(&k).map_err(|_| bad("SiteKey")))
            .transpose()?,
        key_prefix: row.key_prefix,
        created_at: row.created_at,
        last_used_at: row.last_used_at,
        revoked_at: row.revoked_at,
    })
}

/// Stores a new integration (its key's hash only).
pub(crate) async fn create_integration(
    db: &Db,
    info: &Integration,
    key_hash: &str,
) -> Result<(), ApiError> {
    let q = Query::new(
        format!(
            "INSERT INTO Integrations ({INTEGRATION_COLUMNS}, KeyHash) VALUES (?1, ?2, ?3, ?4, ?5, NULL, NULL, ?6)"
        ),
        vec![
            info.id.to_string().into(),
            info.name.as_str().into(),
            info.site_key.as_ref().map(|k| k.as_str().to_owned()).into(),
            info.key_prefix.as_str().into(),
            info.created_at.into(),
            key_hash.into(),
        ],
    );
    db.run("insert Integrations", &q).await.map(drop)
}

/// Every integration, newest first.
pub(crate) async fn list_integrations(db: &Db) -> Result<Vec<Integration>, ApiError> {
    let q = Query::new(
        format!("SELECT {INTEGRATION_COLUMNS} FROM Integrations ORDER BY CreatedAt DESC, Id"),
        vec![],
    );
    db.all::<IntegrationRow>("list Integrations", &q).await?.into_iter().map(integration).collect()
}

/// One integration by id.
pub(crate) async fn get_integration(db: &Db, id: &str) -> Result<Option<Integration>, ApiError> {
    let id = parse_id("integration", id)?;
    let q = Query::new(
        format!("SELECT {INTEGRATION_COLUMNS} FROM Integrations WHERE Id = ?1"),
        vec![id.to_string().into()],
    );
    db.first::<IntegrationRow>("get Integrations", &q).await?.map(integration).transpose()
}

/// The integration whose key hashes to `key_hash`, revoked or not.
pub(crate) fn find_integration_by_hash(key_hash: &str) -> Query {
    Query::new(
        format!("SELECT {INTEGRATION_COLUMNS} FROM Integrations WHERE KeyHash = ?1"),
        vec![key_hash.into()],
    )
}

/// Reads a row of [`find_integration_by_hash`].
pub(crate) fn integration_of(result: &worker::D1Result) -> Result<Option<Integration>, ApiError> {
    crate::db::rows::<IntegrationRow>("Integrations", result)?
        .into_iter()
        .next()
        .map(integration)
        .transpose()
}

/// Marks an integration revoked (once).
pub(crate) async fn revoke_integration(
    db: &Db,
    id: &str,
    now: UnixMillis,
) -> Result<Integration, ApiError> {
    let id_text = parse_id("integration", id)?.to_string();
    let q = Query::new(
        "UPDATE Integrations SET RevokedAt = ?1 WHERE Id = ?2 AND RevokedAt IS NULL",
        vec![now.into(), id_text.as_str().into()],
    );
    db.run("revoke Integrations", &q).await?;
    get_integration(db, &id_text).await?.ok_or(ApiError::NoSuch { what: "integration" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uses_are_recorded_at_most_once_a_minute() {
        assert!(needs_touch(None, 5));
        assert!(!needs_touch(Some(1_000), 60_999));
        assert!(needs_touch(Some(1_000), 61_000));
        let q = touch_query("MarketingApiKeys", &KeyId::from_random_bytes([1; 16]), 100_000);
        assert!(q.sql.contains("LastUsedAt <= ?3"));
        assert_eq!(q.params[2], crate::sql::SqlValue::Int(40_000));
    }

    #[test]
    fn ids_that_are_not_uuids_are_missing_keys() {
        assert_eq!(parse_id("key", "../etc").unwrap_err(), ApiError::NoSuch { what: "key" });
        assert!(parse_id("key", "9f0e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f").is_ok());
    }
}
