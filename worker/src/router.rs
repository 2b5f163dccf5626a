//! The route table: every path the worker answers, its method, its handler and who may call it,
//! in one place. The dispatcher, the `401`/`403` checks and the end-to-end auth matrix
//! (`tests/support/endpoints.json`, kept equal to this table by a unit test) all come from it.
//!
//! Every request leaves through [`handle`], which turns errors into JSON bodies, adds
//! `x-request-id` and CORS headers, strips bodies from `HEAD` answers and logs one JSON line.

use std::rc::Rc;

use pulsegate_schema::DashboardPage as P;
use worker::{Context, Env, Request, Response};

use crate::auth::{self, Access};
use crate::cors;
use crate::db::Db;
use crate::error::ApiError;
use crate::http::{header, json};
use crate::log::{self, ErrorLine, Level, RequestLine, now_ms};
use crate::reply::wants_csv;
use crate::routes::lead::capture::Route::{Current, Deprecated};
use crate::routes::track::{events, session};
use crate::routes::{self, Call, health, lead, sdk_assets};
use crate::store::d1::Stats;
use crate::{clock, pii, replay};

/// What a matched route does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    SessionStart,
    SessionEnd,
    EventsBatch,
    Event,
    SdkAsset,
    Health,
    Me,
    Overview,
    TimeSeries,
    Countries,
    Devices,
    Browsers,
    Os,
    TopPages,
    EntryPages,
    ExitPages,
    Referrers,
    Campaigns,
    CustomEvents,
    Sessions,
    SessionDetail,
    GetSettings,
    PutSettings,
    ListKeys,
    CreateKey,
    UpdateKey,
    RevokeKey,
    ListIntegrations,
    CreateIntegration,
    RevokeIntegration,
    ListSites,
    CreateSite,
    GetSite,
    PutSite,
    DeleteSite,
    ListForms,
    CreateForm,
    GetForm,
    PutForm,
    DeleteForm,
    FormsConfig,
    LeadCapture,
    LeadDeprecated,
    CrmCallback,
    MakeCallback,
    CrmWebhook,
    ListLeads,
    ListBlockedLeads,
    GetLead,
    ListOutbox,
    ListDeadLetters,
    ResendWebhook,
    ListBlockedIps,
    AddBlockedIp,
    RemoveBlockedIp,
    ListWhitelistedIps,
    AddWhitelistedIp,
    RemoveWhitelistedIp,
    ListTestingRules,
    AddTestingRule,
    RemoveTestingRule,
    ReplayIngest,
    ReplayViewer,
    ReplaySessions,
    ReplaySession,
    ReplayEvents,
    /// `cargo xtask bench ingest --floor` only (routes/track/floor.rs).
    #[cfg(feature = "bench-floor")]
    BenchFloor,
}

/// One line of the table: `GET` also answers `HEAD`; every path answers `OPTIONS` (preflight).
/// A path pattern's `{name}` matches one segment, optionally followed by a fixed suffix such as
/// `.wasm`.
#[derive(Debug)]
pub(crate) struct Route {
    pub(crate) method: &'static str,
    pub(crate) pattern: &'static str,
    pub(crate) endpoint: Endpoint,
    pub(crate) access: Access,
}

const fn route(
    method: &'static str,
    pattern: &'static str,
    endpoint: Endpoint,
    access: Access,
) -> Route {
    Route { method, pattern, endpoint, access }
}

const fn page(p: P) -> Access {
    Access::Page(p)
}

use Access::{AnyKey, Public};
use Endpoint as E;

