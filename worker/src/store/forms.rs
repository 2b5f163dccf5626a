//! `Forms` in D1: one row per form, its field schema stored as the JSON of a [`FormDefinition`].

use pulsegate_schema::{Form, FormDefinition, UnixMillis};
use serde::Deserialize;

use crate::db::Db;
use crate::error::ApiError;
use crate::sql::Query;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Row {
    schema_json: String,
    created_at: UnixMillis,
    updated_at: UnixMillis,
}

#[expect(clippy::needless_pass_by_value, reason = "used as a map over owned rows")]
fn form(row: Row) -> Result<Form, ApiError> {
    let definition: FormDefinition = serde_json::from_str(&row.schema_json)
        .map_err(|e| ApiError::storage("decode Forms.SchemaJson", e))?;
    Ok(Form { definition, created_at: row.created_at, updated_at: row.updated_at })
}

/// Every form (of one site, when given), by id.
pub(crate) async fn list(db: &Db, site: Option<&str>) -> Result<Vec<Form>, ApiError> {
    let q = match site {
        Some(site) => Query::new(
            "SELECT SchemaJson, CreatedAt, UpdatedAt FROM Forms WHERE SiteKey = ?1 ORDER BY FormId",
            vec![site.into()],
        ),
        None => {
            Query::new("SELECT SchemaJson, CreatedAt, UpdatedAt FROM Forms ORDER BY FormId", vec![])
        }
    };
    db.all::<Row>("list Forms", &q).await?.into_iter().map(form).collect()
}

/// One form by id.
pub(crate) async fn get(db: &Db, form_id: &str) -> Result<Option<Form>, ApiError> {
    let q = Query::new(
        "SELECT SchemaJson, CreatedAt, UpdatedAt FROM Forms WHERE FormId = ?1",
        vec![form_id.into()],
    );
    db.first::<Row>("get Forms", &q).await?.map(form).transpose()
}

/// Inserts or replaces a form; the flag says whether it was created.
pub(crate) async fn upsert(
    db: &Db,
    definition: &FormDefinition,
    now: UnixMillis,
) -> Result<(Form, bool), ApiError> {
    let existing = get(db, &definition.form_id).await?;
    let json = serde_json::to_string(definition).map_err(|e| ApiError::Internal(e.to_string()))?;
    let q = Query::new(
        "INSERT INTO Forms (FormId, SiteKey, Name, SchemaJson, CreatedAt, UpdatedAt) VALUES (?1, ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT (FormId) DO UPDATE SET SiteKey = excluded.SiteKey, Name = excluded.Name,
         SchemaJson = excluded.SchemaJson, UpdatedAt = excluded.UpdatedAt",
        vec![
            definition.form_id.as_str().into(),
            definition.site_key.as_str().into(),
            definition.name.trim().into(),
            json.into(),
            now.into(),
        ],
    );
    db.run("upsert Forms", &q).await?;
    let created_at = existing.as_ref().map_or(now, |f| f.created_at);
    Ok((Form { definition: definition.clone(), created_at, updated_at: now }, existing.is_none()))
}

/// Deletes a form; `None` when there was none.
pub(crate) async fn delete(db: &Db, form_id: &str) -> Result<Option<Form>, ApiError> {
    let Some(existing) = get(db, form_id).await? else { return Ok(None) };
    db.run(
        "delete Forms",
        &Query::new("DELETE FROM Forms WHERE FormId = ?1", vec![form_id.into()]),
    )
    .await?;
    Ok(Some(existing))
}
