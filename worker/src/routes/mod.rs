//! One module per group of endpoints. Public handlers answer a `Response`; protected ones (the
//! dashboard API) get an authenticated [`Call`] and answer a [`Reply`] the router masks and renders.

pub(crate) mod analytics;
pub(crate) mod forms;
pub(crate) mod health;
pub(crate) mod ip_lists;
pub(crate) mod keys;
pub(crate) mod lead;
pub(crate) mod leads;
pub(crate) mod me;
pub(crate) mod sdk_assets;
pub(crate) mod settings;
pub(crate) mod sites;
pub(crate) mod track;
pub(crate) mod webhooks;

use pulsegate_schema::UnixMillis;
use worker::{Context, Env, Request};

use crate::auth::Principal;
use crate::db::Db;
use crate::error::ApiError;
use crate::reply::Reply;
use crate::router::Endpoint;
use crate::store::lists::IpList;

/// An authenticated request to the dashboard API.
#[derive(Debug)]
pub(crate) struct Call<'a> {
    pub(crate) req: Request,
    pub(crate) env: &'a Env,
    /// For work after the response (`wait_until`).
    pub(crate) ctx: &'a Context,
    pub(crate) db: Db,
    pub(crate) principal: Principal,
    /// The path's `{…}` segments, in order.
    pub(crate) params: Vec<String>,
    pub(crate) now: UnixMillis,
}

impl Call<'_> {
    /// The first path parameter (`{id}`, `{site_key}`, `{form_id}`).
    pub(crate) fn param(&self) -> &str {
        self.params.first().map_or("", String::as_str)
    }
}

/// The query parameters of a protected endpoint, checked before its handler runs: `format` (JSON
/// or CSV, read by the router) and what the handler reads. `None` for the handlers that parse a
/// query of their own and refuse what they do not read themselves (reports, session detail, the
/// lead, webhook and replay lists, replay events).
fn query_params(endpoint: Endpoint) -> Option<&'static [&'static str]> {
    match endpoint {
        Endpoint::Overview
        | Endpoint::TimeSeries
        | Endpoint::Countries
        | Endpoint::Devices
        | Endpoint::Browsers
        | Endpoint::Os
        | Endpoint::TopPages
        | Endpoint::EntryPages
        | Endpoint::ExitPages
        | Endpoint::Referrers
        | Endpoint::Campaigns
        | Endpoint::CustomEvents
        | Endpoint::Sessions
        | Endpoint::SessionDetail
        | Endpoint::ListLeads
        | Endpoint::ListBlockedLeads
        | Endpoint::ListOutbox
        | Endpoint::ListDeadLetters
        | Endpoint::ReplaySessions
        | Endpoint::ReplayEvents => None,
        Endpoint::ListForms => Some(&["site", "format"]),
        _ => Some(&["format"]),
    }
}