/// Top to bottom as in the spec's request-flow diagram. Anything else is a 404.
#[rustfmt::skip]
pub(crate) const ROUTES: &[Route] = &[
    // /track/* → rate limiter → validator → route handler → services → D1/KV/R2 (CORS: any origin)
    route("POST", "/track/session/start", E::SessionStart, Public),
    route("POST", "/track/event", E::Event, Public),
    route("POST", "/track/events/batch", E::EventsBatch, Public),
    route("POST", "/track/session/end", E::SessionEnd, Public),
    route("POST", "/track/replay", E::ReplayIngest, Public),
    // /tracker.js, /form.js, /pulse.js and the chunks and wasm they load → embedded SDK bundles
    route("GET", "/{script}.js", E::SdkAsset, Public),
    route("GET", "/sdk/{file}.wasm", E::SdkAsset, Public),
    route("GET", "/sdk/{file}.js", E::SdkAsset, Public),
    // /health → JSON health check (?deep=1 needs the admin key)
    route("GET", "/health", E::Health, Public),
    // /forms/config → forms.ts → validate domain (SiteDomains) or integration key → form schema
    route("GET", "/forms/config", E::FormsConfig, Public),
    // CRM callbacks (their own secrets), then /lead.capture (integration key or site domain)
    route("POST", "/lead.capture/crm-callback", E::CrmCallback, Public),
    route("POST", "/lead.capture/make-callback", E::MakeCallback, Public),
    route("POST", "/webhooks/crm/lead", E::CrmWebhook, Public),
    route("POST", "/lead.capture", E::LeadCapture, Public),
    // /lead | / → the same flow, deprecated (X-Deprecated, Deprecation, Sunset, Link)
    route("POST", "/lead", E::LeadDeprecated, Public),
    route("POST", "/", E::LeadDeprecated, Public),
    // /analytics/* → auth (admin or marketing key) → page check → D1 / R2
    route("GET", "/analytics/me", E::Me, AnyKey),
    route("GET", "/analytics/overview", E::Overview, page(P::Overview)),
    route("GET", "/analytics/timeseries", E::TimeSeries, page(P::Overview)),
    route("GET", "/analytics/countries", E::Countries, page(P::Overview)),
    route("GET", "/analytics/devices", E::Devices, page(P::Overview)),
    route("GET", "/analytics/browsers", E::Browsers, page(P::Overview)),
    route("GET", "/analytics/os", E::Os, page(P::Overview)),
    route("GET", "/analytics/pages", E::TopPages, page(P::Pages)),
    route("GET", "/analytics/pages/entry", E::EntryPages, page(P::Pages)),
    route("GET", "/analytics/pages/exit", E::ExitPages, page(P::Pages)),
    route("GET", "/analytics/referrers", E::Referrers, page(P::Sources)),
    route("GET", "/analytics/campaigns", E::Campaigns, page(P::Sources)),
    route("GET", "/analytics/events", E::CustomEvents, page(P::Events)),
    route("GET", "/analytics/sessions", E::Sessions, page(P::Sessions)),
    route("GET", "/analytics/sessions/{id}", E::SessionDetail, page(P::Sessions)),
    route("GET", "/analytics/settings", E::GetSettings, page(P::Settings)),
    route("PUT", "/analytics/settings", E::PutSettings, page(P::Settings)),
    route("GET", "/analytics/keys", E::ListKeys, page(P::Keys)),
    route("POST", "/analytics/keys", E::CreateKey, page(P::Keys)),
    route("PATCH", "/analytics/keys/{id}", E::UpdateKey, page(P::Keys)),
    route("DELETE", "/analytics/keys/{id}", E::RevokeKey, page(P::Keys)),
    route("GET", "/analytics/integrations", E::ListIntegrations, page(P::Keys)),
    route("POST", "/analytics/integrations", E::CreateIntegration, page(P::Keys)),
    route("DELETE", "/analytics/integrations/{id}", E::RevokeIntegration, page(P::Keys)),
    route("GET", "/analytics/sites", E::ListSites, page(P::Sites)),
    route("POST", "/analytics/sites", E::CreateSite, page(P::Sites)),
    route("GET", "/analytics/sites/{site_key}", E::GetSite, page(P::Sites)),
    route("PUT", "/analytics/sites/{site_key}", E::PutSite, page(P::Sites)),
    route("DELETE", "/analytics/sites/{site_key}", E::DeleteSite, page(P::Sites)),
    route("GET", "/analytics/forms", E::ListForms, page(P::Sites)),
    route("POST", "/analytics/forms", E::CreateForm, page(P::Sites)),
    route("GET", "/analytics/forms/{form_id}", E::GetForm, page(P::Sites)),
    route("PUT", "/analytics/forms/{form_id}", E::PutForm, page(P::Sites)),
    route("DELETE", "/analytics/forms/{form_id}", E::DeleteForm, page(P::Sites)),
    // leadAnalyticsService: leads, set-aside submissions, a lead's detail
    route("GET", "/analytics/leads", E::ListLeads, page(P::Leads)),
    route("GET", "/analytics/leads/blocked", E::ListBlockedLeads, page(P::Leads)),
    route("GET", "/analytics/leads/{id}", E::GetLead, page(P::Leads)),
    // The webhook outbox, IP lists and testing rules (admin)
    route("GET", "/analytics/webhooks/outbox", E::ListOutbox, page(P::Settings)),
    route("GET", "/analytics/webhooks/dead-letters", E::ListDeadLetters, page(P::Settings)),
    route("POST", "/analytics/webhooks/dead-letters/{id}/resend", E::ResendWebhook, page(P::Settings)),
    route("GET", "/analytics/ip-lists/blocked", E::ListBlockedIps, page(P::Settings)),
    route("POST", "/analytics/ip-lists/blocked", E::AddBlockedIp, page(P::Settings)),
    route("DELETE", "/analytics/ip-lists/blocked/{id}", E::RemoveBlockedIp, page(P::Settings)),
    route("GET", "/analytics/ip-lists/whitelisted", E::ListWhitelistedIps, page(P::Settings)),
    route("POST", "/analytics/ip-lists/whitelisted", E::AddWhitelistedIp, page(P::Settings)),
    route("DELETE", "/analytics/ip-lists/whitelisted/{id}", E::RemoveWhitelistedIp, page(P::Settings)),
    route("GET", "/analytics/testing-leads", E::ListTestingRules, page(P::Settings)),
    route("POST", "/analytics/testing-leads", E::AddTestingRule, page(P::Settings)),
    route("DELETE", "/analytics/testing-leads/{id}", E::RemoveTestingRule, page(P::Settings)),
    // replayViewer (the page asks for the key itself), then /replay/* → auth → page replay → D1 / R2
    route("GET", "/replay", E::ReplayViewer, Public),
    route("GET", "/replay/sessions", E::ReplaySessions, page(P::Replay)),
    route("GET", "/replay/sessions/{id}", E::ReplaySession, page(P::Replay)),
    route("GET", "/replay/sessions/{id}/events", E::ReplayEvents, page(P::Replay)),
    // The ingest floor bench's routes: only in a build with the `bench-floor` feature
    #[cfg(feature = "bench-floor")]
    route("POST", "/bench/floor/{kind}", E::BenchFloor, Public),
];

