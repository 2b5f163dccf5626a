//! Authenticating `/lead.capture` and `/forms/config`: an integration key (`pgi_…`, looked up by
//! its SHA-256, refused once revoked) or a page on one of the form's site domains.

use pulsegate_schema::{DomainPattern, Integration};
use worker::Request;

use crate::auth;
use crate::db::Db;
use crate::error::ApiError;
use crate::http::header;
use crate::lead::caller::{Claim, claim, page_allowed};
use crate::secrets::{self, INTEGRATION_PREFIX};
use crate::store::api_keys;

/// Who is calling, once the key (if any) is checked.
#[derive(Clone, Debug)]
pub(crate) enum Who {
    /// A server with a valid integration key.
    Integration(Integration),
    /// A browser page at this origin (checked against the form's site by [`admit`]).
    Page(String),
}

impl Who {
    /// The origin to answer CORS for: a page's, once admitted.
    pub(crate) fn origin(&self) -> Option<&str> {
        match self {
            Self::Page(origin) => Some(origin),
            Self::Integration(_) => None,
        }
    }
}

const NOTHING: &str =
    "send an integration key (X-API-Key: pgi_…) or submit from a page of the site";
const BAD_KEY: &str = "invalid integration key";

/// Reads the request's key or origin; a key must be a live integration key (`401` otherwise).
pub(crate) async fn identify(req: &Request, db: &Db) -> Result<Who, ApiError> {
    let key = auth::presented_key(
        header(req, "authorization").as_deref(),
        header(req, "x-api-key").as_deref(),
    )?;
    match claim(key, header(req, "origin").as_deref(), header(req, "referer").as_deref()) {
        Claim::Nothing => Err(ApiError::Unauthorized(NOTHING)),
        Claim::Page(origin) => Ok(Who::Page(origin)),
        Claim::Key(key) => {
            if !secrets::is_well_formed(INTEGRATION_PREFIX, &key) {
                return Err(ApiError::Unauthorized(BAD_KEY));
            }
            let query = api_keys::find_integration_by_hash(&secrets::hash_key(&key));
            let results = db.batch("find Integrations", &[query]).await?;
            let integration =
                api_keys::integration_of(&results[0])?.ok_or(ApiError::Unauthorized(BAD_KEY))?;
            if integration.revoked_at.is_some() {
                return Err(ApiError::Unauthorized(auth::REVOKED));
            }
            Ok(Who::Integration(integration))
        }
    }
}

/// Whether `who` may use a form of `site` (whose pages are on `domains`): `403` otherwise.
pub(crate) fn admit(who: &Who, site: &str, domains: &[DomainPattern]) -> Result<(), ApiError> {
    match who {
        Who::Integration(i) => match &i.site_key {
            Some(own) if own.as_str() != site => Err(ApiError::Forbidden(format!(
                "this integration key is for site {}, not {site}",
                own.as_str()
            ))),
            _ => Ok(()),
        },
        Who::Page(origin) if page_allowed(domains, origin) => Ok(()),
        Who::Page(origin) => Err(ApiError::Forbidden(format!(
            "forms of site {site} may not be used on {}; an admin adds the domain to the site",
            crate::http::capped(origin)
        ))),
    }
}
