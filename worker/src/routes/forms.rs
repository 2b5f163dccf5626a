//! `/analytics/forms` (admin): lead forms and their field schema, which `/forms/config` and the
//! form builder render. A form belongs to a registered site; its validation patterns must compile
//! as the browser will compile them (JavaScript `RegExp` with the `v` flag, as HTML `pattern`).

use pulsegate_schema::{FormDefinition, FormList};

use super::Call;
use crate::body;
use crate::error::ApiError;
use crate::reply::Reply;
use crate::store::{forms, sites};

/// Largest form definition accepted, in bytes.
const MAX_BODY: usize = 128 * 1024;

/// Checks what the schema crate cannot: the site exists, the patterns compile.
async fn check(call: &Call<'_>, definition: &FormDefinition) -> Result<(), ApiError> {
    if sites::get(&call.db, definition.site_key.as_str()).await?.is_none() {
        return Err(ApiError::InvalidField {
            field: "site_key".to_owned(),
            message: format!("{} is not a registered site", definition.site_key.as_str()),
        });
    }
    for (i, field) in definition.fields.iter().enumerate() {
        if let Some(pattern) = &field.pattern
            && let Err(reason) = crate::js::check_pattern(pattern)
        {
            return Err(ApiError::InvalidField {
                field: format!("fields[{i}].pattern"),
                message: format!(
                    "is not a valid regular expression: {}",
                    crate::http::capped(&reason)
                ),
            });
        }
    }
    Ok(())
}

pub(crate) async fn list(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let site =
        crate::http::query_pairs(&call.req).into_iter().find(|(k, _)| k == "site").map(|(_, v)| v);
    Reply::json(200, &FormList { forms: forms::list(&call.db, site.as_deref()).await? })
}

pub(crate) async fn get(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let form =
        forms::get(&call.db, call.param()).await?.ok_or(ApiError::NoSuch { what: "form" })?;
    Reply::json(200, &form)
}

pub(crate) async fn create(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let definition: FormDefinition = body::read_admin(&mut call.req, MAX_BODY).await?;
    check(call, &definition).await?;
    if forms::get(&call.db, &definition.form_id).await?.is_some() {
        return Err(ApiError::Conflict(format!(
            "form {} exists already; PUT /analytics/forms/{} changes it",
            definition.form_id, definition.form_id
        )));
    }
    let (form, _) = forms::upsert(&call.db, &definition, call.now).await?;
    let location = format!("/analytics/forms/{}", form.definition.form_id);
    Reply::json(201, &form).map(|r| r.with_header("Location", location))
}

pub(crate) async fn put(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let definition: FormDefinition = body::read_admin(&mut call.req, MAX_BODY).await?;
    if definition.form_id != call.param() {
        return Err(ApiError::InvalidField {
            field: "form_id".to_owned(),
            message: "must equal the form id in the path".to_owned(),
        });
    }
    check(call, &definition).await?;
    let (form, created) = forms::upsert(&call.db, &definition, call.now).await?;
    Reply::json(if created { 201 } else { 200 }, &form)
}

pub(crate) async fn delete(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let form =
        forms::delete(&call.db, call.param()).await?.ok_or(ApiError::NoSuch { what: "form" })?;
    Reply::json(200, &form)
}