/// Where a method and path lead.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// A route, with the path's `{…}` segments in order.
    Found(&'static Route, Vec<String>),
    /// `OPTIONS` on a known path or anywhere under `/track/`: answered 204, never authenticated.
    Preflight {
        allow: String,
    },
    MethodNotAllowed {
        allow: String,
    },
    NotFound,
}

impl PartialEq for Route {
    fn eq(&self, other: &Self) -> bool {
        core::ptr::eq(self, other)
    }
}

impl Eq for Route {}

/// Looks `method` and `path` up in [`ROUTES`].
pub(crate) fn resolve(method: &str, path: &str) -> Resolved {
    let matching: Vec<(&'static Route, Vec<String>)> =
        ROUTES.iter().filter_map(|r| params(r.pattern, path).map(|p| (r, p))).collect();
    if matching.is_empty() {
        return if method == "OPTIONS" && path.starts_with("/track/") {
            Resolved::Preflight { allow: "POST, OPTIONS".to_owned() }
        } else {
            Resolved::NotFound
        };
    }
    let answers = |r: &Route| r.method == method || (r.method == "GET" && method == "HEAD");
    if let Some((route, found)) = matching.iter().find(|(r, _)| answers(r)) {
        return Resolved::Found(route, found.clone());
    }
    let allow = allow_header(matching.iter().map(|(r, _)| r.method));
    if method == "OPTIONS" {
        Resolved::Preflight { allow }
    } else {
        Resolved::MethodNotAllowed { allow }
    }
}

/// `GET, HEAD, PUT, OPTIONS`: the `Allow` header of a path.
fn allow_header<'a>(methods: impl Iterator<Item = &'a str>) -> String {
    let mut all: Vec<&str> = Vec::new();
    for m in methods {
        if !all.contains(&m) {
            all.push(m);
        }
        if m == "GET" && !all.contains(&"HEAD") {
            all.push("HEAD");
        }
    }
    all.push("OPTIONS");
    all.join(", ")
}

