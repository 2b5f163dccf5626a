//! `GET /analytics/me`: the calling key's role, pages and masking, and the sites it can report on.

use pulsegate_schema::{Me, SiteSummary};

use super::Call;
use crate::error::ApiError;
use crate::reply::Reply;
use crate::store::sites;

pub(crate) async fn get(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let sites = sites::list(&call.db).await?;
    let p = &call.principal;
    Reply::json(
        200,
        &Me {
            role: p.role,
            key: p.key.clone(),
            pages: p.pages.clone(),
            pii_masked: p.mask_pii,
            sites: sites
                .into_iter()
                .map(|s| SiteSummary { site_key: s.site_key, name: s.name, timezone: s.timezone })
                .collect(),
        },
    )
}
