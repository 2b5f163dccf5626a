//! AppSettings in D1 (`AppSettings`, one row): read through a 5-second per-isolate cache, written
//! with optimistic concurrency (the version must still be the one the client read).

use pulsegate_schema::{AppSettings, SettingsDocument, UnixMillis};
use serde::Deserialize;

use crate::cache::Slot;
use crate::db::Db;
use crate::error::ApiError;
use crate::sql::Query;

/// How long an isolate trusts its copy: other isolates see a change within this time.
pub(crate) const CACHE_TTL_MS: u64 = 5_000;

thread_local! {
    static CURRENT: Slot<Stored> = const { Slot::new() };
}

/// The settings row: the public document plus the write-only secret.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Stored {
    /// Version 0 with defaults when nothing was ever saved.
    pub(crate) document: SettingsDocument,
    pub(crate) make_signing_secret: Option<String>,
}

impl Stored {
    pub(crate) fn settings(&self) -> &AppSettings {
        &self.document.settings
    }

    fn defaults() -> Self {
        Self {
            document: SettingsDocument {
                settings: AppSettings::default(),
                version: 0,
                updated_at: None,
            },
            make_signing_secret: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Row {
    settings_json: String,
    make_signing_secret: Option<String>,
    version: u64,
    updated_at: UnixMillis,
}

const SELECT: &str =
    "SELECT SettingsJson, MakeSigningSecret, Version, UpdatedAt FROM AppSettings WHERE Id = 1";

/// The settings in force (cached per isolate for [`CACHE_TTL_MS`]).
pub(crate) async fn current(db: &Db, now: UnixMillis) -> Result<Stored, ApiError> {
    if let Some(hit) = CURRENT.with(|c| c.get(now)) {
        return Ok(hit);
    }
    let stored = load(db).await?;
    CURRENT.with(|c| c.put(stored.clone(), now, CACHE_TTL_MS));
    Ok(stored)
}

/// Reads the row from D1, bypassing the cache.
pub(crate) async fn load(db: &Db) -> Result<Stored, ApiError> {
    let row: Option<Row> = db.first("select AppSettings", &Query::new(SELECT, vec![])).await?;
    let Some(row) = row else { return Ok(Stored::defaults()) };
    let (stored, unreadable) = from_row(row);
    if let Some(detail) = unreadable {
        crate::log::emit(
            crate::log::Level::Error,
            &serde_json::json!({ "level": "error", "settings": "unreadable AppSettings row; using defaults", "detail": detail }),
        );
    }
    Ok(stored)
}

/// The stored settings, and why the JSON could not be read if it could not (then defaults).
fn from_row(row: Row) -> (Stored, Option<String>) {
    // Stored JSON written by an older version lacks newer fields: they take their defaults. A
    // row that cannot be read at all (hand-edited) falls back to the defaults and says so.
    let (mut settings, unreadable) = match serde_json::from_str::<AppSettings>(&row.settings_json) {
        Ok(s) => (s, None),
        Err(e) => (AppSettings::default(), Some(e.to_string())),
    };
    settings.make.signing_secret = None;
    settings.make.signing_secret_set = row.make_signing_secret.is_some();
    let stored = Stored {
        document: SettingsDocument {
            settings,
            version: row.version,
            updated_at: Some(row.updated_at),
        },
        make_signing_secret: row.make_signing_secret,
    };
    (stored, unreadable)
}

/// The secret after a `PUT`: absent keeps the stored one, `""` removes it, anything else sets it.
pub(crate) fn next_secret(stored: Option<&str>, sent: Option<&str>) -> Option<String> {
    match sent {
        None => stored.map(str::to_owned),
        Some("") => None,
        Some(s) => Some(s.to_owned()),
    }
}

/// Saves `settings` if the stored version is still `expected` (0 = never saved). `Ok(None)` when
/// someone else saved first (the caller answers 412).
pub(crate) async fn save(
    db: &Db,
    expected: u64,
    mut settings: AppSettings,
    now: UnixMillis,
) -> Result<Option<Stored>, ApiError> {
    let before = load(db).await?;
    if before.document.version != expected {
        return Ok(None);
    }
    let secret =
        next_secret(before.make_signing_secret.as_deref(), settings.make.signing_secret.as_deref());
    settings.make.signing_secret = None;
    settings.make.signing_secret_set = secret.is_some();
    let json = serde_json::to_string(&settings).map_err(|e| ApiError::Internal(e.to_string()))?;
    let write = write_query(expected, json, secret.clone(), now);
    if db.run("save AppSettings", &write).await? != 1 {
        return Ok(None);
    }
    let stored = Stored {
        document: SettingsDocument { settings, version: expected + 1, updated_at: Some(now) },
        make_signing_secret: secret,
    };
    CURRENT.with(|c| c.put(stored.clone(), now, CACHE_TTL_MS));
    Ok(Some(stored))
}

/// The conditional write: an insert that only succeeds on an empty table for version 0, an update
/// that only matches the expected version otherwise.
pub(crate) fn write_query(
    expected: u64,
    json: String,
    secret: Option<String>,
    now: UnixMillis,
) -> Query {
    if expected == 0 {
        Query::new(
            "INSERT INTO AppSettings (Id, SettingsJson, MakeSigningSecret, Version, UpdatedAt)
             VALUES (1, ?1, ?2, 1, ?3) ON CONFLICT (Id) DO NOTHING",
            vec![json.into(), secret.into(), now.into()],
        )
    } else {
        Query::new(
            "UPDATE AppSettings SET SettingsJson = ?1, MakeSigningSecret = ?2, Version = Version + 1,
             UpdatedAt = ?3 WHERE Id = 1 AND Version = ?4",
            vec![json.into(), secret.into(), now.into(), expected.into()],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_kept_replaced_or_removed() {
        assert_eq!(
            next_secret(Some("old-secret-value"), None).as_deref(),
            Some("old-secret-value")
        );
        assert_eq!(next_secret(Some("old-secret-value"), Some("")), None);
        assert_eq!(
            next_secret(None, Some("new-secret-value")).as_deref(),
            Some("new-secret-value")
        );
        assert_eq!(next_secret(None, None), None);
    }

    #[test]
    fn rows_hide_the_secret_and_fill_new_fields() {
        let (stored, error) = from_row(Row {
            settings_json: r#"{"mask_pii_for_marketing":false}"#.to_owned(),
            make_signing_secret: Some("s3cret-s3cret-s3cret".to_owned()),
            version: 4,
            updated_at: 9,
        });
        assert!(!stored.settings().mask_pii_for_marketing);
        assert!(stored.settings().make.signing_secret_set);
        assert_eq!(stored.settings().make.signing_secret, None);
        assert_eq!(stored.settings().bot_detection, AppSettings::default().bot_detection);
        assert_eq!(stored.document.version, 4);
        assert_eq!(error, None);
        let (unreadable, error) = from_row(Row {
            settings_json: "{".to_owned(),
            make_signing_secret: None,
            version: 1,
            updated_at: 1,
        });
        assert_eq!(unreadable.settings(), &AppSettings::default());
        assert!(error.is_some());
    }
}