/// The `{…}` segments of `path` if it fits `pattern`, segment by segment.
fn params(pattern: &str, path: &str) -> Option<Vec<String>> {
    let mut want = pattern.split('/');
    let mut have = path.split('/');
    let mut found = Vec::new();
    loop {
        match (want.next(), have.next()) {
            (None, None) => return Some(found),
            (Some(w), Some(h)) => {
                if let Some(p) = segment_param(w, h)? {
                    found.push(p.to_owned());
                }
            }
            _ => return None,
        }
    }
}

/// `{name}.wasm` matches `pulsegate-1a2b.wasm` (a non-empty stem of `[A-Za-z0-9._-]` plus the
/// suffix) and yields the stem; a literal segment must be equal and yields nothing.
fn segment_param<'a>(want: &str, have: &'a str) -> Option<Option<&'a str>> {
    match want.strip_prefix('{').and_then(|rest| rest.split_once('}')) {
        Some((_, suffix)) => {
            let stem = have.strip_suffix(suffix)?;
            let ok = !stem.is_empty()
                && stem.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
            ok.then_some(Some(stem))
        }
        None => (want == have).then_some(None),
    }
}

/// Runs the request through the table and answers it; never fails, never panics by design.
pub(crate) async fn handle(req: Request, env: Env, ctx: Context) -> Response {
    let started = now_ms();
    let request_id = log::request_id_from_ray(header(&req, "cf-ray").as_deref())
        .unwrap_or_else(log::random_request_id);
    // The raw method: workers-rs maps unknown methods to GET.
    let method = req.inner().method();
    let path = req.path();
    let body = match header(&req, "content-length") {
        Some(length) => Some(crate::echo::cap(&length)),
        None => req.inner().body().is_some().then(|| "chunked".to_owned()),
    };

    let stats = Stats::new();
    let Outcome { result, mask, allow_origin, error_headers } =
        dispatch(req, &env, &ctx, &stats, &method, &path).await;
    let (resp, error) = match result {
        Ok(resp) => (resp, None),
        Err(err) => {
            let mut resp = error_response(&err, mask);
            for (name, value) in &error_headers {
                if let Err(e) = resp.headers_mut().set(name, value) {
                    worker::console_error!("cannot set header {name}: {e}");
                }
            }
            (resp, Some(err))
        }
    };
    let resp = finish(resp, &request_id, &path, allow_origin.as_deref(), method == "HEAD");

    let status = resp.status_code();
    let throttled = stats.take_throttled();
    log::emit(
        Level::for_status(status),
        &RequestLine {
            ts: started,
            level: Level::for_status(status),
            request_id: &request_id,
            method: &method,
            path: &path,
            status,
            ms: now_ms().saturating_sub(started),
            body,
            d1_writes: stats.d1_writes(),
            error: error.as_ref().map(ErrorLine::from),
            aggregate: throttled.is_some().then_some("throttled"),
            session_id: throttled,
        },
    );
    resp
}

