//! `/analytics/sites` (admin): register sites, their report time zone and allowed domains. Every
//! change republishes the registry that `/track/session/start` checks site keys against.

use pulsegate_schema::{NewSite, SiteKey, SiteList, SiteUpdate};

use super::Call;
use crate::analytics::tz;
use crate::body;
use crate::error::ApiError;
use crate::reply::Reply;
use crate::store::{site_registry, sites};

const MAX_BODY: usize = 16 * 1024;

/// The zone a site reports in: checked against the runtime's time-zone data.
fn timezone(tz_name: Option<&String>) -> Result<String, ApiError> {
    let name = tz_name.map_or(sites::DEFAULT_TIMEZONE, String::as_str);
    tz::canonical(name).ok_or_else(|| ApiError::InvalidField {
        field: "timezone".to_owned(),
        message: format!("{} is not a known IANA time zone", crate::http::capped(name)),
    })
}

async fn republish(call: &Call<'_>) -> Result<(), ApiError> {
    site_registry::publish(call.env, &call.db, call.now).await.map(drop).map_err(|e| ApiError::Unavailable {
        message: "the site was saved, but the registry used by ingest could not be updated; PUT the site again",
        detail: e.detail().unwrap_or_default().to_owned(),
    })
}

pub(crate) async fn list(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    Reply::json(200, &SiteList { sites: sites::list(&call.db).await? })
}

pub(crate) async fn get(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let site =
        sites::get(&call.db, call.param()).await?.ok_or(ApiError::NoSuch { what: "site" })?;
    Reply::json(200, &site)
}

pub(crate) async fn create(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let new: NewSite = body::read_admin(&mut call.req, MAX_BODY).await?;
    let tz = timezone(new.timezone.as_ref())?;
    let site = sites::create(&call.db, &new, &tz, call.now).await?;
    republish(call).await?;
    let location = format!("/analytics/sites/{}", site.site_key.as_str());
    Reply::json(201, &site).map(|r| r.with_header("Location", location))
}

pub(crate) async fn put(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let key = SiteKey::parse(call.param()).map_err(|e| ApiError::InvalidField {
        field: "site_key".to_owned(),
        message: e.to_string(),
    })?;
    let update: SiteUpdate = body::read_admin(&mut call.req, MAX_BODY).await?;
    let tz = timezone(update.timezone.as_ref())?;
    let (site, created) = sites::put(&call.db, &key, &update, &tz, call.now).await?;
    republish(call).await?;
    Reply::json(if created { 201 } else { 200 }, &site)
}

pub(crate) async fn delete(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let site = sites::delete(&call.db, call.param()).await?;
    republish(call).await?;
    Reply::json(200, &site)
}
