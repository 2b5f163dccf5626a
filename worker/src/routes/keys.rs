//! `/analytics/keys` (marketing keys) and `/analytics/integrations` (integration keys), admin only:
//! create (the key is in that answer only), list without secrets, change pages, revoke.

use pulsegate_schema::{
    CreatedIntegration, CreatedMarketingKey, Integration, IntegrationList, KeyId, MarketingKey,
    MarketingKeyList, MarketingKeyUpdate, NewIntegration, NewMarketingKey,
};

use super::Call;
use crate::auth;
use crate::body;
use crate::error::ApiError;
use crate::reply::Reply;
use crate::secrets::{self, INTEGRATION_PREFIX, MARKETING_PREFIX};
use crate::store::{api_keys, sites};

const MAX_BODY: usize = 16 * 1024;

fn new_id() -> Result<KeyId, ApiError> {
    Ok(KeyId::from_random_bytes(secrets::random_bytes::<16>()?))
}

pub(crate) async fn list(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let keys = api_keys::list_marketing(&call.db).await?;
    Reply::json(200, &MarketingKeyList { keys })
}

pub(crate) async fn create(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let new: NewMarketingKey = body::read_admin(&mut call.req, MAX_BODY).await?;
    let key = secrets::generate_key(MARKETING_PREFIX)?;
    let info = MarketingKey {
        id: new_id()?,
        name: new.name.trim().to_owned(),
        key_prefix: secrets::shown_prefix(&key),
        pages: new.pages,
        created_at: call.now,
        last_used_at: None,
        revoked_at: None,
    };
    api_keys::create_marketing(&call.db, &info, &secrets::hash_key(&key)).await?;
    let location = format!("/analytics/keys/{}", info.id);
    Reply::json(201, &CreatedMarketingKey { key, info })
        .map(|r| r.with_header("Location", location))
}

pub(crate) async fn update(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let update: MarketingKeyUpdate = body::read_admin(&mut call.req, MAX_BODY).await?;
    let key = api_keys::update_marketing(&call.db, call.param(), &update).await?;
    auth::forget_keys();
    Reply::json(200, &key)
}

pub(crate) async fn revoke(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let key = api_keys::revoke_marketing(&call.db, call.param(), call.now).await?;
    auth::forget_keys();
    Reply::json(200, &key)
}

pub(crate) async fn list_integrations(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let integrations = api_keys::list_integrations(&call.db).await?;
    Reply::json(200, &IntegrationList { integrations })
}

pub(crate) async fn create_integration(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let new: NewIntegration = body::read_admin(&mut call.req, MAX_BODY).await?;
    if let Some(site) = &new.site_key
        && sites::get(&call.db, site.as_str()).await?.is_none()
    {
        return Err(ApiError::InvalidField {
            field: "site_key".to_owned(),
            message: format!("{} is not a registered site", site.as_str()),
        });
    }
    let key = secrets::generate_key(INTEGRATION_PREFIX)?;
    let info = Integration {
        id: new_id()?,
        name: new.name.trim().to_owned(),
        site_key: new.site_key,
        key_prefix: secrets::shown_prefix(&key),
        created_at: call.now,
        last_used_at: None,
        revoked_at: None,
    };
    api_keys::create_integration(&call.db, &info, &secrets::hash_key(&key)).await?;
    let location = format!("/analytics/integrations/{}", info.id);
    Reply::json(201, &CreatedIntegration { key, info }).map(|r| r.with_header("Location", location))
}

pub(crate) async fn revoke_integration(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let integration = api_keys::revoke_integration(&call.db, call.param(), call.now).await?;
    Reply::json(200, &integration)
}