/// A handler's result, whether an error body must be masked (a marketing key's request), the
/// one origin allowed to read the answer (a lead form's checked page), and headers an error
/// answer carries besides its own (a refused lead field's `Content-Language`).
struct Outcome {
    result: Result<Response, ApiError>,
    mask: bool,
    allow_origin: Option<String>,
    error_headers: Vec<(&'static str, String)>,
}

impl From<Result<Response, ApiError>> for Outcome {
    fn from(result: Result<Response, ApiError>) -> Self {
        Self { result, mask: false, allow_origin: None, error_headers: Vec::new() }
    }
}

impl From<lead::Answer> for Outcome {
    fn from(answer: lead::Answer) -> Self {
        Self {
            result: answer.result,
            mask: false,
            allow_origin: answer.allow_origin,
            error_headers: answer.headers,
        }
    }
}

async fn dispatch(
    req: Request,
    env: &Env,
    ctx: &Context,
    stats: &Rc<Stats>,
    method: &str,
    path: &str,
) -> Outcome {
    let stats = Rc::clone(stats);
    let (route, params) = match resolve(method, path) {
        Resolved::NotFound => return Err(ApiError::NotFound).into(),
        Resolved::MethodNotAllowed { allow } => {
            return Err(ApiError::MethodNotAllowed { allow }).into();
        }
        Resolved::Preflight { allow } => return preflight(&allow).into(),
        Resolved::Found(route, params) => (route, params),
    };
    match route.endpoint {
        // Each /track handler applies the rate limiter first (routes/track/limit.rs).
        Endpoint::SessionStart => session::start(req, env, ctx, stats).await.into(),
        Endpoint::SessionEnd => session::end(req, env, ctx, stats).await.into(),
        Endpoint::EventsBatch => events::batch(req, env, ctx, stats).await.into(),
        Endpoint::Event => events::single(req, env, ctx, stats).await.into(),
        Endpoint::SdkAsset => sdk_assets::get(&req, env, ctx, path).await.into(),
        Endpoint::Health => health::get(req, env, ctx).await.into(),
        Endpoint::FormsConfig => lead::config::get(req, env).await.into(),
        Endpoint::LeadCapture => lead::capture::post(req, env, ctx, stats, Current).await.into(),
        Endpoint::LeadDeprecated => {
            lead::capture::post(req, env, ctx, stats, Deprecated).await.into()
        }
        Endpoint::CrmCallback => lead::callbacks::crm(req, env).await.into(),
        Endpoint::MakeCallback => lead::callbacks::make(req, env).await.into(),
        Endpoint::CrmWebhook => lead::callbacks::crm_event(req, env).await.into(),
        Endpoint::ReplayIngest => replay::ingest::post(req, env, ctx, stats).await.into(),
        Endpoint::ReplayViewer => replay::viewer::get().into(),
        #[cfg(feature = "bench-floor")]
        Endpoint::BenchFloor => {
            let kind = params.first().map_or("", String::as_str);
            routes::track::floor::post(req, env, stats, kind).await.into()
        }
        _ => protected(req, env, ctx, route, params).await,
    }
}

/// Authenticates, checks the route's page, runs the handler, masks for marketing keys and
/// renders JSON or CSV.
async fn protected(
    req: Request,
    env: &Env,
    ctx: &Context,
    route: &Route,
    params: Vec<String>,
) -> Outcome {
    let db = match Db::open(env) {
        Ok(db) => db,
        Err(e) => return Err(e).into(),
    };
    let now = clock::now(&req, env);
    let principal = match auth::authenticate(&req, env, ctx, &db, now).await {
        Ok(p) => p,
        Err(e) => return Err(e).into(),
    };
    let mask = principal.mask_pii;
    if let Err(e) = auth::authorize(&principal, route.access) {
        return Outcome { result: Err(e), mask, allow_origin: None, error_headers: Vec::new() };
    }
    let format =
        crate::http::query_pairs(&req).into_iter().find(|(k, _)| k == "format").map(|(_, v)| v);
    let want_csv = match wants_csv(header(&req, "accept").as_deref(), format.as_deref()) {
        Ok(csv) => csv,
        Err(e) => {
            return Outcome { result: Err(e), mask, allow_origin: None, error_headers: Vec::new() };
        }
    };
    let mut call = Call { req, env, ctx, db, principal, params, now };
    let result = match routes::protected(route.endpoint, &mut call).await {
        Ok(mut reply) => {
            if mask {
                reply.mask_pii();
            }
            if let Some(timing) = call.db.server_timing() {
                reply = reply.with_header("Server-Timing", timing);
            }
            reply.into_response(want_csv)
        }
        Err(e) => Err(e),
    };
    Outcome { result, mask, allow_origin: None, error_headers: Vec::new() }
}

fn preflight(allow: &str) -> Result<Response, ApiError> {
    let resp = Response::empty().map_err(crate::http::internal)?.with_status(204);
    let headers = cors::preflight_headers(allow);
    crate::http::with_headers(resp, headers.iter().map(|(n, v)| (*n, v.as_str())))
}

/// `{"error":{…}}` with the error's status and headers (`Allow`, `WWW-Authenticate`,
/// `Retry-After`), masked when a marketing key must not see PII.
fn error_response(err: &ApiError, mask: bool) -> Response {
    let headers = err.headers();
    let mut body = serde_json::to_value(err.body()).unwrap_or_default();
    if mask {
        pii::mask_json(&mut body);
    }
    let built = json(err.status(), &body).and_then(|resp| {
        crate::http::with_headers(resp, headers.iter().map(|(n, v)| (*n, v.as_str())))
    });
    built.unwrap_or_else(|_| {
        // Only reachable if the JS Headers object refuses a header; still answer with JSON.
        let body = serde_json::to_vec(&err.body()).unwrap_or_default();
        Response::builder().with_status(err.status()).fixed(body)
    })
}

/// Adds `x-request-id` and CORS headers (`*` for ingest and the dashboard API, the checked page's
/// origin for lead forms); answers `HEAD` without a body.
fn finish(
    resp: Response,
    request_id: &str,
    path: &str,
    allow_origin: Option<&str>,
    head: bool,
) -> Response {
    let mut resp = resp;
    let headers = resp.headers_mut();
    let set = |name: &str, value: &str| {
        if let Err(e) = headers.set(name, value) {
            worker::console_error!("cannot set header {name}: {e}");
        }
    };
    set("x-request-id", request_id);
    if cors::is_public(path) {
        set(cors::ALLOW_ORIGIN, cors::ANY_ORIGIN);
        // The SDK reads Retry-After on 429 and 503; the dashboard reads ETag and the rest.
        set("Access-Control-Expose-Headers", cors::EXPOSE_HEADERS);
    } else if let Some(origin) = allow_origin {
        set(cors::ALLOW_ORIGIN, origin);
        set("Access-Control-Expose-Headers", cors::EXPOSE_HEADERS);
    }
    if cors::varies_by_origin(path) {
        // Appended: an answer may vary by more (`/forms/config` by `Accept-Language`).
        if let Err(e) = headers.append("Vary", "Origin") {
            worker::console_error!("cannot set header Vary: {e}");
        }
    }
    if head {
        return Response::builder()
            .with_status(resp.status_code())
            .with_headers(resp.headers().clone())
            .empty();
    }
    resp
}

/// The route table as JSON (`tests/support/endpoints.json`), for the end-to-end auth matrix.
#[cfg(test)]
pub(crate) fn table_json() -> serde_json::Value {
    let routes: Vec<serde_json::Value> = ROUTES
        .iter()
        .map(|r| {
            let (access, page) = match r.access {
                Public => ("public", None),
                AnyKey => ("any_key", None),
                Access::Page(p) => ("page", Some(p)),
            };
            serde_json::json!({
                "method": r.method,
                "pattern": r.pattern,
                "access": access,
                "page": page,
                "marketing_may_be_granted": page.map(pulsegate_schema::DashboardPage::grantable_to_marketing),
            })
        })
        .collect();
    serde_json::json!({ "routes": routes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(method: &str, path: &str) -> Option<(Endpoint, Vec<String>)> {
        match resolve(method, path) {
            Resolved::Found(route, params) => Some((route.endpoint, params)),
            _ => None,
        }
    }

    #[test]
    fn known_paths_and_methods() {
        assert_eq!(found("POST", "/track/session/start"), Some((E::SessionStart, vec![])));
        assert_eq!(found("POST", "/track/events/batch"), Some((E::EventsBatch, vec![])));
        assert_eq!(found("POST", "/track/event"), Some((E::Event, vec![])));
        assert_eq!(found("POST", "/track/session/end"), Some((E::SessionEnd, vec![])));
        assert_eq!(found("GET", "/health"), Some((E::Health, vec![])));
        assert_eq!(found("HEAD", "/health"), Some((E::Health, vec![])));
        assert_eq!(found("GET", "/tracker.js"), Some((E::SdkAsset, vec!["tracker".into()])));
        assert_eq!(found("GET", "/form.js"), Some((E::SdkAsset, vec!["form".into()])));
        assert_eq!(found("GET", "/pulse.js"), Some((E::SdkAsset, vec!["pulse".into()])));
        assert_eq!(
            found("GET", "/sdk/pulsegate-1a2b3c4d.wasm"),
            Some((E::SdkAsset, vec!["pulsegate-1a2b3c4d".into()]))
        );
        assert_eq!(found("GET", "/analytics/pages"), Some((E::TopPages, vec![])));
        assert_eq!(found("GET", "/analytics/pages/entry"), Some((E::EntryPages, vec![])));
        assert_eq!(found("GET", "/analytics/sites/demo"), Some((E::GetSite, vec!["demo".into()])));
        assert_eq!(found("PUT", "/analytics/sites/demo"), Some((E::PutSite, vec!["demo".into()])));
        assert_eq!(
            found("DELETE", "/analytics/sites/demo"),
            Some((E::DeleteSite, vec!["demo".into()]))
        );
        assert_eq!(found("PATCH", "/analytics/keys/abc"), Some((E::UpdateKey, vec!["abc".into()])));
        assert_eq!(found("HEAD", "/analytics/overview"), Some((E::Overview, vec![])));
        assert_eq!(
            found("GET", "/sdk/pulsegate-1a2b3c4d.js"),
            Some((E::SdkAsset, vec!["pulsegate-1a2b3c4d".into()]))
        );
        assert_eq!(found("GET", "/forms/config"), Some((E::FormsConfig, vec![])));
        assert_eq!(found("POST", "/lead.capture"), Some((E::LeadCapture, vec![])));
        assert_eq!(found("POST", "/lead.capture/crm-callback"), Some((E::CrmCallback, vec![])));
        assert_eq!(found("POST", "/lead"), Some((E::LeadDeprecated, vec![])));
        assert_eq!(found("POST", "/"), Some((E::LeadDeprecated, vec![])));
        assert_eq!(found("GET", "/analytics/leads/blocked"), Some((E::ListBlockedLeads, vec![])));
        assert_eq!(found("GET", "/analytics/leads/ld_1"), Some((E::GetLead, vec!["ld_1".into()])));
        assert_eq!(
            found("POST", "/analytics/webhooks/dead-letters/msg_1/resend"),
            Some((E::ResendWebhook, vec!["msg_1".into()]))
        );
        assert_eq!(
            found("DELETE", "/analytics/ip-lists/blocked/3"),
            Some((E::RemoveBlockedIp, vec!["3".into()]))
        );
        assert_eq!(
            found("GET", "/sdk/replay-1a2b3c4d.js"),
            Some((E::SdkAsset, vec!["replay-1a2b3c4d".into()]))
        );
        assert_eq!(found("POST", "/track/replay"), Some((E::ReplayIngest, vec![])));
        assert_eq!(found("GET", "/replay"), Some((E::ReplayViewer, vec![])));
        assert_eq!(found("GET", "/replay/sessions"), Some((E::ReplaySessions, vec![])));
        let id = "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c";
        assert_eq!(
            found("GET", &format!("/replay/sessions/{id}")),
            Some((E::ReplaySession, vec![id.into()]))
        );
        assert_eq!(
            found("GET", &format!("/replay/sessions/{id}/events")),
            Some((E::ReplayEvents, vec![id.into()]))
        );
        assert_eq!(
            resolve("POST", "/replay/sessions"),
            Resolved::MethodNotAllowed { allow: "GET, HEAD, OPTIONS".to_owned() }
        );
    }

    #[test]
    fn wrong_method_is_405_with_allow() {
        assert_eq!(
            resolve("GET", "/track/events/batch"),
            Resolved::MethodNotAllowed { allow: "POST, OPTIONS".to_owned() }
        );
        assert_eq!(
            resolve("POST", "/health"),
            Resolved::MethodNotAllowed { allow: "GET, HEAD, OPTIONS".to_owned() }
        );
        assert_eq!(
            resolve("DELETE", "/tracker.js"),
            Resolved::MethodNotAllowed { allow: "GET, HEAD, OPTIONS".to_owned() }
        );
        assert_eq!(
            resolve("POST", "/analytics/settings"),
            Resolved::MethodNotAllowed { allow: "GET, HEAD, PUT, OPTIONS".to_owned() }
        );
        assert_eq!(
            resolve("POST", "/analytics/keys/x"),
            Resolved::MethodNotAllowed { allow: "PATCH, DELETE, OPTIONS".to_owned() }
        );
    }

    #[test]
    fn unknown_paths_are_404() {
        for path in [
            "/nope",
            "/health/",
            "/track",
            "/sdk/x.css",
            "/sdk/a/b.js",
            "/sdk/.wasm",
            "/a/b.js",
            "/.js",
            "/sdk/a/b.wasm",
            "/tracker.js/x",
            "/analytics",
            "/analytics/",
            "/analytics/nope",
            "/analytics/sites/a/b",
            "/analytics/sites/%2e%2e",
        ] {
            assert_eq!(resolve("GET", path), Resolved::NotFound, "{path}");
        }
        assert_eq!(resolve("OPTIONS", "/nope"), Resolved::NotFound);
        // `/` takes only the deprecated lead submission.
        assert_eq!(
            resolve("GET", "/"),
            Resolved::MethodNotAllowed { allow: "POST, OPTIONS".to_owned() }
        );
        assert_eq!(resolve("OPTIONS", "/analytics/nope"), Resolved::NotFound);
    }

    #[test]
    fn preflight_on_known_paths_and_all_of_track() {
        assert_eq!(
            resolve("OPTIONS", "/track/session/start"),
            Resolved::Preflight { allow: "POST, OPTIONS".to_owned() }
        );
        assert_eq!(
            resolve("OPTIONS", "/track/whatever"),
            Resolved::Preflight { allow: "POST, OPTIONS".to_owned() }
        );
        assert_eq!(
            resolve("OPTIONS", "/health"),
            Resolved::Preflight { allow: "GET, HEAD, OPTIONS".to_owned() }
        );
        assert_eq!(
            resolve("OPTIONS", "/analytics/sites/demo"),
            Resolved::Preflight { allow: "GET, HEAD, PUT, DELETE, OPTIONS".to_owned() }
        );
    }

    #[test]
    fn placeholders_match_one_safe_segment() {
        assert!(params("/sdk/{file}.wasm", "/sdk/pulsegate-00000000.wasm").is_some());
        assert!(params("/sdk/{file}.wasm", "/sdk/pulse gate.wasm").is_none());
        assert!(params("/sdk/{file}.wasm", "/sdk/%2e%2e.wasm").is_none());
        assert!(params("/{script}.js", "/form.js").is_some());
        assert!(params("/{script}.js", "/form.js.map").is_none());
    }

    #[test]
    fn every_protected_route_names_its_page_and_no_route_is_listed_twice() {
        for (i, r) in ROUTES.iter().enumerate() {
            if r.pattern.starts_with("/analytics/") || r.pattern.starts_with("/replay/") {
                assert_ne!(r.access, Public, "{} {} must be protected", r.method, r.pattern);
            } else {
                assert_eq!(r.access, Public, "{} {}", r.method, r.pattern);
            }
            let twice = ROUTES[..i].iter().any(|o| o.method == r.method && o.pattern == r.pattern);
            assert!(!twice, "{} {} is listed twice", r.method, r.pattern);
        }
        // Pages that administer the installation are never reachable with a marketing key.
        for r in ROUTES {
            if let Access::Page(p) = r.access
                && matches!(r.method, "PUT" | "POST" | "PATCH" | "DELETE")
            {
                assert!(
                    !p.grantable_to_marketing(),
                    "{} {} writes on a marketing page",
                    r.method,
                    r.pattern
                );
            }
        }
    }

    /// `tests/support/endpoints.json` is this table; the end-to-end auth matrix reads it.
    /// `PULSEGATE_WRITE_ENDPOINTS=1 cargo test -p pulsegate-worker` rewrites it.
    #[test]
    fn the_endpoint_file_for_the_auth_matrix_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/support/endpoints.json");
        let want = format!("{}\n", serde_json::to_string_pretty(&table_json()).unwrap());
        if std::env::var_os("PULSEGATE_WRITE_ENDPOINTS").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "tests/support/endpoints.json is stale: run PULSEGATE_WRITE_ENDPOINTS=1 cargo test -p pulsegate-worker"
        );
        assert!(ROUTES.len() > 30, "the table is not empty");
    }

    /// The floor bench's routes exist only in a build with the `bench-floor` feature: the
    /// default (production) table answers 404 under `/bench/`.
    #[cfg(not(feature = "bench-floor"))]
    #[test]
    fn the_default_build_has_no_bench_routes() {
        assert!(ROUTES.iter().all(|r| !r.pattern.starts_with("/bench")));
        assert_eq!(resolve("POST", "/bench/floor/both"), Resolved::NotFound);
    }
}