/// Runs the handler of a protected endpoint, after refusing a query parameter it does not read.
pub(crate) async fn protected(endpoint: Endpoint, call: &mut Call<'_>) -> Result<Reply, ApiError> {
    use analytics::Report;
    if let Some(takes) = query_params(endpoint) {
        crate::http::check_params(&crate::http::query_pairs(&call.req), takes)?;
    }
    match endpoint {
        Endpoint::Me => me::get(call).await,
        Endpoint::Overview => analytics::report(call, Report::Overview).await,
        Endpoint::TimeSeries => analytics::report(call, Report::TimeSeries).await,
        Endpoint::Countries => analytics::report(call, Report::Countries).await,
        Endpoint::Devices => analytics::report(call, Report::Devices).await,
        Endpoint::Browsers => analytics::report(call, Report::Browsers).await,
        Endpoint::Os => analytics::report(call, Report::Os).await,
        Endpoint::TopPages => analytics::report(call, Report::TopPages).await,
        Endpoint::EntryPages => analytics::report(call, Report::EntryPages).await,
        Endpoint::ExitPages => analytics::report(call, Report::ExitPages).await,
        Endpoint::Referrers => analytics::report(call, Report::Referrers).await,
        Endpoint::Campaigns => analytics::report(call, Report::Campaigns).await,
        Endpoint::CustomEvents => analytics::report(call, Report::CustomEvents).await,
        Endpoint::Sessions => analytics::report(call, Report::Sessions).await,
        Endpoint::SessionDetail => analytics::session_detail(call).await,
        Endpoint::GetSettings => settings::get(call).await,
        Endpoint::PutSettings => settings::put(call).await,
        Endpoint::ListKeys => keys::list(call).await,
        Endpoint::CreateKey => keys::create(call).await,
        Endpoint::UpdateKey => keys::update(call).await,
        Endpoint::RevokeKey => keys::revoke(call).await,
        Endpoint::ListIntegrations => keys::list_integrations(call).await,
        Endpoint::CreateIntegration => keys::create_integration(call).await,
        Endpoint::RevokeIntegration => keys::revoke_integration(call).await,
        Endpoint::ListSites => sites::list(call).await,
        Endpoint::CreateSite => sites::create(call).await,
        Endpoint::GetSite => sites::get(call).await,
        Endpoint::PutSite => sites::put(call).await,
        Endpoint::DeleteSite => sites::delete(call).await,
        Endpoint::ListForms => forms::list(call).await,
        Endpoint::CreateForm => forms::create(call).await,
        Endpoint::GetForm => forms::get(call).await,
        Endpoint::PutForm => forms::put(call).await,
        Endpoint::DeleteForm => forms::delete(call).await,
        Endpoint::ListLeads => leads::list(call).await,
        Endpoint::ListBlockedLeads => leads::blocked(call).await,
        Endpoint::GetLead => leads::detail(call).await,
        Endpoint::ListOutbox => webhooks::list_outbox(call).await,
        Endpoint::ListDeadLetters => webhooks::list_dead_letters(call).await,
        Endpoint::ResendWebhook => webhooks::resend(call).await,
        Endpoint::ListBlockedIps => ip_lists::list_ips(call, IpList::Blocked).await,
        Endpoint::AddBlockedIp => ip_lists::add_ip(call, IpList::Blocked).await,
        Endpoint::RemoveBlockedIp => ip_lists::remove_ip(call, IpList::Blocked).await,
        Endpoint::ListWhitelistedIps => ip_lists::list_ips(call, IpList::Whitelisted).await,
        Endpoint::AddWhitelistedIp => ip_lists::add_ip(call, IpList::Whitelisted).await,
        Endpoint::RemoveWhitelistedIp => ip_lists::remove_ip(call, IpList::Whitelisted).await,
        Endpoint::ListTestingRules => ip_lists::list_rules(call).await,
        Endpoint::AddTestingRule => ip_lists::add_rule(call).await,
        Endpoint::RemoveTestingRule => ip_lists::remove_rule(call).await,
        Endpoint::ReplaySessions => crate::replay::routes::list(call).await,
        Endpoint::ReplaySession => crate::replay::routes::detail(call).await,
        Endpoint::ReplayEvents => crate::replay::routes::events(call).await,
        Endpoint::SessionStart
        | Endpoint::SessionEnd
        | Endpoint::EventsBatch
        | Endpoint::Event
        | Endpoint::SdkAsset
        | Endpoint::Health
        | Endpoint::FormsConfig
        | Endpoint::LeadCapture
        | Endpoint::LeadDeprecated
        | Endpoint::CrmCallback
        | Endpoint::MakeCallback
        | Endpoint::CrmWebhook
        | Endpoint::ReplayIngest
        | Endpoint::ReplayViewer => {
            Err(ApiError::Internal(format!("{endpoint:?} is a public endpoint")))
        }
        #[cfg(feature = "bench-floor")]
        Endpoint::BenchFloor => Err(ApiError::Internal("a bench route is public".to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::check_params;

    fn pairs(names: &[&str]) -> Vec<(String, String)> {
        names.iter().map(|n| ((*n).to_owned(), "1".to_owned())).collect()
    }

    #[test]
    fn endpoints_without_a_query_take_only_format() {
        for endpoint in [Endpoint::GetSettings, Endpoint::ListKeys, Endpoint::GetSite, Endpoint::Me]
        {
            let takes = query_params(endpoint).unwrap();
            assert_eq!(check_params(&pairs(&["format"]), takes), Ok(()), "{endpoint:?}");
            assert_eq!(
                check_params(&pairs(&["format", "tz"]), takes),
                Err(ApiError::InvalidField {
                    field: "tz".to_owned(),
                    message: "is not a parameter here (use format)".to_owned(),
                }),
                "{endpoint:?}"
            );
        }
        let forms = query_params(Endpoint::ListForms).unwrap();
        assert_eq!(check_params(&pairs(&["site"]), forms), Ok(()));
        assert!(check_params(&pairs(&["form"]), forms).is_err());
        assert_eq!(query_params(Endpoint::SessionDetail), None, "checked by its own parser");
    }
}
